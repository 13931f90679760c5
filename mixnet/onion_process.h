/* mixnet/onion_process.h -- what a relay does with an incoming onion
 * packet: pick the onion key of the packet's epoch, peel, check the replay
 * tag, parse shroud's hop payload (mixnet/tlv.h); and key rotation that
 * keeps the replay store in step with the keyring.
 *
 * Epoch signalling.  The packet itself (BOLT 4's format) has no epoch
 * field, so the transport frame that carries it does, in clear, next to
 * the packet (docs/onion.md, "Epochs and keys").  It is no secret: every
 * relay's onion key of an epoch is public in its descriptor, and the epoch
 * is a coarse clock everyone shares.  The epoch in the hop payload must
 * equal it, which binds the packet's content to the key it was built for.
 * A packet for an epoch whose key is not (or no longer) held is dropped
 * without any elliptic-curve work.
 *
 * Order of checks (the cheapest and unauthenticated first; nothing is
 * stored for a packet whose HMAC fails, so junk cannot fill the store):
 *   key for epoch -> peel (length, version, E, HMAC, hop framing) ->
 *   replay tag -> hop payload TLV -> TLV epoch == epoch -> final flag ==
 *   TLV kind.
 *
 * On any rejection res->reason is a fixed string ("onion: ...", "tlv: ...")
 * for sh_drv_reject, and res->peer_fault says whose fault it is: 1 for a
 * bad, replayed or unknown-epoch packet (report it with sh_drv_reject and
 * carry on), 0 for a local failure (out of memory, a full replay store)
 * that the driver logs and counts as its own.  Replays return
 * MIX_ERR_REPLAY and are counted by the store.
 */
#ifndef SHROUD_MIXNET_ONION_PROCESS_H
#define SHROUD_MIXNET_ONION_PROCESS_H

#include <stddef.h>
#include <stdint.h>
#include "mixnet/keyring.h"
#include "mixnet/onion.h"
#include "mixnet/replay.h"
#include "mixnet/tlv.h"

/* The return code of a replayed packet. */
#define MIX_ERR_REPLAY SH_ERR_STATE

typedef struct mix_onion_result {
    mix_onion_peeled peeled;   /* caller sets next_packet, payload, payload_cap */
    mix_hop_payload hop;       /* decoded; hop.data points into peeled.payload */
    const char *reason;        /* set whenever the call fails */
    int peer_fault;
} mix_onion_result;

/* Process packet[0..len) received for `epoch`.  0: res->hop says what to do
 * (forward res->peeled.next_packet to hop.next_hop after hop.delay_ms, or
 * deliver hop.data).  Errors: SH_ERR_STATE "onion: no key for epoch",
 * MIX_ERR_REPLAY "onion: replayed packet", mix_onion_peel's codes,
 * mix_hop_payload_decode's codes, SH_ERR_VERIFY "onion: epoch mismatch"
 * or "onion: final flag mismatch", SH_ERR_OVERSIZE "onion: replay store
 * full" (not a peer fault), SH_ERR_NOMEM. */
int mix_onion_process(mix_onion_ctx *ctx, const mix_keyring *kr, mix_replay *rp,
                      uint64_t epoch, const uint8_t *packet, size_t len,
                      const uint8_t *ad, size_t ad_len, mix_onion_result *res) SH_WUR;

/* Rotate: install a fresh key for epoch (pk receives its public key) and
 * drop the replay tags of the key this erased, if any. */
int mix_onion_rotate(mix_keyring *kr, mix_replay *rp, mix_onion_ctx *ctx,
                     uint64_t epoch, sh_rng *rng,
                     uint8_t pk[MIX_ONION_PUBKEY_BYTES]) SH_WUR;
/* End the grace period: erase the previous key and drop its tags. */
int mix_onion_end_grace(mix_keyring *kr, mix_replay *rp) SH_WUR;

#endif
