/* NPB's pseudo-random generator (Bailey, "NAS Parallel Benchmarks", RNR-94-007
 * §2.3; routines randlc/vranlc): the linear congruential recurrence
 *     x_{k+1} = a x_k  (mod 2^46),   r_k = 2^-46 x_k,
 * with a = 5^13 in every NPB kernel.  NPB evaluates it in double precision
 * with 23-bit splits; here it is 64-bit integer arithmetic (2^46 divides
 * 2^64, so the product mod 2^64 masked to 46 bits is exact): the same
 * numbers, bit for bit, several times faster and vectorisable.
 *
 * Jump-ahead makes the stream addressable: element k of the stream seeded
 * by s is s a^(k+1), computed in O(log k), so every thread can generate
 * exactly the block it owns and the numbers never depend on the thread
 * count. */
#ifndef PEL_LCG46_H
#define PEL_LCG46_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_LCG46_MASK ((UINT64_C(1) << 46) - 1)
#define PEL_LCG46_A UINT64_C(1220703125) /* 5^13, NPB's multiplier */

/* One step: a x mod 2^46. */
static inline uint64_t pel_lcg46_next(uint64_t x, uint64_t a) { return (x * a) & PEL_LCG46_MASK; }

/* The state as NPB's double r in (0, 1): exact.  The factor is 2^-46,
 * written without a hex float literal so the header is also valid C++11:
 * 2^46 converts to double exactly and 1 / 2^46 is exact. */
static inline double pel_lcg46_real(uint64_t x) { return (double)x * (1.0 / (double)(UINT64_C(1) << 46)); }

/* a^k mod 2^46 in O(log k) (k = 0 gives 1). */
uint64_t pel_lcg46_pow(uint64_t a, uint64_t k);

/* The state k steps after x: x a^k mod 2^46. */
uint64_t pel_lcg46_skip(uint64_t x, uint64_t a, uint64_t k);

/* y[j] = element first + j of the stream seeded by `seed`:
 * 2^-46 seed a^(first + j + 1).  Serial; a thread fills the part it owns. */
void pel_lcg46_fill_range(uint64_t seed, uint64_t a, uint64_t first, double *y, size_t n);

/* NPB's interfaces on doubles holding integers below 2^46, for code that
 * follows NPB's text: randlc advances *x once and returns 2^-46 * new x;
 * vranlc writes n successive values to y and leaves *x at the last one. */
double pel_randlc(double *x, double a);
void pel_vranlc(size_t n, double *x, double a, double *y);

#ifdef __cplusplus
}
#endif

#endif
