/* Self-describing checkpoints (format in include/pel/io.h), written through
 * atomic files and checked field by field on reading. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "internal/core.h"

#define CKPT_MAGIC "PELCKPT"           /* 8 bytes with its NUL */
#define CKPT_BOM 0x01020304u
#define CKPT_HEADER 128
#define CKPT_META_BYTES 40            /* name[32] + double */
#define CKPT_FIELD_BYTES 72           /* name[32] + rank + pad + dims[4] */

typedef struct ckpt_header {
    char magic[8];
    uint32_t version, bom;
    char kind[32];
    uint64_t step;
    double time;
    uint32_t nmeta, nfields;
    uint64_t payload; /* bytes between header and checksum */
    char pad[CKPT_HEADER - 8 - 8 - 32 - 8 - 8 - 8 - 8];
} ckpt_header;
_Static_assert(sizeof(ckpt_header) == CKPT_HEADER, "checkpoint header is 128 bytes");

typedef struct ckpt_meta {
    char name[PEL_CKPT_NAME_MAX];
    double value;
} ckpt_meta;
typedef struct ckpt_field {
    char name[PEL_CKPT_NAME_MAX];
    uint32_t rank, pad;
    uint64_t dims[4];
} ckpt_field;
_Static_assert(sizeof(ckpt_meta) == CKPT_META_BYTES, "meta record size");
_Static_assert(sizeof(ckpt_field) == CKPT_FIELD_BYTES, "field record size");

static uint64_t field_count(const uint64_t dims[4], int rank)
{
    uint64_t c = 1;
    for (int d = 0; d < rank; d++) {
        if (dims[d] && c > UINT64_MAX / dims[d]) return UINT64_MAX;
        c *= dims[d];
    }
    return c;
}

static int name_ok(const char *s) { return s && *s && strlen(s) < PEL_CKPT_NAME_MAX; }

/* fwrite that also feeds the checksum */
static int put(FILE *f, XXH3_state_t *h, const void *p, size_t n)
{
    XXH3_128bits_update(h, p, n);
    return fwrite(p, 1, n, f) == n;
}

pel_status pel_ckpt_write(pel_context *ctx, const char *path, const char *kind, uint64_t step,
                          double time, const pel_ckpt_meta *meta, int nmeta,
                          const pel_ckpt_field *fields, int nfields)
{
    PEL_REQUIRE(ctx, name_ok(kind), "checkpoint: kind must be 1 to %d characters",
                PEL_CKPT_NAME_MAX - 1);
    PEL_REQUIRE(ctx, nmeta >= 0 && nmeta <= PEL_CKPT_MAX_RECORDS && (nmeta == 0 || meta),
                "checkpoint: %d metadata records (0 to %d)", nmeta, PEL_CKPT_MAX_RECORDS);
    PEL_REQUIRE(ctx, nfields >= 0 && nfields <= PEL_CKPT_MAX_RECORDS && (nfields == 0 || fields),
                "checkpoint: %d fields (0 to %d)", nfields, PEL_CKPT_MAX_RECORDS);
    ckpt_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, CKPT_MAGIC, sizeof CKPT_MAGIC);
    h.version = PEL_CKPT_VERSION;
    h.bom = CKPT_BOM;
    strcpy(h.kind, kind);
    h.step = step;
    h.time = time;
    h.nmeta = (uint32_t)nmeta;
    h.nfields = (uint32_t)nfields;
    h.payload = (uint64_t)nmeta * CKPT_META_BYTES + (uint64_t)nfields * CKPT_FIELD_BYTES;
    for (int i = 0; i < nmeta; i++)
        PEL_REQUIRE(ctx, name_ok(meta[i].name), "checkpoint: metadata name %d is empty or too long", i);
    for (int i = 0; i < nfields; i++) {
        PEL_REQUIRE(ctx, name_ok(fields[i].name) && fields[i].data && fields[i].rank >= 1 &&
                             fields[i].rank <= 4,
                    "checkpoint: field %d needs a name, data and a rank of 1 to 4", i);
        h.payload += field_count(fields[i].dims, fields[i].rank) * sizeof(double);
    }

    pel_afile *a;
    pel_status s = pel_afile_open(ctx, path, &a);
    if (s) return s;
    FILE *f = pel_afile_stream(a);
    XXH3_state_t *hs = XXH3_createState();
    if (!hs) {
        pel_afile_abort(a);
        return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", path);
    }
    XXH3_128bits_reset(hs);
    int ok = put(f, hs, &h, sizeof h);
    for (int i = 0; ok && i < nmeta; i++) {
        ckpt_meta m;
        memset(&m, 0, sizeof m);
        strcpy(m.name, meta[i].name);
        m.value = meta[i].value;
        ok = put(f, hs, &m, sizeof m);
    }
    for (int i = 0; ok && i < nfields; i++) {
        ckpt_field r;
        memset(&r, 0, sizeof r);
        strcpy(r.name, fields[i].name);
        r.rank = (uint32_t)fields[i].rank;
        for (int d = 0; d < fields[i].rank; d++) r.dims[d] = fields[i].dims[d];
        ok = put(f, hs, &r, sizeof r);
    }
    for (int i = 0; ok && i < nfields; i++)
        ok = put(f, hs, fields[i].data,
                 field_count(fields[i].dims, fields[i].rank) * sizeof(double));
    unsigned char digest[16];
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(hs));
    memcpy(digest, c.digest, 16);
    XXH3_freeState(hs);
    if (!ok || fwrite(digest, 1, 16, f) != 16) {
        int e = errno;
        pel_afile_abort(a);
        return pel_error(ctx, PEL_EIO, "%s: write failed: %s", path, strerror(e));
    }
    return pel_afile_commit(ctx, a);
}

struct pel_ckpt {
    pel_context *ctx;
    char *path;
    FILE *f;
    ckpt_header h;
    ckpt_meta *meta;
    ckpt_field *fields;
    uint64_t *offset; /* file offset of each field's data */
};

void pel_ckpt_close(pel_ckpt *ck)
{
    if (!ck) return;
    if (ck->f) fclose(ck->f);
    free(ck->path);
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
        return pel_error(ctx, PEL_EFORMAT, "%s: format version %u, this build reads version %d",
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
    if (!read_ok) return pel_error(ctx, PEL_EIO, "%s: read failed", p);
    if (memcmp(stored, c.digest, 16) != 0)
        return pel_error(ctx, PEL_EFORMAT, "%s: checksum mismatch: the file is corrupted", p);
    return PEL_OK;
}

static pel_status read_records(pel_ckpt *ck)
{
    pel_context *ctx = ck->ctx;
    const char *p = ck->path;
    uint32_t nm = ck->h.nmeta, nf = ck->h.nfields;
    if (nm > PEL_CKPT_MAX_RECORDS || nf > PEL_CKPT_MAX_RECORDS)
        return pel_error(ctx, PEL_EFORMAT, "%s: %u metadata and %u field records: too many", p, nm, nf);
    ck->meta = calloc(nm + 1, sizeof *ck->meta);
    ck->fields = calloc(nf + 1, sizeof *ck->fields);
    ck->offset = calloc(nf + 1, sizeof *ck->offset);
    if (!ck->meta || !ck->fields || !ck->offset) return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", p);
    if (fseek(ck->f, CKPT_HEADER, SEEK_SET) != 0 ||
        fread(ck->meta, CKPT_META_BYTES, nm, ck->f) != nm ||
        fread(ck->fields, CKPT_FIELD_BYTES, nf, ck->f) != nf)
        return pel_error(ctx, PEL_EIO, "%s: read failed", p);
    uint64_t off = CKPT_HEADER + (uint64_t)nm * CKPT_META_BYTES + (uint64_t)nf * CKPT_FIELD_BYTES;
    for (uint32_t i = 0; i < nm; i++) ck->meta[i].name[PEL_CKPT_NAME_MAX - 1] = '\0';
    for (uint32_t i = 0; i < nf; i++) {
        ckpt_field *r = &ck->fields[i];
        r->name[PEL_CKPT_NAME_MAX - 1] = '\0';
        if (r->rank < 1 || r->rank > 4)
            return pel_error(ctx, PEL_EFORMAT, "%s: field '%s' has rank %u", p, r->name, r->rank);
        uint64_t cnt = field_count(r->dims, (int)r->rank);
        if (cnt > ck->h.payload / sizeof(double))
            return pel_error(ctx, PEL_EFORMAT, "%s: field '%s' is larger than the file", p, r->name);
        ck->offset[i] = off;
        off += cnt * sizeof(double);
    }
    if (off != CKPT_HEADER + ck->h.payload)
        return pel_error(ctx, PEL_EFORMAT, "%s: records describe %llu bytes, the header %llu", p,
                         (unsigned long long)(off - CKPT_HEADER), (unsigned long long)ck->h.payload);
    ck->h.kind[sizeof ck->h.kind - 1] = '\0';
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
    ck->ctx = ctx;
    ck->f = fopen(path, "rb");
    if (!ck->f) {
        pel_status s = pel_error(ctx, PEL_EIO, "%s: cannot open: %s", path, strerror(errno));
        pel_ckpt_close(ck);
        return s;
    }
    pel_status s = check_file(ck);
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
int pel_ckpt_field_count(const pel_ckpt *ck) { return ck ? (int)ck->h.nfields : 0; }

pel_status pel_ckpt_get_meta(pel_ckpt *ck, const char *name, double *value)
{
    if (!ck || !name || !value) return PEL_EINVAL;
    for (uint32_t i = 0; i < ck->h.nmeta; i++)
        if (strcmp(ck->meta[i].name, name) == 0) {
            *value = ck->meta[i].value;
            return PEL_OK;
        }
    return pel_error(ck->ctx, PEL_EMISMATCH, "%s: no '%s' in this checkpoint", ck->path, name);
}

const char *pel_ckpt_field_info(const pel_ckpt *ck, int i, int *rank, uint64_t dims[4])
{
    if (!ck || i < 0 || (uint32_t)i >= ck->h.nfields) return NULL;
    const ckpt_field *r = &ck->fields[i];
    if (rank) *rank = (int)r->rank;
    if (dims) memcpy(dims, r->dims, sizeof r->dims);
    return r->name;
}

pel_status pel_ckpt_read_field(pel_ckpt *ck, const char *name, double *dst, uint64_t count)
{
    if (!ck || !name || !dst) return PEL_EINVAL;
    for (uint32_t i = 0; i < ck->h.nfields; i++) {
        const ckpt_field *r = &ck->fields[i];
        if (strcmp(r->name, name) != 0) continue;
        uint64_t have = field_count(r->dims, (int)r->rank);
        if (have != count)
            return pel_error(ck->ctx, PEL_EMISMATCH, "%s: field '%s' has %llu values, expected %llu",
                             ck->path, name, (unsigned long long)have, (unsigned long long)count);
        if (fseeko(ck->f, (off_t)ck->offset[i], SEEK_SET) != 0 ||
            fread(dst, sizeof(double), (size_t)count, ck->f) != count)
            return pel_error(ck->ctx, PEL_EIO, "%s: read failed", ck->path);
        return PEL_OK;
    }
    return pel_error(ck->ctx, PEL_EMISMATCH, "%s: no field '%s' in this checkpoint", ck->path, name);
}
