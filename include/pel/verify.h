/* Verification records: each invariant a kernel exposes becomes one record
 * (name, value, reference, tolerances, verdict).  Drivers print and report
 * them; a run passes only when every record does. */
#ifndef PEL_VERIFY_H
#define PEL_VERIFY_H

#include <stdio.h>
#include <pel/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_VERIFY_NAME_MAX 64

/* How value is compared with reference. */
typedef enum pel_verify_kind {
    PEL_VERIFY_CLOSE = 0, /* |value - reference| <= max(abs_tol, rel_tol*|reference|) */
    PEL_VERIFY_AT_MOST,   /* value <= reference + abs_tol  (e.g. an error bound)     */
    PEL_VERIFY_AT_LEAST   /* value >= reference - abs_tol  (e.g. a convergence rate) */
} pel_verify_kind;

typedef struct pel_verify_record {
    char name[PEL_VERIFY_NAME_MAX];
    pel_verify_kind kind;
    double value, reference, abs_tol, rel_tol;
    int pass; /* verdict; a NaN value or reference never passes */
} pel_verify_record;

typedef struct pel_verify_log pel_verify_log;

pel_status pel_verify_log_create(pel_verify_log **log);
void pel_verify_log_destroy(pel_verify_log *log);
void pel_verify_log_clear(pel_verify_log *log);

/* Append one record and return its verdict (1 pass, 0 fail; 0 also when the
 * record could not be stored, which pel_verify_log_passed then reports). */
int pel_verify_close(pel_verify_log *log, const char *name, double value, double reference,
                     double abs_tol, double rel_tol);
int pel_verify_at_most(pel_verify_log *log, const char *name, double value, double bound);
int pel_verify_at_least(pel_verify_log *log, const char *name, double value, double bound);
int pel_verify_add(pel_verify_log *log, const pel_verify_record *rec);

/* The verdict rule alone, for code that keeps its own records. */
int pel_verify_judge(pel_verify_kind kind, double value, double reference, double abs_tol,
                     double rel_tol);

int pel_verify_log_count(const pel_verify_log *log);
const pel_verify_record *pel_verify_log_get(const pel_verify_log *log, int i);
/* 1 when every record passed and none was lost; 1 for an empty log. */
int pel_verify_log_passed(const pel_verify_log *log);
int pel_verify_log_failures(const pel_verify_log *log);

/* One line per record: "PASS name value=... reference=... tol=...". */
void pel_verify_log_print(const pel_verify_log *log, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
