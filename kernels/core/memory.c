/* Aligned allocation and first-touch placement. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pel/memory.h>

void *pel_malloc(size_t bytes)
{
    if (bytes == 0) return NULL;
    void *p = NULL;
    /* round up so vector loops may read a whole final cache line */
    size_t padded = (bytes + PEL_ALIGN - 1) / PEL_ALIGN * PEL_ALIGN;
    if (padded < bytes || posix_memalign(&p, PEL_ALIGN, padded) != 0) return NULL;
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
