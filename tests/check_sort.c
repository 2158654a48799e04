/* Integer ranking and NPB IS (include/pel/sort.h).
 *
 * References: a key set small enough to rank by hand; qsort of (key, index)
 * pairs, whose order is the stable order by construction; NPB 3.3.1's
 * published partial-verification ranks (IS/is.c, via pel_sort_npb_class);
 * NPB's serial create_seq written with NPB's own randlc interface. */
#include <config.h>

#include <limits.h>
#include <stdint.h>

#include "testutil.h"

static const pel_sort_method methods[] = {PEL_SORT_DIRECT, PEL_SORT_BUCKETS};

static pel_sort *make_sort(pel_context *ctx, size_t n, int max_key, pel_sort_method m)
{
    pel_sort_params p = {.n = n, .max_key = max_key, .method = m};
    pel_sort *s = NULL;
    ck_assert_ok(pel_sort_create(ctx, &p, &s));
    return s;
}

static int *ints(size_t n)
{
    int *a = pel_malloc(n * sizeof *a);
    ck_assert_ptr_nonnull(a);
    return a;
}

/* ---- api ---------------------------------------------------------------------------- */

START_TEST(api_create)
{
    pel_context *ctx = test_context(2);
    pel_sort *s = NULL;
    pel_sort_params p = {.n = 10, .max_key = 4};
    ck_assert_int_eq(pel_sort_create(NULL, &p, &s), PEL_EINVAL);
    ck_assert_fails(ctx, pel_sort_create(ctx, &p, NULL), PEL_EINVAL, "result pointer");
    ck_assert_fails(ctx, pel_sort_create(ctx, NULL, &s), PEL_EINVAL, "sort: params must not be NULL");
    p.n = 0;
    ck_assert_fails(ctx, pel_sort_create(ctx, &p, &s), PEL_EINVAL, "sort: n = 0: must be from 1");
    p.n = (size_t)INT_MAX + 1;
    ck_assert_fails(ctx, pel_sort_create(ctx, &p, &s), PEL_EINVAL, "n = 2147483648");
    p.n = 10;
    p.max_key = 0;
    ck_assert_fails(ctx, pel_sort_create(ctx, &p, &s), PEL_EINVAL,
                    "sort: max_key = 0: must be positive");
    p.max_key = -3;
    ck_assert_fails(ctx, pel_sort_create(ctx, &p, &s), PEL_EINVAL, "max_key = -3");
    p.max_key = 4;
    p.method = (pel_sort_method)7;
    ck_assert_fails(ctx, pel_sort_create(ctx, &p, &s), PEL_EINVAL, "method = 7");
    ck_assert_ptr_null(s);
    pel_sort_destroy(NULL);
    pel_context_destroy(ctx);
}
END_TEST

/* The defaults are NPB IS class S's sizes, and a valid parameter set. */
START_TEST(api_params_default)
{
    pel_sort_params p;
    memset(&p, 0xA5, sizeof p);
    pel_sort_params_default(&p);
    ck_assert_uint_eq(p.n, 65536);
    ck_assert_int_eq(p.max_key, 2048);
    ck_assert_int_eq(p.method, PEL_SORT_AUTO);
    pel_sort_params_default(NULL); /* a no-op */
    pel_context *ctx = test_context(1);
    pel_sort_npb c;
    ck_assert_ok(pel_sort_npb_class(ctx, 'S', &c));
    ck_assert_uint_eq(p.n, c.total_keys);
    ck_assert_int_eq(p.max_key, c.max_key);
    pel_sort *s = NULL;
    ck_assert_ok(pel_sort_create(ctx, &p, &s));
    ck_assert_int_eq(pel_sort_method_used(s), PEL_SORT_DIRECT);
    pel_sort_destroy(s);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_rank)
{
    pel_context *ctx = test_context(2);
    for (int m = 0; m < 2; m++) {
        pel_sort *s = make_sort(ctx, 6, 5, methods[m]);
        int keys[6] = {0, 4, 2, -1, 3, 5};
        ck_assert_int_eq(pel_sort_rank(NULL, keys, NULL, NULL), PEL_EINVAL);
        ck_assert_fails(ctx, pel_sort_rank(s, NULL, NULL, NULL), PEL_EINVAL, "keys is NULL");
        ck_assert_fails(ctx, pel_sort_rank(s, keys, NULL, NULL), PEL_EINVAL,
                        "sort: keys[3] = -1: must be in [0, 5)");
        keys[3] = 1;
        ck_assert_fails(ctx, pel_sort_rank(s, keys, NULL, NULL), PEL_EINVAL, "keys[5] = 5");
        keys[5] = 4;
        ck_assert_ok(pel_sort_rank(s, keys, NULL, NULL));
        pel_sort_destroy(s);
    }
    pel_context_destroy(ctx);
}
END_TEST

/* A bad key anywhere: the table alone is counted with each key's counter
 * prefetched some keys ahead of the key's own range check, so a bad key is
 * first read, unchecked, for a prefetch, then checked in its turn, and the
 * keys near a thread's first and last share (and a call with fewer keys
 * than that distance) take other paths.  Every position of a call of 40
 * and of 300 keys on 1 to 4 threads, each of the four kinds of bad key,
 * with a second bad key after it: the call names the first one and its
 * value, and the next call with the key restored gives the exact table
 * (counted here: key i is i % 97). */
START_TEST(api_bad_key_anywhere)
{
    static const int sizes[] = {40, 300};
    const int max_key = 97, bad[4] = {-1, 97, INT_MIN, INT_MAX};
    for (int nt = 1; nt <= 4; nt++) {
        pel_context *ctx = test_context(nt);
        for (int z = 0; z < 2; z++) {
            const int n = sizes[z];
            int keys[300], ref[98] = {0};
            for (int i = 0; i < n; i++) keys[i] = i % max_key, ref[i % max_key + 1]++;
            for (int v = 0; v < max_key; v++) ref[v + 1] += ref[v];
            pel_sort *s = make_sort(ctx, (size_t)n, max_key, methods[nt & 1]);
            /* counted, and asserted once: a ck_assert per call would cost Check
             * a system call each */
            size_t unnamed = 0, wrong = 0;
            for (int i = 0; i < n; i++) {
                const int b = bad[i % 4];
                keys[i] = b;
                if (i + 5 < n) keys[i + 5] = -7;
                char want[64];
                snprintf(want, sizeof want, "sort: keys[%d] = %d: must be in [0, 97)", i, b);
                unnamed += pel_sort_rank(s, keys, NULL, NULL) != PEL_EINVAL ||
                           strcmp(pel_context_error(ctx), want) != 0;
                keys[i] = i % max_key;
                if (i + 5 < n) keys[i + 5] = (i + 5) % max_key;
                wrong += pel_sort_rank(s, keys, NULL, NULL) != PEL_OK ||
                         memcmp(pel_sort_less(s), ref, sizeof ref) != 0;
            }
            ck_assert_uint_eq(unnamed, 0);
            ck_assert_uint_eq(wrong, 0);
            pel_sort_destroy(s);
        }
        pel_context_destroy(ctx);
    }
}
END_TEST

START_TEST(api_npb)
{
    pel_context *ctx = test_context(2);
    pel_sort_npb p;
    ck_assert_int_eq(pel_sort_npb_class(NULL, 'S', &p), PEL_EINVAL);
    ck_assert_fails(ctx, pel_sort_npb_class(ctx, 'Q', &p), PEL_EINVAL,
                    "unknown NPB class 'Q' (expected S, W, A, B or C)");
    ck_assert_fails(ctx, pel_sort_npb_class(ctx, 's', &p), PEL_EINVAL, "class 's'");
    ck_assert_fails(ctx, pel_sort_npb_class(ctx, 'S', NULL), PEL_EINVAL, "result pointer");

    int keys[32];
    ck_assert_fails(ctx, pel_sort_npb_keys(ctx, 0, 16, PEL_SORT_NPB_SEED, keys), PEL_EINVAL,
                    "is: n = 0");
    ck_assert_fails(ctx, pel_sort_npb_keys(ctx, 32, 0, PEL_SORT_NPB_SEED, keys), PEL_EINVAL,
                    "is: max_key = 0: must be positive");
    ck_assert_fails(ctx, pel_sort_npb_keys(ctx, 32, 16, 314159264, keys), PEL_EINVAL,
                    "seed = 314159264: must be odd");
    ck_assert_fails(ctx, pel_sort_npb_keys(ctx, 32, 16, UINT64_C(1) << 47 | 1, keys), PEL_EINVAL,
                    "below 2^46");
    ck_assert_fails(ctx, pel_sort_npb_keys(ctx, 32, 16, PEL_SORT_NPB_SEED, NULL), PEL_EINVAL,
                    "keys is NULL");

    ck_assert_ok(pel_sort_npb_class(ctx, 'S', &p));
    ck_assert_fails(ctx, pel_sort_npb_modify(ctx, &p, keys, 0), PEL_EINVAL,
                    "is: iteration = 0: must be from 1 to 10");
    ck_assert_fails(ctx, pel_sort_npb_modify(ctx, &p, keys, 11), PEL_EINVAL, "iteration = 11");
    ck_assert_fails(ctx, pel_sort_npb_modify(ctx, &p, NULL, 1), PEL_EINVAL, "keys is NULL");
    ck_assert_fails(ctx, pel_sort_npb_modify(ctx, NULL, keys, 1), PEL_EINVAL, "parameters");

    pel_verify_log *log = NULL;
    ck_assert_ok(pel_verify_log_create(&log));
    pel_sort *s = make_sort(ctx, 32, 16, PEL_SORT_AUTO);
    ck_assert_ok(pel_sort_npb_keys(ctx, 32, 16, PEL_SORT_NPB_SEED, keys));
    ck_assert_ok(pel_sort_rank(s, keys, NULL, NULL));
    ck_assert_fails(ctx, pel_sort_npb_partial_verify(s, &p, keys, 1, log), PEL_EMISMATCH,
                    "class S has 65536 keys below 2048, the plan 32 keys below 16");
    ck_assert_fails(ctx, pel_sort_npb_partial_verify(s, &p, keys, 1, NULL), PEL_EINVAL, "log");
    ck_assert_fails(ctx, pel_sort_npb_full_verify(s, keys, NULL, log), PEL_EINVAL,
                    "work is NULL");
    ck_assert_fails(ctx, pel_sort_npb_full_verify(s, NULL, keys, log), PEL_EINVAL,
                    "keys is NULL");
    ck_assert_int_eq(pel_verify_log_count(log), 0);
    pel_sort_destroy(s);
    pel_verify_log_destroy(log);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- numerics ----------------------------------------------------------------------- */

/* 11 keys below 10, ranked by hand: the stable order is
 *   1(i1) 1(i3) 2(i6) 3(i0) 3(i9) 4(i2) 5(i4) 5(i8) 5(i10) 6(i7) 9(i5). */
START_TEST(num_hand)
{
    static const int keys[11] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
    static const int rank_ref[11] = {3, 0, 5, 1, 6, 10, 2, 9, 7, 4, 8};
    static const int sorted_ref[11] = {1, 1, 2, 3, 3, 4, 5, 5, 5, 6, 9};
    static const int less_ref[11] = {0, 0, 2, 3, 5, 6, 9, 10, 10, 10, 11};
    for (int nt = 1; nt <= 4; nt += 2)
        for (int m = 0; m < 2; m++) {
            pel_context *ctx = test_context(nt);
            pel_sort *s = make_sort(ctx, 11, 10, methods[m]);
            int rank[11], sorted[11];
            ck_assert_ok(pel_sort_rank(s, keys, rank, sorted));
            for (int i = 0; i < 11; i++) {
                ck_assert_int_eq(rank[i], rank_ref[i]);
                ck_assert_int_eq(sorted[i], sorted_ref[i]);
            }
            for (int v = 0; v <= 10; v++) ck_assert_int_eq(pel_sort_less(s)[v], less_ref[v]);
            pel_sort_destroy(s);
            pel_context_destroy(ctx);
        }
}
END_TEST

typedef struct pair {
    int key, index;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Random keys (a few repeated a lot, to load one bucket) against qsort. */
static void against_qsort(size_t n, int max_key, pel_sort_method m, int nt)
{
    pel_context *ctx = test_context(nt);
    int *keys = ints(n), *rank = ints(n), *sorted = ints(n);
    pair *ref = malloc(n * sizeof *ref);
    ck_assert_ptr_nonnull(ref);
    uint64_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        int k = (int)((x >> 33) % (uint64_t)max_key);
        keys[i] = (i % 7 == 0) ? max_key / 3 : k;
        ref[i] = (pair){keys[i], (int)i};
    }
    qsort(ref, n, sizeof *ref, cmp_pair);
    pel_sort *s = make_sort(ctx, n, max_key, m);
    /* mismatches are counted and asserted once per check: each ck_assert
     * costs Check a system call, too many for a loaded machine's timeout */
    ck_assert_ok(pel_sort_rank(s, keys, rank, sorted));
    size_t bad_sorted = 0, bad_rank = 0, bad_less = 0;
    for (size_t j = 0; j < n; j++) {
        bad_sorted += sorted[j] != ref[j].key;
        bad_rank += rank[ref[j].index] != (int)j;
    }
    ck_assert_uint_eq(bad_sorted, 0);
    ck_assert_uint_eq(bad_rank, 0);
    const int *less = pel_sort_less(s);
    ck_assert_int_eq(less[0], 0);
    ck_assert_int_eq(less[max_key], (int)n);
    for (size_t j = 0; j < n; j++) /* the first of each run of equal keys */
        if (j == 0 || ref[j - 1].key != ref[j].key) bad_less += less[ref[j].key] != (int)j;
    ck_assert_uint_eq(bad_less, 0);
    /* sorted only, the table only (BUCKETS: the runs of 16-bit low bits), ranks only */
    memset(sorted, 0xA5, n * sizeof *sorted);
    ck_assert_ok(pel_sort_rank(s, keys, NULL, sorted));
    size_t unsorted = 0;
    for (size_t j = 0; j < n; j++) unsorted += sorted[j] != ref[j].key;
    ck_assert_uint_eq(unsorted, 0);
    for (int pass = 0; pass < 2; pass++) {
        memset((int *)less, 0xA5, ((size_t)max_key + 1) * sizeof *less);
        ck_assert_ok(pel_sort_rank(s, keys, NULL, pass ? sorted : NULL));
        ck_assert_int_eq(less[0], 0);
        ck_assert_int_eq(less[max_key], (int)n);
        size_t j = 0, wrong = 0; /* less[v] = #keys < v for every v */
        for (int v = 0; v <= max_key; v++) {
            while (j < n && ref[j].key < v) j++;
            wrong += less[v] != (int)j;
        }
        ck_assert_uint_eq(wrong, 0);
    }
    ck_assert_ok(pel_sort_rank(s, keys, rank, NULL));
    bad_rank = 0;
    for (size_t j = 0; j < n; j++) bad_rank += rank[ref[j].index] != (int)j;
    ck_assert_uint_eq(bad_rank, 0);
    pel_sort_destroy(s);
    free(ref);
    pel_free(keys), pel_free(rank), pel_free(sorted);
    pel_context_destroy(ctx);
}

START_TEST(num_qsort)
{
    for (int m = 0; m < 2; m++) {
        against_qsort(100000, 1000, methods[m], 3);
        against_qsort(100000, 1000003, methods[m], 2); /* not a power of two, sparse */
        against_qsort(5, 1 << 20, methods[m], 4);      /* fewer keys than threads could use */
        against_qsort(1000, 1, methods[m], 2);         /* one key value */
    }
}
END_TEST

/* Either method counts the table alone directly in 8-bit counters, a
 * counter that wraps adding 256 to its value's overflow count
 * (kernels/sort/rank.c).  Here one value holds 2^16 + 3 keys in a row (its
 * counter wraps 256 times, in one thread's share), another every second key
 * of the first 210000 (over 2^16, across the shares of three threads), and
 * the rest are spread: the table must be the direct count (a loop a reader
 * can check), for both methods at 1 to 4 threads, twice in a row (the second call clears
 * the first's overflow counts), with and without sorted keys; and a bad key
 * near the end is found, and named.  At 2 threads both threads' counters of
 * the last value wrap (the merge of the last value slice adds both overflow
 * counts), and the first thread's of 54321, in the first slice, whose total
 * the second thread's part of the table starts from. */
START_TEST(num_heavy_values)
{
    const size_t n = 3 * ((size_t)1 << 16) + 4321;
    const int max_key = 1 << 20;
    int *keys = ints(n), *sorted = ints(n), *ref = ints((size_t)max_key + 1);
    uint64_t x = 987654321;
    for (size_t i = 0; i < n; i++) {
        x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        keys[i] = (int)((x >> 33) % (uint64_t)max_key);
        if (i >= 1000 && i < 1000 + ((size_t)1 << 16) + 3) keys[i] = 54321;
        else if (i % 2 == 0 && i < 140000 + 70000) keys[i] = max_key - 1;
    }
    memset(ref, 0, ((size_t)max_key + 1) * sizeof *ref);
    for (size_t i = 0; i < n; i++) ref[keys[i] + 1]++;
    for (int v = 0; v < max_key; v++) ref[v + 1] += ref[v];
    ck_assert_int_ge(ref[54322] - ref[54321], (1 << 16) + 3); /* the case is what it says */
    ck_assert_int_ge(ref[max_key] - ref[max_key - 1], 1 << 16);
    for (int run = 0; run < 8; run++) {
        const int nt = 1 + (run & 3); /* 2 threads: both mark pages of the last slice */
        pel_context *ctx = test_context(nt);
        pel_sort *s = make_sort(ctx, n, max_key, methods[run >> 2]);
        for (int pass = 0; pass < 2; pass++) {
            ck_assert_ok(pel_sort_rank(s, keys, NULL, pass ? sorted : NULL));
            ck_assert_mem_eq(pel_sort_less(s), ref, ((size_t)max_key + 1) * sizeof *ref);
        }
        size_t wrong = 0; /* positions ref[v] .. ref[v + 1] - 1 hold v */
        for (int v = 0; v < max_key; v++)
            for (int j = ref[v]; j < ref[v + 1]; j++) wrong += sorted[j] != v;
        ck_assert_uint_eq(wrong, 0);
        int saved = keys[n - 7];
        keys[n - 7] = max_key;
        char want[80];
        snprintf(want, sizeof want, "sort: keys[%zu] = %d: must be in [0, %d)", n - 7, max_key, max_key);
        ck_assert_fails(ctx, pel_sort_rank(s, keys, NULL, NULL), PEL_EINVAL, want);
        keys[n - 7] = saved;
        pel_sort_destroy(s);
        pel_context_destroy(ctx);
    }
    pel_free(keys), pel_free(sorted), pel_free(ref);
}
END_TEST

/* NPB's serial create_seq, with NPB's randlc interface (pel_randlc), on
 * doubles: x = r + r + r + r, key = (max_key / 4) * x, truncated. */
START_TEST(num_keys_serial)
{
    pel_context *ctx = test_context(3);
    const size_t n = 4099;
    const int max_key = 1 << 11;
    int *keys = ints(n);
    ck_assert_ok(pel_sort_npb_keys(ctx, n, max_key, PEL_SORT_NPB_SEED, keys));
    double seed = 314159265.0, a = 1220703125.0;
    for (size_t i = 0; i < n; i++) {
        double x = pel_randlc(&seed, a);
        x += pel_randlc(&seed, a);
        x += pel_randlc(&seed, a);
        x += pel_randlc(&seed, a);
        ck_assert_int_eq(keys[i], (int)((max_key / 4) * x));
    }
    pel_free(keys);
    pel_context_destroy(ctx);
}
END_TEST

/* Sizes of NPB 3.3.1 IS/is.c (TOTAL_KEYS_LOG_2, MAX_KEY_LOG_2); class A's
 * test keys as the issue quotes them from the same file. */
START_TEST(num_class_table)
{
    pel_context *ctx = test_context(1);
    static const char cls[5] = {'S', 'W', 'A', 'B', 'C'};
    static const int keys_log2[5] = {16, 20, 23, 25, 27}, max_log2[5] = {11, 16, 19, 21, 23};
    pel_sort_npb p;
    for (int c = 0; c < 5; c++) {
        ck_assert_ok(pel_sort_npb_class(ctx, cls[c], &p));
        ck_assert_int_eq(p.cls, cls[c]);
        ck_assert_uint_eq(p.total_keys, (size_t)1 << keys_log2[c]);
        ck_assert_int_eq(p.max_key, 1 << max_log2[c]);
        ck_assert_int_eq(p.iterations, 10);
        for (int i = 0; i < PEL_SORT_NPB_TESTS; i++) {
            ck_assert_uint_lt(p.test_index[i], p.total_keys);
            ck_assert(p.test_dir[i] == 1 || p.test_dir[i] == -1);
        }
    }
    static const size_t a_index[5] = {2112377, 662041, 5336171, 3642833, 4250760};
    static const int a_rank[5] = {104, 17523, 123928, 8288932, 8388264};
    ck_assert_ok(pel_sort_npb_class(ctx, 'A', &p));
    for (int i = 0; i < PEL_SORT_NPB_TESTS; i++) {
        ck_assert_uint_eq(p.test_index[i], a_index[i]);
        ck_assert_int_eq(p.test_rank[i], a_rank[i]);
        /* class A: keys 0-2 shift by +(it - 1), keys 3-4 by -(it - 1) */
        ck_assert_int_eq(p.test_dir[i], i <= 2 ? 1 : -1);
        ck_assert_int_eq(p.test_lag[i], 1);
    }
    pel_context_destroy(ctx);
}
END_TEST

/* NPB IS as NPB 3.3.1 runs it, checks of the free iteration discarded. */
static void npb_run(char cls, int nt, pel_sort_method m)
{
    pel_context *ctx = test_context(nt);
    pel_sort_npb p;
    ck_assert_ok(pel_sort_npb_class(ctx, cls, &p));
    int *keys = ints(p.total_keys), *work = ints(p.total_keys);
    ck_assert_ok(pel_sort_npb_keys(ctx, p.total_keys, p.max_key, PEL_SORT_NPB_SEED, keys));
    pel_sort *s = make_sort(ctx, p.total_keys, p.max_key, m);
    pel_verify_log *log = NULL;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_sort_npb_modify(ctx, &p, keys, 1));
    ck_assert_ok(pel_sort_rank(s, keys, NULL, NULL));
    for (int it = 1; it <= p.iterations; it++) {
        ck_assert_ok(pel_sort_npb_modify(ctx, &p, keys, it));
        ck_assert_ok(pel_sort_rank(s, keys, NULL, NULL));
        ck_assert_ok(pel_sort_npb_partial_verify(s, &p, keys, it, log));
    }
    ck_assert_ok(pel_sort_npb_full_verify(s, keys, work, log));
    ck_assert_int_eq(pel_verify_log_count(log), 5 * 10 + 1);
    if (!pel_verify_log_passed(log)) pel_verify_log_print(log, stderr);
    ck_assert_int_eq(pel_verify_log_failures(log), 0);
    /* the published rank of test key 0 at iteration 1 (NPB 3.3.1 IS/is.c) */
    const pel_verify_record *r = pel_verify_log_get(log, 0);
    ck_assert_str_eq(r->name, "is.partial.it01.key0");
    ck_assert_int_eq((int)r->reference, cls == 'S' ? 0 + 1 : 1249 - 1);
    pel_verify_log_destroy(log);
    pel_sort_destroy(s);
    pel_free(keys), pel_free(work);
    pel_context_destroy(ctx);
}

START_TEST(num_npb_s)
{
    npb_run('S', 2, PEL_SORT_AUTO);
    npb_run('S', 3, PEL_SORT_BUCKETS);
}
END_TEST

START_TEST(num_npb_w)
{
    npb_run('W', 2, PEL_SORT_DIRECT);
    npb_run('W', 2, PEL_SORT_BUCKETS);
}
END_TEST

/* A wrong table fails the full verification; so does a wrong key. */
START_TEST(num_full_verify_detects)
{
    pel_context *ctx = test_context(2);
    pel_sort_npb p;
    ck_assert_ok(pel_sort_npb_class(ctx, 'S', &p));
    int *keys = ints(p.total_keys), *work = ints(p.total_keys);
    ck_assert_ok(pel_sort_npb_keys(ctx, p.total_keys, p.max_key, PEL_SORT_NPB_SEED, keys));
    pel_sort *s = make_sort(ctx, p.total_keys, p.max_key, PEL_SORT_AUTO);
    ck_assert_ok(pel_sort_rank(s, keys, NULL, NULL));
    pel_verify_log *log = NULL;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_sort_npb_full_verify(s, keys, work, log));
    ck_assert(pel_verify_log_passed(log));
    for (size_t i = 1; i < p.total_keys; i++) ck_assert_int_le(work[i - 1], work[i]);
    /* a key changed after ranking: one value has one key too many, another one too few */
    keys[7] = keys[7] == 0 ? 1 : keys[7] - 1;
    pel_verify_log_clear(log);
    ck_assert_ok(pel_sort_npb_full_verify(s, keys, work, log));
    ck_assert(!pel_verify_log_passed(log));
    ck_assert(pel_verify_log_get(log, 0)->value >= 2);
    pel_verify_log_destroy(log);
    pel_sort_destroy(s);
    pel_free(keys), pel_free(work);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- threads: bitwise equal results at 1 to 4 threads ----------------------------------- */

START_TEST(threads_equal)
{
    const size_t n = (size_t)1 << 18;
    const int max_key = 1 << 14;
    int *ref_keys = NULL, *ref_rank = NULL, *ref_sorted = NULL, *ref_less = NULL;
    for (int m = 0; m < 2; m++)
        for (int nt = 1; nt <= 4; nt++) {
            pel_context *ctx = test_context(nt);
            int *keys = ints(n), *rank = ints(n), *sorted = ints(n);
            ck_assert_ok(pel_sort_npb_keys(ctx, n, max_key, PEL_SORT_NPB_SEED, keys));
            pel_sort *s = make_sort(ctx, n, max_key, methods[m]);
            ck_assert_ok(pel_sort_rank(s, keys, NULL, NULL)); /* the table alone first */
            int *table = ints((size_t)max_key + 1);
            memcpy(table, pel_sort_less(s), ((size_t)max_key + 1) * sizeof(int));
            ck_assert_ok(pel_sort_rank(s, keys, rank, sorted));
            ck_assert_mem_eq(table, pel_sort_less(s), ((size_t)max_key + 1) * sizeof(int));
            pel_free(table);
            if (!ref_keys) {
                ref_keys = keys, ref_rank = rank, ref_sorted = sorted;
                ref_less = ints((size_t)max_key + 1);
                memcpy(ref_less, pel_sort_less(s), ((size_t)max_key + 1) * sizeof(int));
            } else {
                ck_assert_mem_eq(keys, ref_keys, n * sizeof(int));
                ck_assert_mem_eq(rank, ref_rank, n * sizeof(int));
                ck_assert_mem_eq(sorted, ref_sorted, n * sizeof(int));
                ck_assert_mem_eq(pel_sort_less(s), ref_less, ((size_t)max_key + 1) * sizeof(int));
                pel_free(keys), pel_free(rank), pel_free(sorted);
            }
            pel_sort_destroy(s);
            pel_context_destroy(ctx);
        }
    pel_free(ref_keys), pel_free(ref_rank), pel_free(ref_sorted), pel_free(ref_less);
}
END_TEST

/* What the runs below write: NPB's keys (pel_sort_npb_keys), their ranks,
 * the sorted keys and the table (pel_sort_rank), the full verification's
 * count and its placed keys (pel_sort_npb_full_verify). */
enum { RUN_N = 1 << 15, RUN_MAX_KEY = 1 << 12 };

typedef struct run_out {
    int keys[RUN_N], rank[RUN_N], sorted[RUN_N], less[RUN_MAX_KEY + 1], work[RUN_N];
    int out_of_sort; /* all ints: no padding bytes to compare */
} run_out;

static void run_rank(pel_context *ctx, void *arg, void *out)
{
    pel_sort_method m = *(const pel_sort_method *)arg;
    run_out *o = out;
    ck_assert_ok(pel_sort_npb_keys(ctx, RUN_N, RUN_MAX_KEY, PEL_SORT_NPB_SEED, o->keys));
    pel_sort *s = make_sort(ctx, RUN_N, RUN_MAX_KEY, m);
    ck_assert_ok(pel_sort_rank(s, o->keys, o->rank, o->sorted));
    memcpy(o->less, pel_sort_less(s), sizeof o->less);
    pel_verify_log *log = NULL;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_sort_npb_full_verify(s, o->keys, o->work, log));
    o->out_of_sort = (int)pel_verify_log_get(log, 0)->value;
    ck_assert_int_eq(o->out_of_sort, 0);
    pel_verify_log_destroy(log);
    pel_sort_destroy(s);
}

/* Inside a user's parallel region (nesting off and on) and in tasks: the
 * same bits as a plain call, never more threads than asked for.  Loop
 * index: the method. */
START_TEST(threads_policy)
{
    test_policy(run_rank, (void *)&methods[_i], sizeof(run_out));
}
END_TEST

START_TEST(threads_same_bits)
{
    test_same_bits_1_to_4(run_rank, (void *)&methods[_i], sizeof(run_out));
}
END_TEST

/* The thread count may change after create, either way: a call runs on the
 * context's count now, at most the workspaces made at create. */
START_TEST(threads_change_after_create)
{
    const size_t n = 50000;
    const int max_key = 3000;
    for (int m = 0; m < 2; m++) {
        pel_context *ctx = test_context(_i ? 3 : 1);
        int *keys = ints(n), *r1 = ints(n), *r2 = ints(n), *s1 = ints(n), *s2 = ints(n);
        ck_assert_ok(pel_sort_npb_keys(ctx, n, max_key, PEL_SORT_NPB_SEED, keys));
        pel_sort *s = make_sort(ctx, n, max_key, methods[m]);
        ck_assert_ok(pel_sort_rank(s, keys, r1, s1));
        int *less = ints((size_t)max_key + 1);
        memcpy(less, pel_sort_less(s), ((size_t)max_key + 1) * sizeof(int));
        ck_assert_ok(pel_context_set_threads(ctx, _i ? 1 : 4));
        ck_assert_ok(pel_sort_rank(s, keys, r2, s2));
        ck_assert_mem_eq(r1, r2, n * sizeof(int));
        ck_assert_mem_eq(s1, s2, n * sizeof(int));
        ck_assert_mem_eq(less, pel_sort_less(s), ((size_t)max_key + 1) * sizeof(int));
        /* and a bad key is still found, whichever team looked */
        keys[n - 1] = max_key;
        ck_assert_fails(ctx, pel_sort_rank(s, keys, NULL, NULL), PEL_EINVAL, "keys[49999] = 3000");
        pel_sort_destroy(s);
        pel_free(keys), pel_free(r1), pel_free(r2), pel_free(s1), pel_free(s2), pel_free(less);
        pel_context_destroy(ctx);
    }
}
END_TEST

/* A call made by one thread of a user's team of 2 (nesting off, the call
 * inside `single`) runs its phases as tasks that team's threads share: the
 * same table, ranks and sorted keys as a plain call for every combination
 * of outputs (each takes its own path through the phases), the same
 * verification count, a bad key still found, and never more than the 2 OS
 * threads of the user's team.  Which of the two threads ran which task is
 * not visible through the public API, so it is not asserted here.  Loop
 * index: the method (Check forks each test: the count is this test's). */
START_TEST(threads_join_caller)
{
    const size_t n = (size_t)1 << 17;
    const int max_key = 1 << 13;
    const size_t lbytes = ((size_t)max_key + 1) * sizeof(int);
    pel_context *ctx = test_context(2);
    int *keys = ints(n), *rank = ints(n), *sorted = ints(n), *less = ints((size_t)max_key + 1);
    int *r2 = ints(n), *s2 = ints(n), *work = ints(n);
    ck_assert_ok(pel_sort_npb_keys(ctx, n, max_key, PEL_SORT_NPB_SEED, keys));
    pel_sort *s = make_sort(ctx, n, max_key, methods[_i]);
    ck_assert_ok(pel_sort_rank(s, keys, rank, sorted));
    memcpy(less, pel_sort_less(s), lbytes);

    omp_set_max_active_levels(1);
    for (int c = 0; c < 4; c++) {
        int *want_rank = c & 1 ? r2 : NULL, *want_sorted = c & 2 ? s2 : NULL;
        pel_status st = PEL_EINVAL;
        memset(r2, 0xA5, n * sizeof(int));
        memset(s2, 0xA5, n * sizeof(int));
        memset((int *)pel_sort_less(s), 0xA5, lbytes); /* the call must rewrite all of it */
#pragma omp parallel num_threads(2) default(none) shared(s, keys, want_rank, want_sorted, st)
#pragma omp single
        st = pel_sort_rank(s, keys, want_rank, want_sorted);
        ck_assert_ok(st);
        ck_assert_mem_eq(pel_sort_less(s), less, lbytes);
        if (want_rank) ck_assert_mem_eq(r2, rank, n * sizeof(int));
        if (want_sorted) ck_assert_mem_eq(s2, sorted, n * sizeof(int));
    }

    pel_verify_log *log = NULL;
    ck_assert_ok(pel_verify_log_create(&log));
    pel_status st = PEL_EINVAL;
#pragma omp parallel num_threads(2) default(none) shared(s, keys, work, log, st)
#pragma omp single
    st = pel_sort_npb_full_verify(s, keys, work, log);
    ck_assert_ok(st);
    ck_assert_double_eq(pel_verify_log_get(log, 0)->value, 0.0);
    ck_assert_mem_eq(work, sorted, n * sizeof(int));
    pel_verify_log_destroy(log);

    keys[n / 2] = -1;
    st = PEL_OK;
#pragma omp parallel num_threads(2) default(none) shared(s, keys, st)
#pragma omp single
    st = pel_sort_rank(s, keys, NULL, NULL);
    ck_assert_fails(ctx, st, PEL_EINVAL, "keys[65536] = -1");

    int now = test_os_threads(2);
    ck_assert_msg(now <= 2, "%d OS threads ran, at most 2 were asked for", now);
    pel_sort_destroy(s);
    pel_free(keys), pel_free(rank), pel_free(sorted), pel_free(less);
    pel_free(r2), pel_free(s2), pel_free(work);
    pel_context_destroy(ctx);
}
END_TEST

static Suite *sort_suite(void)
{
    Suite *s = suite_create("sort");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_create);
    tcase_add_test(api, api_params_default);
    tcase_add_test(api, api_rank);
    tcase_add_test(api, api_npb);
    tcase_add_test(api, api_bad_key_anywhere);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_hand);
    tcase_add_test(num, num_qsort);
    tcase_add_test(num, num_heavy_values);
    tcase_add_test(num, num_keys_serial);
    tcase_add_test(num, num_class_table);
    tcase_add_test(num, num_npb_s);
    tcase_add_test(num, num_npb_w);
    tcase_add_test(num, num_full_verify_detects);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_loop_test(thr, threads_policy, 0, 2);
    tcase_add_loop_test(thr, threads_same_bits, 0, 2);
    tcase_add_test(thr, threads_equal);
    tcase_add_loop_test(thr, threads_join_caller, 0, 2);
    tcase_add_loop_test(thr, threads_change_after_create, 0, 2);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(sort_suite()); }
