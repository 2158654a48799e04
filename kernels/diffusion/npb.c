/* NPB FT on the spectral diffusion solver: the class table with NPB 3.3.1's
 * reference checksums, NPB's initial condition and its verification test. */
#include <config.h>

#include <math.h>
#include <string.h>

#include <pel/lcg46.h>

#include "internal/diffusion.h"

typedef struct ft_class {
    char cls;
    size_t n[3]; /* n[0] slowest: NPB's (nz, ny, nx) */
    int niter;
    double ref[PEL_DIFFUSION_NPB_MAXITER][2];
} ft_class;

/* Grids and iteration counts: NPB 3.3.1 config/npbparams for FT (classes
 * S..C), whose nx x ny x nz is n[2] x n[1] x n[0] here.  Reference checksums: NPB 3.3.1 FT/ft.f, subroutine verify
 * (csum_ref); the same values as NPB 3.0's C port (FT/ft.c, verify). */
static const ft_class classes[] = {
    {'S', {64, 64, 64}, 6,
     {{5.546087004964e+02, 4.845363331978e+02},
      {5.546385409189e+02, 4.865304269511e+02},
      {5.546148406171e+02, 4.883910722336e+02},
      {5.545423607415e+02, 4.901273169046e+02},
      {5.544255039624e+02, 4.917475857993e+02},
      {5.542683411902e+02, 4.932597244941e+02}}},
    {'W', {32, 128, 128}, 6,
     {{5.673612178944e+02, 5.293246849175e+02},
      {5.631436885271e+02, 5.282149986629e+02},
      {5.594024089970e+02, 5.270996558037e+02},
      {5.560698047020e+02, 5.260027904925e+02},
      {5.530898991250e+02, 5.249400845633e+02},
      {5.504159734538e+02, 5.239212247086e+02}}},
    {'A', {128, 256, 256}, 6,
     {{5.046735008193e+02, 5.114047905510e+02},
      {5.059412319734e+02, 5.098809666433e+02},
      {5.069376896287e+02, 5.098144042213e+02},
      {5.077892868474e+02, 5.101336130759e+02},
      {5.085233095391e+02, 5.104914655194e+02},
      {5.091487099959e+02, 5.107917842803e+02}}},
    {'B', {256, 256, 512}, 20,
     {{5.177643571579e+02, 5.077803458597e+02},
      {5.154521291263e+02, 5.088249431599e+02},
      {5.146409228649e+02, 5.096208912659e+02},
      {5.142378756213e+02, 5.101023387619e+02},
      {5.139626667737e+02, 5.103976610617e+02},
      {5.137423460082e+02, 5.105948019802e+02},
      {5.135547056878e+02, 5.107404165783e+02},
      {5.133910925466e+02, 5.108576573661e+02},
      {5.132470705390e+02, 5.109577278523e+02},
      {5.131197729984e+02, 5.110460304483e+02},
      {5.130070319283e+02, 5.111252433800e+02},
      {5.129070537032e+02, 5.111968077718e+02},
      {5.128182883502e+02, 5.112616233064e+02},
      {5.127393733383e+02, 5.113203605551e+02},
      {5.126691062020e+02, 5.113735928093e+02},
      {5.126064276004e+02, 5.114218460548e+02},
      {5.125504076570e+02, 5.114656139760e+02},
      {5.125002331720e+02, 5.115053595966e+02},
      {5.124551951846e+02, 5.115415130407e+02},
      {5.124146770029e+02, 5.115744692211e+02}}},
    {'C', {512, 512, 512}, 20,
     {{5.195078707457e+02, 5.149019699238e+02},
      {5.155422171134e+02, 5.127578201997e+02},
      {5.144678022222e+02, 5.122251847514e+02},
      {5.140150594328e+02, 5.121090289018e+02},
      {5.137550426810e+02, 5.121143685824e+02},
      {5.135811056728e+02, 5.121496764568e+02},
      {5.134569343165e+02, 5.121870921893e+02},
      {5.133651975661e+02, 5.122193250322e+02},
      {5.132955192805e+02, 5.122454735794e+02},
      {5.132410471738e+02, 5.122663649603e+02},
      {5.131971141679e+02, 5.122830879827e+02},
      {5.131605205716e+02, 5.122965869718e+02},
      {5.131290734194e+02, 5.123075927445e+02},
      {5.131012720314e+02, 5.123166486553e+02},
      {5.130760908195e+02, 5.123241541685e+02},
      {5.130528295923e+02, 5.123304037599e+02},
      {5.130310107773e+02, 5.123356167976e+02},
      {5.130103090133e+02, 5.123399592211e+02},
      {5.129905029333e+02, 5.123435588985e+02},
      {5.129714421109e+02, 5.123465164008e+02}}},
};

pel_status pel_diffusion_npb_class(pel_context *ctx, char cls, pel_diffusion_npb *out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out, "diffusion: npb_class: the output is NULL");
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        const ft_class *c = &classes[i];
        if (c->cls != cls) continue;
        memset(out, 0, sizeof *out);
        out->cls = cls;
        out->params = (pel_diffusion_params){.n = {c->n[0], c->n[1], c->n[2]},
                                             .alpha = 1.0e-6}; /* NPB ft.f: alpha */
        out->niter = c->niter;
        out->seed = UINT64_C(314159265); /* NPB ft.f: seed */
        out->a = PEL_LCG46_A;            /* 5^13 */
        memcpy(out->checksum, c->ref, sizeof c->ref);
        out->epsilon = 1.0e-12; /* NPB ft.f, verify */
        return PEL_OK;
    }
    return pel_error(ctx, PEL_EINVAL, "unknown NPB class '%c' (expected S, W, A, B or C)", cls);
}

typedef struct initial_job {
    uint64_t seed, a;
    size_t nz, plane;
    double *u;
} initial_job;

/* Call t: its static share of the z planes, each from its own place in the stream. */
static void initial_planes(int t, int nt, void *arg)
{
    const initial_job *j = arg;
    size_t b, e;
    pel_static_range(j->nz, t, nt, &b, &e);
    for (size_t z = b; z < e; z++)
        pel_lcg46_fill_range(j->seed, j->a, z * j->plane, j->u + z * j->plane, j->plane);
}

pel_status pel_diffusion_npb_initial(pel_diffusion *d, uint64_t seed, uint64_t a, double *u)
{
    if (!d) return PEL_EINVAL;
    PEL_REQUIRE(d->ctx, u, "diffusion: npb_initial: the field u is NULL");
    PEL_REQUIRE(d->ctx, seed > 0 && seed <= PEL_LCG46_MASK,
                "diffusion: npb_initial: seed must be in [1, 2^46) (got %llu)",
                (unsigned long long)seed);
    PEL_REQUIRE(d->ctx, a > 0 && a <= PEL_LCG46_MASK,
                "diffusion: npb_initial: a must be in [1, 2^46) (got %llu)",
                (unsigned long long)a);
    /* z planes with the split of the passes that read (set_initial) and
     * write (evolve) u */
    initial_job j = {seed, a, d->nz, 2 * d->nx * d->ny, u};
    peli_diffusion_run(d, d->nz, initial_planes, &j);
    return PEL_OK;
}

double pel_diffusion_npb_error(const double sum[2], const double ref[2])
{
    if (!sum || !ref) return NAN;
    /* |(sum - ref) / ref| in complex arithmetic, as Fortran's abs of the
     * quotient: |sum - ref| / |ref| */
    return hypot(sum[0] - ref[0], sum[1] - ref[1]) / hypot(ref[0], ref[1]);
}
