/* The rows of the SSP-RK3 stages (step.c): a template that step.c includes
 * once per instruction set.  The includer defines NAME(f), the name of this
 * instance's copy of f, and may set a target (#pragma GCC target).  Every
 * instance evaluates the same expressions in the same order (the build uses
 * -ffp-contract=off: no contraction to FMA), so all give the same bits;
 * only the width of the vector registers differs.
 *
 * A row function gets the rows it reads as pointers (a stage's input is a
 * full field or a ring of rows, in_row in step.c), static fields by the
 * row's own (logical) index. */

/* Every row function computes the columns [a, b) of what it names (its
 * whole row is given with each), so that a stage can run a row as chunks of
 * columns (stage_row). */

/* T = C / h, a row of columns [-OC_HALO, nx + OC_HALO) */
static void NAME(row_T)(const pel_ocean *o, const double *restrict E, const double *restrict C,
                        double *restrict T, ptrdiff_t a, ptrdiff_t b)
{
    const double H = o->H;
    for (ptrdiff_t i = a; i < b; i++) T[i] = C[i] / (H + E[i]);
}

/* q at the corners i in [0, nx] of corner row j (f = f_j): f/H (linear) or
 * (f + zeta)/h_q with zeta = dv/dx - du/dy and h_q the mean depth of the
 * four cells around; Em, um the cell row below the corners, E0, u0, v0 the
 * one above. */
static void NAME(row_q)(const pel_ocean *o, double f, const double *restrict Em, const double *restrict E0,
                        const double *restrict um, const double *restrict u0, const double *restrict v0,
                        double *restrict q, ptrdiff_t a, ptrdiff_t b)
{
    const double H = o->H;
    if (o->lin) {
        const double fh = f / H;
        for (ptrdiff_t i = a; i < b; i++) q[i] = fh;
        return;
    }
    const double rdx = o->rdx, rdy = o->rdy;
    for (ptrdiff_t i = a; i < b; i++) {
        double zeta = (v0[i] - v0[i - 1]) * rdx - (u0[i] - um[i]) * rdy;
        double hq = H + 0.25 * ((Em[i - 1] + Em[i]) + (E0[i - 1] + E0[i]));
        q[i] = (f + zeta) / hq;
    }
}

/* B = g eta + K, K = (mean of u^2 over the cell's two u faces + the same of
 * v)/2 (nonlinear), for columns [-1, nx); v1 the v row above */
static void NAME(row_B)(const pel_ocean *o, const double *restrict E, const double *restrict u,
                        const double *restrict v, const double *restrict v1, double *restrict B, ptrdiff_t a,
                        ptrdiff_t b)
{
    const double g = o->g;
    if (o->lin) {
        for (ptrdiff_t i = a; i < b; i++) B[i] = g * E[i];
        return;
    }
    for (ptrdiff_t i = a; i < b; i++)
        B[i] = g * E[i] + 0.25 * ((u[i] * u[i] + u[i + 1] * u[i + 1]) + (v[i] * v[i] + v1[i] * v1[i]));
}

/* mass flux U = hx u at u faces i in [0, nx] */
static void NAME(row_U)(const pel_ocean *o, const double *restrict E, const double *restrict u, double *restrict U,
                        ptrdiff_t a, ptrdiff_t b)
{
    const double H = o->H;
    if (o->lin)
        for (ptrdiff_t i = a; i < b; i++) U[i] = H * u[i];
    else
        for (ptrdiff_t i = a; i < b; i++) U[i] = (H + 0.5 * (E[i - 1] + E[i])) * u[i];
}

/* mass flux V = hy v at v faces i in [-1, nx) and the depth hy there
 * (H + 0 (...) = H when linear); Em the cell row below */
static void NAME(row_V)(const pel_ocean *o, const double *restrict Em, const double *restrict E,
                        const double *restrict v, double *restrict V, double *restrict hy, ptrdiff_t a, ptrdiff_t b)
{
    const double H = o->H, nl = o->lin ? 0.0 : 1.0;
    for (ptrdiff_t i = a; i < b; i++) hy[i] = H + nl * (0.5 * (Em[i] + E[i]));
    if (o->lin)
        for (ptrdiff_t i = a; i < b; i++) V[i] = H * v[i];
    else
        for (ptrdiff_t i = a; i < b; i++) V[i] = hy[i] * v[i];
}

/* the depth hx at u faces i in [0, nx) (linear: H + 0 (...) = H) */
static void NAME(row_hx)(const pel_ocean *o, const double *restrict E, double *restrict hx, ptrdiff_t a, ptrdiff_t b)
{
    const double H = o->H, nl = o->lin ? 0.0 : 1.0;
    for (ptrdiff_t i = a; i < b; i++) hx[i] = H + nl * (0.5 * (E[i - 1] + E[i]));
}

/* The Coriolis products of corner row j: P = q (mean of V over the
 * corner's two v faces) at corners [0, nx), R = q (mean of U over its two
 * u faces; Um the face row below) at corners [0, nx] */
static void NAME(row_P)(const double *restrict q, const double *restrict V, double *restrict P, ptrdiff_t a,
                        ptrdiff_t b)
{
    for (ptrdiff_t i = a; i < b; i++) P[i] = q[i] * (0.5 * (V[i - 1] + V[i]));
}

static void NAME(row_R)(const double *restrict q, const double *restrict Um, const double *restrict U,
                        double *restrict R, ptrdiff_t a, ptrdiff_t b)
{
    for (ptrdiff_t i = a; i < b; i++) R[i] = q[i] * (0.5 * (Um[i] + U[i]));
}

/* The nonlinear quantities of cell row j in one loop (each operand loaded
 * once a cell; the same expressions as row_q, row_B, row_U, row_V, row_hx
 * and row_R): q of corner row j+1 (f its f), B, U and hx of row j, V and hy
 * of face row j+1, R of corner row j (qm its q, Um the U row below).  E0,
 * u0, v0 are row j, E1, u1, v1 row j+1. */
static void NAME(row_derived)(const pel_ocean *o, double f, const double *restrict E0, const double *restrict E1,
                              const double *restrict u0, const double *restrict u1, const double *restrict v0,
                              const double *restrict v1, const double *restrict qm, const double *restrict Um,
                              double *restrict q, double *restrict B, double *restrict U, double *restrict hx,
                              double *restrict V, double *restrict hy, double *restrict R, ptrdiff_t a,
                              ptrdiff_t b)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx;
    const double H = o->H, g = o->g, rdx = o->rdx, rdy = o->rdy;
#define OC_Q(i)                                                                                     \
    ((f + ((v1[i] - v1[(i) - 1]) * rdx - (u1[i] - u0[i]) * rdy)) /                                 \
     (H + 0.25 * ((E0[(i) - 1] + E0[i]) + (E1[(i) - 1] + E1[i]))))
#define OC_B(i) (g * E0[i] + 0.25 * ((u0[i] * u0[i] + u0[(i) + 1] * u0[(i) + 1]) + (v0[i] * v0[i] + v1[i] * v1[i])))
#define OC_HX(i) (H + 0.5 * (E0[(i) - 1] + E0[i]))
#define OC_HY(i) (H + 0.5 * (E0[i] + E1[i]))
#pragma GCC ivdep
    for (ptrdiff_t i = a; i < b; i++) {
        q[i] = OC_Q(i);
        B[i] = OC_B(i);
        double h = OC_HX(i), Ui = h * u0[i];
        hx[i] = h;
        U[i] = Ui;
        double k = OC_HY(i);
        hy[i] = k;
        V[i] = k * v1[i];
        R[i] = qm[i] * (0.5 * (Um[i] + Ui));
    }
    /* the row's ends: B, V, hy at -1, q at nx; and U, R at b, which the
     * chunk's last cells read (the next chunk computes them again, by the
     * same expressions) */
    if (a == 0) {
        B[-1] = OC_B(-1);
        hy[-1] = OC_HY(-1);
        V[-1] = hy[-1] * v1[-1];
    }
    if (b == nx) q[nx] = OC_Q(nx);
    U[b] = OC_HX(b) * u0[b];
    R[b] = qm[b] * (0.5 * (Um[b] + U[b]));
#undef OC_Q
#undef OC_B
#undef OC_HX
#undef OC_HY
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

/* 1.0 when x > 0, 0.0 otherwise (-0, +0, below): 0 - x is negative exactly
 * when x > 0 and is never a new subnormal (the form before, step01(x - the
 * least subnormal), made one wherever x = 0, and each costs a microcode
 * assist on Intel cores) */
static inline double NAME(pos01)(double x) { return 0.5 - copysign(0.5, 0.0 - x); }

static inline double NAME(limited)(double up, double dn, double uu, double ok)
{
    double d0 = up - uu, d1 = dn - up, p = d0 * d1;
    /* branch-free: q = 1.0 when the limiter acts (ok, and p > 0), else
     * 0.0; then the quotient is p/(d0 + d1) exactly, or 0/1.  (Picking
     * p/(d0 + d1) or 0 p by a comparison gives the same values, but gcc
     * vectorises it only for AVX-512: "control flow in loop" for SSE2 and
     * AVX2.) */
    double q = ok * NAME(pos01)(p);
    return up + (q * p) / (q * (d0 + d1) + (1.0 - q));
}

/* tracer fluxes U T_face at u faces [0, nx] of one row; mu its u-face mask */
static void NAME(row_F)(const double *restrict U, const double *restrict T, const double *restrict mu,
                        double *restrict F, ptrdiff_t a, ptrdiff_t b)
{
#pragma GCC ivdep
    for (ptrdiff_t i = a; i < b; i++) {
        /* e = 1: flow eastward, the upwind cell is i-1; e = 0: westward, i.
         * The blends pick one operand exactly (1 a + 0 b = a). */
        double Uf = U[i], e = NAME(step01)(Uf), w = 1.0 - e;
        double up = e * T[i - 1] + w * T[i], dn = e * T[i] + w * T[i - 1];
        double uu = e * T[i - 2] + w * T[i + 1], ok = e * mu[i - 1] + w * mu[i + 1];
        F[i] = Uf * NAME(limited)(up, dn, uu, ok);
    }
}

/* tracer fluxes V T_face at the v faces [0, nx) of face row j: Tm2 .. Tp1
 * the T rows j-2 .. j+1, mvm and mvp the v-face masks of face rows j-1 and
 * j+1 */
static void NAME(row_G)(const double *restrict V, const double *restrict Tm2, const double *restrict Tm1,
                        const double *restrict T0, const double *restrict Tp1, const double *restrict mvm,
                        const double *restrict mvp, double *restrict G, ptrdiff_t a, ptrdiff_t b)
{
#pragma GCC ivdep
    for (ptrdiff_t i = a; i < b; i++) {
        double Vf = V[i], n = NAME(step01)(Vf), s = 1.0 - n;
        double up = n * Tm1[i] + s * T0[i], dn = n * T0[i] + s * Tm1[i];
        double uu = n * Tm2[i] + s * Tp1[i], ok = n * mvm[i] + s * mvp[i];
        G[i] = Vf * NAME(limited)(up, dn, uu, ok);
    }
}

/* ---- one stage, row by row --------------------------------------------------- */

/* The four field loops of a stage row over its columns [c, e): out =
 * s + dt L(s) (stage 1) or a0 base + a1 (s + dt L(s)), one loop per field
 * (each reads about a dozen streams, so its pointers stay in registers).
 * dt (m L) = (dt m) L exactly for a mask m of 0 or 1, and a - b is a + (-b):
 * the same bits as version 1's s + dt (m L). */
static void NAME(stage_fields)(const oc_stage *st, const oc_rows *r, ptrdiff_t c, ptrdiff_t e)
{
    const pel_ocean *o = st->o;
    const double rdx = o->rdx, rdy = o->rdy, rH = o->rH;
    const double nux = o->nux, nuy = o->nuy, a0 = st->a0, a1 = st->a1;
    const double *restrict E = r->E, *restrict u = r->u, *restrict uum = r->um, *restrict uup = r->up,
                           *restrict v = r->v, *restrict vvm = r->vm, *restrict vvp = r->vp, *restrict C = r->C;
    const double *restrict dtw = r->dtw, *restrict dtmu = r->dtmu, *restrict dtmv = r->dtmv;
    const double *restrict mum = r->mum, *restrict mup = r->mup, *restrict mv = r->mv;
    const double *restrict fu = r->fu, *restrict fv = r->fv, *restrict fq = r->fq;
    const double *restrict hx = r->hx, *restrict hy = r->hy;
    const double *restrict P0 = r->P0, *restrict Q1 = r->q1, *restrict R = r->R;
    const double *restrict B0 = r->B0, *restrict Bm = r->Bm;
    const double *restrict U0 = r->U0, *restrict V0 = r->V0, *restrict V1 = r->V1;
    const double *restrict F = r->F, *restrict G0 = r->G0, *restrict G1 = r->G1;
    const double *restrict be = r->be, *restrict bu = r->bu, *restrict bv = r->bv, *restrict bc = r->bc;
    double *restrict P1 = r->P1;
    double *restrict oe = r->oe, *restrict ou = r->ou, *restrict ov = r->ov, *restrict oc = r->oc;
    const int mode = be != NULL;
#define OC_FIELD_LOOP(OUT, BASE, BODY)                                                               \
    if (mode == 0) {                                                                                 \
        _Pragma("GCC ivdep") for (ptrdiff_t i = c; i < e; i++) {                                     \
            BODY;                                                                                    \
            OUT[i] = n;                                                                              \
        }                                                                                            \
    } else {                                                                                         \
        _Pragma("GCC ivdep") for (ptrdiff_t i = c; i < e; i++) {                                     \
            BODY;                                                                                    \
            OUT[i] = a0 * BASE[i] + a1 * n;                                                          \
        }                                                                                            \
    }
    OC_FIELD_LOOP(oe, be, double n = E[i] - dtw[i] * ((U0[i + 1] - U0[i]) * rdx + (V1[i] - V0[i]) * rdy))
    OC_FIELD_LOOP(ou, bu,
                  /* P of corner row j + 1, for this row and the next */
                  double p1 = Q1[i] * (0.5 * (V1[i - 1] + V1[i]));
                  P1[i] = p1;
                  double coru = 0.5 * (P0[i] + p1);
                  double viscu = nux * ((u[i + 1] - u[i]) - (u[i] - u[i - 1])) +
                                 nuy * (mup[i] * (uup[i] - u[i]) - mum[i] * (u[i] - uum[i]));
                  double n = u[i] + dtmu[i] * (coru - (B0[i] - B0[i - 1]) * rdx + fu[i] / hx[i] - rH * u[i] + viscu))
    OC_FIELD_LOOP(ov, bv,
                  double corv = 0.5 * (R[i] + R[i + 1]);
                  double viscv = nuy * ((vvp[i] - v[i]) - (v[i] - vvm[i])) +
                                 nux * (mv[i + 1] * (v[i + 1] - v[i]) - mv[i - 1] * (v[i] - v[i - 1]));
                  double n = v[i] + dtmv[i] * (-corv - (B0[i] - Bm[i]) * rdy + fv[i] / hy[i] - rH * v[i] + viscv))
    OC_FIELD_LOOP(oc, bc, double n = C[i] + dtw[i] * (fq[i] - ((F[i + 1] - F[i]) * rdx + (G1[i] - G0[i]) * rdy)))
#undef OC_FIELD_LOOP
}

/* The ring rows a stage needs before its first row j0 (extended index). */
static void NAME(stage_begin)(const oc_stage *st, ptrdiff_t j0)
{
    const pel_ocean *o = st->o;
    const oc_in *in = &st->in;
    peli_ocean_ring *rg = st->rg;
    const ptrdiff_t nx = (ptrdiff_t)o->nx, jl = oc_wrap(o, j0);
    const int s0 = OC_SLOT(j0, 2), sm = OC_SLOT(j0 - 1, 2);
    for (ptrdiff_t r = j0 - 2; r <= j0 + 1; r++)
        NAME(row_T)(o, in_row(o, in, OC_ETA, r), in_row(o, in, OC_C, r), rg->T[OC_SLOT(r, 8)], -OC_HALO,
                    nx + OC_HALO);
    NAME(row_q)(o, o->fc[jl], in_row(o, in, OC_ETA, j0 - 1), in_row(o, in, OC_ETA, j0),
                in_row(o, in, OC_U, j0 - 1), in_row(o, in, OC_U, j0), in_row(o, in, OC_V, j0), rg->q[s0], 0, nx + 1);
    NAME(row_B)(o, in_row(o, in, OC_ETA, j0 - 1), in_row(o, in, OC_U, j0 - 1), in_row(o, in, OC_V, j0 - 1),
                in_row(o, in, OC_V, j0), rg->B[sm], -1, nx);
    NAME(row_U)(o, in_row(o, in, OC_ETA, j0 - 1), in_row(o, in, OC_U, j0 - 1), rg->U[sm], 0, nx + 1);
    NAME(row_V)(o, in_row(o, in, OC_ETA, j0 - 1), in_row(o, in, OC_ETA, j0), in_row(o, in, OC_V, j0), rg->V[s0],
                rg->hy[s0], -1, nx);
    NAME(row_P)(rg->q[s0], rg->V[s0], rg->P[s0], 0, nx);
}

/* Output row j (extended index; the rows before it done, or stage_begin
 * just called with j0 = j and first = 1): out = a0 base + a1 (s + dt L(s)).
 * The row runs as chunks of OC_COLS columns, each through all its loops,
 * so that what one loop writes the next reads from L1; the few values a
 * chunk's last cells need from the next chunk (U, R and F at its end) it
 * computes too. */
static void NAME(stage_row)(const oc_stage *st, ptrdiff_t j, int first)
{
    const pel_ocean *o = st->o;
    const oc_in *in = &st->in;
    peli_ocean_ring *rg = st->rg;
    const ptrdiff_t nx = (ptrdiff_t)o->nx, ld = (ptrdiff_t)o->ld, jl = oc_wrap(o, j);
    double *const *T = rg->T;
    const double *Em = in_row(o, in, OC_ETA, j - 1), *E0 = in_row(o, in, OC_ETA, j),
                 *E1 = in_row(o, in, OC_ETA, j + 1), *E2 = in_row(o, in, OC_ETA, j + 2);
    const double *um = in_row(o, in, OC_U, j - 1), *u0 = in_row(o, in, OC_U, j), *u1 = in_row(o, in, OC_U, j + 1);
    const double *vm = in_row(o, in, OC_V, j - 1), *v0 = in_row(o, in, OC_V, j), *v1 = in_row(o, in, OC_V, j + 1);
    const double *C0 = in_row(o, in, OC_C, j), *C2 = in_row(o, in, OC_C, j + 2);
    const int s0 = OC_SLOT(j, 2), s1 = OC_SLOT(j + 1, 2), sm = OC_SLOT(j - 1, 2);
    /* f = f0 + beta y is not periodic: the corner row where a periodic
     * basin wraps has f_ny as the last row's north corners and f_0 as the
     * first row's south corners, as each row computes it (and so its P) */
    if (o->per_y && jl == 0 && !first) {
        NAME(row_q)(o, o->fc[0], Em, E0, um, u0, v0, rg->q[s0], 0, nx + 1);
        NAME(row_P)(rg->q[s0], rg->V[s0], rg->P[s0], 0, nx);
    }
    const double f1 = o->fc[jl + 1];
    double *qm = rg->q[s0], *q1 = rg->q[s1], *B0 = rg->B[s0], *Bm = rg->B[sm];
    double *U0 = rg->U[s0], *Um = rg->U[sm], *V0 = rg->V[s0], *V1 = rg->V[s1];
    double *hx = rg->hx[0], *hy0 = rg->hy[s0], *hy1 = rg->hy[s1], *P0 = rg->P[s0], *P1 = rg->P[s1], *R = rg->R[0];
    double *Fr = rg->F[0], *G0 = rg->G[s0], *G1 = rg->G[s1];
    double *Tm2 = T[OC_SLOT(j - 2, 8)], *Tm1 = T[OC_SLOT(j - 1, 8)], *T0 = T[OC_SLOT(j, 8)],
           *Tp1 = T[OC_SLOT(j + 1, 8)], *Tp2 = T[OC_SLOT(j + 2, 8)];
    const ptrdiff_t o0 = OC_AT(o, 0, jl);
    const peli_ocean_mrows *mr = st->mr;
    const int m0 = OC_SLOT(j, 8);
    const double *mvm = mr->mv[OC_SLOT(j - 1, 8)], *mv0 = mr->mv[m0], *mv1 = mr->mv[OC_SLOT(j + 1, 8)],
                 *mv2 = mr->mv[OC_SLOT(j + 2, 8)], *mu0 = mr->mu[m0];

    double *orow[OC_NSTATE];
    for (int f = 0; f < OC_NSTATE; f++)
        orow[f] = st->ring_out ? st->out[f] + OC_SLOT(j, 8) * ld : st->out[f] + o0;
    /* what the four field loops read and write (stage_fields) */
    oc_rows rw = {.E = E0, .u = u0, .um = um, .up = u1, .v = v0, .vm = vm, .vp = v1, .C = C0,
                  .dtw = mr->dtw[m0], .dtmu = mr->dtmu[m0], .dtmv = mr->dtmv[m0],
                  .mum = mr->mu[OC_SLOT(j - 1, 8)], .mup = mr->mu[OC_SLOT(j + 1, 8)], .mv = mv0,
                  .fu = o->fu + o0, .fv = o->fv + o0, .fq = o->fq + o0, .hx = hx, .hy = hy0, .P0 = P0, .q1 = q1,
                  .R = R, .B0 = B0, .Bm = Bm, .U0 = U0, .V0 = V0, .V1 = V1, .F = Fr, .G0 = G0, .G1 = G1,
                  .P1 = P1, .oe = orow[OC_ETA], .ou = orow[OC_U], .ov = orow[OC_V], .oc = orow[OC_C]};
    /* the base state (stages 2 and 3; none in stage 1), at the row's own cells */
    if (st->base[0]) {
        rw.be = st->base[OC_ETA] + o0;
        rw.bu = st->base[OC_U] + o0;
        rw.bv = st->base[OC_V] + o0;
        rw.bc = st->base[OC_C] + o0;
    }
    for (ptrdiff_t c = 0; c < nx; c += OC_COLS) {
        const ptrdiff_t e = nx - c > OC_COLS ? c + OC_COLS : nx;
        NAME(row_T)(o, E2, C2, Tp2, c == 0 ? -OC_HALO : c, e == nx ? nx + OC_HALO : e);
        if (o->lin) {
            NAME(row_q)(o, f1, E0, E1, u0, u1, v1, q1, c, e == nx ? nx + 1 : e);
            NAME(row_B)(o, E0, u0, v0, v1, B0, c == 0 ? -1 : c, e);
            NAME(row_U)(o, E0, u0, U0, c, e + 1);
            NAME(row_hx)(o, E0, hx, c, e);
            NAME(row_V)(o, E0, E1, v1, V1, hy1, c == 0 ? -1 : c, e);
            NAME(row_R)(qm, Um, U0, R, c, e + 1);
        } else {
            NAME(row_derived)(o, f1, E0, E1, u0, u1, v0, v1, qm, Um, q1, B0, U0, hx, V1, hy1, R, c, e);
        }
        if (first) NAME(row_G)(V0, Tm2, Tm1, T0, Tp1, mvm, mv1, G0, c, e);
        NAME(row_G)(V1, Tm1, T0, Tp1, Tp2, mv0, mv2, G1, c, e);
        NAME(row_F)(U0, T0, mu0, Fr, c, e + 1);
        NAME(stage_fields)(st, &rw, c, e);
    }
    if (o->per_x)
        for (int f = 0; f < OC_NSTATE; f++) oc_xhalo(o, orow[f]);
}

/* Mask row r (extended index) of a thread's mask rings, from the byte
 * masks: the row that r stands for (rows -1 .. ny + 1 at walls are in the
 * stored halo), columns [-OC_HALO, nx + OC_HALO).  dt m is dt or 0 exactly.
 * Separate loops: gcc vectorises none of the conversion from bytes when
 * one loop writes all five rows. */
static void NAME(mask_row)(const pel_ocean *o, const peli_ocean_mrows *mr, ptrdiff_t r)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx, o0 = OC_AT(o, 0, o->per_y ? oc_wrap(o, r) : r);
    const int s = OC_SLOT(r, 8);
    const unsigned char *restrict w = o->wet + o0, *restrict mu = o->mu + o0, *restrict mv = o->mv + o0;
    double *restrict dtw = mr->dtw[s], *restrict dtmu = mr->dtmu[s], *restrict dtmv = mr->dtmv[s],
                     *restrict du = mr->mu[s], *restrict dv = mr->mv[s];
    const double dt = o->dt;
    for (ptrdiff_t i = -OC_HALO; i < nx + OC_HALO; i++) du[i] = mu[i];
    for (ptrdiff_t i = -OC_HALO; i < nx + OC_HALO; i++) dv[i] = mv[i];
    for (ptrdiff_t i = -OC_HALO; i < nx + OC_HALO; i++) dtw[i] = dt * w[i];
    for (ptrdiff_t i = -OC_HALO; i < nx + OC_HALO; i++) {
        dtmu[i] = dt * du[i];
        dtmv[i] = dt * dv[i];
    }
}

/* One RK3 step of rows [jb, je) by one thread, the three stages as a
 * wavefront: stage 1 runs 2 rows ahead of stage 2, which runs 2 rows ahead
 * of stage 3, so each stage's output rows feed the next while in cache.
 * Stage 3 needs stage 2's rows [jb - 2, je + 2), which need stage 1's
 * [jb - 4, je + 4): the few rows beyond the block are computed by both
 * threads that need them, with the same expressions, so neither waits for
 * the other (periodic in y they wrap; at walls they stop at the wall). */
static void NAME(step_block)(const pel_ocean *o, int t, const double *const x[OC_NSTATE],
                             double *const xn[OC_NSTATE], ptrdiff_t jb, ptrdiff_t je)
{
    const ptrdiff_t ny = (ptrdiff_t)o->ny;
    double *const *r1 = o->sring + (size_t)t * 2 * OC_NSTATE, *const *r2 = r1 + OC_NSTATE;
    oc_stage st[3];
    static const double a0[3] = {0.0, 0.75, 1.0 / 3.0}, a1[3] = {1.0, 0.25, 2.0 / 3.0};
    ptrdiff_t lo[3], hi[3];
    for (int k = 0; k < 3; k++) {
        st[k].o = o;
        st[k].rg = &o->ring[3 * t + k];
        st[k].mr = &o->mrows[t];
        st[k].a0 = a0[k], st[k].a1 = a1[k];
        st[k].in.ring = k > 0;
        st[k].ring_out = k < 2;
        for (int f = 0; f < OC_NSTATE; f++) {
            st[k].in.f[f] = k == 0 ? x[f] : k == 1 ? r1[f] : r2[f];
            st[k].base[f] = k == 0 ? NULL : x[f];
            st[k].out[f] = k == 0 ? r1[f] : k == 1 ? r2[f] : xn[f];
        }
        lo[k] = jb - 4 + 2 * k, hi[k] = je + 4 - 2 * k;
        if (!o->per_y) {
            if (lo[k] < 0) lo[k] = 0;
            if (hi[k] > ny) hi[k] = ny;
        }
    }
    /* a stage row s reads mask rows s - 1 .. s + 2: stage 1 at row r makes
     * row r + 2, which takes the slot of row r - 6, one before what stage
     * 3 (at row r - 4) still reads */
    for (ptrdiff_t m = lo[0] - 1; m < lo[0] + 2; m++) NAME(mask_row)(o, &o->mrows[t], m);
    for (ptrdiff_t r = lo[0];; r++) {
        int busy = 0;
        if (r < hi[0]) NAME(mask_row)(o, &o->mrows[t], r + 2);
        for (int k = 0; k < 3; k++) {
            ptrdiff_t s = r - 2 * k;
            if (s >= hi[k]) continue;
            busy = 1;
            if (s < lo[k]) continue;
            if (s == lo[k]) NAME(stage_begin)(&st[k], s);
            NAME(stage_row)(&st[k], s, s == lo[k]);
        }
        if (!busy) break;
    }
}

#undef NAME
