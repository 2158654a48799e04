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
    ck_assert_fails(ctx, pel_climate_verify(c, NULL), PEL_EINVAL, "climate: log is NULL");
    ck_assert_int_eq(pel_climate_verify(NULL, log), PEL_EINVAL);
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

/* NCC81's closed forms with an ice cap: the root of equation 37 at Q =
 * 334.4 is their x_s = 0.9488 (given to 4 digits: within 5e-5), the
 * minimum of Q(x_s) their 294.8 W/m2 (within 0.05); below it only the
 * snowball, far above it no ice; the mean with no ice is the Legendre T_0,
 * and with ice everywhere (Q b0 - A)/B, since S averages to 1. */
START_TEST(ncc81_closed_forms)
{
    pel_atmosphere_params p;
    pel_atmosphere_params_default(&p);
    double qmin = 0.0, xs = pel_climate_ncc81_ice_edge(&p, &qmin);
    fprintf(stderr, "ncc81: x_s = %.6f, min Q(x_s) = %.4f W/m2\n", xs, qmin);
    ck_assert_msg(fabs(xs - 0.9488) <= 5e-5, "x_s = %.6f", xs);
    ck_assert_msg(fabs(qmin - 294.8) <= 0.05, "min Q(x_s) = %.4f", qmin);
    double t[3];
    pel_atmosphere_legendre(&p, t);
    ck_assert(fabs(pel_climate_ncc81_mean(&p, 1.0) - t[0]) <= 1e-12 * fabs(t[0]));
    ck_assert(fabs(pel_climate_ncc81_mean(&p, 0.0) - (p.Q * p.b0 - p.A) / p.B) <= 1e-12);
    /* a colder sun moves the edge equatorward; below the minimum, a snowball */
    p.Q = 320.0;
    double xc = pel_climate_ncc81_ice_edge(&p, NULL);
    ck_assert_msg(xc > 0.53 && xc < xs, "Q = 320: x_s = %g", xc);
    p.Q = 290.0;
    ck_assert(pel_climate_ncc81_ice_edge(&p, NULL) == -1.0);
    p.Q = 400.0;
    ck_assert(pel_climate_ncc81_ice_edge(&p, NULL) == 1.0);
}
END_TEST

/* With the ice feedback, at 72 bands, the coupled steady state without
 * ocean transport is again the stand-alone atmosphere's (no net surface
 * flux anywhere), so its ice edge is NCC81's within one band (the model
 * resolves it to a band edge) and its mean (Q H_0(x_e) - A)/B for its own
 * edge x_e: data/climate/ice-edge.ini's settings, half a year of
 * daily coupling (the global mean relaxes on (C_a + C_o)/B = 6 days). */
static void ice_edge_params(pel_climate_params *p)
{
    pel_climate_params_default(p);
    p->atm.ny = 72;
    p->ratio = 1;
    p->atm.dt = 86400.0;
    p->ocn.dt = 8640.0; /* the RK3 limit of the Coriolis term, 8880 s at 72 bands */
    p->ocean_every = 1;
    p->exchange = 5.0;
    p->drag = 0.0;
    p->check_ncc81 = 1;
    p->atm.ice_albedo = 1;
    p->atm.wind = 0.0;
    p->atm.heat_capacity = 5e5;
    p->atm.T_init = 10.0;
    p->ocn.depth = 0.15;
    p->ocn.drag = 0.0;
    p->ocn.viscosity = 0.0;
    p->ocn.sst_south = p->ocn.sst_north = 10.0;
    p->lnd.heat_capacity = 5e5;
    p->lnd.t0 = 283.15;
}

START_TEST(ice_edge_steady_state)
{
    pel_context *ctx = test_context(2);
    pel_climate_params p;
    ice_edge_params(&p);
    pel_climate *c = make(ctx, &p);
    ck_assert_ok(pel_climate_step(c, 180));
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_climate_verify(c, log));
    pel_verify_log_print(log, stderr);
    ck_assert(pel_verify_log_passed(log));
    pel_verify_log_destroy(log);

    /* The discrete model has several steady states, edges a band apart
     * (the band at the edge sits just above or below Ts): both within a
     * band of x_s, and which one a run reaches depends on its path (the
     * stand-alone model from 10 C by year-long steps settles one band
     * poleward of this run).  So the stand-alone atmosphere starts from the
     * coupled state: it must be a steady state of NCC81's discrete equation
     * alone (residual below 1e-9 K), and long implicit steps must leave it
     * where it is (within 1e-6 K). */
    pel_field T;
    ck_assert_ok(pel_component_export(pel_climate_component_of(c, PEL_CLIMATE_ATM), "T", &T));
    const double *Tc = T.data;
    pel_atmosphere_params ap = p.atm;
    ap.dt = 365.25 * 86400.0;
    ap.heat_capacity = ap.dt * ap.B / 4.0; /* every error mode shrinks by 1/(1 + dt B/C) = 0.2 per step */
    ap.vapour = 0;
    pel_atmosphere *a;
    ck_assert_ok(pel_atmosphere_create(ctx, &ap, &a));
    ck_assert_ok(pel_sphere_unpack(ctx, pel_atmosphere_grid(a), Tc, pel_atmosphere_T(a)));
    ck_assert_ok(pel_atmosphere_refresh(a));
    double res = pel_atmosphere_residual(a);
    ck_assert_msg(res < 1e-9, "the coupled state is %.3g K from a stand-alone steady state", res);
    ck_assert_ok(pel_atmosphere_step(a, 20));
    const double *Ta = pel_atmosphere_view(a, "T");
    double worst = 0.0;
    for (size_t k = 0; k < pel_field_count(&T); k++) worst = fmax(worst, fabs(Tc[k] - Ta[k]));
    double xe = pel_atmosphere_ice_edge(a);
    fprintf(stderr, "ice edge: x_e = %.4f (NCC81 0.9488); stand-alone residual at the coupled state %.3g K, "
            "moved by %.3g K in 20 years\n", xe, res, worst);
    ck_assert_msg(fabs(xe - 0.9488) <= 2.0 / 72.0, "edge %g", xe);
    ck_assert_msg(worst < 1e-6, "the stand-alone model moved %.3g K from the coupled steady state", worst);
    pel_atmosphere_destroy(a);
    pel_climate_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

/* The streamfunction of a zonal jet.  On the aquaplanet (a periodic
 * channel between the polar walls) without rotation (omega = 0), no
 * viscosity and linear drag R, the zonally uniform wind stress tau(y)
 * drives u alone: du/dt = tau / (rho0 H) - (R/H) u, so U = H u -> H tau /
 * (rho0 R), v = 0, and psi = -int U dy from the southern wall; at the
 * centre of band j, psi_j = -(sum_{j' < j} U_j' + U_j / 2) dy.  The rest
 * of the spin-up is exp(-R t / H): after 10 days at H/R = 0.23 days,
 * e^-43, below round-off.  (With rotation the geostrophic spin-down takes
 * (L / L_Rossby)^2 drag times: years at the poles.) */
START_TEST(streamfunction_of_a_jet)
{
    pel_context *ctx = test_context(2);
    pel_climate_params p;
    small(&p);
    p.ocn.viscosity = 0.0;
    p.ocn.depth = 10.0;
    p.ocn.drag = 5e-4;
    p.omega = 0.0;
    p.ocean_every = 24;
    pel_climate *c = make(ctx, &p);
    const size_t ny = 12, nx = 24;
    double *psi = malloc(ny * nx * sizeof(double));
    ck_assert_ok(pel_climate_streamfunction(c, psi));
    for (size_t k = 0; k < ny * nx; k++) ck_assert(psi[k] == 0.0); /* at rest */
    ck_assert_ok(pel_climate_step(c, 10 * 24));
    ck_assert_ok(pel_climate_streamfunction(c, psi));
    /* the coupler's stress: tau = drag |u| u, u = wind cos(latitude) at the band's centre */
    pel_sphere gc, gf;
    ck_assert_ok(pel_sphere_init(ctx, p.atm.ny, &gc));
    ck_assert_ok(pel_sphere_refine(ctx, &gc, p.ratio, &gf));
    const double dy = 2.0 * p.atm.radius / (double)ny;
    double acc = 0.0, worst = 0.0, big = 0.0;
    for (size_t j = 0; j < ny; j++) {
        double w = p.atm.wind * cos(pel_sphere_lat_centre(&gf, j)), tau = p.drag * fabs(w) * w;
        double U = p.ocn.depth * tau / (p.ocn.rho0 * p.ocn.drag);
        double want = -(acc + 0.5 * U) * dy * 1e-6;
        acc += U;
        for (size_t i = 0; i < nx; i++) worst = fmax(worst, fabs(psi[j * nx + i] - want));
        big = fmax(big, fabs(want));
    }
    fprintf(stderr, "jet: max |psi| = %.4g Sv, max error %.3g Sv\n", big, worst);
    ck_assert(big > 1.0); /* easterlies at the equator, westerlies beyond: tens of Sv */
    ck_assert_msg(worst <= 1e-9 * big, "psi off by %.3g Sv of %.3g", worst, big);
    ck_assert_fails(ctx, pel_climate_streamfunction(c, NULL), PEL_EINVAL, "psi");
    free(psi);
    pel_climate_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

/* parameters the model refuses at create, each with a message naming it */
START_TEST(api_refuses_parameters)
{
    pel_context *ctx = test_context(1);
    pel_climate_params p;
    pel_climate *c = NULL;
    small(&p);
    p.evap_rate = 1.0 / p.atm.dt; /* 1/ce of one interval: accepted */
    c = make(ctx, &p);
    pel_climate_destroy(c);
    c = NULL;
    p.evap_rate = 1.5 / p.atm.dt; /* the explicit evaporation overshoots saturation */
    ck_assert_fails(ctx, pel_climate_create(ctx, &p, &c), PEL_EINVAL, "ce dt = 1.5 > 1 overshoots");
    ck_assert_ptr_null(c);
    small(&p);
    p.exchange = NAN;
    ck_assert_fails(ctx, pel_climate_create(ctx, &p, &c), PEL_EINVAL, "climate: exchange = nan");
    small(&p);
    p.ratio = 0;
    ck_assert_fails(ctx, pel_climate_create(ctx, &p, &c), PEL_EINVAL, "climate: ratio = 0");
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
    tcase_add_test(tc, ncc81_closed_forms);
    tcase_add_test(tc, ice_edge_steady_state);
    tcase_add_test(tc, streamfunction_of_a_jet);
    tcase_add_test(tc, api_refuses_parameters);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(climate_suite()); }
