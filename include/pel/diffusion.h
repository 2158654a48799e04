/* Spectral diffusion of a periodic complex 3D field with FFTW (the
 * computation of NPB's FT benchmark, usable on any field).
 *
 * The field is nx*ny*nz complex numbers stored as interleaved doubles,
 * x fastest: point (x, y, z) is u[2 p] + i u[2 p + 1], p = (z ny + y) nx + x.
 * Create plans every transform once; set_initial transforms an initial field
 * and keeps its spectrum; evolve(t) gives the field at time t,
 *
 *     u(t) = F^-1[ F[u0](k) exp(-4 alpha pi^2 |kbar|^2 t) ],
 *
 * with kbar the signed wavenumber index of each dimension, in [-n/2, n/2)
 * (NPB's convention), and F^-1 normalised so that evolve(0) returns u0.  The
 * forward transform uses NPB's sign, exp(+2 pi i k.x / n).  Results are
 * bitwise identical for any thread count (docs/poisson.md). */
#ifndef PEL_DIFFUSION_H
#define PEL_DIFFUSION_H
#define PEL_DIFFUSION_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <stdint.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_diffusion_params {
    size_t nx, ny, nz; /* points per dimension, each at least 1 */
    double alpha;      /* diffusivity, finite and >= 0 */
} pel_diffusion_params;

typedef struct pel_diffusion pel_diffusion;

/* Allocates the spectrum and work arrays and makes every FFTW plan
 * (FFTW_ESTIMATE: the plans, hence the bits, never vary between runs). */
pel_status pel_diffusion_create(pel_context *ctx, const pel_diffusion_params *p,
                                pel_diffusion **out);
void pel_diffusion_destroy(pel_diffusion *d);

/* Forward-transforms the initial field u0 (2 nx ny nz doubles) and keeps its
 * spectrum.  Never allocates; region "diffusion.forward". */
pel_status pel_diffusion_set_initial(pel_diffusion *d, const double *u0);

/* Writes the field at time t >= 0 to u (2 nx ny nz doubles): the kept
 * spectrum times the decay factors, inverse-transformed.  May be called any
 * number of times, for any t, in any order.  Never allocates; region
 * "diffusion.evolve". */
pel_status pel_diffusion_evolve(pel_diffusion *d, double t, double *u);

/* NPB FT's checksum of a field u of this grid, normalised as above:
 * the sum, in order of j = 1..1024, of the point x = j mod nx,
 * y = 3j mod ny, z = 5j mod nz.  sum[0] real part, sum[1] imaginary. */
pel_status pel_diffusion_checksum(const pel_diffusion *d, const double *u, double sum[2]);

/* Points of the grid (nx ny nz), 0 for NULL. */
size_t pel_diffusion_points(const pel_diffusion *d);

/* ---- NPB FT (NPB 3.3.1) ------------------------------------------------------ */

#define PEL_DIFFUSION_NPB_MAXITER 20

typedef struct pel_diffusion_npb {
    char cls;                    /* 'S', 'W', 'A', 'B' or 'C' */
    pel_diffusion_params params; /* the grid and alpha = 1e-6 */
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
 * mod 2^46.  Each thread fills whole z planes from their own start (jump
 * ahead), with the split evolve uses, so the pages land where they are used. */
pel_status pel_diffusion_npb_initial(pel_diffusion *d, uint64_t seed, uint64_t a, double *u);

/* NPB's verification test for one step: |sum - ref| / |ref| with complex
 * arithmetic (NPB 3.3.1 ft.f, verify); passes when <= epsilon. */
double pel_diffusion_npb_error(const double sum[2], const double ref[2]);

#ifdef __cplusplus
}
#endif
#endif
