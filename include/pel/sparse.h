/* Sparse matrices in CSR form, the matrix-vector product, the conjugate
 * gradient method and the inverse power iteration of NPB CG, with NPB's
 * matrix generator (makea) and class table.
 *
 * A pel_sparse_csr holds its own copy of the matrix: row pointers (64-bit), column
 * indices (32-bit, and 16-bit as well when there are at most 65536 columns,
 * so a matrix streams fewer bytes) and values.  Every
 * kernel works on any square or rectangular CSR matrix a user brings; NPB's
 * matrix is one more way to make one.
 *
 * Determinism: a row's product sum_k a_jk x_k is accumulated left to right
 * in the row's stored column order, whoever computes the row; dot products
 * are summed over fixed blocks of PEL_SPARSE_BLOCK rows and the block sums
 * combined pairwise in a fixed order (pel_sum_serial).  Results are bitwise
 * identical for any thread count. */
#ifndef PEL_SPARSE_H
#define PEL_SPARSE_H
#define PEL_SPARSE_NUMERICS_VERSION 2 /* bumped whenever this family's arithmetic changes on purpose (2: dot-product blocks of 64 rows, was 256) */

#include <stdint.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rows per block of the dot products (and of the static split of every
 * loop): part of the numerical definition of every CG result, never change
 * it.  64 rather than 256: NPB class A has 219 blocks, so two threads get
 * 110 and 109 instead of 28 and 27 (measured 3-5% faster on two threads). */
#define PEL_SPARSE_BLOCK 64

/* ---- CSR matrices ---------------------------------------------------------- */

typedef struct pel_sparse_csr pel_sparse_csr;

/* Copies a user's CSR arrays (0-based): rowptr[nrows + 1] with rowptr[0] = 0,
 * nondecreasing; colidx[nnz] and values[nnz] with nnz = rowptr[nrows] and
 * 0 <= colidx < ncols.  Columns within a row may come in any order (that
 * order is the summation order of the product); duplicates are allowed and
 * add up.  colidx and values may be NULL only when nnz = 0. */
pel_status pel_sparse_csr_create(pel_context *ctx, int64_t nrows, int64_t ncols, const int64_t *rowptr,
                          const int32_t *colidx, const double *values, pel_sparse_csr **A);
void pel_sparse_csr_destroy(pel_sparse_csr *A);

int64_t pel_sparse_csr_rows(const pel_sparse_csr *A);
int64_t pel_sparse_csr_cols(const pel_sparse_csr *A);
int64_t pel_sparse_csr_nnz(const pel_sparse_csr *A);
/* The matrix's own arrays, read only (valid until pel_sparse_csr_destroy). */
const int64_t *pel_sparse_csr_rowptr(const pel_sparse_csr *A);
const int32_t *pel_sparse_csr_colidx(const pel_sparse_csr *A);
const double *pel_sparse_csr_values(const pel_sparse_csr *A);

/* y = A x: x has ncols entries, y nrows (distinct arrays).  Rows are split
 * statically over pel_context_threads(ctx) threads. */
pel_status pel_sparse_csr_spmv(pel_context *ctx, const pel_sparse_csr *A, const double *x, double *y);

/* ---- NPB's matrix ----------------------------------------------------------- */

/* NPB CG's test matrix (makea, sprnvc, vecset, sparse of NPB 3.3.1), entry for
 * entry and bit for bit:
 *     A = sum_{i=0}^{n-1} rcond^(i/n) v_i v_i^T + (rcond - shift) I,
 * v_i a random vector with nonzer entries at random positions (NPB's 46-bit
 * generator, seed 314159265, a = 5^13, after the one number NPB's main draws
 * first) plus 0.5 at position i.  Duplicate contributions are added in order
 * of i; each row's columns are ascending.  n >= 1, 1 <= nonzer <= n,
 * rcond > 0, shift finite. */
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
 * first touch with the product's row split).  A must outlive the solver. */
pel_status pel_sparse_cg_create(pel_context *ctx, const pel_sparse_csr *A, pel_sparse_cg **cg);
void pel_sparse_cg_destroy(pel_sparse_cg *cg);

typedef struct pel_sparse_cg_info {
    int iterations; /* CG iterations done */
    double rnorm;   /* ||b - A x||, computed explicitly at the end (one more
                     * product, done only when info is not NULL) */
    double rho;     /* the recurrence's r.r at the end */
} pel_sparse_cg_info;

/* Solves A x = b (A symmetric positive definite) by CG from x = 0, as NPB
 * does: at most max_iter iterations, fewer when rtol > 0 and the recurrence's
 * residual ||r|| <= rtol ||b||, or when r becomes exactly zero.  With
 * rtol = 0 and max_iter = 25 this is NPB's conj_grad.  One parallel region;
 * never allocates.  info may be NULL. */
pel_status pel_sparse_cg_solve(pel_sparse_cg *cg, const double *b, double *x, int max_iter, double rtol,
                        pel_sparse_cg_info *info);

/* One step of NPB's inverse power iteration on x (n entries, updated in
 * place): z = A^-1 x by cgit CG iterations (rtol 0), then
 *     zeta = shift + 1 / (x.z),   x = z / ||z||.
 * rnorm receives ||x - A z|| (NPB's printed residual); either output may be
 * NULL.  One parallel region; never allocates. */
pel_status pel_sparse_cg_power_step(pel_sparse_cg *cg, double shift, int cgit, double *x, double *zeta,
                             double *rnorm);

/* z of the last power step (n entries, owned by the solver). */
const double *pel_sparse_cg_power_z(const pel_sparse_cg *cg);

#ifdef __cplusplus
}
#endif
#endif
