/* Sparse matrices in CSR form, the matrix-vector product, the conjugate
 * gradient method and the inverse power iteration of NPB CG, with NPB's
 * matrix generator (makea) and class table.
 *
 * A pel_sparse_csr holds its own copy of the matrix: row pointers (64-bit)
 * and, for the product, blocks of R rows (R = 1024, 512 or 256: the largest
 * that gives at least 16 blocks, from the row count alone) whose nonzeros are stored sorted by column, each as a
 * 16-bit word (its row in the block and its column's step from the
 * previous entry) and its value, so a product walks x once per block in
 * ascending order; a user's matrix keeps its CSR column indices (32-bit)
 * and values as well.  Every kernel works on any square or rectangular CSR
 * matrix a user brings; NPB's matrix is one more way to make one.
 *
 * Determinism: a row's product sum_k a_jk x_k has one summation order,
 * whoever computes the row and however the rows are cut into blocks
 * (PEL_SPARSE_NUMERICS_VERSION 4): one left-to-right chain from +0.0 over
 * the row's nonzeros in ascending column order, equal columns in their
 * stored order, s = s + a x (the product rounded, then the sum; no fused
 * multiply-add).  For rows stored with ascending columns (NPB's) that is
 * NPB's own loop.  Dot products are summed over fixed blocks of
 * PEL_SPARSE_BLOCK rows and the block sums combined pairwise in a fixed
 * order (pel_sum_serial).  Results are bitwise identical for any thread
 * count and instruction set.
 *
 * Threads (the rule of pel/context.h): each call reads the thread count of
 * its context when it starts; nothing is fixed at create.  The CG solve and
 * the power step run their whole iteration loop as one team with barriers;
 * inside a caller's parallel region or task, a nested team when nesting is
 * enabled, else tasks of the caller's team (each step of an iteration a
 * taskloop the caller's idle threads join, the loop itself on the calling
 * thread).  The product, the matrix copy and makea's row assembly are
 * independent blocks of rows (product blocks of R rows) (there too: a nested team when nesting is
 * enabled, else tasks of the caller's team). */
#ifndef PEL_SPARSE_H
#define PEL_SPARSE_H
#define PEL_SPARSE_NUMERICS_VERSION 4 /* bumped whenever this family's arithmetic changes on purpose (2: dot-product blocks of 64 rows, was 256; 3: a row's product in 8 lanes, combined by a fixed tree; 4: a row's product one chain in ascending column order) */

#include <stdint.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rows per block of the dot products (and of the static split of the
 * vector loops; the product blocks are whole multiples of it): part of the
 * numerical definition of every CG result, never change it.  Small enough
 * that a team's blocks balance on NPB's matrices (class A has 219). */
#define PEL_SPARSE_BLOCK 64

/* ---- CSR matrices ---------------------------------------------------------- */

typedef struct pel_sparse_csr pel_sparse_csr;

/* Copies a user's CSR arrays (0-based): rowptr[nrows + 1] with rowptr[0] = 0,
 * nondecreasing; colidx[nnz] and values[nnz] with nnz = rowptr[nrows] and
 * 0 <= colidx < ncols.  Columns within a row may come in any order (the
 * product sums a row in ascending column order); duplicates are allowed and
 * add up, in their stored order.  colidx and values may be NULL only when
 * nnz = 0.  A gap between consecutive columns of a row block (of all its
 * rows' columns together) costs a dummy entry (10 bytes) per 31 columns
 * beyond the first 31 (R = 1024; 63 for R = 512, 127 for R = 256).
 * Distinct objects may be used concurrently from any threads or tasks, even
 * when made from one context; one object is used by one thread at a time (a
 * matrix only read, by products and solvers, may be shared by any number of
 * them at once).  The copy's team follows the thread rule of pel/context.h
 * (tasks of the caller's team inside a parallel region). */
pel_status pel_sparse_csr_create(pel_context *ctx, int64_t nrows, int64_t ncols, const int64_t *rowptr,
                          const int32_t *colidx, const double *values, pel_sparse_csr **A);
void pel_sparse_csr_destroy(pel_sparse_csr *A);

int64_t pel_sparse_csr_rows(const pel_sparse_csr *A);
int64_t pel_sparse_csr_cols(const pel_sparse_csr *A);
int64_t pel_sparse_csr_nnz(const pel_sparse_csr *A);
/* The matrix's own arrays, read only (valid until pel_sparse_csr_destroy).
 * A matrix made by pel_sparse_npb_makea keeps only its product blocks; its
 * column indices and values are made from them at the first call of
 * pel_sparse_csr_colidx and pel_sparse_csr_values (safe from several
 * threads at once; NULL when out of memory). */
const int64_t *pel_sparse_csr_rowptr(const pel_sparse_csr *A);
const int32_t *pel_sparse_csr_colidx(const pel_sparse_csr *A);
const double *pel_sparse_csr_values(const pel_sparse_csr *A);

/* y = A x: x has ncols entries, y nrows (distinct arrays).  Blocks of rows
 * are split statically over pel_context_threads(ctx) threads, read at the
 * call (inside a caller's parallel region: tasks of the caller's team). */
pel_status pel_sparse_csr_spmv(pel_context *ctx, const pel_sparse_csr *A, const double *x, double *y);

/* The bytes one product y = A x streams by this family's count (the
 * numerator of a roofline fraction, docs/sparse.md): each stored entry of
 * the product blocks (value and 16-bit word: 10 bytes; the dummy entries
 * of long steps included), the block table, x and y once each; 0 for
 * NULL. */
double pel_sparse_csr_spmv_bytes(const pel_sparse_csr *A);

/* ---- NPB's matrix ----------------------------------------------------------- */

/* NPB CG's test matrix (makea, sprnvc, vecset, sparse of NPB 3.3.1), entry for
 * entry and bit for bit:
 *     A = sum_{i=0}^{n-1} rcond^(i/n) v_i v_i^T + (rcond - shift) I,
 * v_i a random vector with nonzer entries at random positions (NPB's 46-bit
 * generator, seed 314159265, a = 5^13, after the one number NPB's main draws
 * first) plus 0.5 at position i.  Duplicate contributions are added in order
 * of i; each row's columns are ascending and distinct.  n >= 1, 1 <= nonzer <= n,
 * rcond > 0, shift finite.  The matrix follows pel_sparse_csr_create's
 * concurrency rule; the row assembly runs as blocks of rows (tasks of the
 * caller's team inside a parallel region), with scratch for one row's
 * contributions (24 bytes each) and one product block's entries (30 bytes
 * each) per thread of the call's team. */
pel_status pel_sparse_npb_makea(pel_context *ctx, int64_t n, int nonzer, double rcond, double shift,
                         pel_sparse_csr **A);

/* The parameters of NPB CG class S, W, A, B or C and NPB 3.3.1's reference
 * value of zeta, verified when |zeta - zeta_ref| <= eps |zeta_ref|. */
typedef struct pel_sparse_npb {
    char cls;
    int64_t na;      /* matrix order */
    int nonzer;      /* random nonzeros per generating vector */
    int niter;       /* inverse power iterations (timed) */
    int cgit;        /* CG iterations per solve: 25 */
    double shift;    /* the eigenvalue shift */
    double rcond;    /* 0.1 */
    double zeta_ref; /* NPB's verification value */
    double eps;      /* NPB's relative tolerance: 1e-10 */
} pel_sparse_npb;

pel_status pel_sparse_npb_class(pel_context *ctx, char cls, pel_sparse_npb *out);

/* NPB's operation count for `niter` power iterations, the numerator of its
 * Mop/s: 2 niter na (3 + nz + 25 (5 + nz) + 3), nz = nonzer (nonzer + 1);
 * 0 for NULL. */
double pel_sparse_npb_flops(const pel_sparse_npb *p);

/* ---- the conjugate gradient solver ----------------------------------------------- */

typedef struct pel_sparse_cg pel_sparse_cg;

/* A solver for the square matrix A: allocates its work vectors (placed by
 * first touch with the product's row split).  A must outlive the solver.
 * Distinct solvers may be used concurrently from any threads or tasks, even
 * when made from one context or on one matrix; one solver is used by one
 * thread at a time.  Each call's team follows the thread rule of
 * pel/context.h: the solve and the power step run as one team with
 * barriers; inside a caller's parallel region or task, a nested team when
 * nesting is enabled, else tasks of the caller's team (one taskloop per
 * step, awaited), with the same bits either way. */
pel_status pel_sparse_cg_create(pel_context *ctx, const pel_sparse_csr *A, pel_sparse_cg **cg);
void pel_sparse_cg_destroy(pel_sparse_cg *cg);

/* Where a solve starts. */
typedef enum pel_sparse_cg_start {
    PEL_SPARSE_CG_ZERO = 0, /* from x = 0: x is only written (NPB's conj_grad) */
    PEL_SPARSE_CG_GUESS = 1 /* from the x passed in (a warm start): x is read, then updated */
} pel_sparse_cg_start;

typedef struct pel_sparse_cg_params {
    int max_iter;              /* at most this many iterations, >= 0 */
    double rtol;               /* stop when ||r|| <= rtol ||b||; 0: no tolerance, run
                                * max_iter iterations (or until r = 0 exactly) */
    pel_sparse_cg_start start; /* PEL_SPARSE_CG_ZERO or PEL_SPARSE_CG_GUESS */
} pel_sparse_cg_params;

/* max_iter = 1000, rtol = 1e-10, start = PEL_SPARSE_CG_ZERO.  NPB's
 * conj_grad is max_iter = 25, rtol = 0 from zero. */
void pel_sparse_cg_params_default(pel_sparse_cg_params *p);

typedef struct pel_sparse_cg_info {
    int iterations; /* CG iterations done */
    double rnorm;   /* ||b - A x||, computed explicitly at the end (one more
                     * product, done only when info is not NULL) */
    double rho;     /* the recurrence's r.r at the end */
} pel_sparse_cg_info;

/* Solves A x = b (A symmetric positive definite) by CG with the options p
 * (NULL: pel_sparse_cg_params_default): from x = 0 or from the caller's x,
 * at most p->max_iter iterations, fewer when the recurrence's residual
 * ||r|| <= rtol ||b|| (checked before the first iteration too, so a guess
 * that already meets it takes 0 iterations) or r becomes exactly zero.
 * With max_iter = 25, rtol = 0 from zero this is NPB's conj_grad.  One team
 * per call (or tasks of the caller's team, as at create); never allocates.  info may be NULL; it is filled whatever the
 * status, and x holds the last iterate.  Returns
 *   PEL_ENOTCONV   rtol > 0 and not met after max_iter iterations
 *                  ("cg: not converged: relative residual R after K
 *                  iterations, tolerance T", R = ||r|| / ||b||);
 *   PEL_ESINGULAR  a breakdown, p.Ap <= 0: A is not positive definite (the
 *                  message names the iteration);
 *   PEL_ENONFINITE r.r, b.b or p.Ap became NaN or infinite (the message
 *                  names the iteration, 0 for the initial residual, and the
 *                  first non-finite entry of b, x, r or q = A p). */
pel_status pel_sparse_cg_solve(pel_sparse_cg *cg, const pel_sparse_cg_params *p, const double *b,
                               double *x, pel_sparse_cg_info *info);

/* One step of NPB's inverse power iteration on x (n entries, updated in
 * place): z = A^-1 x by cgit CG iterations (rtol 0) from zero, then
 *     zeta = shift + 1 / (x.z),   x = z / ||z||.
 * A may be definite of either sign (NPB's shifted matrix is negative
 * definite); only p.Ap = 0 stops the iterations early.  rnorm receives
 * ||x - A z|| (NPB's printed residual); either output may be NULL.  One team
 * per call (or tasks of the caller's team, as at create); never allocates.  PEL_ENONFINITE (as for the solve; x is then
 * left unchanged) when a residual or p.Ap is not finite. */
pel_status pel_sparse_cg_power_step(pel_sparse_cg *cg, double shift, int cgit, double *x,
                                    double *zeta, double *rnorm);

/* z of the last power step (n entries, owned by the solver). */
const double *pel_sparse_cg_power_z(const pel_sparse_cg *cg);

#ifdef __cplusplus
}
#endif
#endif
