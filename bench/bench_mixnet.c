/* bench/bench_mixnet.c -- `shroud bench mixnet`: onion packets, the replay
 * store and one relay's mixer.
 *
 * Baseline: one secp256k1_ecdh with a random key (the unit of a hop's
 * work), measured first; every figure is timed paired with it.  Figures:
 * onion_create for 3 and 5 hops and onion_peel (one hop) at the standard
 * 1366-byte and the large 32834-byte size; replay_check (seen_or_add on a
 * store holding 100000 tags); mixer_throughput (packets through one
 * relay's state machine on sim/loop with zero delays: frame decode, peel,
 * replay, TLV, timer, frame encode, send), with a "pps" field. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>

#include "mixnet/frame.h"
#include "mixnet/mixer.h"
#include "mixnet/onion.h"
#include "mixnet/path.h"
#include "mixnet/replay.h"
#include "sim/loop.h"

typedef struct ecdh_args {
    secp256k1_context *secp;
    secp256k1_pubkey P;
    uint8_t sk[32], out[32];
} ecdh_args;

static void do_ecdh(void *arg)
{
    ecdh_args *a = arg;
    if (!secp256k1_ecdh(a->secp, a->out, &a->P, a->sk, NULL, NULL))
        abort();
    a->sk[0] ^= a->out[0] & 1;      /* keep the key varying and the result used */
    a->sk[0] |= 1;
}

typedef struct onion_args {
    mix_onion_ctx *ctx;
    sh_rng *rng;
    size_t len, hops;
    uint8_t sk[5][32], pk[5][33], session[32];
    uint8_t payload[100];
    mix_onion_hop h[5];
    uint8_t *pkt, *next, *pay;
} onion_args;

static void do_create(void *arg)
{
    onion_args *a = arg;
    if (mix_onion_create(a->ctx, a->pkt, a->len, a->session, a->h, a->hops, NULL, 0, NULL) != 0)
        abort();
}

static void do_peel(void *arg)
{
    onion_args *a = arg;
    mix_onion_peeled p = { .next_packet = a->next, .payload = a->pay,
                           .payload_cap = MIX_ONION_PAYLOAD_CAP(a->len - MIX_ONION_OVERHEAD) };
    if (mix_onion_peel(a->ctx, a->sk[0], a->pkt, a->len, NULL, 0, &p) != 0)
        abort();
}

typedef struct replay_args {
    mix_replay rp;
    uint8_t (*tags)[32];
    size_t n, i;
} replay_args;

static void do_replay(void *arg)
{
    replay_args *a = arg;
    if (mix_replay_seen_or_add(&a->rp, 1, a->tags[a->i]) != 1)
        abort();
    a->i = (a->i + 1) % a->n;
}

/* ---- mixer throughput --------------------------------------------------- */

#define TP_PACKETS 256
#define TP_NODES 3

typedef struct tp_args {
    uint8_t ids[TP_NODES][SH_PEER_KEY_BYTES];
    uint8_t sk[TP_NODES][32], pk[TP_NODES][33];
    mix_keyring *kr;
    sh_rng *rng;
    mix_replay rp;
    mix_mixer_cfg mcfg;
    uint8_t *frames[TP_PACKETS];
    size_t frame_len[TP_PACKETS];
} tp_args;

static int sink_start(void *self) { (void)self; return 0; }
static int sink_msg(void *self, sh_peer_id f, const uint8_t *m, size_t l)
{
    (void)self; (void)f; (void)m; (void)l;
    return 0;
}
static void sink_free(void *self) { (void)self; }
static const sh_proto_ops sink_ops = {
    .name = "sink", .start = sink_start, .on_message = sink_msg, .free = sink_free,
};

static int tp_factory(void *arg, uint32_t node, const sh_driver *d, sh_proto *out)
{
    tp_args *a = arg;
    if (node == 1)
        return mix_mixer_new(&a->mcfg, d, out);
    out->ops = &sink_ops;
    out->self = a;
    return 0;
}

static void do_mixer(void *arg)
{
    tp_args *a = arg;
    /* A fresh replay store each round: the same packets are replayed. */
    if (mix_replay_mem_new(&a->rp, 1, TP_PACKETS, a->rng) != 0)
        abort();
    a->mcfg.replay = &a->rp;
    sim_loop_cfg c = { .n_nodes = TP_NODES, .factory = tp_factory, .factory_arg = a,
                       .peer_keys = (const uint8_t (*)[SH_PEER_KEY_BYTES])a->ids };
    sim_loop *l;
    if (sim_loop_new(&c, &l) != 0)
        abort();
    for (size_t i = 0; i < TP_PACKETS; i++)
        if (sim_loop_inject(l, 0, 1, 0, a->frames[i], a->frame_len[i]) != 0)
            abort();
    if (sim_loop_run(l, UINT64_MAX, 100000) != 0)
        abort();
    mix_mixer_stats st;
    mix_mixer_stats_get(sim_loop_proto(l, 1), &st);
    if (st.forwarded != TP_PACKETS)
        abort();
    sim_loop_free(l);
    mix_replay_free(&a->rp);
}

static int tp_setup(tp_args *a, mix_onion_ctx *ctx, sh_rng *rng)
{
    a->rng = rng;
    for (int i = 0; i < TP_NODES; i++) {
        memset(a->ids[i], 0x10 + i, SH_PEER_KEY_BYTES);
        if (mix_onion_keygen(ctx, a->sk[i], a->pk[i], rng) != 0)
            return -1;
    }
    if ((a->kr = mix_keyring_new()) == NULL
        || mix_keyring_install(a->kr, ctx, 1, a->sk[1], NULL) != 0)
        return -1;
    a->mcfg = (mix_mixer_cfg){ .keyring = a->kr, .packet_len = MIX_ONION_PACKET_STD,
                               .queue_max = TP_PACKETS, .max_delay_ms = 0,
                               .peer_keys = (const uint8_t (*)[SH_PEER_KEY_BYTES])a->ids };
    uint8_t pkt[MIX_ONION_PACKET_STD], body[64] = { 0 };
    mix_route_hop h[2] = { { a->ids[1], a->pk[1], 0 }, { a->ids[2], a->pk[2], 0 } };
    for (size_t i = 0; i < TP_PACKETS; i++) {
        sh_buf b;
        sh_buf_init(&b);
        if (mix_route_build(ctx, rng, 1, h, 2, body, sizeof body, pkt, sizeof pkt) != 0
            || mix_frame_encode(&b, 1, pkt, sizeof pkt) != 0)
            return -1;
        a->frames[i] = b.data;          /* ownership moves to a */
        a->frame_len[i] = b.len;
    }
    return 0;
}

static void tp_free(tp_args *a)
{
    for (size_t i = 0; i < TP_PACKETS; i++)
        free(a->frames[i]);
    mix_keyring_free(a->kr);
}

int bench_suite_mixnet(bench_ctx *ctx)
{
    ctx->suite = "mixnet";
    sh_rng *rng = sh_rng_os_new();
    ecdh_args *ea = calloc(1, sizeof *ea);
    onion_args *oa = calloc(1, sizeof *oa);
    replay_args *ra = calloc(1, sizeof *ra);
    tp_args *ta = calloc(1, sizeof *ta);
    mix_onion_ctx *octx = rng != NULL ? mix_onion_ctx_new(rng) : NULL;
    int rc = -1;
    char extra[128];
    if (rng == NULL || ea == NULL || oa == NULL || ra == NULL || ta == NULL || octx == NULL) {
        fputs("shroud bench mixnet: setup failed\n", stderr);
        goto done;
    }

    /* Baseline: secp256k1_ecdh. */
    ea->secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    uint8_t pk[33];
    if (ea->secp == NULL || mix_onion_keygen(octx, ea->sk, pk, rng) != 0
        || !secp256k1_ec_pubkey_parse(ea->secp, &ea->P, pk, 33)
        || mix_onion_keygen(octx, ea->sk, NULL, rng) != 0) {
        fputs("shroud bench mixnet: ecdh setup failed\n", stderr);
        goto done;
    }
    ctx->baseline_fn = NULL;
    bench_report_baseline(ctx, "ecdh", 1, bench_time(ctx, do_ecdh, ea), "op");
    ctx->baseline_fn = do_ecdh;
    ctx->baseline_arg = ea;

    /* Onion packets. */
    oa->ctx = octx;
    oa->rng = rng;
    memset(oa->payload, 0x5a, sizeof oa->payload);
    for (int i = 0; i < 5; i++) {
        if (mix_onion_keygen(octx, oa->sk[i], oa->pk[i], rng) != 0)
            goto done;
        oa->h[i] = (mix_onion_hop){ oa->pk[i], oa->payload, sizeof oa->payload };
    }
    if (mix_onion_keygen(octx, oa->session, NULL, rng) != 0)
        goto done;
    static const size_t sizes[2] = { MIX_ONION_PACKET_STD, MIX_ONION_PACKET_LARGE };
    for (int z = 0; z < 2; z++) {
        oa->len = sizes[z];
        oa->pkt = malloc(oa->len);
        oa->next = malloc(oa->len);
        oa->pay = malloc(oa->len);
        if (oa->pkt == NULL || oa->next == NULL || oa->pay == NULL)
            goto done;
        double ns, base;
        for (size_t hops = 3; hops <= 5; hops += 2) {
            oa->hops = hops;
            bench_time_vs_baseline(ctx, do_create, oa, &ns, &base);
            snprintf(extra, sizeof extra, "\"hops\":%zu,\"bytes\":%zu", hops, oa->len);
            bench_report_paired(ctx, "onion_create", hops, ns, "packet", base, extra);
        }
        /* oa->pkt now holds a 5-hop packet: peel its first layer. */
        bench_time_vs_baseline(ctx, do_peel, oa, &ns, &base);
        snprintf(extra, sizeof extra, "\"bytes\":%zu", oa->len);
        bench_report_paired(ctx, "onion_peel", 1, ns, "hop", base, extra);
        free(oa->pkt);
        free(oa->next);
        free(oa->pay);
        oa->pkt = oa->next = oa->pay = NULL;
    }

    /* Replay store with 100000 tags: a lookup that finds its tag. */
    ra->n = 100000;
    ra->tags = malloc(ra->n * 32);
    if (ra->tags == NULL || mix_replay_mem_new(&ra->rp, 2, ra->n, rng) != 0)
        goto done;
    for (size_t i = 0; i < ra->n; i++) {
        sh_rng_bytes(rng, ra->tags[i], 32);
        if (mix_replay_seen_or_add(&ra->rp, 1, ra->tags[i]) != 0)
            goto done;
    }
    {
        double ns, base;
        bench_time_vs_baseline(ctx, do_replay, ra, &ns, &base);
        snprintf(extra, sizeof extra, "\"tags\":%zu", ra->n);
        bench_report_paired(ctx, "replay_check", 1, ns, "op", base, extra);
    }

    /* One relay's mixer. */
    if (tp_setup(ta, octx, rng) != 0) {
        fputs("shroud bench mixnet: mixer setup failed\n", stderr);
        goto done;
    }
    {
        double ns, base;
        bench_time_vs_baseline(ctx, do_mixer, ta, &ns, &base);
        ns /= TP_PACKETS;
        snprintf(extra, sizeof extra, "\"bytes\":%d,\"pps\":%.0f", MIX_ONION_PACKET_STD,
                 1e9 / ns);
        bench_report_paired(ctx, "mixer_throughput", TP_PACKETS, ns, "packet", base, extra);
    }
    rc = 0;
done:
    ctx->baseline_fn = NULL;
    ctx->baseline_arg = NULL;
    ctx->baseline = NULL;
    if (ta != NULL)
        tp_free(ta);
    if (ra != NULL) {
        mix_replay_free(&ra->rp);
        free(ra->tags);
    }
    if (oa != NULL) {
        free(oa->pkt);
        free(oa->next);
        free(oa->pay);
        sodium_memzero(oa, sizeof *oa);
    }
    if (ea != NULL && ea->secp != NULL)
        secp256k1_context_destroy(ea->secp);
    free(ea);
    free(oa);
    free(ra);
    free(ta);
    mix_onion_ctx_free(octx);
    sh_rng_free(rng);
    return rc;
}
