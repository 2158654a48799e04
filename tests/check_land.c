/* The land surface (pel/land.h): bucket hydrology against its closed forms,
 * exact water and heat budgets, the component's coupling fields and
 * checkpoints, and bitwise equality across thread counts.
 *
 * The closed forms (u = 2^-53; W_c = crit W_fc; p, e the precipitation and
 * potential evaporation in m/s, P / rho_w and E_p / rho_w):
 *  - below W_c, dW/dt = p - (e / W_c) W: a linear ODE with the fixed point
 *    W* = W_c p / e and rate 1/tau = e / W_c, so
 *        W(t) = W* + (W0 - W*) exp(-t / tau).
 *    With P = 2 and E_p = 4 mm/day, W_fc = 0.15 m, crit = 0.75:
 *    W* = 0.1125 * 2/4 = 0.05625 m and tau = 0.1125 m / (4 mm/day) =
 *    28.125 days;
 *  - above W_c the rate is p - e, constant: drying from W0 reaches W_c at
 *    t1 = (W0 - W_c) / (e - p); filling reaches W_fc at (W_fc - W) / (p - e),
 *    after which W = W_fc and the runoff is p - e;
 *  - rising from W0 < W_c with W* > W_c the bucket reaches W_c at
 *    tau ln((W* - W0) / (W* - W_c)).
 * The library steps each interval dt with the exact solution of that
 * interval, so n steps reproduce these to round-off: a step's arithmetic
 * adds a few u W_fc and never amplifies earlier errors (dW'/dW =
 * exp(-dt/tau) <= 1, or 1, or 0 at capacity): 16 (n + 1) u W_fc bounds it.
 * Heat: C_s dT/dt = F - L_v rho_w e beta, so with the water budget
 *   T(t) = T0 + (F t - L_v rho_w (p t - R - (W(t) - W0))) / C_s
 * (R the runoff so far), to a few u |T| per step. */
#include <config.h>

#include <float.h>
#include <stdint.h>

#include "testutil.h"

#define UROUND (DBL_EPSILON / 2)
#define MMDAY (1.0 / PEL_LAND_DAY) /* 1 mm/day in kg/m^2/s */

static pel_land_params params(size_t nx, size_t ny, double dt)
{
    pel_land_params p;
    pel_land_params_default(&p);
    p.nx = nx;
    p.ny = ny;
    p.dt = dt;
    return p;
}

static pel_land *make(pel_context *ctx, const pel_land_params *p)
{
    pel_land *l = NULL;
    ck_assert_ok(pel_land_create(ctx, p, &l));
    return l;
}

/* max |W_i - w| over the grid */
static double werr(pel_land *l, double w)
{
    const pel_land_params *p = pel_land_params_get(l);
    const double *W = pel_land_data(l, PEL_LAND_W);
    double m = 0.0;
    for (size_t i = 0; i < p->nx * p->ny; i++) m = fmax(m, fabs(W[i] - w));
    return m;
}

static void all_pass(pel_land *l)
{
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_land_verify(l, log));
    for (int i = 0; i < pel_verify_log_count(log); i++) {
        const pel_verify_record *r = pel_verify_log_get(log, i);
        ck_assert_msg(r->pass, "%s: value %.17g reference %.17g tol %g", r->name, r->value, r->reference, r->abs_tol);
    }
    ck_assert_int_ge(pel_verify_log_count(log), 6);
    pel_verify_log_destroy(log);
}

/* ---- api ------------------------------------------------------------------------ */

START_TEST(api_create)
{
    pel_context *ctx = tctx(1);
    pel_land *l = (pel_land *)&l;
    pel_land_params p = params(4, 2, 3600);
    ck_assert_int_eq(pel_land_create(NULL, &p, &l), PEL_EINVAL);
    ck_assert_fails(ctx, pel_land_create(ctx, &p, NULL), PEL_EINVAL, "land: the result pointer must not be NULL");
    ck_assert_fails(ctx, pel_land_create(ctx, NULL, &l), PEL_EINVAL, "land: params must not be NULL");
    ck_assert_ptr_null(l);
    static const struct {
        int which;
        double v;
        const char *needle;
    } bad[] = {
        {0, 0, "grid 0x2"},          {1, 0, "dt = 0"},           {1, NAN, "dt = nan"},
        {2, -1, "w_fc = -1"},        {3, 1.5, "crit = 1.5"},     {3, 0, "crit = 0"},
        {4, 0.5, "heat_capacity = 0.5"}, {5, 0.2, "w0 = 0.2: must be in [0, w_fc = 0.15]"},
        {5, -1e-3, "w0 = -0.001"},   {6, 0, "t0 = 0"},           {7, -1e-9, "precip = -1e-09"},
        {8, 2, "pet = 2"},           {9, INFINITY, "heat_flux = inf"}, {10, 2, "latent_heat = 2"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pel_land_params q = params(4, 2, 3600);
        double v = bad[k].v;
        switch (bad[k].which) {
        case 0: q.nx = 0; break;
        case 1: q.dt = v; break;
        case 2: q.w_fc = v; break;
        case 3: q.crit = v; break;
        case 4: q.heat_capacity = v; break;
        case 5: q.w0 = v; break;
        case 6: q.t0 = v; break;
        case 7: q.precip = v; break;
        case 8: q.pet = v; break;
        case 9: q.heat_flux = v; break;
        default: q.latent_heat = (int)v; break;
        }
        ck_assert_fails(ctx, pel_land_create(ctx, &q, &l), PEL_EINVAL, bad[k].needle);
        ck_assert_ptr_null(l);
    }
    double frac[8] = {0, 1, 0.5, 1, 1, 1, 1.5, 1};
    p.land_fraction = frac;
    ck_assert_fails(ctx, pel_land_create(ctx, &p, &l), PEL_EINVAL, "land_fraction[6] = 1.5 (cell (1, 2))");
    frac[6] = NAN;
    ck_assert_fails(ctx, pel_land_create(ctx, &p, &l), PEL_EINVAL, "land_fraction[6] = nan");
    p.land_fraction = NULL;
    p.mask_path = "no-such-mask.txt";
    ck_assert_fails(ctx, pel_land_create(ctx, &p, &l), PEL_EIO, "no-such-mask.txt: cannot open");
    char path[4096];
    const char *src = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/data/masks/continent.txt", src && *src ? src : ".");
    p.mask_path = path;
    p.nx = 6, p.ny = 3;
    ck_assert_fails(ctx, pel_land_create(ctx, &p, &l), PEL_EFORMAT, "continent.txt:3:1: mask of 64x32 cells does not fit a grid of 6x3");
    ck_assert_ptr_null(l);
    /* a mask that fits: 8 of every 64 columns are land */
    p = params(128, 64, 3600);
    p.mask_path = path;
    l = make(ctx, &p);
    const double *f = pel_land_data(l, PEL_LAND_FRACTION);
    double s = 0;
    for (size_t i = 0; i < 128 * 64; i++) s += f[i];
    ck_assert(s == 16.0 * 64.0);
    ck_assert_ptr_null(pel_land_params_get(l)->land_fraction);
    pel_land_destroy(l);
}
END_TEST

START_TEST(api_use)
{
    pel_context *ctx = tctx(1);
    pel_land_params p = params(4, 2, 3600);
    pel_land *l = make(ctx, &p);
    ck_assert_fails(ctx, pel_land_step(l, -1), PEL_EINVAL, "nsteps = -1");
    ck_assert_int_eq(pel_land_step(NULL, 1), PEL_EINVAL);
    ck_assert_ok(pel_land_step(l, 0));
    ck_assert_ptr_null(pel_land_data(l, PEL_LAND_NFIELDS));
    ck_assert_ptr_null(pel_land_data(NULL, PEL_LAND_W));
    double v[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    ck_assert_fails(ctx, pel_land_set_forcing(l, PEL_LAND_W, v), PEL_EINVAL, "is not a forcing");
    ck_assert_fails(ctx, pel_land_set_forcing(l, PEL_LAND_PRECIP, NULL), PEL_EINVAL, "precip: values are NULL");
    v[5] = -1e-6;
    ck_assert_fails(ctx, pel_land_set_forcing(l, PEL_LAND_PRECIP, v), PEL_EINVAL, "precip = -1e-06 at cell (1, 1)");
    v[5] = NAN;
    ck_assert_fails(ctx, pel_land_set_forcing(l, PEL_LAND_PET, v), PEL_EINVAL, "pet = nan at cell (1, 1)");
    ck_assert_fails(ctx, pel_land_set_forcing(l, PEL_LAND_HEAT_FLUX, v), PEL_EINVAL, "heat_flux = nan at cell (1, 1)");
    ck_assert(pel_land_data(l, PEL_LAND_PRECIP)[5] == p.precip); /* unchanged */
    pel_land_budget b;
    ck_assert_ok(pel_land_get_budget(l, &b));
    ck_assert(b.forced_by_params == 1);
    ck_assert_fails(ctx, pel_land_get_budget(l, NULL), PEL_EINVAL, "budget pointer is NULL");
    ck_assert_fails(ctx, pel_land_verify(l, NULL), PEL_EINVAL, "log is NULL");
    double *st = malloc(pel_land_budget_count(l) * sizeof *st);
    pel_land_save_budget(l, st);
    ck_assert_fails(ctx, pel_land_set_state(l, -2, st), PEL_EINVAL, "step = -2");
    st[0] = NAN;
    ck_assert_fails(ctx, pel_land_set_state(l, 2, st), PEL_EINVAL, "budget value 0 = nan");
    free(st);
    pel_land_destroy(l);
    pel_land_destroy(NULL);
}
END_TEST

/* A heat flux that a double cannot integrate makes T_soil infinite in one
 * cell: the step names the field, the cell and the step. */
START_TEST(api_nonfinite)
{
    pel_context *ctx = tctx(2);
    pel_land_params p = params(40, 20, 3600);
    pel_land *l = make(ctx, &p);
    ck_assert_ok(pel_land_step(l, 2));
    double *F = malloc(800 * sizeof *F);
    for (int i = 0; i < 800; i++) F[i] = 10.0;
    F[13 * 40 + 27] = 1e308; /* * 3600 s overflows */
    ck_assert_ok(pel_land_set_forcing(l, PEL_LAND_HEAT_FLUX, F));
    ck_assert_fails(ctx, pel_land_step(l, 3), PEL_ENONFINITE, "land: field T_soil is not finite at cell (13, 27) after step 3");
    ck_assert_int_eq(pel_land_step_count(l), 5);
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_land_verify(l, log));
    int seen = 0;
    for (int i = 0; i < pel_verify_log_count(log); i++) {
        const pel_verify_record *r = pel_verify_log_get(log, i);
        if (strcmp(r->name, "land.finite") != 0) continue;
        ck_assert(!r->pass && r->value == 1.0);
        seen = 1;
    }
    ck_assert(seen);
    pel_verify_log_destroy(log);
    free(F);
    pel_land_destroy(l);
}
END_TEST

START_TEST(api_component)
{
    pel_context *ctx = tctx(1);
    pel_land_params p = params(4, 2, 3600);
    pel_component *c;
    ck_assert_ok(pel_component_create(ctx, &pel_land_component, &p, &c));
    pel_field out;
    ck_assert_fails(ctx, pel_component_export(c, "u", &out), PEL_EMISMATCH, "no field 'u' to export");
    ck_assert_ok(pel_component_export(c, "land_fraction", &out));
    ck_assert(out.rank == 2 && out.dims[0] == 2 && out.dims[1] == 4);
    const char *names[] = {"W", "T_soil", "evaporation", "runoff"};
    for (int k = 0; k < 4; k++) ck_assert_ok(pel_component_export(c, names[k], &out));
    double v[8] = {0};
    pel_field in = {"rain", PEL_F64, 2, {2, 4, 0, 0}, v};
    ck_assert_fails(ctx, pel_component_import(c, &in), PEL_EMISMATCH, "no field 'rain' to import");
    in.name = "precip";
    in.dims[1] = 3;
    ck_assert_fails(ctx, pel_component_import(c, &in), PEL_EMISMATCH, "import precip: f64 with 6 values, expected f64 with 8");
    in.dims[1] = 4;
    v[2] = 2.0;
    ck_assert_fails(ctx, pel_component_import(c, &in), PEL_EINVAL, "precip = 2 at cell (0, 2)");
    v[2] = 0.0;
    ck_assert_ok(pel_component_import(c, &in));
    /* a checkpoint of other parameters is refused, naming the parameter */
    pel_land_params q = p;
    q.pet = 5 * MMDAY;
    pel_component *d;
    ck_assert_ok(pel_component_create(ctx, &pel_land_component, &q, &d));
    pel_component_state s;
    ck_assert_ok(pel_component_save(c, &s));
    ck_assert_fails(ctx, pel_component_restore(d, &s), PEL_EMISMATCH, "land.pet");
    pel_component_destroy(d);
    pel_component_destroy(c);
}
END_TEST

/* ---- numerics ---------------------------------------------------------------- */

/* Relaxation to W* = 56.25 mm with tau = 28.125 days, from W0 = 0.1 m
 * (below W_c = 0.1125 m): at t = tau the distance to W* has fallen by e
 * exactly (to round-off), at 20 tau to e^-20 of it, and E has come to P. */
START_TEST(num_relaxation)
{
    pel_context *ctx = tctx(2);
    pel_land_params p = params(4, 2, 1800.0);
    const double ws = 0.75 * 0.15 * p.precip / p.pet, tau = 0.75 * 0.15 * PEL_LAND_RHO_W / p.pet;
    ck_assert_rel(ws, 0.05625, 4 * UROUND);
    ck_assert_rel(tau, 28.125 * PEL_LAND_DAY, 4 * UROUND);
    const long n_tau = 1350; /* tau / dt = 28.125 days / 30 min */
    pel_land *l = make(ctx, &p);
    long done = 0;
    const double mult[] = {0.5, 1, 2, 20};
    for (int k = 0; k < 4; k++) {
        long n = (long)(mult[k] * (double)n_tau);
        ck_assert_ok(pel_land_step(l, n - done));
        done = n;
        double t = (double)n * p.dt, exact = ws + (p.w0 - ws) * exp(-t / tau);
        ck_assert_msg(werr(l, exact) <= 16.0 * (double)(n + 1) * UROUND * p.w_fc, "t = %g tau: W off by %g", mult[k],
                      werr(l, exact));
        all_pass(l);
    }
    /* E = e W / W_c: at 20 tau it differs from P by e^-20 (W0 - W*) e / W_c */
    const double *E = pel_land_data(l, PEL_LAND_EVAP), *R = pel_land_data(l, PEL_LAND_RUNOFF);
    ck_assert_rel(E[3], p.precip, 2e-9);
    ck_assert(R[3] == 0.0);
    pel_land_destroy(l);
}
END_TEST

/* Filling: P = 6 > E_p = 4 mm/day from W0 = 0.1 m: relaxation toward W* =
 * 0.16875 m up to W_c, then a rise of 2 mm/day to W_fc, reached at
 *   t_c = tau ln((W* - W0)/(W* - W_c)) + (W_fc - W_c)/(p - e)
 *       = 28.125 d ln(0.06875/0.05625) + 18.75 d = 24.394 days;
 * the first runoff comes in the step holding t_c, and from then on W = W_fc,
 * runoff = P - E_p and E = E_p. */
START_TEST(num_runoff)
{
    pel_context *ctx = tctx(1);
    pel_land_params p = params(2, 1, 3600.0);
    p.precip = 6 * MMDAY;
    const double pr = p.precip / PEL_LAND_RHO_W, ep = p.pet / PEL_LAND_RHO_W, wc = 0.1125;
    const double tau = wc / ep, ws = pr * tau;
    const double tc = tau * log((ws - p.w0) / (ws - wc)) + (p.w_fc - wc) / (pr - ep);
    ck_assert_rel(tc / PEL_LAND_DAY, 24.394, 1e-4);
    const long kc = (long)ceil(tc / p.dt); /* the step holding t_c */
    pel_land *l = make(ctx, &p);
    const double *W = pel_land_data(l, PEL_LAND_W), *E = pel_land_data(l, PEL_LAND_EVAP),
                 *R = pel_land_data(l, PEL_LAND_RUNOFF);
    ck_assert_ok(pel_land_step(l, kc - 1));
    ck_assert(R[0] == 0.0 && W[0] < p.w_fc);
    ck_assert_ok(pel_land_step(l, 1));
    /* the runoff of that step: (p - e)(kc dt - t_c), to the round-off of t_c
     * (W's few u W_fc over a rate of 2 mm/day: 1e-6 s, far below) */
    ck_assert(W[0] == p.w_fc);
    ck_assert_msg(fabs(R[0] * p.dt / PEL_LAND_RHO_W - (pr - ep) * ((double)kc * p.dt - tc)) <= 1e-13,
                  "first runoff %g, expected %g", R[0] * p.dt / PEL_LAND_RHO_W, (pr - ep) * ((double)kc * p.dt - tc));
    ck_assert_ok(pel_land_step(l, 100));
    ck_assert(W[0] == p.w_fc && W[1] == p.w_fc);
    ck_assert_rel(R[0], p.precip - p.pet, 8 * UROUND * 3);
    ck_assert_rel(E[1], p.pet, 8 * UROUND * 3);
    all_pass(l);
    pel_land_budget b;
    ck_assert_ok(pel_land_get_budget(l, &b));
    ck_assert(b.runoff > 0);
    pel_land_destroy(l);
}
END_TEST

/* Drying: P = 0 from W_fc: E = E_p down to W_c, reached at (W_fc - W_c)/e =
 * 9.375 days, then W = W_c exp(-(t - t1)/tau).  With dt = 1 h the crossing
 * falls on a step boundary; with dt = 7 h inside a step. */
START_TEST(num_drying)
{
    pel_context *ctx = tctx(1);
    const double dts[] = {3600.0, 7 * 3600.0};
    for (int k = 0; k < 2; k++) {
        pel_land_params p = params(2, 1, dts[k]);
        p.precip = 0;
        p.w0 = p.w_fc;
        const double ep = p.pet / PEL_LAND_RHO_W, wc = 0.1125, tau = wc / ep, t1 = (p.w_fc - wc) / ep;
        ck_assert_rel(t1 / PEL_LAND_DAY, 9.375, 4 * UROUND);
        pel_land *l = make(ctx, &p);
        long n1 = 24 * 3600 / (long)p.dt; /* about a day: E = E_p */
        ck_assert_ok(pel_land_step(l, n1));
        ck_assert_rel(pel_land_data(l, PEL_LAND_EVAP)[0], p.pet, 1e-12);
        ck_assert(werr(l, p.w_fc - ep * (double)n1 * p.dt) <= 16.0 * (double)(n1 + 1) * UROUND * p.w_fc);
        long n = 1008 / (long)(p.dt / 3600); /* 42 days */
        ck_assert_ok(pel_land_step(l, n - pel_land_step_count(l)));
        double t = (double)n * p.dt, exact = wc * exp(-(t - t1) / tau);
        ck_assert_msg(werr(l, exact) <= 16.0 * (double)(n + 1) * UROUND * p.w_fc, "dt %g: W off by %g", p.dt,
                      werr(l, exact));
        all_pass(l);
        pel_land_destroy(l);
    }
}
END_TEST

/* The soil heat: with the latent heat on and no runoff, T follows the
 * closed form of the header comment; the heat content change equals the
 * integrated flux. */
START_TEST(num_heat)
{
    pel_context *ctx = tctx(1);
    pel_land_params p = params(2, 1, 3600.0);
    p.latent_heat = 1;
    p.heat_flux = 80.0;
    pel_land *l = make(ctx, &p);
    const long n = 2000;
    ck_assert_ok(pel_land_step(l, n));
    const double t = (double)n * p.dt, W = pel_land_data(l, PEL_LAND_W)[0];
    const double evap = p.precip / PEL_LAND_RHO_W * t - (W - p.w0); /* m, no runoff */
    const double T = p.t0 + (p.heat_flux * t - PEL_LAND_LV * PEL_LAND_RHO_W * evap) / p.heat_capacity;
    /* each step rounds T (|T| < 400 K) a few times: 8 u 400 K per step */
    ck_assert_msg(fabs(pel_land_data(l, PEL_LAND_T)[1] - T) <= 8.0 * (double)(n + 1) * UROUND * 400.0, "T = %.17g, expected %.17g",
                  pel_land_data(l, PEL_LAND_T)[1], T);
    ck_assert(fabs(T - p.t0) > 1.0); /* the check is not vacuous: T moved */
    pel_land_budget b;
    ck_assert_ok(pel_land_get_budget(l, &b));
    ck_assert_rel(b.heat - b.heat0, b.heat_in, 1e-9);
    ck_assert_rel(b.heat_in, p.heat_flux * t - PEL_LAND_LV * PEL_LAND_RHO_W * evap, 1e-9);
    all_pass(l);
    pel_land_destroy(l);
}
END_TEST

/* Forcing that differs per cell, with every regime at once, and partial
 * land fractions: per step Sum f dW = Sum f (P - E - R) dt, recomputed here
 * from the exported rates; W stays within [0, W_fc]. */
static void mixed_forcing(size_t n, double *P, double *EP, double *F)
{
    for (size_t i = 0; i < n; i++) {
        P[i] = (double)(i % 11) * MMDAY;       /* 0 .. 10 mm/day */
        EP[i] = (double)(i * 7 % 9) * MMDAY;   /* 0 .. 8 mm/day */
        F[i] = (double)(i % 13) * 15.0 - 90.0; /* -90 .. 90 W/m^2 */
    }
}

START_TEST(num_budget_mixed)
{
    pel_context *ctx = tctx(2);
    const size_t nx = 32, ny = 16, n = nx * ny;
    pel_land_params p = params(nx, ny, 3 * 3600.0);
    p.latent_heat = 1;
    double *fr = malloc(n * sizeof *fr), *P = malloc(n * sizeof *P), *EP = malloc(n * sizeof *EP),
           *F = malloc(n * sizeof *F), *W0 = malloc(n * sizeof *W0);
    for (size_t i = 0; i < n; i++) fr[i] = (double)(i % 5) / 4.0 > 1 ? 0.0 : (double)(i % 5) / 4.0;
    p.land_fraction = fr;
    mixed_forcing(n, P, EP, F);
    pel_land *l = make(ctx, &p);
    ck_assert_ok(pel_land_set_forcing(l, PEL_LAND_PRECIP, P));
    ck_assert_ok(pel_land_set_forcing(l, PEL_LAND_PET, EP));
    ck_assert_ok(pel_land_set_forcing(l, PEL_LAND_HEAT_FLUX, F));
    const double *W = pel_land_data(l, PEL_LAND_W), *E = pel_land_data(l, PEL_LAND_EVAP), *R = pel_land_data(l, PEL_LAND_RUNOFF);
    for (int k = 0; k < 200; k++) {
        memcpy(W0, W, n * sizeof *W0);
        ck_assert_ok(pel_land_step(l, 1));
        double dw = 0, flux = 0, mag = 0;
        int inside = 1; /* one assert per step: Check's asserts are slow */
        for (size_t i = 0; i < n; i++) {
            double pa = P[i] / PEL_LAND_RHO_W * p.dt, ea = E[i] * p.dt / PEL_LAND_RHO_W, ra = R[i] * p.dt / PEL_LAND_RHO_W;
            dw += fr[i] * (W[i] - W0[i]);
            flux += fr[i] * ((pa - ea) - ra);
            mag += fr[i] * (W[i] + W0[i] + pa + fabs(ea) + ra);
            inside &= W[i] >= 0 && W[i] <= p.w_fc && R[i] >= 0;
            inside &= ea >= -8 * UROUND * (W0[i] + pa); /* E >= 0 to round-off */
        }
        ck_assert_msg(inside, "step %d: W out of [0, W_fc], or R or E negative", k);
        /* serial sums of 512 terms, each within ~8 u of its magnitude */
        ck_assert_msg(fabs(dw - flux) <= (512.0 + 16.0) * UROUND * mag, "step %d: dW %g, flux %g", k, dw, flux);
    }
    pel_land_budget b;
    ck_assert_ok(pel_land_get_budget(l, &b));
    ck_assert(b.forced_by_params == 0 && b.runoff > 0 && b.evap > 0);
    ck_assert(b.step_water_resid <= 1 && b.step_heat_resid <= 1);
    ck_assert_msg(fabs((b.water - b.water0) - ((b.precip - b.evap) - b.runoff)) <= 1e-12 * (b.precip + b.evap + b.runoff + b.water),
                  "water budget off by %g", (b.water - b.water0) - ((b.precip - b.evap) - b.runoff));
    ck_assert_msg(fabs((b.heat - b.heat0) - b.heat_in) <= 1e-12 * 400 * p.heat_capacity * 400, "heat budget off by %g",
                  (b.heat - b.heat0) - b.heat_in);
    all_pass(l);
    free(fr), free(P), free(EP), free(F), free(W0);
    pel_land_destroy(l);
}
END_TEST

/* Checkpoint + restart = straight run, bitwise, with imported forcing. */
START_TEST(num_restart)
{
    pel_context *ctx = tctx(2);
    const size_t nx = 48, ny = 24, n = nx * ny;
    pel_land_params p = params(nx, ny, 3600.0);
    p.latent_heat = 1;
    double *P = malloc(n * sizeof *P), *EP = malloc(n * sizeof *EP), *F = malloc(n * sizeof *F);
    mixed_forcing(n, P, EP, F);
    pel_component *a, *b, *c;
    ck_assert_ok(pel_component_create(ctx, &pel_land_component, &p, &a));
    ck_assert_ok(pel_component_create(ctx, &pel_land_component, &p, &b));
    ck_assert_ok(pel_component_create(ctx, &pel_land_component, &p, &c));
    pel_field in[3] = {{"precip", PEL_F64, 2, {ny, nx, 0, 0}, P}, {"pet", PEL_F64, 2, {ny, nx, 0, 0}, EP},
                       {"heat_flux", PEL_F64, 2, {ny, nx, 0, 0}, F}};
    for (int k = 0; k < 3; k++) {
        ck_assert_ok(pel_component_import(a, &in[k]));
        ck_assert_ok(pel_component_import(b, &in[k]));
    }
    ck_assert_ok(pel_component_advance(a, 300));
    ck_assert_ok(pel_component_advance(b, 111));
    pel_component_state s;
    ck_assert_ok(pel_component_save(b, &s));
    ck_assert_ok(pel_component_restore(c, &s)); /* c never imported: the forcing comes with the state */
    ck_assert_int_eq(pel_component_step(c), 111);
    ck_assert_ok(pel_component_advance(c, 189));
    pel_component_state sa, sc;
    ck_assert_ok(pel_component_save(a, &sa));
    ck_assert_ok(pel_component_save(c, &sc));
    ck_assert_int_eq(sa.nfields, sc.nfields);
    for (int k = 0; k < sa.nfields; k++)
        ck_assert_msg(memcmp(sa.fields[k].data, sc.fields[k].data, pel_field_count(&sa.fields[k]) * sizeof(double)) == 0,
                      "field %s differs after the restart", sa.fields[k].name);
    pel_verify_log *la, *lc;
    ck_assert_ok(pel_verify_log_create(&la));
    ck_assert_ok(pel_verify_log_create(&lc));
    ck_assert_ok(pel_component_verify(a, la));
    ck_assert_ok(pel_component_verify(c, lc));
    ck_assert(pel_verify_log_passed(la) && pel_verify_log_passed(lc));
    ck_assert_int_eq(pel_verify_log_count(la), pel_verify_log_count(lc));
    for (int k = 0; k < pel_verify_log_count(la); k++)
        ck_assert(memcmp(&pel_verify_log_get(la, k)->value, &pel_verify_log_get(lc, k)->value, sizeof(double)) == 0);
    pel_verify_log_destroy(la), pel_verify_log_destroy(lc);
    pel_component_destroy(a), pel_component_destroy(b), pel_component_destroy(c);
    free(P), free(EP), free(F);
}
END_TEST

/* ---- threads --------------------------------------------------------------------- */

#define TNX 64
#define TNY 32
#define TN (TNX * TNY)

/* W, T, E, R after 40 steps under mixed forcing and fractions, then the
 * budget struct. */
static void run_land(pel_context *ctx, void *arg, void *out)
{
    (void)arg;
    pel_land_params p = params(TNX, TNY, 3 * 3600.0);
    p.latent_heat = 1;
    static double fr[TN], P[TN], EP[TN], F[TN];
    for (size_t i = 0; i < TN; i++) fr[i] = (double)(i % 3) / 2.0;
    mixed_forcing(TN, P, EP, F);
    p.land_fraction = fr;
    pel_land *l = NULL;
    ck_assert_ok(pel_land_create(ctx, &p, &l));
    ck_assert_ok(pel_land_set_forcing(l, PEL_LAND_PRECIP, P));
    ck_assert_ok(pel_land_set_forcing(l, PEL_LAND_PET, EP));
    ck_assert_ok(pel_land_set_forcing(l, PEL_LAND_HEAT_FLUX, F));
    ck_assert_ok(pel_land_step(l, 15));
    ck_assert_ok(pel_land_step(l, 25));
    double *o = out;
    for (int k = 0; k < 4; k++) memcpy(o + (size_t)k * TN, pel_land_data(l, (pel_land_field)k), TN * sizeof(double));
    pel_land_budget b;
    ck_assert_ok(pel_land_get_budget(l, &b));
    memcpy(o + 4 * TN, &b, sizeof b);
    pel_land_destroy(l);
}

#define RUN_BYTES (4 * TN * sizeof(double) + sizeof(pel_land_budget))

START_TEST(threads_same_bits)
{
    test_same_bits_1_to_4(run_land, NULL, RUN_BYTES);
}
END_TEST

START_TEST(threads_policy) { test_policy(run_land, NULL, RUN_BYTES); }
END_TEST

int main(void)
{
    Suite *s = suite_create("land");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_create);
    tcase_add_test(api, api_use);
    tcase_add_test(api, api_nonfinite);
    tcase_add_test(api, api_component);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_relaxation);
    tcase_add_test(num, num_runoff);
    tcase_add_test(num, num_drying);
    tcase_add_test(num, num_heat);
    tcase_add_test(num, num_budget_mixed);
    tcase_add_test(num, num_restart);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_same_bits);
    tcase_add_test(thr, threads_policy);
    suite_add_tcase(s, thr);
    return run_suite(s);
}
