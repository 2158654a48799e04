/* Private to libpel: the tiled Cholesky's tile kernels (kernels/cholesky). */
#ifndef PEL_INTERNAL_CHOLESKY_H
#define PEL_INTERNAL_CHOLESKY_H

#include <stddef.h>

#include <pel/cholesky.h>
#include <pel/cpu.h>

/* Width of the column blocks inside a tile kernel: fixed, so the order of
 * every operation depends on the tile size only. */
#define PELI_CHOL_W 32

/* Tiles are nb x nb, column-major, leading dimension nb.  Each kernel
 * receives a per-thread workspace of peli_chol_ws_doubles(nb) doubles. */
typedef struct peli_chol_ops {
    const char *name;
    /* a := its lower Cholesky factor (the upper triangle is never touched);
     * returns -1, or the tile column whose pivot is not positive. */
    long (*potrf)(size_t nb, double *a, double *ws);
    /* b := b l^-T, l the lower factor of a diagonal tile */
    void (*trsm)(size_t nb, const double *l, double *b, double *ws);
    /* lower triangle of c -= a a^T */
    void (*syrk)(size_t nb, const double *a, double *c, double *ws);
    /* c -= a b^T */
    void (*gemm)(size_t nb, const double *a, const double *b, double *c, double *ws);
    /* The library's kernels only (NULL for OpenBLAS's): a panel tile, once
     * solved by trsm, is packed once into the micro-kernel's operand layouts
     * (peli_chol_pack_doubles(nb) doubles), and every syrk and gemm that
     * reads it takes the packed form; the same arithmetic as syrk and gemm
     * above, without packing the operands at every update. */
    void (*pack)(size_t nb, const double *t, double *pk);
    void (*syrk_pk)(size_t nb, const double *pk, double *c, double *ws);
    void (*gemm_pk)(size_t nb, const double *pka, const double *pkb, double *c, double *ws);
} peli_chol_ops;

size_t peli_chol_ws_doubles(size_t nb);
size_t peli_chol_pack_doubles(size_t nb);

/* The library's kernels for an ISA (the best compiled in up to isa). */
const peli_chol_ops *peli_chol_ops_for(pel_isa isa);

/* OpenBLAS's kernels (blas.c) work on column panels: tile column j is one
 * column-major panel of leading dimension ld, so the rows of g tiles of it
 * are one submatrix and one call solves or updates them all.  The sizes are
 * those of the matrix, not of the padded tiles: the last tile row and
 * column are cut to n. */
typedef struct peli_chol_blas {
    /* a (nb x nb, lda) := its lower factor; -1, or the column whose pivot is not positive */
    long (*potrf)(size_t nb, double *a, size_t lda);
    /* b (m x nb, ldb) := b l^-T, l (nb x nb, ldl) lower */
    void (*trsm)(size_t m, size_t nb, const double *l, size_t ldl, double *b, size_t ldb);
    /* lower triangle of c (n x n) -= a a^T, a n x k */
    void (*syrk)(size_t n, size_t k, const double *a, size_t lda, double *c, size_t ldc);
    /* c (m x n) -= a b^T, a m x k, b n x k */
    void (*gemm)(size_t m, size_t n, size_t k, const double *a, size_t lda, const double *b, size_t ldb,
                 double *c, size_t ldc);
} peli_chol_blas;

/* OpenBLAS's, or NULL when not built with it. */
const peli_chol_blas *peli_chol_blas_ops(void);
/* Sets OpenBLAS's thread count to n and returns the count before (0, and
 * nothing done, without it): a factorisation runs OpenBLAS's tile kernels
 * inside its own tasks on one thread each, and gives the caller's setting
 * back at its end. */
int peli_chol_blas_threads(int n);

#endif
