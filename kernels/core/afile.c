/* Atomic files: written beside the target, fsync'ed and renamed into place
 * (include/pel/io.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal/core.h"

struct pel_afile {
    FILE *f;
    char *path, *tmp;
};

pel_status pel_afile_open(pel_context *ctx, const char *path, pel_afile **out)
{
    if (!out) return pel_error(ctx, PEL_EINVAL, "atomic file: no handle to fill");
    *out = NULL;
    if (!path || !*path) return pel_error(ctx, PEL_EINVAL, "atomic file: empty path");
    pel_afile *a = calloc(1, sizeof *a);
    size_t len = strlen(path);
    if (a) a->path = strdup(path);
    if (a) a->tmp = malloc(len + 16);
    if (!a || !a->path || !a->tmp) {
        if (a) free(a->path), free(a->tmp), free(a);
        return pel_error(ctx, PEL_ENOMEM, "%s: out of memory", path);
    }
    snprintf(a->tmp, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(a->tmp);
    if (fd < 0 || !(a->f = fdopen(fd, "wb"))) {
        int e = errno;
        if (fd >= 0) close(fd), unlink(a->tmp);
        free(a->path), free(a->tmp), free(a);
        return pel_error(ctx, PEL_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    *out = a;
    return PEL_OK;
}

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
