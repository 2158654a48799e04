/* Striped SIMD local scoring (kernels/align/striped_body.h) for 8-, 16- and
 * 32-bit lanes, compiled for AVX2 and AVX-512BW and chosen by the aligner's
 * level (pel_cpu_isa, with its PEL_ISA override).  Every instance computes
 * the recurrences of ref.c exactly (integers), so scores never depend on
 * the instruction set or the width, except that a saturated 8- or 16-bit
 * run is reported and rescored wider by the caller. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal/align.h"

struct peli_striped {
    int level, width, lanes;
    size_t seglen, vbytes;
    int open, ext;
    void *prof;
};

int peli_striped_width_ok(const pel_align *al, int width)
{
    long top = width == 8 ? INT8_MAX : width == 16 ? INT16_MAX : (1L << 28);
    int m = al->s.maxsub > -al->s.minsub ? al->s.maxsub : -al->s.minsub;
    return al->p.gap_open < top && m < top;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>

/* ---- AVX2 ------------------------------------------------------------------ */
#pragma GCC push_options
#pragma GCC target("avx2")
#define VT __m256i
#define VZERO() _mm256_setzero_si256()
#define VLOAD(p) _mm256_load_si256(p)
#define VSTORE(p, v) _mm256_store_si256((p), (v))
/* lane k <- lane k - 1 across the two 128-bit halves (shift by NB bytes) */
#define SHL_BYTES(a, NB) _mm256_alignr_epi8((a), _mm256_permute2x128_si256((a), (a), 0x08), 16 - (NB))

#define NAME(f) f##_avx2_8
#define ET int8_t
#define LANES 32
#define VNEG INT8_MIN
#define VTOP INT8_MAX
#define VSET1(x) _mm256_set1_epi8((char)(x))
#define VADDS(a, b) _mm256_adds_epi8((a), (b))
#define VSUBS(a, b) _mm256_subs_epi8((a), (b))
#define VMAX(a, b) _mm256_max_epi8((a), (b))
#define VANYGT(a, b) (_mm256_movemask_epi8(_mm256_cmpgt_epi8((a), (b))) != 0)
#define VSHL1(a) SHL_BYTES(a, 1)
#include "align/striped_body.h"
#undef NAME
#undef ET
#undef LANES
#undef VNEG
#undef VTOP
#undef VSET1
#undef VADDS
#undef VSUBS
#undef VMAX
#undef VANYGT
#undef VSHL1

#define NAME(f) f##_avx2_16
#define ET int16_t
#define LANES 16
#define VNEG INT16_MIN
#define VTOP INT16_MAX
#define VSET1(x) _mm256_set1_epi16((short)(x))
#define VADDS(a, b) _mm256_adds_epi16((a), (b))
#define VSUBS(a, b) _mm256_subs_epi16((a), (b))
#define VMAX(a, b) _mm256_max_epi16((a), (b))
#define VANYGT(a, b) (_mm256_movemask_epi8(_mm256_cmpgt_epi16((a), (b))) != 0)
#define VSHL1(a) SHL_BYTES(a, 2)
#include "align/striped_body.h"
#undef NAME
#undef ET
#undef LANES
#undef VNEG
#undef VTOP
#undef VSET1
#undef VADDS
#undef VSUBS
#undef VMAX
#undef VANYGT
#undef VSHL1

#define NAME(f) f##_avx2_32
#define ET int32_t
#define LANES 8
#define VNEG PELI_ALIGN_NEG
#define VTOP 0
#define VSET1(x) _mm256_set1_epi32((int)(x))
#define VADDS(a, b) _mm256_add_epi32((a), (b))
#define VSUBS(a, b) _mm256_sub_epi32((a), (b))
#define VMAX(a, b) _mm256_max_epi32((a), (b))
#define VANYGT(a, b) (_mm256_movemask_epi8(_mm256_cmpgt_epi32((a), (b))) != 0)
#define VSHL1(a) SHL_BYTES(a, 4)
#include "align/striped_body.h"
#undef NAME
#undef ET
#undef LANES
#undef VNEG
#undef VTOP
#undef VSET1
#undef VADDS
#undef VSUBS
#undef VMAX
#undef VANYGT
#undef VSHL1
#undef VT
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef SHL_BYTES
#pragma GCC pop_options

/* ---- AVX-512BW --------------------------------------------------------------- */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw")
#define VT __m512i
#define VZERO() _mm512_setzero_si512()
#define VLOAD(p) _mm512_load_si512(p)
#define VSTORE(p, v) _mm512_store_si512((p), (v))
/* up one 128-bit block (zero below), then the bytes across each block edge */
#define SHL_BYTES(a, NB)                                                                      \
    _mm512_alignr_epi8((a), _mm512_alignr_epi32((a), _mm512_setzero_si512(), 12), 16 - (NB))

#define NAME(f) f##_avx512_8
#define ET int8_t
#define LANES 64
#define VNEG INT8_MIN
#define VTOP INT8_MAX
#define VSET1(x) _mm512_set1_epi8((char)(x))
#define VADDS(a, b) _mm512_adds_epi8((a), (b))
#define VSUBS(a, b) _mm512_subs_epi8((a), (b))
#define VMAX(a, b) _mm512_max_epi8((a), (b))
#define VANYGT(a, b) (_mm512_cmpgt_epi8_mask((a), (b)) != 0)
#define VSHL1(a) SHL_BYTES(a, 1)
#include "align/striped_body.h"
#undef NAME
#undef ET
#undef LANES
#undef VNEG
#undef VTOP
#undef VSET1
#undef VADDS
#undef VSUBS
#undef VMAX
#undef VANYGT
#undef VSHL1

#define NAME(f) f##_avx512_16
#define ET int16_t
#define LANES 32
#define VNEG INT16_MIN
#define VTOP INT16_MAX
#define VSET1(x) _mm512_set1_epi16((short)(x))
#define VADDS(a, b) _mm512_adds_epi16((a), (b))
#define VSUBS(a, b) _mm512_subs_epi16((a), (b))
#define VMAX(a, b) _mm512_max_epi16((a), (b))
#define VANYGT(a, b) (_mm512_cmpgt_epi16_mask((a), (b)) != 0)
#define VSHL1(a) SHL_BYTES(a, 2)
#include "align/striped_body.h"
#undef NAME
#undef ET
#undef LANES
#undef VNEG
#undef VTOP
#undef VSET1
#undef VADDS
#undef VSUBS
#undef VMAX
#undef VANYGT
#undef VSHL1

#define NAME(f) f##_avx512_32
#define ET int32_t
#define LANES 16
#define VNEG PELI_ALIGN_NEG
#define VTOP 0
#define VSET1(x) _mm512_set1_epi32((int)(x))
#define VADDS(a, b) _mm512_add_epi32((a), (b))
#define VSUBS(a, b) _mm512_sub_epi32((a), (b))
#define VMAX(a, b) _mm512_max_epi32((a), (b))
#define VANYGT(a, b) (_mm512_cmpgt_epi32_mask((a), (b)) != 0)
#define VSHL1(a) _mm512_alignr_epi32((a), _mm512_setzero_si512(), 15)
#include "align/striped_body.h"
#undef NAME
#undef ET
#undef LANES
#undef VNEG
#undef VTOP
#undef VSET1
#undef VADDS
#undef VSUBS
#undef VMAX
#undef VANYGT
#undef VSHL1
#undef VT
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef SHL_BYTES
#pragma GCC pop_options

typedef void profile_fn(const pel_align *, const uint8_t *, size_t, size_t, void *);
typedef long score_fn(const void *, size_t, const uint8_t *, size_t, int, int, void *, int *);

#define PF(f) f
#define SF(f) f

static const struct {
    int level, width, lanes, vbytes;
    profile_fn *profile;
    score_fn *score;
} kernels[] = {
    {PELI_ALIGN_AVX2, 8, 32, 32, PF(profile_avx2_8), SF(score_avx2_8)},
    {PELI_ALIGN_AVX2, 16, 16, 32, PF(profile_avx2_16), SF(score_avx2_16)},
    {PELI_ALIGN_AVX2, 32, 8, 32, PF(profile_avx2_32), SF(score_avx2_32)},
    {PELI_ALIGN_AVX512, 8, 64, 64, PF(profile_avx512_8), SF(score_avx512_8)},
    {PELI_ALIGN_AVX512, 16, 32, 64, PF(profile_avx512_16), SF(score_avx512_16)},
    {PELI_ALIGN_AVX512, 32, 16, 64, PF(profile_avx512_32), SF(score_avx512_32)},
};
#define NKERNELS (sizeof kernels / sizeof kernels[0])
#else
typedef void profile_fn(const pel_align *, const uint8_t *, size_t, size_t, void *);
typedef long score_fn(const void *, size_t, const uint8_t *, size_t, int, int, void *, int *);
static const struct {
    int level, width, lanes, vbytes;
    profile_fn *profile;
    score_fn *score;
} kernels[1] = {{-1, 0, 1, 1, NULL, NULL}};
#define NKERNELS 0
#endif

static int find_kernel(int level, int width)
{
    for (size_t k = 0; k < NKERNELS; k++)
        if (kernels[k].level == level && kernels[k].width == width) return (int)k;
    return -1;
}

peli_striped *peli_striped_create(const pel_align *al, int level, int width, const uint8_t *q,
                                  size_t nq)
{
    int k = find_kernel(level, width);
    if (k < 0 || nq == 0) return NULL;
    peli_striped *sp = calloc(1, sizeof *sp);
    if (!sp) return NULL;
    sp->level = level;
    sp->width = width;
    sp->lanes = kernels[k].lanes;
    sp->vbytes = (size_t)kernels[k].vbytes;
    sp->seglen = (nq + (size_t)sp->lanes - 1) / (size_t)sp->lanes;
    sp->open = al->p.gap_open;
    sp->ext = al->p.gap_extend;
    sp->prof = pel_malloc((size_t)al->s.n * sp->seglen * sp->vbytes);
    if (!sp->prof) {
        free(sp);
        return NULL;
    }
    kernels[k].profile(al, q, nq, sp->seglen, sp->prof);
    return sp;
}

void peli_striped_destroy(peli_striped *sp)
{
    if (!sp) return;
    pel_free(sp->prof);
    free(sp);
}

size_t peli_striped_work_bytes(const peli_striped *sp) { return 3 * sp->seglen * sp->vbytes; }

long peli_striped_score(const peli_striped *sp, const uint8_t *b, size_t nb, void *work,
                        int *saturated)
{
    int k = find_kernel(sp->level, sp->width);
    return kernels[k].score(sp->prof, sp->seglen, b, nb, sp->open, sp->ext, work, saturated);
}
