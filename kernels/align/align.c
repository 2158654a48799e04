/* The aligner object (include/pel/align.h): parameters, the scoring, the
 * SIMD level, and the one-pair score on the calling thread. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal/align.h"

void pel_align_params_default(pel_align_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->mode = PEL_ALIGN_LOCAL;
    p->matrix = "blosum62";
    p->match = 1;
    p->mismatch = -1;
    p->gap_open = 10;
    p->gap_extend = 1;
    p->width = 0;
    p->simd = 1;
    p->tile = 256;
    p->schedule = PEL_ALIGN_DYNAMIC;
    p->grain = (uint64_t)1 << 20;
}

static int simd_level(void)
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    pel_isa isa = pel_cpu_isa();
    if (isa >= PEL_ISA_AVX512 && __builtin_cpu_supports("avx512bw")) return PELI_ALIGN_AVX512;
    if (isa >= PEL_ISA_AVX2) return PELI_ALIGN_AVX2;
#endif
    return PELI_ALIGN_SCALAR;
}

pel_status pel_align_create(pel_context *ctx, const pel_align_params *p, pel_align **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "align");
    PEL_REQUIRE(ctx, p->mode == PEL_ALIGN_LOCAL || p->mode == PEL_ALIGN_GLOBAL,
                "align: mode = %d: must be PEL_ALIGN_LOCAL or PEL_ALIGN_GLOBAL", (int)p->mode);
    PEL_REQUIRE(ctx, p->matrix != NULL, "align: matrix must not be NULL");
    PEL_REQUIRE(ctx, p->gap_open >= 1 && p->gap_open <= 1000,
                "align: gap_open = %d: must be in [1, 1000]", p->gap_open);
    PEL_REQUIRE(ctx, p->gap_extend >= 1 && p->gap_extend <= p->gap_open,
                "align: gap_extend = %d: must be in [1, gap_open = %d]", p->gap_extend,
                p->gap_open);
    PEL_REQUIRE(ctx, p->width == 0 || p->width == 8 || p->width == 16 || p->width == 32,
                "align: width = %d: must be 0 (automatic), 8, 16 or 32", p->width);
    PEL_REQUIRE(ctx, p->simd >= 0 && p->simd <= 2, "align: simd = %d: must be 0, 1 or 2", p->simd);
    PEL_REQUIRE(ctx, p->tile >= 8 && p->tile <= 4096, "align: tile = %zu: must be in [8, 4096]",
                p->tile);
    PEL_REQUIRE(ctx, p->schedule == PEL_ALIGN_DYNAMIC || p->schedule == PEL_ALIGN_STATIC,
                "align: schedule = %d: must be PEL_ALIGN_DYNAMIC or PEL_ALIGN_STATIC",
                (int)p->schedule);
    PEL_REQUIRE(ctx, p->grain >= 1, "align: grain = 0: must be at least 1 cell");
    pel_align *al = calloc(1, sizeof *al);
    if (!al) return pel_error(ctx, PEL_ENOMEM, "align: no memory for the aligner");
    al->ctx = ctx;
    al->p = *p;
    pel_status st = peli_align_scoring_init(ctx, p, &al->s);
    if (st != PEL_OK) {
        free(al);
        return st;
    }
    size_t len = strlen(p->matrix);
    memcpy(al->matrix, p->matrix, len + 1); /* a known name: short */
    al->p.matrix = al->matrix;
    al->level = p->simd ? simd_level() : PELI_ALIGN_SCALAR;
    if (p->width && !peli_striped_width_ok(al, p->width)) {
        free(al);
        return pel_error(ctx, PEL_EINVAL,
                         "align: width = %d bits cannot hold gap_open = %d and the scores of %s",
                         p->width, p->gap_open, p->matrix);
    }
    *out = al;
    return PEL_OK;
}

void pel_align_destroy(pel_align *al)
{
    if (!al) return;
    peli_align_batch_free(al);
    free(al);
}

const char *pel_align_alphabet(const pel_align *al) { return al ? al->s.alphabet : ""; }

int pel_align_substitution(const pel_align *al, char x, char y)
{
    if (!al) return 0;
    unsigned cx = al->s.code[(unsigned char)x], cy = al->s.code[(unsigned char)y];
    if (cx == PELI_ALIGN_BAD || cy == PELI_ALIGN_BAD) return 0;
    return al->s.sub[cx][cy];
}

const pel_align_stats *pel_align_last_stats(const pel_align *al)
{
    static const pel_align_stats none = {0};
    return al ? &al->last : &none;
}

static double imbalance(const double *x, int n)
{
    double mx = 0, sum = 0;
    for (int t = 0; t < n && t < PEL_ALIGN_MAX_THREADS; t++) {
        if (x[t] > mx) mx = x[t];
        sum += x[t];
    }
    return sum > 0 ? mx / (sum / n) : 1.0;
}

double pel_align_imbalance(const pel_align_stats *st)
{
    return st && st->threads >= 1 ? imbalance(st->busy, st->threads) : 1.0;
}

double pel_align_imbalance_cpu(const pel_align_stats *st)
{
    return st && st->threads >= 1 ? imbalance(st->cpu, st->threads) : 1.0;
}

double peli_align_thread_cpu(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0;
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int peli_align_level_for(const pel_align *al, size_t nq)
{
    if (al->level == PELI_ALIGN_AVX512 && al->p.simd == 1 && nq < PEL_ALIGN_AVX512_MIN)
        return PELI_ALIGN_AVX2;
    return al->level;
}

/* ---- one pair's score -------------------------------------------------------- */

static pel_status cancelled_in_pair(pel_align *al, size_t na, size_t nb)
{
    return pel_error(al->ctx, PEL_ECANCELED, "align: score: cancelled within the pair of %zu x %zu", na, nb);
}

pel_status peli_align_score_codes(pel_align *al, const uint8_t *a, size_t na, const uint8_t *b,
                                  size_t nb, long *score, int *width_used)
{
    if (al->level > PELI_ALIGN_SCALAR && na > 0 && nb > 0) {
        static const int widths[] = {8, 16, 32};
        for (int w = 0; w < 3; w++) {
            if (al->p.width && widths[w] < al->p.width) continue;
            if (!peli_striped_fits(al, widths[w], na, nb)) continue;
            peli_striped *sp = peli_striped_create(al, peli_align_level_for(al, na), widths[w], a, na);
            void *work = sp ? pel_malloc(peli_striped_work_bytes(sp)) : NULL;
            if (!sp || !work) {
                peli_striped_destroy(sp);
                pel_free(work);
                return pel_error(al->ctx, PEL_ENOMEM, "align: no memory for a query profile");
            }
            int sat = 0;
            long s = peli_striped_score(sp, b, nb, work, &sat);
            peli_striped_destroy(sp);
            pel_free(work);
            if (s == PELI_ALIGN_CANCELLED) return cancelled_in_pair(al, na, nb);
            if (!sat) {
                *score = s;
                if (width_used) *width_used = widths[w];
                return PEL_OK;
            }
        }
    }
    int32_t *work = malloc(2 * (nb + 1) * sizeof *work);
    if (!work) return pel_error(al->ctx, PEL_ENOMEM, "align: no memory for %zu columns", nb);
    long s = peli_align_scalar_score(al, a, na, b, nb, work);
    free(work);
    if (s == PELI_ALIGN_CANCELLED) return cancelled_in_pair(al, na, nb);
    *score = s;
    if (width_used) *width_used = 0;
    return PEL_OK;
}

pel_status peli_align_check_sizes(pel_align *al, size_t na, size_t nb)
{
    /* every score and boundary value stays within 2^28 in magnitude, far from
     * the 32-bit cells' minus infinity (PELI_ALIGN_NEG = -2^29) */
    int m = al->p.gap_open;
    if (al->s.maxsub > m) m = al->s.maxsub;
    if (-al->s.minsub > m) m = -al->s.minsub;
    size_t lim = ((size_t)1 << 28) / (size_t)m;
    PEL_REQUIRE(al->ctx, na <= lim && nb <= lim && na + nb <= lim,
                "align: lengths %zu + %zu exceed %zu, the most whose scores fit 32-bit cells with "
                "these penalties",
                na, nb, lim);
    return PEL_OK;
}

pel_status pel_align_score(pel_align *al, const char *a, size_t na, const char *b, size_t nb,
                           long *score)
{
    if (!al) return PEL_EINVAL;
    PEL_REQUIRE(al->ctx, score != NULL, "align: the score pointer must not be NULL");
    pel_status st = peli_align_check_sizes(al, na, nb);
    if (st != PEL_OK) return st;
    uint8_t *ca = NULL, *cb = NULL;
    st = peli_align_encode(al, a, na, "sequence a", &ca);
    if (st == PEL_OK) st = peli_align_encode(al, b, nb, "sequence b", &cb);
    if (st == PEL_OK) st = peli_align_score_codes(al, ca, na, cb, nb, score, NULL);
    free(ca);
    free(cb);
    return st;
}
