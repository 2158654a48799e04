/* Typed state: the element types, field descriptors and metadata values that
 * checkpoints, fingerprints, baselines, run reports and the component
 * interface share.  A field describes caller- or object-owned memory; it
 * never owns it.
 *
 * Layout (the one convention of every family): a field of rank r has
 * dims[0] slowest and dims[r-1] fastest (C order), so element
 * (i0, ..., i_{r-1}) sits at ((i0 * dims[1] + i1) * dims[2] + ...) .
 * A family that stores a halo exposes the interior only, unless its doc
 * says otherwise. */
#ifndef PEL_FIELD_H
#define PEL_FIELD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types; the codes are written into checkpoints, so never renumber. */
#define PEL_DTYPE_LIST(X)                                                    \
    X(PEL_F64, 1, "f64", 8)                                                  \
    X(PEL_F32, 2, "f32", 4)                                                  \
    X(PEL_I32, 3, "i32", 4)                                                  \
    X(PEL_I64, 4, "i64", 8)                                                  \
    X(PEL_U64, 5, "u64", 8)                                                  \
    X(PEL_U8,  6, "u8",  1)

typedef enum pel_dtype {
#define PEL_DTYPE_ENUM_(name, code, text, size) name = code,
    PEL_DTYPE_LIST(PEL_DTYPE_ENUM_)
#undef PEL_DTYPE_ENUM_
} pel_dtype;

/* Bytes per element, 0 for an unknown code. */
size_t pel_dtype_size(pel_dtype t);
/* "f64", "i32", ...; "?" for an unknown code. */
const char *pel_dtype_name(pel_dtype t);
/* 1 for the real types (f64, f32), 0 otherwise. */
int pel_dtype_is_real(pel_dtype t);

#define PEL_FIELD_MAX_RANK 4

typedef struct pel_field {
    const char *name;
    pel_dtype type;
    int rank;                          /* 1 to PEL_FIELD_MAX_RANK */
    uint64_t dims[PEL_FIELD_MAX_RANK]; /* dims[0] slowest */
    const void *data;
} pel_field;

/* Number of elements (the product of the dims). */
uint64_t pel_field_count(const pel_field *f);

/* A typed metadata value: the parameters a restart or baseline must match. */
typedef enum pel_meta_kind { PEL_META_INT = 1, PEL_META_REAL = 2, PEL_META_STRING = 3 } pel_meta_kind;

typedef struct pel_meta {
    const char *name;
    pel_meta_kind kind;
    int64_t i;     /* PEL_META_INT */
    double r;      /* PEL_META_REAL */
    const char *s; /* PEL_META_STRING */
} pel_meta;

#ifdef __cplusplus
}
#endif
#endif
