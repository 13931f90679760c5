/* cli/cmd_vectors.c -- `shroud vectors frost FILE.json [--quiet]`: check an
 * RFC 9591 test-vector file (mpc/frost_vectors.h).
 * `shroud vectors onion FILE.json [--quiet]`: check a file in the format of
 * BOLT 4's onion test vector (mixnet/onion_vectors.h): build the onion and
 * compare it byte for byte, then peel it hop by hop with the given keys and
 * compare every payload.  Same output and exit statuses (no status 4).
 *
 * Output: one line per checked value ("ok   hiding_nonce[1]"), or for a
 * value that differs "DIFF binding_factor[3]" with the expected and the
 * computed value on the next two lines; then a summary.  --quiet prints the
 * differences and the summary only.
 *
 * Exit status: 0 every value matches; 1 some value differs; 2 usage;
 * 3 the file cannot be read or is malformed (missing field, bad hex: the
 * message names the field); 4 the file's ciphersuite is not supported
 * (FROST(P-256, SHA-256), FROST(Ed448, SHAKE256)). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mixnet/onion_vectors.h"
#include "mpc/frost_vectors.h"
#include "util/json.h"

enum { EXIT_MATCH = 0, EXIT_DIFFER = 1, EXIT_USAGE = 2, EXIT_BADFILE = 3,
       EXIT_UNSUPPORTED = 4 };

typedef struct out_state {
    int quiet;
} out_state;

static void print_check(void *arg, const char *name, int ok, const char *expected,
                        const char *got)
{
    const out_state *st = arg;
    if (ok) {
        if (!st->quiet)
            printf("ok   %s\n", name);
        return;
    }
    printf("DIFF %s\n     expected %s\n     computed %s\n", name, expected, got);
}

static void usage(FILE *f)
{
    fputs("usage: shroud vectors frost FILE.json [--quiet]\n"
          "  check every value of an RFC 9591 test-vector file (ciphersuites:\n"
          "  FROST(ristretto255, SHA-512), FROST(Ed25519, SHA-512), FROST(secp256k1, SHA-256))\n"
          "  exit status: 0 all match, 1 a value differs, 3 bad file, 4 unsupported ciphersuite\n"
          "usage: shroud vectors onion FILE.json [--quiet]\n"
          "  check a BOLT 4 onion test-vector file (bolt04/onion-test.json format): build\n"
          "  the onion byte for byte, peel it with the hops' keys, compare every payload\n"
          "  exit status: 0 all match, 1 a value differs, 3 bad file\n",
          f);
}

static int vectors_frost(const char *path, int quiet)
{
    char err[512] = "";
    json_t *root = NULL;
    mpc_frost_suite_id suite;
    const char *name = NULL;
    mpc_frost_ctx *ctx = NULL;
    size_t checked = 0, differ = 0;
    out_state st = { quiet };
    int rc, status;

    if (sh_json_load_file(path, &root, err, sizeof err) != 0) {
        fprintf(stderr, "shroud vectors: %s\n", err);
        return EXIT_BADFILE;
    }
    if (mpc_frost_vectors_suite(root, &suite, &name, err, sizeof err) != 0) {
        fprintf(stderr, "shroud vectors: %s: %s\n", path, err);
        status = EXIT_BADFILE;
        goto done;
    }
    if (suite == 0) {
        fprintf(stderr, "shroud vectors: %s: unsupported ciphersuite '%s' (supported: "
                "FROST(ristretto255, SHA-512), FROST(Ed25519, SHA-512), "
                "FROST(secp256k1, SHA-256))\n", path, name);
        status = EXIT_UNSUPPORTED;
        goto done;
    }
    if ((ctx = mpc_frost_ctx_new(suite, NULL)) == NULL) {
        fputs("shroud vectors: out of memory\n", stderr);
        status = EXIT_BADFILE;
        goto done;
    }
    if (!quiet)
        printf("%s: %s\n", path, name);
    rc = mpc_frost_vectors_check(ctx, root, print_check, &st, &checked, &differ, err,
                                 sizeof err);
    if (rc != 0 && rc != SH_ERR_VERIFY) {
        fprintf(stderr, "shroud vectors: %s: %s (%s)\n", path, err, sh_err_str(rc));
        status = EXIT_BADFILE;
        goto done;
    }
    printf("%zu values checked, %zu differ\n", checked, differ);
    status = differ == 0 ? EXIT_MATCH : EXIT_DIFFER;
done:
    mpc_frost_ctx_free(ctx);
    json_decref(root);
    return status;
}

static int vectors_onion(const char *path, int quiet)
{
    char err[512] = "";
    json_t *root = NULL;
    mix_onion_ctx *ctx = NULL;
    size_t checked = 0, differ = 0;
    out_state st = { quiet };
    int rc, status;

    if (sh_json_load_file(path, &root, err, sizeof err) != 0) {
        fprintf(stderr, "shroud vectors: %s\n", err);
        return EXIT_BADFILE;
    }
    if ((ctx = mix_onion_ctx_new(NULL)) == NULL) {
        fputs("shroud vectors: out of memory\n", stderr);
        status = EXIT_BADFILE;
        goto done;
    }
    if (!quiet)
        printf("%s: BOLT 4 onion\n", path);
    rc = mix_onion_vectors_check(ctx, root, print_check, &st, &checked, &differ, err,
                                 sizeof err);
    if (rc != 0 && rc != SH_ERR_VERIFY) {
        fprintf(stderr, "shroud vectors: %s: %s (%s)\n", path, err, sh_err_str(rc));
        status = EXIT_BADFILE;
        goto done;
    }
    printf("%zu values checked, %zu differ\n", checked, differ);
    status = differ == 0 ? EXIT_MATCH : EXIT_DIFFER;
done:
    mix_onion_ctx_free(ctx);
    json_decref(root);
    return status;
}

int cli_cmd_vectors(int argc, char **argv)
{
    const char *kind = NULL, *file = NULL;
    int quiet = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_MATCH;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "shroud vectors: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        } else if (kind == NULL) {
            kind = argv[i];
        } else if (file == NULL) {
            file = argv[i];
        } else {
            fprintf(stderr, "shroud vectors: one file at a time\n");
            return EXIT_USAGE;
        }
    }
    if (kind == NULL || file == NULL) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(kind, "onion") == 0)
        return vectors_onion(file, quiet);
    if (strcmp(kind, "frost") != 0) {
        fprintf(stderr, "shroud vectors: unknown vector kind '%s' (kinds: frost, onion)\n",
                kind);
        return EXIT_USAGE;
    }
    return vectors_frost(file, quiet);
}
