/* pel-atmosphere: the NCC81 diffusive energy-balance atmosphere with a
 * vapour tracer on the equal-area sphere grid (the atmosphere component,
 * kernels/atmosphere), verified by its budgets and, without ice feedback,
 * against the Legendre steady state; checkpoints and restart. */
#include <config.h>

#include <float.h>

#include "common/driver.h"

extern const char pel_atmosphere_defaults[];

#define R(name, lo, hi, help) {"atmosphere", name, PEL_CFG_REAL, lo, hi, NULL, help}
static const pel_cfg_key atmosphere_keys[] = {
    {"atmosphere", "ny", PEL_CFG_INT, 2, 1e5, NULL, "latitude bands, uniform in sin(latitude); 2*ny longitudes"},
    R("A", -1e4, 1e4, "outgoing longwave A + B T: A, W/m^2"),
    R("B", 1e-6, 1e4, "outgoing longwave A + B T: B, W/m^2/K"),
    R("D", 0, 1e4, "diffusion coefficient, W/m^2/K (NCC81's, with 1/R^2 in it)"),
    R("Q", 0, 1e5, "global mean insolation, W/m^2"),
    R("S2", -10, 10, "insolation S = 1 + S2 P2(x)"),
    R("Ts", -1e3, 1e3, "ice threshold, C"),
    R("a0", -10, 10, "warm coalbedo a0 + a2 P2(x): a0"),
    R("a2", -10, 10, "warm coalbedo a0 + a2 P2(x): a2"),
    R("b0", -10, 10, "ice coalbedo"),
    R("heat_capacity", 1e-3, 1e20, "heat capacity C, J/m^2/K"),
    R("dt", 1e-3, 1e12, "time step, s (the vapour needs wind*dt/(radius*dlambda) <= 1)"),
    {"atmosphere", "ice_albedo", PEL_CFG_BOOL, 0, 0, NULL, "ice-albedo feedback"},
    {"atmosphere", "vapour", PEL_CFG_BOOL, 0, 0, NULL, "step the vapour tracer"},
    R("wind", -1e3, 1e3, "zonal wind at the equator, m/s (u = wind cos(latitude))"),
    R("radius", 1, 1e12, "planet radius, m"),
    R("qs0", 1e-12, 1e6, "saturation column vapour at 0 C, kg/m^2"),
    R("qs_rate", -10, 10, "qs = qs0 exp(qs_rate T), 1/K"),
    R("precip_tau", 0, 1e12, "relaxation time of the excess over saturation, s"),
    R("T_init", -1e3, 1e3, "initial temperature, C"),
    R("q_init", 0, 1e6, "initial column vapour, kg/m^2"),
    PEL_CFG_END};
#undef R

static pel_status params(pel_context *ctx, const pel_config *cfg, void *out)
{
    (void)ctx;
    pel_atmosphere_params *p = out;
#define G(name) pel_config_real(cfg, "atmosphere", #name)
    p->ny = (size_t)pel_config_int(cfg, "atmosphere", "ny");
    p->A = G(A);
    p->B = G(B);
    p->D = G(D);
    p->Q = G(Q);
    p->S2 = G(S2);
    p->Ts = G(Ts);
    p->a0 = G(a0);
    p->a2 = G(a2);
    p->b0 = G(b0);
    p->heat_capacity = G(heat_capacity);
    p->dt = G(dt);
    p->ice_albedo = pel_config_bool(cfg, "atmosphere", "ice_albedo");
    p->vapour = pel_config_bool(cfg, "atmosphere", "vapour");
    p->wind = G(wind);
    p->radius = G(radius);
    p->qs0 = G(qs0);
    p->qs_rate = G(qs_rate);
    p->precip_tau = G(precip_tau);
    p->T_init = G(T_init);
    p->q_init = G(q_init);
#undef G
    return PEL_OK;
}

/* Cell updates per second (one update: T and, when on, q of one cell). */
static int rates(const void *params, long steps, double seconds, pel_run_rate *out)
{
    const pel_atmosphere_params *p = params;
    double cells = 2.0 * (double)p->ny * (double)p->ny;
    out[0] = (pel_run_rate){"cell updates", seconds > 0 ? cells * (double)steps / seconds * 1e-6 : 0.0, "Mcell/s"};
    return 1;
}

static const pel_driver atmosphere_driver = {
    .name = "pel-atmosphere",
    .purpose = "The NCC81 energy-balance atmosphere with a vapour tracer on the equal-area sphere grid.",
    .defaults = pel_atmosphere_defaults,
    .schema = atmosphere_keys,
    .component = &pel_atmosphere_component,
    .params = params,
    .rates = rates,
    .checkpoints = 1,
};

int main(int argc, char **argv) { return pel_driver_main(&atmosphere_driver, argc, argv); }
