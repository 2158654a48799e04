/* One instance of the striped Smith-Waterman kernel (Farrar, Bioinformatics
 * 23(2), 2007), included by striped.c once per instruction set and lane
 * width.  The includer defines:
 *   NAME(f)  this instance's name of f
 *   VT, ET   the vector type and its lane type; LANES lanes per vector
 *   VNEG     the lanes' minus infinity (saturating widths: the lane minimum)
 *   VTOP     the lane maximum of a saturating width, 0 for 32 bits
 *   VSET1(x), VZERO(), VLOAD(p), VSTORE(p, v)
 *   VADDS(a, b), VSUBS(a, b)  saturating for 8 and 16 bits
 *   VMAX(a, b), VANYGT(a, b)  (some lane of a > b)
 *   VSHL1(a)  lane k <- lane k - 1, lane 0 <- 0
 *
 * The query is laid out in stripes: lane k of segment s holds query position
 * k * seglen + s.  The main loop runs down the segments with F carried within
 * each lane; the lazy-F loop then carries F across the lanes (from lane k's
 * last segment into lane k + 1's first), correcting H and the next column's E
 * while a candidate F can still beat H - gap_open somewhere and is positive:
 * a gap value <= 0 can never raise an H (which is at least 0), nor can
 * anything derived from it, so a local alignment stops there (most columns
 * of unrelated sequences need no pass at all).  F shifts minus
 * infinity into lane 0 (query position 0 has no cell above it); H, which
 * shifts in the zeros of row 0, never falls below 0, so only saturation at
 * the top can spoil a score: a maximum at the lane's largest value is
 * reported as saturated (then striped.c rescores at the next width). */

static void NAME(profile)(const pel_align *al, const uint8_t *q, size_t nq, size_t seglen, void *profv)
{
    VT *prof = profv;
    ET lane[LANES];
    for (int c = 0; c < al->s.n; c++)
        for (size_t s = 0; s < seglen; s++) {
            for (int k = 0; k < LANES; k++) {
                size_t i = (size_t)k * seglen + s;
                lane[k] = i < nq ? (ET)al->s.sub[q[i]][c] : (ET)VNEG;
            }
            memcpy(&prof[(size_t)c * seglen + s], lane, sizeof lane);
        }
}

static long NAME(score)(const void *profv, size_t seglen, const uint8_t *b, size_t nb, int open,
                        int ext, void *workv, int *saturated)
{
    const VT *prof = profv;
    VT *work = workv;
    const VT vopen = VSET1(open), vext = VSET1(ext), vzero = VZERO(), vneg = VSET1(VNEG);
    VT *hst = work, *hld = work + seglen, *ebuf = work + 2 * seglen;
    VT vmax = vzero, vneg0; /* vneg0: minus infinity in lane 0, 0 elsewhere */
    {
        ET lane0[LANES] = {0};
        lane0[0] = (ET)VNEG;
        memcpy(&vneg0, lane0, sizeof lane0);
    }
    for (size_t s = 0; s < seglen; s++) {
        VSTORE(&hst[s], vzero);
        VSTORE(&hld[s], vzero);
        VSTORE(&ebuf[s], vneg);
    }
    for (size_t j = 0; j < nb; j++) {
        const VT *p = prof + (size_t)b[j] * seglen;
        VT vf = vneg;
        VT vh = VSHL1(VLOAD(&hst[seglen - 1]));
        VT *t = hld;
        hld = hst;
        hst = t;
        for (size_t s = 0; s < seglen; s++) {
            vh = VADDS(vh, VLOAD(&p[s]));
            VT ve = VLOAD(&ebuf[s]);
            vh = VMAX(vh, ve);
            vh = VMAX(vh, vf);
            vh = VMAX(vh, vzero);
            vmax = VMAX(vmax, vh);
            VSTORE(&hst[s], vh);
            VT hopen = VSUBS(vh, vopen);
            VSTORE(&ebuf[s], VMAX(VSUBS(ve, vext), hopen));
            vf = VMAX(VSUBS(vf, vext), hopen);
            vh = VLOAD(&hld[s]);
        }
        vf = VADDS(VSHL1(vf), vneg0);
        size_t s = 0;
        for (;;) {
            VT vh2 = VLOAD(&hst[s]);
            if (!VANYGT(vf, VMAX(VSUBS(vh2, vopen), vzero))) break;
            vh2 = VMAX(vh2, vf);
            VSTORE(&hst[s], vh2);
            vmax = VMAX(vmax, vh2);
            VSTORE(&ebuf[s], VMAX(VLOAD(&ebuf[s]), VSUBS(vh2, vopen)));
            vf = VSUBS(vf, vext);
            if (++s == seglen) {
                s = 0;
                vf = VADDS(VSHL1(vf), vneg0);
            }
        }
    }
    ET lane[LANES];
    memcpy(lane, &vmax, sizeof lane);
    long best = 0;
    for (int k = 0; k < LANES; k++)
        if (lane[k] > best) best = lane[k];
    *saturated = VTOP > 0 && best >= VTOP;
    return best;
}
