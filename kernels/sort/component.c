/* NPB IS as a component (include/pel/component.h): one class run the way
 * NPB 3.3.1's IS/is.c (OpenMP) runs it.
 *
 * create (NPB's untimed setup): the keys (create_seq), the plan and the one
 * iteration NPB does for free (its checks discarded).  A step is one of
 * NPB's timed iterations: the key change, the ranking and the five partial
 * checks, which the object keeps.  verify appends the partial checks of the
 * steps done and NPB's full verification of the last ranking (after the
 * class's 10 steps: NPB's 51 checks).  Steps beyond the class's count are
 * refused.  A checkpoint holds the keys and the partial checks' values;
 * restore ranks the keys again, which gives the same table. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pel/component.h>
#include <pel/memory.h>
#include <pel/sort.h>

#include "internal/sort.h"

_Static_assert(sizeof(int) == 4, "the sort family's keys and tables are int, exposed as i32");

typedef struct is_state {
    pel_context *ctx;
    pel_sort_npb p;
    pel_sort *s;
    int *keys, *work;
    size_t n;
    pel_verify_log *partial;
    double *checks; /* [iterations * PEL_SORT_NPB_TESTS][2]: value, reference */
    long step;
    char cls[2];
    pel_field fless, save_fields[2];
    pel_meta meta[1];
} is_state;

static void params_default(void *p) { pel_npb_component_params_default(p); }

static void destroy(void *v)
{
    is_state *s = v;
    pel_sort_destroy(s->s);
    peli_pages_free(s->keys, s->n * sizeof *s->keys);
    peli_pages_free(s->work, s->n * sizeof *s->work);
    free(s->checks);
    pel_verify_log_destroy(s->partial);
    free(s);
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    const pel_npb_component_params *prm = params;
    is_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "is: out of memory");
    *out = s;
    s->ctx = ctx;
    pel_status st = pel_sort_npb_class(ctx, prm->cls, &s->p);
    if (st) return st;
    s->cls[0] = prm->cls;
    s->n = s->p.total_keys;
    size_t nchecks = (size_t)s->p.iterations * PEL_SORT_NPB_TESTS;
    s->keys = peli_pages(s->n * sizeof *s->keys);
    s->work = peli_pages(s->n * sizeof *s->work);
    s->checks = calloc(2 * nchecks, sizeof *s->checks);
    if (!s->keys || !s->work || !s->checks || pel_verify_log_create(&s->partial))
        return pel_error(ctx, PEL_ENOMEM, "is: no memory for %zu keys", s->n);
    if ((st = pel_sort_npb_keys(ctx, s->n, s->p.max_key, PEL_SORT_NPB_SEED, s->keys))) return st;
    pel_sort_params sp = {.n = s->n, .max_key = s->p.max_key, .method = PEL_SORT_AUTO};
    if ((st = pel_sort_create(ctx, &sp, &s->s))) return st;
    /* NPB: "one iteration for free", whose checks it discards */
    st = pel_sort_npb_modify(ctx, &s->p, s->keys, 1);
    if (!st) st = pel_sort_rank(s->s, s->keys, NULL, NULL);
    s->fless = (pel_field){"less", PEL_I32, 1, {(uint64_t)s->p.max_key + 1}, pel_sort_less(s->s)};
    s->save_fields[0] = (pel_field){"keys", PEL_I32, 1, {s->n}, s->keys};
    s->save_fields[1] = (pel_field){"partial_checks", PEL_F64, 2, {nchecks, 2}, s->checks};
    s->meta[0] = (pel_meta){.name = "npb.class", .kind = PEL_META_STRING, .s = s->cls};
    return st;
}

static pel_status advance(void *v, long nsteps)
{
    is_state *s = v;
    if (nsteps > s->p.iterations - s->step)
        return pel_error(s->ctx, PEL_EINVAL, "is: class %c has %d iterations: %ld more from step %ld is beyond",
                         s->p.cls, s->p.iterations, nsteps, s->step);
    pel_status st = PEL_OK;
    for (long i = 0; i < nsteps && !st; i++) {
        /* a check point per iteration (pel_context_set_cancel) */
        if (peli_cancelled(s->ctx)) return peli_cancel_error(s->ctx, "is", i, nsteps, "iterations");
        int it = (int)s->step + 1;
        int before = pel_verify_log_count(s->partial);
        st = pel_sort_npb_modify(s->ctx, &s->p, s->keys, it);
        if (!st) st = pel_sort_rank(s->s, s->keys, NULL, NULL);
        if (!st) st = pel_sort_npb_partial_verify(s->s, &s->p, s->keys, it, s->partial);
        for (int k = before; !st && k < pel_verify_log_count(s->partial); k++) {
            const pel_verify_record *r = pel_verify_log_get(s->partial, k);
            s->checks[2 * k] = r->value;
            s->checks[2 * k + 1] = r->reference;
        }
        if (!st) s->step = it;
    }
    return st;
}

static int fields(void *v, pel_field *out, int max)
{
    is_state *s = v;
    s->fless.data = pel_sort_less(s->s);
    if (max > 0) out[0] = s->fless;
    return 1;
}

static pel_status verify(void *v, pel_verify_log *log)
{
    is_state *s = v;
    for (int k = 0; k < pel_verify_log_count(s->partial); k++) pel_verify_add(log, pel_verify_log_get(s->partial, k));
    return pel_sort_npb_full_verify(s->s, s->keys, s->work, log);
}

static pel_status save(void *v, pel_component_state *out)
{
    is_state *s = v;
    out->fields = s->save_fields;
    out->nfields = 2;
    out->meta = s->meta;
    out->nmeta = 1;
    return PEL_OK;
}

/* The partial checks again, as pel_sort_npb_partial_verify made them:
 * exact comparisons named by iteration and test. */
static pel_status restore(void *v, const pel_component_state *in)
{
    is_state *s = v;
    if (in->step > s->p.iterations)
        return pel_error(s->ctx, PEL_EMISMATCH, "is: restore at step %ld: class %c has %d iterations", in->step,
                         s->p.cls, s->p.iterations);
    memcpy(s->keys, in->fields[0].data, s->n * sizeof *s->keys);
    memcpy(s->checks, in->fields[1].data, 2 * (size_t)s->p.iterations * PEL_SORT_NPB_TESTS * sizeof *s->checks);
    pel_status st = pel_sort_rank(s->s, s->keys, NULL, NULL);
    if (st) return st;
    pel_verify_log_clear(s->partial);
    for (long it = 1; it <= in->step; it++)
        for (int i = 0; i < PEL_SORT_NPB_TESTS; i++) {
            size_t k = (size_t)(it - 1) * PEL_SORT_NPB_TESTS + (size_t)i;
            char name[PEL_VERIFY_NAME_MAX];
            snprintf(name, sizeof name, "is.partial.it%02ld.key%d", it, i);
            pel_verify_close(s->partial, name, s->checks[2 * k], s->checks[2 * k + 1], 0.0, 0.0);
        }
    s->step = in->step;
    return PEL_OK;
}

const pel_component_type pel_sort_component = {
    .name = "sort",
    .numerics_version = PEL_SORT_NUMERICS_VERSION,
    .step_noun = "iteration",
    .params_size = sizeof(pel_npb_component_params),
    .params_default = params_default,
    .create = create,
    .advance = advance,
    .fields = fields,
    .verify = verify,
    .save = save,
    .restore = restore,
    .destroy = destroy,
};
