/* tests/test_mpc_tdec.c -- threshold ElGamal decryption (mpc/tdec.h):
 * committees (t, n) = (1,1), (2,3), (3,5), (5,9) dealt with
 * mpc_shamir_split, batches of widths 1..7; any t-subset recovers the
 * plaintext bytes; every kind of wrong partial is named (party, and the
 * ciphertexts by interpolation) while the valid ones still decrypt; fewer
 * than t valid is a clear error; the proof is checked against an
 * independent rebuild of docs/threshold-decryption.md; the message codec
 * is strict.  All seeds are fixed. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/tdec.h"
#include "util/mp.h"
#include "zk/msm.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(3003);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(tdec, .init = setup, .fini = teardown, .timeout = 600);

/* ---- fixtures ---------------------------------------------------------------- */

typedef struct committee {
    uint32_t t, n;
    zk_scalar secret;
    mpc_tdec_pub pk;
    mpc_tdec_secret *sk;        /* sk[i]: party i + 1 */
} committee;

static void committee_init(committee *c, uint32_t t, uint32_t n)
{
    mpc_group *g = mpc_group_new(MPC_RISTRETTO255, NULL);
    mpc_scalar *shares = mpc_scalars_alloc(n), *s = mpc_scalars_alloc(1);
    mpc_elem *C = mpc_elems_alloc(t);
    cr_assert(g != NULL && shares != NULL && s != NULL && C != NULL);
    mpc_scalar_random(g, s, rng);
    cr_assert_eq(mpc_shamir_split(g, shares, C, s, t, n, rng), 0);
    c->t = t;
    c->n = n;
    c->secret = s->r;
    cr_assert_eq(mpc_tdec_pub_init_feldman(&c->pk, C, t, n), 0);
    c->sk = zk_aligned_alloc(n, sizeof *c->sk);
    cr_assert_not_null(c->sk);
    for (uint32_t i = 0; i < n; i++) {
        cr_assert_eq(mpc_tdec_secret_init(&c->sk[i], i + 1, &shares[i].r), 0);
        cr_assert(zk_elem_eq(&c->sk[i].X, &c->pk.X[i]));
    }
    zk_point Y;
    zk_point_mul_base(&Y, &c->secret);
    cr_assert(zk_point_eq(&Y, &c->pk.Y.p));
    mpc_scalars_free(shares, n);
    mpc_scalars_free(s, 1);
    mpc_elems_free(C, t);
    mpc_group_free(g);
}

static void committee_clear(committee *c)
{
    for (uint32_t i = 0; i < c->n; i++)
        mpc_tdec_secret_wipe(&c->sk[i]);
    free(c->sk);
    mpc_tdec_pub_clear(&c->pk);
}

/* N random messages of width exactly w, encrypted under the group key. */
typedef struct plain {
    size_t n, w;
    uint8_t (*msg)[ZK_ENCODE_CHUNK_BYTES * 8];
    size_t *len;
    zk_elgamal_ct *ct;
} plain;

static void plain_init(plain *p, const committee *c, size_t n, size_t w)
{
    cr_assert(w >= 1 && w <= 8);
    p->n = n;
    p->w = w;
    p->msg = calloc(n, sizeof *p->msg);
    p->len = calloc(n, sizeof *p->len);
    p->ct = zk_aligned_alloc(n * w, sizeof(zk_elgamal_ct));
    cr_assert(p->msg != NULL && p->len != NULL && p->ct != NULL);
    for (size_t k = 0; k < n; k++) {
        p->len[k] = 30 * w - 2 - sh_rng_uniform(rng, 29);
        sh_rng_bytes(rng, p->msg[k], p->len[k]);
        cr_assert_eq(zk_encode_width(p->len[k]), w);
        cr_assert_eq(zk_elgamal_encrypt_bytes(p->ct + k * w, w, NULL, &c->pk.Y.p, p->msg[k],
                                              p->len[k], rng), 0);
    }
}

static void plain_clear(plain *p)
{
    free(p->msg);
    free(p->len);
    free(p->ct);
}

static const uint8_t CTX[] = "epoch 42 round 7";

static void batch_of(mpc_tdec_batch *b, const committee *c, const plain *p,
                     const char *ctx)
{
    cr_assert_eq(mpc_tdec_batch_init(b, &c->pk, (const uint8_t *)ctx, strlen(ctx), p->ct,
                                     p->n, p->w), 0);
}

static mpc_tdec_partials *partial_of(const committee *c, const mpc_tdec_batch *b,
                                     uint32_t id)
{
    mpc_tdec_partials *d = mpc_tdec_partials_new(b->n, b->w);
    cr_assert_not_null(d);
    cr_assert_eq(mpc_tdec_partial(d, b, &c->sk[id - 1], rng), 0);
    cr_assert_eq(d->id, id);
    return d;
}

/* Combine from parts (verified) and compare every plaintext with p. */
static void expect_plaintexts(const committee *c, const mpc_tdec_batch *b, const plain *p,
                              const mpc_tdec_partials *const *parts, size_t k)
{
    zk_point *M = zk_points_alloc(b->n * b->w);
    cr_assert_not_null(M);
    cr_assert_eq(mpc_tdec_combine(M, &c->pk, b, parts, k), 0);
    uint8_t out[ZK_ENCODE_CHUNK_BYTES * 8];
    for (size_t j = 0; j < b->n; j++) {
        size_t len = 0;
        cr_assert_eq(mpc_tdec_plaintext(out, sizeof out, &len, b, M, j), 0);
        cr_assert_eq(len, p->len[j]);
        cr_assert_eq(memcmp(out, p->msg[j], len), 0);
    }
    zk_points_free(M, b->n * b->w);
}

/* ---- decryption -------------------------------------------------------------- */

static void roundtrip(uint32_t t, uint32_t n, size_t N, size_t w)
{
    committee c;
    plain p;
    mpc_tdec_batch b;
    committee_init(&c, t, n);
    plain_init(&p, &c, N, w);
    batch_of(&b, &c, &p, (const char *)CTX);
    mpc_tdec_partials **d = calloc(n, sizeof *d);
    int *st = calloc(n, sizeof *st);
    for (uint32_t i = 0; i < n; i++)
        d[i] = partial_of(&c, &b, i + 1);
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, (const mpc_tdec_partials *const *)d, n, rng, st),
                 0, "t=%u n=%u w=%zu", t, n, w);
    for (uint32_t i = 0; i < n; i++)
        cr_assert_eq(st[i], 0);
    /* the first t, the last t, and a rotation through the middle */
    const mpc_tdec_partials **sub = calloc(t, sizeof *sub);
    uint32_t step = n - t > 0 ? n - t : 1;
    for (uint32_t start = 0; start < n; start += step) {
        for (uint32_t l = 0; l < t; l++)
            sub[l] = d[(start + l) % n];
        expect_plaintexts(&c, &b, &p, sub, t);
    }
    for (uint32_t l = 0; l < t; l++)
        sub[l] = d[n - 1 - l];
    expect_plaintexts(&c, &b, &p, sub, t);
    free(sub);
    for (uint32_t i = 0; i < n; i++)
        mpc_tdec_partials_free(d[i]);
    free(d);
    free(st);
    mpc_tdec_batch_clear(&b);
    plain_clear(&p);
    committee_clear(&c);
}

Test(tdec, any_t_subset_recovers_the_bytes_for_every_shape)
{
    static const uint32_t tn[][2] = { { 1, 1 }, { 2, 3 }, { 3, 5 }, { 5, 9 } };
    for (size_t s = 0; s < sizeof tn / sizeof tn[0]; s++)
        for (size_t w = 1; w <= 7; w++)
            roundtrip(tn[s][0], tn[s][1], s == 3 ? 2 : 3, w);
    roundtrip(3, 5, 1, 1);   /* the one-component shortcut */
    roundtrip(3, 5, 1, 2);
}

Test(tdec, every_t_subset_gives_the_same_points)
{
    committee c;
    plain p;
    mpc_tdec_batch b;
    committee_init(&c, 3, 5);
    plain_init(&p, &c, 2, 3);
    batch_of(&b, &c, &p, "subsets");
    mpc_tdec_partials *d[5];
    for (uint32_t i = 0; i < 5; i++)
        d[i] = partial_of(&c, &b, i + 1);
    size_t m = b.n * b.w;
    zk_point *want = zk_points_alloc(m), *got = zk_points_alloc(m);
    /* the reference: plain ElGamal decryption with the dealer's secret */
    cr_assert_eq(zk_elgamal_decrypt(want, &c.secret, p.ct, m), 0);
    int subsets = 0;
    for (int a = 0; a < 5; a++)
        for (int x = a + 1; x < 5; x++)
            for (int y = x + 1; y < 5; y++) {
                const mpc_tdec_partials *sub[3] = { d[y], d[a], d[x] };
                cr_assert_eq(mpc_tdec_combine(got, &c.pk, &b, sub, 3), 0);
                for (size_t i = 0; i < m; i++)
                    cr_assert(zk_point_eq(&got[i], &want[i]));
                subsets++;
            }
    cr_assert_eq(subsets, 10);
    zk_points_free(want, m);
    zk_points_free(got, m);
    for (int i = 0; i < 5; i++)
        mpc_tdec_partials_free(d[i]);
    mpc_tdec_batch_clear(&b);
    plain_clear(&p);
    committee_clear(&c);
}

/* ---- wrong partials are named ---------------------------------------------- */

/* D[m] of d replaced by D[m] + B (point and encoding). */
static void corrupt(mpc_tdec_partials *d, size_t m)
{
    zk_point B;
    zk_point_base(&B);
    zk_point_add(&d->D[m], &d->D[m], &B);
    zk_point_encode(d->enc + ZK_POINT_BYTES * m, &d->D[m]);
}

Test(tdec, wrong_partials_are_named_and_the_rest_decrypts)
{
    committee c;
    plain p, other;
    mpc_tdec_batch b, b_ctx, b_other;
    committee_init(&c, 3, 7);
    plain_init(&p, &c, 4, 2);
    plain_init(&other, &c, 4, 2);
    batch_of(&b, &c, &p, (const char *)CTX);
    batch_of(&b_ctx, &c, &p, "epoch 43 round 7");
    batch_of(&b_other, &c, &other, (const char *)CTX);

    mpc_tdec_partials *d[7];
    /* 1: honest.  2: a wrong share (x + 1) with a proof for it. */
    d[0] = partial_of(&c, &b, 1);
    {
        mpc_tdec_secret wrong;
        zk_scalar one, x;
        zk_scalar_one(&one);
        zk_scalar_add(&x, &c.sk[1].x, &one);
        cr_assert_eq(mpc_tdec_secret_init(&wrong, 2, &x), 0);
        d[1] = mpc_tdec_partials_new(b.n, b.w);
        cr_assert_eq(mpc_tdec_partial(d[1], &b, &wrong, rng), 0);
        mpc_tdec_secret_wipe(&wrong);
    }
    /* 3: one wrong point, in ciphertext 2 (component 2*2+1). */
    d[2] = partial_of(&c, &b, 3);
    corrupt(d[2], 5);
    /* 4: honest.  5: a tampered proof (s + 1, still canonical). */
    d[3] = partial_of(&c, &b, 4);
    d[4] = partial_of(&c, &b, 5);
    d[4]->proof[64] ^= 1;
    /* 6: proof for another context.  7: partials of another batch. */
    d[5] = partial_of(&c, &b_ctx, 6);
    d[6] = partial_of(&c, &b_other, 7);

    int st[7];
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, (const mpc_tdec_partials *const *)d, 7, rng, st),
                 SH_ERR_VERIFY);
    static const int want[7] = { 0, SH_ERR_VERIFY, SH_ERR_VERIFY, 0, SH_ERR_VERIFY,
                                 SH_ERR_VERIFY, SH_ERR_VERIFY };
    for (int i = 0; i < 7; i++)
        cr_assert_eq(st[i], want[i], "party %d: %d", i + 1, st[i]);
    /* the same verdicts without batching */
    int st1[7];
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, (const mpc_tdec_partials *const *)d, 7, NULL,
                                 st1), SH_ERR_VERIFY);
    cr_assert_eq(memcmp(st, st1, sizeof st), 0);

    /* The ciphertexts each bad party got wrong, from three valid parties
     * (1, 4, and a fresh honest message of party 6 for this batch). */
    mpc_tdec_partials *d6 = partial_of(&c, &b, 6);
    const mpc_tdec_partials *valid[3] = { d[0], d[3], d6 };
    uint8_t wrong[4];
    size_t nwrong;
    cr_assert_eq(mpc_tdec_blame(wrong, &nwrong, &c.pk, &b, d[1], valid, 3), 0);
    cr_assert_eq(nwrong, 4);                       /* wrong share: everything */
    cr_assert_eq(mpc_tdec_blame(wrong, &nwrong, &c.pk, &b, d[2], valid, 3), 0);
    cr_assert_eq(nwrong, 1);
    cr_assert(wrong[2] == 1 && wrong[0] == 0 && wrong[1] == 0 && wrong[3] == 0);
    cr_assert_eq(mpc_tdec_blame(wrong, &nwrong, &c.pk, &b, d[4], valid, 3), 0);
    cr_assert_eq(nwrong, 0);                       /* only the proof is bad */
    mpc_tdec_partials *d7 = partial_of(&c, &b, 7);
    const mpc_tdec_partials *valid7[3] = { d[0], d[3], d7 };
    cr_assert_eq(mpc_tdec_blame(wrong, &nwrong, &c.pk, &b, d[5], valid7, 3), 0);
    cr_assert_eq(nwrong, 0);                       /* right points, wrong context */
    mpc_tdec_partials_free(d7);
    cr_assert_eq(mpc_tdec_blame(wrong, &nwrong, &c.pk, &b, d[6], valid, 3), 0);
    cr_assert_eq(nwrong, 4);                       /* another batch's points */
    cr_assert_eq(mpc_tdec_blame(wrong, &nwrong, &c.pk, &b, d[0], valid, 3), SH_ERR_ARG);
    cr_assert_eq(mpc_tdec_blame(wrong, &nwrong, &c.pk, &b, d[1], valid, 2), SH_ERR_STATE);

    /* decrypt with all seven: the two valid ones are not enough ... */
    zk_point *M = zk_points_alloc(b.n * b.w);
    cr_assert_eq(mpc_tdec_decrypt(M, &c.pk, &b, (const mpc_tdec_partials *const *)d, 7, rng,
                                  st), SH_ERR_STATE);
    cr_assert_eq(mpc_tdec_combine(M, &c.pk, &b, valid, 2), SH_ERR_STATE);
    /* ... with party 6's honest message for this batch instead, they are */
    mpc_tdec_partials *with6[7];
    memcpy(with6, d, sizeof d);
    with6[5] = d6;
    cr_assert_eq(mpc_tdec_decrypt(M, &c.pk, &b, (const mpc_tdec_partials *const *)with6, 7,
                                  rng, st), 0);
    for (int i = 0; i < 7; i++)
        cr_assert_eq(st[i], i == 5 ? 0 : want[i]);
    uint8_t out[64];
    size_t len;
    for (size_t k = 0; k < b.n; k++) {
        cr_assert_eq(mpc_tdec_plaintext(out, sizeof out, &len, &b, M, k), 0);
        cr_assert(len == p.len[k] && memcmp(out, p.msg[k], len) == 0);
    }
    zk_points_free(M, b.n * b.w);
    mpc_tdec_partials_free(d6);
    for (int i = 0; i < 7; i++)
        mpc_tdec_partials_free(d[i]);
    mpc_tdec_batch_clear(&b);
    mpc_tdec_batch_clear(&b_ctx);
    mpc_tdec_batch_clear(&b_other);
    plain_clear(&p);
    plain_clear(&other);
    committee_clear(&c);
}

Test(tdec, relabelled_unknown_and_misshapen_partials)
{
    committee c;
    plain p, p2;
    mpc_tdec_batch b, b2;
    committee_init(&c, 2, 3);
    plain_init(&p, &c, 2, 1);
    plain_init(&p2, &c, 1, 1);
    batch_of(&b, &c, &p, "x");
    batch_of(&b2, &c, &p2, "x");
    mpc_tdec_partials *d[4] = { partial_of(&c, &b, 1), partial_of(&c, &b, 2),
                                partial_of(&c, &b, 3), partial_of(&c, &b2, 1) };
    d[1]->id = 3;                 /* party 2's message claiming to be party 3's */
    d[2]->id = 4;                 /* no party 4 in a committee of 3 */
    d[3]->id = 2;                 /* the shape of another batch */
    int st[4];
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, (const mpc_tdec_partials *const *)d, 4, rng, st),
                 SH_ERR_VERIFY);
    cr_assert_eq(st[0], 0);
    cr_assert_eq(st[1], SH_ERR_VERIFY);
    cr_assert_eq(st[2], SH_ERR_RANGE);
    cr_assert_eq(st[3], SH_ERR_LENGTH);
    /* two messages of one party: the caller's bug */
    d[3]->id = 1;
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, (const mpc_tdec_partials *const *)d, 4, rng, st),
                 SH_ERR_ARG);
    const mpc_tdec_partials *two[2] = { d[0], d[0] };
    zk_point M[2];
    cr_assert_eq(mpc_tdec_combine(M, &c.pk, &b, two, 2), SH_ERR_ARG);
    /* a malformed proof is reported as such */
    mpc_tdec_partials *e = partial_of(&c, &b, 2);
    memcpy(e->proof + 64, tu_L, 32);
    const mpc_tdec_partials *one[2] = { d[0], e };
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, one, 2, rng, st), SH_ERR_VERIFY);
    cr_assert_eq(st[0], 0);
    cr_assert_eq(st[1], SH_ERR_NONCANONICAL);
    memset(e->proof, 0xff, 32);
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, one, 2, rng, st), SH_ERR_VERIFY);
    cr_assert_eq(st[1], SH_ERR_POINT);
    mpc_tdec_partials_free(e);
    for (int i = 0; i < 4; i++)
        mpc_tdec_partials_free(d[i]);
    mpc_tdec_batch_clear(&b);
    mpc_tdec_batch_clear(&b2);
    plain_clear(&p);
    plain_clear(&p2);
    committee_clear(&c);
}

/* ---- the proof against the specification ------------------------------------ */

/* Party d's statement rebuilt from docs/threshold-decryption.md with the
 * transcript, libsodium's ChaCha20 and naive sums, then zk_dleq_verify. */
static int spec_verify(const committee *c, const plain *p, const char *ctx,
                       const mpc_tdec_partials *d)
{
    size_t N = p->n, w = p->w, m = N * w, ctl = zk_elgamal_ct_size(w);
    zk_transcript t;
    zk_transcript_init(&t, "shroud-tdec-v1");
    zk_transcript_append(&t, "group-key", c->pk.Y.enc, 32);
    zk_transcript_append(&t, "context", (const uint8_t *)ctx, strlen(ctx));
    uint8_t *wire = malloc(N * ctl);
    for (size_t k = 0; k < N; k++)
        cr_assert_eq(zk_elgamal_ct_encode(wire + k * ctl, ctl, p->ct + k * w, w), 0);
    zk_transcript_append(&t, "batch", wire, N * ctl);
    zk_transcript_append_u64(&t, "party", d->id);
    uint8_t *denc = malloc(32 * m);
    for (size_t i = 0; i < m; i++)
        zk_point_encode(denc + 32 * i, &d->D[i]);
    zk_transcript_append(&t, "partials", denc, 32 * m);
    uint8_t h[64], nonce[12] = { 0 };
    zk_transcript_challenge_bytes(&t, "e", h);
    uint8_t *stream = calloc(m, 16);
    crypto_stream_chacha20_ietf(stream, 16 * m, nonce, h);
    zk_point H, Y, P;
    zk_scalar e;
    zk_point_identity(&H);
    zk_point_identity(&Y);
    for (size_t i = 0; i < m; i++) {
        if (i == 0)
            zk_scalar_one(&e);
        else
            zk_scalar_reduce(&e, stream + 16 * (i - 1), 16);
        zk_point_mul(&P, &p->ct[i].c1, &e);
        zk_point_add(&H, &H, &P);
        zk_point_mul(&P, &d->D[i], &e);
        zk_point_add(&Y, &Y, &P);
    }
    zk_elem He, Ye;
    zk_elem_set(&He, &H);
    zk_elem_set(&Ye, &Y);
    int rc = zk_dleq_verify(d->proof, &t, NULL, &He, &c->pk.X[d->id - 1], &Ye);
    free(wire);
    free(denc);
    free(stream);
    return rc;
}

Test(tdec, proofs_match_the_specification)
{
    committee c;
    committee_init(&c, 2, 3);
    static const size_t shapes[][2] = { { 1, 1 }, { 1, 3 }, { 5, 1 }, { 3, 7 } };
    for (size_t s = 0; s < 4; s++) {
        plain p;
        mpc_tdec_batch b;
        plain_init(&p, &c, shapes[s][0], shapes[s][1]);
        batch_of(&b, &c, &p, "spec");
        mpc_tdec_partials *d = partial_of(&c, &b, 2);
        for (size_t i = 0; i < b.n * b.w; i++) {
            zk_point want;
            zk_point_mul(&want, &p.ct[i].c1, &c.sk[1].x);
            cr_assert(zk_point_eq(&want, &d->D[i]));
        }
        cr_assert_eq(spec_verify(&c, &p, "spec", d), 0, "shape %zu", s);
        cr_assert_eq(spec_verify(&c, &p, "spec!", d), SH_ERR_VERIFY);
        mpc_tdec_partials_free(d);
        mpc_tdec_batch_clear(&b);
        plain_clear(&p);
    }
    committee_clear(&c);
}

Test(tdec, identity_c1_gives_identity_partials)
{
    committee c;
    committee_init(&c, 2, 3);
    zk_elgamal_ct ct;
    zk_point_identity(&ct.c1);
    tu_random_points(rng, &ct.c2, 1);
    mpc_tdec_batch b;
    cr_assert_eq(mpc_tdec_batch_init(&b, &c.pk, NULL, 0, &ct, 1, 1), 0);
    mpc_tdec_partials *d[2] = { partial_of(&c, &b, 1), partial_of(&c, &b, 3) };
    cr_assert(zk_point_is_identity(&d[0]->D[0]));
    int st[2];
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, (const mpc_tdec_partials *const *)d, 2, rng, st),
                 0);
    zk_point M;
    cr_assert_eq(mpc_tdec_combine(&M, &c.pk, &b, (const mpc_tdec_partials *const *)d, 2), 0);
    cr_assert(zk_point_eq(&M, &ct.c2));
    corrupt(d[1], 0);
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, (const mpc_tdec_partials *const *)d, 2, rng, st),
                 SH_ERR_VERIFY);
    cr_assert(st[0] == 0 && st[1] == SH_ERR_VERIFY);
    mpc_tdec_partials_free(d[0]);
    mpc_tdec_partials_free(d[1]);
    mpc_tdec_batch_clear(&b);
    committee_clear(&c);
}

/* ---- keys and batches ------------------------------------------------------- */

Test(tdec, keys_and_batches_refuse_bad_input)
{
    committee c;
    committee_init(&c, 2, 3);
    mpc_tdec_pub pk;
    zk_elem id;
    zk_point I;
    zk_point_identity(&I);
    zk_elem_set(&id, &I);
    cr_assert_eq(mpc_tdec_pub_init(&pk, 3, 2, &c.pk.Y, c.pk.X), SH_ERR_RANGE);
    cr_assert_eq(mpc_tdec_pub_init(&pk, 0, 2, &c.pk.Y, c.pk.X), SH_ERR_RANGE);
    cr_assert_eq(mpc_tdec_pub_init(&pk, 2, 3, &id, c.pk.X), SH_ERR_IDENTITY);
    cr_assert_null(pk.X);
    cr_assert_eq(mpc_tdec_pub_init(&pk, 2, 3, &c.pk.Y, c.pk.X), 0);
    cr_assert(zk_elem_eq(&pk.X[2], &c.pk.X[2]));
    mpc_tdec_pub_clear(&pk);
    mpc_tdec_pub_clear(&pk);

    mpc_tdec_secret sk;
    zk_scalar zero;
    zk_scalar_zero(&zero);
    cr_assert_eq(mpc_tdec_secret_init(&sk, 1, &zero), SH_ERR_ZERO);
    cr_assert_eq(mpc_tdec_secret_init(&sk, 0, &c.sk[0].x), SH_ERR_RANGE);
    cr_assert_eq(mpc_tdec_secret_init(&sk, MPC_MAX_PARTIES + 1, &c.sk[0].x), SH_ERR_RANGE);

    plain p;
    plain_init(&p, &c, 3, 2);
    mpc_tdec_batch b, bw;
    cr_assert_eq(mpc_tdec_batch_init(&b, &c.pk, NULL, 0, p.ct, 0, 2), SH_ERR_ARG);
    cr_assert_eq(mpc_tdec_batch_init(&b, &c.pk, CTX, MPC_TDEC_MAX_CONTEXT + 1, p.ct, 3, 2),
                 SH_ERR_ARG);
    cr_assert_eq(mpc_tdec_batch_init(&b, &c.pk, CTX, 1, p.ct, MPC_TDEC_MAX_COMPONENTS, 2),
                 SH_ERR_OVERSIZE);

    /* from wire bytes: the same batch (same transcript), strictly checked */
    size_t len[3];
    uint8_t *wire[3];
    for (int k = 0; k < 3; k++)
        wire[k] = tu_ct_encode(p.ct + 2 * k, 2, &len[k]);
    const uint8_t *const *wp = (const uint8_t *const *)wire;
    size_t bad;
    cr_assert_eq(mpc_tdec_batch_init(&b, &c.pk, CTX, 5, p.ct, 3, 2), 0);
    cr_assert_eq(mpc_tdec_batch_init_wire(&bw, &c.pk, CTX, 5, wp, len, 3, 2, &bad), 0);
    cr_assert_eq(bad, 3);
    mpc_tdec_partials *d = partial_of(&c, &b, 2);
    int st;
    const mpc_tdec_partials *one[1] = { d };
    cr_assert_eq(mpc_tdec_verify(&c.pk, &bw, one, 1, rng, &st), 0);
    mpc_tdec_batch_clear(&bw);
    cr_assert_eq(mpc_tdec_batch_init_wire(&bw, &c.pk, CTX, 5, wp, len, 3, 1, &bad),
                 SH_ERR_OVERSIZE);
    cr_assert_eq(bad, 0);
    size_t short_len[3] = { len[0], len[1], len[2] - 1 };
    cr_assert_eq(mpc_tdec_batch_init_wire(&bw, &c.pk, CTX, 5, wp, short_len, 3, 2, &bad),
                 SH_ERR_TRUNCATED);
    cr_assert_eq(bad, 2);
    uint8_t *w1 = tu_ct_encode(p.ct, 1, &len[1]);
    const uint8_t *mixed[3] = { wire[0], w1, wire[2] };
    cr_assert_eq(mpc_tdec_batch_init_wire(&bw, &c.pk, CTX, 5, mixed, len, 3, 2, &bad),
                 SH_ERR_LENGTH);
    cr_assert_eq(bad, 1);
    len[1] = zk_elgamal_ct_size(2);
    memset(wire[1] + 2 + 32, 0xff, 32);   /* C2_0 of ciphertext 1: no point */
    cr_assert_eq(mpc_tdec_batch_init_wire(&bw, &c.pk, CTX, 5, wp, len, 3, 2, &bad),
                 SH_ERR_NONCANONICAL);
    cr_assert_eq(bad, 1);
    cr_assert_null(bw.c1);
    free(w1);
    for (int k = 0; k < 3; k++)
        free(wire[k]);
    mpc_tdec_partials_free(d);
    mpc_tdec_batch_clear(&b);
    plain_clear(&p);
    committee_clear(&c);
}

/* ---- the wire format --------------------------------------------------------- */

static int decode(const sh_buf *m, size_t max_n, size_t max_w)
{
    mpc_tdec_partials *d = NULL;
    int rc = mpc_tdec_partials_decode(&d, m->data, m->len, max_n, max_w);
    cr_assert((rc == 0) == (d != NULL));
    mpc_tdec_partials_free(d);
    return rc;
}

/* A message with the fields written by hand (for the malformed ones). */
static void handmade(sh_buf *out, uint64_t version, uint64_t type, size_t nfields,
                     uint64_t id, uint64_t n, uint64_t w, const uint8_t *D, size_t dlen,
                     const uint8_t *proof, size_t plen)
{
    sh_mp_writer wr;
    sh_buf_reset(out);
    sh_mp_writer_init(&wr, out);
    sh_mp_put_envelope(&wr, version, type, nfields);
    sh_mp_put_uint(&wr, id);
    sh_mp_put_uint(&wr, n);
    sh_mp_put_uint(&wr, w);
    sh_mp_put_bin(&wr, D, dlen);
    if (nfields >= 5)
        sh_mp_put_bin(&wr, proof, plen);
    if (nfields >= 6)
        sh_mp_put_nil(&wr);
    cr_assert_eq(sh_mp_writer_finish(&wr), 0);
}

Test(tdec, partials_messages_round_trip_and_are_strict)
{
    committee c;
    plain p;
    mpc_tdec_batch b;
    committee_init(&c, 2, 3);
    plain_init(&p, &c, 3, 2);
    batch_of(&b, &c, &p, "wire");
    mpc_tdec_partials *d = partial_of(&c, &b, 3);
    sh_buf m, m2;
    sh_buf_init(&m);
    sh_buf_init(&m2);
    cr_assert_eq(mpc_tdec_partials_encode(&m, d), 0);
    cr_assert_leq(m.len, mpc_tdec_partials_msg_max(3, 2));
    cr_assert_eq(m.len, 1 + 1 + 1 + 1 + 1 + 1 + 2 + 192 + 2 + 96);
    cr_assert_eq(m.data[0], 0x97);   /* fixarray of 7 */

    mpc_tdec_partials *e = NULL;
    cr_assert_eq(mpc_tdec_partials_decode(&e, m.data, m.len, 3, 2), 0);
    cr_assert(e->id == 3 && e->n == 3 && e->w == 2);
    cr_assert_eq(mpc_tdec_partials_encode(&m2, e), 0);
    cr_assert(m2.len == m.len && memcmp(m2.data, m.data, m.len) == 0);
    int st;
    const mpc_tdec_partials *one[1] = { e };
    cr_assert_eq(mpc_tdec_verify(&c.pk, &b, one, 1, rng, &st), 0);
    mpc_tdec_partials_free(e);

    /* every proper prefix is truncated; one more byte is trailing */
    for (size_t l = 0; l < m.len; l++) {
        int rc = mpc_tdec_partials_decode(&e, m.data, l, 3, 2);
        cr_assert(rc == SH_ERR_TRUNCATED, "prefix %zu: %d", l, rc);
    }
    cr_assert_eq(sh_buf_append_u8(&m, 0), 0);
    cr_assert_eq(decode(&m, 3, 2), SH_ERR_TRAILING);
    m.len--;
    cr_assert_eq(decode(&m, 2, 2), SH_ERR_OVERSIZE);   /* over the limit for 2x2 */
    cr_assert_eq(decode(&m, 3, 1), SH_ERR_OVERSIZE);
    cr_assert_eq(decode(&m, 2, 3), SH_ERR_RANGE);      /* n = 3 > max_n */
    cr_assert_eq(decode(&m, 6, 1), SH_ERR_RANGE);      /* w = 2 > max_w */

    const uint8_t *D = d->enc, *pr = d->proof;
    handmade(&m2, 2, 1, 5, 3, 3, 2, D, 192, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_VERSION);
    handmade(&m2, 1, 2, 5, 3, 3, 2, D, 192, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_TYPE);
    handmade(&m2, 1, 1, 4, 3, 3, 2, D, 192, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_LENGTH);
    handmade(&m2, 1, 1, 6, 3, 3, 2, D, 192, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_LENGTH);
    handmade(&m2, 1, 1, 5, 0, 3, 2, D, 192, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_RANGE);
    handmade(&m2, 1, 1, 5, MPC_MAX_PARTIES + 1, 3, 2, D, 192, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_RANGE);
    handmade(&m2, 1, 1, 5, 3, 0, 2, D, 192, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_RANGE);
    handmade(&m2, 1, 1, 5, 3, 3, 2, D, 160, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_LENGTH);
    handmade(&m2, 1, 1, 5, 3, 2, 2, D, 192, pr, 96);   /* 6 points for 2x2 */
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_LENGTH);
    handmade(&m2, 1, 1, 5, 3, 3, 2, D, 192, pr, 95);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_LENGTH);

    uint8_t bad[192], badp[96];
    memcpy(bad, D, sizeof bad);
    memset(bad + 64, 0xff, 32);   /* top bit set: not canonical, not a point */
    handmade(&m2, 1, 1, 5, 3, 3, 2, bad, 192, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_POINT);
    memset(bad + 64, 0, 32);      /* the identity is a valid partial */
    handmade(&m2, 1, 1, 5, 3, 3, 2, bad, 192, pr, 96);
    cr_assert_eq(decode(&m2, 3, 2), 0);
    memcpy(badp, pr, 96);
    memcpy(badp + 64, tu_L, 32);
    handmade(&m2, 1, 1, 5, 3, 3, 2, D, 192, badp, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_NONCANONICAL);
    memcpy(badp, pr, 96);
    badp[32] = 1;                 /* R2: an odd (negative) field element */
    handmade(&m2, 1, 1, 5, 3, 3, 2, D, 192, badp, 96);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_POINT);

    /* a field of the wrong msgpack type */
    sh_mp_writer wr;
    sh_buf_reset(&m2);
    sh_mp_writer_init(&wr, &m2);
    sh_mp_put_envelope(&wr, 1, 1, 5);
    sh_mp_put_cstr(&wr, "3");
    sh_mp_put_uint(&wr, 3);
    sh_mp_put_uint(&wr, 2);
    sh_mp_put_bin(&wr, D, 192);
    sh_mp_put_bin(&wr, pr, 96);
    cr_assert_eq(sh_mp_writer_finish(&wr), 0);
    cr_assert_eq(decode(&m2, 3, 2), SH_ERR_TYPE);

    d->id = 0;
    cr_assert_eq(mpc_tdec_partials_encode(&m2, d), SH_ERR_ARG);
    cr_assert_eq(mpc_tdec_partials_msg_max(0, 1), 0);
    cr_assert_eq(mpc_tdec_partials_msg_max(MPC_TDEC_MAX_COMPONENTS, 2), 0);
    cr_assert_null(mpc_tdec_partials_new(MPC_TDEC_MAX_COMPONENTS + 1, 1));
    sh_buf_free(&m);
    sh_buf_free(&m2);
    mpc_tdec_partials_free(d);
    mpc_tdec_batch_clear(&b);
    plain_clear(&p);
    committee_clear(&c);
}

/* ---- the worked example of docs/threshold-decryption.md ---------------------- */

/* f(x) = 0x0123456789abcdef + 0xfedcba9876543210 x, t = 2, n = 3. */
static void example_committee(mpc_tdec_pub *pk, mpc_tdec_secret sk[3])
{
    zk_scalar a0, a1, x, id;
    zk_point P;
    zk_elem Y, X[3];
    zk_scalar_from_u64(&a0, 0x0123456789abcdefULL);
    zk_scalar_from_u64(&a1, 0xfedcba9876543210ULL);
    zk_point_mul_base(&P, &a0);
    zk_elem_set(&Y, &P);
    for (uint32_t i = 0; i < 3; i++) {
        zk_scalar_from_u64(&id, i + 1);
        zk_scalar_mul(&x, &a1, &id);
        zk_scalar_add(&x, &x, &a0);
        cr_assert_eq(mpc_tdec_secret_init(&sk[i], i + 1, &x), 0);
        X[i] = sk[i].X;
    }
    cr_assert_eq(mpc_tdec_pub_init(pk, 2, 3, &Y, X), 0);
}

Test(tdec, worked_example)
{
    static const char *want_msg[2] = {
        "970101010101c420c4e9f9083c6cfa893c61e1e8209acdf4faed41a7b9b38fa6b43603ee26516b25"
        "c46054a844bcabf4ae56047d46b44d6213033ad59700189d209b575fe13d764a641036a2fd8c4bd9"
        "ea5e0a5278949f230e5809fcb1dd0bd1d0cd11a2762dc7d01b2ef46a3150a2fc7a12fa20092f4b84"
        "2e25ccc322a4483397af9c7920ce7e6f3903",
        "970101030101c4204afd17cedeab0271dc3d72a9cd310121cea44adbd9d1963a84cfb016f69de516"
        "c460ec31fcf8b25f3b2cf922c0877904289c97e4fbdc98ba957b7220bfd8aa63804a3e119bf54cc4"
        "c2e94de0fcc368c604fff6855f15cc694976ec6f97570478303ea496a48cb7f687338bb80b5eac91"
        "bd3376c802e40c582b1fd9a24f1fa7192007",
    };
    uint8_t ct_want[66], msg_want[138];
    tu_hex(ct_want, sizeof ct_want,
           "010044f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d386bd0a0cb"
           "bd13a8e2c70a3badc2ea5c0c6e3d9335d49c34516f7b13e0e73f1a");
    mpc_tdec_pub pk;
    mpc_tdec_secret sk[3];
    example_committee(&pk, sk);
    /* "shroud" under Y with r = 7 */
    zk_elgamal_ct ct;
    zk_point M, T;
    zk_scalar r;
    zk_scalar_from_u64(&r, 7);
    cr_assert_eq(zk_encode_bytes(&M, 1, (const uint8_t *)"shroud", 6), 0);
    zk_point_mul_base(&ct.c1, &r);
    zk_point_mul(&T, &pk.Y.p, &r);
    zk_point_add(&ct.c2, &M, &T);
    uint8_t wire[66];
    cr_assert_eq(zk_elgamal_ct_encode(wire, sizeof wire, &ct, 1), 0);
    cr_assert_eq(memcmp(wire, ct_want, sizeof wire), 0);

    mpc_tdec_batch b;
    const uint8_t *wp[1] = { wire };
    size_t wl[1] = { sizeof wire };
    cr_assert_eq(mpc_tdec_batch_init_wire(&b, &pk, (const uint8_t *)"epoch-1/round-0", 15, wp,
                                          wl, 1, 1, NULL), 0);
    static const uint8_t zero[SH_RNG_SEEDBYTES] = { 0 };
    sh_rng_free(rng);
    rng = sh_rng_chacha_new(zero);
    mpc_tdec_partials *d[2] = { mpc_tdec_partials_new(1, 1), mpc_tdec_partials_new(1, 1) };
    cr_assert_eq(mpc_tdec_partial(d[0], &b, &sk[0], rng), 0);
    cr_assert_eq(mpc_tdec_partial(d[1], &b, &sk[2], rng), 0);
    sh_buf m;
    sh_buf_init(&m);
    for (int i = 0; i < 2; i++) {
        sh_buf_reset(&m);
        cr_assert_eq(mpc_tdec_partials_encode(&m, d[i]), 0);
        tu_hex(msg_want, sizeof msg_want, want_msg[i]);
        cr_assert(m.len == sizeof msg_want && memcmp(m.data, msg_want, m.len) == 0,
                  "message of party %u", d[i]->id);
    }
    int st[2];
    uint8_t out[28];
    size_t len;
    cr_assert_eq(mpc_tdec_decrypt(&M, &pk, &b, (const mpc_tdec_partials *const *)d, 2, rng, st),
                 0);
    cr_assert_eq(mpc_tdec_plaintext(out, sizeof out, &len, &b, &M, 0), 0);
    cr_assert(len == 6 && memcmp(out, "shroud", 6) == 0);
    sh_buf_free(&m);
    mpc_tdec_partials_free(d[0]);
    mpc_tdec_partials_free(d[1]);
    mpc_tdec_batch_clear(&b);
    for (int i = 0; i < 3; i++)
        mpc_tdec_secret_wipe(&sk[i]);
    mpc_tdec_pub_clear(&pk);
}
