/* Element types and field descriptors (include/pel/field.h). */
#include <config.h>

#include "internal/core.h"

size_t pel_dtype_size(pel_dtype t)
{
    switch (t) {
#define PEL_DTYPE_SIZE_(name, code, text, size) case name: return size;
        PEL_DTYPE_LIST(PEL_DTYPE_SIZE_)
#undef PEL_DTYPE_SIZE_
    }
    return 0;
}

const char *pel_dtype_name(pel_dtype t)
{
    switch (t) {
#define PEL_DTYPE_NAME_(name, code, text, size) case name: return text;
        PEL_DTYPE_LIST(PEL_DTYPE_NAME_)
#undef PEL_DTYPE_NAME_
    }
    return "?";
}

int pel_dtype_is_real(pel_dtype t) { return t == PEL_F64 || t == PEL_F32; }

uint64_t pel_field_count(const pel_field *f)
{
    if (!f || f->rank < 1 || f->rank > PEL_FIELD_MAX_RANK) return 0;
    uint64_t n = 1;
    for (int d = 0; d < f->rank; d++) n *= f->dims[d];
    return n;
}
