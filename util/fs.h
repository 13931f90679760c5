/* util/fs.h -- file-system durability.
 *
 * Creating or renaming a file changes its directory; fsync on the file
 * alone does not make that change durable, so a crash right after could
 * leave no file (or the old one).  Whoever creates or renames a file that
 * must survive a crash calls sh_fsync_parent(path) after the file's own
 * fsync.
 */
#ifndef SHROUD_UTIL_FS_H
#define SHROUD_UTIL_FS_H

/* fsync the directory that holds path ("." for a bare name, "/" for a
 * name in the root; trailing slashes of path are ignored, so the parent of
 * a directory "a/b/" is "a").  A file system that cannot fsync a directory
 * (EINVAL, EROFS) is not a failure.  0, or -1 with errno set; a caller for
 * which durability is best effort may ignore the result. */
int sh_fsync_parent(const char *path);

#endif
