/* Helpers shared by the Check suites. */
#ifndef PEL_TESTUTIL_H
#define PEL_TESTUTIL_H

#include <check.h>
#include <omp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pel/pel.h>

/* Check's double asserts are absolute; numerical results want relative ones. */
#define ck_assert_rel(x, ref, rtol)                                                           \
    do {                                                                                      \
        double x_ = (x), r_ = (ref), t_ = (rtol);                                             \
        ck_assert_msg(fabs(x_ - r_) <= t_ * fabs(r_), "%s = %.17g, expected %.17g within relative %g", \
                      #x, x_, r_, t_);                                                        \
    } while (0)

#define ck_assert_ok(call)                                                                    \
    do {                                                                                      \
        pel_status s_ = (call);                                                               \
        ck_assert_msg(s_ == PEL_OK, "%s failed: %s", #call, pel_strerror(s_));                \
    } while (0)

/* A status, and a message containing `needle` in the context. */
#define ck_assert_fails(ctx, call, status, needle)                                            \
    do {                                                                                      \
        pel_status s_ = (call);                                                               \
        ck_assert_msg(s_ == (status), "%s returned %s, expected %s", #call,                   \
                      pel_status_name(s_), pel_status_name(status));                          \
        ck_assert_msg(strstr(pel_context_error(ctx), (needle)) != NULL,                       \
                      "message '%s' lacks '%s'", pel_context_error(ctx), (needle));          \
    } while (0)

static inline pel_context *test_context(int nthreads)
{
    pel_context *ctx = NULL;
    ck_assert_ok(pel_context_create(&ctx));
    if (nthreads > 0) ck_assert_ok(pel_context_set_threads(ctx, nthreads));
    return ctx;
}

/* A context of t threads (1 to 64) for calls that take one, kept until exit. */
static inline pel_context **test_ctx_cache(void)
{
    static pel_context *cache[65];
    return cache;
}

static inline void test_ctx_free(void)
{
    pel_context **c = test_ctx_cache();
    for (int i = 0; i < 65; i++) {
        pel_context_destroy(c[i]);
        c[i] = NULL;
    }
}

static inline pel_context *tctx(int t)
{
    pel_context **c = test_ctx_cache();
    t = t < 1 ? 1 : t > 64 ? 64 : t;
    if (!c[t]) {
        int first = 1;
        for (int i = 0; i < 65; i++) first &= c[i] == NULL;
        if (first) atexit(test_ctx_free);
        c[t] = test_context(t);
    }
    return c[t];
}

/* OS threads of this process (Linux: /proc/self/status), or -1.  The
 * OpenMP runtime keeps idle threads, so after a run this is the most that
 * ever ran at once.  A nested team's threads leave when their region ends,
 * but their exit can lag its end (ASan makes it slower), so while the count
 * is above `most` it is read again, for up to 2 s: a thread that stays is
 * still counted. */
static inline int test_os_threads(int most)
{
    int n = -1;
    for (int tries = 0; tries < 200; tries++) {
        FILE *f = fopen("/proc/self/status", "r");
        if (!f) return -1;
        char line[256];
        n = -1;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Threads: %d", &n) == 1) break;
        fclose(f);
        if (n <= most) break;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return n;
}

/* ---- the threads case of every family ----------------------------------------
 * A run makes its own objects from ctx, computes, writes its result (nbytes)
 * to out and destroys what it made.  The helpers compare the bytes. */
typedef void (*test_run_fn)(pel_context *ctx, void *arg, void *out);

/* The same bits at 1, 2, 3 and 4 threads. */
static inline void test_same_bits_1_to_4(test_run_fn run, void *arg, size_t nbytes)
{
    unsigned char *ref = malloc(nbytes), *got = malloc(nbytes);
    ck_assert(ref && got);
    run(tctx(1), arg, ref);
    for (int t = 2; t <= 4; t++) {
        memset(got, 0xA5, nbytes);
        run(tctx(t), arg, got);
        ck_assert_msg(memcmp(ref, got, nbytes) == 0, "%d threads differ from 1 thread", t);
    }
    free(ref);
    free(got);
}

/* The same bits as a plain call when the run is made (a) by each thread of a
 * user's parallel region of 2 at once, from one shared context, (b) as three
 * tasks of such a region, (c) as (a) with nesting enabled; and never more
 * OS threads than asked for: 2 outer threads, times the context's 2 when
 * nested.  Call it first in its test (Check forks each test, so the count
 * starts from this process's own threads). */
static inline void test_policy(test_run_fn run, void *arg, size_t nbytes)
{
    pel_context *ctx = test_context(2);
    unsigned char *ref = malloc(nbytes), *got = malloc(4 * nbytes);
    ck_assert(ref && got);
    run(ctx, arg, ref);
    for (int nested = 0; nested <= 1; nested++) {
        omp_set_max_active_levels(nested ? 2 : 1);
        memset(got, 0xA5, 2 * nbytes);
#pragma omp parallel num_threads(2) default(none) shared(ctx, run, arg, got, nbytes)
        run(ctx, arg, got + (size_t)omp_get_thread_num() * nbytes);
        for (int k = 0; k < 2; k++)
            ck_assert_msg(memcmp(ref, got + (size_t)k * nbytes, nbytes) == 0,
                          "inside a parallel region (nesting %s), thread %d differs from a plain call",
                          nested ? "on" : "off", k);
        int most = nested ? 4 : 2, now = test_os_threads(most);
        ck_assert_msg(now <= most, "%d OS threads ran, at most %d were asked for", now, most);
    }
    omp_set_max_active_levels(1);
    memset(got, 0xA5, 3 * nbytes);
#pragma omp parallel num_threads(2) default(none) shared(ctx, run, arg, got, nbytes)
#pragma omp single
    for (int k = 0; k < 3; k++) {
#pragma omp task default(none) shared(ctx, run, arg, got, nbytes) firstprivate(k)
        run(ctx, arg, got + (size_t)k * nbytes);
    }
    for (int k = 0; k < 3; k++)
        ck_assert_msg(memcmp(ref, got + (size_t)k * nbytes, nbytes) == 0,
                      "inside task %d the result differs from a plain call", k);
    free(ref);
    free(got);
    pel_context_destroy(ctx);
}

/* Runs a suite in fork mode (the parent never starts OpenMP threads). */
static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
