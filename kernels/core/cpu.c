/* CPU-feature dispatch (include/pel/cpu.h). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pel/cpu.h>

pel_isa pel_cpu_isa_native(void)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && !defined(__clang__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl"))
        return PEL_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx")) return PEL_ISA_AVX2;
#endif
    return PEL_ISA_SCALAR;
}

pel_isa pel_cpu_isa(void)
{
    pel_isa isa = pel_cpu_isa_native();
    const char *cap = getenv("PEL_ISA");
    if (!cap) return isa;
    pel_isa want = isa;
    if (strcmp(cap, "scalar") == 0) want = PEL_ISA_SCALAR;
    else if (strcmp(cap, "avx2") == 0) want = PEL_ISA_AVX2;
    else if (strcmp(cap, "avx512") == 0) want = PEL_ISA_AVX512;
    return want < isa ? want : isa;
}

const char *pel_isa_name(pel_isa isa)
{
    switch (isa) {
    case PEL_ISA_SCALAR: return "scalar";
    case PEL_ISA_AVX2: return "avx2";
    case PEL_ISA_AVX512: return "avx512";
    }
    return "?";
}
