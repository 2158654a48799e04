/* Private to libpel (never installed): the CSR matrix and the row product
 * shared by csr.c, makea.c and cg.c.  Names start with peli_. */
#ifndef PEL_INTERNAL_SPARSE_H
#define PEL_INTERNAL_SPARSE_H

#include <stdint.h>

#include <pel/cpu.h>

#include "internal/core.h"
#include "internal/team.h"

struct pel_sparse_csr {
    int64_t nrows, ncols, nnz;
    int64_t *rowptr; /* nrows + 1 */
    int32_t *col;    /* nnz; NULL until asked for when col16 alone holds the
                      * indices (makea's matrices) */
    double *val;     /* nnz */
    /* The same column indices in 16 bits, or NULL: the product streams 10
     * bytes per nonzero instead of 12 (measured on NPB class A, 14000
     * columns: -19% time on one thread, -10% on two).  With ncols <=
     * PELI_COL16_MAX the columns themselves; with more columns (NPB class B
     * has 75000, C 150000), when every row's columns are nondecreasing with
     * steps below 2^16 (the first from column 0), each column's step from
     * the previous one in its row (col16_delta set), else NULL. */
    uint16_t *col16;
    int col16_delta;
    /* the row products' code for this CPU (pel_cpu_isa() at creation) */
    void (*rows)(const struct pel_sparse_csr *A, int64_t j0, int64_t j1, const double *restrict x,
                 double *restrict y);
};

#define PELI_COL16_MAX 65536

/* Fills col16 for rows [j0, j1) from col; returns 0 when a row of a matrix
 * with more than PELI_COL16_MAX columns cannot be held as 16-bit steps
 * (col16 must then be dropped), 1 otherwise. */
static inline int peli_csr_fill16(struct pel_sparse_csr *A, int64_t j0, int64_t j1)
{
    const int32_t *col = A->col;
    uint16_t *c16 = A->col16;
    if (!A->col16_delta) {
        for (int64_t k = A->rowptr[j0]; k < A->rowptr[j1]; k++) c16[k] = (uint16_t)col[k];
        return 1;
    }
    for (int64_t j = j0; j < j1; j++) {
        int32_t prev = 0;
        for (int64_t k = A->rowptr[j]; k < A->rowptr[j + 1]; k++) {
            int32_t d = col[k] - prev;
            if (d < 0 || d > UINT16_MAX) return 0;
            c16[k] = (uint16_t)d;
            prev = col[k];
        }
    }
    return 1;
}

/* The parallel loops of this family run over blocks of PEL_SPARSE_BLOCK rows,
 * virtual thread t of nt taking the blocks peli_sparse_my_blocks gives it (the
 * schedule(static) split): a block is computed by one call, so its partial
 * dot product never depends on the team. */
static inline int64_t peli_sparse_blocks(int64_t nrows)
{
    return (nrows + PEL_SPARSE_BLOCK - 1) / PEL_SPARSE_BLOCK;
}

/* Block blk's rows [*j0, *j1). */
static inline void peli_sparse_block_rows(int64_t blk, int64_t nrows, int64_t *j0, int64_t *j1)
{
    *j0 = blk * PEL_SPARSE_BLOCK;
    *j1 = *j0 + PEL_SPARSE_BLOCK < nrows ? *j0 + PEL_SPARSE_BLOCK : nrows;
}

/* The lanes of a row's sum (PEL_SPARSE_NUMERICS_VERSION 3): nonzero k of
 * row j goes to lane (k - rowptr[j]) mod PELI_SPARSE_LANES. */
#define PELI_SPARSE_LANES 8

/* Spare entries at the end of col16 (zeros): a vector kernel loads a row's
 * last group of 16-bit indices whole, the lanes past the row masked. */
#define PELI_SPARSE_PAD 8

/* sum_k a_jk x_k over row j: the definition of every row product of this
 * family.  Lane l sums the nonzeros k = start + l, start + l + 8, ... left
 * to right from +0.0 (s = s + a x: the product rounded, then the sum), and
 * the lanes are combined as ((s0+s4)+(s2+s6))+((s1+s5)+(s3+s7)).  Eight
 * independent chains of additions instead of one; the vector copies of
 * rows.c do exactly these operations (both index widths and the steps give
 * the same sum). */
static inline double peli_row_dot(const pel_sparse_csr *A, int64_t j, const double *restrict x)
{
    const double *restrict val = A->val;
    int64_t b = A->rowptr[j], e = A->rowptr[j + 1];
    double s[PELI_SPARSE_LANES] = {0.0};
    const int mode = A->col16 ? (A->col16_delta ? 2 : 1) : 0;
    int64_t c = 0;
    for (int64_t k = b; k < e; k += PELI_SPARSE_LANES) {
        int r = e - k < PELI_SPARSE_LANES ? (int)(e - k) : PELI_SPARSE_LANES;
        for (int l = 0; l < r; l++) {
            if (mode == 2) c += A->col16[k + l]; /* the step from the previous column */
            else c = mode == 1 ? A->col16[k + l] : A->col[k + l];
            s[l] = s[l] + val[k + l] * x[c];
        }
    }
    return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

/* y[0 .. j1 - j0) = the products of rows [j0, j1) with x (peli_row_dot's
 * sums, bit for bit), one copy per instruction set (rows.c). */
typedef void (*peli_sparse_rows_fn)(const pel_sparse_csr *A, int64_t j0, int64_t j1,
                                    const double *restrict x, double *restrict y);

/* The copy for isa (pel_cpu_isa()), picked when a matrix is made. */
peli_sparse_rows_fn peli_sparse_rows_for(pel_isa isa);

/* Which column index arrays a new matrix gets. */
enum {
    PELI_CSR_BOTH = 0, /* col, and col16 to be filled from it (peli_csr_fill16) */
    PELI_CSR_32 = 1,   /* col only */
    PELI_CSR_16 = 2    /* col16 only (steps when ncols > PELI_COL16_MAX): col is made from it
                        * when a caller asks for it (pel_sparse_csr_colidx) */
};

/* Allocates A with room for nnz entries and the index arrays of `which`
 * (rowptr not set); NULL when out of memory (ctx records it). */
pel_sparse_csr *peli_csr_alloc(pel_context *ctx, int64_t nrows, int64_t ncols, int64_t nnz, int which);

/* Drops A's col16 when a block's flag in bad[0..nb) says its rows did not
 * fit (peli_csr_fill16). */
void peli_csr_keep16(pel_sparse_csr *A, const unsigned char *bad, int64_t nb);

/* The blocks [*b0, *b1) of virtual thread t of nt, of nb blocks. */
static inline void peli_sparse_my_blocks(int64_t nb, int t, int nt, int64_t *b0, int64_t *b1)
{
    size_t b, e;
    pel_static_range((size_t)nb, t, nt, &b, &e);
    *b0 = (int64_t)b;
    *b1 = (int64_t)e;
}

#endif
