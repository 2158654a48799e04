/* The ocean benchmark (drivers/common/bench_ocean.h) runs at a quick size
 * and fills its series consistently; it asserts no time (benchmarks are
 * not tests), only that the figures are what their definitions say. */
#include <config.h>

#include "testutil.h"
#include "common/bench_ocean.h"

START_TEST(bench_quick)
{
    /* the byte count of docs/ocean.md: the 4 state fields read and
     * written by each of the 3 stages, the base state's 4 read by stages 2
     * and 3, at 8 bytes; and by each stage 3 forcing doubles and the 1-byte
     * wet mask */
    ck_assert(PEL_OCEAN_BYTES_PER_CELL == (3 * (4 + 4) + 2 * 4) * 8 + 3 * (3 * 8 + 1));
    pel_context *ctx = tctx(2);
    pel_bench_ocean b;
    ck_assert_msg(pel_bench_ocean_init(ctx, &b, 48 * 48, 3, 1), "%s", pel_context_error(ctx));
    ck_assert_int_eq(b.nx, 48);
    pel_bench_series s[PEL_BENCH_OCEAN_SERIES];
    ck_assert(pel_bench_ocean_measure(ctx, &b, 3, s));
    for (int k = 0; k < PEL_BENCH_OCEAN_SERIES; k++) {
        ck_assert_int_eq(s[k].n, 3);
        for (int r = 0; r < 3; r++) ck_assert_msg(isfinite(s[k].v[r]) && s[k].v[r] > 0, "%s[%d] = %g", s[k].name, r, s[k].v[r]);
        pel_bench_print(stdout, &s[k]);
    }
    for (int r = 0; r < 3; r++) {
        ck_assert_rel(s[1].v[r], PEL_OCEAN_BYTES_PER_CELL * s[0].v[r] * 1e-3, 1e-12);
        ck_assert_rel(s[3].v[r], s[1].v[r] / s[2].v[r], 1e-12);
        ck_assert_rel(s[5].v[r], PEL_OCEAN_BYTES_PER_CELL * s[4].v[r] * 1e-3 / s[2].v[r], 1e-12);
    }
    /* the benchmark advanced both basins: 1 warm-up and 3 timed calls each */
    ck_assert_int_eq(pel_ocean_step_count(b.o), 12);
    ck_assert(b.nc == 2 && b.cny >= 8 && b.cny <= b.ny && b.csteps >= 1);
    for (int t = 0; t < b.nc; t++) ck_assert_int_eq(pel_ocean_step_count(b.oc[t]), 4 * b.csteps);
    pel_bench_ocean_free(&b);
}
END_TEST

static Suite *bench_suite(void)
{
    Suite *s = suite_create("ocean_bench");
    TCase *tc = tcase_create("bench");
    tcase_add_test(tc, bench_quick);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(bench_suite()); }
