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
 * depends on the draws themselves, so the stream cannot be split); then
 * each row j is assembled on its own: the terms i that touch row j, in
 * increasing i, are accumulated into a dense scratch row, whose touched
 * columns are sorted.  Rows are independent, so they go in parallel, and a
 * row's sums follow NPB's order whoever builds it.  Two passes: the first
 * counts each row's distinct columns, the second fills the exact arrays. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal/sparse.h"

#define NPB_SEED UINT64_C(314159265)

typedef struct gen {
    int64_t n;
    int stride;    /* nonzer + 1: room per vector */
    int bits;      /* positions are below 2^bits */
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
}

/* Sorts the m distinct columns a[0..m) (each below 2^bits) ascending, by
 * least-significant-digit radix passes of 8 bits through tmp[0..m): linear
 * in m, where a comparison sort of a row's ~200 columns spends most of its
 * time in mispredicted branches. */
static void sort_cols(int32_t *a, int32_t *tmp, int64_t m, int bits)
{
    int32_t *src = a, *dst = tmp;
    for (int shift = 0; shift < bits; shift += 8) {
        int64_t count[257] = {0};
        for (int64_t k = 0; k < m; k++) count[((uint32_t)src[k] >> shift & 255u) + 1]++;
        for (int d = 0; d < 256; d++) count[d + 1] += count[d];
        for (int64_t k = 0; k < m; k++) dst[count[(uint32_t)src[k] >> shift & 255u]++] = src[k];
        int32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)m * sizeof *a);
}

/* Row j into the scratch (acc, mark, cols, with room for 2n columns):
 * returns its distinct columns in cols[0..m), sorted, and their values in
 * acc, when `values` is set; only the count otherwise. */
static int64_t build_row(const gen *g, int64_t j, double rcond, double shift, int values,
                         double *acc, int64_t *mark, int32_t *cols)
{
    if (!values) { /* the distinct columns, counted */
        int64_t m = 0;
        for (int64_t t = g->rstart[j]; t < g->rstart[j + 1]; t++) {
            int64_t i = g->rlist[t] / g->stride;
            const int32_t *iv = g->pos + i * g->stride;
            for (int k = 0; k < g->cnt[i]; k++) {
                int32_t c = iv[k];
                m += mark[c] != j;
                mark[c] = j;
            }
        }
        return m;
    }
    int64_t m = 0;
    for (int64_t t = g->rstart[j]; t < g->rstart[j + 1]; t++) {
        int64_t i = g->rlist[t] / g->stride, slot = g->rlist[t] % g->stride;
        const int32_t *iv = g->pos + i * g->stride;
        const double *v = g->val + i * g->stride;
        double scale = g->size[i] * v[slot];
        for (int k = 0; k < g->cnt[i]; k++) {
            int32_t c = iv[k];
            if (mark[c] != j) {
                mark[c] = j;
                cols[m++] = c;
                acc[c] = 0.0;
            }
            double va = v[k] * scale;
            if (c == j && j == i) va = va + rcond - shift;
            acc[c] = acc[c] + va;
        }
    }
    sort_cols(cols, cols + g->n, m, g->bits);
    return m;
}

/* The two assembly passes over blocks of rows, virtual thread t using
 * scratch row t (n entries of acc, mark and cols).  Rows are independent:
 * no barrier. */
struct assemble_arg {
    const gen *g;
    double rcond, shift;
    double *acc;
    int64_t *mark;
    int32_t *cols;
    int64_t *count;   /* pass 1: distinct columns per row */
    pel_sparse_csr *M; /* pass 2: the values, written (first touch) by the
                        * thread that later multiplies these rows */
    unsigned char *bad; /* pass 2, per block: its rows do not fit col16 */
};

static void assemble_rows(int t, int nt, void *arg)
{
    const struct assemble_arg *a = arg;
    const int64_t n = a->g->n;
    size_t off = (size_t)t * (size_t)n;
    double *acc = a->acc + off;
    int64_t *mark = a->mark + off;
    int32_t *cols = a->cols + 2 * off;
    pel_sparse_csr *M = a->M;
    int64_t b0, b1;
    peli_sparse_my_blocks(peli_sparse_blocks(n), t, nt, &b0, &b1);
    for (int64_t blk = b0; blk < b1; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, n, &j0, &j1);
        for (int64_t j = j0; j < j1; j++) {
            int64_t m = build_row(a->g, j, a->rcond, a->shift, M != NULL, acc, mark, cols);
            if (!M) {
                a->count[j] = m;
                continue;
            }
            int64_t b = M->rowptr[j];
            for (int64_t k = 0; k < m; k++) {
                M->col[b + k] = cols[k];
                M->val[b + k] = acc[cols[k]];
            }
        }
        if (M) a->bad[blk] = !peli_csr_fill16(M, j0, j1);
    }
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
    /* scratch rows for the team this call asks for (read from ctx now) */
    int64_t nb = peli_sparse_blocks(n);
    int nt = peli_team_want(ctx, (size_t)nb, 0);
    double *acc = pel_malloc((size_t)nt * (size_t)n * sizeof *acc);
    int64_t *mark = pel_malloc((size_t)nt * (size_t)n * sizeof *mark);
    int32_t *cols = pel_malloc((size_t)nt * (size_t)n * 2 * sizeof *cols);
    int64_t *count = pel_malloc((size_t)(n + 1) * sizeof *count);
    unsigned char *bad = calloc((size_t)nb, 1);
    pel_sparse_csr *M = NULL;
    pel_status st = PEL_OK;
    if (!g.cnt || !g.pos || !g.val || !g.size || !g.rstart || !g.rlist || !acc || !mark || !cols ||
        !count || !bad) {
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
    for (size_t k = 0; k < (size_t)nt * (size_t)n; k++) mark[k] = -1;

    /* pass 1: distinct columns per row */
    struct assemble_arg a = {&g, rcond, shift, acc, mark, cols, count, NULL, bad};
    peli_parallel(ctx, (size_t)nb, nt, 0, assemble_rows, &a);
    int64_t nnz = 0;
    for (int64_t j = 0; j < n; j++) nnz += count[j];
    M = peli_csr_alloc(ctx, n, n, nnz);
    if (!M) {
        st = PEL_ENOMEM;
        goto done;
    }
    M->rowptr[0] = 0;
    for (int64_t j = 0; j < n; j++) M->rowptr[j + 1] = M->rowptr[j] + count[j];
    for (size_t k = 0; k < (size_t)nt * (size_t)n; k++) mark[k] = -1;

    /* pass 2: the values */
    a.M = M;
    peli_parallel(ctx, (size_t)nb, nt, 0, assemble_rows, &a);
    peli_csr_keep16(M, bad, nb);
    *A = M;

done:
    gen_free(&g);
    pel_free(acc);
    pel_free(mark);
    pel_free(cols);
    pel_free(count);
    free(bad);
    return st;
}
