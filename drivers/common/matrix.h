/* A dense matrix from a text file, for the drivers that take one
 * (pel-cholesky --matrix): one matrix row per line, numbers separated by
 * blanks, '#' starting a comment, blank lines skipped. */
#ifndef PEL_DRIVER_MATRIX_H
#define PEL_DRIVER_MATRIX_H

#include <pel/pel.h>

/* Reads the square, exactly symmetric matrix in path into *a (malloc'd,
 * n x n, column-major; free it), at most max_order rows.  Returns 0, or
 * prints one line "prog: error: ..." naming the file (and the line, row or
 * entries at fault) on stderr and returns PEL_EXIT_USAGE (PEL_EXIT_RUN when
 * out of memory). */
int pel_matrix_read_symmetric(pel_context *ctx, const char *prog, const char *path, size_t max_order,
                              double **a, size_t *n);

#endif
