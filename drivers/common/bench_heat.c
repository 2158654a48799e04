/* pel-bench's heat suite: the FTCS stencils' effective bandwidth (16 bytes
 * per interior point update: one read, one write) on grids of about as many
 * points as a triad array (4x the LLC), each measurement between two
 * measurements of the triad, so every ratio pairs figures taken seconds
 * apart. */
#include <config.h>

#include <math.h>

#include "common/bench.h"
#include "common/driver.h"

typedef struct heat_grid {
    int dim;
    size_t n[3];
    double r[3];
    double *u, *w;
    size_t points, interior;
} heat_grid;

/* A square (cube) of about `target` points, r at 90% of the stability
 * limit, first touched with the kernel's own row partition. */
static int grid_init(pel_context *ctx, heat_grid *h, size_t target)
{
    size_t side = h->dim == 2 ? (size_t)ceil(sqrt((double)target)) : (size_t)ceil(cbrt((double)target));
    h->points = h->interior = 1;
    for (int d = 0; d < h->dim; d++) {
        h->n[d] = side;
        h->r[d] = 0.9 * PEL_HEAT_STABILITY_SUM / h->dim;
        h->points *= side;
        h->interior *= side - 2;
    }
    h->u = pel_malloc(h->points * sizeof(double));
    h->w = pel_malloc(h->points * sizeof(double));
    if (!h->u || !h->w) return 0;
    size_t row = h->n[h->dim - 1], rows = h->points / row;
    pel_first_touch_zero(ctx, h->u, rows, row);
    pel_first_touch_zero(ctx, h->w, rows, row);
    pel_rng_fill_uniform(ctx, pel_rng_stream(1, 0), 0, h->u, h->points);
    return 1;
}

/* GB/s of `steps` steps (even: the result is back in u); NAN on an error. */
static double heat_gbs(pel_context *ctx, heat_grid *h, int steps)
{
    double t0 = pel_wtime();
    if (pel_heat_ftcs_run(ctx, h->dim, h->n, h->r, PEL_BC_DIRICHLET, h->u, h->w, steps)) return NAN;
    return 16.0 * (double)h->interior * steps / (pel_wtime() - t0) * 1e-9;
}

enum { HEAT2, HEAT3, R2, R3, R2_NT, R3_NT, NS };

static int run(const pel_bench_env *env, pel_bench_out *out)
{
    static const char *const names[NS] = {"heat 2D effective bandwidth", "heat 3D effective bandwidth",
                                          "heat 2D / triad",             "heat 3D / triad",
                                          "heat 2D / streaming triad",   "heat 3D / streaming triad"};
    pel_bench_triad tr;
    heat_grid h2 = {.dim = 2}, h3 = {.dim = 3};
    int first = out->n, status = PEL_EXIT_OK;
    int ok = pel_bench_triad_init(env, &tr) && grid_init(env->ctx, &h2, tr.n) && grid_init(env->ctx, &h3, tr.n);
    for (int i = 0; ok && i < NS; i++) ok = pel_bench_add(out, i < 2 ? "GB/s" : "ratio", "%s", names[i]) != NULL;
    if (!ok) {
        fprintf(stderr, "pel-bench: error: heat: out of memory\n");
        status = PEL_EXIT_RUN;
        goto done;
    }
    pel_bench_series *s = &out->s[first];
    printf("heat: 2D %zux%zu, 3D %zu^3, each step between triads\n", h2.n[0], h2.n[1], h3.n[0]);
    pel_bench_triad_gbs(&tr, env->threads, 2); /* warm up */
    pel_bench_triad_nt_gbs(&tr, env->threads, 2);
    heat_gbs(env->ctx, &h2, 2);
    heat_gbs(env->ctx, &h3, 2);
    for (int r = 0; r < env->reps && !pel_run_stop_signal(); r++) {
        double t1 = pel_bench_triad_gbs(&tr, env->threads, 6), n1 = pel_bench_triad_nt_gbs(&tr, env->threads, 6);
        double b2 = heat_gbs(env->ctx, &h2, 6);
        double t2 = pel_bench_triad_gbs(&tr, env->threads, 6), n2 = pel_bench_triad_nt_gbs(&tr, env->threads, 6);
        double b3 = heat_gbs(env->ctx, &h3, 6);
        double t3 = pel_bench_triad_gbs(&tr, env->threads, 6), n3 = pel_bench_triad_nt_gbs(&tr, env->threads, 6);
        if (isnan(b2) || isnan(b3)) {
            fprintf(stderr, "pel-bench: error: heat: %s\n", pel_context_error(env->ctx));
            status = PEL_EXIT_RUN;
            break;
        }
        double v[NS] = {b2, b3, b2 / (0.5 * (t1 + t2)), b3 / (0.5 * (t2 + t3)), b2 / (0.5 * (n1 + n2)),
                        b3 / (0.5 * (n2 + n3))};
        for (int i = 0; i < NS; i++) s[i].v[s[i].n++] = v[i];
    }
    if (!status && !pel_run_stop_signal()) pel_bench_print_table(stdout, out, first);
done:
    pel_bench_triad_free(&tr);
    pel_free(h2.u), pel_free(h2.w), pel_free(h3.u), pel_free(h3.w);
    return status;
}

static int families(const pel_bench_env *env, const pel_component_type **out, int max)
{
    (void)env;
    if (max > 0) out[0] = &pel_heat_component;
    return 1;
}

const pel_bench_suite pel_bench_heat = {"heat", "the heat stencils' bandwidth against the triad", 1, NULL, run,
                                        families};
