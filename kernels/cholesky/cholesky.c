/* The tiled Cholesky (include/pel/cholesky.h): tile storage, the task graph
 * of the right-looking factorisation, the triangular solves and LAPACK's
 * residual tests.
 *
 * Storage: the lower triangle of T x T tiles (T = ceil(n / nb)), tile (i, j),
 * i >= j, at index i (i + 1) / 2 + j, each nb x nb column-major.  Rows and
 * columns beyond n are the identity's, so every tile is full: the padding
 * adds zeros to every sum and leaves the real part's values unchanged.
 *
 * The graph, step k = 0 .. T-1:
 *   potrf (k,k)                      inout (k,k)
 *   trsm  (i,k), i > k               in (k,k)        inout (i,k)
 *   syrk  (j,j) by (j,k), j > k      in (j,k)        inout (j,j)
 *   gemm  (i,j) by (i,k)(j,k), i > j > k   in (i,k) (j,k)   inout (i,j)
 * created in this order, so the updates into a tile are chained in k order
 * (each a later sibling with inout on the same tile) and each tile's values
 * are those of the serial loop.  Priorities: 3 potrf, 2 the tasks feeding
 * the next panel (trsm of tile k+1, and every syrk and gemm into tile
 * column k+1), 1 other trsm, 0 the rest.
 *
 * With OpenBLAS's kernels the storage is by column panels instead (tile
 * column j one column-major panel of (T - j) nb rows), and one call solves
 * or updates a group of tiles of a column: see "the graph on OpenBLAS's
 * kernels" below.
 *
 * A pivot that is not positive in potrf(k) records step k; every task of a
 * step >= k depends on potrf(k) and so sees the record and does nothing,
 * while the tasks of earlier steps (which do not depend on it) all run: the
 * state left behind is the same whatever the timing. */
#include <config.h>

#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal/cholesky.h"
#include "internal/core.h"
#include "internal/team.h"

enum { EMPTY = 0, SET = 1, FACTORED = 2, FAILED = 3, CANCELLED = 4 };
#define BUSY_STRIDE 8 /* doubles: one cache line per thread's counter */
#define RING 4        /* tile columns of packed panels alive at once (the graph's lookahead) */

struct pel_cholesky {
    pel_context *ctx;
    size_t n, nb, T;
    pel_cholesky_kernels kernels;
    const peli_chol_ops *ops;   /* the library's kernels (NULL with OpenBLAS's) */
    const peli_chol_blas *blas; /* OpenBLAS's kernels (NULL with the library's) */
    size_t group;               /* OpenBLAS's kernels: tile rows per trsm and gemm call */
    double *tiles;
    double *packs;    /* the library's kernels: a ring of RING tile columns of packed panels */
    size_t pk_stride; /* doubles per packed tile */
    size_t ring;      /* tile columns in the ring */
    int nws;          /* threads with workspace */
    size_t ws_stride; /* doubles */
    double *ws;
    double *busy; /* nws * BUSY_STRIDE */
    int state;
    int fail_step; /* T when none */
    long fail_col;
    int threads_used;
    double seconds;
    int priorities;
    int stop;     /* latched once a task saw the cancellation flag (atomic) */
    long skipped; /* tile tasks skipped for it (atomic) */
};

void pel_cholesky_params_default(pel_cholesky_params *p)
{
    if (!p) return;
    p->n = 1000;
    p->tile = PEL_CHOLESKY_DEFAULT_TILE;
    p->kernels = PEL_CHOLESKY_KERNELS_OWN;
    p->group = 0;
}

size_t pel_cholesky_default_tile(pel_cholesky_kernels k)
{
    return k == PEL_CHOLESKY_KERNELS_BLAS ? PEL_CHOLESKY_DEFAULT_TILE_BLAS : PEL_CHOLESKY_DEFAULT_TILE;
}

/* Tile (i, j), i >= j.  The library's kernels: tile-major, each tile
 * contiguous with leading dimension nb.  OpenBLAS's: tile column j is one
 * column-major panel of (T - j) nb rows (leading dimension ld_of(j)), after
 * the panels of columns 0 .. j-1. */
static double *tile(const pel_cholesky *h, size_t i, size_t j)
{
    size_t nb = h->nb;
    if (h->blas) return h->tiles + (j * h->T - j * (j - 1) / 2) * nb * nb + (i - j) * nb;
    return h->tiles + (i * (i + 1) / 2 + j) * nb * nb;
}

/* The leading dimension of tile column j. */
static size_t ld_of(const pel_cholesky *h, size_t j) { return h->blas ? (h->T - j) * h->nb : h->nb; }

void pel_cholesky_destroy(pel_cholesky *h)
{
    if (!h) return;
    pel_free(h->tiles);
    pel_free(h->packs);
    pel_free(h->ws);
    pel_free(h->busy);
    peli_context_release(h->ctx);
    free(h);
}

pel_status pel_cholesky_create(pel_context *ctx, const pel_cholesky_params *p, pel_cholesky **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "cholesky");
    PEL_REQUIRE(ctx, p->n >= 1 && p->n <= ((size_t)1 << 31), "cholesky: n = %zu: must be in [1, 2^31]", p->n);
    PEL_REQUIRE(ctx, p->tile >= 1 && p->tile <= 4096, "cholesky: tile = %zu: must be in [1, 4096]", p->tile);
    PEL_REQUIRE(ctx, p->kernels == PEL_CHOLESKY_KERNELS_OWN || p->kernels == PEL_CHOLESKY_KERNELS_BLAS,
                "cholesky: kernels = %d: must be PEL_CHOLESKY_KERNELS_OWN or _BLAS", (int)p->kernels);
    if (p->kernels == PEL_CHOLESKY_KERNELS_BLAS && !peli_chol_blas_ops())
        return pel_error(ctx, PEL_ENOTSUP, "cholesky: kernels = blas: this build has no OpenBLAS (configure --with-openblas)");
    size_t nb = p->tile < p->n ? p->tile : p->n, T = (p->n + nb - 1) / nb; /* no tile beyond the matrix */
    /* T (T + 1) / 2 tiles of nb^2 doubles, without wrapping */
    double bytes = (double)T * (double)(T + 1) / 2 * (double)nb * (double)nb * sizeof(double);
    if (bytes > (double)(SIZE_MAX / 2))
        return pel_error(ctx, PEL_ENOMEM, "cholesky: n = %zu, tile = %zu: %.3g bytes of tiles is beyond this machine", p->n, nb, bytes);
    pel_cholesky *h = calloc(1, sizeof *h);
    if (!h) return pel_error(ctx, PEL_ENOMEM, "cholesky: out of memory");
    h->ctx = peli_context_retain(ctx);
    h->n = p->n;
    h->nb = nb;
    h->T = T;
    h->kernels = p->kernels;
    if (p->kernels == PEL_CHOLESKY_KERNELS_BLAS) {
        h->blas = peli_chol_blas_ops();
        h->group = p->group == 0 || p->group > T ? T : p->group;
    } else {
        h->ops = peli_chol_ops_for(pel_cpu_isa());
        h->group = 1;
    }
    h->fail_col = -1;
    h->fail_step = (int)T;
    int nws = pel_context_threads(ctx), mt = omp_get_max_threads();
    h->nws = nws > mt ? nws : mt;
    h->ws_stride = h->ops ? (peli_chol_ws_doubles(nb) + 7) / 8 * 8 : 0;
    h->tiles = pel_malloc((size_t)bytes);
    h->ws = h->ops ? pel_malloc((size_t)h->nws * h->ws_stride * sizeof(double)) : NULL;
    h->busy = pel_malloc((size_t)h->nws * BUSY_STRIDE * sizeof(double));
    if (h->ops) {
        h->ring = T < RING ? T : RING;
        h->pk_stride = (peli_chol_pack_doubles(nb) + 7) / 8 * 8;
        h->packs = pel_malloc(h->ring * T * h->pk_stride * sizeof(double));
    }
    if (!h->tiles || (h->ops && (!h->ws || !h->packs)) || !h->busy) {
        pel_cholesky_destroy(h);
        return pel_error(ctx, PEL_ENOMEM, "cholesky: out of memory for n = %zu, tile = %zu (%.3g bytes)", p->n, nb, bytes);
    }
    if (h->packs) /* touched here, not in the first factorisation's timing */
        memset(h->packs, 0, h->ring * T * h->pk_stride * sizeof(double));
    *out = h;
    return PEL_OK;
}

size_t pel_cholesky_order(const pel_cholesky *h) { return h ? h->n : 0; }
size_t pel_cholesky_tile(const pel_cholesky *h) { return h ? h->nb : 0; }
const char *pel_cholesky_kernel_name(const pel_cholesky *h) { return !h ? "" : h->ops ? h->ops->name : "openblas"; }
size_t pel_cholesky_group(const pel_cholesky *h) { return h ? h->group : 0; }
long pel_cholesky_failed_column(const pel_cholesky *h) { return h && h->state == FAILED ? h->fail_col : -1; }

pel_status pel_cholesky_set_matrix(pel_cholesky *h, const double *a, size_t lda)
{
    if (!h) return PEL_EINVAL;
    PEL_REQUIRE(h->ctx, a != NULL, "cholesky: set_matrix: the matrix must not be NULL");
    PEL_REQUIRE(h->ctx, lda >= h->n, "cholesky: set_matrix: lda = %zu: must be at least n = %zu", lda, h->n);
    size_t nb = h->nb, n = h->n;
    for (size_t ti = 0; ti < h->T; ti++)
        for (size_t tj = 0; tj <= ti; tj++) {
            double *t = tile(h, ti, tj);
            size_t ld = ld_of(h, tj);
            for (size_t c = 0; c < nb; c++) {
                size_t j = tj * nb + c;
                for (size_t r = 0; r < nb; r++) {
                    size_t i = ti * nb + r;
                    double v = i == j ? 1.0 : 0.0;
                    if (i < n && j < n && i >= j) v = a[i + j * lda];
                    t[r + c * ld] = v;
                }
            }
        }
    h->state = SET;
    h->fail_col = -1;
    return PEL_OK;
}

/* ---- the graph ------------------------------------------------------------ */

static int failed_by(pel_cholesky *h, size_t k)
{
    int f;
#pragma omp atomic read
    f = h->fail_step;
    if ((size_t)f <= k) return 1;
    /* the check point of every tile task: once cancelled every later task
     * skips its work, so the graph drains at once (pel_context_set_cancel) */
    if (__atomic_load_n(&h->stop, __ATOMIC_RELAXED) || peli_cancelled(h->ctx)) {
        __atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&h->skipped, 1, __ATOMIC_RELAXED);
        return 1;
    }
    return 0;
}

static double *ws_of(pel_cholesky *h, int t) { return h->ws + (size_t)t * h->ws_stride; }

/* The packed form of panel tile (i, k) (the library's kernels).  Slot k mod
 * ring: the trsm that packs (i, k + ring) into it depends (out) on it, so it
 * waits for every update that reads the packed (i, k). */
static double *pack_of(const pel_cholesky *h, size_t i, size_t k)
{
    return h->packs + ((k % h->ring) * h->T + i) * h->pk_stride;
}

static void potrf_failed(pel_cholesky *h, size_t k, long c)
{
    if (c < 0) return;
    h->fail_col = (long)(k * h->nb) + c;
#pragma omp atomic write
    h->fail_step = (int)k;
}

static void do_potrf(pel_cholesky *h, size_t k, double *kk, int t)
{
    if (failed_by(h, k)) return;
    double t0 = omp_get_wtime();
    potrf_failed(h, k, h->ops->potrf(h->nb, kk, ws_of(h, t)));
    h->busy[t * BUSY_STRIDE] += omp_get_wtime() - t0;
}

/* trsm, then the packing of the result into pk */
static void do_trsm(pel_cholesky *h, size_t k, const double *kk, double *ik, double *pk, int t)
{
    if (failed_by(h, k)) return;
    double t0 = omp_get_wtime();
    h->ops->trsm(h->nb, kk, ik, ws_of(h, t));
    h->ops->pack(h->nb, ik, pk);
    h->busy[t * BUSY_STRIDE] += omp_get_wtime() - t0;
}

/* jk: the packed panel tile (j, k) */
static void do_syrk(pel_cholesky *h, size_t k, const double *jk, double *jj, int t)
{
    if (failed_by(h, k)) return;
    double t0 = omp_get_wtime();
    h->ops->syrk_pk(h->nb, jk, jj, ws_of(h, t));
    h->busy[t * BUSY_STRIDE] += omp_get_wtime() - t0;
}

static void do_gemm(pel_cholesky *h, size_t k, const double *ik, const double *jk, double *ij, int t)
{
    if (failed_by(h, k)) return;
    double t0 = omp_get_wtime();
    h->ops->gemm_pk(h->nb, ik, jk, ij, ws_of(h, t));
    h->busy[t * BUSY_STRIDE] += omp_get_wtime() - t0;
}

/* The serial loop: the graph's tasks in creation order (a topological order). */
static void factor_serial(pel_cholesky *h)
{
    size_t T = h->T;
    for (size_t k = 0; k < T; k++) {
        double *kk = tile(h, k, k);
        do_potrf(h, k, kk, 0);
        for (size_t i = k + 1; i < T; i++) do_trsm(h, k, kk, tile(h, i, k), pack_of(h, i, k), 0);
        for (size_t j = k + 1; j < T; j++) {
            const double *jk = pack_of(h, j, k);
            do_syrk(h, k, jk, tile(h, j, j), 0);
            for (size_t i = j + 1; i < T; i++) do_gemm(h, k, pack_of(h, i, k), jk, tile(h, i, j), 0);
        }
    }
}

static void create_graph(pel_cholesky *h)
{
    size_t T = h->T;
    for (size_t k = 0; k < T; k++) {
        double *kk = tile(h, k, k);
#pragma omp task default(none) firstprivate(h, k, kk) depend(inout : kk[0]) priority(3)
        do_potrf(h, k, kk, peli_task_thread());
        for (size_t i = k + 1; i < T; i++) {
            double *ik = tile(h, i, k), *pk = pack_of(h, i, k);
            int pr = i == k + 1 ? 2 : 1;
#pragma omp task default(none) firstprivate(h, k, kk, ik, pk) depend(in : kk[0]) depend(inout : ik[0]) \
    depend(out : pk[0]) priority(pr)
            do_trsm(h, k, kk, ik, pk, peli_task_thread());
        }
        /* the updates depend on what they read: the packed panels */
        for (size_t j = k + 1; j < T; j++) {
            const double *jk = pack_of(h, j, k);
            double *jj = tile(h, j, j);
            int pr = j == k + 1 ? 2 : 0;
#pragma omp task default(none) firstprivate(h, k, jk, jj) depend(in : jk[0]) depend(inout : jj[0]) priority(pr)
            do_syrk(h, k, jk, jj, peli_task_thread());
            for (size_t i = j + 1; i < T; i++) {
                const double *ik = pack_of(h, i, k);
                double *ij = tile(h, i, j);
#pragma omp task default(none) firstprivate(h, k, ik, jk, ij) depend(in : ik[0], jk[0]) depend(inout : ij[0]) priority(pr)
                do_gemm(h, k, ik, jk, ij, peli_task_thread());
            }
        }
    }
}

/* ---- the graph on OpenBLAS's kernels ----------------------------------------
 * OpenBLAS packs both operands inside every call, so a call per tile pays
 * that for every tile update; on column panels one call does a group of
 * tiles of a column.  The rows below the diagonal are cut into groups at the
 * multiples of h->group tile rows (the same cuts in every column; h->group =
 * T: the whole column below the diagonal is one group).  Step k:
 *   potrf (k,k)                           inout (k,k)
 *   trsm  group g of column k              in (k,k)   inout group g of column k
 *   syrk  (j,j) by (j,k), j > k            in the group of column k holding j   inout (j,j)
 *   gemm  group g of column j, rows > j    in group g and the group holding j of column k
 *                                          inout group g of column j
 * A group is named (its dependence object) by its first tile.  The updates
 * into one tile are still chained in k order, so each tile sees the same
 * operations in the same order at any thread count; the calls, and so the
 * bits, depend on the group size, which comes from the parameters. */

/* The end (exclusive) of the group holding tile row i. */
static size_t grp_end(const pel_cholesky *h, size_t i)
{
    size_t e = (i / h->group + 1) * h->group;
    return e < h->T ? e : h->T;
}

/* The first tile of the group of column k holding tile row i > k: its dependence object. */
static double *grp_obj(const pel_cholesky *h, size_t i, size_t k)
{
    size_t s = i / h->group * h->group;
    return tile(h, s > k + 1 ? s : k + 1, k);
}

/* Rows of the matrix in tile rows [i0, i1): the last tile is cut to n, so
 * OpenBLAS spends no flops on the padding. */
static size_t rows_of(const pel_cholesky *h, size_t i0, size_t i1)
{
    size_t e = i1 * h->nb;
    return (e < h->n ? e : h->n) - i0 * h->nb;
}

static void blas_potrf(pel_cholesky *h, size_t k, int t)
{
    if (failed_by(h, k)) return;
    double t0 = omp_get_wtime();
    potrf_failed(h, k, h->blas->potrf(rows_of(h, k, k + 1), tile(h, k, k), ld_of(h, k)));
    h->busy[t * BUSY_STRIDE] += omp_get_wtime() - t0;
}

/* tile rows [i0, i1) of column k */
static void blas_trsm(pel_cholesky *h, size_t k, size_t i0, size_t i1, int t)
{
    if (failed_by(h, k)) return;
    double t0 = omp_get_wtime();
    size_t ld = ld_of(h, k);
    h->blas->trsm(rows_of(h, i0, i1), h->nb, tile(h, k, k), ld, tile(h, i0, k), ld); /* k < T - 1: nb columns */
    h->busy[t * BUSY_STRIDE] += omp_get_wtime() - t0;
}

static void blas_syrk(pel_cholesky *h, size_t k, size_t j, int t)
{
    if (failed_by(h, k)) return;
    double t0 = omp_get_wtime();
    h->blas->syrk(rows_of(h, j, j + 1), h->nb, tile(h, j, k), ld_of(h, k), tile(h, j, j), ld_of(h, j));
    h->busy[t * BUSY_STRIDE] += omp_get_wtime() - t0;
}

/* tile rows [i0, i1) of column j, by the same rows and row j of column k */
static void blas_gemm(pel_cholesky *h, size_t k, size_t j, size_t i0, size_t i1, int t)
{
    if (failed_by(h, k)) return;
    double t0 = omp_get_wtime();
    size_t ld = ld_of(h, k);
    h->blas->gemm(rows_of(h, i0, i1), rows_of(h, j, j + 1), h->nb, tile(h, i0, k), ld, tile(h, j, k), ld,
                  tile(h, i0, j), ld_of(h, j));
    h->busy[t * BUSY_STRIDE] += omp_get_wtime() - t0;
}

static void factor_serial_blas(pel_cholesky *h)
{
    size_t T = h->T;
    for (size_t k = 0; k < T; k++) {
        blas_potrf(h, k, 0);
        for (size_t i0 = k + 1; i0 < T; i0 = grp_end(h, i0)) blas_trsm(h, k, i0, grp_end(h, i0), 0);
        for (size_t j = k + 1; j < T; j++) {
            blas_syrk(h, k, j, 0);
            for (size_t i0 = j + 1; i0 < T; i0 = grp_end(h, i0)) blas_gemm(h, k, j, i0, grp_end(h, i0), 0);
        }
    }
}

static void create_graph_blas(pel_cholesky *h)
{
    size_t T = h->T;
    for (size_t k = 0; k < T; k++) {
        double *kk = tile(h, k, k);
#pragma omp task default(none) firstprivate(h, k, kk) depend(inout : kk[0]) priority(3)
        blas_potrf(h, k, peli_task_thread());
        (void)kk; /* named by the depend clauses only */
        for (size_t i0 = k + 1; i0 < T; i0 = grp_end(h, i0)) {
            size_t i1 = grp_end(h, i0);
            double *g = tile(h, i0, k);
            int pr = i0 == k + 1 ? 2 : 1;
#pragma omp task default(none) firstprivate(h, k, i0, i1, kk, g) depend(in : kk[0]) depend(inout : g[0]) priority(pr)
            blas_trsm(h, k, i0, i1, peli_task_thread());
            (void)g;
        }
        for (size_t j = k + 1; j < T; j++) {
            const double *jk = grp_obj(h, j, k);
            double *jj = tile(h, j, j);
            int pr = j == k + 1 ? 2 : 0;
#pragma omp task default(none) firstprivate(h, k, j, jk, jj) depend(in : jk[0]) depend(inout : jj[0]) priority(pr)
            blas_syrk(h, k, j, peli_task_thread());
            (void)jj;
            for (size_t i0 = j + 1; i0 < T; i0 = grp_end(h, i0)) {
                size_t i1 = grp_end(h, i0);
                const double *ik = grp_obj(h, i0, k);
                double *ij = tile(h, i0, j);
                if (ik == jk) {
#pragma omp task default(none) firstprivate(h, k, j, i0, i1, ik, ij) depend(in : ik[0]) depend(inout : ij[0]) \
    priority(pr)
                    blas_gemm(h, k, j, i0, i1, peli_task_thread());
                } else {
#pragma omp task default(none) firstprivate(h, k, j, i0, i1, ik, jk, ij) depend(in : ik[0], jk[0]) \
    depend(inout : ij[0]) priority(pr)
                    blas_gemm(h, k, j, i0, i1, peli_task_thread());
                }
                (void)ij;
            }
        }
    }
}

static void factor_graph(int nt, void *arg)
{
    pel_cholesky *h = arg;
    h->threads_used = nt;
    if (nt <= 1 || nt > h->nws) {
        if (h->blas) factor_serial_blas(h);
        else factor_serial(h);
        return;
    }
    /* The tile tasks are children of one explicit task, not of the implicit
     * task of whichever thread runs this: libgomp (GCC 12) never frees the
     * dependence table of a worker thread's implicit task, but frees an
     * explicit task's when it ends. */
#pragma omp task default(none) firstprivate(h)
    {
        if (h->blas) create_graph_blas(h);
        else create_graph(h);
#pragma omp taskwait
    }
}

pel_status pel_cholesky_factor(pel_cholesky *h)
{
    if (!h) return PEL_EINVAL;
    if (h->state == EMPTY) return pel_error(h->ctx, PEL_EINVAL, "cholesky: factor: no matrix set (pel_cholesky_set_matrix)");
    if (h->state == CANCELLED)
        return pel_error(h->ctx, PEL_EINVAL, "cholesky: factor: the last factorisation was cancelled; set the matrix again first");
    if (h->state != SET)
        return pel_error(h->ctx, PEL_EINVAL, "cholesky: factor: the matrix is already factored; set it again first");
    int blas_threads = h->blas ? peli_chol_blas_threads(1) : 0;
    for (int t = 0; t < h->nws; t++) h->busy[t * BUSY_STRIDE] = 0.0;
    h->fail_step = (int)h->T;
    h->fail_col = -1;
    h->stop = 0;
    h->skipped = 0;
    h->priorities = omp_get_max_task_priority();
    peli_region_enter(h->ctx, "cholesky.factor");
    double t0 = pel_wtime();
    size_t T = h->T;
    peli_tasks(h->ctx, T * (T + 1) / 2, factor_graph, h);
    h->seconds = pel_wtime() - t0;
    peli_region_exit(h->ctx, "cholesky.factor");
    if (blas_threads > 0) peli_chol_blas_threads(blas_threads);
    if (h->stop) { /* the tiles are part factored: neither a factor nor a failure */
        h->state = CANCELLED;
        pel_cholesky_stats stats;
        pel_cholesky_get_stats(h, &stats);
        return peli_cancel_error(h->ctx, "cholesky: factor", stats.tasks - h->skipped, stats.tasks, "tile tasks");
    }
    if (h->fail_step < (int)T) {
        h->state = FAILED;
        return pel_error(h->ctx, PEL_ESINGULAR,
                         "cholesky: the matrix is not positive definite: pivot of column %ld (0-based) is not positive",
                         h->fail_col);
    }
    h->state = FACTORED;
    return PEL_OK;
}

pel_status pel_cholesky_get_stats(const pel_cholesky *h, pel_cholesky_stats *st)
{
    if (!h) return PEL_EINVAL;
    if (!st) return pel_error(h->ctx, PEL_EINVAL, "cholesky: get_stats: the output must not be NULL");
    double T = (double)h->T, nb = (double)h->nb, n = (double)h->n;
    memset(st, 0, sizeof *st);
    /* groups(a): the groups covering tile rows [a, T), cut at multiples of G */
    size_t Tn = h->T, G = h->group;
#define GROUPS(a) ((a) < Tn ? (Tn - 1) / G - (a) / G + 1 : 0)
    long trsm = 0, gemm = 0;
    for (size_t k = 0; k < Tn; k++) {
        trsm += (long)GROUPS(k + 1);
        gemm += (long)(k * GROUPS(k + 1)); /* into column k, once per step before it */
    }
#undef GROUPS
    st->potrf = (long)Tn;
    st->trsm = trsm;
    st->syrk = (long)(Tn * (Tn - 1) / 2);
    st->gemm = gemm;
    st->tasks = st->potrf + st->trsm + st->syrk + st->gemm;
    st->flops = n * n * n / 3.0;
    /* tile operations: T(T-1)/2 trsm and syrk, T(T-1)(T-2)/6 gemm, whatever the groups */
    double tt = T * (T - 1) / 2, tg = T * (T - 1) * (T > 1 ? T - 2 : 0) / 6;
    st->tile_flops = nb * nb * nb * (T / 3.0 + 2.0 * tt + 2.0 * tg);
    st->seconds = h->seconds;
    st->threads = h->threads_used;
    st->priorities = h->priorities;
    int nt = h->threads_used < 1 ? 1 : h->threads_used;
    if (nt > h->nws) nt = 1; /* the graph ran serially */
    double mx = 0.0, sum = 0.0;
    for (int t = 0; t < nt; t++) {
        double b = h->busy[t * BUSY_STRIDE];
        mx = b > mx ? b : mx;
        sum += b;
    }
    st->busy_max = mx;
    st->busy_mean = sum / nt;
    return PEL_OK;
}

double pel_cholesky_busy(const pel_cholesky *h, int t)
{
    if (!h || t < 0 || t >= h->threads_used || t >= h->nws) return 0.0;
    return h->busy[t * BUSY_STRIDE];
}

pel_status pel_cholesky_get_factor(const pel_cholesky *h, double *l, size_t ldl)
{
    if (!h) return PEL_EINVAL;
    pel_context *ctx = h->ctx;
    PEL_REQUIRE(ctx, l != NULL, "cholesky: get_factor: the output must not be NULL");
    PEL_REQUIRE(ctx, ldl >= h->n, "cholesky: get_factor: ldl = %zu: must be at least n = %zu", ldl, h->n);
    if (h->state != FACTORED && h->state != FAILED)
        return pel_error(ctx, PEL_EINVAL, "cholesky: get_factor: no factorisation made");
    size_t n = h->n, nb = h->nb;
    for (size_t j = 0; j < n; j++) {
        size_t tj = j / nb, c = j % nb;
        for (size_t i = 0; i < j; i++) l[i + j * ldl] = 0.0;
        const size_t ld = ld_of(h, tj);
        for (size_t i = j; i < n; i++) l[i + j * ldl] = tile(h, i / nb, tj)[i % nb + c * ld];
    }
    return PEL_OK;
}

/* ---- solves ------------------------------------------------------------------ */

typedef struct solve_job {
    const pel_cholesky *h;
    size_t nrhs, ldb;
    double *b;
} solve_job;

static void solve_part(int t, int nt, void *arg)
{
    const solve_job *J = arg;
    const pel_cholesky *h = J->h;
    size_t n = h->n, nb = h->nb, T = h->T;
    size_t c0 = J->nrhs * (size_t)t / (size_t)nt, c1 = J->nrhs * (size_t)(t + 1) / (size_t)nt;
    for (size_t c = c0; c < c1; c++) {
        double *x = J->b + c * J->ldb;
        /* L y = b, column-oriented: y_j, then subtract it from the rows below */
        for (size_t j = 0; j < n; j++) {
            size_t tj = j / nb, cj = j % nb;
            const size_t ld = ld_of(h, tj);
            const double *col = tile(h, tj, tj) + cj * ld;
            double y = x[j] / col[cj];
            x[j] = y;
            for (size_t ti = tj; ti < T; ti++) {
                const double *lc = tile(h, ti, tj) + cj * ld;
                size_t r0 = ti == tj ? cj + 1 : 0, r1 = n - ti * nb < nb ? n - ti * nb : nb;
                double *xi = x + ti * nb;
                for (size_t r = r0; r < r1; r++) xi[r] = fma(-lc[r], y, xi[r]);
            }
        }
        /* L^T x = y: x_j = (y_j - sum_{i > j} l_ij x_i) / l_jj, i increasing */
        for (size_t j = n; j-- > 0;) {
            size_t tj = j / nb, cj = j % nb;
            const size_t ld = ld_of(h, tj);
            double s = x[j];
            for (size_t ti = tj; ti < T; ti++) {
                const double *lc = tile(h, ti, tj) + cj * ld;
                size_t r0 = ti == tj ? cj + 1 : 0, r1 = n - ti * nb < nb ? n - ti * nb : nb;
                const double *xi = x + ti * nb;
                for (size_t r = r0; r < r1; r++) s = fma(-lc[r], xi[r], s);
            }
            x[j] = s / tile(h, tj, tj)[cj + cj * ld];
        }
    }
}

pel_status pel_cholesky_solve(pel_cholesky *h, size_t nrhs, double *b, size_t ldb)
{
    if (!h) return PEL_EINVAL;
    pel_context *ctx = h->ctx;
    PEL_REQUIRE(ctx, b != NULL || nrhs == 0, "cholesky: solve: the right-hand sides must not be NULL");
    PEL_REQUIRE(ctx, ldb >= h->n, "cholesky: solve: ldb = %zu: must be at least n = %zu", ldb, h->n);
    if (h->state != FACTORED) return pel_error(ctx, PEL_EINVAL, "cholesky: solve: no successful factorisation");
    if (nrhs == 0) return PEL_OK;
    solve_job J = {h, nrhs, ldb, b};
    peli_region_enter(ctx, "cholesky.solve");
    peli_parallel(ctx, nrhs, 0, 0, solve_part, &J);
    peli_region_exit(ctx, "cholesky.solve");
    return PEL_OK;
}

/* ---- residual tests -------------------------------------------------------- */

/* element (i, j) of the symmetric matrix whose lower triangle is a */
static double sym(const double *a, size_t lda, size_t i, size_t j)
{
    return i >= j ? a[i + j * lda] : a[j + i * lda];
}

static double sym_norm1(size_t n, const double *a, size_t lda)
{
    double nrm = 0.0;
    for (size_t j = 0; j < n; j++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++) s += fabs(sym(a, lda, i, j));
        if (!(s <= nrm)) nrm = s; /* a NaN wins */
    }
    return nrm;
}

typedef struct resid_job {
    const pel_cholesky *h;
    const double *a;
    size_t lda;
    double *buf, *colsum;
    size_t skipped; /* columns not summed for the cancellation flag (atomic) */
} resid_job;

static void resid_part(int t, int nt, void *arg)
{
    resid_job *J = arg;
    const pel_cholesky *h = J->h;
    size_t n = h->n, nb = h->nb, T = h->T;
    double *d = J->buf + (size_t)t * n;
    for (size_t j = (size_t)t; j < n; j += (size_t)nt) {
        if (peli_cancelled(h->ctx)) { /* a check point per column */
            __atomic_add_fetch(&J->skipped, (n - 1 - j) / (size_t)nt + 1, __ATOMIC_RELAXED);
            break;
        }
        /* column j of L L^T: sum over p <= j of L[:, p] l_jp */
        for (size_t i = 0; i < n; i++) d[i] = 0.0;
        size_t tj = j / nb;
        for (size_t p = 0; p <= j; p++) {
            size_t tp = p / nb, cp = p % nb, ld = ld_of(h, tp);
            double ljp = tile(h, tj, tp)[j % nb + cp * ld];
            for (size_t ti = tp; ti < T; ti++) {
                const double *lc = tile(h, ti, tp) + cp * ld;
                size_t r0 = ti == tp ? cp : 0, r1 = n - ti * nb < nb ? n - ti * nb : nb;
                double *di = d + ti * nb;
                /* multiply, then add, as LAPACK's xPOT01 (and vectorised: in the
                 * baseline build fma() is a library call per element, which made
                 * this check 20 times the factorisation's time) */
                for (size_t r = r0; r < r1; r++) di[r] += lc[r] * ljp;
            }
        }
        double s = 0.0;
        for (size_t i = 0; i < n; i++) s += fabs(d[i] - sym(J->a, J->lda, i, j));
        J->colsum[j] = s;
    }
}

pel_status pel_cholesky_residual(pel_cholesky *h, const double *a, size_t lda, double *res)
{
    if (!h) return PEL_EINVAL;
    pel_context *ctx = h->ctx;
    PEL_REQUIRE(ctx, a != NULL && res != NULL, "cholesky: residual: the matrix and the result must not be NULL");
    PEL_REQUIRE(ctx, lda >= h->n, "cholesky: residual: lda = %zu: must be at least n = %zu", lda, h->n);
    if (h->state != FACTORED) return pel_error(ctx, PEL_EINVAL, "cholesky: residual: no successful factorisation");
    size_t n = h->n;
    int want = peli_team_want(ctx, n, 0);
    double *buf = malloc(((size_t)want + 1) * n * sizeof *buf);
    if (!buf) return pel_error(ctx, PEL_ENOMEM, "cholesky: residual: out of memory");
    resid_job J = {h, a, lda, buf + n, buf, 0};
    peli_parallel(ctx, n, want, 0, resid_part, &J);
    if (J.skipped) {
        free(buf);
        return peli_cancel_error(ctx, "cholesky: residual", n - J.skipped, n, "columns");
    }
    double worst = 0.0;
    for (size_t j = 0; j < n; j++)
        if (!(buf[j] <= worst)) worst = buf[j];
    free(buf);
    double anorm = sym_norm1(n, a, lda), eps = DBL_EPSILON / 2;
    *res = anorm > 0.0 ? worst / ((double)n * anorm * eps) : 1.0 / eps;
    return PEL_OK;
}

pel_status pel_cholesky_solve_residual(pel_context *ctx, size_t n, size_t nrhs, const double *a,
                                       size_t lda, const double *x, size_t ldx, const double *b,
                                       size_t ldb, double *res)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, n >= 1, "cholesky: solve_residual: n = %zu: must be at least 1", n);
    PEL_REQUIRE(ctx, a && x && b && res, "cholesky: solve_residual: a, x, b and the result must not be NULL");
    PEL_REQUIRE(ctx, lda >= n && ldx >= n && ldb >= n,
                "cholesky: solve_residual: lda = %zu, ldx = %zu, ldb = %zu: each must be at least n = %zu", lda, ldx, ldb, n);
    double anorm = sym_norm1(n, a, lda), eps = DBL_EPSILON / 2, worst = 0.0;
    for (size_t c = 0; c < nrhs; c++) {
        const double *xc = x + c * ldx, *bc = b + c * ldb;
        double rn = 0.0, xn = 0.0;
        for (size_t i = 0; i < n; i++) {
            double s = bc[i];
            for (size_t j = 0; j < n; j++) s -= sym(a, lda, i, j) * xc[j];
            rn += fabs(s);
            xn += fabs(xc[i]);
        }
        double r = anorm > 0.0 && xn > 0.0 ? rn / (anorm * xn * (double)n * eps) : (rn > 0.0 ? 1.0 / eps : 0.0);
        if (!(r <= worst)) worst = r;
    }
    *res = worst;
    return PEL_OK;
}

/* ---- a random SPD matrix ------------------------------------------------------ */

typedef struct spd_job {
    size_t n, lda;
    pel_rng rng;
    double *a;
} spd_job;

static void spd_part(int t, int nt, void *arg)
{
    const spd_job *J = arg;
    size_t n = J->n, j0 = n * (size_t)t / (size_t)nt, j1 = n * (size_t)(t + 1) / (size_t)nt;
    for (size_t j = j0; j < j1; j++) {
        double *col = J->a + j * J->lda;
        pel_rng_fill_uniform_range(J->rng, 0, (uint64_t)j * n + j, col + j, n - j);
        col[j] += (double)n;
        for (size_t i = j + 1; i < n; i++) col[i] = 2.0 * col[i] - 1.0;
    }
}

typedef struct mirror_job {
    size_t n, lda;
    double *a;
} mirror_job;

static void mirror_part(int t, int nt, void *arg)
{
    const mirror_job *J = arg;
    size_t n = J->n, j0 = n * (size_t)t / (size_t)nt, j1 = n * (size_t)(t + 1) / (size_t)nt;
    for (size_t j = j0; j < j1; j++)
        for (size_t i = 0; i < j; i++) J->a[i + j * J->lda] = J->a[j + i * J->lda];
}

pel_status pel_cholesky_random_spd(pel_context *ctx, size_t n, uint32_t seed, double *a, size_t lda)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, n >= 1, "cholesky: random_spd: n = %zu: must be at least 1", n);
    PEL_REQUIRE(ctx, a != NULL, "cholesky: random_spd: the matrix must not be NULL");
    PEL_REQUIRE(ctx, lda >= n, "cholesky: random_spd: lda = %zu: must be at least n = %zu", lda, n);
    spd_job J = {n, lda, pel_rng_stream(seed, 0), a};
    peli_parallel(ctx, n, 0, 0, spd_part, &J);
    mirror_job M = {n, lda, a};
    peli_parallel(ctx, n, 0, 0, mirror_part, &M);
    return PEL_OK;
}
