/* Fuzzing harness for the checkpoint reader (docs/fuzzing.md).
 *
 *   fuzz_ckpt [--reseal] FILE...
 *                       opens each FILE with pel_ckpt_open and, when it is
 *                       accepted, reads every metadata record and every
 *                       field (up to 256 MiB each); aborts if a refusal has
 *                       no one-line message, an accepted name, kind or
 *                       numerics holds a control character (messages echo
 *                       them),
 *                       or a field cannot be read as described
 *   fuzz_ckpt [--reseal] -
 *                       the same on standard input (copied to a temporary
 *                       file); built with afl-clang-fast, this is AFL++'s
 *                       persistent mode, many inputs per process
 *   fuzz_ckpt           the same on a small checkpoint it writes and on
 *                       every truncation of it, as cut and resealed
 *                       (make check runs it)
 *
 * --reseal first rewrites the payload length and the checksum to match the
 * input, so that mutations reach the record parser behind the integrity
 * check (which otherwise refuses nearly all of them).
 *
 * An abort is what a fuzzer reports as a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include <pel/pel.h>

#define HEADER 128 /* pel/io.h: the header, then the payload, then XXH3-128 */

static void check(int ok, const char *what, const char *detail)
{
    if (ok) return;
    fprintf(stderr, "fuzz_ckpt: %s: %s\n", what, detail ? detail : "");
    abort();
}

/* Names, the kind and the numerics are echoed in one-line messages (string
 * values may hold any text but NUL: the format keeps them exactly). */
static int printable(const char *t)
{
    for (; t && *t; t++)
        if (((unsigned char)*t < 0x20 && *t != '\t') || *t == 0x7F) return 0;
    return 1;
}

static void one(pel_context *ctx, const char *path)
{
    pel_ckpt *ck = NULL;
    pel_status s = pel_ckpt_open(ctx, path, &ck);
    if (s != PEL_OK) {
        const char *msg = pel_context_error(ctx);
        check(msg && *msg && !strchr(msg, '\n'), "refused without a one-line message", msg);
        check(ck == NULL, "refused but returned a handle", path);
        return;
    }
    check(pel_ckpt_kind(ck) != NULL && pel_ckpt_numerics(ck) != NULL, "kind or numerics", path);
    check(printable(pel_ckpt_kind(ck)) && printable(pel_ckpt_numerics(ck)), "a control character accepted in the kind or numerics", path);
    (void)pel_ckpt_step(ck);
    (void)pel_ckpt_time(ck);
    for (int i = 0; i < pel_ckpt_meta_count(ck); i++) {
        const pel_meta *m = pel_ckpt_meta_at(ck, i);
        check(m && m->name && pel_ckpt_find_meta(ck, m->name), "metadata record", path);
        check(printable(m->name), "a control character accepted in a metadata name", path);
    }
    for (int i = 0; i < pel_ckpt_field_count(ck); i++) {
        pel_field info;
        const char *name = pel_ckpt_field_info(ck, i, &info);
        check(name != NULL, "field info", path);
        check(printable(name), "a control character accepted in a field name", path);
        uint64_t count = pel_field_count(&info), bytes = pel_field_bytes(&info);
        if (bytes > ((uint64_t)256 << 20)) continue;
        void *buf = malloc(bytes ? bytes : 1);
        check(buf != NULL, "out of memory", path);
        s = pel_ckpt_read_field(ck, name, info.type, buf, count);
        check(s == PEL_OK, "an accepted field does not read", pel_context_error(ctx));
        free(buf);
    }
    pel_ckpt_close(ck);
}

/* The payload length and checksum of data, made to match it. */
static void reseal(unsigned char *data, size_t len)
{
    if (len < HEADER + 16) return;
    uint64_t payload = len - HEADER - 16;
    memcpy(data + 72, &payload, sizeof payload);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(data, len - 16));
    memcpy(data + len - 16, &c, 16);
}

/* One input from memory, through a temporary file. */
static void one_buffer(pel_context *ctx, const char *tmp, const unsigned char *data, size_t len,
                       int sealed)
{
    unsigned char *copy = NULL;
    if (sealed) {
        copy = malloc(len ? len : 1);
        check(copy != NULL, "out of memory", NULL);
        memcpy(copy, data, len);
        reseal(copy, len);
        data = copy;
    }
    FILE *g = fopen(tmp, "wb");
    check(g && fwrite(data, 1, len, g) == len && fclose(g) == 0, "write the input", tmp);
    free(copy);
    one(ctx, tmp);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, k;
    unsigned char *b = malloc(cap);
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            unsigned char *t = realloc(b, cap *= 2);
            if (!t) free(b);
            b = t;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

int main(int argc, char **argv)
{
    pel_context *ctx = NULL;
    if (pel_context_create(&ctx) != PEL_OK) return 1;
    int sealed = argc > 1 && strcmp(argv[1], "--reseal") == 0;
    argc -= sealed;
    argv += sealed;
    if (argc == 2 && strcmp(argv[1], "-") == 0) {
        char tmp[] = "/tmp/pel-fuzz-ckpt-XXXXXX";
        int fd = mkstemp(tmp);
        check(fd >= 0, "mkstemp", NULL);
        close(fd);
#ifdef __AFL_FUZZ_TESTCASE_LEN
        __AFL_INIT();
        const unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
        while (__AFL_LOOP(10000)) one_buffer(ctx, tmp, buf, (size_t)__AFL_FUZZ_TESTCASE_LEN, sealed);
#else
        static unsigned char buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, stdin);
        one_buffer(ctx, tmp, buf, len, sealed);
#endif
        unlink(tmp);
        pel_context_destroy(ctx);
        return 0;
    }
    if (argc > 1) {
        char tmp[] = "/tmp/pel-fuzz-ckpt-XXXXXX";
        int fd = sealed ? mkstemp(tmp) : 0;
        check(fd >= 0, "mkstemp", NULL);
        if (sealed) close(fd);
        for (int i = 1; i < argc; i++) {
            size_t len = 0;
            unsigned char *b = sealed ? slurp(argv[i], &len) : NULL;
            if (b) one_buffer(ctx, tmp, b, len, 1);
            else one(ctx, argv[i]);
            free(b);
        }
        if (sealed) unlink(tmp);
        pel_context_destroy(ctx);
        return 0;
    }
    char dir[] = "/tmp/pel-fuzz-ckpt-XXXXXX";
    check(mkdtemp(dir) != NULL, "mkdtemp", NULL);
    char path[64], cut[64];
    snprintf(path, sizeof path, "%s/a.ckpt", dir);
    snprintf(cut, sizeof cut, "%s/cut.ckpt", dir);
    double u[12];
    int32_t l[3] = {1, -2, 3};
    for (int i = 0; i < 12; i++) u[i] = i * 0.5;
    pel_meta meta[2] = {pel_meta_int("n", 12), pel_meta_string("bc", "periodic")};
    pel_field fields[2] = {{"u", PEL_F64, 2, {3, 4}, u}, {"l", PEL_I32, 1, {3}, l}};
    check(pel_ckpt_write(ctx, path, "sample", "x=1", 7, 0.5, meta, 2, fields, 2) == PEL_OK, "write",
          pel_context_error(ctx));
    FILE *f = fopen(path, "rb");
    check(f != NULL, "reopen", path);
    char data[4096];
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    one(ctx, path);
    for (size_t k = 0; k < n; k++) {
        one_buffer(ctx, cut, (unsigned char *)data, k, 0);
        one_buffer(ctx, cut, (unsigned char *)data, k, 1);
    }
    /* forged names and kind: a control character in any of them is refused
     * with a message that stays on one line (in a string value it is kept) */
    static const char *const forge[] = {"sample", "periodic", "bc", "u"};
    for (size_t j = 0; j < sizeof forge / sizeof *forge; j++)
        for (size_t k = 0; k + strlen(forge[j]) <= n; k++)
            if (memcmp(data + k, forge[j], strlen(forge[j])) == 0) {
                char forged[4096];
                memcpy(forged, data, n);
                forged[k + 1] = '\n';
                one_buffer(ctx, cut, (unsigned char *)forged, n, 1);
                forged[k + 1] = '\r';
                one_buffer(ctx, cut, (unsigned char *)forged, n, 1);
                break;
            }
    unlink(cut);
    unlink(path);
    rmdir(dir);
    pel_context_destroy(ctx);
    return 0;
}
