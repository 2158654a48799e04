/* Benchmark of the shallow-water ocean (bench_ocean.h). */
#include <config.h>

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bench_ocean.h"
#include "common/driver.h"

#define PI 3.14159265358979323846

/* rows of each thread's cached basin of nx columns: 32, fewer if the
 * threads' basins (15 fields with halos, and the 180 rows of a thread's
 * rings) would take more than half the last-level cache; at least 8 */
static size_t cached_rows(size_t nx, int threads, size_t ny)
{
    size_t per_row = 15 * (nx + 16) * sizeof(double), rings = 180 * (nx + 16) * sizeof(double);
    size_t share = pel_bench_llc_bytes() / 2 / (size_t)threads, rows = 32;
    if (share > rings && (share - rings) / per_row < rows + 4) rows = (share - rings) / per_row - 4;
    if (share <= rings || rows < 8) rows = 8;
    return rows < ny ? rows : ny;
}

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
    /* the same cells (dx, dy, dt) in fewer rows: the same work a cell */
    int threads = pel_context_threads(ctx);
    b->cny = p.ny = cached_rows(side, threads, side);
    b->csteps = (int)((size_t)b->steps * side / b->cny / (size_t)threads);
    if (b->csteps < 1) b->csteps = 1;
    b->cctx = calloc((size_t)threads, sizeof *b->cctx);
    b->oc = calloc((size_t)threads, sizeof *b->oc);
    if (!b->cctx || !b->oc) {
        pel_error(ctx, PEL_ENOMEM, "bench: no memory for %d cached basins", threads);
        return 0;
    }
    for (int t = 0; t < threads; t++) {
        pel_context **cc = &b->cctx[t];
        b->nc = t + 1; /* what pel_bench_ocean_free releases */
        if (pel_context_create(cc) || pel_context_set_threads(*cc, 1) || pel_ocean_create(*cc, &p, &b->oc[t])) {
            pel_error(ctx, PEL_ENOMEM, "bench: cached basin %d: %s", t, *cc ? pel_context_error(*cc) : "no memory");
            return 0;
        }
    }
    /* triad arrays: together as large as the ocean's 15 fields with halos,
     * and each at least 4x the machine's last-level caches */
    size_t n = 15 * (side + 4) * (side + 4) / 3, llc = 4 * pel_bench_llc_total_bytes() / sizeof(double);
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

static double ocean_seconds(pel_ocean *o, int steps)
{
    double t0 = pel_wtime();
    if (pel_ocean_step(o, steps)) return NAN;
    return pel_wtime() - t0;
}

/* The cached basins stepped at once, one a thread: cell updates per
 * second, summed over the threads, each over its own time (wall clock,
 * as the triad is timed; no barrier couples the threads, so one delayed
 * by another job does not stall the rest); NAN on a kernel error. */
static double cached_rate(const pel_bench_ocean *b)
{
    const int nc = b->nc, steps = b->csteps;
    pel_ocean *const *oc = b->oc;
    const double cells = (double)b->nx * (double)b->cny * steps;
    double sum = 0.0;
    int bad = 0;
#pragma omp parallel num_threads(nc) default(none) shared(oc, steps, cells, sum, bad)
    {
        int t = omp_get_thread_num();
        double t0 = omp_get_wtime();
        int s = pel_ocean_step(oc[t], steps);
        double dt = omp_get_wtime() - t0;
#pragma omp critical
        {
            if (s || !(dt > 0)) bad = 1;
            else sum += cells / dt;
        }
    }
    return bad ? NAN : sum;
}

int pel_bench_ocean_measure(pel_context *ctx, pel_bench_ocean *b, int reps,
                            pel_bench_series out[PEL_BENCH_OCEAN_SERIES])
{
    enum { NS = PEL_BENCH_OCEAN_SERIES };
    static const char *const names[NS] = {"ocean cell updates", "ocean effective bandwidth", "triad bandwidth",
                                          "ocean / triad", "ocean in cache", "in cache / triad"};
    static const char *const units[NS] = {"Mcell/s", "GB/s", "GB/s", "ratio", "Mcell/s", "ratio"};
    if (reps > PEL_BENCH_MAX_REPS) reps = PEL_BENCH_MAX_REPS;
    if (reps < 1) reps = 1;
    int threads = pel_context_threads(ctx);
    for (int k = 0; k < NS; k++) {
        snprintf(out[k].name, sizeof out[k].name, "%s", names[k]);
        out[k].unit = units[k];
        out[k].n = 0;
    }
    pel_bench_triad_gbs(&b->tr, threads, 1); /* warm up: threads started, pages mapped */
    if (isnan(ocean_seconds(b->o, b->steps)) || isnan(cached_rate(b))) return 0;
    double cells = (double)b->nx * (double)b->ny * b->steps;
    double before = pel_bench_triad_gbs(&b->tr, threads, 3);
    for (int r = 0; r < reps; r++) {
        double s = ocean_seconds(b->o, b->steps), cups = cached_rate(b);
        if (isnan(s) || isnan(cups)) return 0;
        double after = pel_bench_triad_gbs(&b->tr, threads, 3), bound = 0.5 * (before + after);
        double ups = cells / s, gbs = PEL_OCEAN_BYTES_PER_CELL * ups * 1e-9;
        out[0].v[r] = ups * 1e-6;
        out[1].v[r] = gbs;
        out[2].v[r] = bound;
        out[3].v[r] = gbs / bound;
        out[4].v[r] = cups * 1e-6;
        out[5].v[r] = PEL_OCEAN_BYTES_PER_CELL * cups * 1e-9 / bound;
        for (int k = 0; k < NS; k++) out[k].n = r + 1;
        before = after;
    }
    return 1;
}

void pel_bench_ocean_free(pel_bench_ocean *b)
{
    pel_ocean_destroy(b->o);
    for (int t = 0; t < b->nc; t++) {
        pel_ocean_destroy(b->oc[t]);
        pel_context_destroy(b->cctx[t]);
    }
    free(b->oc);
    free(b->cctx);
    pel_free(b->tr.a);
    pel_free(b->tr.b);
    pel_free(b->tr.c);
    memset(b, 0, sizeof *b);
}

/* pel-bench's ocean suite: basins of 1024 x 1024 (10 RK3 steps a
 * repetition) and 2048 x 2048 cells (3 steps), beyond the caches; 96 x 64
 * (4 steps) with --quick. */
static int suite_run(const pel_bench_env *env, pel_bench_out *out)
{
    static const size_t side[2] = {1024, 2048};
    static const int steps[2] = {10, 3};
    const int nsize = env->quick ? 1 : 2;
    for (int z = 0; z < nsize; z++) {
        pel_bench_ocean b;
        size_t cells = env->quick ? 96 * 64 : side[z] * side[z];
        if (!pel_bench_ocean_init(env->ctx, &b, cells, env->quick ? 4 : steps[z], env->quick)) {
            fprintf(stderr, "pel-bench: error: ocean: %s\n", pel_context_error(env->ctx));
            pel_bench_ocean_free(&b);
            return PEL_EXIT_RUN;
        }
        pel_bench_series s[PEL_BENCH_OCEAN_SERIES];
        size_t nx = b.nx, ny = b.ny, cny = b.cny;
        int nsteps = b.steps, csteps = b.csteps;
        int ok = pel_bench_ocean_measure(env->ctx, &b, env->reps, s);
        pel_bench_ocean_free(&b);
        if (!ok) {
            fprintf(stderr, "pel-bench: error: ocean: %s\n", pel_context_error(env->ctx));
            return PEL_EXIT_RUN;
        }
        int first = out->n;
        for (int k = 0; k < PEL_BENCH_OCEAN_SERIES; k++) {
            pel_bench_series *t = pel_bench_add(out, s[k].unit, "%s %zux%zu", s[k].name, nx, k < 4 ? ny : cny);
            if (!t) return PEL_EXIT_RUN;
            memcpy(t->v, s[k].v, sizeof t->v);
            t->n = s[k].n;
        }
        printf("ocean: %zu x %zu cells, %d RK3 steps a repetition, %.0f bytes per cell update, stage rows for %s;\n"
               "  in cache: a basin of %zu x %zu cells a thread, %d steps, all at once (the kernel's speed when\n"
               "  memory costs nothing; \"in cache / triad\" is the most \"ocean / triad\" could be)\n",
               nx, ny, nsteps, PEL_OCEAN_BYTES_PER_CELL, pel_isa_name(pel_cpu_isa()), nx, cny, csteps);
        pel_bench_print_table(stdout, out, first);
    }
    return PEL_EXIT_OK;
}

static int families(const pel_bench_env *env, const pel_component_type **out, int max)
{
    (void)env;
    if (max > 0) out[0] = &pel_ocean_component;
    return 1;
}

const pel_bench_suite pel_bench_ocean_suite = {"ocean", "the shallow-water ocean against the triad", 0, NULL,
                                               suite_run, families};
