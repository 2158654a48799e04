/* Private to libpel: batched 1D FFT passes for the spectral family.  Names
 * start with peli_ so the export list ('^pel_') leaves them out.
 *
 * A pass is `count` 1D transforms of length n laid out with a fixed element
 * stride and a fixed distance between consecutive transforms, cut into
 * batches of `width` transforms (the last batch may be shorter).  Two FFTW
 * plans are made at create time, one for a full batch and one for the
 * remainder, so every transform of the pass is always computed by the same
 * plan, whichever thread executes its batch: the arithmetic, hence the result,
 * cannot depend on the thread count.  All transforms are in place on
 * PEL-owned memory; a batch starts at base + batch * width * dist, and the
 * plans are made at that same position relative to a 64-byte aligned buffer,
 * so every execution sees the alignment the plan was made for. */
#ifndef PEL_INTERNAL_SPECTRAL_H
#define PEL_INTERNAL_SPECTRAL_H

#include <stddef.h>
#include <fftw3.h>

#include "internal/core.h"

typedef enum peli_fft_kind {
    PELI_FFT_R2C,     /* rows: n reals -> n/2+1 complex, in place (real row = 2 * dist doubles) */
    PELI_FFT_C2R,     /* the inverse of PELI_FFT_R2C, unnormalised */
    PELI_FFT_C2C_FWD, /* exp(-i k x) */
    PELI_FFT_C2C_BWD  /* exp(+i k x), unnormalised */
} peli_fft_kind;

typedef struct peli_fftbatch {
    peli_fft_kind kind;
    size_t n;          /* transform length (real length for r2c/c2r) */
    ptrdiff_t stride;  /* between elements of one transform, in complex numbers */
    ptrdiff_t dist;    /* between consecutive transforms, in complex numbers */
    size_t count;      /* transforms in the pass */
    size_t width;      /* transforms per full batch */
    size_t nbatch;     /* full batches, then possibly one remainder batch */
    fftw_plan full;    /* width transforms */
    fftw_plan rem;     /* count % width transforms, or NULL */
} peli_fftbatch;

/* Plans made between these are single-threaded even when the program linked
 * libfftw3_omp and asked FFTW for threads (which would nest FFTW's threads
 * inside ours); end restores what begin returned. */
int peli_fftw_serial_begin(void);
void peli_fftw_serial_end(int saved);

/* Plans a pass.  In place in a large array (rem_buf NULL): batch b starts at
 * buf + b * width * dist, and the remainder plan is made at the remainder's
 * own position.  Buffered (rem_buf = buf): every batch, full or not, is
 * copied to a scratch buffer laid out like buf and transformed there.  buf is
 * 64-byte aligned; executions must use pointers with the alignment the plan
 * was made at.  `what` names the pass in the error message, prefixed
 * with its module ("poisson: forward x").  PEL_EFFTW when
 * FFTW cannot make a plan. */
pel_status peli_fftbatch_plan(pel_context *ctx, peli_fftbatch *b, const char *what,
                             peli_fft_kind kind, size_t n, ptrdiff_t stride, size_t count,
                             size_t width, ptrdiff_t dist, fftw_complex *buf,
                             fftw_complex *rem_buf, unsigned flags);
void peli_fftbatch_destroy(peli_fftbatch *b);
/* Plans a pass out of place (complex kinds only): element strides is, os,
 * transform distances id, od.  Batch k runs from in + k width ia to
 * out + k width oa (ia, oa: id or od on the side that holds the whole pass,
 * 0 on the side of a one-batch scratch), and the remainder plan is made at
 * the remainder's own offsets.  Execute with fftw_execute_dft on the batch's
 * plan (full, or rem for the last when count % width != 0). */
pel_status peli_fftbatch_plan_oop(pel_context *ctx, peli_fftbatch *b, const char *what, peli_fft_kind kind,
                                  size_t n, size_t is, size_t os, size_t count, size_t width, size_t id,
                                  size_t od, fftw_complex *in, size_t ia, fftw_complex *out, size_t oa,
                                  unsigned flags);

/* Runs batch `batch` (0 <= batch < nbatch) of the pass based at `base`.
 * Safe to call concurrently on distinct batches (fftw_execute_* is). */
void peli_fftbatch_exec(const peli_fftbatch *b, size_t batch, fftw_complex *base);

/* Runs batch `batch`'s plan on data at `start` (a buffered pass). */
void peli_fftbatch_exec_at(const peli_fftbatch *b, size_t batch, fftw_complex *start);

/* Transforms in batch `batch`. */
static inline size_t peli_fftbatch_size(const peli_fftbatch *b, size_t batch)
{
    size_t first = batch * b->width;
    return b->count - first < b->width ? b->count - first : b->width;
}

/* FFTW's planner is not thread-safe: every call that plans, destroys a plan
 * or touches wisdom runs inside this named critical section. */
#define PEL_FFTW_PLANNER_LOCK _Pragma("omp critical(pel_fftw_planner)")

#endif
