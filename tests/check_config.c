/* drivers/common/config: strict INI configuration. */
#include <config.h>

#include <stdint.h>
#include <unistd.h>

#include "common/cfg.h"
#include "testutil.h"

static const pel_cfg_key keys[] = {
    {"sim", "n", PEL_CFG_INT, 3, 100, NULL, "size"},
    {"sim", "alpha", PEL_CFG_REAL, 0, 10, NULL, "diffusivity"},
    {"sim", "fast", PEL_CFG_BOOL, 0, 0, NULL, "flag"},
    {"sim", "bc", PEL_CFG_ENUM, 0, 0, "dirichlet|periodic", "boundary"},
    {"sim", "name", PEL_CFG_STRING, 0, 0, NULL, "label"},
    {"sim", "grid", PEL_CFG_GRID, 3, 1000, NULL, "grid"},
    {"out", "every", PEL_CFG_INT, 0, 1e9, NULL, "interval"},
    PEL_CFG_END};

static const char *defaults =
    "[sim]\nn = 10\nalpha = 0.5\nfast = false\nbc = dirichlet\nname =\ngrid = 8x8\n"
    "[out]\nevery = 0\n";

static pel_config *make(pel_context **ctx)
{
    const pel_cfg_key *s[] = {keys};
    pel_config *c;
    *ctx = test_context(1);
    ck_assert_ok(pel_config_create(*ctx, s, 1, &c));
    ck_assert_ok(pel_config_load_string(c, defaults, "defaults"));
    ck_assert_ok(pel_config_check_complete(c));
    return c;
}

/* Each bad text must fail with a message containing `want`. */
static void bad_text(const char *text, const char *want)
{
    pel_context *ctx;
    pel_config *c = make(&ctx);
    pel_status s = pel_config_load_string(c, text, "f.ini");
    ck_assert_msg(s == PEL_ECONFIG, "'%s' was accepted", text);
    ck_assert_msg(strstr(pel_context_error(ctx), want) != NULL, "message '%s' lacks '%s'",
                  pel_context_error(ctx), want);
    pel_config_destroy(c);
    pel_context_destroy(ctx);
}

START_TEST(api_bad_files)
{
    bad_text("[sim]\nalpah = 1\n", "f.ini:2: unknown key 'alpah' in [sim] (did you mean 'alpha'?)");
    bad_text("[sim]\nzzzzzz = 1\n", "f.ini:2: unknown key 'zzzzzz' in [sim]");
    bad_text("\n\n[simm]\nn = 4\n", "f.ini:3: unknown section [simm]");
    bad_text("[empty]\n", "f.ini:1: unknown section [empty]");
    bad_text("n = 4\n", "f.ini:1: key 'n' is outside any [section]");
    bad_text("[sim]\nn = 4\nn = 5\n", "f.ini:3: [sim] n is given twice");
    bad_text("[sim]\nn = four\n", "f.ini:2: [sim] n = four: 'four' is not an integer");
    bad_text("[sim]\nn = -5\n", "f.ini:2: [sim] n = -5: -5 is out of range [3, 100]");
    bad_text("[sim]\nn = 4.5\n", "'4.5' is not an integer");
    bad_text("[sim]\nalpha = 1e999\n", "not a finite real number");
    bad_text("[sim]\nalpha = nan\n", "not a finite real number");
    bad_text("[sim]\nalpha = 11\n", "11 is out of range [0, 10]");
    bad_text("[sim]\nalpha = 1 # note\n", "'1 # note' is not a finite real number");
    bad_text("[sim]\nfast = maybe\n", "'maybe' is not a boolean");
    bad_text("[sim]\nbc = neumann\n", "'neumann' is not one of dirichlet|periodic");
    bad_text("[sim]\nbc = dirichle\n", "is not one of");
    bad_text("[sim]\ngrid = 8\n", "'8' is not a grid");
    bad_text("[sim]\ngrid = 8x8x8x8\n", "is not a grid");
    bad_text("[sim]\ngrid = 8x-8\n", "is not a grid");
    bad_text("[sim]\ngrid = 8x2\n", "size 2 is out of range [3, 1000]");
    bad_text("[sim]\n  n = 4\n", "f.ini:2: indented line");
    bad_text("[sim\n", "f.ini:1: section header without ']'");
    bad_text("[sim]\njust words\n", "f.ini:2: expected 'key = value' or '[section]'");
    char longline[400];
    memset(longline, 'x', sizeof longline);
    memcpy(longline, "[sim]\nname = ", 13);
    longline[sizeof longline - 1] = '\0';
    bad_text(longline, "f.ini:2: line is longer than");
}
END_TEST

START_TEST(api_bad_set_and_file)
{
    pel_context *ctx;
    pel_config *c = make(&ctx);
    ck_assert_fails(ctx, pel_config_set(c, "sim.n"), PEL_ECONFIG, "--set sim.n: expected section.key=value");
    ck_assert_fails(ctx, pel_config_set(c, "n=4"), PEL_ECONFIG, "expected section.key=value");
    ck_assert_fails(ctx, pel_config_set(c, ".n=4"), PEL_ECONFIG, "expected section.key=value");
    ck_assert_fails(ctx, pel_config_set(c, "sim.nn=4"), PEL_ECONFIG, "--set sim.nn=4: unknown key 'nn' in [sim] (did you mean 'n'?)");
    ck_assert_fails(ctx, pel_config_set(c, "sum.n=4"), PEL_ECONFIG, "unknown section [sum]");
    ck_assert_fails(ctx, pel_config_set(c, "sim.n=-1"), PEL_ECONFIG, "--set sim.n=-1: [sim] n = -1: -1 is out of range");
    ck_assert_fails(ctx, pel_config_load_file(c, "/nonexistent/x.ini"), PEL_EIO, "/nonexistent/x.ini: cannot open");
    /* a failed --set leaves the previous value */
    ck_assert_int_eq(pel_config_int(c, "sim", "n"), 10);
    /* getters with a wrong name or type record an error instead of crashing */
    ck_assert_int_eq(pel_config_int(c, "sim", "alpha"), 0);
    ck_assert(strstr(pel_context_error(ctx), "sim.alpha") != NULL);
    pel_config_destroy(c);
    pel_context_destroy(ctx);

    const pel_cfg_key *s[] = {keys};
    ctx = test_context(1);
    ck_assert_ok(pel_config_create(ctx, s, 1, &c));
    ck_assert_ok(pel_config_load_string(c, "[sim]\nn = 4\n", "partial"));
    ck_assert_fails(ctx, pel_config_check_complete(c), PEL_ECONFIG, "[sim] alpha has no value");
    pel_config_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(num_values_and_precedence)
{
    pel_context *ctx;
    pel_config *c = make(&ctx);
    char path[] = "/tmp/pel-config-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *file = "; comment\n# comment\n[sim]\nalpha = 2.5e-1 ; inline comment\nfast = YES\n"
                       "bc = periodic\nname = a b \"c\"\ngrid = 4x5x6\n\n[out]\nevery: 7\n";
    ck_assert_int_eq(write(fd, file, strlen(file)), (ssize_t)strlen(file));
    close(fd);
    ck_assert_ok(pel_config_load_file(c, path));
    ck_assert_ok(pel_config_set(c, "sim.n=99"));
    ck_assert_ok(pel_config_set(c, "out.every=8")); /* --set wins over the file */
    ck_assert_int_eq(pel_config_int(c, "sim", "n"), 99);
    ck_assert_double_eq(pel_config_real(c, "sim", "alpha"), 0.25);
    ck_assert_int_eq(pel_config_bool(c, "sim", "fast"), 1);
    ck_assert_int_eq(pel_config_enum(c, "sim", "bc"), 1);
    ck_assert_str_eq(pel_config_string(c, "sim", "name"), "a b \"c\"");
    size_t g[3];
    ck_assert_int_eq(pel_config_grid(c, "sim", "grid", g), 3);
    ck_assert(g[0] == 4 && g[1] == 5 && g[2] == 6);
    ck_assert_int_eq(pel_config_int(c, "out", "every"), 8);
    char where[512];
    snprintf(where, sizeof where, "%s:4", path);
    ck_assert_str_eq(pel_config_origin(c, "sim", "alpha"), where);
    ck_assert_str_eq(pel_config_origin(c, "sim", "n"), "--set");
    ck_assert_str_eq(pel_config_origin(c, "out", "every"), "--set");
    snprintf(where, sizeof where, "%s:5", path);
    ck_assert_str_eq(pel_config_origin(c, "sim", "fast"), where);
    unlink(path);

    /* the printed configuration loads back to the same values */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    pel_config_print(c, f);
    fclose(f);
    pel_context *ctx2;
    pel_config *c2 = make(&ctx2);
    ck_assert_ok(pel_config_load_string(c2, text, "printed"));
    ck_assert_int_eq(pel_config_int(c2, "sim", "n"), 99);
    ck_assert_str_eq(pel_config_string(c2, "sim", "name"), "a b \"c\"");
    ck_assert_int_eq(pel_config_grid(c2, "sim", "grid", g), 3);
    free(text);

    /* and the JSON form is well formed */
    text = NULL;
    f = open_memstream(&text, &len);
    pel_json *w;
    ck_assert_ok(pel_json_create(&w, f));
    pel_config_json(c, w);
    ck_assert_ok(pel_json_finish(w));
    fclose(f);
    ck_assert(strstr(text, "\"every\": 8") != NULL);
    ck_assert(strstr(text, "\"fast\": true") != NULL);
    free(text);
    pel_config_destroy(c2);
    pel_context_destroy(ctx2);
    pel_config_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

/* The printed form of a configuration. */
static char *printed(const pel_config *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    pel_config_print(c, f);
    fclose(f);
    return text;
}

/* c prints, loads back over the defaults and gives the same configuration. */
static void assert_round_trip(const pel_config *c, const char *what)
{
    char *t1 = printed(c);
    pel_context *ctx2;
    pel_config *c2 = make(&ctx2);
    pel_status s = pel_config_load_string(c2, t1, "printed");
    ck_assert_msg(s == PEL_OK, "%s: printed configuration does not load back: %s\n%s", what,
                  pel_context_error(ctx2), t1);
    char *t2 = printed(c2);
    ck_assert_msg(strcmp(t1, t2) == 0, "%s: printed twice differs:\n%s\n--\n%s", what, t1, t2);
    ck_assert_int_eq(pel_config_int(c2, "sim", "n"), pel_config_int(c, "sim", "n"));
    double a = pel_config_real(c, "sim", "alpha"), b = pel_config_real(c2, "sim", "alpha");
    ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "%s: alpha %.17g became %.17g", what, a, b);
    ck_assert_int_eq(pel_config_bool(c2, "sim", "fast"), pel_config_bool(c, "sim", "fast"));
    ck_assert_int_eq(pel_config_enum(c2, "sim", "bc"), pel_config_enum(c, "sim", "bc"));
    ck_assert_str_eq(pel_config_string(c2, "sim", "name"), pel_config_string(c, "sim", "name"));
    size_t g1[3] = {0}, g2[3] = {0};
    ck_assert_int_eq(pel_config_grid(c2, "sim", "grid", g2), pel_config_grid(c, "sim", "grid", g1));
    ck_assert(memcmp(g1, g2, sizeof g1) == 0);
    ck_assert_int_eq(pel_config_int(c2, "out", "every"), pel_config_int(c, "out", "every"));
    free(t1);
    free(t2);
    pel_config_destroy(c2);
    pel_context_destroy(ctx2);
}

/* Class: line numbers.  Every message names the line it is about, whatever
 * comes before it: the reader hands inih one line at a time. */
START_TEST(lines_exact)
{
    /* lines accepted (with their meaning) before a bad key on the next line */
    static const char *const ok_lines[] = {
        "; comment", "# comment", "", "   ", "\t", "  ; indented comment", "\r", "n = 4 ; comment",
        "name = a;b", "name = x # not a comment", "alpha=1", "fast:yes", "grid = 4x5 ; c",
        "name =", "bc = periodic", "\xC3\xA9t\xC3\xA9 = 1 ; (refused: listed below)",
    };
    for (size_t i = 0; i + 1 < sizeof ok_lines / sizeof *ok_lines; i++) {
        char text[256];
        snprintf(text, sizeof text, "[sim]\n%s\n;\nzzz = 1\n", ok_lines[i]);
        bad_text(text, "f.ini:4: unknown key 'zzz' in [sim]");
        if (strchr(ok_lines[i], '\r')) continue; /* "\r\r\n" is a CR inside a line */
        snprintf(text, sizeof text, "[sim]\n%s\r\n[out]\r\nevery = -1\r\n", ok_lines[i]);
        bad_text(text, "f.ini:4: [out] every = -1: -1 is out of range");
    }
    /* lines refused: at their own line, and only when no earlier line is wrong */
    static const char *const bad_lines[][2] = {
        {"grid ; = 3", "expected 'key = value'"},
        {"junk", "expected 'key = value'"},
        {"junk ;: 3", "expected 'key = value'"},
        {"=", "a key name is missing before '='"},
        {" = 3", "indented line"},
        {": 3", "a key name is missing before ':'"},
        {"[]", "empty section name []"},
        {"[sim", "section header without ']'"},
        {"[sim ; c]", "section header without ']'"},
        {"[out] junk", "text after the section header [out]"},
        {"[out]junk", "text after the section header [out]"},
        {"[sim]", "section [sim] is given twice (first at line 1)"},
        {"[nope]", "unknown section [nope]"},
        {"\xEF\xBB\xBFn = 3", "a byte order mark"},
        {"name = \xFF", "invalid UTF-8"},
        {"; \xC0\xAF", "invalid UTF-8"},
        {"name = a\x01", "control character 0x01"},
        {"a\rb = 3", "carriage return inside a line"},
        {"  n = 3", "indented line"},
    };
    for (size_t i = 0; i < sizeof bad_lines / sizeof *bad_lines; i++) {
        char text[512], want[256];
        snprintf(text, sizeof text, "[sim]\n; one\n\n%s\nn = 4\n", bad_lines[i][0]);
        snprintf(want, sizeof want, "f.ini:4: %s", bad_lines[i][1]);
        bad_text(text, want);
        /* an earlier error is the one reported */
        snprintf(text, sizeof text, "[sim]\nalpah = 1\n%s\n", bad_lines[i][0]);
        bad_text(text, "f.ini:2: unknown key 'alpah'");
        /* and the line after a refused one is never blamed */
        snprintf(text, sizeof text, "[sim]\n%s\nalpah = 1\n", bad_lines[i][0]);
        snprintf(want, sizeof want, "f.ini:2: %s", bad_lines[i][1]);
        bad_text(text, want);
    }
    /* a long run of odd lines: each of many bad keys at its own line */
    for (int k = 1; k < 60; k++) {
        char text[4096] = "[sim]\n";
        for (int j = 0; j < k; j++)
            strcat(text, (const char *[]){"; c\n", "\n", "\t; c\n", "  # c\n", "\r\n"}[j % 5]);
        strcat(text, "every = 3\n");
        char want[64];
        snprintf(want, sizeof want, "f.ini:%d: unknown key 'every' in [sim]", k + 2);
        bad_text(text, want);
    }
    /* a key given twice names both lines */
    bad_text("[sim]\n\n; c\nn = 4\n\nn = 5\n", "f.ini:6: [sim] n is given twice (first at line 4)");
    /* the origin recorded for a value is its line */
    pel_context *ctx;
    pel_config *c = make(&ctx);
    ck_assert_ok(pel_config_load_string(c, "; a\n\n[sim] ; b\n  ; c\n\r\nn = 5 ; d\n[out]\nevery: 2\n", "f.ini"));
    ck_assert_str_eq(pel_config_origin(c, "sim", "n"), "f.ini:6");
    ck_assert_str_eq(pel_config_origin(c, "out", "every"), "f.ini:8");
    pel_config_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

/* Class: laxness.  Each value parser refuses trailing junk, empty values, a
 * leading '+', whitespace, other bases and overflow, with the key and value. */
START_TEST(values_strict)
{
    static const char *const bad[][2] = {
        {"n = +5", "[sim] n = +5: '+5' is not an integer"},
        {"n = 5x", "'5x' is not an integer"},
        {"n = 0x10", "'0x10' is not an integer"},
        {"n = 1e1", "'1e1' is not an integer"},
        {"n = 5 5", "'5 5' is not an integer"},
        {"n =", "[sim] n = : the value is empty"},
        {"n = -", "'-' is not an integer"},
        {"n = 99999999999999999999", "[sim] n = 99999999999999999999: 99999999999999999999 is out of range [3, 100]"},
        {"n = -99999999999999999999", "is out of range [3, 100]"},
        {"alpha = 0x1p3", "[sim] alpha = 0x1p3: '0x1p3' is not a finite real number"},
        {"alpha = 0X1P-3", "is not a finite real number"},
        {"alpha = +1", "'+1' is not a finite real number"},
        {"alpha = 1.5.", "is not a finite real number"},
        {"alpha = 1e", "is not a finite real number"},
        {"alpha = 1 5", "is not a finite real number"},
        {"alpha = .", "is not a finite real number"},
        {"alpha = inf", "is not a finite real number"},
        {"alpha = infinity", "is not a finite real number"},
        {"alpha = -nan", "is not a finite real number"},
        {"alpha = 1e400", "[sim] alpha = 1e400: '1e400' is not a finite real number (it overflows"},
        {"alpha = -1e400", "overflows"},
        {"alpha = 1e-400", "[sim] alpha = 1e-400: '1e-400' underflows"},
        {"alpha =", "[sim] alpha = : the value is empty"},
        {"fast = yes!", "'yes!' is not a boolean"},
        {"fast = 2", "'2' is not a boolean"},
        {"fast =", "the value is empty"},
        {"bc = periodic x", "'periodic x' is not one of"},
        {"bc = Periodic", "is not one of"},
        {"bc =", "the value is empty"},
        {"grid = 32x32x", "[sim] grid = 32x32x: '32x32x' is not a grid"},
        {"grid = x32x32", "is not a grid"},
        {"grid = 32xx32", "is not a grid"},
        {"grid = 32x+32", "is not a grid"},
        {"grid = 32 x 32", "is not a grid"},
        {"grid = 32X32", "is not a grid"},
        {"grid = 0x20x20", "size 0 is out of range"},
        {"grid = 8x8x8x", "is not a grid"},
        {"grid = 8x99999999999999999999999", "size 99999999999999999999999 is out of range [3, 1000]"},
        {"grid =", "the value is empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[256];
        snprintf(text, sizeof text, "[sim]\n%s\n", bad[i][0]);
        bad_text(text, bad[i][1]);
    }
    /* the same values through --set, and whitespace --set does not strip */
    static const char *const bad_set[] = {"sim.n=+5", "sim.n= 5", "sim.n=5 ", "sim.alpha=0x1p3",
                                          "sim.alpha= 1", "sim.alpha=1e999", "sim.grid=32x32x",
                                          "sim.grid= 8x8", "sim.fast=", "sim.fast= yes", "sim.bc=periodic "};
    pel_context *ctx;
    pel_config *c = make(&ctx);
    for (size_t i = 0; i < sizeof bad_set / sizeof *bad_set; i++) {
        ck_assert_msg(pel_config_set(c, bad_set[i]) == PEL_ECONFIG, "--set %s accepted", bad_set[i]);
        ck_assert(strstr(pel_context_error(ctx), "--set ") == pel_context_error(ctx));
    }
    /* what stays accepted */
    ck_assert_ok(pel_config_set(c, "sim.alpha=.5"));
    ck_assert_double_eq(pel_config_real(c, "sim", "alpha"), 0.5);
    ck_assert_ok(pel_config_set(c, "sim.alpha=5."));
    ck_assert_ok(pel_config_set(c, "sim.alpha=-0.0"));
    ck_assert_ok(pel_config_set(c, "sim.alpha=1E+0"));
    ck_assert_ok(pel_config_set(c, "sim.alpha=0e-999"));
    ck_assert_ok(pel_config_set(c, "sim.n=007"));
    ck_assert_int_eq(pel_config_int(c, "sim", "n"), 7);
    ck_assert_ok(pel_config_set(c, "sim.grid=003x004"));
    /* a failed file load changes nothing, even after lines it accepted */
    ck_assert_ok(pel_config_set(c, "sim.n=12"));
    ck_assert_fails(ctx, pel_config_load_string(c, "[sim]\nn = 50\nname = set\nalpha = 0x1\n", "f.ini"),
                    PEL_ECONFIG, "f.ini:4:");
    ck_assert_int_eq(pel_config_int(c, "sim", "n"), 12);
    ck_assert_str_eq(pel_config_string(c, "sim", "name"), "");
    ck_assert_str_eq(pel_config_origin(c, "sim", "n"), "--set");
    pel_config_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

/* Class: round trips.  Text values are refused when a file line could not
 * carry them back; everything accepted prints and loads back identically. */
START_TEST(strings_refused_or_round_trip)
{
    pel_context *ctx;
    pel_config *c = make(&ctx);
    static const char *const refused[][2] = {
        {"sim.name=a\nb", "control character 0x0A"},
        {"sim.name=a\n[out]\nevery = 9", "control character 0x0A"},
        {"sim.name=a\rb", "control character 0x0D"},
        {"sim.name= a", "cannot start or end with a space"},
        {"sim.name=a ", "cannot start or end with a space"},
        {"sim.name=a\t", "cannot start or end with a space"},
        {"sim.name=a ;b", "';' at its start or after a space"},
        {"sim.name=a\t;b", "';' at its start or after a space"},
        {"sim.name=;b", "';' at its start or after a space"},
        {"sim.name=\xFF", "invalid UTF-8"},
        {"sim.name=\xEF\xBB\xBF", "byte order mark"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        ck_assert_fails(ctx, pel_config_set(c, refused[i][0]), PEL_ECONFIG, refused[i][1]);
        ck_assert_msg(!strchr(pel_context_error(ctx), '\n'), "message on two lines: %s", pel_context_error(ctx));
    }
    char name[400];
    memset(name, 'y', sizeof name);
    memcpy(name, "sim.name=", 9);
    name[9 + 193] = '\0'; /* "name = " + 190: the longest line */
    ck_assert_fails(ctx, pel_config_set(c, name), PEL_ECONFIG, "text is longer than 190 characters");
    name[9 + 190] = '\0';
    ck_assert_ok(pel_config_set(c, name));
    assert_round_trip(c, "190 characters");
    static const char *const kept[] = {"sim.name=a;b", "sim.name=#x", "sim.name=a # b", "sim.name=x=y:z",
                                       "sim.name=[sim]", "sim.name=\"q\"", "sim.name=a\tb",
                                       "sim.name=\xC3\xA9t\xC3\xA9", "sim.name=", "sim.name=\\n"};
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        ck_assert_ok(pel_config_set(c, kept[i]));
        ck_assert_str_eq(pel_config_string(c, "sim", "name"), strchr(kept[i], '=') + 1);
        assert_round_trip(c, kept[i]);
    }
    pel_config_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Property: random values of every key type; each accepted one (through
 * --set) prints and loads back to the same configuration. */
START_TEST(round_trip_property)
{
    uint64_t seed = 0x9E3779B97F4A7C15u;
    static const char *const pieces[] = {" ", "\t", ";", "#", "=", ":", "[", "]", "a", "Z", "\"", "\\",
                                         "\xC3\xA9", "\n", "\r", "\x7F", "\xFF", "x", "0", ".", "/",
                                         " ;", "\xEF\xBB\xBF", "e", "-"};
    int accepted[6] = {0}, tried = 0;
    pel_context *ctx;
    pel_config *c = make(&ctx);
    for (int it = 0; it < 3000; it++) {
        char value[512] = "", set[600];
        int type = (int)(rng_next(&seed) % 6);
        uint64_t r = rng_next(&seed);
        const char *key = (const char *[]){"sim.n", "sim.alpha", "sim.fast", "sim.bc", "sim.name", "sim.grid"}[type];
        switch (type) {
        case 0: snprintf(value, sizeof value, r & 1 ? "%lld" : "%04lld", (long long)(r >> 8) % 120 - 10); break;
        case 1: {
            double v = (double)(r >> 11) / 9007199254740992.0 * 12 - 1;
            int f = (int)(rng_next(&seed) % 4);
            snprintf(value, sizeof value, (const char *[]){"%.17g", "%.3e", "%g", "%.0f"}[f], v);
            break;
        }
        case 2:
            snprintf(value, sizeof value, "%s", (const char *[]){"true", "FALSE", "Yes", "no", "ON", "off", "1", "0"}[r % 8]);
            break;
        case 3: snprintf(value, sizeof value, "%s", r & 1 ? "periodic" : "dirichlet"); break;
        case 4: {
            int n = (int)(r % 8 ? r % 24 : r % 200);
            for (int j = 0; j < n && strlen(value) < 400; j++) {
                uint64_t q = rng_next(&seed) % 80;
                strcat(value, q < sizeof pieces / sizeof *pieces ? pieces[q] : "b");
            }
            break;
        }
        case 5:
            if (r & 1) snprintf(value, sizeof value, "%llux%llu", (unsigned long long)(3 + (r >> 8) % 998), (unsigned long long)(3 + (r >> 20) % 998));
            else snprintf(value, sizeof value, "%llux%llux%03llu", (unsigned long long)(3 + (r >> 8) % 998), (unsigned long long)(3 + (r >> 20) % 998),
                          (unsigned long long)(3 + (r >> 32) % 998));
            break;
        }
        snprintf(set, sizeof set, "%s=%s", key, value);
        tried++;
        if (pel_config_set(c, set) != PEL_OK) {
            ck_assert_msg(*pel_context_error(ctx), "refused without a message: %s", set);
            ck_assert_msg(!strchr(pel_context_error(ctx), '\n'), "message on two lines: %s", pel_context_error(ctx));
            continue;
        }
        accepted[type]++;
        assert_round_trip(c, set);
    }
    for (int t = 0; t < 6; t++) ck_assert_msg(accepted[t] > 50, "type %d: only %d accepted", t, accepted[t]);
    pel_config_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

/* Class: every byte sequence ends in an answer.  Random texts over the
 * grammar's characters load or are refused with a message naming the line;
 * what loads prints and loads back identically. */
START_TEST(fuzz_answers)
{
    static const char *const pieces[] = {"[", "]", "=", ";", "#", "\n", "\r", " ", "a", "x", "0", ".",
                                         "\0", ":", "\t", "\xEF\xBB\xBF", "\xFF", "\xC3\xA9", "8", "e",
                                         "-", "+", "[sim]", "[out]", "n", "name", "grid", "alpha",
                                         "every", "\n[sim]\n", "\nname = ", "\ngrid = 8x8", "\n",
                                         "\n", "x8", " ;", "\r\n", "fast", "bc"};
    uint64_t seed = 12345;
    int ok = 0;
    pel_context *ctx;
    pel_config *c = make(&ctx);
    char *base = printed(c);
    for (int it = 0; it < 20000; it++) {
        char text[400];
        size_t len = 0, want = (size_t)(rng_next(&seed) % 301);
        while (len < want) {
            const char *p = pieces[rng_next(&seed) % (sizeof pieces / sizeof *pieces)];
            size_t k = *p ? strlen(p) : 1;
            if (len + k > want) break;
            memcpy(text + len, p, k);
            len += k;
        }
        text[len] = '\0';
        pel_status s = pel_config_load_string(c, text, "f.ini");
        ck_assert_msg(s == PEL_OK || s == PEL_ECONFIG, "status %d", (int)s);
        if (s == PEL_OK) {
            ok++;
            assert_round_trip(c, text);
            pel_config_destroy(c);
            pel_context_destroy(ctx);
            c = make(&ctx);
        } else {
            const char *m = pel_context_error(ctx);
            ck_assert_msg(strncmp(m, "f.ini:", 6) == 0 && m[6] >= '1' && m[6] <= '9', "message '%s'", m);
            ck_assert_msg(!strchr(m, '\n') && !strchr(m, '\r'), "message on two lines: %s", m);
            /* and the configuration is untouched */
            char *now = printed(c);
            ck_assert_str_eq(now, base);
            free(now);
        }
    }
    ck_assert_int_gt(ok, 100);
    free(base);
    pel_config_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

/* PEL_CFG_PATH: a relative path from a file is its directory's, from --set
 * or the defaults the working directory's; printed absolute. */
static const pel_cfg_key path_keys[] = {
    {"io", "file", PEL_CFG_PATH, 0, 0, NULL, "a file"},
    {"io", "n", PEL_CFG_INT, 0, 9, NULL, "n"},
    PEL_CFG_END};

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(fputs(text, f), 0);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(paths_resolved)
{
    pel_context *ctx = test_context(1);
    const pel_cfg_key *sch[] = {path_keys};
    pel_config *c;
    ck_assert_ok(pel_config_create(ctx, sch, 1, &c));
    ck_assert_ok(pel_config_load_string(c, "[io]\nfile = d.txt\nn = 1\n", "defaults"));
    char cwd[2048], want[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    const char *sep = strcmp(cwd, "/") ? "/" : "";
    /* from the defaults: opened as written, printed from the working directory */
    ck_assert_str_eq(pel_config_string(c, "io", "file"), "d.txt");
    char *t = printed(c);
    snprintf(want, sizeof want, "[io]\nfile = %s%sd.txt\nn = 1\n", cwd, sep);
    ck_assert_str_eq(t, want);
    free(t);
    /* an absolute path stays as it is */
    ck_assert_ok(pel_config_set(c, "io.file=/a/b.txt"));
    ck_assert_str_eq(pel_config_string(c, "io", "file"), "/a/b.txt");
    /* from a file (named relative to the working directory): relative to
     * the file's directory, and printed from the working directory */
    char dir[] = "pel-config-XXXXXX", ini[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(ini, sizeof ini, "%s/p.ini", dir);
    write_text(ini, "[io]\nfile = sub/m.txt\n");
    ck_assert_ok(pel_config_load_file(c, ini));
    snprintf(want, sizeof want, "%s/sub/m.txt", dir);
    ck_assert_str_eq(pel_config_string(c, "io", "file"), want);
    t = printed(c);
    char line[8300];
    snprintf(line, sizeof line, "file = %s%s%s\n", cwd, sep, want);
    ck_assert_msg(strstr(t, line), "printed: %s", t);
    free(t);
    /* a load that fails changes nothing, the path included */
    write_text(ini, "[io]\nfile = other.txt\nn = 99\n");
    ck_assert_int_eq(pel_config_load_file(c, ini), PEL_ECONFIG);
    ck_assert_str_eq(pel_config_string(c, "io", "file"), want);
    /* --set: the working directory's; empty: none */
    ck_assert_ok(pel_config_set(c, "io.file=x/y.txt"));
    ck_assert_str_eq(pel_config_string(c, "io", "file"), "x/y.txt");
    ck_assert_ok(pel_config_set(c, "io.file="));
    ck_assert_str_eq(pel_config_string(c, "io", "file"), "");
    t = printed(c);
    ck_assert_msg(strstr(t, "file =\n"), "printed: %s", t);
    free(t);
    /* a relative path that fits a file line (197 - strlen("file = ") = 190
     * characters) but not once made absolute is refused */
    char set[256] = "io.file=";
    memset(set + 8, 'x', 190);
    set[8 + 190] = '\0';
    ck_assert_int_eq(pel_config_set(c, set), PEL_ECONFIG);
    ck_assert_msg(strstr(pel_context_error(ctx), "made absolute"), "%s", pel_context_error(ctx));
    ck_assert_str_eq(pel_config_string(c, "io", "file"), "");
    ck_assert_int_eq(unlink(ini), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    pel_config_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_bad_files);
    tcase_add_test(api, api_bad_set_and_file);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_values_and_precedence);
    suite_add_tcase(s, num);
    TCase *strict = tcase_create("strict");
    tcase_add_test(strict, lines_exact);
    tcase_add_test(strict, values_strict);
    tcase_add_test(strict, strings_refused_or_round_trip);
    tcase_add_test(strict, round_trip_property);
    tcase_add_test(strict, fuzz_answers);
    tcase_add_test(strict, paths_resolved);
    suite_add_tcase(s, strict);
    return run_suite(s);
}
