/* Row kernels of the FTCS sweep: a template that sweep.c includes once per
 * instruction set.  The includer defines
 *   NAME(f)   the name of this instance's copy of f (f_sse2, f_avx, ...);
 *   VEC, VLEN, VLOAD, VSTORE, VSTREAM, VSET1
 *             a vector of VLEN doubles, an unaligned load and store, an
 *             aligned streaming store and a broadcast;
 *   VHIDE(x)  an empty asm that hides a vector's value from the optimiser;
 *   VALIGNR(hi, lo, n)  (optional) lanes n .. of the concatenation lo:hi;
 *   stream1(p, x), PREFETCH(p)
 *             a scalar streaming store and a prefetch.
 * Without VLEN the rows are written with plain scalar code (which the
 * compiler vectorises).  Every point goes through HEAT2/HEAT3, so all
 * instances give the same bits. */

/* Any point j of the row, end points included: a Dirichlet end point is a
 * boundary value, a periodic one wraps to the other end of the row. */
static inline double NAME(point)(const rowargs *a, int dim, size_t j)
{
    const double *c = a->c;
    const size_t last = a->len - 1;
    double w = c[j - (j > 0)], e = c[j + (j < last)]; /* fixed below at the ends */
    if (j == 0 || j == last) {
        if (!a->periodic) return c[j];
        if (j == 0) w = c[last];
        if (j == last) e = c[0];
    }
    if (dim == 2) return HEAT2(c[j], a->m0[j], a->p0[j], w, e, a->r0, a->r1, 2.0);
    return HEAT3(c[j], a->m0[j], a->p0[j], a->m1[j], a->p1[j], w, e, a->r0, a->r1, a->r2, 2.0);
}

#ifdef VLEN
/* An interior point j (0 < j < len - 1). */
static inline double NAME(inner)(const rowargs *a, int dim, size_t j)
{
    const double *c = a->c;
    if (dim == 2) return HEAT2(c[j], a->m0[j], a->p0[j], c[j - 1], c[j + 1], a->r0, a->r1, 2.0);
    return HEAT3(c[j], a->m0[j], a->p0[j], a->m1[j], a->p1[j], c[j - 1], c[j + 1], a->r0, a->r1,
                 a->r2, 2.0);
}

/* The coefficients as vectors, and the rows, held in registers for a row. */
typedef struct NAME(vrow) {
    VEC r0, r1, r2, two;
    const double *c, *m0, *p0, *m1, *p1;
} NAME(vrow);

/* VLEN interior points from j. */
static inline VEC NAME(vpoint)(const NAME(vrow) *v, int dim, size_t j)
{
    VEC c = VLOAD(v->c + j), w = VLOAD(v->c + j - 1), e = VLOAD(v->c + j + 1);
    VEC m0 = VLOAD(v->m0 + j), p0 = VLOAD(v->p0 + j);
    if (dim == 2) return HEAT2(c, m0, p0, w, e, v->r0, v->r1, v->two);
    VEC m1 = VLOAD(v->m1 + j), p1 = VLOAD(v->p1 + j);
    return HEAT3(c, m0, p0, m1, p1, w, e, v->r0, v->r1, v->r2, v->two);
}

#ifdef VALIGNR
/* VLEN interior points from j, the row's own values c, w (at j - 1) and e
 * (at j + 1) given. */
static inline VEC NAME(vpoint_cwe)(const NAME(vrow) *v, int dim, size_t j, VEC c, VEC w, VEC e)
{
    VEC m0 = VLOAD(v->m0 + j), p0 = VLOAD(v->p0 + j);
    if (dim == 2) return HEAT2(c, m0, p0, w, e, v->r0, v->r1, v->two);
    VEC m1 = VLOAD(v->m1 + j), p1 = VLOAD(v->p1 + j);
    return HEAT3(c, m0, p0, m1, p1, w, e, v->r0, v->r1, v->r2, v->two);
}
#endif

/* With stream set, every store of the row streams, the scalar ones too (a
 * cache line written partly by plain and partly by streaming stores is
 * flushed in pieces), so consecutive rows fill whole lines whatever their
 * length.  Without, the vector stores are aligned: an unaligned vector at
 * each end of the row overlaps them, its points computed twice to the same
 * bits. */
static inline __attribute__((always_inline)) void NAME(row)(double *restrict out,
                                                             const rowargs *a, int dim,
                                                             int stream)
{
    const size_t last = a->len - 1;
    VEC two = VSET1(2.0);
    VHIDE(two); /* a multiply, not c + c: the adders are the busier units */
    const NAME(vrow) v = {VSET1(a->r0), VSET1(a->r1), VSET1(a->r2), two,
                          a->c, a->m0, a->p0, a->m1, a->p1};
    size_t j = 1;
    if (stream) {
        stream1(out, NAME(point)(a, dim, 0));
        for (; j < last && (uintptr_t)(out + j) % (VLEN * sizeof(double)) != 0; j++)
            stream1(out + j, NAME(inner)(a, dim, j));
        for (; j + VLEN <= last; j += VLEN) {
            if (j % 8 < VLEN) PREFETCH(v.p0 + j + PREFETCH_AHEAD); /* once per line */
            VSTREAM(out + j, NAME(vpoint)(&v, dim, j));
        }
        for (; j < last; j++) stream1(out + j, NAME(inner)(a, dim, j));
        stream1(out + last, NAME(point)(a, dim, last));
    } else if (last > VLEN) {
        out[0] = NAME(point)(a, dim, 0);
        VSTORE(out + 1, NAME(vpoint)(&v, dim, 1));
        j = 2 + (VLEN - (uintptr_t)(out + 2) / sizeof(double) % VLEN) % VLEN; /* aligned */
#ifdef VALIGNR
        /* the neighbours along the row from the row's own aligned loads,
         * shifted: whole cache lines, none split between two */
        if (j + VLEN <= last) {
            VEC cp = VSET1(a->c[j - 1]), cc = VLOAD(a->c + j);
            for (; j + VLEN <= last; j += VLEN) {
                /* c[j + VLEN] <= c[last]; the load ahead only within the row */
                VEC cn = j + 2 * VLEN <= a->len ? VLOAD(a->c + j + VLEN) : VSET1(a->c[j + VLEN]);
                PREFETCH(v.p0 + j + PREFETCH_AHEAD);
                VSTORE(out + j, NAME(vpoint_cwe)(&v, dim, j, cc, VALIGNR(cc, cp, VLEN - 1),
                                                 VALIGNR(cn, cc, 1)));
                cp = cc, cc = cn;
            }
        }
#endif
        for (; j + VLEN <= last; j += VLEN) {
            if (j % 8 < VLEN) PREFETCH(v.p0 + j + PREFETCH_AHEAD);
            VSTORE(out + j, NAME(vpoint)(&v, dim, j));
        }
        VSTORE(out + last - VLEN, NAME(vpoint)(&v, dim, last - VLEN));
        out[last] = NAME(point)(a, dim, last);
    } else {
        for (j = 0; j <= last; j++) out[j] = NAME(point)(a, dim, j);
    }
}

#else
static inline void NAME(row)(double *restrict out, const rowargs *a, int dim, int stream)
{
    const size_t last = a->len - 1;
    const double *restrict c = a->c, *restrict m0 = a->m0, *restrict p0 = a->p0;
    const double r0 = a->r0, r1 = a->r1;
    (void)stream;
    out[0] = NAME(point)(a, dim, 0);
    out[last] = NAME(point)(a, dim, last);
    if (dim == 2) {
        for (size_t j = 1; j < last; j++)
            out[j] = HEAT2(c[j], m0[j], p0[j], c[j - 1], c[j + 1], r0, r1, 2.0);
    } else {
        const double *restrict m1 = a->m1, *restrict p1 = a->p1;
        const double r2 = a->r2;
        for (size_t j = 1; j < last; j++)
            out[j] = HEAT3(c[j], m0[j], p0[j], m1[j], p1[j], c[j - 1], c[j + 1], r0, r1, r2, 2.0);
    }
}
#endif

static void NAME(row2)(double *restrict out, const rowargs *a, int stream)
{
    NAME(row)(out, a, 2, stream);
}

static void NAME(row3)(double *restrict out, const rowargs *a, int stream)
{
    NAME(row)(out, a, 3, stream);
}

#undef NAME
#undef VEC
#undef VLEN
#undef VLOAD
#undef VSTORE
#undef VSTREAM
#undef VSET1
#undef VHIDE
#undef VALIGNR
