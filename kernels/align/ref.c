/* The plain dynamic programme (include/pel/align.h): full H, E and F
 * matrices and the traceback over them; the linear-space scalar score; and
 * the assembly of a traceback into a CIGAR string and the aligned pair.
 * Every other path (striped SIMD, the tiled wavefront) is tested against
 * pel_align_reference. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/align.h"

pel_status peli_align_encode(pel_align *al, const char *seq, size_t n, const char *what,
                             uint8_t **out)
{
    *out = NULL;
    if (n > 0 && !seq) return pel_error(al->ctx, PEL_EINVAL, "align: %s is NULL", what);
    uint8_t *c = malloc(n ? n : 1);
    if (!c) return pel_error(al->ctx, PEL_ENOMEM, "align: no memory for %s (%zu residues)", what, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)seq[i];
        if (al->s.code[x] == PELI_ALIGN_BAD) {
            free(c);
            if (x >= 0x20 && x < 0x7f)
                return pel_error(al->ctx, PEL_EINVAL, "align: %s: invalid residue '%c' at %zu",
                                 what, x, i + 1);
            return pel_error(al->ctx, PEL_EINVAL, "align: %s: invalid residue '\\x%02x' at %zu",
                             what, x, i + 1);
        }
        c[i] = al->s.code[x];
    }
    *out = c;
    return PEL_OK;
}

long peli_align_scalar_score(const pel_align *al, const uint8_t *a, size_t na, const uint8_t *b,
                             size_t nb, int32_t *work)
{
    const int local = al->p.mode == PEL_ALIGN_LOCAL;
    const int32_t open = al->p.gap_open, ext = al->p.gap_extend;
    int32_t *hrow = work, *frow = work + nb + 1; /* H(i-1, j), F(i-1, j) */
    for (size_t j = 0; j <= nb; j++) {
        hrow[j] = local ? 0 : peli_align_edge(al, j);
        frow[j] = PELI_ALIGN_NEG;
    }
    int32_t best = 0;
    for (size_t i = 1; i <= na; i++) {
        if (!(i & 15) && peli_cancelled(al->ctx)) return PELI_ALIGN_CANCELLED;
        const int *srow = al->s.sub[a[i - 1]];
        int32_t hdiag = hrow[0];
        int32_t hleft = local ? 0 : peli_align_edge(al, i), eleft = PELI_ALIGN_NEG;
        hrow[0] = hleft;
        frow[0] = local ? PELI_ALIGN_NEG : hleft;
        for (size_t j = 1; j <= nb; j++) {
            int32_t h, e, f;
            peli_align_cell(hdiag, hrow[j], frow[j], hleft, eleft, srow[b[j - 1]], open, ext, local,
                            &h, &e, &f);
            hdiag = hrow[j];
            hrow[j] = h;
            frow[j] = f;
            hleft = h;
            eleft = e;
            if (h > best) best = h;
        }
    }
    return local ? best : hrow[nb];
}

pel_status peli_align_build(pel_align *al, const char *a, const char *b, size_t a_begin,
                            size_t b_begin, const char *ops_rev, size_t n, pel_align_result *r)
{
    char *rowa = malloc(n + 1), *rowb = malloc(n + 1), *cig = malloc(n * 21 + 1);
    if (!rowa || !rowb || !cig) {
        free(rowa);
        free(rowb);
        free(cig);
        return pel_error(al->ctx, PEL_ENOMEM, "align: no memory for a traceback of %zu columns", n);
    }
    size_t ia = a_begin, ib = b_begin, c = 0;
    char run = 0;
    size_t runlen = 0;
    for (size_t k = 0; k < n; k++) {
        char op = ops_rev[n - 1 - k];
        if (op == 'M') {
            rowa[k] = a[ia];
            rowb[k] = b[ib];
            op = toupper((unsigned char)a[ia]) == toupper((unsigned char)b[ib]) ? '=' : 'X';
            ia++;
            ib++;
        } else if (op == 'I') {
            rowa[k] = a[ia++];
            rowb[k] = '-';
        } else {
            rowa[k] = '-';
            rowb[k] = b[ib++];
        }
        if (op != run && runlen) {
            c += (size_t)sprintf(cig + c, "%zu%c", runlen, run);
            runlen = 0;
        }
        run = op;
        runlen++;
    }
    if (runlen) c += (size_t)sprintf(cig + c, "%zu%c", runlen, run);
    cig[c] = 0;
    rowa[n] = rowb[n] = 0;
    r->cigar = cig;
    r->a_row = rowa;
    r->b_row = rowb;
    return PEL_OK;
}

void pel_align_result_free(pel_align_result *r)
{
    if (!r) return;
    free(r->cigar);
    free(r->a_row);
    free(r->b_row);
    r->cigar = r->a_row = r->b_row = NULL;
}

/* ---- the reference ------------------------------------------------------------ */

pel_status pel_align_reference(pel_align *al, const char *a, size_t na, const char *b, size_t nb,
                               int traceback, pel_align_result *r)
{
    if (!al) return PEL_EINVAL;
    pel_context *ctx = al->ctx;
    PEL_REQUIRE(ctx, r != NULL, "align: the result pointer must not be NULL");
    memset(r, 0, sizeof *r);
    pel_status st0 = peli_align_check_sizes(al, na, nb);
    if (st0 != PEL_OK) return st0;
    size_t w = nb + 1;
    PEL_REQUIRE(ctx, na < ((size_t)1 << 31) && nb < ((size_t)1 << 31) && (na + 1) <= SIZE_MAX / 12 / w,
                "align: reference: %zu x %zu cells is too large for the full matrices", na, nb);
    uint8_t *ca = NULL, *cb = NULL;
    pel_status st = peli_align_encode(al, a, na, "sequence a", &ca);
    if (st == PEL_OK) st = peli_align_encode(al, b, nb, "sequence b", &cb);
    int32_t *H = NULL, *E = NULL, *F = NULL;
    char *ops = NULL;
    if (st == PEL_OK) {
        H = malloc((na + 1) * w * sizeof *H);
        E = malloc((na + 1) * w * sizeof *E);
        F = malloc((na + 1) * w * sizeof *F);
        ops = malloc(na + nb + 1);
        if (!H || !E || !F || !ops)
            st = pel_error(ctx, PEL_ENOMEM, "align: reference: no memory for %zu x %zu cells", na,
                           nb);
    }
    if (st != PEL_OK) goto done;
    const int local = al->p.mode == PEL_ALIGN_LOCAL;
    const int32_t open = al->p.gap_open, ext = al->p.gap_extend;
#define AT(M, i, j) M[(size_t)(i) * w + (j)]
    for (size_t j = 0; j <= nb; j++) {
        AT(H, 0, j) = local ? 0 : peli_align_edge(al, j);
        AT(E, 0, j) = local || j == 0 ? PELI_ALIGN_NEG : AT(H, 0, j);
        AT(F, 0, j) = PELI_ALIGN_NEG;
    }
    int32_t best = 0;
    size_t bi = 0, bj = 0;
    for (size_t i = 1; i <= na; i++) {
        AT(H, i, 0) = local ? 0 : peli_align_edge(al, i);
        AT(E, i, 0) = PELI_ALIGN_NEG;
        AT(F, i, 0) = local ? PELI_ALIGN_NEG : AT(H, i, 0);
        for (size_t j = 1; j <= nb; j++) {
            peli_align_cell(AT(H, i - 1, j - 1), AT(H, i - 1, j), AT(F, i - 1, j), AT(H, i, j - 1),
                            AT(E, i, j - 1), al->s.sub[ca[i - 1]][cb[j - 1]], open, ext, local,
                            &AT(H, i, j), &AT(E, i, j), &AT(F, i, j));
            if (AT(H, i, j) > best) {
                best = AT(H, i, j);
                bi = i;
                bj = j;
            }
        }
    }
    if (!local) {
        best = AT(H, na, nb);
        bi = na;
        bj = nb;
    }
    r->score = best;
    r->a_end = bi;
    r->b_end = bj;
    if (local && best == 0) {
        r->a_end = r->b_end = 0;
        if (traceback) st = peli_align_build(al, a, b, 0, 0, "", 0, r);
        goto done;
    }
    if (!traceback) {
        goto done; /* a_begin = b_begin = 0: not traced */
    }
    /* The traceback: from the end cell in state H; at each cell the first
     * of these that holds: (local) H = 0 ends it; H from the diagonal; H =
     * E; H = F.  In a gap state the opening is preferred to an extension. */
    size_t i = bi, j = bj, n = 0;
    int state = 0; /* 0 H, 1 E, 2 F */
    for (;;) {
        if (i == 0 || j == 0) {
            if (local) break;
            while (j > 0) ops[n++] = 'D', j--;
            while (i > 0) ops[n++] = 'I', i--;
            break;
        }
        if (state == 0) {
            int32_t h = AT(H, i, j);
            if (local && h == 0) break;
            if (h == AT(H, i - 1, j - 1) + al->s.sub[ca[i - 1]][cb[j - 1]]) {
                ops[n++] = 'M';
                i--;
                j--;
            } else if (h == AT(E, i, j)) {
                state = 1;
            } else {
                state = 2;
            }
        } else if (state == 1) {
            ops[n++] = 'D';
            state = AT(E, i, j) == AT(H, i, j - 1) - open ? 0 : 1;
            j--;
        } else {
            ops[n++] = 'I';
            state = AT(F, i, j) == AT(H, i - 1, j) - open ? 0 : 2;
            i--;
        }
    }
#undef AT
    r->a_begin = i;
    r->b_begin = j;
    st = peli_align_build(al, a, b, i, j, ops, n, r);
done:
    free(ca);
    free(cb);
    free(H);
    free(E);
    free(F);
    free(ops);
    return st;
}
