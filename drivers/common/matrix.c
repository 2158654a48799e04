/* The text matrix reader (matrix.h), first written for pel-cholesky. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/driver.h"
#include "common/matrix.h"

int pel_matrix_read_symmetric(pel_context *ctx, const char *prog, const char *path, size_t max_order,
                              double **a, size_t *n)
{
    FILE *f;
    if (pel_input_open(ctx, path, (uint64_t)1 << 32, &f, NULL)) {
        fprintf(stderr, "%s: error: %s\n", prog, pel_context_error(ctx));
        return PEL_EXIT_USAGE;
    }
    char *line = NULL;
    size_t cap = 0, rows = 0, cols = 0, lineno = 0, nv = 0, capv = 0;
    double *v = NULL; /* row-major as read */
    int st = 0;
    ssize_t got;
    while (!st && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        /* the string functions below would stop at a NUL, reading a part of the line */
        if (memchr(line, '\0', (size_t)got)) {
            fprintf(stderr, "%s: error: %s:%zu: a NUL byte: not a text matrix\n", prog, path, lineno);
            st = PEL_EXIT_USAGE;
            break;
        }
        char *h = strchr(line, '#'), *p = line;
        if (h) *h = '\0';
        size_t k = 0;
        while (!st) {
            p += strspn(p, " \t\r\n");
            if (!*p) break;
            size_t len = strcspn(p, " \t\r\n");
            char *e;
            errno = 0;
            double x = strtod(p, &e);
            int shown = (int)(len > 40 ? 40 : len);
            if (e == p + len && errno == ERANGE) { /* a number, but not a double's */
                fprintf(stderr, "%s: error: %s:%zu: number '%.*s' %s\n", prog, path, lineno, shown, p,
                        fabs(x) > 1 ? "overflows a double" : "underflows a double (too close to 0; write 0 for zero)");
                st = PEL_EXIT_USAGE;
            } else if (e != p + len || !isfinite(x) || !pel_decimal_real(p, len)) { /* no hex, inf, nan */
                fprintf(stderr, "%s: error: %s:%zu: malformed number '%.*s'\n", prog, path, lineno, shown, p);
                st = PEL_EXIT_USAGE;
            } else if (++k > (size_t)max_order) {
                fprintf(stderr, "%s: error: %s:%zu: more than %zu entries in a row\n", prog, path, lineno, max_order);
                st = PEL_EXIT_USAGE;
            } else {
                if (nv == capv) {
                    capv = capv ? 2 * capv : 1024;
                    double *w = realloc(v, capv * sizeof *v);
                    if (!w) {
                        fprintf(stderr, "%s: error: %s: out of memory\n", prog, path);
                        st = PEL_EXIT_RUN;
                        break;
                    }
                    v = w;
                }
                v[nv++] = x;
            }
            p += len;
        }
        if (st || k == 0) continue;
        if (rows == 0) cols = k;
        if (k != cols) {
            fprintf(stderr, "%s: error: %s:%zu: row %zu has %zu entries, row 1 has %zu\n", prog, path, lineno, rows + 1, k, cols);
            st = PEL_EXIT_USAGE;
        } else if (++rows > cols) {
            fprintf(stderr, "%s: error: %s:%zu: not square: more than %zu rows of %zu entries\n", prog, path, lineno, cols, cols);
            st = PEL_EXIT_USAGE;
        }
    }
    if (!st && ferror(f)) {
        fprintf(stderr, "%s: error: %s: read error\n", prog, path);
        st = PEL_EXIT_USAGE;
    }
    if (!st && rows == 0) {
        fprintf(stderr, "%s: error: %s: no matrix rows\n", prog, path);
        st = PEL_EXIT_USAGE;
    } else if (!st && rows != cols) {
        fprintf(stderr, "%s: error: %s: not square: %zu rows of %zu entries\n", prog, path, rows, cols);
        st = PEL_EXIT_USAGE;
    }
    for (size_t i = 0; !st && i < rows; i++)
        for (size_t j = 0; !st && j < i; j++)
            if (v[i * cols + j] != v[j * cols + i]) {
                fprintf(stderr, "%s: error: %s: not symmetric: a[%zu][%zu] = %.17g but a[%zu][%zu] = %.17g\n", prog,
                        path, i + 1, j + 1, v[i * cols + j], j + 1, i + 1, v[j * cols + i]);
                st = PEL_EXIT_USAGE;
            }
    free(line);
    fclose(f);
    if (st) {
        free(v);
        return st;
    }
    *a = v; /* symmetric: row-major is column-major */
    *n = cols;
    return 0;
}
