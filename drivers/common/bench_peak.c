/* The in-run FMA peak (bench_peak.h). */
#include <config.h>

#include <omp.h>
#include <stdio.h>

#include <pel/pel.h>

#include "common/bench_peak.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
__attribute__((target("avx512f"))) static double fma_loop_512(long iters)
{
    __m512d x[12], m = _mm512_set1_pd(1.0 - 1e-12), c = _mm512_set1_pd(1e-13);
    for (int i = 0; i < 12; i++) x[i] = _mm512_set1_pd(1.0 + i);
    for (long t = 0; t < iters; t++)
        for (int i = 0; i < 12; i++) x[i] = _mm512_fmadd_pd(x[i], m, c);
    double s = 0;
    for (int i = 0; i < 12; i++) s += _mm512_reduce_add_pd(x[i]);
    return s + 12.0 * 8 * 2 * (double)iters * 0; /* keep the work; flops counted by the caller */
}
__attribute__((target("avx2,fma"))) static double fma_loop_256(long iters)
{
    __m256d x[12], m = _mm256_set1_pd(1.0 - 1e-12), c = _mm256_set1_pd(1e-13);
    for (int i = 0; i < 12; i++) x[i] = _mm256_set1_pd(1.0 + i);
    for (long t = 0; t < iters; t++)
        for (int i = 0; i < 12; i++) x[i] = _mm256_fmadd_pd(x[i], m, c);
    double s[4] = {0}, r = 0;
    for (int i = 0; i < 12; i++) {
        _mm256_storeu_pd(s, x[i]);
        r += s[0] + s[1] + s[2] + s[3];
    }
    return r;
}
#endif

double pel_bench_fma_peak(int nt)
{
    pel_isa isa = pel_cpu_isa();
    int lanes = isa >= PEL_ISA_AVX512 ? 8 : isa >= PEL_ISA_AVX2 ? 4 : 0;
    if (!lanes) return 0.0;
    long iters = 4000000;
    double slowest = 0.0, sink = 0.0;
#pragma omp parallel num_threads(nt) default(none) shared(slowest, sink, iters, lanes)
    {
        double t0 = omp_get_wtime(), s = 0;
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
        s = lanes == 8 ? fma_loop_512(iters) : fma_loop_256(iters);
#endif
        double dt = omp_get_wtime() - t0;
#pragma omp critical
        {
            slowest = dt > slowest ? dt : slowest;
            sink += s;
        }
    }
    if (sink == 42.0) fputc(' ', stderr); /* the loops' results are used */
    return 12.0 * lanes * 2 * (double)iters * nt / slowest * 1e-9;
}
