/* mixnet/onion_process.c -- a relay's handling of one onion packet, and
 * key rotation (onion_process.h). */
#include "mixnet/onion_process.h"

#include <string.h>

static int reject(mix_onion_result *res, int rc, const char *reason, int peer_fault)
{
    res->reason = reason;
    res->peer_fault = peer_fault;
    memset(&res->hop, 0, sizeof res->hop);
    return rc;
}

int mix_onion_process(mix_onion_ctx *ctx, const mix_keyring *kr, mix_replay *rp,
                      uint64_t epoch, const uint8_t *packet, size_t len,
                      const uint8_t *ad, size_t ad_len, mix_onion_result *res)
{
    if (res == NULL)
        return SH_ERR_ARG;
    memset(&res->hop, 0, sizeof res->hop);
    res->reason = NULL;
    res->peer_fault = 0;
    if (ctx == NULL || kr == NULL || rp == NULL || packet == NULL)
        return reject(res, SH_ERR_ARG, "onion: bad arguments", 0);

    const uint8_t *sk = mix_keyring_key(kr, epoch);
    if (sk == NULL)
        return reject(res, SH_ERR_STATE, "onion: no key for epoch", 1);

    int rc = mix_onion_peel(ctx, sk, packet, len, ad, ad_len, &res->peeled);
    if (rc == SH_ERR_NOMEM || rc == SH_ERR_ARG || rc == SH_ERR_INTERNAL)
        return reject(res, rc, mix_onion_reason(rc), 0);
    if (rc != 0)
        return reject(res, rc, mix_onion_reason(rc), 1);

    rc = mix_replay_seen_or_add(rp, epoch, res->peeled.tag);
    if (rc == 1)
        return reject(res, MIX_ERR_REPLAY, "onion: replayed packet", 1);
    if (rc == SH_ERR_OVERSIZE)
        return reject(res, rc, "onion: replay store full", 0);
    if (rc != 0)
        return reject(res, rc, "onion: replay store failed", 0);

    const char *why = NULL;
    rc = mix_hop_payload_decode(&res->hop, res->peeled.payload, res->peeled.payload_len,
                                &why);
    if (rc != 0)
        return reject(res, rc, why != NULL ? why : "tlv: malformed", 1);
    if (res->hop.epoch != epoch)
        return reject(res, SH_ERR_VERIFY, "onion: epoch mismatch", 1);
    if (res->hop.is_final != res->peeled.final)
        return reject(res, SH_ERR_VERIFY, "onion: final flag mismatch", 1);
    return 0;
}

int mix_onion_rotate(mix_keyring *kr, mix_replay *rp, mix_onion_ctx *ctx,
                     uint64_t epoch, sh_rng *rng, uint8_t pk[MIX_ONION_PUBKEY_BYTES])
{
    uint64_t erased = MIX_EPOCH_NONE;
    if (rp == NULL)
        return SH_ERR_ARG;
    int rc = mix_keyring_generate(kr, ctx, epoch, rng, pk, &erased);
    if (rc == 0 && erased != MIX_EPOCH_NONE)
        rc = mix_replay_drop_epoch(rp, erased);
    return rc;
}

int mix_onion_end_grace(mix_keyring *kr, mix_replay *rp)
{
    uint64_t erased = MIX_EPOCH_NONE;
    if (kr == NULL || rp == NULL)
        return SH_ERR_ARG;
    mix_keyring_end_grace(kr, &erased);
    return erased != MIX_EPOCH_NONE ? mix_replay_drop_epoch(rp, erased) : 0;
}
