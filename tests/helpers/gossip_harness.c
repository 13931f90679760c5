/* tests/helpers/gossip_harness.c -- see gossip_harness.h. */
#include "helpers/gossip_harness.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

typedef struct gh_fac {
    gh *h;
    void (*tweak)(gossip_cfg *cfg, uint32_t node, void *arg);
    void *arg;
} gh_fac;

static gh_fac fac_store[4];
static int fac_next;

static uint32_t group_of(void *arg, sh_peer_id p)
{
    gh *h = arg;
    return p < h->n ? h->group[p] : 0;
}

static int factory(void *arg, uint32_t node, const sh_driver *d, sh_proto *out)
{
    gh_fac *f = arg;
    gh *h = f->h;
    gossip_cfg c = h->base;
    memcpy(c.identity_sk, h->sk[node], GOSSIP_SK_BYTES);
    c.group_of = group_of;
    c.group_arg = h;
    if (node > 0) {
        c.contacts[0] = (uint32_t)((((uint64_t)node * 2654435761u) >> 11) % node);
        c.n_contacts = 1;
    }
    if (f->tweak != NULL)
        f->tweak(&c, node, f->arg);
    return gossip_new(&c, d, out);
}

static int filter(void *arg, uint64_t time, uint32_t from, uint32_t to,
                  const uint8_t *msg, size_t len)
{
    (void)time; (void)msg; (void)len;
    gh *h = arg;
    return h->cut && h->side[from] != h->side[to];
}

gh *gh_new(uint32_t n, uint8_t seed, const gossip_crypto *c, int keep_trace,
           void (*tweak)(gossip_cfg *cfg, uint32_t node, void *arg), void *arg)
{
    cr_assert(sodium_init() >= 0);
    gh *h = calloc(1, sizeof *h);
    cr_assert_not_null(h);
    h->n = n;
    h->pk = calloc(n, sizeof *h->pk);
    h->sk = calloc(n, sizeof *h->sk);
    h->group = calloc(n, sizeof *h->group);
    h->side = calloc(n, 1);
    h->down = calloc(n, 1);
    cr_assert(h->pk && h->sk && h->group && h->side && h->down);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t s[32];
        sh_rng_derive_seed(s, (uint8_t[32]){ seed }, "gossip-key", i);
        cr_assert_eq(gossip_crypto_keypair(c, h->pk[i], h->sk[i], s), 0);
        h->group[i] = i / 2;            /* two relays per /16 */
    }
    gossip_cfg_default(&h->base, n);
    h->base.crypto = c;
    gh_fac *f = &fac_store[fac_next++ % 4];
    f->h = h;
    f->tweak = tweak;
    f->arg = arg;
    sim_loop_cfg lc;
    memset(&lc, 0, sizeof lc);
    lc.n_nodes = n;
    memset(lc.seed, seed, sizeof lc.seed);
    lc.latency_ns = 20 * GH_MS;
    lc.jitter_ns = 30 * GH_MS;
    lc.wall_origin_ns = 1700000000ULL * GH_S;
    lc.keep_trace = keep_trace;
    lc.log_level = SH_LOG_WARN;
    lc.factory = factory;
    lc.factory_arg = f;
    lc.filter = filter;
    lc.filter_arg = h;
    lc.peer_keys = (const uint8_t (*)[SH_PEER_KEY_BYTES])h->pk;
    cr_assert_eq(sim_loop_new(&lc, &h->l), 0);
    return h;
}

void gh_free(gh *h)
{
    if (h == NULL)
        return;
    sim_loop_free(h->l);
    sodium_memzero(h->sk, (size_t)h->n * sizeof *h->sk);
    free(h->pk);
    free(h->sk);
    free(h->group);
    free(h->side);
    free(h->down);
    free(h);
}

void gh_run(gh *h, uint64_t for_ns)
{
    int rc = sim_loop_run(h->l, sim_loop_now(h->l) + for_ns, 200000000);
    cr_assert_eq(rc, 0, "loop run: %d", rc);
    for (uint32_t i = 0; i < h->n; i++) {
        if (h->down[i])
            continue;
        sim_loop_stats st;
        cr_assert_eq(sim_loop_stats_get(h->l, i, &st), 0);
        cr_assert_eq(st.handler_errors, 0, "node %u: handler error %d", i, st.last_handler_error);
        cr_assert_eq(st.misuse, 0, "node %u misused its driver", i);
    }
}

gossip *gh_node(gh *h, uint32_t i)
{
    return sim_loop_proto(h->l, i);
}

void gh_crash(gh *h, uint32_t i)
{
    cr_assert_eq(sim_loop_crash(h->l, i), 0);
    h->down[i] = 1;
}

static uint32_t find(uint32_t *p, uint32_t x)
{
    while (p[x] != x)
        x = p[x] = p[p[x]];
    return x;
}

uint32_t gh_largest_component(gh *h)
{
    uint32_t *parent = calloc(h->n, sizeof *parent), *size = calloc(h->n, sizeof *size);
    cr_assert(parent && size);
    for (uint32_t i = 0; i < h->n; i++)
        parent[i] = i;
    sh_peer_id v[GOSSIP_MAX_ACTIVE];
    for (uint32_t i = 0; i < h->n; i++) {
        if (h->down[i])
            continue;
        size_t k = gossip_active_view(gh_node(h, i), v, GOSSIP_MAX_ACTIVE);
        for (size_t j = 0; j < k; j++)
            if (!h->down[v[j]])
                parent[find(parent, i)] = find(parent, v[j]);
    }
    uint32_t best = 0;
    for (uint32_t i = 0; i < h->n; i++)
        if (!h->down[i] && ++size[find(parent, i)] > best)
            best = size[find(parent, i)];
    free(parent);
    free(size);
    return best;
}

uint32_t gh_bad_edges(gh *h)
{
    uint32_t bad = 0;
    sh_peer_id v[GOSSIP_MAX_ACTIVE];
    for (uint32_t i = 0; i < h->n; i++) {
        if (h->down[i])
            continue;
        size_t k = gossip_active_view(gh_node(h, i), v, GOSSIP_MAX_ACTIVE);
        for (size_t j = 0; j < k; j++)
            if (h->down[v[j]] || (h->cut && h->side[v[j]] != h->side[i]))
                bad++;
    }
    return bad;
}

void gh_announce(gh *h, uint32_t from, const char *payload, uint8_t id[GOSSIP_ID_BYTES])
{
    size_t before = sim_loop_result_count(h->l);
    cr_assert_eq(sim_loop_request(h->l, from, sim_loop_now(h->l), GOSSIP_REQ_ANNOUNCE,
                                  (const uint8_t *)payload, strlen(payload)), 0);
    /* step until the origin has delivered its own announcement */
    for (;;) {
        for (size_t i = before; i < sim_loop_result_count(h->l); i++) {
            const sim_loop_result *r = sim_loop_result_at(h->l, i);
            if (r->node == from && r->kind == GOSSIP_EV_ANNOUNCE) {
                memcpy(id, r->data, GOSSIP_ID_BYTES);
                return;
            }
        }
        cr_assert_eq(sim_loop_step(h->l), 1, "announcement never delivered");
    }
}

uint32_t gh_reached(gh *h, const uint8_t id[GOSSIP_ID_BYTES], uint32_t *max_hops,
                    uint64_t *last_time)
{
    uint8_t *got = calloc(h->n, 1);
    cr_assert_not_null(got);
    uint32_t c = 0, mh = 0;
    uint64_t lt = 0;
    for (size_t i = 0; i < sim_loop_result_count(h->l); i++) {
        const sim_loop_result *r = sim_loop_result_at(h->l, i);
        if ((r->kind != GOSSIP_EV_ANNOUNCE && r->kind != GOSSIP_EV_DESCRIPTOR) ||
            memcmp(r->data, id, GOSSIP_ID_BYTES) != 0)
            continue;
        cr_assert_eq(got[r->node], 0, "node %u delivered twice", r->node);
        got[r->node] = 1;
        uint32_t hops = (uint32_t)r->data[16] << 24 | (uint32_t)r->data[17] << 16 |
                        (uint32_t)r->data[18] << 8 | r->data[19];
        if (hops > mh)
            mh = hops;
        if (r->time > lt)
            lt = r->time;
        if (!h->down[r->node])
            c++;
    }
    free(got);
    if (max_hops != NULL)
        *max_hops = mh;
    if (last_time != NULL)
        *last_time = lt;
    return c;
}

void gh_counters_sum(gh *h, gossip_counters *sum)
{
    memset(sum, 0, sizeof *sum);
    for (uint32_t i = 0; i < h->n; i++) {
        if (h->down[i])
            continue;
        gossip_counters c;
        gossip_counters_get(gh_node(h, i), &c);
        for (int t = 0; t < GOSSIP_MSG_COUNT; t++) {
            sum->msgs_in[t] += c.msgs_in[t];
            sum->bytes_in[t] += c.bytes_in[t];
            sum->msgs_out[t] += c.msgs_out[t];
            sum->bytes_out[t] += c.bytes_out[t];
        }
        for (int t = 0; t < GOSSIP_REJ_COUNT; t++)
            sum->rejects[t] += c.rejects[t];
        sum->suspicions += c.suspicions;
        sum->refutations += c.refutations;
        sum->failures += c.failures;
        sum->duplicates += c.duplicates;
        sum->grafts += c.grafts;
        sum->retries += c.retries;
        sum->revivals += c.revivals;
        sum->joins_done += c.joins_done;
        sum->table.rej_source += c.table.rej_source;
        sum->table.rej_group += c.table.rej_group;
        sum->table.probes += c.table.probes;
    }
}

void gh_descriptor(gh *h, uint32_t i, uint64_t issued, uint64_t expires, sh_buf *out)
{
    gossip_desc d;
    memset(&d, 0, sizeof d);
    memcpy(d.identity, h->pk[i], 32);
    memset(d.transport, 0x33, 32);
    d.onion[0] = 0x03;
    memset(d.onion + 1, (int)i, 32);
    d.n_addrs = 1;
    d.addrs[0].family = GOSSIP_AF_INET;
    d.addrs[0].ip[0] = 10;
    d.addrs[0].ip[1] = (uint8_t)(i >> 8);
    d.addrs[0].ip[2] = (uint8_t)i;
    d.addrs[0].ip[3] = 1;
    d.addrs[0].port = 9000;
    d.capacity = 100;
    d.epoch = 1;
    d.issued = issued;
    d.expires = expires;
    cr_assert_eq(gossip_desc_sign(&d, h->base.crypto, h->sk[i]), 0);
    cr_assert_eq(gossip_desc_encode(&d, out), 0);
}

uint32_t gh_hops_quantile(gh *h, const uint8_t id[GOSSIP_ID_BYTES], double frac)
{
    uint32_t hist[256] = { 0 }, live = 0;
    for (uint32_t i = 0; i < h->n; i++)
        live += !h->down[i];
    for (size_t i = 0; i < sim_loop_result_count(h->l); i++) {
        const sim_loop_result *r = sim_loop_result_at(h->l, i);
        if ((r->kind != GOSSIP_EV_ANNOUNCE && r->kind != GOSSIP_EV_DESCRIPTOR) ||
            memcmp(r->data, id, GOSSIP_ID_BYTES) != 0 || h->down[r->node])
            continue;
        uint32_t hops = (uint32_t)r->data[18] << 8 | r->data[19];
        hist[hops < 255 ? hops : 255]++;
    }
    uint32_t need = (uint32_t)(frac * live + 0.999999), acc = 0;
    for (uint32_t k = 0; k < 256; k++) {
        acc += hist[k];
        if (acc >= need)
            return k;
    }
    return UINT32_MAX;
}
