/* Budget tables (pel/budget.h) and layout balancing (pel/concurrent.h):
 * closure of an exchange handed to both sides, what a residual detects,
 * cumulative rates, save/restore continuing exactly, and the refusals. */
#include "testutil.h"

static const char *const comps[3] = {"atm", "ocn", "lnd"};
static const char *const terms[3] = {"swnet", "sensible", "olr"};

/* An interval of the pattern a coupler makes: the atmosphere absorbs
 * shortwave and emits longwave to space; a sensible flux leaves the ocean
 * and the land for the atmosphere, added once to each side. */
static void interval(pel_budget *b, double dt, int steps, double leak)
{
    double store[3] = {0, 0, 0};
    for (int s = 0; s < steps; s++) {
        double sw = 240.0 + s, olr = -(239.0 + 0.5 * s), fo = 3.25 + 0.125 * s, fl = 1.5;
        pel_budget_add(b, 0, 0, sw, dt);
        pel_budget_add(b, 2, 0, olr, dt);
        pel_budget_add(b, 1, 0, fo + fl, dt);
        pel_budget_add(b, 1, 1, -fo, dt);
        pel_budget_add(b, 1, 2, -fl, dt);
        store[0] += (sw + olr + fo + fl) * dt;
        store[1] += -fo * dt;
        store[2] += -fl * dt;
    }
    for (int c = 0; c < 3; c++) pel_budget_storage(b, c, store[c] + (c == 1 ? leak : 0.0));
}

START_TEST(closes_and_detects)
{
    pel_context *ctx = test_context(1);
    pel_budget *b;
    ck_assert_ok(pel_budget_create(ctx, "heat", "W/m2", 3, comps, 3, terms, &b));
    interval(b, 1800.0, 4, 0.0);
    double rel = pel_budget_end_interval(b, 7200.0);
    ck_assert_msg(rel <= 1e-15, "closed interval: relative residual %g", rel);
    /* the exchange term sums to zero across the components */
    double s = 0;
    for (int c = 0; c < 3; c++) s += pel_budget_rate(b, PEL_BUDGET_INTERVAL, 1, c);
    ck_assert(fabs(s) <= 1e-14);
    ck_assert(pel_budget_rate(b, PEL_BUDGET_INTERVAL, 0, 0) == (240 + 241 + 242 + 243) * 1800.0 / 7200.0);
    ck_assert(pel_budget_seconds(b, PEL_BUDGET_INTERVAL) == 7200.0);

    /* a storage change the fluxes do not explain: 1 J/m2 in the ocean */
    interval(b, 1800.0, 4, 1.0);
    rel = pel_budget_end_interval(b, 7200.0);
    ck_assert_msg(rel > 1e-8, "a leak of 1 J/m2 went unseen (%g)", rel);
    /* relative to a content of 1e9 J/m2 the same leak is 1e-9 of the total */
    interval(b, 1800.0, 4, 1.0);
    pel_budget_content(b, 1, 1e9);
    rel = pel_budget_end_interval(b, 7200.0);
    ck_assert_msg(fabs(rel - 1e-9) < 1e-15, "relative to the content: %g", rel);
    interval(b, 1800.0, 4, 1.0);
    rel = pel_budget_end_interval(b, 7200.0); /* the next interval forgets that content */
    ck_assert_msg(rel > 1e-8, "content kept beyond its interval (%g)", rel);
    ck_assert(fabs(pel_budget_residual(b, PEL_BUDGET_INTERVAL, 1) + 1.0 / 7200.0) < 1e-15);
    ck_assert(fabs(pel_budget_residual(b, PEL_BUDGET_CUMULATIVE, -1) + 3.0 / 28800.0) < 1e-15);
    ck_assert(pel_budget_seconds(b, PEL_BUDGET_CUMULATIVE) == 28800.0);
    ck_assert_str_eq(pel_budget_term_name(b, 2), "olr");
    ck_assert_str_eq(pel_budget_component_name(b, 1), "ocn");
    ck_assert_ptr_null(pel_budget_term_name(b, 3));

    FILE *f = tmpfile();
    pel_budget_print(b, PEL_BUDGET_CUMULATIVE, f);
    rewind(f);
    char text[4096] = {0};
    ck_assert_uint_gt(fread(text, 1, sizeof text - 1, f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "heat budget (W/m2, mean over the run of 28800 s"));
    ck_assert_ptr_nonnull(strstr(text, "*SUM*"));
    ck_assert_ptr_nonnull(strstr(text, "residual"));
    pel_budget_destroy(b);
    pel_context_destroy(ctx);
}
END_TEST

/* Three intervals straight, or one, save, restore into a new table, two
 * more: the same cumulative bits. */
START_TEST(restart_continues_exactly)
{
    pel_context *ctx = test_context(1);
    pel_budget *a, *b, *c;
    ck_assert_ok(pel_budget_create(ctx, "heat", "W/m2", 3, comps, 3, terms, &a));
    ck_assert_ok(pel_budget_create(ctx, "heat", "W/m2", 3, comps, 3, terms, &b));
    ck_assert_ok(pel_budget_create(ctx, "heat", "W/m2", 3, comps, 3, terms, &c));
    for (int k = 0; k < 3; k++) {
        interval(a, 600.0 + k, 3, 0.0);
        pel_budget_end_interval(a, 3 * (600.0 + k));
    }
    interval(b, 600.0, 3, 0.0);
    pel_budget_end_interval(b, 1800.0);
    pel_field f;
    ck_assert_fails(ctx, pel_budget_save(b, NULL), PEL_EINVAL, "budget heat: no field to save into");
    ck_assert_int_eq(pel_budget_save(NULL, &f), PEL_EINVAL);
    ck_assert_ok(pel_budget_save(b, &f));
    ck_assert_str_eq(f.name, "budget_heat");
    ck_assert_int_eq(f.dims[0], 5);
    ck_assert_ok(pel_budget_restore(c, &f));
    for (int k = 1; k < 3; k++) {
        interval(c, 600.0 + k, 3, 0.0);
        pel_budget_end_interval(c, 3 * (600.0 + k));
    }
    pel_field fa, fc;
    ck_assert_ok(pel_budget_save(a, &fa));
    ck_assert_ok(pel_budget_save(c, &fc));
    ck_assert(memcmp(fa.data, fc.data, 5 * 3 * sizeof(double)) == 0);

    pel_budget *w;
    ck_assert_ok(pel_budget_create(ctx, "water", "kg/m2/s", 3, comps, 2, terms, &w));
    ck_assert_fails(ctx, pel_budget_restore(w, &fa), PEL_EMISMATCH, "not this table's budget_water");
    pel_budget_destroy(w);
    pel_budget_destroy(a);
    pel_budget_destroy(b);
    pel_budget_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(refusals)
{
    pel_context *ctx = test_context(1);
    pel_budget *b = NULL;
    const char *const empty[1] = {""};
    ck_assert_int_eq(pel_budget_create(NULL, "heat", "W/m2", 3, comps, 3, terms, &b), PEL_EINVAL);
    ck_assert_fails(ctx, pel_budget_create(ctx, "", "W/m2", 3, comps, 3, terms, &b), PEL_EINVAL, "name and unit");
    ck_assert_fails(ctx, pel_budget_create(ctx, "heat", "W/m2", 0, comps, 3, terms, &b), PEL_EINVAL, "0 components");
    ck_assert_fails(ctx, pel_budget_create(ctx, "heat", "W/m2", 3, comps, 65, terms, &b), PEL_EINVAL, "65 terms");
    ck_assert_fails(ctx, pel_budget_create(ctx, "heat", "W/m2", 1, empty, 3, terms, &b), PEL_EINVAL, "component 0");
    ck_assert_ptr_null(b);
    ck_assert(isnan(pel_budget_end_interval(NULL, 1.0)));

    /* balancing: slow components get the threads, each keeps one; at 6
     * threads {4,1,1} and {3,1,2} both predict 2 s, and the tie of the last
     * thread goes to the lower index */
    int layout[3];
    const double sec[3] = {6.0, 1.0, 2.0};
    const int thr[3] = {1, 1, 1};
    ck_assert_ok(pel_concurrent_balance(ctx, 3, sec, thr, 6, layout));
    ck_assert_int_eq(layout[0], 4);
    ck_assert_int_eq(layout[1], 1);
    ck_assert_int_eq(layout[2], 1);
    const int thr2[3] = {4, 1, 1}; /* the same work measured on that layout */
    const double sec2[3] = {1.5, 1.0, 2.0};
    int again[3];
    ck_assert_ok(pel_concurrent_balance(ctx, 3, sec2, thr2, 6, again));
    ck_assert(memcmp(layout, again, sizeof layout) == 0);
    ck_assert_fails(ctx, pel_concurrent_balance(ctx, 3, sec, thr, 2, layout), PEL_EINVAL, "need one each");
    const double zero[3] = {1.0, 0.0, 1.0};
    ck_assert_fails(ctx, pel_concurrent_balance(ctx, 3, zero, thr, 4, layout), PEL_EINVAL, "component 1");
    pel_context_destroy(ctx);
}
END_TEST

static Suite *budget_suite(void)
{
    Suite *s = suite_create("budget");
    TCase *tc = tcase_create("budget");
    tcase_add_test(tc, closes_and_detects);
    tcase_add_test(tc, restart_continues_exactly);
    tcase_add_test(tc, refusals);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(budget_suite()); }
