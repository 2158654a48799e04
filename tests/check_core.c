/* Core runtime: status, context, timers, verification, reductions, RNG,
 * fingerprints, JSON and atomic files (checkpoints: check_io.c). */
#include <config.h>

#include <float.h>
#include <omp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* ---- api: every error path ------------------------------------------------ */

START_TEST(api_status)
{
    const pel_status all[] = {
#define X_(name, code, text) name,
        PEL_STATUS_LIST(X_)
#undef X_
    };
    size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n; i++) {
        ck_assert(strlen(pel_strerror(all[i])) > 0);
        ck_assert(strncmp(pel_status_name(all[i]), "PEL_", 4) == 0);
        for (size_t j = 0; j < i; j++) ck_assert_str_ne(pel_strerror(all[i]), pel_strerror(all[j]));
    }
    ck_assert_str_eq(pel_strerror((pel_status)999), "unknown status");
    ck_assert_str_eq(pel_status_name(PEL_EINVAL), "PEL_EINVAL");
}
END_TEST

START_TEST(api_context)
{
    ck_assert_int_eq(pel_context_create(NULL), PEL_EINVAL);
    pel_context *ctx = test_context(0);
    ck_assert_int_ge(pel_context_threads(ctx), 1);
    ck_assert_int_eq(pel_context_deterministic(ctx), 1);
    ck_assert_str_eq(pel_context_error(ctx), "");
    ck_assert_fails(ctx, pel_context_set_threads(ctx, 0), PEL_EINVAL, "thread count 0");
    ck_assert_int_eq(pel_context_last_status(ctx), PEL_EINVAL);
    ck_assert(strstr(pel_context_error_location(ctx), "context.c:") != NULL);
    pel_context_clear_error(ctx);
    ck_assert_str_eq(pel_context_error(ctx), "");
    ck_assert_int_eq(pel_context_last_status(ctx), PEL_OK);
    /* the library prints only when given a log stream */
    char buf[256] = "";
    FILE *log = fmemopen(buf, sizeof buf, "w");
    pel_context_set_log(ctx, log);
    ck_assert_ptr_eq(pel_context_log(ctx), log);
    pel_context_set_threads(ctx, -3);
    fclose(log);
    ck_assert(strstr(buf, "thread count -3") != NULL);
    ck_assert_str_ne(pel_version(), "");
    pel_context_destroy(ctx);
    pel_context_destroy(NULL);
}
END_TEST

START_TEST(api_regions)
{
    pel_context *ctx = test_context(1);
    ck_assert_fails(ctx, pel_region_end(ctx, "x"), PEL_EINVAL, "no region is open");
    ck_assert_fails(ctx, pel_region_begin(ctx, ""), PEL_EINVAL, "empty");
    ck_assert_ok(pel_region_begin(ctx, "a"));
    ck_assert_fails(ctx, pel_region_end(ctx, "b"), PEL_EINVAL, "'b' ended while 'a' is open");
    ck_assert_ok(pel_region_end(ctx, "a"));
    for (int i = 0; i < 16; i++) ck_assert_ok(pel_region_begin(ctx, "d"));
    ck_assert_fails(ctx, pel_region_begin(ctx, "d"), PEL_EINVAL, "nested");
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_json_misuse)
{
    char *buf = NULL;
    size_t len = 0;
    pel_json *w;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(pel_json_create(NULL, f), PEL_EINVAL);
    ck_assert_ok(pel_json_create(&w, f));
    pel_json_object_begin(w);
    pel_json_number(w, 1.0); /* value without a key */
    pel_json_object_end(w);
    ck_assert_int_eq(pel_json_finish(w), PEL_EINVAL);
    ck_assert_ok(pel_json_create(&w, f));
    pel_json_array_begin(w); /* never closed */
    ck_assert_int_eq(pel_json_finish(w), PEL_EINVAL);
    ck_assert_ok(pel_json_create(&w, f));
    pel_json_array_begin(w);
    pel_json_key(w, "k"); /* key inside an array */
    pel_json_array_end(w);
    ck_assert_int_eq(pel_json_finish(w), PEL_EINVAL);
    ck_assert_ok(pel_json_create(&w, f));
    pel_json_int(w, 1);
    pel_json_int(w, 2); /* two top-level values */
    ck_assert_int_eq(pel_json_finish(w), PEL_EINVAL);
    fclose(f);
    free(buf);
}
END_TEST

static char *tmp_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/pel-test-%ld-%s", dir ? dir : "/tmp", (long)getpid(), name);
    return path;
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

START_TEST(api_afile)
{
    pel_context *ctx = test_context(1);
    pel_afile *a;
    char path[4096];
    snprintf(path, sizeof path, "%s", tmp_path("afile.txt"));
    ck_assert_fails(ctx, pel_afile_open(ctx, "", &a), PEL_EINVAL, "empty path");
    ck_assert_fails(ctx, pel_afile_open(ctx, "/nonexistent-dir/x", &a), PEL_EIO, "cannot create");
    ck_assert_ok(pel_afile_open(ctx, path, &a));
    fputs("partial", pel_afile_stream(a));
    ck_assert(!file_exists(path)); /* nothing visible before commit */
    pel_afile_abort(a);
    ck_assert(!file_exists(path));
    ck_assert_ok(pel_afile_open(ctx, path, &a));
    fputs("whole", pel_afile_stream(a));
    ck_assert_ok(pel_afile_commit(ctx, a));
    ck_assert(file_exists(path));
    unlink(path);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- numerics -------------------------------------------------------------- */

/* Known-answer vectors from Random123 (kat_vectors, philox4x32_10). */
START_TEST(num_philox_kat)
{
    static const uint32_t ctr[3][4] = {{0, 0, 0, 0},
                                       {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                                       {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}};
    static const uint32_t key[3][2] = {{0, 0}, {0xffffffff, 0xffffffff}, {0xa4093822, 0x299f31d0}};
    static const uint32_t want[3][4] = {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                                        {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                                        {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};
    for (int t = 0; t < 3; t++) {
        uint32_t out[4];
        pel_philox4x32_10(ctr[t], key[t], out);
        for (int i = 0; i < 4; i++) ck_assert_uint_eq(out[i], want[t][i]);
    }
    /* the stream API maps (seed, stream, index, sub) onto (key, counter) */
    uint32_t out[4];
    pel_rng_u32x4(pel_rng_stream(0xa4093822, 0x299f31d0), 0x85a308d3243f6a88ull,
                  0x0370734413198a2eull, out);
    ck_assert_uint_eq(out[0], 0xd16cfe09);
    ck_assert_uint_eq(out[3], 0x24126ea1);
}
END_TEST

/* Moments of 2^20 draws: mean and variance of U[0,1) are 1/2 and 1/12, of
 * N(0,1) are 0 and 1.  Standard errors: 0.29/sqrt(n) = 2.8e-4 for the uniform
 * mean, 1/sqrt(n) ~ 1e-3 for the normal mean, sqrt(2/n) ~ 1.4e-3 for its
 * variance; the bounds below are 5 to 6 standard errors. */
START_TEST(num_rng_moments)
{
    pel_rng r = pel_rng_stream(7, 3);
    const uint64_t n = 1u << 19; /* pairs */
    double su = 0, suu = 0, sn = 0, snn = 0, umin = 1, umax = 0;
    for (uint64_t i = 0; i < n; i++) {
        double u[2], z[2];
        pel_rng_uniform2(r, i, 0, u);
        pel_rng_normal2(r, i, 1, z);
        for (int k = 0; k < 2; k++) {
            ck_assert(u[k] >= 0.0 && u[k] < 1.0);
            umin = fmin(umin, u[k]);
            umax = fmax(umax, u[k]);
            su += u[k], suu += u[k] * u[k], sn += z[k], snn += z[k] * z[k];
        }
    }
    double m = 2.0 * (double)n;
    ck_assert_double_eq_tol(su / m, 0.5, 1.5e-3);
    ck_assert_double_eq_tol(suu / m - (su / m) * (su / m), 1.0 / 12.0, 1e-3);
    ck_assert_double_eq_tol(sn / m, 0.0, 6e-3);
    ck_assert_double_eq_tol(snn / m, 1.0, 8e-3);
    ck_assert(umin < 1e-4 && umax > 1 - 1e-4);
}
END_TEST

/* NPB's randlc as Bailey specifies it: the product a x mod 2^46 in double
 * precision, through 23-bit halves.  The integer generator must give the
 * same numbers bit for bit. */
static double randlc_double(double *x, double a)
{
    const double r23 = 0x1.0p-23, r46 = r23 * r23, t23 = 0x1.0p23, t46 = t23 * t23;
    double t1 = r23 * a, a1 = (int)t1, a2 = a - t23 * a1;
    t1 = r23 * *x;
    double x1 = (int)t1, x2 = *x - t23 * x1;
    t1 = a1 * x2 + a2 * x1;
    double t2 = (int)(r23 * t1), z = t1 - t23 * t2;
    double t3 = t23 * z + a2 * x2, t4 = (int)(r46 * t3);
    *x = t3 - t46 * t4;
    return r46 * *x;
}

START_TEST(num_lcg46)
{
    const double a = 1220703125.0;
    double xd = 314159265.0, xi = 314159265.0, y[1000];
    for (int k = 0; k < 100000; k++) ck_assert(randlc_double(&xd, a) == pel_randlc(&xi, a));
    ck_assert(xd == xi);
    /* vranlc continues the same stream and leaves the seed at its end */
    double xv = xi;
    pel_vranlc(1000, &xv, a, y);
    for (int k = 0; k < 1000; k++) ck_assert(y[k] == randlc_double(&xd, a));
    ck_assert(xv == xd);
    /* jump-ahead equals stepping, for every skip up to 2000 and a large one */
    uint64_t s = 271828183, x = s;
    for (uint64_t k = 0; k <= 2000; k++) {
        ck_assert_uint_eq(pel_lcg46_skip(s, PEL_LCG46_A, k), x);
        x = pel_lcg46_next(x, PEL_LCG46_A);
    }
    x = s;
    for (uint64_t k = 0; k < (1u << 20) + 7; k++) x = pel_lcg46_next(x, PEL_LCG46_A);
    ck_assert_uint_eq(pel_lcg46_skip(s, PEL_LCG46_A, (1u << 20) + 7), x);
    /* a = 5^13 is 1 mod 4, so its order mod 2^46 is 2^44 (Knuth 3.2.1.2) */
    ck_assert_uint_eq(pel_lcg46_pow(PEL_LCG46_A, UINT64_C(1) << 44), 1);
    ck_assert_uint_ne(pel_lcg46_pow(PEL_LCG46_A, UINT64_C(1) << 43), 1);
    /* a range fill is the stream from its first element on, for every
     * length around the fill's four interleaved chains */
    for (size_t n = 0; n <= 13; n++) {
        for (size_t k = 0; k < 14; k++) y[k] = -1.0;
        pel_lcg46_fill_range(s, PEL_LCG46_A, 123, y, n);
        x = pel_lcg46_skip(s, PEL_LCG46_A, 123);
        for (size_t k = 0; k < n; k++) {
            x = pel_lcg46_next(x, PEL_LCG46_A);
            ck_assert(y[k] == pel_lcg46_real(x));
        }
        ck_assert(y[n] == -1.0); /* nothing written past n */
    }
}
END_TEST

/* Sums with a known exact answer: integers are exact in any order. */
START_TEST(num_reduce_exact)
{
    const size_t sizes[] = {0, 1, 7, PEL_REDUCE_BLOCK - 1, PEL_REDUCE_BLOCK, PEL_REDUCE_BLOCK + 1,
                            5 * PEL_REDUCE_BLOCK + 3, 100000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        double *x = pel_malloc((n + 1) * sizeof *x);
        for (size_t i = 0; i < n; i++) x[i] = (double)(i + 1);
        double dn = (double)n;
        ck_assert_double_eq(pel_sum(tctx(2), x, n), dn * (dn + 1) / 2);
        ck_assert_double_eq(pel_dot(tctx(2), x, x, n), dn * (dn + 1) * (2 * dn + 1) / 6);
        ck_assert_double_eq(pel_norm2(tctx(3), x, n), sqrt(dn * (dn + 1) * (2 * dn + 1) / 6));
        if (n) {
            ck_assert_double_eq(pel_max(tctx(2), x, n), dn);
            ck_assert_double_eq(pel_min(tctx(4), x, n), 1.0);
            double was = x[n / 2];
            x[n / 2] = -2.0 * dn;
            ck_assert_double_eq(pel_max_abs(tctx(2), x, n), 2.0 * dn);
            /* integers below 2^53: exact in any order */
            ck_assert_double_eq(pel_sum_serial(x, n), dn * (dn + 1) / 2 - was - 2.0 * dn);
        }
        pel_free(x);
    }
    ck_assert(isinf(pel_max(tctx(1), NULL, 0)) && pel_max(tctx(1), NULL, 0) < 0);
    ck_assert(isinf(pel_min(tctx(1), NULL, 0)) && pel_min(tctx(1), NULL, 0) > 0);
    double nan_in[3] = {1.0, NAN, 2.0};
    ck_assert(isnan(pel_max(tctx(1), nan_in, 3)) && isnan(pel_min(tctx(1), nan_in, 3)));
    /* a NULL array with elements: NaN, not a crash; with none: the identity */
    ck_assert(isnan(pel_sum(tctx(2), NULL, 5)) && isnan(pel_dot(tctx(2), nan_in, NULL, 3)));
    ck_assert(isnan(pel_norm2(tctx(1), NULL, 1)) && isnan(pel_max_abs(tctx(1), NULL, 2)));
    ck_assert(isnan(pel_max(tctx(1), NULL, 2)) && isnan(pel_min(tctx(1), NULL, 2)));
    ck_assert(isnan(pel_sum_serial(NULL, 3)) && pel_sum_serial(NULL, 0) == 0.0 && pel_sum(tctx(1), NULL, 0) == 0.0);
}
END_TEST

/* Pairwise summation's error bound is O(eps log n), recursive summation's
 * O(eps n): summing 0.1 2^22 times shows the difference. */
START_TEST(num_reduce_accuracy)
{
    size_t n = 1u << 22;
    double *x = pel_malloc(n * sizeof *x);
    double naive = 0.0;
    for (size_t i = 0; i < n; i++) x[i] = 0.1, naive += 0.1;
    double exact = 0.1 * (double)n; /* n is a power of two: the product is exact */
    double err = fabs(pel_sum(tctx(1), x, n) - exact) / exact;
    ck_assert_msg(err < 22 * DBL_EPSILON, "pairwise relative error %g", err);
    ck_assert(fabs(naive - exact) / exact > 100 * err + DBL_EPSILON);
    pel_free(x);
}
END_TEST

START_TEST(num_verify_rules)
{
    ck_assert(pel_verify_judge(PEL_VERIFY_CLOSE, 1.0 + 1e-9, 1.0, 0.0, 1e-8));
    ck_assert(!pel_verify_judge(PEL_VERIFY_CLOSE, 1.0 + 1e-7, 1.0, 0.0, 1e-8));
    ck_assert(pel_verify_judge(PEL_VERIFY_CLOSE, 1e-13, 0.0, 1e-12, 1e-8)); /* abs near 0 */
    ck_assert(!pel_verify_judge(PEL_VERIFY_CLOSE, NAN, 0.0, 1e300, 1e300));
    ck_assert(!pel_verify_judge(PEL_VERIFY_CLOSE, INFINITY, 1.0, 1e300, 1.0));
    ck_assert(pel_verify_judge(PEL_VERIFY_AT_MOST, 1.0, 1.0, 0.0, 0.0));
    ck_assert(!pel_verify_judge(PEL_VERIFY_AT_MOST, 1.5, 1.0, 0.0, 0.0));
    ck_assert(pel_verify_judge(PEL_VERIFY_AT_LEAST, 1.95, 2.0, 0.1, 0.0));
    ck_assert(!pel_verify_judge(PEL_VERIFY_AT_LEAST, NAN, 2.0, 0.1, 0.0));

    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert(pel_verify_log_passed(log));
    for (int i = 0; i < 40; i++) ck_assert(pel_verify_close(log, "ok", 1.0, 1.0, 0, 0));
    ck_assert(!pel_verify_at_most(log, "too big", 2.0, 1.0));
    ck_assert_int_eq(pel_verify_log_count(log), 41);
    ck_assert_int_eq(pel_verify_log_failures(log), 1);
    ck_assert(!pel_verify_log_passed(log));
    ck_assert_str_eq(pel_verify_log_get(log, 40)->name, "too big");
    ck_assert_ptr_null(pel_verify_log_get(log, 41));
    char buf[8192] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    pel_verify_log_print(log, f);
    fclose(f);
    ck_assert(strstr(buf, "FAIL too big") != NULL);
    pel_verify_log_clear(log);
    ck_assert_int_eq(pel_verify_log_count(log), 0);
    pel_verify_log_destroy(log);
}
END_TEST

START_TEST(num_fingerprint)
{
    double a[64], b[64];
    for (int i = 0; i < 64; i++) a[i] = b[i] = sin(i);
    char ha[PEL_FINGERPRINT_HEX], hb[PEL_FINGERPRINT_HEX];
    pel_fingerprint(a, sizeof a, ha);
    pel_fingerprint(b, sizeof b, hb);
    ck_assert_int_eq(strlen(ha), 32);
    ck_assert_str_eq(ha, hb);
    b[17] = nextafter(b[17], 2.0); /* one ulp anywhere changes the fingerprint */
    pel_fingerprint(b, sizeof b, hb);
    ck_assert_str_ne(ha, hb);
    /* XXH3-128 of no bytes, as published with xxHash 0.8 */
    pel_fingerprint("", 0, ha);
    ck_assert_str_eq(ha, "99aa06d3014798d86001c324468d497f");
}
END_TEST

START_TEST(num_json_text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pel_json *w;
    ck_assert_ok(pel_json_create(&w, f));
    pel_json_object_begin(w);
    pel_json_kv_string(w, "quote\"back\\slash", "tab\tnl\nbell\x07 \xc3\xa9 bad\xff\xc3");
    pel_json_kv_number(w, "third", 1.0 / 3.0);
    pel_json_kv_number(w, "tenth", 0.1);
    pel_json_kv_number(w, "nan", NAN);
    pel_json_kv_int(w, "big", 1234567890123LL);
    pel_json_kv_bool(w, "yes", 1);
    pel_json_key(w, "empty");
    pel_json_array_begin(w);
    pel_json_array_end(w);
    pel_json_key(w, "list");
    pel_json_array_begin(w);
    pel_json_null(w);
    pel_json_string(w, NULL);
    pel_json_array_end(w);
    pel_json_object_end(w);
    ck_assert_ok(pel_json_finish(w));
    fclose(f);
    const char *want =
        "{\n"
        "  \"quote\\\"back\\\\slash\": \"tab\\tnl\\nbell\\u0007 \xc3\xa9 bad\\ufffd\\ufffd\",\n"
        "  \"third\": 0.3333333333333333,\n"
        "  \"tenth\": 0.1,\n"
        "  \"nan\": null,\n"
        "  \"big\": 1234567890123,\n"
        "  \"yes\": true,\n"
        "  \"empty\": [],\n"
        "  \"list\": [\n"
        "    null,\n"
        "    null\n"
        "  ]\n"
        "}\n";
    ck_assert_str_eq(buf, want);
    free(buf);
}
END_TEST

START_TEST(num_regions)
{
    pel_context *ctx = test_context(1);
    for (int i = 0; i < 3; i++) {
        ck_assert_ok(pel_region_begin(ctx, "run"));
        ck_assert_ok(pel_region_begin(ctx, "step"));
        ck_assert_ok(pel_region_end(ctx, "step"));
        ck_assert_ok(pel_region_end(ctx, "run"));
    }
    ck_assert_int_eq(pel_region_count(ctx), 2);
    const pel_region_stats *s = pel_region_find(ctx, "run/step");
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->count, 3);
    ck_assert(s->min <= s->max && s->total >= 3 * s->min - 1e-12);
    const pel_region_stats *r = pel_region_find(ctx, "run");
    ck_assert(r->total >= s->total);
    ck_assert_ptr_null(pel_region_find(ctx, "step"));
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    pel_regions_print(ctx, f);
    fclose(f);
    ck_assert(strstr(buf, "run/step") != NULL);
    pel_regions_reset(ctx);
    ck_assert_int_eq(pel_region_count(ctx), 0);
    pel_context_destroy(ctx);
}
END_TEST

static int hook_calls;
static void count_hook(void *user, const char *path, int enter, double t)
{
    (void)path, (void)enter, (void)t;
    ++*(int *)user;
}

START_TEST(num_region_hook)
{
    pel_context *ctx = test_context(1);
    hook_calls = 0;
    pel_context_set_region_hook(ctx, count_hook, &hook_calls);
    pel_region_begin(ctx, "a");
    pel_region_end(ctx, "a");
    ck_assert_int_eq(hook_calls, 2);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- threads: bitwise equality across thread counts ------------------------ */

/* Data whose floating-point sum depends strongly on the order. */
static double *ill_conditioned(size_t n)
{
    double *x = pel_malloc(n * sizeof *x);
    pel_rng r = pel_rng_stream(11, 0);
    for (size_t i = 0; i < n; i += 2) {
        double u[2];
        pel_rng_uniform2(r, i / 2, 0, u);
        x[i] = ldexp(u[0] - 0.5, (int)(u[1] * 60) - 30);
        if (i + 1 < n) x[i + 1] = -0.999 * x[i] + u[1];
    }
    return x;
}

START_TEST(threads_reduce_bitwise)
{
    const size_t sizes[] = {1, 1000, PEL_REDUCE_BLOCK * 3 + 5, 1000003};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        double *x = ill_conditioned(n);
        double sum1 = pel_sum(tctx(1), x, n), dot1 = pel_dot(tctx(1), x, x, n), max1 = pel_max(tctx(1), x, n);
        for (int t = 2; t <= 8; t++) {
            double sum = pel_sum(tctx(t), x, n), dot = pel_dot(tctx(t), x, x, n), mx = pel_max(tctx(t), x, n);
            ck_assert_msg(memcmp(&sum, &sum1, sizeof sum) == 0, "n=%zu t=%d: %a vs %a", n, t, sum, sum1);
            ck_assert(memcmp(&dot, &dot1, sizeof dot) == 0);
            ck_assert(memcmp(&mx, &max1, sizeof mx) == 0);
        }
        pel_free(x);
    }
}
END_TEST

/* The contrast: OpenMP's reduction(+:) combines per-thread partials whose
 * extent depends on the thread count.  With 1e16 first and -1e16 last, one
 * thread loses every 1 (1e16 + 1 rounds back to 1e16: the spacing there is
 * 2) and returns 0; two threads sum the ones in the second half exactly. */
static double omp_sum(const double *x, size_t n, int nthreads)
{
    double s = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : s) num_threads(nthreads) default(none) shared(x, n)
    for (size_t i = 0; i < n; i++) s += x[i];
    return s;
}

START_TEST(threads_omp_reduction_differs)
{
    size_t n = 1u << 16;
    double *x = pel_malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = 1.0;
    x[0] = 1e16;
    x[n - 1] = -1e16;
    double s1 = omp_sum(x, n, 1), s2 = omp_sum(x, n, 2);
    ck_assert_msg(s1 != s2, "reduction(+:) gave %g at 1 and 2 threads", s1);
    ck_assert_double_eq(s1, 0.0);
    double p1 = pel_sum(tctx(1), x, n);
    for (int t = 2; t <= 4; t++) {
        double pt = pel_sum(tctx(t), x, n);
        ck_assert(memcmp(&pt, &p1, sizeof pt) == 0);
    }
    pel_free(x);
}
END_TEST

START_TEST(threads_rng_fill)
{
    uint64_t n = 100001;
    double *a = pel_malloc(n * sizeof *a), *b = pel_malloc(n * sizeof *b);
    pel_rng_fill_uniform(tctx(1), pel_rng_stream(5, 9), 2, a, n);
    for (int t = 2; t <= 4; t++) {
        pel_rng_fill_uniform(tctx(t), pel_rng_stream(5, 9), 2, b, n);
        ck_assert(memcmp(a, b, n * sizeof *a) == 0);
    }
    double u[2];
    pel_rng_uniform2(pel_rng_stream(5, 9), 777, 2, u); /* element i = pair i/2, slot i%2 */
    ck_assert_double_eq(a[1555], u[1]);
    /* any range, odd or even at either end, is the same slice of the stream */
    const uint64_t first[] = {0, 1, 2, 777, 1555}, len[] = {1, 2, 3, 1000, 1001};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            memset(b, 0, len[j] * sizeof *b);
            pel_rng_fill_uniform_range(pel_rng_stream(5, 9), 2, first[i], b, len[j]);
            ck_assert(memcmp(b, a + first[i], len[j] * sizeof *b) == 0);
        }
    pel_free(a);
    pel_free(b);
}
END_TEST

START_TEST(threads_first_touch)
{
    size_t rows = 37, len = 101;
    double *a = pel_malloc(rows * len * sizeof *a), *b = pel_malloc(rows * len * sizeof *b);
    for (int t = 1; t <= 4; t++) {
        pel_first_touch_zero(tctx(t), a, rows, len);
        for (size_t i = 0; i < rows * len; i++) ck_assert(a[i] == 0.0);
        for (size_t i = 0; i < rows * len; i++) a[i] = (double)i;
        pel_first_touch_copy(tctx(t), b, a, rows, len);
        ck_assert(memcmp(a, b, rows * len * sizeof *a) == 0);
    }
    pel_free(a);
    pel_free(b);
    ck_assert_ptr_null(pel_malloc(0));
    void *p = pel_malloc(3);
    ck_assert((uintptr_t)p % PEL_ALIGN == 0);
    pel_free(p);
}
END_TEST

/* Ranks of a distributed array: each evaluates the parts of its
 * block-aligned range with its own local data; combining every part gives
 * pel_reduce's bits over the whole array, for any split. */
static double leaf_local_sum(const void *u, size_t b, size_t e)
{
    const double *x = u;
    double s = 0.0;
    for (size_t i = b; i < e; i++) s += x[i];
    return s;
}

static double leaf_local_max(const void *u, size_t b, size_t e)
{
    const double *x = u;
    double m = -INFINITY;
    for (size_t i = b; i < e; i++) m = x[i] > m ? x[i] : m;
    return m;
}

START_TEST(num_reduce_distributed)
{
    const uint64_t B = PEL_REDUCE_BLOCK, n = 37 * B + 777; /* an odd number of blocks, a ragged end */
    double *x = malloc(n * sizeof *x);
    ck_assert(x);
    for (uint64_t i = 0; i < n; i++) x[i] = 1.0 / (double)(i + 1) * ((i % 3) ? 1.0 : -0.5);
    uint64_t rng = 12345;
    for (int trial = 0; trial < 60; trial++) {
        pel_reduce_op op = trial % 2 ? PEL_REDUCE_MAX : PEL_REDUCE_SUM;
        pel_reduce_leaf leaf = trial % 2 ? leaf_local_max : leaf_local_sum;
        double whole = pel_reduce(tctx(1 + trial % 3), op, n, leaf, x);
        /* 1 to 6 ranks, cut at random block boundaries */
        int ranks = 1 + trial % 6;
        uint64_t cut[8] = {0};
        for (int r = 1; r < ranks; r++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            cut[r] = (rng >> 33) % 38 * B;
        }
        cut[ranks] = n;
        for (int a = 1; a < ranks; a++) /* sort the cuts */
            for (int b = a; b > 0 && cut[b] < cut[b - 1]; b--) {
                uint64_t t = cut[b];
                cut[b] = cut[b - 1], cut[b - 1] = t;
            }
        pel_reduce_part parts[8 * PEL_REDUCE_MAX_PARTS];
        int np = 0;
        for (int r = 0; r < ranks; r++) {
            int got = pel_reduce_local(tctx(2), op, n, cut[r], (size_t)(cut[r + 1] - cut[r]), leaf,
                                       x + cut[r], parts + np, PEL_REDUCE_MAX_PARTS);
            ck_assert_int_ge(got, 0);
            ck_assert_int_le(got, PEL_REDUCE_MAX_PARTS);
            np += got;
        }
        double combined = pel_reduce_combine(op, n, parts, np);
        ck_assert_msg(memcmp(&combined, &whole, sizeof whole) == 0,
                      "trial %d (%d ranks): %.17g, whole array %.17g", trial, ranks, combined, whole);
        if (np > 1) /* a part missing is noticed, not a silently wrong sum */
            ck_assert(isnan(pel_reduce_combine(op, n, parts, np - 1)));
    }
    pel_reduce_part p[4];
    ck_assert_int_eq(pel_reduce_local(NULL, PEL_REDUCE_SUM, n, 5, 10, leaf_local_sum, x, p, 4), -1);
    ck_assert_int_eq(pel_reduce_local(NULL, PEL_REDUCE_SUM, n, 0, 10, leaf_local_sum, x, p, 4), -1);
    free(x);
}
END_TEST

static Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_status);
    tcase_add_test(api, api_context);
    tcase_add_test(api, api_regions);
    tcase_add_test(api, api_json_misuse);
    tcase_add_test(api, api_afile);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_philox_kat);
    tcase_add_test(num, num_rng_moments);
    tcase_add_test(num, num_lcg46);
    tcase_add_test(num, num_reduce_exact);
    tcase_add_test(num, num_reduce_accuracy);
    tcase_add_test(num, num_reduce_distributed);
    tcase_add_test(num, num_verify_rules);
    tcase_add_test(num, num_fingerprint);
    tcase_add_test(num, num_json_text);
    tcase_add_test(num, num_regions);
    tcase_add_test(num, num_region_hook);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_reduce_bitwise);
    tcase_add_test(thr, threads_omp_reduction_differs);
    tcase_add_test(thr, threads_rng_fill);
    tcase_add_test(thr, threads_first_touch);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(core_suite()); }
