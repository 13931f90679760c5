/* mpc/dkg_msg.c -- encoding, decoding and signing of DKG messages
 * (mpc/dkg_msg.h; docs/dkg.md is the byte-level specification). */
#include "mpc/dkg_msg.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"
#include "util/mp.h"

#define SIG_DOMAIN "shroud-dkg-sig-v1"   /* 17 bytes */

/* Field counts after [version, type]. */
#define NF_DEAL 7       /* sid from E commit pop hints sig */
#define NF_SHARE 9      /* sid from to E_to [h sig] ct leaf path sig */
#define NF_VIEW 5       /* sid from view claims sig */
#define NF_ANSWER 5     /* sid from r1 reveals sig */
#define NF_CONFIRM 4    /* sid from outcome sig */
#define NF_ACK 3        /* sid from h */

/* ---- hashing and signatures -------------------------------------------- */

void mpc_dkg_hash(uint8_t out[MPC_DKG_HASH_BYTES], const uint8_t *p, size_t len)
{
    crypto_generichash(out, MPC_DKG_HASH_BYTES, p, len, NULL, 0);
}

uint32_t mpc_dkg_merkle_depth(uint32_t n)
{
    uint32_t d = 0;
    while (d < 31 && ((uint32_t)1 << d) < n)
        d++;
    return d;
}

static void put_u32be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void mpc_dkg_share_leaf(uint8_t out[MPC_DKG_HASH_BYTES], const mpc_dkg_msg *m)
{
    static const char tag[] = "shroud-dkg-share-leaf-v1";
    uint8_t in[sizeof tag - 1 + 32 + 4 + 4 + MPC_DKG_KEY_BYTES + MPC_DKG_HASH_BYTES +
               MPC_DKG_SIG_BYTES + MPC_DKG_CT_BYTES], *p = in;
    memcpy(p, tag, sizeof tag - 1);
    p += sizeof tag - 1;
    memcpy(p, m->sid, 32);
    p += 32;
    put_u32be(p, m->from);
    put_u32be(p + 4, m->to);
    p += 8;
    memcpy(p, m->E_to, MPC_DKG_KEY_BYTES);
    p += MPC_DKG_KEY_BYTES;
    memcpy(p, m->deal.h, MPC_DKG_HASH_BYTES);
    p += MPC_DKG_HASH_BYTES;
    memcpy(p, m->deal.sig, MPC_DKG_SIG_BYTES);
    p += MPC_DKG_SIG_BYTES;
    memcpy(p, m->ct, MPC_DKG_CT_BYTES);
    mpc_dkg_hash(out, in, sizeof in);
}

void mpc_dkg_merkle_node(uint8_t out[MPC_DKG_HASH_BYTES], const uint8_t left[MPC_DKG_HASH_BYTES],
                         const uint8_t right[MPC_DKG_HASH_BYTES])
{
    static const char tag[] = "shroud-dkg-share-node-v1";
    uint8_t in[sizeof tag - 1 + 2 * MPC_DKG_HASH_BYTES];
    memcpy(in, tag, sizeof tag - 1);
    memcpy(in + sizeof tag - 1, left, MPC_DKG_HASH_BYTES);
    memcpy(in + sizeof tag - 1 + MPC_DKG_HASH_BYTES, right, MPC_DKG_HASH_BYTES);
    mpc_dkg_hash(out, in, sizeof in);
}

void mpc_dkg_merkle_fold(uint8_t root[MPC_DKG_HASH_BYTES], const uint8_t leaf[MPC_DKG_HASH_BYTES],
                         uint32_t idx, const uint8_t (*path)[MPC_DKG_HASH_BYTES], uint32_t depth)
{
    uint8_t cur[MPC_DKG_HASH_BYTES];
    memcpy(cur, leaf, sizeof cur);
    for (uint32_t l = 0; l < depth; l++) {
        if (idx >> l & 1)
            mpc_dkg_merkle_node(cur, path[l], cur);
        else
            mpc_dkg_merkle_node(cur, cur, path[l]);
    }
    memcpy(root, cur, sizeof cur);
}

const uint8_t *mpc_dkg_signed_hash(const mpc_dkg_msg *m)
{
    return m->type == MPC_DKG_MSG_SHARE ? m->root : m->h;
}

int mpc_dkg_msg_signed(const mpc_dkg_msg *m)
{
    switch (m->type) {
    case MPC_DKG_MSG_DEAL:
    case MPC_DKG_MSG_SHARE:
    case MPC_DKG_MSG_ANSWER:
        return 1;
    case MPC_DKG_MSG_VIEW:
        if (m->n_claims > 0)
            return 1;
        for (uint32_t i = 0; i < m->n_view; i++)
            if (!m->view[i].present)
                return 1;
        return 0;
    default:
        return 0;
    }
}

void mpc_dkg_ack_digest(uint8_t out[MPC_DKG_HASH_BYTES], const uint8_t h[MPC_DKG_HASH_BYTES],
                        const uint8_t sig[MPC_DKG_SIG_BYTES])
{
    uint8_t in[MPC_DKG_HASH_BYTES + MPC_DKG_SIG_BYTES];
    memcpy(in, h, MPC_DKG_HASH_BYTES);
    memcpy(in + MPC_DKG_HASH_BYTES, sig, MPC_DKG_SIG_BYTES);
    mpc_dkg_hash(out, in, sizeof in);
}

static void sig_input(uint8_t m[MPC_DKG_SIG_INPUT_BYTES], const uint8_t sid[32],
                      uint32_t type, const uint8_t h[MPC_DKG_HASH_BYTES])
{
    memcpy(m, SIG_DOMAIN, 17);
    memcpy(m + 17, sid, 32);
    m[49] = (uint8_t)type;
    memcpy(m + 50, h, MPC_DKG_HASH_BYTES);
}

void mpc_dkg_sign(uint8_t sig[MPC_DKG_SIG_BYTES], const uint8_t *sk, const uint8_t sid[32],
                  uint32_t type, const uint8_t h[MPC_DKG_HASH_BYTES])
{
    uint8_t m[MPC_DKG_SIG_INPUT_BYTES];
    sig_input(m, sid, type, h);
    crypto_sign_detached(sig, NULL, m, sizeof m, sk);
    sh_ct_declassify(sig, MPC_DKG_SIG_BYTES);   /* a signature is made to be sent */
}

int mpc_dkg_sig_verify(const uint8_t pk[32], const uint8_t sid[32], uint32_t type,
                       const uint8_t h[MPC_DKG_HASH_BYTES],
                       const uint8_t sig[MPC_DKG_SIG_BYTES])
{
    uint8_t m[MPC_DKG_SIG_INPUT_BYTES];
    sig_input(m, sid, type, h);
    return crypto_sign_verify_detached(sig, m, sizeof m, pk) == 0 ? 0 : SH_ERR_VERIFY;
}

/* ---- size limits -------------------------------------------------------- */

/* Upper bounds of msgpack overheads: any bin/array header, any u32. */
#define HDR 5
#define U32 5
#define BIN(n) ((size_t)HDR + (n))
#define COMMON (HDR + 1 + 1 + BIN(32) + U32 + BIN(MPC_DKG_SIG_BYTES))
#define ECHO_MAX (HDR + BIN(MPC_DKG_HASH_BYTES) + BIN(MPC_DKG_SIG_BYTES))

static size_t deal_max(const mpc_dkg_limits *lim)
{
    return COMMON + BIN(MPC_DKG_KEY_BYTES) + HDR +
           (size_t)lim->max_commit * BIN(lim->elem_bytes) + BIN(MPC_DKG_POP_MAX) +
           BIN(MPC_DKG_KEY_HINT_BYTES + ((size_t)lim->max_commit + 1) * lim->hint_bytes);
}

static size_t share_max(const mpc_dkg_limits *lim)
{
    return COMMON + U32 + BIN(MPC_DKG_KEY_BYTES) + ECHO_MAX + BIN(MPC_DKG_CT_BYTES) + U32 +
           HDR + (size_t)mpc_dkg_merkle_depth(lim->n_holders) * BIN(MPC_DKG_HASH_BYTES);
}

size_t mpc_dkg_msg_max_len(uint32_t type, const mpc_dkg_limits *lim)
{
    if (lim == NULL)
        return 0;
    size_t d = deal_max(lim), s = share_max(lim);
    switch (type) {
    case MPC_DKG_MSG_DEAL:
        return d;
    case MPC_DKG_MSG_SHARE:
        return s;
    case MPC_DKG_MSG_VIEW: {
        /* per dealer: one echo entry and at most one claim of each kind */
        size_t claims = (HDR + 1 + U32) * 4 + BIN(d) * 2 + BIN(s) +
                        BIN(MPC_DKG_KEY_BYTES) + BIN(MPC_DKG_DLEQ_BYTES) + ECHO_MAX;
        return COMMON + 2 * HDR + (size_t)lim->n_dealers * (ECHO_MAX + claims);
    }
    case MPC_DKG_MSG_ANSWER:
        return COMMON + BIN(d) + HDR + (size_t)lim->n_holders * (HDR + U32 + BIN(32));
    case MPC_DKG_MSG_CONFIRM:
        return COMMON + BIN(MPC_DKG_HASH_BYTES);
    case MPC_DKG_MSG_ACK:
        return HDR + 1 + 1 + BIN(32) + U32 + BIN(MPC_DKG_HASH_BYTES);
    default:
        return 0;
    }
}

/* ---- encoding ----------------------------------------------------------- */

static void put_echo(sh_mp_writer *w, const mpc_dkg_echo *e)
{
    if (!e->present) {
        sh_mp_put_nil(w);
        return;
    }
    sh_mp_put_array(w, 2);
    sh_mp_put_bin(w, e->h, MPC_DKG_HASH_BYTES);
    sh_mp_put_bin(w, e->sig, MPC_DKG_SIG_BYTES);
}

static void put_claim(sh_mp_writer *w, const mpc_dkg_claim *c)
{
    switch (c->kind) {
    case MPC_DKG_CLAIM_MISSING:
        sh_mp_put_array(w, 2);
        sh_mp_put_uint(w, c->kind);
        sh_mp_put_uint(w, c->dealer);
        break;
    case MPC_DKG_CLAIM_BAD_SHARE:
        sh_mp_put_array(w, 6);
        sh_mp_put_uint(w, c->kind);
        sh_mp_put_uint(w, c->dealer);
        sh_mp_put_bin(w, c->r1, c->r1_len);
        sh_mp_put_bin(w, c->r2, c->r2_len);
        sh_mp_put_bin(w, c->K, sizeof c->K);
        sh_mp_put_bin(w, c->dleq, sizeof c->dleq);
        break;
    case MPC_DKG_CLAIM_BAD_DEAL:
        sh_mp_put_array(w, 3);
        sh_mp_put_uint(w, c->kind);
        sh_mp_put_uint(w, c->dealer);
        sh_mp_put_bin(w, c->r1, c->r1_len);
        break;
    default: /* MPC_DKG_CLAIM_EQUIVOCATION */
        sh_mp_put_array(w, 4);
        sh_mp_put_uint(w, c->kind);
        sh_mp_put_uint(w, c->dealer);
        sh_mp_put_bin(w, c->other.h, MPC_DKG_HASH_BYTES);
        sh_mp_put_bin(w, c->other.sig, MPC_DKG_SIG_BYTES);
        break;
    }
}

static size_t nfields(uint32_t type)
{
    switch (type) {
    case MPC_DKG_MSG_DEAL: return NF_DEAL;
    case MPC_DKG_MSG_SHARE: return NF_SHARE;
    case MPC_DKG_MSG_VIEW: return NF_VIEW;
    case MPC_DKG_MSG_ANSWER: return NF_ANSWER;
    case MPC_DKG_MSG_CONFIRM: return NF_CONFIRM;
    case MPC_DKG_MSG_ACK: return NF_ACK;
    default: return 0;
    }
}

int mpc_dkg_msg_encode(sh_buf *out, mpc_dkg_msg *m, size_t elem_bytes, const uint8_t *sk)
{
    if (out == NULL || m == NULL)
        return SH_ERR_ARG;
    size_t nf = nfields(m->type);
    if (nf == 0)
        return SH_ERR_ARG;
    for (uint32_t i = 0; m->type == MPC_DKG_MSG_VIEW && i < m->n_claims; i++)
        if (m->claims[i].kind < MPC_DKG_CLAIM_MISSING ||
            m->claims[i].kind > MPC_DKG_CLAIM_EQUIVOCATION)
            return SH_ERR_ARG;
    sh_buf_reset(out);
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, MPC_DKG_VERSION, m->type, nf);
    sh_mp_put_bin(&w, m->sid, sizeof m->sid);
    sh_mp_put_uint(&w, m->from);
    switch (m->type) {
    case MPC_DKG_MSG_DEAL:
        sh_mp_put_bin(&w, m->E, sizeof m->E);
        if (m->has_commit) {
            sh_mp_put_array(&w, m->n_commit);
            for (uint32_t i = 0; i < m->n_commit; i++)
                sh_mp_put_bin(&w, m->commit + (size_t)i * elem_bytes, elem_bytes);
        } else {
            sh_mp_put_nil(&w);
        }
        if (m->pop_len > 0)
            sh_mp_put_bin(&w, m->pop, m->pop_len);
        else
            sh_mp_put_nil(&w);
        if (m->hints != NULL && m->hints_len > 0)
            sh_mp_put_bin(&w, m->hints, m->hints_len);
        else
            sh_mp_put_nil(&w);
        break;
    case MPC_DKG_MSG_SHARE:
        sh_mp_put_uint(&w, m->to);
        sh_mp_put_bin(&w, m->E_to, sizeof m->E_to);
        m->deal.present = 1;
        put_echo(&w, &m->deal);
        sh_mp_put_bin(&w, m->ct, sizeof m->ct);
        if (m->n_path > MPC_DKG_MERKLE_MAX)
            return SH_ERR_ARG;
        sh_mp_put_uint(&w, m->leaf);
        sh_mp_put_array(&w, m->n_path);
        for (uint32_t i = 0; i < m->n_path; i++)
            sh_mp_put_bin(&w, m->path[i], MPC_DKG_HASH_BYTES);
        break;
    case MPC_DKG_MSG_VIEW:
        sh_mp_put_array(&w, m->n_view);
        for (uint32_t i = 0; i < m->n_view; i++)
            put_echo(&w, &m->view[i]);
        sh_mp_put_array(&w, m->n_claims);
        for (uint32_t i = 0; i < m->n_claims; i++)
            put_claim(&w, &m->claims[i]);
        break;
    case MPC_DKG_MSG_ANSWER:
        sh_mp_put_bin(&w, m->r1, m->r1_len);
        sh_mp_put_array(&w, m->n_reveal);
        for (uint32_t i = 0; i < m->n_reveal; i++) {
            sh_mp_put_array(&w, 2);
            sh_mp_put_uint(&w, m->reveal_idx[i]);
            sh_mp_put_bin(&w, m->reveal_share + 32 * (size_t)i, 32);
        }
        break;
    case MPC_DKG_MSG_CONFIRM:
    case MPC_DKG_MSG_ACK:
        sh_mp_put_bin(&w, m->digest, sizeof m->digest);
        break;
    default:
        break;
    }
    int rc = sh_mp_writer_finish(&w);
    if (rc != 0 || m->type == MPC_DKG_MSG_ACK)
        return rc;
    mpc_dkg_hash(m->h, out->data, out->len);
    if (sk != NULL && m->type == MPC_DKG_MSG_SHARE) {
        /* only to sign it: a dealer signs its SHAREs' root once itself */
        uint8_t leaf[MPC_DKG_HASH_BYTES];
        mpc_dkg_share_leaf(leaf, m);
        mpc_dkg_merkle_fold(m->root, leaf, m->leaf, (const uint8_t(*)[32])m->path, m->n_path);
    }
    if (sk != NULL && mpc_dkg_msg_signed(m))
        mpc_dkg_sign(m->sig, sk, m->sid, m->type, mpc_dkg_signed_hash(m));
    else if (sk != NULL)
        memset(m->sig, 0, sizeof m->sig);
    sh_mp_put_bin(&w, m->sig, sizeof m->sig);
    return sh_mp_writer_finish(&w);
}

/* ---- decoding ----------------------------------------------------------- */

void mpc_dkg_msg_clear(mpc_dkg_msg *m)
{
    if (m == NULL)
        return;
    free(m->commit);
    free(m->hints);
    free(m->view);
    free(m->claims);
    free(m->reveal_idx);
    if (m->reveal_share != NULL) {
        sodium_memzero(m->reveal_share, (size_t)m->n_reveal * 32);
        free(m->reveal_share);
    }
    memset(m, 0, sizeof *m);
}

/* nil, or [bin32 h, bin64 sig]. */
static int get_echo(sh_mp_arr *f, mpc_dkg_echo *e)
{
    sh_mp_type ty;
    int rc = sh_mp_peek_type(f, &ty);
    if (rc != 0)
        return rc;
    memset(e, 0, sizeof *e);
    if (ty == SH_MP_NIL)
        return sh_mp_get_nil(f);
    sh_mp_arr a;
    if ((rc = sh_mp_get_array(f, 2, 2, &a)) != 0 ||
        (rc = sh_mp_get_bin_exact(&a, e->h, sizeof e->h)) != 0 ||
        (rc = sh_mp_get_bin_exact(&a, e->sig, sizeof e->sig)) != 0)
        return rc;
    e->present = 1;
    return 0;
}

static int get_u32(sh_mp_arr *f, uint32_t bound, uint32_t *out)
{
    uint64_t v;
    int rc = sh_mp_get_uint(f, 0, (uint64_t)bound - 1, &v);
    if (rc == 0)
        *out = (uint32_t)v;
    return rc;
}

static int decode_deal(mpc_dkg_msg *m, sh_mp_arr *f, const mpc_dkg_limits *lim)
{
    int rc = sh_mp_get_bin_exact(f, m->E, sizeof m->E);
    if (rc != 0)
        return rc;
    sh_mp_type ty;
    if ((rc = sh_mp_peek_type(f, &ty)) != 0)
        return rc;
    if (ty == SH_MP_NIL) {
        if ((rc = sh_mp_get_nil(f)) != 0)
            return rc;
    } else {
        sh_mp_arr a;
        if ((rc = sh_mp_get_array(f, 0, lim->max_commit, &a)) != 0)
            return rc;
        m->has_commit = 1;
        m->n_commit = (uint32_t)a.n;
        m->commit = malloc(a.n ? a.n * lim->elem_bytes : 1);
        if (m->commit == NULL)
            return SH_ERR_NOMEM;
        for (size_t i = 0; i < a.n; i++)
            if ((rc = sh_mp_get_bin_exact(&a, m->commit + i * lim->elem_bytes,
                                          lim->elem_bytes)) != 0)
                return rc;
    }
    if ((rc = sh_mp_peek_type(f, &ty)) != 0)
        return rc;
    if (ty == SH_MP_NIL)
        rc = sh_mp_get_nil(f);
    else   /* A proof of possession: R (an element) || s (a scalar). */
        rc = sh_mp_get_bin_exact(f, m->pop, (m->pop_len = lim->elem_bytes + MPC_SCALAR_BYTES));
    if (rc != 0)
        return rc;
    /* The decompression hints: nil, or exactly E's, each commitment's and
     * the pop's R's. */
    if ((rc = sh_mp_peek_type(f, &ty)) != 0)
        return rc;
    if (ty == SH_MP_NIL)
        return sh_mp_get_nil(f);
    size_t want = mpc_dkg_deal_hints_len(m, lim->hint_bytes);
    if ((m->hints = malloc(want)) == NULL)
        return SH_ERR_NOMEM;
    m->hints_len = want;
    return sh_mp_get_bin_exact(f, m->hints, want);
}

size_t mpc_dkg_deal_hints_len(const mpc_dkg_msg *m, size_t hb)
{
    size_t n = (m->has_commit ? (size_t)m->n_commit : 0) + (m->pop_len > 0);
    return MPC_DKG_KEY_HINT_BYTES + n * hb;
}

const uint8_t *mpc_dkg_deal_hint_E(const mpc_dkg_msg *m)
{
    return m->hints;
}

const uint8_t *mpc_dkg_deal_hint_commit(const mpc_dkg_msg *m, size_t hb, uint32_t i)
{
    if (m->hints == NULL || hb == 0)
        return NULL;
    return m->hints + MPC_DKG_KEY_HINT_BYTES + (size_t)i * hb;
}

const uint8_t *mpc_dkg_deal_hint_R(const mpc_dkg_msg *m, size_t hb)
{
    if (m->hints == NULL || hb == 0 || m->pop_len == 0)
        return NULL;
    return m->hints + mpc_dkg_deal_hints_len(m, hb) - hb;   /* the last one */
}

static int decode_share(mpc_dkg_msg *m, sh_mp_arr *f, const mpc_dkg_limits *lim)
{
    int rc;
    if ((rc = get_u32(f, lim->n_peers, &m->to)) != 0 ||
        (rc = sh_mp_get_bin_exact(f, m->E_to, sizeof m->E_to)) != 0 ||
        (rc = get_echo(f, &m->deal)) != 0)
        return rc;
    if (!m->deal.present)
        return SH_ERR_TYPE;
    sh_mp_arr a;
    uint32_t depth = mpc_dkg_merkle_depth(lim->n_holders);
    if (depth > MPC_DKG_MERKLE_MAX)
        return SH_ERR_RANGE;                /* more holders than a session can have */
    if ((rc = sh_mp_get_bin_exact(f, m->ct, sizeof m->ct)) != 0 ||
        (rc = get_u32(f, lim->n_holders, &m->leaf)) != 0 ||
        (rc = sh_mp_get_array(f, depth, depth, &a)) != 0)
        return rc;
    m->n_path = depth;
    for (uint32_t i = 0; i < depth; i++)
        if ((rc = sh_mp_get_bin_exact(&a, m->path[i], MPC_DKG_HASH_BYTES)) != 0)
            return rc;
    uint8_t leaf[MPC_DKG_HASH_BYTES];
    mpc_dkg_share_leaf(leaf, m);        /* sid and from are decoded already */
    mpc_dkg_merkle_fold(m->root, leaf, m->leaf, (const uint8_t(*)[32])m->path, depth);
    return 0;
}

static int decode_claim(mpc_dkg_claim *c, sh_mp_arr *f, const mpc_dkg_limits *lim)
{
    sh_mp_arr a;
    uint64_t kind;
    int rc = sh_mp_get_array(f, 2, 6, &a);
    if (rc != 0)
        return rc;
    if ((rc = sh_mp_get_uint(&a, MPC_DKG_CLAIM_MISSING, MPC_DKG_CLAIM_EQUIVOCATION, &kind)) != 0 ||
        (rc = get_u32(&a, lim->n_dealers, &c->dealer)) != 0)
        return rc;
    c->kind = (uint32_t)kind;
    size_t dmax = deal_max(lim);
    switch (c->kind) {
    case MPC_DKG_CLAIM_MISSING:
        break;
    case MPC_DKG_CLAIM_BAD_SHARE:
        if ((rc = sh_mp_get_bin(&a, dmax, &c->r1, &c->r1_len)) != 0 ||
            (rc = sh_mp_get_bin(&a, share_max(lim), &c->r2, &c->r2_len)) != 0 ||
            (rc = sh_mp_get_bin_exact(&a, c->K, sizeof c->K)) != 0 ||
            (rc = sh_mp_get_bin_exact(&a, c->dleq, sizeof c->dleq)) != 0)
            return rc;
        break;
    case MPC_DKG_CLAIM_BAD_DEAL:
        if ((rc = sh_mp_get_bin(&a, dmax, &c->r1, &c->r1_len)) != 0)
            return rc;
        break;
    default:
        if ((rc = sh_mp_get_bin_exact(&a, c->other.h, sizeof c->other.h)) != 0 ||
            (rc = sh_mp_get_bin_exact(&a, c->other.sig, sizeof c->other.sig)) != 0)
            return rc;
        c->other.present = 1;
        break;
    }
    return sh_mp_arr_done(&a);
}

static int decode_view(mpc_dkg_msg *m, sh_mp_arr *f, const mpc_dkg_limits *lim)
{
    sh_mp_arr a;
    int rc = sh_mp_get_array(f, lim->n_dealers, lim->n_dealers, &a);
    if (rc != 0)
        return rc;
    m->n_view = lim->n_dealers;
    m->view = calloc(lim->n_dealers ? lim->n_dealers : 1, sizeof *m->view);
    if (m->view == NULL)
        return SH_ERR_NOMEM;
    for (uint32_t i = 0; i < m->n_view; i++)
        if ((rc = get_echo(&a, &m->view[i])) != 0)
            return rc;
    if ((rc = sh_mp_get_array(f, 0, (size_t)lim->n_dealers * 4, &a)) != 0)
        return rc;
    m->n_claims = (uint32_t)a.n;
    m->claims = calloc(a.n ? a.n : 1, sizeof *m->claims);
    if (m->claims == NULL)
        return SH_ERR_NOMEM;
    for (uint32_t i = 0; i < m->n_claims; i++) {
        if ((rc = decode_claim(&m->claims[i], &a, lim)) != 0)
            return rc;
        /* strictly increasing (dealer, kind): one claim of a kind per dealer */
        if (i > 0) {
            const mpc_dkg_claim *p = &m->claims[i - 1], *c = &m->claims[i];
            if (p->dealer > c->dealer || (p->dealer == c->dealer && p->kind >= c->kind))
                return SH_ERR_FORMAT;
        }
    }
    return 0;
}

static int decode_answer(mpc_dkg_msg *m, sh_mp_arr *f, const mpc_dkg_limits *lim)
{
    int rc = sh_mp_get_bin(f, deal_max(lim), &m->r1, &m->r1_len);
    if (rc != 0)
        return rc;
    sh_mp_arr a, e;
    if ((rc = sh_mp_get_array(f, 0, lim->n_holders, &a)) != 0)
        return rc;
    m->n_reveal = (uint32_t)a.n;
    m->reveal_idx = calloc(a.n ? a.n : 1, sizeof *m->reveal_idx);
    m->reveal_share = calloc(a.n ? a.n : 1, 32);
    if (m->reveal_idx == NULL || m->reveal_share == NULL)
        return SH_ERR_NOMEM;
    for (uint32_t i = 0; i < m->n_reveal; i++) {
        if ((rc = sh_mp_get_array(&a, 2, 2, &e)) != 0 ||
            (rc = get_u32(&e, lim->n_holders, &m->reveal_idx[i])) != 0 ||
            (rc = sh_mp_get_bin_exact(&e, m->reveal_share + 32 * (size_t)i, 32)) != 0)
            return rc;
        if (i > 0 && m->reveal_idx[i - 1] >= m->reveal_idx[i])
            return SH_ERR_FORMAT;
    }
    return 0;
}

int mpc_dkg_msg_decode(mpc_dkg_msg *out, const uint8_t *msg, size_t len,
                       const mpc_dkg_limits *lim)
{
    if (out == NULL || lim == NULL || (msg == NULL && len > 0))
        return SH_ERR_ARG;
    memset(out, 0, sizeof *out);
    uint64_t version, type;
    int rc = sh_mp_peek_envelope(msg, len, &version, &type);
    if (rc != 0)
        return rc;
    if (version != MPC_DKG_VERSION)
        return SH_ERR_VERSION;
    size_t max = mpc_dkg_msg_max_len(type > UINT32_MAX ? 0 : (uint32_t)type, lim);
    if (max == 0)
        return SH_ERR_TYPE;
    sh_mp_reader r;
    if ((rc = sh_mp_reader_init(&r, msg, len, max)) != 0)
        return rc;
    sh_mp_arr f;
    size_t nf = nfields((uint32_t)type);
    out->type = (uint32_t)type;
    rc = sh_mp_read_envelope(&r, MPC_DKG_VERSION, &type, nf, nf, &f);
    if (rc == 0)
        rc = sh_mp_get_bin_exact(&f, out->sid, sizeof out->sid);
    if (rc == 0)
        rc = get_u32(&f, lim->n_peers, &out->from);
    if (rc == 0) {
        switch (out->type) {
        case MPC_DKG_MSG_DEAL: rc = decode_deal(out, &f, lim); break;
        case MPC_DKG_MSG_SHARE: rc = decode_share(out, &f, lim); break;
        case MPC_DKG_MSG_VIEW: rc = decode_view(out, &f, lim); break;
        case MPC_DKG_MSG_ANSWER: rc = decode_answer(out, &f, lim); break;
        default: /* CONFIRM, ACK */
            rc = sh_mp_get_bin_exact(&f, out->digest, sizeof out->digest);
            break;
        }
    }
    if (rc == 0 && out->type != MPC_DKG_MSG_ACK) {
        rc = sh_mp_get_bin_exact(&f, out->sig, sizeof out->sig);
        /* The signature, a bin8 of 64 bytes, is exactly the last 66 bytes. */
        if (rc == 0 && len >= MPC_DKG_SIG_TAIL)
            mpc_dkg_hash(out->h, msg, len - MPC_DKG_SIG_TAIL);
        /* an unsigned message has exactly one sig: zeros */
        if (rc == 0 && !mpc_dkg_msg_signed(out) && !sodium_is_zero(out->sig, sizeof out->sig))
            rc = SH_ERR_FORMAT;
    }
    if (rc == 0)
        rc = sh_mp_arr_done(&f);
    sh_mp_reader_free(&r);
    if (rc != 0) {
        /* keep the type for the caller's rejection reason */
        uint32_t t = out->type;
        mpc_dkg_msg_clear(out);
        out->type = t;
    }
    return rc;
}
