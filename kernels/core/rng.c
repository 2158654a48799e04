/* Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as
 * easy as 1, 2, 3", SC'11); constants and round structure as in Random123. */
#include <config.h>

#include <math.h>

#include <omp.h>

#include "internal/core.h"
#include "internal/team.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u /* golden ratio */
#define PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

static inline void mulhilo(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo)
{
    uint64_t p = (uint64_t)a * b;
    *hi = (uint32_t)(p >> 32);
    *lo = (uint32_t)p;
}

void pel_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint32_t hi0, lo0, hi1, lo1;
        mulhilo(PHILOX_M0, c0, &hi0, &lo0);
        mulhilo(PHILOX_M1, c2, &hi1, &lo1);
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

pel_rng pel_rng_stream(uint32_t seed, uint32_t stream)
{
    pel_rng r = {{seed, stream}};
    return r;
}

void pel_rng_u32x4(pel_rng rng, uint64_t index, uint64_t sub, uint32_t out[4])
{
    uint32_t ctr[4] = {(uint32_t)index, (uint32_t)(index >> 32), (uint32_t)sub,
                       (uint32_t)(sub >> 32)};
    pel_philox4x32_10(ctr, rng.key, out);
}

static inline double u53(uint32_t hi, uint32_t lo)
{
    return (double)((((uint64_t)hi << 32) | lo) >> 11) * 0x1.0p-53;
}

void pel_rng_uniform2(pel_rng rng, uint64_t index, uint64_t sub, double out[2])
{
    uint32_t w[4];
    pel_rng_u32x4(rng, index, sub, w);
    out[0] = u53(w[0], w[1]);
    out[1] = u53(w[2], w[3]);
}

void pel_rng_normal2(pel_rng rng, uint64_t index, uint64_t sub, double out[2])
{
    double u[2];
    pel_rng_uniform2(rng, index, sub, u);
    double r = sqrt(-2.0 * log(1.0 - u[0])); /* 1 - u in (0, 1]: log is finite */
    double theta = 6.283185307179586476925 * u[1];
    out[0] = r * cos(theta);
    out[1] = r * sin(theta);
}

void pel_rng_fill_uniform_range(pel_rng rng, uint64_t sub, uint64_t first, double *x, uint64_t n)
{
    double pair[2];
    uint64_t i = first, end = first + n;
    if (i < end && i % 2) { /* a range may start on the second slot of a block */
        pel_rng_uniform2(rng, i / 2, sub, pair);
        *x++ = pair[1];
        i++;
    }
    for (; i + 1 < end; i += 2, x += 2) pel_rng_uniform2(rng, i / 2, sub, x);
    if (i < end) {
        pel_rng_uniform2(rng, i / 2, sub, pair);
        *x = pair[0];
    }
}

typedef struct fill_job {
    pel_rng rng;
    uint64_t sub;
    double *x;
    size_t n;
} fill_job;

static void fill_part(int t, int nt, void *arg)
{
    const fill_job *j = arg;
    size_t b, e;
    pel_static_range(j->n, t, nt, &b, &e);
    pel_rng_fill_uniform_range(j->rng, j->sub, b, j->x + b, e - b);
}

void pel_rng_fill_uniform(const pel_context *ctx, pel_rng rng, uint64_t sub, double *x, uint64_t n)
{
    if (!x || n == 0) return;
    fill_job j = {rng, sub, x, (size_t)n};
    peli_parallel(ctx, (size_t)n, 0, 0, fill_part, &j);
}
