/* Files that appear whole or not at all, and checkpoints built on them.
 *
 * Atomic files: data goes to a temporary file beside the target, which is
 * flushed, fsync'ed and renamed over the target only on commit; a crash, a
 * failed write or an abort leaves no partial file behind.
 *
 * Checkpoints: a self-describing binary file, format version 2.  Integers and
 * reals are in the writer's byte order, which the byte-order mark records (a
 * file of the other order is refused); every section starts at a multiple of
 * 8 bytes, padding is zero.
 *
 *   header, 128 bytes:
 *     0  magic "PELCKPT\0"              8  format version (u32, = 2)
 *    12  byte-order mark 0x01020304     16  kind, e.g. "pel-heat" (char[32])
 *    48  step (u64)                     56  time (f64)
 *    64  metadata records (u32)         68  field records (u32)
 *    72  payload bytes: everything between header and checksum (u64)
 *    80  numerics bytes (u32)           84  zero to the end of the header
 *   numerics: the families' numerics versions, e.g. "heat=1" (no NUL), padded;
 *   each metadata record: kind (u32: 1 integer, 2 real, 3 string), name
 *     length (u32), value (i64, f64, or the string's length as u64), the
 *     name, then the string's bytes, padded;
 *   each field record: element type (u32, the pel_dtype code: 1 f64, 2 f32,
 *     3 i32, 4 i64, 5 u64, 6 u8), rank (u32, 1 to 4), name length (u32),
 *     zero (u32), dims[4] (u64, dims[0] slowest, zero past the rank), the
 *     name, padded;
 *   the fields' element bytes in record order, each field padded;
 *   XXH3-128 of everything before it (16 bytes, big-endian canonical form).
 *
 * Names are 1 to PEL_CKPT_NAME_MAX - 1 bytes and unique among the metadata
 * and among the fields; strings hold at most PEL_CKPT_STRING_MAX bytes and no
 * NUL; a file holds at most PEL_CKPT_MAX_RECORDS metadata and as many field
 * records (a cap that only guards against damaged files).  Reading checks
 * each of these and refuses a file that is truncated, corrupted, foreign or
 * of another format version, saying which; a version-1 file (double fields
 * and double metadata only) is refused with both versions named. */
#ifndef PEL_IO_H
#define PEL_IO_H

#include <stdint.h>
#include <stdio.h>
#include <pel/status.h>
#include <pel/context.h>
#include <pel/field.h>

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

#define PEL_CKPT_VERSION 2
#define PEL_CKPT_KIND_MAX 32       /* including the NUL */
#define PEL_CKPT_NAME_MAX 256      /* including the NUL */
#define PEL_CKPT_STRING_MAX 65536  /* bytes of a string value or the numerics */
#define PEL_CKPT_MAX_RECORDS 65536 /* metadata records, and field records */

/* Writes a checkpoint atomically.  numerics (NULL or "" for none) records the
 * numerics versions of the families whose arithmetic produced the fields,
 * e.g. "heat=1"; meta are the parameters a restart must match; fields the
 * state, of any element type (data may be NULL only when a field is empty). */
pel_status pel_ckpt_write(pel_context *ctx, const char *path, const char *kind,
                          const char *numerics, uint64_t step, double time,
                          const pel_meta *meta, int nmeta, const pel_field *fields, int nfields);

typedef struct pel_ckpt pel_ckpt;

/* Opens and validates a checkpoint (size, magic, version, byte order,
 * checksum, records): a PEL_EFORMAT or PEL_EIO error names the file and the
 * fault. */
pel_status pel_ckpt_open(pel_context *ctx, const char *path, pel_ckpt **ck);
void pel_ckpt_close(pel_ckpt *ck);

const char *pel_ckpt_kind(const pel_ckpt *ck);
uint64_t pel_ckpt_step(const pel_ckpt *ck);
double pel_ckpt_time(const pel_ckpt *ck);
/* The numerics record ("" when the writer gave none). */
const char *pel_ckpt_numerics(const pel_ckpt *ck);

/* Metadata: the i-th record, or the one named; NULL when out of range or
 * absent.  Names and strings stay valid until pel_ckpt_close. */
int pel_ckpt_meta_count(const pel_ckpt *ck);
const pel_meta *pel_ckpt_meta_at(const pel_ckpt *ck, int i);
const pel_meta *pel_ckpt_find_meta(const pel_ckpt *ck, const char *name);
/* A value of the given kind: PEL_EMISMATCH, with a message naming the key,
 * when it is absent or of another kind. */
pel_status pel_ckpt_get_int(pel_ckpt *ck, const char *name, int64_t *value);
pel_status pel_ckpt_get_real(pel_ckpt *ck, const char *name, double *value);
pel_status pel_ckpt_get_string(pel_ckpt *ck, const char *name, const char **value);

/* Fields: how many, and the name, type, rank and dims of field i (info->data
 * is NULL); NULL when i is out of range.  The name stays valid until
 * pel_ckpt_close. */
int pel_ckpt_field_count(const pel_ckpt *ck);
const char *pel_ckpt_field_info(const pel_ckpt *ck, int i, pel_field *info);
/* The index of the field named, -1 when absent. */
int pel_ckpt_find_field(const pel_ckpt *ck, const char *name);
/* Reads a field into dst, which must hold exactly `count` elements of
 * `type`; PEL_EMISMATCH when the field is absent or of another type or
 * size. */
pel_status pel_ckpt_read_field(pel_ckpt *ck, const char *name, pel_dtype type, void *dst,
                               uint64_t count);

#ifdef __cplusplus
}
#endif
#endif
