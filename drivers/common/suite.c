/* The suite run loop (suite.h): options, one context per problem, the
 * repetitions with their median and fingerprint comparison, and the report. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common/suite.h"

typedef struct suite_options {
    const char *problem, *report;
    char cls;
    int threads, repeat, quiet, verbose, no_triad;
    double triad; /* GB/s, 0: not measured */
} suite_options;

/* One problem's run and what its summary points to. */
typedef struct suite_run {
    const pel_suite_problem *p;
    pel_run_summary sum;
    pel_suite_case c;
    pel_context *ctx;
    pel_verify_log *log;
    void *params;
    double seconds[PEL_SUITE_MAX_REPEAT];
    pel_field *fields;                    /* the result fields' descriptors */
    char (*fp)[PEL_FINGERPRINT_HEX];      /* their fingerprints, last repetition */
    char (*first)[PEL_FINGERPRINT_HEX];   /* ... and first */
    char cls[2];
    char error[512];
} suite_run;

static void usage(const pel_suite *s, FILE *out)
{
    fprintf(out, "Usage: %s --%s NAME [OPTION]...\n%s\n\nOptions:\n", s->name, s->problem_noun, s->purpose);
    char opt[64];
    snprintf(opt, sizeof opt, "%s NAME", s->problem_noun);
    fprintf(out, "  -%c, --%-17s", s->problem_noun[0], opt);
    for (int i = 0; i < s->nproblems; i++) fprintf(out, "%s%s", s->problems[i]->name, i + 1 < s->nproblems ? ", " : "");
    fprintf(out, " or all\n  -C, --class X          problem class ");
    for (const char *c = s->classes; *c; c++) fprintf(out, "%c%s", *c, c[1] ? (c[2] ? ", " : " or ") : "");
    fprintf(out, " (default %c)\n", s->default_class);
    fprintf(out,
            "  -t, --threads N        OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
            "  -n, --repeat N         run each %s N times and report the median time (default 1)\n"
            "  -r, --report FILE      write the JSON run report to FILE\n"
            "%s"
            "  -v, --verbose          print every verification check, not only failed ones\n"
            "  -q, --quiet            print only errors and failed checks\n"
            "  -h, --help             print this help and exit\n"
            "  -V, --version          print the version and exit\n\n"
            "Exit status: 0 every verification passed; 1 a verification failed (or repeated\n"
            "runs disagreed); 2 bad usage; 3 a run failed; 128+N stopped by signal N\n"
            "(SIGINT 130, SIGTERM 143), without a report.\n",
            s->problem_noun,
            s->triad_gbs ? "      --no-triad         do not run the STREAM triad that otherwise runs once,\n"
                           "                         before the first kernel, on the run's threads, in a\n"
                           "                         process of its own (arrays of 4x the last-level\n"
                           "                         caches; about 0.2-1 s): the memory bound of a\n"
                           "                         memory-bound kernel's roofline fraction, bytes moved\n"
                           "                         per second over the triad's GB/s, printed and in the\n"
                           "                         report\n"
                         : "");
}

static int parse_int(const pel_suite *s, const char *opt, const char *arg, int lo, int hi, int *out)
{
    long v;
    if (!pel_opt_int(s->name, opt, arg, lo, hi, &v)) return 0;
    *out = (int)v;
    return 1;
}

/* "ep, cg, mg, ft, is or all" */
static void problem_list(const pel_suite *s, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < s->nproblems && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s, ", s->problems[i]->name);
    if (k > 2 && k < n) snprintf(buf + k - 2, n - k + 2, " or all");
}

static void class_list(const pel_suite *s, char *buf, size_t n)
{
    size_t k = 0;
    for (const char *c = s->classes; *c && k + 8 < n; c++)
        k += (size_t)snprintf(buf + k, n - k, "%c%s", *c, c[1] ? (c[2] ? ", " : " or ") : "");
}

static int known_problem(const pel_suite *s, const char *name)
{
    if (strcmp(name, "all") == 0) return 1;
    for (int i = 0; i < s->nproblems; i++)
        if (strcmp(name, s->problems[i]->name) == 0) return 1;
    return 0;
}

/* Returns -1 to go on, otherwise an exit status. */
static int parse(const pel_suite *s, int argc, char **argv, suite_options *o)
{
    const struct option longopts[] = {
        {s->problem_noun, required_argument, NULL, 'k'}, {"class", required_argument, NULL, 'C'},
        {"threads", required_argument, NULL, 't'}, {"repeat", required_argument, NULL, 'n'},
        {"report", required_argument, NULL, 'r'},  {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},       {"no-triad", no_argument, NULL, 'T'},
        {NULL, 0, NULL, 0}};
    char shortopts[32];
    snprintf(shortopts, sizeof shortopts, ":%c:C:t:n:r:vqhV", s->problem_noun[0]);
    *o = (suite_options){.cls = s->default_class, .threads = -1, .repeat = 1};
    char names[256], classes[64];
    problem_list(s, names, sizeof names);
    class_list(s, classes, sizeof classes);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == s->problem_noun[0]) c = 'k';
        switch (c) {
        case 'k':
            if (o->problem) {
                fprintf(stderr, "%s: error: --%s is given twice ('%s', then '%s'): give one, or all\n", s->name,
                        s->problem_noun, o->problem, optarg);
                return PEL_EXIT_USAGE;
            }
            o->problem = optarg;
            break;
        case 'C':
            if (strlen(optarg) != 1 || !strchr(s->classes, optarg[0])) {
                fprintf(stderr, "%s: error: --class %s: unknown %s (expected %s)\n", s->name, optarg, s->class_noun, classes);
                return PEL_EXIT_USAGE;
            }
            o->cls = optarg[0];
            break;
        case 't':
            if (!parse_int(s, "--threads", optarg, 1, PEL_OPT_MAX_THREADS, &o->threads)) return PEL_EXIT_USAGE;
            break;
        case 'n':
            if (!parse_int(s, "--repeat", optarg, 1, PEL_SUITE_MAX_REPEAT, &o->repeat)) return PEL_EXIT_USAGE;
            break;
        case 'r':
            if (!pel_opt_once(s->name, "--report", &o->report, optarg)) return PEL_EXIT_USAGE;
            break;
        case 'v': o->verbose = 1; break;
        case 'q': o->quiet = 1; break;
        case 'T':
            if (!s->triad_gbs) return pel_opt_missing(s->name, '?', argv);
            o->no_triad = 1;
            break;
        case 'h': usage(s, stdout); return PEL_EXIT_OK;
        case 'V': printf("%s (PEL) %s\n", s->name, pel_version()); return PEL_EXIT_OK;
        default: return pel_opt_missing(s->name, c, argv);
        }
    }
    int extra = pel_opt_extra(s->name, argc, argv);
    if (extra >= 0) return extra;
    if (!o->problem) {
        fprintf(stderr, "%s: error: no %s given: --%s %s (try --help)\n", s->name, s->problem_noun, s->problem_noun, names);
        return PEL_EXIT_USAGE;
    }
    if (known_problem(s, o->problem)) return -1;
    fprintf(stderr, "%s: error: --%s %s: unknown %s (expected %s)\n", s->name, s->problem_noun, o->problem,
            s->problem_noun, names);
    return PEL_EXIT_USAGE;
}

/* One repetition: create (untimed), advance the case's steps (timed),
 * verify, fingerprint; the component is gone afterwards, its fingerprints
 * and the verification records stay (the field descriptors' data is cleared:
 * it went with the component). */
static pel_status repetition(suite_run *r, int rep)
{
    pel_run_summary *sum = &r->sum;
    pel_component *comp = NULL;
    pel_verify_log_clear(r->log);
    pel_status st = pel_component_create(r->ctx, r->p->component, r->params, &comp);
    if (!st) st = pel_region_begin(r->ctx, "benchmark");
    double t0 = pel_wtime();
    /* a step at a time: a signal is seen at the next step boundary */
    for (long k = 0; !st && k < r->c.steps && !pel_run_stop_signal(); k++) st = pel_component_advance(comp, 1);
    r->seconds[rep] = pel_wtime() - t0;
    if (!st) st = pel_region_end(r->ctx, "benchmark");
    if (!st) st = pel_region_begin(r->ctx, "verify");
    if (!st) st = pel_component_verify(comp, r->log);
    if (!st) st = pel_region_end(r->ctx, "verify");
    if (!st && r->c.step_bytes) r->c.bytes = r->c.step_bytes(comp);
    int n = st ? 0 : pel_component_fields(comp, NULL, 0);
    if (!st && n < 0) st = pel_error(r->ctx, PEL_EINVAL, "%s: the component lists no fields", r->p->name);
    if (!st && rep && n != sum->nfields)
        st = pel_error(r->ctx, PEL_EINVAL, "%s: %d result fields, the first repetition had %d", r->p->name, n,
                       sum->nfields);
    if (!st && !rep) {
        r->fields = calloc((size_t)n + 1, sizeof *r->fields);
        r->fp = calloc((size_t)n + 1, sizeof *r->fp);
        r->first = calloc((size_t)n + 1, sizeof *r->first);
        if (!r->fields || !r->fp || !r->first) st = pel_error(r->ctx, PEL_ENOMEM, "%s: out of memory", r->p->name);
        sum->fields = r->fields;
        sum->fingerprints = r->fp;
    }
    if (!st) {
        n = pel_component_fields(comp, r->fields, n);
        sum->nfields = n;
        for (int i = 0; i < n && !st; i++)
            if (!r->fields[i].data && pel_field_count(&r->fields[i]))
                st = pel_error(r->ctx, PEL_EINVAL, "%s: field '%s' is not available", r->p->name, r->fields[i].name);
        if (!st) pel_report_fingerprints(sum);
        for (int i = 0; i < n; i++) {
            r->fields[i].data = NULL; /* it goes with the component */
            if (rep && strcmp(r->first[i], r->fp[i])) sum->reps_identical = 0;
            if (!rep) memcpy(r->first[i], r->fp[i], PEL_FINGERPRINT_HEX);
        }
    }
    pel_component_destroy(comp);
    return st;
}

static void run_problem(const pel_suite *s, const suite_options *o, suite_run *r)
{
    pel_run_summary *sum = &r->sum;
    const pel_component_type *type = r->p->component;
    r->cls[0] = o->cls;
    sum->problem = r->p->name;
    pel_report_set_type(sum, type);
    sum->variant = r->cls;
    sum->reps_identical = 1;
    sum->rep_seconds = r->seconds;
    pel_status st = pel_context_create(&r->ctx);
    /* a signal stops a step within it: CG's iterations, EP's batches */
    if (!st) pel_context_set_cancel(r->ctx, pel_run_stop_flag());
    if (!st && o->threads > 0) st = pel_context_set_threads(r->ctx, o->threads);
    if (!st) st = pel_verify_log_create(&r->log);
    if (!st && !(r->params = calloc(1, type->params_size))) st = PEL_ENOMEM;
    if (st) {
        snprintf(r->error, sizeof r->error, "%s: cannot set up: %s", r->p->name, pel_strerror(st));
        sum->error = r->error;
        sum->exit_status = PEL_EXIT_RUN;
        return;
    }
    sum->ctx = r->ctx;
    sum->final_log = r->log;
    type->params_default(r->params);
    st = r->p->setup(r->ctx, o->cls, r->params, &r->c);
    memcpy(sum->info, r->c.info, sizeof sum->info);
    sum->ninfo = r->c.ninfo;
    sum->step_end = r->c.steps;
    for (int rep = 0; !st && rep < o->repeat && !pel_run_stop_signal(); rep++) {
        st = repetition(r, rep);
        if (!st) sum->nreps = rep + 1;
    }
    if (st) {
        snprintf(r->error, sizeof r->error, "%s class %c: %s", r->p->name, o->cls, pel_context_error(r->ctx));
        sum->error = r->error;
        sum->exit_status = PEL_EXIT_RUN;
        return;
    }
    double sorted[PEL_SUITE_MAX_REPEAT];
    memcpy(sorted, r->seconds, (size_t)sum->nreps * sizeof *sorted);
    sum->kernel_seconds = pel_report_median(sorted, sum->nreps);
    if (s->rates) sum->nrates = s->rates(&r->c, sum->kernel_seconds, sum->rates);
    if (o->triad > 0 && r->c.bytes > 0 && sum->kernel_seconds > 0 && sum->nrates + 3 <= PEL_RUN_MAX_RATES) {
        double gbs = r->c.bytes * (double)r->c.steps / sum->kernel_seconds * 1e-9;
        sum->rates[sum->nrates++] = (pel_run_rate){"memory traffic", gbs, "GB/s"};
        sum->rates[sum->nrates++] = (pel_run_rate){"roofline fraction", gbs / o->triad, "of triad"};
        sum->rates[sum->nrates++] = (pel_run_rate){"triad", o->triad, "GB/s"};
    }
    int ok = pel_verify_log_passed(r->log) && sum->reps_identical;
    sum->exit_status = ok ? PEL_EXIT_OK : PEL_EXIT_VERIFY;
}

static void print_checks(const suite_options *o, const suite_run *r)
{
    for (int i = 0; i < pel_verify_log_count(r->log); i++) {
        const pel_verify_record *v = pel_verify_log_get(r->log, i);
        if (!v->pass || o->verbose)
            printf(" %s %s: value %.15e reference %.15e relative tolerance %g\n", v->pass ? "PASS" : "FAIL",
                   v->name, v->value, v->reference, v->rel_tol);
    }
    if (!r->sum.reps_identical) printf(" FAIL repetitions: the fingerprint changed between repeated runs\n");
}

static int write_report(const pel_suite *s, const suite_options *o, pel_report *rep)
{
    pel_context *ctx;
    if (pel_context_create(&ctx)) {
        fprintf(stderr, "%s: out of memory\n", s->name);
        return 0;
    }
    char cls[2] = {o->cls, 0};
    pel_meta settings[] = {
        {.name = s->problem_noun, .kind = PEL_META_STRING, .s = o->problem},
        {.name = "class", .kind = PEL_META_STRING, .s = cls},
        {.name = "repeat", .kind = PEL_META_INT, .i = o->repeat},
        {.name = "threads", .kind = PEL_META_INT, .i = rep->threads},
        /* the roofline's bound, measured once before the first problem */
        {.name = "triad_gbs", .kind = PEL_META_REAL, .r = o->triad},
    };
    rep->settings = settings;
    rep->nsettings = (int)(sizeof settings / sizeof settings[0]) - (o->triad > 0 ? 0 : 1);
    int ok = pel_report_write(ctx, o->report, rep) == PEL_OK;
    if (!ok) fprintf(stderr, "%s: %s\n", s->name, pel_context_error(ctx));
    rep->settings = NULL;
    pel_context_destroy(ctx);
    return ok;
}

/* The report path is checked before the first problem runs (the rule of
 * the write itself), so a long suite never runs in vain. */
static int check_report(const pel_suite *s, const char *path)
{
    pel_context *ctx;
    if (pel_context_create(&ctx)) {
        fprintf(stderr, "%s: error: out of memory\n", s->name);
        return 0;
    }
    int ok = pel_afile_check(ctx, path) == PEL_OK;
    if (!ok) fprintf(stderr, "%s: error: --report: %s\n", s->name, pel_context_error(ctx));
    pel_context_destroy(ctx);
    return ok;
}

static int suite_main(const pel_suite *s, const suite_options *o, int argc, char **argv);

int pel_suite_main(const pel_suite *s, int argc, char **argv)
{
    suite_options o;
    int status = parse(s, argc, argv, &o);
    if (status >= 0) return pel_opt_stdout(s->name, status);
    pel_run_guard_begin(s->name);
    status = suite_main(s, &o, argc, argv);
    pel_run_guard_end();
    return pel_opt_stdout(s->name, status);
}

static int suite_main(const pel_suite *s, const suite_options *op, int argc, char **argv)
{
    suite_options o = *op;
    int status;
    if (o.report && !check_report(s, o.report)) return PEL_EXIT_RUN;
    suite_run *runs = calloc((size_t)s->nproblems, sizeof *runs);
    pel_run_summary *sums = calloc((size_t)s->nproblems, sizeof *sums);
    if (!runs || !sums) {
        free(runs);
        free(sums);
        fprintf(stderr, "%s: out of memory\n", s->name);
        return PEL_EXIT_RUN;
    }
    int threads = o.threads; /* the run's, as every problem's context takes it */
    if (threads <= 0) {
        pel_context *tctx;
        if (pel_context_create(&tctx) == PEL_OK) {
            int code = pel_opt_threads(s->name, tctx, 0);
            threads = pel_context_threads(tctx);
            pel_context_destroy(tctx);
            if (code >= 0) {
                free(runs);
                free(sums);
                return code;
            }
        }
    }
    if (s->triad_gbs && !o.no_triad) { /* the roofline's bound, once, on the run's thread count */
        double secs = 0.0;
        o.triad = s->triad_gbs(threads > 0 ? threads : 1, &secs);
        if (o.verbose) printf(" triad %.1f GB/s on %d threads (%.3f s)\n", o.triad, threads, secs);
    }
    pel_report rep = {.program = s->name, .argc = argc, .argv = argv};
    int n = 0;
    status = PEL_EXIT_OK;
    for (int i = 0; i < s->nproblems; i++) {
        if (strcmp(o.problem, "all") && strcmp(o.problem, s->problems[i]->name)) continue;
        suite_run *r = &runs[n++];
        r->p = s->problems[i];
        if (!o.quiet && s->print_start) s->print_start(s, r->p, o.cls, stdout);
        fflush(stdout);
        run_problem(s, &o, r);
        int sig = pel_run_stop_signal();
        if (sig) {
            fprintf(stderr, "%s: error: stopped by %s in %s class %c, no report written\n", s->name,
                    pel_run_signal_name(sig), r->p->name, o.cls);
            status = PEL_EXIT_SIGNAL + sig;
            break;
        }
        if (!rep.threads && r->ctx) rep.threads = pel_context_threads(r->ctx);
        rep.problems = &r->sum;
        rep.nproblems = 1;
        if (r->sum.error) fprintf(stderr, "%s: %s\n", s->name, r->sum.error);
        else {
            print_checks(&o, r);
            if (!o.quiet && s->print_result) s->print_result(s, &rep, &r->sum, stdout);
        }
        if (r->sum.exit_status > status) status = r->sum.exit_status;
    }
    for (int i = 0; i < n; i++) sums[i] = runs[i].sum;
    rep.problems = sums;
    rep.nproblems = n;
    rep.exit_status = status;
    /* no report of a run whose printed results were lost (pel_suite_main says why) */
    if (status < PEL_EXIT_SIGNAL && (fflush(stdout) || ferror(stdout))) status = PEL_EXIT_RUN;
    else if (status < PEL_EXIT_SIGNAL && o.report && !write_report(s, &o, &rep)) status = PEL_EXIT_RUN;
    for (int i = 0; i < n; i++) {
        pel_verify_log_destroy(runs[i].log);
        pel_context_destroy(runs[i].ctx);
        free(runs[i].params);
        free(runs[i].fields);
        free(runs[i].fp);
        free(runs[i].first);
    }
    free(runs);
    free(sums);
    return status;
}
