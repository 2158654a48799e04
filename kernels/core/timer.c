/* Timer regions: nestable named intervals, timed by the context. */
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

pel_status pel_region_begin(pel_context *ctx, const char *name)
{
    if (!ctx || !name || !*name) return pel_error(ctx, PEL_EINVAL, "region name is empty");
    if (ctx->depth == PEL_REGION_DEPTH)
        return pel_error(ctx, PEL_EINVAL, "region '%s': more than %d nested regions", name,
                         PEL_REGION_DEPTH);
    char path[PEL_PATH_MAX];
    int k = ctx->depth ? snprintf(path, sizeof path, "%s/%s",
                                  ctx->regions[ctx->open[ctx->depth - 1]].path, name)
                       : snprintf(path, sizeof path, "%s", name);
    if (k < 0 || (size_t)k >= sizeof path)
        return pel_error(ctx, PEL_EINVAL, "region path '%s...' is too long", path);
    int i = find_region(ctx, path);
    if (i < 0 && (i = add_region(ctx, path)) < 0)
        return pel_error(ctx, PEL_ENOMEM, "no memory for region '%s'", path);
    double t = pel_wtime();
    ctx->open[ctx->depth] = i;
    ctx->t_open[ctx->depth] = t;
    ctx->depth++;
    if (ctx->hook) ctx->hook(ctx->hook_user, path, 1, t);
    return PEL_OK;
}

pel_status pel_region_end(pel_context *ctx, const char *name)
{
    double t = pel_wtime();
    if (!ctx || !name) return pel_error(ctx, PEL_EINVAL, "region name is empty");
    if (ctx->depth == 0)
        return pel_error(ctx, PEL_EINVAL, "region '%s' ended but no region is open", name);
    pel_region *r = &ctx->regions[ctx->open[ctx->depth - 1]];
    const char *leaf = strrchr(r->path, '/');
    leaf = leaf ? leaf + 1 : r->path;
    if (strcmp(leaf, name) != 0)
        return pel_error(ctx, PEL_EINVAL, "region '%s' ended while '%s' is open", name, r->path);
    ctx->depth--;
    double dt = t - ctx->t_open[ctx->depth];
    r->stats.count++;
    r->stats.total += dt;
    if (dt < r->stats.min) r->stats.min = dt;
    if (dt > r->stats.max) r->stats.max = dt;
    if (ctx->hook) ctx->hook(ctx->hook_user, r->path, 0, t);
    return PEL_OK;
}

void pel_context_set_region_hook(pel_context *ctx, pel_region_hook hook, void *user)
{
    if (!ctx) return;
    ctx->hook = hook;
    ctx->hook_user = user;
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
    ctx->nregions = 0;
    ctx->depth = 0;
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
