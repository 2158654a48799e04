/* The equal-area sphere grid: geometry, the halo exchange, the conservative
 * mapping between a grid and its refinement, reductions over globally
 * numbered blocks, and every API error. */
#include <config.h>

#include <float.h>
#include <stdint.h>

#include "testutil.h"

#define PI 3.14159265358979323846

static double *field(const pel_sphere *g)
{
    double *f = pel_malloc(pel_sphere_doubles(g) * sizeof(double));
    ck_assert_ptr_nonnull(f);
    for (size_t k = 0; k < pel_sphere_doubles(g); k++) f[k] = NAN; /* halos: poison */
    return f;
}

/* Interior values: f(i, j) = 1000 j + i + frac, distinct in every cell. */
static void fill_distinct(const pel_sphere *g, double *f, double frac)
{
    for (size_t j = 0; j < g->ny; j++)
        for (size_t i = 0; i < g->nx; i++) f[pel_sphere_at(g, i, j)] = 1000.0 * (double)j + (double)i + frac;
}

/* ---- api --------------------------------------------------------------------------- */

START_TEST(api_errors)
{
    pel_context *ctx = tctx(1);
    pel_sphere g, f;
    ck_assert_int_eq(pel_sphere_init(NULL, 4, &g), PEL_EINVAL);
    ck_assert_fails(ctx, pel_sphere_init(ctx, 4, NULL), PEL_EINVAL, "NULL");
    ck_assert_fails(ctx, pel_sphere_init(ctx, 0, &g), PEL_EINVAL, "ny = 0");
    /* a stored field of (ny+2)(2ny+2) doubles past SIZE_MAX bytes */
    ck_assert_fails(ctx, pel_sphere_init(ctx, SIZE_MAX / 2, &g), PEL_EINVAL, "overflows");
    ck_assert_fails(ctx, pel_sphere_init(ctx, (size_t)1 << 31, &g), PEL_EINVAL, "overflows");
    ck_assert_ok(pel_sphere_init(ctx, ((size_t)1 << 28), &g)); /* fits: no allocation is made */
    ck_assert_ok(pel_sphere_init(ctx, 3, &g));
    ck_assert_fails(ctx, pel_sphere_refine(ctx, &g, 0, &f), PEL_EINVAL, "ratio = 0");
    ck_assert_fails(ctx, pel_sphere_refine(ctx, &g, SIZE_MAX / 2, &f), PEL_EINVAL, "overflow");
    ck_assert_fails(ctx, pel_sphere_refine(ctx, NULL, 2, &f), PEL_EINVAL, "NULL");
    ck_assert_fails(ctx, pel_sphere_refine(ctx, &g, 2, NULL), PEL_EINVAL, "NULL");
    pel_sphere bad = g;
    bad.nx = 5;
    ck_assert_fails(ctx, pel_sphere_refine(ctx, &bad, 2, &f), PEL_EINVAL, "not a grid");
    ck_assert_ok(pel_sphere_refine(ctx, &g, 2, &f));
    double *a = field(&g), *b = field(&f);
    ck_assert_fails(ctx, pel_sphere_exchange(ctx, &g, NULL), PEL_EINVAL, "NULL");
    ck_assert_fails(ctx, pel_sphere_exchange(ctx, &bad, a), PEL_EINVAL, "not a grid");
    ck_assert_int_eq(pel_sphere_exchange(NULL, &g, a), PEL_EINVAL);
    ck_assert_fails(ctx, pel_sphere_to_coarse(ctx, &f, NULL, &g, a), PEL_EINVAL, "input");
    ck_assert_fails(ctx, pel_sphere_to_fine(ctx, &g, a, &f, NULL), PEL_EINVAL, "output");
    pel_sphere h;
    ck_assert_ok(pel_sphere_init(ctx, 4, &h)); /* 4 is no multiple of 3 */
    ck_assert_fails(ctx, pel_sphere_to_fine(ctx, &g, a, &h, b), PEL_EINVAL, "integer multiple");
    ck_assert_fails(ctx, pel_sphere_to_coarse(ctx, &h, b, &g, a), PEL_EINVAL, "integer multiple");
    double z[3];
    ck_assert_fails(ctx, pel_sphere_zonal_mean(ctx, &g, NULL, z), PEL_EINVAL, "input");
    ck_assert_fails(ctx, pel_sphere_pack(ctx, &g, a, NULL), PEL_EINVAL, "output");
    ck_assert(isnan(pel_sphere_sum(ctx, NULL, a)));
    ck_assert(isnan(pel_sphere_mean(ctx, &g, NULL)));
    /* the geometry outside the grid: NaN, not an extrapolated latitude */
    ck_assert(pel_sphere_mu_edge(&g, g.ny) == 1.0 && isnan(pel_sphere_mu_edge(&g, g.ny + 1)));
    ck_assert(isnan(pel_sphere_mu_centre(&g, g.ny)) && isnan(pel_sphere_lat_centre(&g, g.ny)));
    ck_assert(isnan(pel_sphere_lon_centre(&g, g.nx)) && pel_sphere_lon_centre(&g, g.nx - 1) < 2 * M_PI);
    ck_assert(isnan(pel_sphere_mu_edge(NULL, 0)) && isnan(pel_sphere_mu_centre(NULL, 0)));
    ck_assert(isnan(pel_sphere_lon_centre(NULL, 0)) && isnan(pel_sphere_cell_area(NULL)));
    pel_free(a);
    pel_free(b);
}
END_TEST

/* ---- geometry ------------------------------------------------------------------------ */

/* Equal areas: a cell spans dmu in mu and dlambda in longitude, and on the
 * unit sphere dA = dmu dlambda, so every cell's area is (mu_j+1 - mu_j)
 * dlambda; the edges are exact multiples of 2/ny (the division by ny the
 * only rounding, at most u since |edge| <= 1), so every band width equals
 * 2/ny to within 2 u absolute, and the areas sum to 4 pi. */
START_TEST(num_equal_areas)
{
    pel_context *ctx = tctx(1);
    const size_t sizes[] = {1, 2, 3, 18, 36, 72, 97};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        pel_sphere g;
        ck_assert_ok(pel_sphere_init(ctx, sizes[s], &g));
        ck_assert_uint_eq(g.nx, 2 * g.ny);
        ck_assert_uint_eq(g.stride, g.nx + 2);
        ck_assert_uint_eq(g.rows, g.ny + 2);
        ck_assert(pel_sphere_mu_edge(&g, 0) == -1.0 && pel_sphere_mu_edge(&g, g.ny) == 1.0);
        double total = 0.0;
        for (size_t j = 0; j < g.ny; j++) {
            double w = pel_sphere_mu_edge(&g, j + 1) - pel_sphere_mu_edge(&g, j);
            /* each edge rounds by at most u |edge| <= u: absolute 2 u */
            ck_assert(fabs(w - 2.0 / (double)g.ny) <= DBL_EPSILON);
            double area = w * g.dlambda;
            ck_assert(fabs(area - pel_sphere_cell_area(&g)) <= 4.0 * DBL_EPSILON * g.dlambda);
            total += area * (double)g.nx;
            /* symmetric about the equator, exactly (integers over ny) */
            ck_assert(pel_sphere_mu_centre(&g, j) == -pel_sphere_mu_centre(&g, g.ny - 1 - j));
            ck_assert(sin(pel_sphere_lat_centre(&g, j)) - pel_sphere_mu_centre(&g, j) < 4 * DBL_EPSILON);
        }
        ck_assert_rel(total, 4.0 * PI, 64 * DBL_EPSILON);
        ck_assert_rel(pel_sphere_cell_area(&g) * (double)g.cells, 4.0 * PI, 4 * DBL_EPSILON);
        ck_assert_rel(pel_sphere_lon_centre(&g, 0), PI / (double)g.nx, 2 * DBL_EPSILON);
    }
    /* refinement: r ny bands, edges of the coarse grid are edges of the fine */
    pel_sphere c, f;
    ck_assert_ok(pel_sphere_init(ctx, 9, &c));
    ck_assert_ok(pel_sphere_refine(ctx, &c, 4, &f));
    ck_assert_uint_eq(f.ny, 36);
    for (size_t j = 0; j <= c.ny; j++) ck_assert(pel_sphere_mu_edge(&c, j) == pel_sphere_mu_edge(&f, 4 * j));
}
END_TEST

/* ---- the halo exchange ----------------------------------------------------------------- */

START_TEST(num_exchange)
{
    pel_context *ctx = tctx(2);
    const size_t sizes[] = {1, 5, 12};
    for (size_t s = 0; s < 3; s++) {
        pel_sphere g;
        ck_assert_ok(pel_sphere_init(ctx, sizes[s], &g));
        double *f = field(&g);
        fill_distinct(&g, f, 0.25);
        ck_assert_ok(pel_sphere_exchange(ctx, &g, f));
        const size_t S = g.stride, nx = g.nx, ny = g.ny;
        for (size_t r = 0; r < g.rows; r++) {
            /* the band whose values row r holds: polar halos repeat the polar band */
            size_t j = r == 0 ? 0 : r == ny + 1 ? ny - 1 : r - 1;
            for (size_t k = 0; k < S; k++) {
                size_t i = k == 0 ? nx - 1 : k == nx + 1 ? 0 : k - 1; /* periodic */
                ck_assert_msg(f[r * S + k] == 1000.0 * (double)j + (double)i + 0.25,
                              "ny %zu: stored (%zu, %zu) = %g", ny, r, k, f[r * S + k]);
            }
        }
        pel_free(f);
    }
}
END_TEST

/* ---- mapping ---------------------------------------------------------------------------- */

/* Block means conserve the area integral: area_c sum_c = r^2 area_f sum_c
 * must equal area_f sum_f.  With values that are small integers times a
 * power of two every partial sum and the division by r^2 = 4 are exact,
 * so the integrals agree bitwise (r = 1, 2, 4; r = 3 divides by 9, one
 * rounding per block); with arbitrary values each block sum
 * rounds (r^2 - 1 additions, a relative 15 u for r = 4) and the global
 * sums add their own few hundred u. */
START_TEST(num_mapping_conserves)
{
    pel_context *ctx = tctx(2);
    pel_sphere c, f;
    ck_assert_ok(pel_sphere_init(ctx, 6, &c));
    for (size_t r = 1; r <= 4; r++) {
        ck_assert_ok(pel_sphere_refine(ctx, &c, r, &f));
        double *ff = field(&f), *fc = field(&c), *back = field(&f);
        for (size_t j = 0; j < f.ny; j++)
            for (size_t i = 0; i < f.nx; i++)
                ff[pel_sphere_at(&f, i, j)] = (double)((int)((i * 7 + j * 13) % 11) - 5) * 0.125;
        ck_assert_ok(pel_sphere_to_coarse(ctx, &f, ff, &c, fc));
        double sf = pel_sphere_sum(ctx, &f, ff), sc = pel_sphere_sum(ctx, &c, fc);
        int exact = (r & (r - 1)) == 0; /* r^2 a power of two: the block means are exact */
        if (exact) ck_assert_msg(sc * (double)(r * r) == sf, "r = %zu: %.17g vs %.17g", r, sc * (double)(r * r), sf);
        else ck_assert_rel(sc * (double)(r * r), sf, 64 * DBL_EPSILON);
        /* injection back: every fine cell takes its block's mean, and the
         * integral is that of the coarse field exactly */
        ck_assert_ok(pel_sphere_to_fine(ctx, &c, fc, &f, back));
        for (size_t j = 0; j < f.ny; j++)
            for (size_t i = 0; i < f.nx; i++)
                ck_assert(back[pel_sphere_at(&f, i, j)] == fc[pel_sphere_at(&c, i / r, j / r)]);
        if (exact) ck_assert(pel_sphere_sum(ctx, &f, back) == sf);
        /* the halos were left alone */
        ck_assert(isnan(fc[0]) && isnan(back[0]));
        /* arbitrary data: round-off */
        pel_rng rng = pel_rng_stream(7, (uint32_t)r);
        for (size_t j = 0; j < f.ny; j++)
            pel_rng_fill_uniform(ctx, rng, j * f.nx, ff + pel_sphere_at(&f, 0, j), f.nx);
        ck_assert_ok(pel_sphere_to_coarse(ctx, &f, ff, &c, fc));
        sf = pel_sphere_sum(ctx, &f, ff);
        sc = pel_sphere_sum(ctx, &c, fc);
        ck_assert_rel(sc * (double)(r * r), sf, 512 * DBL_EPSILON);
        pel_free(ff);
        pel_free(fc);
        pel_free(back);
    }
}
END_TEST

/* ---- reductions ------------------------------------------------------------------------------- */

/* The sum over globally numbered cells is pel_sum over the packed interior
 * (the same blocks of the same global index), and a constant's mean is the
 * constant (the sum of n copies of 0.5 is exact). */
START_TEST(num_sums)
{
    pel_context *ctx = tctx(2);
    pel_sphere g;
    ck_assert_ok(pel_sphere_init(ctx, 71, &g)); /* 10082 cells: several blocks, not a multiple */
    double *f = field(&g), *packed = malloc(g.cells * sizeof(double)), *z = malloc(g.ny * sizeof(double));
    ck_assert(packed && z);
    for (size_t j = 0; j < g.ny; j++)
        pel_rng_fill_uniform(ctx, pel_rng_stream(3, 0), j * g.nx, f + pel_sphere_at(&g, 0, j), g.nx);
    ck_assert_ok(pel_sphere_pack(ctx, &g, f, packed));
    ck_assert(pel_sphere_sum(ctx, &g, f) == pel_sum(ctx, packed, g.cells));
    double *g2 = field(&g);
    ck_assert_ok(pel_sphere_unpack(ctx, &g, packed, g2));
    for (size_t j = 0; j < g.ny; j++)
        for (size_t i = 0; i < g.nx; i++) ck_assert(g2[pel_sphere_at(&g, i, j)] == f[pel_sphere_at(&g, i, j)]);
    ck_assert_ok(pel_sphere_zonal_mean(ctx, &g, f, z));
    for (size_t j = 0; j < g.ny; j += 10) {
        double acc = 0.0;
        for (size_t i = 0; i < g.nx; i++) acc += f[pel_sphere_at(&g, i, j)];
        ck_assert(z[j] == acc / (double)g.nx);
    }
    for (size_t j = 0; j < g.ny; j++)
        for (size_t i = 0; i < g.nx; i++) f[pel_sphere_at(&g, i, j)] = 0.5;
    ck_assert(pel_sphere_mean(ctx, &g, f) == 0.5);
    pel_free(f);
    pel_free(g2);
    free(packed);
    free(z);
}
END_TEST

/* ---- threads ---------------------------------------------------------------------------------- */

/* Every operation at once: exchange, to_coarse, to_fine, sums, zonal means;
 * the output is the coarse field, the injected fine field and the sums. */
#define TNY 37
#define TR 3
static void run_all(pel_context *ctx, void *arg, void *out)
{
    (void)arg;
    pel_sphere c, f;
    ck_assert_ok(pel_sphere_init(ctx, TNY, &c));
    ck_assert_ok(pel_sphere_refine(ctx, &c, TR, &f));
    double *ff = pel_malloc(pel_sphere_doubles(&f) * sizeof(double));
    double *o = out;
    ck_assert_ptr_nonnull(ff);
    memset(ff, 0, pel_sphere_doubles(&f) * sizeof(double));
    for (size_t j = 0; j < f.ny; j++)
        pel_rng_fill_uniform(ctx, pel_rng_stream(11, 0), j * f.nx, ff + pel_sphere_at(&f, 0, j), f.nx);
    ck_assert_ok(pel_sphere_exchange(ctx, &f, ff));
    double *fc = o, *back = o + pel_sphere_doubles(&c);
    memset(fc, 0, pel_sphere_doubles(&c) * sizeof(double));
    memset(back, 0, pel_sphere_doubles(&f) * sizeof(double));
    ck_assert_ok(pel_sphere_to_coarse(ctx, &f, ff, &c, fc));
    ck_assert_ok(pel_sphere_exchange(ctx, &c, fc));
    ck_assert_ok(pel_sphere_to_fine(ctx, &c, fc, &f, back));
    double *tail = back + pel_sphere_doubles(&f);
    tail[0] = pel_sphere_sum(ctx, &f, ff);
    tail[1] = pel_sphere_mean(ctx, &c, fc);
    ck_assert_ok(pel_sphere_zonal_mean(ctx, &f, ff, tail + 2));
    pel_free(ff);
}

static size_t run_all_bytes(void)
{
    size_t c = (TNY + 2) * (2 * TNY + 2), f = (TR * TNY + 2) * (2 * TR * TNY + 2);
    return (c + f + 2 + TR * TNY) * sizeof(double);
}

START_TEST(threads_same_bits) { test_same_bits_1_to_4(run_all, NULL, run_all_bytes()); }
END_TEST

START_TEST(threads_policy) { test_policy(run_all, NULL, run_all_bytes()); }
END_TEST

static Suite *sphere_suite(void)
{
    Suite *s = suite_create("sphere");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_errors);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_equal_areas);
    tcase_add_test(num, num_exchange);
    tcase_add_test(num, num_mapping_conserves);
    tcase_add_test(num, num_sums);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_policy);
    tcase_add_test(thr, threads_same_bits);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(sphere_suite()); }
