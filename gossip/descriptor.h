/* gossip/descriptor.h -- signed relay descriptors and signed announcements.
 *
 * A descriptor is what a relay publishes about itself (docs/gossip.md,
 * "Descriptor"): its Ed25519 identity key, its CurveZMQ transport key, its
 * secp256k1 onion key for the epoch, up to GOSSIP_DESC_MAX_ADDRS network
 * addresses, a capacity, the epoch, and issued/expiry times (seconds since
 * the UNIX epoch), signed by the identity key:
 *
 *   body = [1, identity:bin32, transport:bin32, onion:bin33,
 *           [[family, ip:bin4|bin16, port], ...], capacity, epoch,
 *           issued, expires]
 *   wire = the body's 9 elements then sig:bin64 (a 10-element array)
 *   sig  = Sign(identity, "shroud-gossip-desc-v1" || encode(body))
 *
 * An announcement is a small signed application message flooded by the
 * same dissemination layer:
 *
 *   body = [1, origin:bin32, seq, issued, payload:bin<=GOSSIP_ANN_MAX_PAYLOAD]
 *   wire = body's elements followed by sig:bin64
 *   sig  = Sign(origin, "shroud-gossip-ann-v1" || encode(body))
 *
 * Decoding is strict (util/mp.h): size limit first, exact field types and
 * lengths, canonical encoding.  Checking is separate from decoding, so a
 * decoder can be fuzzed without keys: gossip_desc_check validates times
 * against a clock reading and verifies the signature through a provider.
 * Each failure maps to one fixed reason string (gossip_desc_reason) that
 * the state machine reports with sh_drv_reject.
 */
#ifndef SHROUD_GOSSIP_DESCRIPTOR_H
#define SHROUD_GOSSIP_DESCRIPTOR_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/buf.h"
#include "gossip/crypto.h"

#define GOSSIP_DESC_VERSION 1
#define GOSSIP_DESC_MAX_BYTES 512          /* whole encoded descriptor */
#define GOSSIP_DESC_MAX_ADDRS 4
#define GOSSIP_ONION_KEY_BYTES 33          /* compressed secp256k1 point */
#define GOSSIP_DESC_MAX_LIFETIME_S (7u * 24 * 3600)  /* expires - issued */
#define GOSSIP_DESC_MAX_SKEW_S 600         /* issued may be this far ahead */

#define GOSSIP_ANN_VERSION 1
#define GOSSIP_ANN_MAX_PAYLOAD 512
#define GOSSIP_ANN_MAX_BYTES 640           /* whole encoded announcement */

#define GOSSIP_AF_INET 4
#define GOSSIP_AF_INET6 6

typedef struct gossip_addr {
    uint8_t family;                        /* GOSSIP_AF_INET or _INET6 */
    uint8_t ip[16];                        /* 4 or 16 bytes used */
    uint16_t port;                         /* 1..65535 */
} gossip_addr;

typedef struct gossip_desc {
    uint8_t identity[GOSSIP_PK_BYTES];     /* Ed25519 public key */
    uint8_t transport[32];                 /* CurveZMQ (X25519) public key */
    uint8_t onion[GOSSIP_ONION_KEY_BYTES]; /* 0x02/0x03 || x */
    gossip_addr addrs[GOSSIP_DESC_MAX_ADDRS];
    uint32_t n_addrs;                      /* 1..GOSSIP_DESC_MAX_ADDRS */
    uint32_t capacity;                     /* relative bandwidth weight */
    uint64_t epoch;
    uint64_t issued;                       /* seconds since the UNIX epoch */
    uint64_t expires;                      /* > issued */
    uint8_t sig[GOSSIP_SIG_BYTES];
} gossip_desc;

typedef struct gossip_ann {
    uint8_t origin[GOSSIP_PK_BYTES];
    uint64_t seq;
    uint64_t issued;                       /* seconds since the UNIX epoch */
    const uint8_t *payload;                /* points into the decoded input */
    size_t payload_len;
    uint8_t sig[GOSSIP_SIG_BYTES];
} gossip_ann;

/* Why a descriptor or announcement was refused. */
typedef enum gossip_desc_err {
    GOSSIP_DESC_OK = 0,
    GOSSIP_DESC_OVERSIZE,      /* "gossip: oversize" */
    GOSSIP_DESC_MALFORMED,     /* "gossip: malformed descriptor" */
    GOSSIP_DESC_BAD_ADDR,      /* "gossip: bad address" */
    GOSSIP_DESC_BAD_KEY,       /* "gossip: bad onion key" */
    GOSSIP_DESC_BAD_TIMES,     /* "gossip: bad lifetime" */
    GOSSIP_DESC_EXPIRED,       /* "gossip: expired descriptor" */
    GOSSIP_DESC_FUTURE,        /* "gossip: descriptor from the future" */
    GOSSIP_DESC_BAD_SIG,       /* "gossip: bad signature" */
    GOSSIP_DESC_ANN_MALFORMED, /* "gossip: malformed announcement" */
    GOSSIP_DESC_ERR_COUNT
} gossip_desc_err;

/* The fixed reason string of an error (a literal, usable as a metrics
 * label); "gossip: unknown" for an out-of-range value. */
const char *gossip_desc_reason(gossip_desc_err e);

/* Is addr well formed (family, port)?  1 or 0. */
int gossip_addr_valid(const gossip_addr *a);
/* The address group used by the peer table's per-prefix cap: the /16 of
 * an IPv4 address as 0xffff0000 | a.b, the /32 of an IPv6 address as its
 * first four bytes (big-endian).  docs/gossip.md explains the choice. */
uint32_t gossip_addr_group(const gossip_addr *a);

/* Sign d in place (d->sig) with sk through provider c.  SH_ERR_ARG if d is
 * not well formed (see gossip_desc_check_fields). */
int gossip_desc_sign(gossip_desc *d, const gossip_crypto *c,
                     const uint8_t sk[GOSSIP_SK_BYTES]) SH_WUR;
/* Append the wire encoding of d to out. */
int gossip_desc_encode(const gossip_desc *d, sh_buf *out) SH_WUR;
/* Strict decode of msg[0..len) into *d.  On failure returns a negative
 * sh_err and sets *why (if non-NULL) to GOSSIP_DESC_OVERSIZE or
 * GOSSIP_DESC_MALFORMED / _BAD_ADDR / _BAD_KEY.  Does not check times or
 * the signature. */
int gossip_desc_decode(gossip_desc *d, const uint8_t *msg, size_t len,
                       gossip_desc_err *why) SH_WUR;
/* Field checks: addresses, onion key prefix, issued < expires, lifetime. */
gossip_desc_err gossip_desc_check_fields(const gossip_desc *d);
/* Fields, times against now_s (seconds), then the signature.  Returns the
 * first failure.  The caller charges c->verify_ns. */
gossip_desc_err gossip_desc_check(const gossip_desc *d, const gossip_crypto *c,
                                  uint64_t now_s);

/* Announcements: sign (fills a->sig), encode, strict decode (payload then
 * points into msg), verify.  Decode reports GOSSIP_DESC_OVERSIZE or
 * GOSSIP_DESC_ANN_MALFORMED in *why. */
int gossip_ann_sign(gossip_ann *a, const gossip_crypto *c,
                    const uint8_t sk[GOSSIP_SK_BYTES]) SH_WUR;
int gossip_ann_encode(const gossip_ann *a, sh_buf *out) SH_WUR;
int gossip_ann_decode(gossip_ann *a, const uint8_t *msg, size_t len,
                      gossip_desc_err *why) SH_WUR;
gossip_desc_err gossip_ann_check(const gossip_ann *a, const gossip_crypto *c,
                                 uint64_t now_s);

#endif
