/* Self-describing checkpoints (format in include/pel/io.h), written through
 * atomic files and checked record by record on reading. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "internal/core.h"

#define CKPT_MAGIC "PELCKPT" /* 8 bytes with its NUL */
#define CKPT_BOM 0x01020304u
#define CKPT_HEADER 128
#define CKPT_META_BYTES 16  /* kind, name length, value; then name and string */
#define CKPT_FIELD_BYTES 48 /* type, rank, name length, zero, dims[4]; then name */

typedef struct ckpt_header {
    char magic[8];
    uint32_t version, bom;
    char kind[PEL_CKPT_KIND_MAX];
    uint64_t step;
    double time;
    uint32_t nmeta, nfields;
    uint64_t payload; /* bytes between header and checksum */
    uint32_t numerics_len;
    char pad[CKPT_HEADER - 84];
} ckpt_header;
_Static_assert(sizeof(ckpt_header) == CKPT_HEADER, "checkpoint header is 128 bytes");

typedef struct ckpt_meta {
    uint32_t kind, name_len;
    uint64_t value; /* i64 or f64 bits, or the string's length */
} ckpt_meta;
typedef struct ckpt_field {
    uint32_t type, rank, name_len, zero;
    uint64_t dims[PEL_FIELD_MAX_RANK];
} ckpt_field;
_Static_assert(sizeof(ckpt_meta) == CKPT_META_BYTES, "meta record size");
_Static_assert(sizeof(ckpt_field) == CKPT_FIELD_BYTES, "field record size");

static uint64_t pad8(uint64_t n) { return (8 - n % 8) % 8; }

/* Elements of a field, UINT64_MAX when the product overflows. */
static uint64_t count_of(const uint64_t *dims, int rank)
{
    uint64_t c = 1;
    for (int d = 0; d < rank; d++) {
        if (dims[d] && c > UINT64_MAX / dims[d]) return UINT64_MAX;
        c *= dims[d];
    }
    return c;
}

/* The most bytes of field data a checkpoint holds in all (and so any one
 * field): 2^62, well inside off_t and uint64_t, so no offset or payload sum
 * can overflow (at most PEL_CKPT_MAX_RECORDS records of bounded size come on
 * top). */
#define CKPT_MAX_DATA (UINT64_C(1) << 62)

/* Bytes of a field's data, UINT64_MAX when absurd (past CKPT_MAX_DATA). */
static uint64_t bytes_of(const uint64_t *dims, int rank, pel_dtype type)
{
    uint64_t c = count_of(dims, rank), size = pel_dtype_size(type);
    return size && c <= CKPT_MAX_DATA / size ? c * size : UINT64_MAX;
}

/* "1099511627776x1099511627776 f64" */
static void dims_text(const pel_field *f, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int d = 0; d < f->rank && k < n; d++)
        k += (size_t)snprintf(buf + k, n - k, "%s%llu", d ? "x" : "", (unsigned long long)f->dims[d]);
    if (k < n) snprintf(buf + k, n - k, " %s", pel_dtype_name(f->type));
}

static int name_ok(const char *s) { return s && *s && strlen(s) < PEL_CKPT_NAME_MAX; }

/* ---- writing ---------------------------------------------------------------- */

typedef struct writer {
    FILE *f;
    XXH3_state_t *h;
    int ok;
} writer;

/* fwrite that also feeds the checksum */
static void put(writer *w, const void *p, size_t n)
{
    if (!w->ok || n == 0) return;
    XXH3_128bits_update(w->h, p, n);
    w->ok = fwrite(p, 1, n, w->f) == n;
}

static void put_pad(writer *w, uint64_t n)
{
    static const unsigned char zero[8] = {0};
    put(w, zero, (size_t)pad8(n));
}

static pel_status check_args(pel_context *ctx, const char *kind, const char *numerics,
                             const pel_meta *meta, int nmeta, const pel_field *fields, int nfields,
                             uint64_t *payload)
{
    PEL_REQUIRE(ctx, kind && *kind && strlen(kind) < PEL_CKPT_KIND_MAX,
                "checkpoint: kind must be 1 to %d characters", PEL_CKPT_KIND_MAX - 1);
    size_t nl = numerics ? strlen(numerics) : 0;
    PEL_REQUIRE(ctx, nl <= PEL_CKPT_STRING_MAX, "checkpoint: numerics record of %zu bytes (at most %d)",
                nl, PEL_CKPT_STRING_MAX);
    PEL_REQUIRE(ctx, nmeta >= 0 && nmeta <= PEL_CKPT_MAX_RECORDS && (nmeta == 0 || meta),
                "checkpoint: %d metadata records (0 to %d)", nmeta, PEL_CKPT_MAX_RECORDS);
    PEL_REQUIRE(ctx, nfields >= 0 && nfields <= PEL_CKPT_MAX_RECORDS && (nfields == 0 || fields),
                "checkpoint: %d fields (0 to %d)", nfields, PEL_CKPT_MAX_RECORDS);
    uint64_t p = nl + pad8(nl), data = 0;
    for (int i = 0; i < nmeta; i++) {
        const pel_meta *m = &meta[i];
        PEL_REQUIRE(ctx, name_ok(m->name), "checkpoint: metadata name %d is empty or longer than %d bytes",
                    i, PEL_CKPT_NAME_MAX - 1);
        PEL_REQUIRE(ctx, m->kind == PEL_META_INT || m->kind == PEL_META_REAL || m->kind == PEL_META_STRING,
                    "checkpoint: metadata '%s' has kind %d (1 integer, 2 real, 3 string)", m->name,
                    (int)m->kind);
        size_t sl = m->kind == PEL_META_STRING && m->s ? strlen(m->s) : 0;
        PEL_REQUIRE(ctx, m->kind != PEL_META_STRING || (m->s && sl <= PEL_CKPT_STRING_MAX),
                    "checkpoint: metadata '%s' needs a string of at most %d bytes", m->name,
                    PEL_CKPT_STRING_MAX);
        for (int j = 0; j < i; j++)
            PEL_REQUIRE(ctx, strcmp(meta[j].name, m->name) != 0, "checkpoint: metadata '%s' given twice",
                        m->name);
        uint64_t rec = CKPT_META_BYTES + strlen(m->name) + sl;
        p += rec + pad8(rec);
    }
    for (int i = 0; i < nfields; i++) {
        const pel_field *f = &fields[i];
        PEL_REQUIRE(ctx, name_ok(f->name) && f->rank >= 1 && f->rank <= PEL_FIELD_MAX_RANK,
                    "checkpoint: field %d needs a name of 1 to %d bytes and a rank of 1 to %d", i,
                    PEL_CKPT_NAME_MAX - 1, PEL_FIELD_MAX_RANK);
        PEL_REQUIRE(ctx, pel_dtype_size(f->type), "checkpoint: field '%s' has an unknown element type %d",
                    f->name, (int)f->type);
        uint64_t bytes = bytes_of(f->dims, f->rank, f->type);
        int addressable = (uint64_t)(size_t)bytes == bytes; /* a 32-bit size_t */
        if (bytes == UINT64_MAX || !addressable || data > CKPT_MAX_DATA - bytes) {
            char shape[160];
            dims_text(f, shape, sizeof shape);
            return pel_error(ctx, PEL_EINVAL, "checkpoint: field '%s' (%s) %s", f->name, shape,
                             count_of(f->dims, f->rank) == UINT64_MAX
                                 ? "has more elements than 64 bits count"
                                 : bytes == UINT64_MAX || !addressable
                                       ? "has more bytes than a checkpoint field may hold (2^62)"
                                       : "takes the fields past the 2^62 bytes a checkpoint may hold");
        }
        data += bytes;
        PEL_REQUIRE(ctx, f->data || bytes == 0, "checkpoint: field %d ('%s') has no data", i, f->name);
        for (int j = 0; j < i; j++)
            PEL_REQUIRE(ctx, strcmp(fields[j].name, f->name) != 0, "checkpoint: field '%s' given twice",
                        f->name);
        uint64_t rec = CKPT_FIELD_BYTES + strlen(f->name);
        p += rec + pad8(rec) + bytes + pad8(bytes);
    }
    *payload = p;
    return PEL_OK;
}

pel_status pel_ckpt_write(pel_context *ctx, const char *path, const char *kind,
                          const char *numerics, uint64_t step, double time,
                          const pel_meta *meta, int nmeta, const pel_field *fields, int nfields)
{
    ckpt_header h;
    memset(&h, 0, sizeof h);
    pel_status s = check_args(ctx, kind, numerics, meta, nmeta, fields, nfields, &h.payload);
    if (s) return s;
    memcpy(h.magic, CKPT_MAGIC, sizeof CKPT_MAGIC);
    h.version = PEL_CKPT_VERSION;
    h.bom = CKPT_BOM;
    strcpy(h.kind, kind);
    h.step = step;
    h.time = time;
    h.nmeta = (uint32_t)nmeta;
    h.nfields = (uint32_t)nfields;
    if (!numerics) numerics = "";
    h.numerics_len = (uint32_t)strlen(numerics);

    pel_afile *a;
    if ((s = pel_afile_open(ctx, path, &a))) return s;
    writer w = {pel_afile_stream(a), XXH3_createState(), 1};
    if (!w.h) {
        pel_afile_abort(a);
        return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", path);
    }
    XXH3_128bits_reset(w.h);
    put(&w, &h, sizeof h);
    put(&w, numerics, h.numerics_len);
    put_pad(&w, h.numerics_len);
    for (int i = 0; i < nmeta; i++) {
        const pel_meta *m = &meta[i];
        ckpt_meta r = {(uint32_t)m->kind, (uint32_t)strlen(m->name), 0};
        if (m->kind == PEL_META_INT) memcpy(&r.value, &m->i, sizeof r.value);
        else if (m->kind == PEL_META_REAL) memcpy(&r.value, &m->r, sizeof r.value);
        else r.value = strlen(m->s);
        put(&w, &r, sizeof r);
        put(&w, m->name, r.name_len);
        if (m->kind == PEL_META_STRING) put(&w, m->s, (size_t)r.value);
        put_pad(&w, sizeof r + r.name_len + (m->kind == PEL_META_STRING ? r.value : 0));
    }
    for (int i = 0; i < nfields; i++) {
        const pel_field *f = &fields[i];
        ckpt_field r;
        memset(&r, 0, sizeof r);
        r.type = (uint32_t)f->type;
        r.rank = (uint32_t)f->rank;
        r.name_len = (uint32_t)strlen(f->name);
        for (int d = 0; d < f->rank; d++) r.dims[d] = f->dims[d];
        put(&w, &r, sizeof r);
        put(&w, f->name, r.name_len);
        put_pad(&w, sizeof r + r.name_len);
    }
    for (int i = 0; i < nfields; i++) {
        uint64_t bytes = pel_field_bytes(&fields[i]);
        put(&w, fields[i].data, (size_t)bytes);
        put_pad(&w, bytes);
    }
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(w.h));
    XXH3_freeState(w.h);
    if (!w.ok || fwrite(c.digest, 1, 16, w.f) != 16) {
        int e = errno;
        pel_afile_abort(a);
        return pel_error(ctx, PEL_EIO, "%s: write failed: %s", path, strerror(e));
    }
    return pel_afile_commit(ctx, a);
}

/* ---- reading ---------------------------------------------------------------- */

struct pel_ckpt {
    pel_context *ctx;
    char *path;
    FILE *f;
    ckpt_header h;
    char *numerics;
    pel_meta *meta;     /* names and strings owned here */
    pel_field *fields;  /* names owned here, data NULL */
    uint64_t *offset;   /* file offset of each field's data */
};

void pel_ckpt_close(pel_ckpt *ck)
{
    if (!ck) return;
    if (ck->f) fclose(ck->f);
    for (uint32_t i = 0; ck->meta && i < ck->h.nmeta; i++) {
        free((char *)ck->meta[i].name);
        free((char *)ck->meta[i].s);
    }
    for (uint32_t i = 0; ck->fields && i < ck->h.nfields; i++) free((char *)ck->fields[i].name);
    free(ck->path);
    free(ck->numerics);
    peli_context_release(ck->ctx);
    free(ck->meta);
    free(ck->fields);
    free(ck->offset);
    free(ck);
}

/* Reads the file once to check its length and checksum. */
static pel_status check_file(pel_ckpt *ck)
{
    pel_context *ctx = ck->ctx;
    const char *p = ck->path;
    struct stat st;
    if (fstat(fileno(ck->f), &st) != 0)
        return pel_error(ctx, PEL_EIO, "%s: cannot stat: %s", p, strerror(errno));
    uint64_t size = (uint64_t)st.st_size;
    if (size < CKPT_HEADER || fread(&ck->h, 1, CKPT_HEADER, ck->f) != CKPT_HEADER)
        return pel_error(ctx, PEL_EFORMAT, "%s: not a PEL checkpoint (only %llu bytes)", p,
                         (unsigned long long)size);
    if (memcmp(ck->h.magic, CKPT_MAGIC, sizeof CKPT_MAGIC) != 0)
        return pel_error(ctx, PEL_EFORMAT, "%s: not a PEL checkpoint (bad magic)", p);
    if (ck->h.bom != CKPT_BOM)
        return pel_error(ctx, PEL_EFORMAT, "%s: written on a machine of another byte order", p);
    if (ck->h.version != PEL_CKPT_VERSION)
        return pel_error(ctx, PEL_EFORMAT, "checkpoint %s has format version %u; this build reads version %d",
                         p, ck->h.version, PEL_CKPT_VERSION);
    uint64_t want = CKPT_HEADER + ck->h.payload + 16;
    if (ck->h.payload > size || size != want)
        return pel_error(ctx, PEL_EFORMAT, "%s: %s: %llu bytes, the header says %llu", p,
                         size < want ? "truncated" : "trailing data",
                         (unsigned long long)size, (unsigned long long)want);
    XXH3_state_t *hs = XXH3_createState();
    if (!hs) return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", p);
    XXH3_128bits_reset(hs);
    XXH3_128bits_update(hs, &ck->h, CKPT_HEADER);
    static const size_t chunk = 1 << 20;
    unsigned char *buf = malloc(chunk);
    uint64_t left = ck->h.payload;
    while (buf && left > 0) {
        size_t k = left < chunk ? (size_t)left : chunk;
        if (fread(buf, 1, k, ck->f) != k) break;
        XXH3_128bits_update(hs, buf, k);
        left -= k;
    }
    unsigned char stored[16];
    int read_ok = buf && left == 0 && fread(stored, 1, 16, ck->f) == 16;
    free(buf);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(hs));
    XXH3_freeState(hs);
    if (!buf) return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", p);
    if (!read_ok) return pel_error(ctx, PEL_EIO, "%s: read failed", p);
    if (memcmp(stored, c.digest, 16) != 0)
        return pel_error(ctx, PEL_EFORMAT, "%s: checksum mismatch: the file is corrupted", p);
    return PEL_OK;
}

/* Sequential reading of the records, never past the payload. */
typedef struct reader {
    pel_ckpt *ck;
    uint64_t left; /* payload bytes not yet consumed */
} reader;

static pel_status take(reader *r, void *dst, uint64_t n, const char *what)
{
    pel_ckpt *ck = r->ck;
    if (n > r->left)
        return pel_error(ck->ctx, PEL_EFORMAT, "%s: %s runs past the end of the records", ck->path, what);
    if (n && fread(dst, 1, (size_t)n, ck->f) != n) return pel_error(ck->ctx, PEL_EIO, "%s: read failed", ck->path);
    r->left -= n;
    return PEL_OK;
}

static pel_status skip_pad(reader *r, uint64_t n, const char *what)
{
    unsigned char z[8];
    return take(r, z, pad8(n), what);
}

/* A string of n bytes from the file, NUL-terminated; refuses an embedded NUL. */
static pel_status take_string(reader *r, uint64_t n, uint64_t max, const char *what, char **out)
{
    pel_ckpt *ck = r->ck;
    if (n > max || n > r->left)
        return pel_error(ck->ctx, PEL_EFORMAT, "%s: %s of %llu bytes: damaged records", ck->path, what,
                         (unsigned long long)n);
    char *s = malloc((size_t)n + 1);
    if (!s) return pel_error(ck->ctx, PEL_ENOMEM, "%s: out of memory", ck->path);
    pel_status st = take(r, s, n, what);
    s[n] = '\0';
    if (!st && strlen(s) != n) st = pel_error(ck->ctx, PEL_EFORMAT, "%s: %s holds a NUL byte", ck->path, what);
    if (st) free(s), s = NULL;
    *out = s;
    return st;
}

/* Names, the kind and the numerics are echoed in one-line messages. */
static pel_status no_control(pel_ckpt *ck, const char *t, const char *what)
{
    for (; *t; t++)
        if (((unsigned char)*t < 0x20 && *t != '\t') || *t == 0x7F)
            return pel_error(ck->ctx, PEL_EFORMAT, "%s: %s holds a control character", ck->path, what);
    return PEL_OK;
}

static pel_status read_meta(reader *r, uint32_t i)
{
    pel_ckpt *ck = r->ck;
    ckpt_meta m;
    pel_status s = take(r, &m, sizeof m, "a metadata record");
    if (s) return s;
    pel_meta *out = &ck->meta[i];
    if (m.name_len == 0)
        return pel_error(ck->ctx, PEL_EFORMAT, "%s: metadata record %u has no name", ck->path, i);
    if ((s = take_string(r, m.name_len, PEL_CKPT_NAME_MAX - 1, "a metadata name", (char **)&out->name)) ||
        (s = no_control(ck, out->name, "a metadata name")))
        return s;
    uint64_t len = sizeof m + m.name_len;
    out->kind = (pel_meta_kind)m.kind;
    switch (m.kind) {
    case PEL_META_INT: memcpy(&out->i, &m.value, sizeof out->i); break;
    case PEL_META_REAL: memcpy(&out->r, &m.value, sizeof out->r); break;
    case PEL_META_STRING:
        if ((s = take_string(r, m.value, PEL_CKPT_STRING_MAX, "a metadata string", (char **)&out->s)))
            return s;
        len += m.value;
        break;
    default:
        return pel_error(ck->ctx, PEL_EFORMAT, "%s: metadata '%s' has unknown kind %u", ck->path,
                         out->name, m.kind);
    }
    for (uint32_t j = 0; j < i; j++)
        if (strcmp(ck->meta[j].name, out->name) == 0)
            return pel_error(ck->ctx, PEL_EFORMAT, "%s: metadata '%s' appears twice", ck->path, out->name);
    return skip_pad(r, len, "a metadata record");
}

static pel_status read_field_record(reader *r, uint32_t i)
{
    pel_ckpt *ck = r->ck;
    ckpt_field f;
    pel_status s = take(r, &f, sizeof f, "a field record");
    if (s) return s;
    pel_field *out = &ck->fields[i];
    if (f.name_len == 0) return pel_error(ck->ctx, PEL_EFORMAT, "%s: field record %u has no name", ck->path, i);
    if ((s = take_string(r, f.name_len, PEL_CKPT_NAME_MAX - 1, "a field name", (char **)&out->name)) ||
        (s = no_control(ck, out->name, "a field name")))
        return s;
    if (f.rank < 1 || f.rank > PEL_FIELD_MAX_RANK)
        return pel_error(ck->ctx, PEL_EFORMAT, "%s: field '%s' has rank %u", ck->path, out->name, f.rank);
    if (!pel_dtype_size((pel_dtype)f.type))
        return pel_error(ck->ctx, PEL_EFORMAT, "%s: field '%s' has unknown element type %u", ck->path,
                         out->name, f.type);
    for (uint32_t j = 0; j < i; j++)
        if (strcmp(ck->fields[j].name, out->name) == 0)
            return pel_error(ck->ctx, PEL_EFORMAT, "%s: field '%s' appears twice", ck->path, out->name);
    out->type = (pel_dtype)f.type;
    out->rank = (int)f.rank;
    for (int d = 0; d < PEL_FIELD_MAX_RANK; d++) out->dims[d] = d < out->rank ? f.dims[d] : 0;
    out->data = NULL;
    return skip_pad(r, sizeof f + f.name_len, "a field record");
}

static pel_status read_records(pel_ckpt *ck)
{
    pel_context *ctx = ck->ctx;
    const char *p = ck->path;
    uint32_t nm = ck->h.nmeta, nf = ck->h.nfields;
    if (nm > PEL_CKPT_MAX_RECORDS || nf > PEL_CKPT_MAX_RECORDS)
        return pel_error(ctx, PEL_EFORMAT, "%s: %u metadata and %u field records: more than %d", p, nm, nf,
                         PEL_CKPT_MAX_RECORDS);
    ck->h.kind[sizeof ck->h.kind - 1] = '\0';
    ck->meta = calloc(nm + 1, sizeof *ck->meta);
    ck->fields = calloc(nf + 1, sizeof *ck->fields);
    ck->offset = calloc(nf + 1, sizeof *ck->offset);
    if (!ck->meta || !ck->fields || !ck->offset) return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", p);
    if (fseek(ck->f, CKPT_HEADER, SEEK_SET) != 0) return pel_error(ctx, PEL_EIO, "%s: read failed", p);
    reader r = {ck, ck->h.payload};
    pel_status s = take_string(&r, ck->h.numerics_len, PEL_CKPT_STRING_MAX, "the numerics record", &ck->numerics);
    if (!s) s = no_control(ck, ck->h.kind, "the kind");
    if (!s) s = no_control(ck, ck->numerics, "the numerics record");
    if (!s) s = skip_pad(&r, ck->h.numerics_len, "the numerics record");
    for (uint32_t i = 0; !s && i < nm; i++) s = read_meta(&r, i);
    for (uint32_t i = 0; !s && i < nf; i++) s = read_field_record(&r, i);
    if (s) return s;
    uint64_t off = CKPT_HEADER + ck->h.payload - r.left;
    for (uint32_t i = 0; i < nf; i++) {
        const pel_field *f = &ck->fields[i];
        uint64_t bytes = bytes_of(f->dims, f->rank, f->type);
        if (bytes == UINT64_MAX || bytes + pad8(bytes) > r.left)
            return pel_error(ctx, PEL_EFORMAT, "%s: field '%s' is larger than the file", p, f->name);
        ck->offset[i] = off;
        off += bytes + pad8(bytes);
        r.left -= bytes + pad8(bytes);
    }
    if (r.left != 0)
        return pel_error(ctx, PEL_EFORMAT, "%s: records describe %llu bytes, the header %llu", p,
                         (unsigned long long)(ck->h.payload - r.left), (unsigned long long)ck->h.payload);
    return PEL_OK;
}

pel_status pel_ckpt_open(pel_context *ctx, const char *path, pel_ckpt **out)
{
    if (!out) return pel_error(ctx, PEL_EINVAL, "checkpoint: no handle to fill");
    *out = NULL;
    if (!path || !*path) return pel_error(ctx, PEL_EINVAL, "checkpoint: empty path");
    pel_ckpt *ck = calloc(1, sizeof *ck);
    if (!ck || !(ck->path = strdup(path))) {
        free(ck);
        return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", path);
    }
    ck->ctx = peli_context_retain(ctx); /* the handle may outlive the caller's reference */
    pel_status s = pel_input_open(ctx, path, 0, &ck->f, NULL); /* a regular file, never a FIFO */
    if (s != PEL_OK) {
        pel_ckpt_close(ck);
        return s;
    }
    s = check_file(ck);
    if (!s) s = read_records(ck);
    if (s) {
        pel_ckpt_close(ck);
        return s;
    }
    *out = ck;
    return PEL_OK;
}

const char *pel_ckpt_kind(const pel_ckpt *ck) { return ck ? ck->h.kind : ""; }
uint64_t pel_ckpt_step(const pel_ckpt *ck) { return ck ? ck->h.step : 0; }
double pel_ckpt_time(const pel_ckpt *ck) { return ck ? ck->h.time : 0.0; }
const char *pel_ckpt_numerics(const pel_ckpt *ck) { return ck && ck->numerics ? ck->numerics : ""; }
int pel_ckpt_meta_count(const pel_ckpt *ck) { return ck ? (int)ck->h.nmeta : 0; }
int pel_ckpt_field_count(const pel_ckpt *ck) { return ck ? (int)ck->h.nfields : 0; }

const pel_meta *pel_ckpt_meta_at(const pel_ckpt *ck, int i)
{
    return ck && i >= 0 && (uint32_t)i < ck->h.nmeta ? &ck->meta[i] : NULL;
}

const pel_meta *pel_ckpt_find_meta(const pel_ckpt *ck, const char *name)
{
    for (uint32_t i = 0; ck && name && i < ck->h.nmeta; i++)
        if (strcmp(ck->meta[i].name, name) == 0) return &ck->meta[i];
    return NULL;
}

static const char *kind_name(pel_meta_kind k)
{
    return k == PEL_META_INT ? "an integer" : k == PEL_META_REAL ? "a real" : "a string";
}

static pel_status get_meta(pel_ckpt *ck, const char *name, pel_meta_kind kind, const pel_meta **m)
{
    if (!ck) return PEL_EINVAL;
    if (!name) return pel_error(ck->ctx, PEL_EINVAL, "checkpoint: no metadata name");
    *m = pel_ckpt_find_meta(ck, name);
    if (!*m) return pel_error(ck->ctx, PEL_EMISMATCH, "%s: no '%s' in this checkpoint", ck->path, name);
    if ((*m)->kind != kind)
        return pel_error(ck->ctx, PEL_EMISMATCH, "%s: '%s' is %s in this checkpoint, not %s", ck->path,
                         name, kind_name((*m)->kind), kind_name(kind));
    return PEL_OK;
}

pel_status pel_ckpt_get_int(pel_ckpt *ck, const char *name, int64_t *value)
{
    const pel_meta *m = NULL;
    pel_status s = get_meta(ck, name, PEL_META_INT, &m);
    if (!s && value) *value = m->i;
    return s;
}

pel_status pel_ckpt_get_real(pel_ckpt *ck, const char *name, double *value)
{
    const pel_meta *m = NULL;
    pel_status s = get_meta(ck, name, PEL_META_REAL, &m);
    if (!s && value) *value = m->r;
    return s;
}

pel_status pel_ckpt_get_string(pel_ckpt *ck, const char *name, const char **value)
{
    const pel_meta *m = NULL;
    pel_status s = get_meta(ck, name, PEL_META_STRING, &m);
    if (!s && value) *value = m->s;
    return s;
}

int pel_ckpt_find_field(const pel_ckpt *ck, const char *name)
{
    for (uint32_t i = 0; ck && name && i < ck->h.nfields; i++)
        if (strcmp(ck->fields[i].name, name) == 0) return (int)i;
    return -1;
}

const char *pel_ckpt_field_info(const pel_ckpt *ck, int i, pel_field *info)
{
    if (!ck || i < 0 || (uint32_t)i >= ck->h.nfields) return NULL;
    if (info) *info = ck->fields[i];
    return ck->fields[i].name;
}

pel_status pel_ckpt_read_field(pel_ckpt *ck, const char *name, pel_dtype type, void *dst,
                               uint64_t count)
{
    if (!ck) return PEL_EINVAL;
    if (!name || (!dst && count))
        return pel_error(ck->ctx, PEL_EINVAL, "checkpoint: read_field needs a name and a destination");
    int i = pel_ckpt_find_field(ck, name);
    if (i < 0) return pel_error(ck->ctx, PEL_EMISMATCH, "%s: no field '%s' in this checkpoint", ck->path, name);
    const pel_field *f = &ck->fields[i];
    if (f->type != type)
        return pel_error(ck->ctx, PEL_EMISMATCH, "%s: field '%s' is %s, expected %s", ck->path, name,
                         pel_dtype_name(f->type), pel_dtype_name(type));
    uint64_t have = pel_field_count(f);
    if (have != count)
        return pel_error(ck->ctx, PEL_EMISMATCH, "%s: field '%s' has %llu values, expected %llu", ck->path,
                         name, (unsigned long long)have, (unsigned long long)count);
    uint64_t bytes = pel_field_bytes(f);
    if (fseeko(ck->f, (off_t)ck->offset[i], SEEK_SET) != 0 ||
        (bytes && fread(dst, 1, (size_t)bytes, ck->f) != bytes))
        return pel_error(ck->ctx, PEL_EIO, "%s: read failed", ck->path);
    return PEL_OK;
}
