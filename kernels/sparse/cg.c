/* The conjugate gradient solver and NPB CG's inverse power iteration
 * (include/pel/sparse.h), and NPB CG's class table.
 *
 * One run per solve (or per power step): the whole iteration loop is one
 * body of phases handed to peli_run (internal/team.h), so one team with a
 * barrier after each phase, or, inside a caller's team without nesting, the
 * body once with each phase a taskloop the caller's threads join.  Every
 * phase runs over blocks of PEL_SPARSE_BLOCK rows, virtual thread t taking
 * the blocks of the schedule(static) split (the product phases start from
 * it: below), so the rows a thread multiplies are, but for a few blocks,
 * the rows whose vector entries it first touched and updates.  Dot
 * products are fused into the phases that produce their operands (p.q into
 * q = A p; r.r into the update of x and r; x.z, z.z and ||x - A z||^2 into
 * the residual product), each block writing its partial sum to a slot of
 * its own; after the phase the body combines the slots in the same fixed
 * pairwise order (pel_sum_serial), on every thread of a team alike, so every
 * thread holds the same scalar, takes the same branches, and no `single` or
 * reduction is needed.  Three phases (barriers) per CG iteration: q (alpha
 * needs p.q), the x and r update (beta needs r.r), p (the next product reads
 * all of p).
 *
 * The phases with a product (q = A p, the residual, the warm start's
 * b - A x: 96-99% of the time at NPB's classes) share their blocks out at
 * run time: virtual thread t takes its own static blocks from the front,
 * one at a time, and when they are done takes the blocks the others have not
 * yet started, from the back of their ranges.  A block is still computed
 * whole by whoever takes it, and its rows and partial sums go to the same
 * places, so the bits do not depend on who took what; a core slowed by
 * another process (or a later start) no longer holds the whole team at the
 * barrier after the product. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal/sparse.h"

/* Virtual thread t's blocks not yet taken in a product phase: [front, back)
 * packed as back << 32 | front, one cache line per thread (nt <= nb).  32
 * bits hold any block index: 2^32 blocks would be 2^38 rows, whose row
 * pointers alone take 2 TiB. */
typedef struct cg_range {
    uint64_t fb;
    char pad[PEL_ALIGN - sizeof(uint64_t)];
} cg_range;

struct pel_sparse_cg {
    pel_context *ctx;
    const pel_sparse_csr *A;
    int64_t n, nb, npb;     /* rows, blocks of PEL_SPARSE_BLOCK rows, product blocks */
    double *p, *q, *r, *z; /* n each */
    double *part;           /* 3 * nb block partial sums */
    cg_range *range;        /* nb: one per possible virtual thread */
};

/* A product phase's share-out (see the top of the file).  cg_share_begin
 * sets t's range to its static blocks; cg_share_next returns the next block
 * t takes, or -1 when every block of the phase is taken.  *v is the range
 * being taken from: 0 t's own (from the front), then t+1, t+2, ... mod nt
 * (from the back).  A range another thread has not set yet still reads as
 * empty (every range is emptied by the phase that set it), so a block is
 * never taken twice nor missed: its owner takes it.  Relaxed atomics: the
 * compare-and-swap on one word alone decides who takes a block; the data
 * the blocks read and write are ordered by the barriers around the phase. */
static void cg_share_begin(const pel_sparse_cg *s, int t, int nt, int *v)
{
    int64_t b0, b1;
    peli_sparse_my_blocks(s->npb, t, nt, &b0, &b1);
    __atomic_store_n(&s->range[t].fb, (uint64_t)b1 << 32 | (uint64_t)b0, __ATOMIC_RELAXED);
    *v = 0;
}

static int64_t cg_share_next(const pel_sparse_cg *s, int t, int nt, int *v)
{
    for (; *v < nt; ++*v) {
        uint64_t *fb = &s->range[(t + *v) % nt].fb;
        uint64_t o = __atomic_load_n(fb, __ATOMIC_RELAXED);
        for (;;) {
            uint32_t front = (uint32_t)o, back = (uint32_t)(o >> 32);
            if (front >= back) break;
            uint64_t taken = *v == 0 ? o + 1 : o - (UINT64_C(1) << 32);
            if (__atomic_compare_exchange_n(fb, &o, taken, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
                return *v == 0 ? (int64_t)front : (int64_t)back - 1;
        }
    }
    return -1;
}

/* First touch of the work vectors with the solver's split (no barrier). */
static void zero_vectors(int t, int nt, void *arg)
{
    pel_sparse_cg *s = arg;
    int64_t b0, b1;
    peli_sparse_my_blocks(s->nb, t, nt, &b0, &b1);
    for (int64_t blk = b0; blk < b1; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, s->n, &j0, &j1);
        for (int64_t j = j0; j < j1; j++) s->p[j] = s->q[j] = s->r[j] = s->z[j] = 0.0;
    }
}

pel_status pel_sparse_cg_create(pel_context *ctx, const pel_sparse_csr *A, pel_sparse_cg **cg)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, cg != NULL, "cg: the result pointer must not be NULL");
    *cg = NULL;
    PEL_REQUIRE(ctx, A != NULL, "cg: the matrix A is NULL");
    PEL_REQUIRE(ctx, A->nrows == A->ncols, "cg: the matrix must be square (got %lld x %lld)",
                (long long)A->nrows, (long long)A->ncols);
    pel_sparse_cg *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "cg: out of memory");
    s->ctx = peli_context_retain(ctx);
    s->A = A;
    s->n = A->nrows;
    s->nb = peli_sparse_blocks(s->n);
    s->npb = A->npb;
    size_t bytes = (size_t)s->n * sizeof(double);
    s->p = pel_malloc(bytes);
    s->q = pel_malloc(bytes);
    s->r = pel_malloc(bytes);
    s->z = pel_malloc(bytes);
    s->part = pel_malloc((size_t)(3 * s->nb) * sizeof *s->part);
    s->range = pel_malloc((size_t)s->nb * sizeof *s->range);
    if (!s->p || !s->q || !s->r || !s->z || !s->part || !s->range) {
        pel_sparse_cg_destroy(s);
        return pel_error(ctx, PEL_ENOMEM, "cg: cannot allocate work vectors for n = %lld",
                         (long long)A->nrows);
    }
    for (int64_t t = 0; t < s->nb; t++) s->range[t].fb = 0; /* empty */
    peli_parallel(ctx, (size_t)s->nb, 0, 0, zero_vectors, s);
    *cg = s;
    return PEL_OK;
}

void pel_sparse_cg_destroy(pel_sparse_cg *cg)
{
    if (!cg) return;
    pel_free(cg->p);
    pel_free(cg->q);
    pel_free(cg->r);
    pel_free(cg->z);
    pel_free(cg->part);
    pel_free(cg->range);
    peli_context_release(cg->ctx);
    free(cg);
}

const double *pel_sparse_cg_power_z(const pel_sparse_cg *cg) { return cg ? cg->z : NULL; }

void pel_sparse_cg_params_default(pel_sparse_cg_params *p)
{
    if (!p) return;
    p->max_iter = 1000;
    p->rtol = 1e-10;
    p->start = PEL_SPARSE_CG_ZERO;
}

/* How an iteration loop ended. */
enum {
    CG_DONE,       /* max_iter, the tolerance, or r = 0 */
    CG_RR_NONFIN,  /* r.r (or b.b) is not finite */
    CG_PQ_NONFIN,  /* p.q is not finite */
    CG_PQ_NOTPOS,  /* p.q <= 0 (checked when `definite`) */
    CG_CANCELLED   /* the context's cancellation flag (pel_context_set_cancel) */
};

typedef struct cg_state {
    int it;     /* iterations done */
    int at;     /* where a failure was found: 0 the initial residual, k iteration k */
    int end;    /* CG_* */
    double rho; /* r.r at the end */
    double bb;  /* b.b */
    double bad; /* the failing scalar */
} cg_state;

/* What the phases of one body read: the solver, the system, and the
 * scalars of the current step.  Each thread of a team keeps its own copy
 * (all hold the same values); in task mode the tasks of a phase share the
 * body's one copy and only read it. */
typedef struct cg_job {
    const pel_sparse_cg *s;
    const double *b;
    double *x;
    double alpha, beta; /* this iteration's */
    int power;          /* the residual phase sums b.x and x.x too */
    double *v, inv;     /* the power step's x (b there) and 1/||z||, for v = inv z */
    peli_stop *stop;    /* the body's one shared cancellation decision (internal/team.h) */
} cg_job;

/* ---- the phases: virtual thread t of nt, over its blocks ---- */

/* q = x = 0, r = p = b, and r.r per block into part[nb..2nb) */
static void ph_start_zero(int t, int nt, void *arg)
{
    const cg_job *jb = arg;
    const pel_sparse_cg *s = jb->s;
    const int64_t n = s->n, nb = s->nb;
    const double *b = jb->b;
    double *x = jb->x, *p = s->p, *q = s->q, *r = s->r, *rr = s->part + nb;
    int64_t b0, b1;
    peli_sparse_my_blocks(nb, t, nt, &b0, &b1);
    for (int64_t blk = b0; blk < b1; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, n, &j0, &j1);
        double s2 = 0.0;
        for (int64_t j = j0; j < j1; j++) {
            q[j] = 0.0;
            x[j] = 0.0;
            r[j] = b[j];
            p[j] = b[j];
            s2 = s2 + b[j] * b[j];
        }
        rr[blk] = s2;
    }
}

/* The rows of product block pb and its first PEL_SPARSE_BLOCK block: the
 * product phases compute a product block whole, then its blocks' partial
 * sums in row order (as the other phases do block by block). */
static void cg_pblock(const pel_sparse_cg *s, int64_t pb, int64_t *j0, int64_t *j1, int64_t *blk0)
{
    peli_sparse_pblock_rows(s->A, pb, j0, j1);
    *blk0 = *j0 / PEL_SPARSE_BLOCK;
}

/* q = 0, r = p = b - A x, and per block r.r into part[nb..2nb), b.b into
 * part[2nb..3nb) */
static void ph_start_guess(int t, int nt, void *arg)
{
    const cg_job *jb = arg;
    const pel_sparse_cg *s = jb->s;
    const int64_t n = s->n, nb = s->nb;
    const double *b = jb->b, *x = jb->x;
    double *p = s->p, *q = s->q, *r = s->r, *rr = s->part + nb, *bbp = s->part + 2 * nb;
    double ax[PELI_SPARSE_RMAX]; /* the product block's A x */
    int v;
    cg_share_begin(s, t, nt, &v);
    for (int64_t pb; (pb = cg_share_next(s, t, nt, &v)) >= 0;) {
        int64_t pj0, pj1, blk;
        cg_pblock(s, pb, &pj0, &pj1, &blk);
        peli_sparse_product(s->A, pb, x, ax);
        for (; blk * PEL_SPARSE_BLOCK < pj1; blk++) {
            int64_t j0, j1;
            peli_sparse_block_rows(blk, n, &j0, &j1);
            double s2 = 0.0, b2 = 0.0;
            for (int64_t j = j0; j < j1; j++) {
                double rj = b[j] - ax[j - pj0];
                q[j] = 0.0;
                r[j] = rj;
                p[j] = rj;
                s2 = s2 + rj * rj;
                b2 = b2 + b[j] * b[j];
            }
            rr[blk] = s2;
            bbp[blk] = b2;
        }
    }
}

/* q = A p, and p.q per block into part[0..nb) */
static void ph_q(int t, int nt, void *arg)
{
    const cg_job *jb = arg;
    const pel_sparse_cg *s = jb->s;
    const int64_t n = s->n;
    const double *p = s->p;
    double *q = s->q, *pq = s->part;
    int v;
    cg_share_begin(s, t, nt, &v);
    for (int64_t pb; (pb = cg_share_next(s, t, nt, &v)) >= 0;) {
        int64_t pj0, pj1, blk;
        cg_pblock(s, pb, &pj0, &pj1, &blk);
        peli_sparse_product(s->A, pb, p, q + pj0);
        for (; blk * PEL_SPARSE_BLOCK < pj1; blk++) {
            int64_t j0, j1;
            peli_sparse_block_rows(blk, n, &j0, &j1);
            double d = 0.0;
            for (int64_t j = j0; j < j1; j++) d = d + p[j] * q[j];
            pq[blk] = d;
        }
    }
}

/* x += alpha p, r -= alpha q, and r.r per block into part[nb..2nb) */
static void ph_xr(int t, int nt, void *arg)
{
    const cg_job *jb = arg;
    const pel_sparse_cg *s = jb->s;
    const int64_t n = s->n, nb = s->nb;
    const double alpha = jb->alpha, *p = s->p, *q = s->q;
    double *x = jb->x, *r = s->r, *rr = s->part + nb;
    int64_t b0, b1;
    peli_sparse_my_blocks(nb, t, nt, &b0, &b1);
    for (int64_t blk = b0; blk < b1; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, n, &j0, &j1);
        double s2 = 0.0;
        for (int64_t j = j0; j < j1; j++) {
            x[j] = x[j] + alpha * p[j];
            double rj = r[j] - alpha * q[j];
            r[j] = rj;
            s2 = s2 + rj * rj;
        }
        rr[blk] = s2;
    }
}

/* p = r + beta p */
static void ph_p(int t, int nt, void *arg)
{
    const cg_job *jb = arg;
    const pel_sparse_cg *s = jb->s;
    const int64_t n = s->n, nb = s->nb;
    const double beta = jb->beta, *r = s->r;
    double *p = s->p;
    int64_t b0, b1;
    peli_sparse_my_blocks(nb, t, nt, &b0, &b1);
    for (int64_t blk = b0; blk < b1; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, n, &j0, &j1);
        for (int64_t j = j0; j < j1; j++) p[j] = r[j] + beta * p[j];
    }
}

/* Per block (b - A x)^2 into part[0..nb), and with `power` also b.x into
 * part[nb..2nb) and x.x into part[2nb..3nb). */
static void ph_residual(int t, int nt, void *arg)
{
    const cg_job *jb = arg;
    const pel_sparse_cg *s = jb->s;
    const int64_t n = s->n, nb = s->nb;
    const double *b = jb->b, *x = jb->x;
    const int power = jb->power;
    double *part = s->part;
    double ax[PELI_SPARSE_RMAX]; /* the product block's A x */
    int v;
    cg_share_begin(s, t, nt, &v);
    for (int64_t pb; (pb = cg_share_next(s, t, nt, &v)) >= 0;) {
        int64_t pj0, pj1, blk;
        cg_pblock(s, pb, &pj0, &pj1, &blk);
        peli_sparse_product(s->A, pb, x, ax);
        for (; blk * PEL_SPARSE_BLOCK < pj1; blk++) {
            int64_t j0, j1;
            peli_sparse_block_rows(blk, n, &j0, &j1);
            double e2 = 0.0, bx = 0.0, xx = 0.0;
            for (int64_t j = j0; j < j1; j++) {
                double dj = b[j] - ax[j - pj0];
                e2 = e2 + dj * dj;
                if (power) {
                    bx = bx + b[j] * x[j];
                    xx = xx + x[j] * x[j];
                }
            }
            part[blk] = e2;
            if (power) {
                part[nb + blk] = bx;
                part[2 * nb + blk] = xx;
            }
        }
    }
}

/* The power step's x = z / ||z|| (v = inv x of the job), by the reciprocal */
static void ph_normalise(int t, int nt, void *arg)
{
    const cg_job *jb = arg;
    const pel_sparse_cg *s = jb->s;
    const int64_t n = s->n, nb = s->nb;
    const double inv = jb->inv, *z = jb->x;
    double *x = jb->v;
    int64_t b0, b1;
    peli_sparse_my_blocks(nb, t, nt, &b0, &b1);
    for (int64_t blk = b0; blk < b1; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, n, &j0, &j1);
        for (int64_t j = j0; j < j1; j++) x[j] = inv * z[j];
    }
}

/* The CG iterations, in a body: solves A x = b (jb's) from x = 0 (guess =
 * 0) or from the given x into x (z of the power step).  With `definite`,
 * p.q <= 0 stops it as a breakdown; otherwise only p.q = 0 stops it (NPB's
 * matrix is negative definite).  Every scalar is combined from the block
 * sums after the phase that made them, by every thread of a team alike (or
 * once in task mode), so all take the same branches and return the same
 * state.  Ends with every thread past its last read of the block sums. */
static void cg_iterate(peli_team *tm, cg_job *jb, int max_iter, double rtol2, int guess,
                       int definite, cg_state *out)
{
    const int64_t nb = jb->s->nb;
    const double *pq = jb->s->part, *rr = jb->s->part + nb, *bbp = jb->s->part + 2 * nb;

    peli_phase(tm, guess ? ph_start_guess : ph_start_zero, jb);
    double rho = pel_sum_serial(rr, (size_t)nb);
    double bb = guess ? pel_sum_serial(bbp, (size_t)nb) : rho;
    const double stop2 = rtol2 * bb; /* r.r <= rtol^2 b.b; 0: only an exact zero */
    int it = 0, end = CG_DONE, synced = 0, at = 0;
    double bad = 0.0;
    if (!isfinite(rho) || !isfinite(bb)) {
        end = CG_RR_NONFIN;
        bad = isfinite(rho) ? bb : rho;
    }
    while (end == CG_DONE && it < max_iter && rho > stop2) {
        synced = 0;
        at = it + 1;
        /* the check point of an iteration: posted before the product, read
         * by every thread after it (internal/team.h, peli_stop) */
        peli_stop_post(tm, jb->stop, it, jb->s->ctx);
        peli_phase(tm, ph_q, jb); /* alpha needs p.q */
        if (peli_stop_read(jb->stop, it)) {
            end = CG_CANCELLED;
            break;
        }
        double d = pel_sum_serial(pq, (size_t)nb);
        if (!isfinite(d)) {
            end = CG_PQ_NONFIN;
            bad = d;
            break;
        }
        if (definite ? d <= 0.0 : d == 0.0) { /* every thread stops here */
            if (definite) end = CG_PQ_NOTPOS;
            bad = d;
            break;
        }
        double rho0 = rho;
        jb->alpha = rho / d;
        peli_phase(tm, ph_xr, jb); /* beta needs r.r */
        rho = pel_sum_serial(rr, (size_t)nb);
        if (!isfinite(rho)) {
            end = CG_RR_NONFIN;
            bad = rho;
            break;
        }
        jb->beta = rho / rho0;
        peli_phase(tm, ph_p, jb); /* the next product reads all of p; every thread has read pq, rr */
        synced = 1;
        it++;
    }
    /* before anyone rewrites the block sums the others may still be reading */
    if (!synced) peli_sync(tm);
    out->it = it;
    out->at = end == CG_DONE ? 0 : at;
    out->end = end;
    out->rho = rho;
    out->bb = bb;
    out->bad = bad;
}

static pel_status check_solve(pel_sparse_cg *cg, const double *b, const double *x, int max_iter)
{
    if (!cg) return PEL_EINVAL;
    pel_context *ctx = cg->ctx;
    PEL_REQUIRE(ctx, b != NULL && x != NULL, "cg: the vectors must not be NULL");
    PEL_REQUIRE(ctx, b != x, "cg: the right-hand side and the solution must be distinct arrays");
    PEL_REQUIRE(ctx, max_iter >= 0, "cg: the iteration count must not be negative (got %d)",
                max_iter);
    return PEL_OK;
}

/* The first entry of v[0..n) that is not finite, or -1. */
static int64_t first_nonfinite(const double *v, int64_t n)
{
    for (int64_t j = 0; j < n; j++)
        if (!isfinite(v[j])) return j;
    return -1;
}

/* PEL_ENONFINITE for a loop that ended with CG_RR_NONFIN or CG_PQ_NONFIN,
 * naming the quantity, the iteration (0: the initial residual) and the
 * first non-finite entry of the vector it was summed from.  bname and xname
 * are the caller's names of b and x. */
static pel_status nonfinite(const pel_sparse_cg *cg, const char *who, const cg_state *st,
                            const double *b, const char *bname, const double *x,
                            const char *xname, int guess)
{
    const int64_t n = cg->n;
    char dot[32];
    const char *name = "r", *note = "";
    const double *v = cg->r;
    int64_t j = -1;
    if (st->end == CG_PQ_NONFIN) {
        snprintf(dot, sizeof dot, "p.Ap");
        name = "q";
        note = " (q = A p)";
        v = cg->q;
    } else if (st->at > 0 || (guess && isfinite(st->bb))) {
        snprintf(dot, sizeof dot, "r.r");
    } else {
        snprintf(dot, sizeof dot, "%s.%s", bname, bname);
        name = bname;
        v = b;
    }
    if (st->at == 0) { /* the initial residual: which input */
        if ((j = first_nonfinite(b, n)) >= 0) name = bname, v = b;
        else if (guess && (j = first_nonfinite(x, n)) >= 0) name = xname, v = x;
    }
    if (j < 0) j = first_nonfinite(v, n);
    if (j < 0)
        return pel_error(cg->ctx, PEL_ENONFINITE,
                         "%s: non-finite %s = %g at iteration %d (every entry of %s is finite: "
                         "the sum overflowed)",
                         who, dot, st->bad, st->at, name);
    return pel_error(cg->ctx, PEL_ENONFINITE,
                     "%s: non-finite %s = %g at iteration %d: %s[%lld] = %g%s", who, dot,
                     st->bad, st->at, name, (long long)j, v[j], note);
}

/* ---- the solve ---- */

typedef struct solve_arg {
    const pel_sparse_cg *cg;
    const double *b;
    double *x;
    int max_iter, guess, want_rnorm;
    double rtol2;
    cg_state st; /* written by the master */
    peli_stop stop;
} solve_arg;

static void solve_body(peli_team *tm, void *arg)
{
    solve_arg *a = arg;
    cg_job jb = {.s = a->cg, .b = a->b, .x = a->x, .stop = &a->stop};
    cg_state st;
    cg_iterate(tm, &jb, a->max_iter, a->rtol2, a->guess, 1, &st);
    if (a->want_rnorm && st.end != CG_CANCELLED) peli_phase(tm, ph_residual, &jb);
    if (peli_master(tm)) a->st = st; /* read after the run */
}

pel_status pel_sparse_cg_solve(pel_sparse_cg *cg, const pel_sparse_cg_params *p, const double *b,
                               double *x, pel_sparse_cg_info *info)
{
    pel_sparse_cg_params def;
    if (!p) {
        pel_sparse_cg_params_default(&def);
        p = &def;
    }
    pel_status st = check_solve(cg, b, x, p->max_iter);
    if (st != PEL_OK) return st;
    PEL_REQUIRE(cg->ctx, p->rtol >= 0 && p->rtol < INFINITY,
                "cg: rtol must be zero or positive and finite (got %g)", p->rtol);
    PEL_REQUIRE(cg->ctx, p->start == PEL_SPARSE_CG_ZERO || p->start == PEL_SPARSE_CG_GUESS,
                "cg: start must be PEL_SPARSE_CG_ZERO or PEL_SPARSE_CG_GUESS (got %d)",
                (int)p->start);
    solve_arg a = {.cg = cg,
                   .b = b,
                   .x = x,
                   .max_iter = p->max_iter,
                   .guess = p->start == PEL_SPARSE_CG_GUESS,
                   .want_rnorm = info != NULL, /* the explicit residual costs a product */
                   .rtol2 = p->rtol * p->rtol};
    peli_run(cg->ctx, (size_t)cg->nb, 0, solve_body, &a);
    if (info) {
        info->iterations = a.st.it;
        info->rho = a.st.rho;
        info->rnorm = sqrt(pel_sum_serial(cg->part, (size_t)cg->nb));
    }
    switch (a.st.end) {
    case CG_CANCELLED:
        return peli_cancel_error(cg->ctx, "cg", a.st.it, a.max_iter, "iterations");
    case CG_RR_NONFIN:
    case CG_PQ_NONFIN:
        return nonfinite(cg, "cg", &a.st, b, "b", x, "x", a.guess);
    case CG_PQ_NOTPOS:
        return pel_error(cg->ctx, PEL_ESINGULAR,
                         "cg: breakdown at iteration %d: p.Ap = %g <= 0, the matrix is not "
                         "positive definite",
                         a.st.at, a.st.bad);
    default:
        break;
    }
    if (p->rtol > 0 && !(a.st.rho <= a.rtol2 * a.st.bb))
        return pel_error(cg->ctx, PEL_ENOTCONV,
                         "cg: not converged: relative residual %.3e after %d iterations, "
                         "tolerance %g",
                         sqrt(a.st.rho) / sqrt(a.st.bb), a.st.it, p->rtol);
    return PEL_OK;
}

/* ---- the power step ---- */

typedef struct power_arg {
    const pel_sparse_cg *cg;
    double *x;
    int cgit;
    double shift;
    cg_state st;        /* written by the master */
    double zeta, rnorm; /* written by the master */
    peli_stop stop;
} power_arg;

static void power_body(peli_team *tm, void *arg)
{
    power_arg *a = arg;
    const pel_sparse_cg *cg = a->cg;
    const int64_t nb = cg->nb;
    const double *part = cg->part;
    cg_job jb = {.s = cg, .b = a->x, .x = cg->z, .power = 1, .v = a->x, .stop = &a->stop};
    cg_state st;
    cg_iterate(tm, &jb, a->cgit, 0.0, 0, 0, &st);
    if (peli_master(tm)) a->st = st; /* read after the run */
    if (st.end != CG_DONE) return; /* every thread: x stays as it was */
    peli_phase(tm, ph_residual, &jb);
    /* zeta = shift + 1/(x.z); x = z / ||z||, by NPB's reciprocal */
    double xz = pel_sum_serial(part + nb, (size_t)nb);
    double zz = pel_sum_serial(part + 2 * nb, (size_t)nb);
    jb.inv = 1.0 / sqrt(zz);
    if (peli_master(tm)) { /* read after the run */
        a->zeta = a->shift + 1.0 / xz;
        a->rnorm = sqrt(pel_sum_serial(part, (size_t)nb));
    }
    peli_phase_last(tm, ph_normalise, &jb);
}

pel_status pel_sparse_cg_power_step(pel_sparse_cg *cg, double shift, int cgit, double *x,
                                    double *zeta, double *rnorm)
{
    pel_status st = check_solve(cg, x, cg ? cg->z : NULL, cgit);
    if (st != PEL_OK) return st;
    PEL_REQUIRE(cg->ctx, isfinite(shift), "cg: shift must be finite (got %g)", shift);
    power_arg a = {.cg = cg, .x = x, .cgit = cgit, .shift = shift};
    peli_run(cg->ctx, (size_t)cg->nb, 0, power_body, &a);
    if (a.st.end == CG_CANCELLED) /* x as it was */
        return peli_cancel_error(cg->ctx, "cg: power step", a.st.it, cgit, "CG iterations");
    if (a.st.end != CG_DONE) return nonfinite(cg, "cg: power step", &a.st, x, "x", cg->z, "z", 0);
    if (zeta) *zeta = a.zeta;
    if (rnorm) *rnorm = a.rnorm;
    return PEL_OK;
}

/* ---- NPB's class table ----------------------------------------------------------- */

pel_status pel_sparse_npb_class(pel_context *ctx, char cls, pel_sparse_npb *out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out != NULL, "sparse: the result pointer must not be NULL");
    /* Problem sizes: NPB 3.3.1 CG/cg.f class table (na, nonzer, niter,
     * shift; rcond = 0.1).  zeta references: NPB 3.3.1 CG/cg.f main program,
     * verification block (zeta_verify_value; the same in NPB3.3-OMP and in
     * the SNU C translation NPB3.3-OMP-C cg.c), with its relative test
     * |zeta - ref| / ref <= epsilon = 1e-10. */
    static const pel_sparse_npb table[] = {
        {'S', 1400, 7, 15, 25, 10.0, 0.1, 8.5971775078648, 1e-10},
        {'W', 7000, 8, 15, 25, 12.0, 0.1, 10.362595087124, 1e-10},
        {'A', 14000, 11, 15, 25, 20.0, 0.1, 17.130235054029, 1e-10},
        {'B', 75000, 13, 75, 25, 60.0, 0.1, 22.712745482631, 1e-10},
        {'C', 150000, 15, 75, 25, 110.0, 0.1, 28.973605592845, 1e-10},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].cls == cls) {
            *out = table[i];
            return PEL_OK;
        }
    return pel_error(ctx, PEL_EINVAL, "cg: unknown NPB class '%c' (expected S, W, A, B or C)",
                     cls);
}

double pel_sparse_npb_flops(const pel_sparse_npb *p)
{
    /* NPB 3.3.1 CG main program: mflops = 2 niter na (3 + nonzer (nonzer+1)
     * + 25 (5 + nonzer (nonzer+1)) + 3) / t / 1e6 */
    if (!p) return 0.0;
    double nz = (double)p->nonzer * (double)(p->nonzer + 1);
    return 2.0 * (double)p->niter * (double)p->na * (3.0 + nz + 25.0 * (5.0 + nz) + 3.0);
}
