/* pel-align's comparison runs: parasail on the same pairs (--compare) and
 * the two schedules on the same batch (--schedules); see align_compare.h. */
#include <config.h>

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/align_compare.h"
#include "common/driver.h"
#include "common/report.h"

/* ---- --compare: parasail's striped 16-bit aligner on the same pairs ------
 * Its query profiles are made before the clock starts, as pel_align_batch's
 * are, and the pairs run longest first over the same number of threads. */
#define PS_MAX_PASSES 1000 /* pel-align's --reps at most */

typedef struct ps_pair {
    uint64_t cells;
    long q, d;
} ps_pair;

struct pel_parasail {
    void *lib;
    void *(*matrix_lookup)(const char *);
    void *(*profile_create_16)(const char *, int, const void *);
    void (*profile_free)(void *);
    void *(*sw_16)(const void *, const char *, int, int, int);
    int (*get_score)(const void *);
    int (*saturated)(const void *);
    void (*result_free)(void *);
    int global, open, ext;
    const pel_seqset *db;
    void **prof; /* one per query */
    size_t nq;
    ps_pair *pairs;
    long np, mismatch;
    int passes;
    double wall[PS_MAX_PASSES], ratio[PS_MAX_PASSES], cratio[PS_MAX_PASSES];
};

static const char *ps_name(int global)
{
    return global ? "parasail_nw_striped_profile_16" : "parasail_sw_striped_profile_16";
}

static int ps_load(pel_parasail *ps)
{
    ps->lib = dlopen("libparasail.so.8", RTLD_NOW | RTLD_LOCAL);
    if (!ps->lib) ps->lib = dlopen("libparasail.so", RTLD_NOW | RTLD_LOCAL);
    if (!ps->lib) return 0;
#define SYM(field, name) *(void **)&ps->field = dlsym(ps->lib, name)
    SYM(matrix_lookup, "parasail_matrix_lookup");
    SYM(profile_create_16, "parasail_profile_create_16");
    SYM(profile_free, "parasail_profile_free");
    SYM(sw_16, ps_name(ps->global));
    SYM(get_score, "parasail_result_get_score");
    SYM(saturated, "parasail_result_is_saturated");
    SYM(result_free, "parasail_result_free");
#undef SYM
    return ps->matrix_lookup && ps->profile_create_16 && ps->profile_free && ps->sw_16 &&
           ps->get_score && ps->saturated && ps->result_free;
}

static int cmp_pairs(const void *x, const void *y)
{
    const ps_pair *a = x, *b = y;
    if (a->cells != b->cells) return a->cells > b->cells ? -1 : 1;
    return a->q != b->q ? (a->q < b->q ? -1 : 1) : (a->d < b->d ? -1 : a->d > b->d);
}

pel_status pel_parasail_open(pel_context *ctx, const pel_align_params *p, const pel_seqset *qs,
                             const pel_seqset *db, pel_parasail **out)
{
    *out = NULL;
    pel_parasail *ps = calloc(1, sizeof *ps);
    if (!ps) return pel_error(ctx, PEL_ENOMEM, "--compare: no memory");
    ps->global = p->mode == PEL_ALIGN_GLOBAL;
    ps->open = p->gap_open;
    ps->ext = p->gap_extend;
    ps->db = db;
    if (strcmp(p->matrix, "dna") == 0 || !ps_load(ps)) {
        pel_parasail_close(ps);
        return pel_error(ctx, PEL_ENOTSUP, "--compare needs libparasail (Debian: libparasail8) "
                                           "and a BLOSUM matrix");
    }
    size_t nq = pel_seqset_count(qs), nd = pel_seqset_count(db);
    const void *m = ps->matrix_lookup(p->matrix);
    ps->nq = nq;
    ps->np = (long)(nq * nd);
    ps->prof = calloc(nq, sizeof *ps->prof);
    ps->pairs = calloc((size_t)ps->np, sizeof *ps->pairs);
    for (size_t q = 0; m && ps->prof && q < nq; q++)
        ps->prof[q] = ps->profile_create_16(pel_seqset_seq(qs, q), (int)pel_seqset_len(qs, q), m);
    for (long k = 0; ps->pairs && k < ps->np; k++) {
        ps_pair *pr = &ps->pairs[k];
        pr->q = k / (long)nd;
        pr->d = k % (long)nd;
        pr->cells = (uint64_t)pel_seqset_len(qs, (size_t)pr->q) * pel_seqset_len(db, (size_t)pr->d);
    }
    if (!ps->prof || !ps->pairs || !m) {
        pel_parasail_close(ps);
        return pel_error(ctx, PEL_ENOMEM, "--compare: no memory");
    }
    qsort(ps->pairs, (size_t)ps->np, sizeof *ps->pairs, cmp_pairs);
    *out = ps;
    return PEL_OK;
}

/* One timed pass on nt threads: seconds; counts the scores unlike pel's. */
static double ps_pass(pel_parasail *ps, int nt, const long *scores)
{
    const pel_parasail *c = ps;
    void **prof = ps->prof;
    const pel_seqset *db = ps->db;
    const ps_pair *pairs = ps->pairs;
    long np = ps->np, nd = (long)pel_seqset_count(db), bad = 0;
    int open = ps->open, ext = ps->ext;
    double t0 = pel_wtime();
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) default(none)                    \
    shared(c, prof, db, pairs, np, open, ext, scores, nd) reduction(+ : bad)
    for (long k = 0; k < np; k++) {
        const ps_pair *p = &pairs[k];
        void *r = c->sw_16(prof[p->q], pel_seqset_seq(db, (size_t)p->d),
                           (int)pel_seqset_len(db, (size_t)p->d), open, ext);
        if (r && !c->saturated(r) && c->get_score(r) != scores[p->q * nd + p->d]) bad++;
        c->result_free(r);
    }
    ps->mismatch += bad;
    return pel_wtime() - t0;
}

void pel_parasail_pass(pel_parasail *ps, const pel_align_stats *st, double pel_cpu,
                       const long *scores)
{
    if (ps->passes == PS_MAX_PASSES) return;
    int k = ps->passes++;
    double c0 = pel_report_cpu_seconds();
    ps->wall[k] = ps_pass(ps, st->threads, scores);
    ps->ratio[k] = ps->wall[k] / st->seconds;
    ps->cratio[k] = (pel_report_cpu_seconds() - c0) / pel_cpu;
}

void pel_parasail_print(pel_parasail *ps, const pel_align_stats *st)
{
    double tp = pel_report_median(ps->wall, ps->passes);
    double tr = pel_report_median(ps->ratio, ps->passes);
    double cr = pel_report_median(ps->cratio, ps->passes);
    printf("%s: %.3f GCUPS on %d thread%s (median of %d); "
           "pel-align / parasail: %.2f in wall time, %.2f in CPU time (medians of the "
           "ratios of interleaved runs); %ld scores differ\n",
           ps_name(ps->global) + 9, (double)st->cells / tp * 1e-9, st->threads,
           st->threads == 1 ? "" : "s", ps->passes, tr, cr, ps->mismatch);
}

void pel_parasail_close(pel_parasail *ps)
{
    if (!ps) return;
    for (size_t q = 0; ps->prof && q < ps->nq; q++)
        if (ps->prof[q]) ps->profile_free(ps->prof[q]);
    free(ps->prof);
    free(ps->pairs);
    if (ps->lib) dlclose(ps->lib);
    free(ps);
}

/* ---- --schedules ---------------------------------------------------------- */
static const char *const sched_name[2] = {"static", "dynamic"};

int pel_schedules_run(pel_context *ctx, const pel_align_params *params, int reps,
                      const pel_seqset *qs, const pel_seqset *db, long *scores, size_t n,
                      pel_schedules *ss)
{
    int ok = 0;
    pel_align *al[2] = {NULL, NULL};
    pel_align_stats *all = calloc((size_t)(2 * reps), sizeof *all);
    double *x = calloc((size_t)(3 * reps), sizeof *x);
    long *other = calloc(n ? n : 1, sizeof *other);
    if (!all || !x || !other) {
        pel_error(ctx, PEL_ENOMEM, "--schedules: no memory");
        goto done;
    }
    for (int k = 0; k < 2; k++) {
        pel_align_params p = *params;
        p.schedule = k == 0 ? PEL_ALIGN_STATIC : PEL_ALIGN_DYNAMIC;
        if (pel_align_create(ctx, &p, &al[k])) goto done;
    }
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < 2; i++) {
            int k = (r + i) % 2;
            if (pel_align_batch(al[k], qs, db, k ? scores : other, &all[2 * r + k])) goto done;
        }
        if (memcmp(scores, other, n * sizeof *scores) != 0) {
            pel_error(ctx, PEL_EVERIFY, "--schedules: the static and dynamic scores differ");
            goto done;
        }
        if (pel_run_stop_signal()) {
            reps = r + 1;
            break;
        }
    }
    ss->reps = reps;
    for (int k = 0; k < 2; k++) {
        for (int r = 0; r < reps; r++) x[r] = all[2 * r + k].seconds;
        double med = pel_report_median(x, reps);
        int pick = 0; /* the repetition closest to the median */
        for (int r = 1; r < reps; r++)
            if (fabs(all[2 * r + k].seconds - med) < fabs(all[2 * pick + k].seconds - med)) pick = r;
        ss->st[k] = all[2 * pick + k];
        ss->st[k].seconds = med;
        for (int r = 0; r < reps; r++) x[r] = pel_align_imbalance(&all[2 * r + k]);
        ss->imb[k] = pel_report_median(x, reps);
        for (int r = 0; r < reps; r++) x[r] = pel_align_imbalance_cpu(&all[2 * r + k]);
        ss->imb_cpu[k] = pel_report_median(x, reps);
    }
    for (int r = 0; r < reps; r++)
        x[r] = all[2 * r + 1].seconds > 0 ? all[2 * r].seconds / all[2 * r + 1].seconds : 0;
    ss->ratio = pel_report_median(x, reps);
    ok = 1;
done:
    pel_align_destroy(al[0]);
    pel_align_destroy(al[1]);
    free(all);
    free(x);
    free(other);
    return ok;
}

void pel_schedules_print(const pel_schedules *ss)
{
    for (int k = 0; k < 2; k++) {
        const pel_align_stats *st = &ss->st[k];
        printf("schedule %s: %.6f s (median of %d), %llu tasks, largest %.1f%% of the cells, busy",
               sched_name[k], st->seconds, ss->reps, (unsigned long long)st->tasks,
               st->cells ? 100.0 * (double)st->task_cells_max / (double)st->cells : 0.0);
        for (int t = 0; t < st->threads; t++) printf(" %.6f", st->busy[t]);
        printf(" s, imbalance %.3f (max/mean busy), cpu", ss->imb[k]);
        for (int t = 0; t < st->threads; t++) printf(" %.6f", st->cpu[t]);
        printf(" s, imbalance %.3f\n", ss->imb_cpu[k]);
    }
    printf("static / dynamic: %.3f in wall time (median of %d interleaved ratios)\n", ss->ratio,
           ss->reps);
}

void pel_schedules_json(pel_json *w, const pel_schedules *ss)
{
    pel_json_key(w, "schedules");
    pel_json_array_begin(w);
    for (int k = 0; k < 2; k++) {
        const pel_align_stats *st = &ss->st[k];
        pel_json_object_begin(w);
        pel_json_kv_string(w, "schedule", sched_name[k]);
        pel_json_kv_number(w, "wall_seconds", st->seconds);
        pel_json_kv_int(w, "tasks", (long long)st->tasks);
        pel_json_kv_int(w, "largest_task_cells", (long long)st->task_cells_max);
        pel_json_key(w, "busy_seconds");
        pel_json_array_begin(w);
        for (int t = 0; t < st->threads; t++) pel_json_number(w, st->busy[t]);
        pel_json_array_end(w);
        pel_json_kv_number(w, "imbalance", ss->imb[k]);
        pel_json_key(w, "cpu_seconds");
        pel_json_array_begin(w);
        for (int t = 0; t < st->threads; t++) pel_json_number(w, st->cpu[t]);
        pel_json_array_end(w);
        pel_json_kv_number(w, "imbalance_cpu", ss->imb_cpu[k]);
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
    pel_json_kv_number(w, "static_over_dynamic_wall", ss->ratio);
    pel_json_kv_int(w, "repetitions", ss->reps);
}
