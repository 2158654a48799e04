/* The in-run memory bound of a roofline fraction: a short STREAM triad
 * (bench.h) on arrays of STREAM's size, run in a child process. */
#ifndef PEL_DRIVER_BENCH_ROOFLINE_H
#define PEL_DRIVER_BENCH_ROOFLINE_H

/* The triad a = b + 3 c on `threads` threads over three arrays of 4x the
 * last-level cache each (STREAM's rule; at least 4 MiB each), first touched
 * with the triad's static split: the best of 5 timings of 2 passes after
 * one warm-up pass, in GB/s counting 24 bytes per element (0 when out of
 * memory).  It runs in a forked child, so that the arrays never count in
 * the caller's peak memory, which is the kernel's: call it before the
 * process's first OpenMP region (libgomp's threads do not survive fork).
 * In the caller's process only when fork fails.  *seconds (may be NULL)
 * receives the wall time it took, allocation and first touch included. */
double pel_bench_roofline_triad(int threads, double *seconds);

#endif
