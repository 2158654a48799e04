/* Gaussian pairs by the Marsaglia polar method from NPB's LCG stream
 * (include/pel/gauss.h).
 *
 * A batch is generated in chunks of CHUNK pairs kept in L1:
 *  1. uniforms: LANES pairs side by side, lane j holding pair i + j; a lane
 *     steps by a^(2 LANES), the second number of a pair is the first times a.
 *     Integer arithmetic, vectorisable; every number is exactly NPB's.
 *  2. x = 2r - 1, y, t = x^2 + y^2 for the whole chunk (vectorisable), then
 *     the indices of accepted pairs are packed (no unpredictable branch).
 *  3. for the accepted pairs, in pair order: log, sqrt, the annulus and the
 *     two running sums, exactly NPB's expressions in NPB's order.
 * Every step is exact or a single correctly ordered IEEE operation (the
 * project builds with -ffp-contract=off), so the vector and scalar paths,
 * and the portable and native builds, give the same bits. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__SSE2__)
#include <immintrin.h>
#endif

#include "internal/core.h"
#include "internal/team.h"

#define CHUNK 256 /* pairs per chunk: 3 arrays of 2 KiB plus the index list */
#define LANES 8   /* pairs generated side by side */

/* One batch: pairs [j0, j0 + m) of the run (gauss_batch.h). */
typedef uint64_t batch_fn(const pel_gauss *g, uint64_t j0, uint64_t m, uint64_t *cnt, double *bsx,
                          double *bsy);
static batch_fn *pick_batch(pel_isa isa);

struct pel_gauss {
    pel_gauss_params p;
    uint64_t nbatches;
    uint64_t a2l;       /* a^(2 LANES): one lane step */
    double *psx, *psy;  /* per-batch sums */
    uint32_t *pcnt;     /* per batch: nannuli + 1 counts (at most PEL_GAUSS_BATCH each) */
    batch_fn *batch;    /* the copy for this CPU */
};

void pel_gauss_params_default(pel_gauss_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->seed = UINT64_C(271828183);
    p->multiplier = PEL_LCG46_A;
    p->first_pair = 0;
    p->npairs = PEL_GAUSS_BATCH;
    p->nannuli = 10;
}

static pel_status check_params(pel_context *ctx, const pel_gauss_params *p)
{
    PEL_REQUIRE(ctx, p != NULL, "gauss: params must not be NULL");
    PEL_REQUIRE(ctx, p->seed > 0 && p->seed <= PEL_LCG46_MASK,
                "gauss: seed must be in 1 .. 2^46 - 1 (got %llu)", (unsigned long long)p->seed);
    PEL_REQUIRE(ctx, p->multiplier > 0 && p->multiplier <= PEL_LCG46_MASK,
                "gauss: multiplier must be in 1 .. 2^46 - 1 (got %llu)",
                (unsigned long long)p->multiplier);
    PEL_REQUIRE(ctx, p->npairs > 0, "gauss: npairs must be positive (got 0)");
    const uint64_t limit = UINT64_C(1) << 62; /* uniform indices 2 j + 1 fit in 64 bits */
    PEL_REQUIRE(ctx, p->npairs <= limit && p->first_pair <= limit - p->npairs,
                "gauss: first_pair + npairs must not exceed 2^62 (got %llu + %llu)",
                (unsigned long long)p->first_pair, (unsigned long long)p->npairs);
    PEL_REQUIRE(ctx, p->nannuli >= 1 && p->nannuli <= PEL_GAUSS_MAX_ANNULI,
                "gauss: nannuli must be in 1 .. %d (got %d)", PEL_GAUSS_MAX_ANNULI, p->nannuli);
    return PEL_OK;
}

pel_status pel_gauss_create(pel_context *ctx, const pel_gauss_params *p, pel_gauss **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "gauss");
    pel_status st = check_params(ctx, p);
    if (st != PEL_OK) return st;
    uint64_t nb = (p->npairs - 1) / PEL_GAUSS_BATCH + 1;
    if (nb > SIZE_MAX / ((PEL_GAUSS_MAX_ANNULI + 1) * sizeof(uint32_t)))
        return pel_error(ctx, PEL_ENOMEM, "gauss: %llu batches: too many to store their sums",
                         (unsigned long long)nb);
    pel_gauss *g = calloc(1, sizeof *g);
    if (!g) return pel_error(ctx, PEL_ENOMEM, "gauss: out of memory");
    g->p = *p;
    g->nbatches = nb;
    g->a2l = pel_lcg46_pow(p->multiplier, 2 * LANES);
    g->batch = pick_batch(pel_cpu_isa());
    g->psx = pel_malloc((size_t)nb * sizeof *g->psx);
    g->psy = pel_malloc((size_t)nb * sizeof *g->psy);
    g->pcnt = pel_malloc((size_t)nb * (size_t)(p->nannuli + 1) * sizeof *g->pcnt);
    if (!g->psx || !g->psy || !g->pcnt) {
        pel_gauss_destroy(g);
        return pel_error(ctx, PEL_ENOMEM, "gauss: out of memory for %llu batch sums",
                         (unsigned long long)nb);
    }
    *out = g;
    return PEL_OK;
}

void pel_gauss_destroy(pel_gauss *g)
{
    if (!g) return;
    pel_free(g->psx);
    pel_free(g->psy);
    pel_free(g->pcnt);
    free(g);
}

/* The batch kernel, compiled for SSE2 (the x86-64 baseline), AVX2 and
 * AVX-512 and chosen at create time from pel_cpu_isa() (pel/cpu.h, with its
 * PEL_ISA override): wider integer multiplies for the LCG lanes and wider
 * sqrt/div.  Same bits from each (gauss_batch.h). */
#define PELI_ISA_TEMPLATE "gauss/gauss_batch.h"
#include "internal/isa_copies.h"

#if PELI_ISA_COPIES
static batch_fn *pick_batch(pel_isa isa)
{
    return isa >= PEL_ISA_AVX512 ? run_batch_avx512
           : isa >= PEL_ISA_AVX2 ? run_batch_avx2
                                 : run_batch_base;
}
#else
static batch_fn *pick_batch(pel_isa isa)
{
    (void)isa;
    return run_batch_base;
}
#endif

typedef struct exec_arg {
    const pel_gauss *g;
    const pel_context *ctx;
    size_t skipped; /* batches not run for the cancellation flag (atomic) */
} exec_arg;

/* The batches [b, e) of part t: every batch writes its own sums and counts,
 * so the parts are independent (they may run as tasks, in any order).  A
 * check point per batch of PEL_GAUSS_BATCH pairs: a part that sees the
 * cancellation flag skips the rest of its batches. */
static void execute_part(int t, int nt, void *arg)
{
    exec_arg *ea = arg;
    const pel_gauss *g = ea->g;
    const uint64_t npairs = g->p.npairs;
    const int nq = g->p.nannuli;
    size_t b, e;
    pel_static_range((size_t)g->nbatches, t, nt, &b, &e);
    for (size_t i = b; i < e; i++) {
        if (peli_cancelled(ea->ctx)) {
            __atomic_add_fetch(&ea->skipped, e - i, __ATOMIC_RELAXED);
            break;
        }
        const uint64_t j0 = (uint64_t)i * PEL_GAUSS_BATCH;
        const uint64_t m = npairs - j0 < PEL_GAUSS_BATCH ? npairs - j0 : PEL_GAUSS_BATCH;
        uint64_t cnt[PEL_GAUSS_MAX_ANNULI + 1] = {0};
        g->batch(g, j0, m, cnt, &g->psx[i], &g->psy[i]);
        uint32_t *pc = g->pcnt + i * (size_t)(nq + 1);
        for (int l = 0; l <= nq; l++) pc[l] = (uint32_t)cnt[l]; /* <= PEL_GAUSS_BATCH */
    }
}

pel_status pel_gauss_execute(pel_context *ctx, pel_gauss *g, pel_gauss_tally *tally,
                             uint64_t *counts)
{
    PEL_REQUIRE(ctx, g != NULL, "gauss: plan must not be NULL");
    PEL_REQUIRE(ctx, tally != NULL, "gauss: tally must not be NULL");
    const size_t nb = (size_t)g->nbatches;
    const int nq = g->p.nannuli;
    exec_arg ea = {g, ctx, 0};
    peli_parallel(ctx, nb, 0, 0, execute_part, &ea);
    if (ea.skipped) return peli_cancel_error(ctx, "gauss", nb - ea.skipped, nb, "batches");
    /* combined over batches in batch order: the sums along pel_sum_serial's
     * fixed tree, the counts exactly (integers); every accepted pair is in
     * one annulus or outside */
    uint64_t total[PEL_GAUSS_MAX_ANNULI + 1] = {0};
    for (size_t i = 0; i < nb; i++) {
        const uint32_t *pc = g->pcnt + i * (size_t)(nq + 1);
        for (int l = 0; l <= nq; l++) total[l] += pc[l];
    }
    uint64_t accepted = 0;
    for (int l = 0; l <= nq; l++) accepted += total[l];
    tally->sx = pel_sum_serial(g->psx, nb);
    tally->sy = pel_sum_serial(g->psy, nb);
    tally->accepted = accepted;
    tally->outside = total[nq];
    if (counts) memcpy(counts, total, (size_t)nq * sizeof *counts);
    return PEL_OK;
}

pel_status pel_gauss_pairs(pel_context *ctx, const pel_gauss_params *p, pel_gauss_tally *tally,
                           uint64_t *counts)
{
    PEL_REQUIRE(ctx, tally != NULL, "gauss: tally must not be NULL");
    pel_gauss *g = NULL;
    pel_status st = pel_gauss_create(ctx, p, &g);
    if (st != PEL_OK) return st;
    st = pel_gauss_execute(ctx, g, tally, counts);
    pel_gauss_destroy(g);
    return st;
}
