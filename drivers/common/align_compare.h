/* pel-align's two comparison runs, apart from the driver so that
 * drivers/pel-align.c reads as options, run, report and output:
 *
 *   --compare    parasail's striped 16-bit aligner (sw_ for local, nw_ for
 *                global) on the same pairs as each batch repetition,
 *                interleaved with it: the wall and CPU time ratios and the
 *                scores that differ.  libparasail is loaded at run time
 *                (dlopen), so PEL has no build dependency on it.
 *   --schedules  the same batch under the static split and the dynamic tasks
 *                alternately: each schedule's wall time, busy and CPU time
 *                per thread and imbalance, and their ratio. */
#ifndef PEL_DRIVER_ALIGN_COMPARE_H
#define PEL_DRIVER_ALIGN_COMPARE_H

#include <stddef.h>

#include <pel/pel.h>

/* ---- --compare ---------------------------------------------------------- */
typedef struct pel_parasail pel_parasail;

/* Loads libparasail and makes its 16-bit query profiles of qs (before any
 * clock starts, as pel_align_batch makes its own) and the pairs of qs
 * against db, longest first.  PEL_ENOTSUP when libparasail cannot be loaded
 * or p's matrix is "dna" (bad usage), PEL_ENOMEM; the message on ctx. */
pel_status pel_parasail_open(pel_context *ctx, const pel_align_params *p, const pel_seqset *qs,
                             const pel_seqset *db, pel_parasail **out);

/* One timed pass over every pair, on as many threads as the batch st just
 * measured (pel_cpu: that batch's process CPU seconds; scores: its scores,
 * against which parasail's are counted, a saturated result not counted). */
void pel_parasail_pass(pel_parasail *ps, const pel_align_stats *st, double pel_cpu,
                       const long *scores);

/* One line: parasail's GCUPS and the medians of the passes' ratios. */
void pel_parasail_print(pel_parasail *ps, const pel_align_stats *st);

void pel_parasail_close(pel_parasail *ps);

/* ---- --schedules -------------------------------------------------------- */
/* Each schedule's figures, from the repetition of median wall time (the
 * busy and CPU seconds per thread, with .seconds the median) and medians
 * over the repetitions (the imbalances); ratio: static / dynamic wall time,
 * the median of the per-repetition ratios. */
typedef struct pel_schedules {
    pel_align_stats st[2]; /* static, dynamic */
    double imb[2], imb_cpu[2], ratio;
    int reps;
} pel_schedules;

/* Both schedules on the batch qs x db (p otherwise), alternating and
 * alternating which goes first, reps times each (fewer when a signal
 * stops the run); the scores (n of them, into scores) must agree.  Returns
 * 1, or 0 with the message on ctx. */
int pel_schedules_run(pel_context *ctx, const pel_align_params *p, int reps, const pel_seqset *qs,
                      const pel_seqset *db, long *scores, size_t n, pel_schedules *ss);

/* Both schedules' lines and the ratio on stdout. */
void pel_schedules_print(const pel_schedules *ss);

/* The "schedules" array, "static_over_dynamic_wall" and "repetitions"
 * members, written into the object open in w. */
void pel_schedules_json(pel_json *w, const pel_schedules *ss);

#endif
