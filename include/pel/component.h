/* The component interface: one way to drive any stateful solver generically
 * (the drivers' run loop, the benchmark suites and the coupler do), in the
 * manner of GSL's gsl_odeiv2_step_type.
 *
 * A pel_component_type is a constant table of function pointers that a
 * family defines once (kernels/<family>/component.c); a pel_component is a
 * handle holding a type and one object of it.  The generic calls below check
 * their arguments, record failures on the context with a message, and keep
 * the step count, so a caller never touches the type's functions directly:
 *
 *     pel_component *c;
 *     pel_heat_params p;
 *     pel_heat_component.params_default(&p);
 *     p.n[0] = p.n[1] = 256;
 *     p.dt /= 16;                          the default is for 64^2 (limit ~ h^2)
 *     if (pel_component_create(ctx, &pel_heat_component, &p, &c) != PEL_OK)
 *         return fail(pel_context_error(ctx));
 *     pel_component_advance(c, 100);                  one coupling interval
 *     pel_field u;
 *     pel_component_export(c, "u", &u);               a view of the field
 *     pel_component_verify(c, log);                   the family's invariants
 *     pel_component_destroy(c);
 *
 * The contract (every type keeps it; the generic calls rely on it):
 *  - Parameters: `params` points to the type's own parameter struct
 *    (params_size bytes, e.g. pel_heat_params), filled by params_default and
 *    then changed where wanted.  create copies what it keeps: the struct may
 *    be reused or freed afterwards, except for strings it points to, which
 *    must outlive create only.  Bad parameters give a status (PEL_EINVAL,
 *    PEL_EUNSTABLE, ...) and a message naming the parameter and its value.
 *  - Plan once: create allocates and plans everything; advance never
 *    allocates.
 *  - Ownership: the object owns its fields.  A pel_field returned by
 *    fields, export or save describes object-owned memory (read only) that
 *    stays valid until the next advance, import, restore or destroy of that
 *    object; copy it to keep it.  Import and restore copy the caller's data
 *    in; the caller keeps its arrays.
 *  - Concurrency: distinct objects may be used at the same time from
 *    different threads or tasks, even when made from one context; one object
 *    is used by one thread at a time; the object keeps its context alive.
 *  - Determinism: every field is a function of the parameters and the step
 *    count only, never of the thread count; advancing k steps, saving,
 *    restoring into a fresh object and advancing m more gives the same bits
 *    as advancing k + m steps straight.
 *  - Verification: verify appends the invariants at the current step to a
 *    log (names prefixed by the family, each with its tolerance) and returns
 *    PEL_OK even when a check fails: verdicts are in the log. */
#ifndef PEL_COMPONENT_H
#define PEL_COMPONENT_H

#include <stddef.h>
#include <pel/context.h>
#include <pel/field.h>
#include <pel/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The state a checkpoint holds: the fields a restart needs (not always the
 * same as the result fields: e.g. FT keeps its checksums so far), the typed
 * parameters a restart must match, and the step.  Filled by save as a view
 * of object-owned memory (see the contract above). */
typedef struct pel_component_state {
    long step;   /* steps advanced since create */
    double time; /* simulated time at that step (the step count when the type has none) */
    const pel_field *fields;
    int nfields;
    const pel_meta *meta;
    int nmeta;
} pel_component_state;

typedef struct pel_component_type {
    const char *name;      /* the family word: "heat", "sparse", ... */
    int numerics_version;  /* the family header's PEL_<FAMILY>_NUMERICS_VERSION: bumped when its
                            * arithmetic changes on purpose; checkpoints and reports record it */
    const char *step_noun; /* what one step is: "step", "solve", "iteration" */
    size_t params_size;    /* sizeof the parameter struct */
    void (*params_default)(void *params);
    pel_status (*create)(pel_context *ctx, const void *params, void **state);
    /* nsteps >= 1 steps (the wrapper passes 0 through without calling). */
    pel_status (*advance)(void *state, long nsteps);
    /* The result fields (what fingerprints and baselines cover): writes
     * min(count, max) descriptors and returns count, so a caller can size
     * its array with a first call (max = 0, out may be NULL). */
    int (*fields)(void *state, pel_field *out, int max);
    pel_status (*verify)(void *state, pel_verify_log *log);
    /* Checkpoint support, both or neither (NULL).  save fills fields and
     * meta (the wrapper sets step and time); restore receives fields already
     * matched by the wrapper to save's, in save's order, with save's element
     * types and dims, and the step to resume from. */
    pel_status (*save)(void *state, pel_component_state *out);
    pel_status (*restore)(void *state, const pel_component_state *in);
    /* Coupling fields by name (either may be NULL).  export_field NULL: the
     * result fields are exportable.  import_field NULL: nothing is. */
    pel_status (*export_field)(void *state, const char *name, pel_field *out);
    pel_status (*import_field)(void *state, const pel_field *in);
    double (*time)(void *state); /* NULL: time is the step count */
    void (*destroy)(void *state);
} pel_component_type;

typedef struct pel_component pel_component;

/* Creates an object of `type` from params (type->params_size bytes; NULL
 * for type->params_default's).  Checks that the type is complete (every
 * member but the optional ones set). */
pel_status pel_component_create(pel_context *ctx, const pel_component_type *type, const void *params,
                                pel_component **c);
void pel_component_destroy(pel_component *c);

const pel_component_type *pel_component_get_type(const pel_component *c);
pel_context *pel_component_context(const pel_component *c);
/* The object behind the handle, for a caller that knows its type (e.g. the
 * pel_climate of a pel_climate_component); NULL when c is not of `type`. */
void *pel_component_object(pel_component *c, const pel_component_type *type);
long pel_component_step(const pel_component *c);
double pel_component_time(pel_component *c);

/* nsteps >= 0 steps; on failure the step count is unchanged and the object
 * should be destroyed or restored. */
pel_status pel_component_advance(pel_component *c, long nsteps);

/* The result fields: min(count, max) into out, returns count (-1 when c is
 * NULL or max < 0). */
int pel_component_fields(pel_component *c, pel_field *out, int max);

pel_status pel_component_verify(pel_component *c, pel_verify_log *log);

/* PEL_ENONFINITE, naming the field, the index and the step, when a real
 * result field holds a NaN or an infinity (a run gone unstable); PEL_OK
 * otherwise.  Reads every result field once. */
pel_status pel_component_check_finite(pel_component *c);

/* 1 when the type supports save/restore. */
int pel_component_can_checkpoint(const pel_component *c);
/* The checkpoint state at the current step (a view, see above);
 * PEL_ENOTSUP when the type has no checkpoints. */
pel_status pel_component_save(pel_component *c, pel_component_state *out);
/* Restores an object (made with the same parameters) to `in`: every field of
 * save must be present by name, with the same element type, rank and dims
 * (extra fields are an error too); every metadata value in `in` must equal
 * the object's own of that name (bitwise for reals; pass nmeta = 0 when the
 * caller has checked them itself).  PEL_EMISMATCH names the first
 * difference, and the object is unchanged then. */
pel_status pel_component_restore(pel_component *c, const pel_component_state *in);

/* A view of the coupling field `name` (PEL_EMISMATCH when there is none). */
pel_status pel_component_export(pel_component *c, const char *name, pel_field *out);
/* Copies in->data into the coupling field in->name (PEL_ENOTSUP when the
 * type imports nothing, PEL_EMISMATCH for an unknown name or another
 * element type or shape). */
pel_status pel_component_import(pel_component *c, const pel_field *in);

/* ---- the families' component types -----------------------------------------
 * Simulation families, with their own parameter structs:
 *   pel_heat_component     pel_heat_params (2D by default); a step is one FTCS
 *                          step; fields "u"; imports "u"
 *   pel_poisson_component  pel_poisson_params (2D by default) on its
 *                          manufactured problem; a step is one solve of
 *                          f into phi; fields "phi"; imports "f" (the right-
 *                          hand side; verification then checks the residual
 *                          only)
 * The NPB kernels, one NPB 3.3.1 problem of a class each
 * (pel_npb_component_params): create does NPB's untimed setup, a step is one
 * of NPB's timed iterations, the class's count of them (the family's NPB
 * class table) makes the benchmark, and verify applies NPB's verification
 * once exactly they are done (before, the invariants of a partial run).  EP,
 * FT and IS refuse steps beyond the class's count (PEL_EINVAL):
 *   pel_gauss_component      EP: the whole run is one step; field "tally"
 *                            (sx, sy, then the 10 annulus counts, as f64)
 *   pel_sparse_component     CG: one inverse power step; field "x"
 *   pel_mg_component         MG: one V-cycle; field "ur" (u then r,
 *                            dims {2, n, n, n})
 *   pel_diffusion_component  FT: one time step and its checksum; field "u"
 *                            (complex, dims {n[0], n[1], n[2], 2}, n[0] slowest)
 *   pel_sort_component       IS: one key change, ranking and partial
 *                            verification; field "less" (i32, the last
 *                            ranking's table) */
extern const pel_component_type pel_heat_component;
extern const pel_component_type pel_poisson_component;
extern const pel_component_type pel_gauss_component;
extern const pel_component_type pel_sparse_component;
extern const pel_component_type pel_mg_component;
extern const pel_component_type pel_diffusion_component;
extern const pel_component_type pel_sort_component;
/* Climate components (one step is one time step of the family's dt; fields
 * ny x nx, row 0 the southernmost band or y = 0):
 *   pel_atmosphere_component  pel_atmosphere_params (NCC81 on the sphere grid);
 *                             fields "T", "q"; exports T, q, precip, olr, asr;
 *                             imports surface_flux, evaporation
 *   pel_ocean_component       pel_ocean_params (Stommel's basin by default); a
 *                             step is one RK3 step; fields "eta", "u", "v",
 *                             "sst"; imports "taux", "tauy" (N/m2) and
 *                             "heat_flux" (W/m2, into the ocean) on cell centres
 *   pel_land_component        pel_land_params (pel/land.h); fields "W",
 *                             "T_soil", "evaporation", "runoff"; imports
 *                             "precip", "pet", "heat_flux"; exports its fields
 *                             and "land_fraction" */
extern const pel_component_type pel_atmosphere_component;
extern const pel_component_type pel_ocean_component;
extern const pel_component_type pel_land_component;
/* The coupled model of the three, pel_climate_component (pel/climate.h,
 * params pel_climate_params): a step is one coupling interval. */

typedef struct pel_npb_component_params {
    char cls; /* NPB class 'S', 'W', 'A', 'B' or 'C'; the default is 'S' */
} pel_npb_component_params;

void pel_npb_component_params_default(pel_npb_component_params *p);

#ifdef __cplusplus
}
#endif
#endif
