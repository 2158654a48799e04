/* The context carries what would otherwise be global state: thread count,
 * timers and their hooks, the log stream, the last error message and the
 * deterministic flag.
 *
 * Concurrency contract (every create in PEL follows it):
 *  - Distinct objects may be used at the same time from any threads or
 *    OpenMP tasks, even when they were made from one context: the timer
 *    regions and error messages they record on the shared context never
 *    race (one lock guards them; region nesting is kept per thread).
 *  - One object is used by one thread at a time.
 *  - Each object holds a reference to its context, so destroying the
 *    context while objects live is safe: it is freed with the last of them.
 *    Setters (threads, log, deterministic, hook) are not synchronised: set
 *    them before objects are used concurrently.
 *
 * Threads: every kernel call reads the thread count from its context when
 * the call starts.  Called from serial code it runs on a team of that size;
 * from inside a parallel region or task, on a nested team of exactly that
 * size when the caller enabled nesting (omp_set_max_active_levels above the
 * current level), otherwise as tasks that the caller's team runs (a
 * taskloop over independent blocks, or one per phase for work whose
 * threads synchronise, the calling thread running the control flow).  Never more threads than asked for; the results are
 * bitwise identical in every case.  An object that keeps per-thread
 * workspace makes it at create (for the context's thread count then, or
 * more, as its header says) and never uses more threads than it has
 * workspace for.  Tasks that call PEL must be tied (the default): region
 * nesting is kept per OS thread.  The library never calls
 * omp_set_num_threads. */
#ifndef PEL_CONTEXT_H
#define PEL_CONTEXT_H

#include <signal.h>
#include <stddef.h>
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

/* Cooperative cancellation.  flag (NULL detaches; the default) is the
 * caller's, and stays so: the context only reads it, and it must outlive its
 * attachment.  A signal handler may set it (writing a volatile sig_atomic_t
 * is all it needs to do, which is async-signal-safe), as may any thread.
 * While it is non-zero, the long calls made with this context (and with the
 * contexts a component derives from it, e.g. pel_climate's) stop at their
 * next check point and return PEL_ECANCELED, the message naming the call and
 * how far it got ("align: cancelled after 1234 of 5000 tiles").  Check
 * points: every tile of pel_align_pair's wavefront and every pair of a
 * batch, every tile task of the Cholesky factorisation (and every column of
 * its residual test), every CG iteration
 * (pel_sparse_cg_solve, pel_sparse_cg_power_step), every V-cycle of
 * pel_mg_vcycle, every batch of pel_gauss_execute, every time step of the
 * FT and IS components (docs/embedding.md lists them).  A check is one
 * relaxed read per tile, iteration or batch: a flag that stays 0 changes
 * neither the results nor, measurably, the time.  After PEL_ECANCELED the
 * outputs of the call are unspecified (a component's state too: restore it
 * from a checkpoint or destroy it), the object stays valid, and nothing
 * leaks; clear the flag before calling again. */
void pel_context_set_cancel(pel_context *ctx, const volatile sig_atomic_t *flag);
const volatile sig_atomic_t *pel_context_cancel(const pel_context *ctx);
/* 1 when the flag of ctx (or of a context it derives from) is set. */
int pel_context_cancelled(const pel_context *ctx);

/* A context for a part of a computation made with parent (a coupled model's
 * component, pel_climate's): the parent's thread count and deterministic
 * flag at this call, its own errors, timers and settings from then on, and
 * the parent's cancellation flag, read through the parent at every check
 * (so a flag attached to the parent later counts too).  The child holds a
 * reference to the parent: destroy them in any order. */
pel_status pel_context_derive(pel_context *parent, pel_context **child);

/* The last error, errno-style: the message of the most recent failure
 * recorded on this context by any call ("heat: n[0] = 2: must be at least 3"),
 * or "" when none since creation or the last pel_context_clear_error, and
 * the library source line that raised it ("heat.c:42").  A successful call
 * never clears it: test a call's returned status, then read the message.
 * The pointers stay valid until the next failure on this context; while
 * other threads may fail on it, use pel_context_error_copy. */
const char *pel_context_error(const pel_context *ctx);
const char *pel_context_error_location(const pel_context *ctx);
pel_status pel_context_last_status(const pel_context *ctx);
/* Copies the message (truncated to len) and returns its status, atomically. */
pel_status pel_context_error_copy(const pel_context *ctx, char *buf, size_t len);
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
 * Regions nest per thread: a region opened inside "step" on the same thread
 * is recorded as "step/halo".  Each path keeps count, total, min and max
 * seconds.  Kernels mark their own regions; callers add theirs around them.
 * A kernel's timing never fails its computation: a region that cannot be
 * recorded (no memory, nesting too deep) is counted by pel_region_dropped.
 * Read the table (pel_region_get and friends) when no call is running on
 * the context. */
typedef struct pel_region_stats {
    const char *path;   /* owned by the context */
    long count;
    double total, min, max;
} pel_region_stats;

/* Called on every region entry (enter = 1) and exit (enter = 0) with the full
 * path and the wall-clock time: the place to plug in an external profiler.
 * It is called outside the context's lock, from the thread that ran the
 * region, so concurrently from several threads when objects run at once. */
typedef void (*pel_region_hook)(void *user, const char *path, int enter, double seconds);

pel_status pel_region_begin(pel_context *ctx, const char *name);
pel_status pel_region_end(pel_context *ctx, const char *name);
void pel_context_set_region_hook(pel_context *ctx, pel_region_hook hook, void *user);

int pel_region_count(const pel_context *ctx);
/* Regions in order of first entry; NULL when i is out of range. */
const pel_region_stats *pel_region_get(const pel_context *ctx, int i);
const pel_region_stats *pel_region_find(const pel_context *ctx, const char *path);
void pel_regions_reset(pel_context *ctx);
/* Region events that could not be recorded since creation or the last reset. */
long pel_region_dropped(const pel_context *ctx);
void pel_regions_print(const pel_context *ctx, FILE *out);

/* Wall-clock seconds from a monotonic clock. */
double pel_wtime(void);

/* Library version, e.g. "0.1.0". */
const char *pel_version(void);

#ifdef __cplusplus
}
#endif
#endif
