/* Private to libpel: the ranking plan (include/pel/sort.h). */
#ifndef PEL_INTERNAL_SORT_H
#define PEL_INTERNAL_SORT_H

#include <pel/sort.h>

#include "internal/core.h"
#include "internal/team.h"

/* Ints (longs) per cache line: per-thread scalars sit one line apart. */
#define PELI_SORT_PAD 16
#define PELI_SORT_LPAD 8
/* BUCKETS: at most 2^10 buckets, as NPB's USE_BUCKETS for classes W to C. */
#define PELI_SORT_BUCKETS_LOG2 10
/* The full verification groups key values by 2^13 (a group's counts: 32 KiB). */
#define PELI_SORT_VERIFY_LOG2 13
/* BUCKETS: at least 2^13 key values per bucket (a bucket's counts, 32 KiB,
 * stay in L1 while it is counted), so fewer buckets, fewer write streams in
 * the scatter, where max_key allows it. */
#define PELI_SORT_BUCKET_VALUES_LOG2 13
/* BUCKETS plans, the table alone: direct counts in 8-bit counters (rank.c);
 * a counter that wraps adds 256 to its value's overflow count, and marks its
 * page of 2^PELI_SORT_OVF_LOG2 values. */
#define PELI_SORT_OVF_LOG2 12
/* ... each key's counter prefetched this many keys ahead */
#define PELI_SORT_PREFETCH 48

/* Large arrays of the family (keys, runs, the verification's work) are on
 * peli_pages: not transparent huge pages, whose faults cost this family's
 * whole NPB IS class B process 0.5-0.8 s of system time on the VM measured,
 * against 0.25 s with 4 KiB pages (docs/sort.md); the streaming passes gain
 * nothing from huge pages. */

struct pel_sort {
    pel_context *ctx;
    size_t n;
    int max_key;
    pel_sort_method method; /* DIRECT or BUCKETS, never AUTO */
    /* Per-thread workspaces, sized for the context's team at create: a call
     * runs on the team size its context gives (peli_run, peli_parallel), at
     * most nslots; call t of nt (a thread, or task t of a phase) uses slot t. */
    int nslots;

    int *less;   /* max_key + 1 */
    int *count;  /* max_key: counters of the full verification */
    int *part;   /* nslots * PELI_SORT_PAD: per-thread scalars */
    long *lpart; /* nslots * PELI_SORT_LPAD: per-thread error counts */

    /* The full verification (npb.c): per slot, 3 counters per group of
     * 2^PELI_SORT_VERIFY_LOG2 key values. */
    int **vgroup;

    /* DIRECT: one histogram (then position table) of max_key per slot. */
    int **hist;

    /* BUCKETS: nb buckets of 2^shift key values. */
    int shift, nb;
    int **bsize;  /* per slot: nb counts, nb write pointers, 3 nb counters of the count pass */
    int *bstart;  /* nb + 1: first position of each bucket */
    int *bbuf;    /* n: key indices grouped by bucket (ranks; fresh pages) */
    int **pos;    /* per slot: 2^shift position counters (ranks) */
    /* BUCKETS, the table alone: per slot max_key 8-bit counters (as ints:
     * (max_key + 3) / 4), max_key overflow counts (fresh pages, touched only
     * by an overflow) and one flag per overflow page (novf). */
    int **c8, **ovf, **ovfpage;
    int novf;
    /* ... and per slot its counts' totals over the value slices of a team
     * (nslots rows of stride ints, a row a whole number of cache lines) */
    int *stot;
    int stride;
};

#endif
