/* Sparse family: CSR matrices, SpMV, CG, NPB's makea and the NPB CG class
 * table (include/pel/sparse.h). */
#include <config.h>

#include <float.h>
#include <stdint.h>

#include "testutil.h"

#define UROUND (DBL_EPSILON / 2) /* unit round-off u = 2^-53 */

/* ---- helpers ------------------------------------------------------------------ */

/* The 4x4 matrix tridiag(-1, 2, -1) in CSR, columns ascending. */
static const int64_t T4_ROWPTR[5] = {0, 2, 5, 8, 10};
static const int32_t T4_COL[10] = {0, 1, 0, 1, 2, 1, 2, 3, 2, 3};
static const double T4_VAL[10] = {2, -1, -1, 2, -1, -1, 2, -1, -1, 2};

static pel_sparse_csr *t4(pel_context *ctx)
{
    pel_sparse_csr *A = NULL;
    ck_assert_ok(pel_sparse_csr_create(ctx, 4, 4, T4_ROWPTR, T4_COL, T4_VAL, &A));
    return A;
}

static pel_sparse_csr *npb_matrix(pel_context *ctx, char cls, double shift_override, int use_override)
{
    pel_sparse_npb c;
    ck_assert_ok(pel_sparse_npb_class(ctx, cls, &c));
    pel_sparse_csr *A = NULL;
    ck_assert_ok(pel_sparse_npb_makea(ctx, c.na, c.nonzer, c.rcond, use_override ? shift_override : c.shift,
                               &A));
    return A;
}

/* NPB CG's benchmark: makea, one untimed power step, x = 1, niter steps;
 * returns the last zeta and leaves the final x in *xout (caller frees). */
static double npb_zeta(int nthreads, char cls, double **xout)
{
    pel_context *ctx = test_context(nthreads);
    pel_sparse_npb c;
    ck_assert_ok(pel_sparse_npb_class(ctx, cls, &c));
    pel_sparse_csr *A = npb_matrix(ctx, cls, 0, 0);
    pel_sparse_cg *cg = NULL;
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    double *x = pel_malloc((size_t)c.na * sizeof *x), zeta = 0, rnorm = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int64_t j = 0; j < c.na; j++) x[j] = 1.0;
        for (int it = 0; it < (pass ? c.niter : 1); it++)
            ck_assert_ok(pel_sparse_cg_power_step(cg, c.shift, c.cgit, x, &zeta, &rnorm));
    }
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
    if (xout) *xout = x;
    else pel_free(x);
    return zeta;
}

/* ---- api ----------------------------------------------------------------------- */

START_TEST(api_npb_class)
{
    pel_context *ctx = test_context(1);
    pel_sparse_npb c;
    ck_assert_fails(ctx, pel_sparse_npb_class(ctx, 'Q', &c), PEL_EINVAL,
                    "unknown NPB class 'Q' (expected S, W, A, B or C)");
    ck_assert_fails(ctx, pel_sparse_npb_class(ctx, 'S', NULL), PEL_EINVAL, "output pointer");
    /* NPB 3.3.1 cg.f's class parameters */
    const char cls[5] = {'S', 'W', 'A', 'B', 'C'};
    const int64_t na[5] = {1400, 7000, 14000, 75000, 150000};
    const int nonzer[5] = {7, 8, 11, 13, 15}, niter[5] = {15, 15, 15, 75, 75};
    const double shift[5] = {10, 12, 20, 60, 110};
    for (int i = 0; i < 5; i++) {
        ck_assert_ok(pel_sparse_npb_class(ctx, cls[i], &c));
        ck_assert_int_eq(c.cls, cls[i]);
        ck_assert_int_eq(c.na, na[i]);
        ck_assert_int_eq(c.nonzer, nonzer[i]);
        ck_assert_int_eq(c.niter, niter[i]);
        ck_assert_int_eq(c.cgit, 25);
        ck_assert(c.shift == shift[i] && c.rcond == 0.1 && c.eps == 1e-10);
    }
    /* NPB's Mop/s numerator for class S: 2*15*1400*(3 + 56 + 25*61 + 3) */
    ck_assert_ok(pel_sparse_npb_class(ctx, 'S', &c));
    ck_assert(pel_sparse_npb_flops(&c) == 2.0 * 15 * 1400 * (3 + 56 + 25 * 61 + 3));
    ck_assert(pel_sparse_npb_flops(NULL) == 0.0);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_csr_create)
{
    pel_context *ctx = test_context(1);
    pel_sparse_csr *A = NULL;
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 0, 4, T4_ROWPTR, T4_COL, T4_VAL, &A), PEL_EINVAL,
                    "csr: nrows must be positive (got 0)");
    ck_assert_ptr_null(A);
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, -3, 4, T4_ROWPTR, T4_COL, T4_VAL, &A), PEL_EINVAL,
                    "nrows must be positive (got -3)");
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 4, 0, T4_ROWPTR, T4_COL, T4_VAL, &A), PEL_EINVAL,
                    "ncols must be from 1");
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 4, 4, NULL, T4_COL, T4_VAL, &A), PEL_EINVAL,
                    "rowptr is NULL");
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 4, 4, T4_ROWPTR, NULL, T4_VAL, &A), PEL_EINVAL,
                    "colidx or values is NULL");
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 4, 4, T4_ROWPTR, T4_COL, NULL, &A), PEL_EINVAL,
                    "colidx or values is NULL");
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 4, 4, T4_ROWPTR, T4_COL, T4_VAL, NULL), PEL_EINVAL,
                    "output pointer A is NULL");
    const int64_t off[5] = {1, 2, 5, 8, 10};
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 4, 4, off, T4_COL, T4_VAL, &A), PEL_EINVAL,
                    "rowptr[0] must be 0 (got 1)");
    const int64_t down[5] = {0, 2, 5, 4, 10};
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 4, 4, down, T4_COL, T4_VAL, &A), PEL_EINVAL,
                    "rowptr must be nondecreasing (rowptr[3] = 4 < rowptr[2] = 5)");
    int32_t bad[10];
    memcpy(bad, T4_COL, sizeof bad);
    bad[7] = 4;
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 4, 4, T4_ROWPTR, bad, T4_VAL, &A), PEL_EINVAL,
                    "colidx[7] = 4 is outside [0, 4)");
    bad[7] = -1;
    ck_assert_fails(ctx, pel_sparse_csr_create(ctx, 4, 4, T4_ROWPTR, bad, T4_VAL, &A), PEL_EINVAL,
                    "colidx[7] = -1 is outside [0, 4)");
    ck_assert_ptr_null(A);
    /* an empty matrix is allowed, without arrays */
    const int64_t empty[3] = {0, 0, 0};
    ck_assert_ok(pel_sparse_csr_create(ctx, 2, 3, empty, NULL, NULL, &A));
    ck_assert_int_eq(pel_sparse_csr_nnz(A), 0);
    double x[3] = {1, 2, 3}, y[2] = {5, 5};
    ck_assert_ok(pel_sparse_csr_spmv(ctx, A, x, y));
    ck_assert(y[0] == 0 && y[1] == 0);
    pel_sparse_csr_destroy(A);
    pel_sparse_csr_destroy(NULL);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_spmv_cg)
{
    pel_context *ctx = test_context(1);
    pel_sparse_csr *A = t4(ctx);
    double x[4] = {1, 1, 1, 1}, y[4];
    ck_assert_fails(ctx, pel_sparse_csr_spmv(ctx, NULL, x, y), PEL_EINVAL, "the matrix A is NULL");
    ck_assert_fails(ctx, pel_sparse_csr_spmv(ctx, A, NULL, y), PEL_EINVAL, "x or y is NULL");
    ck_assert_fails(ctx, pel_sparse_csr_spmv(ctx, A, x, x), PEL_EINVAL, "distinct");

    pel_sparse_cg *cg = NULL;
    ck_assert_fails(ctx, pel_sparse_cg_create(ctx, NULL, &cg), PEL_EINVAL, "the matrix A is NULL");
    ck_assert_fails(ctx, pel_sparse_cg_create(ctx, A, NULL), PEL_EINVAL, "output pointer cg");
    const int64_t rp[3] = {0, 1, 2};
    const int32_t ci[2] = {0, 2};
    const double v[2] = {1, 1};
    pel_sparse_csr *R = NULL;
    ck_assert_ok(pel_sparse_csr_create(ctx, 2, 3, rp, ci, v, &R));
    ck_assert_fails(ctx, pel_sparse_cg_create(ctx, R, &cg), PEL_EINVAL,
                    "cg: the matrix must be square (got 2 x 3)");
    pel_sparse_csr_destroy(R);

    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    ck_assert_fails(ctx, pel_sparse_cg_solve(cg, NULL, y, 4, 0, NULL), PEL_EINVAL, "must not be NULL");
    ck_assert_fails(ctx, pel_sparse_cg_solve(cg, x, x, 4, 0, NULL), PEL_EINVAL, "distinct");
    ck_assert_fails(ctx, pel_sparse_cg_solve(cg, x, y, -1, 0, NULL), PEL_EINVAL,
                    "iteration count must not be negative (got -1)");
    ck_assert_fails(ctx, pel_sparse_cg_solve(cg, x, y, 4, -1e-3, NULL), PEL_EINVAL, "rtol");
    ck_assert_fails(ctx, pel_sparse_cg_solve(cg, x, y, 4, NAN, NULL), PEL_EINVAL, "rtol");
    ck_assert_fails(ctx, pel_sparse_cg_power_step(cg, NAN, 25, x, NULL, NULL), PEL_EINVAL,
                    "shift must be finite");
    ck_assert_fails(ctx, pel_sparse_cg_power_step(cg, 1.0, -2, x, NULL, NULL), PEL_EINVAL,
                    "(got -2)");
    ck_assert_fails(ctx, pel_sparse_cg_power_step(cg, 1.0, 25, NULL, NULL, NULL), PEL_EINVAL,
                    "must not be NULL");
    ck_assert_int_eq(pel_sparse_cg_solve(NULL, x, y, 4, 0, NULL), PEL_EINVAL);
    pel_sparse_cg_destroy(cg);
    pel_sparse_cg_destroy(NULL);
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_makea)
{
    pel_context *ctx = test_context(1);
    pel_sparse_csr *A = NULL;
    ck_assert_fails(ctx, pel_sparse_npb_makea(ctx, 0, 7, 0.1, 10, &A), PEL_EINVAL,
                    "makea: n must be from 1");
    ck_assert_fails(ctx, pel_sparse_npb_makea(ctx, 100, 0, 0.1, 10, &A), PEL_EINVAL,
                    "nonzer must be from 1 to n = 100 (got 0)");
    ck_assert_fails(ctx, pel_sparse_npb_makea(ctx, 100, 101, 0.1, 10, &A), PEL_EINVAL,
                    "nonzer must be from 1 to n = 100 (got 101)");
    ck_assert_fails(ctx, pel_sparse_npb_makea(ctx, 100, 7, 0.0, 10, &A), PEL_EINVAL,
                    "rcond must be positive and finite (got 0)");
    ck_assert_fails(ctx, pel_sparse_npb_makea(ctx, 100, 7, 0.1, INFINITY, &A), PEL_EINVAL,
                    "shift must be finite");
    ck_assert_fails(ctx, pel_sparse_npb_makea(ctx, 100, 7, 0.1, 10, NULL), PEL_EINVAL,
                    "output pointer");
    ck_assert_ptr_null(A);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- numerics ---------------------------------------------------------------------- */

/* A small matrix with integer entries, unsorted columns and a duplicate:
 * every product is exact, so y must equal the dense product exactly. */
START_TEST(num_spmv_dense)
{
    pel_context *ctx = test_context(2);
    const int64_t rp[4] = {0, 3, 3, 7};
    const int32_t ci[7] = {4, 0, 2, 1, 3, 1, 0};
    const double v[7] = {5, -1, 2, 7, -3, 4, 6};
    double dense[3][5] = {{0}};
    for (int j = 0; j < 3; j++)
        for (int64_t k = rp[j]; k < rp[j + 1]; k++) dense[j][ci[k]] += v[k];
    pel_sparse_csr *A = NULL;
    ck_assert_ok(pel_sparse_csr_create(ctx, 3, 5, rp, ci, v, &A));
    ck_assert_int_eq(pel_sparse_csr_rows(A), 3);
    ck_assert_int_eq(pel_sparse_csr_cols(A), 5);
    ck_assert_int_eq(pel_sparse_csr_nnz(A), 7);
    ck_assert(pel_sparse_csr_colidx(A)[5] == 1 && pel_sparse_csr_values(A)[6] == 6 && pel_sparse_csr_rowptr(A)[2] == 3);
    const double x[5] = {1, -2, 3, 0.5, 8};
    double y[3];
    ck_assert_ok(pel_sparse_csr_spmv(ctx, A, x, y));
    for (int j = 0; j < 3; j++) {
        double ref = 0;
        for (int c = 0; c < 5; c++) ref += dense[j][c] * x[c];
        ck_assert_msg(y[j] == ref, "y[%d] = %g, dense %g", j, y[j], ref);
    }
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
}
END_TEST

/* Up to 65536 columns the matrix keeps 16-bit column indices as well (a
 * faster product); the sums must not change: the same entries with 65536
 * and with 70000 columns give the same bits. */
START_TEST(num_spmv_index_widths)
{
    pel_context *ctx = test_context(2);
    const int64_t nrows = 3000, per = 40, nnz = nrows * per;
    int64_t *rp = malloc((size_t)(nrows + 1) * sizeof *rp);
    int32_t *ci = malloc((size_t)nnz * sizeof *ci);
    double *v = malloc((size_t)nnz * sizeof *v), *x = malloc(70000 * sizeof *x);
    double *y1 = malloc((size_t)nrows * sizeof *y1), *y2 = malloc((size_t)nrows * sizeof *y2);
    for (int64_t j = 0; j <= nrows; j++) rp[j] = j * per;
    for (int64_t k = 0; k < nnz; k++) {
        ci[k] = (int32_t)((k * 7919 + 13) % 65536); /* reaches column 65535 */
        v[k] = sin((double)k);
    }
    for (int j = 0; j < 70000; j++) x[j] = cos((double)j);
    pel_sparse_csr *A = NULL, *B = NULL;
    ck_assert_ok(pel_sparse_csr_create(ctx, nrows, 65536, rp, ci, v, &A));
    ck_assert_ok(pel_sparse_csr_create(ctx, nrows, 70000, rp, ci, v, &B));
    ck_assert_ok(pel_sparse_csr_spmv(ctx, A, x, y1));
    ck_assert_ok(pel_sparse_csr_spmv(ctx, B, x, y2));
    ck_assert(memcmp(y1, y2, (size_t)nrows * sizeof *y1) == 0);
    pel_sparse_csr_destroy(A);
    pel_sparse_csr_destroy(B);
    free(rp), free(ci), free(v), free(x), free(y1), free(y2);
    pel_context_destroy(ctx);
}
END_TEST

/* CG on tridiag(-1, 2, -1), n = 4: four distinct eigenvalues 2 - 2 cos(k pi/5),
 * so exact arithmetic gives the solution in 4 iterations.  x* = (1, -2, 3,
 * 1/2) and b = A x* = (4, -8, 7.5, -2) exactly.  cond(A) = cot^2(pi/10) ~ 9.5;
 * the computed solution is within a small multiple of cond(A) u: 1e-13 allows
 * ~100 cond(A) u. */
START_TEST(num_cg_4x4)
{
    pel_context *ctx = test_context(2);
    pel_sparse_csr *A = t4(ctx);
    pel_sparse_cg *cg = NULL;
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    const double xs[4] = {1, -2, 3, 0.5}, b[4] = {4, -8, 7.5, -2};
    double x[4], Ax[4];
    ck_assert_ok(pel_sparse_csr_spmv(ctx, A, xs, Ax));
    for (int j = 0; j < 4; j++) ck_assert(Ax[j] == b[j]);
    pel_sparse_cg_info info;
    ck_assert_ok(pel_sparse_cg_solve(cg, b, x, 4, 0.0, &info));
    ck_assert_int_eq(info.iterations, 4);
    for (int j = 0; j < 4; j++) ck_assert_msg(fabs(x[j] - xs[j]) <= 1e-13, "x[%d] = %.17g", j, x[j]);
    ck_assert(info.rnorm <= 1e-13 * 12.0); /* ||b|| ~ 11.9 */
    /* with a tolerance it stops by itself, within the same 4 iterations */
    ck_assert_ok(pel_sparse_cg_solve(cg, b, x, 100, 1e-12, &info));
    ck_assert_int_le(info.iterations, 4);
    ck_assert(sqrt(info.rho) <= 1e-12 * 12.0);
    for (int j = 0; j < 4; j++) ck_assert(fabs(x[j] - xs[j]) <= 1e-13);
    /* zero iterations: x = 0, residual ||b|| = sqrt(16 + 64 + 56.25 + 4) */
    ck_assert_ok(pel_sparse_cg_solve(cg, b, x, 0, 0.0, &info));
    ck_assert_int_eq(info.iterations, 0);
    ck_assert(x[0] == 0 && x[3] == 0);
    ck_assert_rel(info.rnorm, sqrt(140.25), UROUND * 4);
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
}
END_TEST

/* makea for class S: n x n, every row has its diagonal, columns strictly
 * ascending, at most n (nonzer+1)^2 entries; symmetric in structure, and in
 * value to rounding: entry (j,c) adds terms v_c (s v_j) against (c,j)'s
 * v_j (s v_c), each within 2u of the other, summed over < 64 positive terms,
 * so the two agree within 128 u relative. */
START_TEST(num_makea_structure)
{
    pel_context *ctx = test_context(2);
    pel_sparse_csr *A = npb_matrix(ctx, 'S', 0, 0);
    const int64_t n = 1400, *rp = pel_sparse_csr_rowptr(A);
    const int32_t *ci = pel_sparse_csr_colidx(A);
    const double *v = pel_sparse_csr_values(A);
    ck_assert_int_eq(pel_sparse_csr_rows(A), n);
    ck_assert_int_eq(pel_sparse_csr_cols(A), n);
    ck_assert_int_le(pel_sparse_csr_nnz(A), n * 8 * 8);
    for (int64_t j = 0; j < n; j++) {
        int diag = 0;
        for (int64_t k = rp[j]; k < rp[j + 1]; k++) {
            if (k > rp[j]) ck_assert_int_lt(ci[k - 1], ci[k]);
            diag |= ci[k] == j;
            /* the transposed entry */
            int64_t lo = rp[ci[k]], hi = rp[ci[k] + 1];
            while (lo < hi && ci[lo] != j) lo++;
            ck_assert_msg(lo < hi, "(%lld,%d) has no transpose", (long long)j, ci[k]);
            ck_assert_msg(fabs(v[k] - v[lo]) <= 128 * UROUND * fabs(v[k]), "A not symmetric at (%lld,%d)",
                          (long long)j, ci[k]);
        }
        ck_assert_msg(diag, "row %lld lacks its diagonal", (long long)j);
    }
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
}
END_TEST

/* NPB 3.3.1 cg.f, verification: zeta_verify_value, relative error <= 1e-10. */
START_TEST(num_npb_class_s)
{
    ck_assert_rel(npb_zeta(2, 'S', NULL), 8.5971775078648, 1e-10);
}
END_TEST

START_TEST(num_npb_class_w)
{
    ck_assert_rel(npb_zeta(2, 'W', NULL), 10.362595087124, 1e-10);
}
END_TEST

/* General use: with shift 0, makea's A = sum_i s_i v_i v_i^T + rcond I is
 * positive definite (eigenvalues >= rcond = 0.1): CG with a tolerance stops
 * early, and the explicit residual confirms the recurrence's. */
START_TEST(num_cg_tolerance)
{
    pel_context *ctx = test_context(2);
    pel_sparse_csr *A = npb_matrix(ctx, 'S', 0.0, 1);
    pel_sparse_cg *cg = NULL;
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    const int64_t n = pel_sparse_csr_rows(A);
    double *b = pel_malloc((size_t)n * sizeof *b), *x = pel_malloc((size_t)n * sizeof *x);
    double *Ax = pel_malloc((size_t)n * sizeof *Ax);
    for (int64_t j = 0; j < n; j++) b[j] = 1.0 + (double)(j % 7);
    double bn = pel_norm2(NULL, b, (size_t)n);
    pel_sparse_cg_info info;
    ck_assert_ok(pel_sparse_cg_solve(cg, b, x, 1000, 1e-10, &info));
    ck_assert_int_gt(info.iterations, 0);
    ck_assert_int_lt(info.iterations, 1000);
    ck_assert(sqrt(info.rho) <= 1e-10 * bn);
    ck_assert(info.rnorm <= 1e-9 * bn); /* the true residual lags the recurrence a little */
    ck_assert_ok(pel_sparse_csr_spmv(ctx, A, x, Ax));
    double e2 = 0;
    for (int64_t j = 0; j < n; j++) e2 += (b[j] - Ax[j]) * (b[j] - Ax[j]);
    ck_assert_rel(sqrt(e2), info.rnorm, 1e-6); /* the same residual, summed another way */
    pel_free(b);
    pel_free(x);
    pel_free(Ax);
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- threads ---------------------------------------------------------------------------- */

START_TEST(threads_makea_spmv)
{
    char ref_a[PEL_FINGERPRINT_HEX] = "", ref_c[PEL_FINGERPRINT_HEX] = "", ref_y[PEL_FINGERPRINT_HEX] = "";
    for (int t = 1; t <= 4; t++) {
        pel_context *ctx = test_context(t);
        pel_sparse_csr *A = npb_matrix(ctx, 'S', 0, 0);
        int64_t n = pel_sparse_csr_rows(A), nnz = pel_sparse_csr_nnz(A);
        char fa[PEL_FINGERPRINT_HEX], fc[PEL_FINGERPRINT_HEX], fy[PEL_FINGERPRINT_HEX];
        pel_fingerprint(pel_sparse_csr_values(A), (size_t)nnz * sizeof(double), fa);
        pel_fingerprint(pel_sparse_csr_colidx(A), (size_t)nnz * sizeof(int32_t), fc);
        double *x = pel_malloc((size_t)n * sizeof *x), *y = pel_malloc((size_t)n * sizeof *y);
        for (int64_t j = 0; j < n; j++) x[j] = 1.0 / (double)(j + 1);
        ck_assert_ok(pel_sparse_csr_spmv(ctx, A, x, y));
        pel_fingerprint(y, (size_t)n * sizeof *y, fy);
        if (t == 1) {
            strcpy(ref_a, fa);
            strcpy(ref_c, fc);
            strcpy(ref_y, fy);
        }
        ck_assert_str_eq(fa, ref_a);
        ck_assert_str_eq(fc, ref_c);
        ck_assert_str_eq(fy, ref_y);
        pel_free(x);
        pel_free(y);
        pel_sparse_csr_destroy(A);
        pel_context_destroy(ctx);
    }
}
END_TEST

START_TEST(threads_power)
{
    double *x1 = NULL, z1 = npb_zeta(1, 'S', &x1);
    for (int t = 2; t <= 4; t++) {
        double *xt = NULL, zt = npb_zeta(t, 'S', &xt);
        ck_assert_msg(memcmp(&zt, &z1, sizeof zt) == 0, "zeta differs at %d threads", t);
        ck_assert_msg(memcmp(xt, x1, 1400 * sizeof *xt) == 0, "x differs at %d threads", t);
        pel_free(xt);
    }
    pel_free(x1);
}
END_TEST

START_TEST(threads_solve)
{
    double ref[2] = {0, 0};
    char fref[PEL_FINGERPRINT_HEX] = "";
    for (int t = 1; t <= 4; t++) {
        pel_context *ctx = test_context(t);
        pel_sparse_csr *A = npb_matrix(ctx, 'S', 0.0, 1);
        pel_sparse_cg *cg = NULL;
        ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
        int64_t n = pel_sparse_csr_rows(A);
        double *b = pel_malloc((size_t)n * sizeof *b), *x = pel_malloc((size_t)n * sizeof *x);
        for (int64_t j = 0; j < n; j++) b[j] = sin((double)j);
        pel_sparse_cg_info info;
        ck_assert_ok(pel_sparse_cg_solve(cg, b, x, 500, 1e-12, &info));
        char f[PEL_FINGERPRINT_HEX];
        pel_fingerprint(x, (size_t)n * sizeof *x, f);
        if (t == 1) {
            ref[0] = info.rnorm;
            ref[1] = info.iterations;
            strcpy(fref, f);
        }
        ck_assert_str_eq(f, fref);
        ck_assert(info.rnorm == ref[0] && info.iterations == ref[1]);
        pel_free(b);
        pel_free(x);
        pel_sparse_cg_destroy(cg);
        pel_sparse_csr_destroy(A);
        pel_context_destroy(ctx);
    }
}
END_TEST

static Suite *sparse_suite(void)
{
    Suite *s = suite_create("sparse");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_npb_class);
    tcase_add_test(api, api_csr_create);
    tcase_add_test(api, api_spmv_cg);
    tcase_add_test(api, api_makea);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_spmv_dense);
    tcase_add_test(num, num_spmv_index_widths);
    tcase_add_test(num, num_cg_4x4);
    tcase_add_test(num, num_makea_structure);
    tcase_add_test(num, num_npb_class_s);
    tcase_add_test(num, num_npb_class_w);
    tcase_add_test(num, num_cg_tolerance);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_makea_spmv);
    tcase_add_test(thr, threads_power);
    tcase_add_test(thr, threads_solve);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(sparse_suite()); }
