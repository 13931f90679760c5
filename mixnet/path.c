/* mixnet/path.c -- topology, path selection, route building (path.h). */
#include "mixnet/path.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

struct mix_topology {
    size_t n, n_layers;
    mix_relay_info *relays;
    uint32_t *layer_of;
    /* Per layer: its relays (indices, in increasing index order) and the
     * cumulative capacities. */
    size_t *members;            /* n entries, grouped by layer */
    size_t start[MIX_PATH_MAX_LAYERS + 1];
};

void mix_topology_free(mix_topology *t)
{
    if (t == NULL)
        return;
    free(t->relays);
    free(t->layer_of);
    free(t->members);
    free(t);
}

static int check_relays(const mix_relay_info *relays, size_t n, size_t n_layers)
{
    if (relays == NULL || n == 0 || n > MIX_PATH_MAX_RELAYS || n_layers == 0
        || n_layers > MIX_PATH_MAX_LAYERS)
        return SH_ERR_ARG;
    for (size_t i = 0; i < n; i++)
        if (relays[i].capacity > MIX_PATH_CAPACITY_MAX)
            return SH_ERR_RANGE;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    return memcmp(a, b, MIX_HOP_ID_BYTES);
}

int mix_topology_new_assigned(mix_topology **out, const mix_relay_info *relays,
                              size_t n, size_t n_layers, const uint32_t *layer_of)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    int rc = check_relays(relays, n, n_layers);
    if (rc != 0)
        return rc;
    if (layer_of == NULL)
        return SH_ERR_ARG;
    for (size_t i = 0; i < n; i++)
        if (layer_of[i] >= n_layers)
            return SH_ERR_ARG;

    mix_topology *t = calloc(1, sizeof *t);
    uint8_t (*ids)[MIX_HOP_ID_BYTES] = malloc(n * MIX_HOP_ID_BYTES);
    if (t == NULL || ids == NULL) {
        free(t);
        free(ids);
        return SH_ERR_NOMEM;
    }
    /* Duplicate ids would let one relay sit in two layers. */
    for (size_t i = 0; i < n; i++)
        memcpy(ids[i], relays[i].id, MIX_HOP_ID_BYTES);
    qsort(ids, n, MIX_HOP_ID_BYTES, cmp_id);
    for (size_t i = 1; i < n; i++)
        if (memcmp(ids[i - 1], ids[i], MIX_HOP_ID_BYTES) == 0) {
            free(ids);
            free(t);
            return SH_ERR_ARG;
        }
    free(ids);

    t->n = n;
    t->n_layers = n_layers;
    t->relays = malloc(n * sizeof *t->relays);
    t->layer_of = malloc(n * sizeof *t->layer_of);
    t->members = malloc(n * sizeof *t->members);
    if (t->relays == NULL || t->layer_of == NULL || t->members == NULL) {
        mix_topology_free(t);
        return SH_ERR_NOMEM;
    }
    memcpy(t->relays, relays, n * sizeof *relays);
    memcpy(t->layer_of, layer_of, n * sizeof *layer_of);
    size_t k = 0;
    for (size_t l = 0; l < n_layers; l++) {
        t->start[l] = k;
        for (size_t i = 0; i < n; i++)
            if (layer_of[i] == l)
                t->members[k++] = i;
    }
    t->start[n_layers] = k;
    *out = t;
    return 0;
}

typedef struct rank_entry {
    uint8_t h[32];
    size_t idx;
    const uint8_t *id;
} rank_entry;

static int cmp_rank(const void *a, const void *b)
{
    const rank_entry *x = a, *y = b;
    int c = memcmp(x->h, y->h, 32);
    return c != 0 ? c : memcmp(x->id, y->id, MIX_HOP_ID_BYTES);
}

int mix_topology_new(mix_topology **out, const mix_relay_info *relays, size_t n,
                     size_t n_layers, const uint8_t *beacon, size_t beacon_len)
{
    static const char dom[] = "shroud-mix-layer";
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    int rc = check_relays(relays, n, n_layers);
    if (rc != 0)
        return rc;
    if (beacon == NULL && beacon_len > 0)
        return SH_ERR_ARG;
    rank_entry *r = malloc(n * sizeof *r);
    uint32_t *layer_of = malloc(n * sizeof *layer_of);
    if (r == NULL || layer_of == NULL) {
        free(r);
        free(layer_of);
        return SH_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, 32);
        crypto_generichash_update(&st, (const uint8_t *)dom, sizeof dom - 1);
        if (beacon_len > 0)
            crypto_generichash_update(&st, beacon, beacon_len);
        crypto_generichash_update(&st, relays[i].id, MIX_HOP_ID_BYTES);
        crypto_generichash_final(&st, r[i].h, 32);
        r[i].idx = i;
        r[i].id = relays[i].id;
    }
    qsort(r, n, sizeof *r, cmp_rank);
    for (size_t k = 0; k < n; k++)
        layer_of[r[k].idx] = (uint32_t)(k % n_layers);
    free(r);
    rc = mix_topology_new_assigned(out, relays, n, n_layers, layer_of);
    free(layer_of);
    return rc;
}

size_t mix_topology_layers(const mix_topology *t)
{
    return t != NULL ? t->n_layers : 0;
}

size_t mix_topology_relays(const mix_topology *t)
{
    return t != NULL ? t->n : 0;
}

const mix_relay_info *mix_topology_relay(const mix_topology *t, size_t i)
{
    return t != NULL && i < t->n ? &t->relays[i] : NULL;
}

uint32_t mix_topology_layer_of(const mix_topology *t, size_t i)
{
    return t != NULL && i < t->n ? t->layer_of[i] : UINT32_MAX;
}

size_t mix_topology_find(const mix_topology *t, const uint8_t id[MIX_HOP_ID_BYTES])
{
    if (t == NULL || id == NULL)
        return SIZE_MAX;
    for (size_t i = 0; i < t->n; i++)
        if (memcmp(t->relays[i].id, id, MIX_HOP_ID_BYTES) == 0)
            return i;
    return SIZE_MAX;
}

typedef struct avoid_set {
    const uint8_t (*ids)[MIX_HOP_ID_BYTES];
    size_t n;
} avoid_set;

static int eligible(const mix_topology *t, size_t i, const avoid_set *avoid)
{
    if (t->relays[i].capacity == 0)
        return 0;
    for (size_t k = 0; k < avoid->n; k++)
        if (memcmp(t->relays[i].id, avoid->ids[k], MIX_HOP_ID_BYTES) == 0)
            return 0;
    return 1;
}

int mix_path_select(const mix_topology *t, sh_rng *rng,
                    const uint8_t (*avoid_ids)[MIX_HOP_ID_BYTES], size_t n_avoid,
                    size_t *out)
{
    if (t == NULL || rng == NULL || out == NULL || (avoid_ids == NULL && n_avoid > 0))
        return SH_ERR_ARG;
    const avoid_set as = { avoid_ids, n_avoid }, *avoid = &as;
    for (size_t l = 0; l < t->n_layers; l++) {
        uint64_t total = 0;
        for (size_t k = t->start[l]; k < t->start[l + 1]; k++)
            if (eligible(t, t->members[k], avoid))
                total += t->relays[t->members[k]].capacity;
        if (total == 0)
            return SH_ERR_STATE;        /* an empty layer */
        /* u uniform in [0, total): the relay whose cumulative interval
         * [c, c + capacity) holds u. */
        uint64_t u = sh_rng_uniform(rng, total), c = 0;
        size_t pick = SIZE_MAX;
        for (size_t k = t->start[l]; k < t->start[l + 1]; k++) {
            size_t i = t->members[k];
            if (!eligible(t, i, avoid))
                continue;
            c += t->relays[i].capacity;
            if (u < c) {
                pick = i;
                break;
            }
        }
        if (pick == SIZE_MAX)
            return SH_ERR_INTERNAL;
        /* A relay is in one layer only, so this cannot repeat; enforce it
         * anyway (the invariant the anonymity argument rests on). */
        for (size_t j = 0; j < l; j++)
            if (out[j] == pick)
                return SH_ERR_INTERNAL;
        out[l] = pick;
    }
    return 0;
}

uint32_t mix_delay_sample(sh_rng *rng, double mean_ms, uint32_t cap_ms)
{
    if (rng == NULL || !(mean_ms > 0))
        return 0;
    double u = sh_rng_double(rng);          /* [0, 1): 1 - u in (0, 1] */
    double x = -log1p(-u) * mean_ms;
    if (!(x < (double)cap_ms))
        return cap_ms;
    return (uint32_t)x;
}

int mix_route_build(mix_onion_ctx *ctx, sh_rng *rng, uint64_t epoch,
                    const mix_route_hop *hops, size_t n, const uint8_t *final,
                    size_t final_len, uint8_t *packet, size_t packet_len)
{
    if (ctx == NULL || rng == NULL || hops == NULL || packet == NULL || n == 0
        || n > MIX_ONION_MAX_HOPS || (final == NULL && final_len > 0))
        return SH_ERR_ARG;
    /* Forward hop payloads are 61 bytes (epoch 10, delay 6, next_hop 34);
     * the final one carries the payload. */
    uint8_t fwd[MIX_ONION_MAX_HOPS][64];
    mix_onion_hop oh[MIX_ONION_MAX_HOPS];
    uint8_t *last = NULL;
    uint8_t session[MIX_ONION_SECKEY_BYTES];
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (hops[i].id == NULL || hops[i].onion_pk == NULL)
            return SH_ERR_ARG;
        mix_hop_payload p = { .epoch = epoch, .delay_ms = hops[i].delay_ms };
        size_t len = 0;
        if (i + 1 < n) {
            memcpy(p.next_hop, hops[i + 1].id, MIX_HOP_ID_BYTES);
            rc = mix_hop_payload_encode(fwd[i], sizeof fwd[i], &len, &p);
            oh[i] = (mix_onion_hop){ hops[i].onion_pk, fwd[i], len };
        } else {
            p.is_final = 1;
            p.data = final;
            p.data_len = final_len;
            size_t need = mix_hop_payload_encoded_len(&p);
            if (need == 0)
                return SH_ERR_OVERSIZE;
            if ((last = malloc(need)) == NULL)
                return SH_ERR_NOMEM;
            rc = mix_hop_payload_encode(last, need, &len, &p);
            oh[i] = (mix_onion_hop){ hops[i].onion_pk, last, len };
        }
        if (rc != 0)
            goto done;
    }
    if ((rc = mix_onion_keygen(ctx, session, NULL, rng)) != 0)
        goto done;
    rc = mix_onion_create(ctx, packet, packet_len, session, oh, n, NULL, 0, NULL);
done:
    sodium_memzero(session, sizeof session);
    free(last);
    return rc;
}

/* ---- peer map ------------------------------------------------------------- */

typedef struct pm_entry {
    uint8_t key[SH_PEER_KEY_BYTES];
    sh_peer_id id;
} pm_entry;

static int cmp_pm(const void *a, const void *b)
{
    const pm_entry *x = a, *y = b;
    int c = memcmp(x->key, y->key, SH_PEER_KEY_BYTES);
    return c != 0 ? c : (x->id > y->id) - (x->id < y->id);
}

int mix_peer_map_init(mix_peer_map *m, const uint8_t (*keys)[SH_PEER_KEY_BYTES], size_t n)
{
    if (m == NULL || (keys == NULL && n > 0))
        return SH_ERR_ARG;
    memset(m, 0, sizeof *m);
    if (n == 0)
        return 0;
    pm_entry *e = malloc(n * sizeof *e);
    m->keys = malloc(n * SH_PEER_KEY_BYTES);
    m->ids = malloc(n * sizeof *m->ids);
    if (e == NULL || m->keys == NULL || m->ids == NULL) {
        free(e);
        mix_peer_map_free(m);
        return SH_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(e[i].key, keys[i], SH_PEER_KEY_BYTES);
        e[i].id = (sh_peer_id)i;
    }
    qsort(e, n, sizeof *e, cmp_pm);
    for (size_t i = 0; i < n; i++) {
        memcpy(m->keys[i], e[i].key, SH_PEER_KEY_BYTES);
        m->ids[i] = e[i].id;
    }
    m->n = n;
    free(e);
    return 0;
}

int mix_peer_map_from_driver(mix_peer_map *m, const sh_driver *d)
{
    if (m == NULL || d == NULL)
        return SH_ERR_ARG;
    memset(m, 0, sizeof *m);
    size_t n = d->n_peers;
    uint8_t (*keys)[SH_PEER_KEY_BYTES] = malloc((n > 0 ? n : 1) * SH_PEER_KEY_BYTES);
    if (keys == NULL)
        return SH_ERR_NOMEM;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = sh_drv_peer_key(d, (sh_peer_id)i, keys[i]);
    if (rc == 0)
        rc = mix_peer_map_init(m, (const uint8_t (*)[SH_PEER_KEY_BYTES])keys, n);
    free(keys);
    return rc;
}

sh_peer_id mix_peer_map_find(const mix_peer_map *m, const uint8_t key[SH_PEER_KEY_BYTES])
{
    if (m == NULL || key == NULL)
        return SH_PEER_NONE;
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(m->keys[mid], key, SH_PEER_KEY_BYTES);
        if (c == 0)
            return m->ids[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SH_PEER_NONE;
}

void mix_peer_map_free(mix_peer_map *m)
{
    if (m == NULL)
        return;
    free(m->keys);
    free(m->ids);
    memset(m, 0, sizeof *m);
}
