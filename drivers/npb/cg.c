/* NPB CG for pel-npb: the sparse family's CG solver (kernels/sparse) run the
 * way NPB 3.3.1's cg.f runs it.
 *
 * Untimed: makea's matrix, x = 1, one power step to warm up, x = 1 again.
 * Timed (NPB's T_bench): niter power steps, each 25 CG iterations, the
 * explicit residual, zeta = shift + 1/(x.z) and x = z/||z||, with NPB's
 * progress line per step.  Verified: the last zeta against NPB's
 * zeta_verify_value, relative error <= 1e-10.  Mop/s: NPB's count
 * (pel_sparse_npb_flops) / seconds / 1e6. */
#include <config.h>

#include "npb/npb.h"

static void ones(double *x, int64_t n)
{
    for (int64_t j = 0; j < n; j++) x[j] = 1.0;
}

static pel_status run(pel_context *ctx, char cls, FILE *out, pel_verify_log *log, npb_result *res)
{
    pel_sparse_npb c;
    pel_status st = pel_sparse_npb_class(ctx, cls, &c);
    if (st != PEL_OK) return st;

    pel_sparse_csr *A = NULL;
    pel_sparse_cg *cg = NULL;
    double *x = pel_malloc((size_t)c.na * sizeof *x);
    if (!x) return pel_error(ctx, PEL_ENOMEM, "cg: out of memory");
    st = pel_sparse_npb_makea(ctx, c.na, c.nonzer, c.rcond, c.shift, &A);
    if (st == PEL_OK) st = pel_sparse_cg_create(ctx, A, &cg);
    if (st != PEL_OK) goto done;
    ones(x, c.na);
    st = pel_sparse_cg_power_step(cg, c.shift, c.cgit, x, NULL, NULL); /* NPB's untimed iteration */
    if (st != PEL_OK) goto done;
    ones(x, c.na);

    double zeta = 0.0, rnorm = 0.0;
    st = pel_region_begin(ctx, "cg.benchmark");
    double t0 = pel_wtime();
    for (int it = 1; st == PEL_OK && it <= c.niter; it++) {
        st = pel_sparse_cg_power_step(cg, c.shift, c.cgit, x, &zeta, &rnorm);
        if (out && it == 1) fprintf(out, "\n   iteration           ||r||                 zeta\n");
        if (out) fprintf(out, "    %5d       %20.14E%20.13f\n", it, rnorm, zeta);
    }
    double t = pel_wtime() - t0;
    if (st == PEL_OK) st = pel_region_end(ctx, "cg.benchmark");
    if (st != PEL_OK) goto done;

    if (out) fprintf(out, " Zeta is %20.13E (NPB: %20.13E)\n", zeta, c.zeta_ref);
    pel_verify_close(log, "cg.zeta", zeta, c.zeta_ref, 0.0, c.eps);

    snprintf(res->size, sizeof res->size, "%lld", (long long)c.na);
    res->iterations = c.niter;
    res->seconds = t;
    res->mops = t > 0 ? pel_sparse_npb_flops(&c) / t * 1.0e-6 : 0.0;
    pel_fingerprint(x, (size_t)c.na * sizeof *x, res->fingerprint); /* the final eigenvector */
done:
    pel_sparse_cg_destroy(cg);
    pel_sparse_csr_destroy(A);
    pel_free(x);
    return st;
}

const npb_kernel npb_cg = {"cg", "floating point", run};
