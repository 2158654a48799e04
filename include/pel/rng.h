/* Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11, the
 * generator of Random123).  A draw is a pure function of (key, counter), so
 * element i of stream s is the same number whichever thread computes it, in
 * whatever order: the key selects the stream, the counter is the index. */
#ifndef PEL_RNG_H
#define PEL_RNG_H

#include <stdint.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The raw bijection: 10 rounds of Philox4x32 on ctr under key. */
void pel_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* A stream: key = (seed, stream id). */
typedef struct pel_rng {
    uint32_t key[2];
} pel_rng;

pel_rng pel_rng_stream(uint32_t seed, uint32_t stream);

/* Block `index` of the stream, sub-block `sub` (e.g. a time step):
 * counter = (index low, index high, sub low, sub high). */
void pel_rng_u32x4(pel_rng rng, uint64_t index, uint64_t sub, uint32_t out[4]);

/* Two uniforms in [0, 1), 53 random bits each. */
void pel_rng_uniform2(pel_rng rng, uint64_t index, uint64_t sub, double out[2]);

/* Two independent standard normals (Box-Muller on the pair above). */
void pel_rng_normal2(pel_rng rng, uint64_t index, uint64_t sub, double out[2]);

/* Fill x[0..n) with uniforms in [0,1): x[i] is element i of the stream
 * (element i is slot i % 2 of block i / 2), whatever the thread count. */
void pel_rng_fill_uniform(const pel_context *ctx, pel_rng rng, uint64_t sub, double *x, uint64_t n);

/* The same elements for a range, serially: x[i] = element first + i, so a
 * thread can fill exactly the part of an array it owns. */
void pel_rng_fill_uniform_range(pel_rng rng, uint64_t sub, uint64_t first, double *x, uint64_t n);

#ifdef __cplusplus
}
#endif
#endif
