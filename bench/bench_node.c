/* bench/bench_node.c -- `shroud bench node`: the relay daemon.
 *
 *  - zmq_plain (baseline): ns per message through plain ZeroMQ on TCP
 *    loopback (DEALER -> ROUTER, no CURVE, no event loop), 256-byte
 *    messages, one process;
 *  - node_msgs: ns per message through the relay transport
 *    (node/transport.h: CURVE, ZAP-authenticated sender keys, libevent
 *    loop) between two transports of this process, 256-byte messages; the
 *    JSON line carries "msgs_per_s";
 *  - rss_idle: resident memory of an idle relay process (`shroud relay
 *    run` on a fresh directory, 3 s after it started, its VmRSS) beside
 *    this process's own resident memory ("bench_rss").
 *
 * Wall-clock time throughout (--elapsed is implied): ZeroMQ does its I/O
 * and CURVE encryption on its own threads. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <zmq.h>
#include <event2/event.h>

#include "bench.h"
#include "node/relay.h"
#include "node/transport.h"

#define MSG_BYTES 256
#define BATCH 2000

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- baseline: plain ZeroMQ ------------------------------------------------- */

static double plain_ns(int port, size_t count)
{
    void *ctx = zmq_ctx_new();
    void *rt = zmq_socket(ctx, ZMQ_ROUTER), *dl = zmq_socket(ctx, ZMQ_DEALER);
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    int hwm = 0, zero = 0;
    zmq_setsockopt(dl, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(rt, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(dl, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(rt, ZMQ_LINGER, &zero, sizeof zero);
    double ns = -1;
    if (zmq_bind(rt, ep) == 0 && zmq_connect(dl, ep) == 0) {
        uint8_t msg[MSG_BYTES] = { 1, 2 }, buf[MSG_BYTES + 64];
        /* warm up the connection */
        zmq_send(dl, msg, sizeof msg, 0);
        zmq_recv(rt, buf, sizeof buf, 0);
        zmq_recv(rt, buf, sizeof buf, 0);
        uint64_t t0 = wall_ns();
        for (size_t sent = 0, got = 0; got < count;) {
            for (size_t k = 0; k < BATCH && sent < count; k++, sent++)
                zmq_send(dl, msg, sizeof msg, 0);
            while (got < sent) {
                zmq_recv(rt, buf, sizeof buf, 0);   /* routing id */
                zmq_recv(rt, buf, sizeof buf, 0);
                got++;
            }
        }
        ns = (double)(wall_ns() - t0) / (double)count;
    }
    zmq_close(dl);
    zmq_close(rt);
    zmq_ctx_term(ctx);
    return ns;
}

/* ---- the relay transport ------------------------------------------------------ */

typedef struct sink {
    size_t got;
    struct event_base *base;
} sink;

static void on_msg(void *arg, const uint8_t key[32], const uint8_t *msg, size_t len)
{
    (void)key;
    (void)msg;
    (void)len;
    sink *s = arg;
    s->got++;
}

static double transport_ns(int port, size_t count)
{
    struct event_base *base = event_base_new();
    uint8_t apk[32], ask[32], bpk[32], bsk[32];
    crypto_box_keypair(apk, ask);
    crypto_box_keypair(bpk, bsk);
    char epa[64], epb[64];
    snprintf(epa, sizeof epa, "tcp://127.0.0.1:%d", port + 1);
    snprintf(epb, sizeof epb, "tcp://127.0.0.1:%d", port + 2);
    sink sa = { 0, base }, sb = { 0, base };
    node_transport_cfg ca = { .listen = epa, .public_key = apk, .secret_key = ask,
                              .max_message = 65536, .queue_max = 1u << 20,
                              .idle_timeout_s = 300, .linger_ms = 0 };
    node_transport_cfg cb = ca;
    cb.listen = epb;
    cb.public_key = bpk;
    cb.secret_key = bsk;
    node_transport_cb ka = { .on_message = on_msg, .arg = &sa },
                      kb = { .on_message = on_msg, .arg = &sb };
    node_transport *ta = NULL, *tb = NULL;
    char err[256];
    double ns = -1;
    if (base == NULL || node_transport_new(&ta, base, &ca, &ka, err, sizeof err) != 0 ||
        node_transport_new(&tb, base, &cb, &kb, err, sizeof err) != 0) {
        fprintf(stderr, "bench node: %s\n", err);
        goto done;
    }
    uint8_t msg[MSG_BYTES] = { 1, 2 };
    /* warm up: the CURVE handshake and ZAP round trip */
    if (node_transport_send(ta, bpk, epb, msg, sizeof msg) != 0)
        goto done;
    while (sb.got < 1)
        event_base_loop(base, EVLOOP_ONCE);
    sb.got = 0;
    uint64_t t0 = wall_ns();
    for (size_t sent = 0; sb.got < count;) {
        for (size_t k = 0; k < BATCH && sent < count; k++, sent++)
            if (node_transport_send(ta, bpk, epb, msg, sizeof msg) != 0)
                goto done;
        while (sb.got + BATCH / 2 < sent || (sent == count && sb.got < count))
            event_base_loop(base, EVLOOP_ONCE);
    }
    ns = (double)(wall_ns() - t0) / (double)count;
done:
    node_transport_free(ta);
    node_transport_free(tb);
    if (base != NULL)
        event_base_free(base);
    return ns;
}

/* ---- idle relay memory --------------------------------------------------------- */

static long rss_of(pid_t pid)
{
    char p[64], line[256];
    snprintf(p, sizeof p, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(p, "r");
    long kb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f != NULL)
        fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

static long idle_relay_rss(int port)
{
    char dir[] = "/tmp/shroud-bench-relay-XXXXXX", sub[96], listen[32], control[32], cfg[128],
         err[512], self[4096];
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(sub, sizeof sub, "%s/r", dir);
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port + 3);
    snprintf(control, sizeof control, "127.0.0.1:%d", port + 4);
    snprintf(cfg, sizeof cfg, "%s/relay.ini", sub);
    node_relay_init_opts o = { .dir = sub, .nickname = "bench", .listen = listen,
                               .control = control };
    long rss = -1;
    ssize_t l = readlink("/proc/self/exe", self, sizeof self - 1);
    if (l > 0 && node_relay_init(&o, NULL, err, sizeof err) == 0) {
        self[l] = '\0';
        pid_t pid = fork();
        if (pid == 0) {
            int nul = open("/dev/null", O_WRONLY);
            if (nul >= 0)
                dup2(nul, 2);
            execl(self, self, "relay", "run", "--config", cfg, (char *)NULL);
            _exit(127);
        }
        if (pid > 0) {
            struct timespec ts = { 3, 0 };
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            }
            rss = rss_of(pid);
            kill(pid, SIGTERM);
            waitpid(pid, NULL, 0);
        }
    } else {
        fprintf(stderr, "bench node: %s\n", err);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench node: cannot remove %s\n", dir);
    return rss;
}

int bench_suite_node(bench_ctx *ctx)
{
    ctx->suite = "node";
    ctx->elapsed = 1;
    /* ports below the ephemeral range, varied by pid so that two runs do
     * not collide */
    int port = 24000 + (int)(getpid() % 1000) * 5;
    size_t count = ctx->min_seconds >= 1 ? 500000 : 100000;
    double base_ns = plain_ns(port, count);
    if (base_ns <= 0) {
        fprintf(stderr, "bench node: plain ZeroMQ baseline failed\n");
        return -1;
    }
    bench_report_baseline(ctx, "zmq_plain", MSG_BYTES, base_ns, "message");
    double best = -1;
    for (int run = 0; run < 3; run++) {
        double ns = transport_ns(port + 10 * (run + 1), count);
        if (ns > 0 && (best < 0 || ns < best))
            best = ns;
    }
    if (best <= 0) {
        fprintf(stderr, "bench node: transport run failed\n");
        return -1;
    }
    char extra[96];
    snprintf(extra, sizeof extra, "\"msgs_per_s\":%.0f,\"curve\":true", 1e9 / best);
    bench_report(ctx, "node_msgs", MSG_BYTES, best, "message", extra);
    long rss = idle_relay_rss(port + 50);
    if (rss < 0) {
        fprintf(stderr, "bench node: could not start an idle relay\n");
        return -1;
    }
    snprintf(extra, sizeof extra, "\"rss_bytes\":%ld,\"bench_rss\":%ld", rss, rss_of(getpid()));
    bench_report(ctx, "rss_idle", 1, 0, "process", extra);
    return 0;
}
