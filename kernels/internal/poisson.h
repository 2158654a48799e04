/* Private to libpel: the Poisson solver's state, shared by the solve
 * (kernels/poisson/poisson.c) and its checks (poisson_check.c). */
#ifndef PEL_INTERNAL_POISSON_H
#define PEL_INTERNAL_POISSON_H

#include "internal/fft.h"

typedef enum { MODE_SOLVE, MODE_APPLY } pipe_mode;

struct pel_poisson {
    pel_context *ctx;
    int dim;
    size_t n[3];
    double length[3];
    pel_laplacian lap;
    size_t npoints;
    size_t nrow;      /* n[dim-1] */
    size_t nc, ncp;   /* coefficients per row, row distance in W */
    size_t pd;        /* plane distance in W (3D) */
    size_t xstride;   /* distance along dimension 0 in W */
    size_t wlen;      /* complex numbers in W */
    fftw_complex *w;
    fftw_complex *scratch; /* nslots x-batch buffers of slot_len */
    size_t slot_len;
    int nslots;
    double *sym[3];    /* s_d at each index: n[d] entries, or nc for the row */
    double *ssolve[3]; /* N s_d */
    double *sapply[3]; /* s_d / N */
    double sym_min, sym_max; /* |symbol| over the nonzero modes */
    peli_fftbatch rows_f, rows_b, y_f, y_b, x_f, x_b;
    double rhs_mean;
};

/* Every message about the wisdom file starts so (the path, then ": why"), so
 * the component (component.c) can name its setting instead. */
#define PELI_POISSON_WISDOM_MSG "poisson: wisdom_file '%s': "

/* m reduced to the signed index in (-n/2, n/2] that the grid cannot tell from it. */
long peli_poisson_fold(long m, size_t n);
/* The symbol of one dimension at wavenumber index m. */
double peli_poisson_symbol(pel_laplacian lap, double len, size_t n, long m);
/* in -> W -> symbol -> out; with out NULL (MODE_APPLY) the result stays in W's rows. */
void peli_poisson_pipeline(pel_poisson *ps, const double *in, double *out, pipe_mode mode);

#endif
