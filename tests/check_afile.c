/* Atomic output files: what stands at the target decides (a regular file is
 * replaced whole; a device, FIFO, directory or symbolic link is refused and
 * left alone), new files honour the umask, and pel_afile_check finds an
 * unwritable path before any work is done. */
#include <config.h>

#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char dir[256];

static const char *in_dir(const char *name)
{
    static char p[512];
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/pel-afile-XXXXXX", t && *t ? t : "/tmp");
        ck_assert(mkdtemp(dir) != NULL);
    }
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static int write_file(pel_context *ctx, const char *path, const char *text)
{
    pel_afile *a = NULL;
    pel_status s = pel_afile_open(ctx, path, &a);
    if (s != PEL_OK) return s;
    fputs(text, pel_afile_stream(a));
    return pel_afile_commit(ctx, a);
}

START_TEST(refuses_non_regular)
{
    pel_context *ctx = test_context(1);
    char fifo[512], link[512], sub[512];
    snprintf(fifo, sizeof fifo, "%s", in_dir("fifo"));
    snprintf(link, sizeof link, "%s", in_dir("link"));
    snprintf(sub, sizeof sub, "%s", in_dir("sub"));
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_int_eq(symlink("target", link), 0);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    ck_assert_fails(ctx, write_file(ctx, fifo, "x"), PEL_EIO, "not a regular file");
    ck_assert_fails(ctx, write_file(ctx, link, "x"), PEL_EIO, "symbolic link");
    ck_assert_fails(ctx, write_file(ctx, sub, "x"), PEL_EIO, "not a regular file");
    ck_assert_fails(ctx, write_file(ctx, "/dev/null", "x"), PEL_EIO, "not a regular file");
    ck_assert_fails(ctx, pel_afile_check(ctx, "/dev/full"), PEL_EIO, "not a regular file");
    struct stat st;
    ck_assert(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode)); /* left as it was */
    ck_assert(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    ck_assert(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    unlink(fifo), unlink(link), rmdir(sub), rmdir(dir);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(replaces_regular_and_honours_umask)
{
    pel_context *ctx = test_context(1);
    char path[512];
    snprintf(path, sizeof path, "%s", in_dir("out.txt"));
    mode_t old = umask(022);
    ck_assert_ok(write_file(ctx, path, "first"));
    struct stat st;
    ck_assert(stat(path, &st) == 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    umask(077);
    ck_assert_ok(write_file(ctx, path, "second"));
    ck_assert(stat(path, &st) == 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    umask(old);
    FILE *f = fopen(path, "r");
    char buf[16] = {0};
    ck_assert(f && fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, "second");
    unlink(path), rmdir(dir);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(check_before_work)
{
    pel_context *ctx = test_context(1);
    ck_assert_ok(pel_afile_check(ctx, in_dir("fine.json")));
    ck_assert(access(in_dir("fine.json"), F_OK) != 0); /* nothing left behind */
    ck_assert_fails(ctx, pel_afile_check(ctx, ""), PEL_EINVAL, "empty path");
    ck_assert_fails(ctx, pel_afile_check(ctx, "/nonexistent-dir/x.json"), PEL_EIO, "cannot create");
    rmdir(dir);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(temp_path_and_abort)
{
    pel_context *ctx = test_context(1);
    pel_afile *a = NULL;
    ck_assert_ok(pel_afile_open(ctx, in_dir("t.ckpt"), &a));
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", pel_afile_temp_path(a));
    ck_assert(strstr(tmp, "t.ckpt.tmp.") != NULL);
    ck_assert(access(tmp, F_OK) == 0);
    pel_afile_abort(a);
    ck_assert(access(tmp, F_OK) != 0);
    ck_assert(access(in_dir("t.ckpt"), F_OK) != 0);
    ck_assert(pel_afile_temp_path(NULL) == NULL);
    rmdir(dir);
    pel_context_destroy(ctx);
}
END_TEST

static Suite *afile_suite(void)
{
    Suite *s = suite_create("afile");
    TCase *api = tcase_create("api");
    tcase_add_test(api, refuses_non_regular);
    tcase_add_test(api, replaces_regular_and_honours_umask);
    tcase_add_test(api, check_before_work);
    tcase_add_test(api, temp_path_and_abort);
    suite_add_tcase(s, api);
    return s;
}

int main(void) { return run_suite(afile_suite()); }
