/* CSR matrices (include/pel/sparse.h): creation from a user's arrays, the
 * accessors, and the product y = A x. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal/sparse.h"

pel_sparse_csr *peli_csr_alloc(pel_context *ctx, int64_t nrows, int64_t ncols, int64_t nnz)
{
    pel_sparse_csr *A = calloc(1, sizeof *A);
    if (A) {
        A->nrows = nrows;
        A->ncols = ncols;
        A->nnz = nnz;
        A->rowptr = pel_malloc((size_t)(nrows + 1) * sizeof *A->rowptr);
        /* one spare entry: a matrix without nonzeros still gets arrays */
        A->col = pel_malloc((size_t)(nnz + 1) * sizeof *A->col);
        A->val = pel_malloc((size_t)(nnz + 1) * sizeof *A->val);
        if (ncols <= PELI_COL16_MAX) A->col16 = pel_malloc((size_t)(nnz + 1) * sizeof *A->col16);
        if (A->rowptr && A->col && A->val && (ncols > PELI_COL16_MAX || A->col16)) return A;
        pel_sparse_csr_destroy(A);
    }
    pel_error(ctx, PEL_ENOMEM, "csr: cannot allocate a %lld x %lld matrix with %lld nonzeros",
              (long long)nrows, (long long)ncols, (long long)nnz);
    return NULL;
}

void pel_sparse_csr_destroy(pel_sparse_csr *A)
{
    if (!A) return;
    pel_free(A->rowptr);
    pel_free(A->col);
    pel_free(A->val);
    pel_free(A->col16);
    free(A);
}

pel_status pel_sparse_csr_create(pel_context *ctx, int64_t nrows, int64_t ncols, const int64_t *rowptr,
                          const int32_t *colidx, const double *values, pel_sparse_csr **A)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, A != NULL, "csr: the output pointer A is NULL");
    *A = NULL;
    PEL_REQUIRE(ctx, nrows > 0, "csr: nrows must be positive (got %lld)", (long long)nrows);
    PEL_REQUIRE(ctx, ncols > 0 && ncols <= INT32_MAX,
                "csr: ncols must be from 1 to %d (got %lld)", INT32_MAX, (long long)ncols);
    PEL_REQUIRE(ctx, rowptr != NULL, "csr: rowptr is NULL");
    PEL_REQUIRE(ctx, rowptr[0] == 0, "csr: rowptr[0] must be 0 (got %lld)",
                (long long)rowptr[0]);
    for (int64_t j = 0; j < nrows; j++)
        PEL_REQUIRE(ctx, rowptr[j + 1] >= rowptr[j],
                    "csr: rowptr must be nondecreasing (rowptr[%lld] = %lld < rowptr[%lld] = %lld)",
                    (long long)(j + 1), (long long)rowptr[j + 1], (long long)j,
                    (long long)rowptr[j]);
    int64_t nnz = rowptr[nrows];
    PEL_REQUIRE(ctx, nnz == 0 || (colidx != NULL && values != NULL),
                "csr: colidx or values is NULL with %lld nonzeros", (long long)nnz);
    for (int64_t k = 0; k < nnz; k++)
        PEL_REQUIRE(ctx, colidx[k] >= 0 && colidx[k] < ncols,
                    "csr: colidx[%lld] = %d is outside [0, %lld)", (long long)k, (int)colidx[k],
                    (long long)ncols);

    pel_sparse_csr *M = peli_csr_alloc(ctx, nrows, ncols, nnz);
    if (!M) return PEL_ENOMEM;
    memcpy(M->rowptr, rowptr, (size_t)(nrows + 1) * sizeof *rowptr);
    /* first touch: each thread copies the rows it will multiply */
    int64_t nb = peli_sparse_blocks(nrows);
    int nt = peli_sparse_team(ctx, nrows);
#pragma omp parallel for schedule(static) num_threads(nt) default(none) \
    shared(M, colidx, values, nb, nrows)
    for (int64_t blk = 0; blk < nb; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, nrows, &j0, &j1);
        int64_t b = M->rowptr[j0], e = M->rowptr[j1];
        if (e > b) {
            memcpy(M->col + b, colidx + b, (size_t)(e - b) * sizeof *M->col);
            memcpy(M->val + b, values + b, (size_t)(e - b) * sizeof *M->val);
            if (M->col16)
                for (int64_t k = b; k < e; k++) M->col16[k] = (uint16_t)colidx[k];
        }
    }
    *A = M;
    return PEL_OK;
}

int64_t pel_sparse_csr_rows(const pel_sparse_csr *A) { return A ? A->nrows : 0; }
int64_t pel_sparse_csr_cols(const pel_sparse_csr *A) { return A ? A->ncols : 0; }
int64_t pel_sparse_csr_nnz(const pel_sparse_csr *A) { return A ? A->nnz : 0; }
const int64_t *pel_sparse_csr_rowptr(const pel_sparse_csr *A) { return A ? A->rowptr : NULL; }
const int32_t *pel_sparse_csr_colidx(const pel_sparse_csr *A) { return A ? A->col : NULL; }
const double *pel_sparse_csr_values(const pel_sparse_csr *A) { return A ? A->val : NULL; }

pel_status pel_sparse_csr_spmv(pel_context *ctx, const pel_sparse_csr *A, const double *x, double *y)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, A != NULL, "csr: spmv: the matrix A is NULL");
    PEL_REQUIRE(ctx, x != NULL && y != NULL, "csr: spmv: x or y is NULL");
    PEL_REQUIRE(ctx, (const double *)y != x, "csr: spmv: x and y must be distinct arrays");
    const int64_t n = A->nrows;
#pragma omp parallel for schedule(static) num_threads(peli_sparse_team(ctx, n)) default(none) \
    shared(n, A, x, y)
    for (int64_t blk = 0; blk < peli_sparse_blocks(n); blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, n, &j0, &j1);
        for (int64_t j = j0; j < j1; j++) y[j] = peli_row_dot(A, j, x);
    }
    return PEL_OK;
}
