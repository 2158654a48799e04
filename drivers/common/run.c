/* The common run loop (see driver.h): configuration, the advance loop with
 * its interval hooks, the final verification and the report. */
#include <config.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/run_internal.h"

/* Keys every driver has; checkpoint keys only where the driver can restart. */
static const pel_cfg_key run_keys[] = {
    {"run", "steps", PEL_CFG_INT, 0, 1e12, NULL, "steps to reach (counted from step 0, also after a restart)"},
    {"run", "threads", PEL_CFG_INT, 0, PEL_OPT_MAX_THREADS, NULL, "OpenMP threads; 0 = OMP_NUM_THREADS or all cores"},
    {"run", "verify_every", PEL_CFG_INT, 0, 1e12, NULL, "verify every this many steps; 0 = only at the end"},
    {"run", "timing_every", PEL_CFG_INT, 0, 1e12, NULL, "report kernel time every this many steps; 0 = never"},
    PEL_CFG_END};
static const pel_cfg_key ckpt_keys[] = {
    {"run", "checkpoint_every", PEL_CFG_INT, 0, 1e12, NULL, "write a checkpoint every this many steps; 0 = never"},
    {"run", "checkpoint_file", PEL_CFG_PATH, 0, 0, NULL, "checkpoint path (replaced atomically each time)"},
    {"run", "checkpoint_keep", PEL_CFG_INT, 1, 1e6, NULL,
     "checkpoints kept: 1 = checkpoint_file alone; N > 1 = the newest N as checkpoint_file.<step>"},
    PEL_CFG_END};
/* The run loop's own defaults for keys a driver's defaults may leave out. */
static const char run_defaults[] = "[run]\ncheckpoint_keep = 1\n";

static int configure(run *r)
{
    const pel_driver *d = r->d;
    const pel_cfg_key *schemas[3] = {run_keys, d->schema, ckpt_keys};
    pel_status s = pel_config_create(r->ctx, schemas, pel_run_has_checkpoints(d) ? 3 : 2, &r->cfg);
    if (s) return pel_run_fail(r, PEL_EXIT_RUN);
    if ((pel_run_has_checkpoints(d) && (s = pel_config_load_string(r->cfg, run_defaults, "built-in defaults"))) ||
        (s = pel_config_load_string(r->cfg, d->defaults, "built-in defaults")) ||
        (s = pel_config_check_complete(r->cfg))) {
        fprintf(stderr, "%s: internal error: %s\n", d->name, pel_context_error(r->ctx));
        return PEL_EXIT_RUN;
    }
    if (r->o.config && (s = pel_config_load_file(r->cfg, r->o.config)))
        return pel_run_fail(r, PEL_EXIT_USAGE);
    for (int i = 0; i < r->o.nsets; i++)
        if ((s = pel_config_set(r->cfg, r->o.sets[i]))) return pel_run_fail(r, PEL_EXIT_USAGE);
    if (r->o.threads >= 0) { /* -t N: run.threads=N (-1: not given) */
        char buf[64];
        snprintf(buf, sizeof buf, "run.threads=%d", r->o.threads);
        if (pel_config_set(r->cfg, buf)) return pel_run_fail(r, PEL_EXIT_USAGE);
    }
    return -1;
}

/* ---- signals and the OpenMP runtime's exit ----------------------------------
 * SIGINT and SIGTERM only set a flag: the loop stops at the next step
 * boundary, after any file it is writing is complete (files are written
 * whole, so none is ever cut short or left as a temporary), and exits with
 * 128 + the signal's number without a report.  The flag is also the run's
 * context's cancellation flag (pel_context_set_cancel), so a long call that
 * checks it (a wavefront's tiles, CG's iterations) stops within a tile or
 * an iteration, and the loop stops there (without a checkpoint: the state
 * is between two steps).  libgomp calls exit(1) when it
 * cannot create its threads, which would read as a failed verification: an
 * exit while a run is in progress (guard_on) becomes exit 3 with one line. */
static volatile sig_atomic_t stop_signal, guard_on;
static const char *guard_name = "pel";
static struct sigaction old_int, old_term;

static void on_signal(int sig)
{
    if (!stop_signal) stop_signal = sig;
}

static void on_exit_guard(void)
{
    if (!guard_on) return;
    guard_on = 0;
    fflush(stdout);
    fprintf(stderr, "%s: error: the OpenMP runtime failed (could not create threads?)\n", guard_name);
    _exit(PEL_EXIT_RUN);
}

void pel_run_guard_begin(const char *name)
{
    static int registered;
    guard_name = name;
    if (!registered) registered = atexit(on_exit_guard) == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    guard_on = 1;
}

void pel_run_guard_end(void)
{
    guard_on = 0;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
}

int pel_run_stop_signal(void) { return stop_signal; }
const volatile sig_atomic_t *pel_run_stop_flag(void) { return &stop_signal; }

int pel_run_stopped(const char *prog)
{
    int sig = stop_signal;
    fprintf(stderr, "%s: error: stopped by %s, no report written\n", prog, pel_run_signal_name(sig));
    return PEL_EXIT_SIGNAL + sig;
}

const char *pel_run_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

static void show_progress(run *r, long step, long total, int done);

/* Erases the progress line from the terminal (before other output). */
static void progress_clear(run *r)
{
    if (!r->progress_shown) return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
    r->progress_shown = 0;
}

static int checkpointing(const run *r)
{
    return pel_run_has_checkpoints(r->d) &&
           (pel_config_int(r->cfg, "run", "checkpoint_every") > 0 || r->o.walltime > 0);
}

/* A checkpoint at `step` to run.checkpoint_file (numbered when keeping
 * several), the older ones beyond checkpoint_keep removed; a status. */
static pel_status checkpoint_at(run *r, long step)
{
    const char *base = pel_config_string(r->cfg, "run", "checkpoint_file");
    long keep = pel_config_int(r->cfg, "run", "checkpoint_keep");
    char path[sizeof r->ckpt_path];
    pel_run_checkpoint_name(base, keep, step, path, sizeof path);
    pel_status s = pel_run_checkpoint(r, path, step);
    if (s) return s;
    memcpy(r->ckpt_path, path, sizeof path);
    r->sum.checkpoints_written = r->ckpt_path;
    r->ckpt_step = step;
    pel_run_checkpoint_prune(base, keep);
    return PEL_OK;
}

/* Stopped at `step` by a signal (sig > 0) or before the wall-time limit
 * (sig 0): a checkpoint there when the run checkpoints, then one line, no
 * report. */
static int stopped_at(run *r, long step, long total, int sig)
{
    show_progress(r, step, total, 1);
    const char *noun = r->d->component->step_noun;
    char why[600] = "";
    if (checkpointing(r) && step > r->ckpt_step && step > r->sum.step_start && checkpoint_at(r, step))
        snprintf(why, sizeof why, "; the checkpoint at %s %ld failed: %s", noun, step, pel_context_error(r->ctx));
    if (sig)
        fprintf(stderr, "%s: error: stopped by %s at %s %ld of %ld, no report written", r->d->name,
                pel_run_signal_name(sig), noun, step, total);
    else
        fprintf(stderr, "%s: stopped before the wall-time limit (%.0f s) at %s %ld of %ld, no report written",
                r->d->name, r->o.walltime, noun, step, total);
    if (r->sum.checkpoints_written)
        fprintf(stderr, "; the last checkpoint (%s) is at %s %ld", r->sum.checkpoints_written, noun, r->ckpt_step);
    fprintf(stderr, "%s\n", why);
    return sig ? PEL_EXIT_SIGNAL + sig : PEL_EXIT_WALLTIME;
}

static int stopped(run *r, long step, long total) { return stopped_at(r, step, total, stop_signal); }

/* Stopped by a signal inside the advance from `step` (the call returned
 * PEL_ECANCELED): the state is part advanced, so no checkpoint, one line. */
static int stopped_within(run *r, long step, long total)
{
    show_progress(r, step, total, 1);
    const char *noun = r->d->component->step_noun;
    fprintf(stderr, "%s: error: stopped by %s in %s %ld of %ld, no report written", r->d->name,
            pel_run_signal_name(stop_signal), noun, step + 1, total);
    if (r->sum.checkpoints_written)
        fprintf(stderr, "; the last checkpoint (%s) is at %s %ld", r->sum.checkpoints_written, noun, r->ckpt_step);
    fprintf(stderr, "\n");
    return PEL_EXIT_SIGNAL + stop_signal;
}

/* The progress line (stderr): on a terminal one line rewritten in place at
 * most 5 times a second and erased when the run ends or prints; forced by
 * --progress onto a file or a pipe, a whole line at most once a second and
 * a last one where the run ends.  The driver's hook appends its own part. */
static void show_progress(run *r, long step, long total, int done)
{
    if (!r->progress) return;
    double now = pel_wtime();
    if (!done && now - r->t_progress < (r->progress_tty ? 0.2 : 1.0)) return;
    r->t_progress = now;
    if (done && r->progress_tty) {
        progress_clear(r);
        return;
    }
    char line[512];
    int k = snprintf(line, sizeof line, "%s: %s %ld/%ld (%.0f%%)", r->d->name, r->d->component->step_noun, step,
                     total, total ? 100.0 * (double)step / (double)total : 100.0);
    if (r->d->progress && k > 0 && (size_t)k + 3 < sizeof line) {
        char own[256] = "";
        r->d->progress(own, sizeof own, r->comp, pel_component_time(r->comp) - r->sim0, r->kernel_s);
        own[sizeof own - 1] = '\0';
        if (*own) snprintf(line + k, sizeof line - (size_t)k, ", %s", own);
    }
    if (r->progress_tty) {
        /* one row: a line that wrapped could not be rewritten in place */
        struct winsize ws;
        if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && strlen(line) >= ws.ws_col)
            line[ws.ws_col - 1] = '\0';
        fprintf(stderr, "\r%s\033[K", line);
        r->progress_shown = 1;
    } else {
        fprintf(stderr, "%s\n", line);
    }
    fflush(stderr);
}

/* The component's own checks, then the state's values: a NaN or an infinity
 * in any field fails "state.finite", and its field, index and step go to
 * stderr (pel_component_check_finite), whatever the component verifies. */
static pel_status verify_now(run *r)
{
    pel_verify_log_clear(r->log);
    pel_region_begin(r->ctx, "verify");
    pel_status s = pel_component_verify(r->comp, r->log);
    pel_status f = s ? PEL_OK : pel_component_check_finite(r->comp);
    pel_region_end(r->ctx, "verify");
    if (f == PEL_ENONFINITE) {
        progress_clear(r);
        fprintf(stderr, "%s: %s\n", r->d->name, pel_context_error(r->ctx));
        pel_context_clear_error(r->ctx);
    } else if (f) {
        return f;
    }
    if (!s) pel_verify_at_most(r->log, "state.finite", f == PEL_ENONFINITE, 0.0);
    return s;
}

/* An interval boundary: time since the last one, and a verification if due.
 * Failures are printed at once; timing lines only when asked for.  The
 * records grow as boundaries come (a run stopped early, or one of 10^12
 * steps verified often, never holds room for what it did not reach); 0, or
 * -1 out of memory (ctx says so). */
static int interval(run *r, long step, int verify, int timing)
{
    if (r->niv == r->iv_cap) {
        long cap = r->iv_cap ? 2 * r->iv_cap : 64;
        pel_interval *g = realloc(r->iv, (size_t)cap * sizeof *g);
        if (!g) {
            pel_error(r->ctx, PEL_ENOMEM, "out of memory for %ld interval records", cap);
            return -1;
        }
        r->iv = g, r->iv_cap = cap;
    }
    pel_interval *iv = &r->iv[r->niv++];
    iv->step = step;
    iv->steps = step - r->iv_last_step;
    iv->kernel_s = r->iv_kernel;
    iv->checks = -1;
    iv->failures = 0;
    r->iv_last_step = step;
    r->iv_kernel = 0.0;
    if (timing && !r->o.quiet) {
        progress_clear(r);
        pel_run_rate rate[PEL_RUN_MAX_RATES];
        const char *noun = r->d->component->step_noun;
        int nr = r->d->rates ? r->d->rates(r->params, iv->steps, iv->kernel_s, rate) : 0;
        printf("%s %ld: %.6f s for %ld %s%s", noun, step, iv->kernel_s, iv->steps, noun,
               iv->steps == 1 ? "" : "s");
        for (int i = 0; i < nr; i++) printf(", %.4g %s", rate[i].value, rate[i].unit);
        printf("\n");
    }
    if (!verify) return 0;
    pel_status s = verify_now(r);
    iv->checks = pel_verify_log_count(r->log);
    iv->failures = s ? 1 : pel_verify_log_failures(r->log);
    if (iv->failures && !r->o.quiet) {
        progress_clear(r);
        printf("verification at %s %ld: %d FAILED\n", r->d->component->step_noun, step, iv->failures);
        pel_verify_log_print(r->log, stdout);
    }
    return 0;
}

static long lmin(long a, long b) { return a < b ? a : b; }

static int advance_all(run *r, long start, long total)
{
    long vevery = pel_config_int(r->cfg, "run", "verify_every");
    long tevery = pel_config_int(r->cfg, "run", "timing_every");
    long cevery = pel_run_has_checkpoints(r->d) ? pel_config_int(r->cfg, "run", "checkpoint_every") : 0;
    r->iv_last_step = start;
    r->sim0 = pel_component_time(r->comp);
    long tick = r->progress ? (total - start + 99) / 100 : 0; /* chunking changes no result */
    long chunk = 1; /* grows while a call takes under 0.1 s: a signal is seen soon */
    double kernel = 0.0, per_step = 0.0, ckpt_s = 0.1; /* slowest seen (a guess before any), for --walltime */
    for (long step = start; step < total;) {
        if (stop_signal) return stopped(r, step, total);
        long next = step + chunk < total ? step + chunk : total;
        if (vevery) next = lmin(next, (step / vevery + 1) * vevery);
        if (tevery) next = lmin(next, (step / tevery + 1) * tevery);
        if (cevery) next = lmin(next, (step / cevery + 1) * cevery);
        if (tick) next = lmin(next, step + tick);
        if (r->o.walltime > 0) {
            /* stop while a chunk at the slowest rate seen, and two checkpoints
             * at the slowest seen, still fit: the first step always runs */
            double left = r->o.walltime - (pel_wtime() - r->t_start) - 2.0 * ckpt_s - 0.02 * r->o.walltime;
            if (step > start && left < per_step) return stopped_at(r, step, total, 0);
            if (step > start && per_step > 0 && (double)(next - step) * per_step > left)
                next = step + (long)(left / per_step);
        }
        double t0 = pel_wtime();
        pel_region_begin(r->ctx, "advance");
        pel_status s = pel_component_advance(r->comp, next - step);
        pel_region_end(r->ctx, "advance");
        double dt = pel_wtime() - t0;
        kernel += dt;
        r->kernel_s = kernel;
        r->iv_kernel += dt;
        if (s == PEL_ECANCELED && stop_signal) return stopped_within(r, step, total);
        if (s) return pel_run_fail(r, PEL_EXIT_RUN);
        if (dt / (double)(next - step) > per_step) per_step = dt / (double)(next - step);
        if (dt < 0.1 && next - step == chunk && chunk < (1L << 40)) chunk *= 2; /* a full chunk was quick */
        else if (dt > 0.4 && chunk > 1) chunk /= 2;
        step = next;
        int v = vevery && step % vevery == 0 && step < total, t = tevery && step % tevery == 0;
        if ((v || t) && interval(r, step, v, t)) return pel_run_fail(r, PEL_EXIT_RUN);
        if (cevery && step % cevery == 0) {
            double c0 = pel_wtime();
            if (checkpoint_at(r, step)) return pel_run_fail(r, PEL_EXIT_RUN);
            if (pel_wtime() - c0 > ckpt_s) ckpt_s = pel_wtime() - c0;
        }
        show_progress(r, step, total, 0);
    }
    if (stop_signal) return stopped(r, total, total);
    show_progress(r, total, total, 1);
    r->sum.kernel_seconds = kernel;
    r->sum.intervals = r->iv;
    r->sum.nintervals = r->niv;
    return -1;
}

/* Every output the run will write is checked before the first step
 * (pel_afile_check: the same rule as the write itself), so a long run never
 * runs in vain: an empty path, a missing or unwritable directory or a
 * non-regular target is an error at once, exit 3 as it would be at the end. */
static int check_output(run *r, const char *what, const char *path)
{
    if (!pel_afile_check(r->ctx, path)) return -1;
    char why[512];
    snprintf(why, sizeof why, "%s", pel_context_error(r->ctx));
    fprintf(stderr, "%s: error: %s: %s\n", r->d->name, what, why);
    return PEL_EXIT_RUN;
}

/* The report, the configuration and the run's own output files (when
 * `out`: one of them) are files of their own: one written over another
 * file of the run would destroy it (a checkpoint may replace the one
 * restarted from, --save the baseline compared with); 1 when they are. */
static int distinct_files(run *r, const char *out)
{
    enum { FIXED = 13, MAX_INPUTS = 4, N = FIXED + MAX_INPUTS };
    /* and the files of the baseline directories: what --baseline-record
     * writes, what --baseline-compare reads */
    static const char *const leaf[3] = {"index.ckpt", "state.ckpt", "fingerprints.json"};
    char dirs[2][3][PEL_RUN_PATH_MAX], keys[MAX_INPUTS][96];
    const char *what[N] = {"--config", "--restart", "--baseline", "--save", "run.checkpoint_file", "--report",
                           "the run's output file"};
    const char *path[N] = {r->o.config, r->o.restart, r->o.baseline, r->o.save,
                           checkpointing(r) ? pel_config_string(r->cfg, "run", "checkpoint_file") : NULL,
                           r->o.report, out};
    for (int k = 0; k < 2; k++) {
        const char *dir = k ? r->o.compare : r->o.record;
        for (int i = 0; i < 3; i++) {
            what[7 + 3 * k + i] = k ? "--baseline-compare" : "--baseline-record";
            if (dir) snprintf(dirs[k][i], sizeof dirs[k][i], "%s/%s", dir, leaf[i]);
            path[7 + 3 * k + i] = dir ? dirs[k][i] : NULL;
        }
    }
    /* which earlier entries each may name (bits by index): inputs may
     * coincide, a recorded state may replace the restart or the baseline
     * file, as --save may; the compared directory is read only, as the
     * inputs are */
    enum { CONFIG = 1u << 0, RESTART = 1u << 1, BASELINE = 1u << 2, SAVE = 1u << 3 };
    const unsigned inputs = CONFIG | RESTART | BASELINE, state = RESTART | BASELINE;
    const unsigned compared = 7u << 10; /* --baseline-compare's three files */
    unsigned may_equal[N] = {0,      CONFIG, CONFIG | RESTART, state, state | SAVE, 0, 0, /* what[0..6] */
                             0,      state,  0,                /* --baseline-record's index, state, fingerprints */
                             inputs, inputs, inputs};          /* --baseline-compare's */
    /* the files the configuration names for the run to read (a mask, a
     * wisdom file): any input may be one of them, no output */
    int n = FIXED;
    for (const pel_cfg_key *k = r->d->schema; k->section && n < N; k++) {
        if (k->type != PEL_CFG_INPUT || !*pel_config_string(r->cfg, k->section, k->name)) continue;
        snprintf(keys[n - FIXED], sizeof keys[n - FIXED], "%s.%s", k->section, k->name);
        what[n] = keys[n - FIXED];
        path[n] = pel_config_string(r->cfg, k->section, k->name);
        may_equal[n] = inputs | compared | (((1u << n) - 1u) & ~((1u << FIXED) - 1u));
        n++;
    }
    return pel_opt_distinct(r->d->name, n, what, path, may_equal);
}

static int check_outputs(run *r)
{
    int code;
    if (!distinct_files(r, NULL)) return PEL_EXIT_USAGE;
    if (r->o.report && (code = check_output(r, "--report", r->o.report)) >= 0) return code;
    if (r->o.save && (code = check_output(r, "--save", r->o.save)) >= 0) return code;
    if (checkpointing(r) &&
        (code = check_output(r, "run.checkpoint_file", pel_config_string(r->cfg, "run", "checkpoint_file"))) >= 0)
        return code;
    if (r->o.record && (code = pel_run_record_check(r)) >= 0) return code;
    return -1;
}

/* Opens the baseline before the run, so a wrong file fails at once. */
static int run_main(run *r, int argc, char **argv)
{
    const pel_driver *d = r->d;
    int code = pel_run_parse_options(d, argc, argv, &r->o);
    if (code >= 0) return code;
    if (r->o.version) {
        printf("%s (PEL) %s\n", d->name, pel_version());
        return PEL_EXIT_OK;
    }
    if (pel_context_create(&r->ctx) || pel_verify_log_create(&r->log)) {
        fprintf(stderr, "%s: error: out of memory\n", d->name);
        return PEL_EXIT_RUN;
    }
    pel_context_set_cancel(r->ctx, &stop_signal); /* a signal stops a long call within it */
    if (r->o.help) {
        pel_run_usage(d, stdout);
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
    if ((code = check_outputs(r)) >= 0) return code;
    if ((code = pel_opt_threads(d->name, r->ctx, (long)pel_config_int(r->cfg, "run", "threads"))) >= 0) return code;
    const pel_component_type *type = d->component;
    if (!(r->params = calloc(1, type->params_size))) {
        fprintf(stderr, "%s: error: out of memory\n", d->name);
        return PEL_EXIT_RUN;
    }
    type->params_default(r->params);
    pel_status s = d->params(r->ctx, r->cfg, r->params);
    /* the run's own output files, before the component opens them: one that
     * cannot be written is exit 3, as --report's */
    int nout = !s && d->outputs ? d->outputs(r->params, r->outputs, PEL_RUN_MAX_OUTPUTS) : 0;
    for (int i = 0; i < nout && i < PEL_RUN_MAX_OUTPUTS; i++) {
        if (!distinct_files(r, r->outputs[i])) return PEL_EXIT_USAGE;
        if ((code = check_output(r, "output file", r->outputs[i])) >= 0) return code;
    }
    if (!s) s = pel_component_create(r->ctx, type, r->params, &r->comp);
    /* setup only reads the configuration: its failures are bad input, except
     * running out of memory or FFTW failing to plan */
    if (s) return pel_run_fail(r, s == PEL_ENOMEM || s == PEL_EFFTW ? PEL_EXIT_RUN : PEL_EXIT_USAGE);

    pel_report *rep = &r->rep;
    pel_run_summary *sum = &r->sum;
    rep->program = d->name;
    rep->argc = argc;
    rep->argv = argv;
    rep->threads = pel_context_threads(r->ctx);
    rep->cfg = r->cfg;
    rep->problems = sum;
    rep->nproblems = 1;
    sum->problem = type->name;
    pel_report_set_type(sum, type);
    pel_report_add_parts(sum, d->parts);
    sum->ctx = r->ctx;
    sum->nreps = 1;
    sum->rep_seconds = &sum->kernel_seconds;
    sum->reps_identical = 1;
    long start = 0, total = pel_config_int(r->cfg, "run", "steps");
    if (r->o.restart) {
        if ((code = pel_run_restart(r, &start)) >= 0) return code;
        sum->restart_file = r->o.restart;
    }
    if (r->o.baseline && (code = pel_run_open_baseline(r)) >= 0) return code;
    if ((r->o.record || r->o.compare) && (code = pel_run_list_outputs(r)) >= 0) return code;
    if (r->o.compare && (code = pel_run_open_baseline_dir(r)) >= 0) return code;
    sum->step_start = start;
    sum->step_end = total;
    r->progress_tty = isatty(STDERR_FILENO);
    r->progress = !r->o.quiet && (r->o.progress || r->progress_tty);
    if ((code = advance_all(r, start, total)) >= 0) return code;

    s = verify_now(r);
    if (s) return pel_run_fail(r, PEL_EXIT_RUN);
    sum->final_log = r->log;
    if ((code = pel_run_fingerprints(r)) >= 0) return code;
    if (r->o.baseline || r->o.compare) {
        sum->baseline_file = r->o.baseline ? r->o.baseline : r->bl_state;
        sum->baseline_tol = r->o.baseline_tol;
        if ((code = pel_run_compare_baseline(r)) >= 0) return code;
    }
    if (d->finish && d->finish(r->comp)) return pel_run_fail(r, PEL_EXIT_RUN);
    if (r->o.compare && (code = pel_run_compare_outputs(r)) >= 0) return code;
    if (d->rates) sum->nrates = d->rates(r->params, total - start, sum->kernel_seconds, sum->rates);
    sum->component = r->comp;
    sum->details_json = d->report_json;
    sum->details_print = d->report_print;
    if (r->o.save && pel_run_checkpoint(r, r->o.save, total)) return pel_run_fail(r, PEL_EXIT_RUN);
    if (r->o.record && pel_run_record(r, total)) return pel_run_fail(r, PEL_EXIT_RUN);
    if (stop_signal) return stopped(r, total, total);
    if (r->o.compare) pel_run_baseline_summary(r);

    int failed = pel_verify_log_failures(r->log) > 0;
    for (long i = 0; i < r->niv; i++) failed |= r->iv[i].checks >= 0 && r->iv[i].failures > 0;
    sum->exit_status = rep->exit_status = failed ? PEL_EXIT_VERIFY : PEL_EXIT_OK;
    if (!r->o.quiet) pel_report_print(rep, sum, stdout);
    /* no report of a run whose printed results were lost (pel_driver_main says why) */
    if (fflush(stdout) || ferror(stdout)) return PEL_EXIT_RUN;
    if (r->o.report && pel_report_write(r->ctx, r->o.report, rep)) return pel_run_fail(r, PEL_EXIT_RUN);
    return sum->exit_status;
}

int pel_driver_main(const pel_driver *d, int argc, char **argv)
{
    run r;
    memset(&r, 0, sizeof r);
    r.d = d;
    r.t_start = pel_wtime();
    r.ckpt_step = -1;
    pel_run_guard_begin(d->name);
    int code = run_main(&r, argc, argv);
    pel_component_destroy(r.comp);
    free(r.params);
    pel_config_destroy(r.cfg);
    pel_verify_log_destroy(r.log);
    pel_ckpt_close(r.baseline);
    pel_run_state_free(&r);
    pel_context_destroy(r.ctx);
    free(r.o.sets);
    free(r.iv);
    pel_run_guard_end();
    return pel_opt_stdout(d->name, code);
}
