/* Benchmark support for pel-bench: the memory-bandwidth bound (a STREAM
 * triad), the heat stencils and the Poisson solve against bare FFTW, the
 * last-level cache size, and series of repeated measurements
 * with median, min and max, printed and written as a JSON report. */
#ifndef PEL_DRIVER_BENCH_H
#define PEL_DRIVER_BENCH_H

#include <fftw3.h>
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

/* The heat stencils' effective bandwidth (16 bytes per interior point
 * update): a grid of about `target` points (init: 0 when out of memory),
 * `steps` FTCS steps timed (NAN on a kernel error). */
typedef struct pel_bench_heat {
    int dim;
    size_t n[3];
    double r[3];
    double *u, *w;
    size_t points, interior;
} pel_bench_heat;

int pel_bench_heat_init(pel_context *ctx, pel_bench_heat *h, size_t target);
double pel_bench_heat_gbs(pel_context *ctx, pel_bench_heat *h, int steps);

/* The Poisson solve against the bare FFTW transforms it performs (one r2c
 * and one c2r of the same size, FFTW's own threaded plans planned with
 * `flags`): init returns 0 on failure (the message in ctx); the timings are
 * seconds of one solve (NAN on an error) and of one transform pair. */
typedef struct pel_bench_fft {
    int dim;
    size_t n[3], points;
    pel_poisson *ps;
    double *f, *phi, *real;
    fftw_complex *spec;
    fftw_plan fwd, bwd;
} pel_bench_fft;

int pel_bench_fft_init(pel_context *ctx, pel_bench_fft *c, size_t side, unsigned flags);
double pel_bench_solve_seconds(pel_bench_fft *c);
double pel_bench_bare_seconds(pel_bench_fft *c);
void pel_bench_fft_free(pel_bench_fft *c);

#endif
