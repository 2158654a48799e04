/* Fingerprints: XXH3-128 of an array's bytes, as 32 hex digits.  Two runs
 * produced bitwise-identical fields exactly when the fingerprints agree.
 *
 * A field's fingerprint is the hash of its raw element bytes as stored, in
 * C order (dims[0] slowest), whatever its element type: little-endian on
 * every machine PEL supports (checkpoints refuse the other byte order).  An
 * f64 field therefore has the fingerprint of its array of doubles, as before
 * fields were typed.  The type is not hashed: reports print it beside the
 * fingerprint. */
#ifndef PEL_FINGERPRINT_H
#define PEL_FINGERPRINT_H

#include <stddef.h>
#include <pel/field.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_FINGERPRINT_HEX 33 /* 32 hex digits and the terminating NUL */

void pel_fingerprint(const void *data, size_t bytes, char hex[PEL_FINGERPRINT_HEX]);

/* The fingerprint of a field's data (pel_field_bytes of it). */
void pel_field_fingerprint(const pel_field *f, char hex[PEL_FINGERPRINT_HEX]);

/* Raw 128-bit form (high word first), e.g. for checksums in files. */
void pel_hash128(const void *data, size_t bytes, unsigned char digest[16]);

#ifdef __cplusplus
}
#endif
#endif
