/* Fuzzing harness for the configuration reader (docs/fuzzing.md).
 *
 *   fuzz_config FILE...   loads each FILE over defaults with the drivers'
 *                         keys and a boolean (every key type); aborts if a file is neither loaded
 *                         nor refused with a message, or if a loaded one does
 *                         not print and load back to the same text
 *   fuzz_config -         the same on standard input, read as a string (text
 *                         with a NUL byte is skipped: pel_config_load_file
 *                         refuses it before parsing); built with
 *                         afl-clang-fast, this is AFL++'s persistent mode,
 *                         many inputs per process, taken from shared memory
 *   fuzz_config           the same on built-in samples (make check runs it)
 *
 * An abort is what a fuzzer reports as a crash. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg.h"

/* The drivers' keys (pel-heat, pel-poisson, [run]), so the files in data/ are seeds
 * that load, and a boolean, which no driver has yet. */
static const pel_cfg_key keys[] = {
    {"heat", "grid", PEL_CFG_GRID, 3, 1e6, NULL, ""},
    {"heat", "length", PEL_CFG_REAL, 1e-300, 1e300, NULL, ""},
    {"heat", "alpha", PEL_CFG_REAL, 1e-300, 1e300, NULL, ""},
    {"heat", "dt", PEL_CFG_REAL, 1e-300, 1e300, NULL, ""},
    {"heat", "bc", PEL_CFG_ENUM, 0, 0, "dirichlet|periodic", ""},
    {"heat", "init", PEL_CFG_ENUM, 0, 0, "mode|random", ""},
    {"heat", "mode", PEL_CFG_INT, 1, 1e6, NULL, ""},
    {"heat", "amplitude", PEL_CFG_REAL, -1e300, 1e300, NULL, ""},
    {"heat", "offset", PEL_CFG_REAL, -1e300, 1e300, NULL, ""},
    {"heat", "seed", PEL_CFG_INT, 0, 4294967295.0, NULL, ""},
    {"poisson", "grid", PEL_CFG_GRID, 2, 1e6, NULL, ""},
    {"poisson", "length", PEL_CFG_REAL, 1e-300, 1e300, NULL, ""},
    {"poisson", "laplacian", PEL_CFG_ENUM, 0, 0, "spectral|fd2", ""},
    {"poisson", "wisdom", PEL_CFG_STRING, 0, 0, NULL, ""},
    {"run", "steps", PEL_CFG_INT, 0, 1e12, NULL, ""},
    {"run", "threads", PEL_CFG_INT, 0, 4096, NULL, ""},
    {"run", "verify_every", PEL_CFG_INT, 0, 1e12, NULL, ""},
    {"run", "timing_every", PEL_CFG_INT, 0, 1e12, NULL, ""},
    {"run", "checkpoint_every", PEL_CFG_INT, 0, 1e12, NULL, ""},
    {"run", "checkpoint_file", PEL_CFG_STRING, 0, 0, NULL, ""},
    {"run", "fast", PEL_CFG_BOOL, 0, 0, NULL, ""},
    PEL_CFG_END};

static const char *defaults =
    "[heat]\ngrid = 8x8\nlength = 1\nalpha = 1\ndt = 1e-3\nbc = dirichlet\ninit = mode\nmode = 1\n"
    "amplitude = 1\noffset = 0\nseed = 1\n[poisson]\ngrid = 8x8\nlength = 1\nlaplacian = fd2\n"
    "wisdom =\n[run]\nsteps = 1\nthreads = 0\nverify_every = 0\ntiming_every = 0\n"
    "checkpoint_every = 0\ncheckpoint_file = x.ckpt\nfast = no\n";

static void check(int ok, const char *what, const char *detail)
{
    if (ok) return;
    fprintf(stderr, "fuzz_config: %s: %s\n", what, detail ? detail : "");
    abort();
}

static pel_config *fresh(pel_context *ctx)
{
    const pel_cfg_key *s[] = {keys};
    pel_config *c = NULL;
    check(pel_config_create(ctx, s, 1, &c) == PEL_OK, "create", pel_context_error(ctx));
    check(pel_config_load_string(c, defaults, "defaults") == PEL_OK, "defaults", pel_context_error(ctx));
    return c;
}

static char *print(const pel_config *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    check(f != NULL, "open_memstream", NULL);
    pel_config_print(c, f);
    fclose(f);
    return text;
}

/* One input: a file (path) or a string (text, when path is NULL). */
static void one(pel_context *ctx, const char *path, const char *text)
{
    pel_config *c = fresh(ctx);
    char *before = print(c);
    pel_status s = path ? pel_config_load_file(c, path) : pel_config_load_string(c, text, "sample");
    const char *msg = pel_context_error(ctx);
    check(s == PEL_OK || s == PEL_ECONFIG || (path && s == PEL_EIO), "status", pel_strerror(s));
    char *after = print(c);
    if (s != PEL_OK) {
        check(msg && *msg && !strchr(msg, '\n'), "refused without a one-line message", msg);
        check(strcmp(before, after) == 0, "a refused load changed the configuration", msg);
    } else {
        pel_config *c2 = fresh(ctx);
        check(pel_config_load_string(c2, after, "printed") == PEL_OK, "printed text does not load",
              pel_context_error(ctx));
        char *again = print(c2);
        check(strcmp(after, again) == 0, "printed text loads to another configuration", after);
        free(again);
        pel_config_destroy(c2);
    }
    free(before);
    free(after);
    pel_config_destroy(c);
}

static void one_buffer(pel_context *ctx, const unsigned char *data, size_t len)
{
    if (memchr(data, '\0', len)) return;
    char *text = malloc(len + 1);
    check(text != NULL, "out of memory", NULL);
    memcpy(text, data, len);
    text[len] = '\0';
    one(ctx, NULL, text);
    free(text);
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

int main(int argc, char **argv)
{
    pel_context *ctx = NULL;
    if (pel_context_create(&ctx) != PEL_OK) return 1;
    if (argc == 2 && strcmp(argv[1], "-") == 0) {
#ifdef __AFL_FUZZ_TESTCASE_LEN
        __AFL_INIT();
        const unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
        while (__AFL_LOOP(10000)) one_buffer(ctx, buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
#else
        static unsigned char buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, stdin);
        one_buffer(ctx, buf, len);
#endif
    } else if (argc > 1) {
        for (int i = 1; i < argc; i++) one(ctx, argv[i], NULL);
    } else {
        static const char *const samples[] = {
            "", "[heat]\nmode = 4\n", "[heat]\ngrid ; = 3\n", "[run]\ncheckpoint_file = a;b # c\nfast: on\n",
            "\xEF\xBB\xBF[heat]\r\nalpha = 1e-3\r\n", "[heat]\n\xEF\xBB\xBF\n", "[heat]\n=\n", "[]\n",
            "[heat\n", "[heat]\n[heat]\n", "[heat]\nmode =\n", "[poisson]\nwisdom =\n", "\r",
            "[heat]\nmode = 4\r", "[heat]\ngrid = 32x32x\n", "[heat]\nalpha = 0x1p3\n", "[run]\n\xFF\n"};
        for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) one(ctx, NULL, samples[i]);
    }
    pel_context_destroy(ctx);
    return 0;
}
