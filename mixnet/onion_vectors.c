/* mixnet/onion_vectors.c -- BOLT 4 onion test-vector checker
 * (onion_vectors.h). */
#include "mixnet/onion_vectors.h"
#include "mixnet/tlv.h"
#include "util/hex.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

typedef struct vec_hop {
    uint8_t pubkey[MIX_ONION_PUBKEY_BYTES];
    uint8_t *enc;            /* the file's payload, BigSize prefix included */
    size_t enc_len;
    size_t prefix;           /* BigSize prefix length */
    uint8_t sk[MIX_ONION_SECKEY_BYTES];
} vec_hop;

typedef struct vec_state {
    mix_onion_vec_report report;
    void *arg;
    size_t checked, differ;
} vec_state;

/* A hex string member of any even length, decoded into a new buffer. */
static int get_hex_alloc(const json_t *obj, const char *path, uint8_t **out,
                         size_t *out_len, char *err, size_t errlen)
{
    const char *s;
    int rc = sh_json_get_string(obj, path, &s, err, errlen);
    if (rc != 0)
        return rc;
    size_t n = strlen(s) / 2;
    uint8_t *b = malloc(n > 0 ? n : 1);
    if (b == NULL)
        return SH_ERR_NOMEM;
    if ((rc = sh_hex_decode(b, n, out_len, s, strlen(s))) != 0) {
        if (err != NULL)
            snprintf(err, errlen, "%s: not a hex string", path);
        free(b);
        return rc;
    }
    *out = b;
    return 0;
}

/* Report one comparison of byte strings. */
static int check_bytes(vec_state *st, const char *name, const uint8_t *want,
                       size_t want_len, const uint8_t *got, size_t got_len)
{
    int ok = want_len == got_len && (want_len == 0 || memcmp(want, got, want_len) == 0);
    st->checked++;
    if (ok) {
        st->report(st->arg, name, 1, NULL, NULL);
        return 0;
    }
    st->differ++;
    char *a = malloc(2 * want_len + 1), *b = malloc(2 * got_len + 1);
    if (a == NULL || b == NULL) {
        free(a);
        free(b);
        return SH_ERR_NOMEM;
    }
    sodium_bin2hex(a, 2 * want_len + 1, want, want_len);
    sodium_bin2hex(b, 2 * got_len + 1, got, got_len);
    st->report(st->arg, name, 0, a, b);
    free(a);
    free(b);
    return 0;
}

static void check_text(vec_state *st, const char *name, int ok, const char *want,
                       const char *got)
{
    st->checked++;
    if (!ok)
        st->differ++;
    st->report(st->arg, name, ok, ok ? NULL : want, ok ? NULL : got);
}

static int load_hops(const json_t *root, vec_hop *hops, size_t *n_hops, char *err,
                     size_t errlen)
{
    json_t *arr, *dec;
    int rc = sh_json_get_array(root, "generate.hops", 1, MIX_ONION_MAX_HOPS, &arr, err,
                               errlen);
    if (rc != 0)
        return rc;
    size_t n = json_array_size(arr);
    if ((rc = sh_json_get_array(root, "decode", n, n, &dec, err, errlen)) != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        char path[64];
        json_t *h = json_array_get(arr, i);
        snprintf(path, sizeof path, "generate.hops[%zu]", i);
        if (!json_is_object(h)) {
            snprintf(err, errlen, "%s: not an object", path);
            return SH_ERR_TYPE;
        }
        if ((rc = sh_json_get_hex(h, "pubkey", hops[i].pubkey, 33, err, errlen)) != 0) {
            snprintf(err, errlen, "%s.pubkey: not 33 bytes of hex", path);
            return rc;
        }
        if ((rc = get_hex_alloc(h, "payload", &hops[i].enc, &hops[i].enc_len, err,
                                errlen)) != 0)
            return rc;
        uint64_t L;
        size_t used;
        if (mix_bigsize_decode(hops[i].enc, hops[i].enc_len, &L, &used) != 0
            || L == 0 || L != hops[i].enc_len - used) {
            snprintf(err, errlen, "%s.payload: its length prefix does not match", path);
            return SH_ERR_FORMAT;
        }
        hops[i].prefix = used;
        const char *s = json_string_value(json_array_get(dec, i));
        if (s == NULL || sh_hex_decode_exact_str(hops[i].sk, 32, s) != 0) {
            snprintf(err, errlen, "decode[%zu]: not 32 bytes of hex", i);
            return SH_ERR_FORMAT;
        }
        *n_hops = i + 1;
    }
    return 0;
}

int mix_onion_vectors_check(mix_onion_ctx *ctx, const json_t *root,
                            mix_onion_vec_report report, void *arg,
                            size_t *checked, size_t *differ, char *err, size_t errlen)
{
    vec_hop hops[MIX_ONION_MAX_HOPS];
    mix_onion_hop in[MIX_ONION_MAX_HOPS];
    size_t n = 0;
    uint8_t session[32];
    uint8_t *ad = NULL, *onion = NULL, *built = NULL, *cur = NULL, *next = NULL,
            *payload = NULL;
    size_t ad_len = 0, onion_len = 0;
    vec_state st = { report, arg, 0, 0 };
    char name[64], dummy[8];
    int rc;

    if (err == NULL || errlen == 0) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = '\0';
    memset(hops, 0, sizeof hops);
    if (ctx == NULL || root == NULL || report == NULL)
        return SH_ERR_ARG;
    if ((rc = sh_json_get_hex(root, "generate.session_key", session, 32, err, errlen)) != 0)
        goto done;
    if ((rc = get_hex_alloc(root, "generate.associated_data", &ad, &ad_len, err,
                            errlen)) != 0)
        goto done;
    if ((rc = get_hex_alloc(root, "onion", &onion, &onion_len, err, errlen)) != 0)
        goto done;
    if (onion_len < MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MIN)
        || onion_len > MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MAX)) {
        snprintf(err, errlen, "onion: %zu bytes is not a supported packet size", onion_len);
        rc = SH_ERR_LENGTH;
        goto done;
    }
    if ((rc = load_hops(root, hops, &n, err, errlen)) != 0)
        goto done;

    size_t r = onion_len - MIX_ONION_OVERHEAD;
    built = malloc(onion_len);
    cur = malloc(onion_len);
    next = malloc(onion_len);
    payload = malloc(MIX_ONION_PAYLOAD_CAP(r));
    if (built == NULL || cur == NULL || next == NULL || payload == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }

    /* 1. Build. */
    for (size_t i = 0; i < n; i++) {
        in[i].pubkey = hops[i].pubkey;
        in[i].payload = hops[i].enc + hops[i].prefix;
        in[i].payload_len = hops[i].enc_len - hops[i].prefix;
    }
    size_t bad = 0;
    rc = mix_onion_create(ctx, built, onion_len, session, in, n, ad, ad_len, &bad);
    if (rc == SH_ERR_POINT) {
        snprintf(err, errlen, "generate.hops[%zu].pubkey: not a secp256k1 point", bad);
        goto done;
    }
    if (rc != 0) {
        check_text(&st, "onion", 0, "a packet", mix_onion_reason(rc));
    } else if ((rc = check_bytes(&st, "onion", onion, onion_len, built, onion_len)) != 0) {
        goto done;
    }

    /* 2. Peel the file's onion hop by hop. */
    memcpy(cur, onion, onion_len);
    for (size_t i = 0; i < n; i++) {
        uint8_t pk[33];
        snprintf(name, sizeof name, "hop[%zu].pubkey", i);
        if (mix_onion_pubkey(ctx, pk, hops[i].sk) != 0) {
            snprintf(err, errlen, "decode[%zu]: not a valid private key", i);
            rc = SH_ERR_FORMAT;
            goto done;
        }
        if ((rc = check_bytes(&st, name, hops[i].pubkey, 33, pk, 33)) != 0)
            goto done;

        mix_onion_peeled p = { .next_packet = next, .payload = payload,
                               .payload_cap = MIX_ONION_PAYLOAD_CAP(r) };
        snprintf(name, sizeof name, "hop[%zu].payload", i);
        rc = mix_onion_peel(ctx, hops[i].sk, cur, onion_len, ad, ad_len, &p);
        if (rc != 0) {
            check_text(&st, name, 0, "a peeled payload", mix_onion_reason(rc));
            break;                          /* nothing further to peel */
        }
        uint8_t enc[MIX_BIGSIZE_MAX_BYTES];
        size_t pre = mix_bigsize_encode(enc, p.payload_len);
        uint8_t *got = malloc(pre + p.payload_len);
        if (got == NULL) {
            rc = SH_ERR_NOMEM;
            goto done;
        }
        memcpy(got, enc, pre);
        memcpy(got + pre, payload, p.payload_len);
        rc = check_bytes(&st, name, hops[i].enc, hops[i].enc_len, got, pre + p.payload_len);
        free(got);
        if (rc != 0)
            goto done;
        snprintf(name, sizeof name, "hop[%zu].final", i);
        int want_final = i + 1 == n;
        check_text(&st, name, p.final == want_final, want_final ? "final" : "forward",
                   p.final ? "final" : "forward");
        if (p.final)
            break;
        memcpy(cur, next, onion_len);
    }
    rc = st.differ == 0 ? 0 : SH_ERR_VERIFY;
done:
    if (checked != NULL)
        *checked = st.checked;
    if (differ != NULL)
        *differ = st.differ;
    for (size_t i = 0; i < MIX_ONION_MAX_HOPS; i++) {
        free(hops[i].enc);
        sodium_memzero(hops[i].sk, sizeof hops[i].sk);
    }
    sodium_memzero(session, sizeof session);
    free(ad);
    free(onion);
    free(built);
    free(cur);
    free(next);
    free(payload);
    return rc;
}
