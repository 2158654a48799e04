/* Tiled Cholesky factorisation A = L L^T of a symmetric positive definite
 * matrix, as a task graph, and the triangular solves that make it a linear
 * solver.
 *
 * Plan once, execute many: pel_cholesky_create fixes the order n and the
 * tile size nb and allocates the tile storage (ceil(n/nb)^2 tiles of nb x nb
 * doubles, each column-major; the padding of a last partial tile holds the
 * identity, so every tile is full and the padding never changes a value),
 * the per-thread workspace and, with the library's kernels, the packed
 * panels (4 tile columns of tiles packed once for the micro-kernel, about
 * 8 n nb doubles).  pel_cholesky_set_matrix converts a column-major
 * matrix in; pel_cholesky_factor factors the tiles in place; the factor can be
 * read back column-major (pel_cholesky_get_factor) or used in place to solve
 * (pel_cholesky_solve).  Only the lower triangle of A is read (LAPACK's
 * uplo = 'L').
 *
 * The factorisation is blocked right-looking: step k factors the diagonal
 * tile (potrf), solves the panel below it (trsm), and updates the trailing
 * matrix (syrk on diagonal tiles, gemm below).  Every tile operation is an
 * OpenMP task with depend clauses on the tiles it reads and writes; the
 * updates into one tile form a dependence chain in k order, so each tile
 * sees the same operations in the same order whatever thread runs them: the
 * factor is bitwise identical for every thread count.  The critical path (the
 * potrf, and the trsm, syrk and gemm that feed the next panel) gets a higher
 * task priority (honoured when the OpenMP runtime allows priorities:
 * OMP_MAX_TASK_PRIORITY=3 or more).
 *
 * Tile kernels: PEL_CHOLESKY_KERNELS_OWN (the default) are the library's:
 * a register-blocked gemm micro-kernel on packed panels (AVX-512 16x12,
 * AVX2 8x6, chosen at create from pel_cpu_isa(), pel/cpu.h), with which
 * syrk, trsm and potrf are blocked too; each panel tile is packed once, by
 * its trsm, for all the updates that read it.  Every element is formed by the same
 * fused multiply-adds in the same order on every ISA, so the ISA changes
 * speed only.  PEL_CHOLESKY_KERNELS_BLAS use OpenBLAS (dpotrf on the
 * diagonal tiles; dtrsm, dsyrk and dgemm with one call for a group of a tile
 * column's tiles, the tile columns then stored as column-major panels) when
 * the library was built with it (configure
 * --with-openblas); they are called single-threaded inside the tasks (the
 * factorisation sets openblas_set_num_threads(1); OPENBLAS_NUM_THREADS=1 in
 * the environment avoids OpenBLAS starting its own threads at all).  Their
 * results are bitwise identical across thread counts too, but not equal to
 * the library's kernels' bits.
 *
 * Threads: the rule of pel/context.h, through the task launcher: from serial
 * code a team of the context's size whose threads take the tile tasks;
 * inside a caller's parallel region, a nested team when nesting is enabled,
 * otherwise the caller's team takes the tasks.  Per-thread workspace is made
 * at create for max(threads of the context, omp_get_max_threads()) threads;
 * should more threads take part, the whole graph runs on the calling thread
 * (same bits).  Distinct objects may be used concurrently, one object by one
 * thread at a time. */
#ifndef PEL_CHOLESKY_H
#define PEL_CHOLESKY_H
#define PEL_CHOLESKY_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <stdint.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pel_cholesky_kernels {
    PEL_CHOLESKY_KERNELS_OWN = 0, /* the library's vectorised tile kernels */
    PEL_CHOLESKY_KERNELS_BLAS = 1 /* OpenBLAS tile kernels (PEL_ENOTSUP when not built with it) */
} pel_cholesky_kernels;

typedef struct pel_cholesky_params {
    size_t n;    /* order of the matrix, >= 1 */
    size_t tile; /* tile size nb, 1 .. 4096; need not divide n; above n it is n */
    pel_cholesky_kernels kernels;
    /* OpenBLAS's kernels: tile rows per trsm and gemm call (one call solves
     * or updates that many tiles of a tile column at once); 0, the default,
     * or more than the tile columns: all of a column's below the diagonal.
     * It changes the calls, so it may change the bits (never the thread
     * count); the library's kernels ignore it. */
    size_t group;
} pel_cholesky_params;

/* n = 1000, tile = PEL_CHOLESKY_DEFAULT_TILE, the library's kernels, group 0. */
#define PEL_CHOLESKY_DEFAULT_TILE 288
void pel_cholesky_params_default(pel_cholesky_params *p);

/* The tile size that was fastest for a kernel set (docs/cholesky.md):
 * PEL_CHOLESKY_DEFAULT_TILE for the library's kernels,
 * PEL_CHOLESKY_DEFAULT_TILE_BLAS for OpenBLAS's. */
#define PEL_CHOLESKY_DEFAULT_TILE_BLAS 288
size_t pel_cholesky_default_tile(pel_cholesky_kernels k);

/* 1 when the library was built with OpenBLAS (PEL_CHOLESKY_KERNELS_BLAS works). */
int pel_cholesky_have_blas(void);

typedef struct pel_cholesky pel_cholesky;

pel_status pel_cholesky_create(pel_context *ctx, const pel_cholesky_params *p, pel_cholesky **out);
void pel_cholesky_destroy(pel_cholesky *h);

/* Copies the lower triangle of the n x n column-major a (leading dimension
 * lda >= n) into the tiles; the object then holds an unfactored matrix. */
pel_status pel_cholesky_set_matrix(pel_cholesky *h, const double *a, size_t lda);

/* Factors the matrix in place (A = L L^T); never allocates.  The region
 * "cholesky.factor" is timed.  A matrix that is not positive definite gives
 * PEL_ESINGULAR with a message naming the first column j (0-based) whose
 * pivot a_jj - sum_p l_jp^2 is not positive (or not a number), as LAPACK's
 * dpotrf info = j + 1; the object's state is then defined: the columns of
 * the tiles before j's tile column hold L, the rest of the matrix the
 * trailing matrix updated by those columns, and pel_cholesky_failed_column
 * returns j.  Factoring twice without setting the matrix again is an error. */
pel_status pel_cholesky_factor(pel_cholesky *h);

/* The failing column of the last factorisation, or -1 when it succeeded or
 * none was made. */
long pel_cholesky_failed_column(const pel_cholesky *h);

/* Writes L column-major into l (ldl >= n), zeros above the diagonal, after
 * a factorisation; after one that failed (PEL_ESINGULAR), the lower triangle
 * of the state described at pel_cholesky_factor. */
pel_status pel_cholesky_get_factor(const pel_cholesky *h, double *l, size_t ldl);

/* Solves A X = B for nrhs right-hand sides with the factor: forward
 * substitution L Y = B, then back substitution L^T X = Y, overwriting the
 * column-major n x nrhs b (ldb >= n) with X.  The columns are independent
 * and split among the threads, each solved in one fixed order. */
pel_status pel_cholesky_solve(pel_cholesky *h, size_t nrhs, double *b, size_t ldb);

/* LAPACK's residual test of the factor (xPOT01):
 * ||L L^T - A||_1 / (n ||A||_1 eps), eps = 2^-53 (dlamch 'E'), with A the
 * symmetric matrix whose lower triangle is a (the same a as given to
 * set_matrix) and ||.||_1 the symmetric matrix's 1-norm.  LAPACK's test
 * passes below 30.  Only after a successful factorisation; allocates a
 * column buffer per thread. */
pel_status pel_cholesky_residual(pel_cholesky *h, const double *a, size_t lda, double *res);

/* LAPACK's residual test of a solve (xPOT02): the largest over the columns of
 * ||b - A x||_1 / (||A||_1 ||x||_1 n eps), A symmetric from its lower
 * triangle a; passes below 30.  Serial; allocates nothing. */
pel_status pel_cholesky_solve_residual(pel_context *ctx, size_t n, size_t nrhs, const double *a,
                                       size_t lda, const double *x, size_t ldx, const double *b,
                                       size_t ldb, double *res);

/* A random symmetric, strictly diagonally dominant (so positive definite)
 * matrix, full (both triangles) column-major: a_ij = a_ji = 2u - 1 for
 * i > j and a_jj = n + u, with u uniform in [0, 1) element j*n + i of the
 * Philox stream (seed, 0): the same bits for any thread count. */
pel_status pel_cholesky_random_spd(pel_context *ctx, size_t n, uint32_t seed, double *a, size_t lda);

/* Task-scheduling figures of the last factorisation. */
typedef struct pel_cholesky_stats {
    long tasks;          /* tile tasks created */
    long potrf, trsm, syrk, gemm; /* of which */
    double flops;        /* n^3/3, the conventional count */
    double tile_flops;   /* flops executed by the tile tasks (full padded tiles) */
    double seconds;      /* wall time of the factorisation */
    int threads;         /* threads that could take tasks */
    double busy_max, busy_mean; /* per-thread time inside tile kernels */
    int priorities;      /* omp_get_max_task_priority() at the run: 0 means ignored */
} pel_cholesky_stats;

pel_status pel_cholesky_get_stats(const pel_cholesky *h, pel_cholesky_stats *st);
/* Busy seconds of thread t of the last factorisation (0 when t is out of range). */
double pel_cholesky_busy(const pel_cholesky *h, int t);

size_t pel_cholesky_order(const pel_cholesky *h);
size_t pel_cholesky_tile(const pel_cholesky *h);
/* Tile rows per trsm and gemm call: the group in use with OpenBLAS's kernels, 1 with the library's. */
size_t pel_cholesky_group(const pel_cholesky *h);
/* "avx512", "avx2", "scalar" or "openblas": the tile kernels in use. */
const char *pel_cholesky_kernel_name(const pel_cholesky *h);

#ifdef __cplusplus
}
#endif
#endif
