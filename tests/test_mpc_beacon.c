/* tests/test_mpc_beacon.c -- the epoch beacon (mpc/beacon.h): the same
 * value from every t-subset and equal to x*P for the dealer's secret;
 * different epochs give different values; a beacon proof verifies from
 * (Y, e) alone and fails for tampered shares, keys, proofs and values and
 * for forged keys; wrong shares are named and the rest still combine; the
 * value and P match an independent rebuild of the specification; the two
 * messages are strict.  All seeds are fixed. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/beacon.h"
#include "util/mp.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(4004);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(beacon, .init = setup, .fini = teardown, .timeout = 600);

typedef struct committee {
    uint32_t t, n;
    zk_scalar secret;
    mpc_tdec_pub pk;
    mpc_tdec_secret *sk;
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
    for (uint32_t i = 0; i < n; i++)
        cr_assert_eq(mpc_tdec_secret_init(&c->sk[i], i + 1, &shares[i].r), 0);
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

static void epoch_ctx(mpc_beacon_ctx *bc, const committee *c, uint64_t epoch)
{
    uint8_t in[8];
    for (int i = 0; i < 8; i++)
        in[i] = (uint8_t)(epoch >> (8 * i));
    cr_assert_eq(mpc_beacon_ctx_init(bc, &c->pk.Y, in, sizeof in), 0);
}

/* shares of every party (s[i] from party i + 1) */
static mpc_beacon_share *all_shares(const committee *c, const mpc_beacon_ctx *bc)
{
    mpc_beacon_share *s = zk_aligned_alloc(c->n, sizeof *s);
    cr_assert_not_null(s);
    for (uint32_t i = 0; i < c->n; i++)
        cr_assert_eq(mpc_beacon_share_make(&s[i], bc, &c->sk[i], rng), 0);
    return s;
}

/* Combine s[0..k), check the output against x*P and the proof message
 * against (Y, e) alone; returns the value in out. */
static void combine_and_check(mpc_beacon *out, const committee *c, const mpc_beacon_ctx *bc,
                              const mpc_beacon_share *s, size_t k)
{
    int st[16];
    sh_buf proof;
    sh_buf_init(&proof);
    cr_assert_leq(k, 16);
    cr_assert_eq(mpc_beacon_combine(out, &proof, &c->pk, bc, s, k, rng, st), 0);
    zk_point V;
    zk_point_mul(&V, &bc->P.p, &c->secret);
    cr_assert(zk_point_eq(&V, &out->V.p));
    cr_assert_leq(proof.len, mpc_beacon_proof_msg_max(c->t));
    mpc_beacon v;
    cr_assert_eq(mpc_beacon_verify(&v, bc, proof.data, proof.len, c->t, rng), 0);
    cr_assert_eq(memcmp(v.value, out->value, MPC_BEACON_BYTES), 0);
    cr_assert(zk_elem_eq(&v.V, &out->V));
    cr_assert_eq(mpc_beacon_verify(&v, bc, proof.data, proof.len, 0, NULL), 0);
    cr_assert_eq(memcmp(v.value, out->value, MPC_BEACON_BYTES), 0);
    sh_buf_free(&proof);
}

Test(beacon, every_t_subset_gives_the_same_value)
{
    static const uint32_t tn[][2] = { { 1, 1 }, { 2, 3 }, { 3, 5 }, { 5, 9 } };
    for (size_t q = 0; q < 4; q++) {
        committee c;
        mpc_beacon_ctx bc;
        committee_init(&c, tn[q][0], tn[q][1]);
        epoch_ctx(&bc, &c, 1000 + q);
        mpc_beacon_share *s = all_shares(&c, &bc);
        mpc_beacon first, b;
        combine_and_check(&first, &c, &bc, s, c.n);
        uint32_t t = c.t, n = c.n;
        mpc_beacon_share sub[9];
        for (uint32_t start = 0; start < n; start++) {
            for (uint32_t l = 0; l < t; l++)   /* rotated and reversed subsets */
                sub[l] = s[(start + t - 1 - l) % n];
            combine_and_check(&b, &c, &bc, sub, t);
            cr_assert_eq(memcmp(b.value, first.value, MPC_BEACON_BYTES), 0);
        }
        free(s);
        committee_clear(&c);
    }
}

Test(beacon, epochs_give_different_values)
{
    committee c;
    committee_init(&c, 2, 3);
    mpc_beacon v[3];
    for (int e = 0; e < 3; e++) {
        mpc_beacon_ctx bc;
        epoch_ctx(&bc, &c, (uint64_t)e);
        mpc_beacon_share *s = all_shares(&c, &bc);
        combine_and_check(&v[e], &c, &bc, s, 3);
        free(s);
    }
    cr_assert_neq(memcmp(v[0].value, v[1].value, MPC_BEACON_BYTES), 0);
    cr_assert_neq(memcmp(v[1].value, v[2].value, MPC_BEACON_BYTES), 0);
    cr_assert_neq(memcmp(v[0].value, v[2].value, MPC_BEACON_BYTES), 0);
    /* another committee (another key) on the same epoch: another value */
    committee c2;
    committee_init(&c2, 2, 3);
    mpc_beacon_ctx bc;
    mpc_beacon w;
    epoch_ctx(&bc, &c2, 0);
    mpc_beacon_share *s = all_shares(&c2, &bc);
    combine_and_check(&w, &c2, &bc, s, 3);
    cr_assert_neq(memcmp(w.value, v[0].value, MPC_BEACON_BYTES), 0);
    free(s);
    committee_clear(&c2);
    committee_clear(&c);
}

Test(beacon, value_and_point_match_the_specification)
{
    committee c;
    committee_init(&c, 2, 3);
    static const uint8_t in[] = "epoch-7";
    mpc_beacon_ctx bc;
    cr_assert_eq(mpc_beacon_ctx_init(&bc, &c.pk.Y, in, 7), 0);
    uint8_t msg[32 + 7];
    memcpy(msg, c.pk.Y.enc, 32);
    memcpy(msg + 32, in, 7);
    zk_point P;
    zk_point_hash(&P, "shroud-beacon-v1-point", msg, sizeof msg);
    cr_assert(zk_point_eq(&P, &bc.P.p));

    mpc_beacon_share *s = all_shares(&c, &bc);
    mpc_beacon b;
    combine_and_check(&b, &c, &bc, s, 3);
    /* the value, byte for byte (docs/transcript.md framing) */
    tu_bytes T = { .n = 0 };
    uint8_t h[64];
    tu_put_frame(&T, "shroud-transcript-v1", 20);
    tu_put_frame(&T, "shroud-beacon-v1", 16);
    tu_op_append(&T, "group-key", c.pk.Y.enc, 32);
    tu_op_append(&T, "input", in, 7);
    tu_op_append(&T, "V", b.V.enc, 32);
    tu_op_challenge(&T, "value", h);
    cr_assert_eq(memcmp(h, b.value, 32), 0);
    /* each share proof is the DLEQ of docs/proofs.md on this transcript */
    for (uint32_t i = 0; i < 3; i++) {
        zk_transcript t;
        zk_transcript_init(&t, "shroud-beacon-v1");
        zk_transcript_append(&t, "group-key", c.pk.Y.enc, 32);
        zk_transcript_append(&t, "input", in, 7);
        zk_transcript_append_u64(&t, "party", i + 1);
        cr_assert_eq(zk_dleq_verify(s[i].proof, &t, NULL, &bc.P, &c.pk.X[i], &s[i].B), 0);
    }
    free(s);
    committee_clear(&c);
}

Test(beacon, wrong_shares_are_named_and_the_rest_combine)
{
    committee c;
    committee_init(&c, 3, 6);
    mpc_beacon_ctx bc, other;
    epoch_ctx(&bc, &c, 5);
    epoch_ctx(&other, &c, 6);
    mpc_beacon_share *s = all_shares(&c, &bc);
    mpc_beacon ref;
    combine_and_check(&ref, &c, &bc, s, 6);
    mpc_beacon_share o;
    zk_point P;
    /* 1: B + P.  2: tampered proof.  3: a share of another epoch.
     * 4: honest.  5: relabelled as 6's.  6: honest. */
    zk_point_add(&P, &s[0].B.p, &bc.P.p);
    zk_elem_set(&s[0].B, &P);
    s[1].proof[70] ^= 4;
    cr_assert_eq(mpc_beacon_share_make(&o, &other, &c.sk[2], rng), 0);
    s[2] = o;
    mpc_beacon_share six = s[5];
    s[4].id = 6;
    s[5].id = 5;
    int st[6];
    cr_assert_eq(mpc_beacon_verify_shares(&c.pk, &bc, s, 6, rng, st), SH_ERR_VERIFY);
    static const int want[6] = { SH_ERR_VERIFY, SH_ERR_VERIFY, SH_ERR_VERIFY, 0,
                                 SH_ERR_VERIFY, SH_ERR_VERIFY };
    for (int i = 0; i < 6; i++)
        cr_assert_eq(st[i], want[i], "share %d: %d", i, st[i]);
    int st1[6];
    cr_assert_eq(mpc_beacon_verify_shares(&c.pk, &bc, s, 6, NULL, st1), SH_ERR_VERIFY);
    cr_assert_eq(memcmp(st, st1, sizeof st), 0);
    mpc_beacon b;
    cr_assert_eq(mpc_beacon_combine(&b, NULL, &c.pk, &bc, s, 6, rng, st), SH_ERR_STATE);
    s[4].id = 5;
    s[5] = six;
    cr_assert_eq(mpc_beacon_combine(&b, NULL, &c.pk, &bc, s, 6, rng, st), 0);
    cr_assert(st[0] && st[1] && st[2] && !st[3] && !st[4] && !st[5]);
    cr_assert_eq(memcmp(b.value, ref.value, MPC_BEACON_BYTES), 0);
    /* an unknown party; a repeated one */
    s[3].id = 7;
    cr_assert_eq(mpc_beacon_verify_shares(&c.pk, &bc, s, 6, rng, st), SH_ERR_VERIFY);
    cr_assert_eq(st[3], SH_ERR_RANGE);
    s[3].id = 5;
    cr_assert_eq(mpc_beacon_verify_shares(&c.pk, &bc, s, 6, rng, st), SH_ERR_ARG);
    free(s);
    committee_clear(&c);
}

/* ---- beacon proofs -------------------------------------------------------------- */

/* Write a proof message from explicit parts. */
static void write_proof(sh_buf *out, const zk_elem *V, size_t k, const uint32_t *id,
                        const zk_elem *X, const mpc_beacon_share *s)
{
    sh_mp_writer w;
    sh_buf_reset(out);
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, 1, 3, 2);
    sh_mp_put_bin(&w, V->enc, 32);
    sh_mp_put_array(&w, k);
    for (size_t i = 0; i < k; i++) {
        sh_mp_put_array(&w, 4);
        sh_mp_put_uint(&w, id[i]);
        sh_mp_put_bin(&w, X[i].enc, 32);
        sh_mp_put_bin(&w, s[i].B.enc, 32);
        sh_mp_put_bin(&w, s[i].proof, 96);
    }
    cr_assert_eq(sh_mp_writer_finish(&w), 0);
}

static int verify_msg(const mpc_beacon_ctx *bc, const sh_buf *m, size_t max)
{
    mpc_beacon v;
    int rc = mpc_beacon_verify(&v, bc, m->data, m->len, max, rng);
    if (rc != 0)
        cr_assert(sodium_is_zero(v.value, sizeof v.value));
    return rc;
}

Test(beacon, proofs_verify_from_the_group_key_alone_and_resist_tampering)
{
    committee c;
    committee_init(&c, 3, 5);
    mpc_beacon_ctx bc, other;
    epoch_ctx(&bc, &c, 9);
    epoch_ctx(&other, &c, 10);
    mpc_beacon_share *s = all_shares(&c, &bc);
    mpc_beacon b;
    combine_and_check(&b, &c, &bc, s, 5);
    uint32_t id[3] = { 1, 2, 3 };
    zk_elem X[3] = { c.pk.X[0], c.pk.X[1], c.pk.X[2] };
    mpc_beacon_share sh[3] = { s[0], s[1], s[2] };
    sh_buf m;
    sh_buf_init(&m);
    write_proof(&m, &b.V, 3, id, X, sh);
    cr_assert_eq(verify_msg(&bc, &m, 3), 0);
    cr_assert_eq(verify_msg(&other, &m, 3), SH_ERR_VERIFY);   /* another epoch */
    cr_assert_eq(verify_msg(&bc, &m, 2), SH_ERR_OVERSIZE);

    /* a stated V other than the interpolation */
    zk_elem V2;
    zk_point P;
    zk_point_add(&P, &b.V.p, &bc.P.p);
    zk_elem_set(&V2, &P);
    write_proof(&m, &V2, 3, id, X, sh);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_VERIFY);
    /* a key that does not interpolate to Y */
    X[1] = c.pk.X[4];
    write_proof(&m, &b.V, 3, id, X, sh);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_VERIFY);
    X[1] = c.pk.X[1];
    /* a share swapped for another party's */
    sh[1] = s[3];
    write_proof(&m, &b.V, 3, id, X, sh);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_VERIFY);
    sh[1] = s[1];
    /* a tampered proof */
    sh[2].proof[40] ^= 0x10;
    write_proof(&m, &b.V, 3, id, X, sh);
    int rc = verify_msg(&bc, &m, 3);
    cr_assert(rc == SH_ERR_VERIFY || rc == SH_ERR_POINT, "%d", rc);
    sh[2] = s[2];

    /* A forged key: the adversary holds shares 1 and 2 and picks its own
     * x' for party 3, with a valid DLEQ proof for it: the keys no longer
     * interpolate to Y. */
    zk_scalar xf;
    zk_scalar_random_nonzero(&xf, rng);
    mpc_tdec_secret forged;
    cr_assert_eq(mpc_tdec_secret_init(&forged, 3, &xf), 0);
    cr_assert_eq(mpc_beacon_share_make(&sh[2], &bc, &forged, rng), 0);
    X[2] = forged.X;
    zk_point S;
    /* V it would claim: the interpolation of its shares */
    {
        mpc_group *g = mpc_group_new(MPC_RISTRETTO255, NULL);
        mpc_scalar ids[3], lam[3];
        for (int i = 0; i < 3; i++)
            mpc_scalar_from_u64(g, &ids[i], i + 1);
        cr_assert_eq(mpc_lagrange_coeffs(g, lam, ids, 3, NULL), 0);
        zk_point T;
        zk_point_identity(&S);
        for (int i = 0; i < 3; i++) {
            zk_point_mul(&T, &sh[i].B.p, &lam[i].r);
            zk_point_add(&S, &S, &T);
        }
        mpc_group_free(g);
    }
    zk_elem_set(&V2, &S);
    write_proof(&m, &V2, 3, id, X, sh);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_VERIFY);
    mpc_tdec_secret_wipe(&forged);

    /* Whoever holds x itself makes a valid one-entry proof: X = Y, and
     * the value is the same (uniqueness does not depend on t). */
    mpc_tdec_secret whole;
    cr_assert_eq(mpc_tdec_secret_init(&whole, 1, &c.secret), 0);
    cr_assert_eq(mpc_beacon_share_make(&sh[0], &bc, &whole, rng), 0);
    write_proof(&m, &sh[0].B, 1, id, &c.pk.Y, sh);
    mpc_beacon v;
    cr_assert_eq(mpc_beacon_verify(&v, &bc, m.data, m.len, 0, rng), 0);
    cr_assert_eq(memcmp(v.value, b.value, MPC_BEACON_BYTES), 0);
    mpc_tdec_secret_wipe(&whole);
    sh_buf_free(&m);
    free(s);
    committee_clear(&c);
}

Test(beacon, messages_are_strict)
{
    committee c;
    committee_init(&c, 2, 3);
    mpc_beacon_ctx bc;
    epoch_ctx(&bc, &c, 1);
    mpc_beacon_share *s = all_shares(&c, &bc);
    sh_buf m;
    sh_buf_init(&m);

    /* the share message */
    cr_assert_eq(mpc_beacon_share_encode(&m, &s[2]), 0);
    cr_assert_eq(m.len, 1 + 1 + 1 + 1 + 34 + 98);
    mpc_beacon_share d;
    cr_assert_eq(mpc_beacon_share_decode(&d, m.data, m.len), 0);
    cr_assert(d.id == 3 && zk_elem_eq(&d.B, &s[2].B));
    cr_assert_eq(memcmp(d.proof, s[2].proof, 96), 0);
    for (size_t l = 0; l < m.len; l++)
        cr_assert_eq(mpc_beacon_share_decode(&d, m.data, l), SH_ERR_TRUNCATED);
    cr_assert_eq(sh_buf_append_u8(&m, 0xc0), 0);
    cr_assert_eq(mpc_beacon_share_decode(&d, m.data, m.len), SH_ERR_TRAILING);
    m.data[1] = 2;
    m.len--;
    cr_assert_eq(mpc_beacon_share_decode(&d, m.data, m.len), SH_ERR_VERSION);
    m.data[1] = 1;
    m.data[2] = 1;
    cr_assert_eq(mpc_beacon_share_decode(&d, m.data, m.len), SH_ERR_TYPE);
    m.data[2] = 2;
    m.data[3] = 0;
    cr_assert_eq(mpc_beacon_share_decode(&d, m.data, m.len), SH_ERR_RANGE);
    m.data[3] = 3;
    memset(m.data + 6, 0, 32);   /* B = identity */
    cr_assert_eq(mpc_beacon_share_decode(&d, m.data, m.len), SH_ERR_IDENTITY);
    memset(m.data + 6, 0xff, 32);
    cr_assert_eq(mpc_beacon_share_decode(&d, m.data, m.len), SH_ERR_POINT);
    memcpy(m.data + 6, s[2].B.enc, 32);
    memcpy(m.data + 40 + 64, tu_L, 32);
    cr_assert_eq(mpc_beacon_share_decode(&d, m.data, m.len), SH_ERR_NONCANONICAL);
    cr_assert_eq(mpc_beacon_share_decode(&d, m.data, MPC_BEACON_SHARE_MSG_MAX + 1),
                 SH_ERR_OVERSIZE);
    s[0].id = 0;
    cr_assert_eq(mpc_beacon_share_encode(&m, &s[0]), SH_ERR_ARG);
    s[0].id = 1;

    /* the proof message */
    uint32_t id[3] = { 1, 2, 3 };
    zk_elem X[3] = { c.pk.X[0], c.pk.X[1], c.pk.X[2] };
    mpc_beacon b;
    cr_assert_eq(mpc_beacon_combine(&b, NULL, &c.pk, &bc, s, 3, rng, (int[3]){ 0 }), 0);
    write_proof(&m, &b.V, 2, id, X, s);
    mpc_beacon_proof p;
    cr_assert_eq(mpc_beacon_proof_decode(&p, m.data, m.len, 2), 0);
    cr_assert(p.k == 2 && p.s[1].id == 2 && zk_elem_eq(&p.X[1], &X[1]));
    mpc_beacon_proof_clear(&p);
    for (size_t l = 0; l < m.len; l++)
        cr_assert_eq(mpc_beacon_proof_decode(&p, m.data, l, 2), SH_ERR_TRUNCATED);
    cr_assert_eq(mpc_beacon_proof_decode(&p, m.data, m.len, 1), SH_ERR_OVERSIZE);
    write_proof(&m, &b.V, 3, id, X, s);
    cr_assert_eq(mpc_beacon_proof_decode(&p, m.data, m.len, 2), SH_ERR_OVERSIZE);
    cr_assert_eq(mpc_beacon_proof_decode(&p, m.data, m.len, 0), 0);
    mpc_beacon_proof_clear(&p);
    cr_assert_eq(verify_msg(&bc, &m, 3), 0);   /* k = 3 > t: still the value */
    uint32_t unsorted[3] = { 2, 1, 3 }, dup[3] = { 1, 1, 3 }, zero[3] = { 0, 1, 2 };
    write_proof(&m, &b.V, 3, unsorted, X, s);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_NONCANONICAL);
    write_proof(&m, &b.V, 3, dup, X, s);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_NONCANONICAL);
    write_proof(&m, &b.V, 3, zero, X, s);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_RANGE);
    write_proof(&m, &b.V, 0, id, X, s);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_LENGTH);
    zk_elem I;
    zk_point Ip;
    zk_point_identity(&Ip);
    zk_elem_set(&I, &Ip);
    write_proof(&m, &I, 2, id, X, s);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_IDENTITY);
    zk_elem Xi[3] = { X[0], I, X[2] };
    write_proof(&m, &b.V, 3, id, Xi, s);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_IDENTITY);
    /* wrong version, type, field counts, entry shape */
    sh_mp_writer w;
    sh_buf_reset(&m);
    sh_mp_writer_init(&w, &m);
    sh_mp_put_envelope(&w, 1, 2, 2);
    sh_mp_put_bin(&w, b.V.enc, 32);
    sh_mp_put_array(&w, 0);
    cr_assert_eq(sh_mp_writer_finish(&w), 0);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_TYPE);
    m.data[1] = 9;
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_VERSION);
    sh_buf_reset(&m);
    sh_mp_writer_init(&w, &m);
    sh_mp_put_envelope(&w, 1, 3, 3);
    sh_mp_put_bin(&w, b.V.enc, 32);
    sh_mp_put_array(&w, 0);
    sh_mp_put_nil(&w);
    cr_assert_eq(sh_mp_writer_finish(&w), 0);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_LENGTH);
    sh_buf_reset(&m);
    sh_mp_writer_init(&w, &m);
    sh_mp_put_envelope(&w, 1, 3, 2);
    sh_mp_put_bin(&w, b.V.enc, 32);
    sh_mp_put_array(&w, 1);
    sh_mp_put_array(&w, 3);
    sh_mp_put_uint(&w, 1);
    sh_mp_put_bin(&w, X[0].enc, 32);
    sh_mp_put_bin(&w, s[0].B.enc, 32);
    cr_assert_eq(sh_mp_writer_finish(&w), 0);
    cr_assert_eq(verify_msg(&bc, &m, 3), SH_ERR_LENGTH);
    cr_assert_eq(mpc_beacon_ctx_init(&bc, &c.pk.Y, m.data, MPC_BEACON_MAX_INPUT + 1),
                 SH_ERR_ARG);
    /* an empty input is an input like any other */
    mpc_beacon_ctx empty;
    cr_assert_eq(mpc_beacon_ctx_init(&empty, &c.pk.Y, NULL, 0), 0);
    cr_assert(!zk_elem_eq(&empty.P, &bc.P));
    sh_buf_free(&m);
    free(s);
    committee_clear(&c);
}

/* ---- the worked example of docs/threshold-decryption.md ---------------------- */

Test(beacon, worked_example)
{
    /* f(x) = 0x0123456789abcdef + 0xfedcba9876543210 x, t = 2, n = 3 */
    zk_scalar a0, a1, x, id;
    zk_point P;
    zk_elem Y, X[3];
    mpc_tdec_secret sk[3];
    mpc_tdec_pub pk;
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
    cr_assert_eq(mpc_tdec_pub_init(&pk, 2, 3, &Y, X), 0);

    mpc_beacon_ctx bc;
    cr_assert_eq(mpc_beacon_ctx_init(&bc, &Y, (const uint8_t *)"epoch-1", 7), 0);
    uint8_t want[32];
    tu_hex(want, 32, "ac749b9f2002f402feff75ff9f88fbbff84443e2897d860fbd9e76bbd411e32f");
    cr_assert_eq(memcmp(bc.P.enc, want, 32), 0);
    static const uint8_t zero[SH_RNG_SEEDBYTES] = { 0 };
    sh_rng_free(rng);
    rng = sh_rng_chacha_new(zero);
    mpc_beacon_share s[2];
    cr_assert_eq(mpc_beacon_share_make(&s[0], &bc, &sk[0], rng), 0);
    cr_assert_eq(mpc_beacon_share_make(&s[1], &bc, &sk[1], rng), 0);
    sh_buf m;
    sh_buf_init(&m);
    uint8_t share_want[136], proof_want[374];
    cr_assert_eq(mpc_beacon_share_encode(&m, &s[0]), 0);
    tu_hex(share_want, sizeof share_want,
           "95010201c420c0708c35e67f2f9edadbd0a7f107831f8d8ecacc0ffd65a8bed56439e059ed7cc460"
           "5c5009ff815d7525be37799f08169a98fc6250d8b3b6a653032886b695db6023daef828c55886e38"
           "9d1346f4d571b1a4365c25a4a5977d3ab03da5a66093f47f26cbe11d983329baff009ae89abd256b"
           "db532bb1183cc0f85969c990e144c608");
    cr_assert(m.len == sizeof share_want && memcmp(m.data, share_want, m.len) == 0);
    mpc_beacon b;
    int st[2];
    sh_buf_reset(&m);
    cr_assert_eq(mpc_beacon_combine(&b, &m, &pk, &bc, s, 2, rng, st), 0);
    tu_hex(want, 32, "70f71fba59d6e24e582cc894a44d26eadaa32deb53887abd1051d201940e9928");
    cr_assert_eq(memcmp(b.V.enc, want, 32), 0);
    tu_hex(want, 32, "fed6fdcac4a38715922e0b8123a8635c1e05643ccb518cf409d14bedbd071f70");
    cr_assert_eq(memcmp(b.value, want, 32), 0);
    tu_hex(proof_want, sizeof proof_want,
           "940103c42070f71fba59d6e24e582cc894a44d26eadaa32deb53887abd1051d201940e9928929401"
           "c420e83906dee86ee8b8f0435e806d3c76590411b0302236ced9cc88fface454227cc420c0708c35"
           "e67f2f9edadbd0a7f107831f8d8ecacc0ffd65a8bed56439e059ed7cc4605c5009ff815d7525be37"
           "799f08169a98fc6250d8b3b6a653032886b695db6023daef828c55886e389d1346f4d571b1a4365c"
           "25a4a5977d3ab03da5a66093f47f26cbe11d983329baff009ae89abd256bdb532bb1183cc0f85969"
           "c990e144c6089402c420b475e8f0b3044baa13a7fa753acdc6533215f2c4b3f9e90b3365b8fe1d7e"
           "ac71c4208a8955ffa1f9a043a49d18654785baaa4cb53a7d32ada7d6ab7841683ebd153cc460feca"
           "3d1e3778185588881af93403e5ae08ce89e8946b342524cc70dfae16e8041a09edfb3aa648e298d0"
           "8d08543636d21cc7e72816ad47394cc736c986b30b746b7908138e4bc1b26f3680a90781ef737627"
           "89a95c61e561bc1e6564525e6400");
    cr_assert(m.len == sizeof proof_want && memcmp(m.data, proof_want, m.len) == 0);
    mpc_beacon v;
    cr_assert_eq(mpc_beacon_verify(&v, &bc, proof_want, sizeof proof_want, 0, NULL), 0);
    cr_assert_eq(memcmp(v.value, b.value, 32), 0);
    sh_buf_free(&m);
    for (int i = 0; i < 3; i++)
        mpc_tdec_secret_wipe(&sk[i]);
    mpc_tdec_pub_clear(&pk);
}
