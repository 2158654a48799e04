/* pel-bench's npb suite: the NAS Parallel Benchmark kernels as PEL's
 * components (pel/component.h, the problems of pel-npb in drivers/npb/),
 * setup and solve timed apart, verified, with their peak memory.
 *
 * Every repetition of every kernel is a fresh process: this program run
 * again with --npb-child (repetitions interleaved over the kernels: ep cg
 * mg ft is, ep cg ...).  A process's peak resident size (getrusage's
 * ru_maxrss) only grows, so measured in one process it would be the largest
 * kernel's so far, not each kernel's own; a child's is its own, read by
 * wait4 when it ends.  A fresh process also pays first-touch page faults in
 * setup, as a user's run does.  Per kernel:
 *   setup        pel_component_create: what NPB leaves untimed (the
 *                matrix, the initial condition, plans, keys)
 *   solve        the class's timed steps (NPB's "Time in seconds")
 *   whole        the child process from fork to exit (exec, setup, solve,
 *                verification, teardown)
 *   peak memory  the child's maximum resident set, MiB
 * A failed verification makes the suite's status 1. */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/bench.h"
#include "common/driver.h"
#include "npb/npb.h"

/* The npb problems describe their case through this (pel-npb has its own,
 * which also feeds its printed format; here only steps are read). */
void npb_describe(pel_suite_case *c, long steps, const char *size, long iterations, const char *optype,
                  double operations)
{
    (void)size, (void)iterations, (void)optype;
    c->steps = steps;
    c->work = operations;
}

static const pel_suite_problem *problem(const char *name)
{
    static const pel_suite_problem *const all[] = {&npb_ep, &npb_cg, &npb_mg, &npb_ft, &npb_is};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0) return all[i];
    return NULL;
}

/* The child: one repetition, printed as "setup = S", "solve = S", "verified = V". */
int pel_bench_npb_child(const char *kernel, char cls, int threads)
{
    const pel_suite_problem *p = problem(kernel);
    if (!p) {
        fprintf(stderr, "pel-bench: error: --npb-child %s: unknown kernel\n", kernel);
        return PEL_EXIT_USAGE;
    }
    pel_context *ctx;
    pel_verify_log *log;
    if (pel_context_create(&ctx)) return PEL_EXIT_RUN;
    if (threads > 0) pel_context_set_threads(ctx, threads);
    if (pel_verify_log_create(&log)) {
        pel_context_destroy(ctx);
        return PEL_EXIT_RUN;
    }
    const pel_component_type *type = p->component;
    void *params = calloc(1, type->params_size);
    pel_suite_case c = {0};
    pel_component *comp = NULL;
    pel_status st = params ? PEL_OK : PEL_ENOMEM;
    if (!st) {
        type->params_default(params);
        st = p->setup(ctx, cls, params, &c);
    }
    double t0 = pel_wtime(), t1 = t0, t2 = t0;
    if (!st) st = pel_component_create(ctx, type, params, &comp);
    t1 = pel_wtime();
    for (long k = 0; !st && k < c.steps; k++) st = pel_component_advance(comp, 1);
    t2 = pel_wtime();
    if (!st) st = pel_component_verify(comp, log);
    if (st) fprintf(stderr, "pel-bench: error: %s class %c: %s\n", kernel, cls, pel_context_error(ctx));
    else printf("setup = %.9g\nsolve = %.9g\nverified = %d\n", t1 - t0, t2 - t1, pel_verify_log_passed(log));
    pel_component_destroy(comp);
    free(params);
    pel_verify_log_destroy(log);
    pel_context_destroy(ctx);
    return st ? PEL_EXIT_RUN : PEL_EXIT_OK;
}

enum { SETUP, SOLVE, WHOLE, RSS, NS };

static int check(const pel_bench_env *env)
{
    const char *k[5];
    return pel_bench_kernels(env->kernels, k) < 0 ? PEL_EXIT_USAGE : -1;
}

static int run(const pel_bench_env *env, pel_bench_out *out)
{
    const char *k[5];
    int nk = pel_bench_kernels(env->kernels, k);
    if (nk < 0) return PEL_EXIT_USAGE;
    int first = out->n, status = PEL_EXIT_OK;
    static const char *const what[NS] = {"setup", "solve", "whole process", "peak memory"};
    static const char *const unit[NS] = {"s", "s", "s", "MiB"};
    for (int i = 0; i < nk; i++)
        for (int j = 0; j < NS; j++) {
            char up[3] = {(char)toupper((unsigned char)k[i][0]), (char)toupper((unsigned char)k[i][1]), 0};
            if (!pel_bench_add(out, unit[j], "npb %s %c %s", up, env->cls, what[j])) return PEL_EXIT_RUN;
        }
    printf("npb: class %c, %d thread%s, each repetition of each kernel a fresh process\n", env->cls, env->threads,
           env->threads == 1 ? "" : "s");
    fflush(stdout);
    char cls[2] = {env->cls, 0}, threads[16], buf[4096];
    snprintf(threads, sizeof threads, "%d", env->threads);
    for (int r = 0; r < env->reps && !status && !pel_run_stop_signal(); r++)
        for (int i = 0; i < nk && !status && !pel_run_stop_signal(); i++) {
            char *argv[] = {(char *)env->self, "--npb-child", (char *)k[i], "--class", cls, "--threads", threads, NULL};
            pel_bench_proc pr;
            int rc = pel_bench_spawn(argv, env->threads, buf, sizeof buf, &pr);
            double setup = pel_bench_field(buf, "setup"), solve = pel_bench_field(buf, "solve");
            double ver = pel_bench_field(buf, "verified");
            if (rc != 0 || isnan(setup) || isnan(solve) || isnan(ver)) {
                if (rc >= 128 + 1 && rc - 128 == pel_run_stop_signal()) break;
                fprintf(stderr, "pel-bench: error: npb %s class %c: the child %s (status %d)\n", k[i], env->cls,
                        rc < 0 ? "could not start" : "failed", rc);
                status = PEL_EXIT_RUN;
                break;
            }
            if (ver != 1.0) {
                fprintf(stderr, "pel-bench: npb %s class %c: verification FAILED\n", k[i], env->cls);
                status = PEL_EXIT_VERIFY;
            }
            pel_bench_series *s = &out->s[first + NS * i];
            double v[NS] = {setup, solve, pr.wall, pr.maxrss_kib / 1024.0};
            for (int j = 0; j < NS; j++) s[j].v[s[j].n++] = v[j];
        }
    if (!pel_run_stop_signal()) pel_bench_print_table(stdout, out, first);
    return status;
}

int pel_bench_npb_families(const pel_bench_env *env, const pel_component_type **out, int max)
{
    const char *k[5];
    int nk = pel_bench_kernels(env->kernels, k), n = 0; /* checked before the run */
    for (int i = 0; i < nk && n < max; i++) {
        const pel_suite_problem *p = problem(k[i]);
        if (p) out[n++] = p->component;
    }
    return n;
}

const pel_bench_suite pel_bench_npb = {"npb", "the NPB kernels: setup, solve, whole process, peak memory", 0, check, run,
                                       pel_bench_npb_families};
