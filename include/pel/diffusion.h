/* Spectral diffusion of a periodic complex 3D field with FFTW (the
 * computation of NPB's FT benchmark, usable on any field).
 *
 * Layout (PEL's one convention, as pel/field.h): the field is
 * n[0] x n[1] x n[2] complex numbers stored as interleaved doubles in C
 * order, n[0] slowest and n[2] fastest: point (i0, i1, i2) is
 * u[2 p] + i u[2 p + 1] with p = (i0 n[1] + i1) n[2] + i2.  The domain is
 * the unit periodic cube, one period per dimension: point i_d of the n[d]
 * points of dimension d sits at x_d = i_d / n[d] of the period.  (NPB FT's
 * nx x ny x nz grid, x fastest, is n = {nz, ny, nx}.)
 *
 * Create plans every transform once; set_initial transforms an initial field
 * and keeps its spectrum; evolve(t) gives the field at time t,
 *
 *     u(t) = F^-1[ F[u0](k) exp(-4 alpha pi^2 |kbar|^2 t) ],
 *
 * the exact solution of du/dt = alpha laplacian(u) on the unit cube, with
 * kbar the signed wavenumber index of each dimension, in [-n/2, n/2)
 * (NPB's convention), and F^-1 normalised so that evolve(0) returns u0.  The
 * forward transform uses NPB's sign, exp(+2 pi i k.x).  Results are bitwise
 * identical for any thread count (docs/diffusion.md). */
#ifndef PEL_DIFFUSION_H
#define PEL_DIFFUSION_H
#define PEL_DIFFUSION_NUMERICS_VERSION 2 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <stdint.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_diffusion_params {
    size_t n[3];  /* points per dimension, n[0] slowest, each at least 1 */
    double alpha; /* diffusivity (period^2 per unit time), finite and >= 0 */
} pel_diffusion_params;

/* Fills defaults: NPB FT class S's problem, n = {64, 64, 64}, alpha = 1e-6. */
void pel_diffusion_params_default(pel_diffusion_params *p);

typedef struct pel_diffusion pel_diffusion;

/* Allocates the spectrum and work arrays and makes every FFTW plan
 * (FFTW_ESTIMATE: the plans, hence the bits, never vary between runs), and
 * one plane buffer per thread: as many as the context has threads now, or
 * cores if more; later calls use at most that many threads.
 * Distinct objects may be used concurrently from any threads or tasks, even
 * when made from one context; one object is used by one thread at a time;
 * each call's team follows the thread rule of pel/context.h (this kernel:
 * its passes are independent planes and slabs, so inside a caller's team
 * without nesting they run as tasks of that team). */
pel_status pel_diffusion_create(pel_context *ctx, const pel_diffusion_params *p,
                                pel_diffusion **out);
void pel_diffusion_destroy(pel_diffusion *d);

/* Forward-transforms the initial field u0 (2 N doubles, N = n[0] n[1] n[2])
 * and keeps its spectrum.  Never allocates; region "diffusion.forward". */
pel_status pel_diffusion_set_initial(pel_diffusion *d, const double *u0);

/* Writes the field at time t >= 0 to u (2 N doubles): the kept spectrum
 * times the decay factors, inverse-transformed.  May be called any number of
 * times, for any t, in any order.  Never allocates; region
 * "diffusion.evolve". */
pel_status pel_diffusion_evolve(pel_diffusion *d, double t, double *u);

/* NPB FT's checksum of a field u of this grid, normalised as above:
 * the sum, in order of j = 1..1024, of the point i2 = j mod n[2],
 * i1 = 3j mod n[1], i0 = 5j mod n[0] (NPB's x, y, z).  sum[0] real part,
 * sum[1] imaginary. */
pel_status pel_diffusion_checksum(const pel_diffusion *d, const double *u, double sum[2]);

/* Points of the grid (n[0] n[1] n[2]), 0 for NULL. */
size_t pel_diffusion_points(const pel_diffusion *d);

/* ---- NPB FT (NPB 3.3.1) ------------------------------------------------------ */

#define PEL_DIFFUSION_NPB_MAXITER 20

typedef struct pel_diffusion_npb {
    char cls;                    /* 'S', 'W', 'A', 'B' or 'C' */
    pel_diffusion_params params; /* the grid (n = {nz, ny, nx} of NPB) and alpha = 1e-6 */
    int niter;                   /* time steps t = 1..niter */
    uint64_t seed;               /* 314159265 */
    uint64_t a;                  /* 5^13 */
    /* NPB's reference checksum after step t is checksum[t - 1] (re, im) */
    double checksum[PEL_DIFFUSION_NPB_MAXITER][2];
    double epsilon; /* NPB's bound on |sum - ref| / |ref| (complex modulus) */
} pel_diffusion_npb;

/* The class table: PEL_EINVAL for a class other than S, W, A, B, C. */
pel_status pel_diffusion_npb_class(pel_context *ctx, char cls, pel_diffusion_npb *out);

/* NPB's initial condition on the solver's grid: the doubles of u are the
 * successive numbers of NPB's LCG stream (seed, a): u[m] = 2^-46 seed a^(m+1)
 * mod 2^46.  Each thread fills whole planes of dimension 0 from their own
 * start (jump ahead), with the split evolve uses, so the pages land where
 * they are used.  Barrier-free: tasks of the caller's team, as evolve. */
pel_status pel_diffusion_npb_initial(pel_diffusion *d, uint64_t seed, uint64_t a, double *u);

/* NPB's verification test for one step: |sum - ref| / |ref| with complex
 * arithmetic (NPB 3.3.1 ft.f, verify); passes when <= epsilon. */
double pel_diffusion_npb_error(const double sum[2], const double ref[2]);

#ifdef __cplusplus
}
#endif
#endif
