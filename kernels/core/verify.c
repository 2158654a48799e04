/* Verification records and their verdicts. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pel/verify.h>

struct pel_verify_log {
    pel_verify_record *rec;
    int n, cap;
    int lost; /* records that could not be stored count as failures */
};

pel_status pel_verify_log_create(pel_verify_log **log)
{
    if (!log) return PEL_EINVAL;
    *log = calloc(1, sizeof **log);
    return *log ? PEL_OK : PEL_ENOMEM;
}

void pel_verify_log_destroy(pel_verify_log *log)
{
    if (!log) return;
    free(log->rec);
    free(log);
}

void pel_verify_log_clear(pel_verify_log *log)
{
    if (log) log->n = log->lost = 0;
}

int pel_verify_judge(pel_verify_kind kind, double value, double reference, double abs_tol,
                     double rel_tol)
{
    if (isnan(value) || isnan(reference)) return 0;
    switch (kind) {
    case PEL_VERIFY_CLOSE: {
        double tol = fmax(abs_tol, rel_tol * fabs(reference));
        return fabs(value - reference) <= tol; /* an infinite value fails here */
    }
    case PEL_VERIFY_AT_MOST: return value <= reference + abs_tol;
    case PEL_VERIFY_AT_LEAST: return value >= reference - abs_tol;
    }
    return 0;
}

int pel_verify_add(pel_verify_log *log, const pel_verify_record *in)
{
    if (!log || !in) return 0;
    if (log->n == log->cap) {
        int cap = log->cap ? 2 * log->cap : 16;
        pel_verify_record *r = realloc(log->rec, (size_t)cap * sizeof *r);
        if (!r) {
            log->lost++;
            return 0;
        }
        log->rec = r;
        log->cap = cap;
    }
    pel_verify_record *r = &log->rec[log->n++];
    *r = *in;
    r->name[PEL_VERIFY_NAME_MAX - 1] = '\0';
    r->pass = pel_verify_judge(r->kind, r->value, r->reference, r->abs_tol, r->rel_tol);
    return r->pass;
}

static int add(pel_verify_log *log, pel_verify_kind kind, const char *name, double value,
               double reference, double abs_tol, double rel_tol)
{
    pel_verify_record r = {.kind = kind, .value = value, .reference = reference,
                           .abs_tol = abs_tol, .rel_tol = rel_tol};
    snprintf(r.name, sizeof r.name, "%s", name ? name : "");
    return pel_verify_add(log, &r);
}

int pel_verify_close(pel_verify_log *log, const char *name, double value, double reference,
                     double abs_tol, double rel_tol)
{
    return add(log, PEL_VERIFY_CLOSE, name, value, reference, abs_tol, rel_tol);
}

int pel_verify_at_most(pel_verify_log *log, const char *name, double value, double bound)
{
    return add(log, PEL_VERIFY_AT_MOST, name, value, bound, 0.0, 0.0);
}

int pel_verify_at_least(pel_verify_log *log, const char *name, double value, double bound)
{
    return add(log, PEL_VERIFY_AT_LEAST, name, value, bound, 0.0, 0.0);
}

int pel_verify_log_count(const pel_verify_log *log) { return log ? log->n : 0; }

const pel_verify_record *pel_verify_log_get(const pel_verify_log *log, int i)
{
    return (log && i >= 0 && i < log->n) ? &log->rec[i] : NULL;
}

int pel_verify_log_failures(const pel_verify_log *log)
{
    if (!log) return 0;
    int f = log->lost;
    for (int i = 0; i < log->n; i++) f += !log->rec[i].pass;
    return f;
}

int pel_verify_log_passed(const pel_verify_log *log) { return pel_verify_log_failures(log) == 0; }

void pel_verify_log_print(const pel_verify_log *log, FILE *out)
{
    if (!log || !out) return;
    for (int i = 0; i < log->n; i++) {
        const pel_verify_record *r = &log->rec[i];
        const char *rel = r->kind == PEL_VERIFY_AT_MOST    ? "<="
                          : r->kind == PEL_VERIFY_AT_LEAST ? ">="
                                                           : "~";
        fprintf(out, "%s %-28s value %-23.16g %s reference %-23.16g", r->pass ? "PASS" : "FAIL",
                r->name, r->value, rel, r->reference);
        if (r->kind == PEL_VERIFY_CLOSE)
            fprintf(out, " tol abs %.3g rel %.3g (|diff| %.3g)", r->abs_tol, r->rel_tol,
                    fabs(r->value - r->reference));
        fputc('\n', out);
    }
    if (log->lost) fprintf(out, "FAIL %d verification records lost (out of memory)\n", log->lost);
}
