/* Benchmark support for pel-bench: the memory-bandwidth bound (a STREAM
 * triad), the last-level cache size, and series of repeated measurements
 * with median, min and max, printed and written as a JSON report. */
#ifndef PEL_DRIVER_BENCH_H
#define PEL_DRIVER_BENCH_H

#include <stddef.h>
#include <stdio.h>
#include <pel/pel.h>

#define PEL_BENCH_MAX_REPS 100

typedef struct pel_bench_series {
    const char *name, *unit;
    double v[PEL_BENCH_MAX_REPS];
    int n;
} pel_bench_series;

void pel_bench_stats(const pel_bench_series *s, double *median, double *min, double *max);
void pel_bench_print(FILE *out, const pel_bench_series *s);
/* Schema "pel-bench-report" version 1, written atomically. */
int pel_bench_report(pel_context *ctx, const char *path, const pel_bench_series *s, int ns,
                     int threads, size_t llc);

size_t pel_bench_llc_bytes(void);

/* STREAM's triad a = b + 3 c over n elements, `passes` times in one parallel
 * region; returns GB/s counting 24 bytes per element.  The _nt variant uses
 * streaming stores (no read-for-ownership of a). */
typedef struct pel_bench_triad {
    double *a, *b, *c;
    size_t n;
} pel_bench_triad;

double pel_bench_triad_gbs(const pel_bench_triad *t, int nthreads, int passes);
double pel_bench_triad_nt_gbs(const pel_bench_triad *t, int nthreads, int passes);

#endif
