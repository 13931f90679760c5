/* mpc/beacon.c -- the epoch beacon (mpc/beacon.h): a threshold DDH
 * evaluation V = x*hash_to_group(Y, e) with DLEQ proofs, and its two
 * messages.  docs/threshold-decryption.md is the specification. */
#include "mpc/beacon.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"
#include "util/mp.h"
#include "zk/msm.h"

#define SHARE_FIELDS 3
#define PROOF_FIELDS 2
#define ENTRY_FIELDS 4

int mpc_beacon_ctx_init(mpc_beacon_ctx *c, const zk_elem *Y, const uint8_t *input,
                        size_t len)
{
    if (c == NULL || Y == NULL || (input == NULL && len > 0) || len > MPC_BEACON_MAX_INPUT)
        return SH_ERR_ARG;
    uint8_t msg[ZK_POINT_BYTES + MPC_BEACON_MAX_INPUT];
    zk_point P;
    memcpy(msg, Y->enc, ZK_POINT_BYTES);
    if (len > 0)
        memcpy(msg + ZK_POINT_BYTES, input, len);
    zk_point_hash(&P, MPC_BEACON_POINT_DST, msg, ZK_POINT_BYTES + len);
    c->Y = *Y;
    zk_elem_set(&c->P, &P);
    zk_transcript_init(&c->prefix, MPC_BEACON_DOMAIN);
    zk_transcript_append(&c->prefix, "group-key", Y->enc, ZK_POINT_BYTES);
    static const uint8_t none[1];
    zk_transcript_append(&c->prefix, "input", len > 0 ? input : none, len);
    return 0;
}

/* The transcript of party id's share proof, before the DLEQ. */
static void share_transcript(zk_transcript *t, const mpc_beacon_ctx *c, uint32_t id)
{
    *t = c->prefix;
    zk_transcript_append_u64(t, "party", id);
}

/* The beacon value of V. */
static void beacon_value(mpc_beacon *out, const mpc_beacon_ctx *c, const zk_elem *V)
{
    zk_transcript t = c->prefix;
    uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES];
    zk_transcript_append(&t, "V", V->enc, ZK_POINT_BYTES);
    zk_transcript_challenge_bytes(&t, "value", h);
    memcpy(out->value, h, MPC_BEACON_BYTES);
    out->V = *V;
}

int mpc_beacon_share_make(mpc_beacon_share *out, const mpc_beacon_ctx *c,
                          const mpc_tdec_secret *sk, sh_rng *rng)
{
    if (out == NULL || c == NULL || sk == NULL || rng == NULL)
        return SH_ERR_ARG;
    zk_point B;
    zk_transcript t;
    zk_point_mul(&B, &c->P.p, &sk->x);
    sh_ct_declassify(&B, sizeof B);          /* the published share x_i*P */
    zk_elem_set(&out->B, &B);
    out->id = sk->id;
    share_transcript(&t, c, sk->id);
    int rc = zk_dleq_prove(out->proof, &t, NULL, &c->P, &sk->X, &out->B, &sk->x, rng);
    sh_ct_declassify(&rc, sizeof rc);
    sh_ct_declassify(out->proof, sizeof out->proof);   /* published */
    zk_transcript_wipe(&t);
    return rc;
}

/* Check k >= 1 contributions with keys X[i] (NULL entries: skipped, status
 * already set), batch first.  status[i] for each non-skipped one. */
static int check_shares(const mpc_beacon_ctx *c, const mpc_beacon_share *s,
                        const zk_elem *const *X, size_t k, sh_rng *rng, int *status)
{
    zk_elem *el = zk_aligned_alloc(3 * k, sizeof(zk_elem));
    zk_transcript *ts = malloc(2 * k * sizeof *ts);
    uint8_t(*proofs)[ZK_DLEQ_PROOF_BYTES] = malloc(k * sizeof *proofs);
    size_t *idx = malloc(k * sizeof *idx);
    int rc = 0;
    if (el == NULL || ts == NULL || proofs == NULL || idx == NULL) {
        rc = SH_ERR_NOMEM;
        goto out;
    }
    zk_elem *H = el, *Xs = el + k, *Y = el + 2 * k;
    zk_transcript *T = ts, *Tsave = ts + k;
    size_t nw = 0;
    for (size_t i = 0; i < k; i++) {
        if (X[i] == NULL)
            continue;
        share_transcript(&T[nw], c, s[i].id);
        Tsave[nw] = T[nw];
        H[nw] = c->P;
        Xs[nw] = *X[i];
        Y[nw] = s[i].B;
        memcpy(proofs[nw], s[i].proof, ZK_DLEQ_PROOF_BYTES);
        idx[nw++] = i;
    }
    int batch_ok = 0;
    if (rng != NULL && nw > 1) {
        int brc = zk_dleq_batch_verify((const uint8_t(*)[ZK_DLEQ_PROOF_BYTES])proofs, T,
                                       NULL, H, Xs, Y, nw, rng, NULL);
        if (brc == SH_ERR_NOMEM) {
            rc = brc;
            goto out;
        }
        batch_ok = brc == 0;
    }
    for (size_t j = 0; j < nw; j++)
        status[idx[j]] = batch_ok ? 0
                                  : zk_dleq_verify(proofs[j], &Tsave[j], NULL, &H[j],
                                                   &Xs[j], &Y[j]);
out:
    free(el);
    free(ts);
    free(proofs);
    free(idx);
    return rc;
}

int mpc_beacon_verify_shares(const mpc_tdec_pub *pk, const mpc_beacon_ctx *c,
                             const mpc_beacon_share *s, size_t k, sh_rng *rng,
                             int *status)
{
    if (pk == NULL || c == NULL || (k > 0 && (s == NULL || status == NULL)))
        return SH_ERR_ARG;
    if (k == 0)
        return 0;
    uint8_t seen[MPC_MAX_PARTIES + 1] = { 0 };
    const zk_elem **X = calloc(k, sizeof *X);
    if (X == NULL)
        return SH_ERR_NOMEM;
    int rc = 0;
    for (size_t i = 0; i < k && rc == 0; i++) {
        uint32_t id = s[i].id;
        status[i] = 0;
        if (id >= 1 && id <= MPC_MAX_PARTIES && seen[id]++)
            rc = SH_ERR_ARG;
        else if (id < 1 || id > pk->n)
            status[i] = SH_ERR_RANGE;
        else
            X[i] = &pk->X[id - 1];
    }
    if (rc == 0)
        rc = check_shares(c, s, X, k, rng, status);
    free(X);
    for (size_t i = 0; i < k && rc == 0; i++)
        if (status[i] != 0)
            rc = SH_ERR_VERIFY;
    return rc;
}

/* The highest nonzero byte of a scalar's encoding, plus one (a cheap
 * measure of its length). */
static unsigned scalar_len(const zk_scalar *s)
{
    uint8_t b[ZK_SCALAR_BYTES];
    zk_scalar_encode(b, s);
    unsigned n = ZK_SCALAR_BYTES;
    while (n > 0 && b[n - 1] == 0)
        n--;
    return n;
}

/* sum_i lam_i P_i for the Lagrange coefficients at 0 of ids[0..k), each
 * taken as lam_i or as -lam_i on -P_i, whichever is shorter (zk_msm pays
 * by the bit; consecutive ids have small integer coefficients). */
static int lagrange_sum(zk_point *out, const mpc_group *g, const uint32_t *ids,
                        const zk_point *P, size_t k)
{
    mpc_scalar *x = mpc_scalars_alloc(2 * k);
    zk_scalar *lam = zk_aligned_alloc(k, sizeof(zk_scalar));
    zk_point *Q = zk_points_alloc(k);
    int rc = SH_ERR_NOMEM;
    if (x != NULL && lam != NULL && Q != NULL) {
        for (size_t i = 0; i < k; i++)
            mpc_scalar_from_u64(g, &x[i], ids[i]);
        if ((rc = mpc_lagrange_coeffs(g, x + k, x, k, NULL)) == 0) {
            for (size_t i = 0; i < k; i++) {
                zk_scalar_neg(&lam[i], &x[k + i].r);
                if (scalar_len(&lam[i]) < scalar_len(&x[k + i].r)) {
                    zk_point_neg(&Q[i], &P[i]);
                } else {
                    lam[i] = x[k + i].r;
                    Q[i] = P[i];
                }
            }
            rc = zk_msm(out, lam, Q, k);
        }
    }
    mpc_scalars_free(x, 2 * k);
    free(lam);
    zk_points_free(Q, k);
    return rc;
}

static int write_proof(sh_buf *out, const mpc_tdec_pub *pk, const zk_elem *V,
                       const mpc_beacon_share *const *sel, size_t t)
{
    size_t start = out->len;
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, MPC_TDEC_MSG_VERSION, MPC_BEACON_MSG_PROOF, PROOF_FIELDS);
    sh_mp_put_bin(&w, V->enc, ZK_POINT_BYTES);
    sh_mp_put_array(&w, t);
    for (size_t i = 0; i < t; i++) {
        sh_mp_put_array(&w, ENTRY_FIELDS);
        sh_mp_put_uint(&w, sel[i]->id);
        sh_mp_put_bin(&w, pk->X[sel[i]->id - 1].enc, ZK_POINT_BYTES);
        sh_mp_put_bin(&w, sel[i]->B.enc, ZK_POINT_BYTES);
        sh_mp_put_bin(&w, sel[i]->proof, ZK_DLEQ_PROOF_BYTES);
    }
    int rc = sh_mp_writer_finish(&w);
    if (rc != 0 && out->len > start && sh_buf_truncate(out, start) != 0)
        rc = SH_ERR_INTERNAL;
    return rc;
}

int mpc_beacon_combine(mpc_beacon *out, sh_buf *proof, const mpc_tdec_pub *pk,
                       const mpc_beacon_ctx *c, const mpc_beacon_share *s, size_t k,
                       sh_rng *rng, int *status)
{
    if (out == NULL || pk == NULL || c == NULL)
        return SH_ERR_ARG;
    int rc = mpc_beacon_verify_shares(pk, c, s, k, rng, status);
    if (rc != 0 && rc != SH_ERR_VERIFY)
        return rc;
    /* The t valid shares of the smallest ids (insertion sort: k is small). */
    size_t t = pk->t, nsel = 0;
    const mpc_beacon_share **sel = malloc((k + 1) * sizeof *sel);
    uint32_t *ids = malloc((t + 1) * sizeof *ids);
    zk_point *B = zk_points_alloc(t);
    if (sel == NULL || ids == NULL || B == NULL) {
        rc = SH_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < k; i++) {
        if (status[i] != 0)
            continue;
        size_t j = nsel++;
        while (j > 0 && sel[j - 1]->id > s[i].id) {
            sel[j] = sel[j - 1];
            j--;
        }
        sel[j] = &s[i];
    }
    if (nsel < t) {
        rc = SH_ERR_STATE;
        goto out;
    }
    for (size_t i = 0; i < t; i++) {
        ids[i] = sel[i]->id;
        B[i] = sel[i]->B.p;
    }
    zk_point V;
    zk_elem Ve;
    if ((rc = lagrange_sum(&V, pk->g, ids, B, t)) != 0)
        goto out;
    zk_elem_set(&Ve, &V);
    beacon_value(out, c, &Ve);
    if (proof != NULL)
        rc = write_proof(proof, pk, &Ve, sel, t);
out:
    free(sel);
    free(ids);
    zk_points_free(B, t);
    return rc;
}

int mpc_beacon_verify(mpc_beacon *out, const mpc_beacon_ctx *c, const uint8_t *msg,
                      size_t len, size_t max_shares, sh_rng *rng)
{
    if (out == NULL)
        return SH_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (c == NULL)
        return SH_ERR_ARG;
    mpc_beacon_proof bp;
    int rc = mpc_beacon_proof_decode(&bp, msg, len, max_shares);
    if (rc != 0)
        return rc;
    size_t k = bp.k;
    mpc_group *g = mpc_group_new(MPC_RISTRETTO255, NULL);
    uint32_t *ids = malloc(k * sizeof *ids);
    zk_point *P = zk_points_alloc(k);
    const zk_elem **X = malloc(k * sizeof *X);
    int *status = malloc(k * sizeof *status);
    if (g == NULL || ids == NULL || P == NULL || X == NULL || status == NULL) {
        rc = SH_ERR_NOMEM;
        goto out;
    }
    zk_point S;
    for (size_t i = 0; i < k; i++) {
        ids[i] = bp.s[i].id;
        P[i] = bp.X[i].p;
        X[i] = &bp.X[i];
    }
    /* The keys interpolate to Y ... */
    if ((rc = lagrange_sum(&S, g, ids, P, k)) != 0)
        goto out;
    if (!zk_point_eq(&S, &c->Y.p)) {
        rc = SH_ERR_VERIFY;
        goto out;
    }
    /* ... every contribution is x_i*P for its key's x_i ... */
    if ((rc = check_shares(c, bp.s, X, k, rng, status)) != 0)
        goto out;
    for (size_t i = 0; i < k; i++)
        if (status[i] != 0) {
            rc = SH_ERR_VERIFY;
            goto out;
        }
    /* ... so their interpolation is x*P, which must be the stated V. */
    for (size_t i = 0; i < k; i++)
        P[i] = bp.s[i].B.p;
    if ((rc = lagrange_sum(&S, g, ids, P, k)) != 0)
        goto out;
    if (!zk_point_eq(&S, &bp.V.p)) {
        rc = SH_ERR_VERIFY;
        goto out;
    }
    beacon_value(out, c, &bp.V);
out:
    mpc_group_free(g);
    free(ids);
    zk_points_free(P, k);
    free(X);
    free(status);
    mpc_beacon_proof_clear(&bp);
    return rc;
}

/* ---- wire format ----------------------------------------------------------- */

int mpc_beacon_share_encode(sh_buf *out, const mpc_beacon_share *s)
{
    if (out == NULL || s == NULL || s->id < 1 || s->id > MPC_MAX_PARTIES)
        return SH_ERR_ARG;
    size_t start = out->len;
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, MPC_TDEC_MSG_VERSION, MPC_BEACON_MSG_SHARE, SHARE_FIELDS);
    sh_mp_put_uint(&w, s->id);
    sh_mp_put_bin(&w, s->B.enc, ZK_POINT_BYTES);
    sh_mp_put_bin(&w, s->proof, ZK_DLEQ_PROOF_BYTES);
    int rc = sh_mp_writer_finish(&w);
    if (rc != 0 && out->len > start && sh_buf_truncate(out, start) != 0)
        rc = SH_ERR_INTERNAL;
    return rc;
}

/* Open a message of the tdec/beacon family: size limit, reader, version,
 * type, exact field count. */
static int open_msg(sh_mp_reader *r, sh_mp_arr *f, const uint8_t *msg, size_t len,
                    size_t limit, uint64_t want_type, size_t nfields)
{
    if (msg == NULL && len > 0)
        return SH_ERR_ARG;
    if (len > limit)
        return SH_ERR_OVERSIZE;
    uint64_t type;
    int rc = sh_mp_reader_init(r, msg, len, limit);
    if (rc != 0)
        return rc;
    if ((rc = sh_mp_read_envelope(r, MPC_TDEC_MSG_VERSION, &type, 0, SIZE_MAX, f)) == 0) {
        if (type != want_type)
            rc = SH_ERR_TYPE;
        else if (sh_mp_arr_left(f) != nfields)
            rc = SH_ERR_LENGTH;
    }
    if (rc != 0)
        sh_mp_reader_free(r);
    return rc;
}

/* A 32-byte bin holding a point other than the identity. */
static int get_elem(sh_mp_arr *a, zk_elem *e)
{
    uint8_t b[ZK_POINT_BYTES];
    int rc = sh_mp_get_bin_exact(a, b, sizeof b);
    return rc != 0 ? rc : zk_elem_decode_nonidentity(e, b);
}

/* A 96-byte bin holding a well-formed DLEQ proof. */
static int get_proof(sh_mp_arr *a, uint8_t proof[ZK_DLEQ_PROOF_BYTES])
{
    zk_dleq_proof p;
    int rc = sh_mp_get_bin_exact(a, proof, ZK_DLEQ_PROOF_BYTES);
    return rc != 0 ? rc : zk_dleq_proof_decode(&p, proof);
}

int mpc_beacon_share_decode(mpc_beacon_share *out, const uint8_t *msg, size_t len)
{
    if (out == NULL)
        return SH_ERR_ARG;
    memset(out, 0, sizeof *out);
    sh_mp_reader r;
    sh_mp_arr f;
    int rc = open_msg(&r, &f, msg, len, MPC_BEACON_SHARE_MSG_MAX, MPC_BEACON_MSG_SHARE,
                      SHARE_FIELDS);
    if (rc != 0)
        return rc;
    uint64_t id;
    if ((rc = sh_mp_get_uint(&f, 1, MPC_MAX_PARTIES, &id)) == 0
        && (rc = get_elem(&f, &out->B)) == 0 && (rc = get_proof(&f, out->proof)) == 0)
        out->id = (uint32_t)id;
    sh_mp_reader_free(&r);
    if (rc != 0)
        memset(out, 0, sizeof *out);
    return rc;
}

size_t mpc_beacon_proof_msg_max(size_t k)
{
    if (k > MPC_MAX_PARTIES)
        k = MPC_MAX_PARTIES;
    /* envelope 3, V 34, the array header, and per entry: fixarray 1, id 3,
     * X 34, B 34, proof 98. */
    return 3 + 34 + (k < 16 ? 1 : 3) + 170 * k;
}

void mpc_beacon_proof_clear(mpc_beacon_proof *p)
{
    if (p == NULL)
        return;
    free(p->X);
    free(p->s);
    memset(p, 0, sizeof *p);
}

static int read_entry(sh_mp_arr *list, mpc_beacon_proof *p, size_t i)
{
    sh_mp_arr e;
    uint64_t id;
    int rc;
    if ((rc = sh_mp_get_array(list, ENTRY_FIELDS, ENTRY_FIELDS, &e)) != 0
        || (rc = sh_mp_get_uint(&e, 1, MPC_MAX_PARTIES, &id)) != 0)
        return rc;
    if (i > 0 && id <= p->s[i - 1].id)
        return SH_ERR_NONCANONICAL;
    p->s[i].id = (uint32_t)id;
    if ((rc = get_elem(&e, &p->X[i])) != 0 || (rc = get_elem(&e, &p->s[i].B)) != 0
        || (rc = get_proof(&e, p->s[i].proof)) != 0)
        return rc;
    return sh_mp_arr_done(&e);
}

int mpc_beacon_proof_decode(mpc_beacon_proof *out, const uint8_t *msg, size_t len,
                            size_t max_shares)
{
    if (out == NULL)
        return SH_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (max_shares == 0 || max_shares > MPC_MAX_PARTIES)
        max_shares = MPC_MAX_PARTIES;
    sh_mp_reader r;
    sh_mp_arr f, list;
    int rc = open_msg(&r, &f, msg, len, mpc_beacon_proof_msg_max(max_shares),
                      MPC_BEACON_MSG_PROOF, PROOF_FIELDS);
    if (rc != 0)
        return rc;
    if ((rc = get_elem(&f, &out->V)) != 0
        || (rc = sh_mp_get_array(&f, 1, max_shares, &list)) != 0)
        goto out;
    size_t k = sh_mp_arr_left(&list);
    out->X = zk_aligned_alloc(k, sizeof(zk_elem));
    out->s = zk_aligned_alloc(k, sizeof(mpc_beacon_share));
    if (out->X == NULL || out->s == NULL) {
        rc = SH_ERR_NOMEM;
        goto out;
    }
    out->k = k;
    for (size_t i = 0; i < k && rc == 0; i++)
        rc = read_entry(&list, out, i);
out:
    sh_mp_reader_free(&r);
    if (rc != 0)
        mpc_beacon_proof_clear(out);
    return rc;
}
