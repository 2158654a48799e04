/* Sizes at and beyond every family's limits: create answers with a status
 * and a message (too large, or out of memory), never a crash or a wrapped
 * size product.  The products involved (points times element size, batches
 * times annuli, levels times planes) must either be checked or bounded by
 * the parameter checks; these cases sit on those bounds. */
#include <config.h>

#include <stdint.h>

#include "testutil.h"

#define REFUSED(ctx, call)                                                                    \
    do {                                                                                      \
        pel_status s_ = (call);                                                               \
        ck_assert_msg(s_ == PEL_EINVAL || s_ == PEL_ENOMEM, "%s gave %s", #call,              \
                      pel_status_name(s_));                                                   \
        ck_assert_msg(pel_context_error(ctx)[0] != '\0', "%s: no message", #call);            \
    } while (0)

START_TEST(sizes_refused)
{
    pel_context *ctx = test_context(1);
    pel_heat_params hp;
    pel_heat_params_default(&hp, 3);
    hp.n[0] = hp.n[1] = hp.n[2] = 1000000; /* 10^18 points: 8e18 bytes, below 2^63 */
    hp.dt = 1e-30;
    pel_heat *h = NULL;
    REFUSED(ctx, pel_heat_create(ctx, &hp, &h));
    ck_assert_ptr_null(h);

    pel_poisson_params pp;
    pel_poisson_params_default(&pp, 3);
    pp.n[0] = pp.n[1] = pp.n[2] = (size_t)1 << 30; /* 2^90 points */
    pel_poisson *ps = NULL;
    REFUSED(ctx, pel_poisson_create(ctx, &pp, &ps));

    pel_diffusion_params dp;
    pel_diffusion_params_default(&dp);
    dp.n[0] = dp.n[1] = dp.n[2] = (size_t)1 << 40;
    pel_diffusion *d = NULL;
    REFUSED(ctx, pel_diffusion_create(ctx, &dp, &d));
    dp.n[0] = dp.n[1] = (size_t)1 << 31, dp.n[2] = 2; /* 2^63 points: the bytes would wrap */
    REFUSED(ctx, pel_diffusion_create(ctx, &dp, &d));

    pel_mg_params mp;
    pel_mg_params_default(&mp, 32);
    mp.n[0] = mp.n[1] = mp.n[2] = (size_t)1 << 20;
    pel_mg *mg = NULL;
    REFUSED(ctx, pel_mg_create(ctx, &mp, &mg));

    pel_sort_params sp;
    pel_sort_params_default(&sp);
    sp.n = (size_t)1 << 62;
    pel_sort *so = NULL;
    REFUSED(ctx, pel_sort_create(ctx, &sp, &so));

    pel_gauss_params gp;
    pel_gauss_params_default(&gp);
    gp.npairs = (uint64_t)1 << 62; /* 2^46 batches of counts */
    pel_gauss *g = NULL;
    REFUSED(ctx, pel_gauss_create(ctx, &gp, &g));

    pel_sparse_csr *A = NULL;
    REFUSED(ctx, pel_sparse_npb_makea(ctx, (int64_t)1 << 40, 15, 0.1, 20, &A));

    pel_atmosphere_params ap;
    pel_atmosphere_params_default(&ap);
    ap.ny = (size_t)1 << 33; /* nx = 2^34: 2^67 cells */
    pel_atmosphere *at = NULL;
    REFUSED(ctx, pel_atmosphere_create(ctx, &ap, &at));
    ck_assert_ptr_null(at);

    pel_ocean_params op;
    pel_ocean_params_default(&op);
    op.nx = op.ny = (size_t)1 << 32;
    pel_ocean *oc = NULL;
    REFUSED(ctx, pel_ocean_create(ctx, &op, &oc));
    ck_assert_ptr_null(oc);

    pel_land_params lp;
    pel_land_params_default(&lp);
    lp.nx = lp.ny = (size_t)1 << 32;
    pel_land *la = NULL;
    REFUSED(ctx, pel_land_create(ctx, &lp, &la));
    ck_assert_ptr_null(la);

    pel_cholesky_params cp;
    pel_cholesky_params_default(&cp);
    cp.n = (size_t)1 << 31; /* the largest order accepted: n^2 doubles are 2^65 bytes */
    pel_cholesky *ch = NULL;
    REFUSED(ctx, pel_cholesky_create(ctx, &cp, &ch));
    ck_assert_ptr_null(ch);
    pel_context_destroy(ctx);
}
END_TEST

static Suite *sizes_suite(void)
{
    Suite *s = suite_create("sizes");
    TCase *api = tcase_create("api");
    tcase_add_test(api, sizes_refused);
    suite_add_tcase(s, api);
    return s;
}

int main(void) { return run_suite(sizes_suite()); }
