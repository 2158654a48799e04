/* Integer ranking (counting sort) of keys in [0, max_key), and NPB's IS
 * benchmark built on it: its key generator, class table and verifications.
 *
 * A plan is made once for n keys and a key range; each pel_sort_rank call
 * counts the keys into the plan's table
 *     less[v] = number of keys smaller than v,   v = 0 .. max_key
 * (less[0] = 0, less[max_key] = n), and optionally gives every key its rank,
 * its position in the stable sorted order (equal keys keep their input
 * order), and the sorted keys.  All results are exact integers, identical
 * for any thread count (see docs/sort.md). */
#ifndef PEL_SORT_H
#define PEL_SORT_H
#define PEL_SORT_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <stdint.h>
#include <pel/context.h>
#include <pel/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How keys are counted; the results do not depend on it. */
typedef enum pel_sort_method {
    PEL_SORT_AUTO = 0, /* DIRECT for max_key <= PEL_SORT_DIRECT_MAX_KEY, else BUCKETS */
    PEL_SORT_DIRECT,   /* one full histogram per thread, merged (tables in cache) */
    PEL_SORT_BUCKETS   /* keys moved to buckets by their high bits, then counted per bucket;
                        * a call for the table alone (or sorted keys) counts directly
                        * in 8-bit counters instead (docs/sort.md) */
} pel_sort_method;

/* Largest key range AUTO counts directly (2 MiB of int counts per thread;
 * above it, BUCKETS: ranks by buckets, the table alone in 8-bit counters,
 * 2 MiB per thread at NPB IS class B's 2^21: docs/sort.md). */
#define PEL_SORT_DIRECT_MAX_KEY (1 << 19)

/* A zeroed struct plus n and max_key is a valid parameter set. */
typedef struct pel_sort_params {
    size_t n;               /* keys per call, 1 <= n <= INT_MAX */
    int max_key;            /* keys lie in [0, max_key), max_key >= 1 */
    pel_sort_method method; /* PEL_SORT_AUTO unless measuring */
} pel_sort_params;

/* Fills defaults: NPB IS class S's sizes, n = 2^16 keys below max_key = 2^11,
 * PEL_SORT_AUTO. */
void pel_sort_params_default(pel_sort_params *p);

typedef struct pel_sort pel_sort;

/* Allocates the tables, and one workspace per thread of the context's
 * thread count now (at most n): every call reads its team size from the
 * context, and runs on at most that many threads.
 * Distinct objects may be used concurrently from any threads or tasks, even
 * when made from one context; one object is used by one thread at a time;
 * each call's team follows the thread rule of pel/context.h (this kernel:
 * pel_sort_rank and the full verification run phases that each finish
 * before the next; inside a caller's team without nesting every phase runs
 * as tasks of the caller's team, one per thread a team would have, as
 * pel_sort_npb_keys does). */
pel_status pel_sort_create(pel_context *ctx, const pel_sort_params *p, pel_sort **s);
void pel_sort_destroy(pel_sort *s);

/* Counts keys[0 .. n) into the table; rank (n ints) and sorted (n ints) are
 * filled when not NULL.  A key outside [0, max_key) gives PEL_EINVAL naming
 * the first such index (the table is then undefined).  Never allocates. */
pel_status pel_sort_rank(pel_sort *s, const int *keys, int *rank, int *sorted);

/* The table of the last pel_sort_rank: max_key + 1 entries, owned by s. */
const int *pel_sort_less(const pel_sort *s);
size_t pel_sort_size(const pel_sort *s);
int pel_sort_max_key(const pel_sort *s);
pel_sort_method pel_sort_method_used(const pel_sort *s);

/* ---- NPB IS (NPB 3.3.1, IS/is.c) --------------------------------------- */

#define PEL_SORT_NPB_SEED UINT64_C(314159265)
#define PEL_SORT_NPB_TESTS 5

typedef struct pel_sort_npb {
    char cls;
    size_t total_keys; /* 2^16 .. 2^27 */
    int max_key;       /* 2^11 .. 2^23 */
    int iterations;    /* 10 */
    /* Partial verification: at iteration it (1 .. iterations), the key k at
     * test_index[i] must have less[k] == test_rank[i] + test_dir[i] * (it - test_lag[i]). */
    size_t test_index[PEL_SORT_NPB_TESTS];
    int test_rank[PEL_SORT_NPB_TESTS];
    int test_dir[PEL_SORT_NPB_TESTS];
    int test_lag[PEL_SORT_NPB_TESTS];
} pel_sort_npb;

/* Class S, W, A, B or C; anything else is PEL_EINVAL. */
pel_status pel_sort_npb_class(pel_context *ctx, char cls, pel_sort_npb *out);

/* NPB's create_seq: keys[j] = floor((max_key / 4) * (r_4j + r_4j+1 + r_4j+2 +
 * r_4j+3)), r_k element k of the 46-bit LCG stream (a = 5^13) seeded by seed
 * (PEL_SORT_NPB_SEED in NPB).  Each thread jumps to and generates its own
 * part (and first-touches it); the keys never depend on the thread count.
 * Barrier-free: inside a caller's team without nesting, its tasks. */
pel_status pel_sort_npb_keys(pel_context *ctx, size_t n, int max_key, uint64_t seed, int *keys);

/* NPB's change before ranking in iteration it: keys[it] = it and
 * keys[it + iterations] = max_key - it. */
pel_status pel_sort_npb_modify(pel_context *ctx, const pel_sort_npb *p, int *keys, int it);

/* Appends NPB's 5 partial checks of iteration it ("is.partial.it01.key0",
 * exact), from the table of s after ranking keys. */
pel_status pel_sort_npb_partial_verify(pel_sort *s, const pel_sort_npb *p, const int *keys,
                                       int it, pel_verify_log *log);

/* NPB's full verification: places every key where its table puts it (into
 * work, n ints: in groups of 2^13 values, then sorted within each group from
 * the keys' own counts) and appends "is.full.out_of_sort", the number of
 * keys the table misplaces: keys out of range, keys with no room left in
 * their group, and for every value the difference between its keys and the
 * table's count, plus the table entries that are malformed (reference 0,
 * exact).  It is 0 exactly when the table holds the keys' counts, and work
 * then holds the keys sorted.  Uses the plan's workspaces: one thread at a
 * time per plan, as pel_sort_rank. */
pel_status pel_sort_npb_full_verify(pel_sort *s, const int *keys, int *work, pel_verify_log *log);

#ifdef __cplusplus
}
#endif
#endif
