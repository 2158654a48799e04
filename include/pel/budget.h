/* Budget tables in the manner of CESM's coupler (CPL7): for one conserved
 * quantity (heat in W/m2, water in kg/m2/s), a table of flux terms (rows) by
 * components (columns), each entry the term's global-mean rate into that
 * component (positive: the component gains), kept per coupling interval and
 * cumulated over the run.
 *
 * A coupler adds every flux it hands out, once to each side with opposite
 * signs, so an exchange term's row sums to zero across the components; the
 * components' storage changes close the table: per component,
 *     residual = sum over terms of rate * dt  -  storage change,
 * which must vanish to round-off.  Sums are accumulated in the order of the
 * calls, so a run that makes them in a fixed order (a coupler's fixed
 * exchange sequence) gets the same bits whatever the threads; the
 * cumulative sums go into checkpoints (save/restore), so a restarted run
 * continues them exactly. */
#ifndef PEL_BUDGET_H
#define PEL_BUDGET_H

#include <stdio.h>
#include <pel/context.h>
#include <pel/field.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_budget pel_budget;

/* name ("heat") and unit ("W/m2") label the table; component and term names
 * are copied.  At most 16 components and 64 terms. */
pel_status pel_budget_create(pel_context *ctx, const char *name, const char *unit, int ncomp,
                             const char *const *components, int nterms, const char *const *terms,
                             pel_budget **b);
void pel_budget_destroy(pel_budget *b);

/* rate (unit) into `comp` through `term` over dt seconds of the current interval. */
void pel_budget_add(pel_budget *b, int term, int comp, double rate, double dt);
/* The change of comp's stored quantity over the interval (unit * s), measured
 * by the component itself. */
void pel_budget_storage(pel_budget *b, int comp, double change);

/* The total the component holds now (unit * s: its heat or water content
 * per area, e.g. C T in J/m2 with T in kelvin): the scale that the rounding
 * of its storage change is relative to. */
void pel_budget_content(pel_budget *b, int comp, double total);

/* Ends an interval of `seconds` (> 0) and folds it into the cumulative
 * table; the interval stays readable until the next end.  Returns the
 * largest |residual| of a component relative to the larger of the largest
 * |rate * dt| of any single add in the interval and the largest content
 * given (0 when all were 0): what a closure test compares with its
 * tolerance ("closes to 1e-12 of the total"). */
double pel_budget_end_interval(pel_budget *b, double seconds);
/* What the last pel_budget_end_interval returned (0 before any interval and
 * after a restore): the last interval's closure, e.g. for a progress line. */
double pel_budget_closure(const pel_budget *b);

enum { PEL_BUDGET_INTERVAL = 0, PEL_BUDGET_CUMULATIVE = 1 };
/* The mean rate of an entry over the last interval or the run so far (unit). */
double pel_budget_rate(const pel_budget *b, int which, int term, int comp);
/* A component's residual as a mean rate (unit); comp = -1 sums the components. */
double pel_budget_residual(const pel_budget *b, int which, int comp);
double pel_budget_seconds(const pel_budget *b, int which);
int pel_budget_terms(const pel_budget *b);
int pel_budget_components(const pel_budget *b);
const char *pel_budget_term_name(const pel_budget *b, int term);
const char *pel_budget_component_name(const pel_budget *b, int comp);

/* The table as text: a row per term, a column per component and their sum,
 * then the storage change, the net and the residual rows. */
void pel_budget_print(const pel_budget *b, int which, FILE *out);

/* The cumulative state for a checkpoint: a view of a f64 field named
 * "budget_<name>", dims {nterms + 2, ncomp} (the terms' sums, the storage
 * changes, then the seconds in every column), valid until the next call on
 * b; restore copies such a field in (PEL_EMISMATCH for another name or
 * shape) and starts a fresh interval. */
pel_status pel_budget_save(pel_budget *b, pel_field *out);
pel_status pel_budget_restore(pel_budget *b, const pel_field *in);

#ifdef __cplusplus
}
#endif
#endif
