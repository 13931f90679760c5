/* tests/test_mpc_frost_msg.c -- the FROST wire format (mpc/frost_msg.h):
 * byte-exact round trips of every message in every suite, the byte-level
 * example of docs/frost.md, and each malformation refused with its error:
 * truncated, trailing, wrong version, type or suite, non-canonical
 * scalars, invalid and identity points, zero, out-of-range, repeated and
 * unsorted identifiers, wrong lengths, oversize input, a key package whose
 * share does not match. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "mpc/frost_msg.h"
#include "util/mp.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(17);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(frost_msg, .init = setup, .fini = teardown, .timeout = 120);

typedef struct kit {
    mpc_frost_ctx *ctx;
    mpc_frost_key_package *kps;
    mpc_frost_public_package pub;
    mpc_frost_commitment cm[3];
    mpc_frost_signer *signer[3];
    uint64_t h[3];
} kit;

static void kit_init(kit *k, mpc_frost_suite_id id)
{
    memset(k, 0, sizeof *k);
    k->ctx = mpc_frost_ctx_new(id, rng);
    cr_assert_not_null(k->ctx);
    k->kps = mpc_frost_key_packages_alloc(3);
    k->pub.verifying_shares = mpc_elems_alloc(3);
    cr_assert_eq(mpc_frost_keygen_dealer(k->ctx, 2, 3, NULL, rng, k->kps, &k->pub), 0);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(mpc_frost_signer_new(k->ctx, &k->kps[i], &k->signer[i]), 0);
        cr_assert_eq(mpc_frost_round1(k->signer[i], rng, &k->cm[i], &k->h[i]), 0);
    }
}

static void kit_free(kit *k)
{
    for (int i = 0; i < 3; i++)
        mpc_frost_signer_free(k->signer[i]);
    mpc_frost_key_packages_free(k->kps, 3);
    mpc_elems_free(k->pub.verifying_shares, 3);
    mpc_frost_ctx_free(k->ctx);
}

static void bytes_eq(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    cr_assert_eq(an, bn);
    cr_assert_eq(memcmp(a, b, an), 0);
}

Test(frost_msg, round_trips_in_every_suite)
{
    for (int s = MPC_FROST_RISTRETTO255; s <= MPC_FROST_SECP256K1_TR; s++) {
        kit k;
        kit_init(&k, (mpc_frost_suite_id)s);
        const mpc_group *g = mpc_frost_group(k.ctx);
        sh_buf b, b2;
        sh_buf_init(&b);
        sh_buf_init(&b2);

        /* key package, into a caller buffer */
        uint8_t kb[MPC_FROST_KEY_PACKAGE_MAX], kb2[MPC_FROST_KEY_PACKAGE_MAX];
        size_t kl, kl2;
        mpc_frost_key_package kp;
        cr_assert_eq(mpc_frost_key_package_encode(k.ctx, &k.kps[1], kb, sizeof kb, &kl), 0);
        cr_assert_eq(mpc_frost_key_package_encode(k.ctx, &k.kps[1], kb, 10, &kl2), SH_ERR_LENGTH);
        cr_assert_eq(mpc_frost_key_package_decode(k.ctx, &kp, kb, kl), 0);
        cr_assert(mpc_scalar_eq(g, &kp.share, &k.kps[1].share));
        cr_assert(mpc_elem_eq(g, &kp.group_key, &k.kps[1].group_key));
        cr_assert_eq(kp.id, 2);
        cr_assert_eq(kp.min_signers, 2);
        cr_assert_eq(mpc_frost_key_package_encode(k.ctx, &kp, kb2, sizeof kb2, &kl2), 0);
        bytes_eq(kb, kl, kb2, kl2);
        sodium_memzero(kb, sizeof kb);
        sodium_memzero(kb2, sizeof kb2);

        /* public package */
        mpc_frost_public_package pub;
        cr_assert_eq(mpc_frost_public_package_encode(k.ctx, &k.pub, &b), 0);
        cr_assert_eq(mpc_frost_public_package_decode(k.ctx, &pub, b.data, b.len), 0);
        cr_assert_eq(pub.n, 3);
        cr_assert_eq(pub.min_signers, 2);
        cr_assert_eq(mpc_frost_public_package_encode(k.ctx, &pub, &b2), 0);
        bytes_eq(b.data, b.len, b2.data, b2.len);
        mpc_frost_public_package_clear(&pub);
        sh_buf_reset(&b);
        sh_buf_reset(&b2);

        /* commitment */
        mpc_frost_commitment c;
        cr_assert_eq(mpc_frost_commitment_encode(k.ctx, &k.cm[2], &b), 0);
        cr_assert_leq(b.len, MPC_FROST_COMMITMENT_MAX);
        cr_assert_eq(mpc_frost_commitment_decode(k.ctx, &c, b.data, b.len), 0);
        cr_assert_eq(c.id, 3);
        cr_assert_eq(memcmp(c.enc, k.cm[2].enc, sizeof c.enc), 0);
        cr_assert_eq(mpc_frost_commitment_encode(k.ctx, &c, &b2), 0);
        bytes_eq(b.data, b.len, b2.data, b2.len);
        sh_buf_reset(&b);
        sh_buf_reset(&b2);

        /* signing package; the decoded one signs */
        uint8_t msg[] = "message";
        mpc_frost_signing_package pkg = { .commitments = k.cm, .n = 3, .msg = msg,
                                          .msg_len = sizeof msg }, dp;
        for (int tw = 0; tw < (s == MPC_FROST_SECP256K1_TR ? 3 : 1); tw++) {
            pkg.tweak.taproot = tw > 0;
            pkg.tweak.has_merkle_root = tw == 2;
            memset(pkg.tweak.merkle_root, tw == 2 ? 0xab : 0, 32);
            cr_assert_eq(mpc_frost_signing_package_encode(k.ctx, &pkg, &b), 0);
            cr_assert_eq(mpc_frost_signing_package_decode(k.ctx, &dp, b.data, b.len), 0);
            cr_assert_eq(dp.n, 3);
            cr_assert_eq(dp.msg_len, sizeof msg);
            cr_assert_eq(memcmp(dp.msg, msg, sizeof msg), 0);
            cr_assert_eq(memcmp(&dp.tweak, &pkg.tweak, sizeof pkg.tweak), 0);
            cr_assert_eq(mpc_frost_signing_package_encode(k.ctx, &dp, &b2), 0);
            bytes_eq(b.data, b.len, b2.data, b2.len);
            sh_buf_reset(&b);
            sh_buf_reset(&b2);
            if (tw == 0) {
                mpc_frost_share sh, sd;
                cr_assert_eq(mpc_frost_round2(k.signer[0], k.h[0], &dp, &sh), 0);
                /* share */
                cr_assert_eq(mpc_frost_share_encode(k.ctx, &sh, &b), 0);
                cr_assert_eq(mpc_frost_share_decode(k.ctx, &sd, b.data, b.len), 0);
                cr_assert_eq(sd.id, 1);
                cr_assert(mpc_scalar_eq(g, &sd.z, &sh.z));
                cr_assert_eq(mpc_frost_share_encode(k.ctx, &sd, &b2), 0);
                bytes_eq(b.data, b.len, b2.data, b2.len);
                sh_buf_reset(&b);
                sh_buf_reset(&b2);
            }
            mpc_frost_signing_package_clear(&dp);
        }
        /* an empty message */
        pkg.msg = NULL;
        pkg.msg_len = 0;
        memset(&pkg.tweak, 0, sizeof pkg.tweak);
        cr_assert_eq(mpc_frost_signing_package_encode(k.ctx, &pkg, &b), 0);
        cr_assert_eq(mpc_frost_signing_package_decode(k.ctx, &dp, b.data, b.len), 0);
        cr_assert_eq(dp.msg_len, 0);
        mpc_frost_signing_package_clear(&dp);
        sh_buf_free(&b);
        sh_buf_free(&b2);
        kit_free(&k);
    }
}

/* The byte-level example of docs/frost.md: a ristretto255 share of signer
 * 3 with z = 1. */
Test(frost_msg, share_bytes_match_the_spec)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_RISTRETTO255, rng);
    mpc_frost_share s = { .id = 3 };
    uint8_t want[7 + 32] = { 0x95, 0x01, 0x05, 0x01, 0x03, 0xc4, 0x20, 0x01 };
    sh_buf b;
    sh_buf_init(&b);
    mpc_scalar_one(mpc_frost_group(ctx), &s.z);
    cr_assert_eq(mpc_frost_share_encode(ctx, &s, &b), 0);
    bytes_eq(b.data, b.len, want, 7 + 32);
    sh_buf_free(&b);
    mpc_frost_ctx_free(ctx);
}

/* ---- malformed input --------------------------------------------------------------- */

typedef struct wr {
    sh_buf b;
    sh_mp_writer w;
} wr;

static void wr_init(wr *x)
{
    sh_buf_init(&x->b);
    sh_mp_writer_init(&x->w, &x->b);
}

static void wr_done(wr *x)
{
    cr_assert_eq(sh_mp_writer_finish(&x->w), 0);
}

/* A share message [version, type, suite, id, z] with the given fields. */
static void share_msg(wr *x, uint64_t ver, uint64_t type, uint64_t suite, uint64_t id,
                      const uint8_t *z, size_t zlen)
{
    wr_init(x);
    sh_mp_put_envelope(&x->w, ver, type, 3);
    sh_mp_put_uint(&x->w, suite);
    sh_mp_put_uint(&x->w, id);
    sh_mp_put_bin(&x->w, z, zlen);
    wr_done(x);
}

Test(frost_msg, malformed_shares)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(MPC_FROST_SECP256K1, rng);
    mpc_frost_share s;
    uint8_t z[33] = { 0 };
    /* n, the secp256k1 order (big endian): not canonical */
    static const uint8_t n[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
        0xd0, 0x36, 0x41, 0x41 };
    wr x;
    z[31] = 7;
    share_msg(&x, 1, MPC_FROST_MSG_SHARE, 3, 2, z, 32);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), 0);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len - 1), SH_ERR_TRUNCATED);
    cr_assert_eq(sh_buf_append_u8(&x.b, 0), 0);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), SH_ERR_TRAILING);
    sh_buf_free(&x.b);

    share_msg(&x, 2, MPC_FROST_MSG_SHARE, 3, 2, z, 32);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), SH_ERR_VERSION);
    sh_buf_free(&x.b);
    share_msg(&x, 1, MPC_FROST_MSG_COMMITMENT, 3, 2, z, 32);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), SH_ERR_TYPE);
    sh_buf_free(&x.b);
    share_msg(&x, 1, MPC_FROST_MSG_SHARE, 4, 2, z, 32);       /* the BIP340 suite's */
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), SH_ERR_RANGE);
    sh_buf_free(&x.b);
    share_msg(&x, 1, MPC_FROST_MSG_SHARE, 3, 0, z, 32);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), SH_ERR_ZERO);
    sh_buf_free(&x.b);
    share_msg(&x, 1, MPC_FROST_MSG_SHARE, 3, MPC_MAX_PARTIES + 1, z, 32);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), SH_ERR_RANGE);
    sh_buf_free(&x.b);
    share_msg(&x, 1, MPC_FROST_MSG_SHARE, 3, 2, z, 33);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), SH_ERR_LENGTH);
    sh_buf_free(&x.b);
    share_msg(&x, 1, MPC_FROST_MSG_SHARE, 3, 2, n, 32);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), SH_ERR_NONCANONICAL);
    sh_buf_free(&x.b);

    /* Too many fields; a map; oversize. */
    wr_init(&x);
    sh_mp_put_envelope(&x.w, 1, MPC_FROST_MSG_SHARE, 4);
    sh_mp_put_uint(&x.w, 3);
    sh_mp_put_uint(&x.w, 2);
    sh_mp_put_bin(&x.w, z, 32);
    sh_mp_put_nil(&x.w);
    wr_done(&x);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, x.b.data, x.b.len), SH_ERR_LENGTH);
    sh_buf_free(&x.b);
    uint8_t big[MPC_FROST_SHARE_MAX + 1] = { 0x95 };
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, big, sizeof big), SH_ERR_OVERSIZE);
    uint8_t map[] = { 0x95, 0x01, 0x05, 0x03, 0x02, 0x80 };
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, map, sizeof map), SH_ERR_TYPE);
    cr_assert_eq(mpc_frost_share_decode(ctx, &s, map, 0), SH_ERR_TRUNCATED);
    mpc_frost_ctx_free(ctx);
}

/* A commitment message with raw element bytes. */
static void commitment_msg(wr *x, uint64_t suite, uint64_t id, const uint8_t *d,
                           const uint8_t *e, size_t ne)
{
    wr_init(x);
    sh_mp_put_envelope(&x->w, 1, MPC_FROST_MSG_COMMITMENT, 4);
    sh_mp_put_uint(&x->w, suite);
    sh_mp_put_uint(&x->w, id);
    sh_mp_put_bin(&x->w, d, ne);
    sh_mp_put_bin(&x->w, e, ne);
    wr_done(x);
}

Test(frost_msg, malformed_commitments)
{
    for (int s = MPC_FROST_RISTRETTO255; s <= MPC_FROST_SECP256K1; s++) {
        kit k;
        kit_init(&k, (mpc_frost_suite_id)s);
        size_t ne = mpc_group_elem_bytes(mpc_frost_group(k.ctx));
        mpc_frost_commitment c;
        uint8_t bad[33], zero[33] = { 0 };
        wr x;
        memcpy(bad, k.cm[0].enc[0], ne);
        commitment_msg(&x, (uint64_t)s, 1, bad, k.cm[0].enc[1], ne);
        cr_assert_eq(mpc_frost_commitment_decode(k.ctx, &c, x.b.data, x.b.len), 0);
        sh_buf_free(&x.b);
        /* Not a point: for secp256k1 a bad prefix, otherwise a bad top byte. */
        if (s == MPC_FROST_SECP256K1) {
            bad[0] = 0x05;                        /* no such SEC1 prefix */
        } else if (s == MPC_FROST_RISTRETTO255) {
            bad[0] |= 1;                          /* a "negative" field element */
        } else {
            memset(bad, 0xff, 32);                /* y = 2^255 - 1 >= p */
            bad[31] = 0x7f;
        }
        commitment_msg(&x, (uint64_t)s, 1, k.cm[0].enc[0], bad, ne);
        cr_assert_eq(mpc_frost_commitment_decode(k.ctx, &c, x.b.data, x.b.len), SH_ERR_POINT,
                     "suite %d", s);
        sh_buf_free(&x.b);
        /* The identity (ristretto255 and secp256k1: all zero (mpc/group's
         * convention for secp256k1); Ed25519: 01 00..). */
        if (s == MPC_FROST_ED25519)
            zero[0] = 1;
        commitment_msg(&x, (uint64_t)s, 1, zero, k.cm[0].enc[1], ne);
        cr_assert_eq(mpc_frost_commitment_decode(k.ctx, &c, x.b.data, x.b.len),
                     SH_ERR_IDENTITY, "suite %d", s);
        sh_buf_free(&x.b);
        commitment_msg(&x, (uint64_t)s, 1, k.cm[0].enc[0], k.cm[0].enc[1], ne - 1);
        cr_assert_eq(mpc_frost_commitment_decode(k.ctx, &c, x.b.data, x.b.len), SH_ERR_LENGTH);
        sh_buf_free(&x.b);
        kit_free(&k);
    }
    /* Ed25519: a point of small order (not in the prime-order subgroup). */
    kit k;
    kit_init(&k, MPC_FROST_ED25519);
    static const uint8_t order2[32] = { 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
    mpc_frost_commitment c;
    wr x;
    commitment_msg(&x, MPC_FROST_ED25519, 1, order2, k.cm[0].enc[1], 32);
    cr_assert_eq(mpc_frost_commitment_decode(k.ctx, &c, x.b.data, x.b.len), SH_ERR_POINT);
    sh_buf_free(&x.b);
    kit_free(&k);
}

/* A signing package with the commitments of k.cm in the order idx. */
static void package_msg(wr *x, kit *k, uint64_t suite, const int *idx, const uint32_t *ids,
                        size_t n, int tweak_len)
{
    size_t ne = mpc_group_elem_bytes(mpc_frost_group(k->ctx));
    uint8_t root[33] = { 0 };
    wr_init(x);
    sh_mp_put_envelope(&x->w, 1, MPC_FROST_MSG_SIGNING_PACKAGE, 4);
    sh_mp_put_uint(&x->w, suite);
    sh_mp_put_bin(&x->w, (const uint8_t *)"m", 1);
    if (tweak_len < 0)
        sh_mp_put_nil(&x->w);
    else
        sh_mp_put_bin(&x->w, root, (size_t)tweak_len);
    sh_mp_put_array(&x->w, n);
    for (size_t i = 0; i < n; i++) {
        sh_mp_put_array(&x->w, 3);
        sh_mp_put_uint(&x->w, ids[i]);
        sh_mp_put_bin(&x->w, k->cm[idx[i]].enc[0], ne);
        sh_mp_put_bin(&x->w, k->cm[idx[i]].enc[1], ne);
    }
    wr_done(x);
}

Test(frost_msg, malformed_signing_packages)
{
    kit k;
    kit_init(&k, MPC_FROST_SECP256K1_TR);
    mpc_frost_signing_package p;
    wr x;
    const int idx[3] = { 0, 1, 2 };
    const uint32_t ok[3] = { 1, 2, 3 }, unsorted[3] = { 1, 3, 2 }, dup[3] = { 1, 2, 2 },
                   zero[3] = { 0, 1, 2 };
#define EXPECT(ids, n, tw, err) do { \
        package_msg(&x, &k, MPC_FROST_SECP256K1_TR, idx, ids, n, tw); \
        cr_assert_eq(mpc_frost_signing_package_decode(k.ctx, &p, x.b.data, x.b.len), err); \
        if ((err) == 0) \
            mpc_frost_signing_package_clear(&p); \
        sh_buf_free(&x.b); \
    } while (0)
    EXPECT(ok, 3, -1, 0);
    EXPECT(ok, 3, 0, 0);
    EXPECT(ok, 3, 32, 0);
    EXPECT(ok, 3, 31, SH_ERR_LENGTH);
    EXPECT(ok, 3, 33, SH_ERR_OVERSIZE);
    EXPECT(unsorted, 3, -1, SH_ERR_NONCANONICAL);
    EXPECT(dup, 3, -1, SH_ERR_FORMAT);
    EXPECT(zero, 3, -1, SH_ERR_ZERO);
    EXPECT(ok, 0, -1, SH_ERR_LENGTH);              /* no commitments at all */
#undef EXPECT
    /* A tweak in another suite. */
    kit k2;
    kit_init(&k2, MPC_FROST_SECP256K1);
    package_msg(&x, &k2, MPC_FROST_SECP256K1, idx, ok, 3, 0);
    cr_assert_eq(mpc_frost_signing_package_decode(k2.ctx, &p, x.b.data, x.b.len), SH_ERR_TYPE);
    sh_buf_free(&x.b);
    package_msg(&x, &k2, MPC_FROST_SECP256K1, idx, ok, 3, -1);
    cr_assert_eq(mpc_frost_signing_package_decode(k2.ctx, &p, x.b.data, x.b.len), 0);
    mpc_frost_signing_package_clear(&p);
    /* Every proper prefix is truncated. */
    for (size_t cut = 0; cut < x.b.len; cut++)
        cr_assert_eq(mpc_frost_signing_package_decode(k2.ctx, &p, x.b.data, cut),
                     SH_ERR_TRUNCATED, "cut %zu", cut);
    sh_buf_free(&x.b);
    kit_free(&k2);
    kit_free(&k);
}

Test(frost_msg, malformed_key_and_public_packages)
{
    kit k;
    kit_init(&k, MPC_FROST_ED25519);
    uint8_t kb[MPC_FROST_KEY_PACKAGE_MAX];
    size_t kl;
    mpc_frost_key_package kp = k.kps[0];
    /* A share that does not match its verifying share. */
    kp.verifying_share = k.kps[1].verifying_share;
    cr_assert_eq(mpc_frost_key_package_encode(k.ctx, &kp, kb, sizeof kb, &kl), 0);
    cr_assert_eq(mpc_frost_key_package_decode(k.ctx, &kp, kb, kl), SH_ERR_VERIFY);
    cr_assert_eq(kp.id, 0);                       /* wiped */
    kp = k.kps[0];
    kp.min_signers = 0;
    cr_assert_eq(mpc_frost_key_package_encode(k.ctx, &kp, kb, sizeof kb, &kl), SH_ERR_RANGE);
    kp.min_signers = 2;
    kp.id = 0;
    cr_assert_eq(mpc_frost_key_package_encode(k.ctx, &kp, kb, sizeof kb, &kl), SH_ERR_ZERO);
    /* Key package read as a public package. */
    cr_assert_eq(mpc_frost_key_package_encode(k.ctx, &k.kps[0], kb, sizeof kb, &kl), 0);
    mpc_frost_public_package pub;
    cr_assert_eq(mpc_frost_public_package_decode(k.ctx, &pub, kb, kl), SH_ERR_TYPE);
    sodium_memzero(kb, sizeof kb);
    /* Threshold above n. */
    wr x;
    wr_init(&x);
    sh_mp_put_envelope(&x.w, 1, MPC_FROST_MSG_PUBLIC_PACKAGE, 4);
    sh_mp_put_uint(&x.w, MPC_FROST_ED25519);
    sh_mp_put_uint(&x.w, 3);
    sh_mp_put_bin(&x.w, k.cm[0].enc[0], 32);
    sh_mp_put_array(&x.w, 2);
    sh_mp_put_bin(&x.w, k.cm[0].enc[0], 32);
    sh_mp_put_bin(&x.w, k.cm[0].enc[1], 32);
    wr_done(&x);
    cr_assert_eq(mpc_frost_public_package_decode(k.ctx, &pub, x.b.data, x.b.len), SH_ERR_RANGE);
    cr_assert_null(pub.verifying_shares);
    sh_buf_free(&x.b);
    kit_free(&k);
}
