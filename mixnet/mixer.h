/* mixnet/mixer.h -- a relay's Poisson mixer, a sans-IO protocol
 * (include/shroud/sansio.h; docs/mixnet.md, "Mixer").
 *
 * Input: frames [1, 1, epoch, packet] (mixnet/frame.h) from peers.  Each
 * packet is processed with mix_onion_process (the keyring's key for the
 * frame's epoch, peel, replay tag, hop-payload TLV), then HELD for the
 * delay its sender chose for this hop (hop.delay_ms, capped at
 * cfg.max_delay_ms) on a driver timer, then
 *   - a forward hop: framed again with the same epoch and sent to the
 *     peer whose identity key is hop.next_hop (a lookup table built at
 *     start from cfg.peer_keys or sh_drv_peer_key);
 *   - a final hop: the final payload (mixnet/cover.h) is decoded: a real
 *     payload's body is delivered (MIX_RES_PAYLOAD), one of this relay's
 *     own loops is counted and timed (MIX_RES_LOOP_RTT), drop cover is
 *     discarded.
 * Because every packet waits for its own independently drawn exponential
 * delay, the release order is the order of arrival + delay, not of
 * arrival (tests/test_mixnet_mixer.c measures it).
 *
 * Bounded queue, drop policy: at most cfg.queue_max packets are held.  A
 * packet that arrives while the queue is full is DROPPED ON ARRIVAL
 * (tail drop, before any elliptic-curve work or replay-store write),
 * counted in dropped_full; packets already held are never evicted, so a
 * flood cannot shorten anyone's mixing delay.
 *
 * Rejections (sh_drv_reject, reason strings): "frame: ..." (malformed
 * frame), "mixer: wrong packet size", "onion: ..." / "tlv: ..." (from
 * mix_onion_process: bad HMAC, replay, no key for the epoch, ...),
 * "mixer: unknown next hop", "mixer: next hop is self", "mixer: bad final
 * payload".  Local conditions (replay store full, out of memory) are
 * counted and the packet dropped, never forwarded unchecked.
 *
 * Relay cover traffic: with cfg.cover rates > 0 the mixer runs a cover
 * generator (mixnet/cover.h) with this relay as the loop destination.
 */
#ifndef SHROUD_MIXNET_MIXER_H
#define SHROUD_MIXNET_MIXER_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"
#include "mixnet/cover.h"
#include "mixnet/keyring.h"
#include "mixnet/replay.h"

typedef struct mix_mixer_cfg {
    mix_keyring *keyring;       /* borrowed; the driver rotates it */
    mix_replay *replay;         /* borrowed */
    size_t packet_len;          /* the layer's packet size (required) */
    size_t queue_max;           /* packets held at once (1..2^20) */
    uint32_t max_delay_ms;      /* cap on a hop's delay */
    /* Optional: peer i's identity key for i < n_peers (outlives the
     * instance).  NULL: asked from the driver at start. */
    const uint8_t (*peer_keys)[SH_PEER_KEY_BYTES];
    /* Optional relay cover traffic (rate_payload must be 0); used when
     * cover_enabled. */
    int cover_enabled;
    mix_cover_cfg cover;
} mix_mixer_cfg;

typedef struct mix_mixer_stats {
    uint64_t received;          /* frames handed to on_message */
    uint64_t accepted;          /* packets held */
    uint64_t forwarded;         /* sent to the next hop */
    uint64_t delivered;         /* real payloads delivered */
    uint64_t dropped_full;      /* refused: queue full */
    uint64_t replays;           /* rejected as replays */
    uint64_t rejected;          /* every rejection, replays included */
    uint64_t rejected_frame;    /* malformed frames */
    uint64_t rejected_onion;    /* peel / TLV / epoch failures (not replays) */
    uint64_t rejected_route;    /* unknown next hop, bad final payload */
    uint64_t local_drops;       /* replay store full, send failures */
    uint64_t delay_capped;      /* delays above max_delay_ms */
    uint64_t cover_dropped;     /* drop cover discarded at its last hop */
    uint64_t loops_returned;    /* own loops back */
    uint64_t loops_foreign;     /* loop payloads that were not ours */
    size_t held;                /* packets held now */
    size_t held_max;            /* high-water mark */
} mix_mixer_stats;

/* Local request: stop the relay's cover processes (mixing goes on). */
#define MIX_MIXER_REQ_COVER_OFF 1

int mix_mixer_new(const mix_mixer_cfg *cfg, const sh_driver *d, sh_proto *out) SH_WUR;
extern const sh_proto_ops mix_mixer_ops;
/* Counters of an instance (sh_proto.self). */
void mix_mixer_stats_get(const void *self, mix_mixer_stats *out);
/* The relay's cover generator, NULL without one. */
const mix_cover *mix_mixer_cover(const void *self);

#endif
