/* Helpers shared by the Check suites. */
#ifndef PEL_TESTUTIL_H
#define PEL_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* OS threads of this process now (Linux: /proc/self/status), or -1.  The
 * OpenMP runtime keeps idle threads, so after a run this is the most that
 * ever ran at once. */
static inline int test_os_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    int n = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1) break;
    fclose(f);
    return n;
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
