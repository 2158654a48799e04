/* Private to libpel: the spectral diffusion solver's state, shared by
 * kernels/diffusion/diffusion.c (the solver) and kernels/diffusion/npb.c
 * (NPB's class table and initial condition). */
#ifndef PEL_INTERNAL_DIFFUSION_H
#define PEL_INTERNAL_DIFFUSION_H

#include <pel/diffusion.h>

#include "internal/fft.h"
#include "internal/team.h"

/* Layout (complex numbers; x fastest everywhere).  x, y, z name the
 * public dimensions 2, 1, 0: nx = n[2], ny = n[1], nz = n[0].
 *  - a row holds the nx points of one (y, z), rp >= nx apart;
 *  - S (spectrum) and W (work) are ny slabs, one per y, sd apart; slab y
 *    holds nz rows (z = 0..nz-1), rp apart, so a transform along z runs in
 *    one slab with stride rp and the slab stays in cache while it does;
 *  - each thread has a buffer of ny rows, rp apart, for the x and y
 *    transforms of one z plane (room for nz rows too: z plans are made
 *    there, at the alignment of every slab), and a scratch of sl complex
 *    numbers: a batch of columns (each contiguous, pad_lines(n) apart) or
 *    of rows (rp apart), the other end of every out-of-place transform.
 * rp, sd and the plane length are multiples of 4 complex numbers (64 bytes)
 * and odd numbers of 64-byte lines (see pad_lines in diffusion.c). */

struct pel_diffusion {
    pel_context *ctx;
    size_t nx, ny, nz, npoints;
    double alpha;
    size_t rp, sd, pl;
    fftw_complex *s, *w; /* ny * sd each, bytes each (peli_pages) */
    size_t bytes;
    fftw_complex *planes; /* nslots thread buffers, pl apart: call t of a pass uses buffer t */
    int nslots;           /* sized at create; a pass runs on at most nslots threads */
    double *ex, *ey, *ez; /* the decay factors of one evolve, per dimension */
    /* "fwd" is NPB's forward transform, exp(+i k x) (FFTW_BACKWARD); "inv"
     * its inverse, exp(-i k x).  Both unnormalised; evolve folds 1/N in. */
    peli_fftbatch x_fwd, x_inv; /* rows of a plane: nx long, ny of them */
    peli_fftbatch y_fwd, y_inv; /* columns of a plane: ny long, stride rp */
    peli_fftbatch z_fwd, z_inv; /* columns of a slab: nz long, stride rp */
    fftw_complex *scratch; /* nslots column scratches, sl apart */
    size_t sl;
    int have_initial;
};

/* Runs one barrier-free pass of `work` planes or slabs (peli_parallel with
 * flags 0): the context's thread count at this call, at most one thread per
 * plane buffer.  Returns the nt it ran with. */
int peli_diffusion_run(const pel_diffusion *d, size_t work, peli_team_fn fn, void *arg);

#endif
