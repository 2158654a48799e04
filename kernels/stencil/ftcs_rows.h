/* Row kernels of the FTCS sweep: a template that ftcs.c includes once per
 * instruction set.  The includer defines
 *   NAME(f)   the name of this instance's copy of f (f_sse2, f_avx, ...);
 *   VEC, VLEN, VLOAD, VSTREAM, VSET1
 *             a vector of VLEN doubles, an unaligned load, an aligned
 *             streaming store and a broadcast (left undefined when there
 *             is no vector unit: rows are then written with plain stores).
 * Every point goes through HEAT2/HEAT3, so all instances give the same bits. */

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
/* VLEN interior points from j. */
static inline VEC NAME(vpoint)(const rowargs *a, int dim, size_t j)
{
    const double *c = a->c;
    const VEC two = VSET1(2.0), r0 = VSET1(a->r0), r1 = VSET1(a->r1);
    VEC vc = VLOAD(c + j), w = VLOAD(c + j - 1), e = VLOAD(c + j + 1);
    VEC m0 = VLOAD(a->m0 + j), p0 = VLOAD(a->p0 + j);
    if (dim == 2) return HEAT2(vc, m0, p0, w, e, r0, r1, two);
    const VEC r2 = VSET1(a->r2), m1 = VLOAD(a->m1 + j), p1 = VLOAD(a->p1 + j);
    return HEAT3(vc, m0, p0, m1, p1, w, e, r0, r1, r2, two);
}
#endif

static inline __attribute__((always_inline)) void NAME(row)(double *restrict out,
                                                             const rowargs *a, int dim,
                                                             int stream)
{
    const size_t len = a->len, last = len - 1;
#ifdef VLEN
    /* Stream whole cache lines only: a line written partly by plain stores
     * and partly by streaming ones is flushed in pieces, which is slow.
     * Lines shared with the neighbouring rows take plain stores; a line
     * holding an end point is assembled in a buffer first. */
    if (stream && (uintptr_t)out % sizeof(double) == 0) {
        size_t head = (LINE_BYTES - (uintptr_t)out % LINE_BYTES) % LINE_BYTES / sizeof(double);
        if (head > len) head = len;
        size_t tail = head + (len - head) / LINE_PTS * LINE_PTS, j;
        for (j = 0; j < head; j++) out[j] = NAME(point)(a, dim, j);
        for (; j < tail; j += LINE_PTS) {
            if (j == 0 || j + LINE_PTS > last) {
                _Alignas(LINE_BYTES) double buf[LINE_PTS];
                for (size_t k = 0; k < LINE_PTS; k++) buf[k] = NAME(point)(a, dim, j + k);
                for (size_t k = 0; k < LINE_PTS; k += VLEN) VSTREAM(out + j + k, VLOAD(buf + k));
            } else {
                for (size_t k = 0; k < LINE_PTS; k += VLEN)
                    VSTREAM(out + j + k, NAME(vpoint)(a, dim, j + k));
            }
        }
        for (; j < len; j++) out[j] = NAME(point)(a, dim, j);
        return;
    }
#endif
    (void)stream;
    out[0] = NAME(point)(a, dim, 0);
    out[last] = NAME(point)(a, dim, last);
    const double *restrict c = a->c, *restrict m0 = a->m0, *restrict p0 = a->p0;
    const double r0 = a->r0, r1 = a->r1;
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
#undef VSTREAM
#undef VSET1
