/* Private to libpel: the ranking plan (include/pel/sort.h). */
#ifndef PEL_INTERNAL_SORT_H
#define PEL_INTERNAL_SORT_H

#include <pel/sort.h>

#include "internal/core.h"

/* Ints per cache line: per-thread scalars sit one line apart. */
#define PELI_SORT_PAD 16
/* BUCKETS: at most 2^10 buckets, as NPB's USE_BUCKETS for classes W to C. */
#define PELI_SORT_BUCKETS_LOG2 10

struct pel_sort {
    pel_context *ctx;
    size_t n;
    int max_key;
    pel_sort_method method; /* DIRECT or BUCKETS, never AUTO */
    int nt;                 /* team size, fixed at create */

    int *less;  /* max_key + 1 */
    int *count; /* max_key: counters of the full verification */
    int *part;  /* nt * PELI_SORT_PAD: per-thread scalars */

    /* DIRECT: one histogram (then position table) of max_key per thread. */
    int **hist;

    /* BUCKETS: nb buckets of 2^shift key values. */
    int shift, nb;
    int **bsize;  /* per thread: nb counts, then nb write pointers */
    int *bstart;  /* nb + 1: first position of each bucket */
    int *bbuf;    /* n: keys (or their indices) grouped by bucket */
    int **pos;    /* per thread: 2^shift position counters (ranks) */
};

#endif
