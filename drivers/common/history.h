/* History files: gridded fields over time in NetCDF, CF conventions
 * (CF-1.8: units, coordinates with bounds, a time axis with bounds on a
 * 365-day calendar), one record per call, readable by xarray, ncview and
 * the NetCDF tools.  Drivers only; the library writes no NetCDF.
 *
 * A file is written under a temporary name beside its path and renamed into
 * place by close (core's atomic files), so a run that stops or fails never
 * leaves a half-written history: abort removes it.  Without NetCDF (configure
 * found no libnetcdf) create fails with PEL_ENOTSUP and says how to get it.
 *
 * Means over periods (daily, monthly) come from pel_history_mean: add a
 * snapshot after every step with its length, append the mean at the end of
 * a period; the sums are in step order, so the means are the same bits
 * whatever the threads. */
#ifndef PEL_DRIVER_HISTORY_H
#define PEL_DRIVER_HISTORY_H

#include <pel/pel.h>

#define PEL_HISTORY_MAX_GRIDS 4
#define PEL_HISTORY_MAX_VARS 32

/* A latitude-longitude grid: cell centres and edges in degrees north/east
 * (ny + 1 and nx + 1 edges, increasing), and the suffix of its dimension
 * names ("" gives lat/lon, "_ocn" gives lat_ocn/lon_ocn). */
typedef struct pel_history_grid {
    const char *suffix;
    int ny, nx;
    const double *lat, *lon;           /* ny, nx centres */
    const double *lat_edge, *lon_edge; /* ny + 1, nx + 1 edges */
} pel_history_grid;

/* A field on a grid: ny * nx values, row-major with latitude slowest. */
typedef struct pel_history_var {
    const char *name, *long_name, *units;
    const char *standard_name; /* CF standard name, or NULL */
    int grid;                  /* index into the grids */
} pel_history_var;

typedef struct pel_history pel_history;

/* Creates the file's temporary, defines grids, variables and the time axis
 * ("days since 0001-01-01", calendar noleap) and the global attributes
 * (title, source = program and version, Conventions).  Names are checked
 * (non-empty, at most 63 characters of [A-Za-z0-9_], unique). */
pel_status pel_history_create(pel_context *ctx, const char *path, const char *title,
                              const pel_history_grid *grids, int ngrids,
                              const pel_history_var *vars, int nvars, pel_history **h);
/* One record: the time (days) with its period [t0, t1] (t0 = t1 for a
 * snapshot), and one array per variable, in the order of create. */
pel_status pel_history_append(pel_history *h, double t0, double t1, const double *const *values);
long pel_history_records(const pel_history *h);
/* Writes and renames into place; frees h in every case. */
pel_status pel_history_close(pel_history *h);
/* Removes the temporary; frees h. */
void pel_history_abort(pel_history *h);

/* ---- means over a period ------------------------------------------------------ */
typedef struct pel_history_mean pel_history_mean;

/* For the variables of a history (sizes from its grids). */
pel_status pel_history_mean_create(pel_history *h, pel_history_mean **m);
/* Adds values * dt to the sums and dt to the period's length (dt > 0). */
void pel_history_mean_add(pel_history_mean *m, double dt, const double *const *values);
double pel_history_mean_length(const pel_history_mean *m);
/* Appends the means over [t0, t1] as one record of h, and starts a new period. */
pel_status pel_history_mean_flush(pel_history_mean *m, pel_history *h, double t0, double t1);
void pel_history_mean_destroy(pel_history_mean *m);

/* ---- comparing two history files (baselines) ------------------------------------ */
#define PEL_HISTORY_DIFF_RANK 4

/* One variable of a file against the same variable of a reference file:
 * compared (problem empty) element by element as pel_field_compare does,
 * with the multi-indices of the largest |difference| and of the largest
 * ULP distance and the two values at the first; or not comparable, and
 * problem says why (absent from one file, another type or shape). */
typedef struct pel_history_diff {
    char var[257]; /* NetCDF names have up to 256 bytes */
    char problem[192];
    int rank;
    char dim[PEL_HISTORY_DIFF_RANK][257]; /* the dimensions' names */
    size_t len[PEL_HISTORY_DIFF_RANK];
    pel_dtype type;
    pel_field_diff d;
    size_t abs_at[PEL_HISTORY_DIFF_RANK], ulp_at[PEL_HISTORY_DIFF_RANK];
    double a, b; /* this file's and the reference's value at abs_at */
} pel_history_diff;

/* Compares every variable of `path` with the reference `ref` (both NetCDF
 * files; coordinates are variables too): one entry per variable of either
 * file, in the reference's order, then those only in `path`.  *out is
 * malloc'ed (free it).  PEL_ENOTSUP without NetCDF; PEL_EIO when a file
 * cannot be read. */
pel_status pel_history_compare(pel_context *ctx, const char *path, const char *ref, pel_history_diff **out,
                               int *n);

#endif
