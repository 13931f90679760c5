/* node/procstat.h -- the relay process's own CPU, memory and descriptors.
 *
 * Operators watch a relay's resource use through /metrics and /status
 * (docs/control-api.md): CPU seconds show whether the mixer or the proof
 * checks saturate a core, RSS whether memory is bounded as DESIGN.md
 * promises, and open descriptors against their limit whether peers or
 * control clients leak sockets.
 *
 * Sources (Linux): getrusage(RUSAGE_SELF) for CPU time and peak RSS,
 * /proc/self/statm for current virtual size and RSS, /proc/self/fd for
 * the count of open descriptors, getrlimit(RLIMIT_NOFILE) for their limit.
 * Reading costs a few system calls and a directory scan proportional to
 * the open descriptors: call it per scrape, not per packet.
 */
#ifndef SHROUD_NODE_PROCSTAT_H
#define SHROUD_NODE_PROCSTAT_H

#include <stdint.h>
#include "util/err.h"
#include "util/buf.h"

typedef struct node_procstat {
    double cpu_user_s;        /* user CPU time, seconds */
    double cpu_system_s;      /* kernel CPU time on the process's behalf */
    uint64_t rss_bytes;       /* resident set size now */
    uint64_t vm_bytes;        /* virtual memory size now */
    uint64_t max_rss_bytes;   /* peak resident set size (>= rss_bytes) */
    uint64_t open_fds;        /* descriptors open now */
    uint64_t max_fds;         /* soft RLIMIT_NOFILE; UINT64_MAX if unlimited */
} node_procstat;

/* Fill *out.  Every source is tried; fields whose source failed are 0 and
 * the result is SH_ERR_IO (for example without /proc, off Linux), so a
 * caller can still publish what it got.  SH_ERR_ARG if out is NULL. */
int node_procstat_read(node_procstat *out) SH_WUR;

/* Append the Prometheus families for ps (node/prom.h), named after the
 * conventional process_* metrics with shroud's prefix:
 *   shroud_process_cpu_seconds_total{mode="user"|"system"}   counter
 *   shroud_process_resident_memory_bytes                     gauge
 *   shroud_process_resident_memory_max_bytes                 gauge
 *   shroud_process_virtual_memory_bytes                      gauge
 *   shroud_process_open_fds                                  gauge
 *   shroud_process_max_fds                                   gauge
 * On error the buffer is left as it was on entry. */
int node_procstat_write_prom(sh_buf *out, const node_procstat *ps) SH_WUR;

#endif
