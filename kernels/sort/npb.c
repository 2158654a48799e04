/* NPB IS on the ranking plan (include/pel/sort.h): class table, key
 * generator, the per-iteration key change and both verifications, as NPB
 * 3.3.1's IS/is.c (OpenMP version) defines them. */
#include <config.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "internal/sort.h"
#include "internal/team.h"

/* ---- class table -------------------------------------------------------------------
 * Sizes: NPB 3.3.1 IS/is.c, TOTAL_KEYS_LOG_2 / MAX_KEY_LOG_2 per class,
 * MAX_ITERATIONS = 10.  Test indices and ranks: NPB 3.3.1 IS/is.c,
 * <class>_test_index_array / <class>_test_rank_array.  Shift pattern: NPB
 * 3.3.1 IS/is.c, rank(), the partial verify switch on CLASS:
 *   S: keys 0-2 +it,     keys 3-4 -it
 *   W: keys 0-1 +(it-2), keys 2-4 -it
 *   A: keys 0-2 +(it-1), keys 3-4 -(it-1)
 *   B: keys 1, 2, 4 +it, keys 0, 3 -it
 *   C: keys 0-2 +it,     keys 3-4 -it                                            */
typedef struct npb_row {
    char cls;
    int keys_log2, max_key_log2;
    size_t index[PEL_SORT_NPB_TESTS];
    int rank[PEL_SORT_NPB_TESTS], dir[PEL_SORT_NPB_TESTS], lag[PEL_SORT_NPB_TESTS];
} npb_row;

static const npb_row npb_table[] = {
    {'S', 16, 11, {48427, 17148, 23627, 62548, 4431}, {0, 18, 346, 64917, 65463},
     {1, 1, 1, -1, -1}, {0, 0, 0, 0, 0}},
    {'W', 20, 16, {357773, 934767, 875723, 898999, 404505},
     {1249, 11698, 1039987, 1043896, 1048018}, {1, 1, -1, -1, -1}, {2, 2, 0, 0, 0}},
    {'A', 23, 19, {2112377, 662041, 5336171, 3642833, 4250760},
     {104, 17523, 123928, 8288932, 8388264}, {1, 1, 1, -1, -1}, {1, 1, 1, 1, 1}},
    {'B', 25, 21, {41869, 812306, 5102857, 18232239, 26860214},
     {33422937, 10244, 59149, 33135281, 99}, {-1, 1, 1, -1, 1}, {0, 0, 0, 0, 0}},
    {'C', 27, 23, {44172927, 72999161, 74326391, 129606274, 21736814},
     {61147, 882988, 266290, 133997595, 133525895}, {1, 1, 1, -1, -1}, {0, 0, 0, 0, 0}},
};

pel_status pel_sort_npb_class(pel_context *ctx, char cls, pel_sort_npb *out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out, "sort: the result pointer must not be NULL");
    for (size_t c = 0; c < sizeof npb_table / sizeof npb_table[0]; c++) {
        const npb_row *r = &npb_table[c];
        if (r->cls != cls) continue;
        memset(out, 0, sizeof *out);
        out->cls = cls;
        out->total_keys = (size_t)1 << r->keys_log2;
        out->max_key = 1 << r->max_key_log2;
        out->iterations = 10;
        for (int i = 0; i < PEL_SORT_NPB_TESTS; i++) {
            out->test_index[i] = r->index[i];
            out->test_rank[i] = r->rank[i];
            out->test_dir[i] = r->dir[i];
            out->test_lag[i] = r->lag[i];
        }
        return PEL_OK;
    }
    return pel_error(ctx, PEL_EINVAL, "is: unknown NPB class '%c' (expected S, W, A, B or C)",
                     cls);
}

/* ---- keys ------------------------------------------------------------------------------ */

typedef struct keys_job {
    size_t n;
    uint64_t seed;
    double scale;
    int *keys;
} keys_job;

/* Call t of nt: its static share of the keys, from its own jump-ahead start. */
static void keys_part(int t, int nt, void *arg)
{
    const keys_job *j = arg;
    size_t b, e;
    pel_static_range(j->n, t, nt, &b, &e);
    const uint64_t a = PEL_LCG46_A;
    const double scale = j->scale;
    int *keys = j->keys;
    uint64_t x = pel_lcg46_skip(j->seed, a, 4 * (uint64_t)b);
    for (size_t i = b; i < e; i++) {
        double sum;
        x = pel_lcg46_next(x, a);
        sum = pel_lcg46_real(x);
        x = pel_lcg46_next(x, a);
        sum += pel_lcg46_real(x);
        x = pel_lcg46_next(x, a);
        sum += pel_lcg46_real(x);
        x = pel_lcg46_next(x, a);
        sum += pel_lcg46_real(x);
        keys[i] = (int)(scale * sum); /* truncation, as NPB's int assignment */
    }
}

pel_status pel_sort_npb_keys(pel_context *ctx, size_t n, int max_key, uint64_t seed, int *keys)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, n >= 1 && n <= (size_t)INT_MAX, "is: n = %zu: must be from 1 to %d", n,
                INT_MAX);
    PEL_REQUIRE(ctx, max_key >= 1, "is: max_key = %d: must be positive", max_key);
    PEL_REQUIRE(ctx, (seed & 1) && seed <= PEL_LCG46_MASK,
                "is: seed = %llu: must be odd and below 2^46", (unsigned long long)seed);
    PEL_REQUIRE(ctx, keys, "is: keys is NULL");
    keys_job j = {n, seed, (double)(max_key / 4) /* NPB: k = MAX_KEY/4, an int */, keys};
    peli_parallel(ctx, n, 0, 0, keys_part, &j);
    return PEL_OK;
}

pel_status pel_sort_npb_modify(pel_context *ctx, const pel_sort_npb *p, int *keys, int it)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, p, "is: the class parameters are NULL");
    PEL_REQUIRE(ctx, keys, "is: keys is NULL");
    PEL_REQUIRE(ctx, it >= 1 && it <= p->iterations, "is: iteration = %d: must be from 1 to %d",
                it, p->iterations);
    PEL_REQUIRE(ctx, (size_t)(it + p->iterations) < p->total_keys,
                "is: iteration = %d: keys[%d] is beyond the %zu keys", it, it + p->iterations,
                p->total_keys);
    keys[it] = it;
    keys[it + p->iterations] = p->max_key - it;
    return PEL_OK;
}

/* ---- verification --------------------------------------------------------------------- */

static pel_status check_match(pel_sort *s, const pel_sort_npb *p)
{
    if (p->total_keys != s->n || p->max_key != s->max_key)
        return pel_error(s->ctx, PEL_EMISMATCH,
                         "is: class %c has %zu keys below %d, the plan %zu keys below %d",
                         p->cls, p->total_keys, p->max_key, s->n, s->max_key);
    return PEL_OK;
}

pel_status pel_sort_npb_partial_verify(pel_sort *s, const pel_sort_npb *p, const int *keys,
                                       int it, pel_verify_log *log)
{
    if (!s) return PEL_EINVAL;
    PEL_REQUIRE(s->ctx, p, "is: the class parameters are NULL");
    PEL_REQUIRE(s->ctx, keys, "is: keys is NULL");
    PEL_REQUIRE(s->ctx, log, "is: the verification log is NULL");
    pel_status st = check_match(s, p);
    if (st) return st;
    for (int i = 0; i < PEL_SORT_NPB_TESTS; i++) {
        PEL_REQUIRE(s->ctx, p->test_index[i] < s->n,
                    "is: test_index[%d] = %zu: beyond the %zu keys", i, p->test_index[i], s->n);
        int k = keys[p->test_index[i]];
        /* NPB checks only 0 < k <= NUM_KEYS - 1 and counts nothing otherwise:
         * such a check fails here */
        double value = (k > 0 && (size_t)k < s->n && k <= s->max_key) ? s->less[k] : -1.0;
        double ref = (double)p->test_rank[i] + (double)p->test_dir[i] * (it - p->test_lag[i]);
        char name[PEL_VERIFY_NAME_MAX];
        snprintf(name, sizeof name, "is.partial.it%02d.key%d", it, i);
        pel_verify_close(log, name, value, ref, 0.0, 0.0);
    }
    return PEL_OK;
}

typedef struct verify_job {
    const pel_sort *s;
    const int *keys;
    int *work;
} verify_job;

/* Call t's count of malformed table entries among its static share of v. */
static void table_part(int t, int nt, void *arg)
{
    const verify_job *j = arg;
    const int *less = j->s->less;
    size_t vb, ve;
    pel_static_range((size_t)j->s->max_key, t, nt, &vb, &ve);
    long errors = 0;
    for (size_t v = vb; v < ve; v++) errors += less[v] > less[v + 1] || less[v + 1] < 0;
    j->s->lpart[t * PELI_SORT_LPAD] = errors;
}

/* NPB places each key at the position its table gives and counts keys out
 * of order.  Here the same in two steps whose writes stay local: the key
 * values are cut into groups of 2^13 (PELI_SORT_VERIFY_LOG2), whose keys
 * the table puts in one run of positions, less[first value] to less[first
 * value of the next group].  Phase 1: call t counts its static share of the
 * keys per group (a key out of range is an error).  Phase 2: it moves them
 * into their groups' runs, behind the keys of the calls before it (a key
 * with no room left in its run is an error, and not moved).  Phase 3: call t
 * takes a static share of the groups, counts each group's keys per value
 * and compares those counts with the table's (each key too many or too few
 * is an error), and writes the group's keys back in sorted order, from
 * those counts.  So the number is 0 exactly when the table holds the keys'
 * counts, and work then holds the keys sorted. */
typedef struct group_job {
    const pel_sort *s;
    const int *keys;
    int *work;
    int ng; /* groups */
} group_job;

#define GROUP_LOG2 PELI_SORT_VERIFY_LOG2

static int group_end(const pel_sort *s, int g) /* first value after group g */
{
    long e = ((long)g + 1) << GROUP_LOG2;
    return e < s->max_key ? (int)e : s->max_key;
}

static void group_count(int t, int nt, void *arg)
{
    const group_job *j = arg;
    const pel_sort *s = j->s;
    const unsigned mk = (unsigned)s->max_key;
    int *c = s->vgroup[t];
    memset(c, 0, (size_t)j->ng * sizeof *c);
    size_t b, e;
    pel_static_range(s->n, t, nt, &b, &e);
    long errors = 0;
    for (size_t i = b; i < e; i++) {
        unsigned k = (unsigned)j->keys[i];
        if (k < mk)
            c[k >> GROUP_LOG2]++;
        else
            errors++;
    }
    s->lpart[t * PELI_SORT_LPAD] = errors;
}

static void group_move(int t, int nt, void *arg)
{
    const group_job *j = arg;
    const pel_sort *s = j->s;
    const unsigned mk = (unsigned)s->max_key;
    const int *less = s->less;
    int *next = s->vgroup[t] + j->ng, *room = next + j->ng, *work = j->work;
    for (int g = 0; g < j->ng; g++) {
        long at = less[g << GROUP_LOG2];
        for (int u = 0; u < t; u++) at += s->vgroup[u][g];
        long end = less[group_end(s, g)];
        next[g] = (int)(at < end ? at : end);
        room[g] = (int)(at < end ? end - at : 0);
    }
    size_t b, e;
    pel_static_range(s->n, t, nt, &b, &e);
    long errors = 0;
    for (size_t i = b; i < e; i++) {
        unsigned k = (unsigned)j->keys[i];
        if (k >= mk) continue; /* counted in group_count */
        unsigned g = k >> GROUP_LOG2;
        if (room[g] > 0) {
            room[g]--;
            int p = next[g]++;
            work[p] = (int)k;
            __builtin_prefetch(work + p + 32, 1); /* one write stream per group */
        } else
            errors++;
    }
    s->lpart[t * PELI_SORT_LPAD] += errors;
}

static void group_check(int t, int nt, void *arg)
{
    const group_job *j = arg;
    const pel_sort *s = j->s;
    const int *less = s->less;
    int *count = s->count, *work = j->work;
    size_t gb, ge;
    pel_static_range((size_t)j->ng, t, nt, &gb, &ge);
    long errors = 0;
    for (size_t g = gb; g < ge; g++) {
        const int v0 = (int)g << GROUP_LOG2, v1 = group_end(s, (int)g);
        long keys = 0;
        for (int u = 0; u < nt; u++) keys += s->vgroup[u][g];
        const int p0 = less[v0];
        const long size = (long)less[v1] - p0, placed = keys < size ? keys : size;
        memset(count + v0, 0, (size_t)(v1 - v0) * sizeof *count);
        for (long p = p0; p < p0 + placed; p++) count[work[p]]++;
        int p = p0;
        for (int v = v0; v < v1; v++) {
            long d = (long)count[v] - ((long)less[v + 1] - less[v]);
            errors += d < 0 ? -d : d;
            for (int c = count[v]; c > 0; c--) work[p++] = v;
        }
    }
    s->lpart[t * PELI_SORT_LPAD] += errors;
}

static void place_body(peli_team *tm, void *arg)
{
    peli_phase(tm, group_count, arg);
    peli_phase(tm, group_move, arg);
    peli_phase_last(tm, group_check, arg);
}

static long sum_parts(const pel_sort *s, int nt)
{
    long total = 0;
    for (int u = 0; u < nt; u++) total += s->lpart[u * PELI_SORT_LPAD];
    return total;
}

pel_status pel_sort_npb_full_verify(pel_sort *s, const int *keys, int *work, pel_verify_log *log)
{
    if (!s) return PEL_EINVAL;
    PEL_REQUIRE(s->ctx, keys, "is: keys is NULL");
    PEL_REQUIRE(s->ctx, work, "is: work is NULL");
    PEL_REQUIRE(s->ctx, log, "is: the verification log is NULL");
    const int mk = s->max_key;
    const int *less = s->less;
    verify_job j = {s, keys, work};
    group_job g = {s, keys, work, (int)(((long)mk + (1L << GROUP_LOG2) - 1) >> GROUP_LOG2)};

    /* A table that is not a cumulative count of n keys could place keys
     * outside work: count its bad entries and place nothing.  (count and
     * lpart are the plan's: one object, one thread at a time.) */
    long errors = (less[0] != 0) + (less[mk] != (int)s->n);
    int nt = peli_parallel(s->ctx, s->n, s->nslots, 0, table_part, &j);
    errors += sum_parts(s, nt);
    if (!errors) {
        nt = peli_run(s->ctx, s->n, s->nslots, place_body, &g);
        errors += sum_parts(s, nt);
    }
    pel_verify_close(log, "is.full.out_of_sort", (double)errors, 0.0, 0.0, 0.0);
    return PEL_OK;
}
