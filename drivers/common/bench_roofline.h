/* The in-run memory bound of a roofline fraction: a short STREAM triad
 * (bench.h) on arrays larger than the last-level cache. */
#ifndef PEL_DRIVER_BENCH_ROOFLINE_H
#define PEL_DRIVER_BENCH_ROOFLINE_H

/* The triad a = b + 3 c on `threads` threads over three arrays of half the
 * last-level cache each (at least 4 MiB; 1.5x the cache in all), first
 * touched with the triad's static split: the best of 5 timings of 2 passes
 * after one warm-up pass, in GB/s counting 24 bytes per element (0 when out
 * of memory).  *seconds (may be NULL) receives the wall time it took,
 * allocation and first touch included. */
double pel_bench_roofline_triad(int threads, double *seconds);

#endif
