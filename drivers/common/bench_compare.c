/* pel-bench's compare suite: PEL's NPB kernels side by side with NPB's own
 * programs, as whole processes.
 *
 * Given a directory of NPB binaries named as NPB 3.3 names them (cg.A.x,
 * mg.B.x, ...), each repetition runs, per kernel, NPB's program and then
 * pel-npb on the same kernel, class and thread count (OMP_NUM_THREADS for
 * NPB, --threads for PEL): A B A B ..., so the two of a pair see the same
 * state of a shared machine.  Each side's timed section is the "Time in
 * seconds" it prints (NPB's own timer; pel-npb's timed steps), its whole
 * process the wall time from fork to exit, its peak memory the child's
 * ru_maxrss (wait4).  pel-npb runs with --no-triad: NPB's programs measure
 * no bound, and its time is no part of the kernel's.  Per kernel the ratios PEL/NPB of each pair, timed and
 * whole process, then median, min and max.  A run that does not print
 * "Verification = SUCCESSFUL" makes the suite's status 1; NPB's binaries
 * are never part of PEL: the directory is the user's. */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bench.h"
#include "common/driver.h"

enum { NPB_T, PEL_T, R_T, NPB_W, PEL_W, R_W, NPB_M, PEL_M, NS };

/* NPB's program for kernel k; with check, -1 when it is there, else the
 * exit status after a one-line message. */
static int npb_path(const pel_bench_env *env, const char *k, char *path, size_t n)
{
    snprintf(path, n, "%s/%s.%c.x", env->npb_dir, k, env->cls);
    if (!access(path, X_OK)) return -1;
    fprintf(stderr, "pel-bench: error: --npb-dir %s: no executable %s.%c.x there (%s)\n", env->npb_dir, k, env->cls,
            path);
    return PEL_EXIT_USAGE;
}

static int check(const pel_bench_env *env)
{
    const char *k[5];
    char path[4096];
    int nk = pel_bench_kernels(env->kernels, k);
    if (nk < 0) return PEL_EXIT_USAGE;
    if (!env->npb_dir) {
        fprintf(stderr, "pel-bench: error: --suite compare needs --npb-dir DIR (NPB's binaries: cg.A.x ...)\n");
        return PEL_EXIT_USAGE;
    }
    struct stat st;
    if (stat(env->npb_dir, &st) || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "pel-bench: error: --npb-dir %s: not a directory\n", env->npb_dir);
        return PEL_EXIT_USAGE;
    }
    for (int i = 0; i < nk; i++)
        if (npb_path(env, k[i], path, sizeof path) >= 0) return PEL_EXIT_USAGE;
    if (access(env->pel_npb, X_OK)) {
        fprintf(stderr, "pel-bench: error: --pel-npb %s: not an executable program\n", env->pel_npb);
        return PEL_EXIT_USAGE;
    }
    return -1;
}

static int run(const pel_bench_env *env, pel_bench_out *out)
{
    const char *k[5];
    int nk = pel_bench_kernels(env->kernels, k);
    if (nk < 0) return PEL_EXIT_USAGE;
    char path[5][4096];
    for (int i = 0; i < nk; i++)
        if (npb_path(env, k[i], path[i], sizeof path[i]) >= 0) return PEL_EXIT_USAGE;
    static const char *const what[NS] = {"NPB timed",  "PEL timed",  "PEL/NPB timed",    "NPB whole process",
                                         "PEL whole process", "PEL/NPB whole process", "NPB peak memory",
                                         "PEL peak memory"};
    static const char *const unit[NS] = {"s", "s", "ratio", "s", "s", "ratio", "MiB", "MiB"};
    int first = out->n, status = PEL_EXIT_OK;
    for (int i = 0; i < nk; i++)
        for (int j = 0; j < NS; j++) {
            char up[3] = {(char)toupper((unsigned char)k[i][0]), (char)toupper((unsigned char)k[i][1]), 0};
            if (!pel_bench_add(out, unit[j], "%s %c %dT %s", up, env->cls, env->threads, what[j])) return PEL_EXIT_RUN;
        }
    printf("compare: class %c, %d thread%s, NPB from %s against %s, interleaved\n", env->cls, env->threads,
           env->threads == 1 ? "" : "s", env->npb_dir, env->pel_npb);
    fflush(stdout);
    char cls[2] = {env->cls, 0}, threads[16], buf[1 << 16];
    snprintf(threads, sizeof threads, "%d", env->threads);
    int stop = 0;
    for (int r = 0; r < env->reps && !stop; r++)
        for (int i = 0; i < nk && !stop; i++) {
            double t[2], w[2], m[2];
            for (int side = 0; side < 2 && !stop; side++) {
                char *npb[] = {path[i], NULL};
                char *pel[] = {(char *)env->pel_npb, "--kernel", (char *)k[i], "--class", cls, "--threads", threads,
                               "--no-triad", NULL};
                const char *who = side ? env->pel_npb : path[i];
                pel_bench_proc pr;
                int rc = pel_bench_spawn(side ? pel : npb, env->threads, buf, sizeof buf, &pr);
                if ((stop = pel_run_stop_signal())) break;
                t[side] = pel_bench_field(buf, "Time in seconds");
                w[side] = pr.wall;
                m[side] = pr.maxrss_kib / 1024.0;
                if (rc < 0 || rc >= 128) {
                    if (rc < 0) fprintf(stderr, "pel-bench: error: compare: %s: could not start it\n", who);
                    else fprintf(stderr, "pel-bench: error: compare: %s was killed by signal %d\n", who, rc - 128);
                    status = PEL_EXIT_RUN;
                    stop = 1;
                } else if (isnan(t[side])) {
                    fprintf(stderr, "pel-bench: error: compare: %s printed no \"Time in seconds =\" (exit status %d)\n", who, rc);
                    status = PEL_EXIT_RUN;
                    stop = 1;
                } else if (rc != 0 || !pel_bench_verified(buf)) {
                    fprintf(stderr, "pel-bench: compare: %s class %c: verification FAILED (exit status %d)\n", who,
                            env->cls, rc);
                    if (!status) status = PEL_EXIT_VERIFY;
                }
            }
            if (stop) break;
            pel_bench_series *s = &out->s[first + NS * i];
            double v[NS] = {t[0], t[1], t[0] > 0 ? t[1] / t[0] : NAN, w[0], w[1], w[1] / w[0], m[0], m[1]};
            for (int j = 0; j < NS; j++)
                if (!isnan(v[j])) s[j].v[s[j].n++] = v[j];
        }
    if (!pel_run_stop_signal()) pel_bench_print_table(stdout, out, first);
    return status;
}

const pel_bench_suite pel_bench_compare = {"compare", "NPB's binaries (--npb-dir) against pel-npb, interleaved", 0,
                                           check, run, pel_bench_npb_families};
