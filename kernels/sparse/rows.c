/* The row products of the sparse family (kernels/internal/sparse.h): y[j] =
 * sum_k a_jk x_k for a range of rows, in the family's one summation order
 * (PEL_SPARSE_NUMERICS_VERSION 3): nonzero k of a row, counted from the
 * row's start, goes to lane (k - start) mod 8, each lane summed left to
 * right from +0.0 (s = s + a x, the product rounded, then the sum), and
 * the lanes combined by the fixed tree ((s0+s4)+(s2+s6))+((s1+s5)+(s3+s7)).
 * Eight independent chains instead of one: a row no longer waits four
 * cycles of add latency per nonzero.
 *
 * CPU dispatch: the x86-64 baseline (the lanes in scalar code), AVX2 (two
 * 4-lane accumulators, gathers of x) and AVX-512 (one 8-lane accumulator,
 * 8-wide gathers); picked at the matrix's creation from pel_cpu_isa()
 * (pel/cpu.h, with its PEL_ISA override).  Every copy performs the same
 * roundings in the same order (no fused multiply-add: -ffp-contract=off,
 * and the intrinsics use separate multiplies and adds), so the bits are the
 * same whichever runs.  A lane that a short row or a row's last partial
 * group of 8 leaves out is not touched (masked adds).
 *
 * 16-bit column steps (matrices above 65536 columns, NPB class B and C) are
 * decoded eight at a time by an in-register prefix sum plus the column
 * reached so far, which the next group adds to. */
#include <config.h>

#include "internal/sparse.h"

/* ---- the definition, in scalar code ---- */

#define LANES PELI_SPARSE_LANES

/* peli_row_dot's operations with the index form hoisted out of the loops
 * and whole groups of 8 unrolled (the lanes then live in registers). */
#define SCALAR_ROWS(NAME, COL)                                                                   \
    static void NAME(const pel_sparse_csr *A, int64_t j0, int64_t j1, const double *restrict x, \
                     double *restrict y)                                                         \
    {                                                                                            \
        const double *restrict val = A->val;                                                     \
        const int32_t *restrict col = A->col;                                                    \
        const uint16_t *restrict c16 = A->col16;                                                 \
        (void)col, (void)c16;                                                                    \
        for (int64_t j = j0; j < j1; j++) {                                                      \
            int64_t k = A->rowptr[j], c = 0;                                                     \
            const int64_t e = A->rowptr[j + 1];                                                  \
            double s[LANES] = {0.0};                                                             \
            (void)c;                                                                             \
            for (; k + LANES <= e; k += LANES)                                                   \
                for (int l = 0; l < LANES; l++) s[l] = s[l] + val[k + l] * x[COL(k + l)];        \
            for (int l = 0; k + l < e; l++) s[l] = s[l] + val[k + l] * x[COL(k + l)];            \
            y[j - j0] = ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));       \
        }                                                                                        \
    }
#define COL32(k) col[k]
#define COL16(k) c16[k]
#define STEP16(k) (c += c16[k])
SCALAR_ROWS(rows_scalar32, COL32)
SCALAR_ROWS(rows_scalar16, COL16)
SCALAR_ROWS(rows_scalar_steps, STEP16)

static void rows_scalar(const pel_sparse_csr *A, int64_t j0, int64_t j1, const double *restrict x,
                        double *restrict y)
{
    if (!A->col16) rows_scalar32(A, j0, j1, x, y);
    else if (!A->col16_delta) rows_scalar16(A, j0, j1, x, y);
    else rows_scalar_steps(A, j0, j1, x, y);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>

/* ---- AVX2: lanes 0-3 in lo, 4-7 in hi ---- */

#pragma GCC push_options
#pragma GCC target("avx2")

static inline double avx2_tree(__m256d lo, __m256d hi)
{
    __m256d t = _mm256_add_pd(lo, hi); /* s_l + s_{l+4} */
    __m128d u = _mm_add_pd(_mm256_castpd256_pd128(t), _mm256_extractf128_pd(t, 1)); /* (t0+t2, t1+t3) */
    return _mm_cvtsd_f64(_mm_add_sd(u, _mm_unpackhi_pd(u, u)));
}

/* acc_lo, acc_hi += v * x[idx] for the lanes below r (r <= 8) */
#define AVX2_GROUP(idx, vp, r)                                                                   \
    do {                                                                                         \
        __m128i ilo_ = _mm256_castsi256_si128(idx), ihi_ = _mm256_extracti128_si256(idx, 1);    \
        if ((r) == LANES) {                                                                      \
            __m256d glo_ = _mm256_i32gather_pd(x, ilo_, 8), ghi_ = _mm256_i32gather_pd(x, ihi_, 8); \
            lo = _mm256_add_pd(lo, _mm256_mul_pd(_mm256_loadu_pd(vp), glo_));                     \
            hi = _mm256_add_pd(hi, _mm256_mul_pd(_mm256_loadu_pd((vp) + 4), ghi_));               \
        } else {                                                                                 \
            __m256i lane_ = _mm256_set_epi64x(3, 2, 1, 0);                                      \
            __m256i mlo_ = _mm256_cmpgt_epi64(_mm256_set1_epi64x(r), lane_);                    \
            __m256i mhi_ = _mm256_cmpgt_epi64(_mm256_set1_epi64x((r) - 4), lane_);              \
            __m256d flo_ = _mm256_castsi256_pd(mlo_), fhi_ = _mm256_castsi256_pd(mhi_);         \
            __m256d glo_ = _mm256_mask_i32gather_pd(_mm256_setzero_pd(), x, ilo_, flo_, 8);    \
            __m256d ghi_ = _mm256_mask_i32gather_pd(_mm256_setzero_pd(), x, ihi_, fhi_, 8);    \
            __m256d plo_ = _mm256_mul_pd(_mm256_maskload_pd(vp, mlo_), glo_);                   \
            __m256d phi_ = _mm256_mul_pd(_mm256_maskload_pd((vp) + 4, mhi_), ghi_);             \
            lo = _mm256_blendv_pd(lo, _mm256_add_pd(lo, plo_), flo_);                           \
            hi = _mm256_blendv_pd(hi, _mm256_add_pd(hi, phi_), fhi_);                           \
        }                                                                                        \
    } while (0)

/* Inclusive prefix sum of eight 32-bit lanes. */
static inline __m256i avx2_prefix(__m256i d)
{
    d = _mm256_add_epi32(d, _mm256_slli_si256(d, 4));
    d = _mm256_add_epi32(d, _mm256_slli_si256(d, 8)); /* within each 128-bit half */
    __m256i t = _mm256_shuffle_epi32(d, 0xFF);        /* each half's total */
    return _mm256_add_epi32(d, _mm256_permute2x128_si256(t, t, 0x08)); /* low total into the high half */
}

static void rows_avx2(const pel_sparse_csr *A, int64_t j0, int64_t j1, const double *restrict x,
                      double *restrict y)
{
    const double *restrict val = A->val;
    const int64_t *rp = A->rowptr;
    const int mode = A->col16 ? (A->col16_delta ? 2 : 1) : 0;
    const __m256i seven = _mm256_set1_epi32(7);
    for (int64_t j = j0; j < j1; j++) {
        int64_t k = rp[j];
        const int64_t e = rp[j + 1];
        __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
        if (mode == 0) {
            const int32_t *col = A->col;
            for (; k + LANES <= e; k += LANES) {
                __m256i idx = _mm256_loadu_si256((const __m256i *)(col + k));
                AVX2_GROUP(idx, val + k, LANES);
            }
            if (k < e) {
                int r = (int)(e - k);
                __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(r), _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
                __m256i idx = _mm256_maskload_epi32(col + k, m);
                AVX2_GROUP(idx, val + k, r);
            }
        } else {
            /* 16-bit columns or steps: the arrays have PELI_SPARSE_PAD spare entries, so a
             * group may read past the row (the lanes beyond it are masked) */
            const uint16_t *c16 = A->col16;
            __m256i base = _mm256_setzero_si256();
            for (; k < e; k += LANES) {
                int r = e - k < LANES ? (int)(e - k) : LANES;
                __m256i d = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(c16 + k)));
                if (mode == 2) {
                    d = _mm256_add_epi32(avx2_prefix(d), base);
                    base = _mm256_permutevar8x32_epi32(d, seven);
                }
                AVX2_GROUP(d, val + k, r);
            }
        }
        y[j - j0] = avx2_tree(lo, hi);
    }
}
#pragma GCC pop_options

/* ---- AVX-512: one 8-lane accumulator ---- */

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl")

static inline double avx512_tree(__m512d s)
{
    __m256d t = _mm256_add_pd(_mm512_castpd512_pd256(s), _mm512_extractf64x4_pd(s, 1));
    __m128d u = _mm_add_pd(_mm256_castpd256_pd128(t), _mm256_extractf128_pd(t, 1));
    return _mm_cvtsd_f64(_mm_add_sd(u, _mm_unpackhi_pd(u, u)));
}

static void rows_avx512(const pel_sparse_csr *A, int64_t j0, int64_t j1, const double *restrict x,
                        double *restrict y)
{
    const double *restrict val = A->val;
    const int64_t *rp = A->rowptr;
    const int mode = A->col16 ? (A->col16_delta ? 2 : 1) : 0;
    const __m256i zero = _mm256_setzero_si256(), seven = _mm256_set1_epi32(7);
    for (int64_t j = j0; j < j1; j++) {
        int64_t k = rp[j];
        const int64_t e = rp[j + 1];
        __m512d s = _mm512_setzero_pd();
        if (mode == 0) {
            const int32_t *col = A->col;
            for (; k + LANES <= e; k += LANES) {
                __m256i idx = _mm256_loadu_si256((const __m256i *)(col + k));
                __m512d g = _mm512_i32gather_pd(idx, x, 8);
                s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_loadu_pd(val + k), g));
            }
            if (k < e) {
                __mmask8 m = (__mmask8)((1u << (e - k)) - 1u);
                __m256i idx = _mm256_maskz_loadu_epi32(m, col + k);
                __m512d g = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, idx, x, 8);
                s = _mm512_mask_add_pd(s, m, s, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, val + k), g));
            }
        } else if (mode == 1) {
            const uint16_t *c16 = A->col16;
            for (; k + LANES <= e; k += LANES) {
                __m256i idx = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(c16 + k)));
                __m512d g = _mm512_i32gather_pd(idx, x, 8);
                s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_loadu_pd(val + k), g));
            }
            if (k < e) { /* PELI_SPARSE_PAD spare entries: the load may pass the row */
                __mmask8 m = (__mmask8)((1u << (e - k)) - 1u);
                __m256i idx = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(c16 + k)));
                __m512d g = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, idx, x, 8);
                s = _mm512_mask_add_pd(s, m, s, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, val + k), g));
            }
        } else {
            const uint16_t *c16 = A->col16;
            __m256i base = zero;
            for (; k < e; k += LANES) {
                __mmask8 m = e - k >= LANES ? (__mmask8)0xFF : (__mmask8)((1u << (e - k)) - 1u);
                __m256i d = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(c16 + k)));
                d = _mm256_add_epi32(d, _mm256_alignr_epi32(d, zero, 7));
                d = _mm256_add_epi32(d, _mm256_alignr_epi32(d, zero, 6));
                d = _mm256_add_epi32(d, _mm256_alignr_epi32(d, zero, 4)); /* prefix sum */
                __m256i idx = _mm256_add_epi32(d, base);
                base = _mm256_add_epi32(base, _mm256_permutexvar_epi32(seven, d));
                __m512d g = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, idx, x, 8);
                s = _mm512_mask_add_pd(s, m, s, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, val + k), g));
            }
        }
        y[j - j0] = avx512_tree(s);
    }
}
#pragma GCC pop_options

peli_sparse_rows_fn peli_sparse_rows_for(pel_isa isa)
{
    return isa >= PEL_ISA_AVX512 ? rows_avx512 : isa >= PEL_ISA_AVX2 ? rows_avx2 : rows_scalar;
}
#else
peli_sparse_rows_fn peli_sparse_rows_for(pel_isa isa)
{
    (void)isa;
    return rows_scalar;
}
#endif
