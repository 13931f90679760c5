/* mixnet/cover.c -- Poisson cover traffic and the wallet protocol
 * (cover.h). */
#include "mixnet/cover.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "mixnet/frame.h"
#include "mixnet/keyring.h"
#include "mixnet/onion_process.h"
#include "mixnet/replay.h"
#include "util/buf.h"

#define MOD "cover"

/* ---- final payload -------------------------------------------------------- */

int mix_final_encode(uint8_t *out, size_t out_len, uint8_t cls, const uint8_t *body,
                     size_t body_len)
{
    if (out == NULL || (body == NULL && body_len > 0) || cls > MIX_FINAL_DROP)
        return SH_ERR_ARG;
    if (out_len < MIX_FINAL_HDR || body_len > out_len - MIX_FINAL_HDR || body_len > 0xffff)
        return SH_ERR_OVERSIZE;
    memset(out, 0, out_len);
    out[0] = cls;
    out[1] = (uint8_t)(body_len >> 8);
    out[2] = (uint8_t)body_len;
    if (body_len > 0)
        memcpy(out + MIX_FINAL_HDR, body, body_len);
    return 0;
}

int mix_final_decode(const uint8_t *in, size_t len, uint8_t *cls, const uint8_t **body,
                     size_t *body_len)
{
    if ((in == NULL && len > 0) || cls == NULL || body == NULL || body_len == NULL)
        return SH_ERR_ARG;
    if (len < MIX_FINAL_HDR)
        return SH_ERR_TRUNCATED;
    size_t bl = ((size_t)in[1] << 8) | in[2];
    if (in[0] > MIX_FINAL_DROP)
        return SH_ERR_TYPE;
    if (bl > len - MIX_FINAL_HDR)
        return SH_ERR_TRUNCATED;
    if (!sodium_is_zero(in + MIX_FINAL_HDR + bl, len - MIX_FINAL_HDR - bl))
        return SH_ERR_NONCANONICAL;
    if (in[0] == MIX_FINAL_LOOP && bl != MIX_LOOP_ID_BYTES)
        return SH_ERR_LENGTH;
    *cls = in[0];
    *body = in + MIX_FINAL_HDR;
    *body_len = bl;
    return 0;
}

/* ---- the generator ----------------------------------------------------- */

enum { P_PAYLOAD, P_LOOP, P_DROP, P_COUNT };

typedef struct real_msg {
    uint8_t dest_id[MIX_HOP_ID_BYTES];
    uint8_t dest_pk[MIX_ONION_PUBKEY_BYTES];
    uint8_t *body;
    size_t len;
} real_msg;

typedef struct loop_rec {
    uint8_t id[MIX_LOOP_ID_BYTES];
    uint64_t sent_ns;
    int live;
} loop_rec;

struct mix_cover {
    const sh_driver *d;
    mix_cover_cfg cfg;
    mix_onion_ctx *onion;
    const mix_peer_map *peers;
    sh_timer_id timer[P_COUNT];
    double rate[P_COUNT];
    real_msg *q;                /* ring of cfg.queue_max */
    size_t q_head, q_len;
    loop_rec *loops;            /* ring of cfg.loops_max */
    size_t loop_next;
    uint8_t *packet, *final;
    sh_buf frame;
    mix_cover_stats st;
};

static int rate_ok(double r)
{
    return isfinite(r) && r >= 0 && r <= 1e9;
}

int mix_cover_new(const mix_cover_cfg *cfg, const sh_driver *d, mix_onion_ctx *onion,
                  const mix_peer_map *peers, mix_cover **out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (cfg == NULL || d == NULL || onion == NULL || peers == NULL
        || !rate_ok(cfg->rate_payload) || !rate_ok(cfg->rate_loop)
        || !rate_ok(cfg->rate_drop) || !(cfg->mean_delay_ms >= 0)
        || !isfinite(cfg->mean_delay_ms) || cfg->topo == NULL
        || cfg->packet_len < MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MIN)
        || cfg->packet_len > MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MAX)
        || cfg->payload_len < MIX_FINAL_HDR + MIX_LOOP_ID_BYTES
        || cfg->payload_len > MIX_FINAL_PAYLOAD_MAX)
        return SH_ERR_ARG;
    if (cfg->rate_loop > 0 && (cfg->self_id == NULL || cfg->self_onion_pk == NULL))
        return SH_ERR_ARG;
    mix_cover *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SH_ERR_NOMEM;
    c->d = d;
    c->cfg = *cfg;
    if (c->cfg.queue_max == 0)
        c->cfg.queue_max = 64;
    if (c->cfg.loops_max == 0)
        c->cfg.loops_max = 1024;
    c->onion = onion;
    c->peers = peers;
    c->rate[P_PAYLOAD] = cfg->rate_payload;
    c->rate[P_LOOP] = cfg->rate_loop;
    c->rate[P_DROP] = cfg->rate_drop;
    c->q = calloc(c->cfg.queue_max, sizeof *c->q);
    c->loops = calloc(c->cfg.loops_max, sizeof *c->loops);
    c->packet = malloc(cfg->packet_len);
    c->final = malloc(cfg->payload_len);
    sh_buf_init_max(&c->frame, MIX_FRAME_MAX);
    if (c->q == NULL || c->loops == NULL || c->packet == NULL || c->final == NULL) {
        mix_cover_free(c);
        return SH_ERR_NOMEM;
    }
    *out = c;
    return 0;
}

void mix_cover_free(mix_cover *c)
{
    if (c == NULL)
        return;
    if (c->q != NULL)
        for (size_t k = 0; k < c->q_len; k++) {
            real_msg *m = &c->q[(c->q_head + k) % c->cfg.queue_max];
            if (m->body != NULL)
                sodium_memzero(m->body, m->len);
            free(m->body);
        }
    free(c->q);
    free(c->loops);
    free(c->packet);
    if (c->final != NULL)
        sodium_memzero(c->final, c->cfg.payload_len);
    free(c->final);
    sh_buf_free(&c->frame);
    free(c);
}

/* An exponential inter-arrival time for rate events per second. */
static uint64_t exp_ns(sh_rng *rng, double rate)
{
    double x = -log1p(-sh_rng_double(rng)) / rate * 1e9;
    return x < 4.0e18 ? (uint64_t)x : (uint64_t)4e18;
}

static int arm(mix_cover *c, int p)
{
    c->timer[p] = SH_TIMER_NONE;
    if (!(c->rate[p] > 0))
        return 0;
    return sh_drv_timer_set(c->d, exp_ns(c->d->rng, c->rate[p]),
                            MIX_COVER_TAG_BASE + (uint64_t)p, &c->timer[p]);
}

int mix_cover_start(mix_cover *c)
{
    if (c == NULL)
        return SH_ERR_ARG;
    for (int p = 0; p < P_COUNT; p++) {
        int rc = arm(c, p);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void mix_cover_stop(mix_cover *c)
{
    if (c == NULL)
        return;
    for (int p = 0; p < P_COUNT; p++) {
        sh_drv_timer_cancel(c->d, c->timer[p]);
        c->timer[p] = SH_TIMER_NONE;
    }
}

/* Build and send one packet: a path through every layer avoiding the
 * destination, then the destination with delay 0. */
static int send_packet(mix_cover *c, const uint8_t *dest_id, const uint8_t *dest_pk,
                       uint8_t cls, const uint8_t *body, size_t body_len)
{
    size_t L = mix_topology_layers(c->cfg.topo);
    size_t path[MIX_PATH_MAX_LAYERS];
    mix_route_hop hops[MIX_PATH_MAX_LAYERS + 1];
    /* Neither the destination nor the sender itself (a relay) on the path. */
    uint8_t avoid[2][MIX_HOP_ID_BYTES];
    size_t n_avoid = 1;
    memcpy(avoid[0], dest_id, MIX_HOP_ID_BYTES);
    if (c->cfg.self_id != NULL)
        memcpy(avoid[n_avoid++], c->cfg.self_id, MIX_HOP_ID_BYTES);
    int rc = mix_path_select(c->cfg.topo, c->d->rng,
                             (const uint8_t (*)[MIX_HOP_ID_BYTES])avoid, n_avoid, path);
    if (rc == SH_ERR_STATE || rc == SH_ERR_ARG) {
        c->st.send_errors++;
        sh_drv_log(c->d, SH_LOG_WARN, MOD, "no path: %d", rc);
        return 0;
    }
    if (rc != 0)
        return rc;
    for (size_t l = 0; l < L; l++) {
        const mix_relay_info *ri = mix_topology_relay(c->cfg.topo, path[l]);
        hops[l] = (mix_route_hop){ ri->id, ri->onion_pk,
                                   mix_delay_sample(c->d->rng, c->cfg.mean_delay_ms,
                                                    c->cfg.max_delay_ms) };
    }
    hops[L] = (mix_route_hop){ dest_id, dest_pk, 0 };
    if ((rc = mix_final_encode(c->final, c->cfg.payload_len, cls, body, body_len)) != 0)
        return rc;
    rc = mix_route_build(c->onion, c->d->rng, c->cfg.epoch, hops, L + 1, c->final,
                         c->cfg.payload_len, c->packet, c->cfg.packet_len);
    if (rc == SH_ERR_POINT || rc == SH_ERR_OVERSIZE) {
        c->st.send_errors++;                /* a bad descriptor key, a bad size */
        return 0;
    }
    if (rc != 0)
        return rc;
    sh_peer_id to = mix_peer_map_find(c->peers, hops[0].id);
    if (to == SH_PEER_NONE || to == c->d->self) {
        c->st.send_errors++;
        return 0;
    }
    sh_buf_reset(&c->frame);
    if ((rc = mix_frame_encode(&c->frame, c->cfg.epoch, c->packet, c->cfg.packet_len)) != 0)
        return rc;
    rc = sh_drv_send(c->d, to, c->frame.data, c->frame.len);
    if (rc != 0) {
        c->st.send_errors++;
        return rc == SH_ERR_NOMEM ? rc : 0;
    }
    return 0;
}

static int send_drop(mix_cover *c)
{
    /* The destination: a uniformly random relay other than the sender. */
    size_t n = mix_topology_relays(c->cfg.topo);
    size_t self = c->cfg.self_id != NULL ? mix_topology_find(c->cfg.topo, c->cfg.self_id)
                                         : SIZE_MAX;
    if (self != SIZE_MAX && n < 2) {
        c->st.send_errors++;
        return 0;
    }
    size_t k = (size_t)sh_rng_uniform(c->d->rng, self != SIZE_MAX ? n - 1 : n);
    if (self != SIZE_MAX && k >= self)
        k++;
    const mix_relay_info *ri = mix_topology_relay(c->cfg.topo, k);
    int rc = send_packet(c, ri->id, ri->onion_pk, MIX_FINAL_DROP, NULL, 0);
    if (rc == 0)
        c->st.drop_sent++;
    return rc;
}

static int send_loop(mix_cover *c)
{
    loop_rec *lr = &c->loops[c->loop_next];
    uint8_t id[MIX_LOOP_ID_BYTES];
    sh_rng_bytes(c->d->rng, id, sizeof id);
    uint64_t before = c->st.send_errors;
    int rc = send_packet(c, c->cfg.self_id, c->cfg.self_onion_pk, MIX_FINAL_LOOP, id,
                         sizeof id);
    if (rc != 0 || c->st.send_errors != before)
        return rc;
    memcpy(lr->id, id, sizeof id);
    lr->sent_ns = sh_drv_now(c->d);
    lr->live = 1;
    c->loop_next = (c->loop_next + 1) % c->cfg.loops_max;
    c->st.loop_sent++;
    return 0;
}

static int send_slot(mix_cover *c)
{
    c->st.payload_events++;
    if (c->q_len == 0)
        return send_drop(c);
    real_msg *m = &c->q[c->q_head];
    int rc = send_packet(c, m->dest_id, m->dest_pk, MIX_FINAL_REAL, m->body, m->len);
    if (rc == SH_ERR_NOMEM)
        return rc;                      /* keep the message for the next slot */
    c->st.real_sent++;
    sodium_memzero(m->body, m->len);
    free(m->body);
    m->body = NULL;
    c->q_head = (c->q_head + 1) % c->cfg.queue_max;
    c->q_len--;
    return rc;
}

int mix_cover_on_timer(mix_cover *c, sh_timer_id id, uint64_t tag)
{
    if (c == NULL || tag < MIX_COVER_TAG_BASE || tag - MIX_COVER_TAG_BASE >= P_COUNT)
        return SH_ERR_ARG;
    int p = (int)(tag - MIX_COVER_TAG_BASE);
    if (c->timer[p] != id)
        return 0;                       /* stale */
    /* Re-arm first: the process's next event does not depend on this one. */
    int rc = arm(c, p);
    if (rc != 0)
        return rc;
    switch (p) {
    case P_PAYLOAD:
        return send_slot(c);
    case P_LOOP:
        return send_loop(c);
    default:
        return send_drop(c);
    }
}

int mix_cover_enqueue(mix_cover *c, const uint8_t dest_id[MIX_HOP_ID_BYTES],
                      const uint8_t dest_pk[MIX_ONION_PUBKEY_BYTES], const uint8_t *body,
                      size_t len)
{
    if (c == NULL || dest_id == NULL || dest_pk == NULL || (body == NULL && len > 0))
        return SH_ERR_ARG;
    if (!(c->cfg.rate_payload > 0))
        return SH_ERR_STATE;
    if (len > c->cfg.payload_len - MIX_FINAL_HDR)
        return SH_ERR_OVERSIZE;
    if (c->q_len == c->cfg.queue_max) {
        c->st.queue_full++;
        return SH_ERR_RANGE;
    }
    real_msg *m = &c->q[(c->q_head + c->q_len) % c->cfg.queue_max];
    m->body = malloc(len > 0 ? len : 1);
    if (m->body == NULL)
        return SH_ERR_NOMEM;
    if (len > 0)
        memcpy(m->body, body, len);
    m->len = len;
    memcpy(m->dest_id, dest_id, MIX_HOP_ID_BYTES);
    memcpy(m->dest_pk, dest_pk, MIX_ONION_PUBKEY_BYTES);
    c->q_len++;
    return 0;
}

int mix_cover_on_loop(mix_cover *c, const uint8_t *body, size_t len)
{
    if (c == NULL || body == NULL || len != MIX_LOOP_ID_BYTES)
        return 0;
    for (size_t i = 0; i < c->cfg.loops_max; i++) {
        loop_rec *lr = &c->loops[i];
        if (!lr->live || sodium_memcmp(lr->id, body, MIX_LOOP_ID_BYTES) != 0)
            continue;
        lr->live = 0;
        uint64_t now = sh_drv_now(c->d);
        uint64_t rtt = now >= lr->sent_ns ? now - lr->sent_ns : 0;
        c->st.loop_returned++;
        c->st.rtt_sum_ns += rtt;
        if (rtt > c->st.rtt_max_ns)
            c->st.rtt_max_ns = rtt;
        uint8_t res[8 + MIX_LOOP_ID_BYTES];
        for (int k = 0; k < 8; k++)
            res[k] = (uint8_t)(rtt >> (56 - 8 * k));
        memcpy(res + 8, body, MIX_LOOP_ID_BYTES);
        if (sh_drv_deliver(c->d, MIX_RES_LOOP_RTT, res, sizeof res) != 0)
            sh_drv_log(c->d, SH_LOG_WARN, MOD, "loop result not delivered");
        return 1;
    }
    c->st.loop_unknown++;
    return 0;
}

void mix_cover_stats_get(const mix_cover *c, mix_cover_stats *out)
{
    if (out == NULL)
        return;
    if (c == NULL)
        memset(out, 0, sizeof *out);
    else
        *out = c->st;
}

/* ---- the wallet protocol ------------------------------------------------ */

typedef struct mix_client {
    const sh_driver *d;
    mix_client_cfg cfg;
    const uint8_t (*peer_keys)[SH_PEER_KEY_BYTES];
    mix_onion_ctx *onion;
    mix_keyring *kr;
    mix_replay rp;
    mix_peer_map peers;
    mix_cover *cover;
    uint8_t *next, *payload;
    size_t payload_cap;
} mix_client;

static void client_free(void *self)
{
    mix_client *m = self;
    if (m == NULL)
        return;
    mix_cover_free(m->cover);
    mix_peer_map_free(&m->peers);
    mix_replay_free(&m->rp);
    mix_keyring_free(m->kr);
    mix_onion_ctx_free(m->onion);
    free(m->next);
    free(m->payload);
    free(m);
}

int mix_client_new(const mix_client_cfg *cfg, const sh_driver *d, sh_proto *out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    out->ops = NULL;
    out->self = NULL;
    if (cfg == NULL || d == NULL || d->rng == NULL)
        return SH_ERR_ARG;
    if (cfg->cover.rate_loop > 0 && cfg->loop_sk == NULL)
        return SH_ERR_ARG;
    mix_client *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SH_ERR_NOMEM;
    m->d = d;
    m->cfg = *cfg;
    m->cfg.loop_sk = NULL;
    m->peer_keys = cfg->peer_keys;
    m->onion = mix_onion_ctx_new(d->rng);
    m->kr = mix_keyring_new();
    m->payload_cap = MIX_ONION_PAYLOAD_CAP(cfg->cover.packet_len - MIX_ONION_OVERHEAD);
    m->next = malloc(cfg->cover.packet_len);
    m->payload = malloc(m->payload_cap);
    int rc = SH_ERR_NOMEM;
    if (m->onion == NULL || m->kr == NULL || m->next == NULL || m->payload == NULL)
        goto fail;
    if ((rc = mix_replay_mem_new(&m->rp, 2, 65536, d->rng)) != 0)
        goto fail;
    if (cfg->loop_sk != NULL
        && (rc = mix_keyring_install(m->kr, m->onion, cfg->cover.epoch, cfg->loop_sk,
                                     NULL)) != 0)
        goto fail;
    if ((rc = mix_cover_new(&cfg->cover, d, m->onion, &m->peers, &m->cover)) != 0)
        goto fail;
    out->ops = &mix_client_ops;
    out->self = m;
    return 0;
fail:
    client_free(m);
    return rc;
}

static int client_start(void *self)
{
    mix_client *m = self;
    int rc = m->peer_keys != NULL
                 ? mix_peer_map_init(&m->peers, m->peer_keys, m->d->n_peers)
                 : mix_peer_map_from_driver(&m->peers, m->d);
    if (rc != 0)
        return rc;
    return mix_cover_start(m->cover);
}

static int client_on_message(void *self, sh_peer_id from, const uint8_t *msg, size_t len)
{
    mix_client *m = self;
    uint64_t epoch;
    const uint8_t *pkt;
    size_t plen;
    const char *why;
    int rc = mix_frame_decode(msg, len, &epoch, &pkt, &plen, &why);
    if (rc == SH_ERR_NOMEM)
        return rc;
    if (rc != 0)
        return sh_drv_reject(m->d, from, rc, why);
    if (plen != m->cfg.cover.packet_len)
        return sh_drv_reject(m->d, from, SH_ERR_LENGTH, "mixer: wrong packet size");
    mix_onion_result res = { .peeled = { .next_packet = m->next, .payload = m->payload,
                                         .payload_cap = m->payload_cap } };
    rc = mix_onion_process(m->onion, m->kr, &m->rp, epoch, pkt, plen, NULL, 0, &res);
    if (rc != 0)
        return res.peer_fault ? sh_drv_reject(m->d, from, rc, res.reason) : rc;
    uint8_t cls;
    const uint8_t *body;
    size_t blen;
    if (!res.hop.is_final)
        return sh_drv_reject(m->d, from, SH_ERR_STATE, "client: not a final packet");
    rc = mix_final_decode(res.hop.data, res.hop.data_len, &cls, &body, &blen);
    if (rc != 0)
        return sh_drv_reject(m->d, from, rc, "mixer: bad final payload");
    if (cls != MIX_FINAL_LOOP)
        return sh_drv_reject(m->d, from, SH_ERR_TYPE, "client: not a loop");
    if (!mix_cover_on_loop(m->cover, body, blen))
        return sh_drv_reject(m->d, from, SH_ERR_VERIFY, "client: unknown loop");
    return 0;
}

static int client_on_timer(void *self, sh_timer_id id, uint64_t tag)
{
    mix_client *m = self;
    if (tag < MIX_COVER_TAG_BASE)
        return 0;
    return mix_cover_on_timer(m->cover, id, tag);
}

static int client_on_request(void *self, uint32_t kind, const uint8_t *data, size_t len)
{
    mix_client *m = self;
    if (kind == MIX_CLIENT_REQ_COVER_OFF && len == 0) {
        mix_cover_stop(m->cover);
        return 0;
    }
    if (kind != MIX_CLIENT_REQ_SEND)
        return SH_ERR_ARG;
    if (data == NULL || len < MIX_HOP_ID_BYTES + MIX_ONION_PUBKEY_BYTES)
        return SH_ERR_TRUNCATED;
    return mix_cover_enqueue(m->cover, data, data + MIX_HOP_ID_BYTES,
                             data + MIX_HOP_ID_BYTES + MIX_ONION_PUBKEY_BYTES,
                             len - MIX_HOP_ID_BYTES - MIX_ONION_PUBKEY_BYTES);
}

static void client_stop(void *self)
{
    mix_client *m = self;
    mix_cover_stop(m->cover);
}

const mix_cover *mix_client_cover(const void *self)
{
    const mix_client *m = self;
    return m != NULL ? m->cover : NULL;
}

const sh_proto_ops mix_client_ops = {
    .name = "mixclient",
    .start = client_start,
    .on_message = client_on_message,
    .on_timer = client_on_timer,
    .on_request = client_on_request,
    .stop = client_stop,
    .free = client_free,
};
