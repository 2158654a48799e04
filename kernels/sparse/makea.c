/* NPB CG's matrix generator (NPB 3.3.1 CG: makea, sprnvc, vecset, sparse),
 * rewritten for PEL with the same result bit for bit.
 *
 * NPB's definition: for i = 0 .. n-1, sprnvc draws pairs (value, position)
 * from the 46-bit generator until it has nonzer distinct positions in 1..n
 * (a position is floor(nn1 r) + 1, nn1 the smallest power of two >= n;
 * positions beyond n and repeats are dropped); vecset then sets position
 * i + 1 to 0.5, appending it when absent.  The matrix is
 *     A = sum_i size_i v_i v_i^T + (rcond - shift) I,  size_i = ratio^i,
 * ratio = rcond^(1/n), where entry (j, c) of term i is rounded as
 * v_i[c] * (size_i * v_i[j]) and the diagonal term goes with term i = j as
 * (va + rcond) - shift.  NPB's `sparse` adds the terms of each entry in order
 * of i (an insertion into sorted rows); explicit zeros stay.
 *
 * Here: the vectors are drawn serially (the number of draws per vector
 * depends on the draws themselves, so the stream cannot be split; it is a
 * small part of the time); then each row j is assembled on its own: the
 * contributions of the terms i that touch row j, in increasing i, are
 * listed, sorted by column with a stable radix sort (so each column's
 * contributions stay in order of i), and each column's run is added from
 * 0.0 in that order.  Rows are independent, so they go in parallel, and a
 * row's sums follow NPB's order whoever builds it.  Two passes: the first
 * counts each row's distinct columns, the second assembles the rows of each
 * product block into scratch and makes the block from them (rows.c), by
 * the thread that will multiply it (first touch).  The matrix keeps only
 * its product blocks: its CSR arrays are made from them on request. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal/sparse.h"

#define NPB_SEED UINT64_C(314159265)

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

typedef struct gen {
    int64_t n;
    int stride;    /* nonzer + 1: room per vector */
    int bits;      /* positions are below 2^bits */
    int64_t maxlen; /* the most contributions to one row */
    int *cnt;      /* entries of vector i: nonzer or nonzer + 1 */
    int32_t *pos;  /* 0-based positions, n * stride */
    double *val;   /* n * stride */
    double *size;  /* ratio^i, by NPB's repeated product */
    int64_t *rstart; /* rows' lists of (vector, slot) touching them: n + 1 */
    int64_t *rlist;  /* vector * stride + slot, increasing vector per row */
} gen;

static void gen_free(gen *g)
{
    free(g->cnt);
    pel_free(g->pos);
    pel_free(g->val);
    pel_free(g->size);
    pel_free(g->rstart);
    pel_free(g->rlist);
}

/* sprnvc + vecset for every vector, in stream order. */
static void draw_vectors(gen *g, int nonzer)
{
    int64_t n = g->n, nn1 = 1;
    do nn1 *= 2; while (nn1 < n);
    uint64_t x = pel_lcg46_next(NPB_SEED, PEL_LCG46_A); /* main's first draw */
    for (int64_t i = 0; i < n; i++) {
        int32_t *iv = g->pos + i * g->stride;
        double *v = g->val + i * g->stride;
        int nzv = 0;
        while (nzv < nonzer) {
            x = pel_lcg46_next(x, PEL_LCG46_A);
            double vecelt = pel_lcg46_real(x);
            x = pel_lcg46_next(x, PEL_LCG46_A);
            int64_t p = (int64_t)((double)nn1 * pel_lcg46_real(x)); /* exact: nn1 = 2^k */
            if (p >= n) continue;
            int seen = 0;
            for (int k = 0; k < nzv; k++) seen |= iv[k] == (int32_t)p;
            if (seen) continue;
            iv[nzv] = (int32_t)p;
            v[nzv++] = vecelt;
        }
        int set = 0; /* vecset(i, 0.5) */
        for (int k = 0; k < nzv; k++)
            if (iv[k] == (int32_t)i) {
                v[k] = 0.5;
                set = 1;
            }
        if (!set) {
            iv[nzv] = (int32_t)i;
            v[nzv++] = 0.5;
        }
        g->cnt[i] = nzv;
    }
}

/* For each row, the (vector, slot) pairs with that position, by counting sort
 * over vectors in increasing order (so each list is ordered by vector). */
static void index_rows(gen *g)
{
    int64_t n = g->n;
    memset(g->rstart, 0, (size_t)(n + 1) * sizeof *g->rstart);
    for (int64_t i = 0; i < n; i++)
        for (int k = 0; k < g->cnt[i]; k++) g->rstart[g->pos[i * g->stride + k] + 1]++;
    for (int64_t j = 0; j < n; j++) g->rstart[j + 1] += g->rstart[j];
    int64_t *fill = g->rstart; /* advanced while filling, shifted back below */
    for (int64_t i = 0; i < n; i++)
        for (int k = 0; k < g->cnt[i]; k++) {
            int64_t j = g->pos[i * g->stride + k];
            g->rlist[fill[j]++] = i * g->stride + k;
        }
    for (int64_t j = n; j > 0; j--) g->rstart[j] = g->rstart[j - 1];
    g->rstart[0] = 0;
    g->maxlen = 1;
    for (int64_t j = 0; j < n; j++) {
        int64_t len = 0;
        for (int64_t t = g->rstart[j]; t < g->rstart[j + 1]; t++) len += g->cnt[g->rlist[t] / g->stride];
        if (len > g->maxlen) g->maxlen = len;
    }
}

/* Sorts the m keys a[0..m), each a column in the high 32 bits (below
 * 2^bits) and the entry's sequence number in the low ones, by column, by
 * least-significant-digit radix passes of 8 bits through tmp[0..m): stable,
 * so the entries of one column keep their order of i; linear in m, and in
 * L1, where a dense scratch row of n entries misses the cache at every
 * entry and a comparison sort spends its time in mispredicted branches. */
static void sort_keys(uint64_t *a, uint64_t *tmp, int64_t m, int bits)
{
    uint64_t *src = a, *dst = tmp;
    for (int sh = 32; sh < 32 + bits; sh += 8) {
        int64_t count[257] = {0};
        for (int64_t k = 0; k < m; k++) count[(src[k] >> sh & 255u) + 1]++;
        for (int d = 0; d < 256; d++) count[d + 1] += count[d];
        for (int64_t k = 0; k < m; k++) dst[count[src[k] >> sh & 255u]++] = src[k];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)m * sizeof *a);
}

/* Row j's contributions, term by term in increasing i, into keys[0..m)
 * (column << 32 | sequence number) and, when vals is not NULL, their values
 * vals[0..m), rounded as NPB rounds them; returns m. */
static int64_t row_entries(const gen *g, int64_t j, double rcond, double shift, uint64_t *keys,
                           double *vals)
{
    int64_t m = 0;
    if (j + 1 < g->n) /* the next row's vectors lie anywhere in memory: ask for them now */
        for (int64_t t = g->rstart[j + 1]; t < g->rstart[j + 2]; t++) {
            int64_t i = g->rlist[t] / g->stride;
            PREFETCH(g->pos + i * g->stride);
            PREFETCH(g->cnt + i);
            if (vals) {
                PREFETCH(g->val + i * g->stride);
                PREFETCH(g->val + i * g->stride + g->stride - 1);
                PREFETCH(g->size + i);
            }
        }
    for (int64_t t = g->rstart[j]; t < g->rstart[j + 1]; t++) {
        int64_t i = g->rlist[t] / g->stride, slot = g->rlist[t] % g->stride;
        const int32_t *iv = g->pos + i * g->stride;
        const double *v = g->val + i * g->stride;
        double scale = g->size[i] * v[slot];
        for (int k = 0; k < g->cnt[i]; k++, m++) {
            keys[m] = (uint64_t)(uint32_t)iv[k] << 32 | (uint64_t)m;
            if (!vals) continue;
            double va = v[k] * scale;
            if (iv[k] == j && j == i) va = va + rcond - shift;
            vals[m] = va;
        }
    }
    return m;
}

/* The two assembly passes, virtual thread t using scratch t (keys, 2
 * maxlen; vals, maxlen).  Pass 1, over blocks of PEL_SPARSE_BLOCK rows,
 * counts each row's distinct columns.  Pass 2, over product blocks, adds
 * each column's contributions in order of i, starting from 0.0 as NPB's
 * insertion does, writes the block's rows into scratch t (bcol, bval:
 * maxpb entries) and makes the product block from them, by the thread that
 * later multiplies it (first touch).  Rows are independent: no barrier. */
struct assemble_arg {
    const gen *g;
    double rcond, shift;
    uint64_t *keys;
    double *vals;
    int64_t *count;    /* distinct columns per row (pass 1) */
    int32_t *lo, *hi;  /* the smallest and largest column per block of rows (pass 1) */
    pel_sparse_csr *M; /* the matrix (pass 2) */
    int32_t *bcol;     /* a product block's CSR entries, maxpb per thread (pass 2) */
    double *bval;
    int64_t maxpb;
};

/* Row j's distinct columns, with their sums when col is not NULL (into
 * col, val); returns their count. */
static int64_t assemble_row(const struct assemble_arg *a, int64_t j, uint64_t *keys, double *vals,
                            int32_t *col, double *val, int32_t *lo, int32_t *hi)
{
    const gen *g = a->g;
    int64_t m = row_entries(g, j, a->rcond, a->shift, keys, col ? vals : NULL);
    sort_keys(keys, keys + g->maxlen, m, g->bits);
    if (lo && m > 0) {
        int32_t first = (int32_t)(keys[0] >> 32), last = (int32_t)(keys[m - 1] >> 32);
        *lo = first < *lo ? first : *lo;
        *hi = last > *hi ? last : *hi;
    }
    int64_t d = 0, k = 0;
    while (k < m) {
        int64_t c = (int64_t)(keys[k] >> 32);
        if (col) {
            double sum = 0.0;
            do sum = sum + vals[keys[k] & UINT32_MAX];
            while (++k < m && (int64_t)(keys[k] >> 32) == c);
            col[d] = (int32_t)c;
            val[d] = sum;
        } else {
            while (++k < m && (int64_t)(keys[k] >> 32) == c) continue;
        }
        d++;
    }
    return d;
}

static void count_rows(int t, int nt, void *arg)
{
    const struct assemble_arg *a = arg;
    const gen *g = a->g;
    uint64_t *keys = a->keys + (size_t)t * 2 * (size_t)g->maxlen;
    int64_t b0, b1;
    peli_sparse_my_blocks(peli_sparse_blocks(g->n), t, nt, &b0, &b1);
    for (int64_t blk = b0; blk < b1; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, g->n, &j0, &j1);
        a->lo[blk] = INT32_MAX;
        a->hi[blk] = 0;
        for (int64_t j = j0; j < j1; j++)
            a->count[j] = assemble_row(a, j, keys, NULL, NULL, NULL, &a->lo[blk], &a->hi[blk]);
    }
}

static void assemble_blocks(int t, int nt, void *arg)
{
    const struct assemble_arg *a = arg;
    const gen *g = a->g;
    uint64_t *keys = a->keys + (size_t)t * 2 * (size_t)g->maxlen;
    double *vals = a->vals + (size_t)t * (size_t)g->maxlen;
    int32_t *bcol = a->bcol + (size_t)t * (size_t)a->maxpb;
    double *bval = a->bval + (size_t)t * (size_t)a->maxpb;
    pel_sparse_csr *M = a->M;
    int64_t b0, b1;
    peli_sparse_my_blocks(M->npb, t, nt, &b0, &b1);
    uint16_t *row;
    uint64_t *skeys = peli_sparse_fill_scratch(M, b0, b1, &row);
    for (int64_t pb = b0; pb < b1 && skeys; pb++) {
        int64_t j0, j1;
        peli_sparse_pblock_rows(M, pb, &j0, &j1);
        const int64_t k0 = M->rowptr[j0];
        for (int64_t j = j0; j < j1; j++)
            assemble_row(a, j, keys, vals, bcol + (M->rowptr[j] - k0), bval + (M->rowptr[j] - k0), NULL,
                         NULL);
        peli_sparse_fill_block(M, pb, bcol, bval, k0, skeys, row); /* a failure leaves the block empty */
    }
    free(skeys);
}

pel_status pel_sparse_npb_makea(pel_context *ctx, int64_t n, int nonzer, double rcond, double shift,
                         pel_sparse_csr **A)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, A != NULL, "makea: the result pointer must not be NULL");
    *A = NULL;
    PEL_REQUIRE(ctx, n > 0 && n <= INT32_MAX / 2, "makea: n must be from 1 to %d (got %lld)",
                INT32_MAX / 2, (long long)n);
    PEL_REQUIRE(ctx, nonzer > 0 && nonzer <= n,
                "makea: nonzer must be from 1 to n = %lld (got %d)", (long long)n, nonzer);
    PEL_REQUIRE(ctx, isfinite(rcond) && rcond > 0,
                "makea: rcond must be positive and finite (got %g)", rcond);
    PEL_REQUIRE(ctx, isfinite(shift), "makea: shift must be finite (got %g)", shift);

    gen g = {.n = n, .stride = nonzer + 1};
    while (g.bits < 31 && (INT64_C(1) << g.bits) < n) g.bits++;
    size_t slots = (size_t)n * (size_t)g.stride;
    g.cnt = malloc((size_t)n * sizeof *g.cnt);
    g.pos = pel_malloc(slots * sizeof *g.pos);
    g.val = pel_malloc(slots * sizeof *g.val);
    g.size = pel_malloc((size_t)n * sizeof *g.size);
    g.rstart = pel_malloc((size_t)(n + 1) * sizeof *g.rstart);
    g.rlist = pel_malloc(slots * sizeof *g.rlist);
    int64_t nb = peli_sparse_blocks(n);
    int64_t *count = pel_malloc((size_t)(n + 1) * sizeof *count);
    int32_t *lo = malloc((size_t)nb * sizeof *lo), *hi = malloc((size_t)nb * sizeof *hi);
    int64_t *bound = malloc((size_t)(nb + 1) * sizeof *bound); /* npb <= nb */
    uint64_t *keys = NULL;
    double *vals = NULL, *bval = NULL;
    int32_t *bcol = NULL;
    pel_sparse_csr *M = NULL;
    pel_status st = PEL_OK;
    if (!g.cnt || !g.pos || !g.val || !g.size || !g.rstart || !g.rlist || !count || !lo || !hi || !bound) {
        st = pel_error(ctx, PEL_ENOMEM, "makea: cannot allocate the work arrays for n = %lld",
                       (long long)n);
        goto done;
    }

    draw_vectors(&g, nonzer);
    index_rows(&g);
    double ratio = pow(rcond, 1.0 / (double)n), size = 1.0;
    for (int64_t i = 0; i < n; i++) {
        g.size[i] = size;
        size = size * ratio;
    }
    /* scratch for the team this call asks for (read from ctx now) */
    int nt = peli_team_want(ctx, (size_t)nb, 0);
    keys = malloc((size_t)nt * 2 * (size_t)g.maxlen * sizeof *keys);
    vals = malloc((size_t)nt * (size_t)g.maxlen * sizeof *vals);
    if (!keys || !vals) {
        st = pel_error(ctx, PEL_ENOMEM, "makea: cannot allocate the work arrays for n = %lld",
                       (long long)n);
        goto done;
    }

    /* pass 1: distinct columns per row */
    struct assemble_arg a = {&g, rcond, shift, keys, vals, count, lo, hi, NULL, NULL, NULL, 0};
    peli_parallel(ctx, (size_t)nb, nt, 0, count_rows, &a);
    int64_t nnz = 0;
    for (int64_t j = 0; j < n; j++) nnz += count[j];
    M = peli_csr_alloc(ctx, n, n, nnz, 0); /* the product blocks only */
    if (!M) {
        st = PEL_ENOMEM;
        goto done;
    }
    M->rowptr[0] = 0;
    for (int64_t j = 0; j < n; j++) M->rowptr[j + 1] = M->rowptr[j] + count[j];
    int64_t maxpb = 0;
    for (int64_t pb = 0; pb < M->npb; pb++) {
        int64_t j0, j1, l = INT32_MAX, h = 0;
        peli_sparse_pblock_rows(M, pb, &j0, &j1);
        if (M->rowptr[j1] - M->rowptr[j0] > maxpb) maxpb = M->rowptr[j1] - M->rowptr[j0];
        for (int64_t blk = j0 / PEL_SPARSE_BLOCK; blk * PEL_SPARSE_BLOCK < j1; blk++) {
            l = lo[blk] < l ? lo[blk] : l;
            h = hi[blk] > h ? hi[blk] : h;
        }
        bound[pb] = peli_sparse_block_bound(M, pb, l, h);
    }
    if (!peli_csr_alloc_blocks(ctx, M, bound)) {
        st = PEL_ENOMEM;
        goto done;
    }
    a.maxpb = maxpb + 1;
    bcol = malloc((size_t)nt * (size_t)a.maxpb * sizeof *bcol);
    bval = malloc((size_t)nt * (size_t)a.maxpb * sizeof *bval);
    if (!bcol || !bval) {
        st = pel_error(ctx, PEL_ENOMEM, "makea: cannot allocate the work arrays for n = %lld",
                       (long long)n);
        goto done;
    }

    /* pass 2: the values, into the product blocks */
    a.M = M;
    a.bcol = bcol;
    a.bval = bval;
    peli_parallel(ctx, (size_t)M->npb, nt, 0, assemble_blocks, &a);
    if (!peli_csr_blocks_done(M)) {
        st = pel_error(ctx, PEL_ENOMEM, "makea: cannot allocate the product blocks for n = %lld",
                       (long long)n);
        goto done;
    }
    *A = M;
    M = NULL;

done:
    gen_free(&g);
    free(keys);
    free(vals);
    pel_free(count);
    free(lo);
    free(hi);
    free(bound);
    free(bcol);
    free(bval);
    pel_sparse_csr_destroy(M);
    return st;
}
