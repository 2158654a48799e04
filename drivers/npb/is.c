/* NPB IS for pel-npb: one class run the way NPB 3.3.1's IS/is.c (OpenMP)
 * runs it.  Untimed: key generation (create_seq), the plan, one free
 * iteration (rank(1)) and the full verification.  Timed: the 10 iterations,
 * each the key change, the ranking and the partial verification. */
#include <config.h>

#include "npb/npb.h"

#include <pel/sort.h>

static pel_status fail(pel_status st, int *keys, int *work, pel_sort *s)
{
    pel_free(keys);
    pel_free(work);
    pel_sort_destroy(s);
    return st;
}

static pel_status run(pel_context *ctx, char cls, FILE *out, pel_verify_log *log, npb_result *res)
{
    pel_sort_npb p;
    pel_status st = pel_sort_npb_class(ctx, cls, &p);
    if (st) return st;
    size_t n = p.total_keys;
    int *keys = pel_malloc(n * sizeof *keys), *work = NULL;
    pel_sort *s = NULL;
    if (!keys) return pel_error(ctx, PEL_ENOMEM, "is: no memory for %zu keys", n);
    st = pel_sort_npb_keys(ctx, n, p.max_key, PEL_SORT_NPB_SEED, keys);
    if (st) return fail(st, keys, work, s);
    pel_sort_params sp = {.n = n, .max_key = p.max_key, .method = PEL_SORT_AUTO};
    st = pel_sort_create(ctx, &sp, &s);
    if (st) return fail(st, keys, work, s);

    /* NPB: "one iteration for free", whose checks it discards */
    st = pel_sort_npb_modify(ctx, &p, keys, 1);
    if (!st) st = pel_sort_rank(s, keys, NULL, NULL);
    if (st) return fail(st, keys, work, s);

    if (out && cls != 'S') fprintf(out, "\n   iteration\n");
    pel_region_begin(ctx, "is.rank");
    double t0 = pel_wtime();
    for (int it = 1; it <= p.iterations && !st; it++) {
        if (out && cls != 'S') fprintf(out, "        %d\n", it);
        st = pel_sort_npb_modify(ctx, &p, keys, it);
        if (!st) st = pel_sort_rank(s, keys, NULL, NULL);
        if (!st) st = pel_sort_npb_partial_verify(s, &p, keys, it, log);
    }
    double seconds = pel_wtime() - t0;
    pel_region_end(ctx, "is.rank");
    if (st) return fail(st, keys, work, s);

    work = pel_malloc(n * sizeof *work);
    if (!work) return fail(pel_error(ctx, PEL_ENOMEM, "is: no memory for %zu keys", n), keys, work, s);
    pel_region_begin(ctx, "is.full_verify");
    st = pel_sort_npb_full_verify(s, keys, work, log);
    pel_region_end(ctx, "is.full_verify");
    if (st) return fail(st, keys, work, s);

    /* NPB 3.3.1 prints the size as (TOTAL_KEYS/64) * 64 */
    snprintf(res->size, sizeof res->size, "%zu", n);
    res->iterations = p.iterations;
    res->seconds = seconds;
    res->mops = (double)p.iterations * (double)n / seconds / 1e6;
    /* the table of the last ranking: less[v] for v = 0 .. max_key */
    pel_fingerprint(pel_sort_less(s), ((size_t)p.max_key + 1) * sizeof(int), res->fingerprint);
    return fail(PEL_OK, keys, work, s);
}

const npb_kernel npb_is = {"is", "keys ranked", run};
