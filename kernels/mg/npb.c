/* NPB 3.3.1's MG classes (include/pel/mg.h).  Every number comes from
 * NPB 3.3.1 MG/mg.f: the class table from its class detection (nx, nit),
 * the coefficients from the main program, the reference L2 norms and the
 * tolerance from its verification block (verify_value, epsilon = 1e-8 on
 * |rnm2 - verify_value| / verify_value).  Class W is 3.3's 128^3 x 4, not
 * NPB 3.0's 64^3 x 40. */
#include <config.h>

#include <string.h>

#include "internal/mg.h"

typedef struct mg_class {
    char cls;
    size_t n;
    long nit;
    int smoother_b; /* S(b) smoother */
    double l2;
} mg_class;

static const mg_class classes[] = {
    {'S', 32, 4, 0, 0.5307707005734e-04},
    {'W', 128, 4, 0, 0.6467329375339e-05},
    {'A', 256, 4, 0, 0.2433365309069e-05},
    {'B', 256, 20, 1, 0.1800564401355e-05},
    {'C', 512, 20, 1, 0.5706732285740e-06},
};

pel_status pel_mg_npb_class(pel_context *ctx, char cls, pel_mg_npb *out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out != NULL, "mg: the result pointer must not be NULL");
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        const mg_class *c = &classes[i];
        if (c->cls != cls) continue;
        memset(out, 0, sizeof *out);
        out->cls = c->cls;
        out->n = c->n;
        out->iterations = c->nit;
        out->a[0] = -8.0 / 3.0;
        out->a[1] = 0.0;
        out->a[2] = 1.0 / 6.0;
        out->a[3] = 1.0 / 12.0;
        if (c->smoother_b) { /* S(b) */
            out->c[0] = -3.0 / 17.0;
            out->c[1] = 1.0 / 33.0;
            out->c[2] = -1.0 / 61.0;
        } else { /* S(a) */
            out->c[0] = -3.0 / 8.0;
            out->c[1] = 1.0 / 32.0;
            out->c[2] = -1.0 / 64.0;
        }
        out->c[3] = 0.0;
        out->l2_reference = c->l2;
        out->epsilon = 1.0e-8;
        return PEL_OK;
    }
    if (cls >= 0x20 && cls < 0x7f)
        return pel_error(ctx, PEL_EINVAL, "unknown NPB class '%c' (expected S, W, A, B or C)",
                         cls);
    return pel_error(ctx, PEL_EINVAL, "unknown NPB class 0x%02x (expected S, W, A, B or C)",
                     (unsigned)(unsigned char)cls);
}

void pel_mg_npb_solver_params(const pel_mg_npb *cls, pel_mg_params *p)
{
    if (!cls || !p) return;
    memset(p, 0, sizeof *p);
    p->n[0] = p->n[1] = p->n[2] = cls->n;
    memcpy(p->a, cls->a, sizeof p->a);
    memcpy(p->c, cls->c, sizeof p->c);
    p->levels = 0;
    p->serial_points = PEL_MG_SERIAL_POINTS;
}
