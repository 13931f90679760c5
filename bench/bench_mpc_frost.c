/* bench/bench_mpc_frost.c -- FROST signing: round one and round two per
 * signer, and aggregation including the verification of the result, for
 * 3-of-5, 7-of-10 and 67-of-100.  frost_aggregate is the whole of it from
 * the package and the shares; frost_aggregate_shares the part left once the
 * shares arrive when the coordinator prepared the session (binding factors,
 * group commitment, challenge) while they were in flight.
 *
 * A nonce signs once, so round two cannot simply be repeated: the bench
 * prepares batches of fresh signing packages (untimed: every signer's round
 * one) and times signer 1's round two over the batch; the figure is the best
 * batch mean.  The aggregations are timed the same way (best mean of
 * batches of BATCH calls over min_seconds): a sample of a few milliseconds
 * has a fair chance of running undisturbed on a shared machine, where
 * bench_time's three samples of min_seconds each average over whatever
 * the neighbours did (docs/frost.md, "Performance"). */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mpc/frost.h"

#define BATCH 16     /* packages prepared at a time (<= MPC_FROST_MAX_NONCES) */

typedef struct frost_setup {
    const mpc_frost_ctx *ctx;
    uint32_t t, n;
    mpc_frost_key_package *kps;
    mpc_frost_public_package pub;
    mpc_frost_signer **signers;         /* the first t participants sign */
    mpc_frost_commitment *com;          /* BATCH x t */
    uint64_t *handle;                   /* BATCH x t */
    mpc_frost_share *shares;            /* t */
    uint8_t msg[32];
    sh_rng *rng;
} frost_setup;

static void setup_free(frost_setup *s)
{
    if (s->signers != NULL)
        for (uint32_t i = 0; i < s->t; i++)
            mpc_frost_signer_free(s->signers[i]);
    free(s->signers);
    mpc_frost_key_packages_free(s->kps, s->n);
    mpc_elems_free(s->pub.verifying_shares, s->n);
    mpc_frost_commitments_free(s->com, (size_t)BATCH * s->t);
    free(s->handle);
    free(s->shares);
}

static int setup_new(frost_setup *s, const mpc_frost_ctx *ctx, uint32_t t, uint32_t n,
                     sh_rng *rng)
{
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->t = t;
    s->n = n;
    s->rng = rng;
    sh_rng_bytes(rng, s->msg, sizeof s->msg);
    s->kps = mpc_frost_key_packages_alloc(n);
    s->pub.verifying_shares = mpc_elems_alloc(n);
    s->signers = calloc(t, sizeof *s->signers);
    s->com = mpc_frost_commitments_alloc((size_t)BATCH * t);
    s->handle = calloc((size_t)BATCH * t, sizeof *s->handle);
    s->shares = calloc(t, sizeof *s->shares);
    if (s->kps == NULL || s->pub.verifying_shares == NULL || s->signers == NULL
        || s->com == NULL || s->handle == NULL || s->shares == NULL
        || mpc_frost_keygen_dealer(ctx, t, n, NULL, rng, s->kps, &s->pub) != 0)
        return -1;
    for (uint32_t i = 0; i < t; i++)
        if (mpc_frost_signer_new(ctx, &s->kps[i], &s->signers[i]) != 0)
            return -1;
    return 0;
}

static mpc_frost_signing_package package(const frost_setup *s, size_t b)
{
    mpc_frost_signing_package p = { .commitments = &s->com[b * s->t], .n = s->t,
                                    .msg = s->msg, .msg_len = sizeof s->msg };
    if (mpc_frost_suite_of(s->ctx) == MPC_FROST_SECP256K1_TR)
        p.tweak.taproot = 1;            /* a BIP86 key-path output key */
    return p;
}

/* Round one of every signer for packages 0..BATCH (untimed). */
static int prepare_batch(frost_setup *s)
{
    for (size_t b = 0; b < BATCH; b++)
        for (uint32_t i = 0; i < s->t; i++)
            if (mpc_frost_round1(s->signers[i], s->rng, &s->com[b * s->t + i],
                                 &s->handle[b * s->t + i]) != 0)
                return -1;
    return 0;
}

/* Forget the nonces of signers 2..t that the batch did not use. */
static void discard_batch(frost_setup *s)
{
    for (size_t b = 0; b < BATCH; b++)
        for (uint32_t i = 1; i < s->t; i++)
            (void)!mpc_frost_nonce_discard(s->signers[i], s->handle[b * s->t + i]);
}

/* Best batch mean of signer 1's round one (which == 1) or round two. */
static double time_rounds(const bench_ctx *ctx, frost_setup *s, int which)
{
    double best = 0, total = 0;
    int runs = 0;
    while (runs < 3 || total < ctx->min_seconds * 1e9) {
        uint64_t t0 = 0, t1 = 0;
        if (which == 1) {
            t0 = bench_now_ns(ctx);
            for (size_t b = 0; b < BATCH; b++)
                if (mpc_frost_round1(s->signers[0], s->rng, &s->com[b * s->t],
                                     &s->handle[b * s->t]) != 0)
                    return -1;
            t1 = bench_now_ns(ctx);
            for (size_t b = 0; b < BATCH; b++)
                (void)!mpc_frost_nonce_discard(s->signers[0], s->handle[b * s->t]);
        } else {
            if (prepare_batch(s) != 0)
                return -1;
            t0 = bench_now_ns(ctx);
            for (size_t b = 0; b < BATCH; b++) {
                mpc_frost_signing_package p = package(s, b);
                if (mpc_frost_round2(s->signers[0], s->handle[b * s->t], &p, &s->shares[0]) != 0)
                    return -1;
            }
            t1 = bench_now_ns(ctx);
            discard_batch(s);
        }
        double mean = (double)(t1 - t0) / BATCH;
        if (runs == 0 || mean < best)
            best = mean;
        total += (double)(t1 - t0);
        runs++;
        if (runs > 1000)
            break;
    }
    return best;
}

/* Best mean of batches of BATCH calls of fn, over at least three batches
 * and min_seconds (as time_rounds). */
static double time_batches(const bench_ctx *ctx, void (*fn)(void *arg), void *arg)
{
    double best = 0, total = 0;
    for (int runs = 0; runs < 1000 && (runs < 3 || total < ctx->min_seconds * 1e9); runs++) {
        double mean = bench_sample(ctx, fn, arg, BATCH);
        if (runs == 0 || mean < best)
            best = mean;
        total += mean * BATCH;
    }
    return best;
}

typedef struct agg_args {
    frost_setup *s;
    mpc_frost_signing_package p;
    mpc_frost_share *shares;            /* t, one per signer of p */
    mpc_frost_commitment *com;          /* t: p's own copy (the batches reuse s->com) */
    mpc_frost_session *session;         /* p's session, for do_aggregate_shares */
} agg_args;

static void do_aggregate(void *arg)
{
    agg_args *a = arg;
    uint8_t sig[MPC_FROST_MAX_SIG_BYTES];
    size_t sig_len, n_bad;
    uint32_t bad[128];
    if (mpc_frost_aggregate(a->s->ctx, &a->s->pub, &a->p, a->shares, a->s->t, sig,
                            sizeof sig, &sig_len, bad, &n_bad) != 0)
        abort();
}

/* The coordinator's work once the shares arrive, when it prepared the
 * session (binding factors, group commitment, challenge) while they were
 * in flight: summing, and verifying the signature. */
static void do_aggregate_shares(void *arg)
{
    agg_args *a = arg;
    uint8_t sig[MPC_FROST_MAX_SIG_BYTES];
    size_t sig_len, n_bad;
    uint32_t bad[128];
    if (mpc_frost_session_aggregate(a->session, a->shares, a->s->t, sig, sizeof sig,
                                    &sig_len, bad, &n_bad) != 0)
        abort();
}

/* One signing package with every signer's share, for the aggregation. */
static int sign_once(frost_setup *s, agg_args *a)
{
    if (prepare_batch(s) != 0)
        return -1;
    a->s = s;
    a->p = package(s, 0);
    a->shares = calloc(s->t, sizeof *a->shares);
    a->com = mpc_frost_commitments_alloc(s->t);
    if (a->shares == NULL || a->com == NULL)
        return -1;
    memcpy(a->com, s->com, s->t * sizeof *a->com);
    a->p.commitments = a->com;
    for (uint32_t i = 0; i < s->t; i++)
        if (mpc_frost_round2(s->signers[i], s->handle[i], &a->p, &a->shares[i]) != 0)
            return -1;
    for (size_t b = 1; b < BATCH; b++)
        for (uint32_t i = 0; i < s->t; i++)
            (void)!mpc_frost_nonce_discard(s->signers[i], s->handle[b * s->t + i]);
    return mpc_frost_session_new(s->ctx, &s->pub, &a->p, &a->session) == 0 ? 0 : -1;
}

static void bench_suite(bench_ctx *ctx, mpc_frost_suite_id id, sh_rng *rng)
{
    static const uint32_t sizes[][2] = { { 3, 5 }, { 7, 10 }, { 67, 100 } };
    mpc_frost_ctx *fc = mpc_frost_ctx_new(id, rng);
    const char *name = mpc_frost_suite_name(id);
    if (fc == NULL) {
        bench_report(ctx, "frost_round1", 0, 0, "op", "\"error\":\"setup failed\"");
        return;
    }
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint32_t t = sizes[k][0], n = sizes[k][1];
        char extra[128];
        snprintf(extra, sizeof extra, "\"suite\":\"%s\",\"t\":%u", name, t);
        frost_setup s;
        agg_args a = { .shares = NULL, .com = NULL, .session = NULL };
        if (setup_new(&s, fc, t, n, rng) != 0 || sign_once(&s, &a) != 0) {
            bench_report(ctx, "frost_round1", n, 0, "signer", "\"error\":\"setup failed\"");
            free(a.shares);
            mpc_frost_commitments_free(a.com, t);
            mpc_frost_session_free(a.session);
            setup_free(&s);
            continue;
        }
        bench_report(ctx, "frost_round1", n, time_rounds(ctx, &s, 1), "signer", extra);
        bench_report(ctx, "frost_round2", n, time_rounds(ctx, &s, 2), "signer", extra);
        bench_report(ctx, "frost_aggregate", n, time_batches(ctx, do_aggregate, &a), "op", extra);
        bench_report(ctx, "frost_aggregate_shares", n, time_batches(ctx, do_aggregate_shares, &a),
                     "op", extra);
        mpc_frost_session_free(a.session);
        free(a.shares);
        mpc_frost_commitments_free(a.com, t);
        setup_free(&s);
    }
    mpc_frost_ctx_free(fc);
}

void bench_mpc_frost(bench_ctx *ctx, const struct mpc_group *g, struct sh_rng *rng)
{
    switch (mpc_group_id_of(g)) {
    case MPC_RISTRETTO255:
        bench_suite(ctx, MPC_FROST_RISTRETTO255, rng);
        break;
    case MPC_ED25519:
        bench_suite(ctx, MPC_FROST_ED25519, rng);
        break;
    case MPC_SECP256K1:
        bench_suite(ctx, MPC_FROST_SECP256K1, rng);
        bench_suite(ctx, MPC_FROST_SECP256K1_TR, rng);
        break;
    }
}
