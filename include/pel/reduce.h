/* Reproducible reductions: the result is a function of the data alone,
 * bitwise identical for any thread count.
 *
 * How: the n elements are cut into fixed blocks of PEL_REDUCE_BLOCK; each
 * block is reduced serially in a fixed order; block results are combined along
 * a fixed binary tree over block indices (pairwise summation).  Threads take
 * contiguous runs of blocks (the schedule(static) partition, so data is read
 * where it was first touched) and evaluate the largest whole subtrees inside
 * their run; one thread combines those in tree order.  The tree depends only
 * on n, so the thread count changes who computes a node, never its value. */
#ifndef PEL_REDUCE_H
#define PEL_REDUCE_H

#include <stddef.h>
#include <stdint.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Part of the numerical definition of every PEL result: never change it. */
#define PEL_REDUCE_BLOCK 2048

typedef enum pel_reduce_op { PEL_REDUCE_SUM, PEL_REDUCE_MAX, PEL_REDUCE_MIN } pel_reduce_op;

/* Reduces elements [begin, end) of the caller's data serially, in a fixed
 * order (end - begin <= PEL_REDUCE_BLOCK).  Called concurrently. */
typedef double (*pel_reduce_leaf)(const void *user, size_t begin, size_t end);

/* Generic form: the caller supplies the per-block reduction (e.g. a fused
 * sum of squares over a grid's interior).  n == 0 gives the identity
 * (0, -inf, +inf).  The team follows the context's thread rule
 * (pel/context.h); ctx NULL means one thread.  Blocks are numbered from the
 * array's first element: a distributed array reduces the same tree over
 * global block numbers, each rank evaluating the subtrees inside its range. */
double pel_reduce(const pel_context *ctx, pel_reduce_op op, size_t n, pel_reduce_leaf leaf,
                  const void *user);

/* NaN when an array is NULL and n > 0 (they return a value, not a status). */
double pel_sum(const pel_context *ctx, const double *x, size_t n);
double pel_dot(const pel_context *ctx, const double *x, const double *y, size_t n);
double pel_norm2(const pel_context *ctx, const double *x, size_t n); /* sqrt(sum x^2) */
double pel_max(const pel_context *ctx, const double *x, size_t n);
double pel_min(const pel_context *ctx, const double *x, size_t n);
double pel_max_abs(const pel_context *ctx, const double *x, size_t n);

/* ---- parts of a distributed array (each rank, or any other owner, holds a
 * block-aligned range of one global array of n_global elements) ----------
 * A part evaluates the maximal subtrees of the global tree inside its range;
 * the parts of all owners, combined in tree order, give exactly the bits
 * pel_reduce gives over the whole array.  With MPI: each rank calls
 * pel_reduce_local, the parts are gathered (MPI_Allgather of the structs),
 * and every rank calls pel_reduce_combine. */
typedef struct pel_reduce_part {
    uint64_t lo, size; /* the subtree: blocks [lo, lo + size) of the global tree */
    double value;
} pel_reduce_part;

/* At most this many parts per range (two per tree level). */
#define PEL_REDUCE_MAX_PARTS 128

/* The parts of the range [offset, offset + n_local) of the global array,
 * whose element offset + i the leaf sees as local index i.  offset must be a
 * multiple of PEL_REDUCE_BLOCK, and so must n_local unless the range ends
 * the array.  Writes min(count, max) parts and returns count, or -1 for a
 * bad range or NULL arguments. */
int pel_reduce_local(const pel_context *ctx, pel_reduce_op op, uint64_t n_global, uint64_t offset,
                     size_t n_local, pel_reduce_leaf leaf, const void *user, pel_reduce_part *out,
                     int max);

/* Combines the parts of every range (in any order; sorted in place) into
 * the global result; NaN when they do not cover the array exactly once. */
double pel_reduce_combine(pel_reduce_op op, uint64_t n_global, pel_reduce_part *parts, int nparts);

/* Serial, fixed-order (pairwise) sum of a short array of partials. */
double pel_sum_serial(const double *x, size_t n);

#ifdef __cplusplus
}
#endif
#endif
