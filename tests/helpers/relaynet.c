/* tests/helpers/relaynet.c -- see relaynet.h. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include <criterion/criterion.h>
#include <zmq.h>

#include "relaynet.h"
#include "gossip/descriptor.h"
#include "node/wire.h"
#include "node/control.h"
#include "util/buf.h"

#ifndef SHROUD_BINARY
#define SHROUD_BINARY "shroud"
#endif

double rn_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void rn_sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

int rn_shroud(char *out, size_t outn, const char *fmt, ...)
{
    char args[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)SHROUD_BINARY;
    for (char *save = NULL, *t = strtok_r(args, " ", &save); t != NULL && argc < 63;
         t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    argv[argc] = NULL;
    int pfd[2];
    if (pipe(pfd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(pfd[1], 1);
        dup2(pfd[1], 2);
        close(pfd[0]);
        close(pfd[1]);
        execv(SHROUD_BINARY, argv);
        _exit(127);
    }
    close(pfd[1]);
    size_t used = 0;
    char buf[4096];
    ssize_t r;
    while ((r = read(pfd[0], buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR)) {
        if (r <= 0)
            continue;
        if (out != NULL && used + 1 < outn) {
            size_t k = (size_t)r < outn - 1 - used ? (size_t)r : outn - 1 - used;
            memcpy(out + used, buf, k);
            used += k;
        }
    }
    if (out != NULL && outn > 0)
        out[used] = '\0';
    close(pfd[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Port slots: listen ports in [20000, 21000) and control ports in
 * [21000, 22000), 50 slots of RN_SLOT_PORTS, all below Linux's ephemeral
 * range (32768-60999) so that no outgoing connection holds a relay's
 * port.  A listen band never meets a control band. */
#define RN_SLOTS 50

/* Reserve a free slot (flock, released when the fd closes or the process
 * exits), starting at a random one; its fd, or -1. */
static int slot_lock(int *slot, uint32_t start, int skip)
{
    for (int k = 0; k < RN_SLOTS; k++) {
        int s = (int)((start + (uint32_t)k) % RN_SLOTS);
        if (s == skip)
            continue;
        char p[64];
        snprintf(p, sizeof p, "/tmp/shroud-test-ports-%d.lock", s);
        int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            *slot = s;
            return fd;
        }
        close(fd);
    }
    return -1;
}

int rn_up(rn_net *net, int n, unsigned tick_ms)
{
    memset(net, 0, sizeof *net);
    net->slot_fd = -1;
    if (n < 1 || n > RN_SLOT_PORTS)
        return -1;
    snprintf(net->dir, sizeof net->dir, "/tmp/shroud-testnet-XXXXXX");
    if (mkdtemp(net->dir) == NULL)
        return -1;
    net->n = n;
    int slot = -1;
    for (int attempt = 0; attempt < 4; attempt++) {
        int prev = slot;
        int fd = slot_lock(&slot, randombytes_uniform(RN_SLOTS), prev);
        if (net->slot_fd >= 0)
            close(net->slot_fd);
        net->slot_fd = fd;
        if (fd < 0)
            return -1;
        net->base = 20000 + slot * RN_SLOT_PORTS;
        char out[8192];
        int rc = rn_shroud(out, sizeof out, "testnet up --relays %d --dir %s --base-port %d --tick-ms %u",
                           n, net->dir, net->base, tick_ms);
        if (rc == 0)
            return 0;
        fprintf(stderr, "testnet up failed (%d): %s\n", rc, out);
        rn_shroud(NULL, 0, "testnet down --dir %s", net->dir);
        char cmd[640];
        snprintf(cmd, sizeof cmd, "rm -rf %s/relay-* %s/testnet.conf", net->dir, net->dir);
        if (system(cmd) != 0)
            return -1;
        if (strstr(out, "in use") == NULL)
            return -1;
    }
    return -1;
}

void rn_down(rn_net *net, int keep)
{
    rn_shroud(NULL, 0, "testnet down --dir %s", net->dir);
    if (!keep && net->slot_fd >= 0) {
        close(net->slot_fd);
        net->slot_fd = -1;
    }
    if (!keep) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf %s", net->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", net->dir);
    }
}

int rn_get(const rn_net *net, int i, const char *path, char **body)
{
    char tp[512], token[NODE_CONTROL_TOKEN_HEX + 1], err[512];
    snprintf(tp, sizeof tp, "%s/relay-%d/control.token", net->dir, i);
    if (node_control_token_load(tp, token, err, sizeof err) != 0)
        return -1;
    sh_buf b;
    sh_buf_init(&b);
    int status = 0;
    if (node_control_get("127.0.0.1", (uint16_t)(net->base + 1000 + i), token, path, 3000, &b,
                         &status, err, sizeof err) != 0) {
        sh_buf_free(&b);
        return -1;
    }
    if (body != NULL) {
        *body = malloc(b.len + 1);
        if (*body != NULL) {
            if (b.len)
                memcpy(*body, b.data, b.len);
            (*body)[b.len] = '\0';
        }
    }
    sh_buf_free(&b);
    return status;
}

json_t *rn_status(const rn_net *net, int i)
{
    char *body = NULL;
    if (rn_get(net, i, "/status", &body) != 200) {
        free(body);
        return NULL;
    }
    json_error_t je;
    json_t *s = json_loads(body, 0, &je);
    free(body);
    return s;
}

double rn_metric(const rn_net *net, int i, const char *series)
{
    char *body = NULL;
    double v = -1;
    if (rn_get(net, i, "/metrics", &body) == 200 && body != NULL) {
        size_t sl = strlen(series);
        for (char *line = body; line != NULL && *line;) {
            char *nl = strchr(line, '\n');
            if (strncmp(line, series, sl) == 0 && line[sl] == ' ') {
                v = strtod(line + sl + 1, NULL);
                break;
            }
            line = nl ? nl + 1 : NULL;
        }
    }
    free(body);
    return v;
}

long rn_pid(const rn_net *net, int i)
{
    char p[512];
    snprintf(p, sizeof p, "%s/relay-%d/testnet.pid", net->dir, i);
    FILE *f = fopen(p, "r");
    long pid = -1;
    if (f != NULL) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = -1;
        fclose(f);
    }
    return pid;
}

int rn_wait_discovery(const rn_net *net, double timeout_s)
{
    double t0 = rn_now();
    while (rn_now() - t0 < timeout_s) {
        int done = 0;
        for (int i = 0; i < net->n; i++) {
            json_t *s = rn_status(net, i);
            if (s != NULL) {
                json_int_t k = json_integer_value(json_object_get(json_object_get(s, "peers"), "known"));
                done += k >= net->n - 1;
                json_decref(s);
            }
        }
        if (done == net->n)
            return 0;
        rn_sleep_ms(200);
    }
    return -1;
}

int rn_contact(const rn_net *net, int i, uint8_t identity[32], uint8_t transport[32])
{
    char p[512], line[512];
    snprintf(p, sizeof p, "%s/relay-%d/contact", net->dir, i);
    FILE *f = fopen(p, "r");
    if (f == NULL)
        return -1;
    char *ok = fgets(line, sizeof line, f);
    fclose(f);
    if (ok == NULL || strlen(line) < 129)
        return -1;
    if (sodium_hex2bin(identity, 32, line, 64, NULL, NULL, NULL) != 0 ||
        sodium_hex2bin(transport, 32, line + 65, 64, NULL, NULL, NULL) != 0)
        return -1;
    return 0;
}

int rn_logs_have_sanitizer_report(const rn_net *net)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "grep -l -E 'AddressSanitizer|LeakSanitizer|runtime error:' %s/relay-*/relay.log "
             ">/dev/null 2>&1", net->dir);
    return system(cmd) == 0;
}

/* ---- a test client ---- */


void rn_client_open(rn_client *c, const rn_net *net, int relay, int curve)
{
    uint8_t identity[32], transport[32];
    cr_assert_eq(rn_contact(net, relay, identity, transport), 0);
    c->ctx = zmq_ctx_new();
    c->sock = zmq_socket(c->ctx, ZMQ_DEALER);
    cr_assert_not_null(c->sock);
    int linger = 2000;
    zmq_setsockopt(c->sock, ZMQ_LINGER, &linger, sizeof linger);
    if (curve) {
        crypto_box_keypair(c->pk, c->sk);
        cr_assert_eq(zmq_setsockopt(c->sock, ZMQ_CURVE_SERVERKEY, transport, 32), 0);
        cr_assert_eq(zmq_setsockopt(c->sock, ZMQ_CURVE_PUBLICKEY, c->pk, 32), 0);
        cr_assert_eq(zmq_setsockopt(c->sock, ZMQ_CURVE_SECRETKEY, c->sk, 32), 0);
    }
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", net->base + relay);
    cr_assert_eq(zmq_connect(c->sock, ep), 0);
}

void rn_client_close(rn_client *c)
{
    zmq_close(c->sock);
    zmq_ctx_term(c->ctx);
}

void rn_client_send(rn_client *c, const void *msg, size_t len, int flags)
{
    cr_assert(zmq_send(c->sock, msg, len, flags) >= 0 || zmq_errno() == EAGAIN);
}

/* A signed HELLO for identity (pk, sk) claiming transport key tk. */
size_t rn_make_hello(uint8_t *out, const uint8_t pk[32], const uint8_t sk[64],
                         const uint8_t tk[32], int break_sig)
{
    gossip_desc d;
    memset(&d, 0, sizeof d);
    memcpy(d.identity, pk, 32);
    memcpy(d.transport, tk, 32);
    d.onion[0] = 0x02;
    randombytes_buf(d.onion + 1, 32);
    d.n_addrs = 1;
    d.addrs[0].family = GOSSIP_AF_INET;
    d.addrs[0].ip[0] = 127;
    d.addrs[0].ip[3] = 1;
    d.addrs[0].port = 1;
    d.capacity = 1;
    d.issued = (uint64_t)time(NULL);
    d.expires = d.issued + 3600;
    cr_assert_eq(gossip_desc_sign(&d, &gossip_crypto_full, sk), 0);
    if (break_sig)
        d.sig[7] ^= 1;
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(gossip_desc_encode(&d, &b), 0);
    out[0] = NODE_WIRE_VERSION;
    out[1] = NODE_MSG_HELLO;
    memcpy(out + 2, b.data, b.len);
    size_t len = b.len + 2;
    sh_buf_free(&b);
    return len;
}
