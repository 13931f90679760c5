/* tests/ctime/ctime_mixnet_onion.c -- constant-time check of onion packets
 * (mixnet/onion.c) under valgrind memcheck, in the manner of
 * tests/ctime/ctime_zk.c.
 *
 * Secrets poisoned: the sender's session key (create) and every relay's
 * onion private key (peel and the keyring path).  memcheck then reports any
 * branch or memory index computed from them.  The library declassifies
 * only what is public by design (docs/onion.md, "Constant time"): the
 * ephemeral public keys, the finished packet, HMAC verdicts, the key
 * validity flags, a relay's decrypted routing info and the replay tag.
 * Run outside valgrind it only checks the results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mixnet/keyring.h"
#include "mixnet/onion.h"
#include "mixnet/onion_process.h"
#include "mixnet/replay.h"
#include "mixnet/tlv.h"
#include "util/ct.h"
#include "util/rng.h"
#include "ctime.h"

#define HOPS 4

static void run(mix_onion_ctx *ctx, sh_rng *rng, size_t packet_len)
{
    size_t r = packet_len - MIX_ONION_OVERHEAD;
    uint8_t sk[HOPS][32], pk[HOPS][33], session[32], ad[32];
    uint8_t pl[HOPS][40];
    mix_onion_hop hops[HOPS];
    uint8_t *pkt = malloc(packet_len), *next = malloc(packet_len);
    uint8_t *pay = malloc(MIX_ONION_PAYLOAD_CAP(r)), *spare = malloc(packet_len);
    CHECK(pkt != NULL && next != NULL && pay != NULL && spare != NULL);

    for (size_t i = 0; i < HOPS; i++) {
        CHECK(mix_onion_keygen(ctx, sk[i], pk[i], rng) == 0);
        sh_rng_bytes(rng, pl[i], sizeof pl[i]);
        hops[i] = (mix_onion_hop){ pk[i], pl[i], sizeof pl[i] - i };
    }
    CHECK(mix_onion_keygen(ctx, session, NULL, rng) == 0);
    sh_rng_bytes(rng, ad, sizeof ad);

    /* the sender: session key secret */
    sh_ct_poison(session, sizeof session);
    int rc = mix_onion_create(ctx, pkt, packet_len, session, hops, HOPS, ad, sizeof ad, NULL);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);

    /* the relays: private keys secret */
    for (size_t i = 0; i < HOPS; i++) {
        mix_onion_peeled p = { next, pay, MIX_ONION_PAYLOAD_CAP(r), 0, 0, { 0 } };
        sh_ct_poison(sk[i], sizeof sk[i]);
        rc = mix_onion_peel(ctx, sk[i], pkt, packet_len, ad, sizeof ad, &p);
        sh_ct_declassify(&rc, sizeof rc);
        CHECK(rc == 0);
        CHECK(p.payload_len == hops[i].payload_len);
        CHECK(memcmp(pay, pl[i], p.payload_len) == 0);
        CHECK(p.final == (i + 1 == HOPS));
        /* a wrong HMAC with a secret key: rejected without a leak (the
         * packet to forward is kept in pkt first: a failed peel zeroes
         * its outputs) */
        uint8_t *tampered = pkt;
        pkt = next;
        next = tampered;
        tampered[packet_len - 1] ^= 1;
        p.next_packet = spare;
        rc = mix_onion_peel(ctx, sk[i], tampered, packet_len, ad, sizeof ad, &p);
        sh_ct_declassify(&rc, sizeof rc);
        CHECK(rc == SH_ERR_VERIFY);
    }
    sodium_memzero(session, sizeof session);
    free(pkt);
    free(next);
    free(pay);
    free(spare);
}

/* The relay path: key generated into the keyring, poisoned there. */
static void keyring_path(mix_onion_ctx *ctx, sh_rng *rng)
{
    mix_keyring *kr = mix_keyring_new();
    mix_replay rp;
    uint8_t pk[33], session[32], enc[64], pkt[MIX_ONION_PACKET_STD],
        next[MIX_ONION_PACKET_STD], pay[MIX_ONION_PAYLOAD_CAP(1300)];
    size_t len;
    CHECK(kr != NULL);
    CHECK(mix_replay_mem_new(&rp, 2, 8, rng) == 0);
    CHECK(mix_onion_rotate(kr, &rp, ctx, 3, rng, pk) == 0);
    sh_ct_poison((void *)mix_keyring_key(kr, 3), 32);
    mix_hop_payload h = { .epoch = 3, .delay_ms = 10, .is_final = 1,
                          .data = (const uint8_t *)"tx", .data_len = 2 };
    CHECK(mix_hop_payload_encode(enc, sizeof enc, &len, &h) == 0);
    mix_onion_hop hop = { pk, enc, len };
    CHECK(mix_onion_keygen(ctx, session, NULL, rng) == 0);
    sh_ct_poison(session, sizeof session);
    int rc = mix_onion_create(ctx, pkt, sizeof pkt, session, &hop, 1, NULL, 0, NULL);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    mix_onion_result res = { .peeled = { next, pay, sizeof pay, 0, 0, { 0 } } };
    rc = mix_onion_process(ctx, kr, &rp, 3, pkt, sizeof pkt, NULL, 0, &res);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    CHECK(res.hop.is_final && res.hop.data_len == 2);
    rc = mix_onion_process(ctx, kr, &rp, 3, pkt, sizeof pkt, NULL, 0, &res);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == MIX_ERR_REPLAY);
    sodium_memzero(session, sizeof session);
    mix_replay_free(&rp);
    mix_keyring_free(kr);
}

int main(void)
{
    uint8_t seed[SH_RNG_SEEDBYTES] = { 0x6f, 0x6e, 0x69, 0x6f, 0x6e };
    CHECK(sodium_init() >= 0);
    sh_rng *rng = sh_rng_chacha_new(seed);
    CHECK(rng != NULL);
    mix_onion_ctx *ctx = mix_onion_ctx_new(rng);
    CHECK(ctx != NULL);
    run(ctx, rng, MIX_ONION_PACKET_STD);
    run(ctx, rng, MIX_ONION_PACKET_BYTES(4096));
    keyring_path(ctx, rng);
    mix_onion_ctx_free(ctx);
    sh_rng_free(rng);
    puts("ctime_mixnet_onion: ok");
    return 0;
}
