/* OpenBLAS tile kernels for the tiled Cholesky (configure --with-openblas):
 * LAPACKE's dpotrf on a diagonal tile and CBLAS's dtrsm, dsyrk and dgemm on
 * submatrices of the column panels (kernels/internal/cholesky.h: one call
 * for a group of tiles of one tile column), single-threaded (each runs
 * inside a task).  Without OpenBLAS this file only says so. */
#include <config.h>

#include <stddef.h>

#include "internal/cholesky.h"

#ifdef HAVE_OPENBLAS
#include <cblas.h>
#include <lapacke.h>

void openblas_set_num_threads(int num_threads);

static long potrf_blas(size_t nb, double *a, size_t lda)
{
    lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', (lapack_int)nb, a, (lapack_int)lda);
    return info > 0 ? (long)info - 1 : -1;
}

/* Below this many columns trsm is one dtrsm call. */
#define TRSM_BASE 32

/* b := b l^-T by halves: the left columns' solve, a dgemm update of the
 * right columns by them, the right columns' solve.  OpenBLAS's dtrsm on a
 * tall panel runs at about half its dgemm's rate (22 to 26 GFLOP/s against
 * 45 to 50 on Zen 4, m = 3456, 288 columns); so split, all but the
 * narrow solves at the bottom of the recursion are dgemm flops, 1.5 times
 * the rate.  The split points (multiples of 16) depend on n only. */
static void trsm_rec(int m, int n, const double *l, int ldl, double *b, int ldb)
{
    if (n <= TRSM_BASE) {
        cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, m, n, 1.0, l, ldl, b, ldb);
        return;
    }
    int h = (n / 2 + 15) / 16 * 16;
    if (h >= n) h = n / 2;
    trsm_rec(m, h, l, ldl, b, ldb);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, m, n - h, h, -1.0, b, ldb, l + h, ldl, 1.0,
                b + (size_t)h * (size_t)ldb, ldb);
    trsm_rec(m, n - h, l + h + (size_t)h * (size_t)ldl, ldl, b + (size_t)h * (size_t)ldb, ldb);
}

static void trsm_blas(size_t m, size_t nb, const double *l, size_t ldl, double *b, size_t ldb)
{
    trsm_rec((int)m, (int)nb, l, (int)ldl, b, (int)ldb);
}

static void syrk_blas(size_t n, size_t k, const double *a, size_t lda, double *c, size_t ldc)
{
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)n, (int)k, -1.0, a, (int)lda, 1.0, c, (int)ldc);
}

static void gemm_blas(size_t m, size_t n, size_t k, const double *a, size_t lda, const double *b, size_t ldb,
                      double *c, size_t ldc)
{
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)k, -1.0, a, (int)lda, b, (int)ldb,
                1.0, c, (int)ldc);
}

static const peli_chol_blas ops_blas = {potrf_blas, trsm_blas, syrk_blas, gemm_blas};

const peli_chol_blas *peli_chol_blas_ops(void) { return &ops_blas; }
void peli_chol_blas_single_thread(void) { openblas_set_num_threads(1); }
#else
const peli_chol_blas *peli_chol_blas_ops(void) { return NULL; }
void peli_chol_blas_single_thread(void) {}
#endif

int pel_cholesky_have_blas(void) { return peli_chol_blas_ops() != NULL; }
