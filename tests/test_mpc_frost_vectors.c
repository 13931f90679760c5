/* tests/test_mpc_frost_vectors.c -- the RFC 9591 reference vectors
 * (tests/vectors/frost-*.json, see tests/vectors/README.md) through
 * mpc_frost_vectors_check: every value of the three supported suites
 * matches, and so does shroud's own vector of the BIP340 variant; a copy with one value changed fails naming exactly that value;
 * malformed files are refused with a message naming the field; other
 * suites are reported unsupported; and `shroud vectors frost` exits with
 * the documented status (when the binary is in the working directory, as
 * under ctest). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mpc/frost_vectors.h"
#include "testutil.h"

/* The three RFC 9591 files, then shroud's own regression vector of the
 * BIP340 variant (same format). */
#define N_FILES 4
static const char *const files[N_FILES] = {
    "frost-ristretto255-sha512.json",
    "frost-ed25519-sha512.json",
    "frost-secp256k1-sha256.json",
    "frost-secp256k1-tr-sha256.json",
};

typedef struct seen {
    char names[64][96];
    int ok[64];
    size_t n;
} seen;

static void record(void *arg, const char *name, int ok, const char *expected, const char *got)
{
    seen *s = arg;
    (void)expected;
    (void)got;
    cr_assert_lt(s->n, 64);
    snprintf(s->names[s->n], sizeof s->names[0], "%s", name);
    s->ok[s->n++] = ok;
}

/* Check root; return the result code, the names that differ in *s. */
static int run(json_t *root, seen *s, size_t *checked, size_t *differ, char *err)
{
    mpc_frost_suite_id id;
    const char *name;
    memset(s, 0, sizeof *s);
    cr_assert_eq(mpc_frost_vectors_suite(root, &id, &name, err, 256), 0);
    cr_assert_neq(id, 0, "suite %s", name);
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(id, NULL);
    cr_assert_not_null(ctx);
    int rc = mpc_frost_vectors_check(ctx, root, record, s, checked, differ, err, 256);
    mpc_frost_ctx_free(ctx);
    return rc;
}

TestSuite(frost_vectors, .init = NULL, .timeout = 120);

Test(frost_vectors, reference_files_match)
{
    cr_assert(sodium_init() >= 0);
    for (int f = 0; f < N_FILES; f++) {
        json_t *root = tu_load_vectors(files[f]);
        seen s;
        size_t checked, differ;
        char err[256] = "";
        cr_assert_eq(run(root, &s, &checked, &differ, err), 0, "%s: %s", files[f], err);
        cr_assert_eq(differ, 0);
        /* group key, 3 shares, 4 values and 2 binding values per signer,
         * 2 signature shares, the signature and its verification */
        cr_assert_eq(checked, 20, "%s: %zu", files[f], checked);
        json_decref(root);
    }
}

/* Replace the string at obj[key] by a copy with its last hex digit changed. */
static void flip_last_digit(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_string(v), "%s", key);
    char *s = strdup(json_string_value(v));
    size_t n = strlen(s);
    s[n - 1] = s[n - 1] == '0' ? '1' : '0';
    cr_assert_eq(json_object_set_new(obj, key, json_string(s)), 0);
    free(s);
}

static json_t *r1(json_t *root, size_t i)
{
    return json_array_get(json_object_get(json_object_get(root, "round_one_outputs"),
                                          "outputs"), i);
}

static json_t *r2(json_t *root, size_t i)
{
    return json_array_get(json_object_get(json_object_get(root, "round_two_outputs"),
                                          "outputs"), i);
}

Test(frost_vectors, one_changed_value_is_named)
{
    static const char *const r1_fields[] = {
        "hiding_nonce", "binding_nonce", "hiding_nonce_commitment",
        "binding_nonce_commitment", "binding_factor_input", "binding_factor"
    };
    cr_assert(sodium_init() >= 0);
    for (int f = 0; f < N_FILES; f++) {
        for (size_t k = 0; k < 6 + 4; k++) {
            json_t *root = tu_load_vectors(files[f]);
            const char *want;
            char wbuf[96];
            if (k < 6) {
                flip_last_digit(r1(root, 1), r1_fields[k]);     /* the second signer: 3 */
                snprintf(wbuf, sizeof wbuf, "%s[3]", r1_fields[k]);
                want = wbuf;
            } else if (k == 6) {
                flip_last_digit(r2(root, 0), "sig_share");
                want = "sig_share[1]";
            } else if (k == 7) {
                flip_last_digit(json_object_get(root, "inputs"), "group_public_key");
                want = "group_public_key";
            } else if (k == 8) {
                flip_last_digit(json_array_get(json_object_get(json_object_get(root, "inputs"),
                                                               "participant_shares"), 1),
                                "participant_share");
                want = "participant_share[2]";
            } else {
                flip_last_digit(json_object_get(root, "final_output"), "sig");
                want = "sig";
            }
            seen s;
            size_t checked, differ;
            char err[256] = "";
            cr_assert_eq(run(root, &s, &checked, &differ, err), SH_ERR_VERIFY, "%s %s: %s",
                         files[f], want, err);
            cr_assert_eq(checked, 20);
            /* Exactly the changed value (the signature also fails to verify). */
            size_t expect = strcmp(want, "sig") == 0 ? 2 : 1;
            cr_assert_eq(differ, expect, "%s %s: %zu differ", files[f], want, differ);
            int named = 0;
            for (size_t i = 0; i < s.n; i++)
                if (!s.ok[i]) {
                    cr_assert(strcmp(s.names[i], want) == 0
                              || (expect == 2 && strcmp(s.names[i], "sig (verifies)") == 0),
                              "%s: %s named instead of %s", files[f], s.names[i], want);
                    named |= strcmp(s.names[i], want) == 0;
                }
            cr_assert(named);
            json_decref(root);
        }
    }
}

Test(frost_vectors, malformed_files_name_the_field)
{
    cr_assert(sodium_init() >= 0);
    seen s;
    size_t checked, differ;
    char err[256];

    json_t *root = tu_load_vectors(files[0]);
    json_object_del(r1(root, 0), "binding_factor");
    cr_assert_eq(run(root, &s, &checked, &differ, err), SH_ERR_FORMAT);
    cr_assert_not_null(strstr(err, "binding_factor"), "%s", err);
    json_decref(root);

    root = tu_load_vectors(files[1]);
    json_object_set_new(r1(root, 0), "hiding_nonce_randomness",
                        json_string("zz" "00000000000000000000000000000000000000000000000000000000000000"));
    cr_assert_eq(run(root, &s, &checked, &differ, err), SH_ERR_FORMAT);
    cr_assert_not_null(strstr(err, "hiding_nonce_randomness"), "%s", err);
    json_decref(root);

    root = tu_load_vectors(files[2]);
    json_object_set_new(json_object_get(root, "inputs"), "group_secret_key",
                        json_string("00"));
    cr_assert_eq(run(root, &s, &checked, &differ, err), SH_ERR_LENGTH);
    cr_assert_not_null(strstr(err, "group_secret_key"), "%s", err);
    json_decref(root);

    root = tu_load_vectors(files[2]);
    json_object_set_new(r2(root, 0), "identifier", json_string("1"));
    cr_assert_eq(run(root, &s, &checked, &differ, err), SH_ERR_TYPE);
    cr_assert_not_null(strstr(err, "identifier"), "%s", err);
    json_decref(root);

    root = tu_load_vectors(files[0]);
    json_object_del(root, "final_output");
    cr_assert_eq(run(root, &s, &checked, &differ, err), SH_ERR_FORMAT);
    cr_assert_not_null(strstr(err, "final_output"), "%s", err);
    json_decref(root);
}

Test(frost_vectors, other_suites_are_unsupported)
{
    json_t *root = tu_load_vectors(files[0]);
    mpc_frost_suite_id id = 1;
    const char *name;
    char err[256];
    json_object_set_new(json_object_get(root, "config"), "name",
                        json_string("FROST(P-256, SHA-256)"));
    cr_assert_eq(mpc_frost_vectors_suite(root, &id, &name, err, sizeof err), 0);
    cr_assert_eq(id, 0);
    cr_assert_str_eq(name, "FROST(P-256, SHA-256)");
    json_object_del(json_object_get(root, "config"), "name");
    cr_assert_eq(mpc_frost_vectors_suite(root, &id, &name, err, sizeof err), SH_ERR_FORMAT);
    json_decref(root);
}

/* ---- the CLI --------------------------------------------------------------------- */

static int shroud(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "./shroud %s >/dev/null 2>&1", args);
    int st = system(cmd);
    cr_assert(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void write_json(const char *path, json_t *root)
{
    cr_assert_eq(json_dump_file(root, path, JSON_INDENT(2)), 0);
}

Test(frost_vectors, cli_exit_status)
{
    if (access("./shroud", X_OK) != 0)
        cr_skip_test("./shroud is not in the working directory");
    char args[1024], tmp[] = "/tmp/shroud-frost-vec-XXXXXX";
    for (int f = 0; f < N_FILES; f++) {
        snprintf(args, sizeof args, "vectors frost %s/tests/vectors/%s", SHROUD_SOURCE_DIR,
                 files[f]);
        cr_assert_eq(shroud(args), 0, "%s", files[f]);
    }
    int fd = mkstemp(tmp);
    cr_assert_geq(fd, 0);
    close(fd);
    snprintf(args, sizeof args, "vectors frost %s", tmp);

    json_t *root = tu_load_vectors(files[0]);
    flip_last_digit(r1(root, 0), "binding_factor");
    write_json(tmp, root);
    cr_assert_eq(shroud(args), 1);
    json_decref(root);

    root = tu_load_vectors(files[0]);
    json_object_del(r1(root, 0), "hiding_nonce");
    write_json(tmp, root);
    cr_assert_eq(shroud(args), 3);
    json_decref(root);

    root = tu_load_vectors(files[0]);
    json_object_set_new(json_object_get(root, "config"), "name",
                        json_string("FROST(Ed448, SHAKE256)"));
    write_json(tmp, root);
    cr_assert_eq(shroud(args), 4);
    json_decref(root);

    cr_assert_eq(shroud("vectors frost /nonexistent/file.json"), 3);
    cr_assert_eq(shroud("vectors"), 2);
    cr_assert_eq(shroud("vectors musig x.json"), 2);
    unlink(tmp);
}
