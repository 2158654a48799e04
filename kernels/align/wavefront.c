/* One pair as a tiled wavefront (include/pel/align.h, pel_align_pair).
 *
 * The (na + 1) x (nb + 1) matrix is cut into T x T tiles; tile (k, l) is a
 * task depending on its upper, left and upper-left neighbours.  A tile reads
 * the row above it (H and F, from boundary row k) and the column left of it
 * (H and E, from boundary column l, whose entry at the row above is the
 * corner), computes its cells in place, and writes its last row into
 * boundary row k + 1 and its last column into boundary column l + 1: each
 * boundary entry has one writer, and every reader depends on it.  Memory:
 * the boundaries, 8 (na nb / T + na + nb) bytes about, never the full matrix.
 *
 * The traceback walks back from the end cell exactly as the reference does
 * (ref.c), recomputing each tile on its path from the stored boundaries into
 * one (T + 1)^2 cache: at most nTr + nTc tiles, (na + nb) T cells. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal/align.h"
#include "internal/team.h"

typedef struct wf_best {
    int32_t s;
    size_t i, j;
} wf_best;

typedef struct wf {
    const pel_align *al;
    const uint8_t *a, *b;
    size_t na, nb, T, ntr, ntc;
    int32_t *rowH, *rowF; /* (ntr + 1) x (nb + 1): row k is matrix row k T */
    int32_t *colH, *colE; /* (ntc + 1) x (na + 1): column l is matrix column l T */
    wf_best *best;        /* ntr x ntc */
    double *busy, *cpu;   /* per thread */
    char *dep;            /* ntr x ntc: the tasks' dependence objects */
    char none;            /* the dependence of a missing neighbour */
    int stop;             /* latched once a tile saw the cancellation flag (atomic) */
    size_t skipped;       /* tiles not computed (atomic) */
} wf;

static int better(const wf_best *x, const wf_best *y)
{
    return x->s > y->s || (x->s == y->s && (x->i < y->i || (x->i == y->i && x->j < y->j)));
}

static void tile(wf *w, size_t k, size_t l)
{
    /* a check point per tile: once cancelled every later tile skips (the
     * DAG drains without work), whatever the flag does meanwhile */
    if (__atomic_load_n(&w->stop, __ATOMIC_RELAXED) || peli_cancelled(w->al->ctx)) {
        __atomic_store_n(&w->stop, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&w->skipped, 1, __ATOMIC_RELAXED);
        return;
    }
    double t0 = pel_wtime(), c0 = peli_align_thread_cpu();
    const pel_align *al = w->al;
    const int local = al->p.mode == PEL_ALIGN_LOCAL;
    const int32_t open = al->p.gap_open, ext = al->p.gap_extend;
    size_t i0 = k * w->T + 1, i1 = (k + 1) * w->T < w->na ? (k + 1) * w->T : w->na;
    size_t j0 = l * w->T + 1, j1 = (l + 1) * w->T < w->nb ? (l + 1) * w->T : w->nb;
    size_t wr = w->nb + 1, wc = w->na + 1;
    const int32_t *htop = w->rowH + k * wr, *ftop = w->rowF + k * wr;
    int32_t *hr = w->rowH + (k + 1) * wr, *fr = w->rowF + (k + 1) * wr;
    const int32_t *hl = w->colH + l * wc, *el = w->colE + l * wc;
    int32_t *hc = w->colH + (l + 1) * wc, *ec = w->colE + (l + 1) * wc;
    memcpy(hr + j0, htop + j0, (j1 - j0 + 1) * sizeof *hr);
    memcpy(fr + j0, ftop + j0, (j1 - j0 + 1) * sizeof *fr);
    wf_best b = {0, 0, 0};
    for (size_t i = i0; i <= i1; i++) {
        const int *srow = al->s.sub[w->a[i - 1]];
        int32_t hdiag = hl[i - 1], hleft = hl[i], eleft = el[i];
        for (size_t j = j0; j <= j1; j++) {
            int32_t h, e, f;
            peli_align_cell(hdiag, hr[j], fr[j], hleft, eleft, srow[w->b[j - 1]], open, ext, local,
                            &h, &e, &f);
            hdiag = hr[j];
            hr[j] = h;
            fr[j] = f;
            hleft = h;
            eleft = e;
            if (h > b.s) {
                b.s = h;
                b.i = i;
                b.j = j;
            }
        }
        hc[i] = hleft;
        ec[i] = eleft;
    }
    w->best[k * w->ntc + l] = b;
    int t = peli_task_thread();
    w->busy[t] += pel_wtime() - t0;
    w->cpu[t] += peli_align_thread_cpu() - c0;
}

static void create_tiles(wf *w)
{
    for (size_t k = 0; k < w->ntr; k++)
        for (size_t l = 0; l < w->ntc; l++) {
            char *up = k ? &w->dep[(k - 1) * w->ntc + l] : &w->none;
            char *left = l ? &w->dep[k * w->ntc + l - 1] : &w->none;
            char *diag = k && l ? &w->dep[(k - 1) * w->ntc + l - 1] : &w->none;
            char *me = &w->dep[k * w->ntc + l];
            int prio = (int)((w->ntr + w->ntc - k - l) & 0x7fff);
            (void)up; /* GCC counts a use in depend() as none */
            (void)left;
            (void)diag;
            (void)me;
#pragma omp task default(none) firstprivate(w, k, l) depend(in : up[0], left[0], diag[0])      \
    depend(out : me[0]) priority(prio)
            tile(w, k, l);
        }
}

/* The tiles are created by one explicit task: libgomp keeps the table of
 * `depend` addresses in the creating task, and frees it when an explicit
 * task ends, but not with a team's implicit task (a leak LeakSanitizer
 * reports).  Whoever waits for peli_tasks waits for this task's children. */
static void make_tasks(int nt, void *arg)
{
    wf *w = arg;
    (void)nt;
#pragma omp task default(none) firstprivate(w)
    create_tiles(w);
}

/* Tile (k, l) again, every cell kept: c[(ii) (tj + 1) + jj] for matrix cell
 * (i0 - 1 + ii, j0 - 1 + jj), row 0 and column 0 from the boundaries. */
static void tile_full(const wf *w, size_t k, size_t l, int32_t *cH, int32_t *cE, int32_t *cF)
{
    const pel_align *al = w->al;
    const int local = al->p.mode == PEL_ALIGN_LOCAL;
    const int32_t open = al->p.gap_open, ext = al->p.gap_extend;
    size_t i0 = k * w->T + 1, i1 = (k + 1) * w->T < w->na ? (k + 1) * w->T : w->na;
    size_t j0 = l * w->T + 1, j1 = (l + 1) * w->T < w->nb ? (l + 1) * w->T : w->nb;
    size_t wr = w->nb + 1, wc = w->na + 1, cw = w->T + 1;
    for (size_t jj = 0; jj <= j1 - j0 + 1; jj++) {
        cH[jj] = w->rowH[k * wr + j0 - 1 + jj];
        cF[jj] = w->rowF[k * wr + j0 - 1 + jj];
        cE[jj] = PELI_ALIGN_NEG;
    }
    for (size_t i = i0; i <= i1; i++) {
        size_t ii = i - i0 + 1;
        cH[ii * cw] = w->colH[l * wc + i];
        cE[ii * cw] = w->colE[l * wc + i];
        cF[ii * cw] = PELI_ALIGN_NEG;
        const int *srow = al->s.sub[w->a[i - 1]];
        for (size_t j = j0; j <= j1; j++) {
            size_t jj = j - j0 + 1, at = ii * cw + jj;
            peli_align_cell(cH[at - cw - 1], cH[at - cw], cF[at - cw], cH[at - 1], cE[at - 1],
                            srow[w->b[j - 1]], open, ext, local, &cH[at], &cE[at], &cF[at]);
        }
    }
}

static pel_status traceback(pel_align *al, wf *w, const char *a, const char *b, size_t bi,
                            size_t bj, pel_align_result *r)
{
    const int local = al->p.mode == PEL_ALIGN_LOCAL;
    const int32_t open = al->p.gap_open;
    size_t cw = w->T + 1, cells = cw * cw;
    int32_t *cH = malloc(3 * cells * sizeof *cH);
    char *ops = malloc(w->na + w->nb + 1);
    if (!cH || !ops) {
        free(cH);
        free(ops);
        return pel_error(al->ctx, PEL_ENOMEM, "align: no memory for the traceback");
    }
    int32_t *cE = cH + cells, *cF = cE + cells;
    size_t ck = (size_t)-1, cl = (size_t)-1, i = bi, j = bj, n = 0;
    int state = 0;
    for (;;) {
        if (i == 0 || j == 0) {
            if (local) break;
            while (j > 0) ops[n++] = 'D', j--;
            while (i > 0) ops[n++] = 'I', i--;
            break;
        }
        size_t k = (i - 1) / w->T, l = (j - 1) / w->T;
        if (k != ck || l != cl) {
            tile_full(w, k, l, cH, cE, cF);
            ck = k;
            cl = l;
        }
        size_t at = (i - k * w->T) * cw + (j - l * w->T);
        if (state == 0) {
            int32_t h = cH[at];
            if (local && h == 0) break;
            if (h == cH[at - cw - 1] + al->s.sub[w->a[i - 1]][w->b[j - 1]]) {
                ops[n++] = 'M';
                i--;
                j--;
            } else if (h == cE[at]) {
                state = 1;
            } else {
                state = 2;
            }
        } else if (state == 1) {
            ops[n++] = 'D';
            state = cE[at] == cH[at - 1] - open ? 0 : 1;
            j--;
        } else {
            ops[n++] = 'I';
            state = cF[at] == cH[at - cw] - open ? 0 : 2;
            i--;
        }
    }
    r->a_begin = i;
    r->b_begin = j;
    pel_status st = peli_align_build(al, a, b, i, j, ops, n, r);
    free(cH);
    free(ops);
    return st;
}

pel_status pel_align_pair(pel_align *al, const char *a, size_t na, const char *b, size_t nb,
                          int traceback_on, pel_align_result *r)
{
    if (!al) return PEL_EINVAL;
    pel_context *ctx = al->ctx;
    PEL_REQUIRE(ctx, r != NULL, "align: the result pointer must not be NULL");
    memset(r, 0, sizeof *r);
    pel_status st = peli_align_check_sizes(al, na, nb);
    if (st != PEL_OK) return st;
    wf w = {0};
    w.al = al;
    w.na = na;
    w.nb = nb;
    w.T = al->p.tile;
    w.ntr = (na + w.T - 1) / w.T;
    w.ntc = (nb + w.T - 1) / w.T;
    uint8_t *ca = NULL, *cb = NULL;
    st = peli_align_encode(al, a, na, "sequence a", &ca);
    if (st == PEL_OK) st = peli_align_encode(al, b, nb, "sequence b", &cb);
    if (st != PEL_OK) goto done;
    w.a = ca;
    w.b = cb;
    size_t ntiles = w.ntr * w.ntc;
    w.rowH = malloc((w.ntr + 1) * (nb + 1) * sizeof *w.rowH);
    w.rowF = malloc((w.ntr + 1) * (nb + 1) * sizeof *w.rowF);
    w.colH = malloc((w.ntc + 1) * (na + 1) * sizeof *w.colH);
    w.colE = malloc((w.ntc + 1) * (na + 1) * sizeof *w.colE);
    w.best = calloc(ntiles ? ntiles : 1, sizeof *w.best);
    w.dep = calloc(ntiles ? ntiles : 1, 1);
    w.busy = calloc(PEL_ALIGN_MAX_THREADS, sizeof *w.busy);
    w.cpu = calloc(PEL_ALIGN_MAX_THREADS, sizeof *w.cpu);
    if (!w.rowH || !w.rowF || !w.colH || !w.colE || !w.best || !w.dep || !w.busy || !w.cpu) {
        st = pel_error(ctx, PEL_ENOMEM, "align: no memory for the tile boundaries of %zu x %zu", na,
                       nb);
        goto done;
    }
    const int local = al->p.mode == PEL_ALIGN_LOCAL;
    for (size_t j = 0; j <= nb; j++) {
        w.rowH[j] = local ? 0 : peli_align_edge(al, j);
        w.rowF[j] = PELI_ALIGN_NEG;
    }
    for (size_t i = 0; i <= na; i++) {
        w.colH[i] = local ? 0 : peli_align_edge(al, i);
        w.colE[i] = PELI_ALIGN_NEG;
    }
    for (size_t k = 0; k <= w.ntr; k++) w.rowH[k * (nb + 1)] = local ? 0 : peli_align_edge(al, k * w.T);
    for (size_t l = 0; l <= w.ntc; l++) w.colH[l * (na + 1)] = local ? 0 : peli_align_edge(al, l * w.T);
    double t0 = pel_wtime();
    int nt = 1;
    if (ntiles > 0) {
        PEL_REQUIRE(ctx, pel_context_threads(ctx) <= PEL_ALIGN_MAX_THREADS,
                    "align: %d threads: at most %d", pel_context_threads(ctx),
                    PEL_ALIGN_MAX_THREADS);
        nt = peli_tasks(ctx, ntiles, make_tasks, &w);
    }
    memset(&al->last, 0, sizeof al->last);
    if (w.stop) {
        st = peli_cancel_error(ctx, "align", ntiles - w.skipped, ntiles, "tiles");
        goto done;
    }
    al->last.seconds = pel_wtime() - t0;
    al->last.cells = (uint64_t)na * nb;
    al->last.tasks = ntiles;
    al->last.task_cells_max = (uint64_t)(na < w.T ? na : w.T) * (nb < w.T ? nb : w.T);
    al->last.threads = nt < PEL_ALIGN_MAX_THREADS ? nt : PEL_ALIGN_MAX_THREADS;
    for (int t = 0; t < al->last.threads; t++) {
        al->last.busy[t] = w.busy[t];
        al->last.cpu[t] = w.cpu[t];
    }
    al->last.isa = "scalar";
    wf_best best = {0, 0, 0};
    for (size_t t = 0; t < ntiles; t++)
        if (better(&w.best[t], &best)) best = w.best[t];
    if (!local) {
        best.s = w.rowH[w.ntr * (nb + 1) + nb];
        if (na == 0 || nb == 0) best.s = peli_align_edge(al, na + nb);
        best.i = na;
        best.j = nb;
    }
    r->score = best.s;
    r->a_end = best.i;
    r->b_end = best.j;
    if (traceback_on) {
        if (local && best.s == 0)
            st = peli_align_build(al, a, b, 0, 0, "", 0, r);
        else
            st = traceback(al, &w, a, b, best.i, best.j, r);
    }
done:
    free(ca);
    free(cb);
    free(w.rowH);
    free(w.rowF);
    free(w.colH);
    free(w.colE);
    free(w.best);
    free(w.dep);
    free(w.busy);
    free(w.cpu);
    return st;
}
