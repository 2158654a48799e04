/* Periodic Poisson solver  laplacian(phi) = f  with FFTW (include/pel/poisson.h).
 *
 * Layout.  The real grid is n[0] x n[1] (x n[2]), row-major; call the last
 * dimension the row.  One PEL-owned complex array W holds the half spectrum:
 * rows of nc = n_row/2 + 1 coefficients, ncp >= nc apart, planes (3D) pd
 * apart.  ncp and pd are multiples of 4 complex numbers (64 bytes), so every
 * row, plane and batch of 4k columns starts on a cache line, and odd numbers
 * of cache lines, so strided accesses spread over all cache sets instead of
 * piling onto a few, as a power-of-two stride would.
 *
 * A solve is three passes over W, each a parallel loop over fixed batches:
 *   1. per plane (3D) or per batch of rows (2D): copy rows of f into W and
 *      transform them in place (r2c), then (3D) the plane's columns along y
 *      in place (c2c, batches of columns, the plane is still in L2);
 *   2. per batch of 4 columns along x (4 complex = one cache line per row):
 *      copy the batch into a per-thread buffer, transposed so that each
 *      column is contiguous, transform forward, multiply by 1/(N symbol),
 *      transform back and copy back;
 *   3. the reverse of 1, copying the rows out to phi.
 * f is read only in pass 1 and phi written only in pass 3, so f may equal
 * (or overlap) phi.  Only memcpy touches the caller's arrays, so their
 * alignment never changes which code FFTW runs.
 *
 * Why pass 2 is buffered: measured at 2 threads (docs/poisson.md), strided
 * in-place transforms along x of a 4096^2 grid took 96 ms with huge pages
 * (275 ms without) against 47 ms through the transposed buffer; for 256^3 the
 * two were within noise of each other.  Width 4 beat 8, 16 and 64.
 *
 * Determinism.  Each pass is cut into batches whose shape depends on the grid
 * alone; each batch shape has one FFTW plan made at create time
 * (kernels/core/fftbatch.c).  A 1D transform is therefore always computed
 * by the same plan at the same position in the same batch shape, and the
 * symbol multiply is an elementwise expression with a fixed evaluation order:
 * every output bit is a function of the input and the grid, not of the thread
 * count or of which thread ran a batch.  FFTW's own threads (fftw3_omp) split
 * a multi-dimensional plan according to the thread count, so the plan, and
 * the rounding, change with it (4096^2: 84% of phi's values differed between
 * 1 and 2 threads).  Measured for comparison only, at 2 threads, one r2c +
 * symbol + c2r with FFTW threads took 455 ms (ESTIMATE) / 104 ms (MEASURE)
 * at 256^3 and 209 / 148 ms at 4096^2; this solve 95 and 87 ms
 * (docs/poisson.md).
 *
 * Symbols, for the signed wavenumber index m (|m| <= n/2) of each dimension:
 *   spectral  s_d(m) = -(2 pi m / L_d)^2
 *   FD2       s_d(m) = -(4 / h_d^2) sin^2(pi m / n_d),  h_d = L_d / n_d
 * and the symbol is sum_d s_d.  Both are even in m, so the Nyquist mode of an
 * even n (m = n/2, which is its own mirror image) keeps its symbol: solve is
 * then the exact inverse of the discrete operator on every mode but the mean,
 * for any f, and a manufactured field containing that mode (cos(pi n x/L),
 * which equals (-1)^i on the grid) comes back to round-off.  The mean mode is
 * set to zero; N = prod(n) is folded into the division (S_d = N s_d). */
#include <config.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "internal/poisson.h"
#include "internal/team.h"

/* Batch shapes.  They fix the plans, hence the bits: they are part of the
 * numerical definition of a solve, like the grid, and must depend on the
 * grid alone.  A row batch covers about ROW_BYTES of W, a y-column batch about
 * COL_BYTES (a fraction of the 2 MiB L2 that holds the plane); x batches are
 * XWIDTH columns. */
#define PEL_POISSON_ROW_BYTES (64 * 1024)
#define PEL_POISSON_COL_BYTES (256 * 1024)
#define PEL_POISSON_XWIDTH 4

/* ---- parameters ------------------------------------------------------------ */

void pel_poisson_params_default(pel_poisson_params *p, int dim)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->dim = dim;
    for (int d = 0; d < 3; d++) {
        p->n[d] = 64;
        p->length[d] = 1.0;
    }
    p->laplacian = PEL_LAPLACIAN_SPECTRAL;
    p->wisdom_file = NULL;
}

static pel_status check_params(pel_context *ctx, const pel_poisson_params *p)
{
    PEL_REQUIRE(ctx, p->dim == 2 || p->dim == 3, "poisson: dim = %d: must be 2 or 3", p->dim);
    for (int d = 0; d < p->dim; d++)
        PEL_REQUIRE(ctx, p->n[d] >= 2, "poisson: n[%d] = %zu: must be at least 2", d, p->n[d]);
    for (int d = 0; d < p->dim; d++)
        PEL_REQUIRE(ctx, isfinite(p->length[d]) && p->length[d] > 0.0,
                    "poisson: length[%d] = %g: must be positive and finite", d, p->length[d]);
    PEL_REQUIRE(ctx, p->laplacian == PEL_LAPLACIAN_SPECTRAL || p->laplacian == PEL_LAPLACIAN_FD2,
                "poisson: laplacian = %d: must be PEL_LAPLACIAN_SPECTRAL or PEL_LAPLACIAN_FD2",
                (int)p->laplacian);
    return PEL_OK;
}

/* ---- symbols ----------------------------------------------------------------- */

long peli_poisson_fold(long m, size_t n)
{
    long nn = (long)n, r = ((m % nn) + nn) % nn;
    return 2 * r > nn ? r - nn : r;
}

double peli_poisson_symbol(pel_laplacian lap, double len, size_t n, long m)
{
    m = peli_poisson_fold(m, n);
    if (lap == PEL_LAPLACIAN_SPECTRAL) {
        double k = 2.0 * M_PI * (double)m / len;
        return -k * k;
    }
    double s = sin(M_PI * (double)m / (double)n), inv_h = (double)n / len;
    return -4.0 * inv_h * inv_h * s * s;
}

static pel_status make_symbols(pel_poisson *ps)
{
    double N = (double)ps->npoints;
    ps->sym_max = 0.0;
    ps->sym_min = INFINITY;
    for (int d = 0; d < ps->dim; d++) {
        int last = d == ps->dim - 1;
        size_t cnt = last ? ps->nc : ps->n[d];
        ps->sym[d] = malloc(3 * cnt * sizeof(double));
        if (!ps->sym[d])
            return pel_error(ps->ctx, PEL_ENOMEM, "poisson: no memory for the symbol tables");
        ps->ssolve[d] = ps->sym[d] + cnt;
        ps->sapply[d] = ps->sym[d] + 2 * cnt;
        double dmax = 0.0;
        for (size_t i = 0; i < cnt; i++) {
            long m = (!last && 2 * i > ps->n[d]) ? (long)i - (long)ps->n[d] : (long)i;
            double s = peli_poisson_symbol(ps->lap, ps->length[d], ps->n[d], m);
            ps->sym[d][i] = s;
            ps->ssolve[d][i] = N * s;
            ps->sapply[d][i] = s / N;
            dmax = fmax(dmax, -s);
        }
        ps->sym_max += dmax;
        /* the smallest nonzero symbol: one unit of wavenumber in one dimension */
        ps->sym_min = fmin(ps->sym_min, -ps->sym[d][1]);
    }
    return PEL_OK;
}

/* ---- layout and plans -------------------------------------------------------- */

/* Multiple of 4 complex numbers (64 bytes), an odd number of 64-byte lines. */
static size_t pad_lines(size_t c)
{
    size_t p = (c + 3) / 4 * 4;
    if ((p / 4) % 2 == 0) p += 4;
    return p;
}

static size_t batch_width(size_t bytes, size_t item_bytes)
{
    size_t w = bytes / item_bytes;
    return w < 1 ? 1 : w;
}

/* Wisdom is an input like any other: a regular file of a sane size (a FIFO
 * or a device such as /dev/zero is refused at once instead of blocking or
 * reading forever), read whole and imported from memory. */
#define PEL_POISSON_WISDOM_MAX ((uint64_t)16 << 20)

static pel_status import_wisdom(pel_context *ctx, const char *path)
{
    FILE *in;
    uint64_t size;
    pel_status st = pel_input_open(ctx, path, PEL_POISSON_WISDOM_MAX, &in, &size);
    if (st) {
        /* pel_input_open says "PATH: why"; keep the why */
        char why[256];
        const char *m = pel_context_error(ctx);
        size_t n = strlen(path);
        snprintf(why, sizeof why, "%s", strncmp(m, path, n) == 0 && m[n] == ':' ? m + n + 2 : m);
        return pel_error(ctx, st, PELI_POISSON_WISDOM_MSG "%s", path, why);
    }
    char *text = malloc((size_t)size + 1);
    if (!text) {
        fclose(in);
        return pel_error(ctx, PEL_ENOMEM, PELI_POISSON_WISDOM_MSG "out of memory", path);
    }
    size_t got = fread(text, 1, (size_t)size, in);
    int rd_err = ferror(in) || got != (size_t)size;
    fclose(in);
    if (rd_err) {
        free(text);
        return pel_error(ctx, PEL_EIO, PELI_POISSON_WISDOM_MSG "read failed", path);
    }
    text[got] = '\0';
    int ok = strlen(text) == got; /* a NUL byte is not wisdom */
    if (ok) {
        PEL_FFTW_PLANNER_LOCK
        ok = fftw_import_wisdom_from_string(text);
    }
    free(text);
    if (!ok)
        return pel_error(ctx, PEL_EFORMAT,
                         PELI_POISSON_WISDOM_MSG "not FFTW wisdom for this FFTW version and "
                         "precision",
                         path);
    return PEL_OK;
}

static pel_status make_plans(pel_poisson *ps, unsigned flags)
{
    pel_context *ctx = ps->ctx;
    pel_status st;
    const size_t cb = sizeof(fftw_complex);
    size_t nrows = ps->dim == 3 ? ps->n[1] : ps->n[0]; /* rows per row pass */
    size_t br = batch_width(PEL_POISSON_ROW_BYTES, ps->ncp * cb);
    ptrdiff_t ncp = (ptrdiff_t)ps->ncp;
    if ((st = peli_fftbatch_plan(ctx, &ps->rows_f, "poisson: r2c row", PELI_FFT_R2C, ps->nrow, 1, nrows, br,
                                ncp, ps->w, NULL, flags)))
        return st;
    if ((st = peli_fftbatch_plan(ctx, &ps->rows_b, "poisson: c2r row", PELI_FFT_C2R, ps->nrow, 1, nrows, br,
                                ncp, ps->w, NULL, flags)))
        return st;
    if (ps->dim == 3) {
        /* a multiple of 4 columns keeps every batch on a cache line */
        size_t wy = batch_width(PEL_POISSON_COL_BYTES, ps->n[1] * cb) / 4 * 4;
        if (wy < 4) wy = 4;
        if ((st = peli_fftbatch_plan(ctx, &ps->y_f, "poisson: forward y", PELI_FFT_C2C_FWD, ps->n[1], ncp,
                                    ps->nc, wy, 1, ps->w, NULL, flags)))
            return st;
        if ((st = peli_fftbatch_plan(ctx, &ps->y_b, "poisson: backward y", PELI_FFT_C2C_BWD, ps->n[1], ncp,
                                    ps->nc, wy, 1, ps->w, NULL, flags)))
            return st;
    }
    /* x: contiguous columns in the transposed buffer, every batch planned
     * and run at the start of a buffer */
    ptrdiff_t n0 = (ptrdiff_t)ps->n[0];
    if ((st = peli_fftbatch_plan(ctx, &ps->x_f, "poisson: forward x", PELI_FFT_C2C_FWD, ps->n[0], 1, ps->nc,
                                PEL_POISSON_XWIDTH, n0, ps->scratch, ps->scratch, flags)))
        return st;
    return peli_fftbatch_plan(ctx, &ps->x_b, "poisson: backward x", PELI_FFT_C2C_BWD, ps->n[0], 1, ps->nc,
                             PEL_POISSON_XWIDTH, n0, ps->scratch, ps->scratch, flags);
}

/* ---- create / destroy ---------------------------------------------------------- */

pel_status pel_poisson_create(pel_context *ctx, const pel_poisson_params *p, pel_poisson **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "poisson");
    pel_status st = check_params(ctx, p);
    if (st) return st;

    pel_poisson *ps = calloc(1, sizeof *ps);
    if (!ps) return pel_error(ctx, PEL_ENOMEM, "poisson: no memory for the solver");
    ps->ctx = peli_context_retain(ctx);
    ps->dim = p->dim;
    ps->lap = p->laplacian;
    ps->rhs_mean = NAN;
    ps->npoints = 1;
    /* sizes: every product below stays under SIZE_MAX / 64 */
    const size_t lim = SIZE_MAX / 64;
    int too_big = 0;
    for (int d = 0; d < 3; d++) {
        ps->n[d] = d < p->dim ? p->n[d] : 1;
        ps->length[d] = d < p->dim ? p->length[d] : 1.0;
        if (ps->n[d] > lim / ps->npoints) too_big = 1;
        else ps->npoints *= ps->n[d];
    }
    ps->nrow = ps->n[p->dim - 1];
    ps->nc = ps->nrow / 2 + 1;
    ps->ncp = pad_lines(ps->nc);
    if (!too_big && p->dim == 3) {
        too_big = ps->n[1] > lim / ps->ncp;
        if (!too_big) ps->pd = pad_lines(ps->n[1] * ps->ncp);
        too_big = too_big || ps->n[0] > lim / ps->pd;
        if (!too_big) ps->wlen = ps->n[0] * ps->pd;
        ps->xstride = ps->pd;
    } else if (!too_big) {
        too_big = ps->n[0] > lim / ps->ncp;
        if (!too_big) ps->wlen = ps->n[0] * ps->ncp;
        ps->xstride = ps->ncp;
    }
    if (too_big || ps->wlen > (size_t)PTRDIFF_MAX / sizeof(fftw_complex)) {
        pel_poisson_destroy(ps); /* drops the context reference too */
        return pel_error(ctx, PEL_EINVAL, "poisson: n = %zu x %zu x %zu: too many points",
                         p->n[0], p->n[1], p->dim == 3 ? p->n[2] : (size_t)1);
    }

    if ((st = make_symbols(ps))) goto fail;
    /* pel_malloc gives a large W huge pages: pass 2 reads one cache line
     * from each of thousands of rows, and with 4 KiB pages nearly every one
     * is a TLB miss */
    ps->w = pel_malloc(ps->wlen * sizeof(fftw_complex));
    if (!ps->w) {
        st = pel_error(ctx, PEL_ENOMEM, "poisson: no memory for the %zu-byte spectral array",
                       ps->wlen * sizeof(fftw_complex));
        goto fail;
    }
    /* first touch with the plane/row partition of passes 1 and 3 */
    int nt = pel_context_threads(ctx);
    pel_first_touch_zero(ctx, (double *)ps->w, ps->n[0], 2 * (ps->wlen / ps->n[0]));
    /* One x buffer per thread: as many as the context has threads, or cores
     * if more, so raising the thread count later still uses them all. */
    ps->slot_len = (ps->n[0] * PEL_POISSON_XWIDTH + 3) / 4 * 4;
    ps->nslots = nt > omp_get_num_procs() ? nt : omp_get_num_procs();
    size_t sbytes = (size_t)ps->nslots * ps->slot_len * sizeof(fftw_complex);
    ps->scratch = pel_malloc(sbytes);
    if (!ps->scratch) {
        st = pel_error(ctx, PEL_ENOMEM, "poisson: no memory for %d column buffers", ps->nslots);
        goto fail;
    }
    memset(ps->scratch, 0, sbytes);

    if (p->wisdom_file && (st = import_wisdom(ctx, p->wisdom_file))) goto fail;
    unsigned flags = pel_context_deterministic(ctx) ? FFTW_ESTIMATE : FFTW_MEASURE;
    if ((st = make_plans(ps, flags))) goto fail;
    *out = ps;
    return PEL_OK;
fail:
    pel_poisson_destroy(ps);
    return st;
}

void pel_poisson_destroy(pel_poisson *ps)
{
    if (!ps) return;
    peli_fftbatch_destroy(&ps->rows_f);
    peli_fftbatch_destroy(&ps->rows_b);
    peli_fftbatch_destroy(&ps->y_f);
    peli_fftbatch_destroy(&ps->y_b);
    peli_fftbatch_destroy(&ps->x_f);
    peli_fftbatch_destroy(&ps->x_b);
    for (int d = 0; d < 3; d++) free(ps->sym[d]);
    pel_free(ps->w);
    pel_free(ps->scratch);
    peli_context_release(ps->ctx);
    free(ps);
}

size_t pel_poisson_points(const pel_poisson *ps) { return ps ? ps->npoints : 0; }
double pel_poisson_rhs_mean(const pel_poisson *ps) { return ps ? ps->rhs_mean : NAN; }

/* ---- the pipeline ------------------------------------------------------------- */

/* Row batch `batch` of the row pass based at `base`: rows of src (nrow
 * doubles each) into W, then forward. */
static void rows_forward(const pel_poisson *ps, fftw_complex *base, size_t batch,
                         const double *src)
{
    size_t r0 = batch * ps->rows_f.width, cnt = peli_fftbatch_size(&ps->rows_f, batch);
    for (size_t r = r0; r < r0 + cnt; r++)
        memcpy(base + r * ps->ncp, src + r * ps->nrow, ps->nrow * sizeof(double));
    peli_fftbatch_exec(&ps->rows_f, batch, base);
}

static void rows_backward(const pel_poisson *ps, fftw_complex *base, size_t batch, double *dst)
{
    peli_fftbatch_exec(&ps->rows_b, batch, base);
    if (!dst) return; /* verify reads the result in place */
    size_t r0 = batch * ps->rows_b.width, cnt = peli_fftbatch_size(&ps->rows_b, batch);
    for (size_t r = r0; r < r0 + cnt; r++)
        memcpy(dst + r * ps->nrow, base + r * ps->ncp, ps->nrow * sizeof(double));
}

/* Pass 1 on slab s: a plane in 3D, a row batch in 2D. */
static void forward_slab(const pel_poisson *ps, const double *f, size_t s)
{
    if (ps->dim == 2) {
        rows_forward(ps, ps->w, s, f);
        return;
    }
    fftw_complex *plane = ps->w + s * ps->pd;
    const double *src = f + s * ps->n[1] * ps->nrow;
    for (size_t b = 0; b < ps->rows_f.nbatch; b++) rows_forward(ps, plane, b, src);
    for (size_t b = 0; b < ps->y_f.nbatch; b++) peli_fftbatch_exec(&ps->y_f, b, plane);
}

static void backward_slab(const pel_poisson *ps, double *out, size_t s)
{
    if (ps->dim == 2) {
        rows_backward(ps, ps->w, s, out);
        return;
    }
    fftw_complex *plane = ps->w + s * ps->pd;
    double *dst = out ? out + s * ps->n[1] * ps->nrow : NULL;
    for (size_t b = 0; b < ps->y_b.nbatch; b++) peli_fftbatch_exec(&ps->y_b, b, plane);
    for (size_t b = 0; b < ps->rows_b.nbatch; b++) rows_backward(ps, plane, b, dst);
}

/* The symbol on a transposed x batch: column k (cnt of them, the first being
 * column k0 of y-row j) holds coefficients i = 0..n0-1 at t + k * n0.
 * MODE_SOLVE divides by N s, MODE_APPLY multiplies by s / N; the sum of the
 * per-dimension terms is always formed as (s_0 + s_1) + s_row. */
static void apply_symbol(pel_poisson *ps, fftw_complex *t, size_t j, size_t k0, size_t cnt,
                         pipe_mode mode)
{
    int L = ps->dim - 1;
    size_t n0 = ps->n[0];
    const double *s0 = mode == MODE_SOLVE ? ps->ssolve[0] : ps->sapply[0];
    const double *sr = (mode == MODE_SOLVE ? ps->ssolve[L] : ps->sapply[L]) + k0;
    double s1j = L == 2 ? (mode == MODE_SOLVE ? ps->ssolve[1] : ps->sapply[1])[j] : 0.0;
    int has_mean = j == 0 && k0 == 0;
    if (has_mean && mode == MODE_SOLVE) ps->rhs_mean = t[0][0] / (double)ps->npoints;
    for (size_t k = 0; k < cnt; k++) {
        fftw_complex *c = t + k * n0;
        size_t i = (has_mean && k == 0) ? 1 : 0; /* never divide by the zero symbol */
        if (mode == MODE_SOLVE) {
            for (; i < n0; i++) {
                double m = 1.0 / ((L == 2 ? s0[i] + s1j : s0[i]) + sr[k]);
                c[i][0] *= m;
                c[i][1] *= m;
            }
        } else {
            for (; i < n0; i++) {
                double m = (L == 2 ? s0[i] + s1j : s0[i]) + sr[k];
                c[i][0] *= m;
                c[i][1] *= m;
            }
        }
    }
    if (has_mean) t[0][0] = t[0][1] = 0.0;
}

/* Pass 2 on item it: x batch kb of y-row j (3D) or of the grid (2D), through
 * the thread's buffer t. */
static void column_item(pel_poisson *ps, size_t it, pipe_mode mode, fftw_complex *t)
{
    size_t nkb = ps->x_f.nbatch, n0 = ps->n[0];
    size_t j = ps->dim == 3 ? it / nkb : 0, kb = ps->dim == 3 ? it % nkb : it;
    size_t k0 = kb * ps->x_f.width, cnt = peli_fftbatch_size(&ps->x_f, kb);
    fftw_complex *base = ps->w + j * ps->ncp + k0;
    for (size_t i = 0; i < n0; i++) {
        const fftw_complex *src = base + i * ps->xstride;
        for (size_t k = 0; k < cnt; k++) {
            t[k * n0 + i][0] = src[k][0];
            t[k * n0 + i][1] = src[k][1];
        }
    }
    peli_fftbatch_exec_at(&ps->x_f, kb, t);
    apply_symbol(ps, t, j, k0, cnt, mode);
    peli_fftbatch_exec_at(&ps->x_b, kb, t);
    for (size_t i = 0; i < n0; i++) {
        fftw_complex *dst = base + i * ps->xstride;
        for (size_t k = 0; k < cnt; k++) {
            dst[k][0] = t[k * n0 + i][0];
            dst[k][1] = t[k * n0 + i][1];
        }
    }
}

typedef struct pipe_arg {
    pel_poisson *ps;
    const double *in;
    double *out;
    pipe_mode mode;
    size_t nslab, nitem;
} pipe_arg;

/* The three passes are three phases (peli_phase), each split as
 * schedule(static) would split it; t's x buffer is slot t. */
static void forward_slabs(int t, int nt, void *arg)
{
    const pipe_arg *pa = arg;
    size_t b, e;
    pel_static_range(pa->nslab, t, nt, &b, &e);
    for (size_t s = b; s < e; s++) forward_slab(pa->ps, pa->in, s);
}

static void column_items(int t, int nt, void *arg)
{
    const pipe_arg *pa = arg;
    pel_poisson *ps = pa->ps;
    fftw_complex *buf = ps->scratch + (size_t)t * ps->slot_len;
    size_t b, e;
    pel_static_range(pa->nitem, t, nt, &b, &e);
    for (size_t it = b; it < e; it++) column_item(ps, it, pa->mode, buf);
}

static void backward_slabs(int t, int nt, void *arg)
{
    const pipe_arg *pa = arg;
    size_t b, e;
    pel_static_range(pa->nslab, t, nt, &b, &e);
    for (size_t s = b; s < e; s++) backward_slab(pa->ps, pa->out, s);
}

/* A barrier after passes 1 and 2; as a team the end of the parallel region
 * waits for pass 3, so its phase adds none. */
static void pipe_body(peli_team *tm, void *arg)
{
    peli_phase(tm, forward_slabs, arg);
    peli_phase(tm, column_items, arg);
    peli_phase_last(tm, backward_slabs, arg);
}

void peli_poisson_pipeline(pel_poisson *ps, const double *in, double *out, pipe_mode mode)
{
    pipe_arg pa = {ps, in, out, mode, ps->dim == 3 ? ps->n[0] : ps->rows_f.nbatch,
                   ps->dim == 3 ? ps->n[1] * ps->x_f.nbatch : ps->x_f.nbatch};
    /* never more threads, real or virtual, than x buffers; the batches, hence
     * the result, are the same for any count */
    size_t work = pa.nslab > pa.nitem ? pa.nslab : pa.nitem;
    peli_run(ps->ctx, work, ps->nslots, pipe_body, &pa);
}

pel_status pel_poisson_solve(pel_poisson *ps, const double *f, double *phi)
{
    if (!ps) return PEL_EINVAL;
    PEL_REQUIRE(ps->ctx, f, "poisson_solve: f is NULL");
    PEL_REQUIRE(ps->ctx, phi, "poisson_solve: phi is NULL");
    peli_region_enter(ps->ctx, "poisson.solve");
    peli_poisson_pipeline(ps, f, phi, MODE_SOLVE);
    peli_region_exit(ps->ctx, "poisson.solve");
    return PEL_OK;
}
