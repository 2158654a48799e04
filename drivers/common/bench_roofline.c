/* The in-run triad bound (bench_roofline.h). */
#include <config.h>

#include "common/bench.h"
#include "common/bench_roofline.h"

double pel_bench_roofline_triad(int threads, double *seconds)
{
    double t0 = pel_wtime();
    size_t half = pel_bench_llc_bytes() / 2;
    if (half < ((size_t)4 << 20)) half = (size_t)4 << 20;
    pel_bench_triad t = {.n = half / sizeof(double)};
    t.a = pel_malloc(t.n * sizeof *t.a);
    t.b = pel_malloc(t.n * sizeof *t.b);
    t.c = pel_malloc(t.n * sizeof *t.c);
    double best = 0.0;
    if (t.a && t.b && t.c) {
        double *a = t.a, *b = t.b, *c = t.c;
        size_t n = t.n;
#pragma omp parallel for num_threads(threads) schedule(static) default(none) shared(a, b, c, n)
        for (size_t i = 0; i < n; i++) {
            a[i] = 0.0;
            b[i] = 1.0;
            c[i] = 2.0;
        }
        (void)pel_bench_triad_gbs(&t, threads, 1);
        for (int k = 0; k < 5; k++) {
            double g = pel_bench_triad_gbs(&t, threads, 2);
            if (g > best) best = g;
        }
    }
    pel_free(t.a);
    pel_free(t.b);
    pel_free(t.c);
    if (seconds) *seconds = pel_wtime() - t0;
    return best;
}
