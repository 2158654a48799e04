/* Reproducible reductions over a fixed tree (see include/pel/reduce.h).
 *
 * The tree: leaves are blocks 0..nb-1; node (lo, size) with size a power of
 * two covers blocks [lo, min(lo + size, nb)).  A node whose right half is
 * empty passes its left child's value through unchanged.
 *
 * Phase 1: thread t owns blocks [b0, b1) and evaluates, left to right, each
 * maximal node lying wholly inside that range (at most 2 log2(nb) of them).
 * Phase 2: one thread walks the tree from the root; a node wholly inside
 * one thread's range is exactly one that thread stored, next in its list. */
#include <config.h>

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal/core.h"
#include "internal/team.h"

#define SLOTS 136 /* > 2 * 64 maximal nodes per range; 1088 bytes, no shared lines */
#define STACK_THREADS 8

typedef struct tree {
    pel_reduce_op op;
    size_t n, nb;
    pel_reduce_leaf leaf;
    const void *user;
} tree;

static inline double combine(pel_reduce_op op, double a, double b)
{
    switch (op) {
    case PEL_REDUCE_SUM: return a + b;
    case PEL_REDUCE_MAX: return (a > b || isnan(a)) ? a : b; /* NaN wins: never hide one */
    case PEL_REDUCE_MIN: return (a < b || isnan(a)) ? a : b;
    }
    return a;
}

static double identity(pel_reduce_op op)
{
    return op == PEL_REDUCE_SUM ? 0.0 : op == PEL_REDUCE_MAX ? -INFINITY : INFINITY;
}

static double eval(const tree *T, size_t lo, size_t size)
{
    if (size == 1) {
        size_t b = lo * PEL_REDUCE_BLOCK, e = b + PEL_REDUCE_BLOCK;
        return T->leaf(T->user, b, e < T->n ? e : T->n);
    }
    size_t half = size / 2;
    if (lo + half >= T->nb) return eval(T, lo, half);
    return combine(T->op, eval(T, lo, half), eval(T, lo + half, half));
}

/* Phase 1 for the range [b0, b1). */
static void walk(const tree *T, size_t lo, size_t size, size_t b0, size_t b1, double *out,
                 int *count)
{
    size_t e = lo + size < T->nb ? lo + size : T->nb;
    if (e <= b0 || lo >= b1) return;
    if (lo >= b0 && e <= b1) {
        out[(*count)++] = eval(T, lo, size);
        return;
    }
    walk(T, lo, size / 2, b0, b1, out, count);
    walk(T, lo + size / 2, size / 2, b0, b1, out, count);
}

typedef struct team {
    int nt;
    double *slots; /* nt * SLOTS */
    int *next;     /* per thread: next stored node to hand out */
} team;

static int owner(const tree *T, const team *tm, size_t block)
{
    int lo = 0, hi = tm->nt - 1; /* last t whose range begins at or before block */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (pel_static_begin(T->nb, mid, tm->nt) <= block) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/* Phase 2. */
static double gather(const tree *T, team *tm, size_t lo, size_t size)
{
    size_t e = lo + size < T->nb ? lo + size : T->nb;
    int t = owner(T, tm, lo);
    if (e <= pel_static_begin(T->nb, t + 1, tm->nt)) return tm->slots[(size_t)t * SLOTS + (size_t)tm->next[t]++];
    size_t half = size / 2;
    if (lo + half >= T->nb) return gather(T, tm, lo, half);
    double left = gather(T, tm, lo, half); /* left first: gather consumes the lists in order */
    double right = gather(T, tm, lo + half, half);
    return combine(T->op, left, right);
}

typedef struct walk_job {
    const tree *T;
    team *tm;
    size_t root;
} walk_job;

static void walk_part(int t, int nt, void *arg)
{
    walk_job *j = arg;
    int count = 0;
    walk(j->T, 0, j->root, pel_static_begin(j->T->nb, t, nt), pel_static_begin(j->T->nb, t + 1, nt),
         j->tm->slots + (size_t)t * SLOTS, &count);
    j->tm->next[t] = 0;
}

double pel_reduce(const pel_context *ctx, pel_reduce_op op, size_t n, pel_reduce_leaf leaf,
                  const void *user)
{
    if (n == 0 || !leaf) return identity(op);
    tree T = {op, n, (n + PEL_REDUCE_BLOCK - 1) / PEL_REDUCE_BLOCK, leaf, user};
    size_t root = 1;
    while (root < T.nb) root *= 2;

    int want = peli_team_want(ctx, T.nb, 0);
    if (want == 1) return eval(&T, 0, root);

    double stack_slots[STACK_THREADS * SLOTS];
    int stack_next[STACK_THREADS];
    team tm = {want, stack_slots, stack_next};
    if (want > STACK_THREADS) {
        tm.slots = malloc((size_t)want * SLOTS * sizeof *tm.slots);
        tm.next = malloc((size_t)want * sizeof *tm.next);
        if (!tm.slots || !tm.next) { /* same tree, one thread: same answer */
            free(tm.slots);
            free(tm.next);
            return eval(&T, 0, root);
        }
    }
    walk_job j = {&T, &tm, root};
    peli_parallel(ctx, T.nb, want, 0, walk_part, &j);
    double r = gather(&T, &tm, 0, root);
    if (tm.slots != stack_slots) {
        free(tm.slots);
        free(tm.next);
    }
    return r;
}

/* ---- leaves: eight interleaved accumulators, combined pairwise (PELI_LEAF8) ---- */
#define LEAF8(name, TERM) \
    PELI_LEAF8(name, TERM, const double *const *p = user; const double *x = p[0], *y = p[1]; (void)y;)
#define T_SUM(i) x[i]
#define T_SQ(i) (x[i] * x[i])
#define T_DOT(i) (x[i] * y[i])
LEAF8(leaf_sum, T_SUM)
LEAF8(leaf_sq, T_SQ)
LEAF8(leaf_dot, T_DOT)

static double leaf_max(const void *user, size_t b, size_t e)
{
    const double *x = *(const double *const *)user;
    double m = -INFINITY;
    for (size_t i = b; i < e; i++) m = combine(PEL_REDUCE_MAX, x[i], m);
    return m;
}

static double leaf_min(const void *user, size_t b, size_t e)
{
    const double *x = *(const double *const *)user;
    double m = INFINITY;
    for (size_t i = b; i < e; i++) m = combine(PEL_REDUCE_MIN, x[i], m);
    return m;
}

static double leaf_max_abs(const void *user, size_t b, size_t e)
{
    const double *x = *(const double *const *)user;
    double m = 0.0;
    for (size_t i = b; i < e; i++) m = combine(PEL_REDUCE_MAX, fabs(x[i]), m);
    return m;
}

/* a NULL array with elements to reduce: NaN (these calls return a value,
 * not a status, and the context is const), not a crash */
#define PELI_NULL_NAN(x, n) \
    if (!(x) && (n) > 0) return NAN

double pel_sum(const pel_context *ctx, const double *x, size_t n)
{
    PELI_NULL_NAN(x, n);
    const double *p[2] = {x, NULL};
    return pel_reduce(ctx, PEL_REDUCE_SUM, n, leaf_sum, p);
}

double pel_dot(const pel_context *ctx, const double *x, const double *y, size_t n)
{
    PELI_NULL_NAN(x, n);
    PELI_NULL_NAN(y, n);
    const double *p[2] = {x, y};
    return pel_reduce(ctx, PEL_REDUCE_SUM, n, leaf_dot, p);
}

double pel_norm2(const pel_context *ctx, const double *x, size_t n)
{
    PELI_NULL_NAN(x, n);
    const double *p[2] = {x, NULL};
    return sqrt(pel_reduce(ctx, PEL_REDUCE_SUM, n, leaf_sq, p));
}

double pel_max(const pel_context *ctx, const double *x, size_t n)
{
    PELI_NULL_NAN(x, n);
    const double *p[2] = {x, NULL};
    return pel_reduce(ctx, PEL_REDUCE_MAX, n, leaf_max, p);
}

double pel_min(const pel_context *ctx, const double *x, size_t n)
{
    PELI_NULL_NAN(x, n);
    const double *p[2] = {x, NULL};
    return pel_reduce(ctx, PEL_REDUCE_MIN, n, leaf_min, p);
}

double pel_max_abs(const pel_context *ctx, const double *x, size_t n)
{
    PELI_NULL_NAN(x, n);
    const double *p[2] = {x, NULL};
    if (n == 0) return 0.0;
    return pel_reduce(ctx, PEL_REDUCE_MAX, n, leaf_max_abs, p);
}

double pel_sum_serial(const double *x, size_t n)
{
    if (n == 0) return 0.0;
    PELI_NULL_NAN(x, n);
    if (n == 1) return x[0];
    size_t half = 1;
    while (half * 2 < n) half *= 2;
    return pel_sum_serial(x, half) + pel_sum_serial(x + half, n - half);
}

/* ---- a part of a distributed array ---------------------------------------------
 * The tree is over the global array's blocks; a part evaluates the maximal
 * subtrees inside its own blocks.  A node's subtree is exactly the tree
 * pel_reduce builds over that node's elements (both clip at the last block
 * the same way), so each node is one pel_reduce on a shifted leaf. */

typedef struct shifted {
    pel_reduce_leaf leaf;
    const void *user;
    size_t off;
} shifted;

static double leaf_shifted(const void *v, size_t b, size_t e)
{
    const shifted *s = v;
    return s->leaf(s->user, b + s->off, e + s->off);
}

static void nodes_in(size_t nb, size_t lo, size_t size, size_t b0, size_t b1, pel_reduce_part *out,
                     int max, int *count)
{
    size_t e = lo + size < nb ? lo + size : nb;
    if (e <= b0 || lo >= b1) return;
    if (lo >= b0 && e <= b1) {
        if (*count < max) out[*count].lo = lo, out[*count].size = size;
        (*count)++;
        return;
    }
    nodes_in(nb, lo, size / 2, b0, b1, out, max, count);
    nodes_in(nb, lo + size / 2, size / 2, b0, b1, out, max, count);
}

int pel_reduce_local(const pel_context *ctx, pel_reduce_op op, uint64_t n_global, uint64_t offset,
                     size_t n_local, pel_reduce_leaf leaf, const void *user, pel_reduce_part *out,
                     int max)
{
    const uint64_t B = PEL_REDUCE_BLOCK;
    if (!leaf || !out || max < 0 || offset % B != 0 || offset > n_global ||
        n_local > n_global - offset || (n_local % B != 0 && offset + n_local != n_global))
        return -1;
    if (n_local == 0) return 0;
    size_t nb = (size_t)((n_global + B - 1) / B), root = 1;
    while (root < nb) root *= 2;
    size_t b0 = (size_t)(offset / B), b1 = (size_t)((offset + n_local + B - 1) / B);
    int count = 0;
    nodes_in(nb, 0, root, b0, b1, out, max, &count);
    for (int k = 0; k < count && k < max; k++) {
        uint64_t first = (uint64_t)out[k].lo * B, last = (uint64_t)(out[k].lo + out[k].size) * B;
        if (last > n_global) last = n_global;
        shifted s = {leaf, user, (size_t)(first - offset)};
        out[k].value = pel_reduce(ctx, op, (size_t)(last - first), leaf_shifted, &s);
    }
    return count;
}

static int by_lo(const void *a, const void *b)
{
    const pel_reduce_part *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static double node_value(pel_reduce_op op, size_t nb, size_t lo, size_t size,
                         const pel_reduce_part *p, int n, int *k, int *bad)
{
    if (*k < n && p[*k].lo == lo && p[*k].size == size) return p[(*k)++].value;
    if (size == 1) { /* a block no part holds */
        *bad = 1;
        return identity(op);
    }
    size_t half = size / 2;
    if (lo + half >= nb) return node_value(op, nb, lo, half, p, n, k, bad);
    double left = node_value(op, nb, lo, half, p, n, k, bad);
    double right = node_value(op, nb, lo + half, half, p, n, k, bad);
    return combine(op, left, right);
}

double pel_reduce_combine(pel_reduce_op op, uint64_t n_global, pel_reduce_part *parts, int nparts)
{
    if (n_global == 0) return identity(op);
    if (!parts || nparts <= 0) return NAN;
    size_t nb = (size_t)((n_global + PEL_REDUCE_BLOCK - 1) / PEL_REDUCE_BLOCK), root = 1;
    while (root < nb) root *= 2;
    qsort(parts, (size_t)nparts, sizeof *parts, by_lo);
    int k = 0, bad = 0;
    double r = node_value(op, nb, 0, root, parts, nparts, &k, &bad);
    return bad || k != nparts ? NAN : r;
}
