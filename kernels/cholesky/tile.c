/* The library's tile kernels for the tiled Cholesky (kernels/internal/
 * cholesky.h): one body (tile_isa.h) compiled for the x86-64 baseline, AVX2
 * with FMA, and AVX-512, around a register-blocked micro-kernel of each
 * (BLIS's shape: packed micro-panels of A, MR rows, and of B, NR columns,
 * the MR x NR block of C held in registers for the whole k loop).
 *
 * Same bits on every ISA: each element of C is formed by fused multiply-adds
 * in increasing k from +0 (the baseline calls fma(), correctly rounded as
 * the hardware's), then subtracted from C once; divisions and square roots
 * are IEEE-exact everywhere.  The block sizes differ between ISAs, but no
 * element's arithmetic depends on its block. */
#include <config.h>

#include <math.h>
#include <stddef.h>

#include "internal/cholesky.h"

size_t peli_chol_ws_doubles(size_t nb)
{
    /* packed A and B for the largest block sizes (16 and 12), and one C block */
    return peli_chol_pack_doubles(nb) + 16 * 12;
}

size_t peli_chol_pack_doubles(size_t nb)
{
    /* the A operand in strips of up to 16 rows, the B operand in strips of up to 12 */
    return ((nb + 15) / 16 * 16 + (nb + 11) / 12 * 12) * nb;
}

/* ---- baseline: plain C, 8 x 4 ------------------------------------------- */
static void micro_base(size_t k, const double *pa, const double *pb, double *c, size_t ldc, int store)
{
    double acc[4][8] = {{0.0}};
    for (size_t p = 0; p < k; p++)
        for (int s = 0; s < 4; s++)
            for (int r = 0; r < 8; r++) acc[s][r] = fma(pa[p * 8 + r], pb[p * 4 + s], acc[s][r]);
    for (int s = 0; s < 4; s++)
        for (int r = 0; r < 8; r++) c[r + s * ldc] = store ? acc[s][r] : c[r + s * ldc] - acc[s][r];
}
#define NAME(f) f##_base
#define MR 8
#define NR 4
#include "cholesky/tile_isa.h"

static const peli_chol_ops ops_base = {"scalar", potrf_base, trsm_base, syrk_base, gemm_base,
                                    pack_base, syrk_pk_base, gemm_pk_base};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>

/* How far ahead (doubles) the AVX-512 micro-kernel prefetches its packed A panel:
 * 1 KB, a few dozen cycles of FMAs ahead; helps a few percent when the
 * panel streams from L2. */
#define PFD 128



/* ---- AVX2 + FMA: 8 x 6, twelve accumulators ------------------------------ */
#pragma GCC push_options
#pragma GCC target("avx2,fma")
static void micro_avx2(size_t k, const double *pa, const double *pb, double *c, size_t ldc, int store)
{
    __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    if (!store) /* C is read at the end: fetch it during the k loop */
        for (int s = 0; s < 6; s++) _mm_prefetch((const char *)(c + s * ldc), _MM_HINT_T0);
    for (size_t p = 0; p < k; p++) {
        __m256d a0 = _mm256_load_pd(pa + p * 8), a1 = _mm256_load_pd(pa + p * 8 + 4);
        const double *b = pb + p * 6;
        __m256d b0 = _mm256_broadcast_sd(b), b1 = _mm256_broadcast_sd(b + 1);
        c00 = _mm256_fmadd_pd(a0, b0, c00);
        c01 = _mm256_fmadd_pd(a1, b0, c01);
        c10 = _mm256_fmadd_pd(a0, b1, c10);
        c11 = _mm256_fmadd_pd(a1, b1, c11);
        b0 = _mm256_broadcast_sd(b + 2);
        b1 = _mm256_broadcast_sd(b + 3);
        c20 = _mm256_fmadd_pd(a0, b0, c20);
        c21 = _mm256_fmadd_pd(a1, b0, c21);
        c30 = _mm256_fmadd_pd(a0, b1, c30);
        c31 = _mm256_fmadd_pd(a1, b1, c31);
        b0 = _mm256_broadcast_sd(b + 4);
        b1 = _mm256_broadcast_sd(b + 5);
        c40 = _mm256_fmadd_pd(a0, b0, c40);
        c41 = _mm256_fmadd_pd(a1, b0, c41);
        c50 = _mm256_fmadd_pd(a0, b1, c50);
        c51 = _mm256_fmadd_pd(a1, b1, c51);
    }
    __m256d acc[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    for (int s = 0; s < 6; s++)
        for (int h = 0; h < 2; h++) {
            double *d = c + s * ldc + 4 * h;
            _mm256_storeu_pd(d, store ? acc[2 * s + h] : _mm256_sub_pd(_mm256_loadu_pd(d), acc[2 * s + h]));
        }
}
#define NAME(f) f##_avx2
#define MR 8
#define NR 6
#include "cholesky/tile_isa.h"
#pragma GCC pop_options

/* ---- AVX-512: 16 x 12, twenty-four accumulators -------------------------- */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,fma")
static void micro_avx512(size_t k, const double *pa, const double *pb, double *c, size_t ldc, int store)
{
    __m512d acc[12][2];
    for (int s = 0; s < 12; s++) acc[s][0] = acc[s][1] = _mm512_setzero_pd();
    if (!store) /* C is read at the end: fetch it during the k loop */
        for (int s = 0; s < 12; s++) {
            _mm_prefetch((const char *)(c + s * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + s * ldc + 8), _MM_HINT_T0);
        }
    for (size_t p = 0; p < k; p++) {
        __m512d a0 = _mm512_load_pd(pa + p * 16), a1 = _mm512_load_pd(pa + p * 16 + 8);
        const double *b = pb + p * 12;
        _mm_prefetch((const char *)(pa + p * 16 + PFD), _MM_HINT_T0); /* two lines of A per p */
        _mm_prefetch((const char *)(pa + p * 16 + PFD + 8), _MM_HINT_T0);
#pragma GCC unroll 12
        for (int s = 0; s < 12; s++) {
            __m512d bs = _mm512_set1_pd(b[s]);
            acc[s][0] = _mm512_fmadd_pd(a0, bs, acc[s][0]);
            acc[s][1] = _mm512_fmadd_pd(a1, bs, acc[s][1]);
        }
    }
    for (int s = 0; s < 12; s++)
        for (int h = 0; h < 2; h++) {
            double *d = c + s * ldc + 8 * h;
            _mm512_storeu_pd(d, store ? acc[s][h] : _mm512_sub_pd(_mm512_loadu_pd(d), acc[s][h]));
        }
}
#define NAME(f) f##_avx512
#define MR 16
#define NR 12
#include "cholesky/tile_isa.h"
#pragma GCC pop_options

static const peli_chol_ops ops_avx2 = {"avx2", potrf_avx2, trsm_avx2, syrk_avx2, gemm_avx2,
                                    pack_avx2, syrk_pk_avx2, gemm_pk_avx2};
static const peli_chol_ops ops_avx512 = {"avx512", potrf_avx512, trsm_avx512, syrk_avx512, gemm_avx512,
                                    pack_avx512, syrk_pk_avx512, gemm_pk_avx512};

const peli_chol_ops *peli_chol_ops_for(pel_isa isa)
{
    return isa >= PEL_ISA_AVX512 ? &ops_avx512 : isa >= PEL_ISA_AVX2 ? &ops_avx2 : &ops_base;
}
#else
const peli_chol_ops *peli_chol_ops_for(pel_isa isa)
{
    (void)isa;
    return &ops_base;
}
#endif
