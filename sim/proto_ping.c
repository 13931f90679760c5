/* sim/proto_ping.c -- the minimal engine-benchmark protocol (see proto_ping.h). */
#include "sim/proto_ping.h"

#include <stdlib.h>
#include <string.h>

#define T_PING 'p'
#define T_PONG 'q'

typedef struct sim_ping {
    const sh_driver *d;
    uint64_t period_ns;
    uint32_t msg_bytes;
    sh_timer_id timer;
    sim_ping_stats st;
} sim_ping;

static int arm(sim_ping *p, uint64_t delay)
{
    return sh_drv_timer_set(p->d, delay, 0, &p->timer);
}

static int send_kind(sim_ping *p, sh_peer_id to, uint8_t kind)
{
    uint8_t m[SIM_PING_MAX_BYTES];
    m[0] = kind;
    if (p->msg_bytes > 1)
        memset(m + 1, 0, p->msg_bytes - 1);
    return sh_drv_send(p->d, to, m, p->msg_bytes);
}

static int ping_start(void *self)
{
    sim_ping *p = self;
    return arm(p, sh_rng_uniform(p->d->rng, p->period_ns));
}

static int ping_timer(void *self, sh_timer_id id, uint64_t tag)
{
    (void)tag;
    sim_ping *p = self;
    if (id != p->timer)
        return 0;
    int rc = arm(p, p->period_ns);
    if (rc != 0)
        return rc;
    uint32_t n = p->d->n_peers;
    uint32_t to = (uint32_t)sh_rng_uniform(p->d->rng, n - 1);
    if (to >= p->d->self)
        to++;
    p->st.pings_sent++;
    return send_kind(p, to, T_PING);
}

static int ping_message(void *self, sh_peer_id from, const uint8_t *m, size_t len)
{
    sim_ping *p = self;
    if (len != p->msg_bytes)
        return sh_drv_reject(p->d, from, SH_ERR_LENGTH, "ping: wrong length");
    if (m[0] == T_PING) {
        p->st.pongs_sent++;
        return send_kind(p, from, T_PONG);
    }
    if (m[0] == T_PONG) {
        p->st.pongs_received++;
        return 0;
    }
    return sh_drv_reject(p->d, from, SH_ERR_TYPE, "ping: bad type");
}

static void ping_free(void *self)
{
    free(self);
}

const sh_proto_ops sim_ping_ops = {
    .name = "ping",
    .start = ping_start,
    .on_message = ping_message,
    .on_timer = ping_timer,
    .free = ping_free,
};

int sim_ping_new(const sim_ping_cfg *cfg, const sh_driver *d, sh_proto *out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    out->ops = NULL;
    out->self = NULL;
    if (cfg == NULL || d == NULL || d->n_peers < 2 || d->self >= d->n_peers ||
        cfg->period_ns == 0 || cfg->msg_bytes == 0 || cfg->msg_bytes > SIM_PING_MAX_BYTES)
        return SH_ERR_ARG;
    sim_ping *p = calloc(1, sizeof *p);
    if (p == NULL)
        return SH_ERR_NOMEM;
    p->d = d;
    p->period_ns = cfg->period_ns;
    p->msg_bytes = cfg->msg_bytes;
    out->ops = &sim_ping_ops;
    out->self = p;
    return 0;
}

const sim_ping_stats *sim_ping_stats_of(const void *self)
{
    return self ? &((const sim_ping *)self)->st : NULL;
}

int sim_ping_factory(void *arg, uint32_t node, uint32_t incarnation,
                     const sh_driver *d, sh_proto *out)
{
    (void)node;
    (void)incarnation;
    return sim_ping_new(arg, d, out);
}
