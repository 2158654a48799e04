/* Streaming JSON writer. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pel/json.h>

#define JSON_DEPTH 32

struct pel_json {
    FILE *out;
    int depth;
    char kind[JSON_DEPTH]; /* '{' or '[' */
    long items[JSON_DEPTH];
    int have_key;   /* a key was written and awaits its value */
    int top_done;   /* the single top-level value is complete */
    int misuse;     /* a value or key out of place, or nesting too deep */
};

pel_status pel_json_create(pel_json **w, FILE *out)
{
    if (!w || !out) return PEL_EINVAL;
    *w = calloc(1, sizeof **w);
    if (!*w) return PEL_ENOMEM;
    (*w)->out = out;
    return PEL_OK;
}

pel_status pel_json_finish(pel_json *w)
{
    if (!w) return PEL_EINVAL;
    int bad = w->misuse || w->depth != 0 || !w->top_done;
    if (!bad) fputc('\n', w->out);
    int ioerr = ferror(w->out);
    free(w);
    return bad ? PEL_EINVAL : ioerr ? PEL_EIO : PEL_OK;
}

static void indent(pel_json *w)
{
    fputc('\n', w->out);
    for (int i = 0; i < w->depth; i++) fputs("  ", w->out);
}

/* Called before every value: places the separator and checks grammar. */
static int before_value(pel_json *w)
{
    if (w->depth == 0) {
        if (w->top_done) return w->misuse = 1, 0;
        return 1;
    }
    if (w->kind[w->depth - 1] == '{') {
        if (!w->have_key) return w->misuse = 1, 0;
        w->have_key = 0;
        return 1;
    }
    if (w->items[w->depth - 1]++) fputc(',', w->out);
    indent(w);
    return 1;
}

static void after_value(pel_json *w)
{
    if (w->depth == 0) w->top_done = 1;
}

static void put_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc((int)c, out);
            p++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", out); break;
            case '\t': fputs("\\t", out); break;
            case '\r': fputs("\\r", out); break;
            case '\b': fputs("\\b", out); break;
            case '\f': fputs("\\f", out); break;
            default: fprintf(out, "\\u%04x", c);
            }
            p++;
        } else if (c < 0x80) {
            fputc((int)c, out);
            p++;
        } else { /* copy one well-formed UTF-8 sequence, or write U+FFFD */
            int len = 0;
            unsigned lo = 0x80, hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) len = 2;
            else if (c >= 0xE0 && c <= 0xEF) {
                len = 3;
                if (c == 0xE0) lo = 0xA0;
                if (c == 0xED) hi = 0x9F; /* no surrogates */
            } else if (c >= 0xF0 && c <= 0xF4) {
                len = 4;
                if (c == 0xF0) lo = 0x90;
                if (c == 0xF4) hi = 0x8F;
            }
            int ok = len > 0;
            for (int k = 1; ok && k < len; k++) {
                unsigned d = p[k];
                if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xBF)) ok = 0;
            }
            if (ok) {
                fwrite(p, 1, (size_t)len, out);
                p += len;
            } else {
                fputs("\\ufffd", out);
                p++;
            }
        }
    }
    fputc('"', out);
}

static void open_container(pel_json *w, char kind)
{
    if (!w || !before_value(w)) return;
    if (w->depth == JSON_DEPTH) {
        w->misuse = 1;
        return;
    }
    fputc(kind, w->out);
    w->kind[w->depth] = kind;
    w->items[w->depth] = 0;
    w->depth++;
}

static void close_container(pel_json *w, char kind)
{
    if (!w) return;
    if (w->depth == 0 || w->kind[w->depth - 1] != kind || w->have_key) {
        w->misuse = 1;
        return;
    }
    long n = w->items[--w->depth];
    if (n) indent(w);
    fputc(kind == '{' ? '}' : ']', w->out);
    after_value(w);
}

void pel_json_object_begin(pel_json *w) { open_container(w, '{'); }
void pel_json_object_end(pel_json *w) { close_container(w, '{'); }
void pel_json_array_begin(pel_json *w) { open_container(w, '['); }
void pel_json_array_end(pel_json *w) { close_container(w, '['); }

void pel_json_key(pel_json *w, const char *key)
{
    if (!w) return;
    if (w->depth == 0 || w->kind[w->depth - 1] != '{' || w->have_key || !key) {
        w->misuse = 1;
        return;
    }
    if (w->items[w->depth - 1]++) fputc(',', w->out);
    indent(w);
    put_string(w->out, key);
    fputs(": ", w->out);
    w->have_key = 1;
}

void pel_json_string(pel_json *w, const char *s)
{
    if (!w || !before_value(w)) return;
    if (s) put_string(w->out, s);
    else fputs("null", w->out);
    after_value(w);
}

void pel_json_number(pel_json *w, double x)
{
    if (!w || !before_value(w)) return;
    if (!isfinite(x)) {
        fputs("null", w->out); /* JSON has no NaN or infinity */
    } else {
        char buf[32];
        for (int prec = 15; prec <= 17; prec++) { /* shortest that reads back exactly */
            snprintf(buf, sizeof buf, "%.*g", prec, x);
            if (strtod(buf, NULL) == x) break;
        }
        fputs(buf, w->out);
    }
    after_value(w);
}

void pel_json_int(pel_json *w, long long x)
{
    if (!w || !before_value(w)) return;
    fprintf(w->out, "%lld", x);
    after_value(w);
}

void pel_json_bool(pel_json *w, int b)
{
    if (!w || !before_value(w)) return;
    fputs(b ? "true" : "false", w->out);
    after_value(w);
}

void pel_json_null(pel_json *w)
{
    if (!w || !before_value(w)) return;
    fputs("null", w->out);
    after_value(w);
}

void pel_json_kv_string(pel_json *w, const char *k, const char *s) { pel_json_key(w, k); pel_json_string(w, s); }
void pel_json_kv_number(pel_json *w, const char *k, double x) { pel_json_key(w, k); pel_json_number(w, x); }
void pel_json_kv_int(pel_json *w, const char *k, long long x) { pel_json_key(w, k); pel_json_int(w, x); }
void pel_json_kv_bool(pel_json *w, const char *k, int b) { pel_json_key(w, k); pel_json_bool(w, b); }

void pel_json_regions(pel_json *w, const pel_context *ctx)
{
    pel_json_array_begin(w);
    for (int i = 0; i < pel_region_count(ctx); i++) {
        const pel_region_stats *s = pel_region_get(ctx, i);
        if (s->count == 0) continue;
        pel_json_object_begin(w);
        pel_json_kv_string(w, "path", s->path);
        pel_json_kv_int(w, "count", s->count);
        pel_json_kv_number(w, "total_s", s->total);
        pel_json_kv_number(w, "min_s", s->min);
        pel_json_kv_number(w, "max_s", s->max);
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
}

void pel_json_verify_log(pel_json *w, const pel_verify_log *log)
{
    static const char *const kinds[] = {"close", "at_most", "at_least"};
    pel_json_array_begin(w);
    for (int i = 0; i < pel_verify_log_count(log); i++) {
        const pel_verify_record *r = pel_verify_log_get(log, i);
        pel_json_object_begin(w);
        pel_json_kv_string(w, "name", r->name);
        pel_json_kv_string(w, "kind", kinds[r->kind]);
        pel_json_kv_number(w, "value", r->value);
        pel_json_kv_number(w, "reference", r->reference);
        pel_json_kv_number(w, "abs_tol", r->abs_tol);
        pel_json_kv_number(w, "rel_tol", r->rel_tol);
        pel_json_kv_string(w, "verdict", r->pass ? "PASS" : "FAIL");
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
}
