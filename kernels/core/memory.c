/* Aligned allocation and first-touch placement. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "internal/core.h"
#include "internal/team.h"

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

void *peli_pages(size_t bytes)
{
    if (bytes == 0) return NULL;
#if PELI_PAGES_ZERO
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
#else
    return pel_malloc(bytes);
#endif
}

void peli_pages_free(void *p, size_t bytes)
{
    if (!p) return;
#if PELI_PAGES_ZERO
    munmap(p, bytes);
#else
    (void)bytes;
    pel_free(p);
#endif
}

typedef struct touch_job {
    double *dst;
    const double *src;
    size_t nrows, row_len;
} touch_job;

static void touch_rows(int t, int nt, void *arg)
{
    const touch_job *j = arg;
    size_t b, e;
    pel_static_range(j->nrows, t, nt, &b, &e);
    for (size_t i = b; i < e; i++) {
        double *d = j->dst + i * j->row_len;
        if (j->src) memcpy(d, j->src + i * j->row_len, j->row_len * sizeof *d);
        else memset(d, 0, j->row_len * sizeof *d);
    }
}

void pel_first_touch_zero(const pel_context *ctx, double *a, size_t nrows, size_t row_len)
{
    if (!a) return;
    touch_job j = {a, NULL, nrows, row_len};
    peli_parallel(ctx, nrows, 0, 0, touch_rows, &j);
}

void pel_first_touch_copy(const pel_context *ctx, double *dst, const double *src, size_t nrows,
                          size_t row_len)
{
    if (!dst || !src) return;
    touch_job j = {dst, src, nrows, row_len};
    peli_parallel(ctx, nrows, 0, 0, touch_rows, &j);
}
