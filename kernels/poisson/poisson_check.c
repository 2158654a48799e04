/* The Poisson solver's checks (include/pel/poisson.h): the manufactured
 * problem, and verification records with their round-off bounds. */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "internal/poisson.h"

/* ---- manufactured solution ------------------------------------------------------ */

/* phi = sum of three terms, x^ = x / L_x etc., every term a single |m| per
 * dimension, so an eigenfunction of both symbols (which are even in each m_d):
 *   2D: sin(2pi x^) cos(4pi y^) + 0.5 cos(2pi(x^ + 2y^)) + 0.25 sin(2pi(3x^ - y^))
 *   3D: sin(2pi x^) cos(4pi y^) cos(2pi z^) + 0.5 cos(2pi(x^ + 2y^ + 3z^))
 *       + 0.25 sin(2pi(3x^ - y^)) sin(4pi z^)
 * A separable product, a plane wave along a diagonal, and a mix of the two.
 * f = sum of s(m) times each term, with the solver's own symbol evaluated at
 * the wavenumber the grid sees (folded into (-n/2, n/2]).  Every term has zero
 * mean, except on grids so coarse that its wavevector folds to zero: such a
 * term is a constant there and is left out. */
#define NTERMS 3
static const long term_m[2][NTERMS][3] = {
    {{1, 2, 0}, {1, 2, 0}, {3, -1, 0}},
    {{1, 2, 1}, {1, 2, 3}, {3, -1, 2}},
};
static const double term_amp[NTERMS] = {1.0, 0.5, 0.25};

typedef struct trig_tables {
    double *c[NTERMS][3], *s[NTERMS][3]; /* cos and sin of 2 pi m_d i / n_d */
} trig_tables;

pel_status pel_poisson_manufactured(const pel_poisson *ps, double *f, double *phi_exact)
{
    if (!ps) return PEL_EINVAL;
    if (!f && !phi_exact) return PEL_OK;
    const int D = ps->dim;
    const long(*m)[3] = term_m[D - 2];
    double tsym[NTERMS], amp[NTERMS];
    for (int t = 0; t < NTERMS; t++) {
        int zero = 1;
        tsym[t] = 0.0;
        for (int d = 0; d < D; d++) {
            tsym[t] += peli_poisson_symbol(ps->lap, ps->length[d], ps->n[d], m[t][d]);
            zero = zero && peli_poisson_fold(m[t][d], ps->n[d]) == 0;
        }
        amp[t] = zero ? 0.0 : term_amp[t];
    }

    size_t ntab = 0;
    for (int d = 0; d < D; d++) ntab += 2 * NTERMS * ps->n[d];
    double *mem = malloc(ntab * sizeof *mem);
    if (!mem) return pel_error(ps->ctx, PEL_ENOMEM, "poisson: no memory for trig tables");
    trig_tables T;
    double *q = mem;
    for (int t = 0; t < NTERMS; t++)
        for (int d = 0; d < D; d++) {
            size_t n = ps->n[d];
            T.c[t][d] = q, q += n;
            T.s[t][d] = q, q += n;
            long mm = ((m[t][d] % (long)n) + (long)n) % (long)n;
            for (size_t i = 0; i < n; i++) {
                /* the phase reduced exactly in integers: 2 pi (m i mod n) / n */
                double ph = 2.0 * M_PI * (double)(((size_t)mm * i) % n) / (double)n;
                T.c[t][d][i] = cos(ph);
                T.s[t][d][i] = sin(ph);
            }
        }

    int nt = pel_context_threads(ps->ctx);
    size_t n0 = ps->n[0], n1 = ps->n[1], n2 = ps->n[2];
#pragma omp parallel for schedule(static) num_threads(nt) default(none) \
    shared(T, f, phi_exact, tsym, amp, n0, n1, n2, D)
    for (size_t i = 0; i < n0; i++)
        for (size_t j = 0; j < n1; j++)
            for (size_t k = 0; k < n2; k++) {
                double v[NTERMS];
                if (D == 2) {
                    v[0] = T.s[0][0][i] * T.c[0][1][j];
                    v[1] = T.c[1][0][i] * T.c[1][1][j] - T.s[1][0][i] * T.s[1][1][j];
                    v[2] = T.s[2][0][i] * T.c[2][1][j] + T.c[2][0][i] * T.s[2][1][j];
                } else {
                    v[0] = T.s[0][0][i] * T.c[0][1][j] * T.c[0][2][k];
                    /* Re(e^{ia} e^{ib} e^{ic}) */
                    double re = T.c[1][0][i] * T.c[1][1][j] - T.s[1][0][i] * T.s[1][1][j];
                    double im = T.s[1][0][i] * T.c[1][1][j] + T.c[1][0][i] * T.s[1][1][j];
                    v[1] = re * T.c[1][2][k] - im * T.s[1][2][k];
                    v[2] = (T.s[2][0][i] * T.c[2][1][j] + T.c[2][0][i] * T.s[2][1][j]) *
                           T.s[2][2][k];
                }
                size_t idx = (i * n1 + j) * n2 + k;
                double p = 0.0, r = 0.0;
                for (int t = 0; t < NTERMS; t++) {
                    p += amp[t] * v[t];
                    r += amp[t] * tsym[t] * v[t];
                }
                if (phi_exact) phi_exact[idx] = p;
                if (f) f[idx] = r;
            }
    free(mem);
    return PEL_OK;
}

/* ---- verification --------------------------------------------------------------- */

/* Round-off bounds, relative to the max norm used by each record.
 *
 * An FFT of size N computes each coefficient with an error of order
 * eps log2 N times the norm of the data (Higham, "Accuracy and Stability of
 * Numerical Algorithms", 2nd ed., sec. 24.1); the symbol, the division and the
 * normalisation add a few roundings whatever N (hence log2 N + 2).  In a solve
 * that noise is spread over all modes and divided by the symbol, so the
 * smallest nonzero |symbol| s_min amplifies it:
 *     |phi - phi_exact| <~ eps (log2 N + 2) (|phi| + |f| / s_min).
 * Recomputing L phi multiplies the noise of phi's transforms by up to the
 * largest |symbol| s_max:
 *     |L phi - (f - mean f)| <~ eps (log2 N + 2) (|f| + s_max |phi|).
 * Measured over 2D and 3D grids of 2 to 4096 points per side, periods from
 * 0.1 to 10, both symbols, manufactured, random and single-spike data, the
 * ratio of error to estimate stayed below 0.4, except 0.81 for error_max on
 * a 2 x 2 grid (docs/poisson.md).  C = 8 leaves a factor of 10 above the
 * worst case; a wrong solve (errors of order 1) or a perturbed phi still
 * fails by many orders of magnitude. */
#define PEL_POISSON_TOL_C 8.0

typedef struct resid_leaf {
    const pel_poisson *ps;
    const double *f, *phi, *exact;
    double mean;
} resid_leaf;

/* max |phi - exact| over [b, e) */
static double leaf_err(const void *user, size_t b, size_t e)
{
    const resid_leaf *u = user;
    double m = 0.0;
    for (size_t i = b; i < e; i++) {
        double d = fabs(u->phi[i] - u->exact[i]);
        m = (d > m || isnan(d)) ? d : m;
    }
    return m;
}

/* max |W row value - (f - mean)| over [b, e): L phi sits in W's rows. */
static double leaf_resid(const void *user, size_t b, size_t e)
{
    const resid_leaf *u = user;
    const pel_poisson *ps = u->ps;
    size_t nrow = ps->nrow, r = b / nrow, c = b % nrow;
    size_t n1 = ps->dim == 3 ? ps->n[1] : 1;
    const double *row = (const double *)(ps->w + (r / n1) * ps->xstride + (r % n1) * ps->ncp);
    double m = 0.0;
    for (size_t i = b; i < e; i++) {
        double d = fabs(row[c] - (u->f[i] - u->mean));
        m = (d > m || isnan(d)) ? d : m;
        if (++c == nrow) {
            c = 0;
            r++;
            row = (const double *)(ps->w + (r / n1) * ps->xstride + (r % n1) * ps->ncp);
        }
    }
    return m;
}

pel_status pel_poisson_verify(pel_poisson *ps, const double *f, const double *phi,
                              const double *phi_exact, pel_verify_log *log)
{
    if (!ps) return PEL_EINVAL;
    PEL_REQUIRE(ps->ctx, f, "poisson_verify: f is NULL");
    PEL_REQUIRE(ps->ctx, phi, "poisson_verify: phi is NULL");
    PEL_REQUIRE(ps->ctx, log, "poisson_verify: log is NULL");
    size_t N = ps->npoints;
    double eps_log = DBL_EPSILON * (log2((double)N) + 2.0);
    double fmax_ = pel_max_abs(ps->ctx, f, N), pmax = pel_max_abs(ps->ctx, phi, N);
    resid_leaf u = {ps, f, phi, phi_exact, pel_sum(ps->ctx, f, N) / (double)N};

    if (phi_exact) {
        double emax = pel_max_abs(ps->ctx, phi_exact, N);
        double err = pel_reduce(ps->ctx, PEL_REDUCE_MAX, N, leaf_err, &u);
        double scale = emax > 0.0 ? emax : 1.0; /* absolute when phi_exact is 0 */
        double tol = PEL_POISSON_TOL_C * eps_log * (1.0 + fmax_ / (ps->sym_min * scale));
        pel_verify_at_most(log, "poisson.error_max", err / scale, tol);
    }

    peli_poisson_pipeline(ps, phi, NULL, MODE_APPLY); /* L phi into W's rows */
    double res = pel_reduce(ps->ctx, PEL_REDUCE_MAX, N, leaf_resid, &u);
    double scale = fmax_ > 0.0 ? fmax_ : 1.0;
    double tol = PEL_POISSON_TOL_C * eps_log * (1.0 + ps->sym_max * pmax / scale);
    pel_verify_at_most(log, "poisson.residual", res / scale, tol);
    return PEL_OK;
}
