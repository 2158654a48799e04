/* OpenBLAS tile kernels for the tiled Cholesky (configure --with-openblas):
 * LAPACKE's dpotrf on a diagonal tile and CBLAS's dtrsm, dsyrk and dgemm on
 * submatrices of the column panels (kernels/internal/cholesky.h: one call
 * for a group of tiles of one tile column), single-threaded (each runs
 * inside a task).  Without OpenBLAS this file only says so.
 *
 * libpel does not link OpenBLAS: it opens it when a plan first asks for
 * BLAS tiles.  OpenBLAS's pthreads build starts its thread pool when it is
 * loaded, and the pool spins for about 0.1 s, taking a core from every
 * process that links it (measured: 0.41-0.46 s against 0.33-0.38 s for a
 * whole NPB CG class A process on 2 threads).  The resolved symbols are kept
 * once per process, as the dynamic linker would keep them, and never
 * closed (OpenBLAS's threads outlive any plan). */
#include <config.h>

#include <stddef.h>

#include "internal/cholesky.h"

#ifdef HAVE_OPENBLAS
#include <cblas.h>
#include <dlfcn.h>
#include <lapacke.h>
#include <pthread.h>
#include <string.h>

static struct {
    void (*dtrsm)(CBLAS_LAYOUT, CBLAS_SIDE, CBLAS_UPLO, CBLAS_TRANSPOSE, CBLAS_DIAG, blasint, blasint, double,
                  const double *, blasint, double *, blasint);
    void (*dsyrk)(CBLAS_LAYOUT, CBLAS_UPLO, CBLAS_TRANSPOSE, blasint, blasint, double, const double *, blasint,
                  double, double *, blasint);
    void (*dgemm)(CBLAS_LAYOUT, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint, double, const double *,
                  blasint, const double *, blasint, double, double *, blasint);
    lapack_int (*potrf)(int, char, lapack_int, double *, lapack_int);
    void (*set_threads)(int);
    int (*get_threads)(void);
    int ok;
} lib;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

/* f := the symbol name of library h (NULL when h or the symbol is missing);
 * POSIX gives a function's address as a void *, copied here into f */
#define LOAD(f, h, name)                                                                                     \
    do {                                                                                                     \
        void *p_ = (h) ? dlsym((h), (name)) : NULL;                                                          \
        memcpy(&(f), &p_, sizeof p_);                                                                        \
    } while (0)

static void lib_open(void)
{
    void *b = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!b) b = dlopen("libopenblas.so", RTLD_NOW | RTLD_LOCAL);
    void *l = dlopen("liblapacke.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!l) l = dlopen("liblapacke.so", RTLD_NOW | RTLD_LOCAL);
    LOAD(lib.dtrsm, b, "cblas_dtrsm");
    LOAD(lib.dsyrk, b, "cblas_dsyrk");
    LOAD(lib.dgemm, b, "cblas_dgemm");
    LOAD(lib.set_threads, b, "openblas_set_num_threads");
    LOAD(lib.get_threads, b, "openblas_get_num_threads");
    LOAD(lib.potrf, l, "LAPACKE_dpotrf_work");
    lib.ok = lib.dtrsm && lib.dsyrk && lib.dgemm && lib.set_threads && lib.get_threads && lib.potrf;
}

static long potrf_blas(size_t nb, double *a, size_t lda)
{
    lapack_int info = lib.potrf(LAPACK_COL_MAJOR, 'L', (lapack_int)nb, a, (lapack_int)lda);
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
        lib.dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, m, n, 1.0, l, ldl, b, ldb);
        return;
    }
    int h = (n / 2 + 15) / 16 * 16;
    if (h >= n) h = n / 2;
    trsm_rec(m, h, l, ldl, b, ldb);
    lib.dgemm(CblasColMajor, CblasNoTrans, CblasTrans, m, n - h, h, -1.0, b, ldb, l + h, ldl, 1.0,
                b + (size_t)h * (size_t)ldb, ldb);
    trsm_rec(m, n - h, l + h + (size_t)h * (size_t)ldl, ldl, b + (size_t)h * (size_t)ldb, ldb);
}

static void trsm_blas(size_t m, size_t nb, const double *l, size_t ldl, double *b, size_t ldb)
{
    trsm_rec((int)m, (int)nb, l, (int)ldl, b, (int)ldb);
}

static void syrk_blas(size_t n, size_t k, const double *a, size_t lda, double *c, size_t ldc)
{
    lib.dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)n, (int)k, -1.0, a, (int)lda, 1.0, c, (int)ldc);
}

static void gemm_blas(size_t m, size_t n, size_t k, const double *a, size_t lda, const double *b, size_t ldb,
                      double *c, size_t ldc)
{
    lib.dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)k, -1.0, a, (int)lda, b, (int)ldb,
                1.0, c, (int)ldc);
}

static const peli_chol_blas ops_blas = {potrf_blas, trsm_blas, syrk_blas, gemm_blas};

const peli_chol_blas *peli_chol_blas_ops(void)
{
    pthread_once(&lib_once, lib_open);
    return lib.ok ? &ops_blas : NULL;
}

int peli_chol_blas_threads(int n)
{
    if (!peli_chol_blas_ops()) return 0;
    int before = lib.get_threads();
    if (before != n) lib.set_threads(n);
    return before;
}
#else
const peli_chol_blas *peli_chol_blas_ops(void) { return NULL; }
int peli_chol_blas_threads(int n) { return (void)n, 0; }
#endif

int pel_cholesky_have_blas(void) { return peli_chol_blas_ops() != NULL; }
