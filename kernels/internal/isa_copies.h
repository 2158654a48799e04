/* Private to libpel: compiles one template of kernel functions once per
 * instruction set that pel_cpu_isa() can pick (no include guard: it is
 * meant to be included once per template).
 *
 * The includer defines PELI_ISA_TEMPLATE as the template's header name in
 * quotes; the template names its functions NAME(f) and #undefs NAME at its
 * end.  The copies are f_base, and where gcc can target them (x86-64) also
 * f_avx2 and f_avx512, with PELI_ISA_COPIES 1 (else 0).  The same source
 * under other target flags: tests compare the copies' bits. */
#define NAME(f) f##_base
#include PELI_ISA_TEMPLATE

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PELI_ISA_COPIES 1
#pragma GCC push_options
#pragma GCC target("avx2")
#define NAME(f) f##_avx2
#include PELI_ISA_TEMPLATE
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl")
#define NAME(f) f##_avx512
#include PELI_ISA_TEMPLATE
#pragma GCC pop_options
#else
#define PELI_ISA_COPIES 0
#endif

#undef PELI_ISA_TEMPLATE
