/* Private to libpel (never installed): what the ocean solver (ocean.c)
 * shares with its time stepping (step.c).  Names start with peli_. */
#ifndef PEL_OCEAN_IMPL_H
#define PEL_OCEAN_IMPL_H

#include <stddef.h>

#include <pel/cpu.h>
#include <pel/ocean.h>

#include "internal/core.h"
#include "internal/team.h"

/* Every field has a halo of OC_HALO cells on each side: ny + 2 OC_HALO
 * rows; OC_AT(o, i, j) is the offset of cell (i, j) from a field's origin
 * pointer (i, j may be -OC_HALO .. n-1+OC_HALO).  A stored row starts
 * OC_PAD doubles before its column 0 and its pitch ld (at least
 * nx + OC_PAD + OC_HALO) is a multiple of 8, so every row's column 0, in
 * the fields and in the rings, sits on a 64-byte boundary: the stage loops'
 * loads and stores at i then never split a cache line (an AVX-512 access
 * at column 0 of the earlier nx + 4 pitch split one every time). */
#define OC_HALO 2
#define OC_PAD 8
#define OC_AT(o, i, j) ((ptrdiff_t)(j) * (ptrdiff_t)(o)->ld + (ptrdiff_t)(i))

enum { OC_ETA = 0, OC_U, OC_V, OC_C, OC_NSTATE }; /* C = h T */

/* A thread's rolling rows of the quantities each stage derives from its
 * input (T = C/h, q, B = g eta + K, U = hx u, V = hy v, the tracer fluxes
 * G across v faces and F across u faces): computed once per
 * row, read by the rows around it. */
typedef struct peli_ocean_ring {
    double *T[8], *q[2], *B[2], *U[2], *V[2], *G[2], *F[1];
    /* shared by the loops of one row or two: the depths hx = H + (mean eta
     * at the u face) of row j and hy (v faces) of rows j, j+1; the
     * Coriolis products P = q (mean V over the corner's two v faces) at
     * corner rows j, j+1 and R = q (mean U over its two u faces) at corner
     * row j (the rotational terms of u and v are means of two of them) */
    double *hx[1], *hy[2], *P[2], *R[1];
} peli_ocean_ring;
#define OC_RING_ROWS 25 /* rows of one peli_ocean_ring */

/* One thread's rows of the masks as doubles, in rings of 8 rows (slot
 * OC_SLOT(r, 8) holds row r): dt times the cell, u-face and v-face masks
 * and the face masks as 0.0 / 1.0, for the vectorised stage loops.  Made
 * from the byte masks as the wavefront reaches a row, so that a step reads
 * one byte a mask from memory instead of eight. */
typedef struct peli_ocean_mrows {
    double *dtw[8], *dtmu[8], *dtmv[8], *mu[8], *mv[8];
} peli_ocean_mrows;
#define OC_MROWS (5 * 8) /* rows of one peli_ocean_mrows */

struct pel_ocean {
    pel_context *ctx;
    pel_ocean_params p;
    size_t nx, ny, ld, rows, cells;
    ptrdiff_t org;                /* a field's origin from the start of its storage */
    int lin, per_x, per_y;
    /* the state, the next state (a step writes s1, then the two swap) and
     * a scratch set, each OC_NSTATE fields; the pointers are the fields'
     * origins (cell (0, 0)) */
    double *x[OC_NSTATE], *s1[OC_NSTATE], *s2[OC_NSTATE];
    unsigned char *wet, *mu, *mv; /* cell, u-face and v-face masks (origins) */
    double *fu, *fv, *fq;         /* forcing: mu tau_x/rho0 at u faces, mv tau_y/rho0 at
                                   * v faces, wet F/(rho0 cp) at centres (origins) */
    double *fc;                   /* f at corner rows j = -OC_HALO .. ny+OC_HALO-1 (origin) */
    void *blocks[16];             /* allocations to free */
    int nblocks;
    peli_ocean_ring *ring;        /* 3 per thread: one for each RK3 stage */
    peli_ocean_mrows *mrows;      /* 1 per thread */
    double **sring;               /* per thread: the rings of 8 rows of the stage 1 and 2
                                   * outputs, 2 x OC_NSTATE fields (slot 0's origin) */
    const double *zero;           /* a row of zeros (origin), what rows across a wall read */
    int max_threads;
    pel_isa isa;                  /* the stage rows' instruction set (pel_cpu_isa() at create) */
    double *out[7];               /* compact eta, u, v, sst, taux, tauy, heat_flux */
    double *hT;                   /* compact h T, for the state */
    /* constants of a stage */
    double dt, rdx, rdy, g, H, rH, nux, nuy;
    long step;
    double heat0;    /* sum h T dA at step 0 */
    double flux_int; /* integral of sum F/(rho0 cp) dA over time since step 0 */
    double qsum;     /* sum F/(rho0 cp) dA of the current forcing */
    double mass0, absmass0, energy0, abs_heat0;
    int conservative; /* unforced, inviscid, no drag */
    double omega_max; /* the fastest linear frequency, for the energy bound */
};

/* The one halo exchange: fills the halos of `a` (OC_NSTATE fields) from
 * the interior (periodic copies; closed walls leave the halo as it is,
 * zero).  Thread t of nt takes its share of rows; a phase of its own. */
void peli_ocean_exchange(const struct pel_ocean *o, double *const a[OC_NSTATE], int t, int nt);
/* Any field with a halo (one field): the same rule, all of it by the caller. */
void peli_ocean_exchange_one(const struct pel_ocean *o, double *a);
void peli_ocean_exchange_bytes(const struct pel_ocean *o, unsigned char *a);

/* nsteps RK3 steps of o's state in one team run; o->x is the result (it
 * and o->s1 may have swapped). */
void peli_ocean_run(struct pel_ocean *o, long nsteps);

#endif
