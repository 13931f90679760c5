/* tests/test_node_relay_crash.c -- SIGKILL a running relay at random
 * points across 50 state changes.
 *
 * A state change is the relay learning a new relay: a test client sends a
 * HELLO with a fresh signed descriptor, and the relay records it (one
 * synced write batch in its peers column family).  A change is
 * acknowledged once /status lists the new identity: the daemon is single
 * threaded and writes the store before it can answer a request, so an
 * acknowledged change is on disk.  While changes are in flight, the test
 * kills the relay with SIGKILL after a random delay (deterministic seed),
 * restarts it with `shroud testnet up`, and checks that the store reopens
 * (the relay starts), that its identity is the same, and that every
 * acknowledged identity is still known. */
#define _XOPEN_SOURCE 700
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <sodium.h>
#include <zmq.h>

#include "relaynet.h"

#define CHANGES 50

static void init(void)
{
    cr_assert(sodium_init() >= 0);
}

TestSuite(node_relay_crash, .init = init, .timeout = 600);

static int alive(long pid)
{
    return pid > 0 && kill((pid_t)pid, 0) == 0;
}

/* Is identity (hex) among relay 0's known identities? -1: no answer. */
static int knows(json_t *s, const char *hex)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(json_object_get(s, "peers"), "known_identities"), i, e)
        if (strcmp(json_string_value(e), hex) == 0)
            return 1;
    return 0;
}

Test(node_relay_crash, sigkill_across_50_state_changes_loses_nothing_acknowledged)
{
    rn_net net;
    cr_assert_eq(rn_up(&net, 1, 200), 0, "testnet up");
    json_t *s = rn_status(&net, 0);
    cr_assert_not_null(s);
    char self[65];
    snprintf(self, sizeof self, "%s", json_string_value(json_object_get(s, "identity")));
    json_decref(s);

    char ids[CHANGES][65];
    int acked[CHANGES] = { 0 };
    uint32_t seed = 20261121;
    int kills = 0;
    for (int k = 0; k < CHANGES; k++) {
        /* a new relay says hello */
        rn_client c;
        rn_client_open(&c, &net, 0, 1);
        uint8_t pk[32], sk[64], msg[600];
        crypto_sign_keypair(pk, sk);
        sodium_bin2hex(ids[k], sizeof ids[k], pk, 32);
        size_t len = rn_make_hello(msg, pk, sk, c.pk, 0);
        rn_client_send(&c, msg, len, 0);
        /* every fifth change, kill the relay after a random 0..40 ms,
         * which lands before, during or after the write */
        seed = seed * 1103515245u + 12345u;
        int kill_now = k % 5 == 4;
        if (kill_now) {
            rn_sleep_ms((long)(seed >> 16) % 41);
            long pid = rn_pid(&net, 0);
            cr_assert(alive(pid));
            cr_assert_eq(kill((pid_t)pid, SIGKILL), 0);
            for (int w = 0; w < 200 && alive(pid); w++)
                rn_sleep_ms(10);
            cr_assert(!alive(pid));
            kills++;
        } else {
            /* wait for the acknowledgement */
            for (double t0 = rn_now(); !acked[k] && rn_now() - t0 < 10; rn_sleep_ms(20)) {
                json_t *st = rn_status(&net, 0);
                if (st != NULL)
                    acked[k] = knows(st, ids[k]);
                json_decref(st);
            }
            cr_assert(acked[k], "change %d acknowledged", k);
        }
        rn_client_close(&c);
        if (kill_now) {
            char out[4096];
            cr_assert_eq(rn_shroud(out, sizeof out, "testnet up --relays 1 --dir %s --base-port %d --tick-ms 200",
                                   net.dir, net.base), 0, "restart after kill %d: %s", kills, out);
            s = rn_status(&net, 0);
            cr_assert_not_null(s, "the relay reopened its store and answers");
            cr_assert_str_eq(json_string_value(json_object_get(s, "identity")), self,
                             "identity intact after kill %d", kills);
            for (int j = 0; j < k; j++)
                if (acked[j])
                    cr_assert(knows(s, ids[j]), "acknowledged change %d survived kill %d", j, kills);
            /* the change in flight may or may not have landed: both are fine */
            acked[k] = knows(s, ids[k]);
            json_decref(s);
        }
    }
    cr_assert_eq(kills, CHANGES / 5);
    int n_acked = 0;
    s = rn_status(&net, 0);
    cr_assert_not_null(s);
    for (int k = 0; k < CHANGES; k++)
        if (acked[k]) {
            n_acked++;
            cr_assert(knows(s, ids[k]), "change %d present at the end", k);
        }
    json_decref(s);
    cr_assert_geq(n_acked, CHANGES - CHANGES / 5, "%d of %d changes acknowledged", n_acked, CHANGES);
    rn_down(&net, 1);
    cr_assert(!rn_logs_have_sanitizer_report(&net), "a relay log has a sanitizer report (%s)",
              net.dir);
    rn_down(&net, 0);
}
