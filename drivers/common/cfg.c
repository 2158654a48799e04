/* Strict INI configuration on top of inih (see cfg.h).
 *
 * inih does the parsing; a pre-scan of the text first rejects what inih would
 * accept silently or report without a reason: unknown or malformed section
 * headers, lines without '=', over-long lines (Debian's inih splits lines at
 * 200 bytes) and indented lines (inih joins those to the previous value).
 * After the pre-scan every error inih returns comes from our handler, so the
 * line number it returns belongs to the handler's message. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg.h"

#define ORIGIN_MAX 256
#define MSG_MAX 512
#define WHY_MAX 200 /* a reason, quoted inside a message */
#define INIH_LINE_MAX 199

typedef struct entry {
    const pel_cfg_key *key;
    int set, seen; /* has a value; given by the source now loading */
    char *text;
    long long i;
    double r;
    int b, e, rank;
    size_t grid[3];
    char origin[ORIGIN_MAX];
} entry;

struct pel_config {
    pel_context *ctx;
    entry *e;
    int n;
    char msg[MSG_MAX]; /* the handler's first complaint while loading */
};

pel_status pel_config_create(pel_context *ctx, const pel_cfg_key *const *schemas, int nschemas,
                             pel_config **out)
{
    *out = NULL;
    pel_config *c = calloc(1, sizeof *c);
    int n = 0;
    for (int s = 0; s < nschemas; s++)
        for (const pel_cfg_key *k = schemas[s]; k->section; k++) n++;
    if (!c || !(c->e = calloc((size_t)n + 1, sizeof *c->e))) {
        free(c);
        return pel_error(ctx, PEL_ENOMEM, "config: out of memory");
    }
    c->ctx = ctx;
    for (int s = 0; s < nschemas; s++)
        for (const pel_cfg_key *k = schemas[s]; k->section; k++) c->e[c->n++].key = k;
    *out = c;
    return PEL_OK;
}

void pel_config_destroy(pel_config *c)
{
    if (!c) return;
    for (int i = 0; i < c->n; i++) free(c->e[i].text);
    free(c->e);
    free(c);
}

static entry *find(const pel_config *c, const char *section, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->e[i].key->section, section) == 0 && strcmp(c->e[i].key->name, name) == 0)
            return &c->e[i];
    return NULL;
}

static int known_section(const pel_config *c, const char *section)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->e[i].key->section, section) == 0) return 1;
    return 0;
}

/* Edit distance for "did you mean" (short names only). */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 31 || lb > 31) return 99;
    int d[32][32];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

static void unknown_key(const pel_config *c, const char *section, const char *name, char *msg)
{
    const char *best = NULL;
    int bd = 3;
    for (int i = 0; i < c->n; i++) {
        if (strcmp(c->e[i].key->section, section) != 0) continue;
        int d = distance(name, c->e[i].key->name);
        if (d < bd) bd = d, best = c->e[i].key->name;
    }
    if (best)
        snprintf(msg, MSG_MAX, "unknown key '%s' in [%s] (did you mean '%s'?)", name, section, best);
    else
        snprintf(msg, MSG_MAX, "unknown key '%s' in [%s]", name, section);
}

static void range_text(const pel_cfg_key *k, char *buf, size_t len)
{
    snprintf(buf, len, "[%.15g, %.15g]", k->min, k->max);
}

/* Parses text into entry e, or writes the reason to msg and returns 0. */
static int parse_value(entry *e, const char *text, char *msg)
{
    const pel_cfg_key *k = e->key;
    char range[96];
    range_text(k, range, sizeof range);
    char *end;
    errno = 0;
    switch (k->type) {
    case PEL_CFG_INT: {
        long long v = strtoll(text, &end, 10);
        if (end == text || *end || errno)
            return snprintf(msg, WHY_MAX, "'%s' is not an integer", text), 0;
        if ((double)v < k->min || (double)v > k->max)
            return snprintf(msg, WHY_MAX, "%lld is out of range %s", v, range), 0;
        e->i = v;
        return 1;
    }
    case PEL_CFG_REAL: {
        double v = strtod(text, &end);
        if (end == text || *end || !isfinite(v) || errno == ERANGE)
            return snprintf(msg, WHY_MAX, "'%s' is not a finite real number", text), 0;
        if (v < k->min || v > k->max)
            return snprintf(msg, WHY_MAX, "%s is out of range %s", text, range), 0;
        e->r = v;
        return 1;
    }
    case PEL_CFG_BOOL: {
        static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
        for (int i = 0; i < 4; i++) {
            if (strcasecmp(text, yes[i]) == 0) return e->b = 1, 1;
            if (strcasecmp(text, no[i]) == 0) return e->b = 0, 1;
        }
        return snprintf(msg, WHY_MAX, "'%s' is not a boolean (true or false)", text), 0;
    }
    case PEL_CFG_ENUM: {
        const char *p = k->choices;
        size_t len = strlen(text);
        for (int idx = 0; p && *p; idx++) {
            const char *bar = strchr(p, '|');
            size_t w = bar ? (size_t)(bar - p) : strlen(p);
            if (w == len && strncmp(p, text, len) == 0) return e->e = idx, 1;
            p = bar ? bar + 1 : p + w;
        }
        return snprintf(msg, WHY_MAX, "'%s' is not one of %s", text, k->choices), 0;
    }
    case PEL_CFG_STRING: return 1;
    case PEL_CFG_GRID: {
        const char *p = text;
        int rank = 0;
        size_t g[3];
        for (;;) {
            if (!isdigit((unsigned char)*p)) break;
            unsigned long long v = strtoull(p, &end, 10);
            if (errno || rank == 3) { rank = 4; break; }
            g[rank++] = (size_t)v;
            p = end;
            if (*p != 'x') break;
            p++;
        }
        if (*p || rank < 2 || rank > 3)
            return snprintf(msg, WHY_MAX, "'%s' is not a grid (NxM or NxMxK)", text), 0;
        for (int d = 0; d < rank; d++)
            if ((double)g[d] < k->min || (double)g[d] > k->max)
                return snprintf(msg, WHY_MAX, "size %zu is out of range %s", g[d], range), 0;
        e->rank = rank;
        memcpy(e->grid, g, sizeof g);
        return 1;
    }
    }
    return 0;
}

/* Stores text into e; on failure writes "[sec] key = value: reason" to msg. */
static int assign(pel_config *c, entry *e, const char *text, const char *origin, char *msg)
{
    char why[WHY_MAX];
    if (!parse_value(e, text, why)) {
        snprintf(msg, MSG_MAX, "[%s] %s = %.200s: %s", e->key->section, e->key->name, text, why);
        return 0;
    }
    char *copy = strdup(text);
    if (!copy) return snprintf(msg, MSG_MAX, "out of memory"), 0;
    free(e->text);
    e->text = copy;
    e->set = 1;
    snprintf(e->origin, sizeof e->origin, "%s", origin);
    (void)c;
    return 1;
}

typedef struct load_state {
    pel_config *c;
    const char *origin;
    int failed;
    int *lines; /* line number of each key line, in the order inih reports them */
    int nlines, cap, calls;
} load_state;

static int handler(void *user, const char *section, const char *name, const char *value)
{
    load_state *ls = user;
    pel_config *c = ls->c;
    int line = ls->calls < ls->nlines ? ls->lines[ls->calls] : 0;
    ls->calls++;
    if (ls->failed) return 0; /* keep the first complaint */
    char where[ORIGIN_MAX];
    snprintf(where, sizeof where, "%s:%d", ls->origin, line);
    entry *e = find(c, section, name);
    if (!*section) snprintf(c->msg, MSG_MAX, "key '%s' is outside any [section]", name);
    else if (!e) unknown_key(c, section, name, c->msg);
    else if (e->seen) snprintf(c->msg, MSG_MAX, "[%s] %s is given twice", section, name);
    else if (assign(c, e, value, where, c->msg)) return e->seen = 1, 1;
    ls->failed = line;
    return 0;
}

/* What inih would misread; returns the offending line (1-based) or 0, or -1
 * when out of memory.  Records the line of every key line in ls. */
static int prescan(pel_config *c, const char *text, load_state *ls)
{
    int line = 0;
    for (const char *p = text; *p;) {
        line++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char buf[INIH_LINE_MAX + 2];
        if (len > INIH_LINE_MAX) {
            snprintf(c->msg, MSG_MAX, "line is longer than %d characters", INIH_LINE_MAX);
            return line;
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        p = eol ? eol + 1 : p + len; /* before trimming: every pass must move on */
        if (len && buf[len - 1] == '\r') buf[--len] = '\0';
        if (memchr(buf, '\r', len)) {
            snprintf(c->msg, MSG_MAX, "carriage return inside a line (line ends are LF or CRLF)");
            return line;
        }
        char *s = buf;
        if (line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3; /* UTF-8 BOM */
        int indented = isspace((unsigned char)*s);
        while (isspace((unsigned char)*s)) s++;
        if (!*s || *s == ';' || *s == '#') continue;
        if (indented) {
            snprintf(c->msg, MSG_MAX, "indented line: start keys and sections in column 1");
            return line;
        }
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close) {
                snprintf(c->msg, MSG_MAX, "section header without ']'");
                return line;
            }
            *close = '\0';
            if (!known_section(c, s + 1)) {
                snprintf(c->msg, MSG_MAX, "unknown section [%s]", s + 1);
                return line;
            }
        } else if (!strchr(s, '=') && !strchr(s, ':')) {
            snprintf(c->msg, MSG_MAX, "expected 'key = value' or '[section]'");
            return line;
        } else {
            if (ls->nlines == ls->cap) {
                int cap = ls->cap ? 2 * ls->cap : 64;
                int *l = realloc(ls->lines, (size_t)cap * sizeof *l);
                if (!l) return -1;
                ls->lines = l;
                ls->cap = cap;
            }
            ls->lines[ls->nlines++] = line;
        }
    }
    return 0;
}

pel_status pel_config_load_string(pel_config *c, const char *text, const char *origin)
{
    c->msg[0] = '\0';
    load_state ls = {c, origin, 0, NULL, 0, 0, 0};
    int bad = prescan(c, text, &ls);
    pel_status s = PEL_OK;
    if (bad < 0) {
        s = pel_error(c->ctx, PEL_ENOMEM, "%s: out of memory while parsing", origin);
    } else if (bad) {
        s = pel_error(c->ctx, PEL_ECONFIG, "%s:%d: %s", origin, bad, c->msg);
    } else {
        for (int i = 0; i < c->n; i++) c->e[i].seen = 0;
        int r = ini_parse_string(text, handler, &ls);
        if (ls.failed) s = pel_error(c->ctx, PEL_ECONFIG, "%s:%d: %s", origin, ls.failed, c->msg);
        else if (r > 0) s = pel_error(c->ctx, PEL_ECONFIG, "%s:%d: syntax error", origin, r);
        else if (r < 0) s = pel_error(c->ctx, PEL_ENOMEM, "%s: out of memory while parsing", origin);
    }
    free(ls.lines);
    return s;
}

/* A configuration is text of a few kilobytes; anything larger is a mistake. */
#define PEL_CONFIG_MAX_BYTES ((uint64_t)1 << 20)

pel_status pel_config_load_file(pel_config *c, const char *path)
{
    FILE *f = NULL;
    pel_status st = pel_input_open(c->ctx, path, PEL_CONFIG_MAX_BYTES, &f, NULL);
    if (st != PEL_OK) return st;
    char *text = NULL;
    size_t len = 0, cap = 0, k;
    char chunk[4096];
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + k + 1 > cap) {
            cap = 2 * (len + k + 1);
            char *t = realloc(text, cap);
            if (!t) {
                free(text);
                fclose(f);
                return pel_error(c->ctx, PEL_ENOMEM, "%s: out of memory", path);
            }
            text = t;
        }
        memcpy(text + len, chunk, k);
        len += k;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(text);
        return pel_error(c->ctx, PEL_EIO, "%s: read error", path);
    }
    if (memchr(text ? text : "", '\0', len)) {
        free(text);
        return pel_error(c->ctx, PEL_ECONFIG, "%s: not a text file (contains NUL bytes)", path);
    }
    pel_status s = pel_config_load_string(c, text ? (text[len] = '\0', text) : "", path);
    free(text);
    return s;
}

pel_status pel_config_set(pel_config *c, const char *a)
{
    const char *eq = strchr(a, '='), *dot = strchr(a, '.');
    if (!eq || !dot || dot > eq || dot == a || dot + 1 == eq)
        return pel_error(c->ctx, PEL_ECONFIG, "--set %s: expected section.key=value", a);
    char section[128], name[128];
    size_t ls = (size_t)(dot - a), ln = (size_t)(eq - dot - 1);
    if (ls >= sizeof section || ln >= sizeof name)
        return pel_error(c->ctx, PEL_ECONFIG, "--set %s: name too long", a);
    memcpy(section, a, ls);
    section[ls] = '\0';
    memcpy(name, dot + 1, ln);
    name[ln] = '\0';
    char msg[MSG_MAX];
    entry *e = find(c, section, name);
    if (!known_section(c, section)) snprintf(msg, MSG_MAX, "unknown section [%s]", section);
    else if (!e) unknown_key(c, section, name, msg);
    else if (assign(c, e, eq + 1, "--set", msg)) return PEL_OK;
    return pel_error(c->ctx, PEL_ECONFIG, "--set %s: %s", a, msg);
}

pel_status pel_config_check_complete(pel_config *c)
{
    for (int i = 0; i < c->n; i++)
        if (!c->e[i].set)
            return pel_error(c->ctx, PEL_ECONFIG, "[%s] %s has no value", c->e[i].key->section,
                             c->e[i].key->name);
    return PEL_OK;
}

static const entry *get(const pel_config *c, const char *section, const char *name,
                        pel_cfg_type type)
{
    entry *e = find(c, section, name);
    if (!e || e->key->type != type || !e->set) {
        pel_error(c->ctx, PEL_EINVAL, "config: no %s.%s of the requested type", section, name);
        return NULL;
    }
    return e;
}

long long pel_config_int(const pel_config *c, const char *s, const char *n)
{
    const entry *e = get(c, s, n, PEL_CFG_INT);
    return e ? e->i : 0;
}
double pel_config_real(const pel_config *c, const char *s, const char *n)
{
    const entry *e = get(c, s, n, PEL_CFG_REAL);
    return e ? e->r : 0.0;
}
int pel_config_bool(const pel_config *c, const char *s, const char *n)
{
    const entry *e = get(c, s, n, PEL_CFG_BOOL);
    return e ? e->b : 0;
}
int pel_config_enum(const pel_config *c, const char *s, const char *n)
{
    const entry *e = get(c, s, n, PEL_CFG_ENUM);
    return e ? e->e : 0;
}
const char *pel_config_string(const pel_config *c, const char *s, const char *n)
{
    const entry *e = get(c, s, n, PEL_CFG_STRING);
    return e ? e->text : "";
}
int pel_config_grid(const pel_config *c, const char *s, const char *n, size_t g[3])
{
    const entry *e = get(c, s, n, PEL_CFG_GRID);
    if (!e) return 0;
    memcpy(g, e->grid, sizeof e->grid);
    return e->rank;
}
const char *pel_config_origin(const pel_config *c, const char *s, const char *n)
{
    const entry *e = find(c, s, n);
    return e ? e->origin : "";
}

/* Sections in order of first appearance in the schema. */
static int first_of_section(const pel_config *c, int i)
{
    for (int j = 0; j < i; j++)
        if (strcmp(c->e[j].key->section, c->e[i].key->section) == 0) return 0;
    return 1;
}

void pel_config_print(const pel_config *c, FILE *out)
{
    for (int i = 0; i < c->n; i++) {
        if (!first_of_section(c, i)) continue;
        fprintf(out, "%s[%s]\n", i ? "\n" : "", c->e[i].key->section);
        for (int j = i; j < c->n; j++)
            if (strcmp(c->e[j].key->section, c->e[i].key->section) == 0)
                fprintf(out, "%s = %s\n", c->e[j].key->name, c->e[j].text ? c->e[j].text : "");
    }
}

void pel_config_json(const pel_config *c, pel_json *w)
{
    pel_json_object_begin(w);
    for (int i = 0; i < c->n; i++) {
        if (!first_of_section(c, i)) continue;
        pel_json_key(w, c->e[i].key->section);
        pel_json_object_begin(w);
        for (int j = i; j < c->n; j++) {
            const entry *e = &c->e[j];
            if (strcmp(e->key->section, c->e[i].key->section) != 0) continue;
            pel_json_key(w, e->key->name);
            if (!e->set) pel_json_null(w);
            else if (e->key->type == PEL_CFG_INT) pel_json_int(w, e->i);
            else if (e->key->type == PEL_CFG_REAL) pel_json_number(w, e->r);
            else if (e->key->type == PEL_CFG_BOOL) pel_json_bool(w, e->b);
            else pel_json_string(w, e->text);
        }
        pel_json_object_end(w);
    }
    pel_json_object_end(w);
}

void pel_config_help(const pel_config *c, FILE *out)
{
    static const char *const tname[] = {"integer", "real", "boolean", "choice", "text", "grid"};
    for (int i = 0; i < c->n; i++) {
        const pel_cfg_key *k = c->e[i].key;
        char what[160];
        if (k->type == PEL_CFG_INT || k->type == PEL_CFG_REAL || k->type == PEL_CFG_GRID) {
            char r[96];
            range_text(k, r, sizeof r);
            snprintf(what, sizeof what, "%s in %s", tname[k->type], r);
        } else if (k->type == PEL_CFG_ENUM) {
            snprintf(what, sizeof what, "%s", k->choices);
        } else {
            snprintf(what, sizeof what, "%s", tname[k->type]);
        }
        char full[96];
        snprintf(full, sizeof full, "%s.%s", k->section, k->name);
        fprintf(out, "  %-24s %-30s %s (default: %s)\n", full, what, k->help,
                c->e[i].text ? c->e[i].text : "none");
    }
}
