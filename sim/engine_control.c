/* sim/engine_control.c -- the engine's external inputs (requests,
 * injected messages, control callbacks), faults (crash, stop, restart) and
 * inspection (instances, statistics, memory); see sim/engine.h. */
#include "sim/engine_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- external inputs and control ----------------------------------------------- */

int sim_engine_request(sim_engine *e, uint32_t node, uint64_t at, uint32_t kind,
                       const uint8_t *data, size_t len)
{
    if (e == NULL || node >= e->cfg.n_nodes || (data == NULL && len > 0) ||
        len > UINT32_MAX)
        return SH_ERR_ARG;
    if (e->cur != NULL)
        return SH_ERR_STATE;
    if (at < e->now)
        return SH_ERR_RANGE;
    spay *b = sim_eng_pay_new(e, data, len);
    if (b == NULL)
        return SH_ERR_NOMEM;
    int rc = sim_eng_heap_push(e, at, EV_REQUEST, node, kind, (uint64_t)(uintptr_t)b);
    if (rc != 0)
        sim_eng_pay_release(e, b);
    return rc;
}

int sim_engine_inject(sim_engine *e, uint32_t from, uint32_t to, uint64_t at,
                      const uint8_t *msg, size_t len)
{
    if (e == NULL || from >= e->cfg.n_nodes || to >= e->cfg.n_nodes ||
        from == to || (msg == NULL && len > 0))
        return SH_ERR_ARG;
    if (e->cur != NULL)
        return SH_ERR_STATE;
    if (at < e->now)
        return SH_ERR_RANGE;
    if (len > e->cfg.max_msg)
        return SH_ERR_OVERSIZE;
    spay *b = sim_eng_pay_new(e, msg, len);
    if (b == NULL)
        return SH_ERR_NOMEM;
    int rc = sim_eng_heap_push(e, at, EV_MSG, to, from, (uint64_t)(uintptr_t)b);
    if (rc != 0)
        sim_eng_pay_release(e, b);
    return rc;
}

int sim_engine_at(sim_engine *e, uint64_t at, sim_ctrl_fn fn, void *arg)
{
    if (e == NULL || fn == NULL)
        return SH_ERR_ARG;
    if (e->cur != NULL)
        return SH_ERR_STATE;
    if (at < e->now)
        return SH_ERR_RANGE;
    uint32_t slot;
    if (e->free_ctrl != UINT32_MAX) {
        slot = e->free_ctrl;
        e->free_ctrl = (uint32_t)(uintptr_t)e->ctrls[slot].arg;
    } else {
        if (e->n_ctrls == e->cap_ctrls) {
            uint32_t ncap = e->cap_ctrls ? e->cap_ctrls * 2 : 64;
            cslot *c = realloc(e->ctrls, (size_t)ncap * sizeof *c);
            if (c == NULL)
                return SH_ERR_NOMEM;
            e->ctrls = c;
            e->cap_ctrls = ncap;
        }
        slot = e->n_ctrls++;
    }
    int rc = sim_eng_heap_push(e, at, EV_CTRL, 0, 0, slot);
    if (rc != 0) {
        e->ctrls[slot].arg = (void *)(uintptr_t)e->free_ctrl;
        e->free_ctrl = slot;
        return rc;
    }
    e->ctrls[slot] = (cslot){ fn, arg };
    return 0;
}

int sim_engine_crash(sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes)
        return SH_ERR_ARG;
    if (e->cur != NULL || !e->nodes[node].up)
        return SH_ERR_STATE;
    sim_eng_node_free_instance(e, &e->nodes[node]);
    e->tot.crashes++;
    return 0;
}

int sim_engine_stop(sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes)
        return SH_ERR_ARG;
    enode *n = &e->nodes[node];
    if (e->cur != NULL || !n->up)
        return SH_ERR_STATE;
    /* stop runs like a handler at the current time (after any busy CPU). */
    e->cur = n;
    e->t0 = n->busy_until > e->now ? n->busy_until : e->now;
    e->charged = 0;
    sh_proto_stop(&n->proto);
    e->cur = NULL;
    sim_eng_node_free_instance(e, n);
    e->tot.stops++;
    return 0;
}

int sim_engine_restart(sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes)
        return SH_ERR_ARG;
    if (e->cur != NULL || e->nodes[node].up)
        return SH_ERR_STATE;
    int rc = sim_eng_node_create(e, &e->nodes[node], e->now);
    if (rc == 0)
        e->tot.restarts++;
    return rc;
}

int sim_engine_is_up(const sim_engine *e, uint32_t node)
{
    return e != NULL && node < e->cfg.n_nodes && e->nodes[node].up;
}

uint32_t sim_engine_up_count(const sim_engine *e)
{
    return e ? e->n_up : 0;
}

/* ---- inspection ---------------------------------------------------------------- */

void *sim_engine_proto(const sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes || !e->nodes[node].up)
        return NULL;
    return e->nodes[node].proto.self;
}

const sim_node_stats *sim_engine_node_stats(const sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes)
        return NULL;
    const enode *n = &e->nodes[node];
    sim_node_stats *s = &e->cold[node].st;    /* rare counters live there */
    s->sent = n->sent;
    s->bytes_sent = n->bytes_sent;
    s->received = n->received;
    s->bytes_received = n->bytes_received;
    s->timers_fired = n->timers_fired;
    s->results = n->results;
    s->cpu_ns = n->cpu_ns;
    return s;
}

const sim_engine_totals *sim_engine_get_totals(const sim_engine *e)
{
    return e ? &e->tot : NULL;
}

size_t sim_engine_memory(const sim_engine *e)
{
    if (e == NULL)
        return 0;
    return sizeof *e + ((size_t)e->cfg.n_nodes + 1) * sizeof *e->nodes +
           (size_t)e->cfg.n_nodes * sizeof *e->cold + e->pool.bytes +
           sim_evq_memory(&e->q) + (size_t)e->cap_timers * sizeof *e->timers +
           (size_t)e->cap_ctrls * sizeof *e->ctrls;
}
