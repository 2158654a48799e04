/* Land/ocean masks (pel/mask.h): the format's every error with its place,
 * the block mapping onto finer and coarser grids, and the shipped
 * geographies.  The reference numbers are counts of '#' a reader can redo
 * by eye on the small masks below (and with grep on the shipped ones). */
#include <config.h>

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static pel_status parse(pel_context *ctx, const char *text, size_t nx, size_t ny, double *f)
{
    return pel_mask_parse(ctx, text, strlen(text), "m.txt", nx, ny, f);
}

/* A 4x2 mask: land at (0,0), (0,1), (1,1), (1,3). */
static const char small[] = "; a comment line\n;; and another\n##..\n.#.#\n";

START_TEST(api_format_errors)
{
    pel_context *ctx = tctx(1);
    double f[64];
    for (int i = 0; i < 64; i++) f[i] = -7.0;
    static const struct {
        const char *text, *needle;
    } bad[] = {
        {"", "m.txt:1:1: empty mask"},
        /* an early end is reported at the file's last line, which exists */
        {"; only a comment\n", "m.txt:1:1: empty mask"},
        {"", "m.txt:1:1: empty mask"},
        {"##x.\n....\n", "m.txt:1:3: unexpected character 'x'"},
        {"; c\n##..\n.#.\r\n", "m.txt:3:4: unexpected character '\\r'"},
        {"##..\n..\t.\n", "m.txt:2:3: unexpected character '\\t'"},
        {"##..\n#'..\n", "m.txt:2:2: unexpected character '\\''"},
        {"##..\n..#.\n; late\n", "m.txt:3:1: unexpected character ';'"},
        {"##..\n..#\n", "m.txt:2:4: row of 3 cells, expected 4 (as line 1)"},
        {"##..\n..#..\n", "m.txt:2:5: row of 5 cells, expected 4 (as line 1)"},
        {"##..\n\n", "m.txt:2:1: row of 0 cells, expected 4"},
        {"\n##..\n", "m.txt:1:1: empty line"},
        {"##..\n....\n....\n", "m.txt:3:1: 3 rows of 4 cells: a mask of 4 columns has 2 rows"},
        {"; c\n##..##..\n........\n", "m.txt:3:1: the mask ends after 2 rows of 8 cells: a mask of 8 columns has 4 rows"},
        {"; c\n##..##..\n........", "m.txt:3:1: the mask ends after 2 rows of 8 cells"}, /* no final newline */
        {"###\n", "m.txt:1:3: rows of 3 cells: a mask has an even number of columns"},
        {"##..\n....", NULL}, /* no final newline: fine */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pel_status st = parse(ctx, bad[k].text, 4, 2, f);
        if (!bad[k].needle) {
            ck_assert_int_eq(st, PEL_OK);
            ck_assert(f[0] == 1 && f[1] == 1 && f[2] == 0 && f[7] == 0);
            for (int i = 0; i < 64; i++) f[i] = -7.0;
            continue;
        }
        ck_assert_msg(st == PEL_EFORMAT, "case %zu: %s", k, pel_status_name(st));
        ck_assert_msg(strstr(pel_context_error(ctx), bad[k].needle), "case %zu: '%s' lacks '%s'", k,
                      pel_context_error(ctx), bad[k].needle);
        ck_assert_msg(!strchr(pel_context_error(ctx), '\n'), "case %zu: not one line", k);
        for (int i = 0; i < 64; i++) ck_assert(f[i] == -7.0); /* untouched */
    }
    /* a NUL byte is a character like any other, quoted escaped */
    ck_assert_fails(ctx, pel_mask_parse(ctx, "##..\n.\0..\n", 10, "m.txt", 4, 2, f), PEL_EFORMAT,
                    "m.txt:2:2: unexpected character '\\x00'");
    ck_assert_fails(ctx, pel_mask_parse(ctx, "##..\n.\xff..\n", 10, NULL, 4, 2, f), PEL_EFORMAT,
                    "<string>:2:2: unexpected character '\\xff'");
    /* grids that neither refine nor coarsen the mask by one ratio */
    ck_assert_fails(ctx, parse(ctx, small, 6, 3, f), PEL_EFORMAT,
                    "m.txt:3:1: mask of 4x2 cells does not fit a grid of 6x3");
    ck_assert_fails(ctx, parse(ctx, small, 8, 2, f), PEL_EFORMAT, "does not fit a grid of 8x2");
    ck_assert_fails(ctx, parse(ctx, "##..##..\n........\n........\n........\n", 4, 1, f), PEL_EFORMAT,
                    "mask of 8x4 cells does not fit a grid of 4x1");
    ck_assert_fails(ctx, parse(ctx, small, 0, 2, f), PEL_EINVAL, "grid 0x2");
    ck_assert_fails(ctx, parse(ctx, small, SIZE_MAX / 4, 8, f), PEL_EINVAL, "too many cells");
    ck_assert_fails(ctx, parse(ctx, small, 4, 2, NULL), PEL_EINVAL, "land_fraction is NULL");
    ck_assert_int_eq(pel_mask_parse(NULL, small, strlen(small), NULL, 4, 2, f), PEL_EINVAL);
    for (int i = 0; i < 64; i++) ck_assert(f[i] == -7.0);
    size_t mx = 0, my = 0;
    ck_assert_ok(pel_mask_size(ctx, small, strlen(small), NULL, &mx, &my));
    ck_assert(mx == 4 && my == 2);
    ck_assert_fails(ctx, pel_mask_size(ctx, "#\n", 2, "s", &mx, &my), PEL_EFORMAT, "s:1:1: rows of 1 cells");
}
END_TEST

START_TEST(api_files)
{
    pel_context *ctx = tctx(1);
    double f[8];
    ck_assert_fails(ctx, pel_mask_read(ctx, "no-such-mask.txt", 4, 2, f), PEL_EIO, "no-such-mask.txt: cannot open");
    ck_assert_fails(ctx, pel_mask_read(ctx, ".", 4, 2, f), PEL_EIO, ".: not a regular file");
    ck_assert_fails(ctx, pel_mask_read(ctx, "", 4, 2, f), PEL_EINVAL, "empty path");
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/mask-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    const char text[] = "; two comments\n; before the rows\n##..\n.#x#\n";
    ck_assert(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    close(fd);
    char needle[4200];
    snprintf(needle, sizeof needle, "%s:4:3: unexpected character 'x'", path);
    ck_assert_fails(ctx, pel_mask_read(ctx, path, 4, 2, f), PEL_EFORMAT, needle);
    FILE *o = fopen(path, "w");
    ck_assert_ptr_nonnull(o);
    fputs(small, o);
    fclose(o);
    ck_assert_ok(pel_mask_read(ctx, path, 4, 2, f));
    ck_assert(f[0] == 1 && f[1] == 1 && f[2] == 0 && f[3] == 0 && f[4] == 0 && f[5] == 1 && f[6] == 0 && f[7] == 1);
    snprintf(needle, sizeof needle, "%s:3:1: mask of 4x2 cells does not fit a grid of 2x2", path);
    ck_assert_fails(ctx, pel_mask_read(ctx, path, 2, 2, f), PEL_EFORMAT, needle);
    unlink(path);
}
END_TEST

/* Refinement by r: every grid cell takes its mask cell's value. */
START_TEST(num_refine)
{
    pel_context *ctx = tctx(1);
    const int land[2][4] = {{1, 1, 0, 0}, {0, 1, 0, 1}};
    for (size_t r = 1; r <= 3; r++) {
        size_t nx = 4 * r, ny = 2 * r;
        double *f = malloc(nx * ny * sizeof *f);
        ck_assert_ok(parse(ctx, small, nx, ny, f));
        double sum = 0.0;
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) {
                ck_assert(f[j * nx + i] == land[j / r][i / r]);
                sum += f[j * nx + i];
            }
        /* land area: sum f * (4 pi / (nx ny)) = 4 land cells * (4 pi / 8) */
        ck_assert(sum == 4.0 * (double)(r * r));
        free(f);
    }
}
END_TEST

/* Coarsening by r: a cell's fraction is its block's land count / r^2; the
 * land area is conserved exactly, and land + ocean = 1 exactly. */
START_TEST(num_coarsen)
{
    pel_context *ctx = tctx(1);
    /* 12x6: land where (i + 2 j) % 3 == 0 or i < 2, counted below */
    char text[12 * 7 + 1];
    size_t k = 0, count = 0;
    int cell[6][12];
    for (int j = 0; j < 6; j++) {
        for (int i = 0; i < 12; i++) {
            cell[j][i] = (i + 2 * j) % 3 == 0 || i < 2;
            count += (size_t)cell[j][i];
            text[k++] = cell[j][i] ? '#' : '.';
        }
        text[k++] = '\n';
    }
    text[k] = 0;
    const size_t ratios[] = {1, 2, 3, 6};
    for (int q = 0; q < 4; q++) {
        size_t r = ratios[q], nx = 12 / r, ny = 6 / r;
        double f[72];
        ck_assert_ok(parse(ctx, text, nx, ny, f));
        size_t total = 0;
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) {
                size_t c = 0;
                for (size_t b = 0; b < r; b++)
                    for (size_t a = 0; a < r; a++) c += (size_t)cell[j * r + b][i * r + a];
                double v = f[j * nx + i];
                ck_assert(v == (double)c / (double)(r * r)); /* the nearest double to c / r^2 */
                ck_assert(nearbyint(v * (double)(r * r)) == (double)c);
                ck_assert((1.0 - v) + v == 1.0);            /* land + ocean fractions */
                ck_assert(v >= 0 && v <= 1);
                total += c;
            }
        ck_assert_uint_eq(total, count);
        if (r == 1 || r == 2) { /* fractions in quarters: every partial sum exact */
            double s = 0.0;
            for (size_t i = 0; i < nx * ny; i++) s += f[i];
            ck_assert(s * (double)(r * r) == (double)count);
        }
    }
}
END_TEST

static const char *srcdir(void)
{
    const char *s = getenv("top_srcdir");
    return s && *s ? s : ".";
}

/* The shipped geographies: land counts 0, 8 x 32 = 256 (one 8-column
 * continent pole to pole) and 256 + 12 x 20 = 496, at the masks' own 64x32,
 * refined to 128x64 (area conserved: 4 grid cells per mask cell) and
 * coarsened to 32x16 and 16x8 (fractions in quarters and sixteenths). */
START_TEST(num_shipped)
{
    pel_context *ctx = tctx(1);
    const char *names[] = {"aquaplanet", "continent", "two-continents"};
    const double land[] = {0, 256, 496};
    double *f = malloc(128 * 64 * sizeof *f);
    for (int m = 0; m < 3; m++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/data/masks/%s.txt", srcdir(), names[m]);
        const size_t nxs[] = {64, 128, 32, 16};
        for (int g = 0; g < 4; g++) {
            size_t nx = nxs[g], ny = nx / 2;
            ck_assert_ok(pel_mask_read(ctx, path, nx, ny, f));
            double s = 0.0;
            for (size_t i = 0; i < nx * ny; i++) {
                ck_assert(f[i] >= 0 && f[i] <= 1 && (1.0 - f[i]) + f[i] == 1.0);
                s += f[i];
            }
            /* grid land area sum f (4 pi / (nx ny)) = mask land count (4 pi / (64 32)) */
            ck_assert_msg(s / (double)(nx * ny) == land[m] / (64.0 * 32.0), "%s at %zux%zu: land sum %g", names[m], nx,
                          ny, s);
        }
        /* two-continents at 16x8: the second continent's columns 36..47 and
         * rows 6..25 give cell (1, 9) two land rows of four: 8/16 */
        if (m == 2) {
            ck_assert_ok(pel_mask_read(ctx, path, 16, 8, f));
            ck_assert(f[1 * 16 + 9] == 0.5 && f[1 * 16 + 2] == 1.0 && f[0 * 16 + 9] == 0.0 && f[3 * 16 + 11] == 1.0);
        }
    }
    free(f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mask");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_format_errors);
    tcase_add_test(api, api_files);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_refine);
    tcase_add_test(num, num_coarsen);
    tcase_add_test(num, num_shipped);
    suite_add_tcase(s, num);
    return run_suite(s);
}
