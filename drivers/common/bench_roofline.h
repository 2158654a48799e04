/* The in-run memory bound of a roofline fraction: a short STREAM triad
 * (bench.h) on arrays of STREAM's size, run in a process of its own. */
#ifndef PEL_DRIVER_BENCH_ROOFLINE_H
#define PEL_DRIVER_BENCH_ROOFLINE_H

/* The triad a = b + 3 c on `threads` threads over three arrays of 4x the
 * last-level cache each (STREAM's rule; at least 4 MiB each), first touched
 * with the triad's static split: the best of 5 timings of 2 passes after
 * one warm-up pass, in GB/s counting 24 bytes per element (0, and a
 * one-line warning on stderr, when out of memory).  It runs in a grandchild
 * process, which the caller never waits for, so that the arrays never count
 * in the caller's peak memory (ru_maxrss as wait4 gives it), which is the
 * kernel's: call it before the process's first OpenMP region (libgomp's
 * threads do not survive fork).  In the caller's process only when fork
 * fails.  A stop signal (pel_run_stop_signal) ends it within 0.1 s.
 * *seconds (may be NULL) receives the wall time it took. */
double pel_bench_roofline_triad(int threads, double *seconds);

#endif
