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
    int32_t *col;    /* nnz */
    double *val;     /* nnz */
    /* The same column indices in 16 bits when ncols <= PELI_COL16_MAX, else
     * NULL: the product streams 10 bytes per nonzero instead of 12
     * (measured on NPB class A, 14000 columns: -19% time on one thread,
     * -10% on two). */
    uint16_t *col16;
};

#define PELI_COL16_MAX 65536

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
    if (A->col16) {
        const uint16_t *restrict col = A->col16;
        for (int64_t k = b; k < e; k++) s = s + val[k] * x[col[k]];
    } else {
        const int32_t *restrict col = A->col;
        for (int64_t k = b; k < e; k++) s = s + val[k] * x[col[k]];
    }
    return s;
}

/* Allocates A with room for nnz entries (rowptr not set); NULL when out of
 * memory (ctx records it). */
pel_sparse_csr *peli_csr_alloc(pel_context *ctx, int64_t nrows, int64_t ncols, int64_t nnz);

/* The blocks [*b0, *b1) of virtual thread t of nt, of nb blocks. */
static inline void peli_sparse_my_blocks(int64_t nb, int t, int nt, int64_t *b0, int64_t *b1)
{
    size_t b, e;
    pel_static_range((size_t)nb, t, nt, &b, &e);
    *b0 = (int64_t)b;
    *b1 = (int64_t)e;
}

#endif
