/* gossip/descriptor.c -- descriptor and announcement encoding, strict
 * decoding, and checks (docs/gossip.md, "Descriptor", "Announcement"). */
#include "gossip/descriptor.h"

#include <string.h>
#include <sodium.h>

#include "util/mp.h"

#define DESC_FIELDS 9           /* body elements, version included; + sig on the wire */
#define ANN_FIELDS 5            /* body elements, version included; + sig on the wire */

static const char DESC_DOMAIN[] = "shroud-gossip-desc-v1";
static const char ANN_DOMAIN[] = "shroud-gossip-ann-v1";

static const char *const REASONS[GOSSIP_DESC_ERR_COUNT] = {
    [GOSSIP_DESC_OK] = "gossip: ok",
    [GOSSIP_DESC_OVERSIZE] = "gossip: oversize",
    [GOSSIP_DESC_MALFORMED] = "gossip: malformed descriptor",
    [GOSSIP_DESC_BAD_ADDR] = "gossip: bad address",
    [GOSSIP_DESC_BAD_KEY] = "gossip: bad onion key",
    [GOSSIP_DESC_BAD_TIMES] = "gossip: bad lifetime",
    [GOSSIP_DESC_EXPIRED] = "gossip: expired descriptor",
    [GOSSIP_DESC_FUTURE] = "gossip: descriptor from the future",
    [GOSSIP_DESC_BAD_SIG] = "gossip: bad signature",
    [GOSSIP_DESC_ANN_MALFORMED] = "gossip: malformed announcement",
};

const char *gossip_desc_reason(gossip_desc_err e)
{
    if ((unsigned)e >= GOSSIP_DESC_ERR_COUNT)
        return "gossip: unknown";
    return REASONS[e];
}

int gossip_addr_valid(const gossip_addr *a)
{
    return a != NULL && (a->family == GOSSIP_AF_INET || a->family == GOSSIP_AF_INET6) &&
           a->port != 0;
}

uint32_t gossip_addr_group(const gossip_addr *a)
{
    if (a->family == GOSSIP_AF_INET)
        return 0xffff0000u | (uint32_t)a->ip[0] << 8 | a->ip[1];
    return (uint32_t)a->ip[0] << 24 | (uint32_t)a->ip[1] << 16 |
           (uint32_t)a->ip[2] << 8 | a->ip[3];
}

/* ---- descriptors --------------------------------------------------------- */

static size_t ip_len(uint8_t family)
{
    return family == GOSSIP_AF_INET ? 4 : 16;
}

/* The body elements (everything but the signature) after the header. */
static void put_desc_body(sh_mp_writer *w, const gossip_desc *d)
{
    sh_mp_put_uint(w, GOSSIP_DESC_VERSION);
    sh_mp_put_bin(w, d->identity, sizeof d->identity);
    sh_mp_put_bin(w, d->transport, sizeof d->transport);
    sh_mp_put_bin(w, d->onion, sizeof d->onion);
    sh_mp_put_array(w, d->n_addrs);
    for (uint32_t i = 0; i < d->n_addrs; i++) {
        const gossip_addr *a = &d->addrs[i];
        sh_mp_put_array(w, 3);
        sh_mp_put_uint(w, a->family);
        sh_mp_put_bin(w, a->ip, ip_len(a->family));
        sh_mp_put_uint(w, a->port);
    }
    sh_mp_put_uint(w, d->capacity);
    sh_mp_put_uint(w, d->epoch);
    sh_mp_put_uint(w, d->issued);
    sh_mp_put_uint(w, d->expires);
}

/* domain || encode(body) into out (a fresh buffer). */
static int desc_signed_bytes(const gossip_desc *d, sh_buf *out)
{
    sh_buf_init_max(out, GOSSIP_DESC_MAX_BYTES + sizeof DESC_DOMAIN);
    int rc = sh_buf_append(out, DESC_DOMAIN, sizeof DESC_DOMAIN - 1);
    if (rc != 0)
        return rc;
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    sh_mp_put_array(&w, DESC_FIELDS);   /* the body: the first 9 of 10 */
    put_desc_body(&w, d);
    return sh_mp_writer_finish(&w);
}

gossip_desc_err gossip_desc_check_fields(const gossip_desc *d)
{
    if (d->n_addrs < 1 || d->n_addrs > GOSSIP_DESC_MAX_ADDRS)
        return GOSSIP_DESC_BAD_ADDR;
    for (uint32_t i = 0; i < d->n_addrs; i++)
        if (!gossip_addr_valid(&d->addrs[i]))
            return GOSSIP_DESC_BAD_ADDR;
    if (d->onion[0] != 0x02 && d->onion[0] != 0x03)
        return GOSSIP_DESC_BAD_KEY;
    if (d->expires <= d->issued || d->expires - d->issued > GOSSIP_DESC_MAX_LIFETIME_S)
        return GOSSIP_DESC_BAD_TIMES;
    return GOSSIP_DESC_OK;
}

int gossip_desc_sign(gossip_desc *d, const gossip_crypto *c,
                     const uint8_t sk[GOSSIP_SK_BYTES])
{
    if (d == NULL || c == NULL || sk == NULL || gossip_desc_check_fields(d) != GOSSIP_DESC_OK)
        return SH_ERR_ARG;
    sh_buf m;
    int rc = desc_signed_bytes(d, &m);
    if (rc == 0)
        rc = c->sign(d->sig, m.data, m.len, sk);
    sh_buf_free(&m);
    return rc;
}

int gossip_desc_encode(const gossip_desc *d, sh_buf *out)
{
    if (d == NULL || out == NULL || d->n_addrs > GOSSIP_DESC_MAX_ADDRS)
        return SH_ERR_ARG;
    for (uint32_t i = 0; i < d->n_addrs; i++)
        if (!gossip_addr_valid(&d->addrs[i]))
            return SH_ERR_ARG;
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    sh_mp_put_array(&w, DESC_FIELDS + 1);
    put_desc_body(&w, d);
    sh_mp_put_bin(&w, d->sig, sizeof d->sig);
    return sh_mp_writer_finish(&w);
}

static int set_why(gossip_desc_err *why, gossip_desc_err e, int rc)
{
    if (why != NULL)
        *why = e;
    return rc;
}

static int get_addr(sh_mp_arr *list, gossip_addr *a)
{
    sh_mp_arr f;
    uint64_t fam, port = 0;
    int rc = sh_mp_get_array(list, 3, 3, &f);
    if (rc == 0)
        rc = sh_mp_get_uint(&f, 0, 255, &fam);
    if (rc != 0)
        return rc;
    if (fam != GOSSIP_AF_INET && fam != GOSSIP_AF_INET6)
        return SH_ERR_RANGE;
    memset(a, 0, sizeof *a);
    a->family = (uint8_t)fam;
    rc = sh_mp_get_bin_exact(&f, a->ip, ip_len(a->family));
    if (rc == 0)
        rc = sh_mp_get_uint(&f, 1, 65535, &port);
    if (rc == 0)
        rc = sh_mp_arr_done(&f);
    a->port = (uint16_t)port;
    return rc;
}

int gossip_desc_decode(gossip_desc *d, const uint8_t *msg, size_t len,
                       gossip_desc_err *why)
{
    if (d == NULL || (msg == NULL && len > 0))
        return SH_ERR_ARG;
    memset(d, 0, sizeof *d);
    if (len > GOSSIP_DESC_MAX_BYTES)
        return set_why(why, GOSSIP_DESC_OVERSIZE, SH_ERR_OVERSIZE);
    sh_mp_reader r;
    sh_mp_arr a, list;
    uint64_t v;
    /* A descriptor is a signed object carried inside GOSSIP messages, not
     * a message: [version, identity, ...] without a type slot. */
    int rc = sh_mp_reader_init(&r, msg, len, GOSSIP_DESC_MAX_BYTES);
    if (rc != 0)
        return set_why(why, rc == SH_ERR_OVERSIZE ? GOSSIP_DESC_OVERSIZE
                                                  : GOSSIP_DESC_MALFORMED, rc);
    rc = sh_mp_reader_array(&r, DESC_FIELDS + 1, DESC_FIELDS + 1, &a);
    if (rc == 0)
        rc = sh_mp_get_uint(&a, 0, UINT64_MAX, &v);
    if (rc == 0 && v != GOSSIP_DESC_VERSION)
        rc = SH_ERR_VERSION;
    if (rc == 0)
        rc = sh_mp_get_bin_exact(&a, d->identity, sizeof d->identity);
    if (rc == 0)
        rc = sh_mp_get_bin_exact(&a, d->transport, sizeof d->transport);
    if (rc == 0)
        rc = sh_mp_get_bin_exact(&a, d->onion, sizeof d->onion);
    if (rc != 0) {
        sh_mp_reader_free(&r);
        return set_why(why, GOSSIP_DESC_MALFORMED, rc);
    }
    rc = sh_mp_get_array(&a, 1, GOSSIP_DESC_MAX_ADDRS, &list);
    d->n_addrs = rc == 0 ? (uint32_t)list.n : 0;
    for (uint32_t i = 0; i < d->n_addrs && rc == 0; i++)
        rc = get_addr(&list, &d->addrs[i]);
    if (rc != 0) {
        sh_mp_reader_free(&r);
        return set_why(why, GOSSIP_DESC_BAD_ADDR, rc);
    }
    uint64_t cap;
    rc = sh_mp_get_uint(&a, 0, UINT32_MAX, &cap);
    if (rc == 0)
        rc = sh_mp_get_uint(&a, 0, UINT64_MAX, &d->epoch);
    if (rc == 0)
        rc = sh_mp_get_uint(&a, 0, UINT64_MAX, &d->issued);
    if (rc == 0)
        rc = sh_mp_get_uint(&a, 0, UINT64_MAX, &d->expires);
    if (rc == 0)
        rc = sh_mp_get_bin_exact(&a, d->sig, sizeof d->sig);
    if (rc == 0)
        rc = sh_mp_arr_done(&a);
    sh_mp_reader_free(&r);
    if (rc != 0)
        return set_why(why, GOSSIP_DESC_MALFORMED, rc);
    d->capacity = (uint32_t)cap;
    gossip_desc_err e = gossip_desc_check_fields(d);
    if (e != GOSSIP_DESC_OK)
        return set_why(why, e, e == GOSSIP_DESC_BAD_TIMES ? SH_ERR_RANGE : SH_ERR_FORMAT);
    return set_why(why, GOSSIP_DESC_OK, 0);
}

gossip_desc_err gossip_desc_check(const gossip_desc *d, const gossip_crypto *c,
                                  uint64_t now_s)
{
    gossip_desc_err e = gossip_desc_check_fields(d);
    if (e != GOSSIP_DESC_OK)
        return e;
    if (d->expires <= now_s)
        return GOSSIP_DESC_EXPIRED;
    if (d->issued > now_s + GOSSIP_DESC_MAX_SKEW_S)
        return GOSSIP_DESC_FUTURE;
    sh_buf m;
    int rc = desc_signed_bytes(d, &m);
    if (rc == 0)
        rc = c->verify(d->sig, m.data, m.len, d->identity);
    sh_buf_free(&m);
    return rc == 0 ? GOSSIP_DESC_OK : GOSSIP_DESC_BAD_SIG;
}

/* ---- announcements ------------------------------------------------------- */

static void put_ann_body(sh_mp_writer *w, const gossip_ann *a)
{
    sh_mp_put_uint(w, GOSSIP_ANN_VERSION);
    sh_mp_put_bin(w, a->origin, sizeof a->origin);
    sh_mp_put_uint(w, a->seq);
    sh_mp_put_uint(w, a->issued);
    sh_mp_put_bin(w, a->payload, a->payload_len);
}

static int ann_signed_bytes(const gossip_ann *a, sh_buf *out)
{
    sh_buf_init_max(out, GOSSIP_ANN_MAX_BYTES + sizeof ANN_DOMAIN);
    int rc = sh_buf_append(out, ANN_DOMAIN, sizeof ANN_DOMAIN - 1);
    if (rc != 0)
        return rc;
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    sh_mp_put_array(&w, ANN_FIELDS);
    put_ann_body(&w, a);
    return sh_mp_writer_finish(&w);
}

int gossip_ann_sign(gossip_ann *a, const gossip_crypto *c,
                    const uint8_t sk[GOSSIP_SK_BYTES])
{
    if (a == NULL || c == NULL || sk == NULL || a->payload_len > GOSSIP_ANN_MAX_PAYLOAD ||
        (a->payload == NULL && a->payload_len > 0))
        return SH_ERR_ARG;
    sh_buf m;
    int rc = ann_signed_bytes(a, &m);
    if (rc == 0)
        rc = c->sign(a->sig, m.data, m.len, sk);
    sh_buf_free(&m);
    return rc;
}

int gossip_ann_encode(const gossip_ann *a, sh_buf *out)
{
    if (a == NULL || out == NULL || (a->payload == NULL && a->payload_len > 0))
        return SH_ERR_ARG;
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    sh_mp_put_array(&w, ANN_FIELDS + 1);
    put_ann_body(&w, a);
    sh_mp_put_bin(&w, a->sig, sizeof a->sig);
    return sh_mp_writer_finish(&w);
}

int gossip_ann_decode(gossip_ann *a, const uint8_t *msg, size_t len,
                      gossip_desc_err *why)
{
    if (a == NULL || (msg == NULL && len > 0))
        return SH_ERR_ARG;
    memset(a, 0, sizeof *a);
    if (len > GOSSIP_ANN_MAX_BYTES)
        return set_why(why, GOSSIP_DESC_OVERSIZE, SH_ERR_OVERSIZE);
    sh_mp_reader r;
    sh_mp_arr f;
    uint64_t v;
    int rc = sh_mp_reader_init(&r, msg, len, GOSSIP_ANN_MAX_BYTES);
    if (rc != 0)
        return set_why(why, GOSSIP_DESC_ANN_MALFORMED, rc);
    rc = sh_mp_reader_array(&r, ANN_FIELDS + 1, ANN_FIELDS + 1, &f);
    if (rc == 0)
        rc = sh_mp_get_uint(&f, 0, UINT64_MAX, &v);
    if (rc == 0 && v != GOSSIP_ANN_VERSION)
        rc = SH_ERR_VERSION;
    if (rc == 0)
        rc = sh_mp_get_bin_exact(&f, a->origin, sizeof a->origin);
    if (rc == 0)
        rc = sh_mp_get_uint(&f, 0, UINT64_MAX, &a->seq);
    if (rc == 0)
        rc = sh_mp_get_uint(&f, 0, UINT64_MAX, &a->issued);
    if (rc == 0)
        rc = sh_mp_get_bin(&f, GOSSIP_ANN_MAX_PAYLOAD, &a->payload, &a->payload_len);
    if (rc == 0)
        rc = sh_mp_get_bin_exact(&f, a->sig, sizeof a->sig);
    if (rc == 0)
        rc = sh_mp_arr_done(&f);
    sh_mp_reader_free(&r);
    if (rc != 0) {
        a->payload = NULL;
        a->payload_len = 0;
        return set_why(why, rc == SH_ERR_OVERSIZE ? GOSSIP_DESC_OVERSIZE
                                                  : GOSSIP_DESC_ANN_MALFORMED, rc);
    }
    return set_why(why, GOSSIP_DESC_OK, 0);
}

gossip_desc_err gossip_ann_check(const gossip_ann *a, const gossip_crypto *c,
                                 uint64_t now_s)
{
    if (a->issued > now_s + GOSSIP_DESC_MAX_SKEW_S)
        return GOSSIP_DESC_FUTURE;
    sh_buf m;
    int rc = ann_signed_bytes(a, &m);
    if (rc == 0)
        rc = c->verify(a->sig, m.data, m.len, a->origin);
    sh_buf_free(&m);
    return rc == 0 ? GOSSIP_DESC_OK : GOSSIP_DESC_BAD_SIG;
}
