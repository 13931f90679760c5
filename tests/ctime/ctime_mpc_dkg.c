/* tests/ctime/ctime_mpc_dkg.c -- constant-time check of the DKG's secret
 * paths (see ctime_zk.c for the method): one complete honest FRESH DKG
 * (mpc/dkg.h) among N parties with threshold T, run on sim/loop, in each
 * group (ristretto255, Ed25519, secp256k1: the polynomial, commitments and
 * shares are in that group, the session keys always in ristretto255),
 * with every secret input poisoned:
 *
 *   - each party's Ed25519 identity key (its 32-byte seed; the second half
 *     of libsodium's secret key is the public key), before the instance
 *     copies it;
 *   - every byte the instance draws from its RNG while it is created and
 *     started: the X25519 session key, the polynomial, the proof of
 *     possession's hedged nonce.  The instance's driver is the loop's with
 *     the RNG replaced by a wrapper that poisons what it hands out.
 *
 * So everything derived from them is tracked: the session key e and E,
 * the commitments, the proof of possession, the pairwise share keys, the
 * shares sent and received, the signatures, the final share.  What the
 * protocol publishes (E, the commitments, the PoP, the share ciphertexts,
 * the signatures, a verdict on a value found valid) is declassified by the
 * library where it is published; memcheck reports any branch or memory
 * index on the rest.  At the end each party's exported share must still be
 * undefined for memcheck: nothing on the way declassified it, and the
 * poisoning did reach it.
 *
 * The draws after start are the verifiers' random weights (the batched
 * checks of the proofs of possession and of the shares; secp256k1 checks
 * one by one and draws none): they need to be
 * unpredictable, not secret, and the variable-time MSMs they feed may
 * branch on them, so they are left defined -- but only draws of the
 * weights' 16 bytes are expected there: any other draw after start fails
 * the test, since it would be a secret drawn outside the poisoned phase. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/dkg.h"
#include "sim/loop.h"
#include "util/ct.h"
#include "util/rng.h"

#if defined(SHROUD_HAVE_VALGRIND)
#include <valgrind/memcheck.h>
#include "ctime.h"
#endif

#define N 3
#define T 2
#define WEIGHT_BYTES 16   /* mpc/shamir.c and dkg_pop_batch_verify */

/* Whether memcheck still tracks some byte of p[0..len) as secret
 * (undefined): 1 or 0 under valgrind, -1 (unknown) outside it.  Reads the
 * definedness bits without reporting anything. */
static int tracked(const void *p, size_t len)
{
#if defined(SHROUD_HAVE_VALGRIND)
    uint8_t v[64];
    CHECK(len <= sizeof v);
    if (!RUNNING_ON_VALGRIND)
        return -1;
    CHECK(VALGRIND_GET_VBITS(p, v, len) == 1);
    for (size_t i = 0; i < len; i++)
        if (v[i] != 0)
            return 1;
    return 0;
#else
    (void)p;
    (void)len;
    return -1;
#endif
}

/* One party: the poisoning RNG it sees, the driver that hands it out, and
 * the DKG instance behind the protocol wrapper the loop drives. */
typedef struct node {
    sh_rng rng;               /* first: the fill callback casts back */
    sh_rng *inner;            /* the loop's ChaCha20 stream for this node */
    int secret;               /* 1 while created or started: poison the draws */
    size_t n_secret, n_unexpected;
    sh_driver drv;            /* the loop's driver, with .rng = &rng */
    sh_proto dkg;
} node;

static node nodes[N];

static void poison_fill(sh_rng *self, uint8_t *out, size_t len)
{
    node *n = (node *)self;
    sh_rng_bytes(n->inner, out, len);
    if (n->secret) {
        sh_ct_poison(out, len);
        n->n_secret++;
    } else if (len != WEIGHT_BYTES) {
        n->n_unexpected++;            /* not a weight: see the top comment */
    }
}

/* ---- the protocol wrapper: poisoning on around start ----------------------- */

static int w_start(void *self)
{
    node *n = self;
    n->secret = 1;
    int rc = sh_proto_start(&n->dkg);
    n->secret = 0;
    return rc;
}

static int w_message(void *self, sh_peer_id from, const uint8_t *msg, size_t len)
{
    node *n = self;
    return sh_proto_message(&n->dkg, from, msg, len);
}

static int w_timer(void *self, sh_timer_id id, uint64_t tag)
{
    node *n = self;
    return sh_proto_timer(&n->dkg, id, tag);
}

static void w_stop(void *self)
{
    node *n = self;
    sh_proto_stop(&n->dkg);
}

static void w_free(void *self)
{
    node *n = self;
    sh_proto_free(&n->dkg);
}

static const sh_proto_ops wrap_ops = {
    .name = "ctime-dkg",
    .start = w_start,
    .on_message = w_message,
    .on_timer = w_timer,
    .stop = w_stop,
    .free = w_free,
};

typedef struct run_args {
    const mpc_group *g;
    uint8_t sid[MPC_DKG_SID_BYTES];
    uint8_t (*sk)[MPC_DKG_IDENTITY_SK_BYTES];
} run_args;

static int factory(void *arg, uint32_t i, const sh_driver *drv, sh_proto *out)
{
    const run_args *a = arg;
    node *n = &nodes[i];
    memset(n, 0, sizeof *n);
    n->rng.fill = poison_fill;
    n->inner = drv->rng;
    n->drv = *drv;
    n->drv.rng = &n->rng;
    mpc_dkg_cfg c;
    memset(&c, 0, sizeof c);
    c.group = a->g;
    c.mode = MPC_DKG_FRESH;
    memcpy(c.sid, a->sid, sizeof c.sid);
    c.identity_sk = a->sk[i];
    c.n_holders = N;
    c.t = T;
    c.round_ns = 1000000000ULL;   /* simulated; an honest run never waits */
    n->secret = 1;                /* the constructor may draw too */
    int rc = mpc_dkg_new(&c, &n->drv, &n->dkg);
    n->secret = 0;
    if (rc == 0) {
        out->ops = &wrap_ops;
        out->self = n;
    }
    return rc;
}

static void run(mpc_group_id id, sh_rng *rng)
{
    mpc_group *g = mpc_group_new(id, rng);
    CHECK(g != NULL);

    run_args a;
    uint8_t pk[N][SH_PEER_KEY_BYTES];
    a.g = g;
    sh_rng_bytes(rng, a.sid, sizeof a.sid);
    a.sk = sodium_malloc(N * sizeof *a.sk);
    CHECK(a.sk != NULL);
    for (uint32_t i = 0; i < N; i++) {
        uint8_t s[32];
        sh_rng_bytes(rng, s, sizeof s);
        crypto_sign_seed_keypair(pk[i], a.sk[i], s);
        sodium_memzero(s, sizeof s);
        sh_ct_poison(a.sk[i], 32);   /* the seed; sk[32..64) is the public key */
    }

    sim_loop_cfg lc;
    sim_loop *l = NULL;
    memset(&lc, 0, sizeof lc);
    lc.n_nodes = N;
    memcpy(lc.seed, a.sid, sizeof lc.seed);
    lc.factory = factory;
    lc.factory_arg = &a;
    lc.peer_keys = (const uint8_t(*)[SH_PEER_KEY_BYTES])pk;
    lc.log_level = SH_LOG_ERR;
    CHECK(sim_loop_new(&lc, &l) == 0);
    CHECK(sim_loop_run(l, UINT64_MAX, 100000) == 0);
    CHECK(sim_loop_pending(l) == 0);

    /* Every party finished, with the same group key, and its share (the
     * one secret that leaves the instance) matches its verification share;
     * T shares combine to the group secret.  The checks declassify what
     * they compare: the test's own reading of the result. */
    mpc_elem Y0, Y, V, P;
    mpc_scalar *share = mpc_scalars_alloc(N), *ids = mpc_scalars_alloc(N), secret;
    CHECK(share != NULL && ids != NULL);
    for (uint32_t i = 0; i < N; i++) {
        node *n = &nodes[i];
        CHECK(n->n_secret > 0);
        CHECK(n->n_unexpected == 0);  /* no other draw after start */
        CHECK(sim_loop_count_results(l, i, MPC_DKG_RES_DONE) == 1);
        CHECK(sim_loop_count_results(l, i, MPC_DKG_RES_CONFIRMED) == 1);
        mpc_dkg *k = n->dkg.self;
        CHECK(mpc_dkg_get_state(k) == MPC_DKG_DONE);
        CHECK(mpc_dkg_blame_count(k) == 0);
        CHECK(mpc_dkg_group_key(k, i == 0 ? &Y0 : &Y) == 0);
        CHECK(i == 0 || mpc_elem_eq(g, &Y0, &Y));
        CHECK(mpc_dkg_share_export(k, &share[i]) == 0);
        /* the poisoning reached the result: nothing on the way declassified it */
        uint8_t enc[MPC_SCALAR_BYTES];
        mpc_scalar_encode(g, enc, &share[i]);
        CHECK(tracked(enc, sizeof enc) != 0);
        CHECK(mpc_dkg_verification_share(k, i, &V) == 0);
        mpc_elem_mul_base(g, &P, &share[i]);
        sh_ct_declassify(&P, sizeof P);
        CHECK(mpc_elem_eq(g, &P, &V));
        mpc_scalar_from_u64(g, &ids[i], (uint64_t)i + 1);
    }
    CHECK(mpc_shamir_combine(g, &secret, &ids[N - T], &share[N - T], T) == 0);
    mpc_elem_mul_base(g, &P, &secret);
    sh_ct_declassify(&P, sizeof P);
    CHECK(mpc_elem_eq(g, &P, &Y0));

    mpc_scalar_wipe(&secret);
    mpc_scalars_free(share, N);
    mpc_scalars_free(ids, N);
    sim_loop_free(l);
    sodium_free(a.sk);
    mpc_group_free(g);
}

int main(void)
{
    sh_rng *rng = ctime_rng(0xd6);
    run(MPC_RISTRETTO255, rng);
    run(MPC_ED25519, rng);
    run(MPC_SECP256K1, rng);
    sh_rng_free(rng);
    puts("ctime_mpc_dkg: ok");
    return 0;
}
