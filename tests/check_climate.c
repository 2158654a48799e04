/* The coupled model (pel/climate.h): budgets closing every interval, the
 * same bits in every mode, layout and thread count, checkpoint and restart,
 * the NCC81 steady state, and the refusals. */
#include "testutil.h"

#include <unistd.h>

/* A small, fast problem: 6 bands, ratio 2, a two-interval ocean. */
static void small(pel_climate_params *p)
{
    pel_climate_params_default(p);
    p->atm.ny = 6;
    p->ocean_every = 2;
}

static pel_climate *make(pel_context *ctx, const pel_climate_params *p)
{
    pel_climate *c = NULL;
    pel_status s = pel_climate_create(ctx, p, &c);
    ck_assert_msg(s == PEL_OK, "create: %s", pel_context_error(ctx));
    return c;
}

static __attribute__((unused)) void fp(pel_climate *c, char *out, size_t n)
{
    pel_field f[8];
    int nf = pel_climate_component.fields(c, f, 8);
    ck_assert_int_eq(nf, 8);
    out[0] = 0;
    for (int i = 0; i < nf; i++) {
        char hex[PEL_FINGERPRINT_HEX];
        pel_fingerprint(f[i].data, pel_field_count(&f[i]) * 8, hex);
        strncat(out, hex, n - strlen(out) - 1);
    }
}

START_TEST(budgets_close)
{
    pel_context *ctx = test_context(2);
    pel_climate_params p;
    small(&p);
    pel_climate *c = make(ctx, &p);
    ck_assert_ok(pel_climate_step(c, 30));
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_climate_verify(c, log));
    if (!pel_verify_log_passed(log)) pel_verify_log_print(log, stderr);
    ck_assert(pel_verify_log_passed(log));
    pel_budget_print(pel_climate_budget(c, 0), PEL_BUDGET_CUMULATIVE, stderr);
    pel_budget_print(pel_climate_budget(c, 1), PEL_BUDGET_CUMULATIVE, stderr);
    pel_verify_log_destroy(log);
    pel_climate_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

/* SEQ and PET: sequential, tasks and two team layouts, at several thread
 * counts, give the same bits. */
START_TEST(same_bits_every_mode)
{
    char ref[512], got[512];
    pel_climate_params p;
    small(&p);
    p.mode = PEL_CONCURRENT_SEQUENTIAL;
    pel_context *c1 = test_context(1);
    pel_climate *c = make(c1, &p);
    ck_assert_ok(pel_climate_step(c, 9));
    fp(c, ref, sizeof ref);
    pel_climate_destroy(c);
    struct { pel_concurrent_mode mode; int nt, t[3]; long rebalance; } runs[] = {
        {PEL_CONCURRENT_TASKS, 2, {0, 0, 0}, 0}, {PEL_CONCURRENT_TASKS, 3, {0, 0, 0}, 0},
        {PEL_CONCURRENT_TEAMS, 3, {1, 1, 1}, 0}, {PEL_CONCURRENT_TEAMS, 4, {2, 1, 1}, 0},
        {PEL_CONCURRENT_TEAMS, 4, {1, 2, 1}, 2}};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        omp_set_max_active_levels(runs[r].mode == PEL_CONCURRENT_TEAMS ? 2 : 1);
        pel_context *ctx = test_context(runs[r].nt);
        p.mode = runs[r].mode;
        memcpy(p.threads, runs[r].t, sizeof p.threads);
        p.rebalance_every = runs[r].rebalance;
        c = make(ctx, &p);
        ck_assert_ok(pel_climate_step(c, 4));
        ck_assert_ok(pel_climate_step(c, 5));
        fp(c, got, sizeof got);
        ck_assert_msg(strcmp(ref, got) == 0, "run %zu (%s, %d threads): other bits", r,
                      pel_concurrent_mode_name(runs[r].mode), runs[r].nt);
        pel_climate_destroy(c);
        pel_context_destroy(ctx);
    }
    pel_context_destroy(c1);
}
END_TEST

/* ERS: 5 intervals, save, restore into a fresh model, 6 more = 11 straight,
 * with a continent, so the land and the lagged water are in the state. */
static const char continent[] =
    "; a continent\n"
    "......##....\n"
    "......##....\n"
    ".....###....\n"
    ".....###....\n"
    "......##....\n"
    "......##....\n";

static const char *mask_file(void)
{
    static char path[64];
    strcpy(path, "/tmp/pel-climate-mask.XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(continent, f);
    fclose(f);
    return path;
}

START_TEST(restart_is_exact)
{
    pel_context *ctx = test_context(2);
    pel_climate_params p;
    small(&p);
    p.mask_path = mask_file();
    p.atm.qs0 = 5.0; /* saturated enough to rain within a few hours */
    p.lnd.w0 = 0.149;
    pel_component *a, *b;
    ck_assert_ok(pel_component_create(ctx, &pel_climate_component, &p, &a));
    ck_assert_ok(pel_component_create(ctx, &pel_climate_component, &p, &b));
    ck_assert_ok(pel_component_advance(a, 11));
    ck_assert_ok(pel_component_advance(b, 5));
    pel_component_state st;
    ck_assert_ok(pel_component_save(b, &st));
    pel_component *r;
    ck_assert_ok(pel_component_create(ctx, &pel_climate_component, &p, &r));
    ck_assert_ok(pel_component_restore(r, &st));
    ck_assert_ok(pel_component_advance(r, 6));

    pel_field f1[8], f2[8];
    int n1 = pel_component_fields(a, f1, 8), n2 = pel_component_fields(r, f2, 8);
    ck_assert_int_eq(n1, n2);
    for (int i = 0; i < n1; i++)
        ck_assert_msg(memcmp(f1[i].data, f2[i].data, pel_field_count(&f1[i]) * 8) == 0, "ERS: %s differs", f1[i].name);

    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_component_verify(r, log));
    if (!pel_verify_log_passed(log)) pel_verify_log_print(log, stderr);
    ck_assert(pel_verify_log_passed(log));
    pel_verify_log_destroy(log);
    pel_component_destroy(a);
    pel_component_destroy(b);
    pel_component_destroy(r);
    unlink(p.mask_path);
    pel_context_destroy(ctx);
}
END_TEST

/* Without ice and without ocean transport the coupled steady state has no
 * net surface flux anywhere (every surface has no other source or sink:
 * F = gamma (T_sfc - T_a) -> 0), so the atmosphere satisfies NCC81's
 * equation alone: its global mean is T_0 = (Q H_0 - A)/B exactly, and its
 * zonal profile is the stand-alone model's discrete steady state, whatever
 * the heat capacities, the mask and the lag.  The global mean relaxes on
 * the summed heat capacity over B; small capacities (6e5 J/m2/K in all,
 * 3.3 days) and a start near T_0 let 90 days of hourly coupling reach the
 * steady state to well below 1e-6 K. */
START_TEST(ncc81_steady_state)
{
    pel_context *ctx = test_context(1);
    pel_climate_params p;
    small(&p);
    p.mask_path = mask_file();
    p.atm.ice_albedo = 0;
    p.atm.wind = 0.0;
    p.atm.heat_capacity = 2e5;
    p.ocn.depth = 0.1;
    p.ocn.drag = 0.0; /* at rest without wind: no drag or viscosity limits the step */
    p.ocn.viscosity = 0.0;
    p.lnd.heat_capacity = 1e5;
    p.atm.T_init = p.ocn.sst_south = p.ocn.sst_north = 15.0;
    p.lnd.t0 = 288.15;
    p.check_ncc81 = 1;
    pel_climate *c = make(ctx, &p);
    ck_assert_ok(pel_climate_step(c, 90 * 24));
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_climate_verify(c, log));
    if (!pel_verify_log_passed(log)) pel_verify_log_print(log, stderr);
    ck_assert(pel_verify_log_passed(log));
    pel_verify_log_destroy(log);

    /* the stand-alone atmosphere's steady state, by long implicit steps */
    pel_atmosphere_params ap = p.atm;
    ap.dt = 30 * 86400.0;
    ap.vapour = 0;
    pel_atmosphere *a;
    ck_assert_ok(pel_atmosphere_create(ctx, &ap, &a));
    ck_assert_ok(pel_atmosphere_step(a, 400));
    ck_assert(pel_atmosphere_residual(a) < 1e-12);
    const double *Ta = pel_atmosphere_view(a, "T");
    pel_field T;
    ck_assert_ok(pel_component_export(pel_climate_component_of(c, PEL_CLIMATE_ATM), "T", &T));
    const double *Tc = T.data;
    double worst = 0.0;
    for (size_t k = 0; k < pel_field_count(&T); k++) worst = fmax(worst, fabs(Tc[k] - Ta[k]));
    fprintf(stderr, "ncc81: coupled vs stand-alone steady state: max |dT| = %.3g K\n", worst);
    ck_assert_msg(worst < 1e-6, "coupled steady state %.3g K from the stand-alone one", worst);
    pel_atmosphere_destroy(a);
    pel_climate_destroy(c);
    unlink(p.mask_path);
    pel_context_destroy(ctx);
}
END_TEST

static Suite *climate_suite(void)
{
    Suite *s = suite_create("climate");
    TCase *tc = tcase_create("coupled");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, budgets_close);
    tcase_add_test(tc, same_bits_every_mode);
    tcase_add_test(tc, restart_is_exact);
    tcase_add_test(tc, ncc81_steady_state);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(climate_suite()); }
