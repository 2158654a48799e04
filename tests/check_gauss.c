/* Gaussian pairs by the polar method (pel_gauss) and
 * the NPB EP classes.
 *
 * Where the numbers come from:
 *  - a reference written here from the definition in pel/gauss.h, with
 *    NPB's randlc (pel_randlc) and NPB's expressions in NPB's order: the
 *    library must match it bit for bit (batch sums in pair order, batches
 *    combined by pel_sum_serial);
 *  - NPB 3.3.1's verification values (EP/ep.f) with NPB's tolerance 1e-8;
 *  - NPB 3.3.1's published class S output (NPB3.3-OMP, ep.S): the number of
 *    Gaussian pairs and the annulus counts, which are integers and so must
 *    agree exactly. */
#include <config.h>

#include <stdint.h>

#include "testutil.h"

#define NPB_SEED 271828183.0
#define NPB_A 1220703125.0 /* 5^13 */

/* ---- the reference, from the definition ----------------------------------- */

typedef struct ref_result {
    double sx, sy;
    uint64_t accepted, outside, counts[PEL_GAUSS_MAX_ANNULI];
} ref_result;

/* Pairs first .. first + npairs - 1 of the stream (seed, a); one serial sum
 * per batch of PEL_GAUSS_BATCH pairs, the batch sums added pairwise. */
static void reference(double seed, double a, uint64_t first, uint64_t npairs, int nannuli,
                      ref_result *r)
{
    memset(r, 0, sizeof *r);
    uint64_t nb = (npairs + PEL_GAUSS_BATCH - 1) / PEL_GAUSS_BATCH;
    double *bx = calloc(nb, sizeof *bx), *by = calloc(nb, sizeof *by);
    ck_assert(bx && by);
    double x = seed;
    for (uint64_t k = 0; k < 2 * first; k++) pel_randlc(&x, a);
    for (uint64_t j = 0; j < npairs; j++) {
        double x1 = 2.0 * pel_randlc(&x, a) - 1.0;
        double x2 = 2.0 * pel_randlc(&x, a) - 1.0;
        double t = x1 * x1 + x2 * x2;
        if (t <= 1.0 && t > 0.0) {
            double f = sqrt(-2.0 * log(t) / t);
            double gx = x1 * f, gy = x2 * f;
            int l = (int)(fabs(gx) > fabs(gy) ? fabs(gx) : fabs(gy));
            r->accepted++;
            if (l < nannuli) r->counts[l]++;
            else r->outside++;
            bx[j / PEL_GAUSS_BATCH] += gx;
            by[j / PEL_GAUSS_BATCH] += gy;
        }
    }
    r->sx = pel_sum_serial(bx, nb);
    r->sy = pel_sum_serial(by, nb);
    free(bx);
    free(by);
}

static pel_gauss_params params(uint64_t seed, uint64_t a, uint64_t first, uint64_t npairs,
                               int nannuli)
{
    pel_gauss_params p;
    pel_gauss_params_default(&p);
    p.seed = seed;
    p.multiplier = a;
    p.first_pair = first;
    p.npairs = npairs;
    p.nannuli = nannuli;
    return p;
}

static void run(int nthreads, const pel_gauss_params *p, pel_gauss_tally *t, uint64_t *counts)
{
    pel_context *ctx = test_context(nthreads);
    ck_assert_ok(pel_gauss_pairs(ctx, p, t, counts));
    pel_context_destroy(ctx);
}

static void assert_matches_reference(const pel_gauss_params *p)
{
    ref_result r;
    reference((double)p->seed, (double)p->multiplier, p->first_pair, p->npairs, p->nannuli, &r);
    pel_gauss_tally t;
    uint64_t counts[PEL_GAUSS_MAX_ANNULI];
    run(2, p, &t, counts);
    /* bitwise: the same operations in the same order */
    ck_assert_msg(t.sx == r.sx, "sx = %.17g, reference %.17g", t.sx, r.sx);
    ck_assert_msg(t.sy == r.sy, "sy = %.17g, reference %.17g", t.sy, r.sy);
    ck_assert_uint_eq(t.accepted, r.accepted);
    ck_assert_uint_eq(t.outside, r.outside);
    uint64_t total = t.outside;
    for (int l = 0; l < p->nannuli; l++) {
        ck_assert_uint_eq(counts[l], r.counts[l]);
        total += counts[l];
    }
    ck_assert_uint_eq(total, t.accepted); /* every accepted pair is counted once */
}

/* ---- api --------------------------------------------------------------------- */

START_TEST(api_params)
{
    pel_context *ctx = test_context(1);
    pel_gauss *g = (pel_gauss *)&g; /* must be reset to NULL on failure */
    pel_gauss_params p = params(271828183, PEL_LCG46_A, 0, 1000, 10);

    ck_assert_fails(ctx, pel_gauss_create(ctx, NULL, &g), PEL_EINVAL, "params must not be NULL");
    ck_assert_ptr_null(g);
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, NULL), PEL_EINVAL, "gauss: the result pointer must not be NULL");

    p.seed = 0;
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, &g), PEL_EINVAL, "seed must be in 1 .. 2^46 - 1 (got 0)");
    p.seed = UINT64_C(1) << 46;
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, &g), PEL_EINVAL, "(got 70368744177664)");
    p.seed = 271828183;

    p.multiplier = 0;
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, &g), PEL_EINVAL, "multiplier must be in 1 .. 2^46 - 1 (got 0)");
    p.multiplier = UINT64_C(1) << 46;
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, &g), PEL_EINVAL, "multiplier");
    p.multiplier = PEL_LCG46_A;

    p.npairs = 0;
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, &g), PEL_EINVAL, "npairs must be positive (got 0)");
    p.npairs = 10;
    p.first_pair = (UINT64_C(1) << 62) - 9;
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, &g), PEL_EINVAL, "first_pair + npairs must not exceed 2^62");
    p.first_pair = 0;

    p.nannuli = 0;
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, &g), PEL_EINVAL, "nannuli must be in 1 .. 64 (got 0)");
    p.nannuli = -3;
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, &g), PEL_EINVAL, "(got -3)");
    p.nannuli = PEL_GAUSS_MAX_ANNULI + 1;
    ck_assert_fails(ctx, pel_gauss_create(ctx, &p, &g), PEL_EINVAL, "(got 65)");
    ck_assert_ptr_null(g);

    /* the one-shot form checks the same things, and its own output */
    p.nannuli = 0;
    pel_gauss_tally t;
    ck_assert_fails(ctx, pel_gauss_pairs(ctx, &p, &t, NULL), PEL_EINVAL, "nannuli");
    p.nannuli = 10;
    ck_assert_fails(ctx, pel_gauss_pairs(ctx, &p, NULL, NULL), PEL_EINVAL, "tally must not be NULL");

    /* without a context: the status alone */
    ck_assert_int_eq(pel_gauss_create(NULL, NULL, &g), PEL_EINVAL);
    pel_gauss_destroy(NULL); /* allowed, like free */
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_execute)
{
    pel_context *ctx = test_context(1);
    pel_gauss_params p = params(271828183, PEL_LCG46_A, 0, 1000, 10);
    pel_gauss *g = NULL;
    pel_gauss_tally t;
    ck_assert_ok(pel_gauss_create(ctx, &p, &g));
    ck_assert_fails(ctx, pel_gauss_execute(ctx, NULL, &t, NULL), PEL_EINVAL, "plan must not be NULL");
    ck_assert_fails(ctx, pel_gauss_execute(ctx, g, NULL, NULL), PEL_EINVAL, "tally must not be NULL");
    ck_assert_ok(pel_gauss_execute(ctx, g, &t, NULL)); /* counts are optional */
    ck_assert_uint_gt(t.accepted, 0);
    pel_gauss_destroy(g);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_npb_class)
{
    pel_context *ctx = test_context(1);
    pel_gauss_npb c;
    ck_assert_fails(ctx, pel_gauss_npb_class(ctx, 'Q', &c), PEL_EINVAL,
                    "unknown NPB class 'Q' (expected S, W, A, B or C)");
    ck_assert_fails(ctx, pel_gauss_npb_class(ctx, 's', &c), PEL_EINVAL, "unknown NPB class 's'");
    ck_assert_fails(ctx, pel_gauss_npb_class(ctx, 'S', NULL), PEL_EINVAL, "result pointer must not be NULL");

    /* NPB 3.3.1: M = 24, 25, 28, 30, 32; seed 271828183; a = 5^13; NQ = 10 */
    const char *cls = "SWABC";
    const int m[] = {24, 25, 28, 30, 32};
    for (int i = 0; i < 5; i++) {
        ck_assert_ok(pel_gauss_npb_class(ctx, cls[i], &c));
        ck_assert_int_eq(c.cls, cls[i]);
        ck_assert_int_eq(c.m, m[i]);
        ck_assert_uint_eq(c.gauss.npairs, UINT64_C(1) << m[i]);
        ck_assert_uint_eq(c.gauss.seed, 271828183);
        ck_assert_uint_eq(c.gauss.multiplier, UINT64_C(1220703125));
        ck_assert_uint_eq(c.gauss.first_pair, 0);
        ck_assert_int_eq(c.gauss.nannuli, 10);
        ck_assert(c.eps == 1.0e-8);
    }
    /* B and C, as printed in NPB 3.3.1 EP/ep.f */
    ck_assert(c.sx_ref == 4.764367927995374e4 && c.sy_ref == -8.084072988043731e4);
    ck_assert_ok(pel_gauss_npb_class(ctx, 'B', &c));
    ck_assert(c.sx_ref == 4.033815542441498e4 && c.sy_ref == -2.660669192809235e4);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- numerics ------------------------------------------------------------------ */

/* 2^12 pairs: one batch, so the sums are NPB's own serial sums */
START_TEST(numerics_small_stream)
{
    pel_gauss_params p = params(271828183, PEL_LCG46_A, 0, 4096, 10);
    assert_matches_reference(&p);
}
END_TEST

/* three batches and a short one, starting inside the stream, another seed */
START_TEST(numerics_batches_offset)
{
    pel_gauss_params p = params(314159265, PEL_LCG46_A, 12345, 3 * PEL_GAUSS_BATCH + 1001, 10);
    assert_matches_reference(&p);
}
END_TEST

/* few annuli: the pairs beyond them are counted as outside; another multiplier */
START_TEST(numerics_outside)
{
    pel_gauss_params p = params(1, 3125 /* 5^5 */, 7, 20000, 2);
    assert_matches_reference(&p);
    pel_gauss_tally t;
    uint64_t counts[2];
    run(1, &p, &t, counts);
    ck_assert_uint_gt(t.outside, 0); /* a Gaussian exceeds 2 in 4.6% of cases */
}
END_TEST

/* NPB 3.3.1 class S: sums within NPB's 1e-8 of ep.f's values; pairs and
 * counts exactly as in NPB 3.3.1's published output (NPB3.3-OMP, ep.S). */
START_TEST(numerics_npb_class_s)
{
    pel_context *ctx = test_context(2);
    pel_gauss_npb c;
    ck_assert_ok(pel_gauss_npb_class(ctx, 'S', &c));
    pel_gauss_tally t;
    uint64_t q[10];
    ck_assert_ok(pel_gauss_pairs(ctx, &c.gauss, &t, q));
    ck_assert_rel(t.sx, c.sx_ref, c.eps);
    ck_assert_rel(t.sy, c.sy_ref, c.eps);
    const uint64_t npb_q[10] = {6140517, 5865300, 1100361, 68546, 1648, 17, 0, 0, 0, 0};
    ck_assert_uint_eq(t.accepted, 13176389);
    ck_assert_uint_eq(t.outside, 0);
    for (int l = 0; l < 10; l++) ck_assert_uint_eq(q[l], npb_q[l]);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(numerics_npb_class_w)
{
    pel_context *ctx = test_context(2);
    pel_gauss_npb c;
    ck_assert_ok(pel_gauss_npb_class(ctx, 'W', &c));
    pel_gauss_tally t;
    ck_assert_ok(pel_gauss_pairs(ctx, &c.gauss, &t, NULL));
    ck_assert_rel(t.sx, c.sx_ref, c.eps);
    ck_assert_rel(t.sy, c.sy_ref, c.eps);
    pel_context_destroy(ctx);
}
END_TEST

/* a plan executed twice (REP) gives the same bits as the one-shot call */
START_TEST(numerics_repeat)
{
    pel_context *ctx = test_context(2);
    pel_gauss_params p = params(271828183, PEL_LCG46_A, 5, 2 * PEL_GAUSS_BATCH + 17, 10);
    pel_gauss *g = NULL;
    pel_gauss_tally t1, t2, t3;
    uint64_t c1[10], c2[10], c3[10];
    ck_assert_ok(pel_gauss_create(ctx, &p, &g));
    ck_assert_ok(pel_gauss_execute(ctx, g, &t1, c1));
    ck_assert_ok(pel_gauss_execute(ctx, g, &t2, c2));
    pel_gauss_destroy(g);
    ck_assert_ok(pel_gauss_pairs(ctx, &p, &t3, c3));
    ck_assert_mem_eq(&t1, &t2, sizeof t1);
    ck_assert_mem_eq(&t1, &t3, sizeof t1);
    ck_assert_mem_eq(c1, c2, sizeof c1);
    ck_assert_mem_eq(c1, c3, sizeof c1);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- threads ------------------------------------------------------------------- */

/* PET: 1, 2, 3, 4 threads, bitwise; 37 batches and a tail split unevenly */
START_TEST(threads_bitwise)
{
    pel_gauss_params p = params(271828183, PEL_LCG46_A, 1000, 37 * PEL_GAUSS_BATCH + 4321, 10);
    pel_gauss_tally t0;
    uint64_t c0[10];
    run(1, &p, &t0, c0);
    for (int nt = 2; nt <= 4; nt++) {
        pel_gauss_tally t;
        uint64_t c[10];
        run(nt, &p, &t, c);
        ck_assert_msg(memcmp(&t, &t0, sizeof t) == 0, "%d threads: sx %.17g sy %.17g vs %.17g %.17g", nt,
                      t.sx, t.sy, t0.sx, t0.sy);
        ck_assert_mem_eq(c, c0, sizeof c);
    }
}
END_TEST

/* more threads than batches */
START_TEST(threads_few_batches)
{
    pel_gauss_params p = params(271828183, PEL_LCG46_A, 0, PEL_GAUSS_BATCH + 1, 10);
    pel_gauss_tally t1, t4;
    uint64_t c1[10], c4[10];
    run(1, &p, &t1, c1);
    run(4, &p, &t4, c4);
    ck_assert_mem_eq(&t1, &t4, sizeof t1);
    ck_assert_mem_eq(c1, c4, sizeof c1);
}
END_TEST

/* A plan made from ctx, executed: the tally and the counts.  Five batches
 * and a tail: parts of unequal size at 2-4 threads. */
typedef struct tally_out {
    pel_gauss_tally t;
    uint64_t counts[10];
} tally_out;

static void run_plan(pel_context *ctx, void *arg, void *out)
{
    const pel_gauss_params *p = arg;
    tally_out *o = out;
    memset(o, 0, sizeof *o);
    pel_gauss *g = NULL;
    ck_assert_ok(pel_gauss_create(ctx, p, &g));
    ck_assert_ok(pel_gauss_execute(ctx, g, &o->t, o->counts));
    pel_gauss_destroy(g);
}

/* inside a user's parallel region (nesting off and on) and in its tasks:
 * the plain call's bits, never more threads than asked for */
START_TEST(threads_policy)
{
    pel_gauss_params p = params(271828183, PEL_LCG46_A, 3, 5 * PEL_GAUSS_BATCH + 999, 10);
    test_policy(run_plan, &p, sizeof(tally_out));
    test_same_bits_1_to_4(run_plan, &p, sizeof(tally_out));
}
END_TEST

/* Every batch kernel (PEL_ISA caps the one create picks): NPB class S's
 * sums and counts, the same bits from each. */
START_TEST(threads_isa_variants)
{
    pel_gauss_npb c;
    ck_assert_ok(pel_gauss_npb_class(tctx(1), 'S', &c));
    const char *isa[] = {"scalar", "avx2", "avx512"};
    tally_out ref, got;
    for (int i = 0; i < 3; i++) {
        setenv("PEL_ISA", isa[i], 1);
        run_plan(tctx(2), &c.gauss, i == 0 ? &ref : &got);
        if (i > 0)
            ck_assert_msg(memcmp(&ref, &got, sizeof ref) == 0,
                          "PEL_ISA=%s: sx %.17g sy %.17g, scalar %.17g %.17g", isa[i], got.t.sx,
                          got.t.sy, ref.t.sx, ref.t.sy);
    }
    unsetenv("PEL_ISA");
    ck_assert_uint_eq(ref.t.accepted, 13176389); /* NPB 3.3.1's class S output */
}
END_TEST

static Suite *gauss_suite(void)
{
    Suite *s = suite_create("gauss");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_params);
    tcase_add_test(api, api_execute);
    tcase_add_test(api, api_npb_class);
    suite_add_tcase(s, api);

    TCase *num = tcase_create("numerics");
    tcase_set_timeout(num, 60); /* sanitizer builds are slow */
    tcase_add_test(num, numerics_small_stream);
    tcase_add_test(num, numerics_batches_offset);
    tcase_add_test(num, numerics_outside);
    tcase_add_test(num, numerics_npb_class_s);
    tcase_add_test(num, numerics_npb_class_w);
    tcase_add_test(num, numerics_repeat);
    suite_add_tcase(s, num);

    TCase *thr = tcase_create("threads");
    tcase_set_timeout(thr, 60);
    tcase_add_test(thr, threads_bitwise);
    tcase_add_test(thr, threads_few_batches);
    tcase_add_test(thr, threads_policy);
    tcase_add_test(thr, threads_isa_variants);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(gauss_suite()); }
