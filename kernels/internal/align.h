/* Private to the align family (kernels/align). */
#ifndef PEL_INTERNAL_ALIGN_H
#define PEL_INTERNAL_ALIGN_H

#include <limits.h>
#include <stdint.h>

#include <pel/align.h>

#include "internal/core.h"

#define PELI_ALIGN_BAD 255
#define PELI_ALIGN_NEG (-(1 << 29)) /* minus infinity for 32-bit cells: never wraps */

typedef struct peli_align_scoring {
    const char *alphabet;
    int n;                   /* residue codes 0 .. n-1 */
    unsigned char code[256]; /* character -> code, PELI_ALIGN_BAD for none */
    int sub[24][24];
    int maxsub, minsub;
} peli_align_scoring;

/* SIMD kernel levels of this family (pel_cpu_isa, and AVX-512BW for the
 * 8- and 16-bit lanes of 512-bit vectors). */
enum { PELI_ALIGN_SCALAR = 0, PELI_ALIGN_AVX2 = 1, PELI_ALIGN_AVX512 = 2 };

struct pel_align {
    pel_context *ctx;
    pel_align_params p;
    char matrix[16];
    peli_align_scoring s;
    int level; /* PELI_ALIGN_* chosen at create */
    pel_align_stats last;
    /* pel_align_batch's workspace, kept from call to call (plan once,
     * execute many) and grown, never shrunk: each thread's two buffers of
     * work_bytes (allocated by the first batch a thread works in, replaced
     * when a batch needs more), the pair order and task cuts for items_cap
     * pairs, and the per-thread figures.  work_allocs counts every
     * allocation of it (tests/check_align.c: a batch no larger than one
     * before makes none).  One object, one call at a time. */
    void *work[PEL_ALIGN_MAX_THREADS];
    size_t work_bytes;
    void *items;        /* batch.c's pair_item[items_cap] */
    size_t *task_begin; /* items_cap + 2 */
    size_t items_cap;
    double busy[PEL_ALIGN_MAX_THREADS], cpu[PEL_ALIGN_MAX_THREADS];
    uint64_t res8[PEL_ALIGN_MAX_THREADS], res16[PEL_ALIGN_MAX_THREADS];
    uint64_t work_allocs;
};

/* Frees the batch workspace (pel_align_destroy). */
void peli_align_batch_free(pel_align *al);

pel_status peli_align_scoring_init(pel_context *ctx, const pel_align_params *p, peli_align_scoring *s);

/* Residues to codes (every character has one once the FASTA reader or the
 * caller's string passed; bytes with none are refused by the callers). */
pel_status peli_align_encode(pel_align *al, const char *seq, size_t n, const char *what,
                             uint8_t **out);

/* The score the pair kernels (scalar and striped) return when the
 * context's cancellation flag stopped them inside the pair: they look at
 * it every PELI_ALIGN_CHECK columns (rows for the scalar kernel), a few
 * milliseconds of a long pair's work and nothing of a short one's.  No
 * score comes near it (peli_align_check_sizes: below 2^28). */
#define PELI_ALIGN_CANCELLED LONG_MIN
#define PELI_ALIGN_CHECK 4096

/* The scalar score in linear space (rows of b), the reference recurrences. */
long peli_align_scalar_score(const pel_align *al, const uint8_t *a, size_t na, const uint8_t *b,
                             size_t nb, int32_t *work /* 2 (nb + 1) */);

/* ---- striped SIMD (striped.c) ----------------------------------------------- */
typedef struct peli_striped peli_striped;
/* Local scoring carries F across the lanes by a prefix scan, not the lazy-F
 * loop, when the stripes are at most this many segments (striped_body.h;
 * measured in docs/align.md). */
#ifndef PELI_STRIPED_SCAN_MAX
#define PELI_STRIPED_SCAN_MAX 64
#endif
/* (Global scoring always scans.) */
/* A query profile for scoring in al's mode (local or global) at `width`
 * bits on `level`; NULL when out of memory. */
peli_striped *peli_striped_create(const pel_align *al, int level, int width, const uint8_t *q,
                                  size_t nq);
void peli_striped_destroy(peli_striped *sp);
/* Bytes of workspace peli_striped_score needs (64-byte aligned). */
size_t peli_striped_work_bytes(const peli_striped *sp);
/* The score of the profile's query against b (nb >= 1); *saturated = 1
 * when a lane saturated (then the score is not valid: rescore wider). */
long peli_striped_score(const peli_striped *sp, const uint8_t *b, size_t nb, void *work,
                        int *saturated);
/* The same for two sequences (n1, n2 >= 1) with a workspace each: local
 * scores run the two recurrences interleaved (striped_body.h), which a
 * short query needs to keep the core busy. */
void peli_striped_score2(const peli_striped *sp, const uint8_t *b1, size_t n1, const uint8_t *b2,
                         size_t n2, void *work1, void *work2, long *s1, int *sat1, long *s2,
                         int *sat2);
/* Whether `width` bits can hold this scoring's penalties at all. */
int peli_striped_width_ok(const pel_align *al, int width);
/* Whether `width` bits can hold a pair of na x nb residues at all: for
 * global scoring the boundary values -(open + (n - 1) ext) must fit. */
int peli_striped_fits(const pel_align *al, int width, size_t na, size_t nb);

/* ---- alignment assembly (ref.c) ------------------------------------------- */
/* Ops, traced backwards: 'M' (resolved to '=' or 'X' from the residues),
 * 'I', 'D'.  Fills r's cigar and rows from ops[0..n) (reversed). */
pel_status peli_align_build(pel_align *al, const char *a, const char *b, size_t a_begin,
                            size_t b_begin, const char *ops_rev, size_t n, pel_align_result *r);

/* One DP cell of the recurrences, shared by every scalar path:
 *   E = max(E_left - ext, H_left - open)    (a gap in a: consumes b, 'D')
 *   F = max(F_up - ext, H_up - open)        (a gap in b: consumes a, 'I')
 *   H = max(H_diag + s, E, F[, 0 local]) */
static inline void peli_align_cell(int32_t hdiag, int32_t hup, int32_t fup, int32_t hleft,
                                   int32_t eleft, int32_t s, int32_t open, int32_t ext, int local,
                                   int32_t *h, int32_t *e, int32_t *f)
{
    int32_t ee = eleft - ext, eo = hleft - open;
    int32_t ff = fup - ext, fo = hup - open;
    int32_t E = ee > eo ? ee : eo, F = ff > fo ? ff : fo;
    int32_t H = hdiag + s;
    if (E > H) H = E;
    if (F > H) H = F;
    if (local && H < 0) H = 0;
    *h = H;
    *e = E;
    *f = F;
}

/* The boundary of row 0 / column 0 at distance k >= 1 for global alignment. */
static inline int32_t peli_align_edge(const pel_align *al, size_t k)
{
    return k == 0 ? 0 : -(int32_t)(al->p.gap_open + (int32_t)(k - 1) * al->p.gap_extend);
}



/* align.c */
pel_status peli_align_score_codes(pel_align *al, const uint8_t *a, size_t na, const uint8_t *b,
                                  size_t nb, long *score, int *width_used);
pel_status peli_align_check_sizes(pel_align *al, size_t na, size_t nb);
/* The SIMD level for a query of nq residues (params.simd). */
int peli_align_level_for(const pel_align *al, size_t nq);
/* CPU seconds of the calling thread. */
double peli_align_thread_cpu(void);
#endif
