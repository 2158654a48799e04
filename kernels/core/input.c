/* Input files: regular files of a sane size, opened without blocking
 * (include/pel/io.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal/core.h"

pel_status pel_input_open(pel_context *ctx, const char *path, uint64_t max_bytes, FILE **out,
                          uint64_t *size)
{
    if (!out) return pel_error(ctx, PEL_EINVAL, "input file: no stream to fill");
    *out = NULL;
    if (!path || !*path) return pel_error(ctx, PEL_EINVAL, "input file: empty path");
    /* O_NONBLOCK: opening a FIFO must not wait for a writer */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return pel_error(ctx, PEL_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return pel_error(ctx, PEL_EIO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return pel_error(ctx, PEL_EIO, "%s: not a regular file", path);
    }
    if (max_bytes && (uint64_t)st.st_size > max_bytes) {
        close(fd);
        return pel_error(ctx, PEL_EIO, "%s: %lld bytes: larger than the %llu this input may have",
                         path, (long long)st.st_size, (unsigned long long)max_bytes);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return pel_error(ctx, PEL_EIO, "%s: cannot open: %s", path, strerror(e));
    }
    if (size) *size = (uint64_t)st.st_size;
    *out = f;
    return PEL_OK;
}
