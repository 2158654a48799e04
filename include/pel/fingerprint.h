/* Fingerprints: XXH3-128 of an array's bytes, as 32 hex digits.  Two runs
 * produced bitwise-identical fields exactly when the fingerprints agree. */
#ifndef PEL_FINGERPRINT_H
#define PEL_FINGERPRINT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_FINGERPRINT_HEX 33 /* 32 hex digits and the terminating NUL */

void pel_fingerprint(const void *data, size_t bytes, char hex[PEL_FINGERPRINT_HEX]);

/* Raw 128-bit form (high word first), e.g. for checksums in files. */
void pel_hash128(const void *data, size_t bytes, unsigned char digest[16]);

#ifdef __cplusplus
}
#endif
#endif
