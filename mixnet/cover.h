/* mixnet/cover.h -- cover traffic and the wallet's sending process
 * (Loopix style; docs/mixnet.md, "Cover traffic").
 *
 * A sender (wallet or relay) runs independent Poisson processes, each an
 * exponential inter-arrival timer drawn from the driver's rng:
 *   payload  rate λ_P (wallets): at each event the oldest queued real
 *            message is sent, or a drop cover packet if none is queued, so
 *            the on-wire rate does not depend on real traffic;
 *   loop     rate λ_L: a packet through every layer back to the sender
 *            (its own onion key); its return is counted and timed;
 *   drop     rate λ_D: a packet through every layer to a random relay,
 *            which discards it.
 * Every packet has the same size (cfg.packet_len), the same number of
 * layers plus one final hop, per-hop delays from the same exponential
 * distribution, and a final payload of the same length (cfg.payload_len),
 * so real and cover packets are indistinguishable on the wire; only the
 * final hop, after peeling, sees the class.
 *
 * Final payload (the final_payload TLV value, exactly payload_len bytes):
 *     class(1) || body_len(u16 BE) || body || zero padding
 * class 0 real (body delivered), 1 loop (body = 16-byte loop id), 2 drop.
 *
 * mix_cover is the generator core, embedded in a protocol instance that
 * owns the driver binding (mix_client below for wallets, mixer.h for
 * relays); mix_client is a complete sans-IO protocol for a wallet.
 */
#ifndef SHROUD_MIXNET_COVER_H
#define SHROUD_MIXNET_COVER_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"
#include "mixnet/onion.h"
#include "mixnet/path.h"

/* ---- final payload -------------------------------------------------------- */

#define MIX_FINAL_REAL 0
#define MIX_FINAL_LOOP 1
#define MIX_FINAL_DROP 2
#define MIX_FINAL_HDR 3
#define MIX_LOOP_ID_BYTES 16

/* Write class/body padded to exactly out_len bytes.  SH_ERR_ARG for a bad
 * class or NULL, SH_ERR_OVERSIZE if the body does not fit (or > 65535). */
int mix_final_encode(uint8_t *out, size_t out_len, uint8_t cls,
                     const uint8_t *body, size_t body_len) SH_WUR;
/* Strict: SH_ERR_TRUNCATED (shorter than the header or the body),
 * SH_ERR_TYPE (unknown class), SH_ERR_NONCANONICAL (nonzero padding),
 * SH_ERR_LENGTH (a loop body that is not 16 bytes).  *body points into in. */
int mix_final_decode(const uint8_t *in, size_t len, uint8_t *cls,
                     const uint8_t **body, size_t *body_len) SH_WUR;

/* ---- the generator core -------------------------------------------------- */

/* Timer tags at or above this belong to the cover generator. */
#define MIX_COVER_TAG_BASE ((uint64_t)1 << 62)

typedef struct mix_cover_cfg {
    double rate_payload;        /* λ_P events per second; 0: no payload process */
    double rate_loop;           /* λ_L; 0: none */
    double rate_drop;           /* λ_D; 0: none */
    double mean_delay_ms;       /* per-hop mean delay μ (exponential) */
    uint32_t max_delay_ms;      /* cap of a sampled delay (relays cap too) */
    size_t packet_len;          /* onion packet size of every packet */
    size_t payload_len;         /* final payload size of every packet */
    size_t queue_max;           /* real messages waiting for a slot (0: 64) */
    size_t loops_max;           /* outstanding loops remembered (0: 1024) */
    uint64_t epoch;
    const mix_topology *topo;   /* borrowed; the epoch's layers */
    const uint8_t *self_id;     /* MIX_HOP_ID_BYTES; loops return here */
    const uint8_t *self_onion_pk; /* MIX_ONION_PUBKEY_BYTES */
} mix_cover_cfg;

typedef struct mix_cover_stats {
    uint64_t payload_events;    /* payload-process events */
    uint64_t real_sent;         /* real messages sent in payload slots */
    uint64_t drop_sent;         /* drop cover: drop process + empty payload slots */
    uint64_t loop_sent;
    uint64_t loop_returned;     /* own loops back (counted once each) */
    uint64_t loop_unknown;      /* loop payloads not (or no longer) ours */
    uint64_t queue_full;        /* real messages refused: queue full */
    uint64_t send_errors;       /* packets not sent (no path, no peer, ...) */
    uint64_t rtt_sum_ns, rtt_max_ns;
} mix_cover_stats;

typedef struct mix_cover mix_cover;

/* Validates cfg (SH_ERR_ARG: rates negative or not finite, sizes that do
 * not fit, missing topology or self keys when a process needs them).
 * onion and peers are borrowed and must outlive the generator. */
int mix_cover_new(const mix_cover_cfg *cfg, const sh_driver *d, mix_onion_ctx *onion,
                  const mix_peer_map *peers, mix_cover **out) SH_WUR;
void mix_cover_free(mix_cover *c);
/* Arm the processes (from the owner's start). */
int mix_cover_start(mix_cover *c) SH_WUR;
/* Cancel the timers (from the owner's stop). */
void mix_cover_stop(mix_cover *c);
/* A timer with tag >= MIX_COVER_TAG_BASE fired. */
int mix_cover_on_timer(mix_cover *c, sh_timer_id id, uint64_t tag) SH_WUR;
/* Queue a real message for the next payload slot: destination id and
 * onion key, body at most payload_len - MIX_FINAL_HDR bytes.  SH_ERR_STATE
 * without a payload process, SH_ERR_OVERSIZE for a long body,
 * SH_ERR_RANGE when the queue is full (counted). */
int mix_cover_enqueue(mix_cover *c, const uint8_t dest_id[MIX_HOP_ID_BYTES],
                      const uint8_t dest_pk[MIX_ONION_PUBKEY_BYTES],
                      const uint8_t *body, size_t len) SH_WUR;
/* A loop body arrived at this sender: 1 if it was an outstanding loop of
 * ours (now counted, and its round-trip time delivered as a
 * MIX_RES_LOOP_RTT result), 0 otherwise. */
int mix_cover_on_loop(mix_cover *c, const uint8_t *body, size_t len);
void mix_cover_stats_get(const mix_cover *c, mix_cover_stats *out);

/* Results (sh_drv_deliver kinds) of the mixnet protocols. */
#define MIX_RES_PAYLOAD 1      /* a real final payload's body, at its destination */
#define MIX_RES_LOOP_RTT 2     /* u64 BE round-trip ns || 16-byte loop id */

/* ---- the wallet protocol ------------------------------------------------- */

#define MIX_CLIENT_REQ_SEND 1  /* data: dest_id(32) || dest_onion_pk(33) || body */
#define MIX_CLIENT_REQ_COVER_OFF 2 /* no data: stop every process (loops still return) */

typedef struct mix_client_cfg {
    mix_cover_cfg cover;       /* self_id / self_onion_pk: the wallet's own */
    const uint8_t *loop_sk;    /* the onion private key of self_onion_pk (copied) */
    const uint8_t (*peer_keys)[SH_PEER_KEY_BYTES]; /* optional; NULL: ask the driver */
} mix_client_cfg;

int mix_client_new(const mix_client_cfg *cfg, const sh_driver *d, sh_proto *out) SH_WUR;
extern const sh_proto_ops mix_client_ops;
/* The generator inside a client instance (sh_proto.self), for statistics. */
const mix_cover *mix_client_cover(const void *self);

#endif
