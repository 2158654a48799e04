/* Monte Carlo kernels: Gaussian pairs from NPB's uniform LCG stream by the
 * Marsaglia polar method (the NPB EP kernel, usable on any seed and size).
 *
 * The stream: uniform number k (k = 0, 1, ...) is r_k = 2^-46 seed a^(k+1)
 * mod 2^46 (include/pel/lcg46.h).  Pair j uses r_{2j} and r_{2j+1}:
 *     x = 2 r_{2j} - 1,  y = 2 r_{2j+1} - 1,  t = x^2 + y^2;
 * it is accepted when 0 < t <= 1, and then gives the independent Gaussian
 * deviates
 *     X = x f,  Y = y f,  f = sqrt(-2 log(t) / t),
 * which fall in annulus l = floor(max(|X|, |Y|)).  A run covers pairs
 * first_pair .. first_pair + npairs - 1 and returns the sums of X and of Y,
 * the number of accepted pairs and the count per annulus.  (NPB also accepts
 * t = 0, where its formula divides by zero; with an odd seed t is never 0.)
 *
 * Determinism: the pairs are cut into batches of PEL_GAUSS_BATCH (relative
 * to first_pair); each batch is summed serially in pair order, and the batch
 * sums are combined along a fixed binary tree (pel_sum_serial).  Every thread
 * jumps ahead in the stream to the batches it owns, so the numbers, the
 * counts and the sums are bitwise the same for any thread count.
 *
 * Plan once, execute many: pel_gauss_create checks the parameters and
 * allocates the per-batch partial sums; pel_gauss_execute never allocates. */
#ifndef PEL_GAUSS_H
#define PEL_GAUSS_H
#define PEL_GAUSS_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stdint.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Pairs per batch: NPB's 2^MK with MK = 16.  Part of the numerical
 * definition of the sums: never change it. */
#define PEL_GAUSS_BATCH 65536

/* The largest number of annuli.  max(|X|, |Y|) <= sqrt(-2 log t) and t is
 * at least 2^-90 (x and y are multiples of 2^-45), so every pair lies below
 * 11.2: annuli from 12 on are always empty. */
#define PEL_GAUSS_MAX_ANNULI 64

typedef struct pel_gauss_params {
    uint64_t seed;       /* 0 < seed < 2^46 (odd for the full period) */
    uint64_t multiplier; /* a: 0 < a < 2^46 (a = 5 mod 8 for the full period) */
    uint64_t first_pair; /* index of the first pair of the run */
    uint64_t npairs;     /* > 0; first_pair + npairs <= 2^62 */
    int nannuli;         /* annuli counted, 1 .. PEL_GAUSS_MAX_ANNULI */
} pel_gauss_params;

/* NPB's stream (seed 271828183, a = 5^13), pairs 0 .. 2^16 - 1, 10 annuli. */
void pel_gauss_params_default(pel_gauss_params *p);

typedef struct pel_gauss_tally {
    double sx, sy;     /* sum of X, sum of Y over the accepted pairs */
    uint64_t accepted; /* pairs with 0 < t <= 1 */
    uint64_t outside;  /* accepted pairs with l >= nannuli (counted in no annulus) */
} pel_gauss_tally;

typedef struct pel_gauss pel_gauss;

pel_status pel_gauss_create(pel_context *ctx, const pel_gauss_params *p, pel_gauss **out);
void pel_gauss_destroy(pel_gauss *g);

/* Generates the run on pel_context_threads(ctx) threads.  counts (NULL for
 * none) receives nannuli entries: counts[l] = accepted pairs in annulus l. */
pel_status pel_gauss_execute(pel_context *ctx, pel_gauss *g, pel_gauss_tally *tally,
                             uint64_t *counts);

/* create + execute + destroy, for a single run. */
pel_status pel_gauss_pairs(pel_context *ctx, const pel_gauss_params *p, pel_gauss_tally *tally,
                           uint64_t *counts);

/* ---- NPB EP ---------------------------------------------------------------
 * Class S, W, A, B, C: 2^m pairs of NPB's stream (m = 24, 25, 28, 30, 32)
 * with 10 annuli, and NPB 3.3.1's reference sums: the run verifies when
 * |sx - sx_ref| <= eps |sx_ref| and the same for sy. */
typedef struct pel_gauss_npb {
    char cls;
    int m;                  /* log2 of the number of pairs */
    pel_gauss_params gauss; /* the run */
    double sx_ref, sy_ref;  /* NPB 3.3.1's verification values */
    double eps;             /* NPB's relative tolerance, 1e-8 */
} pel_gauss_npb;

pel_status pel_gauss_npb_class(pel_context *ctx, char cls, pel_gauss_npb *out);

#ifdef __cplusplus
}
#endif
#endif
