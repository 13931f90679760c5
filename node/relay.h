/* node/relay.h -- the relay daemon: `shroud relay init` and `shroud relay
 * run`.
 *
 * A relay is a directory (0700) holding relay.ini, the encrypted keys and
 * everything else in a RocksDB store (node/store.h), the key file that
 * unlocks the keys (unless a passphrase is used) and the control token.
 * Running it drives the gossip state machine (gossip/gossip.h) -- the very
 * code the simulator runs -- with real time, the ZeroMQ CURVE transport
 * (node/transport.h) and a libevent loop; it serves the control API
 * (node/control.h) on 127.0.0.1.  docs/operator-guide.md is the manual,
 * docs/node.md the design (peer ids, node messages, persistence).
 */
#ifndef SHROUD_NODE_RELAY_H
#define SHROUD_NODE_RELAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "util/err.h"

typedef struct node_relay_init_opts {
    const char *dir;              /* created, must not exist or be empty */
    const char *nickname;         /* NULL: "relay" */
    const char *listen;           /* NULL: 127.0.0.1:9001 */
    const char *control;          /* NULL: 127.0.0.1:9101 */
    const char *passphrase_file;  /* at most one of these two; neither: */
    const char *passphrase_env;   /* a key file relay.key in dir */
    const char *const *bootstrap; /* "IDENTITY TRANSPORT HOST:PORT" lines */
    size_t n_bootstrap;
    uint32_t tick_ms;             /* 0: the default */
    int fast_kdf;                 /* tests only: Argon2id at its minimum cost */
} node_relay_init_opts;

/* Create a relay directory: keys (sealed in the store), control token,
 * key file, and a commented relay.ini written last (its presence marks a
 * complete directory).  Prints the relay's identity and its bootstrap line
 * to out (may be NULL).  A message naming the problem goes to err. */
int node_relay_init(const node_relay_init_opts *o, FILE *out, char *err, size_t errlen) SH_WUR;

/* Run the relay described by config_path until SIGTERM or SIGINT.
 * Returns the process exit status: 0 after a clean shutdown, 1 when the
 * relay could not start (the reason is logged and printed to stderr). */
int node_relay_run(const char *config_path);

/* The line other relays put in their [network] bootstrap to reach this
 * one ("IDENTITY TRANSPORT HOST:PORT"), read from the relay's public keys
 * and config without unlocking anything. */
int node_relay_contact(const char *config_path, char *out, size_t n, char *err,
                       size_t errlen) SH_WUR;

#endif
