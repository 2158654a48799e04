/* The JSON run report (schema in README, "Run reports"). */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/report.h"

static void build_info(pel_json *w)
{
    pel_json_key(w, "build");
    pel_json_object_begin(w);
#if defined(__clang__)
    pel_json_kv_string(w, "compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
    pel_json_kv_string(w, "compiler", "gcc " __VERSION__);
#endif
    pel_json_kv_string(w, "cflags", PEL_BUILD_CFLAGS);
#if defined(_OPENMP)
    pel_json_kv_int(w, "openmp", _OPENMP);
#endif
    pel_json_object_end(w);
}

static void host_info(pel_json *w)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    char date[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm)) strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    pel_json_key(w, "host");
    pel_json_object_begin(w);
    pel_json_kv_string(w, "name", host);
    pel_json_kv_int(w, "cpus_online", sysconf(_SC_NPROCESSORS_ONLN));
    pel_json_kv_string(w, "date", date);
    pel_json_object_end(w);
}

void pel_report_provenance(pel_json *w)
{
    pel_json_kv_string(w, "version", pel_version());
    build_info(w);
    host_info(w);
}

void pel_report_set_type(pel_run_summary *s, const pel_component_type *type)
{
    s->type = type;
    s->numerics[0] = '\0';
    if (type) snprintf(s->numerics, sizeof s->numerics, "%s=%d", type->name, type->numerics_version);
}

void pel_report_add_parts(pel_run_summary *s, const pel_component_type *const *parts)
{
    for (; parts && *parts; parts++) {
        size_t k = strlen(s->numerics);
        snprintf(s->numerics + k, sizeof s->numerics - k, ",%s=%d", (*parts)->name, (*parts)->numerics_version);
    }
}

void pel_report_fingerprints(pel_run_summary *s)
{
    for (int i = 0; i < s->nfields; i++) pel_field_fingerprint(&s->fields[i], s->fingerprints[i]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double pel_report_median(double *x, int n)
{
    if (n <= 0) return 0.0;
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

double pel_report_cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void meta_value(pel_json *w, const pel_meta *m)
{
    switch (m->kind) {
    case PEL_META_INT: pel_json_int(w, (long long)m->i); break;
    case PEL_META_REAL: pel_json_number(w, m->r); break;
    case PEL_META_STRING: pel_json_string(w, m->s); break;
    default: pel_json_null(w); break;
    }
}

static void meta_object(pel_json *w, const char *key, const pel_meta *m, int n)
{
    pel_json_key(w, key);
    pel_json_object_begin(w);
    for (int i = 0; i < n; i++) {
        pel_json_key(w, m[i].name);
        meta_value(w, &m[i]);
    }
    pel_json_object_end(w);
}

static void verification(pel_json *w, const pel_run_summary *s)
{
    pel_json_key(w, "verification");
    pel_json_object_begin(w);
    pel_json_kv_bool(w, "passed", s->exit_status == 0);
    pel_json_key(w, "final");
    if (s->final_log) pel_json_verify_log(w, s->final_log);
    else {
        pel_json_array_begin(w);
        pel_json_array_end(w);
    }
    pel_json_object_end(w);
}

static void intervals(pel_json *w, const pel_run_summary *s)
{
    pel_json_key(w, "intervals");
    pel_json_array_begin(w);
    for (long i = 0; i < s->nintervals; i++) {
        const pel_interval *iv = &s->intervals[i];
        pel_json_object_begin(w);
        pel_json_kv_int(w, "step", iv->step);
        pel_json_kv_int(w, "steps", iv->steps);
        pel_json_kv_number(w, "kernel_s", iv->kernel_s);
        if (iv->checks >= 0) {
            pel_json_kv_int(w, "checks", iv->checks);
            pel_json_kv_int(w, "failures", iv->failures);
        }
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
}

static void multi_index(pel_json *w, const char *key, const uint64_t *at, int rank, int present)
{
    pel_json_key(w, key);
    pel_json_array_begin(w);
    for (int k = 0; present && k < rank; k++) pel_json_int(w, (long long)at[k]);
    pel_json_array_end(w);
}

static void baseline(pel_json *w, const pel_run_summary *s)
{
    pel_json_key(w, "baseline");
    if (!s->baseline_file) {
        pel_json_null(w);
        return;
    }
    pel_json_object_begin(w);
    pel_json_kv_string(w, "file", s->baseline_file);
    pel_json_kv_number(w, "rel_tol", s->baseline_tol);
    pel_json_key(w, "fields");
    pel_json_array_begin(w);
    for (int i = 0; i < s->nfields; i++) {
        const pel_baseline_diff *d = &s->diffs[i];
        int differ = d->d.differing > 0;
        pel_json_object_begin(w);
        pel_json_kv_string(w, "name", d->name);
        pel_json_kv_string(w, "type", pel_dtype_name(d->type));
        pel_json_kv_int(w, "values", (long long)d->d.count);
        pel_json_kv_int(w, "differing", (long long)d->d.differing);
        multi_index(w, "first", d->first_at, d->rank, differ);
        if (pel_dtype_is_real(d->type)) {
            pel_json_kv_number(w, "max_abs_diff", d->d.max_abs);
            pel_json_kv_number(w, "max_rel_diff", d->d.max_rel);
            multi_index(w, "at", d->abs_at, d->rank, differ);
            if (d->d.max_ulp <= INT64_MAX) pel_json_kv_int(w, "max_ulp", (long long)d->d.max_ulp);
            else pel_json_kv_number(w, "max_ulp", (double)d->d.max_ulp);
            multi_index(w, "max_ulp_at", d->ulp_at, d->rank, differ);
        }
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
    pel_json_object_end(w);
}

/* Name, element type, dims and fingerprint of each final field. */
static void fields(pel_json *w, const pel_run_summary *s)
{
    pel_json_key(w, "fields");
    pel_json_array_begin(w);
    for (int i = 0; i < s->nfields; i++) {
        const pel_field *f = &s->fields[i];
        pel_json_object_begin(w);
        pel_json_kv_string(w, "name", f->name);
        pel_json_kv_string(w, "type", pel_dtype_name(f->type));
        multi_index(w, "dims", f->dims, f->rank, 1);
        pel_json_kv_string(w, "fingerprint", s->fingerprints[i]);
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
}

static void problem(pel_json *w, const pel_run_summary *s)
{
    pel_json_object_begin(w);
    pel_json_kv_string(w, "name", s->problem);
    pel_json_kv_string(w, "component", s->type ? s->type->name : NULL);
    if (s->type) pel_json_kv_int(w, "numerics_version", s->type->numerics_version);
    else {
        pel_json_key(w, "numerics_version");
        pel_json_null(w);
    }
    pel_json_kv_string(w, "class", s->variant);
    if (s->ninfo) meta_object(w, "info", s->info, s->ninfo);
    else {
        pel_json_key(w, "info");
        pel_json_null(w);
    }
    pel_json_kv_string(w, "restart_file", s->restart_file);
    pel_json_kv_int(w, "step_start", s->step_start);
    pel_json_kv_int(w, "step_end", s->step_end);
    pel_json_key(w, "timing");
    pel_json_object_begin(w);
    pel_json_kv_number(w, "kernel_s", s->kernel_seconds);
    pel_json_key(w, "repetitions");
    pel_json_array_begin(w);
    for (int i = 0; i < s->nreps; i++) pel_json_number(w, s->rep_seconds[i]);
    pel_json_array_end(w);
    pel_json_key(w, "regions");
    if (s->ctx) pel_json_regions(w, s->ctx);
    else pel_json_null(w);
    pel_json_object_end(w);
    pel_json_key(w, "figures_of_merit");
    pel_json_array_begin(w);
    for (int i = 0; i < s->nrates; i++) {
        pel_json_object_begin(w);
        pel_json_kv_string(w, "name", s->rates[i].name);
        pel_json_kv_number(w, "value", s->rates[i].value);
        pel_json_kv_string(w, "unit", s->rates[i].unit);
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
    verification(w, s);
    intervals(w, s);
    pel_json_key(w, "fingerprints");
    pel_json_object_begin(w);
    for (int i = 0; i < s->nfields; i++) pel_json_kv_string(w, s->fields[i].name, s->fingerprints[i]);
    pel_json_object_end(w);
    fields(w, s);
    pel_json_kv_bool(w, "repetitions_identical", s->reps_identical);
    baseline(w, s);
    pel_json_kv_string(w, "checkpoint_file", s->checkpoints_written);
    if (s->details_json && s->component) {
        pel_json_key(w, "details");
        s->details_json(w, s->component);
    }
    pel_json_kv_string(w, "error", s->error);
    pel_json_kv_int(w, "exit_status", s->exit_status);
    pel_json_object_end(w);
}

/* The numerics versions of every problem's family, e.g. "heat=1" or
 * "gauss=1,sparse=2,...", each family once. */
void pel_report_head(pel_json *w, const char *program, const char *numerics, int argc, char *const *argv)
{
    pel_json_kv_string(w, "schema", PEL_REPORT_SCHEMA);
    pel_json_kv_int(w, "schema_version", PEL_REPORT_VERSION);
    pel_json_kv_string(w, "program", program);
    pel_json_kv_string(w, "numerics", numerics);
    pel_report_provenance(w);
    pel_json_key(w, "command_line");
    pel_json_array_begin(w);
    for (int i = 0; argv && i < argc; i++) pel_json_string(w, argv[i]);
    pel_json_array_end(w);
}

/* The numerics versions of the run's families, each once, in problem order. */
static void numerics(const pel_report *r, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < r->nproblems; i++) {
        const char *n = r->problems[i].numerics;
        int seen = !*n;
        for (int j = 0; j < i && !seen; j++) seen = strcmp(r->problems[j].numerics, n) == 0;
        if (seen || k + strlen(n) + 2 > size) continue;
        k += (size_t)snprintf(buf + k, size - k, "%s%s", k ? "," : "", n);
    }
}

static void body(pel_json *w, const pel_report *r)
{
    char num[PEL_RUN_NUMERICS_MAX * 16];
    numerics(r, num, sizeof num);
    pel_json_object_begin(w);
    pel_report_head(w, r->program, num, r->argc, r->argv);
    pel_json_kv_int(w, "threads", r->threads);
    if (r->cfg) {
        pel_json_key(w, "config");
        pel_config_json(r->cfg, w);
    } else meta_object(w, "config", r->settings, r->nsettings);
    pel_json_key(w, "problems");
    pel_json_array_begin(w);
    for (int i = 0; i < r->nproblems; i++) problem(w, &r->problems[i]);
    pel_json_array_end(w);
    pel_json_kv_int(w, "exit_status", r->exit_status);
    pel_json_object_end(w);
}

pel_status pel_report_write(pel_context *ctx, const char *path, const pel_report *r)
{
    pel_afile *a;
    pel_status st = pel_afile_open(ctx, path, &a);
    if (st) return st;
    pel_json *w;
    if ((st = pel_json_create(&w, pel_afile_stream(a)))) {
        pel_afile_abort(a);
        return pel_error(ctx, st, "%s: cannot write the report", path);
    }
    body(w, r);
    if ((st = pel_json_finish(w))) {
        pel_afile_abort(a);
        return pel_error(ctx, st, "%s: the report could not be written (%s)", path, pel_strerror(st));
    }
    return pel_afile_commit(ctx, a);
}

static void print_at(const uint64_t *at, int rank, FILE *out)
{
    fprintf(out, "(");
    for (int k = 0; k < rank; k++) fprintf(out, "%s%llu", k ? ", " : "", (unsigned long long)at[k]);
    fprintf(out, ")");
}

static void print_diff(const pel_baseline_diff *df, const char *file, FILE *out)
{
    const pel_field_diff *d = &df->d;
    if (!d->differing) {
        fprintf(out, "baseline %s: identical to %s\n", df->name, file);
        return;
    }
    fprintf(out, "baseline %s: %llu of %llu values differ", df->name, (unsigned long long)d->differing,
            (unsigned long long)d->count);
    if (pel_dtype_is_real(df->type)) {
        fprintf(out, ", largest |diff| %.3g (relative %.3g) at ", d->max_abs, d->max_rel);
        print_at(df->abs_at, df->rank, out);
        fprintf(out, ", largest %llu ULP at ", (unsigned long long)d->max_ulp);
        print_at(df->ulp_at, df->rank, out);
    } else {
        fprintf(out, " (%s, compared exactly)", pel_dtype_name(df->type));
    }
    fprintf(out, ", first at ");
    print_at(df->first_at, df->rank, out);
    fprintf(out, "\n");
}

/* The human summary at the end of a run. */
void pel_report_print(const pel_report *r, const pel_run_summary *s, FILE *out)
{
    const char *noun = s->type ? s->type->step_noun : "step";
    long steps = s->step_end - s->step_start;
    fprintf(out, "%s %s: %ld %s%s on %d thread%s", r->program, pel_version(), steps, noun,
            steps == 1 ? "" : "s", r->threads, r->threads == 1 ? "" : "s");
    if (s->restart_file) fprintf(out, " (restarted at %ld from %s)", s->step_start, s->restart_file);
    fprintf(out, "\n");
    pel_verify_log_print(s->final_log, out);
    for (int i = 0; i < s->nfields; i++)
        fprintf(out, "fingerprint %-10s %-3s %s\n", s->fields[i].name, pel_dtype_name(s->fields[i].type),
                s->fingerprints[i]);
    for (int i = 0; s->baseline_file && i < s->nfields; i++) print_diff(&s->diffs[i], s->baseline_file, out);
    fprintf(out, "time %.6f s in the kernel loop", s->kernel_seconds);
    for (int i = 0; i < s->nrates; i++) fprintf(out, ", %.4g %s", s->rates[i].value, s->rates[i].unit);
    fprintf(out, "\n");
    if (s->details_print && s->component) s->details_print(out, s->component);
    long ivfail = 0;
    for (long i = 0; i < s->nintervals; i++) ivfail += s->intervals[i].checks > 0 && s->intervals[i].failures > 0;
    int nfail = pel_verify_log_failures(s->final_log);
    if (!nfail && !ivfail) fprintf(out, "verification SUCCESSFUL (%d checks)\n", pel_verify_log_count(s->final_log));
    else fprintf(out, "verification FAILED: %d final check%s failed, %ld interval%s failed\n", nfail,
                nfail == 1 ? "" : "s", ivfail, ivfail == 1 ? "" : "s");
}
