/* CSR matrices (include/pel/sparse.h): creation from a user's arrays, the
 * accessors, and the product y = A x by product blocks (rows.c). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal/sparse.h"

pel_sparse_csr *peli_csr_alloc(pel_context *ctx, int64_t nrows, int64_t ncols, int64_t nnz, int csr)
{
    pel_sparse_csr *A = calloc(1, sizeof *A);
    if (A) {
        A->nrows = nrows;
        A->ncols = ncols;
        A->nnz = nnz;
        A->rbits = peli_sparse_rbits(nrows);
        A->R = INT64_C(1) << (A->rbits - 1);
        A->npb = (nrows + A->R - 1) / A->R;
        A->ahead = PELI_SPARSE_AHEAD;
        A->rowptr = pel_malloc((size_t)(nrows + 1) * sizeof *A->rowptr);
        A->pb = calloc((size_t)A->npb, sizeof *A->pb);
        /* one spare entry: a matrix without nonzeros still gets arrays */
        if (csr) {
            A->col = pel_malloc((size_t)(nnz + 1) * sizeof *A->col);
            A->val = pel_malloc((size_t)(nnz + 1) * sizeof *A->val);
        }
        if (A->rowptr && A->pb && (!csr || (A->col && A->val))) return A;
        pel_sparse_csr_destroy(A);
    }
    pel_error(ctx, PEL_ENOMEM, "csr: cannot allocate a %lld x %lld matrix with %lld nonzeros",
              (long long)nrows, (long long)ncols, (long long)nnz);
    return NULL;
}

int peli_csr_alloc_blocks(pel_context *ctx, pel_sparse_csr *A, const int64_t *bound)
{
    int64_t total = 0;
    for (int64_t b = 0; b < A->npb; b++) total += bound[b];
    A->wall = pel_malloc((size_t)(total + 1) * sizeof *A->wall);
    A->vall = pel_malloc((size_t)(total + 1) * sizeof *A->vall);
    if (!A->wall || !A->vall) {
        pel_error(ctx, PEL_ENOMEM, "csr: cannot allocate the product blocks of a %lld x %lld matrix "
                  "(%lld entries)", (long long)A->nrows, (long long)A->ncols, (long long)total);
        return 0;
    }
    int64_t off = 0;
    for (int64_t b = 0; b < A->npb; b++) {
        A->pb[b].w = A->wall + off;
        A->pb[b].v = A->vall + off;
        A->pb[b].len = -1;
        off += bound[b];
    }
    return 1;
}

int peli_csr_blocks_done(pel_sparse_csr *A)
{
    A->stored = 0;
    for (int64_t b = 0; b < A->npb; b++) {
        if (A->pb[b].len < 0) return 0;
        A->stored += A->pb[b].len;
    }
    return 1;
}

void pel_sparse_csr_destroy(pel_sparse_csr *A)
{
    if (!A) return;
    pel_free(A->rowptr);
    pel_free(A->col);
    pel_free(A->val);
    pel_free(A->wall);
    pel_free(A->vall);
    free(A->pb);
    free(A);
}

/* The arrays of a new matrix, copied and blocked by product blocks (first
 * touch by the thread that multiplies them: the product's static split). */
struct copy_arg {
    pel_sparse_csr *M;
    const int32_t *colidx;
    const double *values;
    int64_t *bound; /* per product block */
};

/* pass 1: the CSR copy, and each block's bound from its columns' range */
static void copy_rows(int t, int nt, void *arg)
{
    const struct copy_arg *a = arg;
    pel_sparse_csr *M = a->M;
    int64_t b0, b1;
    peli_sparse_my_blocks(M->npb, t, nt, &b0, &b1);
    for (int64_t pb = b0; pb < b1; pb++) {
        int64_t j0, j1;
        peli_sparse_pblock_rows(M, pb, &j0, &j1);
        int64_t b = M->rowptr[j0], e = M->rowptr[j1], lo = INT32_MAX, hi = 0;
        if (e > b) {
            memcpy(M->col + b, a->colidx + b, (size_t)(e - b) * sizeof *M->col);
            memcpy(M->val + b, a->values + b, (size_t)(e - b) * sizeof *M->val);
        }
        for (int64_t k = b; k < e; k++) {
            lo = M->col[k] < lo ? M->col[k] : lo;
            hi = M->col[k] > hi ? M->col[k] : hi;
        }
        a->bound[pb] = peli_sparse_block_bound(M, pb, lo, hi);
    }
}

/* pass 2: the blocks */
static void fill_blocks(int t, int nt, void *arg)
{
    const struct copy_arg *a = arg;
    pel_sparse_csr *M = a->M;
    int64_t b0, b1;
    peli_sparse_my_blocks(M->npb, t, nt, &b0, &b1);
    uint16_t *row;
    uint64_t *keys = peli_sparse_fill_scratch(M, b0, b1, &row);
    for (int64_t pb = b0; pb < b1 && keys; pb++)
        peli_sparse_fill_block(M, pb, M->col, M->val, 0, keys, row); /* a failure: len -1 */
    free(keys);
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

    pel_sparse_csr *M = peli_csr_alloc(ctx, nrows, ncols, nnz, 1);
    if (!M) return PEL_ENOMEM;
    memcpy(M->rowptr, rowptr, (size_t)(nrows + 1) * sizeof *rowptr);
    struct copy_arg a = {M, colidx, values, malloc((size_t)M->npb * sizeof *a.bound)};
    if (!a.bound) {
        pel_sparse_csr_destroy(M);
        return pel_error(ctx, PEL_ENOMEM, "csr: out of memory");
    }
    peli_parallel(ctx, (size_t)M->npb, 0, 0, copy_rows, &a);
    int ok = peli_csr_alloc_blocks(ctx, M, a.bound);
    free(a.bound);
    if (ok) peli_parallel(ctx, (size_t)M->npb, 0, 0, fill_blocks, &a);
    if (!ok || !peli_csr_blocks_done(M)) {
        pel_sparse_csr_destroy(M);
        return ok ? pel_error(ctx, PEL_ENOMEM, "csr: out of memory for the product blocks of a %lld x %lld "
                              "matrix with %lld nonzeros", (long long)nrows, (long long)ncols,
                              (long long)nnz)
                  : PEL_ENOMEM;
    }
    *A = M;
    return PEL_OK;
}

int64_t pel_sparse_csr_rows(const pel_sparse_csr *A) { return A ? A->nrows : 0; }
int64_t pel_sparse_csr_cols(const pel_sparse_csr *A) { return A ? A->ncols : 0; }
int64_t pel_sparse_csr_nnz(const pel_sparse_csr *A) { return A ? A->nnz : 0; }
const int64_t *pel_sparse_csr_rowptr(const pel_sparse_csr *A) { return A ? A->rowptr : NULL; }

/* The CSR arrays of a matrix that keeps only its product blocks (makea's),
 * made from the blocks at the first call: each row's entries in the blocks'
 * order (ascending columns), which is its stored order.  Calls from several
 * threads at once may each make a copy, one of which is kept (a
 * compare-and-swap; the others are freed).  Into col (when not NULL) or
 * val; 0 when out of memory. */
static int rebuild(const pel_sparse_csr *A, int32_t *col, double *val)
{
    int64_t *pos = malloc((size_t)A->R * sizeof *pos);
    if (!pos) return 0;
    for (int64_t pb = 0; pb < A->npb; pb++) {
        int64_t j0, j1;
        peli_sparse_pblock_rows(A, pb, &j0, &j1);
        for (int64_t j = j0; j < j1; j++) pos[j - j0] = A->rowptr[j];
        const peli_pblock *blk = &A->pb[pb];
        int64_t c = blk->x0;
        for (int64_t k = 0; k < blk->len; k++) {
            unsigned e = blk->w[k], r = e & ((1u << A->rbits) - 1u);
            c += e >> A->rbits;
            if (r == (unsigned)A->R) continue; /* a dummy */
            if (col) col[pos[r]++] = (int32_t)c;
            else val[pos[r]++] = blk->v[k];
        }
    }
    free(pos);
    return 1;
}

const int32_t *pel_sparse_csr_colidx(const pel_sparse_csr *A)
{
    if (!A) return NULL;
    int32_t *col = __atomic_load_n(&A->col, __ATOMIC_ACQUIRE);
    if (col) return col;
    if (!(col = pel_malloc((size_t)(A->nnz + 1) * sizeof *col)) || !rebuild(A, col, NULL)) {
        pel_free(col);
        return NULL;
    }
    int32_t *none = NULL;
    pel_sparse_csr *M = (pel_sparse_csr *)A; /* made by calloc: not a const object */
    if (__atomic_compare_exchange_n(&M->col, &none, col, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return col;
    pel_free(col);
    return none;
}

const double *pel_sparse_csr_values(const pel_sparse_csr *A)
{
    if (!A) return NULL;
    double *val = __atomic_load_n(&A->val, __ATOMIC_ACQUIRE);
    if (val) return val;
    if (!(val = pel_malloc((size_t)(A->nnz + 1) * sizeof *val)) || !rebuild(A, NULL, val)) {
        pel_free(val);
        return NULL;
    }
    double *none = NULL;
    pel_sparse_csr *M = (pel_sparse_csr *)A; /* made by calloc: not a const object */
    if (__atomic_compare_exchange_n(&M->val, &none, val, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return val;
    pel_free(val);
    return none;
}

double pel_sparse_csr_spmv_bytes(const pel_sparse_csr *A)
{
    if (!A) return 0.0;
    return (double)A->stored * (double)(sizeof(uint16_t) + sizeof(double)) +
           (double)A->npb * (double)sizeof(peli_pblock) +
           (double)(A->ncols + A->nrows) * (double)sizeof(double);
}

struct spmv_arg {
    const pel_sparse_csr *A;
    const double *x;
    double *y;
};

/* y = A x over t's product blocks: independent of the other calls (no barrier). */
static void spmv_rows(int t, int nt, void *arg)
{
    const struct spmv_arg *a = arg;
    const pel_sparse_csr *A = a->A;
    int64_t b0, b1;
    peli_sparse_my_blocks(A->npb, t, nt, &b0, &b1);
    for (int64_t pb = b0; pb < b1; pb++) peli_sparse_product(A, pb, a->x, a->y + pb * A->R);
}

pel_status pel_sparse_csr_spmv(pel_context *ctx, const pel_sparse_csr *A, const double *x, double *y)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, A != NULL, "csr: spmv: the matrix A is NULL");
    PEL_REQUIRE(ctx, x != NULL && y != NULL, "csr: spmv: x or y is NULL");
    PEL_REQUIRE(ctx, (const double *)y != x, "csr: spmv: x and y must be distinct arrays");
    struct spmv_arg a = {A, x, y};
    peli_parallel(ctx, (size_t)A->npb, 0, 0, spmv_rows, &a);
    return PEL_OK;
}
