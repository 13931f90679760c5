/* mixnet/mixer.c -- the relay's Poisson mixer (mixer.h). */
#include "mixnet/mixer.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "mixnet/frame.h"
#include "mixnet/onion_process.h"
#include "util/buf.h"

#define MOD "mixer"
#define QUEUE_LIMIT ((size_t)1 << 20)

/* A held packet.  Slots are indexed by the timer tag. */
typedef struct slot {
    sh_timer_id timer;          /* SH_TIMER_NONE when free */
    uint64_t epoch;
    int is_final;
    sh_peer_id to;
    uint8_t *buf;               /* next packet or final payload */
    size_t len;
} slot;

typedef struct mix_mixer {
    const sh_driver *d;
    mix_mixer_cfg cfg;
    mix_onion_ctx *onion;
    mix_peer_map peers;
    slot *slots;
    size_t *free_list, n_free;
    uint8_t *next, *payload;
    size_t payload_cap;
    sh_buf frame;
    mix_cover *cover;
    mix_mixer_stats st;
    int stopped;
} mix_mixer;

static void mixer_free(void *self)
{
    mix_mixer *m = self;
    if (m == NULL)
        return;
    if (m->slots != NULL)
        for (size_t i = 0; i < m->cfg.queue_max; i++)
            free(m->slots[i].buf);
    free(m->slots);
    free(m->free_list);
    free(m->next);
    if (m->payload != NULL)
        sodium_memzero(m->payload, m->payload_cap);
    free(m->payload);
    sh_buf_free(&m->frame);
    mix_cover_free(m->cover);
    mix_peer_map_free(&m->peers);
    mix_onion_ctx_free(m->onion);
    free(m);
}

int mix_mixer_new(const mix_mixer_cfg *cfg, const sh_driver *d, sh_proto *out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    out->ops = NULL;
    out->self = NULL;
    if (cfg == NULL || d == NULL || d->rng == NULL || cfg->keyring == NULL
        || cfg->replay == NULL || cfg->queue_max == 0 || cfg->queue_max > QUEUE_LIMIT
        || cfg->packet_len < MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MIN)
        || cfg->packet_len > MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MAX)
        || (cfg->cover_enabled && cfg->cover.rate_payload != 0))
        return SH_ERR_ARG;
    mix_mixer *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SH_ERR_NOMEM;
    m->d = d;
    m->cfg = *cfg;
    m->onion = mix_onion_ctx_new(d->rng);
    m->slots = calloc(cfg->queue_max, sizeof *m->slots);
    m->free_list = malloc(cfg->queue_max * sizeof *m->free_list);
    m->payload_cap = MIX_ONION_PAYLOAD_CAP(cfg->packet_len - MIX_ONION_OVERHEAD);
    m->next = malloc(cfg->packet_len);
    m->payload = malloc(m->payload_cap);
    sh_buf_init_max(&m->frame, MIX_FRAME_MAX);
    int rc = SH_ERR_NOMEM;
    if (m->onion == NULL || m->slots == NULL || m->free_list == NULL || m->next == NULL
        || m->payload == NULL)
        goto fail;
    /* Free slots are taken from the end: slot 0 first. */
    for (size_t i = 0; i < cfg->queue_max; i++)
        m->free_list[i] = cfg->queue_max - 1 - i;
    m->n_free = cfg->queue_max;
    if (cfg->cover_enabled
        && (rc = mix_cover_new(&cfg->cover, d, m->onion, &m->peers, &m->cover)) != 0)
        goto fail;
    out->ops = &mix_mixer_ops;
    out->self = m;
    return 0;
fail:
    mixer_free(m);
    return rc;
}

static int mixer_start(void *self)
{
    mix_mixer *m = self;
    int rc = m->cfg.peer_keys != NULL
                 ? mix_peer_map_init(&m->peers, m->cfg.peer_keys, m->d->n_peers)
                 : mix_peer_map_from_driver(&m->peers, m->d);
    if (rc == 0 && m->cover != NULL)
        rc = mix_cover_start(m->cover);
    return rc;
}

static int reject(mix_mixer *m, sh_peer_id from, int code, const char *why,
                  uint64_t *counter)
{
    m->st.rejected++;
    if (counter != NULL)
        (*counter)++;
    return sh_drv_reject(m->d, from, code, why);
}

static void release_slot(mix_mixer *m, size_t i)
{
    slot *s = &m->slots[i];
    if (s->buf != NULL && s->is_final)
        sodium_memzero(s->buf, s->len);
    free(s->buf);
    memset(s, 0, sizeof *s);
    m->free_list[m->n_free++] = i;
    m->st.held--;
}

static int mixer_on_message(void *self, sh_peer_id from, const uint8_t *msg, size_t len)
{
    mix_mixer *m = self;
    m->st.received++;
    if (m->stopped)
        return 0;
    uint64_t epoch;
    const uint8_t *pkt;
    size_t plen;
    const char *why = NULL;
    int rc = mix_frame_decode(msg, len, &epoch, &pkt, &plen, &why);
    if (rc == SH_ERR_NOMEM)
        return rc;
    if (rc != 0)
        return reject(m, from, rc, why, &m->st.rejected_frame);
    if (plen != m->cfg.packet_len)
        return reject(m, from, SH_ERR_LENGTH, "mixer: wrong packet size",
                      &m->st.rejected_frame);
    /* Drop policy: a full queue refuses the newcomer before any work. */
    if (m->n_free == 0) {
        m->st.dropped_full++;
        return 0;
    }

    mix_onion_result res = { .peeled = { .next_packet = m->next, .payload = m->payload,
                                         .payload_cap = m->payload_cap } };
    rc = mix_onion_process(m->onion, m->cfg.keyring, m->cfg.replay, epoch, pkt, plen,
                           NULL, 0, &res);
    /* MIX_ERR_REPLAY shares its code with "no key for epoch": the reason
     * tells them apart. */
    if (rc == MIX_ERR_REPLAY && res.peer_fault && res.reason != NULL
        && strcmp(res.reason, "onion: replayed packet") == 0) {
        m->st.replays++;
        return reject(m, from, rc, res.reason, NULL);
    }
    if (rc != 0 && res.peer_fault)
        return reject(m, from, rc, res.reason, &m->st.rejected_onion);
    if (rc == SH_ERR_NOMEM)
        return rc;
    if (rc != 0) {
        m->st.local_drops++;            /* replay store full: drop, never forward */
        sh_drv_log(m->d, SH_LOG_WARN, MOD, "packet dropped: %s", res.reason);
        return 0;
    }

    sh_peer_id to = SH_PEER_NONE;
    if (!res.hop.is_final) {
        to = mix_peer_map_find(&m->peers, res.hop.next_hop);
        if (to == SH_PEER_NONE)
            return reject(m, from, SH_ERR_STATE, "mixer: unknown next hop",
                          &m->st.rejected_route);
        if (to == m->d->self)
            return reject(m, from, SH_ERR_STATE, "mixer: next hop is self",
                          &m->st.rejected_route);
    }
    uint32_t delay_ms = res.hop.delay_ms;
    if (delay_ms > m->cfg.max_delay_ms) {
        delay_ms = m->cfg.max_delay_ms;
        m->st.delay_capped++;
    }
    size_t blen = res.hop.is_final ? res.hop.data_len : plen;
    uint8_t *buf = malloc(blen > 0 ? blen : 1);
    if (buf == NULL)
        return SH_ERR_NOMEM;
    if (blen > 0)
        memcpy(buf, res.hop.is_final ? res.hop.data : m->next, blen);
    size_t i = m->free_list[m->n_free - 1];
    slot *s = &m->slots[i];
    rc = sh_drv_timer_set(m->d, (uint64_t)delay_ms * 1000000u, (uint64_t)i, &s->timer);
    if (rc != 0) {
        free(buf);
        s->timer = SH_TIMER_NONE;
        return rc;
    }
    m->n_free--;
    s->epoch = epoch;
    s->is_final = res.hop.is_final;
    s->to = to;
    s->buf = buf;
    s->len = blen;
    m->st.accepted++;
    if (++m->st.held > m->st.held_max)
        m->st.held_max = m->st.held;
    return 0;
}

/* A final payload reached this relay: deliver, count a loop, or discard. */
static int finish(mix_mixer *m, const uint8_t *data, size_t len)
{
    uint8_t cls;
    const uint8_t *body;
    size_t blen;
    if (mix_final_decode(data, len, &cls, &body, &blen) != 0) {
        /* The sender is unknown by now (the packet came a hop ago). */
        return reject(m, SH_PEER_NONE, SH_ERR_FORMAT, "mixer: bad final payload",
                      &m->st.rejected_route);
    }
    switch (cls) {
    case MIX_FINAL_REAL:
        m->st.delivered++;
        return sh_drv_deliver(m->d, MIX_RES_PAYLOAD, body, blen);
    case MIX_FINAL_LOOP:
        if (m->cover != NULL && mix_cover_on_loop(m->cover, body, blen))
            m->st.loops_returned++;
        else
            m->st.loops_foreign++;
        return 0;
    default:
        m->st.cover_dropped++;
        return 0;
    }
}

static int mixer_on_timer(void *self, sh_timer_id id, uint64_t tag)
{
    mix_mixer *m = self;
    if (tag >= MIX_COVER_TAG_BASE)
        return m->cover != NULL ? mix_cover_on_timer(m->cover, id, tag) : 0;
    if (tag >= m->cfg.queue_max || m->slots[tag].timer != id || id == SH_TIMER_NONE)
        return 0;                           /* stale */
    slot *s = &m->slots[tag];
    int rc;
    if (s->is_final) {
        rc = finish(m, s->buf, s->len);
    } else {
        sh_buf_reset(&m->frame);
        rc = mix_frame_encode(&m->frame, s->epoch, s->buf, s->len);
        if (rc == 0)
            rc = sh_drv_send(m->d, s->to, m->frame.data, m->frame.len);
        if (rc == 0) {
            m->st.forwarded++;
        } else if (rc != SH_ERR_NOMEM) {
            m->st.local_drops++;
            sh_drv_log(m->d, SH_LOG_WARN, MOD, "forward failed: %d", rc);
            rc = 0;
        }
    }
    release_slot(m, (size_t)tag);
    return rc;
}

static int mixer_on_request(void *self, uint32_t kind, const uint8_t *data, size_t len)
{
    mix_mixer *m = self;
    (void)data;
    if (kind != MIX_MIXER_REQ_COVER_OFF || len != 0)
        return SH_ERR_ARG;
    mix_cover_stop(m->cover);
    return 0;
}

static void mixer_stop(void *self)
{
    mix_mixer *m = self;
    m->stopped = 1;
    mix_cover_stop(m->cover);
    /* Held packets are dropped: a stopping relay does not flush its queue
     * early, which would cut their delays short. */
    for (size_t i = 0; i < m->cfg.queue_max; i++)
        if (m->slots[i].timer != SH_TIMER_NONE) {
            sh_drv_timer_cancel(m->d, m->slots[i].timer);
            release_slot(m, i);
        }
}

void mix_mixer_stats_get(const void *self, mix_mixer_stats *out)
{
    const mix_mixer *m = self;
    if (out == NULL)
        return;
    if (m == NULL)
        memset(out, 0, sizeof *out);
    else
        *out = m->st;
}

const mix_cover *mix_mixer_cover(const void *self)
{
    const mix_mixer *m = self;
    return m != NULL ? m->cover : NULL;
}

const sh_proto_ops mix_mixer_ops = {
    .name = "mixer",
    .start = mixer_start,
    .on_message = mixer_on_message,
    .on_timer = mixer_on_timer,
    .on_request = mixer_on_request,
    .stop = mixer_stop,
    .free = mixer_free,
};
