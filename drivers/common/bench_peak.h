/* The in-run compute bound: the FMA peak of the machine as measured by a
 * register-resident loop of fused multiply-adds (what a dense kernel's
 * GFLOP/s is a fraction of, as the triad of bench_roofline.h is for
 * bandwidth). */
#ifndef PEL_DRIVER_BENCH_PEAK_H
#define PEL_DRIVER_BENCH_PEAK_H

/* GFLOP/s of `threads` threads each running 12 independent chains of
 * vector FMAs at once (AVX-512 when pel_cpu_isa() has it, else AVX2),
 * 4e6 iterations each: the flops over the slowest thread's time.  0 when
 * the machine (or the compiler) has neither. */
double pel_bench_fma_peak(int threads);

#endif
