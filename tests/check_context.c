/* The context's concurrency contract and the team launcher's policy:
 *  - regions timed from several threads on one context count exactly their
 *    own calls and nest per thread;
 *  - errors recorded concurrently stay whole messages; the last error is
 *    kept until cleared, and a success does not clear it;
 *  - a context destroyed before its objects stays alive until they go;
 *  - a kernel called inside a user's parallel region, inside a task, and in
 *    nested teams (nesting on and off) gives the same bits as a plain call
 *    and never runs more threads than asked for (counted in /proc);
 *  - the PEL_ISA override caps the dispatch level. */
#include <config.h>

#include <omp.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

enum { CALLS = 20000 };

START_TEST(test_regions_concurrent)
{
    pel_context *ctx = test_context(2);
    int failures = 0;
#pragma omp parallel num_threads(2) default(none) shared(ctx) reduction(+ : failures)
    {
        int me = omp_get_thread_num();
        if (me == 0) failures += pel_region_begin(ctx, "outer") != PEL_OK;
        for (int i = 0; i < CALLS; i++) {
            failures += pel_region_begin(ctx, "step") != PEL_OK;
            failures += pel_region_end(ctx, "step") != PEL_OK;
        }
        if (me == 0) failures += pel_region_end(ctx, "outer") != PEL_OK;
    }
    ck_assert_int_eq(failures, 0);
    /* thread 0's steps nest in its "outer"; thread 1's do not */
    const pel_region_stats *in = pel_region_find(ctx, "outer/step");
    const pel_region_stats *flat = pel_region_find(ctx, "step");
    ck_assert(in && flat);
    ck_assert_int_eq(in->count, CALLS);
    ck_assert_int_eq(flat->count, CALLS);
    ck_assert(pel_region_find(ctx, "step/step") == NULL);
    ck_assert_int_eq(pel_region_count(ctx), 3);
    ck_assert_int_eq(pel_region_dropped(ctx), 0);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(test_region_errors)
{
    pel_context *ctx = test_context(1);
    ck_assert_fails(ctx, pel_region_end(ctx, "x"), PEL_EINVAL, "no region is open");
    ck_assert_ok(pel_region_begin(ctx, "a"));
    ck_assert_fails(ctx, pel_region_end(ctx, "b"), PEL_EINVAL, "while 'a' is open");
    ck_assert_ok(pel_region_end(ctx, "a"));
    ck_assert_int_eq(pel_region_dropped(ctx), 2);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(test_last_error)
{
    pel_context *ctx = test_context(1);
    ck_assert_int_eq(pel_context_last_status(ctx), PEL_OK);
    ck_assert_str_eq(pel_context_error(ctx), "");
    ck_assert_fails(ctx, pel_context_set_threads(ctx, 0), PEL_EINVAL, "at least 1");
    ck_assert_ok(pel_context_set_threads(ctx, 2)); /* a success keeps the last error */
    ck_assert_int_eq(pel_context_last_status(ctx), PEL_EINVAL);
    char buf[16];
    ck_assert_int_eq(pel_context_error_copy(ctx, buf, sizeof buf), PEL_EINVAL);
    ck_assert_int_eq(strlen(buf), sizeof buf - 1); /* truncated, terminated */
    pel_context_clear_error(ctx);
    ck_assert_int_eq(pel_context_last_status(ctx), PEL_OK);
    ck_assert_str_eq(pel_context_error(ctx), "");
    ck_assert_str_eq(pel_context_error_location(ctx), "");

    /* failures from two threads at once: every message read is one whole message */
    int torn = 0;
#pragma omp parallel num_threads(2) default(none) shared(ctx) reduction(+ : torn)
    for (int i = 0; i < 2000; i++) {
        pel_context_set_threads(ctx, -1 - omp_get_thread_num());
        char m[128];
        pel_context_error_copy(ctx, m, sizeof m);
        torn += strcmp(m, "thread count -1: must be at least 1") != 0 &&
                strcmp(m, "thread count -2: must be at least 1") != 0;
    }
    ck_assert_int_eq(torn, 0);
    pel_context_destroy(ctx);
}
END_TEST

/* A message longer than the context holds (a path of thousands of
 * characters) keeps its start and its reason at the end. */
START_TEST(test_long_message)
{
    pel_context *ctx = test_context(1);
    char path[4200];
    size_t k = 0;
    for (int d = 0; d < 20; d++) { /* 20 directories of 199 characters, none existing */
        memset(path + k, 'a' + d, 199);
        k += 199;
        path[k++] = '/';
    }
    memcpy(path + k, "out.json", 9);
    ck_assert_int_eq(pel_afile_check(ctx, path), PEL_EIO);
    const char *m = pel_context_error(ctx);
    const char *reason = ": cannot create: No such file or directory";
    ck_assert_msg(strlen(m) < 512 && strlen(m) > 400, "message of %zu characters", strlen(m));
    ck_assert_msg(strncmp(m, path, 100) == 0, "the start is lost: %.120s", m);
    ck_assert_msg(strstr(m, " ... ") != NULL, "no elision mark: %s", m);
    ck_assert_msg(strlen(m) > strlen(reason) && strcmp(m + strlen(m) - strlen(reason), reason) == 0,
                  "the reason is lost: ...%s", m + strlen(m) - 60);
    ck_assert_msg(strstr(m, "/out.json: cannot create") != NULL, "the file's name is lost: %s", m);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(test_status_codes)
{
    ck_assert_str_eq(pel_status_name(PEL_ENOTCONV), "PEL_ENOTCONV");
    ck_assert_str_eq(pel_status_name(PEL_ESINGULAR), "PEL_ESINGULAR");
    ck_assert_str_eq(pel_status_name(PEL_ENONFINITE), "PEL_ENONFINITE");
    ck_assert(strstr(pel_strerror(PEL_ESINGULAR), "positive definite") != NULL);
}
END_TEST

/* ---- the team policy, on a barrier-free kernel (pel_sum) ------------------ */

enum { N = 1 << 20 };

static double *ramp(void)
{
    double *x = malloc(N * sizeof *x);
    ck_assert(x);
    for (size_t i = 0; i < N; i++) x[i] = 1.0 / (double)(i + 1); /* rounding depends on order */
    return x;
}

START_TEST(test_policy_inside_region)
{
    omp_set_max_active_levels(_i ? 2 : 1); /* loop index: nesting off, then on */
    double *x = ramp();
    pel_context *ctx = test_context(2);
    double ref = pel_sum(NULL, x, N);
    int same = 0;
#pragma omp parallel num_threads(2) default(none) shared(ctx, x, ref) reduction(+ : same)
    same += pel_sum(ctx, x, N) == ref;
    ck_assert_int_eq(same, 2);
    /* 2 outer threads; with nesting each runs a team of 2: 2 + 2 */
    int most = _i ? 4 : 2, got = test_os_threads(most);
    ck_assert_msg(got <= most, "%d OS threads, at most %d asked for", got, most);
    pel_context_destroy(ctx);
    free(x);
}
END_TEST

START_TEST(test_policy_inside_task)
{
    omp_set_max_active_levels(_i ? 2 : 1);
    double *x = ramp();
    pel_context *ctx = test_context(2);
    double ref = pel_sum(NULL, x, N), r[3] = {0, 0, 0};
#pragma omp parallel num_threads(2) default(none) shared(ctx, x, r)
#pragma omp single
    for (int k = 0; k < 3; k++) {
#pragma omp task default(none) shared(ctx, x, r) firstprivate(k)
        r[k] = pel_sum(ctx, x, N);
    }
    for (int k = 0; k < 3; k++) ck_assert(r[k] == ref);
    int most = _i ? 4 : 2, got = test_os_threads(most);
    ck_assert_msg(got <= most, "%d OS threads, at most %d asked for", got, most);
    pel_context_destroy(ctx);
    free(x);
}
END_TEST

static void run_sum(pel_context *ctx, void *arg, void *out)
{
    *(double *)out = pel_sum(ctx, arg, N);
}

START_TEST(test_policy_helper)
{
    double *x = ramp();
    test_policy(run_sum, x, sizeof(double));
    test_same_bits_1_to_4(run_sum, x, sizeof(double));
    free(x);
}
END_TEST

START_TEST(test_policy_team_sizes)
{
    double *x = ramp();
    double ref = pel_sum(NULL, x, N);
    for (int t = 1; t <= 4; t++) {
        pel_context *ctx = test_context(t);
        ck_assert(pel_sum(ctx, x, N) == ref);
        pel_context_destroy(ctx);
    }
    free(x);
}
END_TEST

START_TEST(test_context_outlives)
{
    /* destroying the context first is safe: the object keeps it alive */
    pel_context *ctx = test_context(2);
    pel_heat_params p;
    pel_heat_params_default(&p, 2);
    p.n[0] = p.n[1] = 16;
    pel_heat *h = NULL;
    ck_assert_ok(pel_heat_create(ctx, &p, &h));
    pel_context_destroy(ctx);
    ck_assert_ok(pel_heat_step(h, 3));
    pel_heat_destroy(h);
}
END_TEST

START_TEST(test_timing_failure_is_quiet)
{
    /* a kernel whose region cannot be recorded still succeeds, and leaves
     * the context's last error as it was */
    pel_context *ctx = test_context(2);
    pel_heat_params p;
    pel_heat_params_default(&p, 2);
    p.n[0] = p.n[1] = 16;
    pel_heat *h = NULL;
    ck_assert_ok(pel_heat_create(ctx, &p, &h));
    char name[8];
    for (int i = 0; i < 16; i++) { /* the deepest nesting a thread may have */
        snprintf(name, sizeof name, "r%d", i);
        ck_assert_ok(pel_region_begin(ctx, name));
    }
    ck_assert_ok(pel_heat_step(h, 2));
    ck_assert_int_eq(pel_context_last_status(ctx), PEL_OK);
    ck_assert_str_eq(pel_context_error(ctx), "");
    ck_assert_int_ge(pel_region_dropped(ctx), 1);
    pel_heat_destroy(h);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(test_checkpoint_outlives_context)
{
    pel_context *ctx = test_context(1);
    char path[256];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/pel-ctx-%ld.ckpt", dir && *dir ? dir : "/tmp", (long)getpid());
    const double x[3] = {1, 2, 3};
    pel_field f = {"x", PEL_F64, 1, {3, 0, 0, 0}, x};
    pel_meta m = {"n", PEL_META_INT, 3, 0.0, NULL};
    ck_assert_ok(pel_ckpt_write(ctx, path, "test", "", 0, 0.0, &m, 1, &f, 1));
    pel_ckpt *ck = NULL;
    ck_assert_ok(pel_ckpt_open(ctx, path, &ck));
    pel_context_destroy(ctx); /* the handle keeps it alive */
    int64_t n = 0;
    ck_assert_ok(pel_ckpt_get_int(ck, "n", &n));
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(pel_ckpt_get_int(ck, "absent", &n), PEL_EMISMATCH); /* records on the context */
    pel_ckpt_close(ck);
    unlink(path);
}
END_TEST

START_TEST(test_isa_override)
{
    pel_isa native = pel_cpu_isa_native();
    setenv("PEL_ISA", "scalar", 1);
    ck_assert_int_eq(pel_cpu_isa(), PEL_ISA_SCALAR);
    setenv("PEL_ISA", "avx512", 1);
    ck_assert_int_eq(pel_cpu_isa(), native); /* never above what the CPU has */
    setenv("PEL_ISA", "avx2", 1);
    ck_assert_int_eq(pel_cpu_isa(), native < PEL_ISA_AVX2 ? native : PEL_ISA_AVX2);
    unsetenv("PEL_ISA");
    ck_assert_int_eq(pel_cpu_isa(), native);
    ck_assert_str_eq(pel_isa_name(PEL_ISA_AVX2), "avx2");
}
END_TEST

static Suite *context_suite(void)
{
    Suite *s = suite_create("context");
    TCase *api = tcase_create("api");
    tcase_add_test(api, test_region_errors);
    tcase_add_test(api, test_last_error);
    tcase_add_test(api, test_status_codes);
    tcase_add_test(api, test_long_message);
    tcase_add_test(api, test_context_outlives);
    tcase_add_test(api, test_isa_override);
    tcase_add_test(api, test_timing_failure_is_quiet);
    tcase_add_test(api, test_checkpoint_outlives_context);
    suite_add_tcase(s, api);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, test_regions_concurrent);
    tcase_add_loop_test(thr, test_policy_inside_region, 0, 2);
    tcase_add_loop_test(thr, test_policy_inside_task, 0, 2);
    tcase_add_test(thr, test_policy_team_sizes);
    tcase_add_test(thr, test_policy_helper);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(context_suite()); }
