/* Sparse family: CSR matrices, SpMV, CG, NPB's makea and the NPB CG class
 * table (include/pel/sparse.h). */
#include <config.h>

#include <float.h>
#include <stdint.h>

#include "testutil.h"

#define UROUND (DBL_EPSILON / 2) /* unit round-off u = 2^-53 */

/* ---- helpers ------------------------------------------------------------------ */

/* CG options: at most max_iter iterations, tolerance rtol, from zero or from x. */
static pel_sparse_cg_params opts(int max_iter, double rtol, pel_sparse_cg_start start)
{
    pel_sparse_cg_params p;
    pel_sparse_cg_params_default(&p);
    p.max_iter = max_iter;
    p.rtol = rtol;
    p.start = start;
    return p;
}

/* Solves with those options. */
static pel_status solve(pel_sparse_cg *cg, const double *b, double *x, int max_iter, double rtol,
                        pel_sparse_cg_start start, pel_sparse_cg_info *info)
{
    pel_sparse_cg_params p = opts(max_iter, rtol, start);
    return pel_sparse_cg_solve(cg, &p, b, x, info);
}

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

/* Row j's product by the family's definition (PEL_SPARSE_NUMERICS_VERSION
 * 4, docs/sparse.md), written out plainly: the row's nonzeros put in
 * ascending column order, equal columns in their stored order (an insertion
 * sort, which is stable), then one left-to-right sum from +0.0. */
static double col_chain(const int64_t *rp, const int32_t *ci, const double *v, const double *x, int64_t j)
{
    int64_t m = rp[j + 1] - rp[j], *ord = malloc((size_t)(m + 1) * sizeof *ord);
    for (int64_t i = 0; i < m; i++) {
        int64_t k = rp[j] + i, p = i;
        while (p > 0 && ci[ord[p - 1]] > ci[k]) {
            ord[p] = ord[p - 1];
            p--;
        }
        ord[p] = k;
    }
    double s = 0.0;
    for (int64_t i = 0; i < m; i++) s = s + v[ord[i]] * x[ci[ord[i]]];
    free(ord);
    return s;
}

/* ---- api ----------------------------------------------------------------------- */

START_TEST(api_npb_class)
{
    pel_context *ctx = test_context(1);
    pel_sparse_npb c;
    ck_assert_fails(ctx, pel_sparse_npb_class(ctx, 'Q', &c), PEL_EINVAL,
                    "unknown NPB class 'Q' (expected S, W, A, B or C)");
    ck_assert_fails(ctx, pel_sparse_npb_class(ctx, 'S', NULL), PEL_EINVAL, "result pointer must not be NULL");
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
                    "csr: the result pointer must not be NULL");
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
    ck_assert_fails(ctx, pel_sparse_cg_create(ctx, A, NULL), PEL_EINVAL, "cg: the result pointer must not be NULL");
    const int64_t rp[3] = {0, 1, 2};
    const int32_t ci[2] = {0, 2};
    const double v[2] = {1, 1};
    pel_sparse_csr *R = NULL;
    ck_assert_ok(pel_sparse_csr_create(ctx, 2, 3, rp, ci, v, &R));
    ck_assert_fails(ctx, pel_sparse_cg_create(ctx, R, &cg), PEL_EINVAL,
                    "cg: the matrix must be square (got 2 x 3)");
    pel_sparse_csr_destroy(R);

    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    ck_assert_fails(ctx, solve(cg, NULL, y, 4, 0, PEL_SPARSE_CG_ZERO, NULL), PEL_EINVAL, "must not be NULL");
    ck_assert_fails(ctx, solve(cg, x, x, 4, 0, PEL_SPARSE_CG_ZERO, NULL), PEL_EINVAL, "distinct");
    ck_assert_fails(ctx, solve(cg, x, y, -1, 0, PEL_SPARSE_CG_ZERO, NULL), PEL_EINVAL,
                    "iteration count must not be negative (got -1)");
    ck_assert_fails(ctx, solve(cg, x, y, 4, -1e-3, PEL_SPARSE_CG_ZERO, NULL), PEL_EINVAL, "rtol");
    ck_assert_fails(ctx, solve(cg, x, y, 4, NAN, PEL_SPARSE_CG_ZERO, NULL), PEL_EINVAL, "rtol");
    ck_assert_fails(ctx, solve(cg, x, y, 4, 0, (pel_sparse_cg_start)7, NULL), PEL_EINVAL,
                    "cg: start must be PEL_SPARSE_CG_ZERO or PEL_SPARSE_CG_GUESS (got 7)");
    /* the defaults, and NULL options meaning them */
    pel_sparse_cg_params d;
    pel_sparse_cg_params_default(&d);
    ck_assert_int_eq(d.max_iter, 1000);
    ck_assert(d.rtol == 1e-10);
    ck_assert_int_eq(d.start, PEL_SPARSE_CG_ZERO);
    pel_sparse_cg_params_default(NULL);
    pel_sparse_cg_info i1, i2;
    double y2[4];
    ck_assert_ok(pel_sparse_cg_solve(cg, NULL, x, y, &i1));
    ck_assert_ok(pel_sparse_cg_solve(cg, &d, x, y2, &i2));
    ck_assert(memcmp(y, y2, sizeof y) == 0 && i1.iterations == i2.iterations);
    ck_assert_fails(ctx, pel_sparse_cg_power_step(cg, NAN, 25, x, NULL, NULL), PEL_EINVAL,
                    "shift must be finite");
    ck_assert_fails(ctx, pel_sparse_cg_power_step(cg, 1.0, -2, x, NULL, NULL), PEL_EINVAL,
                    "(got -2)");
    ck_assert_fails(ctx, pel_sparse_cg_power_step(cg, 1.0, 25, NULL, NULL, NULL), PEL_EINVAL,
                    "must not be NULL");
    ck_assert_int_eq(solve(NULL, x, y, 4, 0, PEL_SPARSE_CG_ZERO, NULL), PEL_EINVAL);
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
                    "result pointer must not be NULL");
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

/* The number of columns is no part of the sums: the same entries with
 * 65536 and with 70000 columns give the same bits (once the 16-bit index
 * width's edge, now the words' steps do not depend on it). */
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

/* Rows spread over 150000 columns with steps of up to ~3700 (far above the
 * words' step field: dummy entries), a repeated column, a step of 2^16 in
 * row 0, a descending step: each way the product must be the family's row
 * sums (col_chain), bit for bit, and the matrix keeps the user's indices. */
START_TEST(num_spmv_index_steps)
{
    pel_context *ctx = test_context(2);
    const int64_t nrows = 700, ncols = 150000, per = 60, nnz = nrows * per;
    int64_t *rp = malloc((size_t)(nrows + 1) * sizeof *rp);
    int32_t *ci = malloc((size_t)nnz * sizeof *ci);
    double *v = malloc((size_t)nnz * sizeof *v), *x = malloc((size_t)ncols * sizeof *x);
    double *y = malloc((size_t)nrows * sizeof *y), *ref = malloc((size_t)nrows * sizeof *ref);
    for (int64_t j = 0; j <= nrows; j++) rp[j] = j * per;
    for (int j = 0; j < ncols; j++) x[j] = cos((double)j);
    for (int variant = 0; variant < 3; variant++) {
        for (int64_t j = 0; j < nrows; j++)
            for (int64_t i = 0; i < per; i++) {
                int64_t k = j * per + i;
                /* ascending, steps up to 2 * 1237 + 2 * 7: spans the columns */
                ci[k] = (int32_t)(i * 2480 + (j * 7 + i * i) % 1237 + (i > 30 && j % 3 == 0 ? 1 : 0));
                if (i > 0 && ci[k] < ci[k - 1]) ci[k] = ci[k - 1]; /* a repeated column */
                v[k] = sin((double)k);
            }
        if (variant == 1) /* row 0: columns 0 .. per - 2, then one step of 2^16 */
            for (int64_t i = 0; i < per; i++) ci[i] = (int32_t)(i < per - 1 ? i : per - 2 + 65536);
        if (variant == 2) ci[5] = ci[4] - 1;                               /* one descending step */
        for (int64_t j = 0; j < nrows; j++) ref[j] = col_chain(rp, ci, v, x, j);
        ck_assert_int_ge(ci[nrows * per - 1], 65536);
        pel_sparse_csr *A = NULL;
        ck_assert_ok(pel_sparse_csr_create(ctx, nrows, ncols, rp, ci, v, &A));
        ck_assert_ok(pel_sparse_csr_spmv(ctx, A, x, y));
        for (int64_t j = 0; j < nrows; j++)
            ck_assert_msg(memcmp(&y[j], &ref[j], sizeof y[j]) == 0, "variant %d: y[%lld] = %.17g, %.17g by the definition",
                          variant, (long long)j, y[j], ref[j]);
        ck_assert(memcmp(pel_sparse_csr_colidx(A), ci, (size_t)nnz * sizeof *ci) == 0);
        pel_sparse_csr_destroy(A);
    }
    free(rp), free(ci), free(v), free(x), free(y), free(ref);
    pel_context_destroy(ctx);
}
END_TEST

/* Whatever PEL_ISA caps the instruction set at, the product gives the
 * definition's bits (col_chain): columns in any order below 20000,
 * ascending past 65536 in long steps, one row descending; rows of 0 to 40
 * nonzeros; and through CG's fused phases (NPB class S's power steps give
 * one result whichever ISA is named). */
START_TEST(num_spmv_isa_variants)
{
    static const char *const isa[] = {"scalar", "avx2", "avx512"};
    const int64_t nrows = 41 * 3, ncols_of[3] = {20000, 150000, 150000};
    int64_t *rp = malloc((size_t)(nrows + 1) * sizeof *rp);
    rp[0] = 0;
    for (int64_t j = 0; j < nrows; j++) rp[j + 1] = rp[j] + j % 41; /* lengths 0 .. 40 */
    const int64_t nnz = rp[nrows];
    int32_t *ci = malloc((size_t)nnz * sizeof *ci);
    double *v = malloc((size_t)nnz * sizeof *v), *x = malloc(150000 * sizeof *x);
    double *y = malloc((size_t)nrows * sizeof *y), *ref = malloc((size_t)nrows * sizeof *ref);
    for (int j = 0; j < 150000; j++) x[j] = cos((double)j);
    for (int form = 0; form < 3; form++) {
        for (int64_t j = 0; j < nrows; j++)
            for (int64_t k = rp[j], c = 0; k < rp[j + 1]; k++) {
                /* form 0: any order below 20000; 1: ascending in steps < 2^16 past
                 * 65536; 2: the same but one row descends, so 32-bit indices */
                c = form == 0 ? (k * 7919) % 20000 : c + 1 + (k * 104729) % 3700;
                ci[k] = (int32_t)c;
                v[k] = sin((double)k + 0.25);
            }
        if (form == 2) ci[rp[40] + 3] = ci[rp[40] + 2] - 1;
        ck_assert(form == 0 || ci[rp[40] + 39] >= 65536);
        for (int64_t j = 0; j < nrows; j++) ref[j] = col_chain(rp, ci, v, x, j);
        for (int i = 0; i < 3; i++) {
            ck_assert_int_eq(setenv("PEL_ISA", isa[i], 1), 0);
            pel_sparse_csr *A = NULL;
            ck_assert_ok(pel_sparse_csr_create(tctx(2), nrows, ncols_of[form], rp, ci, v, &A));
            ck_assert_ok(pel_sparse_csr_spmv(tctx(2), A, x, y));
            for (int64_t j = 0; j < nrows; j++)
                ck_assert_msg(memcmp(&y[j], &ref[j], sizeof y[j]) == 0,
                              "form %d, PEL_ISA=%s: y[%lld] = %.17g, %.17g by the definition", form,
                              isa[i], (long long)j, y[j], ref[j]);
            pel_sparse_csr_destroy(A);
        }
    }
    /* class S through the solver's fused phases */
    double zeta[3];
    double *xs[3];
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(setenv("PEL_ISA", isa[i], 1), 0);
        zeta[i] = npb_zeta(2, 'S', &xs[i]);
        ck_assert_msg(memcmp(&zeta[i], &zeta[0], sizeof zeta[0]) == 0 &&
                          memcmp(xs[i], xs[0], 1400 * sizeof *xs[0]) == 0,
                      "class S power steps: PEL_ISA=%s differs from scalar", isa[i]);
    }
    unsetenv("PEL_ISA");
    for (int i = 0; i < 3; i++) pel_free(xs[i]);
    free(rp), free(ci), free(v), free(x), free(y), free(ref);
}
END_TEST

/* The order of a row's sum (version 4), by hand: u = 2^-53, x = 1, the row
 * stored as columns (3, 0, 1, 1) with values (u, u, 1, u): unsorted, and
 * column 1 twice.  The ulp of 1 is 2u, so 1 + u is a tie (rounded to even:
 * 1) and 1 + 3u is a tie (rounded to even: 1 + 4u).  Ascending columns,
 * column 1's entries in stored order: u, then u + 1 = 1, then 1 + u = 1,
 * then 1 + u = 1: y = 1.  The stored order: u + u = 2u, + 1 = 1 + 2u, + u =
 * 1 + 4u.  Column 1's entries the other way round: u + u = 2u, + 1 = 1 + 2u,
 * + u = 1 + 4u.  Version 3's lanes: (u + 1) + (u + u) = 1 + 2u. */
START_TEST(num_spmv_order_by_hand)
{
    const double u = ldexp(1.0, -53);
    const int64_t rp[2] = {0, 4};
    const int32_t ci[4] = {3, 0, 1, 1};
    const double v[4] = {u, u, 1, u}, x[4] = {1, 1, 1, 1};
    double stored = 0.0;
    for (int k = 0; k < 4; k++) stored = stored + v[k] * x[ci[k]];
    ck_assert(stored == 1.0 + 4 * u);
    ck_assert(col_chain(rp, ci, v, x, 0) == 1.0);
    for (int t = 1; t <= 2; t++) {
        pel_sparse_csr *A = NULL;
        double y;
        ck_assert_ok(pel_sparse_csr_create(tctx(t), 1, 4, rp, ci, v, &A));
        ck_assert_ok(pel_sparse_csr_spmv(tctx(t), A, x, &y));
        ck_assert_msg(y == 1.0, "y = %a, expected 1", y);
        pel_sparse_csr_destroy(A);
    }
}
END_TEST

/* The product blocks (R = 256, 512 and 1024 rows, picked from the row
 * count: 3000, 9000 and 17000 rows, none a multiple of R): rows of 0 to 40
 * nonzeros in any column order with repeats, every seventh row empty, some
 * rows reaching across 2^20 columns (steps far above the words' field:
 * dummy entries), each row's sum the definition's (col_chain) bit for bit,
 * at 1 and 3 threads. */
START_TEST(num_spmv_blocks)
{
    const int64_t ncols = 1 << 20, sizes[3] = {3000, 9000, 17000};
    double *x = malloc((size_t)ncols * sizeof *x);
    for (int64_t c = 0; c < ncols; c++) x[c] = cos((double)c) + 0.125;
    for (int s = 0; s < 3; s++) {
        const int64_t n = sizes[s];
        int64_t *rp = malloc((size_t)(n + 1) * sizeof *rp);
        rp[0] = 0;
        for (int64_t j = 0; j < n; j++) rp[j + 1] = rp[j] + (j % 7 == 3 ? 0 : (j * 13) % 41);
        const int64_t nnz = rp[n];
        int32_t *ci = malloc((size_t)(nnz + 1) * sizeof *ci);
        double *v = malloc((size_t)(nnz + 1) * sizeof *v), *y = malloc((size_t)n * sizeof *y);
        for (int64_t j = 0; j < n; j++)
            for (int64_t k = rp[j]; k < rp[j + 1]; k++) {
                int64_t span = j % 5 == 0 ? ncols : 4 * n; /* wide rows: long steps */
                int64_t c = (j + (k * 7919) % span) % ncols;
                if (k > rp[j] && k % 6 == 0) c = ci[k - 1]; /* a repeat */
                ci[k] = (int32_t)c;
                v[k] = sin((double)k + 0.5);
            }
        for (int t = 1; t <= 3; t += 2) {
            pel_sparse_csr *A = NULL;
            ck_assert_ok(pel_sparse_csr_create(tctx(t), n, ncols, rp, ci, v, &A));
            ck_assert_ok(pel_sparse_csr_spmv(tctx(t), A, x, y));
            /* the blocks hold dummy entries: more than 10 bytes per nonzero are stored */
            ck_assert(pel_sparse_csr_spmv_bytes(A) > 10.0 * (double)nnz + 8.0 * (double)(n + ncols) +
                                                         32.0 * (double)(n / 256 + 1));
            for (int64_t j = 0; j < n; j++) {
                double ref = col_chain(rp, ci, v, x, j);
                ck_assert_msg(memcmp(&y[j], &ref, sizeof ref) == 0,
                              "n %lld, %d threads: y[%lld] = %.17g, %.17g by the definition",
                              (long long)n, t, (long long)j, y[j], ref);
            }
            ck_assert(memcmp(pel_sparse_csr_colidx(A), ci, (size_t)nnz * sizeof *ci) == 0);
            ck_assert(memcmp(pel_sparse_csr_values(A), v, (size_t)nnz * sizeof *v) == 0);
            pel_sparse_csr_destroy(A);
        }
        free(rp), free(ci), free(v), free(y);
    }
    free(x);
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
    ck_assert_ok(solve(cg, b, x, 4, 0.0, PEL_SPARSE_CG_ZERO, &info));
    ck_assert_int_eq(info.iterations, 4);
    for (int j = 0; j < 4; j++) ck_assert_msg(fabs(x[j] - xs[j]) <= 1e-13, "x[%d] = %.17g", j, x[j]);
    ck_assert(info.rnorm <= 1e-13 * 12.0); /* ||b|| ~ 11.9 */
    /* with a tolerance it stops by itself, within the same 4 iterations */
    ck_assert_ok(solve(cg, b, x, 100, 1e-12, PEL_SPARSE_CG_ZERO, &info));
    ck_assert_int_le(info.iterations, 4);
    ck_assert(sqrt(info.rho) <= 1e-12 * 12.0);
    for (int j = 0; j < 4; j++) ck_assert(fabs(x[j] - xs[j]) <= 1e-13);
    /* zero iterations: x = 0, residual ||b|| = sqrt(16 + 64 + 56.25 + 4) */
    ck_assert_ok(solve(cg, b, x, 0, 0.0, PEL_SPARSE_CG_ZERO, &info));
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

/* makea against its definition (pel/sparse.h), computed here the plain way
 * into a dense matrix: NPB's vectors drawn from the 46-bit stream (seed
 * 314159265 after main's one draw; a position is floor(nn1 r), kept when
 * below n and new; then 0.5 at position i), and every term i added, in
 * increasing i, into the entries it touches, each entry starting from 0.0
 * (NPB's insertion).  The matrix must be exactly that: the same entries,
 * columns ascending, the same bits. */
START_TEST(num_makea_definition)
{
    pel_context *ctx = test_context(2);
    enum { N = 300, NZ = 6 };
    const double rcond = 0.1, shift = 7.0;
    static double dense[N][N];
    static unsigned char touched[N][N];
    memset(dense, 0, sizeof dense);
    memset(touched, 0, sizeof touched);
    int64_t nn1 = 1;
    while (nn1 < N) nn1 *= 2;
    uint64_t x = pel_lcg46_next(UINT64_C(314159265), PEL_LCG46_A);
    double ratio = pow(rcond, 1.0 / N), size = 1.0;
    for (int i = 0; i < N; i++) {
        int iv[NZ + 1], nzv = 0;
        double v[NZ + 1];
        while (nzv < NZ) {
            x = pel_lcg46_next(x, PEL_LCG46_A);
            double r = pel_lcg46_real(x);
            x = pel_lcg46_next(x, PEL_LCG46_A);
            int p = (int)((double)nn1 * pel_lcg46_real(x)), dup = 0;
            for (int k = 0; k < nzv; k++) dup |= iv[k] == p;
            if (p >= N || dup) continue;
            iv[nzv] = p, v[nzv++] = r;
        }
        int k = 0;
        while (k < nzv && iv[k] != i) k++;
        if (k == nzv) iv[nzv++] = i;
        v[k] = 0.5;
        for (int a = 0; a < nzv; a++) {
            double scale = size * v[a];
            for (int b = 0; b < nzv; b++) {
                double va = v[b] * scale;
                if (iv[a] == i && iv[b] == i) va = va + rcond - shift;
                dense[iv[a]][iv[b]] = dense[iv[a]][iv[b]] + va;
                touched[iv[a]][iv[b]] = 1;
            }
        }
        size = size * ratio;
    }
    pel_sparse_csr *A = NULL;
    ck_assert_ok(pel_sparse_npb_makea(ctx, N, NZ, rcond, shift, &A));
    const int64_t *rp = pel_sparse_csr_rowptr(A);
    const int32_t *ci = pel_sparse_csr_colidx(A);
    const double *val = pel_sparse_csr_values(A);
    for (int j = 0; j < N; j++) {
        int64_t k = rp[j];
        for (int c = 0; c < N; c++) {
            if (!touched[j][c]) continue;
            ck_assert_msg(k < rp[j + 1] && ci[k] == c, "row %d: column %d missing", j, c);
            ck_assert_msg(memcmp(&val[k], &dense[j][c], sizeof val[k]) == 0, "(%d,%d) = %.17g, by definition %.17g", j,
                          c, val[k], dense[j][c]);
            k++;
        }
        ck_assert_msg(k == rp[j + 1], "row %d: %lld entries, by definition %lld", j, (long long)(rp[j + 1] - rp[j]),
                      (long long)(k - rp[j]));
    }
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
}
END_TEST

/* makea keeps its product blocks only and makes its CSR indices and values
 * on request (here above 65536 columns): the indices must be ascending in
 * each row, hold the diagonal, and the product must be the family's row
 * sums over them (col_chain). */
START_TEST(num_makea_wide)
{
    pel_context *ctx = test_context(2);
    const int64_t n = 70000;
    pel_sparse_csr *A = NULL;
    ck_assert_ok(pel_sparse_npb_makea(ctx, n, 2, 0.1, 5.0, &A));
    const int64_t *rp = pel_sparse_csr_rowptr(A);
    const int32_t *ci = pel_sparse_csr_colidx(A);
    ck_assert_ptr_nonnull(ci);
    ck_assert_ptr_eq(pel_sparse_csr_colidx(A), ci);
    const double *val = pel_sparse_csr_values(A);
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    for (int64_t j = 0; j < n; j++) x[j] = cos((double)j);
    ck_assert_ok(pel_sparse_csr_spmv(ctx, A, x, y));
    int wide = 0;
    for (int64_t j = 0; j < n; j++) {
        int diag = 0;
        for (int64_t k = rp[j]; k < rp[j + 1]; k++) {
            if (k > rp[j]) ck_assert_int_lt(ci[k - 1], ci[k]);
            diag |= ci[k] == j;
            wide |= ci[k] >= 65536;
        }
        double s = col_chain(rp, ci, val, x, j);
        ck_assert_msg(diag, "row %lld lacks its diagonal", (long long)j);
        ck_assert_msg(memcmp(&s, &y[j], sizeof s) == 0, "y[%lld] = %.17g, by the definition %.17g", (long long)j, y[j], s);
    }
    ck_assert(wide);
    free(x), free(y);
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
    ck_assert_ok(solve(cg, b, x, 1000, 1e-10, PEL_SPARSE_CG_ZERO, &info));
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

/* A tolerance not met within the iteration limit is PEL_ENOTCONV, with the
 * iterations and the residual reached; x holds the last iterate (the same
 * bits as the same iterations without a tolerance), and info is filled.  The
 * class S matrix with shift 0 needs far more than 5 iterations for 1e-10
 * (num_cg_tolerance). */
START_TEST(num_cg_not_converged)
{
    pel_context *ctx = test_context(2);
    pel_sparse_csr *A = npb_matrix(ctx, 'S', 0.0, 1);
    pel_sparse_cg *cg = NULL;
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    const int64_t n = pel_sparse_csr_rows(A);
    double *b = pel_malloc((size_t)n * sizeof *b), *x = pel_malloc((size_t)n * sizeof *x);
    double *x5 = pel_malloc((size_t)n * sizeof *x5);
    for (int64_t j = 0; j < n; j++) b[j] = 1.0 + (double)(j % 7);
    pel_sparse_cg_info info, info5;
    ck_assert_fails(ctx, solve(cg, b, x, 5, 1e-10, PEL_SPARSE_CG_ZERO, &info), PEL_ENOTCONV,
                    "cg: not converged: relative residual ");
    ck_assert_msg(strstr(pel_context_error(ctx), " after 5 iterations, tolerance 1e-10") != NULL,
                  "message: %s", pel_context_error(ctx));
    ck_assert_int_eq(info.iterations, 5);
    double bn = pel_norm2(NULL, b, (size_t)n);
    ck_assert(sqrt(info.rho) > 1e-10 * bn);
    /* the relative residual printed is the recurrence's ||r|| / ||b||
     * (to the 4 digits shown; ||b|| summed another way agrees to ~n u) */
    double rel = 0;
    ck_assert(sscanf(strstr(pel_context_error(ctx), "residual ") + 9, "%lg", &rel) == 1);
    ck_assert_rel(rel, sqrt(info.rho) / bn, 1e-3);
    /* the same 5 iterations without a tolerance: OK, the same x */
    ck_assert_ok(solve(cg, b, x5, 5, 0.0, PEL_SPARSE_CG_ZERO, &info5));
    ck_assert(memcmp(x, x5, (size_t)n * sizeof *x) == 0 && info5.rho == info.rho);
    /* zero iterations with a tolerance and b != 0: not converged after 0 */
    ck_assert_fails(ctx, solve(cg, b, x, 0, 1e-3, PEL_SPARSE_CG_ZERO, NULL), PEL_ENOTCONV,
                    "relative residual 1.000e+00 after 0 iterations, tolerance 0.001");
    /* b = 0 converges at once: x = 0, 0 iterations */
    for (int64_t j = 0; j < n; j++) b[j] = 0.0;
    ck_assert_ok(solve(cg, b, x, 5, 1e-10, PEL_SPARSE_CG_ZERO, &info));
    ck_assert_int_eq(info.iterations, 0);
    ck_assert(x[0] == 0 && x[n - 1] == 0 && info.rnorm == 0);
    pel_free(b);
    pel_free(x);
    pel_free(x5);
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
}
END_TEST

/* A breakdown: p.Ap <= 0 means A is not positive definite.  A = diag(2, 1,
 * -1), b = (1, 1, 1), from zero, in exact binary arithmetic: p.Ap = 2 > 0,
 * alpha = 3/2, r = (-2, -1/2, 5/2), rho = 21/2, beta = 7/2, p = (3/2, 3, 6),
 * p.Ap = 9/2 + 9 - 36 = -22.5 at iteration 2.  And [[1, 2], [2, 1]] with
 * its eigenvector b = (1, -1) of eigenvalue -1: p.Ap = -2 at iteration 1. */
START_TEST(num_cg_not_spd)
{
    pel_context *ctx = test_context(2);
    const int64_t rp[4] = {0, 1, 2, 3};
    const int32_t ci[3] = {0, 1, 2};
    const double v[3] = {2, 1, -1};
    pel_sparse_csr *A = NULL;
    pel_sparse_cg *cg = NULL;
    ck_assert_ok(pel_sparse_csr_create(ctx, 3, 3, rp, ci, v, &A));
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    const double b[3] = {1, 1, 1};
    double x[3];
    pel_sparse_cg_info info;
    ck_assert_fails(ctx, solve(cg, b, x, 10, 0.0, PEL_SPARSE_CG_ZERO, &info), PEL_ESINGULAR,
                    "cg: breakdown at iteration 2: p.Ap = -22.5 <= 0, the matrix is not positive definite");
    ck_assert_int_eq(info.iterations, 1);
    ck_assert(x[0] == 1.5 && x[1] == 1.5 && x[2] == 1.5); /* the first iterate, alpha b */
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);

    const int64_t rp2[3] = {0, 2, 4};
    const int32_t ci2[4] = {0, 1, 0, 1};
    const double v2[4] = {1, 2, 2, 1};
    ck_assert_ok(pel_sparse_csr_create(ctx, 2, 2, rp2, ci2, v2, &A));
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    const double b2[2] = {1, -1};
    ck_assert_fails(ctx, solve(cg, b2, x, 10, 1e-8, PEL_SPARSE_CG_ZERO, NULL), PEL_ESINGULAR,
                    "breakdown at iteration 1: p.Ap = -2 <= 0");
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
}
END_TEST

/* NaN or Inf in a dot product is PEL_ENONFINITE naming the iteration and
 * the first non-finite entry: in b (iteration 0), in a guess x (0), in the
 * matrix (q = A p at iteration 1), and an overflowing b.b with finite
 * entries; the power step leaves x unchanged. */
START_TEST(num_cg_nonfinite)
{
    pel_context *ctx = test_context(2);
    pel_sparse_csr *A = t4(ctx);
    pel_sparse_cg *cg = NULL;
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    double b[4] = {4, -8, 7.5, -2}, x[4] = {0, 0, 0, 0};
    b[2] = NAN;
    ck_assert_fails(ctx, solve(cg, b, x, 10, 1e-10, PEL_SPARSE_CG_ZERO, NULL), PEL_ENONFINITE,
                    "at iteration 0: b[2] = ");
    ck_assert(strstr(pel_context_error(ctx), "cg: non-finite b.b = ") != NULL);
    b[2] = 7.5;
    x[3] = INFINITY;
    ck_assert_fails(ctx, solve(cg, b, x, 10, 1e-10, PEL_SPARSE_CG_GUESS, NULL), PEL_ENONFINITE,
                    "cg: non-finite r.r = inf at iteration 0: x[3] = inf");
    const double big[4] = {1e200, 1, 1, 1};
    ck_assert_fails(ctx, solve(cg, big, x, 10, 1e-10, PEL_SPARSE_CG_ZERO, NULL), PEL_ENONFINITE,
                    "cg: non-finite b.b = inf at iteration 0 (every entry of b is finite: the sum overflowed)");
    /* the power step on the same vector: x unchanged */
    double xp[4] = {1, 1, NAN, 1}, xp0[4];
    memcpy(xp0, xp, sizeof xp);
    double zeta = 42;
    ck_assert_fails(ctx, pel_sparse_cg_power_step(cg, 0.0, 25, xp, &zeta, NULL), PEL_ENONFINITE,
                    "cg: power step: non-finite x.x = ");
    ck_assert(strstr(pel_context_error(ctx), "at iteration 0: x[2] = ") != NULL);
    ck_assert(memcmp(xp, xp0, sizeof xp) == 0 && zeta == 42);
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);

    /* a NaN in the matrix (row 1's diagonal): q[1] = NaN at the first product */
    double val[10];
    memcpy(val, T4_VAL, sizeof val);
    val[3] = NAN;
    ck_assert_ok(pel_sparse_csr_create(ctx, 4, 4, T4_ROWPTR, T4_COL, val, &A));
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    pel_sparse_cg_info info;
    ck_assert_fails(ctx, solve(cg, b, x, 10, 0.0, PEL_SPARSE_CG_ZERO, &info), PEL_ENONFINITE,
                    "at iteration 1: q[1] = ");
    ck_assert(strstr(pel_context_error(ctx), "cg: non-finite p.Ap = ") != NULL);
    ck_assert(strstr(pel_context_error(ctx), " (q = A p)") != NULL);
    ck_assert_int_eq(info.iterations, 0);
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);
    pel_context_destroy(ctx);
}
END_TEST

/* A warm start (PEL_SPARSE_CG_GUESS): from the exact solution of the 4x4
 * system (b = A x* exactly in binary, so r = 0) 0 iterations and x
 * untouched, with or without a tolerance; from near the solution of the
 * class S system (shift 0) fewer iterations than from zero, to the same
 * tolerance; and a solve stopped after k iterations, continued from its x,
 * needs fewer than the whole solve from zero. */
START_TEST(num_cg_warm_start)
{
    pel_context *ctx = test_context(2);
    pel_sparse_csr *A = t4(ctx);
    pel_sparse_cg *cg = NULL;
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    const double xs[4] = {1, -2, 3, 0.5}, b4[4] = {4, -8, 7.5, -2};
    double x4[4];
    pel_sparse_cg_info info;
    for (int tol = 0; tol <= 1; tol++) {
        memcpy(x4, xs, sizeof x4);
        ck_assert_ok(solve(cg, b4, x4, 10, tol ? 1e-12 : 0.0, PEL_SPARSE_CG_GUESS, &info));
        ck_assert_int_eq(info.iterations, 0);
        ck_assert(memcmp(x4, xs, sizeof xs) == 0 && info.rho == 0 && info.rnorm == 0);
    }
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);

    A = npb_matrix(ctx, 'S', 0.0, 1);
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    const int64_t n = pel_sparse_csr_rows(A);
    double *b = pel_malloc((size_t)n * sizeof *b), *x = pel_malloc((size_t)n * sizeof *x);
    double *y = pel_malloc((size_t)n * sizeof *y);
    for (int64_t j = 0; j < n; j++) b[j] = 1.0 + (double)(j % 7);
    double bn = pel_norm2(NULL, b, (size_t)n);
    pel_sparse_cg_info zero, warm;
    ck_assert_ok(solve(cg, b, x, 1000, 1e-10, PEL_SPARSE_CG_ZERO, &zero));
    /* near: the solution perturbed by 1e-6 relative */
    for (int64_t j = 0; j < n; j++) y[j] = x[j] * (1.0 + 1e-6 * sin((double)j));
    ck_assert_ok(solve(cg, b, y, 1000, 1e-10, PEL_SPARSE_CG_GUESS, &warm));
    ck_assert_int_gt(warm.iterations, 0);
    ck_assert_msg(warm.iterations < zero.iterations, "warm %d, from zero %d iterations",
                  warm.iterations, zero.iterations);
    ck_assert(sqrt(warm.rho) <= 1e-10 * bn && warm.rnorm <= 1e-9 * bn);
    /* continued: 10 iterations, then from that x */
    ck_assert_ok(solve(cg, b, y, 10, 0.0, PEL_SPARSE_CG_ZERO, NULL));
    ck_assert_ok(solve(cg, b, y, 1000, 1e-10, PEL_SPARSE_CG_GUESS, &warm));
    ck_assert_int_lt(warm.iterations, zero.iterations);
    ck_assert(warm.rnorm <= 1e-9 * bn);
    /* the solved x as its own guess meets the tolerance with 0 iterations */
    ck_assert_ok(solve(cg, b, x, 1000, 1e-10, PEL_SPARSE_CG_GUESS, &warm));
    ck_assert_int_eq(warm.iterations, 0);
    pel_free(b);
    pel_free(x);
    pel_free(y);
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
        ck_assert_ok(solve(cg, b, x, 500, 1e-12, PEL_SPARSE_CG_ZERO, &info));
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

/* ---- the policy: inside a user's region, in tasks, nested ---------------------------- */

/* The class S matrix's arrays (NPB's shift, or 0 for a definite one), made
 * once per test; each run copies them into its own matrix. */
typedef struct sys_arg {
    int64_t n, nnz;
    int64_t *rp;
    int32_t *ci;
    double *v, *b;
} sys_arg;

static sys_arg sys_make(double shift, int use_shift)
{
    sys_arg a;
    pel_sparse_csr *A = npb_matrix(tctx(1), 'S', shift, use_shift);
    a.n = pel_sparse_csr_rows(A);
    a.nnz = pel_sparse_csr_nnz(A);
    a.rp = malloc((size_t)(a.n + 1) * sizeof *a.rp);
    a.ci = malloc((size_t)a.nnz * sizeof *a.ci);
    a.v = malloc((size_t)a.nnz * sizeof *a.v);
    a.b = malloc((size_t)a.n * sizeof *a.b);
    ck_assert(a.rp && a.ci && a.v && a.b);
    memcpy(a.rp, pel_sparse_csr_rowptr(A), (size_t)(a.n + 1) * sizeof *a.rp);
    memcpy(a.ci, pel_sparse_csr_colidx(A), (size_t)a.nnz * sizeof *a.ci);
    memcpy(a.v, pel_sparse_csr_values(A), (size_t)a.nnz * sizeof *a.v);
    for (int64_t j = 0; j < a.n; j++) a.b[j] = sin((double)j);
    pel_sparse_csr_destroy(A);
    return a;
}

static void sys_free(sys_arg *a)
{
    free(a->rp), free(a->ci), free(a->v), free(a->b);
}

static pel_sparse_csr *sys_matrix(pel_context *ctx, const sys_arg *a)
{
    pel_sparse_csr *A = NULL;
    ck_assert_ok(pel_sparse_csr_create(ctx, a->n, a->n, a->rp, a->ci, a->v, &A));
    return A;
}

/* makea (class S), then y = A x: out = y, then the fingerprints of the
 * values and column indices (padded to whole doubles: test_policy places
 * the results of several runs one after the other). */
#define MAKEA_FP_BYTES ((2 * PEL_FINGERPRINT_HEX + sizeof(double) - 1) / sizeof(double) * sizeof(double))
static size_t makea_bytes(void) { return 1400 * sizeof(double) + MAKEA_FP_BYTES; }

static void run_makea_spmv(pel_context *ctx, void *arg, void *out)
{
    (void)arg;
    pel_sparse_csr *A = npb_matrix(ctx, 'S', 0, 0);
    int64_t n = pel_sparse_csr_rows(A), nnz = pel_sparse_csr_nnz(A);
    ck_assert_int_eq(n, 1400);
    double x[1400], *y = out;
    for (int64_t j = 0; j < n; j++) x[j] = 1.0 / (double)(j + 1);
    ck_assert_ok(pel_sparse_csr_spmv(ctx, A, x, y));
    char *f = (char *)(y + n);
    memset(f, 0, MAKEA_FP_BYTES);
    pel_fingerprint(pel_sparse_csr_values(A), (size_t)nnz * sizeof(double), f);
    pel_fingerprint(pel_sparse_csr_colidx(A), (size_t)nnz * sizeof(int32_t), f + PEL_FINGERPRINT_HEX);
    pel_sparse_csr_destroy(A);
}

/* A user's arrays copied in, then y = A b: out = y. */
static void run_csr_spmv(pel_context *ctx, void *arg, void *out)
{
    const sys_arg *a = arg;
    pel_sparse_csr *A = sys_matrix(ctx, a);
    ck_assert(memcmp(pel_sparse_csr_values(A), a->v, (size_t)a->nnz * sizeof *a->v) == 0);
    ck_assert_ok(pel_sparse_csr_spmv(ctx, A, a->b, out));
    pel_sparse_csr_destroy(A);
}

/* CG to 1e-12 from zero, then a warm start to 1e-14 from that x (either may
 * stop short of the tolerance on rounding: the status is part of the
 * result): out = x, then iterations, status, rnorm and rho of both. */
typedef struct solve_out {
    int it[2], st[2];
    double rnorm[2], rho[2];
} solve_out;

static void run_solve(pel_context *ctx, void *arg, void *out)
{
    const sys_arg *a = arg;
    pel_sparse_csr *A = sys_matrix(ctx, a);
    pel_sparse_cg *cg = NULL;
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    double *x = out;
    solve_out so;
    memset(&so, 0, sizeof so);
    for (int k = 0; k < 2; k++) {
        pel_sparse_cg_info info;
        so.st[k] = solve(cg, a->b, x, 500, k ? 1e-14 : 1e-12,
                         k ? PEL_SPARSE_CG_GUESS : PEL_SPARSE_CG_ZERO, &info);
        ck_assert(so.st[k] == PEL_OK || so.st[k] == PEL_ENOTCONV);
        so.it[k] = info.iterations;
        so.rnorm[k] = info.rnorm;
        so.rho[k] = info.rho;
    }
    memcpy(x + a->n, &so, sizeof so);
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);
}

/* NPB's power step, three times from x = 1: out = x, zeta, rnorm. */
static void run_power(pel_context *ctx, void *arg, void *out)
{
    const sys_arg *a = arg;
    pel_sparse_csr *A = sys_matrix(ctx, a);
    pel_sparse_cg *cg = NULL;
    ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
    double *x = out;
    for (int64_t j = 0; j < a->n; j++) x[j] = 1.0;
    for (int it = 0; it < 3; it++)
        ck_assert_ok(pel_sparse_cg_power_step(cg, 10.0, 25, x, x + a->n, x + a->n + 1));
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);
}

/* Breakdown and non-finite values on a system of several blocks (so the
 * team, or the tasks, have several blocks to share): A = diag(2, 1, -1),
 * each entry repeated on 100 rows, b = 1: num_cg_not_spd's case scaled by
 * 100, exactly in binary (p.Ap = 200, then -2250 at iteration 2); then a
 * NaN in b at row 250 (iteration 0), a NaN on row 230's diagonal (q at
 * iteration 1), and the power step on an x with that NaN (x unchanged).
 * out = a fail_out: statuses, iterations, the x of the breakdown, messages. */
#define FAIL_N 300
typedef struct fail_out {
    int st[4], it[3];
    double x[FAIL_N], xp[FAIL_N];
    char msg[4][200];
} fail_out;

static void run_failures(pel_context *ctx, void *arg, void *out)
{
    (void)arg;
    fail_out *o = out;
    memset(o, 0, sizeof *o);
    int64_t rp[FAIL_N + 1];
    int32_t ci[FAIL_N];
    double v[FAIL_N], b[FAIL_N];
    for (int j = 0; j < FAIL_N; j++) {
        rp[j] = j;
        ci[j] = j;
        v[j] = j < 100 ? 2.0 : j < 200 ? 1.0 : -1.0;
        b[j] = 1.0;
    }
    rp[FAIL_N] = FAIL_N;
    for (int k = 0; k < 3; k++) {
        if (k == 2) v[230] = NAN;
        pel_sparse_csr *A = NULL;
        pel_sparse_cg *cg = NULL;
        ck_assert_ok(pel_sparse_csr_create(ctx, FAIL_N, FAIL_N, rp, ci, v, &A));
        ck_assert_ok(pel_sparse_cg_create(ctx, A, &cg));
        b[250] = k == 1 ? NAN : 1.0;
        double xk[FAIL_N];
        pel_sparse_cg_info info;
        o->st[k] = solve(cg, b, k ? xk : o->x, 10, 0.0, PEL_SPARSE_CG_ZERO, &info);
        o->it[k] = info.iterations;
        snprintf(o->msg[k], sizeof o->msg[k], "%s", pel_context_error(ctx));
        if (k == 1) {
            for (int j = 0; j < FAIL_N; j++) o->xp[j] = j == 250 ? NAN : 1.0;
            double zeta = 42;
            o->st[3] = pel_sparse_cg_power_step(cg, 0.0, 25, o->xp, &zeta, NULL);
            snprintf(o->msg[3], sizeof o->msg[3], "%s", pel_context_error(ctx));
            ck_assert(zeta == 42);
        }
        pel_sparse_cg_destroy(cg);
        pel_sparse_csr_destroy(A);
    }
    ck_assert_int_eq(o->st[0], PEL_ESINGULAR);
    ck_assert_msg(strstr(o->msg[0], "breakdown at iteration 2: p.Ap = -2250 <= 0") != NULL, "%s",
                  o->msg[0]);
    ck_assert_int_eq(o->it[0], 1);
    for (int j = 0; j < FAIL_N; j++) ck_assert(o->x[j] == 1.5); /* alpha b */
    ck_assert_int_eq(o->st[1], PEL_ENONFINITE);
    ck_assert_msg(strstr(o->msg[1], "at iteration 0: b[250] = ") != NULL, "%s", o->msg[1]);
    ck_assert_int_eq(o->st[2], PEL_ENONFINITE);
    ck_assert_msg(strstr(o->msg[2], "at iteration 1: q[230] = ") != NULL, "%s", o->msg[2]);
    ck_assert_int_eq(o->st[3], PEL_ENONFINITE);
    ck_assert_msg(strstr(o->msg[3], "at iteration 0: x[250] = ") != NULL, "%s", o->msg[3]);
}

/* A run made by one thread of a user's region of 2 (`single`, nesting off)
 * with a 2-thread context gives a plain call's bits, and no more OS threads
 * ran than the region's 2: the solve and the power step then run as tasks
 * of that region (each phase a taskloop of the context's 2 virtual threads,
 * which the region's idle thread joins).  Which thread ran a task is not
 * visible through the public API, so that both took part is not checked.
 * Call it first in its test (the OS thread count). */
static void test_in_single(test_run_fn run, void *arg, size_t nbytes)
{
    pel_context *ctx = test_context(2);
    unsigned char *ref = malloc(nbytes), *got = malloc(nbytes);
    ck_assert(ref && got);
    run(ctx, arg, ref);
    omp_set_max_active_levels(1);
    memset(got, 0xA5, nbytes);
#pragma omp parallel num_threads(2) default(none) shared(ctx, run, arg, got)
#pragma omp single
    run(ctx, arg, got);
    ck_assert_msg(memcmp(ref, got, nbytes) == 0,
                  "called from a single of a region of 2 the result differs from a plain call");
    int now = test_os_threads(2);
    ck_assert_msg(now <= 2, "%d OS threads ran, at most 2 were asked for", now);
    free(ref);
    free(got);
    pel_context_destroy(ctx);
}

START_TEST(threads_policy_makea_spmv)
{
    test_policy(run_makea_spmv, NULL, makea_bytes());
}
END_TEST

START_TEST(threads_policy_csr_spmv)
{
    sys_arg a = sys_make(0, 0);
    size_t nbytes = (size_t)a.n * sizeof(double);
    test_policy(run_csr_spmv, &a, nbytes);
    test_same_bits_1_to_4(run_csr_spmv, &a, nbytes);
    sys_free(&a);
}
END_TEST

START_TEST(threads_policy_solve)
{
    sys_arg a = sys_make(0.0, 1);
    size_t nbytes = (size_t)a.n * sizeof(double) + sizeof(solve_out);
    test_policy(run_solve, &a, nbytes);
    test_same_bits_1_to_4(run_solve, &a, nbytes);
    sys_free(&a);
}
END_TEST

START_TEST(threads_policy_power)
{
    sys_arg a = sys_make(0, 0);
    size_t nbytes = (size_t)(a.n + 2) * sizeof(double);
    test_policy(run_power, &a, nbytes);
    sys_free(&a);
}
END_TEST

/* A system whose work is all in its first half, so a team's threads finish
 * their static blocks at very different times and the product phases hand
 * the first thread's blocks to the others (kernels/sparse/cg.c): rows j <
 * n/2 couple to every k < n/2 with 0 < |j - k| <= SKEW_W (-1 each) and hold
 * 2 SKEW_W + 2 on the diagonal, the rows of the second half only their
 * diagonal 1 + j mod 7; strictly diagonally dominant, so SPD (Gershgorin).
 * With 2 threads the second's 20 blocks cost about 1/200 of the first's.
 * A block lost or computed from a stale p would change x (or the iteration
 * count) against one thread. */
#define SKEW_N (40 * PEL_SPARSE_BLOCK)
#define SKEW_W 100
static sys_arg sys_skewed(void)
{
    sys_arg a;
    a.n = SKEW_N;
    int64_t h = SKEW_N / 2, cap = h * (2 * SKEW_W + 1) + (SKEW_N - h);
    a.rp = malloc((size_t)(a.n + 1) * sizeof *a.rp);
    a.ci = malloc((size_t)cap * sizeof *a.ci);
    a.v = malloc((size_t)cap * sizeof *a.v);
    a.b = malloc((size_t)a.n * sizeof *a.b);
    ck_assert(a.rp && a.ci && a.v && a.b);
    int64_t k = 0;
    for (int64_t j = 0; j < a.n; j++) {
        a.rp[j] = k;
        if (j < h) {
            for (int64_t c = j - SKEW_W; c <= j + SKEW_W; c++)
                if (c >= 0 && c < h) {
                    a.ci[k] = (int32_t)c;
                    a.v[k++] = c == j ? 2.0 * SKEW_W + 2.0 : -1.0;
                }
        } else {
            a.ci[k] = (int32_t)j;
            a.v[k++] = 1.0 + (double)(j % 7);
        }
        a.b[j] = sin((double)j);
    }
    a.rp[a.n] = k;
    a.nnz = k;
    return a;
}

START_TEST(threads_skewed_work)
{
    sys_arg a = sys_skewed();
    size_t nsolve = (size_t)a.n * sizeof(double) + sizeof(solve_out);
    test_same_bits_1_to_4(run_solve, &a, nsolve);
    test_policy(run_solve, &a, nsolve);
    test_same_bits_1_to_4(run_power, &a, (size_t)(a.n + 2) * sizeof(double));
    sys_free(&a);
}
END_TEST

START_TEST(threads_single_solve)
{
    sys_arg a = sys_make(0.0, 1);
    test_in_single(run_solve, &a, (size_t)a.n * sizeof(double) + sizeof(solve_out));
    sys_free(&a);
}
END_TEST

START_TEST(threads_single_power)
{
    sys_arg a = sys_make(0, 0);
    test_in_single(run_power, &a, (size_t)(a.n + 2) * sizeof(double));
    sys_free(&a);
}
END_TEST

START_TEST(threads_single_failures)
{
    test_in_single(run_failures, NULL, sizeof(fail_out));
    test_same_bits_1_to_4(run_failures, NULL, sizeof(fail_out));
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
    tcase_add_test(num, num_spmv_index_steps);
    tcase_add_test(num, num_spmv_isa_variants);
    tcase_add_test(num, num_spmv_order_by_hand);
    tcase_add_test(num, num_spmv_blocks);
    tcase_add_test(num, num_cg_4x4);
    tcase_add_test(num, num_makea_structure);
    tcase_add_test(num, num_makea_definition);
    tcase_add_test(num, num_makea_wide);
    tcase_add_test(num, num_npb_class_s);
    tcase_add_test(num, num_npb_class_w);
    tcase_add_test(num, num_cg_tolerance);
    tcase_add_test(num, num_cg_not_converged);
    tcase_add_test(num, num_cg_not_spd);
    tcase_add_test(num, num_cg_nonfinite);
    tcase_add_test(num, num_cg_warm_start);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_makea_spmv);
    tcase_add_test(thr, threads_power);
    tcase_add_test(thr, threads_solve);
    tcase_add_test(thr, threads_policy_makea_spmv);
    tcase_add_test(thr, threads_policy_csr_spmv);
    tcase_add_test(thr, threads_policy_solve);
    tcase_add_test(thr, threads_policy_power);
    tcase_add_test(thr, threads_skewed_work);
    tcase_add_test(thr, threads_single_solve);
    tcase_add_test(thr, threads_single_power);
    tcase_add_test(thr, threads_single_failures);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(sparse_suite()); }
