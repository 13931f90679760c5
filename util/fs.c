/* util/fs.c -- file-system durability (fs.h). */
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sh_fsync_parent(const char *path)
{
    if (path == NULL) {
        errno = EINVAL;
        return -1;
    }
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')   /* "a//b": the parent is "a" */
        n--;
    char *dir = n == 0 ? strdup(".") : strndup(path, n);
    if (dir == NULL)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    if (rc != 0 && (errno == EINVAL || errno == EROFS))
        rc = 0;
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}
