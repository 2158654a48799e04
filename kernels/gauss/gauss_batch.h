/* One batch of Gaussian pairs (gauss.c): a template that gauss.c includes
 * once per instruction set.  The includer defines NAME(f), the name of this
 * instance's copy of f, and may set a target (#pragma GCC target), which
 * also defines __AVX__ etc. for the code below.  Every instance performs the
 * same exact integer steps and the same IEEE operations in the same order,
 * so all give the same bits. */

/* 2 r - 1 for the state s, r = 2^-46 s: (s - 2^45) 2^-45, exact.  The
 * integer reaches the double through its bits (s < 2^52), which vectorises
 * without a 64-bit integer conversion instruction. */
static inline double NAME(centred)(uint64_t s)
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
static inline void NAME(polar_factor)(double *restrict lg, const double *restrict t, size_t k)
{
    size_t q = 0;
#if defined(__AVX512F__)
    const __m512d m2x8 = _mm512_set1_pd(-2.0);
    for (; q + 8 <= k; q += 8) {
        __m512d v = _mm512_div_pd(_mm512_mul_pd(m2x8, _mm512_loadu_pd(lg + q)), _mm512_loadu_pd(t + q));
        _mm512_storeu_pd(lg + q, _mm512_sqrt_pd(v));
    }
#endif
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
static uint64_t NAME(run_batch)(const pel_gauss *g, uint64_t j0, uint64_t m, uint64_t *cnt,
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
            const double xe = NAME(centred)(st[i]), yo = NAME(centred)(pel_lcg46_next(st[i], a));
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
        NAME(polar_factor)(pl, pt, k);
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

#undef NAME
