/* tests/test_mixnet_onion_vectors.c -- BOLT 4's published onion test vector
 * (tests/vectors/bolt04-onion-test.json): create byte for byte, peel hop by
 * hop with the hops' private keys; and the checker's reports on altered
 * copies of the file. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "mixnet/onion.h"
#include "mixnet/onion_vectors.h"
#include "util/hex.h"
#include "testutil.h"

static mix_onion_ctx *ctx;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    ctx = mix_onion_ctx_new(NULL);
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    mix_onion_ctx_free(ctx);
}

TestSuite(mixnet_onion_vectors, .init = setup, .fini = teardown);

typedef struct rec {
    size_t n_ok, n_bad;
    char first_bad[64];
} rec;

static void record(void *arg, const char *name, int ok, const char *expected,
                   const char *got)
{
    rec *r = arg;
    (void)expected;
    (void)got;
    if (ok) {
        r->n_ok++;
    } else {
        if (r->n_bad++ == 0)
            snprintf(r->first_bad, sizeof r->first_bad, "%s", name);
    }
}

Test(mixnet_onion_vectors, bolt04_file_matches)
{
    json_t *root = tu_load_vectors("bolt04-onion-test.json");
    rec r = { 0 };
    size_t checked = 0, differ = 0;
    char err[256] = "";
    int rc = mix_onion_vectors_check(ctx, root, record, &r, &checked, &differ, err,
                                     sizeof err);
    cr_assert_eq(rc, 0, "rc %d err '%s' first diff '%s'", rc, err, r.first_bad);
    cr_assert_eq(differ, 0);
    /* onion + 5 x (pubkey, payload, final) */
    cr_assert_eq(checked, 16);
    json_decref(root);
}

static rec check_altered(json_t *root, int want_rc, size_t want_differ)
{
    rec r = { 0 };
    size_t checked = 0, differ = 0;
    char err[256] = "";
    int rc = mix_onion_vectors_check(ctx, root, record, &r, &checked, &differ, err, sizeof err);
    cr_assert_eq(rc, want_rc, "rc %d err '%s'", rc, err);
    cr_assert_eq(differ, want_differ);
    return r;
}

Test(mixnet_onion_vectors, altered_copies_are_named)
{
    json_t *root = tu_load_vectors("bolt04-onion-test.json");
    json_t *hop2 = json_array_get(json_object_get(json_object_get(root, "generate"), "hops"), 2);
    /* a payload changed: the built onion and that hop's payload differ */
    json_object_set_new(hop2, "payload", json_string("12020230d4040204e206080000000000000009"));
    rec r = check_altered(root, SH_ERR_VERIFY, 2);
    cr_assert_str_eq(r.first_bad, "onion");
    json_decref(root);

    /* a wrong private key: its pubkey and its peel differ, nothing after */
    root = tu_load_vectors("bolt04-onion-test.json");
    json_array_set_new(json_object_get(root, "decode"), 3,
                       json_string("4646464646464646464646464646464646464646464646464646464646464646"));
    r = check_altered(root, SH_ERR_VERIFY, 2);
    cr_assert_str_eq(r.first_bad, "hop[3].pubkey");
    json_decref(root);

    /* associated data changed: the onion differs and hop 0 cannot peel */
    root = tu_load_vectors("bolt04-onion-test.json");
    json_object_set_new(json_object_get(root, "generate"), "associated_data",
                        json_string("4343"));
    r = check_altered(root, SH_ERR_VERIFY, 2);
    json_decref(root);

    /* malformed files */
    root = tu_load_vectors("bolt04-onion-test.json");
    json_object_del(root, "onion");
    check_altered(root, SH_ERR_FORMAT, 0);
    json_decref(root);
    root = tu_load_vectors("bolt04-onion-test.json");
    hop2 = json_array_get(json_object_get(json_object_get(root, "generate"), "hops"), 2);
    json_object_set_new(hop2, "payload", json_string("13020230d4040204e206080000000000000003"));
    check_altered(root, SH_ERR_FORMAT, 0);
    json_decref(root);
}
