/* The common run loop (see driver.h). */
#include <config.h>

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/driver.h"
#include "common/report.h"

/* Keys every driver has; checkpoint keys only where the driver can restart. */
static const pel_cfg_key run_keys[] = {
    {"run", "steps", PEL_CFG_INT, 0, 1e12, NULL, "steps to reach (counted from step 0, also after a restart)"},
    {"run", "threads", PEL_CFG_INT, 0, 4096, NULL, "OpenMP threads; 0 = OMP_NUM_THREADS or all cores"},
    {"run", "verify_every", PEL_CFG_INT, 0, 1e12, NULL, "verify every this many steps; 0 = only at the end"},
    {"run", "timing_every", PEL_CFG_INT, 0, 1e12, NULL, "report kernel time every this many steps; 0 = never"},
    PEL_CFG_END};
static const pel_cfg_key ckpt_keys[] = {
    {"run", "checkpoint_every", PEL_CFG_INT, 0, 1e12, NULL, "write a checkpoint every this many steps; 0 = never"},
    {"run", "checkpoint_file", PEL_CFG_STRING, 0, 0, NULL, "checkpoint path (replaced atomically each time)"},
    PEL_CFG_END};

typedef struct options {
    const char *config, *report, *restart, *baseline, *save;
    double baseline_tol;
    int threads; /* -1: from the configuration */
    int quiet, print_config, help, version;
    const char **sets;
    int nsets;
} options;

static void usage(const pel_driver *d, FILE *out)
{
    fprintf(out,
            "Usage: %s [OPTION]...\n%s\n\n"
            "Options:\n"
            "  -c, --config FILE      read settings from an INI file (over the built-in defaults)\n"
            "  -s, --set S.K=VALUE    override one setting, e.g. --set run.steps=100 (repeatable)\n"
            "  -t, --threads N        OpenMP threads (same as --set run.threads=N)\n"
            "  -r, --report FILE      write the JSON run report to FILE\n"
            "      --restart FILE     resume from a checkpoint written by this program\n"
            "      --save FILE        write the final state to FILE (a checkpoint, usable as a baseline)\n"
            "      --baseline FILE    compare the final state with FILE (written by --save)\n"
            "      --baseline-tol R   accept relative differences up to R (default 0: bitwise)\n"
            "      --print-config     print the effective configuration and exit\n"
            "  -q, --quiet            print only errors\n"
            "  -h, --help             print this help and exit\n"
            "  -V, --version          print the version and exit\n\n"
            "Exit status: 0 all verifications passed; 1 a verification failed;\n"
            "2 bad usage, configuration or input file; 3 the run failed.\n",
            d->name, d->purpose);
}

/* Returns -1 to continue, otherwise an exit status. */
static int parse_options(const pel_driver *d, int argc, char **argv, options *o)
{
    enum { OPT_RESTART = 256, OPT_SAVE, OPT_BASELINE, OPT_BASELINE_TOL, OPT_PRINT };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},   {"set", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},  {"report", required_argument, NULL, 'r'},
        {"restart", required_argument, NULL, OPT_RESTART},
        {"save", required_argument, NULL, OPT_SAVE},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"baseline-tol", required_argument, NULL, OPT_BASELINE_TOL},
        {"print-config", no_argument, NULL, OPT_PRINT},
        {"quiet", no_argument, NULL, 'q'},          {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->threads = -1;
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    if (!o->sets) return PEL_EXIT_RUN;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":c:s:t:r:qhV", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'c': o->config = optarg; break;
        case 's': o->sets[o->nsets++] = optarg; break;
        case 't': {
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 4096) {
                fprintf(stderr, "%s: --threads %s: expected an integer from 1 to 4096\n", d->name, optarg);
                return PEL_EXIT_USAGE;
            }
            o->threads = (int)v;
            break;
        }
        case 'r': o->report = optarg; break;
        case OPT_RESTART: o->restart = optarg; break;
        case OPT_SAVE: o->save = optarg; break;
        case OPT_BASELINE: o->baseline = optarg; break;
        case OPT_BASELINE_TOL:
            o->baseline_tol = strtod(optarg, &end);
            if (end == optarg || *end || !(o->baseline_tol >= 0) || !isfinite(o->baseline_tol)) {
                fprintf(stderr, "%s: --baseline-tol %s: expected a finite number >= 0\n", d->name, optarg);
                return PEL_EXIT_USAGE;
            }
            break;
        case OPT_PRINT: o->print_config = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': o->help = 1; break;
        case 'V': o->version = 1; break;
        case ':':
            fprintf(stderr, "%s: option %s needs a value (try --help)\n", d->name, argv[optind - 1]);
            return PEL_EXIT_USAGE;
        default:
            fprintf(stderr, "%s: unknown option %s (try --help)\n", d->name, argv[optind - 1]);
            return PEL_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument '%s' (try --help)\n", d->name, argv[optind]);
        return PEL_EXIT_USAGE;
    }
    return -1;
}

/* ---- the state while running ----------------------------------------------- */

typedef struct run {
    const pel_driver *d;
    options o;
    pel_context *ctx;
    pel_config *cfg;
    void *state;
    pel_verify_log *log;
    pel_run_summary sum;
    pel_interval *iv;
    int niv;
    long iv_last_step;
    double iv_kernel; /* kernel seconds since the last boundary */
    int progress; /* on a terminal */
    double t_progress;
    pel_ckpt *baseline; /* opened and checked before the run */
} run;

static int fail(run *r, int code)
{
    fprintf(stderr, "%s: error: %s\n", r->d->name, pel_context_error(r->ctx));
    return code;
}

/* Input errors exit 2, everything else 3. */
static int status_exit(pel_status s)
{
    switch (s) {
    case PEL_EINVAL: case PEL_EUNSTABLE: case PEL_ECONFIG: case PEL_EMISMATCH: case PEL_EFORMAT:
        return PEL_EXIT_USAGE;
    default: return PEL_EXIT_RUN;
    }
}

static int has_checkpoints(const pel_driver *d) { return d->meta && d->restored; }

static int configure(run *r)
{
    const pel_driver *d = r->d;
    const pel_cfg_key *schemas[3] = {run_keys, d->schema, ckpt_keys};
    pel_status s = pel_config_create(r->ctx, schemas, has_checkpoints(d) ? 3 : 2, &r->cfg);
    if (s) return fail(r, PEL_EXIT_RUN);
    if ((s = pel_config_load_string(r->cfg, d->defaults, "built-in defaults")) ||
        (s = pel_config_check_complete(r->cfg))) {
        fprintf(stderr, "%s: internal error: %s\n", d->name, pel_context_error(r->ctx));
        return PEL_EXIT_RUN;
    }
    if (r->o.config && (s = pel_config_load_file(r->cfg, r->o.config)))
        return fail(r, PEL_EXIT_USAGE);
    for (int i = 0; i < r->o.nsets; i++)
        if ((s = pel_config_set(r->cfg, r->o.sets[i]))) return fail(r, PEL_EXIT_USAGE);
    if (r->o.threads > 0) {
        char buf[64];
        snprintf(buf, sizeof buf, "run.threads=%d", r->o.threads);
        if (pel_config_set(r->cfg, buf)) return fail(r, PEL_EXIT_USAGE);
    }
    return -1;
}

/* Restores fields and step from a checkpoint written by this program with the
 * same parameters. */
static int restart(run *r, long *step)
{
    const pel_driver *d = r->d;
    pel_context *ctx = r->ctx;
    const char *path = r->o.restart;
    if (!has_checkpoints(d)) {
        pel_error(ctx, PEL_ENOTSUP, "--restart: %s has no checkpoints", d->name);
        return fail(r, PEL_EXIT_USAGE);
    }
    pel_ckpt *ck;
    if (pel_ckpt_open(ctx, path, &ck)) return fail(r, PEL_EXIT_USAGE);
    int code = -1;
    pel_ckpt_meta meta[PEL_RUN_MAX_META];
    pel_run_field f[PEL_RUN_MAX_FIELDS];
    int nm = d->meta(r->state, meta), nf = d->fields(r->state, f);
    if (strcmp(pel_ckpt_kind(ck), d->name) != 0) {
        pel_error(ctx, PEL_EMISMATCH, "%s: written by %s, not %s", path, pel_ckpt_kind(ck), d->name);
        code = PEL_EXIT_USAGE;
    }
    for (int i = 0; code < 0 && i < nm; i++) {
        double v;
        if (pel_ckpt_get_meta(ck, meta[i].name, &v)) code = PEL_EXIT_USAGE;
        else if (memcmp(&v, &meta[i].value, sizeof v) != 0) {
            pel_error(ctx, PEL_EMISMATCH, "%s: written with %s = %.17g, this run has %.17g", path,
                      meta[i].name, v, meta[i].value);
            code = PEL_EXIT_USAGE;
        }
    }
    uint64_t ckstep = pel_ckpt_step(ck);
    if (code < 0 && ckstep > (uint64_t)pel_config_int(r->cfg, "run", "steps")) {
        pel_error(ctx, PEL_EMISMATCH, "%s: at step %llu, beyond run.steps = %lld", path,
                  (unsigned long long)ckstep, pel_config_int(r->cfg, "run", "steps"));
        code = PEL_EXIT_USAGE;
    }
    for (int i = 0; code < 0 && i < nf; i++) {
        uint64_t count = 1;
        for (int k = 0; k < f[i].rank; k++) count *= f[i].dims[k];
        if (pel_ckpt_read_field(ck, f[i].name, f[i].data, count)) code = PEL_EXIT_USAGE;
    }
    pel_ckpt_close(ck);
    if (code >= 0) return fail(r, code);
    pel_status s = d->restored(r->state, (long)ckstep);
    if (s) return fail(r, status_exit(s));
    *step = (long)ckstep;
    return -1;
}

static pel_status checkpoint(run *r, const char *path, long step)
{
    const pel_driver *d = r->d;
    pel_ckpt_meta meta[PEL_RUN_MAX_META];
    pel_run_field f[PEL_RUN_MAX_FIELDS];
    pel_ckpt_field cf[PEL_RUN_MAX_FIELDS];
    int nm = d->meta ? d->meta(r->state, meta) : 0, nf = d->fields(r->state, f);
    for (int i = 0; i < nf; i++) {
        cf[i].name = f[i].name;
        cf[i].data = f[i].data;
        cf[i].rank = f[i].rank;
        memcpy(cf[i].dims, f[i].dims, sizeof cf[i].dims);
    }
    pel_region_begin(r->ctx, "checkpoint");
    double t = d->time ? d->time(r->state) : (double)step;
    pel_status s = pel_ckpt_write(r->ctx, path, d->name, (uint64_t)step, t, meta, nm, cf, nf);
    pel_region_end(r->ctx, "checkpoint");
    return s;
}

static void show_progress(run *r, long step, long total, int done)
{
    if (!r->progress) return;
    double now = pel_wtime();
    if (!done && now - r->t_progress < 0.2) return;
    r->t_progress = now;
    if (done) fprintf(stderr, "\r\033[K");
    else fprintf(stderr, "\r%s: %s %ld/%ld (%.0f%%)", r->d->name, r->d->step_noun, step, total,
                 total ? 100.0 * (double)step / (double)total : 100.0);
    fflush(stderr);
}

/* An interval boundary: time since the last one, and a verification if due.
 * Failures are printed at once; timing lines only when asked for. */
static void interval(run *r, long step, int verify, int timing)
{
    pel_interval *iv = &r->iv[r->niv++];
    iv->step = step;
    iv->steps = step - r->iv_last_step;
    iv->kernel_s = r->iv_kernel;
    iv->checks = -1;
    r->iv_last_step = step;
    r->iv_kernel = 0.0;
    if (timing && !r->o.quiet) {
        show_progress(r, step, 0, 1);
        pel_run_rate rate[PEL_RUN_MAX_RATES];
        int nr = r->d->rates ? r->d->rates(r->state, iv->steps, iv->kernel_s, rate) : 0;
        printf("%s %ld: %.6f s for %ld %s%s", r->d->step_noun, step, iv->kernel_s, iv->steps,
               r->d->step_noun, iv->steps == 1 ? "" : "s");
        for (int i = 0; i < nr; i++) printf(", %.4g %s", rate[i].value, rate[i].unit);
        printf("\n");
    }
    if (!verify) return;
    pel_verify_log_clear(r->log);
    pel_region_begin(r->ctx, "verify");
    pel_status s = r->d->verify(r->state, r->log);
    pel_region_end(r->ctx, "verify");
    iv->checks = pel_verify_log_count(r->log);
    iv->failures = s ? 1 : pel_verify_log_failures(r->log);
    if (iv->failures && !r->o.quiet) {
        show_progress(r, step, 0, 1);
        printf("verification at %s %ld: %d FAILED\n", r->d->step_noun, step, iv->failures);
        pel_verify_log_print(r->log, stdout);
    }
}

static long lmin(long a, long b) { return a < b ? a : b; }

static int advance_all(run *r, long start, long total)
{
    long vevery = pel_config_int(r->cfg, "run", "verify_every");
    long tevery = pel_config_int(r->cfg, "run", "timing_every");
    long cevery = has_checkpoints(r->d) ? pel_config_int(r->cfg, "run", "checkpoint_every") : 0;
    long nint = (vevery ? total / vevery : 0) + (tevery ? total / tevery : 0) + 1;
    r->iv = calloc((size_t)nint, sizeof *r->iv);
    if (!r->iv) {
        pel_error(r->ctx, PEL_ENOMEM, "out of memory for %ld interval records", nint);
        return fail(r, PEL_EXIT_RUN);
    }
    r->iv_last_step = start;
    long tick = r->progress ? (total - start + 99) / 100 : 0; /* chunking changes no result */
    double kernel = 0.0;
    for (long step = start; step < total;) {
        long next = total;
        if (vevery) next = lmin(next, (step / vevery + 1) * vevery);
        if (tevery) next = lmin(next, (step / tevery + 1) * tevery);
        if (cevery) next = lmin(next, (step / cevery + 1) * cevery);
        if (tick) next = lmin(next, step + tick);
        double t0 = pel_wtime();
        pel_region_begin(r->ctx, "advance");
        pel_status s = r->d->advance(r->state, next - step);
        pel_region_end(r->ctx, "advance");
        double dt = pel_wtime() - t0;
        kernel += dt;
        r->iv_kernel += dt;
        if (s) return fail(r, PEL_EXIT_RUN);
        step = next;
        int v = vevery && step % vevery == 0 && step < total, t = tevery && step % tevery == 0;
        if (v || t) interval(r, step, v, t);
        if (cevery && step % cevery == 0) {
            const char *path = pel_config_string(r->cfg, "run", "checkpoint_file");
            if (checkpoint(r, path, step)) return fail(r, PEL_EXIT_RUN);
            r->sum.checkpoints_written = path;
        }
        show_progress(r, step, total, 0);
    }
    show_progress(r, total, total, 1);
    r->sum.kernel_seconds = kernel;
    r->sum.intervals = r->iv;
    r->sum.nintervals = r->niv;
    return -1;
}

/* Opens the baseline before the run, so a wrong file fails at once. */
static int open_baseline(run *r)
{
    if (pel_ckpt_open(r->ctx, r->o.baseline, &r->baseline)) return fail(r, PEL_EXIT_USAGE);
    if (strcmp(pel_ckpt_kind(r->baseline), r->d->name) != 0) {
        pel_error(r->ctx, PEL_EMISMATCH, "%s: written by %s, not %s", r->o.baseline,
                  pel_ckpt_kind(r->baseline), r->d->name);
        return fail(r, PEL_EXIT_USAGE);
    }
    return -1;
}

/* Compares the final fields with the baseline, field by field. */
static int compare_baseline(run *r)
{
    pel_run_summary *s = &r->sum;
    pel_ckpt *ck = r->baseline;
    for (int i = 0; i < s->nfields; i++) {
        const pel_run_field *f = &s->fields[i];
        pel_baseline_diff *df = &s->diffs[i];
        uint64_t n = 1;
        for (int k = 0; k < f->rank; k++) n *= f->dims[k];
        double *b = malloc(n * sizeof *b);
        if (!b) {
            pel_error(r->ctx, PEL_ENOMEM, "baseline: out of memory");
            return fail(r, PEL_EXIT_RUN);
        }
        if (pel_ckpt_read_field(ck, f->name, b, n)) {
            free(b);
            return fail(r, PEL_EXIT_USAGE);
        }
        memset(df, 0, sizeof *df);
        snprintf(df->name, sizeof df->name, "%s", f->name);
        df->count = n;
        df->rank = f->rank;
        double bmax = pel_max_abs(b, n, 1), worst = -1.0;
        uint64_t at = 0;
        for (uint64_t j = 0; j < n; j++) {
            if (memcmp(&b[j], &f->data[j], sizeof b[j]) == 0) continue;
            df->differing++;
            double d = fabs(f->data[j] - b[j]);
            if (!(d <= worst)) worst = isnan(d) ? INFINITY : d, at = j;
        }
        df->max_abs_diff = worst < 0 ? 0.0 : worst;
        df->max_rel_diff = df->max_abs_diff / (bmax > 0 ? bmax : 1.0);
        for (int k = f->rank - 1; k >= 0; k--) df->at[k] = at % f->dims[k], at /= f->dims[k];
        char name[PEL_VERIFY_NAME_MAX];
        if (s->baseline_tol == 0.0) {
            snprintf(name, sizeof name, "baseline.%s.differing", f->name);
            pel_verify_at_most(r->log, name, (double)df->differing, 0.0);
        } else {
            snprintf(name, sizeof name, "baseline.%s.max_rel_diff", f->name);
            pel_verify_at_most(r->log, name, df->max_rel_diff, s->baseline_tol);
        }
        free(b);
    }
    return -1;
}

static void print_summary(run *r)
{
    pel_run_summary *s = &r->sum;
    printf("%s %s: %ld %s%s on %d thread%s", r->d->name, pel_version(), s->step_end - s->step_start,
           r->d->step_noun, s->step_end - s->step_start == 1 ? "" : "s", s->threads,
           s->threads == 1 ? "" : "s");
    if (s->restart_file) printf(" (restarted at %ld from %s)", s->step_start, s->restart_file);
    printf("\n");
    pel_verify_log_print(s->final_log, stdout);
    for (int i = 0; i < s->nfields; i++)
        printf("fingerprint %-10s %s\n", s->fields[i].name, s->fingerprints[i]);
    for (int i = 0; s->baseline_file && i < s->nfields; i++) {
        const pel_baseline_diff *df = &s->diffs[i];
        if (!df->differing) printf("baseline %s: identical to %s\n", df->name, s->baseline_file);
        else {
            printf("baseline %s: %llu of %llu values differ, largest |diff| %.3g (relative %.3g) at (",
                   df->name, (unsigned long long)df->differing, (unsigned long long)df->count,
                   df->max_abs_diff, df->max_rel_diff);
            for (int k = 0; k < df->rank; k++) printf("%s%llu", k ? ", " : "", (unsigned long long)df->at[k]);
            printf(")\n");
        }
    }
    printf("time %.6f s in the kernel loop", s->kernel_seconds);
    for (int i = 0; i < s->nrates; i++) printf(", %.4g %s", s->rates[i].value, s->rates[i].unit);
    printf("\n");
    int ivfail = 0;
    for (int i = 0; i < s->nintervals; i++) ivfail += s->intervals[i].checks > 0 && s->intervals[i].failures > 0;
    int nfail = pel_verify_log_failures(s->final_log);
    if (!nfail && !ivfail) printf("verification SUCCESSFUL (%d checks)\n", pel_verify_log_count(s->final_log));
    else printf("verification FAILED: %d final check%s failed, %d interval%s failed\n", nfail,
                nfail == 1 ? "" : "s", ivfail, ivfail == 1 ? "" : "s");
}

static int run_main(run *r, int argc, char **argv)
{
    const pel_driver *d = r->d;
    int code = parse_options(d, argc, argv, &r->o);
    if (code >= 0) return code;
    if (r->o.version) {
        printf("%s (PEL) %s\n", d->name, pel_version());
        return PEL_EXIT_OK;
    }
    if (pel_context_create(&r->ctx) || pel_verify_log_create(&r->log)) {
        fprintf(stderr, "%s: error: out of memory\n", d->name);
        return PEL_EXIT_RUN;
    }
    if (r->o.help) {
        usage(d, stdout);
        if (configure(r) < 0) {
            printf("\nSettings (section.key, accepted values, meaning, default):\n");
            pel_config_help(r->cfg, stdout);
        }
        return PEL_EXIT_OK;
    }
    if ((code = configure(r)) >= 0) return code;
    if (r->o.print_config) {
        pel_config_print(r->cfg, stdout);
        return PEL_EXIT_OK;
    }
    int threads = (int)pel_config_int(r->cfg, "run", "threads");
    if (threads > 0) pel_context_set_threads(r->ctx, threads);
    pel_status s = d->setup(r->ctx, r->cfg, &r->state);
    /* setup only reads the configuration: its failures are bad input, except
     * running out of memory or FFTW failing to plan */
    if (s) return fail(r, s == PEL_ENOMEM || s == PEL_EFFTW ? PEL_EXIT_RUN : PEL_EXIT_USAGE);

    pel_run_summary *sum = &r->sum;
    sum->driver = d;
    sum->argc = argc;
    sum->argv = argv;
    sum->threads = pel_context_threads(r->ctx);
    sum->cfg = r->cfg;
    sum->ctx = r->ctx;
    long start = 0, total = pel_config_int(r->cfg, "run", "steps");
    if (r->o.restart) {
        if ((code = restart(r, &start)) >= 0) return code;
        sum->restart_file = r->o.restart;
    }
    if (r->o.baseline && (code = open_baseline(r)) >= 0) return code;
    sum->step_start = start;
    sum->step_end = total;
    r->progress = !r->o.quiet && isatty(STDERR_FILENO);
    if ((code = advance_all(r, start, total)) >= 0) return code;

    pel_verify_log_clear(r->log);
    pel_region_begin(r->ctx, "verify");
    s = d->verify(r->state, r->log);
    pel_region_end(r->ctx, "verify");
    if (s) return fail(r, PEL_EXIT_RUN);
    sum->final_log = r->log;
    sum->nfields = d->fields(r->state, sum->fields);
    for (int i = 0; i < sum->nfields; i++) {
        uint64_t n = 1;
        for (int k = 0; k < sum->fields[i].rank; k++) n *= sum->fields[i].dims[k];
        pel_fingerprint(sum->fields[i].data, n * sizeof(double), sum->fingerprints[i]);
    }
    if (r->o.baseline) {
        sum->baseline_file = r->o.baseline;
        sum->baseline_tol = r->o.baseline_tol;
        if ((code = compare_baseline(r)) >= 0) return code;
    }
    if (d->rates) sum->nrates = d->rates(r->state, total - start, sum->kernel_seconds, sum->rates);
    if (r->o.save && checkpoint(r, r->o.save, total)) return fail(r, PEL_EXIT_RUN);

    int failed = pel_verify_log_failures(r->log) > 0;
    for (int i = 0; i < r->niv; i++) failed |= r->iv[i].checks >= 0 && r->iv[i].failures > 0;
    sum->exit_status = failed ? PEL_EXIT_VERIFY : PEL_EXIT_OK;
    if (!r->o.quiet) print_summary(r);
    if (r->o.report && pel_report_write(r->ctx, r->o.report, sum)) return fail(r, PEL_EXIT_RUN);
    return sum->exit_status;
}

int pel_driver_main(const pel_driver *d, int argc, char **argv)
{
    run r;
    memset(&r, 0, sizeof r);
    r.d = d;
    int code = run_main(&r, argc, argv);
    if (r.state && d->teardown) d->teardown(r.state);
    pel_config_destroy(r.cfg);
    pel_verify_log_destroy(r.log);
    pel_ckpt_close(r.baseline);
    pel_context_destroy(r.ctx);
    free(r.o.sets);
    free(r.iv);
    return code;
}
