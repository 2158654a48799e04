/* The multigrid plane kernels (kernels/internal/mg.h): NPB MG's
 * resid, psinv, rprj3, interp and norm2u3, one plane at a time, with the
 * row buffers of NPB's code (sums shared by neighbouring points are formed
 * once per row, so the inner loops vectorise).  Every sum is evaluated in
 * NPB's order, so the results round exactly as NPB's.
 *
 * CPU dispatch: the kernels (ops_plane.h) are compiled for the x86-64
 * baseline, AVX2 and AVX-512; the solver picks one table at create time
 * from pel_cpu_isa() (pel/cpu.h, with its PEL_ISA override).  With
 * -ffp-contract=off no copy contracts to FMA, so all round alike and the
 * results are the same bits whichever runs.  The AVX-512 copy writes
 * resid's, psinv's and rprj3's rows and the norms with intrinsics (the row
 * sums in registers; ops_plane.h), the same operations per point in the
 * same order. */
#include <config.h>

#include <math.h>
#include <string.h>

#include "internal/mg.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h> /* the AVX-512 copy's rows (ops_plane.h, under __AVX512F__) */
#endif

void peli_mg_fill_halo(const peli_mg_level *l, double *p)
{
    size_t n1 = l->n1, n2 = l->n2, R = l->row;
    for (size_t i2 = 1; i2 <= n2; i2++) {
        double *x = p + i2 * R;
        x[0] = x[n1];
        x[n1 + 1] = x[1];
    }
    memcpy(p, p + n2 * R, R * sizeof *p);
    memcpy(p + (n2 + 1) * R, p + R, R * sizeof *p);
}

#define PELI_ISA_TEMPLATE "mg/ops_plane.h"
#include "internal/isa_copies.h"

#if PELI_ISA_COPIES
const peli_mg_ops *peli_mg_ops_for(pel_isa isa)
{
    return isa >= PEL_ISA_AVX512 ? &ops_avx512 : isa >= PEL_ISA_AVX2 ? &ops_avx2 : &ops_base;
}
#else
const peli_mg_ops *peli_mg_ops_for(pel_isa isa)
{
    (void)isa;
    return &ops_base;
}
#endif
