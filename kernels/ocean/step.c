/* The ocean's time stepping: the halo exchange, the right-hand side of the
 * shallow-water and SST equations (Sadourny's energy-conserving C-grid
 * scheme, van Leer-limited tracer fluxes) fused with the update of an
 * SSP-RK3 stage, and the step loop.
 *
 * A stage reads its input s (eta, u, v, C = hT with halos), and writes
 *     out = a0 base + a1 (s + dt L(s))
 * for every interior cell in one pass over the rows: (a0, a1) = (0, 1),
 * (3/4, 1/4), (1/3, 2/3), base the state at the start of the step (Shu &
 * Osher's form of SSP-RK3).  The quantities several rows share (T = C/h,
 * potential vorticity q at corners, Bernoulli function B, mass fluxes U, V,
 * tracer fluxes) are computed once per row into a thread's rolling rows.
 * Every value is computed by one expression, the same for every thread
 * count: rows only decide who evaluates it. */
#include <config.h>

#include <math.h>
#include <string.h>

#include "ocean/ocean_impl.h"

/* ---- the halo exchange ---------------------------------------------------- */

static void xhalo(const pel_ocean *o, double *row)
{
    const ptrdiff_t n = (ptrdiff_t)o->nx;
    for (ptrdiff_t h = 1; h <= OC_HALO; h++) {
        row[-h] = row[n - h];
        row[n + h - 1] = row[h - 1];
    }
}

static void xhalo_bytes(const pel_ocean *o, unsigned char *row)
{
    const ptrdiff_t n = (ptrdiff_t)o->nx;
    for (ptrdiff_t h = 1; h <= OC_HALO; h++) {
        row[-h] = row[n - h];
        row[n + h - 1] = row[h - 1];
    }
}

/* Row r of the stored range [-OC_HALO, ny + OC_HALO): an interior row gets
 * its x halo (periodic x); a halo row is a copy of the interior row one
 * period away (periodic y), then its own x halo.  Closed walls: nothing,
 * the halo keeps the zeros of create. */
static void exchange_row(const pel_ocean *o, double *a, ptrdiff_t r)
{
    const ptrdiff_t ny = (ptrdiff_t)o->ny;
    double *row = a + OC_AT(o, 0, r);
    if (r < 0 || r >= ny) {
        if (!o->per_y) return;
        memcpy(row, a + OC_AT(o, 0, r < 0 ? r + ny : r - ny), o->nx * sizeof *row);
    }
    if (o->per_x) xhalo(o, row);
}

void peli_ocean_exchange(const pel_ocean *o, double *const a[OC_NSTATE], int t, int nt)
{
    size_t b, e;
    pel_static_range(o->rows, t, nt, &b, &e);
    for (size_t q = b; q < e; q++)
        for (int f = 0; f < OC_NSTATE; f++) exchange_row(o, a[f], (ptrdiff_t)q - OC_HALO);
}

void peli_ocean_exchange_one(const pel_ocean *o, double *a)
{
    for (size_t q = 0; q < o->rows; q++) exchange_row(o, a, (ptrdiff_t)q - OC_HALO);
}

void peli_ocean_exchange_bytes(const pel_ocean *o, unsigned char *a)
{
    const ptrdiff_t ny = (ptrdiff_t)o->ny;
    for (ptrdiff_t r = -OC_HALO; r < ny + OC_HALO; r++) {
        unsigned char *row = a + OC_AT(o, 0, r);
        if (r < 0 || r >= ny) {
            if (!o->per_y) continue;
            memcpy(row, a + OC_AT(o, 0, r < 0 ? r + ny : r - ny), o->nx);
        }
        if (o->per_x) xhalo_bytes(o, row);
    }
}

/* ---- the rows a stage derives from its input ------------------------------- */

typedef struct stage_arg {
    const pel_ocean *o;
    const double *in[OC_NSTATE];
    const double *base[OC_NSTATE]; /* NULL in the first stage */
    double a0, a1;
    double *out[OC_NSTATE];
} stage_arg;

/* T = C / h for columns [-OC_HALO, nx + OC_HALO) of row r */
static void row_T(const pel_ocean *o, const double *const in[], ptrdiff_t r, double *restrict T)
{
    const double *E = in[OC_ETA] + OC_AT(o, 0, r), *C = in[OC_C] + OC_AT(o, 0, r);
    const double H = o->H;
    for (ptrdiff_t i = -OC_HALO; i < (ptrdiff_t)o->nx + OC_HALO; i++) T[i] = C[i] / (H + E[i]);
}

/* q at corners (i, j), i in [0, nx]: f/H (linear) or (f + zeta)/h_q with
 * zeta = dv/dx - du/dy and h_q the mean depth of the four cells around. */
static void row_q(const pel_ocean *o, const double *const in[], ptrdiff_t j, double *restrict q)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx, ld = (ptrdiff_t)o->ld;
    const double f = o->fc[j], H = o->H;
    if (o->lin) {
        const double fh = f / H;
        for (ptrdiff_t i = 0; i <= nx; i++) q[i] = fh;
        return;
    }
    const double *E = in[OC_ETA] + OC_AT(o, 0, j), *u = in[OC_U] + OC_AT(o, 0, j),
                 *v = in[OC_V] + OC_AT(o, 0, j);
    const double rdx = o->rdx, rdy = o->rdy;
    for (ptrdiff_t i = 0; i <= nx; i++) {
        double zeta = (v[i] - v[i - 1]) * rdx - (u[i] - u[i - ld]) * rdy;
        double hq = H + 0.25 * ((E[i - ld - 1] + E[i - ld]) + (E[i - 1] + E[i]));
        q[i] = (f + zeta) / hq;
    }
}

/* B = g eta + K, K = (mean of u^2 over the cell's two u faces + the same of
 * v)/2 (nonlinear), for columns [-1, nx) */
static void row_B(const pel_ocean *o, const double *const in[], ptrdiff_t j, double *restrict B)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx, ld = (ptrdiff_t)o->ld;
    const double *E = in[OC_ETA] + OC_AT(o, 0, j), g = o->g;
    if (o->lin) {
        for (ptrdiff_t i = -1; i < nx; i++) B[i] = g * E[i];
        return;
    }
    const double *u = in[OC_U] + OC_AT(o, 0, j), *v = in[OC_V] + OC_AT(o, 0, j);
    for (ptrdiff_t i = -1; i < nx; i++)
        B[i] = g * E[i] + 0.25 * ((u[i] * u[i] + u[i + 1] * u[i + 1]) +
                                  (v[i] * v[i] + v[i + ld] * v[i + ld]));
}

/* mass flux U = hx u at u faces i in [0, nx] */
static void row_U(const pel_ocean *o, const double *const in[], ptrdiff_t j, double *restrict U)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx;
    const double *E = in[OC_ETA] + OC_AT(o, 0, j), *u = in[OC_U] + OC_AT(o, 0, j), H = o->H;
    if (o->lin)
        for (ptrdiff_t i = 0; i <= nx; i++) U[i] = H * u[i];
    else
        for (ptrdiff_t i = 0; i <= nx; i++) U[i] = (H + 0.5 * (E[i - 1] + E[i])) * u[i];
}

/* mass flux V = hy v at v faces i in [-1, nx) */
static void row_V(const pel_ocean *o, const double *const in[], ptrdiff_t j, double *restrict V)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx, ld = (ptrdiff_t)o->ld;
    const double *E = in[OC_ETA] + OC_AT(o, 0, j), *v = in[OC_V] + OC_AT(o, 0, j), H = o->H;
    if (o->lin)
        for (ptrdiff_t i = -1; i < nx; i++) V[i] = H * v[i];
    else
        for (ptrdiff_t i = -1; i < nx; i++) V[i] = (H + 0.5 * (E[i - ld] + E[i])) * v[i];
}

/* The limited face value: upwind `up`, downwind `dn`, the cell before the
 * upwind one `uu` (ok = 0 when the face between them is closed: then the
 * slope is taken as zero).  van Leer: up + (1/2) phi(r) (dn - up) with
 * phi(r) = (r + |r|)/(1 + |r|), r = (up - uu)/(dn - up), written as the
 * harmonic mean d0 d1 / (d0 + d1) of the two differences when they have the
 * same sign, 0 otherwise. */
static inline double limited(double up, double dn, double uu, int ok)
{
    double d0 = up - uu, d1 = dn - up, p = d0 * d1;
    return up + (ok && p > 0 ? p / (d0 + d1) : 0.0);
}

/* tracer fluxes U T_face at u faces [0, nx] of row j */
static void row_F(const pel_ocean *o, const double *restrict U, const double *restrict T,
                  ptrdiff_t j, double *restrict F)
{
    const unsigned char *mu = o->mu + OC_AT(o, 0, j);
    for (ptrdiff_t i = 0; i <= (ptrdiff_t)o->nx; i++) {
        double Uf = U[i];
        double tf = Uf >= 0 ? limited(T[i - 1], T[i], T[i - 2], mu[i - 1])
                            : limited(T[i], T[i - 1], T[i + 1], mu[i + 1]);
        F[i] = Uf * tf;
    }
}

/* tracer fluxes V T_face at v faces [0, nx) of row j; T the ring */
static void row_G(const pel_ocean *o, const double *restrict V, double *const T[8], ptrdiff_t j,
                  double *restrict G)
{
    const ptrdiff_t ld = (ptrdiff_t)o->ld;
    const double *Tm2 = T[(j + 6) & 7], *Tm1 = T[(j + 7) & 7], *T0 = T[(j + 8) & 7],
                 *Tp1 = T[(j + 9) & 7];
    const unsigned char *mv = o->mv + OC_AT(o, 0, j);
    for (ptrdiff_t i = 0; i < (ptrdiff_t)o->nx; i++) {
        double Vf = V[i];
        double tf = Vf >= 0 ? limited(Tm1[i], T0[i], Tm2[i], mv[i - ld])
                            : limited(T0[i], Tm1[i], Tp1[i], mv[i + ld]);
        G[i] = Vf * tf;
    }
}

/* ---- one stage over rows [jb, je) -------------------------------------------- */

static void stage_rows(const stage_arg *sa, peli_ocean_ring *rg, ptrdiff_t jb, ptrdiff_t je)
{
    const pel_ocean *o = sa->o;
    const ptrdiff_t nx = (ptrdiff_t)o->nx, ld = (ptrdiff_t)o->ld;
    const double *const *in = sa->in;
    double *const *T = rg->T;
    /* the rows before jb */
    for (ptrdiff_t r = jb - 2; r <= jb + 1; r++) row_T(o, in, r, T[(r + 8) & 7]);
    row_q(o, in, jb, rg->q[jb & 1]);
    row_B(o, in, jb - 1, rg->B[(jb + 1) & 1]);
    row_U(o, in, jb - 1, rg->U[(jb + 1) & 1]);
    row_V(o, in, jb, rg->V[jb & 1]);

    const double dt = o->dt, rdx = o->rdx, rdy = o->rdy, H = o->H, rH = o->rH;
    const double nux = o->nux, nuy = o->nuy, a0 = sa->a0, a1 = sa->a1;
    const int lin = o->lin;
    for (ptrdiff_t j = jb; j < je; j++) {
        row_T(o, in, j + 2, T[(j + 10) & 7]);
        row_q(o, in, j + 1, rg->q[(j + 1) & 1]);
        row_B(o, in, j, rg->B[j & 1]);
        row_U(o, in, j, rg->U[j & 1]);
        row_V(o, in, j + 1, rg->V[(j + 1) & 1]);
        const double *q0 = rg->q[j & 1], *q1 = rg->q[(j + 1) & 1];
        const double *B0 = rg->B[j & 1], *Bm = rg->B[(j + 1) & 1];
        const double *U0 = rg->U[j & 1], *Um = rg->U[(j + 1) & 1];
        const double *V0 = rg->V[j & 1], *V1 = rg->V[(j + 1) & 1];
        double *Fr = rg->F[0], *G0 = rg->G[j & 1], *G1 = rg->G[(j + 1) & 1];
        if (j == jb) row_G(o, V0, T, j, G0);
        row_G(o, V1, T, j + 1, G1);
        row_F(o, U0, T[(j + 8) & 7], j, Fr);

        const ptrdiff_t o0 = OC_AT(o, 0, j);
        const double *E = in[OC_ETA] + o0, *u = in[OC_U] + o0, *v = in[OC_V] + o0,
                     *C = in[OC_C] + o0;
        const unsigned char *wet = o->wet + o0, *mu = o->mu + o0, *mv = o->mv + o0;
        const double *fu = o->fu + o0, *fv = o->fv + o0, *fq = o->fq + o0;
        double *oe = sa->out[OC_ETA] + o0, *ou = sa->out[OC_U] + o0, *ov = sa->out[OC_V] + o0,
               *oc = sa->out[OC_C] + o0;
        const double *be = NULL, *bu = NULL, *bv = NULL, *bc = NULL;
        if (sa->base[0]) {
            be = sa->base[OC_ETA] + o0;
            bu = sa->base[OC_U] + o0;
            bv = sa->base[OC_V] + o0;
            bc = sa->base[OC_C] + o0;
        }
        for (ptrdiff_t i = 0; i < nx; i++) {
            double w = wet[i];
            double de = -w * ((U0[i + 1] - U0[i]) * rdx + (V1[i] - V0[i]) * rdy);

            double hxu = lin ? H : H + 0.5 * (E[i - 1] + E[i]);
            double coru = 0.5 * (q0[i] * (0.5 * (V0[i - 1] + V0[i])) +
                                 q1[i] * (0.5 * (V1[i - 1] + V1[i])));
            double viscu = nux * ((u[i + 1] - u[i]) - (u[i] - u[i - 1])) +
                           nuy * (mu[i + ld] * (u[i + ld] - u[i]) - mu[i - ld] * (u[i] - u[i - ld]));
            double du = mu[i] * (coru - (B0[i] - B0[i - 1]) * rdx + fu[i] / hxu - rH * u[i] + viscu);

            double hyv = lin ? H : H + 0.5 * (E[i - ld] + E[i]);
            double corv = 0.5 * (q0[i] * (0.5 * (Um[i] + U0[i])) +
                                 q0[i + 1] * (0.5 * (Um[i + 1] + U0[i + 1])));
            double viscv = nuy * ((v[i + ld] - v[i]) - (v[i] - v[i - ld])) +
                           nux * (mv[i + 1] * (v[i + 1] - v[i]) - mv[i - 1] * (v[i] - v[i - 1]));
            double dv = mv[i] * (-corv - (B0[i] - Bm[i]) * rdy + fv[i] / hyv - rH * v[i] + viscv);

            double dc = w * (fq[i] - ((Fr[i + 1] - Fr[i]) * rdx + (G1[i] - G0[i]) * rdy));

            double ne = E[i] + dt * de, nu = u[i] + dt * du, nv = v[i] + dt * dv, nc = C[i] + dt * dc;
            if (be) {
                ne = a0 * be[i] + a1 * ne;
                nu = a0 * bu[i] + a1 * nu;
                nv = a0 * bv[i] + a1 * nv;
                nc = a0 * bc[i] + a1 * nc;
            }
            oe[i] = ne;
            ou[i] = nu;
            ov[i] = nv;
            oc[i] = nc;
        }
    }
}

static void stage_fn(int t, int nt, void *arg)
{
    const stage_arg *sa = arg;
    size_t b, e;
    pel_static_range(sa->o->ny, t, nt, &b, &e);
    if (b < e) stage_rows(sa, &sa->o->ring[t], (ptrdiff_t)b, (ptrdiff_t)e);
}

typedef struct exch_arg {
    const pel_ocean *o;
    double *const *a;
} exch_arg;

static void exch_fn(int t, int nt, void *arg)
{
    const exch_arg *ea = arg;
    peli_ocean_exchange(ea->o, ea->a, t, nt);
}

typedef struct run_arg {
    pel_ocean *o;
    long nsteps;
} run_arg;

static void run_body(peli_team *tm, void *arg)
{
    const run_arg *ra = arg;
    const pel_ocean *o = ra->o;
    stage_arg st[3];
    for (int s = 0; s < 3; s++) {
        st[s].o = o;
        for (int f = 0; f < OC_NSTATE; f++) {
            st[s].in[f] = s == 0 ? o->x[f] : s == 1 ? o->s1[f] : o->s2[f];
            st[s].base[f] = s == 0 ? NULL : o->x[f];
            st[s].out[f] = s == 0 ? o->s1[f] : s == 1 ? o->s2[f] : o->x[f];
        }
    }
    st[0].a0 = 0.0, st[0].a1 = 1.0;
    st[1].a0 = 0.75, st[1].a1 = 0.25;
    st[2].a0 = 1.0 / 3.0, st[2].a1 = 2.0 / 3.0;
    exch_arg ex[3] = {{o, o->s1}, {o, o->s2}, {o, o->x}};
    for (long n = 0; n < ra->nsteps; n++) {
        for (int s = 0; s < 3; s++) {
            peli_phase(tm, stage_fn, &st[s]);
            if (s == 2 && n == ra->nsteps - 1)
                peli_phase_last(tm, exch_fn, &ex[s]);
            else
                peli_phase(tm, exch_fn, &ex[s]);
        }
    }
}

void peli_ocean_run(pel_ocean *o, long nsteps)
{
    if (nsteps <= 0) return;
    run_arg ra = {o, nsteps};
    peli_run(o->ctx, o->ny, o->max_threads, run_body, &ra);
}
