/* node/procstat.c -- process statistics from getrusage and /proc (see
 * procstat.h). */
#include "node/procstat.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>
#include "node/prom.h"

static double tv_seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* /proc/self/statm: "size resident shared text lib data dt", in pages. */
static int read_statm(node_procstat *out)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return SH_ERR_IO;
    unsigned long long size = 0, resident = 0;
    int n = fscanf(f, "%llu %llu", &size, &resident);
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    if (n != 2 || page <= 0)
        return SH_ERR_IO;
    out->vm_bytes = (uint64_t)size * (uint64_t)page;
    out->rss_bytes = (uint64_t)resident * (uint64_t)page;
    return 0;
}

/* Entries of /proc/self/fd, less the descriptor opendir itself holds. */
static int count_fds(uint64_t *n_out)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return SH_ERR_IO;
    int self = dirfd(d);
    uint64_t n = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end != '\0' || fd == self)
            continue;
        n++;
    }
    int failed = errno != 0;
    closedir(d);
    if (failed)
        return SH_ERR_IO;
    *n_out = n;
    return 0;
}

int node_procstat_read(node_procstat *out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    memset(out, 0, sizeof *out);
    int rc = 0;
    if (read_statm(out) != 0)
        rc = SH_ERR_IO;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        out->cpu_user_s = tv_seconds(ru.ru_utime);
        out->cpu_system_s = tv_seconds(ru.ru_stime);
        /* Linux reports ru_maxrss in KiB. */
        out->max_rss_bytes = (uint64_t)ru.ru_maxrss * 1024u;
        /* The kernel's RSS counters are per-CPU and synchronised lazily,
         * so the two sources can disagree by a little; a peak below the
         * current value would only confuse a reader. */
        if (out->max_rss_bytes < out->rss_bytes)
            out->max_rss_bytes = out->rss_bytes;
    } else {
        rc = SH_ERR_IO;
    }
    if (count_fds(&out->open_fds) != 0)
        rc = SH_ERR_IO;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
        out->max_fds = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
    else
        rc = SH_ERR_IO;
    return rc;
}

int node_procstat_write_prom(sh_buf *out, const node_procstat *ps)
{
    if (out == NULL || ps == NULL)
        return SH_ERR_ARG;
    size_t mark = out->len;
    static const char *const user[] = { "mode", "user" };
    static const char *const sys[] = { "mode", "system" };
    int rc;
    if ((rc = node_prom_family(out, "shroud_process_cpu_seconds_total", "counter",
                               "CPU time used by the relay process, by mode.")) != 0 ||
        (rc = node_prom_sample_f64(out, "shroud_process_cpu_seconds_total", user, 1,
                                   ps->cpu_user_s)) != 0 ||
        (rc = node_prom_sample_f64(out, "shroud_process_cpu_seconds_total", sys, 1,
                                   ps->cpu_system_s)) != 0)
        goto fail;
    static const struct {
        const char *name, *help;
        size_t off;
    } gauges[] = {
        { "shroud_process_resident_memory_bytes", "Resident set size.",
          offsetof(node_procstat, rss_bytes) },
        { "shroud_process_resident_memory_max_bytes", "Peak resident set size.",
          offsetof(node_procstat, max_rss_bytes) },
        { "shroud_process_virtual_memory_bytes", "Virtual memory size.",
          offsetof(node_procstat, vm_bytes) },
        { "shroud_process_open_fds", "Open file descriptors.",
          offsetof(node_procstat, open_fds) },
        { "shroud_process_max_fds", "Limit on open file descriptors (RLIMIT_NOFILE).",
          offsetof(node_procstat, max_fds) },
    };
    for (size_t i = 0; i < sizeof gauges / sizeof gauges[0]; i++) {
        uint64_t v;
        memcpy(&v, (const char *)ps + gauges[i].off, sizeof v);
        if ((rc = node_prom_family(out, gauges[i].name, "gauge", gauges[i].help)) != 0 ||
            (rc = node_prom_sample_u64(out, gauges[i].name, NULL, 0, v)) != 0)
            goto fail;
    }
    return 0;
fail:
    if (out->len > mark) {
        int t = sh_buf_truncate(out, mark);
        (void)t;   /* mark <= len: cannot fail */
    }
    return rc;
}
