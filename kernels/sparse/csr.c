/* CSR matrices (include/pel/sparse.h): creation from a user's arrays, the
 * accessors, and the product y = A x. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal/sparse.h"

pel_sparse_csr *peli_csr_alloc(pel_context *ctx, int64_t nrows, int64_t ncols, int64_t nnz, int which)
{
    pel_sparse_csr *A = calloc(1, sizeof *A);
    if (A) {
        A->nrows = nrows;
        A->ncols = ncols;
        A->nnz = nnz;
        A->rowptr = pel_malloc((size_t)(nrows + 1) * sizeof *A->rowptr);
        /* one spare entry: a matrix without nonzeros still gets arrays */
        if (which != PELI_CSR_16) A->col = pel_malloc((size_t)(nnz + 1) * sizeof *A->col);
        A->val = pel_malloc((size_t)(nnz + 1) * sizeof *A->val);
        if (which != PELI_CSR_32) {
            A->col16 = pel_malloc((size_t)(nnz + PELI_SPARSE_PAD) * sizeof *A->col16);
            if (A->col16) memset(A->col16 + nnz, 0, PELI_SPARSE_PAD * sizeof *A->col16);
        }
        A->col16_delta = A->col16 && ncols > PELI_COL16_MAX;
        A->rows = peli_sparse_rows_for(pel_cpu_isa());
        if (A->rowptr && A->val && (A->col || which == PELI_CSR_16) && (A->col16 || which == PELI_CSR_32))
            return A;
        pel_sparse_csr_destroy(A);
    }
    pel_error(ctx, PEL_ENOMEM, "csr: cannot allocate a %lld x %lld matrix with %lld nonzeros",
              (long long)nrows, (long long)ncols, (long long)nnz);
    return NULL;
}

void peli_csr_keep16(pel_sparse_csr *A, const unsigned char *bad, int64_t nb)
{
    for (int64_t b = 0; b < nb; b++)
        if (bad[b]) {
            pel_free(A->col16);
            A->col16 = NULL;
            A->col16_delta = 0;
            return;
        }
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

/* The arrays of a new matrix, copied by blocks of rows (first touch). */
struct copy_arg {
    pel_sparse_csr *M;
    const int32_t *colidx;
    const double *values;
    unsigned char *bad; /* per block: its rows do not fit 16-bit steps */
};

static void copy_rows(int t, int nt, void *arg)
{
    const struct copy_arg *a = arg;
    pel_sparse_csr *M = a->M;
    int64_t b0, b1;
    peli_sparse_my_blocks(peli_sparse_blocks(M->nrows), t, nt, &b0, &b1);
    for (int64_t blk = b0; blk < b1; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, M->nrows, &j0, &j1);
        int64_t b = M->rowptr[j0], e = M->rowptr[j1];
        if (e > b) {
            memcpy(M->col + b, a->colidx + b, (size_t)(e - b) * sizeof *M->col);
            memcpy(M->val + b, a->values + b, (size_t)(e - b) * sizeof *M->val);
        }
        a->bad[blk] = !peli_csr_fill16(M, j0, j1);
    }
}

pel_status pel_sparse_csr_create(pel_context *ctx, int64_t nrows, int64_t ncols, const int64_t *rowptr,
                          const int32_t *colidx, const double *values, pel_sparse_csr **A)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, A != NULL, "csr: the result pointer must not be NULL");
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

    int64_t nb = peli_sparse_blocks(nrows);
    pel_sparse_csr *M = peli_csr_alloc(ctx, nrows, ncols, nnz, PELI_CSR_BOTH);
    unsigned char *bad = M ? calloc((size_t)nb, 1) : NULL;
    if (!bad) {
        pel_sparse_csr_destroy(M);
        return M ? pel_error(ctx, PEL_ENOMEM, "csr: out of memory") : PEL_ENOMEM;
    }
    memcpy(M->rowptr, rowptr, (size_t)(nrows + 1) * sizeof *rowptr);
    /* first touch: each thread copies the rows it will multiply */
    struct copy_arg a = {M, colidx, values, bad};
    peli_parallel(ctx, (size_t)nb, 0, 0, copy_rows, &a);
    peli_csr_keep16(M, bad, nb);
    free(bad);
    *A = M;
    return PEL_OK;
}

int64_t pel_sparse_csr_rows(const pel_sparse_csr *A) { return A ? A->nrows : 0; }
int64_t pel_sparse_csr_cols(const pel_sparse_csr *A) { return A ? A->ncols : 0; }
int64_t pel_sparse_csr_nnz(const pel_sparse_csr *A) { return A ? A->nnz : 0; }
const int64_t *pel_sparse_csr_rowptr(const pel_sparse_csr *A) { return A ? A->rowptr : NULL; }
/* A matrix whose indices only col16 holds gets col at the first call, made
 * from col16; calls from several threads at once may each make a copy, one
 * of which is kept (the others freed). */
const int32_t *pel_sparse_csr_colidx(const pel_sparse_csr *A)
{
    if (!A) return NULL;
    int32_t *col = __atomic_load_n(&A->col, __ATOMIC_ACQUIRE);
    if (col || !A->col16) return col;
    if (!(col = pel_malloc((size_t)(A->nnz + 1) * sizeof *col))) return NULL;
    for (int64_t j = 0; j < A->nrows; j++) {
        int64_t c = 0;
        for (int64_t k = A->rowptr[j]; k < A->rowptr[j + 1]; k++) {
            c = A->col16_delta ? c + A->col16[k] : A->col16[k];
            col[k] = (int32_t)c;
        }
    }
    int32_t *none = NULL;
    pel_sparse_csr *M = (pel_sparse_csr *)A; /* made by calloc: not a const object */
    if (__atomic_compare_exchange_n(&M->col, &none, col, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return col;
    pel_free(col);
    return none;
}
const double *pel_sparse_csr_values(const pel_sparse_csr *A) { return A ? A->val : NULL; }

double pel_sparse_csr_spmv_bytes(const pel_sparse_csr *A)
{
    if (!A) return 0.0;
    double idx = A->col16 ? (double)sizeof *A->col16 : (double)sizeof *A->col;
    return (double)A->nnz * ((double)sizeof *A->val + idx) +
           (double)(A->nrows + 1) * (double)sizeof *A->rowptr +
           (double)(A->ncols + A->nrows) * (double)sizeof(double);
}

struct spmv_arg {
    const pel_sparse_csr *A;
    const double *x;
    double *y;
};

/* y = A x over t's blocks: independent of the other calls (no barrier). */
static void spmv_rows(int t, int nt, void *arg)
{
    const struct spmv_arg *a = arg;
    const int64_t n = a->A->nrows;
    int64_t b0, b1;
    peli_sparse_my_blocks(peli_sparse_blocks(n), t, nt, &b0, &b1);
    for (int64_t blk = b0; blk < b1; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, n, &j0, &j1);
        a->A->rows(a->A, j0, j1, a->x, a->y + j0);
    }
}

pel_status pel_sparse_csr_spmv(pel_context *ctx, const pel_sparse_csr *A, const double *x, double *y)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, A != NULL, "csr: spmv: the matrix A is NULL");
    PEL_REQUIRE(ctx, x != NULL && y != NULL, "csr: spmv: x or y is NULL");
    PEL_REQUIRE(ctx, (const double *)y != x, "csr: spmv: x and y must be distinct arrays");
    struct spmv_arg a = {A, x, y};
    peli_parallel(ctx, (size_t)peli_sparse_blocks(A->nrows), 0, 0, spmv_rows, &a);
    return PEL_OK;
}
