/* Private to libpel (never installed): the CSR matrix and the row product
 * shared by csr.c, makea.c and cg.c.  Names start with peli_. */
#ifndef PEL_INTERNAL_SPARSE_H
#define PEL_INTERNAL_SPARSE_H

#include <stdint.h>

#include "internal/core.h"

struct pel_csr {
    int64_t nrows, ncols, nnz;
    int64_t *rowptr; /* nrows + 1 */
    int32_t *col;    /* nnz */
    double *val;     /* nnz */
};

/* The parallel loops of this family run over blocks of PEL_SPARSE_BLOCK rows
 * with schedule(static): a block is computed by one thread, so its partial
 * dot product never depends on the team. */
static inline int64_t peli_sparse_blocks(int64_t nrows)
{
    return (nrows + PEL_SPARSE_BLOCK - 1) / PEL_SPARSE_BLOCK;
}

/* sum_k val[k] x[col[k]] over row [b, e), left to right: the one summation
 * order of a row, the same as NPB's rolled loop. */
static inline double peli_row_dot(const int32_t *restrict col, const double *restrict val,
                                  int64_t b, int64_t e, const double *restrict x)
{
    double s = 0.0;
    for (int64_t k = b; k < e; k++) s = s + val[k] * x[col[k]];
    return s;
}

/* Allocates A with room for nnz entries (rowptr not set); NULL when out of
 * memory (ctx records it). */
pel_csr *peli_csr_alloc(pel_context *ctx, int64_t nrows, int64_t ncols, int64_t nnz);

/* Team size for a loop over the blocks of nrows rows. */
static inline int peli_sparse_team(const pel_context *ctx, int64_t nrows)
{
    return pel_team_size(ctx, (size_t)peli_sparse_blocks(nrows));
}

#endif
