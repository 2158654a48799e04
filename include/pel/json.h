/* A streaming JSON writer: output is valid JSON whatever the strings hold
 * (control characters escaped, invalid UTF-8 replaced by U+FFFD, NaN and
 * infinities written as null).  Pretty-printed, one member per line. */
#ifndef PEL_JSON_H
#define PEL_JSON_H

#include <stdio.h>
#include <pel/status.h>
#include <pel/context.h>
#include <pel/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_json pel_json;

pel_status pel_json_create(pel_json **w, FILE *out);
/* PEL_OK when every value was well placed, every container closed and every
 * write succeeded; frees the writer in any case (it does not close `out`). */
pel_status pel_json_finish(pel_json *w);

void pel_json_object_begin(pel_json *w);
void pel_json_object_end(pel_json *w);
void pel_json_array_begin(pel_json *w);
void pel_json_array_end(pel_json *w);
void pel_json_key(pel_json *w, const char *key);
void pel_json_string(pel_json *w, const char *s); /* NULL writes null */
void pel_json_number(pel_json *w, double x);      /* shortest round-trip form */
void pel_json_int(pel_json *w, long long x);
void pel_json_bool(pel_json *w, int b);
void pel_json_null(pel_json *w);

/* key + value shorthands */
void pel_json_kv_string(pel_json *w, const char *key, const char *s);
void pel_json_kv_number(pel_json *w, const char *key, double x);
void pel_json_kv_int(pel_json *w, const char *key, long long x);
void pel_json_kv_bool(pel_json *w, const char *key, int b);

/* Core objects as JSON values. */
void pel_json_regions(pel_json *w, const pel_context *ctx);   /* array of region stats */
void pel_json_verify_log(pel_json *w, const pel_verify_log *log); /* array of records */

#ifdef __cplusplus
}
#endif
#endif
