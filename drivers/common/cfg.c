/* Strict INI configuration on top of inih (see cfg.h).
 *
 * inih does the parsing; a pre-scan of the text first checks every line by
 * the documented grammar (README, "Configuration files"), which follows
 * inih's own reading (the split at '=', ':' or a ';' comment) and refuses
 * what inih would accept silently or misread: text after a section header,
 * empty names, names inih would truncate, sections given twice, lines
 * without '=', over-long lines (inih's buffer is 200 bytes), indented lines
 * (inih joins those to the previous value), carriage returns inside a line,
 * control characters, invalid UTF-8 and a byte order mark past the start.
 * inih then reads the lines before the first refused one through a reader
 * that hands it exactly one line per call, so the handler always knows the
 * line inih is reading and every message names the right line.  A load
 * works on the live entries and puts the old ones back when it fails. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cfg.h"
#include "common/driver.h"

#define ORIGIN_MAX 256
#define MSG_MAX 512
#define WHY_MAX 256 /* a reason, quoted inside a message */

typedef struct entry {
    const pel_cfg_key *key;
    int set, seen;    /* has a value; the line of the source now loading that gave it */
    int section_line; /* where the source now loading opened its section */
    char *text;
    char *path;       /* PEL_CFG_PATH: the path opened (text, relative to its file's directory) */
    char *abs;        /* PEL_CFG_PATH: that path made absolute, which --print-config writes */
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
    for (int i = 0; i < c->n; i++) free(c->e[i].text), free(c->e[i].path), free(c->e[i].abs);
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

/* Line grammar (see README, "Configuration files"): a line is at most
 * LINE_MAX characters without its end (LF or CRLF); inih's buffer is 200
 * bytes with the line end and the NUL, so a line never reaches it split. */
#define LINE_MAX_CHARS 197
#define INIH_NAME_MAX 49 /* inih truncates longer section and key names */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
    else return 0;
    if (len > n) return 0;
    unsigned v = c & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    return len;
}

/* Why text (len bytes) is not plain text: invalid UTF-8, a control
 * character other than tab, or a byte order mark; NULL when it is. */
static const char *not_plain_text(const char *text, size_t len, char *why, size_t wlen)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        if (s[i] == 0x7F || (s[i] < 0x20 && s[i] != '\t')) {
            snprintf(why, wlen, "control character 0x%02X", s[i]);
            return why;
        }
        size_t k = utf8_len(s + i, len - i);
        if (!k) return snprintf(why, wlen, "invalid UTF-8"), why;
        if (k == 3 && s[i] == 0xEF && s[i + 1] == 0xBB && s[i + 2] == 0xBF)
            return snprintf(why, wlen, "a byte order mark (allowed only at the start of a file)"), why;
        i += k;
    }
    return NULL;
}

/* text as it may be quoted in a one-line message: control bytes escaped,
 * long text cut with "...". */
static const char *shown(const char *text, char *buf, size_t len)
{
    size_t o = 0, max = len < 72 ? len : 72;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (o + 8 >= max) {
            snprintf(buf + o, len - o, "...");
            return buf;
        }
        if (*p < 0x20 || *p == 0x7F || *p == '\\')
            o += (size_t)snprintf(buf + o, len - o, *p == '\\' ? "\\\\" : "\\x%02X", *p);
        else buf[o++] = (char)*p;
    }
    buf[o] = '\0';
    return buf;
}

static int is_path(pel_cfg_type t) { return t == PEL_CFG_PATH || t == PEL_CFG_INPUT; }

/* Parses text into entry e, or writes the reason to msg and returns 0. */
static int parse_value(entry *e, const char *text, char *msg)
{
    const pel_cfg_key *k = e->key;
    char range[64], sh[80];
    range_text(k, range, sizeof range);
    shown(text, sh, sizeof sh);
    char *end;
    if (!*text && k->type != PEL_CFG_STRING && !is_path(k->type))
        return snprintf(msg, WHY_MAX, "the value is empty"), 0;
    switch (k->type) {
    case PEL_CFG_INT: {
        const char *p = text + (*text == '-');
        while (isdigit((unsigned char)*p)) p++;
        if (*p || p == text + (*text == '-'))
            return snprintf(msg, WHY_MAX, "'%s' is not an integer (decimal digits, optionally after '-')", sh), 0;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (errno == ERANGE || (double)v < k->min || (double)v > k->max)
            return snprintf(msg, WHY_MAX, "%s is out of range %s", sh, range), 0;
        e->i = v;
        return 1;
    }
    case PEL_CFG_REAL: {
        if (!pel_decimal_real(text, strlen(text)))
            return snprintf(msg, WHY_MAX, "'%s' is not a finite real number (decimal, like -1.5e-3)", sh), 0;
        errno = 0;
        double v = strtod(text, &end);
        if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1))
            return snprintf(msg, WHY_MAX, "'%s' is not a finite real number (it overflows a double)", sh), 0;
        if (errno == ERANGE)
            return snprintf(msg, WHY_MAX, "'%s' underflows a double (too close to 0; write 0 for zero)", sh), 0;
        if (v < k->min || v > k->max)
            return snprintf(msg, WHY_MAX, "%s is out of range %s", sh, range), 0;
        e->r = v;
        return 1;
    }
    case PEL_CFG_BOOL: {
        static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
        for (int i = 0; i < 4; i++) {
            if (strcasecmp(text, yes[i]) == 0) return e->b = 1, 1;
            if (strcasecmp(text, no[i]) == 0) return e->b = 0, 1;
        }
        return snprintf(msg, WHY_MAX, "'%s' is not a boolean (true or false)", sh), 0;
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
        return snprintf(msg, WHY_MAX, "'%s' is not one of %s", sh, k->choices), 0;
    }
    case PEL_CFG_STRING:
    case PEL_CFG_PATH:
    case PEL_CFG_INPUT: {
        /* only what a file line can carry back (pel_config_print) */
        char why[96];
        size_t len = strlen(text), max = LINE_MAX_CHARS - strlen(k->name) - 3;
        if (not_plain_text(text, len, why, sizeof why))
            return snprintf(msg, WHY_MAX, "text with %s cannot be written to a configuration file", why), 0;
        if (len && (isspace((unsigned char)text[0]) || isspace((unsigned char)text[len - 1])))
            return snprintf(msg, WHY_MAX, "text cannot start or end with a space or tab"), 0;
        for (size_t i = 0; i < len; i++)
            if (text[i] == ';' && (i == 0 || isspace((unsigned char)text[i - 1])))
                return snprintf(msg, WHY_MAX, "text cannot have ';' at its start or after a space (a comment in a file)"), 0;
        if (len > max)
            return snprintf(msg, WHY_MAX, "text is longer than %zu characters (a file line holds %d)", max,
                            LINE_MAX_CHARS), 0;
        return 1;
    }
    case PEL_CFG_GRID: {
        const char *p = text;
        int rank = 0;
        size_t g[3] = {0, 0, 0};
        for (;;) {
            if (!isdigit((unsigned char)*p) || rank == 3) { rank = 0; break; }
            errno = 0;
            unsigned long long v = strtoull(p, &end, 10);
            if (errno == ERANGE || v > SIZE_MAX)
                return snprintf(msg, WHY_MAX, "size %.*s is out of range %s", (int)(end - p), p, range), 0;
            g[rank++] = (size_t)v;
            p = end;
            if (!*p) break;
            if (*p != 'x') { rank = 0; break; }
            p++;
        }
        if (rank < 2)
            return snprintf(msg, WHY_MAX, "'%s' is not a grid (NxM or NxMxK, sizes in decimal digits)", sh), 0;
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

/* dir/text (text when it is absolute or dir is ""), and when cwd, that made
 * absolute from the working directory.  NULL when out of memory or the
 * working directory is unknown (msg says which). */
static char *join_path(const char *text, const char *dir, int cwd_too, char *msg)
{
    if (!*text || text[0] == '/' || (!*dir && !cwd_too)) {
        char *p = strdup(text);
        if (!p) snprintf(msg, WHY_MAX, "out of memory");
        return p;
    }
    char cwd[4096] = "";
    if (cwd_too && dir[0] != '/' && !getcwd(cwd, sizeof cwd)) {
        snprintf(msg, WHY_MAX, "the working directory is unknown (%s), so a relative path cannot be resolved",
                 strerror(errno));
        return NULL;
    }
    size_t lc = strlen(cwd), ld = strlen(dir), n = lc + ld + strlen(text) + 3;
    char *p = malloc(n);
    if (!p) return snprintf(msg, WHY_MAX, "out of memory"), NULL;
    /* one '/' between the parts, none doubled ("/" as the working directory) */
    const char *s1 = lc && ld && cwd[lc - 1] != '/' ? "/" : "";
    const char *s2 = (ld ? dir[ld - 1] : lc ? cwd[lc - 1] : '/') == '/' ? "" : "/";
    snprintf(p, n, "%s%s%s%s%s", cwd, s1, dir, s2, text);
    return p;
}

/* Stores text into e; on failure writes "[sec] key = value: reason" to msg.
 * dir: the directory a relative path in the source is taken from ("" for
 * the working directory). */
static int assign(pel_config *c, entry *e, const char *text, const char *origin, const char *dir, char *msg)
{
    char why[WHY_MAX], sh[80];
    char *path = NULL, *abs = NULL;
    int ok = parse_value(e, text, why);
    if (ok && is_path(e->key->type)) {
        ok = (path = join_path(text, dir, 0, why)) != NULL && (abs = join_path(text, dir, 1, why)) != NULL;
        /* printed, the absolute path must load back too */
        if (ok && strcmp(abs, text) != 0 && !parse_value(e, abs, why)) {
            char w2[WHY_MAX], sp[80];
            snprintf(w2, sizeof w2, "%s", why);
            snprintf(why, sizeof why, "made absolute (%s), %.160s", shown(abs, sp, sizeof sp), w2);
            ok = 0;
        }
    }
    if (!ok) {
        free(path);
        free(abs);
        snprintf(msg, MSG_MAX, "[%s] %s = %s: %s", e->key->section, e->key->name,
                 shown(text, sh, sizeof sh), why);
        return 0;
    }
    char *copy = strdup(text);
    if (!copy) return free(path), free(abs), snprintf(msg, MSG_MAX, "out of memory"), 0;
    free(e->text);
    e->text = copy;
    free(e->path);
    e->path = path;
    free(e->abs);
    e->abs = abs;
    e->set = 1;
    snprintf(e->origin, sizeof e->origin, "%s", origin);
    (void)c;
    return 1;
}

typedef struct load_state {
    pel_config *c;
    const char *origin;
    const char *dir; /* relative paths are taken from here ("": the working directory) */
    const char *p; /* the next line for inih */
    int line;      /* the line inih is reading: the last one the reader gave */
    int stop;      /* the first line the pre-scan refused (inih reads only those before) */
    int failed;    /* the handler's first refused line */
    int cut;       /* a line longer than inih's buffer (not reached after the pre-scan) */
} load_state;

/* inih's reader: exactly one line per call, so the line number is exact
 * whatever inih makes of the line.  The line end is given as LF. */
static char *reader(char *str, int num, void *stream)
{
    load_state *ls = stream;
    if (!*ls->p || ls->line + 1 >= ls->stop || num < 2) return NULL;
    const char *eol = strchr(ls->p, '\n');
    size_t len = eol ? (size_t)(eol - ls->p) : strlen(ls->p), n = len;
    if (n && ls->p[n - 1] == '\r') n--;
    if (n > (size_t)num - 2) { /* the pre-scan refuses such lines: never read a part */
        ls->cut = ls->line + 1;
        return NULL;
    }
    memcpy(str, ls->p, n);
    str[n] = '\n';
    str[n + 1] = '\0';
    ls->p += eol ? len + 1 : len;
    ls->line++;
    return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    load_state *ls = user;
    pel_config *c = ls->c;
    if (ls->failed) return 0; /* keep the first complaint */
    char where[ORIGIN_MAX];
    snprintf(where, sizeof where, "%s:%d", ls->origin, ls->line);
    entry *e = find(c, section, name);
    if (!*section) snprintf(c->msg, MSG_MAX, "key '%s' is outside any [section]", name);
    else if (!e) unknown_key(c, section, name, c->msg);
    else if (e->seen) snprintf(c->msg, MSG_MAX, "[%s] %s is given twice (first at line %d)", section, name,
                               e->seen);
    else if (assign(c, e, value, where, ls->dir, c->msg)) return e->seen = ls->line, 1;
    ls->failed = ls->line;
    return 0;
}

static int is_blank(int ch) { return ch == ' ' || ch == '\t'; }

/* One line (len bytes, line end removed) by the documented grammar, which
 * is inih's with its silent cases refused.  Returns 0, or 1 with c->msg. */
static int check_line(pel_config *c, int line, const char *s, size_t len, char *section)
{
    char why[96], sh[80];
    if (line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, len -= 3; /* UTF-8 BOM */
    if (not_plain_text(s, len, why, sizeof why)) return snprintf(c->msg, MSG_MAX, "%s", why), 1;
    size_t i = 0;
    while (i < len && is_blank(s[i])) i++;
    if (i == len || s[i] == ';' || s[i] == '#') return 0; /* blank or comment */
    if (i) return snprintf(c->msg, MSG_MAX, "indented line: start keys and sections in column 1"), 1;
    if (s[0] == '[') {
        size_t j = 1;
        while (j < len && s[j] != ']' && !(s[j] == ';' && is_blank(s[j - 1]))) j++;
        if (j == len || s[j] != ']') return snprintf(c->msg, MSG_MAX, "section header without ']'"), 1;
        char name[LINE_MAX_CHARS + 1];
        memcpy(name, s + 1, j - 1);
        name[j - 1] = '\0';
        size_t t = j + 1;
        while (t < len && is_blank(s[t])) t++;
        if (t < len && s[t] != ';' && s[t] != '#')
            return snprintf(c->msg, MSG_MAX, "text after the section header [%s] (only a comment may follow)",
                            shown(name, sh, sizeof sh)), 1;
        if (!name[0]) return snprintf(c->msg, MSG_MAX, "empty section name []"), 1;
        if (!known_section(c, name))
            return snprintf(c->msg, MSG_MAX, "unknown section [%s]", shown(name, sh, sizeof sh)), 1;
        for (int k = 0; k < c->n; k++)
            if (strcmp(c->e[k].key->section, name) == 0) {
                if (c->e[k].section_line)
                    return snprintf(c->msg, MSG_MAX, "section [%s] is given twice (first at line %d)", name,
                                    c->e[k].section_line), 1;
            }
        for (int k = 0; k < c->n; k++)
            if (strcmp(c->e[k].key->section, name) == 0) c->e[k].section_line = line;
        snprintf(section, LINE_MAX_CHARS + 1, "%s", name);
        return 0;
    }
    /* inih splits at the first '=' or ':', unless a ';' after a blank (a
     * comment) comes first */
    size_t j = 0;
    while (j < len && s[j] != '=' && s[j] != ':' && !(j && s[j] == ';' && is_blank(s[j - 1]))) j++;
    if (j == len || s[j] == ';')
        return snprintf(c->msg, MSG_MAX, "expected 'key = value' or '[section]'"), 1;
    size_t nl = j;
    while (nl && is_blank(s[nl - 1])) nl--;
    if (!nl) return snprintf(c->msg, MSG_MAX, "a key name is missing before '%c'", s[j]), 1;
    if (nl > INIH_NAME_MAX) {
        char name[LINE_MAX_CHARS + 1];
        memcpy(name, s, nl);
        name[nl] = '\0';
        if (!*section) return snprintf(c->msg, MSG_MAX, "key '%s' is outside any [section]", shown(name, sh, sizeof sh)), 1;
        unknown_key(c, section, shown(name, sh, sizeof sh), c->msg);
        return 1;
    }
    return 0;
}

/* The first line (1-based) the grammar refuses, or 0. */
static int prescan(pel_config *c, const char *text)
{
    int line = 0;
    char section[LINE_MAX_CHARS + 1] = "";
    for (int k = 0; k < c->n; k++) c->e[k].section_line = 0;
    for (const char *p = text; *p;) {
        line++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *s = p;
        p = eol ? eol + 1 : p + len; /* before trimming: every pass must move on */
        if (len && s[len - 1] == '\r') len--;
        if (len > LINE_MAX_CHARS) {
            snprintf(c->msg, MSG_MAX, "line is longer than %d characters", LINE_MAX_CHARS);
            return line;
        }
        if (memchr(s, '\r', len)) {
            snprintf(c->msg, MSG_MAX, "carriage return inside a line (line ends are LF or CRLF)");
            return line;
        }
        if (check_line(c, line, s, len, section)) return line;
    }
    return 0;
}

/* A load changes nothing unless all of it is accepted. */
static entry *snapshot(const pel_config *c)
{
    entry *b = malloc((size_t)c->n * sizeof *b + 1);
    if (!b) return NULL;
    for (int i = 0; i < c->n; i++) {
        b[i] = c->e[i];
        b[i].text = b[i].path = b[i].abs = NULL;
        if ((c->e[i].text && !(b[i].text = strdup(c->e[i].text))) ||
            (c->e[i].path && !(b[i].path = strdup(c->e[i].path))) ||
            (c->e[i].abs && !(b[i].abs = strdup(c->e[i].abs)))) {
            free(b[i].text), free(b[i].path), free(b[i].abs);
            while (i--) free(b[i].text), free(b[i].path), free(b[i].abs);
            free(b);
            return NULL;
        }
    }
    return b;
}

static void restore(pel_config *c, entry *b, int keep)
{
    for (int i = 0; i < c->n; i++) {
        if (keep) free(b[i].text), free(b[i].path), free(b[i].abs);
        else {
            free(c->e[i].text);
            free(c->e[i].path);
            free(c->e[i].abs);
            c->e[i] = b[i];
        }
    }
    free(b);
}

static pel_status load_text(pel_config *c, const char *text, const char *origin, const char *dir)
{
    c->msg[0] = '\0';
    entry *backup = snapshot(c);
    if (!backup) return pel_error(c->ctx, PEL_ENOMEM, "%s: out of memory while parsing", origin);
    char scan_msg[MSG_MAX];
    int bad = prescan(c, text);
    snprintf(scan_msg, sizeof scan_msg, "%s", c->msg);
    load_state ls = {c, origin, dir, text, 0, bad ? bad : INT_MAX, 0, 0};
    for (int i = 0; i < c->n; i++) c->e[i].seen = 0;
    c->msg[0] = '\0';
    int r = ini_parse_stream(reader, &ls, handler, &ls);
    pel_status s = PEL_OK;
    if (ls.failed) s = pel_error(c->ctx, PEL_ECONFIG, "%s:%d: %s", origin, ls.failed, c->msg);
    else if (r > 0) s = pel_error(c->ctx, PEL_ECONFIG, "%s:%d: syntax error", origin, r);
    else if (r < 0) s = pel_error(c->ctx, PEL_ENOMEM, "%s: out of memory while parsing", origin);
    else if (ls.cut) s = pel_error(c->ctx, PEL_ECONFIG, "%s:%d: line too long for the INI reader", origin, ls.cut);
    else if (bad) s = pel_error(c->ctx, PEL_ECONFIG, "%s:%d: %s", origin, bad, scan_msg);
    restore(c, backup, s == PEL_OK);
    return s;
}

pel_status pel_config_load_string(pel_config *c, const char *text, const char *origin)
{
    return load_text(c, text, origin, "");
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
    /* the file's directory, for relative paths in it */
    const char *slash = strrchr(path, '/');
    char *dir = strdup(path);
    if (!dir) {
        free(text);
        return pel_error(c->ctx, PEL_ENOMEM, "%s: out of memory", path);
    }
    dir[slash ? (slash == path ? 1 : (size_t)(slash - path)) : 0] = '\0';
    pel_status s = load_text(c, text ? (text[len] = '\0', text) : "", path, dir);
    free(dir);
    free(text);
    return s;
}

pel_status pel_config_set(pel_config *c, const char *a)
{
    char sh[80];
    const char *eq = strchr(a, '='), *dot = strchr(a, '.');
    if (!eq || !dot || dot > eq || dot == a || dot + 1 == eq)
        return pel_error(c->ctx, PEL_ECONFIG, "--set %s: expected section.key=value", shown(a, sh, sizeof sh));
    char section[128], name[128];
    size_t ls = (size_t)(dot - a), ln = (size_t)(eq - dot - 1);
    if (ls >= sizeof section || ln >= sizeof name)
        return pel_error(c->ctx, PEL_ECONFIG, "--set %s: name too long", shown(a, sh, sizeof sh));
    memcpy(section, a, ls);
    section[ls] = '\0';
    memcpy(name, dot + 1, ln);
    name[ln] = '\0';
    char msg[MSG_MAX], shs[80], shn[80];
    entry *e = find(c, section, name);
    if (!known_section(c, section)) snprintf(msg, MSG_MAX, "unknown section [%s]", shown(section, shs, sizeof shs));
    else if (!e) unknown_key(c, section, shown(name, shn, sizeof shn), msg);
    else if (assign(c, e, eq + 1, "--set", "", msg)) return PEL_OK;
    return pel_error(c->ctx, PEL_ECONFIG, "--set %s: %s", shown(a, sh, sizeof sh), msg);
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
    const entry *e = find(c, s, n);
    if (e && is_path(e->key->type) && e->set) return e->path;
    e = get(c, s, n, PEL_CFG_STRING);
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
            if (strcmp(c->e[j].key->section, c->e[i].key->section) == 0) {
                /* a path as the absolute path opened, which loads back from anywhere */
                const char *t = c->e[j].abs ? c->e[j].abs : c->e[j].text;
                fprintf(out, "%s =%s%s\n", c->e[j].key->name, t && *t ? " " : "", t ? t : "");
            }
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
    static const char *const tname[] = {"integer", "real", "boolean", "choice", "text", "grid", "path", "path"};
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
