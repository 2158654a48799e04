/* Aligned allocation and first-touch placement. */
#ifndef PEL_MEMORY_H
#define PEL_MEMORY_H

#include <stddef.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Alignment of every PEL allocation: one cache line, and a full AVX-512 vector. */
#define PEL_ALIGN 64

/* 64-byte aligned (2 MiB aligned and advised for transparent huge pages from
 * 2 MiB up, on Linux); NULL on failure or when bytes == 0.  Free with pel_free. */
void *pel_malloc(size_t bytes);
void pel_free(void *p);

/* First touch: each thread writes the rows it will later compute on, so
 * on a NUMA machine the pages land next to that thread.  Rows are split with
 * the same schedule(static) partition the kernels use over their outermost
 * loop, for the context's thread count (ctx NULL: one thread). */
void pel_first_touch_zero(const pel_context *ctx, double *a, size_t nrows, size_t row_len);
void pel_first_touch_copy(const pel_context *ctx, double *dst, const double *src, size_t nrows,
                          size_t row_len);

#ifdef __cplusplus
}
#endif
#endif
