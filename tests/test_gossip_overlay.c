/* tests/test_gossip_overlay.c -- the gossip state machine on sim/loop:
 * membership converges to a connected overlay of full active views, a
 * broadcast reaches every node in about log N rounds, the first
 * flood_hops hops are a flood that leaves the tree alone, the overlay
 * survives the crash of 30% of the nodes, a partition longer than every
 * timeout heals, and runs are reproducible from the seed. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

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

/* Hop depth at 256 nodes.  In this harness the overlay itself is
 * typically 7-11 hops deep from an origin (99 % of the nodes within that
 * many hops of a breadth-first search; 6-14 seen; a random graph of that
 * degree: 4-5), so the bound
 * 1.5 log2 N = 12 of issue 6 is no per-broadcast property here, whatever
 * the dissemination: over 40 seeds x 9 broadcasts, 99 % took more than 12
 * hops in 76 % of the broadcasts with plain Plumtree (mean 14.8) and 60 %
 * with flood_hops 3 (mean 13.6).  So this is a regression check of one
 * seed: the median of 10 broadcasts within the bound (plain Plumtree: 10,
 * flood_hops 3: 11.5), each within twice the bound.  The acceptance figure
 * is the simulator's at 10,000 relays (docs/gossip.md, "Note on hop
 * counts"). */
Test(gossip_overlay, broadcast_reaches_all_in_log_rounds)
{
    const uint32_t n = 256;
    gh *h = gh_new(n, 2, &gossip_crypto_fast, 0, NULL, NULL);
    gh_run(h, 30 * GH_S);
    double bound = 1.5 * log2((double)n);
    uint32_t p99s[10];
    for (int b = 0; b < 10; b++) {
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
        cr_assert_leq(hops, 2 * bound);
        /* insertion sort, for the median */
        int k = b;
        for (; k > 0 && p99s[k - 1] > p99; k--)
            p99s[k] = p99s[k - 1];
        p99s[k] = p99;
    }
    double median = (p99s[4] + p99s[5]) / 2.0;
    cr_log_info("median p99 %.1f hops (bound %.1f)", median, bound);
    cr_assert_leq(median, bound);
    gossip_counters s;
    gh_counters_sum(h, &s);
    cr_log_info("gossip %lu ihave %lu graft %lu prune %lu dup %lu",
                (unsigned long)s.msgs_out[GOSSIP_MSG_GOSSIP], (unsigned long)s.msgs_out[GOSSIP_MSG_IHAVE],
                (unsigned long)s.msgs_out[GOSSIP_MSG_GRAFT], (unsigned long)s.msgs_out[GOSSIP_MSG_PRUNE],
                (unsigned long)s.duplicates);
    /* once the tree is built, a broadcast costs about one GOSSIP per node,
     * plus the flood's pushes over lazy links (about d (d-1)^(flood_hops-1):
     * 150 here, 6 neighbours each) */
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

/* ---- the flood over the first flood_hops hops -------------------------------
 * These tests forge messages from a real neighbour u of a node v with
 * sim_loop_inject, a few milliseconds apart: the harness's links take at
 * least 20 ms, so nothing the network does in reaction can reach v before
 * the checks, and the trace shows exactly what v sent to whom. */

static const uint8_t PRUNE_MSG[] = { 0x92, 0x01, 0x0d };

/* GRAFT with the all-zero id: "make this link eager, send nothing". */
static void graft0(uint8_t out[5 + GOSSIP_ID_BYTES])
{
    static const uint8_t head[] = { 0x93, 0x01, 0x0c, 0xc4, GOSSIP_ID_BYTES };
    memset(out, 0, 5 + GOSSIP_ID_BYTES);
    memcpy(out, head, sizeof head);
}

static size_t trace_mark(gh *h)
{
    size_t len = 0;
    cr_assert_not_null(sim_loop_trace(h->l, &len));
    return len;
}

/* Copies of `msg` node `src` sent to `dst` since trace offset `mark` (the
 * trace names message bytes by length and an 8-byte BLAKE2b digest). */
static uint32_t sent_since(gh *h, size_t mark, uint32_t src, uint32_t dst,
                           const uint8_t *msg, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[8];
    crypto_generichash(d, sizeof d, msg, len, NULL, 0);
    char needle[128];
    int k = snprintf(needle, sizeof needle, " n%u send to=%u len=%zu h=", src, dst, len);
    for (size_t i = 0; i < sizeof d; i++) {
        needle[k++] = hex[d[i] >> 4];
        needle[k++] = hex[d[i] & 15];
    }
    needle[k] = '\0';
    const char *t = sim_loop_trace(h->l, NULL) + mark;
    uint32_t c = 0;
    while ((t = strstr(t, needle)) != NULL) {
        c++;
        t += k;
    }
    return c;
}

static void inject_at(gh *h, uint32_t from, uint32_t to, uint64_t at_ms,
                      const uint8_t *m, size_t len)
{
    cr_assert_eq(sim_loop_inject(h->l, from, to, sim_loop_now(h->l) + at_ms * GH_MS, m, len), 0);
}

static void inject_push_at(gh *h, uint32_t from, uint32_t to, uint64_t at_ms,
                           const sh_buf *payload, uint32_t hops)
{
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(gossip_encode_push(&b, GOSSIP_KIND_DESCRIPTOR, hops, payload->data,
                                    payload->len), 0);
    inject_at(h, from, to, at_ms, b.data, b.len);
    sh_buf_free(&b);
}

/* A 16-node network after 20 s, the first node v with at least `need`
 * active neighbours, and those neighbours in nb. */
static gh *flood_net(uint32_t need, sh_peer_id *v, sh_peer_id nb[GOSSIP_MAX_ACTIVE])
{
    gh *h = gh_new(16, 6, &gossip_crypto_fast, 1, NULL, NULL);
    gh_run(h, 20 * GH_S);
    cr_assert_eq(h->base.flood_hops, 3, "the default this file was written for");
    for (*v = 0; *v < h->n; (*v)++)
        if (gossip_active_view(gh_node(h, *v), nb, GOSSIP_MAX_ACTIVE) >= need)
            return h;
    cr_assert_fail("no node with %u neighbours", need);
    return NULL;
}

/* A fresh signed descriptor of node `who`: a payload v has never seen. */
static void fresh_desc(gh *h, uint32_t who, sh_buf *d)
{
    uint64_t now_s = 1700000000ULL + sim_loop_now(h->l) / GH_S;
    sh_buf_init(d);
    gh_descriptor(h, who, now_s, now_s + 3600, d);
}

/* The encoded IHAVE v would send for payload d with `hops`. */
static void ihave_of(const sh_buf *d, uint32_t hops, sh_buf *out)
{
    uint8_t id[GOSSIP_ID_BYTES];
    gossip_msg_id(id, d->data, d->len);
    static const uint8_t head[] = { 0x94, 0x01, 0x0b, 0xc4, GOSSIP_ID_BYTES };
    sh_buf_init(out);
    cr_assert_eq(sh_buf_append(out, head, sizeof head), 0);
    cr_assert_eq(sh_buf_append(out, id, sizeof id), 0);
    cr_assert_lt(hops, 128);                   /* a positive fixint */
    uint8_t hb = (uint8_t)hops;
    cr_assert_eq(sh_buf_append(out, &hb, 1), 0);
}

static void push_of(const sh_buf *d, uint32_t hops, sh_buf *out)
{
    sh_buf_init(out);
    cr_assert_eq(gossip_encode_push(out, GOSSIP_KIND_DESCRIPTOR, hops, d->data, d->len), 0);
}

/* A node that learned a payload within fewer than flood_hops hops pushes
 * it to its lazy neighbours too; from flood_hops on it announces it. */
Test(gossip_overlay, flood_pushes_to_lazy_neighbours)
{
    sh_peer_id v, nb[GOSSIP_MAX_ACTIVE];
    gh *h = flood_net(2, &v, nb);
    sh_peer_id u1 = nb[0], u2 = nb[1];
    sh_buf d1, d2, push, ihave;
    fresh_desc(h, u1, &d1);
    fresh_desc(h, (u1 + 1) % h->n, &d2);
    size_t mark = trace_mark(h);
    inject_at(h, u2, v, 0, PRUNE_MSG, sizeof PRUNE_MSG);   /* v holds u2 lazy */
    inject_push_at(h, u1, v, 1, &d1, 2);                   /* v at 2 hops < 3 */
    gh_run(h, 5 * GH_MS);
    push_of(&d1, 3, &push);
    ihave_of(&d1, 3, &ihave);
    cr_assert_eq(sent_since(h, mark, v, u2, push.data, push.len), 1,
                 "no push to a lazy neighbour within the flood");
    cr_assert_eq(sent_since(h, mark, v, u2, ihave.data, ihave.len), 0);
    sh_buf_free(&push);
    sh_buf_free(&ihave);
    mark = trace_mark(h);
    inject_at(h, u2, v, 0, PRUNE_MSG, sizeof PRUNE_MSG);
    inject_push_at(h, u1, v, 1, &d2, 3);                   /* v at 3 hops */
    gh_run(h, 5 * GH_MS);
    push_of(&d2, 4, &push);
    ihave_of(&d2, 4, &ihave);
    cr_assert_eq(sent_since(h, mark, v, u2, push.data, push.len), 0,
                 "a push to a lazy neighbour beyond the flood");
    cr_assert_eq(sent_since(h, mark, v, u2, ihave.data, ihave.len), 1);
    sh_buf_free(&push);
    sh_buf_free(&ihave);
    sh_buf_free(&d1);
    sh_buf_free(&d2);
    gh_free(h);
}

/* A duplicate from a node within the flood (hops <= flood_hops) is no sign
 * of a redundant tree edge: the sender pushed to every neighbour.  Plain
 * Plumtree would PRUNE the eager link it came on. */
Test(gossip_overlay, flooded_duplicate_does_not_prune)
{
    sh_peer_id v, nb[GOSSIP_MAX_ACTIVE];
    gh *h = flood_net(1, &v, nb);
    sh_peer_id u = nb[0];
    sh_buf d;
    fresh_desc(h, u, &d);
    size_t mark = trace_mark(h);
    inject_push_at(h, u, v, 0, &d, 1);      /* first copy: u becomes eager */
    inject_push_at(h, u, v, 1, &d, 1);      /* duplicate from the flood */
    inject_push_at(h, u, v, 2, &d, 3);      /* ... its last hop */
    gh_run(h, 5 * GH_MS);
    cr_assert_eq(sim_loop_count_results(h->l, v, GOSSIP_EV_DESCRIPTOR), 1);
    cr_assert_eq(sent_since(h, mark, v, u, PRUNE_MSG, sizeof PRUNE_MSG), 0,
                 "a flooded duplicate pruned the link");
    /* the same duplicate from beyond the flood is a redundant tree edge
     * (1 hop for v, 4 through u: no shortcut either way): pruned, which
     * also shows the check above can see a PRUNE */
    inject_push_at(h, u, v, 0, &d, 4);
    gh_run(h, 5 * GH_MS);
    cr_assert_eq(sent_since(h, mark, v, u, PRUNE_MSG, sizeof PRUNE_MSG), 1);
    sh_buf_free(&d);
    gh_free(h);
}

/* A flooded first copy comes over lazy links too; the receiver makes the
 * link eager and tells the sender with a GRAFT without id, so that the
 * link is eager at both ends (a one-sided link only carries IHAVE towards
 * us and costs a GRAFT timeout per broadcast). */
Test(gossip_overlay, flooded_first_copy_grafts_a_lazy_sender)
{
    sh_peer_id v, nb[GOSSIP_MAX_ACTIVE];
    gh *h = flood_net(1, &v, nb);
    sh_peer_id u = nb[0];
    uint8_t g0[5 + GOSSIP_ID_BYTES];
    graft0(g0);
    sh_buf d1, d2;
    fresh_desc(h, u, &d1);
    fresh_desc(h, (u + 1) % h->n, &d2);
    size_t mark = trace_mark(h);
    inject_at(h, u, v, 0, PRUNE_MSG, sizeof PRUNE_MSG);   /* v holds u lazy */
    inject_push_at(h, u, v, 1, &d1, 2);                   /* flooded, first */
    gh_run(h, 5 * GH_MS);
    cr_assert_eq(sim_loop_count_results(h->l, v, GOSSIP_EV_DESCRIPTOR), 1);
    cr_assert_eq(sent_since(h, mark, v, u, g0, sizeof g0), 1,
                 "the lazy sender of a flooded first copy was not grafted");
    /* a copy from beyond the flood came over a link its sender holds
     * eager: nothing to tell */
    mark = trace_mark(h);
    inject_at(h, u, v, 0, PRUNE_MSG, sizeof PRUNE_MSG);
    inject_push_at(h, u, v, 1, &d2, 5);
    gh_run(h, 5 * GH_MS);
    cr_assert_eq(sim_loop_count_results(h->l, v, GOSSIP_EV_DESCRIPTOR), 2);
    cr_assert_eq(sent_since(h, mark, v, u, g0, sizeof g0), 0);
    sh_buf_free(&d1);
    sh_buf_free(&d2);
    gh_free(h);
}

/* Beyond the flood, a duplicate on an eager link is pruned unless the hop
 * counts make the link a shortcut (GOSSIP_SWAP_THRESHOLD = 2): a copy 2+
 * hops shorter than the first moves the tree edge to its link (the first
 * link is pruned); a copy from a node 4+ hops behind us keeps the link
 * (that node moves its edge to us). */
Test(gossip_overlay, shorter_duplicate_moves_the_tree_edge)
{
    sh_peer_id v, nb[GOSSIP_MAX_ACTIVE];
    gh *h = flood_net(3, &v, nb);
    sh_peer_id u1 = nb[0], u2 = nb[1], u3 = nb[2];
    uint8_t g0[5 + GOSSIP_ID_BYTES];
    graft0(g0);
    sh_buf d;
    fresh_desc(h, u1, &d);
    size_t mark = trace_mark(h);
    inject_at(h, u2, v, 0, g0, sizeof g0);   /* u2, u3 eager at v */
    inject_at(h, u3, v, 0, g0, sizeof g0);
    inject_push_at(h, u1, v, 1, &d, 9);      /* first copy, 9 hops, via u1 */
    inject_push_at(h, u2, v, 2, &d, 7);      /* 7 + 2 <= 9: u2's link wins */
    gh_run(h, 5 * GH_MS);
    cr_assert_eq(sim_loop_count_results(h->l, v, GOSSIP_EV_DESCRIPTOR), 1);
    cr_assert_eq(sent_since(h, mark, v, u1, PRUNE_MSG, sizeof PRUNE_MSG), 1,
                 "the first link was kept");
    cr_assert_eq(sent_since(h, mark, v, u2, PRUNE_MSG, sizeof PRUNE_MSG), 0,
                 "the shorter link was pruned");
    /* v is now at 7 hops: a copy with 11 hops comes from a node at 10,
     * which is 3 hops shorter through v: kept */
    inject_push_at(h, u3, v, 0, &d, 11);
    gh_run(h, 5 * GH_MS);
    cr_assert_eq(sent_since(h, mark, v, u3, PRUNE_MSG, sizeof PRUNE_MSG), 0,
                 "a shortcut for the sender was pruned");
    /* 10 hops: 9 + 1 through v, no gain: a redundant edge */
    inject_push_at(h, u3, v, 0, &d, 10);
    gh_run(h, 5 * GH_MS);
    cr_assert_eq(sent_since(h, mark, v, u3, PRUNE_MSG, sizeof PRUNE_MSG), 1);
    sh_buf_free(&d);
    gh_free(h);
}

/* Network level: with flood_hops beyond the depth of the network every
 * node pushes to every neighbour, so every copy is a flooded one: many
 * duplicates, not one PRUNE, and every node delivers once. */
static void flood_everything(gossip_cfg *cfg, uint32_t node, void *arg)
{
    (void)node;
    (void)arg;
    cfg->flood_hops = GOSSIP_MAX_FLOOD_HOPS;
}

Test(gossip_overlay, full_flood_sends_no_prune)
{
    const uint32_t n = 32;
    gh *h = gh_new(n, 8, &gossip_crypto_fast, 0, flood_everything, NULL);
    gh_run(h, 20 * GH_S);
    for (int b = 0; b < 3; b++) {
        gossip_counters s0, s1;
        gh_counters_sum(h, &s0);
        uint8_t id[GOSSIP_ID_BYTES];
        char msg[32];
        snprintf(msg, sizeof msg, "flood %d", b);
        gh_announce(h, (uint32_t)(11 * b + 1) % n, msg, id);
        gh_run(h, 3 * GH_S);
        uint32_t hops;
        cr_assert_eq(gh_reached(h, id, &hops, NULL), n);
        /* precondition: every forwarding node was within the flood */
        cr_assert_lt(hops, GOSSIP_MAX_FLOOD_HOPS);
        gh_counters_sum(h, &s1);
        cr_log_info("flood %d: %u hops, %lu duplicates, %lu PRUNE", b, hops,
                    (unsigned long)(s1.duplicates - s0.duplicates),
                    (unsigned long)(s1.msgs_out[GOSSIP_MSG_PRUNE] - s0.msgs_out[GOSSIP_MSG_PRUNE]));
        cr_assert_gt(s1.duplicates - s0.duplicates, n);
        cr_assert_eq(s1.msgs_out[GOSSIP_MSG_PRUNE], s0.msgs_out[GOSSIP_MSG_PRUNE]);
        cr_assert_eq(s1.grafts, s0.grafts, "a node waited for a GRAFT");
    }
    gh_free(h);
}

Test(gossip_overlay, flood_hops_is_checked)
{
    gh *h = gh_new(4, 1, &gossip_crypto_fast, 0, NULL, NULL);
    gossip_cfg c = h->base;
    sh_proto p;
    c.flood_hops = GOSSIP_MAX_FLOOD_HOPS + 1;
    cr_assert_eq(gossip_new(&c, sim_loop_driver(h->l, 0), &p), SH_ERR_ARG);
    c.flood_hops = GOSSIP_MAX_FLOOD_HOPS;
    cr_assert_eq(gossip_new(&c, sim_loop_driver(h->l, 0), &p), 0);
    p.ops->free(p.self);
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

/* A relay cut off while a broadcast goes round gets it when its links come
 * back: each end of a new link IHAVEs the payloads it still caches (with
 * the catch-up hop count, so no tree rewiring), and the relay GRAFTs what
 * it lacks.  Without the catch-up nothing would ever tell it. */
Test(gossip_overlay, new_link_catches_up_a_missed_broadcast)
{
    const uint32_t n = 40, lost = 5;
    gh *h = gh_new(n, 9, &gossip_crypto_fast, 0, NULL, NULL);
    gh_run(h, 20 * GH_S);
    h->side[lost] = 1;
    h->cut = 1;
    uint8_t id[GOSSIP_ID_BYTES];
    gh_announce(h, 0, "while you were away", id);
    gh_run(h, 8 * GH_S);                   /* > fail_ticks: its links are gone */
    cr_assert_eq(gh_reached(h, id, NULL, NULL), n - 1);
    gossip_counters before, after;
    gh_counters_sum(h, &before);
    h->cut = 0;
    gh_run(h, 20 * GH_S);                  /* retries bring links back */
    gh_counters_sum(h, &after);
    cr_assert_eq(gh_reached(h, id, NULL, NULL), n, "the relay never caught up");
    cr_assert_gt(after.grafts, before.grafts);
    gh_free(h);
}
