/* cli/cmd_shuffle.c -- `shroud shuffle gen|verify`: a verifiable shuffle as
 * files, for auditors and researchers (formats: docs/shuffle-proof.md,
 * "Files of `shroud shuffle`").
 *
 *   shroud shuffle gen --n N --width W --seed S --out DIR [--threads T]
 *   shroud shuffle verify DIR [--threads T]
 *
 * verify exits 0 only if the proof is valid; otherwise it prints the first
 * check that failed and exits 1 (2 for usage errors). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>

#include "cli.h"
#include "zk/shuffle.h"
#include "util/hex.h"
#include "util/pool.h"

#define MAX_FILE ((size_t)1 << 31)

static int write_file(const char *dir, const char *name, const uint8_t *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "shroud shuffle: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    ok &= fclose(f) == 0;
    if (!ok)
        fprintf(stderr, "shroud shuffle: cannot write %s\n", path);
    return ok ? 0 : -1;
}

/* The whole file in a fresh buffer (+1 byte, NUL-terminated), or NULL. */
static uint8_t *read_file(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        printf("invalid: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap + 1);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap >= MAX_FILE)
            break;
        uint8_t *nb = realloc(buf, 2 * cap + 1);
        if (nb == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    if (buf == NULL || n >= MAX_FILE) {
        printf("invalid: %s is too large\n", path);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static int parse_size(const char *s, size_t *out, size_t max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || s[0] == '\0' || s[0] == '-' || v > max)
        return -1;
    *out = (size_t)v;
    return 0;
}

static void hex32(char out[65], const uint8_t in[32])
{
    sodium_bin2hex(out, 65, in, 32);
}

static int cmd_gen(int argc, char **argv)
{
    size_t n = 0, w = 1, threads = 0;
    const char *seed_s = NULL, *dir = NULL;
    for (int i = 0; i < argc; i += 2) {    /* option, value */
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = v == NULL;
        if (strcmp(a, "--n") == 0)
            bad = bad || parse_size(v, &n, ZK_SHUFFLE_MAX_N) != 0 || n == 0;
        else if (strcmp(a, "--width") == 0)
            bad = bad || parse_size(v, &w, ZK_ELGAMAL_MAX_WIDTH) != 0 || w == 0;
        else if (strcmp(a, "--threads") == 0)
            bad = bad || parse_size(v, &threads, 1024) != 0;
        else if (strcmp(a, "--seed") == 0)
            seed_s = v;
        else if (strcmp(a, "--out") == 0)
            dir = v;
        else {
            fprintf(stderr, "shroud shuffle gen: unknown option '%s'\n", a);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "shroud shuffle gen: bad value for %s\n", a);
            return 2;
        }
    }
    if (n == 0 || seed_s == NULL || dir == NULL) {
        fputs("usage: shroud shuffle gen --n N --width W --seed S --out DIR [--threads T]\n",
              stderr);
        return 2;
    }
    if (n * w > ZK_SHUFFLE_MAX_COMPONENTS) {
        fputs("shroud shuffle gen: N * width is above the limit\n", stderr);
        return 2;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "shroud shuffle gen: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }

    /* Everything from the seed: the key, the messages, the shuffle. */
    uint8_t seed[32], gseed[32];
    crypto_generichash(seed, sizeof seed, (const uint8_t *)seed_s, strlen(seed_s), NULL, 0);
    sh_rng_derive_seed(gseed, seed, "shuffle-generators", 0);
    sh_rng *rng = sh_rng_chacha_new(seed);
    sh_pool *pool = sh_pool_new((unsigned)threads);
    zk_shuffle_batch in = { 0 }, out = { 0 };
    zk_shuffle_secret sec = { 0 };
    zk_shuffle_gens g = { 0 };
    zk_shuffle_ctx ctx = { 1, 1, 0 };
    zk_elgamal_ct *ct = NULL;
    zk_point *m = NULL;
    uint8_t *proof = NULL, *wire = NULL;
    int rc = 1;
    if (rng == NULL || pool == NULL)
        goto done;

    zk_scalar sk;
    zk_point pkp;
    zk_elem pk;
    zk_elgamal_keygen(&sk, &pkp, rng);
    zk_scalar_wipe(&sk);
    zk_elem_set(&pk, &pkp);
    ct = zk_aligned_alloc(n * w, sizeof *ct);
    m = zk_points_alloc(w);
    if (ct == NULL || m == NULL || zk_shuffle_batch_alloc(&in, n, w) != 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        for (size_t l = 0; l < w; l++) {
            uint8_t h[64];
            sh_rng_bytes(rng, h, sizeof h);
            zk_point_from_hash(&m[l], h);
        }
        if (zk_elgamal_encrypt(ct + i * w, NULL, &pk.p, m, w, rng) != 0)
            goto done;
    }
    zk_shuffle_batch_set(&in, ct, pool);
    size_t plen = zk_shuffle_proof_size(n, w), wlen = zk_shuffle_batch_size(n, w);
    proof = malloc(plen);
    wire = malloc(wlen);
    if (proof == NULL || wire == NULL || zk_shuffle_gens_init(&g, gseed, n, pool) != 0
        || zk_shuffle(&out, &sec, &pk, &in, rng, pool) != 0
        || zk_shuffle_prove(proof, plen, &g, &pk, &ctx, &in, &out, &sec, rng, pool) != 0) {
        fputs("shroud shuffle gen: shuffling or proving failed\n", stderr);
        goto done;
    }

    char txt[1024], pkh[65], gh[65];
    hex32(pkh, pk.enc);
    hex32(gh, gseed);
    int tl = snprintf(txt, sizeof txt,
                      "shroud-shuffle 1\nn %zu\nwidth %zu\nepoch %llu\nround %llu\n"
                      "shuffler %llu\ngenerators %s\npk %s\n",
                      n, w, (unsigned long long)ctx.epoch, (unsigned long long)ctx.round,
                      (unsigned long long)ctx.shuffler, gh, pkh);
    if (write_file(dir, "statement.txt", (const uint8_t *)txt, (size_t)tl) != 0
        || zk_shuffle_batch_encode(wire, wlen, &in) != 0
        || write_file(dir, "input.bin", wire, wlen) != 0
        || zk_shuffle_batch_encode(wire, wlen, &out) != 0
        || write_file(dir, "output.bin", wire, wlen) != 0
        || write_file(dir, "proof.bin", proof, plen) != 0)
        goto done;
    printf("wrote %s/{statement.txt,input.bin,output.bin,proof.bin}: N %zu, width %zu, "
           "proof %zu bytes\n", dir, n, w, plen);
    rc = 0;
done:
    free(ct);
    zk_points_free(m, w);
    free(proof);
    free(wire);
    zk_shuffle_batch_free(&in);
    zk_shuffle_batch_free(&out);
    zk_shuffle_secret_free(&sec);
    zk_shuffle_gens_free(&g);
    sh_pool_free(pool);
    sh_rng_free(rng);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

/* statement.txt: "shroud-shuffle 1" then "key value" lines, in any order. */
typedef struct statement {
    size_t n, w;
    zk_shuffle_ctx ctx;
    uint8_t gseed[32];
    uint8_t pk[32];
    unsigned have;
} statement;

/* ASCII decimal digits only (strtoull alone would also take leading
 * blanks and a sign). */
static int parse_u64(const char *s, uint64_t *out)
{
    if (strspn(s, "0123456789") != strlen(s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || s[0] == '\0' || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static int parse_statement(statement *st, char *text)
{
    memset(st, 0, sizeof *st);
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    if (line == NULL || strcmp(line, "shroud-shuffle 1") != 0) {
        printf("invalid: statement.txt: first line must be 'shroud-shuffle 1'\n");
        return -1;
    }
    static const char *keys[] = { "n", "width", "epoch", "round", "shuffler", "generators",
                                  "pk" };
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *sp = strchr(line, ' ');
        if (sp == NULL) {
            printf("invalid: statement.txt: malformed line '%s'\n", line);
            return -1;
        }
        *sp = '\0';
        const char *val = sp + 1;
        size_t k;
        for (k = 0; k < 7 && strcmp(line, keys[k]) != 0; k++)
            ;
        if (k == 7 || (st->have & (1u << k))) {
            printf("invalid: statement.txt: unknown or repeated key '%s'\n", line);
            return -1;
        }
        st->have |= 1u << k;
        uint64_t v = 0;
        size_t bl = 0;
        int bad = 0;
        if (k < 5)
            bad = parse_u64(val, &v) != 0;
        else
            bad = sodium_hex2bin(k == 5 ? st->gseed : st->pk, 32, val, strlen(val), NULL,
                                 &bl, NULL) != 0
                  || bl != 32 || strlen(val) != 64;
        if (bad) {
            printf("invalid: statement.txt: bad value for '%s'\n", line);
            return -1;
        }
        switch (k) {
        case 0: st->n = (size_t)v; break;
        case 1: st->w = (size_t)v; break;
        case 2: st->ctx.epoch = v; break;
        case 3: st->ctx.round = v; break;
        case 4: st->ctx.shuffler = v; break;
        default: break;
        }
    }
    if (st->have != 0x7f) {
        printf("invalid: statement.txt: missing keys\n");
        return -1;
    }
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    const char *dir = NULL;
    size_t threads = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            if (parse_size(argv[++i], &threads, 1024) != 0) {
                fprintf(stderr, "shroud shuffle verify: bad value for --threads\n");
                return 2;
            }
        } else if (argv[i][0] != '-' && dir == NULL) {
            dir = argv[i];
        } else {
            fprintf(stderr, "shroud shuffle verify: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (dir == NULL) {
        fputs("usage: shroud shuffle verify DIR [--threads T]\n", stderr);
        return 2;
    }
    sh_pool *pool = sh_pool_new((unsigned)threads);
    size_t tlen = 0, ilen = 0, olen = 0, plen = 0, bad = 0;
    uint8_t *text = NULL, *iw = NULL, *ow = NULL, *proof = NULL;
    zk_shuffle_batch in = { 0 }, out = { 0 };
    zk_shuffle_gens g = { 0 };
    statement st;
    zk_elem pk;
    int rc = 1, r;
    if (pool == NULL)
        goto done;
    if ((text = read_file(dir, "statement.txt", &tlen)) == NULL
        || parse_statement(&st, (char *)text) != 0)
        goto done;
    if ((r = zk_elem_decode_nonidentity(&pk, st.pk)) != 0) {
        printf("invalid: statement.txt: pk: %s\n", sh_err_str(r));
        goto done;
    }
    if ((iw = read_file(dir, "input.bin", &ilen)) == NULL)
        goto done;
    if ((r = zk_shuffle_batch_decode(&in, iw, ilen, &bad, pool)) != 0) {
        printf("invalid: input.bin: %s", sh_err_str(r));
        if (r == SH_ERR_POINT || r == SH_ERR_NONCANONICAL)
            printf(" (ciphertext %zu, component %zu)", bad / (st.w ? st.w : 1),
                   bad % (st.w ? st.w : 1));
        printf("\n");
        goto done;
    }
    /* The proof first: its decompression hints speed up the output's
     * decoding (they never change its result). */
    if ((proof = read_file(dir, "proof.bin", &plen)) == NULL)
        goto done;
    if ((ow = read_file(dir, "output.bin", &olen)) == NULL)
        goto done;
    if ((r = zk_shuffle_output_decode(&out, ow, olen, proof, plen, &bad, pool)) != 0) {
        printf("invalid: output.bin: %s", sh_err_str(r));
        if (r == SH_ERR_POINT || r == SH_ERR_NONCANONICAL)
            printf(" (ciphertext %zu, component %zu)", bad / (st.w ? st.w : 1),
                   bad % (st.w ? st.w : 1));
        printf("\n");
        goto done;
    }
    if (in.n != st.n || in.w != st.w || out.n != st.n || out.w != st.w) {
        printf("invalid: statement: the batches are N %zu width %zu and N %zu width %zu, "
               "statement.txt says N %zu width %zu\n", in.n, in.w, out.n, out.w, st.n, st.w);
        goto done;
    }
    if ((r = zk_shuffle_gens_init(&g, st.gseed, st.n, pool)) != 0) {
        printf("invalid: generators: %s\n", sh_err_str(r));
        goto done;
    }
    zk_shuffle_report rep = { 0 };
    r = zk_shuffle_verify(proof, plen, &g, &pk, &st.ctx, &in, &out, pool, &rep);
    if (r == 0) {
        printf("valid: N %zu, width %zu, epoch %llu, round %llu, shuffler %llu\n", st.n, st.w,
               (unsigned long long)st.ctx.epoch, (unsigned long long)st.ctx.round,
               (unsigned long long)st.ctx.shuffler);
        rc = 0;
        goto done;
    }
    printf("invalid: check %s failed", zk_shuffle_check_name(rep.check));
    if (rep.check == ZK_SHUFFLE_CHECK_B || rep.check == ZK_SHUFFLE_CHECK_F
        || rep.check == ZK_SHUFFLE_CHECK_PROOF_POINT || rep.check == ZK_SHUFFLE_CHECK_PROOF_SCALAR)
        printf(" at index %zu", rep.index);
    printf(": %s\n", sh_err_str(r));
done:
    free(text);
    free(iw);
    free(ow);
    free(proof);
    zk_shuffle_batch_free(&in);
    zk_shuffle_batch_free(&out);
    zk_shuffle_gens_free(&g);
    sh_pool_free(pool);
    return rc;
}

int cli_cmd_shuffle(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "gen") == 0)
        return cmd_gen(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    fputs("usage: shroud shuffle gen --n N --width W --seed S --out DIR [--threads T]\n"
          "       shroud shuffle verify DIR [--threads T]\n", stderr);
    return 2;
}
