/* Fingerprints: XXH3-128 (xxHash 0.8) of raw bytes. */
#include <config.h>

#include <stdio.h>
#include <xxhash.h>

#include <pel/fingerprint.h>

void pel_hash128(const void *data, size_t bytes, unsigned char digest[16])
{
    XXH128_hash_t h = XXH3_128bits(data, bytes);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h); /* big-endian: same bytes on every machine */
    for (int i = 0; i < 16; i++) digest[i] = c.digest[i];
}

void pel_fingerprint(const void *data, size_t bytes, char hex[PEL_FINGERPRINT_HEX])
{
    unsigned char d[16];
    pel_hash128(data, bytes, d);
    for (int i = 0; i < 16; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

void pel_field_fingerprint(const pel_field *f, char hex[PEL_FINGERPRINT_HEX])
{
    uint64_t bytes = pel_field_bytes(f);
    pel_fingerprint(bytes ? f->data : "", (size_t)bytes, hex);
}
