/* Batched 1D FFT passes with one fixed plan per batch shape (see
 * kernels/internal/fft.h for why this makes results independent of the
 * thread count). */
#include <config.h>

#include "internal/fft.h"

/* If the program links libfftw3_omp and asked FFTW for threads
 * (fftw_plan_with_nthreads(k > 1)), FFTW would make multi-threaded plans for
 * our batches and nest its threads inside ours.  libpel links only libfftw3,
 * so these are weak: null unless the threads library is in the process. */
#if defined(__GNUC__) && defined(__ELF__)
#pragma weak fftw_planner_nthreads
#pragma weak fftw_plan_with_nthreads
#define PEL_HAVE_WEAK 1
#endif

int peli_fftw_serial_begin(void)
{
    int saved = 1;
#ifdef PEL_HAVE_WEAK
    if (fftw_planner_nthreads && fftw_plan_with_nthreads) {
        PEL_FFTW_PLANNER_LOCK
        {
            saved = fftw_planner_nthreads();
            if (saved != 1) fftw_plan_with_nthreads(1);
        }
    }
#endif
    return saved;
}

void peli_fftw_serial_end(int saved)
{
#ifdef PEL_HAVE_WEAK
    if (saved != 1) {
        PEL_FFTW_PLANNER_LOCK
        fftw_plan_with_nthreads(saved);
    }
#else
    (void)saved;
#endif
}

static fftw_plan plan_one(peli_fft_kind kind, size_t n, ptrdiff_t stride, size_t howmany,
                          ptrdiff_t dist, fftw_complex *start, unsigned flags)
{
    fftw_plan p = NULL;
    double *re = (double *)start;
    fftw_iodim64 dim, many;
    switch (kind) {
    case PELI_FFT_R2C:
    case PELI_FFT_C2R:
        /* in place: a row holds n reals (padded) or n/2+1 complex; both views
         * contiguous, rows 2 * dist doubles or dist complex apart */
        dim = (fftw_iodim64){(ptrdiff_t)n, 1, 1};
        if (kind == PELI_FFT_R2C) {
            many = (fftw_iodim64){(ptrdiff_t)howmany, 2 * dist, dist};
            PEL_FFTW_PLANNER_LOCK
            p = fftw_plan_guru64_dft_r2c(1, &dim, 1, &many, re, start, flags);
        } else {
            many = (fftw_iodim64){(ptrdiff_t)howmany, dist, 2 * dist};
            PEL_FFTW_PLANNER_LOCK
            p = fftw_plan_guru64_dft_c2r(1, &dim, 1, &many, start, re, flags);
        }
        break;
    case PELI_FFT_C2C_FWD:
    case PELI_FFT_C2C_BWD:
        dim = (fftw_iodim64){(ptrdiff_t)n, stride, stride};
        many = (fftw_iodim64){(ptrdiff_t)howmany, dist, dist};
        PEL_FFTW_PLANNER_LOCK
        p = fftw_plan_guru64_dft(1, &dim, 1, &many, start, start,
                                 kind == PELI_FFT_C2C_FWD ? FFTW_FORWARD : FFTW_BACKWARD, flags);
        break;
    }
    return p;
}

static void destroy_plan(fftw_plan p)
{
    if (!p) return;
    PEL_FFTW_PLANNER_LOCK
    fftw_destroy_plan(p);
}

/* The pass's shape in b (width within [1, count]); *nrem transforms in the
 * remainder batch. */
static size_t pass_init(peli_fftbatch *b, peli_fft_kind kind, size_t n, ptrdiff_t stride, ptrdiff_t dist,
                        size_t count, size_t width, size_t *nrem)
{
    if (width > count) width = count;
    if (width < 1) width = 1;
    *b = (peli_fftbatch){.kind = kind, .n = n, .stride = stride, .dist = dist, .count = count, .width = width};
    size_t nfull = count / width;
    *nrem = count % width;
    b->nbatch = nfull + (*nrem ? 1 : 0);
    return nfull;
}

static pel_status pass_check(pel_context *ctx, peli_fftbatch *b, const char *what, size_t nrem)
{
    if (b->full && (!nrem || b->rem)) return PEL_OK;
    peli_fftbatch_destroy(b);
    return pel_error(ctx, PEL_EFFTW,
                     "%s pass: FFTW could not make a plan (length %zu, %zu transforms in "
                     "batches of %zu)",
                     what, b->n, b->count, b->width);
}

pel_status peli_fftbatch_plan(pel_context *ctx, peli_fftbatch *b, const char *what,
                             peli_fft_kind kind, size_t n, ptrdiff_t stride, size_t count,
                             size_t width, ptrdiff_t dist, fftw_complex *buf,
                             fftw_complex *rem_buf, unsigned flags)
{
    size_t nrem, nfull = pass_init(b, kind, n, stride, dist, count, width, &nrem);
    width = b->width;
    int saved_threads = peli_fftw_serial_begin();
    b->full = plan_one(kind, n, stride, width, dist, buf, flags);
    if (nrem)
        b->rem = plan_one(kind, n, stride, nrem, dist,
                          rem_buf ? rem_buf : buf + (ptrdiff_t)(nfull * width) * dist, flags);
    peli_fftw_serial_end(saved_threads);
    return pass_check(ctx, b, what, nrem);
}

static fftw_plan plan_oop(int sign, size_t n, size_t is, size_t os, size_t m, size_t id, size_t od,
                          fftw_complex *in, fftw_complex *out, unsigned flags)
{
    fftw_iodim64 dim = {(ptrdiff_t)n, (ptrdiff_t)is, (ptrdiff_t)os};
    fftw_iodim64 many = {(ptrdiff_t)m, (ptrdiff_t)id, (ptrdiff_t)od};
    fftw_plan p;
    PEL_FFTW_PLANNER_LOCK
    p = fftw_plan_guru64_dft(1, &dim, 1, &many, in, out, sign, flags);
    return p;
}

pel_status peli_fftbatch_plan_oop(pel_context *ctx, peli_fftbatch *b, const char *what, peli_fft_kind kind,
                                  size_t n, size_t is, size_t os, size_t count, size_t width, size_t id,
                                  size_t od, fftw_complex *in, size_t ia, fftw_complex *out, size_t oa,
                                  unsigned flags)
{
    if (kind != PELI_FFT_C2C_FWD && kind != PELI_FFT_C2C_BWD)
        return pel_error(ctx, PEL_EINVAL, "%s pass: out of place is for complex transforms only", what);
    size_t nrem, nfull = pass_init(b, kind, n, (ptrdiff_t)is, (ptrdiff_t)id, count, width, &nrem);
    width = b->width;
    int sign = kind == PELI_FFT_C2C_FWD ? FFTW_FORWARD : FFTW_BACKWARD;
    int saved_threads = peli_fftw_serial_begin();
    b->full = plan_oop(sign, n, is, os, width, id, od, in, out, flags);
    if (nrem)
        b->rem = plan_oop(sign, n, is, os, nrem, id, od, in + nfull * width * ia, out + nfull * width * oa,
                          flags);
    peli_fftw_serial_end(saved_threads);
    return pass_check(ctx, b, what, nrem);
}

void peli_fftbatch_destroy(peli_fftbatch *b)
{
    if (!b) return;
    destroy_plan(b->full);
    destroy_plan(b->rem);
    b->full = b->rem = NULL;
}

void peli_fftbatch_exec(const peli_fftbatch *b, size_t batch, fftw_complex *base)
{
    peli_fftbatch_exec_at(b, batch, base + (ptrdiff_t)(batch * b->width) * b->dist);
}

void peli_fftbatch_exec_at(const peli_fftbatch *b, size_t batch, fftw_complex *start)
{
    fftw_plan p = (batch + 1) * b->width <= b->count ? b->full : b->rem;
    switch (b->kind) {
    case PELI_FFT_R2C: fftw_execute_dft_r2c(p, (double *)start, start); break;
    case PELI_FFT_C2R: fftw_execute_dft_c2r(p, start, (double *)start); break;
    case PELI_FFT_C2C_FWD:
    case PELI_FFT_C2C_BWD: fftw_execute_dft(p, start, start); break;
    }
}
