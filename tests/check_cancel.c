/* Cooperative cancellation (pel_context_set_cancel): a flag set before a
 * long call makes it return PEL_ECANCELED with a message naming the call
 * and how far it got; a flag set during one stops it at its next check
 * point, every thread of a team alike (no deadlock at a barrier); a flag
 * that stays 0 changes no bit; an object stopped in a call stays usable
 * (set again, or restored, it gives the bits of an undisturbed one). */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "testutil.h"

static volatile sig_atomic_t flag;

static pel_context *cancel_ctx(int threads)
{
    pel_context *ctx = test_context(threads);
    flag = 0;
    pel_context_set_cancel(ctx, &flag);
    return ctx;
}

/* ---- the API ------------------------------------------------------------- */

START_TEST(test_api)
{
    ck_assert_str_eq(pel_status_name(PEL_ECANCELED), "PEL_ECANCELED");
    ck_assert(strstr(pel_strerror(PEL_ECANCELED), "cancel") != NULL);
    pel_context *ctx = test_context(1);
    ck_assert(pel_context_cancel(ctx) == NULL); /* the default: none */
    ck_assert_int_eq(pel_context_cancelled(ctx), 0);
    flag = 1;
    pel_context_set_cancel(ctx, &flag);
    ck_assert(pel_context_cancel(ctx) == &flag);
    ck_assert_int_eq(pel_context_cancelled(ctx), 1);
    flag = 0;
    ck_assert_int_eq(pel_context_cancelled(ctx), 0);
    flag = 1;
    pel_context_set_cancel(ctx, NULL); /* detached: the flag no longer counts */
    ck_assert_int_eq(pel_context_cancelled(ctx), 0);
    /* NULL contexts are harmless */
    pel_context_set_cancel(NULL, &flag);
    ck_assert(pel_context_cancel(NULL) == NULL);
    ck_assert_int_eq(pel_context_cancelled(NULL), 0);
    pel_context_destroy(ctx);
}
END_TEST

/* A derived context (a coupled model's component's) sees its parent's
 * flag, attached after the derivation too, and keeps the parent alive. */
START_TEST(test_derived)
{
    pel_context *parent = test_context(3), *child = NULL;
    ck_assert_ok(pel_context_derive(parent, &child));
    ck_assert_int_eq(pel_context_threads(child), 3);
    ck_assert_int_eq(pel_context_cancelled(child), 0);
    flag = 1;
    pel_context_set_cancel(parent, &flag);
    ck_assert_int_eq(pel_context_cancelled(child), 1);
    ck_assert(pel_context_cancel(child) == NULL); /* its own: none */
    flag = 0;
    ck_assert_int_eq(pel_context_cancelled(child), 0);
    pel_context_destroy(parent); /* the child's reference keeps it */
    flag = 1;
    ck_assert_int_eq(pel_context_cancelled(child), 1);
    pel_context_destroy(child);
    ck_assert_int_eq(pel_context_derive(NULL, &child), PEL_EINVAL);
}
END_TEST

/* ---- align ---------------------------------------------------------------- */

static char *residues(size_t n, uint32_t seed)
{
    static const char aa[] = "ACDEFGHIKLMNPQRSTVWY";
    char *s = malloc(n + 1);
    ck_assert(s);
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u; /* Numerical Recipes' LCG: any fixed sequence will do */
        s[i] = aa[(x >> 16) % 20];
    }
    s[n] = '\0';
    return s;
}

START_TEST(test_align)
{
    pel_context *ctx = cancel_ctx(2);
    pel_align_params p;
    pel_align_params_default(&p);
    p.tile = 64;
    pel_align *al;
    ck_assert_ok(pel_align_create(ctx, &p, &al));
    char *a = residues(1000, 1), *b = residues(1000, 2);
    pel_align_result ref, r;
    ck_assert_ok(pel_align_pair(al, a, 1000, b, 1000, 1, &ref)); /* the flag attached, never set */
    flag = 1;
    /* 1000 / 64 -> 16 tile rows and columns: 256 tiles, every one skipped */
    ck_assert_fails(ctx, pel_align_pair(al, a, 1000, b, 1000, 1, &r), PEL_ECANCELED,
                    "align: cancelled after 0 of 256 tiles");
    pel_align_result_free(&r);
    flag = 0;
    ck_assert_ok(pel_align_pair(al, a, 1000, b, 1000, 1, &r)); /* the object is still usable */
    ck_assert_int_eq(r.score, ref.score);
    ck_assert_str_eq(r.cigar, ref.cigar);
    pel_align_result_free(&r);
    pel_align_result_free(&ref);
    /* a batch of 3 x 4 pairs */
    pel_seqset *qs, *db;
    ck_assert_ok(pel_seqset_generate(ctx, 3, 50, 300, 1.2, 7, &qs));
    ck_assert_ok(pel_seqset_generate(ctx, 4, 50, 300, 1.2, 8, &db));
    long s0[12], s1[12];
    ck_assert_ok(pel_align_batch(al, qs, db, s0, NULL));
    flag = 1;
    ck_assert_fails(ctx, pel_align_batch(al, qs, db, s1, NULL), PEL_ECANCELED,
                    "align: batch: cancelled after 0 of 12 pairs");
    flag = 0;
    ck_assert_ok(pel_align_batch(al, qs, db, s1, NULL));
    ck_assert_int_eq(memcmp(s0, s1, sizeof s0), 0);
    pel_seqset_destroy(qs);
    pel_seqset_destroy(db);
    pel_align_destroy(al);
    free(a);
    free(b);
    pel_context_destroy(ctx);
}
END_TEST

/* Inside one pair: the SIMD kernels look at the flag every PELI_ALIGN_CHECK
 * (4096) columns, the scalar one every 16 rows, so a flag set before the
 * call stops a pair of 300 x 10000 within it, in every mode and kernel,
 * and a pair with no check point (4000 columns; 15 rows) completes with
 * its score. */
START_TEST(test_align_in_pair)
{
    pel_context *ctx = cancel_ctx(1);
    char *a = residues(300, 3), *b = residues(10000, 4);
    for (int mode = 0; mode < 2; mode++)
        for (int simd = 0; simd < 2; simd++) {
            pel_align_params p;
            pel_align_params_default(&p);
            p.mode = mode ? PEL_ALIGN_GLOBAL : PEL_ALIGN_LOCAL;
            p.simd = simd;
            pel_align *al;
            ck_assert_ok(pel_align_create(ctx, &p, &al));
            const size_t sa = simd ? 300 : 15, sb = simd ? 4000 : 10000; /* no check point */
            long ref, s, short_ref;
            ck_assert_ok(pel_align_score(al, a, 300, b, 10000, &ref));
            ck_assert_ok(pel_align_score(al, a, sa, b, sb, &short_ref));
            flag = 1;
            ck_assert_fails(ctx, pel_align_score(al, a, 300, b, 10000, &s), PEL_ECANCELED,
                            "align: score: cancelled within the pair of 300 x 10000");
            ck_assert_ok(pel_align_score(al, a, sa, b, sb, &s));
            ck_assert_int_eq(s, short_ref);
            flag = 0;
            ck_assert_ok(pel_align_score(al, a, 300, b, 10000, &s));
            ck_assert_int_eq(s, ref);
            pel_align_destroy(al);
        }
    free(a);
    free(b);
    pel_context_destroy(ctx);
}
END_TEST

/* A batch of two long pairs, the flag set by another thread 20 ms in:
 * well inside the pairs (each 6 x 10^9 cells, over 0.1 s even at 50 GCUPS),
 * so only the check points inside a pair can see it. */
static void *set_later(void *arg);

START_TEST(test_align_batch_in_pair)
{
    pel_context *ctx = cancel_ctx(2);
    pel_align_params p;
    pel_align_params_default(&p);
    pel_align *al;
    ck_assert_ok(pel_align_create(ctx, &p, &al));
    pel_seqset *qs, *db;
    ck_assert_ok(pel_seqset_generate(ctx, 1, 3000, 3000, 1.0, 5, &qs));
    ck_assert_ok(pel_seqset_generate(ctx, 2, 2000000, 2000000, 1.0, 6, &db));
    long sc[2];
    flag = 0;
    long us = 20000;
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, set_later, &us), 0);
    pel_status st = pel_align_batch(al, qs, db, sc, NULL);
    pthread_join(th, NULL);
    ck_assert_int_eq(st, PEL_ECANCELED);
    ck_assert(strstr(pel_context_error(ctx), "align: batch: cancelled after 0 of 2 pairs") != NULL);
    flag = 0;
    pel_seqset_destroy(qs);
    pel_seqset_destroy(db);
    pel_align_destroy(al);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- cholesky -------------------------------------------------------------- */

static void set_on_entry(void *user, const char *path, int enter, double seconds)
{
    (void)seconds;
    if (enter && strstr(path, (const char *)user)) flag = 1;
}

START_TEST(test_cholesky)
{
    enum { N = 200 };
    pel_context *ctx = cancel_ctx(2);
    double *a = malloc(N * N * sizeof *a), *l0 = malloc(N * N * sizeof *l0), *l1 = malloc(N * N * sizeof *l1);
    ck_assert(a && l0 && l1);
    ck_assert_ok(pel_cholesky_random_spd(ctx, N, 5, a, N));
    pel_cholesky_params p;
    pel_cholesky_params_default(&p);
    p.n = N;
    p.tile = 32;
    pel_cholesky *h;
    ck_assert_ok(pel_cholesky_create(ctx, &p, &h));
    ck_assert_ok(pel_cholesky_set_matrix(h, a, N));
    ck_assert_ok(pel_cholesky_factor(h));
    ck_assert_ok(pel_cholesky_get_factor(h, l0, N));
    /* 7 x 7 tiles: 7 potrf, 21 trsm, 21 syrk, 35 gemm = 84 tasks; the flag
     * set as the factorisation's region opens, after the call began */
    ck_assert_ok(pel_cholesky_set_matrix(h, a, N));
    pel_context_set_region_hook(ctx, set_on_entry, "cholesky.factor");
    ck_assert_fails(ctx, pel_cholesky_factor(h), PEL_ECANCELED, "cholesky: factor: cancelled after 0 of 84 tile tasks");
    pel_context_set_region_hook(ctx, NULL, NULL);
    flag = 0;
    ck_assert_fails(ctx, pel_cholesky_factor(h), PEL_EINVAL, "was cancelled; set the matrix again");
    ck_assert_fails(ctx, pel_cholesky_get_factor(h, l1, N), PEL_EINVAL, "no factorisation made");
    ck_assert_int_eq(pel_cholesky_failed_column(h), -1);
    ck_assert_ok(pel_cholesky_set_matrix(h, a, N));
    ck_assert_ok(pel_cholesky_factor(h));
    ck_assert_ok(pel_cholesky_get_factor(h, l1, N));
    ck_assert_int_eq(memcmp(l0, l1, N * N * sizeof *l0), 0);
    /* LAPACK's residual test, O(n^3) as the factorisation: a check per column */
    double res = -1.0;
    flag = 1;
    ck_assert_fails(ctx, pel_cholesky_residual(h, a, N, &res), PEL_ECANCELED,
                    "cholesky: residual: cancelled after 0 of 200 columns");
    flag = 0;
    ck_assert_ok(pel_cholesky_residual(h, a, N, &res));
    ck_assert(res >= 0.0 && res < 30.0); /* LAPACK's threshold */
    pel_cholesky_destroy(h);
    free(a);
    free(l0);
    free(l1);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- CG -------------------------------------------------------------------- */

typedef struct cg_case {
    pel_sparse_csr *A;
    pel_sparse_cg *cg;
    pel_sparse_npb c;
    double *x, *b;
} cg_case;

static void cg_make(pel_context *ctx, cg_case *k, char cls)
{
    ck_assert_ok(pel_sparse_npb_class(ctx, cls, &k->c));
    ck_assert_ok(pel_sparse_npb_makea(ctx, k->c.na, k->c.nonzer, k->c.rcond, k->c.shift, &k->A));
    ck_assert_ok(pel_sparse_cg_create(ctx, k->A, &k->cg));
    k->x = malloc((size_t)k->c.na * sizeof *k->x);
    k->b = malloc((size_t)k->c.na * sizeof *k->b);
    ck_assert(k->x && k->b);
    for (int64_t i = 0; i < k->c.na; i++) k->x[i] = k->b[i] = 1.0; /* NPB's start */
}

static void cg_free(cg_case *k)
{
    pel_sparse_cg_destroy(k->cg);
    pel_sparse_csr_destroy(k->A);
    free(k->x);
    free(k->b);
}

START_TEST(test_cg)
{
    pel_context *ctx = cancel_ctx(2);
    cg_case k;
    cg_make(ctx, &k, 'S');
    const size_t bytes = (size_t)k.c.na * sizeof(double);
    double *x = malloc(bytes), *x0 = malloc(bytes);
    ck_assert(x && x0);
    pel_sparse_cg_params sp;
    pel_sparse_cg_params_default(&sp);
    sp.rtol = 0.0; /* NPB's matrix is not definite: a fixed count */
    sp.max_iter = 30;
    memset(x, 0, bytes);
    flag = 1;
    ck_assert_fails(ctx, pel_sparse_cg_solve(k.cg, &sp, k.b, x, NULL), PEL_ECANCELED,
                    "cg: cancelled after 0 of 30 iterations");
    memcpy(x0, k.x, bytes);
    ck_assert_fails(ctx, pel_sparse_cg_power_step(k.cg, k.c.shift, 25, k.x, NULL, NULL), PEL_ECANCELED,
                    "cg: power step: cancelled after 0 of 25 CG iterations");
    ck_assert_int_eq(memcmp(x0, k.x, bytes), 0); /* x as it was */
    flag = 0;
    double zeta;
    ck_assert_ok(pel_sparse_cg_power_step(k.cg, k.c.shift, 25, k.x, &zeta, NULL));
    ck_assert(isfinite(zeta));
    cg_free(&k);
    free(x);
    free(x0);
    pel_context_destroy(ctx);
}
END_TEST

/* A flag set by another thread at an arbitrary moment during the team's
 * iterations: both threads of the team stop at the same check point (a
 * wrong rule would leave one waiting at a barrier: the test's timeout), and
 * the power step either completes with the bits of an undisturbed one or
 * leaves x as it was.  Class W: with the team's two threads spinning at
 * their barriers on a 2-core machine, the setter thread may wait for a
 * core longer than class S's whole power step (under 1 ms), and then no
 * step at all was stopped. */
static void *set_later(void *arg)
{
    long us = *(const long *)arg;
    struct timespec d = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&d, NULL);
    flag = 1;
    return NULL;
}

START_TEST(test_cg_async)
{
    pel_context *ctx = cancel_ctx(2);
    cg_case k;
    cg_make(ctx, &k, 'W'); /* a power step of 5-10 ms: the setter thread gets a core inside it */
    const size_t bytes = (size_t)k.c.na * sizeof(double);
    double *x1 = malloc(bytes);
    ck_assert(x1);
    ck_assert_ok(pel_sparse_cg_power_step(k.cg, k.c.shift, 25, k.x, NULL, NULL)); /* x0 = k.x: one step in */
    memcpy(x1, k.x, bytes);
    ck_assert_ok(pel_sparse_cg_power_step(k.cg, k.c.shift, 25, x1, NULL, NULL)); /* the undisturbed next step */
    int stopped = 0, done = 0;
    for (long us = 0; us < 2000; us += 50) {
        double *x = malloc(bytes);
        ck_assert(x);
        memcpy(x, k.x, bytes);
        flag = 0;
        pthread_t th;
        ck_assert_int_eq(pthread_create(&th, NULL, set_later, &us), 0);
        pel_status st = pel_sparse_cg_power_step(k.cg, k.c.shift, 25, x, NULL, NULL);
        pthread_join(th, NULL);
        if (st == PEL_OK) {
            ck_assert_msg(memcmp(x, x1, bytes) == 0, "a completed step differs from an undisturbed one");
            done++;
        } else {
            ck_assert_int_eq(st, PEL_ECANCELED);
            ck_assert(strstr(pel_context_error(ctx), "cg: power step: cancelled after ") != NULL);
            ck_assert_msg(memcmp(x, k.x, bytes) == 0, "a cancelled step changed x");
            stopped++;
        }
        free(x);
    }
    ck_assert_int_gt(stopped, 0); /* us = 0 at least, nearly always */
    if (getenv("PEL_TEST_VERBOSE")) printf("cg_async: %d stopped, %d completed\n", stopped, done);
    cg_free(&k);
    free(x1);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- MG: stopped after the first of 4 cycles, resumed to the same bits --- */

START_TEST(test_mg)
{
    enum { N = 32 };
    const size_t pts = (size_t)N * N * N;
    pel_context *ctx = cancel_ctx(2);
    pel_mg_params p;
    pel_mg_params_default(&p, N);
    p.zran3 = 1;
    pel_mg *mg0, *mg1;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg0));
    ck_assert_ok(pel_mg_create(ctx, &p, &mg1));
    double *u0 = malloc(pts * sizeof *u0), *u1 = malloc(pts * sizeof *u1);
    ck_assert(u0 && u1);
    double l2a, l2b, ma, mb;
    ck_assert_ok(pel_mg_vcycle(mg0, 4));
    ck_assert_ok(pel_mg_norms(mg0, &l2a, &ma));
    ck_assert_ok(pel_mg_get_solution(mg0, u0));
    flag = 1;
    ck_assert_fails(ctx, pel_mg_vcycle(mg1, 4), PEL_ECANCELED, "mg: vcycle: cancelled after 0 of 4 V-cycles");
    flag = 0;
    /* set as the call's region opens: the team reads it at the first
     * cycle's check point and stops, all threads, after that cycle */
    pel_context_set_region_hook(ctx, set_on_entry, "mg.vcycle");
    ck_assert_fails(ctx, pel_mg_vcycle(mg1, 4), PEL_ECANCELED, "mg: vcycle: cancelled after 1 of 4 V-cycles");
    pel_context_set_region_hook(ctx, NULL, NULL);
    flag = 0;
    ck_assert_ok(pel_mg_vcycle(mg1, 3));
    ck_assert_ok(pel_mg_norms(mg1, &l2b, &mb));
    ck_assert_ok(pel_mg_get_solution(mg1, u1));
    ck_assert_int_eq(memcmp(u0, u1, pts * sizeof *u0), 0);
    ck_assert(l2a == l2b && ma == mb);
    pel_mg_destroy(mg0);
    pel_mg_destroy(mg1);
    free(u0);
    free(u1);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- EP -------------------------------------------------------------------- */

START_TEST(test_gauss)
{
    pel_context *ctx = cancel_ctx(2);
    pel_gauss_params p;
    pel_gauss_params_default(&p);
    p.npairs = 5 * (uint64_t)PEL_GAUSS_BATCH + 17; /* 6 batches */
    pel_gauss *g;
    ck_assert_ok(pel_gauss_create(ctx, &p, &g));
    pel_gauss_tally t0, t1;
    uint64_t c0[10], c1[10];
    ck_assert_ok(pel_gauss_execute(ctx, g, &t0, c0));
    flag = 1;
    ck_assert_fails(ctx, pel_gauss_execute(ctx, g, &t1, c1), PEL_ECANCELED, "gauss: cancelled after 0 of 6 batches");
    flag = 0;
    ck_assert_ok(pel_gauss_execute(ctx, g, &t1, c1));
    ck_assert(t0.sx == t1.sx && t0.sy == t1.sy && t0.accepted == t1.accepted);
    ck_assert_int_eq(memcmp(c0, c1, sizeof c0), 0);
    pel_gauss_destroy(g);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- the NPB components: a flag before the step; FT stopped between its
 * time steps and resumed ends with the straight run's bits --------------- */

static void fingerprint_of(pel_component *c, char hex[PEL_FINGERPRINT_HEX])
{
    pel_field f[4];
    int n = pel_component_fields(c, f, 4);
    ck_assert_int_ge(n, 1);
    pel_field_fingerprint(&f[0], hex);
}

START_TEST(test_components)
{
    pel_context *ctx = cancel_ctx(2);
    pel_npb_component_params np;
    pel_npb_component_params_default(&np);
    np.cls = 'S';
    static const struct {
        const pel_component_type *type;
        const char *msg;
    } k[] = {
        {&pel_gauss_component, "gauss: cancelled after 0 of "},
        {&pel_sparse_component, "cg: power step: cancelled after 0 of 25 CG iterations"},
        {&pel_mg_component, "mg: vcycle: cancelled after 0 of 1 V-cycles"},
        {&pel_diffusion_component, "ft: cancelled after 0 of 1 time steps"},
        {&pel_sort_component, "is: cancelled after 0 of 1 iterations"},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        pel_component *c;
        flag = 0;
        ck_assert_ok(pel_component_create(ctx, k[i].type, &np, &c));
        flag = 1;
        ck_assert_fails(ctx, pel_component_advance(c, 1), PEL_ECANCELED, k[i].msg);
        pel_component_destroy(c);
    }
    /* FT class S: 6 steps; b is stopped as the second of its next 5 opens
     * its evolve, then restored (what pel_component_advance asks after a
     * failure) to a's state at step 1, and both end alike, verified */
    char fa[PEL_FINGERPRINT_HEX], fb[PEL_FINGERPRINT_HEX];
    pel_component *a, *b;
    flag = 0;
    ck_assert_ok(pel_component_create(ctx, &pel_diffusion_component, &np, &a));
    ck_assert_ok(pel_component_create(ctx, &pel_diffusion_component, &np, &b));
    ck_assert_ok(pel_component_advance(a, 1));
    ck_assert_ok(pel_component_advance(b, 1));
    pel_context_set_region_hook(ctx, set_on_entry, "diffusion.evolve");
    ck_assert_fails(ctx, pel_component_advance(b, 5), PEL_ECANCELED, "ft: cancelled after 1 of 5 time steps");
    pel_context_set_region_hook(ctx, NULL, NULL);
    ck_assert_int_eq(pel_component_step(b), 1); /* unchanged by a failure */
    flag = 0;
    pel_component_state saved;
    ck_assert_ok(pel_component_save(a, &saved));
    ck_assert_ok(pel_component_restore(b, &saved));
    ck_assert_ok(pel_component_advance(a, 5));
    ck_assert_ok(pel_component_advance(b, 5));
    fingerprint_of(a, fa);
    fingerprint_of(b, fb);
    ck_assert_str_eq(fa, fb);
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_component_verify(b, log));
    ck_assert(pel_verify_log_passed(log)); /* NPB's checksums of all 6 steps */
    pel_verify_log_destroy(log);
    pel_component_destroy(a);
    pel_component_destroy(b);
    pel_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cancel");
    TCase *api = tcase_create("api");
    tcase_add_test(api, test_api);
    tcase_add_test(api, test_derived);
    suite_add_tcase(s, api);
    TCase *calls = tcase_create("calls");
    tcase_set_timeout(calls, 60);
    tcase_add_test(calls, test_align);
    tcase_add_test(calls, test_align_in_pair);
    tcase_add_test(calls, test_align_batch_in_pair);
    tcase_add_test(calls, test_cholesky);
    tcase_add_test(calls, test_cg);
    tcase_add_test(calls, test_cg_async);
    tcase_add_test(calls, test_mg);
    tcase_add_test(calls, test_gauss);
    tcase_add_test(calls, test_components);
    suite_add_tcase(s, calls);
    return run_suite(s);
}
