/* cli/cmd_testnet.c -- `shroud testnet up|wait|status|down`: a network of
 * relay processes on 127.0.0.1, for newcomers and for the integration
 * tests.  Relay i lives in DIR/relay-i, listens on base_port + i and
 * serves its control API on base_port + 1000 + i; relay 0 is every other
 * relay's bootstrap.  The testnet is just relays made with `shroud relay
 * init` and run with `shroud relay run`: nothing here is special-cased. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "cli.h"
#include "node/relay.h"
#include "util/buf.h"

#define TN_MAX 256

static void tn_usage(FILE *f)
{
    fputs("usage:\n"
          "  shroud testnet up --relays N --dir DIR [--base-port P] [--tick-ms MS]\n"
          "        create (first time) and start N relays on 127.0.0.1: relay i listens\n"
          "        on P+i (default P = 19000), its control API on P+1000+i; on an\n"
          "        existing DIR, restart relays that are not running\n"
          "  shroud testnet wait --dir DIR [--timeout S]   (default 60 s)\n"
          "        wait until every relay knows every other one\n"
          "  shroud testnet status --dir DIR\n"
          "        each relay's peers\n"
          "  shroud testnet down --dir DIR\n"
          "        stop the relays (SIGTERM, then SIGKILL after 10 s)\n", f);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int relay_path(char *out, size_t n, const char *dir, int i, const char *file)
{
    int w = file ? snprintf(out, n, "%s/relay-%d/%s", dir, i, file)
                 : snprintf(out, n, "%s/relay-%d", dir, i);
    return w > 0 && (size_t)w < n ? 0 : -1;
}

/* The relays of a testnet directory: relay-0, relay-1, ... while present. */
static int count_relays(const char *dir)
{
    char p[4096];
    int n = 0;
    while (n < TN_MAX && relay_path(p, sizeof p, dir, n, "relay.ini") == 0 && access(p, F_OK) == 0)
        n++;
    return n;
}

static long read_pid(const char *dir, int i)
{
    char p[4096];
    if (relay_path(p, sizeof p, dir, i, "testnet.pid") != 0)
        return -1;
    FILE *f = fopen(p, "r");
    if (f == NULL)
        return -1;
    long pid = -1;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = -1;
    fclose(f);
    return pid;
}

/* Running, and not a zombie waiting to be reaped (kill(pid, 0) succeeds
 * on those). */
static int alive(long pid)
{
    if (pid <= 0 || kill((pid_t)pid, 0) != 0)
        return 0;
    char p[64], buf[512];
    snprintf(p, sizeof p, "/proc/%ld/stat", pid);
    FILE *f = fopen(p, "r");
    if (f == NULL)
        return 1;
    size_t r = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[r] = '\0';
    const char *close = strrchr(buf, ')');   /* the state follows "(comm)" */
    return close == NULL || close[1] == '\0' || close[2] != 'Z';
}

/* DIR/testnet.conf remembers the ports and tick of a testnet, so that a
 * later `up` on the same directory restarts relays as they were made. */
static int conf_read(const char *dir, int *base, unsigned *tick)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/testnet.conf", dir);
    FILE *f = fopen(p, "r");
    if (f == NULL)
        return -1;
    int ok = fscanf(f, "base_port=%d tick_ms=%u", base, tick) == 2;
    fclose(f);
    return ok ? 0 : -1;
}

static int conf_write(const char *dir, int base, unsigned tick)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/testnet.conf", dir);
    FILE *f = fopen(p, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "base_port=%d tick_ms=%u\n", base, tick);
    return fclose(f) == 0 ? 0 : -1;
}

static int spawn(const char *self, const char *dir, int i)
{
    char cfg[4096], logp[4096], pidp[4096];
    if (relay_path(cfg, sizeof cfg, dir, i, "relay.ini") != 0 ||
        relay_path(logp, sizeof logp, dir, i, "relay.log") != 0 ||
        relay_path(pidp, sizeof pidp, dir, i, "testnet.pid") != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setsid();
        int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int nul = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (nul >= 0)
            dup2(nul, 0);
        execl(self, self, "relay", "run", "--config", cfg, (char *)NULL);
        _exit(127);
    }
    FILE *f = fopen(pidp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "%ld\n", (long)pid);
    fclose(f);
    return 0;
}

static int status_of(const char *dir, int i, json_t **out, char *err, size_t n)
{
    char cfg[4096];
    if (relay_path(cfg, sizeof cfg, dir, i, "relay.ini") != 0)
        return -1;
    sh_buf b;
    sh_buf_init(&b);
    int rc = cli_relay_fetch(cfg, "/status", &b, err, n);
    *out = NULL;
    if (rc == 0) {
        json_error_t je;
        *out = json_loadb((const char *)b.data, b.len, 0, &je);
        if (*out == NULL) {
            snprintf(err, n, "invalid JSON: %s", je.text);
            rc = -1;
        }
    }
    sh_buf_free(&b);
    return rc;
}

static long long peers_field(json_t *s, const char *k)
{
    return (long long)json_integer_value(json_object_get(json_object_get(s, "peers"), k));
}

static int cmd_up(const char *self, const char *dir, int n, int base, int base_given,
                  unsigned tick)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "shroud testnet: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    int have = count_relays(dir);
    if (have > 0) {
        int b0;
        unsigned t0;
        if (conf_read(dir, &b0, &t0) == 0) {
            if (b0 != base && base_given)
                fprintf(stderr, "shroud testnet: %s was made with --base-port %d; using it\n", dir, b0);
            base = b0;
            tick = t0;
        }
    } else if (conf_write(dir, base, tick) != 0) {
        fprintf(stderr, "shroud testnet: cannot write %s/testnet.conf\n", dir);
        return 1;
    }
    if (have > n)
        n = have;
    char contact[256] = "", err[1024];
    for (int i = have; i < n; i++) {
        char rdir[4096], nick[32], listen[32], control[32];
        relay_path(rdir, sizeof rdir, dir, i, NULL);
        snprintf(nick, sizeof nick, "relay%d", i);
        snprintf(listen, sizeof listen, "127.0.0.1:%d", base + i);
        snprintf(control, sizeof control, "127.0.0.1:%d", base + 1000 + i);
        const char *boot[1] = { contact };
        node_relay_init_opts o = { .dir = rdir, .nickname = nick, .listen = listen,
                                   .control = control, .tick_ms = tick,
                                   .bootstrap = boot, .n_bootstrap = i > 0 ? 1 : 0 };
        if (i > 0 && contact[0] == '\0') {
            char cfg0[4096];
            relay_path(cfg0, sizeof cfg0, dir, 0, "relay.ini");
            if (node_relay_contact(cfg0, contact, sizeof contact, err, sizeof err) != 0) {
                fprintf(stderr, "shroud testnet: relay 0: %s\n", err);
                return 1;
            }
        }
        if (node_relay_init(&o, NULL, err, sizeof err) != 0) {
            fprintf(stderr, "shroud testnet: relay %d: %s\n", i, err);
            return 1;
        }
    }
    int started = 0;
    for (int i = 0; i < n; i++) {
        if (alive(read_pid(dir, i)))
            continue;
        if (spawn(self, dir, i) != 0) {
            fprintf(stderr, "shroud testnet: cannot start relay %d: %s\n", i, strerror(errno));
            return 1;
        }
        started++;
    }
    /* Wait until every control API answers, so `up` returns a running net. */
    double deadline = now_s() + 20;
    for (int i = 0; i < n; i++) {
        json_t *s = NULL;
        while (status_of(dir, i, &s, err, sizeof err) != 0) {
            if (!alive(read_pid(dir, i)) || now_s() > deadline) {
                char logp[4096], line[1024], last[1024] = "";
                FILE *lf = relay_path(logp, sizeof logp, dir, i, "relay.log") == 0
                               ? fopen(logp, "r") : NULL;
                while (lf != NULL && fgets(line, sizeof line, lf) != NULL)
                    memcpy(last, line, sizeof last);
                if (lf != NULL)
                    fclose(lf);
                last[strcspn(last, "\n")] = '\0';
                fprintf(stderr, "shroud testnet: relay %d did not start: %s\n  %s: %s\n", i,
                        alive(read_pid(dir, i)) ? err : "it exited", logp, last);
                return 1;
            }
            sleep_ms(50);
        }
        json_decref(s);
    }
    printf("testnet: %d relays running in %s (%d started), relay 0 at 127.0.0.1:%d is the bootstrap\n",
           n, dir, started, base);
    return 0;
}

static int cmd_status(const char *dir, int quiet, int *complete)
{
    int n = count_relays(dir), ok = 1;
    if (n == 0) {
        fprintf(stderr, "shroud testnet: no relays in %s\n", dir);
        return 1;
    }
    if (!quiet)
        printf("%-8s %-8s %-18s %6s %7s %8s\n", "relay", "pid", "identity", "known", "active",
               "passive");
    for (int i = 0; i < n; i++) {
        long pid = read_pid(dir, i);
        json_t *s = NULL;
        char err[1024] = "";
        if (!alive(pid) || status_of(dir, i, &s, err, sizeof err) != 0) {
            ok = 0;
            if (!quiet)
                printf("relay%-3d %-8ld %s\n", i, pid, alive(pid) ? err : "not running");
            continue;
        }
        long long known = peers_field(s, "known");
        if (known < n - 1)
            ok = 0;
        if (!quiet)
            printf("relay%-3d %-8ld %.16s.. %6lld %7lld %8lld\n", i, pid,
                   json_string_value(json_object_get(s, "identity")), known,
                   peers_field(s, "active"), peers_field(s, "passive"));
        json_decref(s);
    }
    if (complete != NULL)
        *complete = ok;
    if (!quiet)
        printf("%s\n", ok ? "every relay knows every other relay"
                          : "discovery incomplete (or a relay is down)");
    return ok ? 0 : 1;
}

static int cmd_wait(const char *dir, double timeout)
{
    if (count_relays(dir) == 0) {
        fprintf(stderr, "shroud testnet: no relays in %s\n", dir);
        return 1;
    }
    double t0 = now_s();
    int last = -1;
    for (;;) {
        int n = count_relays(dir), done = 0;
        long long sum = 0;
        for (int i = 0; i < n; i++) {
            json_t *s = NULL;
            char err[1024];
            if (status_of(dir, i, &s, err, sizeof err) == 0) {
                long long k = peers_field(s, "known");
                sum += k;
                done += k >= n - 1;
                json_decref(s);
            }
        }
        if (done != last) {
            printf("  %5.1f s: %d of %d relays know all %d others (%lld of %lld links)\n",
                   now_s() - t0, done, n, n - 1, sum, (long long)n * (n - 1));
            fflush(stdout);
            last = done;
        }
        if (n > 0 && done == n)
            return 0;
        if (now_s() - t0 > timeout) {
            fprintf(stderr, "shroud testnet: discovery incomplete after %.0f s\n", timeout);
            return 1;
        }
        sleep_ms(200);
    }
}

static int cmd_down(const char *dir)
{
    int n = count_relays(dir), stopped = 0;
    for (int i = 0; i < n; i++) {
        long pid = read_pid(dir, i);
        if (alive(pid) && kill((pid_t)pid, SIGTERM) == 0)
            stopped++;
    }
    double deadline = now_s() + 10;
    for (int i = 0; i < n; i++) {
        long pid = read_pid(dir, i);
        while (alive(pid)) {
            /* our child if `up` ran in this process (tests): reap it */
            waitpid((pid_t)pid, NULL, WNOHANG);
            if (!alive(pid))
                break;
            if (now_s() > deadline) {
                fprintf(stderr, "shroud testnet: relay %d ignored SIGTERM; killing it\n", i);
                kill((pid_t)pid, SIGKILL);
                waitpid((pid_t)pid, NULL, 0);
                break;
            }
            sleep_ms(20);
        }
        char p[4096];
        if (relay_path(p, sizeof p, dir, i, "testnet.pid") == 0)
            unlink(p);
    }
    printf("testnet: stopped %d relays\n", stopped);
    return 0;
}

int cli_cmd_testnet(int argc, char **argv)
{
    if (argc < 1) {
        tn_usage(stderr);
        return 2;
    }
    const char *sub = argv[0], *dir = NULL;
    if (strcmp(sub, "help") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        tn_usage(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            tn_usage(stdout);
            return 0;
        }
    int relays = 0, base = 19000, base_given = 0;
    unsigned tick = 0;
    double timeout = 60;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            fprintf(stderr, "shroud testnet: %s needs a value\n", argv[i]);
            return 2;
        }
        const char *a = argv[i], *v = argv[++i];
        if (strcmp(a, "--dir") == 0)
            dir = v;
        else if (strcmp(a, "--relays") == 0)
            relays = atoi(v);
        else if (strcmp(a, "--base-port") == 0) {
            base = atoi(v);
            base_given = 1;
        }
        else if (strcmp(a, "--tick-ms") == 0)
            tick = (unsigned)atoi(v);
        else if (strcmp(a, "--timeout") == 0)
            timeout = atof(v);
        else {
            fprintf(stderr, "shroud testnet: unknown option %s\n", a);
            tn_usage(stderr);
            return 2;
        }
    }
    if (dir == NULL) {
        fputs("shroud testnet: --dir is required\n", stderr);
        return 2;
    }
    if (strcmp(sub, "up") == 0) {
        if (relays == 0 && count_relays(dir) > 0)
            relays = count_relays(dir);   /* restart an existing testnet */
        if (relays < 1 || relays > TN_MAX || base < 1024 || base + 1000 + relays > 65535 ||
            (tick != 0 && (tick < 10 || tick > 60000))) {
            fprintf(stderr, "shroud testnet: --relays 1..%d, --base-port 1024..%d, --tick-ms 10..60000\n",
                    TN_MAX, 65535 - 1000 - TN_MAX);
            return 2;
        }
        char self[4096];
        ssize_t l = readlink("/proc/self/exe", self, sizeof self - 1);
        if (l <= 0) {
            fputs("shroud testnet: cannot find the shroud executable\n", stderr);
            return 1;
        }
        self[l] = '\0';
        return cmd_up(self, dir, relays, base, base_given, tick);
    }
    if (strcmp(sub, "wait") == 0)
        return cmd_wait(dir, timeout);
    if (strcmp(sub, "status") == 0)
        return cmd_status(dir, 0, NULL);
    if (strcmp(sub, "down") == 0)
        return cmd_down(dir);
    fprintf(stderr, "shroud testnet: unknown subcommand '%s'\n", sub);
    tn_usage(stderr);
    return 2;
}
