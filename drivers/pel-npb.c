/* pel-npb: the NAS Parallel Benchmark kernels EP, CG, MG, FT and IS, run as
 * NPB 3.3.1 defines their classes, verified against NPB's published values,
 * reported in NPB's format and as a JSON report (schema pel-npb-report).
 *
 * The kernels are library code in their families (kernels/gauss,
 * sparse, multigrid, spectral, sort); drivers/npb/<name>.c runs one class of
 * one kernel.  This file is options, repetitions and reports. */
#include <config.h>

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common/driver.h"
#include "common/report.h"
#include "npb/npb.h"

#define NPB_MAX_REPEAT 100

static const npb_kernel *const kernels[] = {&npb_ep, &npb_cg, &npb_mg, &npb_ft, &npb_is};
enum { NKERNELS = sizeof kernels / sizeof kernels[0] };

typedef struct options {
    const char *kernel, *report;
    char cls;
    int threads, repeat, quiet, verbose;
} options;

/* One kernel's outcome over all repetitions. */
typedef struct outcome {
    const npb_kernel *k;
    char title[8];        /* "CG" */
    npb_result res;       /* of the last repetition; seconds replaced by the median */
    double seconds[NPB_MAX_REPEAT];
    int reps, threads, exit_status;
    int rep_differs;      /* a repetition's fingerprint differed from the first one's */
    pel_verify_log *log;  /* the last repetition's checks */
    pel_context *ctx;     /* its regions */
    char error[512];
} outcome;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: pel-npb --kernel NAME [OPTION]...\n"
            "The NAS Parallel Benchmark kernels, verified against NPB 3.3.1's published values.\n\n"
            "Options:\n"
            "  -k, --kernel NAME      ep, cg, mg, ft, is, or all\n"
            "  -C, --class X          problem class S, W, A, B or C (default S)\n"
            "  -t, --threads N        OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
            "  -n, --repeat N         run each kernel N times and report the median time (default 1)\n"
            "  -r, --report FILE      write the JSON report to FILE\n"
            "  -v, --verbose          print every verification check, not only failed ones\n"
            "  -q, --quiet            print only errors and failed checks\n"
            "  -h, --help             print this help and exit\n"
            "  -V, --version          print the version and exit\n\n"
            "Exit status: 0 every verification passed; 1 a verification failed (or repeated\n"
            "runs disagreed); 2 bad usage; 3 a run failed.\n");
}

static int parse_int(const char *opt, const char *arg, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || v < lo || v > hi) {
        fprintf(stderr, "pel-npb: %s %s: expected an integer from %d to %d\n", opt, arg, lo, hi);
        return 0;
    }
    *out = (int)v;
    return 1;
}

/* Returns -1 to go on, otherwise an exit status. */
static int parse(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"kernel", required_argument, NULL, 'k'}, {"class", required_argument, NULL, 'C'},
        {"threads", required_argument, NULL, 't'}, {"repeat", required_argument, NULL, 'n'},
        {"report", required_argument, NULL, 'r'}, {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
    *o = (options){.cls = 'S', .threads = -1, .repeat = 1};
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":k:C:t:n:r:vqhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'k': o->kernel = optarg; break;
        case 'C':
            if (strlen(optarg) != 1 || !strchr("SWABC", optarg[0])) {
                fprintf(stderr, "pel-npb: --class %s: unknown NPB class (expected S, W, A, B or C)\n", optarg);
                return PEL_EXIT_USAGE;
            }
            o->cls = optarg[0];
            break;
        case 't':
            if (!parse_int("--threads", optarg, 1, 4096, &o->threads)) return PEL_EXIT_USAGE;
            break;
        case 'n':
            if (!parse_int("--repeat", optarg, 1, NPB_MAX_REPEAT, &o->repeat)) return PEL_EXIT_USAGE;
            break;
        case 'r': o->report = optarg; break;
        case 'v': o->verbose = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return PEL_EXIT_OK;
        case 'V': printf("pel-npb (PEL) %s\n", pel_version()); return PEL_EXIT_OK;
        case ':': fprintf(stderr, "pel-npb: option %s needs a value (try --help)\n", argv[optind - 1]); return PEL_EXIT_USAGE;
        default: fprintf(stderr, "pel-npb: unknown option %s (try --help)\n", argv[optind - 1]); return PEL_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "pel-npb: unexpected argument '%s' (try --help)\n", argv[optind]);
        return PEL_EXIT_USAGE;
    }
    if (!o->kernel) {
        fprintf(stderr, "pel-npb: no kernel given: --kernel ep, cg, mg, ft, is or all (try --help)\n");
        return PEL_EXIT_USAGE;
    }
    if (strcmp(o->kernel, "all") == 0) return -1;
    for (int i = 0; i < NKERNELS; i++)
        if (strcmp(o->kernel, kernels[i]->name) == 0) return -1;
    fprintf(stderr, "pel-npb: --kernel %s: unknown kernel (expected ep, cg, mg, ft, is or all)\n", o->kernel);
    return PEL_EXIT_USAGE;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *x, int n)
{
    double s[NPB_MAX_REPEAT];
    memcpy(s, x, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* Runs one kernel o->repeat times; every repetition must verify and give the
 * first one's fingerprint. */
static void run_kernel(const options *o, outcome *r)
{
    pel_status st = pel_context_create(&r->ctx);
    if (!st && o->threads > 0) st = pel_context_set_threads(r->ctx, o->threads);
    if (!st) st = pel_verify_log_create(&r->log);
    if (st) {
        snprintf(r->error, sizeof r->error, "%s: cannot set up: %s", r->k->name, pel_strerror(st));
        r->exit_status = PEL_EXIT_RUN;
        return;
    }
    r->threads = pel_context_threads(r->ctx);
    char first[PEL_FINGERPRINT_HEX] = "";
    for (r->reps = 0; r->reps < o->repeat; r->reps++) {
        pel_verify_log_clear(r->log);
        memset(&r->res, 0, sizeof r->res);
        st = r->k->run(r->ctx, o->cls, o->quiet || r->reps ? NULL : stdout, r->log, &r->res);
        if (st) {
            snprintf(r->error, sizeof r->error, "%s class %c: %s", r->k->name, o->cls, pel_context_error(r->ctx));
            r->exit_status = PEL_EXIT_RUN;
            return;
        }
        r->seconds[r->reps] = r->res.seconds;
        if (!pel_verify_log_passed(r->log)) r->exit_status = PEL_EXIT_VERIFY;
        if (!r->reps) memcpy(first, r->res.fingerprint, sizeof first);
        else if (strcmp(first, r->res.fingerprint)) r->rep_differs = 1, r->exit_status = PEL_EXIT_VERIFY;
    }
    double t = median(r->seconds, r->reps);
    if (r->res.seconds > 0) r->res.mops *= r->res.seconds / t; /* the rate at the median time */
    r->res.seconds = t;
}

static void print_kernel(const options *o, const outcome *r)
{
    int ok = r->exit_status == PEL_EXIT_OK;
    for (int i = 0; i < pel_verify_log_count(r->log); i++) {
        const pel_verify_record *v = pel_verify_log_get(r->log, i);
        if (!v->pass || o->verbose)
            printf(" %s %s: value %.15e reference %.15e relative tolerance %g\n", v->pass ? "PASS" : "FAIL",
                   v->name, v->value, v->reference, v->rel_tol);
    }
    if (r->rep_differs) printf(" FAIL repetitions: the fingerprint changed between repeated runs\n");
    if (o->quiet) return;
    printf("\n %s Benchmark Completed.\n", r->title);
    printf(" Class           = %24c\n", o->cls);
    printf(" Size            = %24s\n", r->res.size);
    printf(" Iterations      = %24ld\n", r->res.iterations);
    printf(" Time in seconds = %24.4f%s\n", r->res.seconds, r->reps > 1 ? "  (median)" : "");
    printf(" Total threads   = %24d\n", r->threads);
    printf(" Mop/s total     = %24.2f\n", r->res.mops);
    printf(" Mop/s/thread    = %24.2f\n", r->res.mops / r->threads);
    printf(" Operation type  = %24s\n", r->k->optype);
    printf(" Verification    = %24s\n", ok ? "SUCCESSFUL" : "UNSUCCESSFUL");
    printf(" Checks          = %24d\n", pel_verify_log_count(r->log));
    printf(" Fingerprint     = %s\n", r->res.fingerprint);
    printf(" Version         = %24s\n\n", pel_version());
}

static void json_kernel(pel_json *w, const options *o, const outcome *r)
{
    pel_json_object_begin(w);
    pel_json_kv_string(w, "kernel", r->k->name);
    char cls[2] = {o->cls, 0};
    pel_json_kv_string(w, "class", cls);
    pel_json_kv_string(w, "size", r->res.size);
    pel_json_kv_int(w, "iterations", r->res.iterations);
    pel_json_kv_int(w, "threads", r->threads);
    pel_json_kv_number(w, "seconds_median", r->res.seconds);
    pel_json_key(w, "seconds");
    pel_json_array_begin(w);
    for (int i = 0; i < r->reps; i++) pel_json_number(w, r->seconds[i]);
    pel_json_array_end(w);
    pel_json_kv_number(w, "mops_total", r->res.mops);
    pel_json_kv_string(w, "operation_type", r->k->optype);
    pel_json_kv_bool(w, "verified", r->exit_status == PEL_EXIT_OK);
    pel_json_key(w, "verification");
    pel_json_verify_log(w, r->log);
    pel_json_kv_bool(w, "repetitions_identical", !r->rep_differs);
    pel_json_kv_string(w, "fingerprint", r->res.fingerprint);
    pel_json_key(w, "regions");
    pel_json_regions(w, r->ctx);
    pel_json_kv_string(w, "error", r->error[0] ? r->error : NULL);
    pel_json_object_end(w);
}

static int write_report(const options *o, int argc, char **argv, const outcome *rs, int n, int status)
{
    pel_context *ctx;
    if (pel_context_create(&ctx)) return 0;
    pel_afile *a;
    pel_json *w = NULL;
    int ok = pel_afile_open(ctx, o->report, &a) == PEL_OK;
    if (ok && pel_json_create(&w, pel_afile_stream(a))) pel_afile_abort(a), ok = 0;
    if (ok) {
        pel_json_object_begin(w);
        pel_json_kv_string(w, "schema", "pel-npb-report");
        pel_json_kv_int(w, "schema_version", 1);
        pel_json_kv_string(w, "program", "pel-npb");
        pel_report_provenance(w);
        pel_json_key(w, "command_line");
        pel_json_array_begin(w);
        for (int i = 0; i < argc; i++) pel_json_string(w, argv[i]);
        pel_json_array_end(w);
        pel_json_key(w, "kernels");
        pel_json_array_begin(w);
        for (int i = 0; i < n; i++) json_kernel(w, o, &rs[i]);
        pel_json_array_end(w);
        pel_json_kv_int(w, "exit_status", status);
        pel_json_object_end(w);
        if (pel_json_finish(w)) pel_afile_abort(a), ok = 0;
        else ok = pel_afile_commit(ctx, a) == PEL_OK;
    }
    if (!ok) fprintf(stderr, "pel-npb: %s\n", pel_context_error(ctx)[0] ? pel_context_error(ctx) : "cannot write the report");
    pel_context_destroy(ctx);
    return ok;
}

int main(int argc, char **argv)
{
    options o;
    int st = parse(argc, argv, &o);
    if (st >= 0) return st;
    outcome rs[NKERNELS];
    memset(rs, 0, sizeof rs);
    int n = 0, status = PEL_EXIT_OK;
    for (int i = 0; i < NKERNELS; i++) {
        if (strcmp(o.kernel, "all") && strcmp(o.kernel, kernels[i]->name)) continue;
        outcome *r = &rs[n++];
        r->k = kernels[i];
        for (int j = 0; j < 7 && r->k->name[j]; j++) r->title[j] = (char)toupper((unsigned char)r->k->name[j]);
        if (!o.quiet) printf("\n NAS Parallel Benchmarks (PEL %s) - %s Benchmark, class %c\n\n", pel_version(), r->title, o.cls);
        run_kernel(&o, r);
        if (r->error[0]) fprintf(stderr, "pel-npb: %s\n", r->error);
        else print_kernel(&o, r);
        if (r->exit_status > status) status = r->exit_status;
    }
    if (o.report && !write_report(&o, argc, argv, rs, n, status)) status = PEL_EXIT_RUN;
    for (int i = 0; i < n; i++) {
        pel_verify_log_destroy(rs[i].log);
        pel_context_destroy(rs[i].ctx);
    }
    return status;
}
