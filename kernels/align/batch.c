/* Many pairs: queries against a database (include/pel/align.h,
 * pel_align_batch).  Work items are the pairs (q, d), of q_len x d_len
 * cells.  Dynamic: the pairs sorted by cells, largest first (ties by index),
 * cut into tasks of at least `grain` cells, so the long pairs start first
 * and the short ones fill the gaps at the end.  Static: the pairs in their
 * order cut into one task per thread of equal numbers of pairs (what a
 * static loop schedule does).  Each pair's score is a function of the pair
 * only, so neither choice changes a result. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal/align.h"
#include "internal/team.h"

typedef struct pair_item {
    uint64_t cells;
    size_t idx; /* q * ndb + d */
} pair_item;

typedef struct batch {
    pel_align *al;
    const pel_seqset *qs, *db;
    size_t nq, ndb;
    uint8_t **qc, **dc;          /* codes */
    peli_striped **prof;         /* nq x 3 widths (8, 16, 32), NULL where unused */
    pair_item *items;            /* the order (al->items) */
    size_t *task_begin;          /* ntasks + 1 (al->task_begin) */
    size_t ntasks;
    void **work;                 /* per thread (al->work, kept from call to call) */
    double *busy, *cpu;
    uint64_t *res8, *res16;      /* per thread: pairs rescored after 8, 16 bits */
    long *scores;
    size_t npairs, work_bytes;
    int failed; /* no memory for a thread's workspace: no task was made */
    int stop;         /* latched once a task saw the cancellation flag (atomic) */
    size_t skipped;   /* pairs not scored (atomic) */
} batch;

static int cmp_items(const void *x, const void *y)
{
    const pair_item *a = x, *b = y;
    if (a->cells != b->cells) return a->cells > b->cells ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cmp_idx(const void *x, const void *y)
{
    const pair_item *a = x, *b = y;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* A pair (or two) that a kernel left at the cancellation flag: no score;
 * the batch stops (run_task skips the rest). */
static void pairs_cancelled(batch *B, size_t n)
{
    __atomic_store_n(&B->stop, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&B->skipped, n, __ATOMIC_RELAXED);
}

/* The pair's score from lane width index w0 (8, 16, 32 bits) on, rescoring
 * wider on saturation, the scalar kernel last. */
static void one_pair(batch *B, size_t idx, void *work, int t, int w0)
{
    size_t q = idx / B->ndb, d = idx % B->ndb;
    const uint8_t *a = B->qc[q], *b = B->dc[d];
    size_t na = pel_seqset_len(B->qs, q), nb = pel_seqset_len(B->db, d);
    for (int w = w0; w < 3; w++) {
        peli_striped *sp = B->prof[q * 3 + w];
        if (!sp || nb == 0 || !peli_striped_fits(B->al, 8 << w, na, nb)) continue;
        int sat = 0;
        long s = peli_striped_score(sp, b, nb, work, &sat);
        if (s == PELI_ALIGN_CANCELLED) {
            pairs_cancelled(B, 1);
            return;
        }
        if (!sat) {
            B->scores[idx] = s;
            return;
        }
        if (w == 0) B->res8[t]++;
        if (w == 1) B->res16[t]++;
    }
    long s = peli_align_scalar_score(B->al, a, na, b, nb, work);
    if (s == PELI_ALIGN_CANCELLED) pairs_cancelled(B, 1);
    else B->scores[idx] = s;
}

/* The first width index whose profile exists and holds the pair; 3: none. */
static int first_width(const batch *B, size_t q, size_t nb)
{
    size_t na = pel_seqset_len(B->qs, q);
    for (int w = 0; w < 3; w++)
        if (B->prof[q * 3 + w] && nb > 0 && peli_striped_fits(B->al, 8 << w, na, nb)) return w;
    return 3;
}

/* Two pairs of one query at the same first width run together
 * (peli_striped_score2); a pair that saturated goes on alone, wider. */
static int two_pairs(batch *B, size_t i1, size_t i2, int t)
{
    size_t q = i1 / B->ndb, d1 = i1 % B->ndb, d2 = i2 % B->ndb;
    if (i2 / B->ndb != q) return 0;
    size_t n1 = pel_seqset_len(B->db, d1), n2 = pel_seqset_len(B->db, d2);
    int w = first_width(B, q, n1);
    if (w == 3 || first_width(B, q, n2) != w) return 0;
    char *work = B->work[t];
    long s[2];
    int sat[2];
    peli_striped_score2(B->prof[q * 3 + w], B->dc[d1], n1, B->dc[d2], n2, work,
                        work + B->work_bytes, &s[0], &sat[0], &s[1], &sat[1]);
    size_t idx[2] = {i1, i2};
    if (s[0] == PELI_ALIGN_CANCELLED || s[1] == PELI_ALIGN_CANCELLED) { /* (one after the other when not interleaved) */
        pairs_cancelled(B, 2);
        return 1;
    }
    for (int k = 0; k < 2; k++) {
        if (!sat[k]) {
            B->scores[idx[k]] = s[k];
            continue;
        }
        if (w == 0) B->res8[t]++;
        if (w == 1) B->res16[t]++;
        one_pair(B, idx[k], work, t, w + 1);
    }
    return 1;
}

static void run_task(batch *B, size_t k)
{
    double t0 = pel_wtime(), c0 = peli_align_thread_cpu();
    int t = peli_task_thread();
    size_t end = B->task_begin[k + 1];
    for (size_t p = B->task_begin[k]; p < end; p++) {
        /* a check point per pair (or two): the rest of the task is skipped */
        if (__atomic_load_n(&B->stop, __ATOMIC_RELAXED) || peli_cancelled(B->al->ctx)) {
            __atomic_store_n(&B->stop, 1, __ATOMIC_RELAXED);
            __atomic_add_fetch(&B->skipped, end - p, __ATOMIC_RELAXED);
            break;
        }
        if (p + 1 < end && two_pairs(B, B->items[p].idx, B->items[p + 1].idx, t)) {
            p++;
            continue;
        }
        one_pair(B, B->items[p].idx, B->work[t], t, 0);
    }
    B->busy[t] += pel_wtime() - t0;
    B->cpu[t] += peli_align_thread_cpu() - c0;
}

static void make_tasks(int nt, void *arg)
{
    batch *B = arg;
    if (nt > PEL_ALIGN_MAX_THREADS) nt = PEL_ALIGN_MAX_THREADS; /* checked: never */
    for (int t = 0; t < nt; t++)
        if (!B->work[t] && (B->al->work_allocs++, !(B->work[t] = pel_malloc(2 * B->work_bytes)))) B->failed = 1;
    /* (on one thread, before any task: the object's slots are this call's) */
    if (B->failed) return;
    if (B->al->p.schedule == PEL_ALIGN_STATIC) {
        size_t parts = (size_t)nt < B->npairs ? (size_t)nt : B->npairs;
        B->ntasks = 0;
        for (size_t k = 0; k < parts; k++) B->task_begin[++B->ntasks] = B->npairs * (k + 1) / parts;
    }
    for (size_t k = 0; k < B->ntasks; k++) {
#pragma omp task default(none) firstprivate(B, k)
        run_task(B, k);
    }
}

pel_status pel_align_batch(pel_align *al, const pel_seqset *queries, const pel_seqset *db,
                           long *scores, pel_align_stats *stats)
{
    if (!al) return PEL_EINVAL;
    pel_context *ctx = al->ctx;
    PEL_REQUIRE(ctx, queries != NULL && db != NULL, "align: batch: the query and database sets must not be NULL");
    PEL_REQUIRE(ctx, scores != NULL, "align: batch: the scores array must not be NULL");
    int nthreads = pel_context_threads(ctx);
    PEL_REQUIRE(ctx, nthreads <= PEL_ALIGN_MAX_THREADS, "align: %d threads: at most %d", nthreads,
                PEL_ALIGN_MAX_THREADS);
    batch B = {0};
    B.al = al;
    B.qs = queries;
    B.db = db;
    B.nq = pel_seqset_count(queries);
    B.ndb = pel_seqset_count(db);
    B.scores = scores;
    PEL_REQUIRE(ctx, B.ndb == 0 || B.nq <= SIZE_MAX / 4 / sizeof(pair_item) / B.ndb,
                "align: batch: %zu x %zu pairs is too many", B.nq, B.ndb);
    size_t npairs = B.nq * B.ndb, maxq = 0, maxd = 0;
    for (size_t q = 0; q < B.nq; q++) {
        size_t n = pel_seqset_len(queries, q);
        if (n > maxq) maxq = n;
    }
    for (size_t d = 0; d < B.ndb; d++) {
        size_t n = pel_seqset_len(db, d);
        if (n > maxd) maxd = n;
    }
    pel_status st = peli_align_check_sizes(al, maxq, maxd);
    if (st != PEL_OK) return st;
    /* the pair order and task cuts: the object's, grown to npairs */
    if (!al->items || npairs > al->items_cap) {
        size_t cap = npairs ? npairs : 1;
        pair_item *it = malloc(cap * sizeof *it);
        size_t *tb = malloc((cap + 2) * sizeof *tb);
        al->work_allocs += 2;
        if (!it || !tb) {
            free(it);
            free(tb);
            return pel_error(ctx, PEL_ENOMEM, "align: batch: no memory for %zu pairs", npairs);
        }
        free(al->items);
        free(al->task_begin);
        al->items = it;
        al->task_begin = tb;
        al->items_cap = cap;
    }
    B.items = al->items;
    B.task_begin = al->task_begin;
    B.work = al->work;
    B.busy = al->busy;
    B.cpu = al->cpu;
    B.res8 = al->res8;
    B.res16 = al->res16;
    memset(al->busy, 0, sizeof al->busy);
    memset(al->cpu, 0, sizeof al->cpu);
    memset(al->res8, 0, sizeof al->res8);
    memset(al->res16, 0, sizeof al->res16);
    /* every sequence through the aligner's alphabet */
    B.qc = calloc(B.nq ? B.nq : 1, sizeof *B.qc);
    B.dc = calloc(B.ndb ? B.ndb : 1, sizeof *B.dc);
    B.prof = calloc(B.nq ? 3 * B.nq : 1, sizeof *B.prof);
    if (!B.qc || !B.dc || !B.prof) {
        st = pel_error(ctx, PEL_ENOMEM, "align: batch: no memory for %zu pairs", npairs);
        goto done;
    }
    char what[64];
    for (size_t q = 0; q < B.nq && st == PEL_OK; q++) {
        snprintf(what, sizeof what, "query %zu", q + 1);
        st = peli_align_encode(al, pel_seqset_seq(queries, q), pel_seqset_len(queries, q), what,
                               &B.qc[q]);
    }
    for (size_t d = 0; d < B.ndb && st == PEL_OK; d++) {
        snprintf(what, sizeof what, "database sequence %zu", d + 1);
        st = peli_align_encode(al, pel_seqset_seq(db, d), pel_seqset_len(db, d), what, &B.dc[d]);
    }
    if (st != PEL_OK) goto done;
    /* query profiles for each usable width from the first one */
    int simd = al->level > PELI_ALIGN_SCALAR;
    static const int widths[3] = {8, 16, 32};
    size_t work_bytes = 2 * (maxd + 1) * sizeof(int32_t);
    int first = 0, levels = 0;
    if (simd)
        for (size_t q = 0; q < B.nq; q++) {
            size_t nq = pel_seqset_len(queries, q);
            for (int w = 0; w < 3; w++) {
                if ((al->p.width && widths[w] < al->p.width) || !peli_striped_fits(al, widths[w], nq, 0) ||
                    nq == 0)
                    continue;
                if (!first) first = widths[w];
                int lv = peli_align_level_for(al, nq);
                levels |= 1 << lv;
                peli_striped *sp = peli_striped_create(al, lv, widths[w], B.qc[q], nq);
                if (!sp) {
                    st = pel_error(ctx, PEL_ENOMEM, "align: batch: no memory for the query profiles");
                    goto done;
                }
                B.prof[q * 3 + w] = sp;
                size_t wb = peli_striped_work_bytes(sp);
                if (wb > work_bytes) work_bytes = wb;
            }
        }
    /* the order and the tasks */
    for (size_t p = 0; p < npairs; p++) {
        B.items[p].idx = p;
        B.items[p].cells = (uint64_t)pel_seqset_len(queries, p / B.ndb) * pel_seqset_len(db, p % B.ndb);
    }
    B.npairs = npairs;
    /* two per thread, each 64-byte aligned: the object's buffers, replaced
     * (on the threads that take tasks, make_tasks) only when too small */
    work_bytes = (work_bytes + 63) / 64 * 64;
    if (work_bytes > al->work_bytes) {
        for (int t = 0; t < PEL_ALIGN_MAX_THREADS; t++) {
            pel_free(al->work[t]);
            al->work[t] = NULL;
        }
        al->work_bytes = work_bytes;
    }
    B.work_bytes = al->work_bytes;
    B.ntasks = 0;
    B.task_begin[0] = 0;
    if (al->p.schedule == PEL_ALIGN_DYNAMIC) {
        qsort(B.items, npairs, sizeof *B.items, cmp_items);
        uint64_t acc = 0;
        for (size_t p = 0; p < npairs; p++) {
            acc += B.items[p].cells + 1;
            if (acc >= al->p.grain || p + 1 == npairs) {
                B.task_begin[++B.ntasks] = p + 1;
                acc = 0;
            }
        }
        /* inside a task, by query: neighbours of one query run two at a time */
        for (size_t k = 0; k < B.ntasks; k++)
            qsort(B.items + B.task_begin[k], B.task_begin[k + 1] - B.task_begin[k], sizeof *B.items,
                  cmp_idx);
    } else {
        B.ntasks = npairs ? 1 : 0; /* cut in make_tasks, which knows the team */
    }
    uint64_t cells = 0;
    for (size_t p = 0; p < npairs; p++) cells += B.items[p].cells;
    double t0 = pel_wtime();
    int nt = B.ntasks ? peli_tasks(ctx, al->p.schedule == PEL_ALIGN_DYNAMIC ? B.ntasks : npairs,
                                  make_tasks, &B)
                       : 1;
    if (B.failed) {
        st = pel_error(ctx, PEL_ENOMEM, "align: batch: no memory for the workspace");
        goto done;
    }
    pel_align_stats *S = &al->last;
    memset(S, 0, sizeof *S);
    if (B.stop) {
        st = peli_cancel_error(ctx, "align: batch", npairs - B.skipped, npairs, "pairs");
        goto done;
    }
    S->seconds = pel_wtime() - t0;
    S->cells = cells;
    S->tasks = B.ntasks;
    for (size_t k = 0; k < B.ntasks; k++) {
        uint64_t c = 0;
        for (size_t p = B.task_begin[k]; p < B.task_begin[k + 1]; p++) c += B.items[p].cells;
        if (c > S->task_cells_max) S->task_cells_max = c;
    }
    S->threads = nt < PEL_ALIGN_MAX_THREADS ? nt : PEL_ALIGN_MAX_THREADS;
    for (int t = 0; t < PEL_ALIGN_MAX_THREADS; t++) {
        if (t < S->threads) {
            S->busy[t] = B.busy[t];
            S->cpu[t] = B.cpu[t];
        }
        S->rescored8 += B.res8[t];
        S->rescored16 += B.res16[t];
    }
    S->width_first = simd ? first : 32;
    S->isa = !simd || !levels                            ? "scalar"
             : levels == (1 << PELI_ALIGN_AVX512)        ? "avx512"
             : levels & (1 << PELI_ALIGN_AVX512)         ? "avx512+avx2"
                                                         : "avx2";
    if (stats) *stats = *S;
done:
    if (B.qc)
        for (size_t q = 0; q < B.nq; q++) free(B.qc[q]);
    if (B.dc)
        for (size_t d = 0; d < B.ndb; d++) free(B.dc[d]);
    if (B.prof)
        for (size_t k = 0; k < 3 * B.nq; k++) peli_striped_destroy(B.prof[k]);
    free(B.qc);
    free(B.dc);
    free(B.prof);
    return st;
}

void peli_align_batch_free(pel_align *al)
{
    for (int t = 0; t < PEL_ALIGN_MAX_THREADS; t++) pel_free(al->work[t]);
    free(al->items);
    free(al->task_begin);
}
