/* Integer ranking of keys in [0, max_key) (include/pel/sort.h).
 *
 * Both methods compute the same table, less[v] = #keys < v, in one run of a
 * body of phases (peli_run: the team size is read from the context at each
 * call, capped by the per-thread workspaces made at create).  Each phase is
 * a function of (t, nt): as a team, thread t's part followed by a barrier
 * (the last phase of a call has none: the end of the team is its barrier);
 * inside a caller's team without nesting, a taskloop of nt tasks, task t
 * doing exactly what thread t would, with workspace slot t.  Below, "thread
 * t" is call t of a phase either way.  Keys are split with the one static
 * split (pel_static_range), which also placed them when NPB's generator
 * first touched them.
 *
 * DIRECT: thread t counts its keys into its own histogram h_t (max_key ints,
 * its own allocation, so no two threads write one cache line); after a
 * barrier, thread t owns the key values of its static slice [vb, ve) and
 * writes less[v + 1] = sum_t h_t[v] there, prefix-summed within the slice;
 * a second barrier makes the slice totals known and each thread adds the
 * total of the slices before its own.  For class A (2^19 values) a
 * histogram is 2 MiB and stays in L2, so every key is read from memory once;
 * NPB's bucket pass reads the keys twice and writes them once more.
 *
 * BUCKETS (NPB's USE_BUCKETS): threads count their keys per bucket (the
 * high bits of the key, at most 2^10 buckets), reserve for each bucket a
 * run of positions in bucket-major, thread-minor order, and copy their keys
 * there, so every bucket is a contiguous run of keys in input order.  The
 * buckets are then shared out in contiguous groups of about n / nt keys
 * (balanced, unlike a static split of the bucket indices: key counts are
 * bell-shaped) and each is counted into its own part of less, a table
 * section small enough for L1/L2.  It wins when per-thread histograms no
 * longer fit in cache (docs/sort.md has the measurements behind the 2^19
 * limit of AUTO).  Buckets have at least 2^13 values (fewer buckets, fewer
 * write streams).  The runs hold key indices: buckets serve ranks.
 *
 * BUCKETS plans asked for the table alone (or sorted keys, which come from
 * the table) count directly instead, as DIRECT but in 8-bit counters:
 * max_key bytes per thread (2 MiB at NPB IS class B, against 8 MiB of ints)
 * read once per key, each key's counter prefetched PELI_SORT_PREFETCH keys
 * ahead; a counter that wraps to 0 adds 256 to its value's overflow count
 * (fresh pages, touched only then, a flag per page of them), so the counts
 * stay exact for any keys.  One pass over the keys and no scatter: at NPB IS
 * class B about 0.6 of the three bucket passes' CPU time (docs/sort.md).
 * A team needs one barrier: after counting, each thread adds up its own
 * counts per value slice, so the merge that follows knows where its slice
 * starts and writes the final table in one pass.
 *
 * Ranks (stable positions): DIRECT turns each h_t into thread t's position
 * table (less[v] plus the counts of threads before t) and thread t walks its
 * keys in order; BUCKETS stores key indices instead of keys in the bucket
 * runs (input order within a bucket) and walks each bucket in order.
 * Sorted keys are written from less alone: output positions are split
 * statically, each thread finds its first value by bisection.
 *
 * Every result is an exact integer function of the keys: the thread count
 * changes who counts a key, never a count. */
#include <config.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal/sort.h"
#include "internal/team.h"

/* ---- create / destroy ----------------------------------------------------------- */

static pel_status check_params(pel_context *ctx, const pel_sort_params *p)
{
    PEL_REQUIRE(ctx, p->n >= 1 && p->n <= (size_t)INT_MAX,
                "sort: n = %zu: must be from 1 to %d", p->n, INT_MAX);
    PEL_REQUIRE(ctx, p->max_key >= 1, "sort: max_key = %d: must be positive", p->max_key);
    PEL_REQUIRE(ctx,
                p->method == PEL_SORT_AUTO || p->method == PEL_SORT_DIRECT ||
                    p->method == PEL_SORT_BUCKETS,
                "sort: method = %d: must be PEL_SORT_AUTO, PEL_SORT_DIRECT or PEL_SORT_BUCKETS",
                (int)p->method);
    return PEL_OK;
}

void pel_sort_params_default(pel_sort_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->n = (size_t)1 << 16; /* NPB IS class S: 2^16 keys */
    p->max_key = 1 << 11;   /* below 2^11 */
    p->method = PEL_SORT_AUTO;
}

static int ceil_log2(int x)
{
    int l = 0;
    while ((1L << l) < (long)x) l++;
    return l;
}

void pel_sort_destroy(pel_sort *s)
{
    if (!s) return;
    for (int t = 0; t < s->nslots; t++) {
        if (s->hist) pel_free(s->hist[t]);
        if (s->bsize) pel_free(s->bsize[t]);
        if (s->pos) pel_free(s->pos[t]);
        if (s->vgroup) pel_free(s->vgroup[t]);
        if (s->c8) pel_free(s->c8[t]);
        if (s->ovfpage) pel_free(s->ovfpage[t]);
        if (s->ovf) peli_pages_free(s->ovf[t], (size_t)s->max_key * sizeof(int));
    }
    free(s->hist);
    free(s->bsize);
    free(s->pos);
    free(s->vgroup);
    free(s->c8);
    free(s->ovfpage);
    free(s->ovf);
    pel_free(s->less);
    pel_free(s->count);
    pel_free(s->part);
    pel_free(s->lpart);
    pel_free(s->bstart);
    pel_free(s->stot);
    peli_pages_free(s->bbuf, s->n * sizeof(int));
    peli_context_release(s->ctx);
    free(s);
}

/* Zeroes n ints with the static split of the context's team: first touch. */
typedef struct touch_job {
    int *a;
    size_t n;
} touch_job;

static void touch_part(int t, int nt, void *arg)
{
    const touch_job *j = arg;
    size_t b, e;
    pel_static_range(j->n, t, nt, &b, &e);
    if (e > b) memset(j->a + b, 0, (e - b) * sizeof *j->a);
}

static void touch_zero(const pel_context *ctx, int *a, size_t n)
{
    touch_job j = {a, n};
    peli_parallel(ctx, n, 0, 0, touch_part, &j);
}

/* One array of `len` ints per workspace slot, each allocated and zeroed by
 * a thread of the team that will use it (slot t by call t of a full team). */
typedef struct slots_job {
    int **a;
    size_t len;
    int nslots;
} slots_job;

static void slots_part(int t, int nt, void *arg)
{
    const slots_job *j = arg;
    size_t b, e;
    pel_static_range((size_t)j->nslots, t, nt, &b, &e);
    for (size_t u = b; u < e; u++) {
        j->a[u] = pel_malloc(j->len * sizeof(int));
        if (j->a[u]) memset(j->a[u], 0, j->len * sizeof(int));
    }
}

static int **per_thread(const pel_context *ctx, size_t len, int nslots)
{
    int **a = calloc((size_t)nslots, sizeof *a);
    if (!a) return NULL;
    slots_job j = {a, len, nslots};
    peli_parallel(ctx, (size_t)nslots, nslots, 0, slots_part, &j);
    int failed = 0;
    for (int u = 0; u < nslots; u++) failed |= a[u] == NULL;
    if (failed) {
        for (int u = 0; u < nslots; u++) pel_free(a[u]);
        free(a);
        return NULL;
    }
    return a;
}

pel_status pel_sort_create(pel_context *ctx, const pel_sort_params *p, pel_sort **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "sort");
    pel_status st = check_params(ctx, p);
    if (st) return st;

    pel_sort *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "sort: no memory for the plan");
    s->ctx = peli_context_retain(ctx);
    s->n = p->n;
    s->max_key = p->max_key;
    s->method = p->method;
    if (s->method == PEL_SORT_AUTO)
        s->method = p->max_key <= PEL_SORT_DIRECT_MAX_KEY ? PEL_SORT_DIRECT : PEL_SORT_BUCKETS;
    /* workspace for the context's team now: calls run on at most nslots threads */
    s->nslots = pel_team_size(ctx, p->n);

    size_t mk = (size_t)p->max_key;
    s->less = pel_malloc((mk + 1) * sizeof(int));
    s->count = pel_malloc(mk * sizeof(int));
    s->part = pel_malloc((size_t)s->nslots * PELI_SORT_PAD * sizeof(int));
    s->lpart = pel_malloc((size_t)s->nslots * PELI_SORT_LPAD * sizeof(long));
    size_t groups = (mk + ((size_t)1 << PELI_SORT_VERIFY_LOG2) - 1) >> PELI_SORT_VERIFY_LOG2;
    s->vgroup = per_thread(ctx, 3 * groups, s->nslots);
    int ok = s->less && s->count && s->part && s->lpart && s->vgroup;
    if (ok && s->method == PEL_SORT_DIRECT) {
        s->hist = per_thread(ctx, mk, s->nslots);
        ok = s->hist != NULL;
    } else if (ok) {
        int lg = ceil_log2(p->max_key);
        s->shift = lg - PELI_SORT_BUCKETS_LOG2;
        if (s->shift < PELI_SORT_BUCKET_VALUES_LOG2)
            s->shift = lg < PELI_SORT_BUCKET_VALUES_LOG2 ? lg : PELI_SORT_BUCKET_VALUES_LOG2;
        s->nb = (int)((mk + ((size_t)1 << s->shift) - 1) >> s->shift);
        s->bsize = per_thread(ctx, 5 * (size_t)s->nb, s->nslots);
        s->pos = per_thread(ctx, (size_t)1 << s->shift, s->nslots);
        s->bstart = pel_malloc(((size_t)s->nb + 1) * sizeof(int));
        s->bbuf = peli_pages(p->n * sizeof(int));
        ok = s->bsize && s->pos && s->bstart && s->bbuf;
        /* only ranks use the runs: fresh pages, faulted in by the first
         * call that asks for ranks (a table-only plan never touches them) */
    }
    /* both methods: the table alone is counted in bytes */
    s->novf = (int)((mk + ((size_t)1 << PELI_SORT_OVF_LOG2) - 1) >> PELI_SORT_OVF_LOG2);
    if (ok) {
        s->c8 = per_thread(ctx, (mk + 3) / 4, s->nslots);
        s->ovfpage = per_thread(ctx, (size_t)s->novf, s->nslots);
        s->ovf = calloc((size_t)s->nslots, sizeof *s->ovf);
        s->stride = (s->nslots + PELI_SORT_PAD - 1) / PELI_SORT_PAD * PELI_SORT_PAD;
        s->stot = pel_malloc((size_t)s->nslots * (size_t)s->stride * sizeof(int));
        ok = s->c8 && s->ovfpage && s->ovf && s->stot;
        for (int t = 0; ok && t < s->nslots; t++) ok = (s->ovf[t] = peli_pages(mk * sizeof(int))) != NULL;
    }
    if (!ok) {
        pel_sort_destroy(s);
        return pel_error(ctx, PEL_ENOMEM, "sort: no memory for %zu keys below %d", p->n,
                         p->max_key);
    }
    touch_zero(ctx, s->less, mk + 1);
    touch_zero(ctx, s->count, mk);
    memset(s->part, 0, (size_t)s->nslots * PELI_SORT_PAD * sizeof(int));
    memset(s->lpart, 0, (size_t)s->nslots * PELI_SORT_LPAD * sizeof(long));
    if (s->stot) memset(s->stot, 0, (size_t)s->nslots * (size_t)s->stride * sizeof(int));
    *out = s;
    return PEL_OK;
}

const int *pel_sort_less(const pel_sort *s) { return s ? s->less : NULL; }
size_t pel_sort_size(const pel_sort *s) { return s ? s->n : 0; }
int pel_sort_max_key(const pel_sort *s) { return s ? s->max_key : 0; }
pel_sort_method pel_sort_method_used(const pel_sort *s) { return s ? s->method : PEL_SORT_AUTO; }

/* ---- the pieces both methods share ------------------------------------------------ */

/* sorted[j] for j in thread t's static share of [0, n), from less alone. */
static void fill_sorted(const int *less, int mk, size_t n, int *sorted, int t, int nt)
{
    size_t b, e;
    pel_static_range(n, t, nt, &b, &e);
    if (b >= e) return;
    int lo = 0, hi = mk - 1; /* the first v with less[v + 1] > b */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if ((size_t)less[mid + 1] > b)
            hi = mid;
        else
            lo = mid + 1;
    }
    for (int v = lo; b < e; v++) {
        size_t end = (size_t)less[v + 1] < e ? (size_t)less[v + 1] : e;
        for (; b < end; b++) sorted[b] = v;
    }
}

/* 1 when no thread found a bad key (read after the phase that wrote part). */
static int all_good(const int *part, int nt)
{
    for (int u = 0; u < nt; u++)
        if (part[u * PELI_SORT_PAD] >= 0) return 0;
    return 1;
}

/* ---- the body of one call ------------------------------------------------------------ */

/* What one rank call hands its body. */
typedef struct rank_job {
    pel_sort *s;
    const int *keys;
    int *rank, *sorted;
} rank_job;

/* ---- DIRECT -------------------------------------------------------------------------- */

/* Phase 1: call t counts its static share of the keys into h_t. */
static void direct_count(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    const int *keys = j->keys;
    const int mk = s->max_key;
    size_t b, e;
    pel_static_range(s->n, t, nt, &b, &e);
    int *h = s->hist[t];
    memset(h, 0, (size_t)mk * sizeof *h);
    int bad = -1;
    for (size_t i = b; i < e; i++) {
        unsigned k = (unsigned)keys[i];
        if (k < (unsigned)mk)
            h[k]++;
        else if (bad < 0)
            bad = (int)i;
    }
    s->part[t * PELI_SORT_PAD] = bad;
}

/* Phase 2: call t merges the histograms over its slice [vb, ve) of key
 * values into less[v + 1], prefix-summed within the slice, and leaves the
 * slice total in its part. */
static void direct_prefix(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    int *less = s->less, **hist = s->hist;
    size_t vb, ve;
    pel_static_range((size_t)s->max_key, t, nt, &vb, &ve);
    int *c = less + 1; /* c[v] = less[v + 1] = #keys <= v */
    if (vb < ve) {
        memcpy(c + vb, hist[0] + vb, (ve - vb) * sizeof *c);
        for (int u = 1; u < nt; u++) {
            const int *hu = hist[u];
            for (size_t v = vb; v < ve; v++) c[v] += hu[v];
        }
        for (size_t v = vb + 1; v < ve; v++) c[v] += c[v - 1];
    }
    s->part[t * PELI_SORT_PAD + 1] = vb < ve ? c[ve - 1] : 0;
    if (t == 0) less[0] = 0;
}

/* Phase 3: call t adds the totals of the slices before its own. */
static void direct_offset(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    const int *part = s->part;
    int *c = s->less + 1;
    size_t vb, ve;
    pel_static_range((size_t)s->max_key, t, nt, &vb, &ve);
    int off = 0;
    for (int u = 0; u < t; u++) off += part[u * PELI_SORT_PAD + 1];
    if (off)
        for (size_t v = vb; v < ve; v++) c[v] += off;
}

/* Phase 4 (ranks): over call t's slice of values,
 * h_u[v] := less[v] + sum_{u' < u} h_u'[v], call u's first position of v. */
static void direct_positions(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    const int *less = s->less;
    int **hist = s->hist;
    size_t vb, ve;
    pel_static_range((size_t)s->max_key, t, nt, &vb, &ve);
    for (size_t v = vb; v < ve; v++) {
        int acc = less[v];
        for (int u = 0; u < nt; u++) {
            int cu = hist[u][v];
            hist[u][v] = acc;
            acc += cu;
        }
    }
}

/* Last phase: call t ranks its keys in order, and writes its share of the
 * sorted keys. */
static void direct_finish(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    const int *keys = j->keys;
    if (j->rank) {
        size_t b, e;
        pel_static_range(s->n, t, nt, &b, &e);
        int *h = s->hist[t], *rank = j->rank;
        for (size_t i = b; i < e; i++) rank[i] = h[keys[i]]++;
    }
    if (j->sorted) fill_sorted(s->less, s->max_key, s->n, j->sorted, t, nt);
}

static void rank_direct(peli_team *tm, void *arg)
{
    const rank_job *j = arg;
    peli_phase(tm, direct_count, arg);
    if (!all_good(j->s->part, tm->nt)) return; /* the same answer on every thread */
    peli_phase(tm, direct_prefix, arg);
    if (!j->rank && !j->sorted) {
        peli_phase_last(tm, direct_offset, arg);
        return;
    }
    peli_phase(tm, direct_offset, arg);
    if (j->rank) peli_phase(tm, direct_positions, arg);
    peli_phase_last(tm, direct_finish, arg);
}

/* ---- the table alone, either method: direct 8-bit counts ------------------------------- */

/* A counter that wrapped to 0: 256 more keys of value k, and its page marked. */
__attribute__((noinline, cold)) static void count_wrapped(int *ovf, int *page, unsigned k)
{
    ovf[k] += 256;
    page[k >> PELI_SORT_OVF_LOG2] = 1;
}

/* Counts keys[b, e) into the 8-bit counters c; returns the first index
 * whose key is outside [0, mk), or -1.  Each key's counter is prefetched
 * PELI_SORT_PREFETCH keys ahead, before that key is checked: its address is
 * formed as an integer (a prefetch never faults and names no object), so a
 * bad key costs one useless prefetch, and is found when its turn comes.
 * The loop is bound by the instructions it issues per key, not by memory:
 * clamping the prefetched address to the table (a compare and a
 * conditional move) made it 1.25 times slower, and so did checking the
 * keys' range a block at a time in a vectorised pass (docs/sort.md). */
static int count_bytes(const int *keys, size_t b, size_t e, uint8_t *c, unsigned mk, int *ovf,
                       int *page)
{
    const uintptr_t base = (uintptr_t)c;
    size_t i = b;
    if (e - b > PELI_SORT_PREFETCH) {
#pragma GCC unroll 4
        for (; i < e - PELI_SORT_PREFETCH; i++) {
            __builtin_prefetch((const void *)(base + (unsigned)keys[i + PELI_SORT_PREFETCH]), 1);
            unsigned k = (unsigned)keys[i];
            if (k >= mk) return (int)i;
            if (__builtin_expect(++c[k] == 0, 0)) count_wrapped(ovf, page, k);
        }
    }
    for (; i < e; i++) {
        unsigned k = (unsigned)keys[i];
        if (k >= mk) return (int)i;
        if (++c[k] == 0) count_wrapped(ovf, page, k);
    }
    return -1;
}

/* Phase 1: call t counts its static share of the keys into its own 8-bit
 * counters (max_key bytes: 512 KiB at NPB IS class A, 2 MiB at class B,
 * mostly outside L2: hence the prefetch).  A counter that wraps to 0 adds
 * 256 to its value's overflow count (NPB's keys never get there: at most
 * 74 keys share a value at class B).  First it clears the overflow counts
 * its last call left (the pages it marked).  In a team of more than one it
 * then adds up its counts over each value slice but the last (its slice
 * totals), so that the next phase knows every slice's offset in the table:
 * one read of its own counters, where a separate pass would add the
 * offsets to the table after another barrier. */
static void byte_count(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    const int mk = s->max_key;
    int *ovf = s->ovf[t], *page = s->ovfpage[t];
    for (int g = 0; g < s->novf; g++)
        if (page[g]) {
            size_t v0 = (size_t)g << PELI_SORT_OVF_LOG2, v1 = v0 + ((size_t)1 << PELI_SORT_OVF_LOG2);
            if (v1 > (size_t)mk) v1 = (size_t)mk;
            memset(ovf + v0, 0, (v1 - v0) * sizeof *ovf);
            page[g] = 0;
        }
    uint8_t *c = (uint8_t *)(void *)s->c8[t];
    memset(c, 0, (size_t)mk);
    size_t b, e;
    pel_static_range(s->n, t, nt, &b, &e);
    int bad = count_bytes(j->keys, b, e, c, (unsigned)mk, ovf, page);
    s->part[t * PELI_SORT_PAD] = bad;
    if (nt == 1 || bad >= 0) return;
    int *tot = s->stot + (size_t)t * (size_t)s->stride;
    for (int q = 0; q + 1 < nt; q++) {
        size_t vb, ve;
        pel_static_range((size_t)mk, q, nt, &vb, &ve);
        unsigned sum = 0; /* at most n <= INT_MAX */
        for (size_t v = vb; v < ve; v++) sum += c[v];
        for (size_t g = vb >> PELI_SORT_OVF_LOG2; vb < ve && g <= (ve - 1) >> PELI_SORT_OVF_LOG2; g++)
            if (page[g]) {
                size_t v0 = g << PELI_SORT_OVF_LOG2, v1 = v0 + ((size_t)1 << PELI_SORT_OVF_LOG2);
                if (v0 < vb) v0 = vb;
                if (v1 > ve) v1 = ve;
                for (size_t v = v0; v < v1; v++) sum += (unsigned)ovf[v];
            }
        tot[q] = (int)sum;
    }
}

/* Phase 2: call t writes the table over its slice [vb, ve) of key values:
 * less[v + 1] = the keys before its slice (the slice totals of every call
 * for the slices before t) plus the counters' sum up to v, in one pass
 * where no overflow page is marked (as ints, then prefix-summed, where one
 * is, or with more than two counter sets). */
static void byte_prefix(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    int *less = s->less;
    size_t vb, ve;
    pel_static_range((size_t)s->max_key, t, nt, &vb, &ve);
    int run = 0;
    for (int u = 0; u < nt; u++)
        for (int q = 0; q < t; q++) run += s->stot[(size_t)u * (size_t)s->stride + (size_t)q];
    if (t == 0) less[0] = 0;
    int *c = less + 1; /* c[v] = less[v + 1] = #keys <= v */
    const uint8_t *c0 = (const uint8_t *)(const void *)s->c8[0];
    const uint8_t *c1 = nt > 1 ? (const uint8_t *)(const void *)s->c8[1] : NULL;
    for (size_t g0 = vb; g0 < ve;) {
        const size_t g = g0 >> PELI_SORT_OVF_LOG2;
        size_t g1 = (g + 1) << PELI_SORT_OVF_LOG2;
        if (g1 > ve) g1 = ve;
        int marked = 0;
        for (int u = 0; u < nt; u++) marked |= s->ovfpage[u][g];
        if (!marked && nt == 1) {
            for (size_t v = g0; v < g1; v++) {
                run += c0[v];
                c[v] = run;
            }
        } else if (!marked && nt == 2) {
            for (size_t v = g0; v < g1; v++) {
                run += c0[v] + c1[v];
                c[v] = run;
            }
        } else {
            for (size_t v = g0; v < g1; v++) c[v] = c0[v];
            for (int u = 1; u < nt; u++) {
                const uint8_t *cu = (const uint8_t *)(const void *)s->c8[u];
                for (size_t v = g0; v < g1; v++) c[v] += cu[v];
            }
            for (int u = 0; u < nt; u++)
                if (s->ovfpage[u][g]) {
                    const int *ovf = s->ovf[u];
                    for (size_t v = g0; v < g1; v++) c[v] += ovf[v];
                }
            for (size_t v = g0; v < g1; v++) {
                run += c[v];
                c[v] = run;
            }
        }
        g0 = g1;
    }
}

/* ---- BUCKETS ------------------------------------------------------------------------- */

/* The first bucket of thread t: the first whose start is at or after t's
 * share of the positions (bstart is non-decreasing, bstart[nb] = n). */
static int first_bucket(const int *bstart, int nb, size_t n, int t, int nt)
{
    if (t >= nt) return nb;
    size_t target = pel_static_begin(n, t, nt);
    int lo = 0, hi = nb;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if ((size_t)bstart[mid] >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Phase 1: call t counts its static share of the keys per bucket, into
 * four interleaved sets of counters (keys in a row often share a bucket: with
 * one set, such an increment waits for the previous one's store). */
static void buckets_count(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    const int *keys = j->keys;
    const unsigned mk = (unsigned)s->max_key;
    const int shift = s->shift, nb = s->nb;
    size_t b, e;
    pel_static_range(s->n, t, nt, &b, &e);
    int *cnt = s->bsize[t], *c1 = cnt + 2 * (size_t)nb, *c2 = c1 + nb, *c3 = c2 + nb;
    memset(cnt, 0, (size_t)nb * sizeof *cnt);
    memset(c1, 0, 3 * (size_t)nb * sizeof *c1);
    int bad = -1;
    size_t i = b;
    for (; i + 4 <= e; i += 4) {
        unsigned k0 = (unsigned)keys[i], k1 = (unsigned)keys[i + 1], k2 = (unsigned)keys[i + 2],
                 k3 = (unsigned)keys[i + 3];
        if (!((k0 < mk) & (k1 < mk) & (k2 < mk) & (k3 < mk))) break; /* found below */
        cnt[k0 >> shift]++;
        c1[k1 >> shift]++;
        c2[k2 >> shift]++;
        c3[k3 >> shift]++;
    }
    for (; i < e; i++) {
        unsigned k = (unsigned)keys[i];
        if (k < mk)
            cnt[k >> shift]++;
        else if (bad < 0)
            bad = (int)i;
    }
    for (int q = 0; q < nb; q++) cnt[q] += c1[q] + c2[q] + c3[q];
    s->part[t * PELI_SORT_PAD] = bad;
}

/* Phase 2 (ranks): call t reserves its positions in bucket-major,
 * thread-minor order (call 0 records where each bucket starts) and copies
 * its keys' indices there. */
static void buckets_scatter(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    const int *keys = j->keys;
    const int shift = s->shift, nb = s->nb;
    int *bstart = s->bstart, *bbuf = s->bbuf, **bsize = s->bsize;
    int *ptr = bsize[t] + nb;
    int acc = 0;
    for (int q = 0; q < nb; q++) {
        if (t == 0) bstart[q] = acc;
        for (int u = 0; u < nt; u++) {
            if (u == t) ptr[q] = acc;
            acc += bsize[u][q];
        }
    }
    if (t == 0) bstart[nb] = (int)s->n;
    size_t b, e;
    pel_static_range(s->n, t, nt, &b, &e);
    for (size_t i = b; i < e; i++) bbuf[ptr[keys[i] >> shift]++] = (int)i; /* key indices */
}

/* Phase 3: call t counts its group of buckets into their sections of less,
 * and ranks their keys. */
static void buckets_tables(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    const int *keys = j->keys;
    int *rank = j->rank;
    const int mk = s->max_key, shift = s->shift, nb = s->nb;
    const size_t n = s->n;
    int *less = s->less;
    const int *bstart = s->bstart, *bbuf = s->bbuf;
    const int j0 = first_bucket(bstart, nb, n, t, nt);
    const int j1 = first_bucket(bstart, nb, n, t + 1, nt);
    int *ps = s->pos[t];
    for (int q = j0; q < j1; q++) {
        const int v0 = q << shift;
        const int w = (mk - v0 < (1 << shift)) ? mk - v0 : (1 << shift);
        const int p0 = bstart[q], p1 = bstart[q + 1];
        int *c = less + v0 + 1; /* c[r] = less[v0 + r + 1] */
        memset(c, 0, (size_t)w * sizeof *c);
        for (int p = p0; p < p1; p++) c[keys[bbuf[p]] - v0]++;
        int run = p0;
        for (int r = 0; r < w; r++) {
            run += c[r];
            c[r] = run;
        }
        ps[0] = p0;
        for (int r = 1; r < w; r++) ps[r] = c[r - 1];
        for (int p = p0; p < p1; p++) {
            int i = bbuf[p];
            rank[i] = ps[keys[i] - v0]++;
        }
    }
    if (t == 0) less[0] = 0;
}

/* Last phase (sorted keys): call t's share of them, from less. */
static void buckets_sorted(int t, int nt, void *arg)
{
    const rank_job *j = arg;
    const pel_sort *s = j->s;
    fill_sorted(s->less, s->max_key, s->n, j->sorted, t, nt);
}

static void rank_buckets(peli_team *tm, void *arg)
{
    const rank_job *j = arg;
    peli_phase(tm, buckets_count, arg);
    if (!all_good(j->s->part, tm->nt)) return; /* the same answer on every thread */
    peli_phase(tm, buckets_scatter, arg);
    if (!j->sorted) {
        peli_phase_last(tm, buckets_tables, arg);
        return;
    }
    peli_phase(tm, buckets_tables, arg);
    peli_phase_last(tm, buckets_sorted, arg);
}

/* The table alone (and sorted keys, from it), either method: direct 8-bit
 * counts. */
static void rank_bytes(peli_team *tm, void *arg)
{
    const rank_job *j = arg;
    peli_phase(tm, byte_count, arg);
    if (!all_good(j->s->part, tm->nt)) return; /* the same answer on every thread */
    if (!j->sorted) {
        peli_phase_last(tm, byte_prefix, arg);
        return;
    }
    peli_phase(tm, byte_prefix, arg);
    peli_phase_last(tm, buckets_sorted, arg);
}

pel_status pel_sort_rank(pel_sort *s, const int *keys, int *rank, int *sorted)
{
    if (!s) return PEL_EINVAL;
    PEL_REQUIRE(s->ctx, keys, "sort: keys is NULL");
    rank_job j = {s, keys, rank, sorted};
    peli_body_fn body = !rank ? rank_bytes : s->method == PEL_SORT_DIRECT ? rank_direct : rank_buckets;
    int nt = peli_run(s->ctx, s->n, s->nslots, body, &j);
    for (int u = 0; u < nt; u++) {
        int i = s->part[u * PELI_SORT_PAD];
        if (i >= 0)
            return pel_error(s->ctx, PEL_EINVAL, "sort: keys[%d] = %d: must be in [0, %d)", i,
                             keys[i], s->max_key);
    }
    return PEL_OK;
}
