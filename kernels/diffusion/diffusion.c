/* Spectral diffusion of a periodic complex 3D field (include/pel/diffusion.h):
 * the computation of NPB FT, with FFTW doing the transforms.
 *
 * Passes (layout in kernels/internal/diffusion.h; x, y, z are the public
 * dimensions 2, 1, 0: x fastest).  Each pass is one barrier-free team call
 * (peli_parallel) over its planes or slabs, so inside a caller's team it
 * runs as tasks; call t of a pass uses plane buffer t and scratch t.
 * set_initial:
 *   1. per z plane: 8 rows of u0 at a time copied into the scratch and
 *      transformed (x) from there into the thread's plane buffer; then the
 *      plane's columns (y), and the rows copied out to S (row z of every
 *      slab y);
 *   2. per y slab of S: its columns (z) transformed.
 * S then holds the spectrum, kept for every later evolve.  evolve(t):
 *   1. per y slab: W = S times the decay factors (the copy and the multiply
 *      are one loop), then W's columns (z) transformed back;
 *   2. per z plane: gather row z of every slab of W into the plane buffer,
 *      transform its columns (y) back, then 8 rows at a time transformed (x)
 *      into the scratch and copied from there to u.
 * Every transform is out of place, between a plane or slab and the thread's
 * scratch: a batch of 16 adjacent columns (stride rp) goes into the scratch
 * with each column contiguous, then is copied back; 8 rows go between the
 * scratch and the plane.  In place, FFTW_ESTIMATE makes a strided column one
 * radix-8 x 8 x 4 loop per column and runs the rows through its own buffer
 * (two more copies); out of place it picks radix-16 plans that read the data
 * once (class B: 0.26 instead of 0.34 ms per plane of columns, 0.18 instead
 * of 0.28 ms per plane of rows).
 * Every pass reads and writes whole rows (nx complex numbers) of the big
 * arrays; the strided transforms run on a slab or a plane held in cache.
 * Only copies touch the caller's arrays, so their alignment never changes
 * which code FFTW runs.  Each iteration of NPB's benchmark thus reads S and
 * writes W once, then reads W and writes u once.  Rows written to S (forward)
 * and to u (inverse) use streaming stores: they are not read again in that
 * pass, and skipping the write-allocate saves a read of the array.  W is
 * written with ordinary stores, since its slab is transformed right away in
 * cache (class A at 2 threads: W through a buffer with streaming stores was
 * 3 ms per step slower than in place).
 *
 * The decay factor exp(-4 alpha pi^2 |kbar|^2 t) is a product of one factor
 * per dimension, so evolve computes nx + ny + nz exponentials (1/N folded
 * into the z table) and forms each factor as (e_y e_z) e_x: no table of N
 * factors to read, and any t costs the same.  NPB 3.3.1 instead keeps a
 * table exp(ap |kbar|^2) of N doubles and multiplies the spectrum by it once
 * per step (u0 <- u0 * twiddle), so its step t carries t roundings of the
 * factor; both agree with NPB's checksums to ~1e-15 (the tolerance is 1e-12).
 *
 * Determinism.  Each transform shape has fixed FFTW_ESTIMATE plans (a full
 * batch and a remainder) made at create time and executed on 64-byte
 * aligned buffers at the offsets they were planned at; the decay multiply is an
 * elementwise expression with a fixed order; the checksum is a serial sum in
 * a fixed order.  The thread count only decides which thread handles which
 * plane or slab, never what is computed: results are bitwise identical for
 * any thread count. */
#include <config.h>

#include <math.h>
#include <omp.h> /* omp_get_num_procs: how many plane buffers */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal/diffusion.h"
#include "internal/team.h"

/* Batch widths: rows (x) and columns (y, z) per FFTW plan execution.  They
 * fix the plans; with FFTW_ESTIMATE the arithmetic of each transform was
 * measured to be the same for any width (same fingerprints). */
#define PEL_DIFFUSION_XWIDTH 8
#define PEL_DIFFUSION_YWIDTH 16
#define PEL_DIFFUSION_ZWIDTH 16

/* Multiple of 4 complex numbers (64 bytes), an odd number of 64-byte lines,
 * so strided rows spread over the cache sets instead of piling onto a few. */
static size_t pad_lines(size_t c)
{
    size_t p = (c + 3) / 4 * 4;
    if ((p / 4) % 2 == 0) p += 4;
    return p;
}

static pel_status check_params(pel_context *ctx, const pel_diffusion_params *p)
{
    for (int k = 0; k < 3; k++)
        PEL_REQUIRE(ctx, p->n[k] >= 1, "diffusion: n[%d] = %zu: must be at least 1", k, p->n[k]);
    PEL_REQUIRE(ctx, isfinite(p->alpha) && p->alpha >= 0.0,
                "diffusion: alpha = %g: must be finite and >= 0", p->alpha);
    return PEL_OK;
}

void pel_diffusion_params_default(pel_diffusion_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->n[0] = p->n[1] = p->n[2] = 64; /* NPB FT class S */
    p->alpha = 1.0e-6;                /* NPB FT's alpha */
}

/* Columns of a plane or slab (stride rp, adjacent) into the scratch, each
 * column contiguous, sd apart. */
static pel_status cols_plan(pel_diffusion *d, peli_fftbatch *c, const char *what, peli_fft_kind kind,
                            size_t n, size_t width)
{
    return peli_fftbatch_plan_oop(d->ctx, c, what, kind, n, d->rp, 1, d->nx, width, 1, pad_lines(n),
                                  d->planes, 1, d->scratch, 0, FFTW_ESTIMATE);
}

static pel_status make_plans(pel_diffusion *d)
{
    pel_context *ctx = d->ctx;
    pel_status st;
    size_t rp = d->rp, xw = PEL_DIFFUSION_XWIDTH;
    fftw_complex *pl = d->planes, *sc = d->scratch;
    /* rows: forward from the scratch into the plane, inverse from the plane
     * into the scratch */
    if ((st = peli_fftbatch_plan_oop(ctx, &d->x_fwd, "diffusion: x", PELI_FFT_C2C_BWD, d->nx, 1, 1, d->ny,
                                     xw, rp, rp, sc, 0, pl, rp, FFTW_ESTIMATE)) ||
        (st = peli_fftbatch_plan_oop(ctx, &d->x_inv, "diffusion: inverse x", PELI_FFT_C2C_FWD, d->nx, 1, 1,
                                     d->ny, xw, rp, rp, pl, rp, sc, 0, FFTW_ESTIMATE)) ||
        (st = cols_plan(d, &d->y_fwd, "diffusion: y", PELI_FFT_C2C_BWD, d->ny,
                        PEL_DIFFUSION_YWIDTH)) ||
        (st = cols_plan(d, &d->y_inv, "diffusion: inverse y", PELI_FFT_C2C_FWD, d->ny,
                        PEL_DIFFUSION_YWIDTH)) ||
        (st = cols_plan(d, &d->z_fwd, "diffusion: z", PELI_FFT_C2C_BWD, d->nz,
                        PEL_DIFFUSION_ZWIDTH)) ||
        (st = cols_plan(d, &d->z_inv, "diffusion: inverse z", PELI_FFT_C2C_FWD, d->nz,
                        PEL_DIFFUSION_ZWIDTH)))
        return st;
    return PEL_OK;
}

pel_status pel_diffusion_create(pel_context *ctx, const pel_diffusion_params *p,
                                pel_diffusion **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "diffusion");
    pel_status st = check_params(ctx, p);
    if (st) return st;

    /* x, y, z: dimensions 2 (fastest), 1, 0 */
    const size_t nx = p->n[2], ny = p->n[1], nz = p->n[0];
    /* sizes: every product below stays under SIZE_MAX / 64 */
    const size_t lim = SIZE_MAX / 64;
    size_t rp = pad_lines(nx), sd = 0, pl = 0, len = 0, npoints = 0;
    int too_big = nx > lim / 2 || nz > lim / rp;
    if (!too_big) {
        sd = pad_lines(nz * rp);
        too_big = ny > lim / sd;
    }
    if (!too_big) {
        len = ny * sd;
        /* a thread buffer holds a plane (ny rows) or a slab (nz rows) */
        pl = pad_lines((ny > nz ? ny : nz) * rp);
        too_big = nx * ny > lim / nz;
    }
    if (!too_big) npoints = nx * ny * nz;
    if (too_big || len > (size_t)PTRDIFF_MAX / sizeof(fftw_complex))
        return pel_error(ctx, PEL_EINVAL, "diffusion: grid %zu x %zu x %zu: too many points",
                         p->n[0], p->n[1], p->n[2]);

    pel_diffusion *d = calloc(1, sizeof *d);
    if (!d) return pel_error(ctx, PEL_ENOMEM, "diffusion: no memory for the solver");
    d->ctx = peli_context_retain(ctx);
    d->nx = nx, d->ny = ny, d->nz = nz;
    d->npoints = npoints;
    d->alpha = p->alpha;
    d->rp = rp, d->sd = sd, d->pl = pl;
    int nt = pel_context_threads(ctx);
    /* one plane buffer per thread: as many as the context has threads, or
     * cores if more, so raising the thread count later still uses them all;
     * a pass never runs on more threads than there are buffers */
    d->nslots = nt > omp_get_num_procs() ? nt : omp_get_num_procs();

    size_t bytes = len * sizeof(fftw_complex);
    size_t pbytes = (size_t)d->nslots * pl * sizeof(fftw_complex);
    d->s = peli_pages(bytes);
    d->w = peli_pages(bytes);
    d->bytes = bytes;
    d->planes = pel_malloc(pbytes);
    d->ex = malloc((d->nx + d->ny + d->nz) * sizeof(double));
    /* a column scratch holds a batch of columns of a plane or a slab */
    size_t cw = PEL_DIFFUSION_YWIDTH > PEL_DIFFUSION_ZWIDTH ? PEL_DIFFUSION_YWIDTH
                                                            : PEL_DIFFUSION_ZWIDTH;
    d->sl = pad_lines(cw * pad_lines(ny > nz ? ny : nz));
    if (d->sl < PEL_DIFFUSION_XWIDTH * rp) d->sl = pad_lines(PEL_DIFFUSION_XWIDTH * rp);
    d->scratch = pel_malloc((size_t)d->nslots * d->sl * sizeof(fftw_complex));
    if (!d->s || !d->w || !d->planes || !d->ex || !d->scratch) {
        st = pel_error(ctx, PEL_ENOMEM, "diffusion: no memory for two %zu-byte arrays", bytes);
        goto fail;
    }
    d->ey = d->ex + d->nx;
    d->ez = d->ey + d->ny;
    /* first touch with the slab split of the passes that write S and W
     * (padding included, so no byte is ever uninitialised) */
    pel_first_touch_zero(ctx, (double *)d->s, d->ny, 2 * sd);
    pel_first_touch_zero(ctx, (double *)d->w, d->ny, 2 * sd);
    memset(d->planes, 0, pbytes);
    memset(d->scratch, 0, (size_t)d->nslots * d->sl * sizeof(fftw_complex));

    if ((st = make_plans(d))) goto fail;
    *out = d;
    return PEL_OK;
fail:
    pel_diffusion_destroy(d);
    return st;
}

void pel_diffusion_destroy(pel_diffusion *d)
{
    if (!d) return;
    peli_fftbatch_destroy(&d->x_fwd);
    peli_fftbatch_destroy(&d->x_inv);
    peli_fftbatch_destroy(&d->y_fwd);
    peli_fftbatch_destroy(&d->y_inv);
    peli_fftbatch_destroy(&d->z_fwd);
    peli_fftbatch_destroy(&d->z_inv);
    peli_pages_free(d->s, d->bytes);
    peli_pages_free(d->w, d->bytes);
    pel_free(d->planes);
    pel_free(d->scratch);
    free(d->ex);
    peli_context_release(d->ctx);
    free(d);
}

size_t pel_diffusion_points(const pel_diffusion *d) { return d ? d->npoints : 0; }

int peli_diffusion_run(const pel_diffusion *d, size_t work, peli_team_fn fn, void *arg)
{
    return peli_parallel(d->ctx, work, d->nslots, 0, fn, arg);
}

/* ---- passes ------------------------------------------------------------------ */

/* The column batches of a plane or slab at base (rows rp apart): each batch
 * transformed into the scratch, then copied back. */
static void run_cols(const pel_diffusion *d, const peli_fftbatch *c, fftw_complex *base,
                     fftw_complex *scr)
{
    const size_t rp = d->rp, sdist = pad_lines(c->n), n = c->n;
    for (size_t k = 0; k < c->nbatch; k++) {
        size_t x0 = k * c->width, m = c->count - x0 < c->width ? c->count - x0 : c->width;
        fftw_execute_dft(m == c->width ? c->full : c->rem, base + x0, scr);
        for (size_t r = 0; r < n; r++) {
            double *restrict dst = (double *)(base + r * rp + x0);
            const double *restrict src = (const double *)(scr + r);
            for (size_t j = 0; j < m; j++) {
                dst[2 * j] = src[2 * j * sdist];
                dst[2 * j + 1] = src[2 * j * sdist + 1];
            }
        }
    }
}

/* Copies n complex numbers to dst, bypassing the cache when dst is 16-byte
 * aligned: the big arrays are written once per pass and read only by the
 * next pass, so fetching their lines first (write-allocate) would only add
 * memory traffic.  Values are copied unchanged, so this never affects the
 * bits.  The caller issues store_fence before another thread reads dst. */
static void store_rows(double *restrict dst, const double *restrict src, size_t n)
{
#ifdef __SSE2__
    if (((uintptr_t)dst & 15) == 0) {
        for (size_t i = 0; i < 2 * n; i += 2) _mm_stream_pd(dst + i, _mm_load_pd(src + i));
        return;
    }
#endif
    memcpy(dst, src, n * sizeof(fftw_complex));
}

static void store_fence(void)
{
#ifdef __SSE2__
    _mm_sfence();
#endif
}

/* Forward pass 1 on plane z: u0 rows -> buffer -> x, y -> row z of each slab. */
static void forward_plane(const pel_diffusion *d, const double *u0, fftw_complex *buf,
                          fftw_complex *scr, size_t z)
{
    size_t nx = d->nx, bytes = nx * sizeof(fftw_complex);
    const double *src = u0 + 2 * z * d->ny * nx;
    const peli_fftbatch *xb = &d->x_fwd;
    for (size_t k = 0; k < xb->nbatch; k++) {
        size_t y0 = k * xb->width, m = d->ny - y0 < xb->width ? d->ny - y0 : xb->width;
        for (size_t y = 0; y < m; y++) memcpy(scr + y * d->rp, src + 2 * (y0 + y) * nx, bytes);
        fftw_execute_dft(m == xb->width ? xb->full : xb->rem, scr, buf + y0 * d->rp);
    }
    run_cols(d, &d->y_fwd, buf, scr);
    for (size_t y = 0; y < d->ny; y++)
        store_rows((double *)(d->s + y * d->sd + z * d->rp), (const double *)(buf + y * d->rp), nx);
    store_fence();
}

/* Inverse pass 1 on slab y: W = S * decay, then z back in place while the
 * slab is in L2. */
static void inverse_slab(const pel_diffusion *d, fftw_complex *scr, size_t y)
{
    const fftw_complex *restrict s = d->s + y * d->sd;
    fftw_complex *restrict w = d->w + y * d->sd;
    const double *restrict ex = d->ex;
    double ey = d->ey[y];
    for (size_t z = 0; z < d->nz; z++) {
        double c = ey * d->ez[z];
        const fftw_complex *restrict sr = s + z * d->rp;
        fftw_complex *restrict wr = w + z * d->rp;
        for (size_t x = 0; x < d->nx; x++) {
            double f = c * ex[x];
            wr[x][0] = sr[x][0] * f;
            wr[x][1] = sr[x][1] * f;
        }
    }
    run_cols(d, &d->z_inv, w, scr);
}

/* Inverse pass 2 on plane z: row z of each slab of W -> buffer -> y, x -> u. */
static void inverse_plane(const pel_diffusion *d, double *u, fftw_complex *buf,
                          fftw_complex *scr, size_t z)
{
    size_t nx = d->nx, bytes = nx * sizeof(fftw_complex);
    for (size_t y = 0; y < d->ny; y++) memcpy(buf + y * d->rp, d->w + y * d->sd + z * d->rp, bytes);
    run_cols(d, &d->y_inv, buf, scr);
    double *dst = u + 2 * z * d->ny * nx;
    const peli_fftbatch *xb = &d->x_inv;
    for (size_t k = 0; k < xb->nbatch; k++) {
        size_t y0 = k * xb->width, m = d->ny - y0 < xb->width ? d->ny - y0 : xb->width;
        fftw_execute_dft(m == xb->width ? xb->full : xb->rem, buf + y0 * d->rp, scr);
        for (size_t y = 0; y < m; y++)
            store_rows(dst + 2 * (y0 + y) * nx, (const double *)(scr + y * d->rp), nx);
    }
    store_fence();
}

/* What the calls of one pass share. */
typedef struct pass_job {
    const pel_diffusion *d;
    const double *src; /* the caller's u0 (forward planes) */
    double *dst;       /* the caller's u (inverse planes) */
} pass_job;

/* Call t: its static share of the z planes, in plane buffer t. */
static void forward_planes(int t, int nt, void *arg)
{
    const pass_job *j = arg;
    fftw_complex *buf = j->d->planes + (size_t)t * j->d->pl;
    fftw_complex *scr = j->d->scratch + (size_t)t * j->d->sl;
    size_t b, e;
    pel_static_range(j->d->nz, t, nt, &b, &e);
    for (size_t z = b; z < e; z++) forward_plane(j->d, j->src, buf, scr, z);
}

static void forward_slabs(int t, int nt, void *arg)
{
    const pass_job *j = arg;
    const pel_diffusion *d = j->d;
    fftw_complex *scr = d->scratch + (size_t)t * d->sl;
    size_t b, e;
    pel_static_range(d->ny, t, nt, &b, &e);
    for (size_t y = b; y < e; y++) run_cols(d, &d->z_fwd, d->s + y * d->sd, scr);
}

static void inverse_slabs(int t, int nt, void *arg)
{
    const pass_job *j = arg;
    fftw_complex *scr = j->d->scratch + (size_t)t * j->d->sl;
    size_t b, e;
    pel_static_range(j->d->ny, t, nt, &b, &e);
    for (size_t y = b; y < e; y++) inverse_slab(j->d, scr, y);
}

static void inverse_planes(int t, int nt, void *arg)
{
    const pass_job *j = arg;
    fftw_complex *buf = j->d->planes + (size_t)t * j->d->pl;
    fftw_complex *scr = j->d->scratch + (size_t)t * j->d->sl;
    size_t b, e;
    pel_static_range(j->d->nz, t, nt, &b, &e);
    for (size_t z = b; z < e; z++) inverse_plane(j->d, j->dst, buf, scr, z);
}

pel_status pel_diffusion_set_initial(pel_diffusion *d, const double *u0)
{
    if (!d) return PEL_EINVAL;
    PEL_REQUIRE(d->ctx, u0, "diffusion: the initial field u0 is NULL");
    peli_region_enter(d->ctx, "diffusion.forward");
    pass_job j = {d, u0, NULL};
    peli_diffusion_run(d, d->nz, forward_planes, &j);
    peli_diffusion_run(d, d->ny, forward_slabs, &j);
    d->have_initial = 1;
    peli_region_exit(d->ctx, "diffusion.forward");
    return PEL_OK;
}

/* exp(ap t kbar^2) for the n indices of one dimension, times scale;
 * kbar = ((i + n/2) mod n) - n/2, NPB's signed index in [-n/2, n/2). */
static void decay_table(double *e, size_t n, double apt, double scale)
{
    for (size_t i = 0; i < n; i++) {
        double k = (double)((i + n / 2) % n) - (double)(n / 2);
        e[i] = exp(apt * (k * k)) * scale;
    }
}

pel_status pel_diffusion_evolve(pel_diffusion *d, double t, double *u)
{
    if (!d) return PEL_EINVAL;
    PEL_REQUIRE(d->ctx, u, "diffusion: the output field u is NULL");
    PEL_REQUIRE(d->ctx, isfinite(t) && t >= 0.0, "diffusion: t must be finite and >= 0 (got %g)",
                t);
    PEL_REQUIRE(d->ctx, d->have_initial,
                "diffusion: no initial field (call pel_diffusion_set_initial first)");
    peli_region_enter(d->ctx, "diffusion.evolve");
    double apt = -4.0 * d->alpha * M_PI * M_PI * t;
    decay_table(d->ex, d->nx, apt, 1.0);
    decay_table(d->ey, d->ny, apt, 1.0);
    decay_table(d->ez, d->nz, apt, 1.0 / (double)d->npoints);
    pass_job j = {d, NULL, u};
    peli_diffusion_run(d, d->ny, inverse_slabs, &j);
    peli_diffusion_run(d, d->nz, inverse_planes, &j);
    peli_region_exit(d->ctx, "diffusion.evolve");
    return PEL_OK;
}

pel_status pel_diffusion_checksum(const pel_diffusion *d, const double *u, double sum[2])
{
    if (!d) return PEL_EINVAL;
    PEL_REQUIRE(d->ctx, u, "diffusion: checksum: the field u is NULL");
    PEL_REQUIRE(d->ctx, sum, "diffusion: checksum: the output sum is NULL");
    double re = 0.0, im = 0.0;
    for (size_t j = 1; j <= 1024; j++) {
        size_t x = j % d->nx, y = (3 * j) % d->ny, z = (5 * j) % d->nz;
        size_t p = (z * d->ny + y) * d->nx + x;
        re += u[2 * p];
        im += u[2 * p + 1];
    }
    sum[0] = re;
    sum[1] = im;
    return PEL_OK;
}
