/* Private to kernels/climate: the coupled model's state. */
#ifndef PEL_CLIMATE_IMPL_H
#define PEL_CLIMATE_IMPL_H

#include <pel/climate.h>
#include <pel/component.h>
#include <pel/sphere.h>

/* The coupler's own fields (fine grid unless marked coarse): what the next
 * interval imports, and what is in transit; all go into checkpoints. */
enum {
    CPL_SST,      /* the ocean's SST at its last coupling */
    CPL_F_OCN,    /* heat into the atmosphere per ocean area, W/m2 */
    CPL_F_LND,    /* heat into the atmosphere per land area */
    CPL_E_OCN,    /* ocean evaporation, kg/m2/s per ocean area */
    CPL_PET,      /* the land's potential evaporation */
    CPL_E_LND,    /* the land's evaporation of the last interval */
    CPL_PRECIP,   /* the last interval's precipitation, injected */
    CPL_RUNOFF,   /* the land's runoff of the last interval */
    CPL_OCN_ACC,  /* sum of the ocean's heat flux over its current interval */
    CPL_OCN_HF,   /* the ocean's heat flux now (fraction-weighted) */
    CPL_NFINE,
    CPL_SFC_C = CPL_NFINE, /* coarse: the atmosphere's surface flux import */
    CPL_EVAP_C,            /* coarse: its evaporation import */
    CPL_NFIELDS
};

#define CLIMATE_MAX_SAVE 64
#define CLIMATE_MAX_META 96

struct pel_climate {
    pel_context *ctx;
    pel_climate_params p;
    char mask_path[1024];
    pel_sphere gc, gf;
    size_t nc, nf, r;
    pel_context *cctx[PEL_CLIMATE_NCOMP];
    pel_component *comp[PEL_CLIMATE_NCOMP];
    long ocn_substeps;
    double *frac;         /* land fraction, fine, band order */
    unsigned char *wet;   /* the ocean's mask */
    double *cpl[CPL_NFIELDS];
    double scal[4];       /* ocean-accumulation count, worst heat and water residuals, spare */
    double *ta, *qa, *w1, *w2; /* fine scratch */
    double *psi_row;      /* 2 nx: the streamfunction's corners */
    double *prev_c[2];    /* the atmosphere's T and q before the interval */
    double *prev_f[3];    /* the land's T_soil and W, the ocean's hT */
    int prev_valid;       /* prev_* hold the state now (0 after create, restore or a failed interval) */
    pel_budget *heat, *water;
    long step;
    pel_climate_timing timing;
    double window[PEL_CLIMATE_NCOMP]; /* busy seconds since the last rebalance */
    /* checkpoint assembly */
    pel_field save_f[CLIMATE_MAX_SAVE];
    char save_names[CLIMATE_MAX_SAVE][48];
    int save_from[CLIMATE_MAX_SAVE]; /* the component a field belongs to, -1: the coupler */
    pel_meta meta[CLIMATE_MAX_META];
    int nmeta;
    pel_field res[6];
};

#endif
