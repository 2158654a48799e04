/* Private to libpel: never installed. */
#ifndef PEL_INTERNAL_CORE_H
#define PEL_INTERNAL_CORE_H

#include <stdio.h>
#include <pel/pel.h>

#define PEL_ERRMSG_MAX 512
#define PEL_PATH_MAX 256 /* longest region path */
#define PEL_REGION_DEPTH 16

typedef struct pel_region {
    pel_region_stats stats;
    char path[PEL_PATH_MAX];
} pel_region;

struct pel_context {
    int nthreads;
    int deterministic;
    FILE *log;
    pel_status last_status;
    char errmsg[PEL_ERRMSG_MAX];
    char errloc[64]; /* source file:line that recorded it */

    pel_region *regions; /* in order of first entry */
    int nregions, cap_regions;
    int depth;                       /* open regions */
    int open[PEL_REGION_DEPTH];      /* index into regions */
    double t_open[PEL_REGION_DEPTH]; /* entry times */
    pel_region_hook hook;
    void *hook_user;
};

/* Argument checks that record a message naming the argument. */
#define PEL_REQUIRE(ctx, cond, ...)                                                           \
    do {                                                                                      \
        if (!(cond)) return pel_error((ctx), PEL_EINVAL, __VA_ARGS__);                        \
    } while (0)

/* Number of threads a kernel may use for `work` independent items: never more
 * threads than items, never fewer than one. */
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

#endif
