/* CPU-feature dispatch: one query for every family.  Kernels compiled for
 * several instruction sets pick a variant once, at create time, from
 * pel_cpu_isa(); every variant gives the same bits (no fused multiply-add
 * contraction, the same operation order), so the choice changes speed only.
 *
 * Override for testing and for comparisons: the environment variable
 * PEL_ISA=scalar|avx2|avx512 caps the level (a level the CPU lacks is never
 * used); anything else is ignored. */
#ifndef PEL_CPU_H
#define PEL_CPU_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pel_isa {
    PEL_ISA_SCALAR = 0, /* baseline x86-64 (SSE2) or any other CPU */
    PEL_ISA_AVX2 = 1,   /* AVX and AVX2 */
    PEL_ISA_AVX512 = 2  /* AVX-512 F, DQ and VL */
} pel_isa;

/* The best level this CPU supports, capped by PEL_ISA. */
pel_isa pel_cpu_isa(void);
/* The level the CPU supports, ignoring PEL_ISA. */
pel_isa pel_cpu_isa_native(void);
/* "scalar", "avx2", "avx512". */
const char *pel_isa_name(pel_isa isa);

#ifdef __cplusplus
}
#endif
#endif
