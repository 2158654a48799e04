/* pel-npb: the NAS Parallel Benchmark kernels EP, CG, MG, FT and IS, run as
 * NPB 3.3.1 defines their classes, verified against NPB's published values,
 * reported in NPB's format and as a JSON run report (one entry per kernel).
 *
 * Each kernel is a component of its family (pel/component.h);
 * drivers/npb/<family>.c (gauss, sparse, mg, diffusion, sort) describes one
 * class of it; the common suite loop
 * (drivers/common/suite.h) runs, repeats, verifies and reports.  This file
 * is the table and NPB's printed format.
 *
 * Roofline: once per invocation, before the first kernel, a short STREAM
 * triad on the run's thread count (drivers/common/bench_roofline.h; skipped
 * with --no-triad) gives the memory bound; each memory-bound kernel counts
 * the bytes one of its steps moves (drivers/npb/<family>.c, and for CG the
 * library: pel_sparse_csr_spmv_bytes), and its result and report give
 * bytes moved per second over the timed section and that over the triad. */
#include <config.h>

#include <string.h>

#include "common/bench_roofline.h"
#include "npb/npb.h"

void npb_describe(pel_suite_case *c, long steps, const char *size, long iterations, const char *optype,
                  double operations)
{
    c->steps = steps;
    snprintf(c->text[0], sizeof c->text[0], "%s", size);
    c->info[0] = (pel_meta){.name = "size", .kind = PEL_META_STRING, .s = c->text[0]};
    c->info[1] = (pel_meta){.name = "iterations", .kind = PEL_META_INT, .i = iterations};
    c->info[2] = (pel_meta){.name = "operation_type", .kind = PEL_META_STRING, .s = optype};
    c->ninfo = 3;
    c->work = operations;
}

/* NPB's Mop/s: its operation count over the timed section. */
static int rates(const pel_suite_case *c, double seconds, pel_run_rate *out)
{
    out[0] = (pel_run_rate){"Mop/s total", seconds > 0 ? c->work / seconds * 1.0e-6 : 0.0, "Mop/s"};
    return 1;
}

static void print_start(const pel_suite *s, const pel_suite_problem *p, char cls, FILE *out)
{
    (void)s;
    fprintf(out, "\n NAS Parallel Benchmarks (PEL %s) - %s Benchmark, class %c\n\n", pel_version(), p->title, cls);
}

static void print_result(const pel_suite *s, const pel_report *r, const pel_run_summary *sum, FILE *out)
{
    const char *title = sum->problem;
    for (int i = 0; i < s->nproblems; i++)
        if (strcmp(s->problems[i]->name, sum->problem) == 0) title = s->problems[i]->title;
    double mops = sum->nrates ? sum->rates[0].value : 0.0;
    fprintf(out, "\n %s Benchmark Completed.\n", title);
    fprintf(out, " Class           = %24s\n", sum->variant);
    fprintf(out, " Size            = %24s\n", sum->info[0].s);
    fprintf(out, " Iterations      = %24lld\n", (long long)sum->info[1].i);
    fprintf(out, " Time in seconds = %24.4f%s\n", sum->kernel_seconds, sum->nreps > 1 ? "  (median)" : "");
    fprintf(out, " Total threads   = %24d\n", r->threads);
    fprintf(out, " Mop/s total     = %24.2f\n", mops);
    fprintf(out, " Mop/s/thread    = %24.2f\n", mops / r->threads);
    fprintf(out, " Operation type  = %24s\n", sum->info[2].s);
    for (int i = 1; i < sum->nrates; i++) /* the roofline's (suite.h) */
        if (strcmp(sum->rates[i].name, "memory traffic") == 0)
            fprintf(out, " Memory traffic  = %19.2f GB/s\n", sum->rates[i].value);
        else if (strcmp(sum->rates[i].name, "roofline fraction") == 0)
            fprintf(out, " Roofline        = %24.3f  (of the triad's GB/s in this run)\n", sum->rates[i].value);
        else if (strcmp(sum->rates[i].name, "triad") == 0)
            fprintf(out, " Triad           = %19.2f GB/s\n", sum->rates[i].value);
    fprintf(out, " Verification    = %24s\n", sum->exit_status == PEL_EXIT_OK ? "SUCCESSFUL" : "UNSUCCESSFUL");
    fprintf(out, " Checks          = %24d\n", pel_verify_log_count(sum->final_log));
    for (int i = 0; i < sum->nfields; i++)
        fprintf(out, " Fingerprint     = %s%s%s\n", sum->fingerprints[i], sum->nfields > 1 ? "  " : "",
                sum->nfields > 1 ? sum->fields[i].name : "");
    fprintf(out, " Version         = %24s\n\n", pel_version());
}

static const pel_suite_problem *const problems[] = {&npb_ep, &npb_cg, &npb_mg, &npb_ft, &npb_is};

static const pel_suite npb_suite = {
    .name = "pel-npb",
    .purpose = "The NAS Parallel Benchmark kernels, verified against NPB 3.3.1's published values.",
    .problem_noun = "kernel",
    .class_noun = "NPB class",
    .classes = "SWABC",
    .default_class = 'S',
    .problems = problems,
    .nproblems = (int)(sizeof problems / sizeof problems[0]),
    .rates = rates,
    .print_start = print_start,
    .print_result = print_result,
    .triad_gbs = pel_bench_roofline_triad,
};

int main(int argc, char **argv) { return pel_suite_main(&npb_suite, argc, argv); }
