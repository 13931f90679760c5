/* tests/test_node_testnet.c -- relay processes on loopback: discovery over
 * real sockets, SIGKILL and restart (identity and peers intact, rejoin),
 * graceful stop, and hostile input from a test client speaking ZeroMQ
 * directly (no CURVE, unknown keys, forged and malformed HELLOs, bad
 * framing, oversize, floods) -- each rejected, counted in /metrics, and
 * the relay keeps serving. */
#define _XOPEN_SOURCE 700
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <sodium.h>
#include <zmq.h>

#include "relaynet.h"
#include "gossip/descriptor.h"
#include "node/wire.h"

static void init(void)
{
    cr_assert(sodium_init() >= 0);
}

TestSuite(node_testnet, .init = init, .timeout = 300);

static json_t *peers(json_t *s)
{
    return json_object_get(s, "peers");
}

static long long known(json_t *s)
{
    return (long long)json_integer_value(json_object_get(peers(s), "known"));
}

static int alive(long pid)
{
    return pid > 0 && kill((pid_t)pid, 0) == 0;
}

/* Does relay i hold `identity` (hex) in its active view? */
static int in_active_view(const rn_net *net, int i, const char *identity)
{
    json_t *s = rn_status(net, i);
    if (s == NULL)
        return 0;
    size_t k;
    json_t *e;
    int found = 0;
    json_array_foreach(json_object_get(peers(s), "active_view"), k, e) {
        const char *id = json_string_value(json_object_get(e, "identity"));
        found |= id != NULL && strcmp(id, identity) == 0;
    }
    json_decref(s);
    return found;
}

Test(node_testnet, discovery_sigkill_restart_and_graceful_stop)
{
    rn_net net;
    const int n = 8;
    cr_assert_eq(rn_up(&net, n, 200), 0, "testnet up");
    cr_assert_eq(rn_wait_discovery(&net, 60), 0, "every relay discovers every other");

    /* SIGKILL relay 3 */
    json_t *s = rn_status(&net, 3);
    cr_assert_not_null(s);
    char identity[65];
    snprintf(identity, sizeof identity, "%s", json_string_value(json_object_get(s, "identity")));
    json_decref(s);
    long pid = rn_pid(&net, 3);
    cr_assert(alive(pid));
    cr_assert_eq(kill((pid_t)pid, SIGKILL), 0);
    for (int k = 0; k < 100 && alive(pid); k++)
        rn_sleep_ms(20);
    cr_assert(!alive(pid), "relay 3 is gone");
    for (int i = 0; i < n; i++)
        if (i != 3)
            cr_assert(alive(rn_pid(&net, i)), "relay %d survives the crash of relay 3", i);

    /* restart it: same identity, its peer table back from the store */
    char out[4096];
    cr_assert_eq(rn_shroud(out, sizeof out, "testnet up --relays %d --dir %s --base-port %d --tick-ms 200",
                           n, net.dir, net.base), 0, "%s", out);
    cr_assert(strstr(out, "(1 started)") != NULL, "only the dead relay restarts: %s", out);
    s = rn_status(&net, 3);
    cr_assert_not_null(s);
    cr_assert_str_eq(json_string_value(json_object_get(s, "identity")), identity,
                     "identity intact after SIGKILL");
    cr_assert_eq(known(s), n - 1, "peer table intact after SIGKILL (%lld known)", known(s));
    json_decref(s);
    /* it rejoins: somebody holds it as a neighbour again */
    int rejoined = 0;
    for (double t0 = rn_now(); !rejoined && rn_now() - t0 < 30; rn_sleep_ms(200))
        for (int i = 0; i < n && !rejoined; i++)
            rejoined = i != 3 && in_active_view(&net, i, identity);
    cr_assert(rejoined, "relay 3 rejoined the overlay");

    /* stop relay 5 gracefully: it exits, its neighbours drop it */
    s = rn_status(&net, 5);
    cr_assert_not_null(s);
    char id5[65];
    snprintf(id5, sizeof id5, "%s", json_string_value(json_object_get(s, "identity")));
    json_decref(s);
    pid = rn_pid(&net, 5);
    cr_assert_eq(kill((pid_t)pid, SIGTERM), 0);
    for (int k = 0; k < 250 && alive(pid); k++)
        rn_sleep_ms(20);
    cr_assert(!alive(pid), "relay 5 stops on SIGTERM");
    char logp[512], line[1024];
    snprintf(logp, sizeof logp, "%s/relay-5/relay.log", net.dir);
    FILE *f = fopen(logp, "r");
    cr_assert_not_null(f);
    int stopped = 0;
    while (fgets(line, sizeof line, f) != NULL)
        stopped |= strstr(line, "node: stopped") != NULL;
    fclose(f);
    cr_assert(stopped, "relay 5 logged a clean stop");
    int dropped = 0;
    for (double t0 = rn_now(); !dropped && rn_now() - t0 < 20; rn_sleep_ms(200)) {
        dropped = 1;
        for (int i = 0; i < n; i++)
            if (i != 5 && in_active_view(&net, i, id5))
                dropped = 0;
    }
    cr_assert(dropped, "no relay keeps the stopped relay as a neighbour");

    rn_down(&net, 1);
    cr_assert(!rn_logs_have_sanitizer_report(&net), "a relay log has a sanitizer report (%s)",
              net.dir);
    rn_down(&net, 0);
}

/* ---- a hostile client ----------------------------------------------------------- */

/* Wait until the counter of `reason` at relay i reaches at least min. */
static double reject_count(const rn_net *net, int i, const char *reason, double min)
{
    char series[256];
    snprintf(series, sizeof series, "shroud_rejects_total{reason=\"%s\"}", reason);
    double v = -1;
    for (double t0 = rn_now(); rn_now() - t0 < 10; rn_sleep_ms(100))
        if ((v = rn_metric(net, i, series)) >= min)
            break;
    return v;
}

Test(node_testnet, hostile_input_is_rejected_and_counted)
{
    rn_net net;
    const int n = 5, target = 1;
    cr_assert_eq(rn_up(&net, n, 200), 0, "testnet up");
    cr_assert_eq(rn_wait_discovery(&net, 60), 0);

    /* 1. no CURVE at all: the handshake fails, nothing gets through */
    rn_client plain;
    rn_client_open(&plain, &net, target, 0);
    rn_client_send(&plain, "\x01\x02garbage", 9, ZMQ_DONTWAIT);
    double hf = -1;
    for (double t0 = rn_now(); rn_now() - t0 < 10 && hf < 1; rn_sleep_ms(100))
        hf = rn_metric(&net, target, "shroud_transport_handshake_failures_total");
    cr_assert_geq(hf, 1, "a client without CURVE fails the handshake (%g)", hf);
    rn_client_close(&plain);

    /* 2. CURVE with a key nobody knows */
    rn_client c;
    rn_client_open(&c, &net, target, 1);
    rn_client_send(&c, "\x01\x02\x93\x01\x08\x01", 6, 0);
    cr_assert_geq(reject_count(&net, target, "node: unauthenticated message", 1), 1);
    /* a HELLO that is not a descriptor */
    rn_client_send(&c, "\x01\x01garbage", 9, 0);
    cr_assert_geq(reject_count(&net, target, "gossip: malformed descriptor", 1), 1);
    /* a HELLO claiming another transport key than the one authenticated */
    uint8_t ipk[32], isk[64], other[32], msg[1024];
    crypto_sign_keypair(ipk, isk);
    randombytes_buf(other, sizeof other);
    size_t len = rn_make_hello(msg, ipk, isk, other, 0);
    rn_client_send(&c, msg, len, 0);
    cr_assert_geq(reject_count(&net, target, "node: hello key mismatch", 1), 1);
    /* a forged signature */
    len = rn_make_hello(msg, ipk, isk, c.pk, 1);
    rn_client_send(&c, msg, len, 0);
    cr_assert_geq(reject_count(&net, target, "gossip: bad signature", 1), 1);
    /* a valid HELLO: the client becomes a known relay */
    len = rn_make_hello(msg, ipk, isk, c.pk, 0);
    rn_client_send(&c, msg, len, 0);
    int learned = 0;
    for (double t0 = rn_now(); !learned && rn_now() - t0 < 10; rn_sleep_ms(100)) {
        json_t *s = rn_status(&net, target);
        learned = s != NULL && known(s) == n;
        json_decref(s);
    }
    cr_assert(learned, "the relay learns a correctly signed HELLO");

    /* 3. malformed messages from a known relay */
    rn_client_send(&c, "\x02\x02\x93\x01\x08\x01", 6, 0);
    cr_assert_geq(reject_count(&net, target, "node: unsupported version", 1), 1);
    rn_client_send(&c, "\x01\x09xx", 4, 0);
    cr_assert_geq(reject_count(&net, target, "node: unknown message type", 1), 1);
    rn_client_send(&c, "\x01\x02\xc1\xc1\xc1", 5, 0);
    cr_assert_geq(reject_count(&net, target, "gossip: malformed message", 1), 1);
    rn_client_send(&c, "\x01\x04\x00\x02\x00\x00\x00\x02\x00\x00\x00\x01", 12, 0);
    cr_assert_geq(reject_count(&net, target, "node: malformed sync", 1), 1);
    rn_client_send(&c, "\x01", 1, ZMQ_SNDMORE);
    rn_client_send(&c, "\x02", 1, 0);
    cr_assert_geq(reject_count(&net, target, "transport: bad framing", 1), 1);
    /* oversize: just above the limit is counted; far above drops the link */
    size_t big = 65536 + 1;
    uint8_t *huge = calloc(1, 400000);
    cr_assert_not_null(huge);
    huge[0] = 1;
    huge[1] = 2;
    rn_client_send(&c, huge, big, 0);
    cr_assert_geq(reject_count(&net, target, "transport: oversize", 1), 1);
    rn_client_send(&c, huge, 400000, 0);
    free(huge);
    rn_sleep_ms(300);
    rn_client_close(&c);

    /* 4. a flood from a known relay hits the per-peer rate limit */
    rn_client f;
    rn_client_open(&f, &net, target, 1);
    uint8_t fpk[32], fsk[64];
    crypto_sign_keypair(fpk, fsk);
    len = rn_make_hello(msg, fpk, fsk, f.pk, 0);
    rn_client_send(&f, msg, len, 0);
    for (int k = 0; k < 3000; k++)
        rn_client_send(&f, "\x01\x02\x93\x01\x08\x01", 6, ZMQ_DONTWAIT);
    cr_assert_geq(reject_count(&net, target, "node: rate limit", 1), 1);
    rn_client_close(&f);

    /* the relay is still up and the network still whole */
    json_t *s = rn_status(&net, target);
    cr_assert_not_null(s, "the target still answers");
    json_decref(s);
    for (int i = 0; i < n; i++)
        cr_assert(alive(rn_pid(&net, i)), "relay %d alive", i);
    rn_down(&net, 1);
    cr_assert(!rn_logs_have_sanitizer_report(&net), "a relay log has a sanitizer report (%s)",
              net.dir);
    rn_down(&net, 0);
}
