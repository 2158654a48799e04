/* One instance of the striped kernels (Farrar, Bioinformatics 23(2), 2007):
 * the query profile, local (Smith-Waterman) and global (Needleman-Wunsch)
 * scoring, included by striped.c once per instruction set and lane width.
 * The includer defines, for the instruction set:
 *   ISA            the instance names' suffix (avx2, avx512)
 *   VBITS          bits per vector; VT the vector type
 *   VZERO(), VLOAD(p), VSTORE(p, v)
 *   VOP(op)        the intrinsic of op on this ISA (_mm256_ ## op, through
 *                  PEL_CAT(a, b), which pastes its expanded arguments)
 *   VANYGT_(cmp, a, b)  some lane of a > b, given the compare intrinsic
 *   SHL_BYTES(a, NB)    the vector up by NB bytes (NB <= 16), zeros shifted in
 *   SHL_HALF(a)         the vector up by half its width, zeros shifted in
 * and EW, the lane width in bits (8, 16 or 32).  Everything that depends on
 * the width is derived here, so the three widths share one body.
 *
 * The query is laid out in stripes: lane k of segment s holds query position
 * k * seglen + s.  The main loop runs down the segments with F carried within
 * each lane; F then crosses the lanes (from lane k's last segment into lane
 * k + 1's first) by a prefix scan (stripes of at most PELI_STRIPED_SCAN_MAX
 * segments, and global scores), or by the lazy-F loop, correcting H while a
 * candidate F can still beat H - gap_open somewhere. */

#define PEL_CAT3(a, b, c) PEL_CAT(PEL_CAT(a, b), c)
#define NAME(f) PEL_CAT3(f##_, ISA, PEL_CAT(_, EW))
#define LANES (VBITS / EW)

#if EW == 8
#define ET int8_t
#define VNEG INT8_MIN
#define VTOP INT8_MAX /* the top of a saturating lane */
#define VADDS(a, b) VOP(adds_epi8)((a), (b))
#define VSUBS(a, b) VOP(subs_epi8)((a), (b))
#elif EW == 16
#define ET int16_t
#define VNEG INT16_MIN
#define VTOP INT16_MAX
#define VADDS(a, b) VOP(adds_epi16)((a), (b))
#define VSUBS(a, b) VOP(subs_epi16)((a), (b))
#else
/* 32 bits never saturate: minus infinity is -2^29, and the callers refuse
 * lengths whose scores could approach it (peli_align_check_sizes) */
#define ET int32_t
#define VNEG PELI_ALIGN_NEG
#define VTOP 0 /* no saturation check */
#define VADDS(a, b) VOP(add_epi32)((a), (b))
#define VSUBS(a, b) VOP(sub_epi32)((a), (b))
#endif
#define VSET1(x) VOP(PEL_CAT(set1_epi, EW))((ET)(x))
#define VMAX(a, b) VOP(PEL_CAT(max_epi, EW))((a), (b))
#define VMIN(a, b) VOP(PEL_CAT(min_epi, EW))((a), (b))
#define VANYGT(a, b) VANYGT_(VOP(PEL_CAT(cmpgt_epi, EW)), (a), (b))
#define VSHL1(a) SHL_BYTES((a), EW / 8) /* lane k <- lane k - 1, lane 0 <- 0 */
/* one step of the local scan: lane k <- max(lane k, lane k - d - dec) for
 * d < LANES / 2 (at most 16 bytes: SHL_BYTES) and d = LANES / 2 (SHL_HALF);
 * the shifts take immediates, so the steps are written out, not looped */
#define VSCAN(v, d, dec) VMAX((v), VSUBS(SHL_BYTES((v), (d) * EW / 8), (dec)))
#define VSCAN_HALF(v, dec) VMAX((v), VSUBS(SHL_HALF(v), (dec)))

/* A vector of v in lane 0 and rest elsewhere. */
static inline VT NAME(lane0)(long v, long rest)
{
    ET lane[LANES];
    for (int k = 0; k < LANES; k++) lane[k] = (ET)rest;
    lane[0] = (ET)v;
    VT x;
    memcpy(&x, lane, sizeof lane);
    return x;
}

/* The profile: for each residue code c, seglen vectors of s(q_i, c).  A
 * position past the query holds pad: minus infinity for local scoring (its
 * H stays 0), 0 for global (its H then stays between the values of the real
 * rows above it and never trips the saturation check; nothing below the
 * query reads it). */
static void NAME(profile)(const pel_align *al, const uint8_t *q, size_t nq, size_t seglen, int pad,
                          void *profv)
{
    VT *prof = profv;
    ET lane[LANES];
    for (int c = 0; c < al->s.n; c++)
        for (size_t s = 0; s < seglen; s++) {
            for (int k = 0; k < LANES; k++) {
                size_t i = (size_t)k * seglen + s;
                lane[k] = i < nq ? (ET)al->s.sub[q[i]][c] : (ET)pad;
            }
            memcpy(&prof[(size_t)c * seglen + s], lane, sizeof lane);
        }
}

/* Local: the lazy-F pass also stops when no candidate is positive (a gap
 * value <= 0 can never raise an H, which is at least 0, nor can anything
 * derived from it), so most columns of unrelated sequences need no pass.  F
 * shifts minus infinity into lane 0 (query position 0 has no cell above
 * it); H, which shifts in the zeros of row 0, never falls below 0, so only
 * saturation at the top can spoil a score: a maximum at the lane's largest
 * value is reported as saturated (then the caller rescores wider). */
typedef struct NAME(lstate) {
    VT *hst, *hld, *ebuf; /* this column's H, the last one's, E */
    VT vmax;
    VT vfp; /* scan path: the last column's incoming F at segment 0 of each lane, not yet
             * applied to its H (hld), which the next column completes as it reads it */
} NAME(lstate);

typedef struct NAME(lconst) {
    VT vopen, vext, vneg0; /* vneg0: minus infinity in lane 0, 0 elsewhere */
    VT vdec[8];            /* the scan's decay over 2^k lanes */
    VT vdecl;              /* (seglen - 1) ext, at most the lane top: F down to the last segment */
    size_t seglen;
    int scan;
} NAME(lconst);

static void NAME(lsetup)(NAME(lconst) *c, const peli_striped *sp)
{
    c->vopen = VSET1(sp->open);
    c->vext = VSET1(sp->ext);
    c->vneg0 = NAME(lane0)(VNEG, 0);
    c->seglen = sp->seglen;
    c->scan = sp->seglen <= PELI_STRIPED_SCAN_MAX;
    /* d seglen ext over d lanes, at most the lane top (a candidate decayed
     * to <= 0 cannot raise a local H anyway) */
    long top = VTOP > 0 ? VTOP : (1L << 28), decl = (long)(sp->seglen - 1) * sp->ext;
    for (int d = 1, k = 0; d < LANES; d *= 2, k++) {
        long dec = (long)d * (long)sp->seglen * sp->ext;
        c->vdec[k] = VSET1(dec < top ? dec : top);
    }
    c->vdecl = VSET1(decl < top ? decl : top);
}

static void NAME(lstart)(NAME(lstate) *st, size_t seglen, void *workv)
{
    VT *work = workv;
    const VT vzero = VZERO(), vneg = VSET1(VNEG);
    st->hst = work;
    st->hld = work + seglen;
    st->ebuf = work + 2 * seglen;
    st->vmax = vzero;
    st->vfp = vneg;
    for (size_t s = 0; s < seglen; s++) {
        VSTORE(&st->hst[s], vzero);
        VSTORE(&st->hld[s], vzero);
        VSTORE(&st->ebuf[s], vneg);
    }
}

/* One column (p: the profile's vectors of this column's residue); `scan` is
 * a constant where it is inlined (NAME(lcol)), so each path has its loop. */
static inline __attribute__((always_inline)) void NAME(lcol_)(const NAME(lconst) *c,
                                                              NAME(lstate) *st, const VT *p,
                                                              const int scan)
{
    const VT vopen = c->vopen, vext = c->vext, vzero = VZERO(), vneg0 = c->vneg0;
    const size_t seglen = c->seglen;
    VT *hst = st->hld, *hld = st->hst, *ebuf = st->ebuf;
    VT vmax = st->vmax, vf = VSET1(VNEG), vfp = st->vfp;
    /* scan path: the last column's H completed by its incoming F as it is
     * read (F decays by ext a segment); the lazy-F loop stored it complete */
    VT vh = VLOAD(&hld[seglen - 1]);
    if (scan) vh = VMAX(vh, VSUBS(vfp, c->vdecl));
    vh = VSHL1(vh);
    for (size_t s = 0; s < seglen; s++) {
        /* E from the last column's complete H, so the lazy-F loop corrects
         * H alone.  F's chain from one segment to the next is two
         * operations: the next F is max(F - ext, H - open), and with H =
         * max(H', F) that is max(F - ext, H' - open, F - open) = max(F -
         * ext, H' - open) (open >= ext; saturating subtraction is
         * monotone), H' = max(diagonal, E, 0) not depending on F. */
        VT hup = VLOAD(&hld[s]);
        if (scan) {
            hup = VMAX(hup, vfp);
            vfp = VSUBS(vfp, vext);
        }
        VT ve = VMAX(VSUBS(VLOAD(&ebuf[s]), vext), VSUBS(hup, vopen));
        VSTORE(&ebuf[s], ve);
        vh = VADDS(vh, VLOAD(&p[s]));
        vh = VMAX(vh, ve);
        vh = VMAX(vh, vzero);
        VT hopen1 = VSUBS(vh, vopen);
        vh = VMAX(vh, vf);
        vmax = VMAX(vmax, vh);
        VSTORE(&hst[s], vh);
        vf = VMAX(VSUBS(vf, vext), hopen1);
        vh = hup;
    }
    vf = VADDS(VSHL1(vf), vneg0);
    /* The best H is never one F gives (F <= an H above it - open: a local
     * maximum never ends in a gap), so the F across the lanes leaves vmax
     * alone. */
    if (scan) {
        /* Short stripes: F crosses many lanes in a column, and the lazy-F
         * loop below would wrap round the segments again and again, on a
         * branch the processor cannot predict.  Instead: lane k's incoming
         * F is the best of every lane k' < k's outgoing one decayed over
         * the (k - k' - 1) seglen rows between, a prefix maximum in
         * log2(lanes) shifts, applied by the next column as it reads this
         * one's H (above), without a branch or a pass of its own. */
        vf = VSCAN(vf, 1, c->vdec[0]); /* LANES >= 8 */
        vf = VSCAN(vf, 2, c->vdec[1]);
#if LANES >= 16
        vf = VSCAN(vf, 4, c->vdec[2]);
#endif
#if LANES >= 32
        vf = VSCAN(vf, 8, c->vdec[3]);
#endif
#if LANES >= 64
        vf = VSCAN(vf, 16, c->vdec[4]);
#endif
        vf = VSCAN_HALF(vf, c->vdec[LANES == 8 ? 2 : LANES == 16 ? 3 : LANES == 32 ? 4 : 5]);
        st->vfp = vf;
    } else {
        size_t s = 0;
        for (;;) {
            VT vh2 = VLOAD(&hst[s]);
            if (!VANYGT(vf, VMAX(VSUBS(vh2, vopen), vzero))) break;
            VSTORE(&hst[s], VMAX(vh2, vf));
            vf = VSUBS(vf, vext);
            if (++s == seglen) {
                s = 0;
                vf = VADDS(VSHL1(vf), vneg0);
            }
        }
    }
    st->hst = hst;
    st->hld = hld;
    st->vmax = vmax;
}

static inline __attribute__((always_inline)) void NAME(lcol)(const NAME(lconst) *c,
                                                             NAME(lstate) *st, const VT *p)
{
    if (c->scan)
        NAME(lcol_)(c, st, p, 1);
    else
        NAME(lcol_)(c, st, p, 0);
}

static long NAME(lfinish)(const NAME(lstate) *st, int *saturated)
{
    ET lane[LANES];
    memcpy(lane, &st->vmax, sizeof lane);
    long best = 0;
    for (int k = 0; k < LANES; k++)
        if (lane[k] > best) best = lane[k];
    *saturated = VTOP > 0 && best >= VTOP;
    return best;
}

static long NAME(local)(const peli_striped *sp, const uint8_t *b, size_t nb, void *workv,
                        int *saturated)
{
    const VT *prof = sp->prof;
    NAME(lconst) c;
    NAME(lsetup)(&c, sp);
    NAME(lstate) st;
    NAME(lstart)(&st, c.seglen, workv);
    for (size_t j0 = 0; j0 < nb; j0 += PELI_ALIGN_CHECK) {
        if (j0 && peli_cancelled(sp->ctx)) return PELI_ALIGN_CANCELLED;
        const size_t je = nb - j0 > PELI_ALIGN_CHECK ? j0 + PELI_ALIGN_CHECK : nb;
        for (size_t j = j0; j < je; j++) NAME(lcol)(&c, &st, prof + (size_t)b[j] * c.seglen);
    }
    return NAME(lfinish)(&st, saturated);
}

/* Two database sequences against one profile, their columns alternating:
 * the two recurrences are independent, so the processor overlaps them (a
 * short query's column is one chain of dependent steps, the segments and
 * the scan, which alone leaves most of the core idle).  Each score is
 * exactly the one NAME(local) gives. */
static void NAME(local2)(const peli_striped *sp, const uint8_t *b1, size_t n1, const uint8_t *b2,
                         size_t n2, void *work1, void *work2, long *s1, int *sat1, long *s2,
                         int *sat2)
{
    const VT *prof = sp->prof;
    NAME(lconst) c;
    NAME(lsetup)(&c, sp);
    NAME(lstate) x, y;
    NAME(lstart)(&x, c.seglen, work1);
    NAME(lstart)(&y, c.seglen, work2);
    size_t n = n1 < n2 ? n1 : n2, j = 0;
    while (j < n) {
        if (j && peli_cancelled(sp->ctx)) goto cancelled;
        const size_t je = n - j > PELI_ALIGN_CHECK ? j + PELI_ALIGN_CHECK : n;
        for (; j < je; j++) {
            NAME(lcol)(&c, &x, prof + (size_t)b1[j] * c.seglen);
            NAME(lcol)(&c, &y, prof + (size_t)b2[j] * c.seglen);
        }
    }
    /* the longer one's tail (one of the two loops runs) */
    for (size_t k = j; k < n1; k++) {
        if (!((k - j + 1) & (PELI_ALIGN_CHECK - 1)) && peli_cancelled(sp->ctx)) goto cancelled;
        NAME(lcol)(&c, &x, prof + (size_t)b1[k] * c.seglen);
    }
    for (size_t k = j; k < n2; k++) {
        if (!((k - j + 1) & (PELI_ALIGN_CHECK - 1)) && peli_cancelled(sp->ctx)) goto cancelled;
        NAME(lcol)(&c, &y, prof + (size_t)b2[k] * c.seglen);
    }
    *s1 = NAME(lfinish)(&x, sat1);
    *s2 = NAME(lfinish)(&y, sat2);
    return;
cancelled:
    *s1 = *s2 = PELI_ALIGN_CANCELLED;
    *sat1 = *sat2 = 0;
}

/* Global: column 0 holds H(i, 0) = -(open + (i - 1) ext), row 0 enters lane
 * 0 of each column (H(0, j - 1) on the diagonal, F(1, j) = H(0, j) - open),
 * and the score is H(nq, nb), read from its lane at the end.  Nothing is
 * clamped at 0, so saturation can strike at both ends.  Saturating
 * arithmetic only ever raises a value to the lane minimum (or lowers one to
 * the maximum), so while every H stays at or above sp->low (the minimum
 * plus open + ext + the largest penalty of the matrix) each candidate built
 * from an H is exact, and one that was clamped (an E or F run far below)
 * sits at the minimum, below every H, and never wins a max: the score is
 * exact.  So the kernel keeps the running minimum and maximum of H and
 * reports saturation when one left [low, top): the caller rescores wider.
 * The boundary values themselves are checked before (peli_striped_fits). */
static long NAME(global)(const peli_striped *sp, const uint8_t *b, size_t nb, void *workv,
                         int *saturated)
{
    const VT *prof = sp->prof;
    const size_t seglen = sp->seglen, nq = sp->nq;
    const long open = sp->open, ext = sp->ext;
    VT *work = workv;
    const VT vopen = VSET1(open), vext = VSET1(ext), vneg = VSET1(VNEG);
    const VT vneg0 = NAME(lane0)(VNEG, 0), vnegx = NAME(lane0)(0, VNEG);
    const VT l0open = NAME(lane0)(open, 0), l0ext = NAME(lane0)(ext, 0);
    VT *hst = work, *hld = work + seglen, *ebuf = work + 2 * seglen;
    VT vmin = VSET1(VTOP), vmax = vneg;
    /* the scan's decay over d lanes, d seglen ext, in two parts each at most
     * the lane top: a decayed candidate then ends at or below the top minus
     * twice the top, under `low`, where it can never win (see above) */
    VT vdec[6], vdec2[6], vlow[6]; /* vlow: minus infinity in the d lanes a shift empties */
    for (int d = 1, k = 0; d < LANES; d *= 2, k++) {
        ET lane[LANES];
        for (int i = 0; i < LANES; i++) lane[i] = (ET)(i < d ? VNEG : 0);
        memcpy(&vlow[k], lane, sizeof lane);
        long dec = (long)d * (long)seglen * ext;
        long d1 = VTOP > 0 && dec > VTOP ? VTOP : dec, d2 = dec - d1;
        if (VTOP > 0 && d2 > VTOP) d2 = VTOP;
        vdec[k] = VSET1(d1);
        vdec2[k] = VSET1(d2);
    }
    {
        ET lane[LANES];
        for (size_t s = 0; s < seglen; s++) {
            for (int k = 0; k < LANES; k++) {
                size_t i = (size_t)k * seglen + s; /* row i + 1; rows past the query: row nq's */
                size_t r = i < nq ? i + 1 : nq;
                lane[k] = (ET)(-(open + (long)(r - 1) * ext));
            }
            memcpy(&hst[s], lane, sizeof lane);
            VSTORE(&ebuf[s], vneg);
        }
    }
    VT bdiag = VZERO(); /* H(0, j - 1) in lane 0 */
    for (size_t j = 0; j < nb; j++) {
        if (!(j & (PELI_ALIGN_CHECK - 1)) && j && peli_cancelled(sp->ctx)) return PELI_ALIGN_CANCELLED;
        const VT *p = prof + (size_t)b[j] * seglen;
        VT bcur = VSUBS(bdiag, j == 0 ? l0open : l0ext); /* H(0, j) */
        VT vf = VADDS(VSUBS(bcur, l0open), vnegx);
        VT vh = VADDS(VSHL1(VLOAD(&hst[seglen - 1])), bdiag);
        bdiag = bcur;
        VT *t = hld;
        hld = hst;
        hst = t;
        for (size_t s = 0; s < seglen; s++) {
            /* F's chain of two operations, as in NAME(lcol) */
            vh = VADDS(vh, VLOAD(&p[s]));
            VT ve = VLOAD(&ebuf[s]);
            vh = VMAX(vh, ve);
            VT hopen1 = VSUBS(vh, vopen);
            vh = VMAX(vh, vf);
            if (VTOP > 0) {
                vmin = VMIN(vmin, vh);
                vmax = VMAX(vmax, vh);
            }
            VSTORE(&hst[s], vh);
            VSTORE(&ebuf[s], VMAX(VSUBS(ve, vext), VSUBS(vh, vopen)));
            vf = VMAX(VSUBS(vf, vext), hopen1);
            vh = VLOAD(&hld[s]);
        }
        vf = VADDS(VSHL1(vf), vneg0);
        {
            /* F across the lanes by the scan of NAME(lcol), for every stripe
             * length: a global lazy-F loop, which nothing stops at 0, ran up
             * to seven times longer on queries of 2500-4000 residues.  A
             * shift's zeros are no lower bound for a global F: minus
             * infinity goes into the emptied lanes. */
#define GSCAN(k, SHIFTED) vf = VMAX(vf, VSUBS(VSUBS(VADDS(SHIFTED, vlow[k]), vdec[k]), vdec2[k]))
            GSCAN(0, SHL_BYTES(vf, EW / 8));
            GSCAN(1, SHL_BYTES(vf, 2 * EW / 8));
#if LANES >= 16
            GSCAN(2, SHL_BYTES(vf, 4 * EW / 8));
#endif
#if LANES >= 32
            GSCAN(3, SHL_BYTES(vf, 8 * EW / 8));
#endif
#if LANES >= 64
            GSCAN(4, SHL_BYTES(vf, 16 * EW / 8));
#endif
            GSCAN(LANES == 8 ? 2 : LANES == 16 ? 3 : LANES == 32 ? 4 : 5, SHL_HALF(vf));
#undef GSCAN
            for (size_t s = 0; s < seglen; s++) {
                VT vh2 = VMAX(VLOAD(&hst[s]), vf);
                VSTORE(&hst[s], vh2);
                if (VTOP > 0) vmax = VMAX(vmax, vh2);
                VSTORE(&ebuf[s], VMAX(VLOAD(&ebuf[s]), VSUBS(vh2, vopen)));
                vf = VSUBS(vf, vext);
            }
        }
    }
    ET lane[LANES];
    memcpy(lane, &hst[(nq - 1) % seglen], sizeof lane);
    long score = lane[(nq - 1) / seglen];
    *saturated = 0;
    if (VTOP > 0) {
        ET lo[LANES], hi[LANES];
        memcpy(lo, &vmin, sizeof lo);
        memcpy(hi, &vmax, sizeof hi);
        for (int k = 0; k < LANES; k++)
            if (lo[k] < sp->low || hi[k] >= VTOP) *saturated = 1;
    }
    return score;
}

#undef PEL_CAT3
#undef NAME
#undef LANES
#undef ET
#undef VNEG
#undef VTOP
#undef VADDS
#undef VSUBS
#undef VSET1
#undef VMAX
#undef VMIN
#undef VANYGT
#undef VSHL1
#undef VSCAN
#undef VSCAN_HALF
