/* util/json.h -- JSON through jansson: strict loading, typed getters,
 * reproducible atomic writing.
 *
 * Config files, scenarios and simulator outputs are JSON.  Parsing is
 * jansson's (never a hand-written parser), with duplicate keys rejected and
 * no NUL characters in strings.  Getters address members by a dotted path
 * ("network.latency.mean_ms"; member names containing '.' cannot be
 * addressed this way) and, on failure, write a message naming the path
 * into errbuf (which may be NULL; messages are cut to errlen).  Messages
 * never quote a string's or hex field's value, which may be secret.
 *
 * Error codes:
 *   SH_ERR_IO      a file could not be opened, read, written or renamed
 *   SH_ERR_FORMAT  text that is not JSON (message: "file:line:col: why"),
 *                  or a required member that is missing
 *   SH_ERR_TYPE    a member of the wrong JSON type
 *   SH_ERR_RANGE   a number outside the range the caller allows
 *   SH_ERR_LENGTH  an array with a wrong number of elements, or a hex
 *                  member that does not decode to the required length
 *   SH_ERR_NOMEM   allocation failed
 */
#ifndef SHROUD_UTIL_JSON_H
#define SHROUD_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "util/err.h"
#include "util/buf.h"

/* ---- loading -------------------------------------------------------------- */

/* Parse the file at path (its root must be an object or an array).  On
 * success *root holds a new reference the caller must json_decref. */
int sh_json_load_file(const char *path, json_t **root, char *errbuf,
                      size_t errlen) SH_WUR;
/* Parse text[0..len); name stands for the file name in error messages
 * (for example "<stdin>" or "--scenario"). */
int sh_json_load_string(const char *text, size_t len, const char *name,
                        json_t **root, char *errbuf, size_t errlen) SH_WUR;

/* ---- typed getters ------------------------------------------------------------ */

/* Whether the member at path exists (any type, including null). */
bool sh_json_has(const json_t *obj, const char *path);
/* Borrowed pointer to a string (valid while obj lives). */
int sh_json_get_string(const json_t *obj, const char *path, const char **out,
                       char *errbuf, size_t errlen) SH_WUR;
/* An integer (not a real: 1.0 is SH_ERR_TYPE) in [min, max]. */
int sh_json_get_int(const json_t *obj, const char *path, int64_t min,
                    int64_t max, int64_t *out, char *errbuf, size_t errlen) SH_WUR;
/* A non-negative integer in [min, max] (JSON integers stop at 2^63-1). */
int sh_json_get_uint(const json_t *obj, const char *path, uint64_t min,
                     uint64_t max, uint64_t *out, char *errbuf, size_t errlen) SH_WUR;
/* An integer or a real, as a double, in [min, max]. */
int sh_json_get_number(const json_t *obj, const char *path, double min,
                       double max, double *out, char *errbuf, size_t errlen) SH_WUR;
int sh_json_get_bool(const json_t *obj, const char *path, bool *out,
                     char *errbuf, size_t errlen) SH_WUR;
/* Borrowed pointers to an object / an array of min..max elements. */
int sh_json_get_object(const json_t *obj, const char *path, json_t **out,
                       char *errbuf, size_t errlen) SH_WUR;
int sh_json_get_array(const json_t *obj, const char *path, size_t min,
                      size_t max, json_t **out, char *errbuf, size_t errlen) SH_WUR;
/* A string of exactly 2*len hex digits (util/hex.h rules), decoded into
 * out[0..len).  out is wiped on failure. */
int sh_json_get_hex(const json_t *obj, const char *path, uint8_t *out,
                    size_t len, char *errbuf, size_t errlen) SH_WUR;

/* ---- writing -------------------------------------------------------------- */

/* Append the canonical text of root to out: keys sorted, two-space
 * indentation, reals with 17 significant digits (exact round trip), one
 * final newline.  Equal values always give identical bytes. */
int sh_json_dump(const json_t *root, sh_buf *out) SH_WUR;
/* Write the canonical text of root to path atomically: into a temporary
 * file in the same directory, fsync, chmod to mode (e.g. 0644, or 0600
 * for anything secret), rename over path, fsync the directory.  Readers
 * see the old file or the new one, never a mix; a crash leaves at worst a
 * stray "<path>.tmp.XXXXXX". */
int sh_json_write_file(const char *path, const json_t *root, unsigned mode,
                       char *errbuf, size_t errlen) SH_WUR;

#endif
