/* node/control.h -- the relay's local HTTP control API.
 *
 * The daemon answers two read-only endpoints on a loopback address
 * (docs/control-api.md):
 *
 *   GET /status    the relay's state as JSON (application/json)
 *   GET /metrics   Prometheus text format 0.0.4 (node/prom.h)
 *
 * HEAD is answered like GET without the body.  Every request must carry
 * "Authorization: Bearer TOKEN", where TOKEN is the 64 hex digits of the
 * token file (32 random bytes, created by node_control_token_create and
 * readable only by the relay's user).  The token exists because loopback
 * is not private: any local user, and any web page through a browser, can
 * reach 127.0.0.1.  The presented token is decoded to bytes (either hex
 * case) and compared with crypto_verify_32, in constant time.
 *
 * Order of checks, so that a client without the token learns nothing:
 *   1. token missing, malformed, repeated or wrong  -> 401 (with
 *      "WWW-Authenticate: Bearer realm=\"shroud\"")
 *   2. a path other than /status or /metrics (the query string is
 *      ignored), or one whose callback is NULL      -> 404
 *   3. a method other than GET or HEAD              -> 405 (with Allow)
 *   4. the callback fails                           -> 500
 * Every response carries "Cache-Control: no-store" and
 * "X-Content-Type-Options: nosniff".  Requests libevent itself refuses
 * (unparseable, headers over NODE_CONTROL_MAX_HEADER_BYTES, a body over
 * NODE_CONTROL_MAX_BODY_BYTES) get its 400/413 reply or a closed
 * connection and never reach the counters.  A connection idle or stalled
 * for the configured timeout is closed.
 *
 * The server lives inside the caller's event_base (the daemon's loop) and
 * never blocks; the callbacks run on that loop's thread.  The process
 * must ignore SIGPIPE (libevent writes to sockets with writev, and a
 * client that hangs up mid-reply would otherwise kill the daemon).
 *
 * node_control_get is the matching blocking client, used by
 * `shroud relay status` and by the tests.
 */
#ifndef SHROUD_NODE_CONTROL_H
#define SHROUD_NODE_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "util/err.h"
#include "util/buf.h"

struct event_base;
typedef struct node_control node_control;

/* Produce the /status document (*out receives a new jansson reference,
 * which the server releases) or the /metrics text (appended to out).
 * Return 0, or a negative sh_err for a 500 reply (whatever was appended
 * to out is then discarded; *out must then be left NULL or is released).
 * Called on the event loop's thread, once per authorised request. */
typedef int (*node_control_status_fn)(void *arg, json_t **out);
typedef int (*node_control_metrics_fn)(void *arg, sh_buf *out);

#define NODE_CONTROL_TOKEN_HEX 64            /* 32 random bytes in hex */
#define NODE_CONTROL_TOKEN_BYTES 32
#define NODE_CONTROL_DEFAULT_TIMEOUT_MS 10000
#define NODE_CONTROL_MAX_HEADER_BYTES 8192   /* request line excluded */
#define NODE_CONTROL_MAX_BODY_BYTES 1024     /* GET needs none */
#define NODE_CONTROL_MAX_RESPONSE_BYTES ((size_t)64 << 20)   /* client side */

typedef struct node_control_cfg {
    const char *host;            /* numeric loopback: 127.0.0.0/8 or ::1 */
    uint16_t port;               /* 0: an ephemeral port (tests) */
    const char *token;           /* NODE_CONTROL_TOKEN_HEX hex digits */
    node_control_status_fn status;     /* NULL: /status answers 404 */
    node_control_metrics_fn metrics;   /* NULL: /metrics answers 404 */
    void *arg;                   /* passed to both callbacks */
    uint32_t timeout_ms;         /* read/write timeout per connection;
                                    0: NODE_CONTROL_DEFAULT_TIMEOUT_MS */
} node_control_cfg;

/* Bind on cfg->host:cfg->port inside base and start serving.  The host
 * must be a numeric loopback address (127.0.0.0/8 or ::1): names are
 * refused too, since "localhost" may resolve elsewhere.  Errors, with a
 * sentence in err (which may be NULL):
 *   SH_ERR_ARG     NULL base/cfg/out, a non-loopback or non-numeric host,
 *                  a token that is not NODE_CONTROL_TOKEN_HEX hex digits
 *   SH_ERR_IO      socket, bind (e.g. port in use) or listen failed
 *   SH_ERR_NOMEM   allocation failed
 * The token is copied (as bytes, wiped on free). */
int node_control_new(node_control **out, struct event_base *base,
                     const node_control_cfg *cfg, char *err, size_t errlen) SH_WUR;
/* The port actually bound (the ephemeral one when cfg->port was 0). */
uint16_t node_control_port(const node_control *c);
/* Close the listener and every client connection, wipe the token.  Must
 * not be called from inside a callback.  NULL is a no-op. */
void node_control_free(node_control *c);

/* Request counters.  requests counts every request that reached the
 * handler; each one is also counted in exactly one of the others, so the
 * outcomes add up to requests.  Safe to read from any thread. */
typedef struct node_control_stats {
    uint64_t requests;
    uint64_t status_ok;            /* 200 on /status */
    uint64_t metrics_ok;           /* 200 on /metrics */
    uint64_t unauthorized;         /* 401 */
    uint64_t not_found;            /* 404 */
    uint64_t method_not_allowed;   /* 405 */
    uint64_t errors;               /* 500 */
} node_control_stats;

void node_control_stats_get(const node_control *c, node_control_stats *out);
/* Append the counters as one family (node/prom.h):
 *   shroud_control_requests_total{outcome="status"|"metrics"|
 *       "unauthorized"|"not_found"|"method_not_allowed"|"error"}
 * The buffer is unchanged on error. */
int node_control_stats_write_prom(sh_buf *out, const node_control_stats *s) SH_WUR;

/* Create a new token file at path: 32 bytes from randombytes_buf as 64
 * lowercase hex digits and '\n', opened O_CREAT|O_EXCL with mode 0600,
 * fsynced with its directory.  An existing file is never overwritten
 * (SH_ERR_IO, "already exists").  A partly written file is removed. */
int node_control_token_create(const char *path, char *err, size_t errlen) SH_WUR;
/* Read a token file into out (64 hex digits and a NUL; wiped on error).
 * Refused, with the reason in err:
 *   SH_ERR_IO      cannot open/read, not a regular file, or a mode that
 *                  grants any permission to group or others (the message
 *                  names the mode and says "chmod 600 PATH")
 *   SH_ERR_LENGTH  not exactly 64 characters (one final '\n' allowed)
 *   SH_ERR_FORMAT  a character that is not a hex digit */
int node_control_token_load(const char *path, char out[NODE_CONTROL_TOKEN_HEX + 1],
                            char *err, size_t errlen) SH_WUR;

/* Blocking GET of http://host:port/path with its own event_base, sending
 * "Authorization: Bearer TOKEN" (no such header when token is NULL: for
 * tests and diagnosis).  The whole exchange must finish within
 * timeout_ms (> 0).  On 0 an HTTP response arrived: *status holds its
 * code (any code, 401 included) and its body was appended to body.
 * Errors, with a sentence in err:
 *   SH_ERR_ARG       bad arguments: NULL pointers, timeout_ms <= 0, a path
 *                    not starting with '/' or holding spaces or control
 *                    characters, a token holding control characters
 *   SH_ERR_IO        no response: "connection refused", "timed out after
 *                    N ms", the connection closed early, or a reply that is
 *                    not HTTP
 *   SH_ERR_OVERSIZE  the body exceeds body's limit or
 *                    NODE_CONTROL_MAX_RESPONSE_BYTES (body left unchanged)
 *   SH_ERR_NOMEM     allocation failed */
int node_control_get(const char *host, uint16_t port, const char *token,
                     const char *path, int timeout_ms, sh_buf *body, int *status,
                     char *err, size_t errlen) SH_WUR;

#endif
