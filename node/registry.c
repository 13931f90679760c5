/* node/registry.c -- see registry.h.
 *
 * Entries live in a dense array of pointers; two open-addressing tables
 * (load <= 1/2) map an id and a transport key to an array slot.  Both
 * tables are keyed with SipHash under a random key, because ids and
 * transport keys are chosen by relays, which could otherwise grind them
 * into one bucket.  Removal is rare (expired relays), so it rebuilds the
 * tables instead of keeping tombstones. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "node/registry.h"

struct node_registry {
    node_peer **e;              /* dense: e[0..n) */
    size_t n, cap;
    uint32_t *by_id;            /* slot -> index + 1, 0 empty */
    uint32_t *by_tk;
    size_t mask;                /* table size - 1 */
    uint8_t hkey[crypto_shorthash_KEYBYTES];
};

sh_peer_id node_peer_id(const uint8_t identity[GOSSIP_PK_BYTES])
{
    static const uint8_t key[] = "shroud-peer-id";
    uint8_t h[4];
    crypto_generichash(h, sizeof h, identity, GOSSIP_PK_BYTES, key, sizeof key - 1);
    uint32_t id = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
                  (uint32_t)h[3] << 24;
    return id == SH_PEER_NONE ? SH_PEER_NONE - 1 : id;
}

static size_t slot_of(const node_registry *r, const void *p, size_t n)
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, p, n, r->hkey);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return (size_t)v & r->mask;
}

static void index_insert(node_registry *r, size_t i)
{
    const node_peer *p = r->e[i];
    size_t s = slot_of(r, &p->id, sizeof p->id);
    while (r->by_id[s] != 0)
        s = (s + 1) & r->mask;
    r->by_id[s] = (uint32_t)i + 1;
    s = slot_of(r, p->desc.transport, 32);
    while (r->by_tk[s] != 0)
        s = (s + 1) & r->mask;
    r->by_tk[s] = (uint32_t)i + 1;
}

/* Rebuild both tables for at least `want` entries. */
static int rebuild(node_registry *r, size_t want)
{
    size_t size = 16;
    while (size < 2 * want)
        size *= 2;
    uint32_t *a = calloc(size, sizeof *a), *b = calloc(size, sizeof *b);
    if (a == NULL || b == NULL) {
        free(a);
        free(b);
        return SH_ERR_NOMEM;
    }
    free(r->by_id);
    free(r->by_tk);
    r->by_id = a;
    r->by_tk = b;
    r->mask = size - 1;
    for (size_t i = 0; i < r->n; i++)
        index_insert(r, i);
    return 0;
}

int node_registry_new(node_registry **out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    node_registry *r = calloc(1, sizeof *r);
    if (r == NULL)
        return SH_ERR_NOMEM;
    crypto_shorthash_keygen(r->hkey);
    if (rebuild(r, 8) != 0) {
        free(r);
        return SH_ERR_NOMEM;
    }
    *out = r;
    return 0;
}

void node_registry_free(node_registry *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->e[i]);
    free(r->e);
    free(r->by_id);
    free(r->by_tk);
    free(r);
}

static size_t find_id(const node_registry *r, sh_peer_id id)
{
    size_t s = slot_of(r, &id, sizeof id);
    for (; r->by_id[s] != 0; s = (s + 1) & r->mask)
        if (r->e[r->by_id[s] - 1]->id == id)
            return r->by_id[s];
    return 0;
}

node_peer *node_registry_get(node_registry *r, sh_peer_id id)
{
    size_t i = find_id(r, id);
    return i ? r->e[i - 1] : NULL;
}

node_peer *node_registry_by_transport(node_registry *r, const uint8_t key[32])
{
    size_t s = slot_of(r, key, 32);
    for (; r->by_tk[s] != 0; s = (s + 1) & r->mask) {
        node_peer *p = r->e[r->by_tk[s] - 1];
        if (memcmp(p->desc.transport, key, 32) == 0)
            return p;
    }
    return NULL;
}

size_t node_registry_count(const node_registry *r)
{
    return r->n;
}

node_peer *node_registry_at(node_registry *r, size_t i)
{
    return i < r->n ? r->e[i] : NULL;
}

static void fill(node_peer *p, const gossip_desc *d, const uint8_t *wire, size_t len)
{
    p->desc = *d;
    memcpy(p->wire, wire, len);
    p->wire_len = len;
}

void node_registry_remove(node_registry *r, sh_peer_id id)
{
    size_t i = find_id(r, id);
    if (i == 0)
        return;
    free(r->e[i - 1]);
    r->e[i - 1] = r->e[--r->n];
    (void)rebuild(r, r->n);   /* never larger than before: cannot fail
                               * for lack of a bigger table, and on NOMEM
                               * the old tables are kept -- rebuild them */
}

int node_registry_put(node_registry *r, const gossip_desc *d, const uint8_t *wire,
                      size_t wire_len, node_peer **out)
{
    if (out != NULL)
        *out = NULL;
    if (r == NULL || d == NULL || wire == NULL || wire_len == 0 ||
        wire_len > GOSSIP_DESC_MAX_BYTES)
        return SH_ERR_ARG;
    sh_peer_id id = node_peer_id(d->identity);
    /* A transport key names one relay: incoming messages are attributed by
     * it, so a descriptor claiming another relay's key is refused (the
     * first holder keeps it; only its owner can use it on the wire). */
    node_peer *tk = node_registry_by_transport(r, d->transport);
    if (tk != NULL && memcmp(tk->desc.identity, d->identity, GOSSIP_PK_BYTES) != 0)
        return NODE_REG_TRANSPORT_TAKEN;
    size_t i = find_id(r, id);
    if (i != 0) {
        node_peer *p = r->e[i - 1];
        if (memcmp(p->desc.identity, d->identity, GOSSIP_PK_BYTES) != 0) {
            /* A collision: the smaller identity keeps the id everywhere. */
            if (memcmp(d->identity, p->desc.identity, GOSSIP_PK_BYTES) > 0)
                return NODE_REG_COLLISION;
            memset(p, 0, sizeof *p);
            p->id = id;
            fill(p, d, wire, wire_len);
            if (out != NULL)
                *out = p;
            return rebuild(r, r->n) != 0 ? SH_ERR_NOMEM : NODE_REG_NEW;
        }
        if (out != NULL)
            *out = p;
        if (d->issued <= p->desc.issued)
            return NODE_REG_OLD;
        int moved = memcmp(p->desc.transport, d->transport, 32) != 0;
        fill(p, d, wire, wire_len);
        if (moved && rebuild(r, r->n) != 0)
            return SH_ERR_NOMEM;
        return NODE_REG_UPDATED;
    }
    if (r->n >= NODE_REG_MAX)
        return NODE_REG_FULL;
    if (r->n == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 16;
        node_peer **ne = realloc(r->e, nc * sizeof *ne);
        if (ne == NULL)
            return SH_ERR_NOMEM;
        r->e = ne;
        r->cap = nc;
    }
    node_peer *p = calloc(1, sizeof *p);
    if (p == NULL)
        return SH_ERR_NOMEM;
    p->id = id;
    fill(p, d, wire, wire_len);
    r->e[r->n++] = p;
    if (2 * r->n > r->mask + 1) {
        if (rebuild(r, r->n) != 0) {
            free(r->e[--r->n]);
            return SH_ERR_NOMEM;
        }
    } else {
        index_insert(r, r->n - 1);
    }
    if (out != NULL)
        *out = p;
    return NODE_REG_NEW;
}
