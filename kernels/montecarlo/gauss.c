/* Gaussian pairs by the Marsaglia polar method from NPB's LCG stream
 * (include/pel/montecarlo.h).
 *
 * A batch is generated in chunks of CHUNK pairs kept in L1:
 *  1. uniforms: LANES pairs side by side, lane j holding pair i + j; a lane
 *     steps by a^(2 LANES), the second number of a pair is the first times a.
 *     Integer arithmetic, vectorisable; every number is exactly NPB's.
 *  2. x = 2r - 1, y, t = x^2 + y^2 for the whole chunk (vectorisable), then
 *     the indices of accepted pairs are packed (no unpredictable branch).
 *  3. for the accepted pairs, in pair order: log, sqrt, the annulus and the
 *     two running sums, exactly NPB's expressions in NPB's order.
 * Every step is exact or a single correctly ordered IEEE operation (the
 * project builds with -ffp-contract=off), so the vector and scalar paths,
 * and the portable and native builds, give the same bits. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "internal/core.h"

#define CHUNK 256 /* pairs per chunk: 3 arrays of 2 KiB plus the index list */
#define LANES 8   /* pairs generated side by side */

struct pel_gauss {
    pel_gauss_params p;
    uint64_t nbatches;
    uint64_t a2l;       /* a^(2 LANES): one lane step */
    double *psx, *psy;  /* per-batch sums */
};

void pel_gauss_params_default(pel_gauss_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->seed = UINT64_C(271828183);
    p->multiplier = PEL_LCG46_A;
    p->first_pair = 0;
    p->npairs = PEL_GAUSS_BATCH;
    p->nannuli = 10;
}

static pel_status check_params(pel_context *ctx, const pel_gauss_params *p)
{
    PEL_REQUIRE(ctx, p != NULL, "gauss: params must not be NULL");
    PEL_REQUIRE(ctx, p->seed > 0 && p->seed <= PEL_LCG46_MASK,
                "gauss: seed must be in 1 .. 2^46 - 1 (got %llu)", (unsigned long long)p->seed);
    PEL_REQUIRE(ctx, p->multiplier > 0 && p->multiplier <= PEL_LCG46_MASK,
                "gauss: multiplier must be in 1 .. 2^46 - 1 (got %llu)",
                (unsigned long long)p->multiplier);
    PEL_REQUIRE(ctx, p->npairs > 0, "gauss: npairs must be positive (got 0)");
    const uint64_t limit = UINT64_C(1) << 62; /* uniform indices 2 j + 1 fit in 64 bits */
    PEL_REQUIRE(ctx, p->npairs <= limit && p->first_pair <= limit - p->npairs,
                "gauss: first_pair + npairs must not exceed 2^62 (got %llu + %llu)",
                (unsigned long long)p->first_pair, (unsigned long long)p->npairs);
    PEL_REQUIRE(ctx, p->nannuli >= 1 && p->nannuli <= PEL_GAUSS_MAX_ANNULI,
                "gauss: nannuli must be in 1 .. %d (got %d)", PEL_GAUSS_MAX_ANNULI, p->nannuli);
    return PEL_OK;
}

pel_status pel_gauss_create(pel_context *ctx, const pel_gauss_params *p, pel_gauss **out)
{
    PEL_REQUIRE(ctx, out != NULL, "gauss: out must not be NULL");
    *out = NULL;
    pel_status st = check_params(ctx, p);
    if (st != PEL_OK) return st;
    uint64_t nb = (p->npairs - 1) / PEL_GAUSS_BATCH + 1;
    if (nb > SIZE_MAX / (2 * sizeof(double)))
        return pel_error(ctx, PEL_ENOMEM, "gauss: %llu batches: too many to store their sums",
                         (unsigned long long)nb);
    pel_gauss *g = calloc(1, sizeof *g);
    if (!g) return pel_error(ctx, PEL_ENOMEM, "gauss: out of memory");
    g->p = *p;
    g->nbatches = nb;
    g->a2l = pel_lcg46_pow(p->multiplier, 2 * LANES);
    g->psx = pel_malloc((size_t)nb * sizeof *g->psx);
    g->psy = pel_malloc((size_t)nb * sizeof *g->psy);
    if (!g->psx || !g->psy) {
        pel_gauss_destroy(g);
        return pel_error(ctx, PEL_ENOMEM, "gauss: out of memory for %llu batch sums",
                         (unsigned long long)nb);
    }
    *out = g;
    return PEL_OK;
}

void pel_gauss_destroy(pel_gauss *g)
{
    if (!g) return;
    pel_free(g->psx);
    pel_free(g->psy);
    free(g);
}

/* 2 r - 1 for the state s, r = 2^-46 s: (s - 2^45) 2^-45, exact.  The
 * integer reaches the double through its bits (s < 2^52), which vectorises
 * without a 64-bit integer conversion instruction. */
static inline double centred(uint64_t s)
{
    uint64_t bits = s | UINT64_C(0x4330000000000000); /* the double 2^52 + s */
    double d;
    memcpy(&d, &bits, sizeof d);
    return (d - (0x1p52 + 0x1p45)) * 0x1p-45;
}

/* f[q] = sqrt(-2 lg[q] / t[q]) in place of lg[q]: NPB's expression.  The
 * division and the square root are correctly rounded IEEE operations in
 * every form, so the vector instructions give the scalar bits; they are
 * written out because the libm call's errno check (never taken: the
 * argument is >= 0) keeps the compiler from vectorising sqrt. */
static inline void polar_factor(double *restrict lg, const double *restrict t, size_t k)
{
    size_t q = 0;
#if defined(__AVX__)
    const __m256d m2x4 = _mm256_set1_pd(-2.0);
    for (; q + 4 <= k; q += 4) {
        __m256d v = _mm256_div_pd(_mm256_mul_pd(m2x4, _mm256_loadu_pd(lg + q)), _mm256_loadu_pd(t + q));
        _mm256_storeu_pd(lg + q, _mm256_sqrt_pd(v));
    }
#endif
#if defined(__SSE2__)
    const __m128d m2x2 = _mm_set1_pd(-2.0);
    for (; q + 2 <= k; q += 2) {
        __m128d v = _mm_div_pd(_mm_mul_pd(m2x2, _mm_loadu_pd(lg + q)), _mm_loadu_pd(t + q));
        _mm_storeu_pd(lg + q, _mm_sqrt_pd(v));
    }
#endif
    for (; q < k; q++) lg[q] = sqrt(-2.0 * lg[q] / t[q]);
}

/* One batch: pairs [j0, j0 + m) of the run.  Adds to cnt (nannuli entries,
 * then one for "outside") and returns the batch sums in *bsx, *bsy. */
static uint64_t run_batch(const pel_gauss *g, uint64_t j0, uint64_t m, uint64_t *cnt,
                          double *bsx, double *bsy)
{
    const uint64_t a = g->p.multiplier, a2l = g->a2l;
    const int nq = g->p.nannuli;
    /* lane j starts at the first number of pair j: seed a^(2 (first + j0 + j) + 1) */
    uint64_t lane[LANES];
    lane[0] = pel_lcg46_skip(g->p.seed, a, 2 * (g->p.first_pair + j0) + 1);
    const uint64_t a2 = pel_lcg46_next(a, a);
    for (int j = 1; j < LANES; j++) lane[j] = pel_lcg46_next(lane[j - 1], a2);

    double sx = 0.0, sy = 0.0;
    uint64_t accepted = 0;
    double x[CHUNK], y[CHUNK], t[CHUNK];
    uint64_t st[CHUNK + LANES];
    unsigned short idx[CHUNK];
    double px[CHUNK], py[CHUNK], pt[CHUNK], pl[CHUNK]; /* the accepted pairs, packed */
    unsigned char ann[CHUNK];
    uint64_t cnt4[4][PEL_GAUSS_MAX_ANNULI + 1];
    memset(cnt4, 0, sizeof cnt4);
    for (uint64_t c = 0; c < m; c += CHUNK) {
        const size_t n = m - c < CHUNK ? (size_t)(m - c) : CHUNK;
        /* st[i]: the state of the first number of pair c + i; LANES apart
         * they differ by the factor a^(2 LANES), which vectorises */
        const size_t nr = (n + LANES - 1) / LANES * LANES; /* may run past n: harmless */
        for (size_t i = 0; i < LANES; i++) st[i] = lane[i];
        for (size_t i = LANES; i < nr + LANES; i++) st[i] = pel_lcg46_next(st[i - LANES], a2l);
        for (size_t i = 0; i < LANES; i++) lane[i] = st[nr + i];
        for (size_t i = 0; i < nr; i++) {
            const double xe = centred(st[i]), yo = centred(pel_lcg46_next(st[i], a));
            x[i] = xe;
            y[i] = yo;
            t[i] = xe * xe + yo * yo;
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            idx[k] = (unsigned short)i;
            k += (t[i] <= 1.0) & (t[i] > 0.0); /* & not &&: no branch */
        }
        accepted += k;
        for (size_t q = 0; q < k; q++) { /* pack the accepted pairs */
            const size_t i = idx[q];
            px[q] = x[i];
            py[q] = y[i];
            pt[q] = t[i];
        }
        for (size_t q = 0; q < k; q++) pl[q] = log(pt[q]);
        polar_factor(pl, pt, k);
        for (size_t q = 0; q < k; q++) {
            const double gx = px[q] * pl[q], gy = py[q] * pl[q];
            px[q] = gx;
            py[q] = gy;
            /* floor(max(|X|, |Y|)) = max(floor |X|, floor |Y|): no branch to mispredict */
            const int lx = (int)fabs(gx), ly = (int)fabs(gy);
            const int l = lx > ly ? lx : ly;
            ann[q] = (unsigned char)(l < nq ? l : nq);
        }
        for (size_t q = 0; q < k; q++) {
            sx = sx + px[q];
            sy = sy + py[q];
            cnt4[q & 3][ann[q]]++; /* four tables: no chain of increments of one counter */
        }
    }
    for (int l = 0; l <= nq; l++) cnt[l] += cnt4[0][l] + cnt4[1][l] + cnt4[2][l] + cnt4[3][l];
    *bsx = sx;
    *bsy = sy;
    return accepted;
}

pel_status pel_gauss_execute(pel_context *ctx, pel_gauss *g, pel_gauss_tally *tally,
                             uint64_t *counts)
{
    PEL_REQUIRE(ctx, g != NULL, "gauss: plan must not be NULL");
    PEL_REQUIRE(ctx, tally != NULL, "gauss: tally must not be NULL");
    const uint64_t nb = g->nbatches, npairs = g->p.npairs;
    const int nq = g->p.nannuli;
    const int nt = pel_team_size(ctx, (size_t)nb);
    uint64_t total[PEL_GAUSS_MAX_ANNULI + 1] = {0};
    uint64_t accepted = 0;
#pragma omp parallel num_threads(nt) default(none) shared(g, total) firstprivate(nb, npairs, nq) \
    reduction(+ : accepted)
    {
        uint64_t cnt[PEL_GAUSS_MAX_ANNULI + 1] = {0};
#pragma omp for schedule(static)
        for (uint64_t b = 0; b < nb; b++) {
            const uint64_t j0 = b * PEL_GAUSS_BATCH;
            const uint64_t m = npairs - j0 < PEL_GAUSS_BATCH ? npairs - j0 : PEL_GAUSS_BATCH;
            accepted += run_batch(g, j0, m, cnt, &g->psx[b], &g->psy[b]);
        }
        /* integer sums: exact in any order */
        for (int l = 0; l <= nq; l++) {
#pragma omp atomic
            total[l] += cnt[l];
        }
    }
    tally->sx = pel_sum_serial(g->psx, (size_t)nb);
    tally->sy = pel_sum_serial(g->psy, (size_t)nb);
    tally->accepted = accepted;
    tally->outside = total[nq];
    if (counts) memcpy(counts, total, (size_t)nq * sizeof *counts);
    return PEL_OK;
}

pel_status pel_gauss_pairs(pel_context *ctx, const pel_gauss_params *p, pel_gauss_tally *tally,
                           uint64_t *counts)
{
    PEL_REQUIRE(ctx, tally != NULL, "gauss: tally must not be NULL");
    pel_gauss *g = NULL;
    pel_status st = pel_gauss_create(ctx, p, &g);
    if (st != PEL_OK) return st;
    st = pel_gauss_execute(ctx, g, tally, counts);
    pel_gauss_destroy(g);
    return st;
}
