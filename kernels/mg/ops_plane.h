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

#ifdef __AVX512F__
/* ---- the AVX-512 rows: row sums kept in registers ------------------------------
 * The same expressions per point as the rows above, in the same order, but
 * the row sums u1, u2 (r1, r2) of eight columns stay in registers: the
 * neighbours i - 1 and i + 1 come from the previous and the next eight by
 * a lane shift (valignq) instead of unaligned reloads from the scratch
 * row.  A chunk of eight starts on a cache line (rows are whole lines), so
 * no load or store splits across lines, and the row sums never go through
 * memory: per eight points 10 loads and one store instead of 15-16 loads
 * (five of them split) and three stores.  Chunk i covers columns i .. i + 7
 * for i = 0, 8, ... up to n1; only the interior 1 .. n1 is stored (masked
 * at the ends), the halo columns are filled after the rows as before. */
#define MG_ADD _mm512_add_pd
#define MG_SUB _mm512_sub_pd
#define MG_MUL _mm512_mul_pd
#define MG_LD _mm512_loadu_pd
/* lanes prev[7], cur[0..6]: the values at i - 1; cur[1..7], next[0]: at i + 1 */
#define MG_ALIGNR(hi, lo, n)                                                                  \
    _mm512_castsi512_pd(                                                                      \
        _mm512_alignr_epi64(_mm512_castpd_si512(hi), _mm512_castpd_si512(lo), n))
#define MG_SHL(prev, cur) MG_ALIGNR(cur, prev, 7)
#define MG_SHR(cur, next) MG_ALIGNR(next, cur, 1)
/* ((a + b) + c) + d at columns i .. i + 7 */
#define MG_SUM4(a, b, c, d, i)                                                                \
    MG_ADD(MG_ADD(MG_ADD(MG_LD((a) + (i)), MG_LD((b) + (i))), MG_LD((c) + (i))), MG_LD((d) + (i)))

/* The lanes of chunk i that are interior columns (1 .. n1). */
static inline __mmask8 NAME(chunk_mask)(size_t n1, size_t i)
{
    unsigned m = 0xffu;
    if (i == 0) m &= 0xfeu;
    if (i + 7 > n1) m &= (1u << (n1 + 1 - i)) - 1u;
    return (__mmask8)m;
}

/* resid's row: r = v - A u (v NULL: v's row is all +0.0, see resid_row0). */
static inline void NAME(resid_row_v)(size_t n1, const peli_mg_coef *k, const double *cm,
                                     const double *c0, const double *cp, const double *dm,
                                     const double *d0, const double *dp, const double *um,
                                     const double *u0, const double *up, const double *v,
                                     double *r)
{
    const __m512d a0 = _mm512_set1_pd(k->a[0]), a1 = _mm512_set1_pd(k->a[1]);
    const __m512d a2 = _mm512_set1_pd(k->a[2]), a3 = _mm512_set1_pd(k->a[3]);
    const __m512d zero = _mm512_setzero_pd();
    const int with_a1 = k->a1;
    __m512d s1p = zero, s2p = zero, xp = zero; /* the chunk before (lane 7: column i - 1) */
    __m512d s1 = MG_SUM4(cm, cp, d0, u0, 0), s2 = MG_SUM4(dm, dp, um, up, 0);
    __m512d x = MG_LD(c0);
    for (size_t i = 0; i <= n1; i += 8) {
        __m512d s1n = zero, s2n = zero, xn = zero; /* the chunk after (lane 0: column i + 8) */
        if (i + 8 <= n1 + 1) {
            s1n = MG_SUM4(cm, cp, d0, u0, i + 8);
            s2n = MG_SUM4(dm, dp, um, up, i + 8);
            xn = MG_LD(c0 + i + 8);
        }
        __m512d t = MG_SUB(v ? MG_LD(v + i) : zero, MG_MUL(a0, x));
        if (with_a1) t = MG_SUB(t, MG_MUL(a1, MG_ADD(MG_ADD(MG_SHL(xp, x), MG_SHR(x, xn)), s1)));
        t = MG_SUB(t, MG_MUL(a2, MG_ADD(MG_ADD(s2, MG_SHL(s1p, s1)), MG_SHR(s1, s1n))));
        t = MG_SUB(t, MG_MUL(a3, MG_ADD(MG_SHL(s2p, s2), MG_SHR(s2, s2n))));
        __mmask8 m = NAME(chunk_mask)(n1, i);
        if (m == 0xff) _mm512_storeu_pd(r + i, t);
        else _mm512_mask_storeu_pd(r + i, m, t);
        s1p = s1, s1 = s1n, s2p = s2, s2 = s2n, xp = x, x = xn;
    }
}

/* psinv's row: u = u + S r (zero: u = 0.0 + S r, as after NPB's zero3). */
static inline void NAME(psinv_row_v)(size_t n1, const peli_mg_coef *k, const double *cm,
                                     const double *c0, const double *cp, const double *dm,
                                     const double *d0, const double *dp, const double *um,
                                     const double *u0, const double *up, double *u, int zero_u)
{
    const __m512d s0 = _mm512_set1_pd(k->c[0]), sc1 = _mm512_set1_pd(k->c[1]);
    const __m512d sc2 = _mm512_set1_pd(k->c[2]), sc3 = _mm512_set1_pd(k->c[3]);
    const __m512d zero = _mm512_setzero_pd();
    const int with_c3 = k->c3;
    __m512d s1p = zero, s2p = zero, xp = zero;
    __m512d s1 = MG_SUM4(cm, cp, d0, u0, 0), s2 = MG_SUM4(dm, dp, um, up, 0);
    __m512d x = MG_LD(c0);
    for (size_t i = 0; i <= n1; i += 8) {
        __m512d s1n = zero, s2n = zero, xn = zero;
        if (i + 8 <= n1 + 1) {
            s1n = MG_SUM4(cm, cp, d0, u0, i + 8);
            s2n = MG_SUM4(dm, dp, um, up, i + 8);
            xn = MG_LD(c0 + i + 8);
        }
        __m512d t = MG_ADD(zero_u ? zero : MG_LD(u + i), MG_MUL(s0, x));
        t = MG_ADD(t, MG_MUL(sc1, MG_ADD(MG_ADD(MG_SHL(xp, x), MG_SHR(x, xn)), s1)));
        t = MG_ADD(t, MG_MUL(sc2, MG_ADD(MG_ADD(s2, MG_SHL(s1p, s1)), MG_SHR(s1, s1n))));
        if (with_c3) t = MG_ADD(t, MG_MUL(sc3, MG_ADD(MG_SHL(s2p, s2), MG_SHR(s2, s2n))));
        __mmask8 m = NAME(chunk_mask)(n1, i);
        if (m == 0xff) _mm512_storeu_pd(u + i, t);
        else _mm512_mask_storeu_pd(u + i, m, t);
        s1p = s1, s1 = s1n, s2p = s2, s2 = s2n, xp = x, x = xn;
    }
}

/* rprj3's row of coarse row sr from the fine rows a, b, e (lo, mid, hi
 * planes): NPB's sums x (faces off the centre row and plane) and y (edges)
 * per fine column in registers, split into the even (centre) and odd
 * columns by two-source permutes; coarse chunk j covers the fine columns
 * 2j .. 2j + 15 (two aligned chunks), the left neighbours' last from the
 * chunk before. */
static inline void NAME(rprj3_row_v)(size_t n1c, size_t fR, const double *lo, const double *mid,
                                     const double *hi, double *sr)
{
    const __m512i ev = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i od = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
    const __m512d h = _mm512_set1_pd(0.5), q = _mm512_set1_pd(0.25);
    const __m512d e8 = _mm512_set1_pd(0.125), s16 = _mm512_set1_pd(0.0625);
    const __m512d zero = _mm512_setzero_pd();
    const double *la = lo, *lb = lo + fR, *le = lo + 2 * fR, *ma = mid, *mb = mid + fR;
    const double *me = mid + 2 * fR, *ha = hi, *hb = hi + fR, *he = hi + 2 * fR;
    __m512d mop = zero, xop = zero, yop = zero; /* the odd columns of the chunk before */
    for (size_t j = 0; j <= n1c; j += 8) {
        size_t f = 2 * j;
        __m512d m0 = MG_LD(mb + f), m1 = zero, x1 = zero, y1 = zero;
        __m512d x0 = MG_SUM4(ma, me, lb, hb, f), y0 = MG_SUM4(la, ha, le, he, f);
        if (f + 8 < fR) {
            m1 = MG_LD(mb + f + 8);
            x1 = MG_SUM4(ma, me, lb, hb, f + 8);
            y1 = MG_SUM4(la, ha, le, he, f + 8);
        }
        __m512d me_ = _mm512_permutex2var_pd(m0, ev, m1), mo = _mm512_permutex2var_pd(m0, od, m1);
        __m512d xe = _mm512_permutex2var_pd(x0, ev, x1), xo = _mm512_permutex2var_pd(x0, od, x1);
        __m512d ye = _mm512_permutex2var_pd(y0, ev, y1), yo = _mm512_permutex2var_pd(y0, od, y1);
        __m512d t = MG_MUL(h, me_);
        t = MG_ADD(t, MG_MUL(q, MG_ADD(MG_ADD(MG_SHL(mop, mo), mo), xe)));
        t = MG_ADD(t, MG_MUL(e8, MG_ADD(MG_ADD(MG_SHL(xop, xo), xo), ye)));
        t = MG_ADD(t, MG_MUL(s16, MG_ADD(MG_SHL(yop, yo), yo)));
        __mmask8 mk = NAME(chunk_mask)(n1c, j);
        if (mk == 0xff) _mm512_storeu_pd(sr + j, t);
        else _mm512_mask_storeu_pd(sr + j, mk, t);
        mop = mo, xop = xo, yop = yo;
    }
}
#endif

static void NAME(resid_plane)(const peli_mg_level *l, const peli_mg_coef *k, const double *ud,
                              const double *uc, const double *uu, const double *vc,
                              const unsigned char *vz, double *rc, double *w)
{
    size_t R = l->row;
    for (size_t i2 = 1; i2 <= l->n2; i2++) {
        size_t m = (i2 - 1) * R, o = i2 * R, p = (i2 + 1) * R;
#ifdef __AVX512F__
        (void)w;
        NAME(resid_row_v)(l->n1, k, uc + m, uc + o, uc + p, ud + m, ud + o, ud + p, uu + m, uu + o,
                          uu + p, vz && vz[i2 - 1] ? NULL : vc + o, rc + o);
#else
        if (vz && vz[i2 - 1])
            NAME(resid_row0)(l->n1, R, k, uc + m, uc + o, uc + p, ud + m, ud + o, ud + p, uu + m,
                             uu + o, uu + p, rc + o, w, w + R);
        else
            NAME(resid_row)(l->n1, R, k, uc + m, uc + o, uc + p, ud + m, ud + o, ud + p, uu + m,
                            uu + o, uu + p, vc + o, rc + o, w, w + R);
#endif
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
#ifdef __AVX512F__
    /* u = 0.0 + S r on the interior (zero) without the memset: the halo
     * is filled below, and the padding columns are never read into a
     * result */
    (void)P, (void)w;
    for (size_t i2 = 1; i2 <= l->n2; i2++) {
        size_t m = (i2 - 1) * R, o = i2 * R, p = (i2 + 1) * R;
        NAME(psinv_row_v)(l->n1, k, rc + m, rc + o, rc + p, rd + m, rd + o, rd + p, ru + m, ru + o,
                          ru + p, uc + o, zero);
    }
#else
    if (zero) memset(uc, 0, P * sizeof *uc); /* NPB: zero3, then u = 0 + S r */
    for (size_t i2 = 1; i2 <= l->n2; i2++) {
        size_t m = (i2 - 1) * R, o = i2 * R, p = (i2 + 1) * R;
        NAME(psinv_row)(l->n1, R, k, rc + m, rc + o, rc + p, rd + m, rd + o, rd + p, ru + m, ru + o,
                        ru + p, uc + o, w, w + R);
    }
#endif
    NAME(fill_halo)(l, uc);
}

/* ---- rprj3: s = P r, trilinear full weighting ------------------------------
 * Coarse point j sits on fine point 2j + 1 (interior numbering); its fine
 * neighbourhood is fine planes 2j, 2j + 1, 2j + 2 (lo, mid, hi: the last
 * wrapping), fine rows and columns likewise (2j + 1, 2j + 2, 2j + 3 with
 * halos counted); s is the coarse plane j. */
#ifdef __AVX512F__
static void NAME(rprj3_plane)(const peli_mg_level *f, const peli_mg_level *c, const double *lo,
                              const double *mid, const double *hi, double *s, double *w)
{
    size_t R = f->row, n1c = c->n1;
    (void)w;
    for (size_t j2 = 1; j2 <= c->n2; j2++) {
        size_t a = (2 * j2 - 1) * R; /* fine rows i2, i2+1, i2+2 from a */
        NAME(rprj3_row_v)(n1c, R, lo + a, mid + a, hi + a, s + j2 * c->row);
    }
    NAME(fill_halo)(c, s);
}
#else
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

#endif

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
#ifdef __AVX512F__
        /* the eight sums as one vector (the compiler keeps the loop below
         * scalar): lane j is a[j], each square rounded, then added, as there;
         * max_pd(y, m) is y > m ? y : m */
        __m512d va = _mm512_setzero_pd(), vm = _mm512_setzero_pd();
        for (; i + 8 <= l->n1; i += 8) {
            __m512d x = MG_LD(q + i);
            va = MG_ADD(va, MG_MUL(x, x));
            vm = _mm512_max_pd(_mm512_abs_pd(x), vm);
        }
        _mm512_storeu_pd(a, va);
        _mm512_storeu_pd(mx, vm);
#endif
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

#ifdef __AVX512F__
#undef MG_SUM4
#undef MG_SHR
#undef MG_SHL
#undef MG_ALIGNR
#undef MG_LD
#undef MG_MUL
#undef MG_SUB
#undef MG_ADD
#endif
#undef NAME
