/* Sequence sets: the FASTA reader and the skewed-database generator
 * (include/pel/align.h). */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pel/io.h>
#include <pel/rng.h>

#include "internal/align.h"

struct pel_seqset {
    size_t n, cap;
    size_t *off, *len; /* into res */
    size_t *name;      /* into names */
    char *res, *names;
    size_t nres, cres, nnames, cnames;
};

#define MAX_FASTA_BYTES ((uint64_t)1 << 32)

static pel_seqset *set_new(void) { return calloc(1, sizeof(pel_seqset)); }

void pel_seqset_destroy(pel_seqset *s)
{
    if (!s) return;
    free(s->off);
    free(s->len);
    free(s->name);
    free(s->res);
    free(s->names);
    free(s);
}

size_t pel_seqset_count(const pel_seqset *s) { return s ? s->n : 0; }
const char *pel_seqset_name(const pel_seqset *s, size_t i)
{
    return s && i < s->n ? s->names + s->name[i] : NULL;
}
const char *pel_seqset_seq(const pel_seqset *s, size_t i)
{
    return s && i < s->n ? s->res + s->off[i] : NULL;
}
size_t pel_seqset_len(const pel_seqset *s, size_t i) { return s && i < s->n ? s->len[i] : 0; }
uint64_t pel_seqset_residues(const pel_seqset *s)
{
    uint64_t t = 0;
    for (size_t i = 0; s && i < s->n; i++) t += s->len[i];
    return t;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 1;
    size_t c = *cap ? *cap : 64;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return 0;
    *p = q;
    *cap = c;
    return 1;
}

/* a new record named name[0..nlen); its residues follow with add_res */
static int add_record(pel_seqset *s, const char *name, size_t nlen)
{
    if (s->n == s->cap) {
        size_t c = s->cap ? 2 * s->cap : 16;
        size_t *o = realloc(s->off, c * sizeof *o);
        if (!o) return 0;
        s->off = o;
        size_t *l = realloc(s->len, c * sizeof *l);
        if (!l) return 0;
        s->len = l;
        size_t *m = realloc(s->name, c * sizeof *m);
        if (!m) return 0;
        s->name = m;
        s->cap = c;
    }
    if (!grow((void **)&s->names, &s->cnames, s->nnames + nlen + 1, 1)) return 0;
    s->name[s->n] = s->nnames;
    memcpy(s->names + s->nnames, name, nlen);
    s->names[s->nnames + nlen] = 0;
    s->nnames += nlen + 1;
    s->off[s->n] = s->nres;
    s->len[s->n] = 0;
    s->n++;
    return 1;
}

static int add_res(pel_seqset *s, char c)
{
    if (s->nres + 2 > s->cres && !grow((void **)&s->res, &s->cres, s->nres + 2, 1)) return 0;
    s->res[s->nres++] = c;
    s->len[s->n - 1]++;
    return 1;
}

static int end_record(pel_seqset *s)
{
    if (s->n == 0) return 1;
    if (!grow((void **)&s->res, &s->cres, s->nres + 1, 1)) return 0;
    s->res[s->nres++] = 0; /* each sequence is a string too */
    return 1;
}

/* 'c', or '\xHH' for a byte that is not printable ASCII, or '\'' */
static void quote(char *buf, size_t len, unsigned char c)
{
    if (c == '\'' || c == '\\')
        snprintf(buf, len, "'\\%c'", c);
    else if (c >= 0x20 && c < 0x7f)
        snprintf(buf, len, "'%c'", c);
    else
        snprintf(buf, len, "'\\x%02x'", c);
}

pel_status pel_seqset_read_mem(pel_context *ctx, const char *name, const char *text, size_t len,
                               pel_seqset **out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out != NULL, "fasta: the result pointer must not be NULL");
    *out = NULL;
    PEL_REQUIRE(ctx, text != NULL || len == 0, "fasta: the text must not be NULL");
    if (!name) name = "<memory>";
    pel_seqset *s = set_new();
    if (!s) return pel_error(ctx, PEL_ENOMEM, "%s: no memory for the sequences", name);
    size_t line = 0, header_line = 0, pos = 0;
    pel_status st = PEL_OK;
    while (pos < len && st == PEL_OK) {
        size_t e = pos;
        while (e < len && text[e] != '\n') e++;
        line++;
        size_t end = e;
        if (end > pos && text[end - 1] == '\r') end--;
        const char *l = text + pos;
        size_t n = end - pos;
        pos = e + 1;
        if (n > 0 && l[0] == '>') {
            if (s->n > 0 && s->len[s->n - 1] == 0) {
                st = pel_error(ctx, PEL_EFORMAT, "%s:%zu: record '%.60s' has no residues", name,
                               header_line, pel_seqset_name(s, s->n - 1));
                break;
            }
            size_t a = 1;
            while (a < n && (l[a] == ' ' || l[a] == '\t')) a++;
            size_t b = a;
            while (b < n && !isspace((unsigned char)l[b])) b++;
            if (!end_record(s) || !add_record(s, l + a, b - a)) {
                st = pel_error(ctx, PEL_ENOMEM, "%s:%zu: no memory for the sequences", name, line);
                break;
            }
            for (size_t k = a; k < b; k++)
                if ((unsigned char)l[k] < 0x20 || l[k] == 0x7f) s->names[s->name[s->n - 1] + k - a] = '?';
            header_line = line;
            continue;
        }
        if (n > 0 && l[0] == ';') continue;
        for (size_t k = 0; k < n; k++) {
            unsigned char c = (unsigned char)l[k];
            if (c == ' ' || c == '\t') continue;
            if (s->n == 0) {
                st = pel_error(ctx, PEL_EFORMAT,
                               "%s:%zu: a sequence line before the first '>' header", name, line);
                break;
            }
            if (!(isalpha(c) && c < 0x80) && c != '*') {
                char q[16];
                quote(q, sizeof q, c);
                st = pel_error(ctx, PEL_EFORMAT, "%s:%zu: invalid residue %s in column %zu", name,
                               line, q, k + 1);
                break;
            }
            if (!add_res(s, (char)toupper(c))) {
                st = pel_error(ctx, PEL_ENOMEM, "%s:%zu: no memory for the sequences", name, line);
                break;
            }
        }
    }
    if (st == PEL_OK && s->n == 0)
        st = pel_error(ctx, PEL_EFORMAT, "%s: empty input: no FASTA record", name);
    if (st == PEL_OK && s->len[s->n - 1] == 0)
        st = pel_error(ctx, PEL_EFORMAT, "%s:%zu: record '%.60s' has no residues", name,
                       header_line, pel_seqset_name(s, s->n - 1));
    if (st == PEL_OK && !end_record(s))
        st = pel_error(ctx, PEL_ENOMEM, "%s: no memory for the sequences", name);
    if (st != PEL_OK) {
        pel_seqset_destroy(s);
        return st;
    }
    *out = s;
    return PEL_OK;
}

pel_status pel_seqset_read_file(pel_context *ctx, const char *path, pel_seqset **out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out != NULL, "fasta: the result pointer must not be NULL");
    *out = NULL;
    PEL_REQUIRE(ctx, path != NULL, "fasta: the path must not be NULL");
    FILE *f = NULL;
    uint64_t size = 0;
    pel_status st = pel_input_open(ctx, path, MAX_FASTA_BYTES, &f, &size);
    if (st != PEL_OK) return st;
    char *buf = malloc(size ? (size_t)size : 1);
    if (!buf) {
        fclose(f);
        return pel_error(ctx, PEL_ENOMEM, "%s: no memory for %llu bytes", path,
                         (unsigned long long)size);
    }
    size_t got = fread(buf, 1, (size_t)size, f);
    int err = ferror(f);
    fclose(f);
    if (err || got != size) {
        free(buf);
        return pel_error(ctx, PEL_EIO, "%s: read error", path);
    }
    st = pel_seqset_read_mem(ctx, path, buf, got, out);
    free(buf);
    return st;
}

pel_status pel_seqset_from_string(pel_context *ctx, const char *name, const char *residues,
                                  pel_seqset **out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out != NULL, "fasta: the result pointer must not be NULL");
    *out = NULL;
    PEL_REQUIRE(ctx, residues != NULL, "fasta: the residues must not be NULL");
    if (!name) name = "seq";
    size_t n = strlen(residues);
    if (n == 0) return pel_error(ctx, PEL_EFORMAT, "%s: empty sequence", name);
    pel_seqset *s = set_new();
    int ok = s && add_record(s, name, strlen(name));
    for (size_t k = 0; ok && k < n; k++) {
        unsigned char c = (unsigned char)residues[k];
        if (!(isalpha(c) && c < 0x80) && c != '*') {
            char q[16];
            quote(q, sizeof q, c);
            pel_seqset_destroy(s);
            return pel_error(ctx, PEL_EFORMAT, "%s: invalid residue %s at position %zu", name, q,
                             k + 1);
        }
        ok = add_res(s, (char)toupper(c));
    }
    if (ok) ok = end_record(s);
    if (!ok) {
        pel_seqset_destroy(s);
        return pel_error(ctx, PEL_ENOMEM, "%s: no memory for the sequence", name);
    }
    *out = s;
    return PEL_OK;
}

/* ---- the skewed database ---------------------------------------------------------
 * Residues are drawn with roughly the amino-acid background frequencies of
 * protein databases, in parts per thousand (the lengths matter here, not
 * the composition). */
static const char bg_res[] = "ARNDCQEGHILKMFPSTWYV";
static const int bg_permil[20] = {78, 51, 45, 54, 19, 43, 63, 74, 22, 51,
                                  90, 57, 22, 39, 52, 71, 58, 13, 32, 64};

pel_status pel_seqset_generate(pel_context *ctx, size_t n, size_t min_len, size_t max_len,
                               double alpha, uint64_t seed, pel_seqset **out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out != NULL, "fasta: the result pointer must not be NULL");
    *out = NULL;
    PEL_REQUIRE(ctx, n >= 1 && n <= 10000000, "generate: n = %zu: must be in [1, 10000000]", n);
    PEL_REQUIRE(ctx, min_len >= 1 && min_len <= max_len && max_len <= 10000000,
                "generate: lengths %zu .. %zu: need 1 <= min <= max <= 10000000", min_len, max_len);
    PEL_REQUIRE(ctx, isfinite(alpha) && alpha > 0 && alpha <= 100,
                "generate: alpha = %g: must be in (0, 100]", alpha);
    int cum[20], tot = 0;
    for (int k = 0; k < 20; k++) cum[k] = (tot += bg_permil[k]);
    pel_rng lens = pel_rng_stream((uint32_t)seed, 0), res = pel_rng_stream((uint32_t)seed, 1);
    pel_seqset *s = set_new();
    int ok = s != NULL;
    char name[64];
    uint64_t r0 = 0;
    for (size_t i = 0; ok && i < n; i++) {
        double u[2];
        pel_rng_uniform2(lens, i, seed >> 32, u);
        double x = (double)min_len * pow(1.0 - u[0], -1.0 / alpha); /* Pareto */
        size_t L = x >= (double)max_len ? max_len : (size_t)x;
        if (L < min_len) L = min_len;
        snprintf(name, sizeof name, "gen%zu_len%zu", i + 1, L);
        ok = add_record(s, name, strlen(name));
        for (size_t k = 0; ok && k < L; k++) {
            uint32_t w[4];
            pel_rng_u32x4(res, r0 + k, seed >> 32, w);
            int v = (int)(w[0] % (uint32_t)tot), c = 0;
            while (cum[c] <= v) c++;
            ok = add_res(s, bg_res[c]);
        }
        r0 += L;
        if (ok) ok = end_record(s);
    }
    if (!ok) {
        pel_seqset_destroy(s);
        return pel_error(ctx, PEL_ENOMEM, "generate: no memory for %zu sequences", n);
    }
    *out = s;
    return PEL_OK;
}
