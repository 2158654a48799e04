/* The generic component calls (include/pel/component.h): argument checks,
 * the step count, and the matching of checkpoint state to an object. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal/core.h"

struct pel_component {
    const pel_component_type *type;
    pel_context *ctx;
    void *state;
    long step;
};

void pel_npb_component_params_default(pel_npb_component_params *p)
{
    if (p) p->cls = 'S';
}

static const char *type_name(const pel_component_type *t) { return t->name ? t->name : "component"; }

pel_status pel_component_create(pel_context *ctx, const pel_component_type *type, const void *params,
                                pel_component **c)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, c, "component: the result pointer must not be NULL");
    *c = NULL;
    PEL_REQUIRE(ctx, type, "component_create: the component type is NULL");
    PEL_REQUIRE(ctx, type->name && type->step_noun && type->params_size && type->params_default &&
                         type->create && type->advance && type->fields && type->verify && type->destroy,
                "component_create: %s: the type lacks a required member", type_name(type));
    PEL_REQUIRE(ctx, !type->save == !type->restore,
                "component_create: %s: save and restore come together", type->name);
    pel_component *h = calloc(1, sizeof *h);
    if (!h) return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", type->name);
    void *defaults = NULL;
    if (!params) {
        defaults = calloc(1, type->params_size);
        if (!defaults) {
            free(h);
            return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", type->name);
        }
        type->params_default(defaults);
        params = defaults;
    }
    h->type = type;
    h->ctx = peli_context_retain(ctx); /* the context lives as long as the object (context.h) */
    pel_status st = type->create(ctx, params, &h->state);
    free(defaults);
    if (st) {
        if (h->state) type->destroy(h->state);
        free(h);
        /* a type that forgot to record a message still leaves one */
        if (pel_context_last_status(ctx) != st)
            pel_error(ctx, st, "%s: create failed (%s)", type->name, pel_strerror(st));
        peli_context_release(ctx);
        return st;
    }
    *c = h;
    return PEL_OK;
}

void pel_component_destroy(pel_component *c)
{
    if (!c) return;
    if (c->state) c->type->destroy(c->state);
    peli_context_release(c->ctx);
    free(c);
}

const pel_component_type *pel_component_get_type(const pel_component *c) { return c ? c->type : NULL; }
pel_context *pel_component_context(const pel_component *c) { return c ? c->ctx : NULL; }
void *pel_component_object(pel_component *c, const pel_component_type *type)
{
    return c && c->type == type ? c->state : NULL;
}
long pel_component_step(const pel_component *c) { return c ? c->step : 0; }

double pel_component_time(pel_component *c)
{
    if (!c) return 0.0;
    return c->type->time ? c->type->time(c->state) : (double)c->step;
}

pel_status pel_component_advance(pel_component *c, long nsteps)
{
    if (!c) return PEL_EINVAL;
    PEL_REQUIRE(c->ctx, nsteps >= 0, "%s: advance by %ld steps: must be >= 0", c->type->name, nsteps);
    if (nsteps == 0) return PEL_OK;
    pel_status st = c->type->advance(c->state, nsteps);
    if (!st) c->step += nsteps;
    return st;
}

int pel_component_fields(pel_component *c, pel_field *out, int max)
{
    if (!c || max < 0 || (max > 0 && !out)) return -1;
    return c->type->fields(c->state, out, max);
}

pel_status pel_component_verify(pel_component *c, pel_verify_log *log)
{
    if (!c) return PEL_EINVAL;
    PEL_REQUIRE(c->ctx, log, "%s: verify: the log is NULL", c->type->name);
    return c->type->verify(c->state, log);
}

pel_status pel_component_check_finite(pel_component *c)
{
    if (!c) return PEL_EINVAL;
    int n = c->type->fields(c->state, NULL, 0);
    pel_field *all = n > 0 ? malloc((size_t)n * sizeof *all) : NULL;
    if (n > 0 && !all) return pel_error(c->ctx, PEL_ENOMEM, "%s: out of memory", c->type->name);
    if (n > 0) n = c->type->fields(c->state, all, n);
    pel_status st = PEL_OK;
    for (int k = 0; k < n && st == PEL_OK; k++) {
        const pel_field *f = &all[k];
        int64_t i = pel_field_find_nonfinite(f);
        if (i < 0) continue;
        uint64_t idx[PEL_FIELD_MAX_RANK] = {0};
        pel_field_index(f, (uint64_t)i, idx);
        char at[128];
        size_t len = 0;
        for (int d = 0; d < f->rank && len < sizeof at; d++)
            len += (size_t)snprintf(at + len, sizeof at - len, "%s%llu", d ? ", " : "",
                                    (unsigned long long)idx[d]);
        double v = f->type == PEL_F64 ? ((const double *)f->data)[i]
                                      : (double)((const float *)f->data)[i];
        st = pel_error(c->ctx, PEL_ENONFINITE, "%s: field %s holds %g at (%s) after step %ld",
                       c->type->name, f->name, v, at, c->step);
    }
    free(all);
    return st;
}

int pel_component_can_checkpoint(const pel_component *c) { return c && c->type->save; }

pel_status pel_component_save(pel_component *c, pel_component_state *out)
{
    if (!c) return PEL_EINVAL;
    PEL_REQUIRE(c->ctx, out, "%s: save: the result pointer is NULL", c->type->name);
    if (!c->type->save) return pel_error(c->ctx, PEL_ENOTSUP, "%s: no checkpoints", c->type->name);
    memset(out, 0, sizeof *out);
    pel_status st = c->type->save(c->state, out);
    if (st) return st;
    out->step = c->step;
    out->time = pel_component_time(c);
    return PEL_OK;
}

static int same_meta(const pel_meta *a, const pel_meta *b)
{
    if (a->kind != b->kind) return 0;
    switch (a->kind) {
    case PEL_META_INT: return a->i == b->i;
    case PEL_META_REAL: return memcmp(&a->r, &b->r, sizeof a->r) == 0;
    case PEL_META_STRING: return a->s && b->s && strcmp(a->s, b->s) == 0;
    }
    return 0;
}

static void meta_text(const pel_meta *m, char *buf, size_t n)
{
    switch (m->kind) {
    case PEL_META_INT: snprintf(buf, n, "%lld", (long long)m->i); break;
    case PEL_META_REAL: snprintf(buf, n, "%.17g", m->r); break;
    case PEL_META_STRING: snprintf(buf, n, "'%s'", m->s ? m->s : ""); break;
    default: snprintf(buf, n, "(kind %d)", (int)m->kind); break;
    }
}

static int same_shape(const pel_field *a, const pel_field *b)
{
    if (a->type != b->type || a->rank != b->rank) return 0;
    for (int d = 0; d < a->rank && d < PEL_FIELD_MAX_RANK; d++)
        if (a->dims[d] != b->dims[d]) return 0;
    return 1;
}

pel_status pel_component_restore(pel_component *c, const pel_component_state *in)
{
    if (!c) return PEL_EINVAL;
    const char *name = c->type->name;
    pel_context *ctx = c->ctx;
    PEL_REQUIRE(ctx, in, "%s: restore: the state is NULL", name);
    if (!c->type->restore) return pel_error(ctx, PEL_ENOTSUP, "%s: no checkpoints", name);
    PEL_REQUIRE(ctx, in->step >= 0, "%s: restore: step %ld: must be >= 0", name, in->step);
    PEL_REQUIRE(ctx, in->nfields >= 0 && in->nmeta >= 0 && (!in->nfields || in->fields) &&
                         (!in->nmeta || in->meta),
                "%s: restore: the state's field or metadata list is inconsistent", name);
    pel_component_state own;
    memset(&own, 0, sizeof own);
    pel_status st = c->type->save(c->state, &own);
    if (st) return st;
    for (int i = 0; i < in->nmeta; i++) {
        const pel_meta *m = &in->meta[i], *o = NULL;
        for (int j = 0; j < own.nmeta && !o; j++)
            if (m->name && strcmp(m->name, own.meta[j].name) == 0) o = &own.meta[j];
        if (!o) return pel_error(ctx, PEL_EMISMATCH, "%s: restore: unknown parameter '%s'", name, m->name ? m->name : "");
        if (!same_meta(m, o)) {
            char a[64], b[64];
            meta_text(m, a, sizeof a);
            meta_text(o, b, sizeof b);
            return pel_error(ctx, PEL_EMISMATCH, "%s: restore: saved with %s = %s, this object has %s", name,
                             m->name, a, b);
        }
    }
    if (in->nfields != own.nfields)
        return pel_error(ctx, PEL_EMISMATCH, "%s: restore: %d fields given, the state has %d", name,
                         in->nfields, own.nfields);
    pel_field *ordered = calloc((size_t)own.nfields + 1, sizeof *ordered);
    if (!ordered) return pel_error(ctx, PEL_ENOMEM, "%s: restore: out of memory", name);
    for (int j = 0; j < own.nfields && !st; j++) {
        const pel_field *f = NULL;
        for (int i = 0; i < in->nfields && !f; i++)
            if (in->fields[i].name && strcmp(in->fields[i].name, own.fields[j].name) == 0) f = &in->fields[i];
        if (!f) st = pel_error(ctx, PEL_EMISMATCH, "%s: restore: field '%s' is missing", name, own.fields[j].name);
        else if (!same_shape(f, &own.fields[j]))
            st = pel_error(ctx, PEL_EMISMATCH,
                           "%s: restore: field '%s' is %s of rank %d with %llu values, expected %s of rank %d with %llu",
                           name, f->name, pel_dtype_name(f->type), f->rank,
                           (unsigned long long)pel_field_count(f), pel_dtype_name(own.fields[j].type),
                           own.fields[j].rank, (unsigned long long)pel_field_count(&own.fields[j]));
        else if (!f->data && pel_field_count(f))
            st = pel_error(ctx, PEL_EINVAL, "%s: restore: field '%s' has no data", name, f->name);
        else ordered[j] = *f;
    }
    if (!st) {
        pel_component_state s = *in;
        s.fields = ordered;
        s.nfields = own.nfields;
        st = c->type->restore(c->state, &s);
        if (!st) c->step = in->step;
    }
    free(ordered);
    return st;
}

pel_status pel_component_export(pel_component *c, const char *fname, pel_field *out)
{
    if (!c) return PEL_EINVAL;
    const char *name = c->type->name;
    PEL_REQUIRE(c->ctx, fname && out, "%s: export: the name or the result pointer is NULL", name);
    if (c->type->export_field) return c->type->export_field(c->state, fname, out);
    int n = c->type->fields(c->state, NULL, 0);
    pel_field *all = calloc((size_t)(n > 0 ? n : 1), sizeof *all);
    if (!all) return pel_error(c->ctx, PEL_ENOMEM, "%s: export: out of memory", name);
    c->type->fields(c->state, all, n);
    pel_status st = PEL_EMISMATCH;
    for (int i = 0; i < n && st; i++)
        if (strcmp(all[i].name, fname) == 0) *out = all[i], st = PEL_OK;
    free(all);
    if (st) return pel_error(c->ctx, st, "%s: no field '%s' to export", name, fname);
    return PEL_OK;
}

pel_status pel_component_import(pel_component *c, const pel_field *in)
{
    if (!c) return PEL_EINVAL;
    const char *name = c->type->name;
    PEL_REQUIRE(c->ctx, in && in->name, "%s: import: the field or its name is NULL", name);
    PEL_REQUIRE(c->ctx, in->data || !pel_field_count(in), "%s: import: field '%s' has no data", name, in->name);
    if (!c->type->import_field)
        return pel_error(c->ctx, PEL_ENOTSUP, "%s: imports no fields ('%s' given)", name, in->name);
    return c->type->import_field(c->state, in);
}
