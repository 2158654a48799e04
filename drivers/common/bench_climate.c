/* pel-bench's climate suite: the coupled model (pel/climate.h) at its
 * default configuration (pel-climate's built-in one: an aquaplanet at 18
 * bands, ratio 2, hourly coupling, the ocean daily), 10 simulated days a
 * repetition, in simulated years per day (SYPD), at 1 thread and at the
 * run's thread count, with the components one after another (sequential),
 * as tasks and as nested teams;
 * the concurrency gain of a mode is the sequential time over its time in
 * the same repetition.  Repetitions interleave every (threads, mode) pair,
 * so a machine shared with other work slows all alike; the models keep
 * running from one repetition to the next, and at the end every one has
 * taken the same intervals and must hold the same bits (the suite fails
 * otherwise). */
#include <config.h>

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "common/bench.h"
#include "common/driver.h"

enum { NMODES = 3, MAXT = 2 };
static const pel_concurrent_mode modes[NMODES] = {PEL_CONCURRENT_SEQUENTIAL, PEL_CONCURRENT_TASKS,
                                                  PEL_CONCURRENT_TEAMS};

typedef struct run {
    pel_context *ctx;
    pel_climate *c[NMODES];
} run;

static double interval_seconds(pel_climate *c, pel_concurrent_mode mode, long n)
{
    omp_set_max_active_levels(mode == PEL_CONCURRENT_TEAMS ? 2 : 1); /* teams nest; tasks must not */
    double t0 = pel_wtime();
    pel_status s = pel_climate_step(c, n);
    double t = pel_wtime() - t0;
    return s ? NAN : t;
}

static int same_bits(pel_climate *a, pel_climate *b)
{
    pel_field fa[8], fb[8];
    int na = pel_climate_component.fields(a, fa, 8), nb = pel_climate_component.fields(b, fb, 8);
    if (na != nb || na < 1 || na > 8) return 0;
    for (int i = 0; i < na; i++)
        if (memcmp(fa[i].data, fb[i].data, pel_field_count(&fa[i]) * sizeof(double)) != 0) return 0;
    return 1;
}

static int suite_run(const pel_bench_env *env, pel_bench_out *out)
{
    const long n = env->quick ? 12 : 10 * 24; /* intervals a repetition: half a day or 10 simulated days */
    int nt = env->threads > 1 ? 2 : 1, tlist[MAXT] = {1, env->threads};
    run runs[MAXT];
    memset(runs, 0, sizeof runs);
    pel_climate_params p;
    pel_climate_params_default(&p);
    int status = PEL_EXIT_OK, first = out->n, levels = omp_get_max_active_levels();
    pel_bench_series *sypd[MAXT][NMODES], *gain[MAXT][NMODES];
    for (int t = 0; t < nt && status == PEL_EXIT_OK; t++) {
        if (pel_context_create(&runs[t].ctx) || pel_context_set_threads(runs[t].ctx, tlist[t])) {
            fprintf(stderr, "pel-bench: error: climate: no context of %d threads\n", tlist[t]);
            status = PEL_EXIT_RUN;
            break;
        }
        for (int m = 0; m < NMODES; m++) {
            p.mode = modes[m];
            if (pel_climate_create(runs[t].ctx, &p, &runs[t].c[m])) {
                fprintf(stderr, "pel-bench: error: climate: %s\n", pel_context_error(runs[t].ctx));
                status = PEL_EXIT_RUN;
                break;
            }
            pel_climate_timing tm;
            pel_climate_get_timing(runs[t].c[m], &tm);
            const char *name = pel_concurrent_mode_name(modes[m]);
            if (modes[m] == PEL_CONCURRENT_TEAMS)
                sypd[t][m] = pel_bench_add(out, "SYPD", "climate %dT teams (%d+%d+%d)", tlist[t], tm.threads[0],
                                           tm.threads[1], tm.threads[2]);
            else
                sypd[t][m] = pel_bench_add(out, "SYPD", "climate %dT %s", tlist[t], name);
            gain[t][m] = m == 0 ? NULL : pel_bench_add(out, "ratio", "climate %dT gain, %s", tlist[t], name);
            if (!sypd[t][m] || (m && !gain[t][m])) status = PEL_EXIT_RUN;
        }
    }
    /* a warm-up interval each (threads started, pages touched), then the repetitions */
    for (int t = 0; t < nt && status == PEL_EXIT_OK; t++)
        for (int m = 0; m < NMODES; m++)
            if (isnan(interval_seconds(runs[t].c[m], modes[m], 1))) status = PEL_EXIT_RUN;
    const double years = (double)n * p.atm.dt / (365.0 * 86400.0);
    for (int r = 0; r < env->reps && status == PEL_EXIT_OK && !pel_run_stop_signal(); r++)
        for (int t = 0; t < nt && status == PEL_EXIT_OK; t++) {
            double sec[NMODES];
            for (int m = 0; m < NMODES; m++) {
                sec[m] = interval_seconds(runs[t].c[m], modes[m], n);
                if (!(sec[m] > 0)) {
                    fprintf(stderr, "pel-bench: error: climate: %s\n", pel_context_error(runs[t].ctx));
                    status = PEL_EXIT_RUN;
                    break;
                }
                sypd[t][m]->v[r] = years / (sec[m] / 86400.0);
                sypd[t][m]->n = r + 1;
            }
            for (int m = 1; m < NMODES && status == PEL_EXIT_OK; m++) {
                gain[t][m]->v[r] = sec[0] / sec[m];
                gain[t][m]->n = r + 1;
            }
        }
    if (status == PEL_EXIT_OK) {
        /* every model took the same intervals: the same bits in every mode and thread count */
        for (int t = 0; t < nt; t++)
            for (int m = 0; m < NMODES; m++)
                if (!same_bits(runs[0].c[0], runs[t].c[m])) {
                    fprintf(stderr, "pel-bench: climate: %dT %s holds other bits than 1T sequential\n", tlist[t],
                            pel_concurrent_mode_name(modes[m]));
                    status = PEL_EXIT_VERIFY;
                }
        printf("climate: %zu bands x %zu (ocean and land %zu x %zu), %ld hourly intervals (%.3f years) a "
               "repetition; gain = sequential time / the mode's, same repetition\n",
               p.atm.ny, 2 * p.atm.ny, p.ratio * p.atm.ny, 2 * p.ratio * p.atm.ny, n, years);
        pel_bench_print_table(stdout, out, first);
        if (status == PEL_EXIT_OK) printf("climate: every mode and thread count holds the same bits\n");
    }
    for (int t = 0; t < MAXT; t++) {
        for (int m = 0; m < NMODES; m++) pel_climate_destroy(runs[t].c[m]);
        pel_context_destroy(runs[t].ctx);
    }
    omp_set_max_active_levels(levels);
    return status;
}

/* the coupler and the three components it runs */
static int families(const pel_bench_env *env, const pel_component_type **out, int max)
{
    static const pel_component_type *const all[] = {&pel_climate_component, &pel_atmosphere_component,
                                                    &pel_ocean_component, &pel_land_component};
    (void)env;
    int n = 0;
    for (; n < 4 && n < max; n++) out[n] = all[n];
    return n;
}

const pel_bench_suite pel_bench_climate = {"climate",
                                           "the coupled model's SYPD and concurrency gain, by mode and threads",
                                           0, NULL, suite_run, families};
