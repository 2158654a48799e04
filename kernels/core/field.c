/* Element types and field descriptors (include/pel/field.h). */
#include <config.h>

#include <math.h>
#include <string.h>

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
    for (int d = 0; d < f->rank; d++) {
        if (f->dims[d] && n > UINT64_MAX / f->dims[d]) return UINT64_MAX; /* overflow: saturate */
        n *= f->dims[d];
    }
    return n;
}

uint64_t pel_field_bytes(const pel_field *f)
{
    if (!f) return 0;
    uint64_t n = pel_field_count(f), size = pel_dtype_size(f->type);
    return size && n > UINT64_MAX / size ? UINT64_MAX : n * size;
}

void pel_field_index(const pel_field *f, uint64_t i, uint64_t idx[PEL_FIELD_MAX_RANK])
{
    for (int d = 0; d < PEL_FIELD_MAX_RANK; d++) idx[d] = 0;
    if (!f || f->rank < 1 || f->rank > PEL_FIELD_MAX_RANK) return;
    for (int d = f->rank - 1; d >= 0; d--) {
        uint64_t n = f->dims[d] ? f->dims[d] : 1;
        idx[d] = i % n;
        i /= n;
    }
}

/* The bits of a real mapped to a signed integer that orders like the value:
 * negative values count down from 0, so -0 and +0 both map to 0 and
 * neighbouring representable values differ by 1. */
static int64_t ordered64(double x)
{
    int64_t k;
    memcpy(&k, &x, sizeof k);
    return k < 0 ? INT64_MIN - k : k;
}

static int32_t ordered32(float x)
{
    int32_t k;
    memcpy(&k, &x, sizeof k);
    return k < 0 ? INT32_MIN - k : k;
}

static uint64_t udist(int64_t a, int64_t b)
{
    return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

uint64_t pel_ulp_distance(double a, double b)
{
    if (isnan(a) || isnan(b)) return memcmp(&a, &b, sizeof a) == 0 ? 0 : UINT64_MAX;
    return udist(ordered64(a), ordered64(b));
}

uint64_t pel_ulp_distance_f32(float a, float b)
{
    if (isnan(a) || isnan(b)) return memcmp(&a, &b, sizeof a) == 0 ? 0 : UINT64_MAX;
    return udist(ordered32(a), ordered32(b));
}

static int shape_ok(const pel_field *f)
{
    return f && f->rank >= 1 && f->rank <= PEL_FIELD_MAX_RANK && pel_dtype_size(f->type) &&
           pel_field_bytes(f) != UINT64_MAX && (f->data || pel_field_count(f) == 0);
}

/* One element pair of a real field: the running maxima. */
static void real_pair(pel_field_diff *d, uint64_t j, double a, double b, uint64_t ulp)
{
    double e = fabs(a - b);
    if (isnan(e)) e = INFINITY;
    if (e > d->max_abs || (d->differing == 1 && e == d->max_abs)) d->max_abs = e, d->max_abs_at = j;
    if (ulp > d->max_ulp) d->max_ulp = ulp, d->max_ulp_at = j;
}

pel_status pel_field_compare(pel_context *ctx, const pel_field *a, const pel_field *b,
                             pel_field_diff *d)
{
    PEL_REQUIRE(ctx, d && shape_ok(a) && shape_ok(b),
                "field compare: needs two fields with a name, a known type, a rank of 1 to %d and data",
                PEL_FIELD_MAX_RANK);
    const char *name = a->name ? a->name : "?";
    if (a->type != b->type)
        return pel_error(ctx, PEL_EMISMATCH, "field '%s' is %s, the reference is %s", name,
                         pel_dtype_name(a->type), pel_dtype_name(b->type));
    int same = a->rank == b->rank;
    for (int k = 0; same && k < a->rank; k++) same = a->dims[k] == b->dims[k];
    if (!same) return pel_error(ctx, PEL_EMISMATCH, "field '%s': its shape differs from the reference", name);
    memset(d, 0, sizeof *d);
    uint64_t n = pel_field_count(a);
    size_t size = pel_dtype_size(a->type);
    const unsigned char *pa = a->data, *pb = b->data;
    d->count = n;
    double bmax = 0.0;
    for (uint64_t j = 0; j < n; j++) {
        const unsigned char *x = pa + j * size, *y = pb + j * size;
        if (a->type == PEL_F64) {
            double v;
            memcpy(&v, y, sizeof v);
            if (fabs(v) > bmax) bmax = fabs(v);
        } else if (a->type == PEL_F32) {
            float v;
            memcpy(&v, y, sizeof v);
            if (fabsf(v) > bmax) bmax = fabsf(v);
        }
        if (memcmp(x, y, size) == 0) continue;
        if (d->differing++ == 0) d->first = j;
        if (a->type == PEL_F64) {
            double u, v;
            memcpy(&u, x, sizeof u);
            memcpy(&v, y, sizeof v);
            real_pair(d, j, u, v, pel_ulp_distance(u, v));
        } else if (a->type == PEL_F32) {
            float u, v;
            memcpy(&u, x, sizeof u);
            memcpy(&v, y, sizeof v);
            real_pair(d, j, u, v, pel_ulp_distance_f32(u, v));
        }
    }
    d->max_rel = d->max_abs / (bmax > 0 ? bmax : 1.0);
    return PEL_OK;
}

int64_t pel_field_find_nonfinite(const pel_field *f)
{
    if (!f || !f->data || !pel_dtype_is_real(f->type)) return -1;
    uint64_t n = pel_field_count(f);
    if (f->type == PEL_F64) {
        const double *x = f->data;
        for (uint64_t i = 0; i < n; i++)
            if (!isfinite(x[i])) return (int64_t)i;
    } else {
        const float *x = f->data;
        for (uint64_t i = 0; i < n; i++)
            if (!isfinite(x[i])) return (int64_t)i;
    }
    return -1;
}
