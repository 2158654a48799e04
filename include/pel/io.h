/* Files that appear whole or not at all, and checkpoints built on them.
 *
 * Atomic files: data goes to a temporary file beside the target, which is
 * flushed, fsync'ed and renamed over the target only on commit; a crash, a
 * failed write or an abort leaves no partial file behind.
 *
 * Checkpoints: a self-describing binary file.
 *   header (128 bytes): magic "PELCKPT\0", format version, byte-order mark,
 *     kind (e.g. "heat"), step, time, number of metadata and field records,
 *     payload size;
 *   metadata records: name[32] + double (sizes and parameters of the run);
 *   field records: name[32] + rank + dims[4];
 *   the fields' doubles;
 *   XXH3-128 of everything before it.
 * Reading checks each of these and refuses a file that is truncated,
 * corrupted, foreign or of another version, saying which. */
#ifndef PEL_IO_H
#define PEL_IO_H

#include <stdint.h>
#include <stdio.h>
#include <pel/status.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_afile pel_afile;

/* Targets: a path that does not exist or names a regular file is written;
 * a device, FIFO, directory or symbolic link standing there is refused
 * (PEL_EIO), never replaced.  New files get mode 0666 less the umask. */
pel_status pel_afile_open(pel_context *ctx, const char *path, pel_afile **f);
/* Whether pel_afile_open and commit could write `path` now (the same rule;
 * creates and removes a temporary file beside it): for checking outputs
 * before a long run. */
pel_status pel_afile_check(pel_context *ctx, const char *path);
/* The temporary file's path, for a signal handler that must remove it
 * (unlink is async-signal-safe); NULL for NULL. */
const char *pel_afile_temp_path(const pel_afile *f);
FILE *pel_afile_stream(pel_afile *f);
/* Flush, fsync, rename into place, fsync the directory; on failure the
 * temporary file is removed.  Frees f in every case. */
pel_status pel_afile_commit(pel_context *ctx, pel_afile *f);
/* Discard: remove the temporary file and free f. */
void pel_afile_abort(pel_afile *f);

/* Opens an input (a configuration, checkpoint, baseline or wisdom file):
 * it must be a regular file of at most max_bytes (0: no limit); a FIFO, a
 * device or a directory is refused at once (PEL_EIO, naming the path), and
 * opening never blocks.  size (may be NULL) receives its length. */
pel_status pel_input_open(pel_context *ctx, const char *path, uint64_t max_bytes, FILE **f,
                          uint64_t *size);

#define PEL_CKPT_VERSION 1
#define PEL_CKPT_NAME_MAX 32 /* including the NUL */
#define PEL_CKPT_MAX_RECORDS 256

typedef struct pel_ckpt_meta {
    const char *name;
    double value; /* integers up to 2^53 are exact */
} pel_ckpt_meta;

typedef struct pel_ckpt_field {
    const char *name;
    const double *data;
    int rank;         /* 1 to 4 */
    uint64_t dims[4]; /* dims[0] slowest */
} pel_ckpt_field;

pel_status pel_ckpt_write(pel_context *ctx, const char *path, const char *kind, uint64_t step,
                          double time, const pel_ckpt_meta *meta, int nmeta,
                          const pel_ckpt_field *fields, int nfields);

typedef struct pel_ckpt pel_ckpt;

/* Opens and validates a checkpoint (size, magic, version, byte order,
 * checksum): a PEL_EFORMAT or PEL_EIO error names the file and the fault. */
pel_status pel_ckpt_open(pel_context *ctx, const char *path, pel_ckpt **ck);
void pel_ckpt_close(pel_ckpt *ck);

const char *pel_ckpt_kind(const pel_ckpt *ck);
uint64_t pel_ckpt_step(const pel_ckpt *ck);
double pel_ckpt_time(const pel_ckpt *ck);
/* PEL_EMISMATCH (with a message) when the name is absent. */
pel_status pel_ckpt_get_meta(pel_ckpt *ck, const char *name, double *value);
/* Reads a field into dst, which must hold exactly `count` doubles;
 * PEL_EMISMATCH when the field is absent or its size differs. */
pel_status pel_ckpt_read_field(pel_ckpt *ck, const char *name, double *dst, uint64_t count);
int pel_ckpt_field_count(const pel_ckpt *ck);
/* Name, rank and dims of field i; NULL name when out of range. */
const char *pel_ckpt_field_info(const pel_ckpt *ck, int i, int *rank, uint64_t dims[4]);

#ifdef __cplusplus
}
#endif
#endif
