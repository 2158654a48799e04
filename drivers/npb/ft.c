/* NPB FT for pel-npb: spectral diffusion of a random complex 3D field
 * (kernels/diffusion/diffusion.c), one checksum per time step.
 *
 * NPB 3.3.1 FT/ft.f first runs the setup, the initial condition and the
 * forward FFT once untimed ("to make sure all data is touched"), then times
 * everything from the start again: the twiddle factors, the initial
 * condition, the forward FFT, every step (evolve, inverse FFT, checksum)
 * and the verification.  Here the same: the untimed warm-up is
 * npb_initial + set_initial; the timed section is npb_initial, set_initial
 * and niter x (evolve, checksum), the decay factors being computed inside
 * evolve.  The solver (arrays, FFTW plans) is created before the timer, as
 * NPB's arrays are static; its FFTW_ESTIMATE planning takes about a
 * millisecond. */
#include <config.h>

#include <math.h>

#include "npb/npb.h"

static pel_status run(pel_context *ctx, char cls, FILE *out, pel_verify_log *vlog, npb_result *res)
{
    pel_diffusion_npb c;
    pel_status st = pel_diffusion_npb_class(ctx, cls, &c);
    if (st) return st;
    /* NPB's nx x ny x nz: n[2] x n[1] x n[0] */
    snprintf(res->size, sizeof res->size, "%zux%zux%zu", c.params.n[2], c.params.n[1],
             c.params.n[0]);
    res->iterations = c.niter;

    pel_diffusion *d = NULL;
    if ((st = pel_diffusion_create(ctx, &c.params, &d))) return st;
    size_t n = pel_diffusion_points(d);
    double *u = pel_malloc(2 * n * sizeof *u);
    if (!u) {
        pel_diffusion_destroy(d);
        return pel_error(ctx, PEL_ENOMEM, "ft: no memory for the %zu-point field", n);
    }
    double sums[PEL_DIFFUSION_NPB_MAXITER][2];

    /* NPB's untimed warm-up */
    if (!(st = pel_diffusion_npb_initial(d, c.seed, c.a, u))) st = pel_diffusion_set_initial(d, u);

    pel_region_begin(ctx, "ft");
    double t0 = pel_wtime();
    if (!st) st = pel_diffusion_npb_initial(d, c.seed, c.a, u);
    if (!st) st = pel_diffusion_set_initial(d, u);
    for (int t = 1; t <= c.niter && !st; t++) {
        st = pel_diffusion_evolve(d, (double)t, u);
        if (!st) st = pel_diffusion_checksum(d, u, sums[t - 1]);
    }
    res->seconds = pel_wtime() - t0;
    pel_region_end(ctx, "ft");

    if (!st) {
        /* NPB 3.3.1 FT/ft.f: Mop/s for ntotal points and niter steps */
        double nt = (double)n, ln = log(nt);
        res->mops = 1.0e-6 * nt * (14.8157 + 7.19641 * ln + (5.23518 + 7.21113 * ln) * c.niter) /
                    res->seconds;
        for (int t = 1; t <= c.niter; t++) {
            if (out)
                fprintf(out, " T = %5d     Checksum = %22.12e %22.12e\n", t, sums[t - 1][0],
                        sums[t - 1][1]);
            /* NPB's test: |sum - ref| / |ref| <= 1e-12 in complex arithmetic */
            char name[PEL_VERIFY_NAME_MAX];
            snprintf(name, sizeof name, "ft checksum %d relative error", t);
            pel_verify_at_most(vlog, name, pel_diffusion_npb_error(sums[t - 1], c.checksum[t - 1]),
                               c.epsilon);
        }
        pel_fingerprint(u, 2 * n * sizeof *u, res->fingerprint);
    }
    pel_free(u);
    pel_diffusion_destroy(d);
    return st;
}

const npb_kernel npb_ft = {"ft", "floating point", run};
