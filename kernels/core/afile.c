/* Atomic files: written beside the target, fsync'ed and renamed into place
 * (include/pel/io.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal/core.h"

struct pel_afile {
    FILE *f;
    char *path, *tmp;
};

/* The rule for targets: a missing path or a regular file is written (the
 * rename replaces it whole); anything else that stands there (a device, a
 * FIFO, a directory, a symbolic link) is refused, never replaced. */
static pel_status check_target(pel_context *ctx, const char *path)
{
    if (!path || !*path) return pel_error(ctx, PEL_EINVAL, "output file: empty path");
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode))
            return pel_error(ctx, PEL_EIO, "%s: is a symbolic link: refusing to replace it", path);
        if (!S_ISREG(st.st_mode))
            return pel_error(ctx, PEL_EIO, "%s: not a regular file: refusing to replace it", path);
    } else if (errno != ENOENT) {
        return pel_error(ctx, PEL_EIO, "%s: %s", path, strerror(errno));
    }
    return PEL_OK;
}

/* A new file beside the target, created with mode 0666 less the umask (as
 * any new file of the process would be), exclusively. */
static int create_tmp(const char *path, char *tmp, size_t cap)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuv";
    uint64_t x = (uint64_t)getpid() * 0x9E3779B97F4A7C15u ^ (uint64_t)(uintptr_t)tmp;
    for (int attempt = 0; attempt < 100; attempt++) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        x ^= (uint64_t)ts.tv_nsec + ((uint64_t)attempt << 40);
        x *= 0xBF58476D1CE4E5B9u;
        char suffix[7];
        for (int i = 0; i < 6; i++) suffix[i] = digits[(x >> (5 * i)) & 31];
        suffix[6] = '\0';
        snprintf(tmp, cap, "%s.tmp.%s", path, suffix);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1;
}

pel_status pel_afile_check(pel_context *ctx, const char *path)
{
    pel_status s = check_target(ctx, path);
    if (s != PEL_OK) return s;
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp) return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", path);
    int fd = create_tmp(path, tmp, len + 16);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return pel_error(ctx, PEL_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    close(fd);
    unlink(tmp);
    free(tmp);
    return PEL_OK;
}

pel_status pel_afile_open(pel_context *ctx, const char *path, pel_afile **out)
{
    if (!out) return pel_error(ctx, PEL_EINVAL, "atomic file: no handle to fill");
    *out = NULL;
    pel_status s = check_target(ctx, path);
    if (s != PEL_OK) return s;
    pel_afile *a = calloc(1, sizeof *a);
    size_t len = strlen(path);
    if (a) a->path = strdup(path);
    if (a) a->tmp = malloc(len + 16);
    if (!a || !a->path || !a->tmp) {
        if (a) free(a->path), free(a->tmp), free(a);
        return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", path);
    }
    int fd = create_tmp(path, a->tmp, len + 16);
    if (fd < 0 || !(a->f = fdopen(fd, "wb"))) {
        int e = errno;
        if (fd >= 0) close(fd), unlink(a->tmp);
        free(a->path), free(a->tmp), free(a);
        return pel_error(ctx, PEL_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    *out = a;
    return PEL_OK;
}

const char *pel_afile_temp_path(const pel_afile *a) { return a ? a->tmp : NULL; }

FILE *pel_afile_stream(pel_afile *a) { return a ? a->f : NULL; }

static void afile_free(pel_afile *a)
{
    free(a->path);
    free(a->tmp);
    free(a);
}

void pel_afile_abort(pel_afile *a)
{
    if (!a) return;
    if (a->f) fclose(a->f);
    unlink(a->tmp);
    afile_free(a);
}

static void fsync_dir(const char *path)
{
    char *dir = strdup(path);
    if (!dir) return;
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else if (slash) *slash = '\0';
    else strcpy(dir, ".");
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse fsync on directories */
        close(fd);
    }
    free(dir);
}

pel_status pel_afile_commit(pel_context *ctx, pel_afile *a)
{
    if (!a) return pel_error(ctx, PEL_EINVAL, "atomic file: no handle");
    int bad = ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0;
    int e = errno;
    if (fclose(a->f) != 0 && !bad) bad = 1, e = errno;
    a->f = NULL;
    pel_status target = bad ? PEL_OK : check_target(ctx, a->path); /* it may have appeared since */
    if (target != PEL_OK) {
        unlink(a->tmp);
        afile_free(a);
        return target;
    }
    if (!bad && rename(a->tmp, a->path) != 0) bad = 1, e = errno;
    if (bad) {
        unlink(a->tmp);
        pel_status s = pel_error(ctx, PEL_EIO, "%s: write failed: %s", a->path, strerror(e));
        afile_free(a);
        return s;
    }
    fsync_dir(a->path);
    afile_free(a);
    return PEL_OK;
}
