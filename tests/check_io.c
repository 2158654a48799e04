/* Typed state: checkpoints (format version 2) of every element type and
 * metadata kind, field fingerprints, field comparison (integers exactly,
 * reals with ULP distances), and the run loop's restart and baseline checks
 * on a small component with typed fields, driven by the run loop. */
#include <config.h>

#include <fcntl.h>
#include <float.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "common/driver.h"

static char *tmp_path(const char *name)
{
    static char path[8][4096];
    static int next;
    char *p = path[next++ % 8];
    const char *dir = getenv("TMPDIR");
    snprintf(p, 4096, "%s/pel-io-%ld-%s", dir ? dir : "/tmp", (long)getpid(), name);
    return p;
}

/* A small valid checkpoint to damage in various ways: one f64 field of 100
 * values, the last record of the file. */
static void write_ckpt(pel_context *ctx, const char *path, const double *data, uint64_t n)
{
    pel_meta meta[] = {pel_meta_int("n", (int64_t)n), pel_meta_real("alpha", 0.25),
                       pel_meta_string("bc", "periodic")};
    pel_field fld = {"u", PEL_F64, 1, {n, 0, 0, 0}, data};
    ck_assert_ok(pel_ckpt_write(ctx, path, "test", "test=1", 42, 4.2, meta, 3, &fld, 1));
}

static long file_size(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return (long)st.st_size;
}

static void damage(const char *path, long offset, long truncate_to)
{
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    if (truncate_to >= 0) {
        ck_assert_int_eq(ftruncate(fileno(f), truncate_to), 0);
    } else {
        fseek(f, offset, SEEK_SET);
        int c = fgetc(f);
        fseek(f, offset, SEEK_SET);
        fputc(c ^ 0x10, f);
    }
    fclose(f);
}

/* ---- api: every error path -------------------------------------------------- */

START_TEST(api_checkpoint)
{
    pel_context *ctx = test_context(1);
    const char *path = tmp_path("bad.ckpt");
    double data[100];
    for (int i = 0; i < 100; i++) data[i] = i;
    pel_ckpt *ck;
    ck_assert_fails(ctx, pel_ckpt_open(ctx, "/nonexistent.ckpt", &ck), PEL_EIO, "cannot open");
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "", NULL, 0, 0, NULL, 0, NULL, 0), PEL_EINVAL, "kind");
    pel_field bad = {"u", PEL_F64, 1, {3, 0, 0, 0}, NULL};
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, &bad, 1), PEL_EINVAL, "no data");
    bad = (pel_field){"u", PEL_F64, 5, {3, 0, 0, 0}, data};
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, &bad, 1), PEL_EINVAL, "rank");
    bad = (pel_field){"u", (pel_dtype)99, 1, {3, 0, 0, 0}, data};
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, &bad, 1), PEL_EINVAL,
                    "unknown element type");
    pel_field twice[2] = {{"u", PEL_F64, 1, {3, 0, 0, 0}, data}, {"u", PEL_I32, 1, {3, 0, 0, 0}, data}};
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, twice, 2), PEL_EINVAL,
                    "'u' given twice");
    pel_meta m[2] = {pel_meta_string("s", NULL), pel_meta_int("n", 1)};
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, m, 1, NULL, 0), PEL_EINVAL, "'s' needs a string");
    m[0] = pel_meta_int("n", 2);
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, m, 2, NULL, 0), PEL_EINVAL, "'n' given twice");
    m[0] = (pel_meta){"x", (pel_meta_kind)7, 0, 0.0, NULL};
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, m, 1, NULL, 0), PEL_EINVAL, "kind 7");
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, m, -1, NULL, 0), PEL_EINVAL,
                    "metadata records");
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, twice, PEL_CKPT_MAX_RECORDS + 1),
                    PEL_EINVAL, "fields");
    ck_assert(access(path, F_OK) != 0); /* refused before anything was written */

    write_ckpt(ctx, path, data, 100);
    long size = file_size(path);
    damage(path, 0, 500); /* truncated */
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, "truncated");
    write_ckpt(ctx, path, data, 100);
    damage(path, size - 16 - 8 * 50, -1); /* one bit of the field's data */
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, "checksum mismatch");
    write_ckpt(ctx, path, data, 100);
    damage(path, 130, -1); /* one bit of the numerics record */
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, "checksum mismatch");
    write_ckpt(ctx, path, data, 100);
    damage(path, size - 1, -1); /* the checksum itself */
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, "checksum mismatch");
    write_ckpt(ctx, path, data, 100);
    damage(path, 0, -1); /* magic */
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, "bad magic");
    write_ckpt(ctx, path, data, 100);
    damage(path, 12, -1); /* byte-order mark */
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, "another byte order");
    write_ckpt(ctx, path, data, 100);
    damage(path, 8, -1); /* version */
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, "has format version 18; this build reads version 2");
    damage(path, 0, 10);
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, "not a PEL checkpoint");
    write_ckpt(ctx, path, data, 100);
    FILE *f = fopen(path, "ab");
    fputc(0, f);
    fclose(f);
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, "trailing data");

    write_ckpt(ctx, path, data, 100);
    ck_assert_ok(pel_ckpt_open(ctx, path, &ck));
    double v, small[10];
    int64_t iv;
    const char *sv;
    ck_assert_fails(ctx, pel_ckpt_get_real(ck, "beta", &v), PEL_EMISMATCH, "no 'beta'");
    ck_assert_fails(ctx, pel_ckpt_get_int(ck, "alpha", &iv), PEL_EMISMATCH, "'alpha' is a real in this checkpoint, not an integer");
    ck_assert_fails(ctx, pel_ckpt_get_real(ck, "n", &v), PEL_EMISMATCH, "'n' is an integer in this checkpoint, not a real");
    ck_assert_fails(ctx, pel_ckpt_get_string(ck, "n", &sv), PEL_EMISMATCH, "'n' is an integer");
    ck_assert_fails(ctx, pel_ckpt_get_int(ck, "bc", &iv), PEL_EMISMATCH, "'bc' is a string");
    ck_assert_fails(ctx, pel_ckpt_read_field(ck, "w", PEL_F64, small, 10), PEL_EMISMATCH, "no field 'w'");
    ck_assert_fails(ctx, pel_ckpt_read_field(ck, "u", PEL_F64, small, 10), PEL_EMISMATCH, "100 values");
    ck_assert_fails(ctx, pel_ckpt_read_field(ck, "u", PEL_I64, small, 100), PEL_EMISMATCH, "'u' is f64, expected i64");
    ck_assert_fails(ctx, pel_ckpt_read_field(ck, "u", PEL_F64, NULL, 100), PEL_EINVAL, "destination");
    ck_assert_ptr_null(pel_ckpt_field_info(ck, 1, NULL));
    ck_assert_ptr_null(pel_ckpt_field_info(ck, -1, NULL));
    ck_assert_ptr_null(pel_ckpt_meta_at(ck, 3));
    ck_assert_ptr_null(pel_ckpt_find_meta(ck, "nope"));
    ck_assert_int_eq(pel_ckpt_find_field(ck, "nope"), -1);
    pel_ckpt_close(ck);
    unlink(path);
    pel_context_destroy(ctx);
}
END_TEST

/* A version-1 file, byte for byte as version 1 wrote it (header; name[32] +
 * double metadata; name[32], rank, pad, dims[4] field records; doubles;
 * XXH3-128), valid in every other respect: refused, naming both versions. */
/* Sizes whose products overflow are refused before anything is written,
 * naming the field: 2^40 x 2^40 elements overflow 64 bits (once a negative
 * memcpy size), 2^31 x 2^31 f64 are 2^65 bytes (once a file that could not
 * be read back), 2^31 x 2^31 u8 are exactly 2^62 bytes, the most a
 * checkpoint holds, so two such fields are too many together.  The data
 * pointers are never read: the refusal comes first.  pel_field_count and
 * pel_field_bytes saturate at UINT64_MAX instead of wrapping. */
START_TEST(api_checkpoint_overflow)
{
    pel_context *ctx = test_context(1);
    const char *path = tmp_path("huge.ckpt");
    static const double one = 1.0;
    const uint64_t e40 = UINT64_C(1) << 40, e31 = UINT64_C(1) << 31;
    pel_field f = {"big", PEL_F64, 2, {e40, e40, 0, 0}, &one};
    ck_assert_uint_eq(pel_field_count(&f), UINT64_MAX);
    ck_assert_uint_eq(pel_field_bytes(&f), UINT64_MAX);
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, &f, 1), PEL_EINVAL,
                    "field 'big' (1099511627776x1099511627776 f64) has more elements than 64 bits count");
    f = (pel_field){"wide", PEL_F64, 2, {e31, e31, 0, 0}, &one};
    ck_assert_uint_eq(pel_field_count(&f), UINT64_C(1) << 62);
    ck_assert_uint_eq(pel_field_bytes(&f), UINT64_MAX); /* 2^65 bytes */
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, &f, 1), PEL_EINVAL,
                    "field 'wide' (2147483648x2147483648 f64) has more bytes than a checkpoint field may hold");
    f = (pel_field){"z", PEL_I32, 3, {e31, e31, 2, 0}, &one}; /* 2^63 elements, 2^65 bytes */
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, &f, 1), PEL_EINVAL, "field 'z'");
    pel_field two[2] = {{"a", PEL_U8, 2, {e31, e31, 0, 0}, &one}, {"b", PEL_U8, 1, {1, 0, 0, 0}, &one}};
    ck_assert_uint_eq(pel_field_bytes(&two[0]), UINT64_C(1) << 62);
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, two, 2), PEL_EINVAL,
                    "field 'b' (1 u8) takes the fields past the 2^62 bytes");
    /* a product that is zero is no overflow: an empty field is written */
    f = (pel_field){"empty", PEL_F64, 3, {e40, 0, e40, 0}, NULL};
    ck_assert_uint_eq(pel_field_count(&f), 0);
    ck_assert(access(path, F_OK) != 0); /* refused before anything was written */
    ck_assert_ok(pel_ckpt_write(ctx, path, "k", NULL, 0, 0, NULL, 0, &f, 1));
    pel_ckpt *ck;
    ck_assert_ok(pel_ckpt_open(ctx, path, &ck));
    pel_ckpt_close(ck);
    unlink(path);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_checkpoint_v1)
{
    pel_context *ctx = test_context(1);
    unsigned char buf[128 + 40 + 72 + 3 * 8 + 16];
    memset(buf, 0, sizeof buf);
    uint32_t version = 1, bom = 0x01020304u, nmeta = 1, nfields = 1, rank = 1;
    uint64_t step = 7, payload = 40 + 72 + 3 * 8, dims[4] = {3, 0, 0, 0};
    double time = 0.5, n = 3, data[3] = {1, 2, 3};
    memcpy(buf, "PELCKPT", 8);
    memcpy(buf + 8, &version, 4);
    memcpy(buf + 12, &bom, 4);
    memcpy(buf + 16, "pel-heat", 9);
    memcpy(buf + 48, &step, 8);
    memcpy(buf + 56, &time, 8);
    memcpy(buf + 64, &nmeta, 4);
    memcpy(buf + 68, &nfields, 4);
    memcpy(buf + 72, &payload, 8);
    memcpy(buf + 128, "n", 2);
    memcpy(buf + 128 + 32, &n, 8);
    memcpy(buf + 168, "u", 2);
    memcpy(buf + 168 + 32, &rank, 4);
    memcpy(buf + 168 + 40, dims, sizeof dims);
    memcpy(buf + 240, data, sizeof data);
    pel_hash128(buf, sizeof buf - 16, buf + sizeof buf - 16);
    const char *path = tmp_path("x.ckpt");
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, sizeof buf, f), sizeof buf);
    fclose(f);
    pel_ckpt *ck;
    char want[4200];
    snprintf(want, sizeof want, "checkpoint %s has format version 1; this build reads version 2", path);
    ck_assert_fails(ctx, pel_ckpt_open(ctx, path, &ck), PEL_EFORMAT, want);
    ck_assert_ptr_null(ck);
    unlink(path);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- numerics: round trips, fingerprints, comparisons ----------------------- */

/* Every element type at every rank, values that exercise every bit pattern
 * class (signed zero, subnormals, infinities, a NaN payload, the integer
 * extremes), odd byte counts (padding), and every metadata kind. */
START_TEST(num_checkpoint_types)
{
    pel_context *ctx = test_context(1);
    const char *path = tmp_path("types.ckpt");
    uint64_t nan_bits = UINT64_C(0x7ff8000000abcdef);
    double f64[6] = {-0.0, DBL_TRUE_MIN, -DBL_MAX, INFINITY, 0.1, 0};
    memcpy(&f64[5], &nan_bits, sizeof nan_bits);
    float f32[5] = {-0.0f, FLT_TRUE_MIN, -INFINITY, 1.0f / 3.0f, 16777217.0f};
    int32_t i32[2][3] = {{INT32_MIN, -1, 0}, {1, 2, INT32_MAX}};
    int64_t i64[2][2][2] = {{{INT64_MIN, -1}, {0, 1}}, {{INT64_MAX, 42}, {-42, 7}}};
    uint64_t u64[1][1][1][3] = {{{{0, UINT64_MAX, UINT64_C(0x9e3779b97f4a7c15)}}}};
    uint8_t u8[5] = {0, 1, 127, 128, 255};
    pel_field fields[] = {
        {"f64", PEL_F64, 1, {6}, f64},
        {"f32", PEL_F32, 1, {5}, f32},
        {"i32", PEL_I32, 2, {2, 3}, i32},
        {"i64", PEL_I64, 3, {2, 2, 2}, i64},
        {"u64", PEL_U64, 4, {1, 1, 1, 3}, u64},
        {"u8", PEL_U8, 1, {5}, u8},
        {"empty", PEL_I32, 2, {0, 4}, NULL},
    };
    int nf = (int)(sizeof fields / sizeof fields[0]);
    pel_meta meta[] = {
        pel_meta_int("int.min", INT64_MIN), pel_meta_int("int.max", INT64_MAX),
        pel_meta_real("real.negzero", -0.0), pel_meta_real("real.tiny", DBL_TRUE_MIN),
        pel_meta_real("real.inf", -INFINITY), pel_meta_string("string.empty", ""),
        pel_meta_string("string.text", "dirichlet, \"quoted\" and\nnewline"),
    };
    int nm = (int)(sizeof meta / sizeof meta[0]);
    ck_assert_ok(pel_ckpt_write(ctx, path, "types", "heat=1,sparse=2", UINT64_MAX, -1.5, meta, nm, fields, nf));
    ck_assert_int_eq(file_size(path) % 8, 0);
    pel_ckpt *ck;
    ck_assert_ok(pel_ckpt_open(ctx, path, &ck));
    ck_assert_str_eq(pel_ckpt_kind(ck), "types");
    ck_assert_str_eq(pel_ckpt_numerics(ck), "heat=1,sparse=2");
    ck_assert_uint_eq(pel_ckpt_step(ck), UINT64_MAX);
    ck_assert_double_eq(pel_ckpt_time(ck), -1.5);
    ck_assert_int_eq(pel_ckpt_meta_count(ck), nm);
    for (int i = 0; i < nm; i++) {
        const pel_meta *m = pel_ckpt_meta_at(ck, i);
        ck_assert_str_eq(m->name, meta[i].name);
        ck_assert_int_eq(m->kind, meta[i].kind);
        if (m->kind == PEL_META_INT) ck_assert(m->i == meta[i].i);
        if (m->kind == PEL_META_REAL) ck_assert(memcmp(&m->r, &meta[i].r, sizeof m->r) == 0);
        if (m->kind == PEL_META_STRING) ck_assert_str_eq(m->s, meta[i].s);
    }
    int64_t iv;
    double rv;
    const char *sv;
    ck_assert_ok(pel_ckpt_get_int(ck, "int.min", &iv));
    ck_assert(iv == INT64_MIN);
    ck_assert_ok(pel_ckpt_get_real(ck, "real.negzero", &rv));
    ck_assert(rv == 0.0 && signbit(rv));
    ck_assert_ok(pel_ckpt_get_string(ck, "string.empty", &sv));
    ck_assert_str_eq(sv, "");
    ck_assert_int_eq(pel_ckpt_field_count(ck), nf);
    for (int i = 0; i < nf; i++) {
        pel_field info;
        ck_assert_str_eq(pel_ckpt_field_info(ck, i, &info), fields[i].name);
        ck_assert_int_eq(info.type, fields[i].type);
        ck_assert_int_eq(info.rank, fields[i].rank);
        for (int d = 0; d < PEL_FIELD_MAX_RANK; d++)
            ck_assert_uint_eq(info.dims[d], d < info.rank ? fields[i].dims[d] : 0);
        ck_assert_ptr_null(info.data);
        ck_assert_int_eq(pel_ckpt_find_field(ck, fields[i].name), i);
        uint64_t bytes = pel_field_bytes(&fields[i]);
        unsigned char back[128];
        memset(back, 0xa5, sizeof back);
        ck_assert_ok(pel_ckpt_read_field(ck, fields[i].name, fields[i].type, bytes ? back : NULL,
                                         pel_field_count(&fields[i])));
        ck_assert(bytes == 0 || memcmp(back, fields[i].data, (size_t)bytes) == 0);
        ck_assert_msg(back[bytes] == 0xa5, "field %s: written past its end", fields[i].name);
    }
    pel_ckpt_close(ck);
    unlink(path);
    pel_context_destroy(ctx);
}
END_TEST

/* Far more fields and metadata than version 1's 8 and 32: 100 of each, of
 * rotating types and sizes, with names up to the longest allowed. */
START_TEST(num_checkpoint_many)
{
    pel_context *ctx = test_context(1);
    const char *path = tmp_path("many.ckpt");
    enum { N = 100 };
    static const pel_dtype types[] = {PEL_F64, PEL_F32, PEL_I32, PEL_I64, PEL_U64, PEL_U8};
    pel_field f[N];
    pel_meta m[N];
    char names[N][PEL_CKPT_NAME_MAX], mnames[N][32];
    unsigned char *data[N];
    for (int i = 0; i < N; i++) {
        int len = i == N - 1 ? PEL_CKPT_NAME_MAX - 1 : snprintf(names[i], sizeof names[i], "field.%03d", i);
        if (i == N - 1) memset(names[i], 'z', (size_t)len), names[i][len] = '\0';
        f[i] = (pel_field){names[i], types[i % 6], 1 + i % 4, {1 + i % 3, 2, 1 + i % 5, 3}, NULL};
        uint64_t bytes = pel_field_bytes(&f[i]);
        data[i] = malloc((size_t)bytes);
        for (uint64_t b = 0; b < bytes; b++) data[i][b] = (unsigned char)(i * 7 + b * 13);
        f[i].data = data[i];
        snprintf(mnames[i], sizeof mnames[i], "param.%03d", i);
        m[i] = i % 3 == 0 ? pel_meta_int(mnames[i], -i) : i % 3 == 1 ? pel_meta_real(mnames[i], i / 7.0)
                                                                     : pel_meta_string(mnames[i], names[i]);
    }
    ck_assert_ok(pel_ckpt_write(ctx, path, "many", NULL, 1, 0, m, N, f, N));
    pel_ckpt *ck;
    ck_assert_ok(pel_ckpt_open(ctx, path, &ck));
    ck_assert_str_eq(pel_ckpt_numerics(ck), "");
    ck_assert_int_eq(pel_ckpt_field_count(ck), N);
    ck_assert_int_eq(pel_ckpt_meta_count(ck), N);
    for (int i = N - 1; i >= 0; i--) { /* any order */
        uint64_t bytes = pel_field_bytes(&f[i]);
        unsigned char *back = malloc((size_t)bytes);
        ck_assert_ok(pel_ckpt_read_field(ck, names[i], f[i].type, back, pel_field_count(&f[i])));
        ck_assert(memcmp(back, data[i], (size_t)bytes) == 0);
        free(back);
        const pel_meta *mi = pel_ckpt_find_meta(ck, mnames[i]);
        ck_assert_ptr_nonnull(mi);
        ck_assert_int_eq(mi->kind, m[i].kind);
        if (mi->kind == PEL_META_STRING) ck_assert_str_eq(mi->s, names[i]);
    }
    pel_ckpt_close(ck);
    for (int i = 0; i < N; i++) free(data[i]);
    char longer[PEL_CKPT_NAME_MAX + 1];
    memset(longer, 'z', PEL_CKPT_NAME_MAX);
    longer[PEL_CKPT_NAME_MAX] = '\0';
    double x = 1;
    pel_field too_long = {longer, PEL_F64, 1, {1}, &x};
    ck_assert_fails(ctx, pel_ckpt_write(ctx, path, "many", NULL, 1, 0, NULL, 0, &too_long, 1), PEL_EINVAL,
                    "name of 1 to 255 bytes");
    unlink(path);
    pel_context_destroy(ctx);
}
END_TEST

/* A field's fingerprint is the hash of its raw bytes: for f64 exactly the
 * fingerprint of the array of doubles (so fingerprints from before typed
 * fields stay valid); the type is not hashed. */
START_TEST(num_field_fingerprint)
{
    double a[64];
    for (int i = 0; i < 64; i++) a[i] = sin(i);
    char raw[PEL_FINGERPRINT_HEX], fh[PEL_FINGERPRINT_HEX], as_u64[PEL_FINGERPRINT_HEX];
    pel_fingerprint(a, sizeof a, raw);
    pel_field f = {"a", PEL_F64, 2, {8, 8}, a};
    pel_field_fingerprint(&f, fh);
    ck_assert_str_eq(fh, raw);
    f.type = PEL_U64;
    pel_field_fingerprint(&f, as_u64);
    ck_assert_str_eq(as_u64, raw);
    f.type = PEL_F32; /* half as many bytes */
    pel_field_fingerprint(&f, fh);
    pel_fingerprint(a, sizeof a / 2, raw);
    ck_assert_str_eq(fh, raw);
    uint8_t b[3] = {1, 2, 3};
    pel_field g = {"b", PEL_U8, 1, {3}, b};
    pel_field_fingerprint(&g, fh);
    pel_fingerprint(b, 3, raw);
    ck_assert_str_eq(fh, raw);
    g.dims[0] = 0;
    pel_field_fingerprint(&g, fh);
    pel_fingerprint("", 0, raw);
    ck_assert_str_eq(fh, raw);
    ck_assert_uint_eq(pel_field_bytes(&g), 0);
}
END_TEST

/* Integers: exact, with the count and the first index.  Reals: the ULP
 * distance of known pairs (1 and its successor are 1 ULP apart, 2^-52 in
 * value; the smallest subnormals of either sign are 2 apart across zero;
 * +0 and -0 differ in bits but by 0 ULP), and the largest differences. */
START_TEST(num_field_compare)
{
    pel_context *ctx = test_context(1);
    pel_field_diff d;
    int32_t ia[2][3] = {{1, 2, 3}, {4, 5, 6}}, ib[2][3] = {{1, 2, 3}, {4, 5, 6}};
    pel_field fa = {"labels", PEL_I32, 2, {2, 3}, ia}, fb = fa;
    fb.data = ib;
    ck_assert_ok(pel_field_compare(ctx, &fa, &fb, &d));
    ck_assert_uint_eq(d.count, 6);
    ck_assert_uint_eq(d.differing, 0);
    ib[1][0] = 40;
    ib[1][2] = -6;
    ck_assert_ok(pel_field_compare(ctx, &fa, &fb, &d));
    ck_assert_uint_eq(d.differing, 2);
    ck_assert_uint_eq(d.first, 3);
    uint64_t idx[4];
    pel_field_index(&fa, d.first, idx);
    ck_assert_uint_eq(idx[0], 1);
    ck_assert_uint_eq(idx[1], 0);
    ck_assert(d.max_abs == 0.0 && d.max_ulp == 0); /* no real statistics for integers */

    ck_assert_uint_eq(pel_ulp_distance(1.0, nextafter(1.0, 2.0)), 1);
    ck_assert_uint_eq(pel_ulp_distance(1.0, 1.0), 0);
    ck_assert_uint_eq(pel_ulp_distance(0.0, -0.0), 0);
    ck_assert_uint_eq(pel_ulp_distance(DBL_TRUE_MIN, -DBL_TRUE_MIN), 2);
    ck_assert_uint_eq(pel_ulp_distance(1.0, 2.0), UINT64_C(1) << 52); /* one binade */
    ck_assert_uint_eq(pel_ulp_distance(-1.0, 1.0), UINT64_C(0x3ff0000000000000) * 2);
    ck_assert_uint_eq(pel_ulp_distance(DBL_MAX, INFINITY), 1);
    ck_assert_uint_eq(pel_ulp_distance(NAN, 1.0), UINT64_MAX);
    ck_assert_uint_eq(pel_ulp_distance_f32(1.0f, nextafterf(1.0f, 2.0f)), 1);
    ck_assert_uint_eq(pel_ulp_distance_f32(1.0f, 2.0f), UINT64_C(1) << 23);

    double ra[4] = {1.0, 0.0, -0.5, 4.0}, rb[4] = {1.0, -0.0, -0.5, 4.0};
    pel_field ga = {"u", PEL_F64, 1, {4}, ra}, gb = ga;
    gb.data = rb;
    ck_assert_ok(pel_field_compare(ctx, &ga, &gb, &d));
    ck_assert_uint_eq(d.differing, 1); /* the signed zero: other bits, same value */
    ck_assert_uint_eq(d.first, 1);
    ck_assert(d.max_abs == 0.0 && d.max_ulp == 0);
    rb[0] = nextafter(1.0, 2.0); /* 1 ULP, 2^-52 */
    rb[3] = 4.0 + 0x1p-50;        /* 1 ULP at 4 = 2^-50, the larger absolute difference */
    ck_assert_ok(pel_field_compare(ctx, &ga, &gb, &d));
    ck_assert_uint_eq(d.differing, 3);
    ck_assert_uint_eq(d.first, 0);
    ck_assert_double_eq(d.max_abs, 0x1p-50);
    ck_assert_uint_eq(d.max_abs_at, 3);
    ck_assert_double_eq(d.max_rel, 0x1p-50 / (4.0 + 0x1p-50)); /* relative to max |b| */
    ck_assert_uint_eq(d.max_ulp, 1);
    ck_assert_uint_eq(d.max_ulp_at, 0);
    rb[2] = nextafter(nextafter(-0.5, -1.0), -1.0); /* 2 ULP at -0.5: 2^-52 */
    ck_assert_ok(pel_field_compare(ctx, &ga, &gb, &d));
    ck_assert_uint_eq(d.max_ulp, 2);
    ck_assert_uint_eq(d.max_ulp_at, 2);
    ck_assert_uint_eq(d.max_abs_at, 3);
    rb[2] = NAN;
    ck_assert_ok(pel_field_compare(ctx, &ga, &gb, &d));
    ck_assert(isinf(d.max_abs) && d.max_ulp == UINT64_MAX && d.max_ulp_at == 2);

    float sa[2] = {1.0f, 3.0f}, sb[2] = {1.0f, 3.0f};
    pel_field ha = {"s", PEL_F32, 1, {2}, sa}, hb = ha;
    hb.data = sb;
    sb[1] = nextafterf(3.0f, 0.0f);
    ck_assert_ok(pel_field_compare(ctx, &ha, &hb, &d));
    ck_assert_uint_eq(d.differing, 1);
    ck_assert_uint_eq(d.max_ulp, 1);
    ck_assert_double_eq(d.max_abs, 3.0 - (double)nextafterf(3.0f, 0.0f));

    ck_assert_fails(ctx, pel_field_compare(ctx, &fa, &ga, &d), PEL_EMISMATCH, "'labels' is i32, the reference is f64");
    gb = ga;
    gb.dims[0] = 3;
    ck_assert_fails(ctx, pel_field_compare(ctx, &ga, &gb, &d), PEL_EMISMATCH, "'u': its shape differs");
    gb.rank = 0;
    ck_assert_fails(ctx, pel_field_compare(ctx, &ga, &gb, &d), PEL_EINVAL, "field compare");
    pel_context_destroy(ctx);
}
END_TEST

/* ---- drivers: the run loop's typed restart and baseline checks ----------- */

/* A small simulation, a component driven by the run loop, with fields of
 * four element types and metadata of all three kinds: x (f64), label (i32),
 * counter (u64), mask (u8).  Its checkpoint state is its result fields. */
typedef struct toy_params {
    int n;
    double scale;
    int twisted;
    long total, flip, nudge, poison;
    /* the same state described otherwise (see toy_describe) */
    enum { TOY_FIELDS, TOY_FLAT, TOY_SIGNED, TOY_FEWER, TOY_MORE } fields;
    enum { TOY_META, TOY_META_FEWER, TOY_META_MORE } meta;
} toy_params;

typedef struct toy {
    toy_params p;
    long step;
    double *x;
    int32_t *label;
    uint64_t counter;
    uint8_t *mask;
    pel_field f[5];
    pel_meta m[4];
    int nf, nm;
} toy;

static const pel_cfg_key toy_keys[] = {
    {"toy", "n", PEL_CFG_INT, 1, 1000, NULL, "elements"},
    {"toy", "scale", PEL_CFG_REAL, -1e300, 1e300, NULL, "step size"},
    {"toy", "mode", PEL_CFG_ENUM, 0, 0, "plain|twisted", "a parameter recorded as a string"},
    {"toy", "flip", PEL_CFG_INT, -1, 1000, NULL, "label changed after the last step (-1: none)"},
    {"toy", "nudge", PEL_CFG_INT, -1, 1000, NULL, "x moved by 1 ULP after the last step (-1: none)"},
    {"toy", "poison", PEL_CFG_INT, -1, 1000, NULL, "x[3] made NaN at this step (-1: never)"},
    PEL_CFG_END};

static const char toy_defaults[] = "[toy]\nn = 12\nscale = 0.5\nmode = plain\nflip = -1\nnudge = -1\npoison = -1\n"
                                   "[run]\nsteps = 5\nthreads = 1\nverify_every = 0\ntiming_every = 0\n"
                                   "checkpoint_every = 0\ncheckpoint_file = toy.ckpt\n";

static void toy_params_default(void *v)
{
    toy_params *p = v;
    memset(p, 0, sizeof *p);
    p->n = 12;
    p->scale = 0.5;
    p->total = 5;
    p->flip = p->nudge = p->poison = -1;
}

static void toy_destroy(void *v)
{
    toy *t = v;
    free(t->x);
    free(t->label);
    free(t->mask);
    free(t);
}

/* The fields (one of another shape or type, one fewer or more, as the
 * parameters ask) and the metadata (one fewer or more). */
static void toy_describe(toy *t)
{
    uint64_t n = (uint64_t)t->p.n;
    t->f[0] = (pel_field){"x", PEL_F64, 1, {n}, t->x};
    t->f[1] = (pel_field){"label", PEL_I32, 2, {n / 2, 2}, t->label};
    t->f[2] = (pel_field){"counter", PEL_U64, 1, {1}, &t->counter};
    t->f[3] = (pel_field){"mask", PEL_U8, 1, {n}, t->mask};
    t->nf = 4;
    if (t->p.fields == TOY_FLAT) t->f[1].rank = 1, t->f[1].dims[0] = n, t->f[1].dims[1] = 0;
    if (t->p.fields == TOY_SIGNED) t->f[2].type = PEL_I64;
    if (t->p.fields == TOY_FEWER) t->nf = 3;
    if (t->p.fields == TOY_MORE) {
        t->f[4] = t->f[0];
        t->f[4].name = "extra";
        t->nf = 5;
    }
    t->m[0] = pel_meta_int("toy.n", t->p.n);
    t->m[1] = pel_meta_real("toy.scale", t->p.scale);
    t->m[2] = pel_meta_string("toy.mode", t->p.twisted ? "twisted" : "plain");
    t->nm = 3;
    if (t->p.meta == TOY_META_FEWER) t->nm = 2;
    if (t->p.meta == TOY_META_MORE) t->m[t->nm++] = pel_meta_int("toy.seed", 7);
}

static pel_status toy_create(pel_context *ctx, const void *params, void **out)
{
    toy *t = calloc(1, sizeof *t);
    if (!t) return pel_error(ctx, PEL_ENOMEM, "toy: out of memory");
    *out = t;
    t->p = *(const toy_params *)params;
    t->x = calloc((size_t)t->p.n, sizeof *t->x);
    t->label = calloc((size_t)t->p.n, sizeof *t->label);
    t->mask = calloc((size_t)t->p.n, sizeof *t->mask);
    if (!t->x || !t->label || !t->mask) return pel_error(ctx, PEL_ENOMEM, "toy: out of memory");
    toy_describe(t);
    return PEL_OK;
}

static pel_status toy_advance(void *v, long nsteps)
{
    toy *t = v;
    for (long s = 0; s < nsteps; s++) {
        t->step++;
        for (int i = 0; i < t->p.n; i++) {
            t->x[i] = (t->p.twisted ? -t->x[i] : t->x[i]) + t->p.scale * (i + 1) / (double)t->step;
            t->label[i] = (int32_t)((t->label[i] * 31 + t->step + i) % 1000);
            t->mask[i] ^= (uint8_t)(t->step + i);
        }
        if (t->step == t->p.poison && t->p.n > 3) t->x[3] = NAN;
        t->counter = t->counter * UINT64_C(6364136223846793005) + (uint64_t)t->step;
    }
    long flip = t->p.flip, nudge = t->p.nudge;
    if (t->step == t->p.total && flip >= 0 && flip < t->p.n) t->label[flip] += 1;
    if (t->step == t->p.total && nudge >= 0 && nudge < t->p.n) t->x[nudge] = nextafter(t->x[nudge], INFINITY);
    return PEL_OK;
}

static pel_status toy_verify(void *v, pel_verify_log *log)
{
    toy *t = v;
    pel_verify_at_most(log, "toy.step", (double)t->step, (double)t->p.total);
    return PEL_OK;
}

static int toy_fields(void *v, pel_field *out, int max)
{
    toy *t = v;
    for (int i = 0; i < t->nf && i < max; i++) out[i] = t->f[i];
    return t->nf;
}

static pel_status toy_save(void *v, pel_component_state *out)
{
    toy *t = v;
    out->fields = t->f;
    out->nfields = t->nf;
    out->meta = t->m;
    out->nmeta = t->nm;
    return PEL_OK;
}

/* in has the fields of save, in its order, types and shapes (the generic
 * restore matched them). */
static pel_status toy_restore(void *v, const pel_component_state *in)
{
    toy *t = v;
    for (int i = 0; i < in->nfields; i++)
        if (strcmp(in->fields[i].name, "extra") != 0)
            memcpy((void *)(uintptr_t)t->f[i].data, in->fields[i].data, (size_t)pel_field_bytes(&t->f[i]));
    t->step = in->step;
    return PEL_OK;
}

static const pel_component_type toy_type = {
    .name = "toy",
    .numerics_version = 1,
    .step_noun = "step",
    .params_size = sizeof(toy_params),
    .params_default = toy_params_default,
    .create = toy_create,
    .advance = toy_advance,
    .fields = toy_fields,
    .verify = toy_verify,
    .save = toy_save,
    .restore = toy_restore,
    .destroy = toy_destroy,
};

static pel_status toy_params_from(const pel_config *cfg, toy_params *p)
{
    p->n = (int)pel_config_int(cfg, "toy", "n");
    p->scale = pel_config_real(cfg, "toy", "scale");
    p->twisted = pel_config_enum(cfg, "toy", "mode");
    p->flip = pel_config_int(cfg, "toy", "flip");
    p->nudge = pel_config_int(cfg, "toy", "nudge");
    p->poison = pel_config_int(cfg, "toy", "poison");
    p->total = pel_config_int(cfg, "run", "steps");
    return PEL_OK;
}

static pel_status toy_settings(pel_context *ctx, const pel_config *cfg, void *p)
{
    (void)ctx;
    return toy_params_from(cfg, p);
}

/* The same state described otherwise: one field of another shape, type, or
 * one field fewer or more; one parameter fewer or more. */
#define TOY_VARIANT(fn, member, value)                                          \
    static pel_status fn(pel_context *ctx, const pel_config *cfg, void *p)      \
    {                                                                           \
        (void)ctx;                                                              \
        ((toy_params *)p)->member = (value);                                    \
        return toy_params_from(cfg, p);                                         \
    }
TOY_VARIANT(toy_params_flat, fields, TOY_FLAT)
TOY_VARIANT(toy_params_signed, fields, TOY_SIGNED)
TOY_VARIANT(toy_params_fewer, fields, TOY_FEWER)
TOY_VARIANT(toy_params_more, fields, TOY_MORE)
TOY_VARIANT(toy_params_meta_fewer, meta, TOY_META_FEWER)
TOY_VARIANT(toy_params_meta_more, meta, TOY_META_MORE)

static const pel_driver toy_driver = {
    .name = "pel-toy",
    .purpose = "a test driver with typed fields",
    .defaults = toy_defaults,
    .schema = toy_keys,
    .component = &toy_type,
    .params = toy_settings,
    .checkpoints = 1,
};

static char out_text[65536];

/* Runs the driver with the arguments given (NULL-terminated); its stdout and
 * stderr end up together in out_text. */
static int run_toy(const pel_driver *d, ...)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"pel-toy";
    va_list ap;
    va_start(ap, d);
    for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 31;) argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    const char *log = tmp_path("toy.out");
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2), fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert(so >= 0 && se >= 0 && fd >= 0);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    optind = 0; /* glibc: a fresh getopt scan for each call */
    int code = pel_driver_main(d, argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    FILE *f = fopen(log, "r");
    size_t k = fread(out_text, 1, sizeof out_text - 1, f);
    out_text[k] = '\0';
    fclose(f);
    unlink(log);
    return code;
}

#define ck_assert_run(code, needle, ...)                                                          \
    do {                                                                                          \
        int c_ = run_toy(__VA_ARGS__, (char *)NULL);                                              \
        ck_assert_msg(c_ == (code), "exit %d, expected %d; output:\n%s", c_, (code), out_text);   \
        ck_assert_msg(strstr(out_text, (needle)) != NULL, "output lacks '%s':\n%s", (needle), out_text); \
    } while (0)

/* A NaN in the state fails the run's verification, whatever the component
 * checks itself, and the message names the field, element and step: at the
 * end, and at the first verification interval after it appears. */
START_TEST(drivers_nonfinite)
{
    ck_assert_run(1, "pel-toy: toy: field x holds nan at (3) after step 5", &toy_driver, "--set", "toy.poison=5");
    ck_assert(strstr(out_text, "state.finite") != NULL);
    ck_assert_run(1, "field x holds nan at (3) after step 2", &toy_driver, "--set", "toy.poison=2", "--set",
                  "run.verify_every=1");
    ck_assert(strstr(out_text, "verification at step 2: 1 FAILED") != NULL);
    ck_assert(strstr(out_text, "verification at step 1: ") == NULL);
    ck_assert_run(0, "verification SUCCESSFUL", &toy_driver, "--set", "run.verify_every=1");
}
END_TEST

START_TEST(drivers_baseline)
{
    char base[4096];
    snprintf(base, sizeof base, "%s", tmp_path("base.ckpt"));
    ck_assert_run(0, "fingerprint label      i32 ", &toy_driver, "--save", base);
    ck_assert(strstr(out_text, "fingerprint counter    u64 ") && strstr(out_text, "fingerprint mask       u8 "));
    ck_assert_run(0, "baseline label: identical", &toy_driver, "--baseline", base);
    ck_assert(strstr(out_text, "baseline counter: identical") && strstr(out_text, "baseline mask: identical"));
    /* integers are compared exactly, even with a tolerance */
    ck_assert_run(1, "baseline label: 1 of 12 values differ (i32, compared exactly), first at (3, 1)",
                  &toy_driver, "--set", "toy.flip=7", "--baseline", base, "--baseline-tol", "0.5");
    ck_assert(strstr(out_text, "FAIL baseline.label.differing"));
    ck_assert(strstr(out_text, "baseline x: identical"));
    /* reals: the ULP distance and where */
    ck_assert_run(1, "baseline x: 1 of 12 values differ, largest |diff|", &toy_driver, "--set", "toy.nudge=5",
                  "--baseline", base);
    ck_assert(strstr(out_text, "largest 1 ULP at (5), first at (5)"));
    ck_assert_run(0, "PASS baseline.x.max_rel_diff", &toy_driver, "--set", "toy.nudge=5", "--baseline", base,
                  "--baseline-tol", "1e-15");
    /* another parameter of each kind: bad input, before the run */
    ck_assert_run(2, "written with toy.n = 12, this run has 10", &toy_driver, "--set", "toy.n=10", "--baseline", base);
    ck_assert_run(2, "written with toy.scale = 0.5, this run has 0.25", &toy_driver, "--set", "toy.scale=0.25",
                  "--baseline", base);
    ck_assert_run(2, "written with toy.mode = 'plain', this run has 'twisted'", &toy_driver, "--set",
                  "toy.mode=twisted", "--baseline", base);
    /* another numerics version */
    pel_component_type toy2 = toy_type;
    toy2.numerics_version = 2;
    pel_driver v2 = toy_driver;
    v2.component = &toy2;
    ck_assert_run(2, "other numerics version (baseline toy=1, this build toy=2)", &v2, "--baseline", base);
    ck_assert_run(2, "other numerics version (checkpoint toy=1, this build toy=2)", &v2, "--restart", base);
    /* another field shape, element type or list, with the same parameters */
    pel_driver other_fields = toy_driver;
    other_fields.params = toy_params_flat;
    ck_assert_run(2, "field 'label' is i32 6x2, this run has i32 12", &other_fields, "--baseline", base);
    other_fields.params = toy_params_signed;
    ck_assert_run(2, "field 'counter' is u64 1, this run has i64 1", &other_fields, "--baseline", base);
    other_fields.params = toy_params_fewer;
    ck_assert_run(2, "field 'mask' is not in this run", &other_fields, "--baseline", base);
    other_fields.params = toy_params_more;
    ck_assert_run(2, "no field 'extra' in this baseline", &other_fields, "--baseline", base);
    /* a parameter more or fewer */
    pel_driver other_meta = toy_driver;
    other_meta.params = toy_params_meta_fewer;
    ck_assert_run(2, "written with toy.mode = 'plain', which this run does not have", &other_meta, "--baseline", base);
    other_meta.params = toy_params_meta_more;
    ck_assert_run(2, "no 'toy.seed' in this baseline (this run has 7)", &other_meta, "--baseline", base);
    /* another program's file */
    pel_driver stranger = toy_driver;
    stranger.name = "pel-other";
    ck_assert_run(2, "written by pel-toy, not pel-other", &stranger, "--baseline", base);
    unlink(base);
}
END_TEST

/* Baseline directories (--baseline-record/--baseline-compare) on typed
 * fields: recorded and compared identical; a changed parameter is named
 * and the differences listed, integers exactly (a tolerance does not
 * apply), reals within a tolerance; refused before the run (exit 2):
 * another numerics version, program or field shape, a directory without an
 * index. */
START_TEST(drivers_baseline_dir)
{
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s", tmp_path("bdir"));
    ck_assert_run(0, "verification SUCCESSFUL", &toy_driver, "--baseline-record", dir);
    ck_assert_run(0, "fields identical", &toy_driver, "--baseline-compare", dir);
    ck_assert_run(1, "  label at (3, 1): ", &toy_driver, "--set", "toy.flip=7", "--baseline-compare", dir,
                  "--baseline-tol", "0.5");
    ck_assert(strstr(out_text, "(integers, compared exactly); 1 of 12 differ"));
    ck_assert(strstr(out_text, "fields differ (worst label at (3, 1), integers)"));
    /* x nudged by one ULP at element 5 */
    ck_assert_run(1, "  x at (5): ", &toy_driver, "--set", "toy.nudge=5", "--baseline-compare", dir);
    ck_assert(strstr(out_text, ", 1 ULP (largest 1 ULP); 1 of 12 differ"));
    ck_assert(strstr(out_text, "1 of 4 fields differ (worst x at (5): relative"));
    ck_assert_run(0, "1 of 4 fields differ, all within the tolerance 1e-15", &toy_driver, "--set", "toy.nudge=5",
                  "--baseline-compare", dir, "--baseline-tol", "1e-15");
    ck_assert_run(1, "toy.scale = 0.5, this run has 0.25", &toy_driver, "--set", "toy.scale=0.25",
                  "--baseline-compare", dir);
    pel_component_type toy2 = toy_type;
    toy2.numerics_version = 2;
    pel_driver v2 = toy_driver;
    v2.component = &toy2;
    ck_assert_run(2, "other numerics version (baseline toy=1, this build toy=2)", &v2, "--baseline-compare", dir);
    pel_driver stranger = toy_driver;
    stranger.name = "pel-other";
    ck_assert_run(2, "a baseline of pel-toy, not pel-other", &stranger, "--baseline-compare", dir);
    pel_driver other_fields = toy_driver;
    other_fields.params = toy_params_flat;
    ck_assert_run(2, "field 'label' is i32 6x2, this run has i32 12", &other_fields, "--baseline-compare", dir);
    static const char *const leaves[3] = {"index.ckpt", "state.ckpt", "fingerprints.json"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, leaves[i]);
        ck_assert_int_eq(unlink(path), 0);
    }
    ck_assert_run(2, "not a baseline (no index.ckpt", &toy_driver, "--baseline-compare", dir);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ERS on typed fields: a checkpoint at step 2 and a restart to step 5 end
 * bitwise equal to the straight run, every field of every type. */
START_TEST(drivers_restart)
{
    char base[4096], k[4096], setk[4200];
    snprintf(base, sizeof base, "%s", tmp_path("straight.ckpt"));
    snprintf(k, sizeof k, "%s", tmp_path("k.ckpt"));
    snprintf(setk, sizeof setk, "run.checkpoint_file=%s", k);
    ck_assert_run(0, "verification SUCCESSFUL", &toy_driver, "--save", base);
    ck_assert_run(0, "verification SUCCESSFUL", &toy_driver, "--set", "run.steps=2", "--set",
                  "run.checkpoint_every=2", "--set", setk);
    ck_assert_run(0, "baseline counter: identical", &toy_driver, "--restart", k, "--baseline", base);
    ck_assert(strstr(out_text, "baseline x: identical") && strstr(out_text, "baseline label: identical") &&
              strstr(out_text, "baseline mask: identical"));
    ck_assert_run(2, "written with toy.n = 12, this run has 10", &toy_driver, "--set", "toy.n=10", "--restart", k);
    unlink(base);
    unlink(k);
}
END_TEST

static Suite *io_suite(void)
{
    Suite *s = suite_create("io");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_checkpoint);
    tcase_add_test(api, api_checkpoint_v1);
    tcase_add_test(api, api_checkpoint_overflow);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_checkpoint_types);
    tcase_add_test(num, num_checkpoint_many);
    tcase_add_test(num, num_field_fingerprint);
    tcase_add_test(num, num_field_compare);
    suite_add_tcase(s, num);
    TCase *drv = tcase_create("drivers");
    tcase_add_test(drv, drivers_baseline);
    tcase_add_test(drv, drivers_nonfinite);
    tcase_add_test(drv, drivers_restart);
    tcase_add_test(drv, drivers_baseline_dir);
    suite_add_tcase(s, drv);
    return s;
}

int main(void) { return run_suite(io_suite()); }
