/* The context: thread count, log stream, last error, deterministic flag. */
#include <config.h>

#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal/core.h"

pel_status pel_context_create(pel_context **ctx)
{
    if (!ctx) return PEL_EINVAL;
    pel_context *c = calloc(1, sizeof *c);
    *ctx = c;
    if (!c) return PEL_ENOMEM;
    c->nthreads = omp_get_max_threads();
    if (c->nthreads < 1) c->nthreads = 1;
    c->deterministic = 1;
    return PEL_OK;
}

void pel_context_destroy(pel_context *ctx)
{
    if (!ctx) return;
    free(ctx->regions);
    free(ctx);
}

pel_status pel_context_set_threads(pel_context *ctx, int nthreads)
{
    if (!ctx) return PEL_EINVAL;
    if (nthreads < 1)
        return pel_error(ctx, PEL_EINVAL, "thread count %d: must be at least 1", nthreads);
    ctx->nthreads = nthreads;
    return PEL_OK;
}

int pel_context_threads(const pel_context *ctx) { return ctx ? ctx->nthreads : 1; }
void pel_context_set_log(pel_context *ctx, FILE *log) { if (ctx) ctx->log = log; }
FILE *pel_context_log(const pel_context *ctx) { return ctx ? ctx->log : NULL; }
void pel_context_set_deterministic(pel_context *ctx, int on) { if (ctx) ctx->deterministic = !!on; }
int pel_context_deterministic(const pel_context *ctx) { return ctx ? ctx->deterministic : 1; }
const char *pel_context_error(const pel_context *ctx) { return ctx ? ctx->errmsg : ""; }
const char *pel_context_error_location(const pel_context *ctx) { return ctx ? ctx->errloc : ""; }
pel_status pel_context_last_status(const pel_context *ctx) { return ctx ? ctx->last_status : PEL_EINVAL; }

void pel_context_clear_error(pel_context *ctx)
{
    if (!ctx) return;
    ctx->last_status = PEL_OK;
    ctx->errmsg[0] = '\0';
    ctx->errloc[0] = '\0';
}

pel_status pel_error_at(pel_context *ctx, pel_status status, const char *file, int line,
                        const char *fmt, ...)
{
    if (!ctx) return status;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    snprintf(ctx->errloc, sizeof ctx->errloc, "%s:%d", base, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
    ctx->last_status = status;
    if (ctx->log) fprintf(ctx->log, "pel: %s (%s)\n", ctx->errmsg, ctx->errloc);
    return status;
}

double pel_wtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *pel_version(void) { return PACKAGE_VERSION; }
