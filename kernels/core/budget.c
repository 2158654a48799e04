/* Budget tables (pel/budget.h). */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal/core.h"
#include <pel/budget.h>

enum { MAX_COMP = 16, MAX_TERMS = 64, NAME = 32 };

/* Each table is (nt + 2) rows by nc: the terms' sums of rate * dt, the
 * storage changes, the seconds (the same in every column). */
struct pel_budget {
    pel_context *ctx;
    char name[NAME], unit[NAME], field_name[NAME + 8];
    int nc, nt;
    char comp[MAX_COMP][NAME], term[MAX_TERMS][NAME];
    double *cur, *last, *cum;
    double scale; /* the largest |rate * dt| added, or content given, this interval */
    double closure; /* what the last end_interval returned */
};

static int bad_name(const char *s) { return !s || !*s || strlen(s) >= NAME; }

static size_t cells(const pel_budget *b) { return (size_t)(b->nt + 2) * (size_t)b->nc; }

pel_status pel_budget_create(pel_context *ctx, const char *name, const char *unit, int ncomp,
                             const char *const *components, int nterms, const char *const *terms,
                             pel_budget **out)
{
    if (!ctx) return PEL_EINVAL;
    if (!out) return pel_error(ctx, PEL_EINVAL, "budget: out is NULL");
    *out = NULL;
    if (bad_name(name) || bad_name(unit))
        return pel_error(ctx, PEL_EINVAL, "budget: name and unit must be 1 to %d characters", NAME - 1);
    if (ncomp < 1 || ncomp > MAX_COMP || !components)
        return pel_error(ctx, PEL_EINVAL, "budget %s: %d components: give 1 to %d", name, ncomp, MAX_COMP);
    if (nterms < 1 || nterms > MAX_TERMS || !terms)
        return pel_error(ctx, PEL_EINVAL, "budget %s: %d terms: give 1 to %d", name, nterms, MAX_TERMS);
    for (int i = 0; i < ncomp; i++)
        if (bad_name(components[i]))
            return pel_error(ctx, PEL_EINVAL, "budget %s: component %d: give a name of 1 to %d characters",
                             name, i, NAME - 1);
    for (int i = 0; i < nterms; i++)
        if (bad_name(terms[i]))
            return pel_error(ctx, PEL_EINVAL, "budget %s: term %d: give a name of 1 to %d characters", name, i,
                             NAME - 1);
    pel_budget *b = calloc(1, sizeof *b);
    if (!b) return pel_error(ctx, PEL_ENOMEM, "budget %s: out of memory", name);
    b->nc = ncomp;
    b->nt = nterms;
    b->cur = calloc(cells(b), sizeof(double));
    b->last = calloc(cells(b), sizeof(double));
    b->cum = calloc(cells(b), sizeof(double));
    if (!b->cur || !b->last || !b->cum) {
        free(b->cur);
        free(b->last);
        free(b->cum);
        free(b);
        return pel_error(ctx, PEL_ENOMEM, "budget %s: out of memory", name);
    }
    b->ctx = peli_context_retain(ctx);
    snprintf(b->name, NAME, "%s", name);
    snprintf(b->unit, NAME, "%s", unit);
    snprintf(b->field_name, sizeof b->field_name, "budget_%s", name);
    for (int i = 0; i < ncomp; i++) snprintf(b->comp[i], NAME, "%s", components[i]);
    for (int i = 0; i < nterms; i++) snprintf(b->term[i], NAME, "%s", terms[i]);
    *out = b;
    return PEL_OK;
}

void pel_budget_destroy(pel_budget *b)
{
    if (!b) return;
    free(b->cur);
    free(b->last);
    free(b->cum);
    peli_context_release(b->ctx);
    free(b);
}

void pel_budget_add(pel_budget *b, int term, int comp, double rate, double dt)
{
    if (!b || term < 0 || term >= b->nt || comp < 0 || comp >= b->nc) return;
    double v = rate * dt;
    b->cur[term * b->nc + comp] += v;
    if (fabs(v) > b->scale) b->scale = fabs(v);
}

void pel_budget_content(pel_budget *b, int comp, double total)
{
    if (!b || comp < 0 || comp >= b->nc) return;
    if (fabs(total) > b->scale) b->scale = fabs(total);
}

void pel_budget_storage(pel_budget *b, int comp, double change)
{
    if (!b || comp < 0 || comp >= b->nc) return;
    b->cur[b->nt * b->nc + comp] += change;
}

/* sum of the terms * dt minus the storage change, for column comp */
static double residual(const pel_budget *b, const double *t, int comp)
{
    double net = 0.0;
    for (int k = 0; k < b->nt; k++) net += t[k * b->nc + comp];
    return net - t[b->nt * b->nc + comp];
}

double pel_budget_end_interval(pel_budget *b, double seconds)
{
    if (!b || !(seconds > 0)) return NAN;
    for (int c = 0; c < b->nc; c++) b->cur[(b->nt + 1) * b->nc + c] = seconds;
    double worst = 0.0;
    for (int c = 0; c < b->nc; c++) worst = fmax(worst, fabs(residual(b, b->cur, c)));
    double rel = b->scale > 0 ? worst / b->scale : 0.0;
    for (size_t i = 0; i < cells(b); i++) {
        b->cum[i] += b->cur[i];
        b->last[i] = b->cur[i];
        b->cur[i] = 0.0;
    }
    b->scale = 0.0;
    b->closure = rel;
    return rel;
}

double pel_budget_closure(const pel_budget *b) { return b ? b->closure : NAN; }

static const double *table(const pel_budget *b, int which) { return which ? b->cum : b->last; }

double pel_budget_seconds(const pel_budget *b, int which)
{
    return b ? table(b, which)[(b->nt + 1) * b->nc] : 0.0;
}

double pel_budget_rate(const pel_budget *b, int which, int term, int comp)
{
    if (!b || term < 0 || term >= b->nt || comp < 0 || comp >= b->nc) return NAN;
    double s = pel_budget_seconds(b, which);
    return s > 0 ? table(b, which)[term * b->nc + comp] / s : 0.0;
}

double pel_budget_residual(const pel_budget *b, int which, int comp)
{
    if (!b || comp < -1 || comp >= b->nc) return NAN;
    double s = pel_budget_seconds(b, which), r = 0.0;
    if (!(s > 0)) return 0.0;
    for (int c = 0; c < b->nc; c++)
        if (comp < 0 || c == comp) r += residual(b, table(b, which), c);
    return r / s;
}

int pel_budget_terms(const pel_budget *b) { return b ? b->nt : 0; }
int pel_budget_components(const pel_budget *b) { return b ? b->nc : 0; }
const char *pel_budget_term_name(const pel_budget *b, int t) { return b && t >= 0 && t < b->nt ? b->term[t] : NULL; }
const char *pel_budget_component_name(const pel_budget *b, int c)
{
    return b && c >= 0 && c < b->nc ? b->comp[c] : NULL;
}

static void row(const pel_budget *b, FILE *out, const char *label, const double *t, int r, double s)
{
    double sum = 0.0;
    fprintf(out, "  %-16s", label);
    for (int c = 0; c < b->nc; c++) {
        double v = t[r * b->nc + c] / s;
        sum += v;
        fprintf(out, " %14.6e", v);
    }
    fprintf(out, " %14.6e\n", sum);
}

void pel_budget_print(const pel_budget *b, int which, FILE *out)
{
    if (!b || !out) return;
    const double *t = table(b, which);
    double s = pel_budget_seconds(b, which);
    fprintf(out, "%s budget (%s, mean over %s of %.6g s; positive: the component gains)\n", b->name, b->unit,
            which ? "the run" : "the interval", s);
    if (!(s > 0)) return;
    fprintf(out, "  %-16s", "");
    for (int c = 0; c < b->nc; c++) fprintf(out, " %14s", b->comp[c]);
    fprintf(out, " %14s\n", "*SUM*");
    for (int k = 0; k < b->nt; k++) row(b, out, b->term[k], t, k, s);
    row(b, out, "storage change", t, b->nt, s);
    double tot = 0.0;
    fprintf(out, "  %-16s", "residual");
    for (int c = 0; c < b->nc; c++) {
        double r = residual(b, t, c) / s;
        tot += r;
        fprintf(out, " %14.6e", r);
    }
    fprintf(out, " %14.6e\n", tot);
}

pel_status pel_budget_save(pel_budget *b, pel_field *out)
{
    if (!b) return PEL_EINVAL;
    if (!out) return pel_error(b->ctx, PEL_EINVAL, "budget %s: no field to save into", b->name);
    memset(out, 0, sizeof *out);
    out->name = b->field_name;
    out->type = PEL_F64;
    out->rank = 2;
    out->dims[0] = (uint64_t)(b->nt + 2);
    out->dims[1] = (uint64_t)b->nc;
    out->data = b->cum;
    return PEL_OK;
}

pel_status pel_budget_restore(pel_budget *b, const pel_field *in)
{
    if (!b) return PEL_EINVAL;
    if (!in || !in->data) return pel_error(b->ctx, PEL_EINVAL, "budget %s: no field to restore", b->name);
    if (!in->name || strcmp(in->name, b->field_name) != 0 || in->type != PEL_F64 || in->rank != 2 ||
        in->dims[0] != (uint64_t)(b->nt + 2) || in->dims[1] != (uint64_t)b->nc)
        return pel_error(b->ctx, PEL_EMISMATCH, "budget %s: field '%s' is not this table's %s (f64, %d x %d)",
                         b->name, in->name ? in->name : "(null)", b->field_name, b->nt + 2, b->nc);
    memcpy(b->cum, in->data, cells(b) * sizeof(double));
    memset(b->cur, 0, cells(b) * sizeof(double));
    memset(b->last, 0, cells(b) * sizeof(double));
    b->scale = 0.0;
    b->closure = 0.0;
    return PEL_OK;
}
