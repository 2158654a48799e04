/* Status codes: one X-macro list generates the enum and pel_strerror().
 * The context's message gives the detail each code promises: the failing
 * index for PEL_ESINGULAR, the field, index and step for PEL_ENONFINITE,
 * the iterations and residual reached for PEL_ENOTCONV, the limit and a
 * stable value for PEL_EUNSTABLE, the call and how far it got for
 * PEL_ECANCELED ("align: cancelled after 1234 of 5000 tiles"). */
#ifndef PEL_STATUS_H
#define PEL_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_STATUS_LIST(X)                                                   \
    X(PEL_OK,        0, "success")                                           \
    X(PEL_EINVAL,    1, "invalid argument")                                  \
    X(PEL_ENOMEM,    2, "out of memory")                                     \
    X(PEL_EUNSTABLE, 3, "time step beyond the stability limit")              \
    X(PEL_EIO,       4, "input/output error")                                \
    X(PEL_EFORMAT,   5, "malformed or corrupted file")                       \
    X(PEL_EMISMATCH, 6, "data does not match this problem")                  \
    X(PEL_EFFTW,     7, "FFTW could not make a plan")                        \
    X(PEL_EVERIFY,   8, "verification failed")                               \
    X(PEL_ECONFIG,   9, "invalid configuration")                             \
    X(PEL_ENOTSUP,  10, "not supported")                                     \
    X(PEL_ENOTCONV, 11, "did not converge to the requested tolerance")      \
    X(PEL_ESINGULAR, 12, "matrix is singular or not positive definite")     \
    X(PEL_ENONFINITE, 13, "non-finite value detected")                        \
    X(PEL_ECANCELED, 14, "cancelled by the context's cancellation flag")

typedef enum pel_status {
#define PEL_STATUS_ENUM_(name, code, text) name = code,
    PEL_STATUS_LIST(PEL_STATUS_ENUM_)
#undef PEL_STATUS_ENUM_
} pel_status;

/* A short English description of a status code; never NULL. */
const char *pel_strerror(pel_status status);

/* The enum's own name ("PEL_EINVAL"), for reports; never NULL. */
const char *pel_status_name(pel_status status);

#ifdef __cplusplus
}
#endif
#endif
