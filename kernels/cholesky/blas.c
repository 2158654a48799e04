/* OpenBLAS tile kernels for the tiled Cholesky (configure --with-openblas):
 * LAPACKE's dpotrf and CBLAS's dtrsm, dsyrk and dgemm on one tile each,
 * single-threaded (each runs inside a task).  Without OpenBLAS this file
 * only says so. */
#include <config.h>

#include <stddef.h>

#include "internal/cholesky.h"

#ifdef HAVE_OPENBLAS
#include <cblas.h>
#include <lapacke.h>

void openblas_set_num_threads(int num_threads);

static long potrf_blas(size_t nb, double *a, double *ws)
{
    (void)ws;
    lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', (lapack_int)nb, a, (lapack_int)nb);
    return info > 0 ? (long)info - 1 : -1;
}

static void trsm_blas(size_t nb, const double *l, double *b, double *ws)
{
    (void)ws;
    int m = (int)nb;
    cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, m, m, 1.0, l, m, b, m);
}

static void syrk_blas(size_t nb, const double *a, double *c, double *ws)
{
    (void)ws;
    int m = (int)nb;
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, m, m, -1.0, a, m, 1.0, c, m);
}

static void gemm_blas(size_t nb, const double *a, const double *b, double *c, double *ws)
{
    (void)ws;
    int m = (int)nb;
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, m, m, m, -1.0, a, m, b, m, 1.0, c, m);
}

static const peli_chol_ops ops_blas = {"openblas", potrf_blas, trsm_blas, syrk_blas, gemm_blas, NULL, NULL, NULL};

const peli_chol_ops *peli_chol_ops_blas(void) { return &ops_blas; }
void peli_chol_blas_single_thread(void) { openblas_set_num_threads(1); }
#else
const peli_chol_ops *peli_chol_ops_blas(void) { return NULL; }
void peli_chol_blas_single_thread(void) {}
#endif

int pel_cholesky_have_blas(void) { return peli_chol_ops_blas() != NULL; }
