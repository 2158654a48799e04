/* Hand-vectorised AVX-512 copies of the hottest stage-row loops of
 * step_rows.h, for the AVX-512 copy of the rows only (step.c includes this
 * once, before the template).  The template stays the definition: each
 * function here names the template function it mirrors and evaluates its
 * expressions with the same operations in the same order (no FMA: separate
 * multiplies and adds, which the compiler does not contract; divisions stay
 * divisions), so the bits are the template's.
 *
 * Why: the gcc-vectorised loops load every operand at i - 1 and i + 1 again
 * (unaligned loads that split a cache line), and Zen 4 is bound by its two
 * 256-bit loads a cycle there.  Here each row stream is loaded once per 8
 * cells at the aligned column i and the neighbours come from register
 * shifts (valignq) between the vector at i and the one before or after.
 *
 * Full blocks of 8 columns from c (a multiple of 8) run here; the ragged
 * rest of [c, e) (fewer than 8 columns) goes to the template function
 * passed in, which computes the same expressions.  Reading the vector at
 * i + 8 for a full block at i stays inside the row: a row holds columns
 * [-OC_PAD, ld - OC_PAD), ld is a multiple of 8 and at least
 * nx + OC_PAD + OC_HALO, so the vector of columns [i + 8, i + 16) with
 * i + 8 <= nx is in it; the vector before column 0 is the row's pad. */
#ifndef PEL_OCEAN_ROWS_AVX512_H
#define PEL_OCEAN_ROWS_AVX512_H

#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl")

#define X5_LD(p, i) _mm512_loadu_pd((p) + (i))
/* x[i-1 .. i+6] from cur = x[i .. i+7] and prev = x[i-8 .. i-1] */
#define X5_M1(cur, prev)                                                                            \
    _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(cur), _mm512_castpd_si512(prev), 7))
/* x[i+1 .. i+8] from cur and next = x[i+8 .. i+15] */
#define X5_P1(next, cur)                                                                            \
    _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(next), _mm512_castpd_si512(cur), 1))

typedef void (*oc_fields_fn)(const oc_stage *, const oc_rows *, ptrdiff_t, ptrdiff_t);

/* step_rows.h: stage_fields (its four loops, one per field, in its order
 * and with its expressions); `rest` is the template's copy, for the
 * columns after the last full block of 8 */
static void oc_x512_stage_fields(const oc_stage *st, const oc_rows *r, ptrdiff_t c, ptrdiff_t e, oc_fields_fn rest)
{
    if (c % 8 != 0) {
        rest(st, r, c, e);
        return;
    }
    const ptrdiff_t m = c + (e - c) / 8 * 8; /* full blocks: [c, m) */
    const pel_ocean *o = st->o;
    const __m512d rdx = _mm512_set1_pd(o->rdx), rdy = _mm512_set1_pd(o->rdy), rH = _mm512_set1_pd(o->rH);
    const __m512d nux = _mm512_set1_pd(o->nux), nuy = _mm512_set1_pd(o->nuy);
    const __m512d a0 = _mm512_set1_pd(st->a0), a1 = _mm512_set1_pd(st->a1), half = _mm512_set1_pd(0.5);
    const __m512d sign = _mm512_set1_pd(-0.0);
    const int mode = r->be != NULL;
    if (m > c) {
        /* eta: n = E - dtw ((U0[i+1] - U0[i]) rdx + (V1 - V0) rdy) */
        {
            const double *restrict E = r->E, *restrict dtw = r->dtw, *restrict U0 = r->U0, *restrict V0 = r->V0,
                                   *restrict V1 = r->V1, *restrict be = r->be;
            double *restrict oe = r->oe;
            __m512d Uc = X5_LD(U0, c);
            for (ptrdiff_t i = c; i < m; i += 8) {
                __m512d Un = X5_LD(U0, i + 8);
                __m512d div = _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(X5_P1(Un, Uc), Uc), rdx),
                                            _mm512_mul_pd(_mm512_sub_pd(X5_LD(V1, i), X5_LD(V0, i)), rdy));
                __m512d n = _mm512_sub_pd(X5_LD(E, i), _mm512_mul_pd(X5_LD(dtw, i), div));
                if (mode) n = _mm512_add_pd(_mm512_mul_pd(a0, X5_LD(be, i)), _mm512_mul_pd(a1, n));
                _mm512_storeu_pd(oe + i, n);
                Uc = Un;
            }
        }
        /* u: P1 = Q1 (0.5 (V1[i-1] + V1[i])); the Coriolis mean, viscosity
         * and the update, as the template writes them */
        {
            const double *restrict u = r->u, *restrict uum = r->um, *restrict uup = r->up, *restrict dtmu = r->dtmu,
                                   *restrict mum = r->mum, *restrict mup = r->mup, *restrict fu = r->fu,
                                   *restrict hx = r->hx, *restrict P0 = r->P0, *restrict Q1 = r->q1,
                                   *restrict B0 = r->B0, *restrict V1 = r->V1, *restrict bu = r->bu;
            double *restrict P1 = r->P1, *restrict ou = r->ou;
            __m512d Vp = X5_LD(V1, c - 8), Vc;
            __m512d up = X5_LD(u, c - 8), uc = X5_LD(u, c), un;
            __m512d Bp = X5_LD(B0, c - 8), Bc;
            for (ptrdiff_t i = c; i < m; i += 8) {
                Vc = X5_LD(V1, i);
                un = X5_LD(u, i + 8);
                Bc = X5_LD(B0, i);
                __m512d p1 = _mm512_mul_pd(X5_LD(Q1, i), _mm512_mul_pd(half, _mm512_add_pd(X5_M1(Vc, Vp), Vc)));
                _mm512_storeu_pd(P1 + i, p1);
                __m512d coru = _mm512_mul_pd(half, _mm512_add_pd(X5_LD(P0, i), p1));
                __m512d uw = X5_M1(uc, up), ue = X5_P1(un, uc);
                __m512d viscu = _mm512_add_pd(
                    _mm512_mul_pd(nux, _mm512_sub_pd(_mm512_sub_pd(ue, uc), _mm512_sub_pd(uc, uw))),
                    _mm512_mul_pd(nuy, _mm512_sub_pd(_mm512_mul_pd(X5_LD(mup, i), _mm512_sub_pd(X5_LD(uup, i), uc)),
                                                     _mm512_mul_pd(X5_LD(mum, i), _mm512_sub_pd(uc, X5_LD(uum, i))))));
                __m512d t = _mm512_sub_pd(coru, _mm512_mul_pd(_mm512_sub_pd(Bc, X5_M1(Bc, Bp)), rdx));
                t = _mm512_add_pd(t, _mm512_div_pd(X5_LD(fu, i), X5_LD(hx, i)));
                t = _mm512_sub_pd(t, _mm512_mul_pd(rH, uc));
                t = _mm512_add_pd(t, viscu);
                __m512d n = _mm512_add_pd(uc, _mm512_mul_pd(X5_LD(dtmu, i), t));
                if (mode) n = _mm512_add_pd(_mm512_mul_pd(a0, X5_LD(bu, i)), _mm512_mul_pd(a1, n));
                _mm512_storeu_pd(ou + i, n);
                Vp = Vc, up = uc, uc = un, Bp = Bc;
            }
        }
        /* v: the Coriolis mean 0.5 (R[i] + R[i+1]), viscosity and the update */
        {
            const double *restrict v = r->v, *restrict vvm = r->vm, *restrict vvp = r->vp, *restrict dtmv = r->dtmv,
                                   *restrict mv = r->mv, *restrict fv = r->fv, *restrict hy = r->hy,
                                   *restrict R = r->R, *restrict B0 = r->B0, *restrict Bm = r->Bm,
                                   *restrict bv = r->bv;
            double *restrict ov = r->ov;
            __m512d Rc = X5_LD(R, c), Rn;
            __m512d vp = X5_LD(v, c - 8), vc = X5_LD(v, c), vn;
            __m512d mp = X5_LD(mv, c - 8), mc = X5_LD(mv, c), mn;
            for (ptrdiff_t i = c; i < m; i += 8) {
                Rn = X5_LD(R, i + 8);
                vn = X5_LD(v, i + 8);
                mn = X5_LD(mv, i + 8);
                __m512d corv = _mm512_mul_pd(half, _mm512_add_pd(Rc, X5_P1(Rn, Rc)));
                __m512d vw = X5_M1(vc, vp), ve = X5_P1(vn, vc);
                __m512d viscv = _mm512_add_pd(
                    _mm512_mul_pd(nuy, _mm512_sub_pd(_mm512_sub_pd(X5_LD(vvp, i), vc), _mm512_sub_pd(vc, X5_LD(vvm, i)))),
                    _mm512_mul_pd(nux, _mm512_sub_pd(_mm512_mul_pd(X5_P1(mn, mc), _mm512_sub_pd(ve, vc)),
                                                     _mm512_mul_pd(X5_M1(mc, mp), _mm512_sub_pd(vc, vw)))));
                /* -corv is a change of sign (not 0 - corv, which differs at a zero) */
                __m512d t = _mm512_sub_pd(_mm512_xor_pd(corv, sign),
                                          _mm512_mul_pd(_mm512_sub_pd(X5_LD(B0, i), X5_LD(Bm, i)), rdy));
                t = _mm512_add_pd(t, _mm512_div_pd(X5_LD(fv, i), X5_LD(hy, i)));
                t = _mm512_sub_pd(t, _mm512_mul_pd(rH, vc));
                t = _mm512_add_pd(t, viscv);
                __m512d n = _mm512_add_pd(vc, _mm512_mul_pd(X5_LD(dtmv, i), t));
                if (mode) n = _mm512_add_pd(_mm512_mul_pd(a0, X5_LD(bv, i)), _mm512_mul_pd(a1, n));
                _mm512_storeu_pd(ov + i, n);
                Rc = Rn, vp = vc, vc = vn, mp = mc, mc = mn;
            }
        }
        /* hT: n = C + dtw (fq - ((F[i+1] - F[i]) rdx + (G1 - G0) rdy)) */
        {
            const double *restrict C = r->C, *restrict dtw = r->dtw, *restrict fq = r->fq, *restrict F = r->F,
                                   *restrict G0 = r->G0, *restrict G1 = r->G1, *restrict bc = r->bc;
            double *restrict oc = r->oc;
            __m512d Fc = X5_LD(F, c);
            for (ptrdiff_t i = c; i < m; i += 8) {
                __m512d Fn = X5_LD(F, i + 8);
                __m512d div = _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(X5_P1(Fn, Fc), Fc), rdx),
                                            _mm512_mul_pd(_mm512_sub_pd(X5_LD(G1, i), X5_LD(G0, i)), rdy));
                __m512d n = _mm512_add_pd(X5_LD(C, i), _mm512_mul_pd(X5_LD(dtw, i), _mm512_sub_pd(X5_LD(fq, i), div)));
                if (mode) n = _mm512_add_pd(_mm512_mul_pd(a0, X5_LD(bc, i)), _mm512_mul_pd(a1, n));
                _mm512_storeu_pd(oc + i, n);
                Fc = Fn;
            }
        }
    }
    if (m < e) rest(st, r, m, e);
}

/* x[i-2 .. i+5] from cur and prev */
#define X5_M2(cur, prev)                                                                            \
    _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(cur), _mm512_castpd_si512(prev), 6))
/* copysign(0.5, x): x's sign bit on 0.5 (whose own sign bit is clear) */
#define X5_CS(x) _mm512_or_pd(_mm512_and_pd((x), sign), half)

typedef void (*oc_F_fn)(const double *, const double *, const double *, double *, ptrdiff_t, ptrdiff_t);

/* step_rows.h: row_F, with step01, pos01 and limited as the template has
 * them: e = 0.5 + copysign(0.5, U), w = 1 - e, the blends e a + w b, and
 * up + (q p)/(q (d0 + d1) + (1 - q)) with q = ok (0.5 - copysign(0.5, 0 - p)) */
static void oc_x512_row_F(const double *restrict U, const double *restrict T, const double *restrict mu,
                          double *restrict F, ptrdiff_t a, ptrdiff_t b, oc_F_fn rest)
{
    if (a % 8 != 0) {
        rest(U, T, mu, F, a, b);
        return;
    }
    const ptrdiff_t m = a + (b - a) / 8 * 8;
    const __m512d half = _mm512_set1_pd(0.5), one = _mm512_set1_pd(1.0), zero = _mm512_setzero_pd();
    const __m512d sign = _mm512_set1_pd(-0.0);
    __m512d Tp = X5_LD(T, a - 8), Tc = X5_LD(T, a), Tn;
    __m512d mp = X5_LD(mu, a - 8), mc = X5_LD(mu, a), mn;
    for (ptrdiff_t i = a; i < m; i += 8) {
        Tn = X5_LD(T, i + 8);
        mn = X5_LD(mu, i + 8);
        __m512d Uf = X5_LD(U, i);
        __m512d e = _mm512_add_pd(half, X5_CS(Uf)), w = _mm512_sub_pd(one, e);
        __m512d Tw = X5_M1(Tc, Tp), Tww = X5_M2(Tc, Tp), Te = X5_P1(Tn, Tc);
        __m512d up = _mm512_add_pd(_mm512_mul_pd(e, Tw), _mm512_mul_pd(w, Tc));
        __m512d dn = _mm512_add_pd(_mm512_mul_pd(e, Tc), _mm512_mul_pd(w, Tw));
        __m512d uu = _mm512_add_pd(_mm512_mul_pd(e, Tww), _mm512_mul_pd(w, Te));
        __m512d ok = _mm512_add_pd(_mm512_mul_pd(e, X5_M1(mc, mp)), _mm512_mul_pd(w, X5_P1(mn, mc)));
        __m512d d0 = _mm512_sub_pd(up, uu), d1 = _mm512_sub_pd(dn, up), p = _mm512_mul_pd(d0, d1);
        __m512d q = _mm512_mul_pd(ok, _mm512_sub_pd(half, X5_CS(_mm512_sub_pd(zero, p))));
        __m512d lim = _mm512_add_pd(up, _mm512_div_pd(_mm512_mul_pd(q, p),
                                                      _mm512_add_pd(_mm512_mul_pd(q, _mm512_add_pd(d0, d1)),
                                                                    _mm512_sub_pd(one, q))));
        _mm512_storeu_pd(F + i, _mm512_mul_pd(Uf, lim));
        Tp = Tc, Tc = Tn, mp = mc, mc = mn;
    }
    if (m < b) rest(U, T, mu, F, m, b);
}

typedef void (*oc_derived_fn)(const pel_ocean *, double, const double *, const double *, const double *,
                              const double *, const double *, const double *, const double *, const double *,
                              double *, double *, double *, double *, double *, double *, double *, ptrdiff_t,
                              ptrdiff_t);

/* step_rows.h: row_derived (its loop; the row's end values are the
 * template's: `rest` on the empty range [0, 0) computes B, hy, V at -1, and
 * on [m, e) the ragged rest, q at nx and U, R at e) */
static void oc_x512_row_derived(const pel_ocean *o, double f, const double *restrict E0, const double *restrict E1,
                                const double *restrict u0, const double *restrict u1, const double *restrict v0,
                                const double *restrict v1, const double *restrict qm, const double *restrict Um,
                                double *restrict q, double *restrict B, double *restrict U, double *restrict hx,
                                double *restrict V, double *restrict hy, double *restrict R, ptrdiff_t a,
                                ptrdiff_t b, oc_derived_fn rest)
{
    const ptrdiff_t m = a % 8 == 0 ? a + (b - a) / 8 * 8 : a;
    if (m == a) {
        rest(o, f, E0, E1, u0, u1, v0, v1, qm, Um, q, B, U, hx, V, hy, R, a, b);
        return;
    }
    if (a == 0) rest(o, f, E0, E1, u0, u1, v0, v1, qm, Um, q, B, U, hx, V, hy, R, 0, 0);
    const __m512d H = _mm512_set1_pd(o->H), g = _mm512_set1_pd(o->g), rdx = _mm512_set1_pd(o->rdx),
                  rdy = _mm512_set1_pd(o->rdy), fv = _mm512_set1_pd(f), half = _mm512_set1_pd(0.5),
                  quarter = _mm512_set1_pd(0.25);
    __m512d vp = X5_LD(v1, a - 8), vc;
    __m512d Ep = X5_LD(E0, a - 8), Ec;
    __m512d Fp = X5_LD(E1, a - 8), Fc; /* E1 */
    __m512d uc = X5_LD(u0, a), un, sc = _mm512_mul_pd(uc, uc), sn; /* u0 and its square */
    for (ptrdiff_t i = a; i < m; i += 8) {
        vc = X5_LD(v1, i);
        Ec = X5_LD(E0, i);
        Fc = X5_LD(E1, i);
        un = X5_LD(u0, i + 8);
        sn = _mm512_mul_pd(un, un);
        /* q: (f + ((v1[i] - v1[i-1]) rdx - (u1 - u0) rdy)) / (H + 0.25 ((E0[i-1] + E0) + (E1[i-1] + E1))) */
        __m512d e0 = _mm512_add_pd(X5_M1(Ec, Ep), Ec);
        __m512d zeta = _mm512_sub_pd(_mm512_mul_pd(_mm512_sub_pd(vc, X5_M1(vc, vp)), rdx),
                                     _mm512_mul_pd(_mm512_sub_pd(X5_LD(u1, i), uc), rdy));
        __m512d hq = _mm512_add_pd(H, _mm512_mul_pd(quarter, _mm512_add_pd(e0, _mm512_add_pd(X5_M1(Fc, Fp), Fc))));
        _mm512_storeu_pd(q + i, _mm512_div_pd(_mm512_add_pd(fv, zeta), hq));
        /* B: g E0 + 0.25 ((u0^2 + u0[i+1]^2) + (v0^2 + v1^2)) */
        __m512d v0c = X5_LD(v0, i);
        __m512d K = _mm512_add_pd(_mm512_add_pd(sc, X5_P1(sn, sc)),
                                  _mm512_add_pd(_mm512_mul_pd(v0c, v0c), _mm512_mul_pd(vc, vc)));
        _mm512_storeu_pd(B + i, _mm512_add_pd(_mm512_mul_pd(g, Ec), _mm512_mul_pd(quarter, K)));
        /* hx = H + 0.5 (E0[i-1] + E0), U = hx u0; hy = H + 0.5 (E0 + E1), V = hy v1 */
        __m512d h = _mm512_add_pd(H, _mm512_mul_pd(half, e0)), Ui = _mm512_mul_pd(h, uc);
        _mm512_storeu_pd(hx + i, h);
        _mm512_storeu_pd(U + i, Ui);
        __m512d k = _mm512_add_pd(H, _mm512_mul_pd(half, _mm512_add_pd(Ec, Fc)));
        _mm512_storeu_pd(hy + i, k);
        _mm512_storeu_pd(V + i, _mm512_mul_pd(k, vc));
        /* R = qm (0.5 (Um + U)) */
        _mm512_storeu_pd(R + i, _mm512_mul_pd(X5_LD(qm, i), _mm512_mul_pd(half, _mm512_add_pd(X5_LD(Um, i), Ui))));
        vp = vc, Ep = Ec, Fp = Fc, uc = un, sc = sn;
    }
    rest(o, f, E0, E1, u0, u1, v0, v1, qm, Um, q, B, U, hx, V, hy, R, m, b);
}

#pragma GCC pop_options

#endif
