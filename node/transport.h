/* node/transport.h -- authenticated message transport between relays:
 * ZeroMQ with CurveZMQ, driven by a libevent loop.
 *
 * Every relay binds one ROUTER socket as a CURVE server.  To talk to a
 * relay it opens one DEALER socket as a CURVE client with that relay's
 * transport key as the server key, and keeps it until it has been idle
 * for idle_timeout_s.  Messages therefore flow one way per socket pair
 * (replies go back over the replier's own DEALER), which keeps the
 * transport free of routing state.
 *
 * Authentication: the CurveZMQ handshake proves that the client holds the
 * secret of the public key it presents; an in-process ZAP handler (RFC 27)
 * sees that key, asks the owner whether to admit it (the daemon admits
 * known relays always and unknown keys at a bounded rate), and stamps it
 * on the connection as the User-Id, so every received message carries its
 * sender's authenticated transport key.  Clients that do not speak CURVE,
 * or fail its handshake, never get a message through; they are counted
 * from the socket monitor.
 *
 * libevent integration: each socket's ZMQ_FD is watched for readability.
 * That descriptor is edge-triggered and only says "look at ZMQ_EVENTS",
 * so every callback drains the socket until ZMQ_EVENTS has no POLLIN --
 * at most `burst` messages at a time, then it re-activates itself so that
 * timers and other sockets get their turn.
 *
 * Bounds: a message longer than max_message is dropped and counted (the
 * socket refuses anything above 2 * max_message + 64 outright and drops
 * that connection, so memory per message stays bounded); each DEALER
 * queues at most queue_max messages (ZMQ_SNDHWM), beyond which sends are
 * dropped and counted -- the network is unreliable by contract
 * (docs/sansio.md), so dropping is safe.
 */
#ifndef SHROUD_NODE_TRANSPORT_H
#define SHROUD_NODE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

struct event_base;

#define NODE_TRANSPORT_KEY_BYTES 32
#define NODE_TRANSPORT_BURST 256

typedef struct node_transport_cb {
    /* An authenticated message from the holder of `key`.  msg is valid
     * only during the call. */
    void (*on_message)(void *arg, const uint8_t key[NODE_TRANSPORT_KEY_BYTES],
                       const uint8_t *msg, size_t len);
    /* Admit a CURVE client presenting `key`?  1 yes, 0 no. */
    int (*admit)(void *arg, const uint8_t key[NODE_TRANSPORT_KEY_BYTES]);
    /* Input refused below the message layer; reason is a literal:
     * "transport: handshake failed", "transport: not admitted",
     * "transport: oversize", "transport: bad framing". */
    void (*on_refused)(void *arg, const char *reason);
    void *arg;
} node_transport_cb;

typedef struct node_transport_cfg {
    const char *listen;            /* ZeroMQ endpoint, e.g. "tcp://127.0.0.1:9001" */
    const uint8_t *public_key;     /* our CURVE key pair */
    const uint8_t *secret_key;
    size_t max_message;            /* bytes */
    uint32_t queue_max;            /* per outgoing connection */
    uint32_t idle_timeout_s;       /* close outgoing connections idle this long */
    int linger_ms;                 /* on close: time to flush queued messages */
} node_transport_cfg;

typedef struct node_transport_stats {
    uint64_t msgs_in, bytes_in, msgs_out, bytes_out;
    uint64_t dropped_full;         /* send found the queue full */
    uint64_t oversize_in;          /* received messages above max_message */
    uint64_t bad_framing;          /* multi-part or empty messages */
    uint64_t handshake_failed;     /* from the monitor */
    uint64_t not_admitted;         /* refused by admit() */
    uint64_t accepted;             /* incoming TCP connections */
    uint64_t disconnected;
    uint64_t connections;          /* outgoing connections open now */
    uint64_t opened, closed_idle;
} node_transport_stats;

typedef struct node_transport node_transport;

/* Create the ZeroMQ context, bind the ROUTER (with the ZAP handler and the
 * monitor) and register everything with base.  Fails with a message naming
 * the endpoint and ZeroMQ's reason (address in use, ...). */
int node_transport_new(node_transport **out, struct event_base *base,
                       const node_transport_cfg *cfg, const node_transport_cb *cb,
                       char *err, size_t errlen) SH_WUR;
/* Close every socket (waiting up to linger_ms for queued messages) and the
 * context.  NULL-safe. */
void node_transport_free(node_transport *t);

/* The first message of every new outgoing connection (the daemon's HELLO:
 * its signed descriptor).  Copied; replaces the previous one. */
int node_transport_set_hello(node_transport *t, const uint8_t *msg, size_t len) SH_WUR;

/* Queue msg for the relay with transport key `key` at `endpoint` (opening
 * a connection, preceded by the hello, if there is none).  0 queued;
 * SH_ERR_RANGE dropped because the queue is full; SH_ERR_OVERSIZE above
 * max_message; SH_ERR_IO if ZeroMQ refused the endpoint. */
int node_transport_send(node_transport *t, const uint8_t key[NODE_TRANSPORT_KEY_BYTES],
                        const char *endpoint, const uint8_t *msg, size_t len) SH_WUR;
/* Close the outgoing connection to key, if any (its queue is flushed for
 * at most linger_ms). */
void node_transport_close(node_transport *t, const uint8_t key[NODE_TRANSPORT_KEY_BYTES]);

void node_transport_stats_get(const node_transport *t, node_transport_stats *out);
/* Messages waiting in outgoing queues is not observable through ZeroMQ;
 * this is the number of outgoing connections. */
size_t node_transport_connections(const node_transport *t);

#endif
