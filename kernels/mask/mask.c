/* Land/ocean masks (include/pel/mask.h): a strict reader of the text format
 * and the block mapping onto a grid that refines or coarsens the mask. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pel/io.h>
#include <pel/mask.h>

#include "internal/core.h"

typedef struct mask {
    unsigned char *cell; /* mx * my, 1 land, row-major, row 0 north */
    size_t mx, my;
    long first_line; /* the line of the first row */
} mask;

/* A byte as it is quoted in a message: printable ones as they are, others
 * escaped, so a message stays one line. */
static void quote_char(unsigned char c, char out[8])
{
    switch (c) {
    case '\r': strcpy(out, "\\r"); return;
    case '\t': strcpy(out, "\\t"); return;
    case '\\': strcpy(out, "\\\\"); return;
    case '\'': strcpy(out, "\\'"); return;
    default:
        if (c >= 0x20 && c < 0x7f) out[0] = (char)c, out[1] = 0;
        else snprintf(out, 8, "\\x%02x", c);
    }
}

/* Parses text into m (m->cell allocated here, NULL on failure). */
static pel_status parse(pel_context *ctx, const char *text, size_t len, const char *origin, mask *m)
{
    memset(m, 0, sizeof *m);
    if (!origin) origin = "<string>";
    if (!text && len) return pel_error(ctx, PEL_EINVAL, "mask: text is NULL");
    unsigned char *cell = malloc(len ? len : 1);
    if (!cell) return pel_error(ctx, PEL_ENOMEM, "%s: no memory for a mask of %zu bytes", origin, len);
    size_t pos = 0, width = 0, rows = 0, ncell = 0;
    long line = 1, width_line = 0, extra_line = 0;
    while (pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl != NULL);
        if (rows == 0 && n > 0 && s[0] == ';') { /* a comment before the rows */
            line++;
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            if (s[k] == '#' || s[k] == '.') continue;
            char q[8];
            quote_char((unsigned char)s[k], q);
            free(cell);
            return pel_error(ctx, PEL_EFORMAT,
                             "%s:%ld:%zu: unexpected character '%s' (a mask cell is '#' land or '.' ocean)",
                             origin, line, k + 1, q);
        }
        if (rows == 0) {
            width = n, width_line = line, m->first_line = line;
            if (n == 0) {
                free(cell);
                return pel_error(ctx, PEL_EFORMAT, "%s:%ld:1: empty line where the mask's first row should be", origin, line);
            }
        } else if (n != width) {
            free(cell);
            return pel_error(ctx, PEL_EFORMAT, "%s:%ld:%zu: row of %zu cells, expected %zu (as line %ld)", origin, line,
                             (n < width ? n : width) + 1, n, width, width_line);
        }
        if (rows == width / 2) extra_line = line; /* the first row too many */
        for (size_t k = 0; k < n; k++) cell[ncell++] = s[k] == '#';
        rows++;
        line++;
    }
    /* the file's last line (1 for an empty file), where an early end is
     * reported: line is one past it */
    long last = line > 1 ? line - 1 : 1;
    if (rows == 0) {
        free(cell);
        return pel_error(ctx, PEL_EFORMAT, "%s:%ld:1: empty mask: no rows of '#' (land) and '.' (ocean)", origin, last);
    }
    if (width % 2) {
        free(cell);
        return pel_error(ctx, PEL_EFORMAT, "%s:%ld:%zu: rows of %zu cells: a mask has an even number of columns (2 per row)",
                         origin, width_line, width, width);
    }
    if (rows != width / 2) {
        free(cell);
        if (rows > width / 2)
            return pel_error(ctx, PEL_EFORMAT, "%s:%ld:1: %zu rows of %zu cells: a mask of %zu columns has %zu rows",
                             origin, extra_line, rows, width, width, width / 2);
        return pel_error(ctx, PEL_EFORMAT, "%s:%ld:1: the mask ends after %zu rows of %zu cells: a mask of %zu columns has %zu rows",
                         origin, last, rows, width, width, width / 2);
    }
    m->cell = cell;
    m->mx = width;
    m->my = rows;
    return PEL_OK;
}

pel_status pel_mask_size(pel_context *ctx, const char *text, size_t len, const char *origin, size_t *mx,
                         size_t *my)
{
    if (!ctx) return PEL_EINVAL;
    mask m;
    pel_status st = parse(ctx, text, len, origin, &m);
    if (st) return st;
    if (mx) *mx = m.mx;
    if (my) *my = m.my;
    free(m.cell);
    return PEL_OK;
}

/* Maps m onto the grid (see the header); every check before any write. */
static pel_status map(pel_context *ctx, const mask *m, const char *origin, size_t nx, size_t ny, double *f)
{
    if (!origin) origin = "<string>";
    const size_t mx = m->mx, my = m->my;
    if (nx % mx == 0 && ny % my == 0 && nx / mx == ny / my) {
        const size_t r = nx / mx;
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) f[j * nx + i] = m->cell[(j / r) * mx + i / r];
        return PEL_OK;
    }
    if (mx % nx == 0 && my % ny == 0 && mx / nx == my / ny) {
        const size_t r = mx / nx;
        const double r2 = (double)r * (double)r;
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) {
                size_t c = 0;
                for (size_t b = 0; b < r; b++)
                    for (size_t a = 0; a < r; a++) c += m->cell[(j * r + b) * mx + i * r + a];
                f[j * nx + i] = (double)c / r2;
            }
        return PEL_OK;
    }
    return pel_error(ctx, PEL_EFORMAT,
                     "%s:%ld:1: mask of %zux%zu cells does not fit a grid of %zux%zu: the grid must refine or "
                     "coarsen it by one integer ratio in both directions",
                     origin, m->first_line, mx, my, nx, ny);
}

static pel_status check_grid(pel_context *ctx, size_t nx, size_t ny, const double *f)
{
    PEL_REQUIRE(ctx, nx >= 1 && ny >= 1, "mask: grid %zux%zu: both sizes must be at least 1", nx, ny);
    PEL_REQUIRE(ctx, nx <= SIZE_MAX / sizeof(double) / ny, "mask: grid %zux%zu: too many cells", nx, ny);
    PEL_REQUIRE(ctx, f != NULL, "mask: land_fraction is NULL");
    return PEL_OK;
}

pel_status pel_mask_parse(pel_context *ctx, const char *text, size_t len, const char *origin, size_t nx,
                          size_t ny, double *land_fraction)
{
    if (!ctx) return PEL_EINVAL;
    pel_status st = check_grid(ctx, nx, ny, land_fraction);
    if (st) return st;
    mask m;
    if ((st = parse(ctx, text, len, origin, &m))) return st;
    st = map(ctx, &m, origin, nx, ny, land_fraction);
    free(m.cell);
    return st;
}

pel_status pel_mask_read(pel_context *ctx, const char *path, size_t nx, size_t ny, double *land_fraction)
{
    if (!ctx) return PEL_EINVAL;
    pel_status st = check_grid(ctx, nx, ny, land_fraction);
    if (st) return st;
    FILE *f = NULL;
    uint64_t size = 0;
    if ((st = pel_input_open(ctx, path, PEL_MASK_MAX_BYTES, &f, &size))) return st;
    char *text = malloc(size ? (size_t)size : 1);
    if (!text) {
        fclose(f);
        return pel_error(ctx, PEL_ENOMEM, "%s: no memory for %llu bytes", path, (unsigned long long)size);
    }
    size_t got = fread(text, 1, (size_t)size, f);
    int bad = ferror(f) || getc(f) != EOF; /* shorter or longer than it was */
    fclose(f);
    if (got != size || bad) {
        free(text);
        return pel_error(ctx, PEL_EIO, "%s: read error (the file changed while it was read?)", path);
    }
    st = pel_mask_parse(ctx, text, (size_t)size, path, nx, ny, land_fraction);
    free(text);
    return st;
}
