/* Benchmark of the shallow-water ocean (pel/ocean.h): cell updates per
 * second and the effective bandwidth (PEL_OCEAN_BYTES_PER_CELL bytes per
 * cell update) against the STREAM triad bound measured in the same run,
 * repetitions interleaved (triad, ocean, triad, ...) so that a machine
 * shared with other work slows both alike.  For pel-bench. */
#ifndef PEL_DRIVER_BENCH_OCEAN_H
#define PEL_DRIVER_BENCH_OCEAN_H

#include <stddef.h>
#include <pel/pel.h>

#include "common/bench.h"

typedef struct pel_bench_ocean {
    size_t nx, ny;       /* the basin's cells */
    int steps;           /* RK3 steps per repetition */
    pel_ocean *o;
    pel_bench_triad tr;  /* the bound's arrays: as large as the ocean's state */
} pel_bench_ocean;

/* A nonlinear Stommel basin (wind, drag, viscosity, heat flux, bump) of
 * about `cells` cells, and triad arrays of the same memory footprint, each
 * also at least 4x the last-level cache unless `quick` (a test's tiny
 * run, whose figures mean nothing).  Returns 0 on failure (the message in
 * ctx). */
int pel_bench_ocean_init(pel_context *ctx, pel_bench_ocean *b, size_t cells, int steps, int quick);

/* `reps` interleaved repetitions (at most PEL_BENCH_MAX_REPS), after one
 * warm-up, into four series: "ocean cell updates" (Mcell/s), "ocean
 * effective bandwidth" (GB/s), "triad bandwidth" (GB/s, the mean of the
 * triads just before and after each ocean repetition) and "ocean /
 * triad" (ratio).  Returns 0 on a kernel error. */
int pel_bench_ocean_measure(pel_context *ctx, pel_bench_ocean *b, int reps, pel_bench_series out[4]);

void pel_bench_ocean_free(pel_bench_ocean *b);

#endif
