/* Private to libpel (never installed): the CSR matrix and the row product
 * shared by csr.c, makea.c and cg.c.  Names start with peli_. */
#ifndef PEL_INTERNAL_SPARSE_H
#define PEL_INTERNAL_SPARSE_H

#include <stdint.h>

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

/* sum_k a_jk x_k over row j in stored order, left to right: the one
 * summation order of a row, the same as NPB's rolled loop (both index
 * widths give the same sum). */
static inline double peli_row_dot(const pel_sparse_csr *A, int64_t j, const double *restrict x)
{
    const double *restrict val = A->val;
    int64_t b = A->rowptr[j], e = A->rowptr[j + 1];
    double s = 0.0;
    if (A->col16 && A->col16_delta) {
        const uint16_t *restrict step = A->col16;
        int64_t c = 0;
        for (int64_t k = b; k < e; k++) {
            c += step[k];
            s = s + val[k] * x[c];
        }
    } else if (A->col16) {
        const uint16_t *restrict col = A->col16;
        for (int64_t k = b; k < e; k++) s = s + val[k] * x[col[k]];
    } else {
        const int32_t *restrict col = A->col;
        for (int64_t k = b; k < e; k++) s = s + val[k] * x[col[k]];
    }
    return s;
}

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
