/* Pairwise sequence alignment: Smith-Waterman (local) and Needleman-Wunsch
 * (global) with linear or affine (Gotoh) gaps, BLOSUM45/50/62 or a DNA
 * match/mismatch scheme; scores, and tracebacks as CIGAR strings and the
 * aligned pair.  Two parallel modes on the launcher's task graphs:
 *
 *  - pel_align_pair: one long pair as a tiled wavefront of tasks, each tile
 *    depending on its left, upper and diagonal neighbours; the traceback
 *    keeps only the tile boundaries and recomputes the tiles on the path
 *    (docs/align.md);
 *  - pel_align_batch: a query set against a database, one task per group of
 *    pairs, longest first (dynamic) or an equal split (static), with a
 *    striped SIMD kernel (8-, 16- and 32-bit lanes; AVX2 and AVX-512BW)
 *    inside each alignment, local or global; a lane that saturates (at the
 *    top, or for global scores at the bottom) is rescored at the next width.
 *
 * Scoring: a gap of length k costs gap_open + (k - 1) gap_extend (both
 * positive; gap_open = gap_extend is a linear gap).  Every score and every
 * traceback is a function of the inputs only: never of the thread count,
 * the schedule, the tile size or the instruction set. */
#ifndef PEL_ALIGN_H
#define PEL_ALIGN_H

#include <stddef.h>
#include <stdint.h>
#include <pel/status.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sequences: FASTA ------------------------------------------------------
 * A record is a header line ">name description" and sequence lines.
 * Residues are the letters A-Z (stored upper case) and '*'; blanks, tabs
 * and a CR before the LF are skipped; lines starting with ';' are comments.
 * Refused with PEL_EFORMAT and one line "FILE:LINE: reason": a sequence line
 * before the first header, a record with no residues, an invalid character
 * (quoted, with control bytes escaped), an empty input. */
typedef struct pel_seqset pel_seqset;

pel_status pel_seqset_read_file(pel_context *ctx, const char *path, pel_seqset **out);
/* From memory: `name` is what messages call the input ("<query>"). */
pel_status pel_seqset_read_mem(pel_context *ctx, const char *name, const char *text, size_t len,
                               pel_seqset **out);
/* One sequence from a string of residues (e.g. a command-line argument). */
pel_status pel_seqset_from_string(pel_context *ctx, const char *name, const char *residues,
                                  pel_seqset **out);
void pel_seqset_destroy(pel_seqset *s);
size_t pel_seqset_count(const pel_seqset *s);
/* The i-th sequence's name (first word of its header), residues, length. */
const char *pel_seqset_name(const pel_seqset *s, size_t i);
const char *pel_seqset_seq(const pel_seqset *s, size_t i);
size_t pel_seqset_len(const pel_seqset *s, size_t i);
/* Total residues. */
uint64_t pel_seqset_residues(const pel_seqset *s);

/* A deterministic skewed protein database: n sequences whose lengths follow
 * a Pareto (heavy-tailed) law of index alpha, from min_len up to max_len,
 * residues at BLOSUM62 background frequencies; Philox keyed by seed. */
pel_status pel_seqset_generate(pel_context *ctx, size_t n, size_t min_len, size_t max_len,
                               double alpha, uint64_t seed, pel_seqset **out);

/* ---- scoring and the aligner ----------------------------------------------- */
typedef enum pel_align_mode { PEL_ALIGN_LOCAL = 0, PEL_ALIGN_GLOBAL = 1 } pel_align_mode;

typedef enum pel_align_schedule {
    PEL_ALIGN_DYNAMIC = 0, /* tasks of about `grain` cells, longest first */
    PEL_ALIGN_STATIC = 1   /* one task per thread, equal numbers of pairs */
} pel_align_schedule;

typedef struct pel_align_params {
    pel_align_mode mode;
    const char *matrix;  /* "blosum45", "blosum50", "blosum62" or "dna" */
    int match, mismatch; /* "dna": score of a match (> 0) and of a mismatch (<= 0) */
    int gap_open;        /* 1 .. 1000, the cost of a gap of length 1 */
    int gap_extend;      /* 1 .. gap_open, each further position */
    int width;           /* SIMD lanes for batches: 0 (8, then 16, then 32 bits), 8, 16 or 32 */
    int simd;            /* 1 (default): SIMD when the CPU has it, AVX-512 for queries of
                          * PEL_ALIGN_AVX512_MIN residues or more (AVX2 below: with 64 lanes
                          * a short query makes short stripes, and AVX2 is faster); 2: the
                          * widest vectors for every query; 0: the scalar kernel */
    size_t tile;         /* wavefront tile edge, 8 .. 65536 (default 256) */
    pel_align_schedule schedule;
    uint64_t grain;      /* dynamic batches: cells per task at least (default 2^20) */
} pel_align_params;

void pel_align_params_default(pel_align_params *p);

typedef struct pel_align pel_align;

pel_status pel_align_create(pel_context *ctx, const pel_align_params *p, pel_align **out);
void pel_align_destroy(pel_align *al);

/* The alphabet of the matrix ("ARNDCQEGHILKMFPSTWYVBZX*", or "ACGT" for dna
 * where every other letter scores `mismatch` against everything). */
const char *pel_align_alphabet(const pel_align *al);
/* The score of residues x against y. */
int pel_align_substitution(const pel_align *al, char x, char y);

/* One alignment.  Positions are 0-based and half-open: a[a_begin, a_end)
 * against b[b_begin, b_end) (all of both for global).  cigar, a_row, b_row
 * are NUL-terminated and owned by the result (pel_align_result_free);
 * NULL when no traceback was asked.  CIGAR: '=' identical residues, 'X'
 * other aligned pairs, 'I' a residue of a against a gap, 'D' of b. */
typedef struct pel_align_result {
    long score;
    size_t a_begin, a_end, b_begin, b_end;
    char *cigar;
    char *a_row, *b_row; /* the aligned pair, '-' for gaps */
} pel_align_result;

void pel_align_result_free(pel_align_result *r);

/* a (length na) against b (nb), as a tiled wavefront (tasks on ctx's
 * threads); traceback 0 gives the score and end positions only (then
 * a_begin, b_begin are 0 for local and the CIGAR is NULL).  A local
 * alignment with no positive score is empty (score 0, all positions 0). */
pel_status pel_align_pair(pel_align *al, const char *a, size_t na, const char *b, size_t nb,
                          int traceback, pel_align_result *r);

/* The plain full-matrix dynamic programme, one thread: the reference the
 * tests compare every other path with (memory (na+1)(nb+1) x 12 bytes). */
pel_status pel_align_reference(pel_align *al, const char *a, size_t na, const char *b, size_t nb,
                               int traceback, pel_align_result *r);

/* Score only, one pair, on the calling thread, by the batch kernels (SIMD
 * when enabled). */
pel_status pel_align_score(pel_align *al, const char *a, size_t na, const char *b, size_t nb,
                           long *score);

/* ---- many pairs ---------------------------------------------------------- */
#define PEL_ALIGN_MAX_THREADS 256
#define PEL_ALIGN_AVX512_MIN 1024

typedef struct pel_align_stats {
    uint64_t cells;      /* sum of na x nb */
    uint64_t tasks;      /* tasks created */
    uint64_t task_cells_max; /* cells of the largest task: with tasks == threads (static),
                              * task_cells_max / (cells / threads) is the imbalance of the
                              * work itself, a bound no timing noise can lower */
    double seconds;      /* wall time of the alignment (profiles excluded) */
    int threads;         /* threads that could take the tasks */
    double busy[PEL_ALIGN_MAX_THREADS]; /* wall seconds each thread spent in tasks */
    double cpu[PEL_ALIGN_MAX_THREADS];  /* CPU seconds of each thread in tasks: unlike the
                                         * wall time, not inflated when other processes
                                         * take the core */
    uint64_t rescored8, rescored16;     /* pairs that saturated 8-bit, 16-bit lanes */
    int width_first;                    /* the first lane width tried */
    const char *isa; /* "avx512", "avx2", "avx512+avx2" (queries of both kinds), "scalar" */
} pel_align_stats;

/* scores[q * ndb + d] = the score of query q against database sequence d.
 * stats may be NULL.  The per-thread workspace is al's, kept from call to
 * call and grown when a batch needs more (never shrunk, freed by
 * pel_align_destroy): repeated batches of one shape allocate none.  One
 * pel_align, one call at a time (distinct aligners may run at once). */
pel_status pel_align_batch(pel_align *al, const pel_seqset *queries, const pel_seqset *db,
                           long *scores, pel_align_stats *stats);

/* The scheduling figures of the last pel_align_pair or pel_align_batch on
 * al (tasks, busy time per thread); never NULL. */
const pel_align_stats *pel_align_last_stats(const pel_align *al);

/* max busy / mean busy over the threads (1 when balanced). */
double pel_align_imbalance(const pel_align_stats *st);
/* The same of the CPU seconds. */
double pel_align_imbalance_cpu(const pel_align_stats *st);

#ifdef __cplusplus
}
#endif
#endif
