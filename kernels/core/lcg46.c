/* NPB's 46-bit LCG in integer arithmetic (include/pel/lcg46.h). */
#include <config.h>

#include "internal/core.h"

uint64_t pel_lcg46_pow(uint64_t a, uint64_t k)
{
    uint64_t r = 1, b = a & PEL_LCG46_MASK;
    for (; k; k >>= 1) {
        if (k & 1) r = pel_lcg46_next(r, b);
        b = pel_lcg46_next(b, b);
    }
    return r;
}

uint64_t pel_lcg46_skip(uint64_t x, uint64_t a, uint64_t k)
{
    return pel_lcg46_next(x, pel_lcg46_pow(a, k));
}

/* Four interleaved chains x <- x a^4: the multiplies of one chain wait for
 * each other, the four chains' do not (measured 2x faster than one chain
 * on NPB FT's initial condition).  Exact integers: the same bits. */
void pel_lcg46_fill_range(uint64_t seed, uint64_t a, uint64_t first, double *y, size_t n)
{
    uint64_t x[4];
    x[0] = pel_lcg46_skip(seed, a, first + 1);
    for (int l = 1; l < 4; l++) x[l] = pel_lcg46_next(x[l - 1], a);
    const uint64_t a4 = pel_lcg46_pow(a, 4);
    size_t j = 0;
    for (; j + 4 <= n; j += 4)
        for (int l = 0; l < 4; l++) {
            y[j + (size_t)l] = pel_lcg46_real(x[l]);
            x[l] = pel_lcg46_next(x[l], a4);
        }
    for (int l = 0; j < n; j++, l++) y[j] = pel_lcg46_real(x[l]);
}

double pel_randlc(double *x, double a)
{
    uint64_t s = pel_lcg46_next((uint64_t)*x, (uint64_t)a);
    *x = (double)s;
    return pel_lcg46_real(s);
}

void pel_vranlc(size_t n, double *x, double a, double *y)
{
    uint64_t s = (uint64_t)*x, m = (uint64_t)a;
    for (size_t j = 0; j < n; j++) {
        s = pel_lcg46_next(s, m);
        y[j] = pel_lcg46_real(s);
    }
    *x = (double)s;
}
