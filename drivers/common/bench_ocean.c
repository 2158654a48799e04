/* Benchmark of the shallow-water ocean (bench_ocean.h). */
#include <config.h>

#include <math.h>
#include <string.h>

#include "common/bench_ocean.h"

#define PI 3.14159265358979323846

int pel_bench_ocean_init(pel_context *ctx, pel_bench_ocean *b, size_t cells, int steps, int quick)
{
    memset(b, 0, sizeof *b);
    size_t side = (size_t)ceil(sqrt((double)cells));
    if (side < 16) side = 16;
    b->nx = b->ny = side;
    b->steps = steps < 1 ? 1 : steps;
    pel_ocean_params p;
    pel_ocean_params_default(&p);
    p.nx = p.ny = side;
    p.dx = 1e7 / (double)side;
    p.dy = 2 * PI * 1e6 / (double)side;
    p.equations = PEL_OCEAN_NONLINEAR;
    p.viscosity = 1e3;
    p.heat_flux = 50;
    p.init = PEL_OCEAN_INIT_BUMP;
    p.amplitude = 1;
    p.dt = 0.9 * pel_ocean_dt_max(&p);
    if (pel_ocean_create(ctx, &p, &b->o)) return 0;
    /* triad arrays: together as large as the ocean's 15 fields with halos,
     * and each at least 4x the last-level cache */
    size_t n = 15 * (side + 4) * (side + 4) / 3, llc = 4 * pel_bench_llc_bytes() / sizeof(double);
    if (n < llc && !quick) n = llc;
    if (n < 1024) n = 1024;
    b->tr.n = n;
    b->tr.a = pel_malloc(n * sizeof(double));
    b->tr.b = pel_malloc(n * sizeof(double));
    b->tr.c = pel_malloc(n * sizeof(double));
    if (!b->tr.a || !b->tr.b || !b->tr.c) {
        pel_error(ctx, PEL_ENOMEM, "bench: no memory for the triad arrays (%zu doubles each)", n);
        return 0;
    }
    pel_first_touch_zero(ctx, b->tr.a, n / 1024, 1024);
    pel_first_touch_zero(ctx, b->tr.b, n / 1024, 1024);
    pel_first_touch_zero(ctx, b->tr.c, n / 1024, 1024);
    for (size_t i = n / 1024 * 1024; i < n; i++) b->tr.a[i] = b->tr.b[i] = b->tr.c[i] = 0.0;
    return 1;
}

static double ocean_seconds(pel_bench_ocean *b)
{
    double t0 = pel_wtime();
    if (pel_ocean_step(b->o, b->steps)) return NAN;
    return pel_wtime() - t0;
}

int pel_bench_ocean_measure(pel_context *ctx, pel_bench_ocean *b, int reps, pel_bench_series out[4])
{
    static const char *const names[4] = {"ocean cell updates", "ocean effective bandwidth", "triad bandwidth",
                                         "ocean / triad"};
    static const char *const units[4] = {"Mcell/s", "GB/s", "GB/s", "ratio"};
    if (reps > PEL_BENCH_MAX_REPS) reps = PEL_BENCH_MAX_REPS;
    if (reps < 1) reps = 1;
    int threads = pel_context_threads(ctx);
    for (int k = 0; k < 4; k++) {
        out[k].name = names[k];
        out[k].unit = units[k];
        out[k].n = 0;
    }
    pel_bench_triad_gbs(&b->tr, threads, 1); /* warm up: threads started, pages mapped */
    if (isnan(ocean_seconds(b))) return 0;
    double cells = (double)b->nx * (double)b->ny * b->steps;
    double before = pel_bench_triad_gbs(&b->tr, threads, 3);
    for (int r = 0; r < reps; r++) {
        double s = ocean_seconds(b);
        if (isnan(s)) return 0;
        double after = pel_bench_triad_gbs(&b->tr, threads, 3), bound = 0.5 * (before + after);
        double ups = cells / s, gbs = PEL_OCEAN_BYTES_PER_CELL * ups * 1e-9;
        out[0].v[r] = ups * 1e-6;
        out[1].v[r] = gbs;
        out[2].v[r] = bound;
        out[3].v[r] = gbs / bound;
        for (int k = 0; k < 4; k++) out[k].n = r + 1;
        before = after;
    }
    return 1;
}

void pel_bench_ocean_free(pel_bench_ocean *b)
{
    pel_ocean_destroy(b->o);
    pel_free(b->tr.a);
    pel_free(b->tr.b);
    pel_free(b->tr.c);
    memset(b, 0, sizeof *b);
}
