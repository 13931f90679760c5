/* util/sansio.c -- argument checks and defaults around the sans-IO vtables.
 *
 * Both directions go through these thin wrappers so that the rules of
 * include/shroud/sansio.h are enforced in one place: drivers receive only
 * well-formed requests, protocols may leave optional handlers out, and
 * optional driver ops get a single documented fallback.
 */
#include "shroud/sansio.h"

#include <stdarg.h>

/* A peer id a protocol may address: in the set and not itself. */
static int peer_ok(const sh_driver *d, sh_peer_id to)
{
    return to < d->n_peers && to != d->self;
}

static int driver_ok(const sh_driver *d)
{
    return d != NULL && d->ops != NULL;
}

int sh_drv_send(const sh_driver *d, sh_peer_id to, const uint8_t *msg, size_t len)
{
    if (!driver_ok(d) || d->ops->send == NULL || !peer_ok(d, to))
        return SH_ERR_ARG;
    if (msg == NULL && len > 0)
        return SH_ERR_ARG;
    return d->ops->send(d->ctx, to, msg, len);
}

int sh_drv_broadcast(const sh_driver *d, const uint8_t *msg, size_t len)
{
    if (!driver_ok(d) || (msg == NULL && len > 0))
        return SH_ERR_ARG;
    if (d->ops->broadcast != NULL)
        return d->ops->broadcast(d->ctx, msg, len);
    if (d->ops->send == NULL)
        return SH_ERR_ARG;
    for (sh_peer_id p = 0; p < d->n_peers; p++) {
        if (p == d->self)
            continue;
        int rc = d->ops->send(d->ctx, p, msg, len);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int sh_drv_timer_set(const sh_driver *d, uint64_t delay_ns, uint64_t tag,
                     sh_timer_id *out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = SH_TIMER_NONE;
    if (!driver_ok(d) || d->ops->timer_set == NULL)
        return SH_ERR_ARG;
    int rc = d->ops->timer_set(d->ctx, delay_ns, tag, out);
    if (rc != 0)
        *out = SH_TIMER_NONE;
    else if (*out == SH_TIMER_NONE)
        return SH_ERR_INTERNAL;   /* a driver bug: ids are never 0 */
    return rc;
}

void sh_drv_timer_cancel(const sh_driver *d, sh_timer_id id)
{
    if (id == SH_TIMER_NONE || !driver_ok(d) || d->ops->timer_cancel == NULL)
        return;
    d->ops->timer_cancel(d->ctx, id);
}

int sh_drv_deliver(const sh_driver *d, uint32_t kind, const uint8_t *data, size_t len)
{
    if (!driver_ok(d) || d->ops->deliver == NULL || (data == NULL && len > 0))
        return SH_ERR_ARG;
    return d->ops->deliver(d->ctx, kind, data, len);
}

int sh_drv_reject(const sh_driver *d, sh_peer_id from, int code, const char *reason)
{
    if (!driver_ok(d) || d->ops->reject == NULL)
        return 0;
    /* A rejection always carries an error, so metrics never count a
     * "success" rejection. */
    if (code >= 0)
        code = SH_ERR_INTERNAL;
    if (reason == NULL)
        reason = "unspecified";
    d->ops->reject(d->ctx, from, code, reason);
    return 0;
}

uint64_t sh_drv_now(const sh_driver *d)
{
    if (!driver_ok(d) || d->ops->now == NULL)
        return 0;
    return d->ops->now(d->ctx);
}

uint64_t sh_drv_wall(const sh_driver *d)
{
    if (!driver_ok(d))
        return 0;
    if (d->ops->wall != NULL)
        return d->ops->wall(d->ctx);
    return sh_drv_now(d);
}

void sh_drv_charge(const sh_driver *d, uint64_t ns)
{
    if (driver_ok(d) && d->ops->charge != NULL && ns > 0)
        d->ops->charge(d->ctx, ns);
}

int sh_drv_peer_key(const sh_driver *d, sh_peer_id peer, uint8_t out[SH_PEER_KEY_BYTES])
{
    if (!driver_ok(d) || out == NULL || peer >= d->n_peers)
        return SH_ERR_ARG;
    if (d->ops->peer_key == NULL)
        return SH_ERR_STATE;
    return d->ops->peer_key(d->ctx, peer, out);
}

void sh_drv_log(const sh_driver *d, sh_log_level level, const char *module,
                const char *fmt, ...)
{
    if (d == NULL || d->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    sh_log_vmsg(d->log, level, module, fmt, ap);
    va_end(ap);
}

/* ---- driver side -------------------------------------------------------- */

static int proto_ok(const sh_proto *p)
{
    return p != NULL && p->ops != NULL && p->self != NULL;
}

int sh_proto_start(const sh_proto *p)
{
    if (!proto_ok(p))
        return SH_ERR_ARG;
    return p->ops->start != NULL ? p->ops->start(p->self) : 0;
}

int sh_proto_message(const sh_proto *p, sh_peer_id from, const uint8_t *msg, size_t len)
{
    if (!proto_ok(p) || p->ops->on_message == NULL || (msg == NULL && len > 0))
        return SH_ERR_ARG;
    return p->ops->on_message(p->self, from, msg, len);
}

int sh_proto_timer(const sh_proto *p, sh_timer_id id, uint64_t tag)
{
    if (!proto_ok(p) || id == SH_TIMER_NONE)
        return SH_ERR_ARG;
    if (p->ops->on_timer == NULL)
        return SH_ERR_STATE;
    return p->ops->on_timer(p->self, id, tag);
}

int sh_proto_request(const sh_proto *p, uint32_t kind, const uint8_t *data, size_t len)
{
    if (!proto_ok(p) || p->ops->on_request == NULL || (data == NULL && len > 0))
        return SH_ERR_ARG;
    return p->ops->on_request(p->self, kind, data, len);
}

void sh_proto_stop(const sh_proto *p)
{
    if (proto_ok(p) && p->ops->stop != NULL)
        p->ops->stop(p->self);
}

void sh_proto_free(sh_proto *p)
{
    if (p == NULL)
        return;
    if (proto_ok(p) && p->ops->free != NULL)
        p->ops->free(p->self);
    p->ops = NULL;
    p->self = NULL;
}
