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
#include <pel/status.h>
#include <pel/context.h>

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

/* Number of elements (the product of the dims); UINT64_MAX when the product
 * overflows 64 bits. */
uint64_t pel_field_count(const pel_field *f);

/* Bytes of the field's data: count times the element size (0 for an unknown
 * type or a bad rank; UINT64_MAX when it overflows 64 bits). */
uint64_t pel_field_bytes(const pel_field *f);

/* The multi-index (idx[0] slowest, rank entries) of linear element i. */
void pel_field_index(const pel_field *f, uint64_t i, uint64_t idx[PEL_FIELD_MAX_RANK]);

/* The first element of a real field that is a NaN or an infinity, or -1
 * (also for integer fields, which cannot hold one). */
int64_t pel_field_find_nonfinite(const pel_field *f);

/* How a field differs from a reference field of the same type and shape.
 * Integers are compared exactly; reals bitwise, with the size of their
 * differences: absolute, relative to the reference's largest magnitude
 * (max |a - b| / max |b|, so a tolerance on it does not blow up where the
 * field crosses zero), and in units in the last place (ULP: how many
 * representable values lie between a and b; +0 and -0 are 0 ULP apart, a
 * NaN against anything else is UINT64_MAX ULP and an infinite difference). */
typedef struct pel_field_diff {
    uint64_t count;     /* elements compared */
    uint64_t differing; /* elements whose bits differ */
    uint64_t first;     /* linear index of the first differing element */
    /* reals only (zero for integers): */
    double max_abs;     /* largest |a - b| ... */
    uint64_t max_abs_at; /* ... at this linear index */
    double max_rel;     /* max_abs / max |b| (max_abs when b is all zero) */
    uint64_t max_ulp;   /* largest ULP distance ... */
    uint64_t max_ulp_at; /* ... at this linear index */
} pel_field_diff;

/* Compares field a with reference b element by element.  PEL_EMISMATCH (with
 * a message naming the field) when their types, ranks or dims differ;
 * PEL_EINVAL for a missing or malformed field. */
pel_status pel_field_compare(pel_context *ctx, const pel_field *a, const pel_field *b,
                             pel_field_diff *diff);

/* ULP distance between two doubles (see pel_field_diff). */
uint64_t pel_ulp_distance(double a, double b);
/* ULP distance between two floats. */
uint64_t pel_ulp_distance_f32(float a, float b);

/* A typed metadata value: the parameters a restart or baseline must match. */
typedef enum pel_meta_kind { PEL_META_INT = 1, PEL_META_REAL = 2, PEL_META_STRING = 3 } pel_meta_kind;

typedef struct pel_meta {
    const char *name;
    pel_meta_kind kind;
    int64_t i;     /* PEL_META_INT */
    double r;      /* PEL_META_REAL */
    const char *s; /* PEL_META_STRING */
} pel_meta;

/* Constructors, e.g. out[k++] = pel_meta_int("heat.seed", seed). */
static inline pel_meta pel_meta_int(const char *name, int64_t v)
{
    pel_meta m = {name, PEL_META_INT, v, 0.0, NULL};
    return m;
}
static inline pel_meta pel_meta_real(const char *name, double v)
{
    pel_meta m = {name, PEL_META_REAL, 0, v, NULL};
    return m;
}
static inline pel_meta pel_meta_string(const char *name, const char *v)
{
    pel_meta m = {name, PEL_META_STRING, 0, 0.0, v};
    return m;
}

#ifdef __cplusplus
}
#endif
#endif
