/* Private to kernels/align/striped.c (no include guard: once per
 * instruction set): the striped bodies at 8-, 16- and 32-bit lanes for the
 * ISA whose vector operations (ISA, VBITS, VT, VOP, VZERO, VLOAD, VSTORE,
 * VANYGT_, SHL_BYTES, SHL_HALF) the includer defined; undefines them after. */
#define EW 8
#include "align/striped_body.h"
#undef EW
#define EW 16
#include "align/striped_body.h"
#undef EW
#define EW 32
#include "align/striped_body.h"
#undef EW
#undef ISA
#undef VBITS
#undef VT
#undef VOP
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VANYGT_
#undef SHL_BYTES
#undef SHL_HALF
