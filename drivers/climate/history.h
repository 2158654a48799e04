/* pel-climate's history: the coupled model (pel_climate_component) wrapped
 * so that, while it advances, daily and monthly means (365-day calendar) of
 * the surface fields go to CF NetCDF files (common/history.h):
 * PREFIX.daily.nc and PREFIX.monthly.nc.  Everything else is the model's
 * own (fields, verification, checkpoints).  A restarted run's history starts
 * at the first whole day after the restart. */
#ifndef PEL_CLIMATE_HISTORY_H
#define PEL_CLIMATE_HISTORY_H

#include <pel/pel.h>

typedef struct climate_run_params {
    pel_climate_params model;
    const char *history; /* NULL or "": none */
} climate_run_params;

extern const pel_component_type climate_history_component;

/* Closes (commits) the history files: the driver's finish hook. */
pel_status climate_history_finish(pel_component *c);
/* The coupled model inside (a pel_climate_component). */
pel_component *climate_history_model(pel_component *c);

#endif
