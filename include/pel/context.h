/* The context carries what would otherwise be global state: thread count,
 * timers and their hooks, the log stream, the last error message and the
 * deterministic flag.  One thread uses a context at a time; components that
 * run concurrently each get their own. */
#ifndef PEL_CONTEXT_H
#define PEL_CONTEXT_H

#include <stdio.h>
#include <pel/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_context pel_context;

/* Defaults: threads = omp_get_max_threads() (so OMP_NUM_THREADS is honoured),
 * no log stream (the library prints nothing), deterministic = 1. */
pel_status pel_context_create(pel_context **ctx);
void pel_context_destroy(pel_context *ctx);

pel_status pel_context_set_threads(pel_context *ctx, int nthreads);
int pel_context_threads(const pel_context *ctx);

/* Where the library may write diagnostics; NULL (the default) for silence. */
void pel_context_set_log(pel_context *ctx, FILE *log);
FILE *pel_context_log(const pel_context *ctx);

/* Deterministic mode (the default) forbids anything whose result may vary
 * between runs, e.g. FFTW_MEASURE planning. */
void pel_context_set_deterministic(pel_context *ctx, int on);
int pel_context_deterministic(const pel_context *ctx);

/* The message of the last failure ("heat: n[0] = 2: must be at least 3"),
 * or "" when none, and the library source line that raised it ("heat.c:42").
 * Valid until the next failing call on this context. */
const char *pel_context_error(const pel_context *ctx);
const char *pel_context_error_location(const pel_context *ctx);
pel_status pel_context_last_status(const pel_context *ctx);
void pel_context_clear_error(pel_context *ctx);

/* Records a failure: used by the library and by code built on it (drivers).
 * Returns `status` so callers can write `return pel_error(...)`. */
pel_status pel_error_at(pel_context *ctx, pel_status status, const char *file, int line,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
#define pel_error(ctx, status, ...) pel_error_at((ctx), (status), __FILE__, __LINE__, __VA_ARGS__)

/* ---- timer regions -------------------------------------------------------
 * Regions nest: a region opened inside "step" is recorded as "step/halo".
 * Each path keeps count, total, min and max seconds.  Kernels mark their own
 * regions; callers add theirs around them. */
typedef struct pel_region_stats {
    const char *path;   /* owned by the context */
    long count;
    double total, min, max;
} pel_region_stats;

/* Called on every region entry (enter = 1) and exit (enter = 0) with the full
 * path and the wall-clock time: the place to plug in an external profiler. */
typedef void (*pel_region_hook)(void *user, const char *path, int enter, double seconds);

pel_status pel_region_begin(pel_context *ctx, const char *name);
pel_status pel_region_end(pel_context *ctx, const char *name);
void pel_context_set_region_hook(pel_context *ctx, pel_region_hook hook, void *user);

int pel_region_count(const pel_context *ctx);
/* Regions in order of first entry; NULL when i is out of range. */
const pel_region_stats *pel_region_get(const pel_context *ctx, int i);
const pel_region_stats *pel_region_find(const pel_context *ctx, const char *path);
void pel_regions_reset(pel_context *ctx);
void pel_regions_print(const pel_context *ctx, FILE *out);

/* Wall-clock seconds from a monotonic clock. */
double pel_wtime(void);

/* Library version, e.g. "0.1.0". */
const char *pel_version(void);

#ifdef __cplusplus
}
#endif
#endif
