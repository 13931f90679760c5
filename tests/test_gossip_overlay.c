/* tests/test_gossip_overlay.c -- the gossip state machine on sim/loop:
 * membership converges to a connected overlay of full active views, a
 * broadcast reaches every node in about log N rounds, the overlay survives
 * the crash of 30% of the nodes, a partition longer than every timeout
 * heals, and runs are reproducible from the seed. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/gossip_harness.h"

static void assert_views_full(gh *h, uint32_t slack)
{
    uint32_t amax = h->base.active_max, worst = amax, full = 0, live = 0;
    for (uint32_t i = 0; i < h->n; i++) {
        if (h->down[i])
            continue;
        live++;
        size_t k = gossip_active_view(gh_node(h, i), NULL, 0);
        if (k < worst)
            worst = (uint32_t)k;
        if (k == amax)
            full++;
    }
    cr_log_info("views: %u/%u full (max %u), smallest %u", full, live, amax, worst);
    cr_assert_geq(worst + slack, amax, "a node has only %u neighbours", worst);
}

Test(gossip_overlay, membership_converges)
{
    gh *h = gh_new(128, 1, &gossip_crypto_fast, 0, NULL, NULL);
    gh_run(h, 30 * GH_S);
    cr_assert_eq(gh_largest_component(h), 128);
    assert_views_full(h, 1);
    /* views are symmetric */
    sh_peer_id v[GOSSIP_MAX_ACTIVE], w[GOSSIP_MAX_ACTIVE];
    uint32_t asym = 0;
    for (uint32_t i = 0; i < h->n; i++) {
        size_t k = gossip_active_view(gh_node(h, i), v, GOSSIP_MAX_ACTIVE);
        for (size_t j = 0; j < k; j++) {
            size_t m = gossip_active_view(gh_node(h, v[j]), w, GOSSIP_MAX_ACTIVE);
            int found = 0;
            for (size_t x = 0; x < m; x++)
                found |= w[x] == i;
            asym += !found;
        }
    }
    cr_assert_leq(asym, 2, "%u one-sided links", asym);
    gossip_counters s;
    gh_counters_sum(h, &s);
    cr_log_info("suspicions %lu failures %lu", (unsigned long)s.suspicions, (unsigned long)s.failures);
    cr_assert_eq(s.failures, 0);
    size_t mem = 0;
    for (uint32_t i = 0; i < h->n; i++)
        mem += gossip_memory(gh_node(h, i));
    cr_log_info("memory per node: %zu bytes", mem / h->n);
    cr_assert_leq(mem / h->n, 8192);
    gh_free(h);
}

Test(gossip_overlay, broadcast_reaches_all_in_log_rounds)
{
    const uint32_t n = 256;
    gh *h = gh_new(n, 2, &gossip_crypto_fast, 0, NULL, NULL);
    gh_run(h, 30 * GH_S);
    double bound = 1.5 * log2((double)n);
    for (int b = 0; b < 5; b++) {
        uint8_t id[GOSSIP_ID_BYTES];
        char msg[32];
        snprintf(msg, sizeof msg, "hello %d", b);
        uint64_t t0 = sim_loop_now(h->l);
        gh_announce(h, (uint32_t)(17 * b + 3) % n, msg, id);
        gh_run(h, 5 * GH_S);
        uint32_t hops;
        uint64_t last;
        uint32_t got = gh_reached(h, id, &hops, &last);
        uint32_t p99 = gh_hops_quantile(h, id, 0.99);
        cr_log_info("broadcast %d: %u/%u nodes, 99%% within %u hops, all within %u "
                    "(bound %.1f), %.0f ms", b, got, n, p99, hops, bound,
                    (double)(last - t0) / 1e6);
        cr_assert_eq(got, n);
        cr_assert_leq(p99, bound);
        cr_assert_leq(hops, 2 * bound);
    }
    gossip_counters s;
    gh_counters_sum(h, &s);
    cr_log_info("gossip %lu ihave %lu graft %lu prune %lu dup %lu",
                (unsigned long)s.msgs_out[GOSSIP_MSG_GOSSIP], (unsigned long)s.msgs_out[GOSSIP_MSG_IHAVE],
                (unsigned long)s.msgs_out[GOSSIP_MSG_GRAFT], (unsigned long)s.msgs_out[GOSSIP_MSG_PRUNE],
                (unsigned long)s.duplicates);
    /* once the tree is built, a broadcast costs about one GOSSIP per node */
    gossip_counters before = s;
    uint8_t id[GOSSIP_ID_BYTES];
    gh_announce(h, 9, "tree", id);
    gh_run(h, 5 * GH_S);
    cr_assert_eq(gh_reached(h, id, NULL, NULL), n);
    gh_counters_sum(h, &s);
    uint64_t pushes = s.msgs_out[GOSSIP_MSG_GOSSIP] - before.msgs_out[GOSSIP_MSG_GOSSIP];
    cr_log_info("tree broadcast: %lu GOSSIP messages for %u nodes", (unsigned long)pushes, n);
    cr_assert_leq(pushes, 2 * n);
    gh_free(h);
}

Test(gossip_overlay, survives_crash_of_30_percent)
{
    const uint32_t n = 200;
    gh *h = gh_new(n, 3, &gossip_crypto_fast, 0, NULL, NULL);
    gh_run(h, 30 * GH_S);
    /* crash 30% at once, chosen pseudo-randomly */
    uint32_t crashed = 0;
    for (uint32_t i = 0; crashed < 60; i = (i + 37) % n)
        if (!h->down[i]) {
            gh_crash(h, i);
            crashed++;
        }
    gh_run(h, 30 * GH_S);
    cr_assert_eq(gh_largest_component(h), n - crashed);
    cr_assert_eq(gh_bad_edges(h), 0, "a live node still holds a crashed neighbour");
    assert_views_full(h, 3);
    uint8_t id[GOSSIP_ID_BYTES];
    uint32_t from = 1;
    while (h->down[from])
        from++;
    gh_announce(h, from, "after the crash", id);
    gh_run(h, 5 * GH_S);
    cr_assert_eq(gh_reached(h, id, NULL, NULL), n - crashed);
    gossip_counters s;
    gh_counters_sum(h, &s);
    cr_log_info("failures detected %lu, suspicions %lu (refuted %lu)", (unsigned long)s.failures,
                (unsigned long)s.suspicions, (unsigned long)s.refutations);
    gh_free(h);
}

Test(gossip_overlay, long_partition_heals)
{
    const uint32_t n = 120;
    gh *h = gh_new(n, 4, &gossip_crypto_fast, 0, NULL, NULL);
    gh_run(h, 30 * GH_S);
    for (uint32_t i = 0; i < n; i++)
        h->side[i] = (uint8_t)((i * 7 / 3) % 2);
    h->cut = 1;
    /* far longer than every timeout: suspicion, failure, requests, retries */
    gh_run(h, 120 * GH_S);
    cr_assert_eq(gh_bad_edges(h), 0, "an active view still crosses the cut");
    cr_assert_lt(gh_largest_component(h), n);
    uint8_t id[GOSSIP_ID_BYTES];
    gh_announce(h, 0, "during the partition", id);
    gh_run(h, 5 * GH_S);
    uint32_t side0 = 0;
    for (uint32_t i = 0; i < n; i++)
        side0 += h->side[i] == h->side[0];
    cr_assert_eq(gh_reached(h, id, NULL, NULL), side0);
    h->cut = 0;
    gh_run(h, 30 * GH_S);
    cr_assert_eq(gh_largest_component(h), n, "the two sides did not merge");
    gh_announce(h, 0, "after the partition", id);
    gh_run(h, 5 * GH_S);
    cr_assert_eq(gh_reached(h, id, NULL, NULL), n);
    gossip_counters s;
    gh_counters_sum(h, &s);
    cr_log_info("retries %lu revivals %lu", (unsigned long)s.retries, (unsigned long)s.revivals);
    gh_free(h);
}

static char *trace_of(uint8_t seed)
{
    gh *h = gh_new(24, seed, &gossip_crypto_fast, 1, NULL, NULL);
    gh_run(h, 15 * GH_S);
    uint8_t id[GOSSIP_ID_BYTES];
    gh_announce(h, 3, "same", id);
    gh_run(h, 5 * GH_S);
    char *t = strdup(sim_loop_trace(h->l, NULL));
    gh_free(h);
    return t;
}

Test(gossip_overlay, reproducible_from_the_seed)
{
    char *a = trace_of(9), *b = trace_of(9), *c = trace_of(10);
    cr_assert_str_eq(a, b);
    cr_assert_str_neq(a, c);
    free(a);
    free(b);
    free(c);
}

/* The same scenario in full and fast mode sends the same messages with the
 * same sizes: only the signature bytes differ. */
Test(gossip_overlay, fast_and_full_modes_send_identical_sizes)
{
    gossip_counters sum[2];
    for (int mode = 0; mode < 2; mode++) {
        gh *h = gh_new(32, 5, mode ? &gossip_crypto_fast : &gossip_crypto_full, 0, NULL, NULL);
        gh_run(h, 15 * GH_S);
        uint8_t id[GOSSIP_ID_BYTES];
        gh_announce(h, 7, "mode", id);
        sh_buf d;
        sh_buf_init(&d);
        uint64_t now_s = 1700000000ULL + sim_loop_now(h->l) / GH_S;
        gh_descriptor(h, 11, now_s, now_s + 3600, &d);
        cr_assert_eq(sim_loop_request(h->l, 11, sim_loop_now(h->l), GOSSIP_REQ_DESCRIPTOR,
                                      d.data, d.len), 0);
        sh_buf_free(&d);
        gh_run(h, 5 * GH_S);
        cr_assert_eq(gh_reached(h, id, NULL, NULL), 32);
        gh_counters_sum(h, &sum[mode]);
        cr_assert_eq(sum[mode].delivered[0], 0);
        gh_free(h);
    }
    for (int t = 0; t < GOSSIP_MSG_COUNT; t++) {
        cr_assert_eq(sum[0].msgs_out[t], sum[1].msgs_out[t], "type %d", t);
        cr_assert_eq(sum[0].bytes_out[t], sum[1].bytes_out[t], "type %d", t);
    }
    cr_assert_gt(sum[0].msgs_out[GOSSIP_MSG_GOSSIP], 0);
}
