/* tests/helpers/relaynet.h -- drive real relay processes from tests: a
 * testnet made by the `shroud` executable under test (SHROUD_BINARY) in a
 * temporary directory, and the relays' control APIs. */
#ifndef SHROUD_TESTS_RELAYNET_H
#define SHROUD_TESTS_RELAYNET_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef struct rn_net {
    char dir[256];        /* DIR: relays in DIR/relay-i */
    int n;
    int base;             /* relay i listens on base + i, control on base + 1000 + i */
    int slot_fd;          /* the lock that reserves the ports for this process */
} rn_net;

/* Run the shroud executable with a formatted argument string (split on
 * spaces); returns its exit status, its output in out (if non-NULL). */
int rn_shroud(char *out, size_t outn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Create and start n relays (n <= RN_SLOT_PORTS, tick tick_ms) on ports
 * reserved for this process: a port slot is an flock'ed file in /tmp, so
 * test programs running at once (ctest -j) never share ports; busy ports
 * of other programs make it try another slot.  0 or -1. */
#define RN_SLOT_PORTS 20
int rn_up(rn_net *net, int n, unsigned tick_ms);
/* Stop every relay and remove the directory unless keep. */
void rn_down(rn_net *net, int keep);
/* The /status document of relay i (NULL if it does not answer). */
json_t *rn_status(const rn_net *net, int i);
/* GET a path from relay i's control API: HTTP status, body in *body
 * (malloc'ed, NUL-terminated). -1 if unreachable. */
int rn_get(const rn_net *net, int i, const char *path, char **body);
/* A metric's value from relay i's /metrics (the first sample whose line
 * starts with `series`, e.g. "shroud_rejects_total{reason=\"x\"}");
 * -1 if absent. */
double rn_metric(const rn_net *net, int i, const char *series);
/* pid of relay i from DIR/relay-i/testnet.pid, or -1. */
long rn_pid(const rn_net *net, int i);
/* Poll until every running relay knows n-1 others, or timeout_s; 0 / -1. */
int rn_wait_discovery(const rn_net *net, double timeout_s);
/* The public keys of relay i: identity and transport from its contact file. */
int rn_contact(const rn_net *net, int i, uint8_t identity[32], uint8_t transport[32]);
/* 1 if any relay log shows a sanitizer report. */
int rn_logs_have_sanitizer_report(const rn_net *net);
double rn_now(void);
void rn_sleep_ms(long ms);

/* A test client speaking to relay i directly over ZeroMQ: with CURVE
 * (a fresh key pair, the relay's transport key as server key) or
 * without. */
typedef struct rn_client {
    void *ctx, *sock;
    uint8_t pk[32], sk[32];
} rn_client;
void rn_client_open(rn_client *c, const rn_net *net, int relay, int curve);
void rn_client_close(rn_client *c);
/* zmq_send that asserts unless the queue is full (EAGAIN). */
void rn_client_send(rn_client *c, const void *msg, size_t len, int flags);
/* A node HELLO (version, type, signed descriptor) for identity (pk, sk)
 * claiming transport key tk; break_sig flips a signature bit.  Returns
 * its length (at most 2 + 512 bytes). */
size_t rn_make_hello(uint8_t *out, const uint8_t pk[32], const uint8_t sk[64],
                     const uint8_t tk[32], int break_sig);

#endif
