/* Striped SIMD local and global scoring (kernels/align/striped_body.h, one
 * body for the 8-, 16- and 32-bit lanes), compiled for AVX2 and AVX-512BW
 * and chosen by the aligner's level (pel_cpu_isa, with its PEL_ISA
 * override).  Every instance computes the recurrences of ref.c exactly
 * (integers), so scores never depend on the instruction set or the width,
 * except that a saturated 8- or 16-bit run is reported and rescored wider
 * by the caller. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal/align.h"

#define PEL_CAT_(a, b) a##b
#define PEL_CAT(a, b) PEL_CAT_(a, b)

typedef long score_fn(const peli_striped *, const uint8_t *, size_t, void *, int *);
typedef void score2_fn(const peli_striped *, const uint8_t *, size_t, const uint8_t *, size_t,
                       void *, void *, long *, int *, long *, int *);

struct peli_striped {
    score_fn *fn;
    score2_fn *fn2; /* two sequences at once (local), NULL for none */
    int level, width, lanes, global;
    size_t nq, seglen, vbytes;
    int open, ext;
    long low; /* global, 8 and 16 bits: the least H the score can be trusted with */
    void *prof;
    const pel_context *ctx; /* whose cancellation flag the kernels look at */
};

/* The least value every global H must keep at `width` bits for the score to
 * be exact (striped_body.h): the lane minimum plus what one step can take
 * off a value (a gap opened and extended, or the most negative substitution). */
static long global_low(const pel_align *al, int width)
{
    long neg = width == 8 ? INT8_MIN : width == 16 ? INT16_MIN : PELI_ALIGN_NEG;
    long pen = al->s.minsub < 0 ? -al->s.minsub : 0;
    return neg + al->p.gap_open + al->p.gap_extend + pen + 1;
}

static long width_top(int width) { return width == 8 ? INT8_MAX : width == 16 ? INT16_MAX : (1L << 28); }

int peli_striped_width_ok(const pel_align *al, int width)
{
    long top = width_top(width);
    int m = al->s.maxsub > -al->s.minsub ? al->s.maxsub : -al->s.minsub;
    return al->p.gap_open < top && m < top;
}

int peli_striped_fits(const pel_align *al, int width, size_t na, size_t nb)
{
    if (!peli_striped_width_ok(al, width)) return 0;
    if (al->p.mode != PEL_ALIGN_GLOBAL || width == 32) return 1;
    /* the boundaries: H(0, n) - open = -(2 open + (n - 1) ext) at the longer edge */
    size_t n = na > nb ? na : nb;
    long lim = -global_low(al, width) - 2L * al->p.gap_open;
    return n == 0 || (long)(n - 1) <= lim / al->p.gap_extend;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>

/* ---- AVX2 ------------------------------------------------------------------ */
#pragma GCC push_options
#pragma GCC target("avx2")
#define ISA avx2
#define VBITS 256
#define VT __m256i
#define VOP(op) PEL_CAT(_mm256_, op)
#define VZERO() _mm256_setzero_si256()
#define VLOAD(p) _mm256_load_si256(p)
#define VSTORE(p, v) _mm256_store_si256((p), (v))
#define VANYGT_(cmp, a, b) (_mm256_movemask_epi8(cmp((a), (b))) != 0)
/* lane k <- lane k - 1 across the two 128-bit halves (shift by NB bytes) */
#define SHL_BYTES(a, NB) _mm256_alignr_epi8((a), _mm256_permute2x128_si256((a), (a), 0x08), 16 - (NB))
#define SHL_HALF(a) _mm256_permute2x128_si256((a), (a), 0x08)
#include "align/striped_widths.h"
#pragma GCC pop_options

/* ---- AVX-512BW --------------------------------------------------------------- */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw")
#define ISA avx512
#define VBITS 512
#define VT __m512i
#define VOP(op) PEL_CAT(_mm512_, op)
#define VZERO() _mm512_setzero_si512()
#define VLOAD(p) _mm512_load_si512(p)
#define VSTORE(p, v) _mm512_store_si512((p), (v))
#define VANYGT_(cmp, a, b) (PEL_CAT(cmp, _mask)((a), (b)) != 0)
/* up one 128-bit block (zero below), then the bytes across each block edge */
#define SHL_BYTES(a, NB)                                                                      \
    _mm512_alignr_epi8((a), _mm512_alignr_epi32((a), _mm512_setzero_si512(), 12), 16 - (NB))
#define SHL_HALF(a) _mm512_alignr_epi64((a), _mm512_setzero_si512(), 4)
#include "align/striped_widths.h"
#pragma GCC pop_options

typedef void profile_fn(const pel_align *, const uint8_t *, size_t, size_t, int, void *);
#define K(isa, lv, w, vbytes)                                                                \
    {lv, w, (vbytes) * 8 / (w), vbytes, profile_##isa##_##w, local_##isa##_##w,               \
     local2_##isa##_##w, global_##isa##_##w}
static const struct {
    int level, width, lanes, vbytes;
    profile_fn *profile;
    score_fn *local;
    score2_fn *local2;
    score_fn *global;
} kernels[] = {
    K(avx2, PELI_ALIGN_AVX2, 8, 32),     K(avx2, PELI_ALIGN_AVX2, 16, 32),
    K(avx2, PELI_ALIGN_AVX2, 32, 32),    K(avx512, PELI_ALIGN_AVX512, 8, 64),
    K(avx512, PELI_ALIGN_AVX512, 16, 64), K(avx512, PELI_ALIGN_AVX512, 32, 64),
};
#undef K
#define NKERNELS (sizeof kernels / sizeof kernels[0])
#else
typedef void profile_fn(const pel_align *, const uint8_t *, size_t, size_t, int, void *);
static const struct {
    int level, width, lanes, vbytes;
    profile_fn *profile;
    score_fn *local;
    score2_fn *local2;
    score_fn *global;
} kernels[1] = {{-1, 0, 1, 1, NULL, NULL, NULL, NULL}};
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
    sp->global = al->p.mode == PEL_ALIGN_GLOBAL;
    sp->nq = nq;
    sp->ctx = al->ctx;
    sp->low = global_low(al, width);
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
    sp->fn = sp->global ? kernels[k].global : kernels[k].local;
    sp->fn2 = sp->global ? NULL : kernels[k].local2;
    int pad = sp->global ? 0 : width == 8 ? INT8_MIN : width == 16 ? INT16_MIN : PELI_ALIGN_NEG;
    kernels[k].profile(al, q, nq, sp->seglen, pad, sp->prof);
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
    return sp->fn(sp, b, nb, work, saturated);
}

void peli_striped_score2(const peli_striped *sp, const uint8_t *b1, size_t n1, const uint8_t *b2,
                         size_t n2, void *work1, void *work2, long *s1, int *sat1, long *s2,
                         int *sat2)
{
    if (sp->fn2 && sp->seglen <= PELI_STRIPED_SCAN_MAX) {
        sp->fn2(sp, b1, n1, b2, n2, work1, work2, s1, sat1, s2, sat2);
        return;
    }
    *s1 = sp->fn(sp, b1, n1, work1, sat1);
    *s2 = sp->fn(sp, b2, n2, work2, sat2);
}
