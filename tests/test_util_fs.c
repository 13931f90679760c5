/* tests/test_util_fs.c -- sh_fsync_parent: which directory it syncs (seen
 * through which paths succeed), and its errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/shroud-fs-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char sub[96];
    snprintf(sub, sizeof sub, "%s/d", dir);
    rmdir(sub);
    rmdir(dir);
}

TestSuite(util_fs, .init = make_dir, .fini = remove_dir);

/* sh_fsync_parent of the test directory followed by suffix */
static int sync_of(const char *suffix)
{
    char path[160];
    snprintf(path, sizeof path, "%s%s", dir, suffix);
    errno = 0;
    return sh_fsync_parent(path);
}

Test(util_fs, parents_that_exist)
{
    cr_assert_eq(sync_of("/file"), 0);
    cr_assert_eq(sync_of("//file"), 0);
    cr_assert_eq(sync_of(""), 0);            /* its parent, /tmp */
    cr_assert_eq(sh_fsync_parent("/file"), 0); /* the root */
    cr_assert_eq(sh_fsync_parent("file"), 0);  /* "." */
}

Test(util_fs, trailing_slashes_name_the_directory_itself)
{
    /* "dir/d/" is the directory d, whose parent is dir: d need not exist */
    cr_assert_eq(sync_of("/d/"), 0);
    cr_assert_eq(sync_of("/d//"), 0);
}

Test(util_fs, missing_parent_is_an_error)
{
    cr_assert_eq(sync_of("/d/file"), -1);
    cr_assert_eq(errno, ENOENT);
    char sub[96];
    snprintf(sub, sizeof sub, "%s/d", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    cr_assert_eq(sync_of("/d/file"), 0);
}

Test(util_fs, parent_that_is_not_a_directory)
{
    char f[96];
    snprintf(f, sizeof f, "%s/plain", dir);
    FILE *fp = fopen(f, "w");
    cr_assert_not_null(fp);
    fclose(fp);
    cr_assert_eq(sync_of("/plain/file"), -1);
    cr_assert_eq(errno, ENOTDIR);
    unlink(f);
}

Test(util_fs, null_path)
{
    errno = 0;
    cr_assert_eq(sh_fsync_parent(NULL), -1);
    cr_assert_eq(errno, EINVAL);
}
