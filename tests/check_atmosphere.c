/* The NCC81 energy-balance atmosphere: every API error, the closed forms
 * (Legendre steady state, ice edge, snowball, budgets, the vapour's
 * equilibrium), the component interface and thread independence.
 *
 * The closed forms.  On the sphere, with x = mu = sin(latitude), the steady
 * state of
 *     0 = d/dx[D (1 - x^2) dT/dx] - (A + B T) + Q S(x) a(x)
 * (no longitude dependence, no surface flux, no ice feedback) is found by
 * expanding in Legendre polynomials, the eigenfunctions of the diffusion
 * operator: d/dx[(1 - x^2) dP_n/dx] = -n(n+1) P_n.  With T = sum T_n P_n
 * and S a = sum h_n P_n,
 *     -n(n+1) D T_n - A delta_n0 - B T_n + Q h_n = 0,
 *     T_n = (Q h_n - A delta_n0) / (n(n+1) D + B).
 * S a = (1 + S2 P2)(a0 + a2 P2) is even and of degree 4, so only n = 0, 2,
 * 4 appear; using P2^2 = (18/35) P4 + (2/7) P2 + 1/5,
 *     h_0 = a0 + S2 a2 / 5,  h_2 = a0 S2 + a2 + 2 S2 a2 / 7,  h_4 = 18 S2 a2 / 35,
 * and h_n = H_n = (2n+1) int_0^1 S a P_n dx (orthogonality on [0, 1] for
 * even n, weight 1/(2n+1)).  With NCC81's constants T_0 = 14.80 C.
 *
 * Discrete global mean.  The finite-volume diffusion fluxes cancel in the
 * global sum and every cell has the same area, so at a steady state of the
 * discrete operator
 *     0 = sum_cells [-(A + B T) + Q <S a>_cell]  =>  mean T = (Q mean<S a> - A)/B.
 * The band means <S a> are exact integrals (3-point Gauss-Legendre is exact
 * for degree 5) and their mean over the equal-width bands is
 * (1/2) int_-1^1 S a dx = h_0: mean T = T_0 to round-off, at any
 * resolution.  (Sampling S a at band centres instead misses by the midpoint
 * rule's error, Q/B (dmu^2/24) mean(S a)'' ~ 2e-2 K at ny = 36.)
 *
 * Zonal profile.  The mu fluxes D (1 - mu_e^2)(T_j+1 - T_j)/dmu are
 * second-order accurate and the forcing is exact per band, so the band
 * values differ from the band means of the exact T(x) by O(dmu^2): the
 * error falls by ~4 as ny doubles.
 *
 * Ice edge.  With the feedback the exact steady state has coalbedo b0
 * poleward of x_s, and T(x_s) = Ts fixes Q(x_s) (NCC81 eq. 37, summed over
 * the full Legendre series): Q = 334.4 W/m^2 gives x_s = 0.9488; Q(x_s) has
 * its minimum 294.8 W/m^2 at x_s ~ 0.53, below which only the ice-covered
 * state exists.  The model resolves x_s to a band edge, so its edge is
 * within one band width 2/ny of 0.9488.
 *
 * Snowball.  With b0 everywhere S a = b0 (1 + S2 P2): h_0 = b0, h_2 = b0 S2,
 * so the mean is (Q b0 - A)/B exactly as above.
 *
 * Time stepping to a steady state.  A step solves (I - k(L_mu - B))(I - k
 * L_lam) dT = k R(T^n) with k = dt/C; for zonally uniform states the
 * longitude factor is the identity and the step is T^n+1 = T^n + (I - kJ)^-1
 * k J (T^n - T*) = (I - kJ)^-1 (T^n - T*) + T* for the linear operator J =
 * L_mu - B: every error mode shrinks by 1/(1 + k lambda) <= 1/(1 + kB) per
 * step.  Tests take kB = 4: 0.2 per step, 1e-14 relative in 20 steps. */
#include <config.h>

#include <float.h>
#include <limits.h>
#include <stdint.h>

#include "testutil.h"

#define YEAR 3.15576e7
#define XS_NCC81 0.9488 /* the ice edge at Q = 334.4 (root of NCC81 eq. 37) */
#define Q_MIN_NCC81 294.8

static pel_atmosphere_params steady_params(size_t ny, int ice)
{
    pel_atmosphere_params p;
    pel_atmosphere_params_default(&p);
    p.ny = ny;
    p.ice_albedo = ice;
    p.vapour = 0;
    p.dt = YEAR;
    p.heat_capacity = p.dt * p.B / 4.0; /* kB = 4 */
    return p;
}

static pel_atmosphere *make(pel_context *ctx, const pel_atmosphere_params *p)
{
    pel_atmosphere *a = NULL;
    pel_status st = pel_atmosphere_create(ctx, p, &a);
    ck_assert_msg(st == PEL_OK, "create: %s", pel_context_error(ctx));
    return a;
}

/* Steps until a step changes no cell by more than tol K (at most max steps).
 * A converged state still flips the last bit of values near 0 C from step
 * to step (~1e-17 K), so tol is a round-off level, not 0. */
static long run_steady(pel_atmosphere *a, double tol, long max)
{
    const pel_sphere *g = pel_atmosphere_grid(a);
    double *prev = malloc(g->cells * sizeof(double));
    ck_assert_ptr_nonnull(prev);
    long n = 0;
    for (; n < max; n++) {
        memcpy(prev, pel_atmosphere_view(a, "T"), g->cells * sizeof(double));
        ck_assert_ok(pel_atmosphere_step(a, 1));
        const double *T = pel_atmosphere_view(a, "T");
        double d = 0.0;
        for (size_t c = 0; c < g->cells; c++) d = fmax(d, fabs(T[c] - prev[c]));
        if (d <= tol) break;
    }
    free(prev);
    return n;
}

/* Band mean of T_0 + T_2 P2 + T_4 P4 over [x0, x1], from the antiderivatives
 * x, (x^3 - x)/2 and (7x^5 - 10x^3 + 3x)/8. */
static double legendre_band_mean(const double t[3], double x0, double x1)
{
#define G(x) (t[0] * (x) + t[1] * ((x) * (x) * (x) - (x)) / 2 + \
              t[2] * (7 * pow(x, 5) - 10 * (x) * (x) * (x) + 3 * (x)) / 8)
    return (G(x1) - G(x0)) / (x1 - x0);
#undef G
}

/* ---- api ------------------------------------------------------------------------------ */

START_TEST(api_create)
{
    pel_context *ctx = tctx(1);
    pel_atmosphere *a = (pel_atmosphere *)&a;
    pel_atmosphere_params p;
    pel_atmosphere_params_default(&p);
    ck_assert_int_eq(pel_atmosphere_create(NULL, &p, &a), PEL_EINVAL);
    ck_assert_fails(ctx, pel_atmosphere_create(ctx, &p, NULL), PEL_EINVAL, "result pointer");
    ck_assert_fails(ctx, pel_atmosphere_create(ctx, NULL, &a), PEL_EINVAL, "params");
    ck_assert_ptr_null(a);
#define BAD(field, value, needle)                                                     \
    do {                                                                              \
        pel_atmosphere_params q = p;                                                  \
        q.field = value;                                                              \
        ck_assert_fails(ctx, pel_atmosphere_create(ctx, &q, &a), PEL_EINVAL, needle); \
        ck_assert_ptr_null(a);                                                        \
    } while (0)
    BAD(ny, 0, "ny = 0");
    BAD(ny, 1, "ny = 1");
    BAD(ny, SIZE_MAX / 4, "overflow");
    BAD(ny, (size_t)1 << 30, "overflow");
    BAD(B, 0.0, "B = 0");
    BAD(B, -2.0, "B = -2");
    BAD(D, -1.0, "D = -1");
    BAD(A, NAN, "A = nan");
    BAD(Q, INFINITY, "Q = inf");
    BAD(heat_capacity, 0.0, "heat_capacity = 0");
    BAD(dt, -1.0, "dt = -1");
    BAD(ice_albedo, 2, "ice_albedo = 2");
    BAD(vapour, -1, "vapour = -1");
    BAD(radius, 0.0, "radius = 0");
    BAD(qs0, 0.0, "qs0 = 0");
    BAD(precip_tau, -1.0, "precip_tau = -1");
    BAD(T_init, NAN, "T_init = nan");
    BAD(heat_capacity, 1e-300, "dt / heat_capacity");
#undef BAD
    /* the Courant number: refused with the largest stable dt, which then works */
    pel_atmosphere_params q = p;
    q.dt = 1e6;
    ck_assert_fails(ctx, pel_atmosphere_create(ctx, &q, &a), PEL_EUNSTABLE, "Courant number");
    const char *use = strstr(pel_context_error(ctx), "use dt <= ");
    ck_assert_ptr_nonnull(use);
    q.dt = strtod(use + strlen("use dt <= "), NULL);
    ck_assert(q.dt > 0 && q.dt < 1e6);
    a = make(ctx, &q);
    pel_atmosphere_destroy(a);
    q.vapour = 0; /* no tracer, no limit */
    q.dt = 1e6;
    a = make(ctx, &q);
    pel_atmosphere_destroy(a);
    pel_atmosphere_destroy(NULL);
}
END_TEST

START_TEST(api_use)
{
    pel_context *ctx = tctx(1);
    pel_atmosphere_params p;
    pel_atmosphere_params_default(&p);
    p.ny = 6;
    pel_atmosphere *a = make(ctx, &p);
    ck_assert_int_eq(pel_atmosphere_step(NULL, 1), PEL_EINVAL);
    ck_assert_fails(ctx, pel_atmosphere_step(a, -1), PEL_EINVAL, "nsteps = -1");
    ck_assert_ok(pel_atmosphere_step(a, 0));
    ck_assert_ok(pel_atmosphere_step(a, 3));
    ck_assert_int_eq(pel_atmosphere_step_count(a), 3);
    ck_assert(pel_atmosphere_time(a) == 3 * p.dt);
    ck_assert_fails(ctx, pel_atmosphere_step(a, LONG_MAX), PEL_EINVAL, "overflow");
    ck_assert_fails(ctx, pel_atmosphere_set_step(a, -2), PEL_EINVAL, "step = -2");
    ck_assert_ptr_null(pel_atmosphere_view(a, "u"));
    ck_assert_ptr_null(pel_atmosphere_view(a, NULL));
    const char *names[] = {"T", "q", "precip", "olr", "asr", "surface_flux", "evaporation"};
    for (int k = 0; k < 7; k++) ck_assert_ptr_nonnull(pel_atmosphere_view(a, names[k]));
    ck_assert_fails(ctx, pel_atmosphere_verify(a, NULL), PEL_EINVAL, "log");
    ck_assert_int_eq(pel_atmosphere_verify(NULL, NULL), PEL_EINVAL);
    ck_assert_ptr_null(pel_atmosphere_grid(NULL));
    ck_assert(isnan(pel_atmosphere_residual(NULL)));
    pel_atmosphere_destroy(a);
}
END_TEST

/* ---- the Legendre steady state ------------------------------------------------------------ */

START_TEST(num_legendre_mean)
{
    pel_context *ctx = tctx(2);
    const size_t sizes[] = {18, 36, 72};
    for (int s = 0; s < 3; s++) {
        pel_atmosphere_params p = steady_params(sizes[s], 0);
        pel_atmosphere *a = make(ctx, &p);
        double t[3];
        pel_atmosphere_legendre(&p, t);
        ck_assert(fabs(t[0] - 14.80) < 0.005); /* (334.4 * 0.7004728 - 203.3) / 2.09 */
        ck_assert_ok(pel_atmosphere_step(a, 40)); /* 0.2^40: converged to round-off */
        double mean = pel_sphere_mean(ctx, pel_atmosphere_grid(a), pel_atmosphere_T(a));
        /* round-off: a few hundred u of the largest magnitudes (~300 W/m^2
         * over B ~ 2: 150 K) */
        ck_assert_msg(fabs(mean - t[0]) <= 1e-12, "ny %zu: mean %.17g, T_0 %.17g", p.ny, mean, t[0]);
        ck_assert(pel_atmosphere_residual(a) < 1e-9);
        pel_verify_log *log;
        ck_assert_ok(pel_verify_log_create(&log));
        ck_assert_ok(pel_atmosphere_verify(a, log));
        ck_assert_int_eq(pel_verify_log_count(log), 2); /* energy budget, legendre mean */
        ck_assert_msg(pel_verify_log_passed(log), "verification failed at ny %zu", p.ny);
        pel_verify_log_destroy(log);
        pel_atmosphere_destroy(a);
    }
}
END_TEST

START_TEST(num_legendre_profile)
{
    pel_context *ctx = tctx(2);
    const size_t sizes[] = {18, 36, 72};
    double err[3];
    for (int s = 0; s < 3; s++) {
        pel_atmosphere_params p = steady_params(sizes[s], 0);
        pel_atmosphere *a = make(ctx, &p);
        ck_assert_ok(pel_atmosphere_step(a, 40));
        double t[3];
        pel_atmosphere_legendre(&p, t);
        const pel_sphere *g = pel_atmosphere_grid(a);
        double *z = malloc(g->ny * sizeof(double));
        ck_assert_ok(pel_sphere_zonal_mean(ctx, g, pel_atmosphere_T(a), z));
        err[s] = 0.0;
        for (size_t j = 0; j < g->ny; j++) {
            double ref = legendre_band_mean(t, pel_sphere_mu_edge(g, j), pel_sphere_mu_edge(g, j + 1));
            err[s] = fmax(err[s], fabs(z[j] - ref));
            /* zonally uniform forcing: every column the same */
            const double *T = pel_atmosphere_view(a, "T") + j * g->nx;
            for (size_t i = 1; i < g->nx; i++) ck_assert(fabs(T[i] - T[0]) <= 1e-12);
        }
        free(z);
        pel_atmosphere_destroy(a);
    }
    ck_assert_msg(err[0] < 0.05, "ny 18: max error %g K", err[0]);
    for (int s = 1; s < 3; s++) {
        double order = log2(err[s - 1] / err[s]);
        ck_assert_msg(order > 1.8 && order < 2.2, "observed order %.3f from ny %zu to %zu (errors %g, %g)", order,
                      sizes[s - 1], sizes[s], err[s - 1], err[s]);
    }
}
END_TEST

/* The verify record's tolerance is the state's own steady-state defect:
 * a state 0.05 K off the steady one everywhere has R = -0.05 B in every
 * cell, mean R / B = -0.05 K, so it passes (the identity mean T = T_0 -
 * mean R / B holds for any state); what it guards is the identity itself
 * (diffusion that cancels in the sum, band means of S a that average to
 * h_0).  With a surface flux there is no closed form and no record. */
START_TEST(num_legendre_verify_conditions)
{
    pel_context *ctx = tctx(1);
    pel_atmosphere_params p = steady_params(18, 0);
    pel_atmosphere *a = make(ctx, &p);
    ck_assert_ok(pel_atmosphere_step(a, 40));
    const pel_sphere *g = pel_atmosphere_grid(a);
    double *T = pel_atmosphere_T(a);
    for (size_t j = 0; j < g->ny; j++)
        for (size_t i = 0; i < g->nx; i++) T[pel_sphere_at(g, i, j)] += 0.05;
    ck_assert_ok(pel_atmosphere_refresh(a));
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_atmosphere_verify(a, log));
    ck_assert(pel_verify_log_passed(log));
    pel_verify_log_destroy(log);
    /* a surface flux of 1 W/m^2 turns the check off (no closed form) */
    double *F = pel_atmosphere_view(a, "surface_flux");
    F[0] = 1.0;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_atmosphere_verify(a, log));
    ck_assert_int_eq(pel_verify_log_count(log), 1);
    pel_verify_log_destroy(log);
    pel_atmosphere_destroy(a);
}
END_TEST

/* ---- ice edge and snowball ------------------------------------------------------------------ */

START_TEST(num_ice_edge)
{
    pel_context *ctx = tctx(2);
    pel_atmosphere_params p = steady_params(72, 1);
    pel_atmosphere *a = make(ctx, &p); /* from 10 C everywhere */
    long n = run_steady(a, 1e-12, 400);
    ck_assert_msg(n < 400, "no steady state in 400 steps");
    double xs = pel_atmosphere_ice_edge(a);
    ck_assert_msg(fabs(xs - XS_NCC81) <= 2.0 / (double)p.ny, "ice edge at %.5f, NCC81 %.4f (band %.4f)", xs,
                  XS_NCC81, 2.0 / (double)p.ny);
    /* symmetric: the southern edge mirrors it */
    const pel_sphere *g = pel_atmosphere_grid(a);
    const double *T = pel_atmosphere_view(a, "T");
    for (size_t j = 0; j < g->ny; j++)
        ck_assert((T[j * g->nx] > p.Ts) == (T[(g->ny - 1 - j) * g->nx] > p.Ts));
    pel_atmosphere_destroy(a);
}
END_TEST

START_TEST(num_snowball)
{
    pel_context *ctx = tctx(2);
    pel_atmosphere_params p = steady_params(72, 1);
    p.Q = 290.0; /* below the minimum 294.8 of Q(x_s) */
    pel_atmosphere *a = make(ctx, &p);
    long n = run_steady(a, 1e-12, 400);
    ck_assert_msg(n < 400, "no steady state in 400 steps");
    ck_assert(pel_atmosphere_ice_edge(a) == -1.0);
    const pel_sphere *g = pel_atmosphere_grid(a);
    const double *T = pel_atmosphere_view(a, "T");
    for (size_t c = 0; c < g->cells; c++) ck_assert(!(T[c] > p.Ts));
    double mean = pel_sphere_mean(ctx, g, pel_atmosphere_T(a));
    ck_assert_msg(fabs(mean - (p.Q * p.b0 - p.A) / p.B) <= 1e-12, "snowball mean %.17g", mean);
    pel_atmosphere_destroy(a);
    /* the same start 10 W/m^2 above the minimum keeps an ice-free equator */
    p.Q = Q_MIN_NCC81 + 10.0;
    a = make(ctx, &p);
    run_steady(a, 1e-12, 400);
    double xs = pel_atmosphere_ice_edge(a);
    ck_assert_msg(xs > 0.3 && xs < 0.9488, "Q = %g: ice edge %g", p.Q, xs);
    pel_atmosphere_destroy(a);
}
END_TEST

/* ---- budgets --------------------------------------------------------------------------------- */

static void fill_imports(pel_atmosphere *a)
{
    const pel_sphere *g = pel_atmosphere_grid(a);
    double *F = pel_atmosphere_view(a, "surface_flux"), *E = pel_atmosphere_view(a, "evaporation");
    for (size_t c = 0; c < g->cells; c++) {
        F[c] = 30.0 * sin(0.37 * (double)c);
        E[c] = 4e-5 * (1.0 + cos(0.11 * (double)c)); /* up to ~7 mm/day */
    }
}

/* C sum(T' - T) = dt sum(-olr + asr + F) and sum(q' - q) = dt sum(E - P)
 * every step, from the exported fields; relative to the sum of the terms'
 * magnitudes, 1e-12 (the ordered sums of ~10^4 terms and the solves leave
 * ~1e-15; a term left out or applied at the wrong step shows at 1e-3). */
START_TEST(num_budgets)
{
    pel_context *ctx = tctx(2);
    pel_atmosphere_params p;
    pel_atmosphere_params_default(&p);
    p.ny = 24;
    p.precip_tau = 3 * 3600.0; /* rain every step somewhere */
    pel_atmosphere *a = make(ctx, &p);
    fill_imports(a);
    const pel_sphere *g = pel_atmosphere_grid(a);
    const size_t n = g->cells;
    double *T0 = malloc(n * sizeof(double)), *q0 = malloc(n * sizeof(double));
    int rained = 0;
    for (int s = 0; s < 30; s++) {
        memcpy(T0, pel_atmosphere_view(a, "T"), n * sizeof(double));
        memcpy(q0, pel_atmosphere_view(a, "q"), n * sizeof(double));
        ck_assert_ok(pel_atmosphere_step(a, 1));
        const double *T = pel_atmosphere_view(a, "T"), *q = pel_atmosphere_view(a, "q");
        const double *olr = pel_atmosphere_view(a, "olr"), *asr = pel_atmosphere_view(a, "asr");
        const double *F = pel_atmosphere_view(a, "surface_flux"), *E = pel_atmosphere_view(a, "evaporation");
        const double *P = pel_atmosphere_view(a, "precip");
        double dh = 0, net = 0, hscale = 0, dq = 0, water = 0, wscale = 0;
        for (size_t c = 0; c < n; c++) {
            ck_assert(olr[c] == p.A + p.B * T[c]);
            dh += T[c] - T0[c];
            net += asr[c] - olr[c] + F[c];
            hscale += fabs(asr[c]) + fabs(olr[c]) + fabs(F[c]) + p.heat_capacity / p.dt * fabs(T[c]);
            dq += q[c] - q0[c];
            water += E[c] - P[c];
            wscale += fabs(E[c]) + P[c] + fabs(q[c]) / p.dt;
            rained |= P[c] > 0;
        }
        ck_assert_msg(fabs(p.heat_capacity * dh - p.dt * net) <= 1e-12 * p.dt * hscale, "step %d: energy %g vs %g",
                      s, p.heat_capacity * dh, p.dt * net);
        ck_assert_msg(fabs(dq - p.dt * water) <= 1e-12 * p.dt * wscale, "step %d: water %g vs %g", s, dq,
                      p.dt * water);
    }
    ck_assert(rained);
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_atmosphere_verify(a, log));
    ck_assert_int_eq(pel_verify_log_count(log), 3); /* energy, water, cfl */
    ck_assert(pel_verify_log_passed(log));
    pel_verify_log_destroy(log);
    free(T0);
    free(q0);
    pel_atmosphere_destroy(a);
}
END_TEST

/* The vapour's equilibrium: with uniform E and a zonally uniform T the
 * tracer is zonally uniform (equal upwind fluxes cancel exactly), and
 * q' = q* - dt (q* - qs)/(tau + dt) with q* = q + dt E is stationary when
 * P = E: q* = qs + E (tau + dt), q = qs + E tau.  The error shrinks by
 * tau/(tau + dt) = 1/2 per step here. */
START_TEST(num_vapour_equilibrium)
{
    pel_context *ctx = tctx(2);
    pel_atmosphere_params p = steady_params(12, 0);
    p.vapour = 1;
    p.dt = 6 * 3600.0;
    p.heat_capacity = p.dt * p.B / 4.0;
    p.precip_tau = p.dt;
    p.q_init = 300.0; /* above saturation everywhere (qs < 20 e^(0.07 30) = 163) */
    pel_atmosphere *a = make(ctx, &p);
    const pel_sphere *g = pel_atmosphere_grid(a);
    double *E = pel_atmosphere_view(a, "evaporation");
    const double e = 3e-5;
    for (size_t c = 0; c < g->cells; c++) E[c] = e;
    ck_assert_ok(pel_atmosphere_step(a, 120));
    const double *T = pel_atmosphere_view(a, "T"), *q = pel_atmosphere_view(a, "q");
    const double *P = pel_atmosphere_view(a, "precip");
    for (size_t c = 0; c < g->cells; c++) {
        double ref = p.qs0 * exp(p.qs_rate * T[c]) + e * p.precip_tau;
        ck_assert_msg(fabs(q[c] - ref) <= 1e-12 * ref, "cell %zu: q %.17g, equilibrium %.17g", c, q[c], ref);
        ck_assert_rel(P[c], e, 1e-9);
    }
    pel_atmosphere_destroy(a);
}
END_TEST

/* Transport alone (no evaporation, saturation out of reach): mass is
 * conserved to round-off; the upwind scheme with 0 < c <= 1 is a convex
 * combination, so values stay within the initial range; and a zonal
 * wavenumber-m wave's amplitude follows the scheme's factor
 * |1 - c + c e^{-i theta}| = sqrt(1 - 2c(1 - c)(1 - cos theta)), theta =
 * m dlambda, per step. */
START_TEST(num_vapour_transport)
{
    pel_context *ctx = tctx(2);
    pel_atmosphere_params p;
    pel_atmosphere_params_default(&p);
    p.ny = 16;
    p.qs0 = 1e6; /* never saturated */
    p.ice_albedo = 0;
    pel_atmosphere *a = make(ctx, &p);
    const pel_sphere *g = pel_atmosphere_grid(a);
    const int m = 3;
    double *q = pel_atmosphere_q(a);
    for (size_t j = 0; j < g->ny; j++)
        for (size_t i = 0; i < g->nx; i++) q[pel_sphere_at(g, i, j)] = 10.0 + 2.0 * cos(m * pel_sphere_lon_centre(g, i));
    ck_assert_ok(pel_atmosphere_refresh(a));
    double mass0 = pel_sphere_sum(ctx, g, pel_atmosphere_q(a));
    const int steps = 50;
    ck_assert_ok(pel_atmosphere_step(a, steps));
    const double *v = pel_atmosphere_view(a, "q");
    double mass = pel_sphere_sum(ctx, g, pel_atmosphere_q(a));
    ck_assert_rel(mass, mass0, 1e-14);
    double c = p.wind * p.dt / (p.radius * g->dlambda), th = m * g->dlambda;
    double amp = 2.0 * pow(sqrt(1.0 - 2.0 * c * (1.0 - c) * (1.0 - cos(th))), steps);
    for (size_t j = 0; j < g->ny; j++) {
        double re = 0, im = 0;
        for (size_t i = 0; i < g->nx; i++) {
            double x = v[j * g->nx + i];
            ck_assert(x >= 8.0 - 1e-12 && x <= 12.0 + 1e-12);
            re += (x - 10.0) * cos(m * pel_sphere_lon_centre(g, i));
            im += (x - 10.0) * sin(m * pel_sphere_lon_centre(g, i));
        }
        double got = 2.0 * sqrt(re * re + im * im) / (double)g->nx;
        ck_assert_msg(fabs(got - amp) <= 1e-10, "band %zu: amplitude %.15g, scheme %.15g", j, got, amp);
    }
    pel_atmosphere_destroy(a);
}
END_TEST

/* ---- the component ------------------------------------------------------------------------- */

START_TEST(component_interface)
{
    pel_context *ctx = tctx(2);
    pel_atmosphere_params p;
    pel_atmosphere_component.params_default(&p);
    p.ny = 10;
    pel_component *c, *r;
    ck_assert_ok(pel_component_create(ctx, &pel_atmosphere_component, &p, &c));
    pel_field f;
    const char *ex[] = {"T", "q", "precip", "olr", "asr"};
    for (int k = 0; k < 5; k++) {
        ck_assert_ok(pel_component_export(c, ex[k], &f));
        ck_assert_int_eq(f.rank, 2);
        ck_assert(f.dims[0] == 10 && f.dims[1] == 20);
    }
    ck_assert_fails(ctx, pel_component_export(c, "surface_flux", &f), PEL_EMISMATCH, "no field");
    double *buf = malloc(200 * sizeof(double));
    for (int k = 0; k < 200; k++) buf[k] = 5.0 * sin(0.3 * k);
    pel_field in = {"surface_flux", PEL_F64, 2, {10, 20, 0, 0}, buf};
    ck_assert_ok(pel_component_import(c, &in));
    in.name = "evaporation";
    ck_assert_ok(pel_component_import(c, &in)); /* negative: condensation at the surface */
    in.name = "T";
    ck_assert_fails(ctx, pel_component_import(c, &in), PEL_EMISMATCH, "no field 'T'");
    in.name = "surface_flux";
    in.dims[1] = 19;
    ck_assert_fails(ctx, pel_component_import(c, &in), PEL_EMISMATCH, "expected f64 10 x 20");
    /* ERS: 7 steps, save, restore into a fresh object, 5 more == 12 straight */
    ck_assert_ok(pel_component_advance(c, 7));
    pel_component_state st;
    ck_assert_ok(pel_component_save(c, &st));
    ck_assert_int_eq(st.nfields, 4);
    ck_assert_ok(pel_component_create(ctx, &pel_atmosphere_component, &p, &r));
    ck_assert_ok(pel_component_restore(r, &st));
    ck_assert_ok(pel_component_advance(c, 5));
    ck_assert_ok(pel_component_advance(r, 5));
    ck_assert_int_eq(pel_component_step(r), 12);
    ck_assert(pel_component_time(r) == 12 * p.dt);
    pel_field a2[2], b2[2];
    ck_assert_int_eq(pel_component_fields(c, a2, 2), 2);
    ck_assert_int_eq(pel_component_fields(r, b2, 2), 2);
    for (int k = 0; k < 2; k++) ck_assert(memcmp(a2[k].data, b2[k].data, 200 * sizeof(double)) == 0);
    /* verify through the interface */
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_component_verify(c, log));
    ck_assert(pel_verify_log_passed(log));
    pel_verify_log_destroy(log);
    /* a NaN is named with its field, cell and step */
    ck_assert_ok(pel_component_check_finite(c));
    pel_component_destroy(r);
    pel_component_destroy(c);
    p.ny = 8;
    ck_assert_ok(pel_component_create(ctx, &pel_atmosphere_component, &p, &c));
    for (int k = 0; k < 128; k++) buf[k] = k == 37 ? INFINITY : 0.0;
    in = (pel_field){"surface_flux", PEL_F64, 2, {8, 16, 0, 0}, buf};
    ck_assert_ok(pel_component_import(c, &in));
    ck_assert_ok(pel_component_advance(c, 2));
    ck_assert_fails(ctx, pel_component_check_finite(c), PEL_ENONFINITE, "field T holds");
    ck_assert(strstr(pel_context_error(ctx), "after step 2") != NULL);
    pel_component_destroy(c);
    free(buf);
}
END_TEST

/* ---- threads ------------------------------------------------------------------------------------ */

#define TNY 19
static void run_model(pel_context *ctx, void *arg, void *out)
{
    (void)arg;
    pel_atmosphere_params p;
    pel_atmosphere_params_default(&p);
    p.ny = TNY;
    p.precip_tau = 6 * 3600.0;
    pel_atmosphere *a = make(ctx, &p);
    fill_imports(a);
    ck_assert_ok(pel_atmosphere_step(a, 15));
    const size_t n = pel_atmosphere_grid(a)->cells;
    memcpy(out, pel_atmosphere_view(a, "T"), n * sizeof(double));
    memcpy((double *)out + n, pel_atmosphere_view(a, "q"), n * sizeof(double));
    pel_atmosphere_destroy(a);
}

START_TEST(threads_same_bits) { test_same_bits_1_to_4(run_model, NULL, 2 * 2 * TNY * TNY * sizeof(double)); }
END_TEST

START_TEST(threads_policy) { test_policy(run_model, NULL, 2 * 2 * TNY * TNY * sizeof(double)); }
END_TEST

static Suite *atmosphere_suite(void)
{
    Suite *s = suite_create("atmosphere");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_create);
    tcase_add_test(api, api_use);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_legendre_mean);
    tcase_add_test(num, num_legendre_profile);
    tcase_add_test(num, num_legendre_verify_conditions);
    tcase_add_test(num, num_ice_edge);
    tcase_add_test(num, num_snowball);
    tcase_add_test(num, num_budgets);
    tcase_add_test(num, num_vapour_equilibrium);
    tcase_add_test(num, num_vapour_transport);
    tcase_add_test(num, component_interface);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_policy);
    tcase_add_test(thr, threads_same_bits);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(atmosphere_suite()); }
