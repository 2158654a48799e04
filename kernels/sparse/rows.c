/* The product of the sparse family by row blocks (kernels/internal/sparse.h),
 * and the building of the blocks.
 *
 * Summation order (PEL_SPARSE_NUMERICS_VERSION 4): a row's sum
 * sum_k a_jk x_k is one left-to-right chain from +0.0 over its nonzeros in
 * ascending column order, equal columns in their stored order:
 * s = s + a x, the product rounded, then the sum (no fused multiply-add:
 * -ffp-contract=off).  For rows stored with ascending columns (NPB's
 * matrices) that is NPB's own loop, sum = sum + a[k] * p[colidx[k]].
 *
 * A "push" product: the rows are cut into product blocks of R rows; a
 * block's nonzeros are stored sorted by column, so the block walks x once in
 * ascending order (a pointer advanced by each entry's step) and adds each
 * product into its row's accumulator, acc[row] = acc[row] + a x, the R
 * accumulators held in L1.  Each row's accumulator then sees the row's
 * nonzeros in ascending column order, whatever the block's other rows do:
 * the sum above, bit for bit, for any R.  A row product over CSR ("pull")
 * fetches x at the row's columns instead, which on NPB's random columns is
 * an L1 miss per nonzero (docs/sparse.md, sixth round).
 *
 * One copy for every instruction set: the compiler's scalar code of the
 * loop below is the fastest form measured (the former AVX2 and AVX-512 row
 * copies gathered x and are gone with the row order). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal/sparse.h"

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* The words as 64-bit loads, four a load (a load fewer for three entries
 * out of four: the loop is bound by its loads and stores), where a
 * uint64_t holds them in memory order from its low bits: each entry takes
 * the low 16 bits, then shifts them out. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDS8(W, p) memcpy((W), (p), sizeof(W))
#define NEXT_WORD(e, W, p) ((e) = (unsigned)((W) & 0xffffu), (W) >>= 16)
#else
#define WORDS8(W, p) memset((W), 0, sizeof(W))
#define NEXT_WORD(e, W, p) ((e) = *(p), (void)(W))
#endif

/* One entry: acc[row] = acc[row] + v x, x advanced by the entry's step */
#define ENTRY(RB, e, vk)                                                                         \
    do {                                                                                         \
        unsigned r_ = (e) & ((1u << (RB)) - 1u);                                                 \
        xc += (e) >> (RB);                                                                       \
        acc[r_] = acc[r_] + (vk) * *xc;                                                          \
    } while (0)

/* The block loop for a constant rbits (the row field's width): the mask and
 * shift are immediates. */
#define PRODUCT(RB)                                                                              \
    static void product_##RB(const peli_pblock *blk, int64_t rows, int64_t ahead,               \
                             const double *restrict x, double *restrict y)                       \
    {                                                                                            \
        double acc[(1 << ((RB) - 1)) + 1];                                                       \
        for (int64_t r = 0; r <= rows; r++) acc[r] = 0.0;                                        \
        acc[1 << ((RB) - 1)] = 0.0; /* the dummies' scratch row */                               \
        const uint16_t *restrict w = blk->w;                                                     \
        const double *restrict v = blk->v;                                                       \
        const double *xc = x + blk->x0;                                                          \
        const int64_t len = blk->len;                                                            \
        int64_t k = 0;                                                                           \
        for (; k + 8 <= len; k += 8) {                                                           \
            if (ahead) /* (an address, not a pointer, past the values' end: no UB) */            \
                PREFETCH((const void *)((uintptr_t)(v + k) + (uintptr_t)ahead * sizeof *v));     \
            uint64_t W8[2];                                                                      \
            WORDS8(W8, w + k);                                                                   \
            for (int h = 0; h < 2; h++) {                                                        \
                uint64_t W = W8[h];                                                              \
                for (int u = 0; u < 4; u++) {                                                    \
                    unsigned e;                                                                  \
                    NEXT_WORD(e, W, w + k + 4 * h + u);                                          \
                    ENTRY(RB, e, v[k + 4 * h + u]);                                              \
                }                                                                                \
            }                                                                                    \
        }                                                                                        \
        for (; k < len; k++) ENTRY(RB, w[k], v[k]);                                              \
        memcpy(y, acc, (size_t)rows * sizeof *y);                                                \
    }
PRODUCT(9)
PRODUCT(10)
PRODUCT(11)

void peli_sparse_product(const pel_sparse_csr *A, int64_t pb, const double *restrict x,
                         double *restrict y)
{
    int64_t j0, j1;
    peli_sparse_pblock_rows(A, pb, &j0, &j1);
    const peli_pblock *blk = &A->pb[pb];
    switch (A->rbits) {
    case 9: product_9(blk, j1 - j0, A->ahead, x, y); break;
    case 10: product_10(blk, j1 - j0, A->ahead, x, y); break;
    default: product_11(blk, j1 - j0, A->ahead, x, y); break;
    }
}

/* Stable LSD radix sort of a[0..m) by bits [32, 32 + bits), up to 11 at a
 * time (class B's 17 bits of columns: two passes), through tmp[0..m); the
 * result in a. */
#define DIGIT 11
static void sort_by_column(uint64_t *a, uint64_t *tmp, int64_t m, int bits)
{
    uint64_t *src = a, *dst = tmp;
    int passes = (bits + DIGIT - 1) / DIGIT;
    for (int p = 0; p < passes; p++) {
        const int sh = 32 + p * DIGIT, width = (bits - p * DIGIT) < DIGIT ? bits - p * DIGIT : DIGIT;
        const uint64_t mask = (UINT64_C(1) << width) - 1u;
        int64_t count[(1 << DIGIT) + 1];
        memset(count, 0, (size_t)((mask + 2) * sizeof *count));
        for (int64_t k = 0; k < m; k++) count[(src[k] >> sh & mask) + 1]++;
        for (uint64_t d = 0; d <= mask; d++) count[d + 1] += count[d];
        for (int64_t k = 0; k < m; k++) dst[count[src[k] >> sh & mask]++] = src[k];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)m * sizeof *a);
}

int64_t peli_sparse_block_bound(const pel_sparse_csr *A, int64_t pb, int64_t lo, int64_t hi)
{
    return peli_sparse_pblock_nnz(A, pb) + (hi > lo ? (hi - lo) / peli_sparse_maxstep(A->rbits) : 0);
}

int64_t peli_sparse_pblock_nnz(const pel_sparse_csr *A, int64_t pb)
{
    int64_t j0, j1;
    peli_sparse_pblock_rows(A, pb, &j0, &j1);
    return A->rowptr[j1] - A->rowptr[j0];
}

int peli_sparse_fill_block(pel_sparse_csr *A, int64_t pb, const int32_t *col, const double *val,
                           int64_t k0, uint64_t *keys, uint16_t *row)
{
    int64_t j0, j1;
    peli_sparse_pblock_rows(A, pb, &j0, &j1);
    const int64_t kb = A->rowptr[j0], m = A->rowptr[j1] - kb, R = A->R;
    const int rb = A->rbits, maxstep = peli_sparse_maxstep(rb);
    peli_pblock *blk = &A->pb[pb];
    blk->len = -1;
    if (m > (int64_t)UINT32_MAX) return 0; /* a place must fit the key's low half */
    /* keys: (column - x0) << 32 | the entry's place in the block; rows of the places */
    int32_t lo = INT32_MAX, hi = 0;
    for (int64_t k = kb; k < kb + m; k++) {
        int32_t c = col[k - k0];
        lo = c < lo ? c : lo;
        hi = c > hi ? c : hi;
    }
    if (m == 0) lo = 0;
    for (int64_t j = j0; j < j1; j++)
        for (int64_t k = A->rowptr[j]; k < A->rowptr[j + 1]; k++) {
            keys[k - kb] = (uint64_t)(uint32_t)(col[k - k0] - lo) << 32 | (uint64_t)(k - kb);
            row[k - kb] = (uint16_t)(j - j0);
        }
    int bits = 0;
    while (bits < 31 && (INT64_C(1) << bits) <= (int64_t)hi - lo) bits++;
    sort_by_column(keys, keys + m, m, bits);
    /* the entries, with the dummies a long step needs */
    int64_t e = 0, prev = 0;
    for (int64_t i = 0; i < m; i++) {
        int64_t c = (int64_t)(keys[i] >> 32), st = c - prev, k = (int64_t)(keys[i] & UINT32_MAX);
        for (; st > maxstep; st -= maxstep, e++) {
            blk->w[e] = (uint16_t)(R | (int64_t)maxstep << rb);
            blk->v[e] = 0.0;
        }
        blk->w[e] = (uint16_t)(row[k] | st << rb);
        blk->v[e++] = val[kb + k - k0];
        prev = c;
    }
    blk->len = e;
    blk->x0 = lo;
    return 1;
}

uint64_t *peli_sparse_fill_scratch(const pel_sparse_csr *A, int64_t b0, int64_t b1, uint16_t **row)
{
    int64_t m = 0;
    for (int64_t pb = b0; pb < b1; pb++) {
        int64_t e = peli_sparse_pblock_nnz(A, pb);
        m = e > m ? e : m;
    }
    /* 2 m keys, then m rows (a quarter of a key each) */
    uint64_t *keys = malloc((size_t)(2 * m + m / 4 + 2) * sizeof *keys);
    *row = keys ? (uint16_t *)(keys + 2 * m) : NULL;
    return keys;
}
