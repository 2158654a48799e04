/* pel-bench: kernel speed against bounds measured in the same run, in named
 * suites (drivers/common/bench_<suite>.c, one line each in the table below;
 * how to add one: drivers/common/bench.h):
 *   stream   the STREAM triad (24 bytes per element counted), the bound
 *   heat     the heat stencils' effective bandwidth against the triad
 *   poisson  the Poisson solve against FFTW's best plans of its transforms
 *   npb      the NPB kernels: setup and solve apart, whole process, memory
 *   compare  NPB's own binaries against pel-npb, interleaved
 * Every array is at least 4x the last-level cache; each kernel measurement
 * sits beside its bound, so the ratio of a pair survives the drift of a
 * shared machine; the tables and the report give median, min and max. */
#include <config.h>

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <fftw3.h>

#include "common/bench.h"
#include "common/driver.h"

static const pel_bench_suite *const suites[] = {&pel_bench_stream, &pel_bench_heat, &pel_bench_poisson,
                                                &pel_bench_npb, &pel_bench_compare, &pel_bench_ocean_suite,
                                                &pel_bench_climate, &pel_bench_sparse};
enum { NSUITES = sizeof suites / sizeof suites[0] };

static const char usage[] =
    "Usage: pel-bench [--suite LIST] [--threads N] [--reps R] [--report FILE] [--quick]\n"
    "                 [--patient] [--class X] [--kernels LIST] [--npb-dir DIR] [--pel-npb PATH]\n"
    "Measures PEL's kernels against bounds measured in the same run, interleaved,\n"
    "and prints median/min/max and ratios.\n"
    "  --suite LIST     comma-separated suites (default stream,heat,poisson):\n"
    "%s"
    "  --threads N      OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  --reps R         repetitions, 1 to 100 (default 11)\n"
    "  --report FILE    write the JSON run report (pel-run-report 2)\n"
    "  --quick          small problems (class S for npb and compare): a smoke test,\n"
    "                   not a measurement\n"
    "  --patient        plan Poisson's bound with FFTW_PATIENT (default FFTW_MEASURE;\n"
    "                   --measure, its former switch, is accepted and is the default)\n"
    "  --class X        NPB class S, W, A, B or C for npb, compare and sparse (default A)\n"
    "  --kernels LIST   NPB kernels for npb and compare (default ep,cg,mg,ft,is)\n"
    "  --npb-dir DIR    compare: NPB's binaries, named as NPB names them (cg.A.x)\n"
    "  --pel-npb PATH   compare: the pel-npb to run (default: beside pel-bench)\n"
    "Exit status: 0 done; 1 a verification failed (npb, compare); 2 bad usage;\n"
    "3 setup, a run or the report failed; 128+N stopped by signal N (between\n"
    "repetitions, or within a child program, which is stopped too; without a\n"
    "report).\n";

typedef struct bench_options {
    int threads, reps, quick, patient;
    char cls;
    const char *report, *suites, *kernels, *npb_dir, *pel_npb, *child;
} bench_options;

static void print_usage(void)
{
    char list[1024];
    size_t k = 0;
    for (int i = 0; i < NSUITES && k < sizeof list; i++)
        k += (size_t)snprintf(list + k, sizeof list - k, "                     %-8s %s\n", suites[i]->name,
                              suites[i]->what);
    printf(usage, list);
}

/* Options through the drivers' strict parser: -1 to go on, else the exit status. */
static int parse(int argc, char **argv, bench_options *o)
{
    static const struct option opts[] = {
        {"threads", required_argument, NULL, 't'}, {"reps", required_argument, NULL, 'n'},
        {"report", required_argument, NULL, 'r'},  {"quick", no_argument, NULL, 'q'},
        {"measure", no_argument, NULL, 'm'},       {"patient", no_argument, NULL, 'P'},
        {"suite", required_argument, NULL, 's'},   {"class", required_argument, NULL, 'C'},
        {"kernels", required_argument, NULL, 'k'}, {"npb-dir", required_argument, NULL, 'd'},
        {"pel-npb", required_argument, NULL, 'p'}, {"npb-child", required_argument, NULL, 'X'},
        {"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    int c;
    long v;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":t:n:r:qmPs:C:k:d:p:X:hV", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (!pel_opt_int("pel-bench", "--threads", optarg, 1, PEL_OPT_MAX_THREADS, &v)) return PEL_EXIT_USAGE;
            o->threads = (int)v;
            break;
        case 'n':
            if (!pel_opt_int("pel-bench", "--reps", optarg, 1, PEL_BENCH_MAX_REPS, &v)) return PEL_EXIT_USAGE;
            o->reps = (int)v;
            break;
        case 'r':
            if (!pel_opt_once("pel-bench", "--report", &o->report, optarg)) return PEL_EXIT_USAGE;
            break;
        case 'q': o->quick = 1; break;
        case 'm': break; /* MEASURE is the default now */
        case 'P': o->patient = 1; break;
        case 's':
            if (!pel_opt_once("pel-bench", "--suite", &o->suites, optarg)) return PEL_EXIT_USAGE;
            break;
        case 'C':
            if (strlen(optarg) != 1 || !strchr("SWABC", optarg[0])) {
                fprintf(stderr, "pel-bench: error: --class %s: unknown NPB class (expected S, W, A, B or C)\n", optarg);
                return PEL_EXIT_USAGE;
            }
            o->cls = optarg[0];
            break;
        case 'k':
            if (!pel_opt_once("pel-bench", "--kernels", &o->kernels, optarg)) return PEL_EXIT_USAGE;
            break;
        case 'd':
            if (!pel_opt_once("pel-bench", "--npb-dir", &o->npb_dir, optarg)) return PEL_EXIT_USAGE;
            break;
        case 'p':
            if (!pel_opt_once("pel-bench", "--pel-npb", &o->pel_npb, optarg)) return PEL_EXIT_USAGE;
            break;
        case 'X': o->child = optarg; break;
        case 'h': print_usage(); return PEL_EXIT_OK;
        case 'V': printf("pel-bench (PEL) %s\n", pel_version()); return PEL_EXIT_OK;
        default: return pel_opt_missing("pel-bench", c, argv);
        }
    }
    return pel_opt_extra("pel-bench", argc, argv);
}

/* The suites named in list, in the table's order, into use[]; 0 (message
 * printed) for an unknown or no name. */
static int select_suites(const char *list, int use[NSUITES])
{
    int any = 0;
    memset(use, 0, NSUITES * sizeof *use);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        int i = 0;
        while (i < NSUITES && !(strlen(suites[i]->name) == len && strncmp(p, suites[i]->name, len) == 0)) i++;
        if (i == NSUITES) {
            fprintf(stderr, "pel-bench: error: --suite %s: unknown suite '%.*s' (expected ", list, (int)len, p);
            for (int j = 0; j < NSUITES; j++)
                fprintf(stderr, "%s%s", suites[j]->name, j + 2 < NSUITES ? ", " : j + 1 < NSUITES ? " or " : ")\n");
            return 0;
        }
        use[i] = any = 1;
        p += len + (p[len] == ',');
    }
    if (!any) fprintf(stderr, "pel-bench: error: --suite '%s': no suite named\n", list);
    return any;
}

static int bench_main(int argc, char **argv)
{
    bench_options o = {.reps = 11};
    int code = parse(argc, argv, &o);
    if (code >= 0) return code;
    if (!o.cls) o.cls = o.quick ? 'S' : 'A';
    if (!o.suites) o.suites = "stream,heat,poisson";
    if (!o.kernels) o.kernels = "ep,cg,mg,ft,is";
    if (o.child) return pel_bench_npb_child(o.child, o.cls, o.threads);
    int use[NSUITES];
    if (!select_suites(o.suites, use)) return PEL_EXIT_USAGE;

    /* this program (the npb suite's children) and pel-npb beside it */
    static char self[4096], pel_npb[4096 + 16];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) self[len] = 0;
    else snprintf(self, sizeof self, "%s", argv[0]);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", self);
    snprintf(pel_npb, sizeof pel_npb, "%s/pel-npb", dirname(dir));

    pel_context *ctx;
    if (pel_context_create(&ctx)) return PEL_EXIT_RUN;
    if ((code = pel_opt_threads("pel-bench", ctx, o.threads)) >= 0) {
        pel_context_destroy(ctx);
        return code;
    }
    pel_bench_env env = {.ctx = ctx, .threads = pel_context_threads(ctx), .reps = o.reps, .quick = o.quick,
                         .patient = o.patient, .llc = pel_bench_llc_bytes(), .cls = o.cls, .kernels = o.kernels,
                         .npb_dir = o.npb_dir, .pel_npb = o.pel_npb ? o.pel_npb : pel_npb, .self = self,
                         .argc = argc, .argv = argv};
    for (int i = 0; i < NSUITES; i++)
        if (use[i] && suites[i]->check && (code = suites[i]->check(&env)) >= 0) {
            pel_context_destroy(ctx);
            return code;
        }
    if (o.report && pel_afile_check(ctx, o.report)) { /* before any measurement */
        fprintf(stderr, "pel-bench: error: --report: %s\n", pel_context_error(ctx));
        pel_context_destroy(ctx);
        return PEL_EXIT_RUN;
    }
    pel_run_guard_begin("pel-bench"); /* signals stop between repetitions; libgomp's exit is exit 3 */
    fftw_init_threads();
    printf("pel-bench %s: %d thread%s, LLC %zu MiB, %d repetitions, suites %s\n", pel_version(), env.threads,
           env.threads == 1 ? "" : "s", env.llc >> 20, env.reps, o.suites);
    pel_bench_out out = {0};
    int status = PEL_EXIT_OK;
    for (int i = 0; i < NSUITES && status != PEL_EXIT_RUN && !pel_run_stop_signal(); i++) {
        if (!use[i]) continue;
        int st = suites[i]->run(&env, &out);
        if (st > status) status = st;
    }
    int sig = pel_run_stop_signal();
    char numerics[1024];
    pel_bench_numerics(&env, suites, use, NSUITES, numerics, sizeof numerics);
    int ok = sig || status == PEL_EXIT_RUN || status == PEL_EXIT_USAGE || !o.report ||
             pel_bench_report(ctx, o.report, &out, &env, o.suites, numerics, status);
    if (sig) status = pel_run_stopped("pel-bench");
    else if (!ok) fprintf(stderr, "pel-bench: error: %s\n", pel_context_error(ctx));
    pel_bench_out_free(&out);
    pel_context_destroy(ctx);
    fftw_cleanup_threads();
    pel_run_guard_end();
    return sig || ok ? status : PEL_EXIT_RUN;
}

/* the status, or 3 when what was printed could not be written */
int main(int argc, char **argv) { return pel_opt_stdout("pel-bench", bench_main(argc, argv)); }
