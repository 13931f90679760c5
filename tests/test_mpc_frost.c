/* tests/test_mpc_frost.c -- FROST signing (mpc/frost.h) in all four
 * ciphersuites: random t-of-n signatures with random signer subsets that
 * pass the chains' own verifiers (crypto_sign_verify_detached for Ed25519,
 * secp256k1_schnorrsig_verify for the BIP340 variant, with and without the
 * BIP341 tweak, both parities of the key, the output key and R), bad
 * shares named while a new round without them succeeds, the nonce rules
 * (reuse, unknown handles, discard, capacity, own commitment), and the
 * package checks. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "mpc/frost.h"
#include "testutil.h"

/* The number of random signatures per suite test (the acceptance figure is
 * 1000; a build may lower it, e.g. -DFROST_RANDOM_SIGS=100 for a quick run). */
#ifndef FROST_RANDOM_SIGS
#define FROST_RANDOM_SIGS 1000
#endif
#define RANDOM_SIGS FROST_RANDOM_SIGS

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(9591);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(frost, .init = setup, .fini = teardown, .timeout = 600);

/* ---- a committee with a dealt key ------------------------------------------- */

typedef struct fx {
    mpc_frost_ctx *ctx;
    mpc_frost_key_package *kps;
    mpc_frost_public_package pub;
    mpc_frost_signer **signers;
    uint32_t t, n;
} fx;

static void fx_init(fx *f, mpc_frost_ctx *ctx, uint32_t t, uint32_t n)
{
    memset(f, 0, sizeof *f);
    f->ctx = ctx;
    f->t = t;
    f->n = n;
    f->kps = mpc_frost_key_packages_alloc(n);
    f->pub.verifying_shares = mpc_elems_alloc(n);
    f->signers = calloc(n, sizeof *f->signers);
    cr_assert(f->kps != NULL && f->pub.verifying_shares != NULL && f->signers != NULL);
    cr_assert_eq(mpc_frost_keygen_dealer(ctx, t, n, NULL, rng, f->kps, &f->pub), 0);
    for (uint32_t i = 0; i < n; i++)
        cr_assert_eq(mpc_frost_signer_new(ctx, &f->kps[i], &f->signers[i]), 0);
}

static void fx_free(fx *f)
{
    for (uint32_t i = 0; i < f->n; i++)
        mpc_frost_signer_free(f->signers[i]);
    free(f->signers);
    mpc_frost_key_packages_free(f->kps, f->n);
    mpc_elems_free(f->pub.verifying_shares, f->n);
}

/* Round one for signers ids[0..k) (ascending): commitments into cm. */
static void fx_round1(fx *f, const uint32_t *ids, size_t k, mpc_frost_commitment *cm,
                      uint64_t *handles)
{
    for (size_t i = 0; i < k; i++)
        cr_assert_eq(mpc_frost_round1(f->signers[ids[i] - 1], rng, &cm[i], &handles[i]), 0);
}

/* A whole signing session; the share of signer `corrupt` (0: none) gets
 * +1.  Returns the aggregation result. */
static int fx_sign(fx *f, const uint32_t *ids, size_t k, const uint8_t *msg, size_t len,
                   const mpc_frost_tweak *tw, const uint32_t *corrupt, size_t n_corrupt,
                   uint8_t *sig, size_t *sig_len, uint32_t *bad, size_t *n_bad)
{
    mpc_frost_commitment *cm = mpc_frost_commitments_alloc(k);
    mpc_frost_share *sh = calloc(k, sizeof *sh);
    uint64_t *h = calloc(k, sizeof *h);
    cr_assert(cm != NULL && sh != NULL && h != NULL);
    fx_round1(f, ids, k, cm, h);
    mpc_frost_signing_package pkg = { .commitments = cm, .n = k, .msg = msg, .msg_len = len };
    if (tw != NULL)
        pkg.tweak = *tw;
    for (size_t i = 0; i < k; i++) {
        cr_assert_eq(mpc_frost_round2(f->signers[ids[i] - 1], h[i], &pkg, &sh[i]), 0);
        cr_assert_eq(sh[i].id, ids[i]);
        for (size_t c = 0; c < n_corrupt; c++)
            if (corrupt[c] == ids[i]) {
                mpc_scalar one;
                mpc_scalar_one(mpc_frost_group(f->ctx), &one);
                mpc_scalar_add(mpc_frost_group(f->ctx), &sh[i].z, &sh[i].z, &one);
            }
    }
    /* Shares in reverse order: aggregation matches them by identifier. */
    for (size_t i = 0; i < k / 2; i++) {
        mpc_frost_share tmp = sh[i];
        sh[i] = sh[k - 1 - i];
        sh[k - 1 - i] = tmp;
    }
    int rc = mpc_frost_aggregate(f->ctx, &f->pub, &pkg, sh, k, sig, MPC_FROST_MAX_SIG_BYTES,
                                 sig_len, bad, n_bad);
    mpc_frost_commitments_free(cm, k);
    free(sh);
    free(h);
    return rc;
}

/* k distinct random identifiers from 1..n, ascending. */
static void random_subset(uint32_t n, size_t k, uint32_t *ids)
{
    uint32_t all[64];
    cr_assert_leq(n, 64);
    cr_assert_leq(k, n);
    for (uint32_t i = 0; i < n; i++)
        all[i] = i + 1;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)sh_rng_uniform(rng, i + 1), t = all[i];
        all[i] = all[j];
        all[j] = t;
    }
    memcpy(ids, all, k * sizeof *ids);
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            uint32_t t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
}

/* ---- BIP340 variant: 1000 random signatures pass schnorrsig_verify -------------- */

/* The parity of R before normalisation, recomputed from the package. */
static int r_parity(fx *f, const mpc_frost_signing_package *pkg)
{
    const mpc_group *g = mpc_frost_group(f->ctx);
    mpc_scalar *rho = mpc_scalars_alloc(pkg->n);
    mpc_elem R, T;
    uint8_t enc[33];
    cr_assert_eq(mpc_frost_binding_factors(f->ctx, &f->pub.group_key, pkg, rho), 0);
    mpc_elem_identity(g, &R);
    for (size_t i = 0; i < pkg->n; i++) {
        mpc_elem_mul_vartime(g, &T, &pkg->commitments[i].binding, &rho[i]);
        mpc_elem_add(g, &R, &R, &T);
        mpc_elem_add(g, &R, &R, &pkg->commitments[i].hiding);
    }
    mpc_scalars_free(rho, pkg->n);
    cr_assert_eq(mpc_elem_encode(g, enc, &R), 0);
    return enc[0] == 0x03;
}

Test(frost, bip340_random_signatures_verify_with_libsecp256k1)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_SECP256K1_TR, rng);
    cr_assert_not_null(ctx);
    const secp256k1_context *sc = mpc_group_secp256k1_ctx(mpc_frost_group(ctx));
    int hit_p[2] = { 0 }, hit_q[2] = { 0 }, hit_r[2] = { 0 }, hit_tw[3] = { 0 };
    fx f;
    int have = 0;
    for (int it = 0; it < RANDOM_SIGS; it++) {
        /* A new committee every 10 signatures: t-of-n up to 10-of-15. */
        if (it % 10 == 0) {
            if (have)
                fx_free(&f);
            uint32_t t = 1 + (uint32_t)sh_rng_uniform(rng, 10);
            uint32_t n = t + (uint32_t)sh_rng_uniform(rng, 6);
            fx_init(&f, ctx, t, n);
            have = 1;
        }
        uint32_t ids[15];
        size_t k = f.t + (size_t)sh_rng_uniform(rng, f.n - f.t + 1);
        random_subset(f.n, k, ids);
        uint8_t msg[64], sig[MPC_FROST_MAX_SIG_BYTES], xq[32], pk33[33];
        size_t len = (size_t)sh_rng_uniform(rng, sizeof msg + 1), sig_len, n_bad;
        uint32_t bad[15];
        sh_rng_bytes(rng, msg, len);
        mpc_frost_tweak tw = { 0 };
        int mode = (int)sh_rng_uniform(rng, 3);   /* none, key path only, script tree */
        if (mode > 0)
            tw.taproot = 1;
        if (mode == 2) {
            tw.has_merkle_root = 1;
            sh_rng_bytes(rng, tw.merkle_root, 32);
        }
        hit_tw[mode]++;

        /* R's parity, seen through the same nonces: run round one by hand. */
        mpc_frost_commitment cm[15];
        mpc_frost_share sh[15];
        uint64_t h[15];
        fx_round1(&f, ids, k, cm, h);
        mpc_frost_signing_package pkg = { .commitments = cm, .n = k, .msg = msg,
                                          .msg_len = len, .tweak = tw };
        hit_r[r_parity(&f, &pkg)]++;
        for (size_t i = 0; i < k; i++)
            cr_assert_eq(mpc_frost_round2(f.signers[ids[i] - 1], h[i], &pkg, &sh[i]), 0);
        cr_assert_eq(mpc_frost_aggregate(ctx, &f.pub, &pkg, sh, k, sig, sizeof sig, &sig_len,
                                         bad, &n_bad), 0, "iteration %d", it);
        cr_assert_eq(sig_len, 64);

        /* The standard verifier, under the x-only output key. */
        int parity;
        secp256k1_xonly_pubkey xpk;
        cr_assert_eq(mpc_frost_output_key(ctx, &f.pub.group_key, &tw, xq, &parity), 0);
        cr_assert(secp256k1_xonly_pubkey_parse(sc, &xpk, xq));
        cr_assert(secp256k1_schnorrsig_verify(sc, sig, msg, len, &xpk), "iteration %d", it);
        cr_assert_eq(mpc_frost_verify(ctx, &f.pub.group_key, &tw, msg, len, sig, 64), 0);

        /* The output key agrees with libsecp256k1's BIP341 tweak. */
        cr_assert_eq(mpc_elem_encode(mpc_frost_group(ctx), pk33, &f.pub.group_key), 0);
        hit_p[pk33[0] == 0x03]++;
        if (tw.taproot) {
            secp256k1_xonly_pubkey internal;
            uint8_t in[64], t32[32];
            cr_assert(secp256k1_xonly_pubkey_parse(sc, &internal, pk33 + 1));
            memcpy(in, pk33 + 1, 32);
            memcpy(in + 32, tw.merkle_root, 32);
            cr_assert(secp256k1_tagged_sha256(sc, t32, (const uint8_t *)"TapTweak", 8, in,
                                              tw.has_merkle_root ? 64 : 32));
            cr_assert(secp256k1_xonly_pubkey_tweak_add_check(sc, xq, parity, &internal, t32));
            hit_q[parity]++;
        } else {
            cr_assert_eq(memcmp(xq, pk33 + 1, 32), 0);
        }
        /* A changed message does not verify. */
        if (len > 0) {
            msg[0] ^= 1;
            cr_assert_not(secp256k1_schnorrsig_verify(sc, sig, msg, len, &xpk));
            cr_assert_eq(mpc_frost_verify(ctx, &f.pub.group_key, &tw, msg, len, sig, 64),
                         SH_ERR_VERIFY);
        }
    }
    fx_free(&f);
    mpc_frost_ctx_free(ctx);
    /* Both parities of the group key, the output key and R were exercised. */
    cr_assert(hit_p[0] > 0 && hit_p[1] > 0, "key parity %d/%d", hit_p[0], hit_p[1]);
    cr_assert(hit_q[0] > 0 && hit_q[1] > 0, "output key parity %d/%d", hit_q[0], hit_q[1]);
    cr_assert(hit_r[0] > 0 && hit_r[1] > 0, "R parity %d/%d", hit_r[0], hit_r[1]);
    cr_assert(hit_tw[0] > 0 && hit_tw[1] > 0 && hit_tw[2] > 0);
}

/* ---- Ed25519: 1000 random signatures pass crypto_sign_verify_detached ---------- */

Test(frost, ed25519_random_signatures_verify_with_libsodium)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_ED25519, rng);
    cr_assert_not_null(ctx);
    fx f;
    int have = 0;
    for (int it = 0; it < RANDOM_SIGS; it++) {
        if (it % 10 == 0) {
            if (have)
                fx_free(&f);
            uint32_t t = 1 + (uint32_t)sh_rng_uniform(rng, 10);
            fx_init(&f, ctx, t, t + (uint32_t)sh_rng_uniform(rng, 6));
            have = 1;
        }
        /* Random subsets of t to t + 2 of the n signers (libsodium's
         * variable-base multiplication is slow: keep the test fast). */
        uint32_t ids[15], bad[15], extra = f.n - f.t < 2 ? f.n - f.t : 2;
        size_t k = f.t + (size_t)sh_rng_uniform(rng, extra + 1), sig_len, n_bad;
        uint8_t msg[100], sig[MPC_FROST_MAX_SIG_BYTES], pk[32];
        size_t len = (size_t)sh_rng_uniform(rng, sizeof msg + 1);
        random_subset(f.n, k, ids);
        sh_rng_bytes(rng, msg, len);
        cr_assert_eq(fx_sign(&f, ids, k, msg, len, NULL, NULL, 0, sig, &sig_len, bad, &n_bad),
                     0, "iteration %d", it);
        cr_assert_eq(sig_len, 64);
        cr_assert_eq(mpc_elem_encode(mpc_frost_group(ctx), pk, &f.pub.group_key), 0);
        cr_assert_eq(crypto_sign_verify_detached(sig, msg, len, pk), 0, "iteration %d", it);
        sig[40] ^= 1;
        cr_assert_neq(crypto_sign_verify_detached(sig, msg, len, pk), 0);
        cr_assert_eq(mpc_frost_verify(ctx, &f.pub.group_key, NULL, msg, len, sig, 64),
                     SH_ERR_VERIFY);
    }
    fx_free(&f);
    mpc_frost_ctx_free(ctx);
}

/* ---- ristretto255 and secp256k1 (RFC suites): our verifier --------------------- */

static void random_sigs_own_verifier(mpc_frost_suite_id id, int count)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(id, rng);
    cr_assert_not_null(ctx);
    size_t sb = mpc_frost_sig_bytes(ctx);
    fx f;
    int have = 0;
    for (int it = 0; it < count; it++) {
        if (it % 10 == 0) {
            if (have)
                fx_free(&f);
            uint32_t t = 1 + (uint32_t)sh_rng_uniform(rng, 8);
            fx_init(&f, ctx, t, t + (uint32_t)sh_rng_uniform(rng, 5));
            have = 1;
        }
        uint32_t ids[15], bad[15];
        size_t k = f.t + (size_t)sh_rng_uniform(rng, f.n - f.t + 1), sig_len, n_bad;
        uint8_t msg[40], sig[MPC_FROST_MAX_SIG_BYTES];
        size_t len = (size_t)sh_rng_uniform(rng, sizeof msg + 1);
        random_subset(f.n, k, ids);
        sh_rng_bytes(rng, msg, len);
        cr_assert_eq(fx_sign(&f, ids, k, msg, len, NULL, NULL, 0, sig, &sig_len, bad, &n_bad),
                     0);
        cr_assert_eq(sig_len, sb);
        cr_assert_eq(mpc_frost_verify(ctx, &f.pub.group_key, NULL, msg, len, sig, sb), 0);
        sig[sb - 1] ^= 1;
        cr_assert_eq(mpc_frost_verify(ctx, &f.pub.group_key, NULL, msg, len, sig, sb),
                     SH_ERR_VERIFY);
        sig[sb - 1] ^= 1;
        cr_assert_eq(mpc_frost_verify(ctx, &f.pub.group_key, NULL, msg, len, sig, sb - 1),
                     SH_ERR_LENGTH);
        /* The wrong key. */
        mpc_elem B;
        mpc_elem_base(mpc_frost_group(ctx), &B);
        cr_assert_eq(mpc_frost_verify(ctx, &B, NULL, msg, len, sig, sb), SH_ERR_VERIFY);
    }
    fx_free(&f);
    mpc_frost_ctx_free(ctx);
}

Test(frost, ristretto255_random_signatures)
{
    random_sigs_own_verifier(MPC_FROST_RISTRETTO255, RANDOM_SIGS / 5);
}

Test(frost, secp256k1_random_signatures)
{
    random_sigs_own_verifier(MPC_FROST_SECP256K1, RANDOM_SIGS / 5);
}

/* ---- a wrong share is named; a new round without it succeeds --------------------- */

Test(frost, bad_shares_are_named_in_every_suite)
{
    for (int s = MPC_FROST_RISTRETTO255; s <= MPC_FROST_SECP256K1_TR; s++) {
        mpc_frost_ctx *ctx = mpc_frost_ctx_new((mpc_frost_suite_id)s, rng);
        fx f;
        uint8_t sig[MPC_FROST_MAX_SIG_BYTES], msg[] = "pay 1 BTC to the vault";
        uint32_t bad[5];
        size_t sig_len = 99, n_bad = 99;
        fx_init(&f, ctx, 3, 5);
        mpc_frost_tweak tw = { .taproot = s == MPC_FROST_SECP256K1_TR };

        /* Signer 2 lies: named alone, no signature comes out. */
        uint32_t four[] = { 1, 2, 3, 4 }, liar[] = { 2 };
        cr_assert_eq(fx_sign(&f, four, 4, msg, sizeof msg, &tw, liar, 1, sig, &sig_len, bad,
                             &n_bad), SH_ERR_VERIFY, "suite %d", s);
        cr_assert_eq(n_bad, 1);
        cr_assert_eq(bad[0], 2);
        cr_assert_eq(sig_len, 0);

        /* Two liars: both named, in ascending order. */
        uint32_t liars[] = { 4, 1 };
        cr_assert_eq(fx_sign(&f, four, 4, msg, sizeof msg, &tw, liars, 2, sig, &sig_len, bad,
                             &n_bad), SH_ERR_VERIFY);
        cr_assert_eq(n_bad, 2);
        cr_assert_eq(bad[0], 1);
        cr_assert_eq(bad[1], 4);

        /* The others (still t of them) sign without signer 2. */
        uint32_t rest[] = { 1, 3, 4 };
        cr_assert_eq(fx_sign(&f, rest, 3, msg, sizeof msg, &tw, NULL, 0, sig, &sig_len, bad,
                             &n_bad), 0);
        cr_assert_eq(n_bad, 0);
        cr_assert_eq(mpc_frost_verify(ctx, &f.pub.group_key, &tw, msg, sizeof msg, sig,
                                      sig_len), 0);
        fx_free(&f);
        mpc_frost_ctx_free(ctx);
    }
}

Test(frost, session_checks_single_shares_and_share_sets)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_SECP256K1, rng);
    fx f;
    fx_init(&f, ctx, 2, 3);
    uint32_t ids[] = { 1, 3 };
    mpc_frost_commitment cm[2];
    mpc_frost_share sh[3];
    uint64_t h[2];
    uint8_t msg[] = "m", sig[MPC_FROST_MAX_SIG_BYTES];
    uint32_t bad[2];
    size_t sig_len, n_bad;
    mpc_frost_session *s;
    fx_round1(&f, ids, 2, cm, h);
    mpc_frost_signing_package pkg = { .commitments = cm, .n = 2, .msg = msg, .msg_len = 1 };
    for (int i = 0; i < 2; i++)
        cr_assert_eq(mpc_frost_round2(f.signers[ids[i] - 1], h[i], &pkg, &sh[i]), 0);
    cr_assert_eq(mpc_frost_session_new(ctx, &f.pub, &pkg, &s), 0);
    cr_assert_eq(mpc_frost_session_verify_share(s, &sh[0]), 0);
    cr_assert_eq(mpc_frost_session_verify_share(s, &sh[1]), 0);
    mpc_frost_share wrong = sh[0];
    wrong.id = 3;                                 /* right value, wrong signer */
    cr_assert_eq(mpc_frost_session_verify_share(s, &wrong), SH_ERR_VERIFY);
    wrong.id = 2;                                 /* not in the package */
    cr_assert_eq(mpc_frost_session_verify_share(s, &wrong), SH_ERR_VERIFY);
    /* Not one share per signer. */
    cr_assert_eq(mpc_frost_session_aggregate(s, sh, 1, sig, sizeof sig, &sig_len, bad, &n_bad),
                 SH_ERR_LENGTH);
    sh[2] = sh[0];
    cr_assert_eq(mpc_frost_session_aggregate(s, sh + 1, 2, sig, sizeof sig, &sig_len, bad,
                                             &n_bad), 0);
    sh[1] = sh[0];
    cr_assert_eq(mpc_frost_session_aggregate(s, sh, 2, sig, sizeof sig, &sig_len, bad, &n_bad),
                 SH_ERR_FORMAT);
    sh[1].id = 2;
    cr_assert_eq(mpc_frost_session_aggregate(s, sh, 2, sig, sizeof sig, &sig_len, bad, &n_bad),
                 SH_ERR_LENGTH);
    cr_assert_eq(mpc_frost_session_aggregate(s, sh + 1, 2, sig, 64, &sig_len, bad, &n_bad),
                 SH_ERR_LENGTH);              /* 65 bytes needed */
    mpc_frost_session_free(s);
    /* An identifier beyond the public package. */
    f.pub.n = 2;
    cr_assert_eq(mpc_frost_session_new(ctx, &f.pub, &pkg, &s), SH_ERR_RANGE);
    f.pub.n = 3;
    fx_free(&f);
    mpc_frost_ctx_free(ctx);
}

/* ---- nonces: at most once ----------------------------------------------------------- */

Test(frost, nonce_rules)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_RISTRETTO255, rng);
    fx f;
    fx_init(&f, ctx, 2, 3);
    mpc_frost_commitment cm[3];
    mpc_frost_share sh;
    uint64_t h[3], spare;
    uint32_t ids[] = { 1, 2 };
    uint8_t msg[] = "x";
    fx_round1(&f, ids, 2, cm, h);
    mpc_frost_signing_package pkg = { .commitments = cm, .n = 2, .msg = msg, .msg_len = 1 };
    mpc_frost_signer *s1 = f.signers[0];
    cr_assert_eq(mpc_frost_signer_live_nonces(s1), 1);

    /* Unknown handles. */
    cr_assert_eq(mpc_frost_round2(s1, 0, &pkg, &sh), SH_ERR_STATE);
    cr_assert_eq(mpc_frost_round2(s1, h[0] + 1000, &pkg, &sh), SH_ERR_STATE);

    /* A second nonce of signer 1: its handle does not match the package. */
    mpc_frost_commitment other;
    cr_assert_eq(mpc_frost_round1(s1, rng, &other, &spare), 0);
    cr_assert_neq(spare, h[0]);
    cr_assert_eq(mpc_frost_round2(s1, spare, &pkg, &sh), SH_ERR_VERIFY);
    cr_assert_eq(mpc_frost_signer_live_nonces(s1), 2);

    /* Signs once; the same handle again is refused. */
    cr_assert_eq(mpc_frost_round2(s1, h[0], &pkg, &sh), 0);
    cr_assert_eq(mpc_frost_signer_live_nonces(s1), 1);
    cr_assert_eq(mpc_frost_round2(s1, h[0], &pkg, &sh), SH_ERR_STATE);
    /* Even for another package with the same commitment. */
    uint8_t msg2[] = "y";
    mpc_frost_signing_package pkg2 = pkg;
    pkg2.msg = msg2;
    cr_assert_eq(mpc_frost_round2(s1, h[0], &pkg2, &sh), SH_ERR_STATE);

    /* Discard. */
    cr_assert_eq(mpc_frost_nonce_discard(s1, spare), 0);
    cr_assert_eq(mpc_frost_nonce_discard(s1, spare), SH_ERR_STATE);
    cr_assert_eq(mpc_frost_round2(s1, spare, &pkg, &sh), SH_ERR_STATE);
    cr_assert_eq(mpc_frost_signer_live_nonces(s1), 0);

    /* Capacity. */
    uint64_t last = 0;
    for (int i = 0; i < MPC_FROST_MAX_NONCES; i++) {
        uint64_t hh;
        cr_assert_eq(mpc_frost_round1(s1, rng, &other, &hh), 0);
        cr_assert_gt(hh, last);
        last = hh;
    }
    cr_assert_eq(mpc_frost_round1(s1, rng, &other, &spare), SH_ERR_STATE);
    cr_assert_eq(mpc_frost_nonce_discard(s1, last), 0);
    cr_assert_eq(mpc_frost_round1(s1, rng, &other, &spare), 0);
    cr_assert_gt(spare, last);                    /* handles are never reused */
    fx_free(&f);
    mpc_frost_ctx_free(ctx);
}

Test(frost, own_commitment_must_be_in_the_package)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_ED25519, rng);
    fx f;
    fx_init(&f, ctx, 2, 3);
    mpc_frost_commitment cm[3];
    mpc_frost_share sh;
    uint64_t h[3];
    uint32_t ids[] = { 1, 2, 3 };
    uint8_t msg[] = "x";
    fx_round1(&f, ids, 3, cm, h);
    /* Signer 3 is left out. */
    mpc_frost_signing_package pkg = { .commitments = cm, .n = 2, .msg = msg, .msg_len = 1 };
    cr_assert_eq(mpc_frost_round2(f.signers[2], h[2], &pkg, &sh), SH_ERR_VERIFY);
    cr_assert_eq(mpc_frost_signer_live_nonces(f.signers[2]), 1);     /* kept */
    /* Signer 2's entry carries signer 3's commitment. */
    mpc_frost_commitment swapped[2] = { cm[0], cm[2] };
    swapped[1].id = 2;
    pkg.commitments = swapped;
    cr_assert_eq(mpc_frost_round2(f.signers[1], h[1], &pkg, &sh), SH_ERR_VERIFY);
    /* A package in which signer 1's hiding and binding commitments are swapped. */
    mpc_frost_commitment flip[2] = { cm[0], cm[1] };
    cr_assert_eq(mpc_frost_commitment_set(ctx, &flip[0], 1, &cm[0].binding, &cm[0].hiding), 0);
    pkg.commitments = flip;
    cr_assert_eq(mpc_frost_round2(f.signers[0], h[0], &pkg, &sh), SH_ERR_VERIFY);
    fx_free(&f);
    mpc_frost_ctx_free(ctx);
}

/* ---- package checks ------------------------------------------------------------------- */

Test(frost, package_checks)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_SECP256K1, rng);
    fx f;
    fx_init(&f, ctx, 3, 4);
    mpc_frost_commitment cm[4];
    mpc_frost_share sh;
    uint64_t h[4];
    uint32_t ids[] = { 1, 2, 3, 4 };
    uint8_t msg[] = "x";
    fx_round1(&f, ids, 4, cm, h);
    mpc_frost_signing_package pkg = { .commitments = cm, .n = 4, .msg = msg, .msg_len = 1 };
    mpc_frost_signer *s1 = f.signers[0];
    mpc_frost_commitment orig[4];
    memcpy(orig, cm, sizeof orig);
    cr_assert_eq(mpc_frost_package_check(ctx, &pkg, 3), 0);

    pkg.n = 2;                                    /* fewer than t */
    cr_assert_eq(mpc_frost_round2(s1, h[0], &pkg, &sh), SH_ERR_RANGE);
    pkg.n = 0;
    cr_assert_eq(mpc_frost_package_check(ctx, &pkg, 0), SH_ERR_RANGE);
    pkg.n = 4;
    mpc_frost_commitment t = cm[1];               /* unsorted */
    cm[1] = cm[2];
    cm[2] = t;
    cr_assert_eq(mpc_frost_round2(s1, h[0], &pkg, &sh), SH_ERR_NONCANONICAL);
    cm[2] = cm[1];                                /* duplicate */
    cr_assert_eq(mpc_frost_round2(s1, h[0], &pkg, &sh), SH_ERR_FORMAT);
    cm[2] = t;
    cm[2].id = 0;
    cr_assert_eq(mpc_frost_package_check(ctx, &pkg, 0), SH_ERR_ZERO);
    cm[2].id = MPC_MAX_PARTIES + 1;
    cr_assert_eq(mpc_frost_package_check(ctx, &pkg, 0), SH_ERR_RANGE);
    memcpy(cm, orig, sizeof orig);
    pkg.tweak.taproot = 1;                        /* tweaks are for the BIP340 variant */
    cr_assert_eq(mpc_frost_round2(s1, h[0], &pkg, &sh), SH_ERR_ARG);
    pkg.tweak.taproot = 0;
    pkg.msg_len = MPC_FROST_MAX_MSG_BYTES + 1;
    cr_assert_eq(mpc_frost_package_check(ctx, &pkg, 0), SH_ERR_OVERSIZE);
    pkg.msg_len = 1;
    /* None of this consumed the nonce. */
    cr_assert_eq(mpc_frost_round2(s1, h[0], &pkg, &sh), 0);

    /* Commitments: no identity, identifiers in range. */
    mpc_frost_commitment c;
    mpc_elem id;
    mpc_elem_identity(mpc_frost_group(ctx), &id);
    cr_assert_eq(mpc_frost_commitment_set(ctx, &c, 1, &id, &cm[0].binding), SH_ERR_IDENTITY);
    cr_assert_eq(mpc_frost_commitment_set(ctx, &c, 0, &cm[0].hiding, &cm[0].binding),
                 SH_ERR_ZERO);
    fx_free(&f);
    mpc_frost_ctx_free(ctx);
}

/* ---- keys --------------------------------------------------------------------------------- */

Test(frost, signer_rejects_inconsistent_key_packages)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_RISTRETTO255, rng);
    mpc_frost_key_package *kp = mpc_frost_key_packages_alloc(3);
    mpc_frost_signer *s = (mpc_frost_signer *)1;
    cr_assert_eq(mpc_frost_keygen_dealer(ctx, 2, 3, NULL, rng, kp, NULL), 0);
    kp[0].verifying_share = kp[1].verifying_share;
    cr_assert_eq(mpc_frost_signer_new(ctx, &kp[0], &s), SH_ERR_VERIFY);
    cr_assert_null(s);
    kp[1].id = 0;
    cr_assert_eq(mpc_frost_signer_new(ctx, &kp[1], &s), SH_ERR_RANGE);
    cr_assert_eq(mpc_frost_keygen_dealer(ctx, 4, 3, NULL, rng, kp, NULL), SH_ERR_RANGE);
    mpc_scalar zero;
    mpc_scalar_zero(mpc_frost_group(ctx), &zero);
    cr_assert_eq(mpc_frost_keygen_dealer(ctx, 2, 3, &zero, rng, kp, NULL), SH_ERR_ZERO);
    mpc_frost_key_packages_free(kp, 3);
    mpc_frost_ctx_free(ctx);
}

Test(frost, dealer_with_a_given_secret_and_suite_names)
{
    cr_assert_eq(mpc_frost_suite_by_name("FROST(Ed25519, SHA-512)"), MPC_FROST_ED25519);
    cr_assert_eq(mpc_frost_suite_by_name("FROST(P-256, SHA-256)"), 0);
    cr_assert_str_eq(mpc_frost_context_string(MPC_FROST_SECP256K1_TR),
                     "FROST-secp256k1-SHA256-TR-v1");
    cr_assert_null(mpc_frost_ctx_new((mpc_frost_suite_id)9, rng));
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_ED25519, rng);
    const mpc_group *g = mpc_frost_group(ctx);
    mpc_scalar sk;
    mpc_elem P;
    mpc_frost_key_package *kp = mpc_frost_key_packages_alloc(2);
    mpc_scalar_random(g, &sk, rng);
    mpc_elem_mul_base(g, &P, &sk);
    cr_assert_eq(mpc_frost_keygen_dealer(ctx, 1, 2, &sk, rng, kp, NULL), 0);
    cr_assert(mpc_elem_eq(g, &kp[0].group_key, &P));
    cr_assert(mpc_scalar_eq(g, &kp[0].share, &sk));   /* t = 1: every share is the secret */
    mpc_frost_key_packages_free(kp, 2);
    mpc_frost_ctx_free(ctx);
}

/* ---- a larger committee ------------------------------------------------------------ */

Test(frost, larger_committees)
{
    static const mpc_frost_suite_id suites[3] = { MPC_FROST_SECP256K1_TR, MPC_FROST_SECP256K1,
                                                  MPC_FROST_RISTRETTO255 };
    for (int s = 0; s < 3; s++) {
        mpc_frost_ctx *ctx = mpc_frost_ctx_new(suites[s], rng);
        fx f;
        uint32_t ids[64], bad[64];
        uint8_t msg[32], sig[MPC_FROST_MAX_SIG_BYTES];
        size_t sig_len, n_bad;
        fx_init(&f, ctx, 30, 45);
        random_subset(45, 33, ids);
        sh_rng_bytes(rng, msg, sizeof msg);
        cr_assert_eq(fx_sign(&f, ids, 33, msg, sizeof msg, NULL, NULL, 0, sig, &sig_len, bad,
                             &n_bad), 0);
        cr_assert_eq(mpc_frost_verify(ctx, &f.pub.group_key, NULL, msg, sizeof msg, sig,
                                      sig_len), 0);
        /* One liar among 33 is found. */
        uint32_t liar[] = { ids[17] };
        cr_assert_eq(fx_sign(&f, ids, 33, msg, sizeof msg, NULL, liar, 1, sig, &sig_len, bad,
                             &n_bad), SH_ERR_VERIFY);
        cr_assert_eq(n_bad, 1);
        cr_assert_eq(bad[0], ids[17]);
        fx_free(&f);
        mpc_frost_ctx_free(ctx);
    }
}
