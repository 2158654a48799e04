/* The rows of one SSP-RK3 stage (step.c): a template that step.c includes
 * once per instruction set.  The includer defines NAME(f), the name of this
 * instance's copy of f, and may set a target (#pragma GCC target).  Every
 * instance evaluates the same expressions in the same order (the build uses
 * -ffp-contract=off: no contraction to FMA), so all give the same bits;
 * only the width of the vector registers differs. */

/* T = C / h for columns [-OC_HALO, nx + OC_HALO) of row r */
static void NAME(row_T)(const pel_ocean *o, const double *const in[], ptrdiff_t r, double *restrict T)
{
    const double *E = in[OC_ETA] + OC_AT(o, 0, r), *C = in[OC_C] + OC_AT(o, 0, r);
    const double H = o->H;
    for (ptrdiff_t i = -OC_HALO; i < (ptrdiff_t)o->nx + OC_HALO; i++) T[i] = C[i] / (H + E[i]);
}

/* q at corners (i, j), i in [0, nx]: f/H (linear) or (f + zeta)/h_q with
 * zeta = dv/dx - du/dy and h_q the mean depth of the four cells around. */
static void NAME(row_q)(const pel_ocean *o, const double *const in[], ptrdiff_t j, double *restrict q)
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
static void NAME(row_B)(const pel_ocean *o, const double *const in[], ptrdiff_t j, double *restrict B)
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
static void NAME(row_U)(const pel_ocean *o, const double *const in[], ptrdiff_t j, double *restrict U)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx;
    const double *E = in[OC_ETA] + OC_AT(o, 0, j), *u = in[OC_U] + OC_AT(o, 0, j), H = o->H;
    if (o->lin)
        for (ptrdiff_t i = 0; i <= nx; i++) U[i] = H * u[i];
    else
        for (ptrdiff_t i = 0; i <= nx; i++) U[i] = (H + 0.5 * (E[i - 1] + E[i])) * u[i];
}

/* mass flux V = hy v at v faces i in [-1, nx) */
static void NAME(row_V)(const pel_ocean *o, const double *const in[], ptrdiff_t j, double *restrict V)
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
/* 1.0 when x is +0 or above, 0.0 when x is -0 or below: a bit operation
 * and an exact addition, so the loops using it vectorise */
static inline double NAME(step01)(double x) { return 0.5 + copysign(0.5, x); }

static inline double NAME(limited)(double up, double dn, double uu, double ok)
{
    double d0 = up - uu, d1 = dn - up, p = d0 * d1;
    /* branch-free: q = 1.0 when the limiter acts (ok, and p > 0, i.e.
     * p - (the least subnormal) >= +0 exactly), else 0.0; then the
     * quotient is p/(d0 + d1) exactly, or 0/1 */
    double q = ok * NAME(step01)(p - DBL_TRUE_MIN);
    return up + (q * p) / (q * (d0 + d1) + (1.0 - q));
}

/* tracer fluxes U T_face at u faces [0, nx] of row j */
static void NAME(row_F)(const pel_ocean *o, const double *restrict U, const double *restrict T,
                  ptrdiff_t j, double *restrict F)
{
    const double *restrict mu = o->mud + OC_AT(o, 0, j);
#pragma GCC ivdep
    for (ptrdiff_t i = 0; i <= (ptrdiff_t)o->nx; i++) {
        /* e = 1: flow eastward, the upwind cell is i-1; e = 0: westward, i.
         * The blends pick one operand exactly (1 a + 0 b = a). */
        double Uf = U[i], e = NAME(step01)(Uf), w = 1.0 - e;
        double up = e * T[i - 1] + w * T[i], dn = e * T[i] + w * T[i - 1];
        double uu = e * T[i - 2] + w * T[i + 1], ok = e * mu[i - 1] + w * mu[i + 1];
        F[i] = Uf * NAME(limited)(up, dn, uu, ok);
    }
}

/* tracer fluxes V T_face at v faces [0, nx) of row j; T the ring */
static void NAME(row_G)(const pel_ocean *o, const double *restrict V, double *const T[8], ptrdiff_t j,
                  double *restrict G)
{
    const ptrdiff_t ld = (ptrdiff_t)o->ld;
    const double *Tm2 = T[(j + 6) & 7], *Tm1 = T[(j + 7) & 7], *T0 = T[(j + 8) & 7],
                 *Tp1 = T[(j + 9) & 7];
    const double *restrict mv = o->mvd + OC_AT(o, 0, j);
#pragma GCC ivdep
    for (ptrdiff_t i = 0; i < (ptrdiff_t)o->nx; i++) {
        double Vf = V[i], n = NAME(step01)(Vf), s = 1.0 - n;
        double up = n * Tm1[i] + s * T0[i], dn = n * T0[i] + s * Tm1[i];
        double uu = n * Tm2[i] + s * Tp1[i], ok = n * mv[i - ld] + s * mv[i + ld];
        G[i] = Vf * NAME(limited)(up, dn, uu, ok);
    }
}

/* ---- one stage over rows [jb, je) -------------------------------------------- */

static void NAME(stage_rows)(const stage_arg *sa, peli_ocean_ring *rg, ptrdiff_t jb, ptrdiff_t je)
{
    const pel_ocean *o = sa->o;
    const ptrdiff_t nx = (ptrdiff_t)o->nx, ld = (ptrdiff_t)o->ld;
    const double *const *in = sa->in;
    double *const *T = rg->T;
    /* the rows before jb */
    for (ptrdiff_t r = jb - 2; r <= jb + 1; r++) NAME(row_T)(o, in, r, T[(r + 8) & 7]);
    NAME(row_q)(o, in, jb, rg->q[jb & 1]);
    NAME(row_B)(o, in, jb - 1, rg->B[(jb + 1) & 1]);
    NAME(row_U)(o, in, jb - 1, rg->U[(jb + 1) & 1]);
    NAME(row_V)(o, in, jb, rg->V[jb & 1]);

    const double dt = o->dt, rdx = o->rdx, rdy = o->rdy, H = o->H, rH = o->rH;
    const double nux = o->nux, nuy = o->nuy, a0 = sa->a0, a1 = sa->a1;
    /* 0 (linear: h = H exactly, as 0 times a finite value adds nothing) or 1 */
    const double nl = o->lin ? 0.0 : 1.0;
    for (ptrdiff_t j = jb; j < je; j++) {
        NAME(row_T)(o, in, j + 2, T[(j + 10) & 7]);
        NAME(row_q)(o, in, j + 1, rg->q[(j + 1) & 1]);
        NAME(row_B)(o, in, j, rg->B[j & 1]);
        NAME(row_U)(o, in, j, rg->U[j & 1]);
        NAME(row_V)(o, in, j + 1, rg->V[(j + 1) & 1]);
        const double *q0 = rg->q[j & 1], *q1 = rg->q[(j + 1) & 1];
        const double *B0 = rg->B[j & 1], *Bm = rg->B[(j + 1) & 1];
        const double *U0 = rg->U[j & 1], *Um = rg->U[(j + 1) & 1];
        const double *V0 = rg->V[j & 1], *V1 = rg->V[(j + 1) & 1];
        double *Fr = rg->F[0], *G0 = rg->G[j & 1], *G1 = rg->G[(j + 1) & 1];
        if (j == jb) NAME(row_G)(o, V0, T, j, G0);
        NAME(row_G)(o, V1, T, j + 1, G1);
        NAME(row_F)(o, U0, T[(j + 8) & 7], j, Fr);

        const ptrdiff_t o0 = OC_AT(o, 0, j);
        const double *restrict E = in[OC_ETA] + o0, *restrict u = in[OC_U] + o0,
                               *restrict v = in[OC_V] + o0, *restrict C = in[OC_C] + o0;
        const double *restrict wet = o->wetd + o0, *restrict mu = o->mud + o0, *restrict mv = o->mvd + o0;
        const double *restrict fu = o->fu + o0, *restrict fv = o->fv + o0, *restrict fq = o->fq + o0;
        double *restrict oe = sa->out[OC_ETA] + o0, *restrict ou = sa->out[OC_U] + o0,
               *restrict ov = sa->out[OC_V] + o0, *restrict oc = sa->out[OC_C] + o0;
        /* the base state: none (stage 1), another buffer (stage 2), or the
         * output itself (stage 3 updates the state in place: each cell reads
         * its own old value just before writing the new one) */
        const int inplace = sa->base[0] == sa->out[0];
        const double *restrict be = NULL, *restrict bu = NULL, *restrict bv = NULL, *restrict bc = NULL;
        if (sa->base[0] && !inplace) {
            be = sa->base[OC_ETA] + o0;
            bu = sa->base[OC_U] + o0;
            bv = sa->base[OC_V] + o0;
            bc = sa->base[OC_C] + o0;
        }
        const double *restrict Q0 = q0, *restrict Q1 = q1, *restrict BB0 = B0, *restrict BBm = Bm;
        const double *restrict UU0 = U0, *restrict UUm = Um, *restrict VV0 = V0, *restrict VV1 = V1;
        const double *restrict FF = Fr, *restrict GG0 = G0, *restrict GG1 = G1;
#define OC_CELL_LOOP(COMBINE)                                                                        \
    _Pragma("GCC ivdep") for (ptrdiff_t i = 0; i < nx; i++) {                                                             \
        double w = wet[i];                                                                           \
        double de = -w * ((UU0[i + 1] - UU0[i]) * rdx + (VV1[i] - VV0[i]) * rdy);                    \
        double hxu = H + nl * (0.5 * (E[i - 1] + E[i]));                                          \
        double coru = 0.5 * (Q0[i] * (0.5 * (VV0[i - 1] + VV0[i])) +                                 \
                             Q1[i] * (0.5 * (VV1[i - 1] + VV1[i])));                                 \
        double viscu = nux * ((u[i + 1] - u[i]) - (u[i] - u[i - 1])) +                               \
                       nuy * (mu[i + ld] * (u[i + ld] - u[i]) - mu[i - ld] * (u[i] - u[i - ld]));    \
        double du = mu[i] * (coru - (BB0[i] - BB0[i - 1]) * rdx + fu[i] / hxu - rH * u[i] + viscu); \
        double hyv = H + nl * (0.5 * (E[i - ld] + E[i]));                                         \
        double corv = 0.5 * (Q0[i] * (0.5 * (UUm[i] + UU0[i])) +                                    \
                             Q0[i + 1] * (0.5 * (UUm[i + 1] + UU0[i + 1])));                         \
        double viscv = nuy * ((v[i + ld] - v[i]) - (v[i] - v[i - ld])) +                             \
                       nux * (mv[i + 1] * (v[i + 1] - v[i]) - mv[i - 1] * (v[i] - v[i - 1]));        \
        double dv = mv[i] * (-corv - (BB0[i] - BBm[i]) * rdy + fv[i] / hyv - rH * v[i] + viscv);   \
        double dc = w * (fq[i] - ((FF[i + 1] - FF[i]) * rdx + (GG1[i] - GG0[i]) * rdy));            \
        double ne = E[i] + dt * de, nu = u[i] + dt * du, nv = v[i] + dt * dv, nc = C[i] + dt * dc;   \
        COMBINE                                                                                      \
        oe[i] = ne;                                                                                  \
        ou[i] = nu;                                                                                  \
        ov[i] = nv;                                                                                  \
        oc[i] = nc;                                                                                  \
    }
        if (!sa->base[0]) {
            OC_CELL_LOOP()
        } else if (!inplace) {
            OC_CELL_LOOP(ne = a0 * be[i] + a1 * ne; nu = a0 * bu[i] + a1 * nu; nv = a0 * bv[i] + a1 * nv;
                         nc = a0 * bc[i] + a1 * nc;)
        } else {
            OC_CELL_LOOP(ne = a0 * oe[i] + a1 * ne; nu = a0 * ou[i] + a1 * nu; nv = a0 * ov[i] + a1 * nv;
                         nc = a0 * oc[i] + a1 * nc;)
        }
#undef OC_CELL_LOOP
    }
}

#undef NAME
