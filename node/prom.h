/* node/prom.h -- a writer for the Prometheus text exposition format 0.0.4.
 *
 * The relay's /metrics endpoint (node/control.h, docs/control-api.md) is
 * scraped by Prometheus, which parses exactly this format:
 *
 *   # HELP shroud_peers Peers in the membership views.
 *   # TYPE shroud_peers gauge
 *   shroud_peers{view="active"} 5
 *   shroud_peers{view="passive"} 30
 *
 * Everything is appended to an sh_buf, and every function is
 * all-or-nothing: on any error the buffer is truncated back to the length
 * it had on entry, so a failed call never leaves half a line behind.
 *
 * Validation (SH_ERR_ARG unless stated):
 *   - metric names match [a-zA-Z_:][a-zA-Z0-9_:]*;
 *   - label keys match [a-zA-Z_][a-zA-Z0-9_]*, must not start with "__"
 *     (reserved by Prometheus), and must be unique within one sample;
 *   - label values and HELP text must be valid UTF-8 (SH_ERR_FORMAT), since
 *     they may carry text that came from the network (a peer's nickname);
 *     a scraper that meets invalid UTF-8 rejects the whole page.
 * Escaping: HELP text escapes '\' and newline ("\\", "\n"); label values
 * escape '\', '"' and newline.  Names are never escaped, only validated.
 *
 * Numbers: integers are written in decimal; doubles in the shortest form
 * that reads back to the same value ("0.1", "3", "1e+300"), and NaN,
 * +Inf and -Inf as "NaN", "+Inf", "-Inf".  Formatting uses the C library
 * and so assumes LC_NUMERIC is "C" (shroud never calls setlocale).
 *
 * The module has no state and no I/O: callers assemble a page from the
 * counters they hold, then hand it to the control API.
 */
#ifndef SHROUD_NODE_PROM_H
#define SHROUD_NODE_PROM_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/buf.h"

/* "# HELP name help\n# TYPE name type\n".  type is "counter", "gauge" or
 * "histogram" (else SH_ERR_ARG); help may be NULL, which omits the HELP
 * line.  Call once per metric family, before its samples. */
int node_prom_family(sh_buf *out, const char *name, const char *type,
                     const char *help) SH_WUR;

/* One sample line: name{k1="v1",k2="v2"} value\n.  labels holds n_labels
 * key/value pairs as 2*n_labels strings (key, value, key, value, ...); it
 * may be NULL only when n_labels is 0, and then no braces are written. */
int node_prom_sample_u64(sh_buf *out, const char *name, const char *const *labels,
                         size_t n_labels, uint64_t v) SH_WUR;
int node_prom_sample_f64(sh_buf *out, const char *name, const char *const *labels,
                         size_t n_labels, double v) SH_WUR;

/* A fixed-bucket histogram.  bounds[0..n) are the upper bounds of the
 * finite buckets; counts[i] is the number of observations v with
 * bounds[i-1] < v <= bounds[i] (per bucket, not cumulative), and
 * counts[n] those above every bound.  count is the total, sum the sum. */
#define NODE_PROM_MAX_BUCKETS 32
typedef struct node_prom_hist {
    size_t n;
    double bounds[NODE_PROM_MAX_BUCKETS];
    uint64_t counts[NODE_PROM_MAX_BUCKETS + 1];
    double sum;
    uint64_t count;
} node_prom_hist;

/* Zero h and set its bounds: n <= NODE_PROM_MAX_BUCKETS (0 is allowed:
 * only the +Inf bucket), every bound finite, strictly increasing.
 * SH_ERR_ARG otherwise (h is then left zeroed). */
int node_prom_hist_init(node_prom_hist *h, const double *bounds, size_t n) SH_WUR;
/* Record one observation.  NaN is ignored (it would turn _sum into NaN
 * for the rest of the process's life); +Inf lands in the +Inf bucket. */
void node_prom_hist_observe(node_prom_hist *h, double v);
/* Write the samples of one histogram (the family line comes from
 * node_prom_family(..., "histogram", ...)):
 *   name_bucket{labels,le="b0"} cumulative-count   (one per bound)
 *   name_bucket{labels,le="+Inf"} count
 *   name_sum{labels} sum
 *   name_count{labels} count
 * labels as for the samples; a caller's "le" label is SH_ERR_ARG.  A
 * histogram whose bucket counts do not add up to count, or whose bounds
 * are not valid, gives SH_ERR_STATE (a corrupted struct, not output). */
int node_prom_hist_write(sh_buf *out, const char *name, const char *const *labels,
                         size_t n_labels, const node_prom_hist *h) SH_WUR;

#endif
