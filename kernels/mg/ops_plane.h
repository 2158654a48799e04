/* The multigrid plane kernels (ops.c): a template that ops.c includes once
 * per instruction set.  The includer defines NAME(f), the name of this
 * instance's copy of f, and may set a target (#pragma GCC target); the
 * instance ends with its table NAME(ops).  Every instance evaluates the same
 * expressions in the same order (the build uses -ffp-contract=off: no
 * contraction to FMA), so all give the same bits. */

static inline void NAME(fill_halo)(const peli_mg_level *l, double *p)
{
    size_t n1 = l->n1, n2 = l->n2, R = l->row;
    for (size_t i2 = 1; i2 <= n2; i2++) {
        double *x = p + i2 * R;
        x[0] = x[n1];
        x[n1 + 1] = x[1];
    }
    memcpy(p, p + n2 * R, R * sizeof *p);
    memcpy(p + (n2 + 1) * R, p + R, R * sizeof *p);
}

/* ---- resid: r = v - A u -------------------------------------------------- */

/* One row.  u1 = face neighbours across rows and planes, u2 = the four edge
 * neighbours off the row's plane and row; then the point's own row. */
static inline void NAME(resid_row)(size_t n1, size_t R, const peli_mg_coef *k, const double *cm,
                                   const double *c0, const double *cp, const double *dm,
                                   const double *d0, const double *dp, const double *um,
                                   const double *u0, const double *up, const double *v, double *r,
                                   double *restrict u1, double *restrict u2)
{
    for (size_t i = 0; i < R; i++) {
        u1[i] = cm[i] + cp[i] + d0[i] + u0[i];
        u2[i] = dm[i] + dp[i] + um[i] + up[i];
    }
    const double a0 = k->a[0], a1 = k->a[1], a2 = k->a[2], a3 = k->a[3];
    if (k->a1) {
        for (size_t i = 1; i <= n1; i++)
            r[i] = v[i] - a0 * c0[i] - a1 * (c0[i - 1] + c0[i + 1] + u1[i]) -
                   a2 * (u2[i] + u1[i - 1] + u1[i + 1]) - a3 * (u2[i - 1] + u2[i + 1]);
    } else {
        for (size_t i = 1; i <= n1; i++)
            r[i] = v[i] - a0 * c0[i] - a2 * (u2[i] + u1[i - 1] + u1[i + 1]) -
                   a3 * (u2[i - 1] + u2[i + 1]);
    }
}

/* The same row where v's row is all +0.0 (vzero): 0.0 - a0 c0 rounds as
 * v - a0 c0 does with v = +0.0 (no flag here lets the compiler drop the
 * subtraction from zero), so the bits are the same, without reading v. */
static inline void NAME(resid_row0)(size_t n1, size_t R, const peli_mg_coef *k, const double *cm,
                                    const double *c0, const double *cp, const double *dm,
                                    const double *d0, const double *dp, const double *um,
                                    const double *u0, const double *up, double *r,
                                    double *restrict u1, double *restrict u2)
{
    for (size_t i = 0; i < R; i++) {
        u1[i] = cm[i] + cp[i] + d0[i] + u0[i];
        u2[i] = dm[i] + dp[i] + um[i] + up[i];
    }
    const double a0 = k->a[0], a1 = k->a[1], a2 = k->a[2], a3 = k->a[3], z = 0.0;
    if (k->a1) {
        for (size_t i = 1; i <= n1; i++)
            r[i] = z - a0 * c0[i] - a1 * (c0[i - 1] + c0[i + 1] + u1[i]) -
                   a2 * (u2[i] + u1[i - 1] + u1[i + 1]) - a3 * (u2[i - 1] + u2[i + 1]);
    } else {
        for (size_t i = 1; i <= n1; i++)
            r[i] = z - a0 * c0[i] - a2 * (u2[i] + u1[i - 1] + u1[i + 1]) -
                   a3 * (u2[i - 1] + u2[i + 1]);
    }
}

static void NAME(resid_plane)(const peli_mg_level *l, const peli_mg_coef *k, const double *ud,
                              const double *uc, const double *uu, const double *vc,
                              const unsigned char *vz, double *rc, double *w)
{
    size_t R = l->row;
    for (size_t i2 = 1; i2 <= l->n2; i2++) {
        size_t m = (i2 - 1) * R, o = i2 * R, p = (i2 + 1) * R;
        if (vz && vz[i2 - 1])
            NAME(resid_row0)(l->n1, R, k, uc + m, uc + o, uc + p, ud + m, ud + o, ud + p, uu + m,
                             uu + o, uu + p, rc + o, w, w + R);
        else
            NAME(resid_row)(l->n1, R, k, uc + m, uc + o, uc + p, ud + m, ud + o, ud + p, uu + m,
                            uu + o, uu + p, vc + o, rc + o, w, w + R);
    }
    NAME(fill_halo)(l, rc);
}

/* ---- psinv: u = u + S r -------------------------------------------------- */

static inline void NAME(psinv_row)(size_t n1, size_t R, const peli_mg_coef *k, const double *cm,
                                   const double *c0, const double *cp, const double *dm,
                                   const double *d0, const double *dp, const double *um,
                                   const double *u0, const double *up, double *u,
                                   double *restrict r1, double *restrict r2)
{
    for (size_t i = 0; i < R; i++) {
        r1[i] = cm[i] + cp[i] + d0[i] + u0[i];
        r2[i] = dm[i] + dp[i] + um[i] + up[i];
    }
    const double s0 = k->c[0], s1 = k->c[1], s2 = k->c[2], s3 = k->c[3];
    if (k->c3) {
        for (size_t i = 1; i <= n1; i++)
            u[i] = u[i] + s0 * c0[i] + s1 * (c0[i - 1] + c0[i + 1] + r1[i]) +
                   s2 * (r2[i] + r1[i - 1] + r1[i + 1]) + s3 * (r2[i - 1] + r2[i + 1]);
    } else {
        for (size_t i = 1; i <= n1; i++)
            u[i] = u[i] + s0 * c0[i] + s1 * (c0[i - 1] + c0[i + 1] + r1[i]) +
                   s2 * (r2[i] + r1[i - 1] + r1[i + 1]);
    }
}

static void NAME(psinv_plane)(const peli_mg_level *l, const peli_mg_coef *k, const double *rd,
                              const double *rc, const double *ru, double *uc, int zero, double *w)
{
    size_t R = l->row, P = l->plane;
    if (zero) memset(uc, 0, P * sizeof *uc); /* NPB: zero3, then u = 0 + S r */
    for (size_t i2 = 1; i2 <= l->n2; i2++) {
        size_t m = (i2 - 1) * R, o = i2 * R, p = (i2 + 1) * R;
        NAME(psinv_row)(l->n1, R, k, rc + m, rc + o, rc + p, rd + m, rd + o, rd + p, ru + m, ru + o,
                        ru + p, uc + o, w, w + R);
    }
    NAME(fill_halo)(l, uc);
}

/* ---- rprj3: s = P r, trilinear full weighting ------------------------------
 * Coarse point j sits on fine point 2j + 1 (interior numbering); its fine
 * neighbourhood is fine planes 2j, 2j + 1, 2j + 2 (lo, mid, hi: the last
 * wrapping), fine rows and columns likewise (2j + 1, 2j + 2, 2j + 3 with
 * halos counted); s is the coarse plane j. */
static void NAME(rprj3_plane)(const peli_mg_level *f, const peli_mg_level *c, const double *lo,
                              const double *mid, const double *hi, double *s, double *w)
{
    size_t R = f->row, n1c = c->n1, n1f = 2 * n1c;
    /* NPB's x1/x2 (and y1/y2) are one formula at odd and even fine columns:
     * form it at every fine column 1..n1f+1 with unit stride (vectorises),
     * then combine at the even (centre) columns. */
    double *restrict x = w, *restrict y = w + R;
    for (size_t j2 = 1; j2 <= c->n2; j2++) {
        size_t a = (2 * j2 - 1) * R, b = a + R, e = b + R; /* fine rows i2, i2+1, i2+2 */
        const double *la = lo + a, *ha = hi + a, *le = lo + e, *he = hi + e;
        const double *ma = mid + a, *me = mid + e, *lb = lo + b, *hb = hi + b;
#pragma GCC ivdep /* x, y: scratch, never aliasing the planes */
        for (size_t i = 1; i <= n1f + 1; i++) {
            x[i] = ma[i] + me[i] + lb[i] + hb[i];
            y[i] = la[i] + ha[i] + le[i] + he[i];
        }
        const double *mb = mid + b;
        double *sr = s + j2 * c->row;
        for (size_t j1 = 1; j1 <= n1c; j1++) {
            size_t i = 2 * j1; /* the fine centre column */
            sr[j1] = 0.5 * mb[i] + 0.25 * (mb[i - 1] + mb[i + 1] + x[i]) +
                     0.125 * (x[i - 1] + x[i + 1] + y[i]) + 0.0625 * (y[i - 1] + y[i + 1]);
        }
    }
    NAME(fill_halo)(c, s);
}

/* ---- interp: u = u + Q z, trilinear ----------------------------------------
 * Fine plane 2j + 1 lies on coarse plane j; fine plane 2j lies between
 * coarse planes j - 1 (wrapping) and j.  Within a plane NPB's loops run over
 * the coarse halo rows and columns too, which interpolates the fine halo
 * consistently with the interior it copies. */
static void NAME(interp_plane)(const peli_mg_level *c, const peli_mg_level *f, size_t i3, int zero,
                               double *w)
{
    size_t cR = c->row, fR = f->row, n2c = c->n2, n1c = c->n1;
    double *u = f->u + i3 * f->plane;
    double *restrict z1 = w, *restrict z2 = w + cR, *restrict z3 = w + 2 * cR;
    if (zero) memset(u, 0, f->plane * sizeof *u);
    if (i3 % 2) {
        const double *z = c->u + (i3 - 1) / 2 * c->plane;
        for (size_t i2 = 0; i2 <= n2c; i2++) {
            const double *zr = z + i2 * cR, *zn = zr + cR;
#pragma GCC ivdep /* z1: scratch, never aliasing the planes */
            for (size_t i = 0; i < cR; i++) z1[i] = zn[i] + zr[i];
            double *ue = u + 2 * i2 * fR, *uo = ue + fR;
            for (size_t i = 0; i <= n1c; i++) {
                ue[2 * i] = ue[2 * i] + zr[i];
                ue[2 * i + 1] = ue[2 * i + 1] + 0.5 * (zr[i + 1] + zr[i]);
            }
            for (size_t i = 0; i <= n1c; i++) {
                uo[2 * i] = uo[2 * i] + 0.5 * z1[i];
                uo[2 * i + 1] = uo[2 * i + 1] + 0.25 * (z1[i] + z1[i + 1]);
            }
        }
    } else {
        size_t jh = i3 / 2, jl = jh == 0 ? c->n3 - 1 : jh - 1;
        const double *zl = c->u + jl * c->plane, *zh = c->u + jh * c->plane;
        for (size_t i2 = 0; i2 <= n2c; i2++) {
            const double *l0 = zl + i2 * cR, *l1 = l0 + cR, *h0 = zh + i2 * cR, *h1 = h0 + cR;
#pragma GCC ivdep /* z1, z2, z3: scratch */
            for (size_t i = 0; i < cR; i++) {
                z1[i] = l1[i] + l0[i];
                z2[i] = h0[i] + l0[i];
                z3[i] = h1[i] + h0[i] + z1[i];
            }
            double *ue = u + 2 * i2 * fR, *uo = ue + fR;
            for (size_t i = 0; i <= n1c; i++) {
                ue[2 * i] = ue[2 * i] + 0.5 * z2[i];
                ue[2 * i + 1] = ue[2 * i + 1] + 0.25 * (z2[i] + z2[i + 1]);
            }
            for (size_t i = 0; i <= n1c; i++) {
                uo[2 * i] = uo[2 * i] + 0.25 * z3[i];
                uo[2 * i + 1] = uo[2 * i + 1] + 0.125 * (z3[i] + z3[i + 1]);
            }
        }
    }
}

/* ---- norm2u3's sums ----------------------------------------------------------- */

static void NAME(plane_norms)(const peli_mg_level *l, const double *p, double *sumsq,
                              double *maxabs)
{
    double s = 0.0, m = 0.0;
    for (size_t i2 = 1; i2 <= l->n2; i2++) {
        const double *q = p + i2 * l->row + 1;
        /* eight interleaved sums (vectorisable without reassociation), combined pairwise */
        double a[8] = {0, 0, 0, 0, 0, 0, 0, 0}, mx[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        size_t i = 0;
        for (; i + 8 <= l->n1; i += 8)
            for (int j = 0; j < 8; j++) {
                double y = fabs(q[i + j]);
                a[j] += q[i + j] * q[i + j];
                mx[j] = y > mx[j] ? y : mx[j];
            }
        for (; i < l->n1; i++) {
            double y = fabs(q[i]);
            a[0] += q[i] * q[i];
            mx[0] = y > mx[0] ? y : mx[0];
        }
        s += ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
        for (int j = 0; j < 8; j++) m = mx[j] > m || isnan(mx[j]) ? mx[j] : m;
    }
    *sumsq = s;
    *maxabs = m;
}

static const peli_mg_ops NAME(ops) = {
    NAME(resid_plane), NAME(psinv_plane), NAME(rprj3_plane), NAME(interp_plane),
    NAME(plane_norms),
};

#undef NAME
