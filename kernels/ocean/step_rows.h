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

/* T = C / h for columns [-OC_HALO, nx + OC_HALO) of one row */
static void NAME(row_T)(const pel_ocean *o, const double *restrict E, const double *restrict C,
                        double *restrict T)
{
    const double H = o->H;
    for (ptrdiff_t i = -OC_HALO; i < (ptrdiff_t)o->nx + OC_HALO; i++) T[i] = C[i] / (H + E[i]);
}

/* q at the corners i in [0, nx] of corner row j (f = f_j): f/H (linear) or
 * (f + zeta)/h_q with zeta = dv/dx - du/dy and h_q the mean depth of the
 * four cells around; Em, um the cell row below the corners, E0, u0, v0 the
 * one above. */
static void NAME(row_q)(const pel_ocean *o, double f, const double *restrict Em, const double *restrict E0,
                        const double *restrict um, const double *restrict u0, const double *restrict v0,
                        double *restrict q)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx;
    const double H = o->H;
    if (o->lin) {
        const double fh = f / H;
        for (ptrdiff_t i = 0; i <= nx; i++) q[i] = fh;
        return;
    }
    const double rdx = o->rdx, rdy = o->rdy;
    for (ptrdiff_t i = 0; i <= nx; i++) {
        double zeta = (v0[i] - v0[i - 1]) * rdx - (u0[i] - um[i]) * rdy;
        double hq = H + 0.25 * ((Em[i - 1] + Em[i]) + (E0[i - 1] + E0[i]));
        q[i] = (f + zeta) / hq;
    }
}

/* B = g eta + K, K = (mean of u^2 over the cell's two u faces + the same of
 * v)/2 (nonlinear), for columns [-1, nx); v1 the v row above */
static void NAME(row_B)(const pel_ocean *o, const double *restrict E, const double *restrict u,
                        const double *restrict v, const double *restrict v1, double *restrict B)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx;
    const double g = o->g;
    if (o->lin) {
        for (ptrdiff_t i = -1; i < nx; i++) B[i] = g * E[i];
        return;
    }
    for (ptrdiff_t i = -1; i < nx; i++)
        B[i] = g * E[i] + 0.25 * ((u[i] * u[i] + u[i + 1] * u[i + 1]) + (v[i] * v[i] + v1[i] * v1[i]));
}

/* mass flux U = hx u at u faces i in [0, nx] */
static void NAME(row_U)(const pel_ocean *o, const double *restrict E, const double *restrict u, double *restrict U)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx;
    const double H = o->H;
    if (o->lin)
        for (ptrdiff_t i = 0; i <= nx; i++) U[i] = H * u[i];
    else
        for (ptrdiff_t i = 0; i <= nx; i++) U[i] = (H + 0.5 * (E[i - 1] + E[i])) * u[i];
}

/* mass flux V = hy v at v faces i in [-1, nx); Em the cell row below */
static void NAME(row_V)(const pel_ocean *o, const double *restrict Em, const double *restrict E,
                        const double *restrict v, double *restrict V)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx;
    const double H = o->H;
    if (o->lin)
        for (ptrdiff_t i = -1; i < nx; i++) V[i] = H * v[i];
    else
        for (ptrdiff_t i = -1; i < nx; i++) V[i] = (H + 0.5 * (Em[i] + E[i])) * v[i];
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

/* tracer fluxes U T_face at u faces [0, nx] of one row; mu its u-face mask */
static void NAME(row_F)(const pel_ocean *o, const double *restrict U, const double *restrict T,
                        const double *restrict mu, double *restrict F)
{
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

/* tracer fluxes V T_face at the v faces [0, nx) of face row j: Tm2 .. Tp1
 * the T rows j-2 .. j+1, mvm and mvp the v-face masks of face rows j-1 and
 * j+1 */
static void NAME(row_G)(const pel_ocean *o, const double *restrict V, const double *restrict Tm2,
                        const double *restrict Tm1, const double *restrict T0, const double *restrict Tp1,
                        const double *restrict mvm, const double *restrict mvp, double *restrict G)
{
#pragma GCC ivdep
    for (ptrdiff_t i = 0; i < (ptrdiff_t)o->nx; i++) {
        double Vf = V[i], n = NAME(step01)(Vf), s = 1.0 - n;
        double up = n * Tm1[i] + s * T0[i], dn = n * T0[i] + s * Tm1[i];
        double uu = n * Tm2[i] + s * Tp1[i], ok = n * mvm[i] + s * mvp[i];
        G[i] = Vf * NAME(limited)(up, dn, uu, ok);
    }
}

/* ---- one stage, row by row --------------------------------------------------- */

/* The ring rows a stage needs before its first row j0 (extended index). */
static void NAME(stage_begin)(const oc_stage *st, ptrdiff_t j0)
{
    const pel_ocean *o = st->o;
    const oc_in *in = &st->in;
    peli_ocean_ring *rg = st->rg;
    const ptrdiff_t jl = oc_wrap(o, j0);
    for (ptrdiff_t r = j0 - 2; r <= j0 + 1; r++)
        NAME(row_T)(o, in_row(o, in, OC_ETA, r), in_row(o, in, OC_C, r), rg->T[OC_SLOT(r, 8)]);
    NAME(row_q)(o, o->fc[jl], in_row(o, in, OC_ETA, j0 - 1), in_row(o, in, OC_ETA, j0),
                in_row(o, in, OC_U, j0 - 1), in_row(o, in, OC_U, j0), in_row(o, in, OC_V, j0),
                rg->q[OC_SLOT(j0, 2)]);
    NAME(row_B)(o, in_row(o, in, OC_ETA, j0 - 1), in_row(o, in, OC_U, j0 - 1), in_row(o, in, OC_V, j0 - 1),
                in_row(o, in, OC_V, j0), rg->B[OC_SLOT(j0 - 1, 2)]);
    NAME(row_U)(o, in_row(o, in, OC_ETA, j0 - 1), in_row(o, in, OC_U, j0 - 1), rg->U[OC_SLOT(j0 - 1, 2)]);
    NAME(row_V)(o, in_row(o, in, OC_ETA, j0 - 1), in_row(o, in, OC_ETA, j0), in_row(o, in, OC_V, j0),
                rg->V[OC_SLOT(j0, 2)]);
}

/* Output row j (extended index; the rows before it done, or stage_begin
 * just called with j0 = j and first = 1): out = a0 base + a1 (s + dt L(s)). */
static void NAME(stage_row)(const oc_stage *st, ptrdiff_t j, int first)
{
    const pel_ocean *o = st->o;
    const oc_in *in = &st->in;
    peli_ocean_ring *rg = st->rg;
    const ptrdiff_t nx = (ptrdiff_t)o->nx, ld = (ptrdiff_t)o->ld, jl = oc_wrap(o, j);
    double *const *T = rg->T;
    const double *Em = in_row(o, in, OC_ETA, j - 1), *E0 = in_row(o, in, OC_ETA, j),
                 *E1 = in_row(o, in, OC_ETA, j + 1);
    const double *um = in_row(o, in, OC_U, j - 1), *u0 = in_row(o, in, OC_U, j), *u1 = in_row(o, in, OC_U, j + 1);
    const double *vm = in_row(o, in, OC_V, j - 1), *v0 = in_row(o, in, OC_V, j), *v1 = in_row(o, in, OC_V, j + 1);
    /* f = f0 + beta y is not periodic: the corner row where a periodic
     * basin wraps has f_ny as the last row's north corners and f_0 as the
     * first row's south corners, as each row computes it */
    if (o->per_y && jl == 0 && !first)
        NAME(row_q)(o, o->fc[0], Em, E0, um, u0, v0, rg->q[OC_SLOT(j, 2)]);
    NAME(row_T)(o, in_row(o, in, OC_ETA, j + 2), in_row(o, in, OC_C, j + 2), T[OC_SLOT(j + 2, 8)]);
    NAME(row_q)(o, o->fc[jl + 1], E0, E1, u0, u1, v1, rg->q[OC_SLOT(j + 1, 2)]);
    NAME(row_B)(o, E0, u0, v0, v1, rg->B[OC_SLOT(j, 2)]);
    NAME(row_U)(o, E0, u0, rg->U[OC_SLOT(j, 2)]);
    NAME(row_V)(o, E0, E1, v1, rg->V[OC_SLOT(j + 1, 2)]);
    const double *q0 = rg->q[OC_SLOT(j, 2)], *q1 = rg->q[OC_SLOT(j + 1, 2)];
    const double *B0 = rg->B[OC_SLOT(j, 2)], *Bm = rg->B[OC_SLOT(j - 1, 2)];
    const double *U0 = rg->U[OC_SLOT(j, 2)], *Um = rg->U[OC_SLOT(j - 1, 2)];
    const double *V0 = rg->V[OC_SLOT(j, 2)], *V1 = rg->V[OC_SLOT(j + 1, 2)];
    double *Fr = rg->F[0], *G0 = rg->G[OC_SLOT(j, 2)], *G1 = rg->G[OC_SLOT(j + 1, 2)];
    const ptrdiff_t o0 = OC_AT(o, 0, jl);
    const double *mvr = o->mvd + o0;
    if (first)
        NAME(row_G)(o, V0, T[OC_SLOT(j - 2, 8)], T[OC_SLOT(j - 1, 8)], T[OC_SLOT(j, 8)], T[OC_SLOT(j + 1, 8)],
                    mvr - ld, mvr + ld, G0);
    NAME(row_G)(o, V1, T[OC_SLOT(j - 1, 8)], T[OC_SLOT(j, 8)], T[OC_SLOT(j + 1, 8)], T[OC_SLOT(j + 2, 8)], mvr,
                mvr + 2 * ld, G1);
    NAME(row_F)(o, U0, T[OC_SLOT(j, 8)], o->mud + o0, Fr);

    const double dt = o->dt, rdx = o->rdx, rdy = o->rdy, H = o->H, rH = o->rH;
    const double nux = o->nux, nuy = o->nuy, a0 = st->a0, a1 = st->a1;
    /* 0 (linear: h = H exactly, as 0 times a finite value adds nothing) or 1 */
    const double nl = o->lin ? 0.0 : 1.0;
    const double *restrict E = E0, *restrict EEm = Em, *restrict u = u0, *restrict uum = um, *restrict uup = u1,
                           *restrict v = v0, *restrict vvm = vm, *restrict vvp = v1,
                           *restrict C = in_row(o, in, OC_C, j);
    const double *restrict wet = o->wetd + o0, *restrict mu = o->mud + o0, *restrict mv = mvr;
    const double *restrict fu = o->fu + o0, *restrict fv = o->fv + o0, *restrict fq = o->fq + o0;
    double *orow[OC_NSTATE];
    for (int f = 0; f < OC_NSTATE; f++)
        orow[f] = st->ring_out ? st->out[f] + OC_SLOT(j, 8) * ld : st->out[f] + o0;
    double *restrict oe = orow[OC_ETA], *restrict ou = orow[OC_U], *restrict ov = orow[OC_V],
                     *restrict oc = orow[OC_C];
    /* the base state (stages 2 and 3; none in stage 1), at the row's own cells */
    const int mode = st->base[0] != NULL;
    const double *restrict be = NULL, *restrict bu = NULL, *restrict bv = NULL, *restrict bc = NULL;
    if (mode) {
        be = st->base[OC_ETA] + o0;
        bu = st->base[OC_U] + o0;
        bv = st->base[OC_V] + o0;
        bc = st->base[OC_C] + o0;
    }
    const double *restrict Q0 = q0, *restrict Q1 = q1, *restrict BB0 = B0, *restrict BBm = Bm;
    const double *restrict UU0 = U0, *restrict UUm = Um, *restrict VV0 = V0, *restrict VV1 = V1;
    const double *restrict FF = Fr, *restrict GG0 = G0, *restrict GG1 = G1;
    /* One loop per field (each reads a dozen streams, so its pointers stay
     * in registers); BODY sets n = s + dt L(s) for cell i, stored as is
     * (stage 1) or combined with the base. */
#define OC_FIELD_LOOP(OUT, BASE, BODY)                                                               \
    if (mode == 0) {                                                                                 \
        _Pragma("GCC ivdep") for (ptrdiff_t i = 0; i < nx; i++) {                                    \
            BODY;                                                                                    \
            OUT[i] = n;                                                                              \
        }                                                                                            \
    } else {                                                                                         \
        _Pragma("GCC ivdep") for (ptrdiff_t i = 0; i < nx; i++) {                                    \
            BODY;                                                                                    \
            OUT[i] = a0 * BASE[i] + a1 * n;                                                          \
        }                                                                                            \
    }
    OC_FIELD_LOOP(oe, be,
                  double de = -wet[i] * ((UU0[i + 1] - UU0[i]) * rdx + (VV1[i] - VV0[i]) * rdy);
                  double n = E[i] + dt * de)
    OC_FIELD_LOOP(ou, bu,
                  double hxu = H + nl * (0.5 * (E[i - 1] + E[i]));
                  double coru = 0.5 * (Q0[i] * (0.5 * (VV0[i - 1] + VV0[i])) +
                                       Q1[i] * (0.5 * (VV1[i - 1] + VV1[i])));
                  double viscu = nux * ((u[i + 1] - u[i]) - (u[i] - u[i - 1])) +
                                 nuy * (mu[i + ld] * (uup[i] - u[i]) - mu[i - ld] * (u[i] - uum[i]));
                  double du = mu[i] * (coru - (BB0[i] - BB0[i - 1]) * rdx + fu[i] / hxu - rH * u[i] + viscu);
                  double n = u[i] + dt * du)
    OC_FIELD_LOOP(ov, bv,
                  double hyv = H + nl * (0.5 * (EEm[i] + E[i]));
                  double corv = 0.5 * (Q0[i] * (0.5 * (UUm[i] + UU0[i])) +
                                       Q0[i + 1] * (0.5 * (UUm[i + 1] + UU0[i + 1])));
                  double viscv = nuy * ((vvp[i] - v[i]) - (v[i] - vvm[i])) +
                                 nux * (mv[i + 1] * (v[i + 1] - v[i]) - mv[i - 1] * (v[i] - v[i - 1]));
                  double dv = mv[i] * (-corv - (BB0[i] - BBm[i]) * rdy + fv[i] / hyv - rH * v[i] + viscv);
                  double n = v[i] + dt * dv)
    OC_FIELD_LOOP(oc, bc,
                  double dc = wet[i] * (fq[i] - ((FF[i + 1] - FF[i]) * rdx + (GG1[i] - GG0[i]) * rdy));
                  double n = C[i] + dt * dc)
#undef OC_FIELD_LOOP
    if (o->per_x)
        for (int f = 0; f < OC_NSTATE; f++) oc_xhalo(o, orow[f]);
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
    for (ptrdiff_t r = lo[0];; r++) {
        int busy = 0;
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
