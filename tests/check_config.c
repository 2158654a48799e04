/* drivers/common/config: strict INI configuration. */
#include <config.h>

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
    return run_suite(s);
}
