/* NPB MG for pel-npb: the multigrid solver of kernels/mg run the way
 * NPB 3.3.1's mg.f runs it.
 *
 * Untimed: zran3's right-hand side, u = 0, the residual and one V-cycle to
 * warm up, then u = 0 and the right-hand side again.  Timed (NPB's T_bench):
 * the residual, its norm, nit V-cycles (mg3P + resid each) and the final
 * norm.  Verified: the final L2 norm against NPB's verify_value, relative
 * error <= 1e-8.  Mop/s: 58 * nit * nx*ny*nz / seconds / 1e6, NPB's count. */
#include <config.h>

#include <stdlib.h>

#include "npb/npb.h"

/* NPB's problem: u = 0 and zran3's v (kept by the caller between uses). */
static pel_status reset(pel_mg *mg, const double *v)
{
    pel_status st = pel_mg_set_rhs(mg, v);
    return st != PEL_OK ? st : pel_mg_set_solution(mg, NULL);
}

static pel_status run(pel_context *ctx, char cls, FILE *out, pel_verify_log *log, npb_result *res)
{
    pel_mg_npb c;
    pel_mg_params p;
    pel_status st = pel_mg_npb_class(ctx, cls, &c);
    if (st != PEL_OK) return st;
    pel_mg_npb_solver_params(&c, &p);
    size_t points = c.n * c.n * c.n;

    pel_mg *mg = NULL;
    double *v = pel_malloc(points * sizeof *v), *u = NULL;
    if (!v) return pel_error(ctx, PEL_ENOMEM, "mg: out of memory");
    st = pel_mg_create(ctx, &p, &mg);
    if (st == PEL_OK) st = pel_mg_zran3(ctx, p.n, v);
    if (st == PEL_OK) st = reset(mg, v);
    if (st == PEL_OK) st = pel_mg_vcycle(mg, 1); /* NPB's "one iteration for startup" */
    if (st == PEL_OK) st = reset(mg, v);
    if (st != PEL_OK) goto done;

    double l2 = 0.0, linf = 0.0;
    st = pel_region_begin(ctx, "mg.benchmark");
    double t0 = pel_wtime();
    if (st == PEL_OK) st = pel_mg_residual(mg);
    if (st == PEL_OK) st = pel_mg_norms(mg, &l2, &linf);
    /* NPB's nit iterations as one batch (the solver fuses each cycle's
     * restriction into the previous cycle and skips it after the last) */
    if (st == PEL_OK && out) fprintf(out, "  iter %3d to %ld\n", 1, c.iterations);
    if (st == PEL_OK) st = pel_mg_vcycle(mg, c.iterations);
    if (st == PEL_OK) st = pel_mg_norms(mg, &l2, &linf);
    double t = pel_wtime() - t0;
    if (st == PEL_OK) st = pel_region_end(ctx, "mg.benchmark");
    if (st != PEL_OK) goto done;

    if (out) fprintf(out, " L2 Norm is %20.13e (NPB: %20.13e)\n", l2, c.l2_reference);
    pel_verify_close(log, "mg.l2_norm", l2, c.l2_reference, 0.0, c.epsilon);

    snprintf(res->size, sizeof res->size, "%zux%zux%zu", c.n, c.n, c.n);
    res->iterations = c.iterations;
    res->seconds = t;
    res->mops = t > 0 ? 58.0 * (double)c.iterations * (double)points * 1.0e-6 / t : 0.0;
    /* the fingerprint covers the solution and the residual */
    u = pel_malloc(2 * points * sizeof *u);
    if (!u) {
        st = pel_error(ctx, PEL_ENOMEM, "mg: out of memory");
        goto done;
    }
    st = pel_mg_get_solution(mg, u);
    if (st == PEL_OK) st = pel_mg_get_residual(mg, u + points);
    if (st == PEL_OK) pel_fingerprint(u, 2 * points * sizeof *u, res->fingerprint);
done:
    pel_free(u);
    pel_free(v);
    pel_mg_destroy(mg);
    return st;
}

const npb_kernel npb_mg = {"mg", "floating point", run};
