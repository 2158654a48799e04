/* NPB EP for pel-npb: 2^(M+1) uniform numbers, Gaussian pairs by the polar
 * method, their sums and annulus counts (kernels/gauss).
 *
 * NPB 3.3.1 EP/ep.f times everything after setup: the jump-ahead factors,
 * all batches and the sum of the counts.  Here that is pel_gauss_execute;
 * the plan (the per-batch sums it allocates) is made before the timer, as
 * NPB's arrays are static. */
#include <config.h>

#include <math.h>
#include <string.h>

#include "npb/npb.h"

#define NQ 10 /* NPB's annuli */

static pel_status run(pel_context *ctx, char cls, FILE *out, pel_verify_log *log, npb_result *res)
{
    pel_gauss_npb c;
    pel_status st = pel_gauss_npb_class(ctx, cls, &c);
    if (st) return st;

    const double nrand = ldexp(1.0, c.m + 1);
    snprintf(res->size, sizeof res->size, "%.0f", nrand);
    res->iterations = 0; /* NPB's value for EP */
    if (out) fprintf(out, " Number of random numbers generated: %15s\n\n", res->size);

    pel_gauss *g = NULL;
    st = pel_gauss_create(ctx, &c.gauss, &g);
    if (st) return st;
    pel_gauss_tally t;
    uint64_t q[NQ];
    pel_region_begin(ctx, "ep");
    double t0 = pel_wtime();
    st = pel_gauss_execute(ctx, g, &t, q);
    res->seconds = pel_wtime() - t0;
    pel_region_end(ctx, "ep");
    pel_gauss_destroy(g);
    if (st) return st;

    res->mops = nrand / res->seconds / 1.0e6; /* NPB: 2^(M+1) / time / 10^6 */

    if (out) {
        fprintf(out, " EP Benchmark Results:\n\n");
        fprintf(out, " CPU Time = %10.4f\n", res->seconds);
        fprintf(out, " N = 2^%5d\n", c.m);
        fprintf(out, " No. Gaussian Pairs = %15llu\n", (unsigned long long)t.accepted);
        fprintf(out, " Sums = %25.15e %25.15e\n", t.sx, t.sy);
        fprintf(out, " Counts:\n");
        for (int l = 0; l < NQ; l++) fprintf(out, " %3d %15llu\n", l, (unsigned long long)q[l]);
    }

    /* NPB's test: |s - s_ref| <= 1e-8 |s_ref| for both sums */
    pel_verify_close(log, "ep sx", t.sx, c.sx_ref, 0.0, c.eps);
    pel_verify_close(log, "ep sy", t.sy, c.sy_ref, 0.0, c.eps);

    double result[2 + NQ] = {t.sx, t.sy};
    for (int l = 0; l < NQ; l++) result[2 + l] = (double)q[l];
    pel_fingerprint(result, sizeof result, res->fingerprint);
    return PEL_OK;
}

const npb_kernel npb_ep = {"ep", "Random numbers generated", run};
