/* tests/helpers/control_server.h -- a node/control server for the control
 * API tests: it runs on its own event_base in a second thread while the
 * test thread talks to it with node_control_get (cs_get) or a raw TCP
 * client (cs_raw).  The callbacks serve a fixed /status document and a
 * /metrics page with the server's own counters, and fail on demand. */
#ifndef SHROUD_TESTS_CONTROL_SERVER_H
#define SHROUD_TESTS_CONTROL_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include "node/control.h"
#include "util/buf.h"
#include "util/json.h"

#define TOKEN "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978"
#define TIMEOUT_MS 5000
/* Raw requests: "GET /status" RQ AUTH "\r\n" */
#define RQ " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
#define AUTH "Authorization: Bearer " TOKEN "\r\n"

struct cb_state {
    int fail_status;        /* status callback returns an error */
    int null_status;        /* status callback "succeeds" with no document */
    int fail_metrics;       /* metrics callback appends, then fails */
    node_control *ctl;      /* for the metrics page's own counters */
    atomic_int status_calls, metrics_calls;
};

struct cs_server {
    struct event_base *base;
    node_control *ctl;
    struct event *stop_ev;
    int pipefd[2];
    pthread_t th;
    uint16_t port;
    struct cb_state st;
};

/* The /status document status_cb serves (a new reference). */
json_t *cs_status_doc(void);
/* The first lines of every /metrics page metrics_cb serves. */
extern const char cs_metrics_head[];
/* The endpoints' callbacks; arg is a struct cb_state. */
int cs_status_cb(void *arg, json_t **out);
int cs_metrics_cb(void *arg, sh_buf *out);

/* Start a server; cfg may be NULL for the defaults (both endpoints).  The
 * caller sets s->st's failure flags before. */
void cs_start(struct cs_server *s, const node_control_cfg *cfg_in);
/* Stop the loop thread; the control object stays readable. */
void cs_halt(struct cs_server *s);
void cs_free(struct cs_server *s);
/* cs_halt then cs_free. */
void cs_stop(struct cs_server *s);
/* GET through the real client; returns the HTTP status, body into *b. */
int cs_get(uint16_t port, const char *token, const char *path, sh_buf *b);

/* A TCP connection to 127.0.0.1:port with a 5 s receive timeout. */
int cs_tcp_connect(uint16_t port);
/* Send req[0..len) (errors ignored: the server may hang up first), read
 * until the server closes or 5 s pass.  The reply (NUL-terminated, cut to
 * cap) goes to resp; returns its HTTP status, or 0 for no reply at all. */
int cs_raw(uint16_t port, const void *req, size_t len, char *resp, size_t cap);
int cs_raw_str(uint16_t port, const char *req, char *resp, size_t cap);
/* Case-insensitive search for a header line "name: value" in a reply. */
int cs_has_header(const char *resp, const char *line);
/* CLOCK_MONOTONIC in seconds. */
double cs_now_s(void);
/* The suite's init: a closed connection must not kill the test. */
void cs_ignore_sigpipe(void);

#endif
