/* Land/ocean masks: small text files of idealised geographies, mapped onto a
 * grid of nx x ny cells as a land fraction per cell.
 *
 * The format (docs/land.md):
 *   - any number of comment lines first, each starting with ';';
 *   - then one line per latitude band, north to south, one character per
 *     longitude cell, west to east from longitude 0: '#' land, '.' ocean;
 *   - MY rows of MX = 2 MY cells each (the equal-area grid's aspect: NX = 2 NY),
 *     every row of the same length; lines end with '\n' (the last one may
 *     lack it); nothing else: no blanks, no '\r', no trailing empty lines.
 *
 * Mapping onto an nx x ny grid (row-major, row 0 the northernmost band):
 *   - refinement, nx = r MX and ny = r MY: each mask cell covers an r x r
 *     block of grid cells, whose fractions are 0 or 1;
 *   - coarsening, MX = r nx and MY = r ny: a grid cell's land fraction is the
 *     share of land among the r x r mask cells it covers, c / r^2 with c the
 *     land count (exact whenever r is a power of two; the nearest double to
 *     c / r^2 otherwise); the ocean fraction 1 - f then sums with it to 1
 *     exactly in floating point;
 *   - anything else (another ratio, or different ratios in x and y) is an
 *     error.
 * Since every cell of the equal-area grid has the same area, the land area
 * of the grid (sum of fractions times the cell area) equals the mask's land
 * count times the mask's cell area.
 *
 * Errors are PEL_EFORMAT (or PEL_EIO when the file cannot be opened: only
 * regular files are read, pel_input_open) with one line naming the place:
 *   "mask.txt:3:17: unexpected character 'x' (a mask cell is '#' land or '.' ocean)"
 *   "mask.txt:4:9: row of 8 cells, expected 16 (as line 2)"
 *   "mask.txt:10:1: 9 rows of 16 cells: a mask of 16 columns has 8 rows"
 *   "continent.txt:1:1: mask of 16x8 cells does not fit a grid of 12x6 ..."
 * A character that is not printable is quoted escaped ('\r', '\x00'). */
#ifndef PEL_MASK_H
#define PEL_MASK_H

#include <stddef.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest mask file pel_mask_read accepts (bytes). */
#define PEL_MASK_MAX_BYTES (64u << 20)

/* Reads the mask at `path` onto an nx x ny grid: land_fraction receives
 * nx * ny values in [0, 1], row-major (row 0 north).  On failure
 * land_fraction is unchanged. */
pel_status pel_mask_read(pel_context *ctx, const char *path, size_t nx, size_t ny,
                         double *land_fraction);

/* The same from memory: len bytes of text (a NUL among them is an
 * unexpected character); `origin` names the text in messages (NULL:
 * "<string>"). */
pel_status pel_mask_parse(pel_context *ctx, const char *text, size_t len, const char *origin,
                          size_t nx, size_t ny, double *land_fraction);

/* The mask's own size (MX columns, MY rows), checking its format: for
 * choosing a grid that fits.  Either pointer may be NULL. */
pel_status pel_mask_size(pel_context *ctx, const char *text, size_t len, const char *origin,
                         size_t *mx, size_t *my);

#ifdef __cplusplus
}
#endif
#endif
