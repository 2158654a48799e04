/* The context: thread count, log stream, last error, deterministic flag,
 * and the reference count that keeps it alive while objects use it. */
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
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        *ctx = NULL;
        return PEL_ENOMEM;
    }
    c->nthreads = omp_get_max_threads();
    if (c->nthreads < 1) c->nthreads = 1;
    c->deterministic = 1;
    c->refs = 1;
    return PEL_OK;
}

pel_context *peli_context_retain(pel_context *ctx)
{
    if (ctx) __atomic_add_fetch(&ctx->refs, 1, __ATOMIC_RELAXED);
    return ctx;
}

void peli_context_release(pel_context *ctx)
{
    if (!ctx || __atomic_sub_fetch(&ctx->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
    pel_context *parent = ctx->parent;
    pthread_mutex_destroy(&ctx->lock);
    free(ctx->regions);
    free(ctx->stacks);
    free(ctx);
    peli_context_release(parent);
}

pel_status pel_context_derive(pel_context *parent, pel_context **child)
{
    if (!parent || !child) return PEL_EINVAL;
    pel_status s = pel_context_create(child);
    if (s) return s;
    (*child)->nthreads = parent->nthreads;
    (*child)->deterministic = parent->deterministic;
    (*child)->parent = peli_context_retain(parent);
    return PEL_OK;
}

void pel_context_set_cancel(pel_context *ctx, const volatile sig_atomic_t *flag)
{
    if (ctx) ctx->cancel = flag;
}

const volatile sig_atomic_t *pel_context_cancel(const pel_context *ctx) { return ctx ? ctx->cancel : NULL; }
int pel_context_cancelled(const pel_context *ctx) { return peli_cancelled(ctx); }

void pel_context_destroy(pel_context *ctx) { peli_context_release(ctx); }

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

pel_status pel_context_last_status(const pel_context *ctx)
{
    if (!ctx) return PEL_EINVAL;
    pel_context *c = (pel_context *)ctx; /* the lock is not part of the value */
    pthread_mutex_lock(&c->lock);
    pel_status s = c->last_status;
    pthread_mutex_unlock(&c->lock);
    return s;
}

pel_status pel_context_error_copy(const pel_context *ctx, char *buf, size_t len)
{
    if (!ctx) return PEL_EINVAL;
    pel_context *c = (pel_context *)ctx;
    pthread_mutex_lock(&c->lock);
    pel_status s = c->last_status;
    if (buf && len) snprintf(buf, len, "%s", c->errmsg);
    pthread_mutex_unlock(&c->lock);
    return s;
}

void pel_context_clear_error(pel_context *ctx)
{
    if (!ctx) return;
    pthread_mutex_lock(&ctx->lock);
    ctx->last_status = PEL_OK;
    ctx->errmsg[0] = '\0';
    ctx->errloc[0] = '\0';
    pthread_mutex_unlock(&ctx->lock);
}

/* msg into ctx->errmsg; one too long for it (a path of thousands of
 * characters) keeps its start and its end, where the reason is, around
 * " ... ", cut between UTF-8 characters */
static void keep_message(pel_context *ctx, const char *msg)
{
    const size_t len = strlen(msg), room = sizeof ctx->errmsg - 1;
    if (len <= room) {
        memcpy(ctx->errmsg, msg, len + 1);
        return;
    }
    size_t head = room / 4, tail = room - head - 5;
    while (head > 0 && ((unsigned char)msg[head] & 0xC0) == 0x80) head--;
    const char *end = msg + len - tail;
    while (((unsigned char)*end & 0xC0) == 0x80) end++;
    snprintf(ctx->errmsg, sizeof ctx->errmsg, "%.*s ... %s", (int)head, msg, end);
}

static void record(pel_context *ctx, pel_status status, const char *file, int line,
                   const char *fmt, va_list ap)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    snprintf(ctx->errloc, sizeof ctx->errloc, "%s:%d", base, line);
    char full[4 * PEL_ERRMSG_MAX], *big = NULL;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(full, sizeof full, fmt, ap);
    if (n >= (int)sizeof full && (big = malloc((size_t)n + 1)) != NULL) vsnprintf(big, (size_t)n + 1, fmt, again);
    va_end(again);
    keep_message(ctx, big ? big : n >= 0 ? full : "(unprintable message)");
    free(big);
    ctx->last_status = status;
    if (ctx->log) fprintf(ctx->log, "pel: %s (%s)\n", ctx->errmsg, ctx->errloc);
}

pel_status pel_error_at(pel_context *ctx, pel_status status, const char *file, int line,
                        const char *fmt, ...)
{
    if (!ctx) return status;
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&ctx->lock);
    record(ctx, status, file, line, fmt, ap);
    pthread_mutex_unlock(&ctx->lock);
    va_end(ap);
    return status;
}

pel_status peli_error_locked_at(pel_context *ctx, pel_status status, const char *file, int line,
                                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(ctx, status, file, line, fmt, ap);
    va_end(ap);
    return status;
}

double pel_wtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *pel_version(void) { return PACKAGE_VERSION; }
