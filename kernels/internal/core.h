/* Private to libpel: never installed. */
#ifndef PEL_INTERNAL_CORE_H
#define PEL_INTERNAL_CORE_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <pel/pel.h>

#define PEL_ERRMSG_MAX 512
#define PEL_PATH_MAX 256 /* longest region path */
#define PEL_REGION_DEPTH 16

typedef struct pel_region {
    pel_region_stats stats;
    char path[PEL_PATH_MAX];
} pel_region;

/* The open regions of one thread: nesting is per thread, so concurrent
 * callers of one context never see each other's regions. */
typedef struct pel_region_stack {
    pthread_t thread;
    int depth;                       /* 0: the slot is free */
    int open[PEL_REGION_DEPTH];      /* index into regions */
    double t_open[PEL_REGION_DEPTH]; /* entry times */
} pel_region_stack;

struct pel_context {
    int nthreads;
    int deterministic;
    FILE *log;
    int refs; /* the creator's reference plus one per live object (atomic) */

    /* Everything below is shared by concurrent users: under `lock`. */
    pthread_mutex_t lock;
    pel_status last_status;
    char errmsg[PEL_ERRMSG_MAX];
    char errloc[64]; /* source file:line that recorded it */

    pel_region *regions; /* in order of first entry */
    int nregions, cap_regions;
    pel_region_stack *stacks;
    int nstacks;
    long dropped; /* region events lost for want of memory or depth */
    pel_region_hook hook;
    void *hook_user;

    const volatile sig_atomic_t *cancel; /* the caller's flag, or NULL */
    pel_context *parent;                 /* derived contexts: whose flag they also see (a reference) */
};

/* Objects hold a reference to their context (taken in create, dropped in
 * destroy), so the context lives until its last object is gone. */
pel_context *peli_context_retain(pel_context *ctx);
void peli_context_release(pel_context *ctx);

/* ---- cancellation (pel_context_set_cancel) ----------------------------------
 * peli_cancelled is the one check point: one relaxed load of each flag up the
 * derivation chain (one or two contexts), no lock, no fence.  Call it per
 * tile, per iteration, per batch: never per element.  Barrier-free work
 * (peli_parallel parts, tasks) may call it anywhere.  A body of phases must
 * not (internal/team.h, peli_stop): there its threads must agree. */
static inline int peli_cancelled(const pel_context *ctx)
{
    for (; ctx; ctx = ctx->parent)
        if (ctx->cancel && __atomic_load_n(ctx->cancel, __ATOMIC_RELAXED)) return 1;
    return 0;
}

/* PEL_ECANCELED with the message "<what>: cancelled after <done> of <total> <units>". */
#define peli_cancel_error(ctx, what, done, total, units)                                       \
    pel_error((ctx), PEL_ECANCELED, "%s: cancelled after %llu of %llu %s", (what),              \
              (unsigned long long)(done), (unsigned long long)(total), (units))

/* pel_error for code that already holds ctx->lock. */
pel_status peli_error_locked_at(pel_context *ctx, pel_status status, const char *file, int line,
                                const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
#define pel_error_locked(ctx, status, ...)                                                    \
    peli_error_locked_at((ctx), (status), __FILE__, __LINE__, __VA_ARGS__)

/* Kernels' timing: never fails a compute call (a region that cannot be
 * recorded is counted in ctx->dropped). */
void peli_region_enter(pel_context *ctx, const char *name);
void peli_region_exit(pel_context *ctx, const char *name);

/* Argument checks that record a message naming the argument. */
#define PEL_REQUIRE(ctx, cond, ...)                                                           \
    do {                                                                                      \
        if (!(cond)) return pel_error((ctx), PEL_EINVAL, __VA_ARGS__);                        \
    } while (0)

/* The one create prologue: a context, a result pointer (cleared first, so a
 * failed create leaves NULL) and parameters, with one wording for every
 * family ("heat: the result pointer must not be NULL"). */
#define PEL_CREATE_PROLOGUE(ctx, out, params, fam)                                           \
    do {                                                                                      \
        if (!(ctx)) return PEL_EINVAL;                                                        \
        PEL_REQUIRE((ctx), (out) != NULL, "%s: the result pointer must not be NULL", (fam));  \
        *(out) = NULL;                                                                        \
        PEL_REQUIRE((ctx), (params) != NULL, "%s: params must not be NULL", (fam));           \
    } while (0)

/* Number of threads a kernel may use for `work` independent items: never more
 * threads than items, never fewer than one. */
/* A component's grid as the driver's key writes it ("NxM", or "NxMxK" when
 * dim is 3), text in buf: a restart mismatch then names the user's key
 * (heat.grid = '64x64') and not one per dimension. */
static inline pel_meta peli_meta_grid(const char *name, int dim, const size_t *n, char *buf, size_t size)
{
    if (dim == 3) snprintf(buf, size, "%zux%zux%zu", n[0], n[1], n[2]);
    else snprintf(buf, size, "%zux%zu", n[0], n[1]);
    return pel_meta_string(name, buf);
}

/* A parameter's value in the user's units (mm/day from kg/m^2/s, a length
 * from cells x cell size) rounded to 15 significant digits: the conversion
 * back from the library's value is off by an ulp for many inputs (2.8 / 86400
 * * 86400 is 2.7999999999999998), and a restart mismatch should show 2.8,
 * as the user wrote it.  Record the library's value itself after it, so that
 * values equal to 15 digits but not in every bit are still told apart. */
static inline double peli_meta_decimal(double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", v);
    return strtod(buf, NULL);
}

static inline int pel_team_size(const pel_context *ctx, size_t work)
{
    int t = ctx->nthreads;
    if ((size_t)t > work) t = (int)(work > 0 ? work : 1);
    return t < 1 ? 1 : t;
}

/* The schedule(static) partition as libgomp makes it: of n items, thread t
 * of nt owns [pel_static_begin(n, t, nt), pel_static_begin(n, t + 1, nt)),
 * the first n % nt threads one item more.  Code that places data (first
 * touch) and the loops that later read it use this one split. */
static inline size_t pel_static_begin(size_t n, int t, int nt)
{
    size_t q = n / (size_t)nt, rem = n % (size_t)nt, ut = (size_t)t;
    return ut * q + (ut < rem ? ut : rem);
}

static inline void pel_static_range(size_t n, int t, int nt, size_t *begin, size_t *end)
{
    *begin = pel_static_begin(n, t, nt);
    *end = pel_static_begin(n, t + 1, nt);
}

/* Fresh zero pages straight from the kernel (mmap, 4 KiB pages, no huge-page
 * advice), for arrays whose creator would otherwise write zeros over zeros
 * or whose huge-page faults cost more than they save (mg's grids, sort's
 * keys: docs/mg.md, docs/sort.md).  PELI_PAGES_ZERO says whether they come
 * zeroed (1 on Linux; elsewhere pel_malloc's memory, not zeroed).  Free with
 * peli_pages_free and the same length. */
#if defined(__linux__)
#define PELI_PAGES_ZERO 1
#else
#define PELI_PAGES_ZERO 0
#endif
void *peli_pages(size_t bytes);
void peli_pages_free(void *p, size_t bytes);

/* A reduction leaf of pel_sum's shape: eight interleaved accumulators over
 * [lo, hi), combined pairwise, written so the compiler may vectorise
 * without reassociating.  Summing TERM(i) = x[i] gives pel_sum's bits; a
 * leaf over other terms (a product, a difference) gives the bits of pel_sum
 * over an array of those terms.  The variadic part declares, from `user`,
 * what TERM reads. */
#define PELI_LEAF8(name, TERM, ...)                                                           \
    static double name(const void *user, size_t lo, size_t hi)                               \
    {                                                                                         \
        __VA_ARGS__                                                                           \
        double acc_[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                            \
        size_t i_ = lo;                                                                       \
        for (; i_ + 8 <= hi; i_ += 8)                                                         \
            for (int j_ = 0; j_ < 8; j_++) acc_[j_] += TERM(i_ + j_);                         \
        for (; i_ < hi; i_++) acc_[0] += TERM(i_);                                            \
        return ((acc_[0] + acc_[1]) + (acc_[2] + acc_[3])) + ((acc_[4] + acc_[5]) + (acc_[6] + acc_[7])); \
    }

#endif
