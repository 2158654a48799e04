/* Timer regions: nestable named intervals, timed by the context.  One lock
 * guards the table; nesting is kept per thread, so distinct objects timed
 * from several threads at once each count exactly their own calls. */
#include <config.h>

#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "internal/core.h"

static int find_region(const pel_context *ctx, const char *path)
{
    for (int i = 0; i < ctx->nregions; i++)
        if (strcmp(ctx->regions[i].path, path) == 0) return i;
    return -1;
}

static int add_region(pel_context *ctx, const char *path)
{
    if (ctx->nregions == ctx->cap_regions) {
        int cap = ctx->cap_regions ? 2 * ctx->cap_regions : 16;
        pel_region *r = realloc(ctx->regions, (size_t)cap * sizeof *r);
        if (!r) return -1;
        ctx->regions = r;
        ctx->cap_regions = cap;
        /* stats.path points into the array, which may have moved */
        for (int i = 0; i < ctx->nregions; i++) r[i].stats.path = r[i].path;
    }
    pel_region *r = &ctx->regions[ctx->nregions];
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    r->stats.path = r->path;
    r->stats.min = DBL_MAX;
    return ctx->nregions++;
}

/* The calling thread's stack, made on first use; NULL without memory.
 * Under the lock. */
static pel_region_stack *my_stack(pel_context *ctx, int make)
{
    pthread_t self = pthread_self();
    pel_region_stack *free_slot = NULL;
    for (int i = 0; i < ctx->nstacks; i++) {
        pel_region_stack *k = &ctx->stacks[i];
        if (k->depth > 0 && pthread_equal(k->thread, self)) return k;
        if (k->depth == 0 && !free_slot) free_slot = k;
    }
    if (!make) return NULL;
    if (!free_slot) {
        pel_region_stack *a = realloc(ctx->stacks, (size_t)(ctx->nstacks + 1) * sizeof *a);
        if (!a) return NULL;
        ctx->stacks = a;
        free_slot = &a[ctx->nstacks++];
    }
    free_slot->thread = self;
    free_slot->depth = 0;
    return free_slot;
}

/* Opens `name` on the calling thread's stack; the path for the hook goes to
 * `path`.  Under the lock. */
static pel_status enter_locked(pel_context *ctx, const char *name, double t, char *path)
{
    pel_region_stack *k = my_stack(ctx, 1);
    if (!k) return pel_error_locked(ctx, PEL_ENOMEM, "no memory for a region stack");
    if (k->depth == PEL_REGION_DEPTH)
        return pel_error_locked(ctx, PEL_EINVAL, "region '%s': more than %d nested regions",
                                name, PEL_REGION_DEPTH);
    int n = k->depth ? snprintf(path, PEL_PATH_MAX, "%s/%s",
                                ctx->regions[k->open[k->depth - 1]].path, name)
                     : snprintf(path, PEL_PATH_MAX, "%s", name);
    if (n < 0 || n >= PEL_PATH_MAX)
        return pel_error_locked(ctx, PEL_EINVAL, "region path '%s...' is too long", path);
    int i = find_region(ctx, path);
    if (i < 0 && (i = add_region(ctx, path)) < 0)
        return pel_error_locked(ctx, PEL_ENOMEM, "no memory for region '%s'", path);
    k->open[k->depth] = i;
    k->t_open[k->depth] = t;
    k->depth++;
    return PEL_OK;
}

static pel_status exit_locked(pel_context *ctx, const char *name, double t, char *path)
{
    pel_region_stack *k = my_stack(ctx, 0);
    if (!k) return pel_error_locked(ctx, PEL_EINVAL, "region '%s' ended but no region is open", name);
    pel_region *r = &ctx->regions[k->open[k->depth - 1]];
    const char *leaf = strrchr(r->path, '/');
    leaf = leaf ? leaf + 1 : r->path;
    if (strcmp(leaf, name) != 0)
        return pel_error_locked(ctx, PEL_EINVAL, "region '%s' ended while '%s' is open", name,
                                r->path);
    k->depth--;
    double dt = t - k->t_open[k->depth];
    r->stats.count++;
    r->stats.total += dt;
    if (dt < r->stats.min) r->stats.min = dt;
    if (dt > r->stats.max) r->stats.max = dt;
    snprintf(path, PEL_PATH_MAX, "%s", r->path);
    return PEL_OK;
}

/* quiet: a kernel's own region; a failure is counted, not recorded as the
 * context's last error, so a successful computation leaves no error behind. */
static pel_status region_event(pel_context *ctx, const char *name, int enter, int quiet)
{
    if (!ctx) return PEL_EINVAL;
    if (!name || !*name) return pel_error(ctx, PEL_EINVAL, "region name is empty");
    double t = pel_wtime();
    char path[PEL_PATH_MAX];
    pthread_mutex_lock(&ctx->lock);
    pel_status last = ctx->last_status;
    char msg[PEL_ERRMSG_MAX], loc[sizeof ctx->errloc];
    if (quiet) memcpy(msg, ctx->errmsg, sizeof msg), memcpy(loc, ctx->errloc, sizeof loc);
    pel_status s = enter ? enter_locked(ctx, name, t, path) : exit_locked(ctx, name, t, path);
    if (s != PEL_OK) {
        ctx->dropped++;
        if (quiet) { /* put the last error back as it was */
            ctx->last_status = last;
            memcpy(ctx->errmsg, msg, sizeof msg);
            memcpy(ctx->errloc, loc, sizeof loc);
        }
    }
    pel_region_hook hook = ctx->hook;
    void *user = ctx->hook_user;
    pthread_mutex_unlock(&ctx->lock);
    if (s == PEL_OK && hook) hook(user, path, enter, t);
    return s;
}

pel_status pel_region_begin(pel_context *ctx, const char *name) { return region_event(ctx, name, 1, 0); }
pel_status pel_region_end(pel_context *ctx, const char *name) { return region_event(ctx, name, 0, 0); }
void peli_region_enter(pel_context *ctx, const char *name) { (void)region_event(ctx, name, 1, 1); }
void peli_region_exit(pel_context *ctx, const char *name) { (void)region_event(ctx, name, 0, 1); }

long pel_region_dropped(const pel_context *ctx) { return ctx ? ctx->dropped : 0; }

void pel_context_set_region_hook(pel_context *ctx, pel_region_hook hook, void *user)
{
    if (!ctx) return;
    pthread_mutex_lock(&ctx->lock);
    ctx->hook = hook;
    ctx->hook_user = user;
    pthread_mutex_unlock(&ctx->lock);
}

int pel_region_count(const pel_context *ctx) { return ctx ? ctx->nregions : 0; }

const pel_region_stats *pel_region_get(const pel_context *ctx, int i)
{
    if (!ctx || i < 0 || i >= ctx->nregions) return NULL;
    return &ctx->regions[i].stats;
}

const pel_region_stats *pel_region_find(const pel_context *ctx, const char *path)
{
    int i = (ctx && path) ? find_region(ctx, path) : -1;
    return i < 0 ? NULL : &ctx->regions[i].stats;
}

void pel_regions_reset(pel_context *ctx)
{
    if (!ctx) return;
    pthread_mutex_lock(&ctx->lock);
    ctx->nregions = 0;
    for (int i = 0; i < ctx->nstacks; i++) ctx->stacks[i].depth = 0;
    ctx->dropped = 0;
    pthread_mutex_unlock(&ctx->lock);
}

void pel_regions_print(const pel_context *ctx, FILE *out)
{
    if (!ctx || !out) return;
    fprintf(out, "%-32s %8s %12s %12s %12s %12s\n", "region", "count", "total s", "mean s",
            "min s", "max s");
    for (int i = 0; i < ctx->nregions; i++) {
        const pel_region_stats *s = &ctx->regions[i].stats;
        if (s->count == 0) continue; /* still open */
        fprintf(out, "%-32s %8ld %12.6f %12.6f %12.6f %12.6f\n", s->path, s->count, s->total,
                s->total / (double)s->count, s->min, s->max);
    }
}
