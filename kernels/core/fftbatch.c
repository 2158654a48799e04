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

pel_status peli_fftbatch_plan(pel_context *ctx, peli_fftbatch *b, const char *what,
                             peli_fft_kind kind, size_t n, ptrdiff_t stride, size_t count,
                             size_t width, ptrdiff_t dist, fftw_complex *buf,
                             fftw_complex *rem_buf, unsigned flags)
{
    if (width > count) width = count;
    if (width < 1) width = 1;
    *b = (peli_fftbatch){.kind = kind, .n = n, .stride = stride, .dist = dist,
                        .count = count, .width = width};
    size_t nfull = count / width, nrem = count % width;
    b->nbatch = nfull + (nrem ? 1 : 0);

    int saved_threads = peli_fftw_serial_begin();
    b->full = plan_one(kind, n, stride, width, dist, buf, flags);
    if (nrem)
        b->rem = plan_one(kind, n, stride, nrem, dist,
                          rem_buf ? rem_buf : buf + (ptrdiff_t)(nfull * width) * dist, flags);
    peli_fftw_serial_end(saved_threads);
    if (!b->full || (nrem && !b->rem)) {
        peli_fftbatch_destroy(b);
        return pel_error(ctx, PEL_EFFTW,
                         "%s pass: FFTW could not make a plan (length %zu, %zu transforms in "
                         "batches of %zu)",
                         what, n, count, width);
    }
    return PEL_OK;
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
