/* The conjugate gradient solver and NPB CG's inverse power iteration
 * (include/pel/sparse.h), and NPB CG's class table.
 *
 * One parallel region per solve (or per power step).  Every loop runs over
 * blocks of PEL_SPARSE_BLOCK rows with schedule(static), so the rows a thread
 * multiplies are the rows whose vector entries it first touched and updates.
 * Dot products are fused into the loops that produce their operands (p.q
 * into q = A p; r.r into the update of z and r; x.z, z.z and ||x - A z||^2
 * into the residual product), each block writing its partial sum to a slot
 * of its own; after the barrier every thread combines the slots itself in
 * the same fixed pairwise order (pel_sum_serial), so every thread holds the
 * same scalar and no `single` or reduction clause is needed.  Three
 * barriers per CG iteration: after q (alpha needs p.q), after r (beta needs
 * r.r), after p (the next product reads all of p). */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include "internal/sparse.h"

struct pel_sparse_cg {
    pel_context *ctx;
    const pel_sparse_csr *A;
    int64_t n, nb;
    double *p, *q, *r, *z; /* n each */
    double *part;           /* 3 * nb block partial sums */
};

pel_status pel_sparse_cg_create(pel_context *ctx, const pel_sparse_csr *A, pel_sparse_cg **cg)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, cg != NULL, "cg: the output pointer cg is NULL");
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
    size_t bytes = (size_t)s->n * sizeof(double);
    s->p = pel_malloc(bytes);
    s->q = pel_malloc(bytes);
    s->r = pel_malloc(bytes);
    s->z = pel_malloc(bytes);
    s->part = pel_malloc((size_t)(3 * s->nb) * sizeof *s->part);
    if (!s->p || !s->q || !s->r || !s->z || !s->part) {
        pel_sparse_cg_destroy(s);
        return pel_error(ctx, PEL_ENOMEM, "cg: cannot allocate work vectors for n = %lld",
                         (long long)A->nrows);
    }
    /* first touch with the solver's split */
    double *p = s->p, *q = s->q, *r = s->r, *z = s->z;
    int64_t n = s->n, nb = s->nb;
#pragma omp parallel for schedule(static) num_threads(peli_sparse_team(ctx, n)) default(none) \
    shared(p, q, r, z, n, nb)
    for (int64_t blk = 0; blk < nb; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, n, &j0, &j1);
        for (int64_t j = j0; j < j1; j++) p[j] = q[j] = r[j] = z[j] = 0.0;
    }
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
    peli_context_release(cg->ctx);
    free(cg);
}

const double *pel_sparse_cg_power_z(const pel_sparse_cg *cg) { return cg ? cg->z : NULL; }

/* The CG iterations inside a parallel region: solves A x = b from x = 0 into
 * x (z of the power step).  Every thread returns the same values.  Ends with
 * a barrier. */
static int cg_iterate(const pel_sparse_cg *s, const double *b, double *x, int max_iter, double rtol2,
                      double *rho_out)
{
    const pel_sparse_csr *A = s->A;
    const int64_t n = s->n, nb = s->nb;
    double *p = s->p, *q = s->q, *r = s->r, *pq = s->part, *rr = s->part + nb;

    /* q = x = 0, r = p = b, rho = r.r */
#pragma omp for schedule(static)
    for (int64_t blk = 0; blk < nb; blk++) {
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
    } /* barrier */
    double rho = pel_sum_serial(rr, (size_t)nb);
    const double stop2 = rtol2 * rho; /* r.r <= rtol^2 b.b; 0: only an exact zero */
    int it = 0;
    while (it < max_iter && rho > stop2) {
        /* q = A p and p.q */
#pragma omp for schedule(static)
        for (int64_t blk = 0; blk < nb; blk++) {
            int64_t j0, j1;
            peli_sparse_block_rows(blk, n, &j0, &j1);
            double d = 0.0;
            for (int64_t j = j0; j < j1; j++) {
                double qj = peli_row_dot(A, j, p);
                q[j] = qj;
                d = d + p[j] * qj;
            }
            pq[blk] = d;
        } /* barrier */
        double d = pel_sum_serial(pq, (size_t)nb);
        if (d == 0.0) break; /* p = 0 or A not definite: every thread stops here */
        double alpha = rho / d, rho0 = rho;
        /* x += alpha p, r -= alpha q, rho = r.r */
#pragma omp for schedule(static)
        for (int64_t blk = 0; blk < nb; blk++) {
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
        } /* barrier */
        rho = pel_sum_serial(rr, (size_t)nb);
        double beta = rho / rho0;
        /* p = r + beta p */
#pragma omp for schedule(static)
        for (int64_t blk = 0; blk < nb; blk++) {
            int64_t j0, j1;
            peli_sparse_block_rows(blk, n, &j0, &j1);
            for (int64_t j = j0; j < j1; j++) p[j] = r[j] + beta * p[j];
        } /* barrier */
        it++;
    }
    *rho_out = rho;
    return it;
}

/* Inside the region, after cg_iterate: sum over blocks of (b - A x)^2 into
 * part[0..nb), and with `power` also b.x into part[nb..2nb) and x.x into
 * part[2nb..3nb).  Ends with a barrier. */
static void residual(const pel_sparse_cg *s, const double *b, const double *x, int power)
{
    const pel_sparse_csr *A = s->A;
    const int64_t n = s->n, nb = s->nb;
    double *part = s->part;
#pragma omp for schedule(static)
    for (int64_t blk = 0; blk < nb; blk++) {
        int64_t j0, j1;
        peli_sparse_block_rows(blk, n, &j0, &j1);
        double e2 = 0.0, bx = 0.0, xx = 0.0;
        for (int64_t j = j0; j < j1; j++) {
            double dj = b[j] - peli_row_dot(A, j, x);
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
    } /* barrier */
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

pel_status pel_sparse_cg_solve(pel_sparse_cg *cg, const double *b, double *x, int max_iter, double rtol,
                        pel_sparse_cg_info *info)
{
    pel_status st = check_solve(cg, b, x, max_iter);
    if (st != PEL_OK) return st;
    PEL_REQUIRE(cg->ctx, rtol >= 0 && rtol < INFINITY,
                "cg: rtol must be zero or positive and finite (got %g)", rtol);
    double rtol2 = rtol * rtol;
    int iters = 0, want_rnorm = info != NULL; /* the explicit residual costs a product */
    double rho = 0.0;
#pragma omp parallel num_threads(peli_sparse_team(cg->ctx, cg->n)) default(none) \
    shared(cg, b, x, max_iter, rtol2, iters, rho, want_rnorm)
    {
        double rho_t;
        int it = cg_iterate(cg, b, x, max_iter, rtol2, &rho_t);
        if (want_rnorm) residual(cg, b, x, 0);
#pragma omp master
        {
            iters = it;
            rho = rho_t;
        }
    }
    if (info) {
        info->iterations = iters;
        info->rho = rho;
        info->rnorm = sqrt(pel_sum_serial(cg->part, (size_t)cg->nb));
    }
    return PEL_OK;
}

pel_status pel_sparse_cg_power_step(pel_sparse_cg *cg, double shift, int cgit, double *x, double *zeta,
                             double *rnorm)
{
    pel_status st = check_solve(cg, x, cg ? cg->z : NULL, cgit);
    if (st != PEL_OK) return st;
    PEL_REQUIRE(cg->ctx, isfinite(shift), "cg: shift must be finite (got %g)", shift);
    const int64_t n = cg->n, nb = cg->nb;
    double *z = cg->z, *part = cg->part;
    double zeta_v = 0.0, rnorm_v = 0.0;
#pragma omp parallel num_threads(peli_sparse_team(cg->ctx, n)) default(none) \
    shared(cg, x, z, part, n, nb, cgit, shift, zeta_v, rnorm_v)
    {
        double rho;
        (void)cg_iterate(cg, x, z, cgit, 0.0, &rho);
        residual(cg, x, z, 1);
        /* zeta = shift + 1/(x.z); x = z / ||z||, by NPB's reciprocal */
        double xz = pel_sum_serial(part + nb, (size_t)nb);
        double zz = pel_sum_serial(part + 2 * nb, (size_t)nb);
        double inv = 1.0 / sqrt(zz);
#pragma omp master
        {
            zeta_v = shift + 1.0 / xz;
            rnorm_v = sqrt(pel_sum_serial(part, (size_t)nb));
        }
#pragma omp for schedule(static)
        for (int64_t blk = 0; blk < nb; blk++) {
            int64_t j0, j1;
            peli_sparse_block_rows(blk, n, &j0, &j1);
            for (int64_t j = j0; j < j1; j++) x[j] = inv * z[j];
        }
    }
    if (zeta) *zeta = zeta_v;
    if (rnorm) *rnorm = rnorm_v;
    return PEL_OK;
}

/* ---- NPB's class table ----------------------------------------------------------- */

pel_status pel_sparse_npb_class(pel_context *ctx, char cls, pel_sparse_npb *out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out != NULL, "cg: the output pointer is NULL");
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
