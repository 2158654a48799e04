/* pel-bench's sparse suite: the CG product y = A x on NPB's matrix against
 * the triad, and its ceiling measured the same way.  The ceiling is a
 * matrix with the same rows, values and stored bytes (the same row blocks'
 * stream of words and values: no step of such a twin needs a dummy entry)
 * whose columns all lie in x's first 1024 entries (8 KiB, in L1): the same
 * stream with x never refilled from L2.  The product by row blocks reads x
 * once per block in ascending order (docs/sparse.md, sixth round), so what
 * the twin takes away is that walk's refills; its fraction of the triad is
 * the most a product of this form could reach on the machine at hand. */
#include <config.h>

#include <stdlib.h>

#include "common/bench.h"
#include "common/driver.h"

#define X_IN_L1 1024

/* A's rows and values with the columns of row i moved to a run of
 * consecutive columns inside x's first X_IN_L1 entries (ascending and
 * distinct, as a row's columns must be), at a start that varies by row. */
static pel_sparse_csr *in_l1_twin(pel_context *ctx, const pel_sparse_csr *A)
{
    const int64_t n = pel_sparse_csr_rows(A), *rp = pel_sparse_csr_rowptr(A);
    int32_t *col = malloc((size_t)(pel_sparse_csr_nnz(A) + 1) * sizeof *col);
    if (!col) return NULL;
    for (int64_t i = 0; i < n; i++) {
        int64_t len = rp[i + 1] - rp[i], room = len < X_IN_L1 ? X_IN_L1 - len + 1 : 1;
        int64_t start = (i * 389) % room;
        for (int64_t k = 0; k < len; k++) col[rp[i] + k] = (int32_t)(start + k);
    }
    pel_sparse_csr *B = NULL;
    pel_sparse_csr_create(ctx, n, pel_sparse_csr_cols(A), rp, col, pel_sparse_csr_values(A), &B);
    free(col);
    return B;
}

/* seconds per product over `passes` products */
static double product_seconds(pel_context *ctx, const pel_sparse_csr *A, const double *x, double *y, int passes)
{
    double t0 = pel_wtime();
    for (int p = 0; p < passes; p++)
        if (pel_sparse_csr_spmv(ctx, A, x, y)) return -1.0;
    return (pel_wtime() - t0) / passes;
}

static int run(const pel_bench_env *env, pel_bench_out *out)
{
    pel_context *ctx = env->ctx;
    pel_sparse_npb cl;
    pel_sparse_csr *A = NULL, *B = NULL;
    double *x = NULL, *y = NULL;
    pel_bench_triad tr = {0};
    int code = PEL_EXIT_RUN;
    if (pel_sparse_npb_class(ctx, env->cls, &cl) ||
        pel_sparse_npb_makea(ctx, cl.na, cl.nonzer, cl.rcond, cl.shift, &A) || !(B = in_l1_twin(ctx, A))) {
        fprintf(stderr, "pel-bench: error: sparse: %s\n", pel_context_error(ctx));
        goto out;
    }
    x = pel_malloc((size_t)cl.na * sizeof *x);
    y = pel_malloc((size_t)cl.na * sizeof *y);
    if (!x || !y || !pel_bench_triad_init(env, &tr)) {
        fprintf(stderr, "pel-bench: error: sparse: out of memory\n");
        goto out;
    }
    for (int64_t i = 0; i < cl.na; i++) x[i] = 1.0 + (double)(i % 7) / 8.0, y[i] = 0.0;
    const double bytes = pel_sparse_csr_spmv_bytes(A), nnz = (double)pel_sparse_csr_nnz(A);
    /* warm up (threads, pages), then enough products for about 0.2 s */
    double t1 = product_seconds(ctx, A, x, y, 1);
    if (t1 < 0 || product_seconds(ctx, B, x, y, 1) < 0) goto fail;
    int passes = t1 > 0 ? (int)(0.2 / t1) : 1000;
    if (passes < 1) passes = 1;
    if (passes > 1000) passes = 1000;
    if (env->quick) passes = 2;
    static const char *const names[6] = {"cg product",         "cg product / triad", "x in L1",
                                         "x in L1 / triad",    "triad bandwidth",    "cg product ns per nonzero"};
    static const char *const units[6] = {"GB/s", "ratio", "GB/s", "ratio", "GB/s", "ns"};
    int first = out->n;
    for (int k = 0; k < 6; k++)
        if (!pel_bench_add(out, units[k], "%s (class %c)", names[k], cl.cls)) goto out;
    pel_bench_series *s = &out->s[first];
    double before = pel_bench_triad_gbs(&tr, env->threads, 3);
    for (int r = 0; r < env->reps && !pel_run_stop_signal(); r++) {
        double ta = product_seconds(ctx, A, x, y, passes), tb = product_seconds(ctx, B, x, y, passes);
        if (ta < 0 || tb < 0) goto fail;
        double after = pel_bench_triad_gbs(&tr, env->threads, 3), bound = 0.5 * (before + after);
        double v[6] = {bytes / ta * 1e-9, bytes / ta * 1e-9 / bound, bytes / tb * 1e-9, bytes / tb * 1e-9 / bound,
                       bound, ta / nnz * 1e9};
        for (int k = 0; k < 6; k++) s[k].v[s[k].n++] = v[k];
        before = after;
    }
    if (pel_run_stop_signal()) {
        code = PEL_EXIT_OK; /* pel-bench reports the signal */
        goto out;
    }
    printf("sparse: NPB CG class %c matrix, %lld rows, %.0f nonzeros, %.4g MB a product by the family's count,\n"
           "  %d products a repetition between two triads; \"x in L1\": the same rows, values and bytes with\n"
           "  every row's columns in x's first %d entries (the most \"cg product / triad\" could be)\n",
           cl.cls, (long long)cl.na, nnz, bytes * 1e-6, passes, X_IN_L1);
    pel_bench_print_table(stdout, out, first);
    code = PEL_EXIT_OK;
    goto out;
fail:
    fprintf(stderr, "pel-bench: error: sparse: %s\n", pel_context_error(ctx));
out:
    pel_bench_triad_free(&tr);
    pel_free(x);
    pel_free(y);
    pel_sparse_csr_destroy(A);
    pel_sparse_csr_destroy(B);
    return code;
}

static int families(const pel_bench_env *env, const pel_component_type **out, int max)
{
    (void)env;
    if (max > 0) out[0] = &pel_sparse_component;
    return 1;
}

const pel_bench_suite pel_bench_sparse = {"sparse", "the CG product against the triad and its ceiling (x in L1)", 0,
                                          NULL, run, families};
