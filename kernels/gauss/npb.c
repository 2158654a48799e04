/* NPB EP's classes (include/pel/gauss.h). */
#include <config.h>

#include <string.h>

#include "internal/core.h"

/* M per class, NPB 3.3.1 EP (npbparams.h written by sys/setparams.c), and
 * the reference sums from NPB 3.3.1 EP/ep.f, verification section
 * (sx_verify_value, sy_verify_value; epsilon = 1.0d-8). */
static const struct {
    char cls;
    int m;
    double sx, sy;
} classes[] = {
    {'S', 24, -3.247834652034740e3, -6.958407078382297e3},
    {'W', 25, -2.863319731645753e3, -6.320053679109499e3},
    {'A', 28, -4.295875165629892e3, -1.580732573678431e4},
    {'B', 30, 4.033815542441498e4, -2.660669192809235e4},
    {'C', 32, 4.764367927995374e4, -8.084072988043731e4},
};

pel_status pel_gauss_npb_class(pel_context *ctx, char cls, pel_gauss_npb *out)
{
    PEL_REQUIRE(ctx, out != NULL, "gauss: the result pointer must not be NULL");
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        if (classes[i].cls != cls) continue;
        memset(out, 0, sizeof *out);
        out->cls = cls;
        out->m = classes[i].m;
        pel_gauss_params_default(&out->gauss); /* NPB's seed and multiplier, 10 annuli */
        out->gauss.npairs = UINT64_C(1) << classes[i].m;
        out->sx_ref = classes[i].sx;
        out->sy_ref = classes[i].sy;
        out->eps = 1.0e-8;
        return PEL_OK;
    }
    return pel_error(ctx, PEL_EINVAL, "unknown NPB class '%c' (expected S, W, A, B or C)",
                     cls >= 32 && cls < 127 ? cls : '?');
}
