/* tests/test_node_registry.c -- peer ids derived from identity keys, and
 * the registry's rules: newer descriptors replace older ones, a transport
 * key names one relay, id collisions resolve the same way everywhere. */
#include <string.h>
#include <criterion/criterion.h>
#include <sodium.h>

#include "node/registry.h"

static void init(void)
{
    cr_assert(sodium_init() >= 0);
}

TestSuite(node_registry, .init = init);

static void desc(gossip_desc *d, uint8_t id_byte, uint8_t tk_byte, uint64_t issued)
{
    memset(d, 0, sizeof *d);
    memset(d->identity, id_byte, 32);
    memset(d->transport, tk_byte, 32);
    d->issued = issued;
    d->expires = issued + 100;
    d->n_addrs = 1;
}

static const uint8_t WIRE[8] = "wirewire";

Test(node_registry, peer_id_is_a_keyed_hash_and_never_none)
{
    uint8_t id[32] = { 0 };
    sh_peer_id a = node_peer_id(id);
    /* recomputed from the definition in registry.h */
    uint8_t h[4];
    crypto_generichash(h, 4, id, 32, (const uint8_t *)"shroud-peer-id", 14);
    sh_peer_id want = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
                      (uint32_t)h[3] << 24;
    cr_assert_eq(a, want == SH_PEER_NONE ? SH_PEER_NONE - 1 : want);
    id[0] = 1;
    cr_assert_neq(node_peer_id(id), a);
    for (int i = 0; i < 10000; i++) {
        randombytes_buf(id, 32);
        cr_assert_neq(node_peer_id(id), SH_PEER_NONE);
    }
}

Test(node_registry, put_get_update_remove)
{
    node_registry *r;
    cr_assert_eq(node_registry_new(&r), 0);
    gossip_desc d;
    node_peer *p;
    for (int i = 1; i <= 200; i++) {
        desc(&d, (uint8_t)i, (uint8_t)(i + 1), 10);
        d.identity[31] = (uint8_t)(i >> 8);
        d.transport[31] = (uint8_t)(i >> 8);
        d.transport[30] = 0xee;
        cr_assert_eq(node_registry_put(r, &d, WIRE, sizeof WIRE, &p), NODE_REG_NEW);
        cr_assert_eq(p->id, node_peer_id(d.identity));
    }
    cr_assert_eq(node_registry_count(r), 200);
    desc(&d, 7, 8, 10);          /* entry i = 7 of the loop */
    d.identity[31] = 0;
    d.transport[31] = 0;
    d.transport[30] = 0xee;
    sh_peer_id id7 = node_peer_id(d.identity);
    cr_assert_eq(node_registry_get(r, id7)->desc.issued, 10);
    cr_assert_eq(node_registry_by_transport(r, d.transport)->id, id7);
    /* not newer: ignored; newer: replaces; a new transport key moves the index */
    cr_assert_eq(node_registry_put(r, &d, WIRE, sizeof WIRE, NULL), NODE_REG_OLD);
    d.issued = 11;
    uint8_t old_tk[32];
    memcpy(old_tk, d.transport, 32);
    d.transport[0] = 0x99;
    cr_assert_eq(node_registry_put(r, &d, WIRE, 4, NULL), NODE_REG_UPDATED);
    cr_assert_eq(node_registry_get(r, id7)->wire_len, 4);
    cr_assert_null(node_registry_by_transport(r, old_tk));
    cr_assert_eq(node_registry_by_transport(r, d.transport)->id, id7);
    node_registry_remove(r, id7);
    cr_assert_null(node_registry_get(r, id7));
    cr_assert_null(node_registry_by_transport(r, d.transport));
    cr_assert_eq(node_registry_count(r), 199);
    for (size_t i = 0; i < node_registry_count(r); i++) {
        node_peer *q = node_registry_at(r, i);
        cr_assert_eq(node_registry_get(r, q->id), q, "every remaining entry still found");
        cr_assert_eq(node_registry_by_transport(r, q->desc.transport), q);
    }
    node_registry_free(r);
}

Test(node_registry, transport_key_cannot_be_claimed_twice)
{
    node_registry *r;
    cr_assert_eq(node_registry_new(&r), 0);
    gossip_desc a, b;
    desc(&a, 1, 9, 10);
    desc(&b, 2, 9, 10);
    cr_assert_eq(node_registry_put(r, &a, WIRE, sizeof WIRE, NULL), NODE_REG_NEW);
    cr_assert_eq(node_registry_put(r, &b, WIRE, sizeof WIRE, NULL), NODE_REG_TRANSPORT_TAKEN);
    cr_assert_eq(node_registry_by_transport(r, a.transport)->id, node_peer_id(a.identity));
    node_registry_free(r);
}

Test(node_registry, collisions_keep_the_smaller_identity)
{
    /* find two identities with the same 32-bit id (a birthday search over
     * ~2^17 random keys finds one with good probability; the keys differ
     * in their first 8 bytes only, so the search is deterministic) */
    enum { N = 1 << 18 };
    uint32_t *ids = malloc(N * sizeof *ids);
    cr_assert_not_null(ids);
    uint8_t k1[32] = { 0 }, k2[32] = { 0 };
    int found = 0;
    /* open addressing table of ids -> index */
    uint32_t *tab = calloc(2 * N, sizeof *tab);
    cr_assert_not_null(tab);
    for (uint32_t i = 1; i < N && !found; i++) {
        uint8_t k[32] = { 0 };
        memcpy(k, &i, sizeof i);
        ids[i] = node_peer_id(k);
        size_t s = ids[i] % (2 * N);
        while (tab[s] != 0 && !found) {
            if (ids[tab[s]] == ids[i]) {
                memcpy(k1, &tab[s], sizeof i);
                memcpy(k2, &i, sizeof i);
                found = 1;
            }
            s = (s + 1) % (2 * N);
        }
        tab[s] = i;
    }
    free(tab);
    free(ids);
    cr_assert(found, "a colliding pair exists among 2^18 keys");
    cr_assert_eq(node_peer_id(k1), node_peer_id(k2));
    const uint8_t *small = memcmp(k1, k2, 32) < 0 ? k1 : k2;
    const uint8_t *large = small == k1 ? k2 : k1;
    gossip_desc ds, dl;
    desc(&ds, 0, 1, 10);
    memcpy(ds.identity, small, 32);
    desc(&dl, 0, 2, 10);
    memcpy(dl.identity, large, 32);
    /* order 1: small first, large refused */
    node_registry *r;
    cr_assert_eq(node_registry_new(&r), 0);
    cr_assert_eq(node_registry_put(r, &ds, WIRE, sizeof WIRE, NULL), NODE_REG_NEW);
    cr_assert_eq(node_registry_put(r, &dl, WIRE, sizeof WIRE, NULL), NODE_REG_COLLISION);
    cr_assert_eq(memcmp(node_registry_get(r, node_peer_id(small))->desc.identity, small, 32), 0);
    node_registry_free(r);
    /* order 2: large first, then small takes the id over -- same end state */
    cr_assert_eq(node_registry_new(&r), 0);
    cr_assert_eq(node_registry_put(r, &dl, WIRE, sizeof WIRE, NULL), NODE_REG_NEW);
    cr_assert_eq(node_registry_put(r, &ds, WIRE, sizeof WIRE, NULL), NODE_REG_NEW);
    cr_assert_eq(memcmp(node_registry_get(r, node_peer_id(small))->desc.identity, small, 32), 0);
    cr_assert_null(node_registry_by_transport(r, dl.transport));
    cr_assert_eq(node_registry_count(r), 1);
    node_registry_free(r);
}

Test(node_registry, bad_arguments)
{
    node_registry *r;
    cr_assert_eq(node_registry_new(&r), 0);
    gossip_desc d;
    desc(&d, 1, 2, 3);
    uint8_t big[GOSSIP_DESC_MAX_BYTES + 1] = { 0 };
    cr_assert_eq(node_registry_put(r, &d, big, sizeof big, NULL), SH_ERR_ARG);
    cr_assert_eq(node_registry_put(r, &d, WIRE, 0, NULL), SH_ERR_ARG);
    cr_assert_eq(node_registry_put(r, NULL, WIRE, 1, NULL), SH_ERR_ARG);
    node_registry_remove(r, 12345);   /* unknown: no-op */
    cr_assert_eq(node_registry_count(r), 0);
    node_registry_free(r);
    node_registry_free(NULL);
}
