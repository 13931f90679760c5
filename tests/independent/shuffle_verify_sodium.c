/*
 * tests/independent/shuffle_verify_sodium.c -- an INDEPENDENT verifier of
 * shroud's proof of a shuffle, written from docs/shuffle-proof.md (with
 * docs/transcript.md, docs/elgamal.md and docs/proofs.md, which it links)
 * alone, without reading the implementation (zk/, mpc/, cli/, util/), and
 * with libsodium as its only cryptographic library (the implementation uses
 * libdecaf).  Its purpose is to check that the document is sufficient to
 * write a verifier: if this program accepts what `shroud shuffle gen`
 * writes and rejects tampered files, the specification is complete enough.
 *
 *     shuffle_verify_sodium DIR
 *
 * reads DIR/statement.txt, DIR/input.bin, DIR/output.bin and DIR/proof.bin
 * (docs/shuffle-proof.md, "Files of `shroud shuffle`"), re-derives the
 * generators, the transcript, the challenges e_j and v and the batch
 * weights rho, and checks every equation of the section "Verification" one
 * by one, naively (one scalar multiplication at a time), which decides; the
 * document's batched combination (weights v^-1, rho) is computed from the
 * same values and must agree.
 *
 * Exit status:
 *   0  "valid: ..."    every check passed;
 *   1  "invalid: ..."  the proof is rejected (wrong proof length, a point of
 *                      the proof that does not decode, a scalar >= L,
 *                      v = 0, pk the identity, the statement and the batches
 *                      disagreeing on N or w, or an equation that fails);
 *   2  "error: ..."    a file cannot be read or does not parse on its own
 *                      (statement.txt syntax, a batch's header, length or
 *                      points), or an internal failure.
 */
#include <sodium.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PT 32 /* bytes of a point encoding */
#define SC 32 /* bytes of a scalar encoding */

enum { EXIT_VALID = 0, EXIT_INVALID = 1, EXIT_ERROR = 2 };

/* ---- small helpers ------------------------------------------------------- */

static void *xcalloc(size_t n, size_t size)
{
    if (n == 0)
        n = 1;
    void *p = calloc(n, size);
    if (p == NULL) {
        fprintf(stderr, "error: out of memory\n");
        exit(EXIT_ERROR);
    }
    return p;
}

/* Reads the whole file DIR/NAME; 0 on success, -1 (message printed). */
static int read_file(const char *dir, const char *name, unsigned char **out, size_t *len)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) {
        printf("error: path too long: %s/%s\n", dir, name);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        printf("error: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, used = 0;
    unsigned char *buf = malloc(cap);
    if (buf == NULL) {
        fclose(f);
        printf("error: out of memory reading %s\n", path);
        return -1;
    }
    for (;;) {
        if (used == cap) {
            if (cap > ((size_t)1 << 31)) {
                free(buf);
                fclose(f);
                printf("error: %s is too large\n", path);
                return -1;
            }
            unsigned char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                printf("error: out of memory reading %s\n", path);
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + used, 1, cap - used, f);
        used += got;
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                fclose(f);
                printf("error: cannot read %s\n", path);
                return -1;
            }
            break;
        }
    }
    fclose(f);
    *out = buf;
    *len = used;
    return 0;
}

static uint32_t get_u32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32le(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64le(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* ---- the transcript (docs/transcript.md) --------------------------------- */

typedef struct {
    crypto_hash_sha512_state st;
} transcript;

static void t_frame(transcript *t, const void *data, size_t len)
{
    unsigned char l[4];
    put_u32le(l, (uint32_t)len);
    crypto_hash_sha512_update(&t->st, l, 4);
    crypto_hash_sha512_update(&t->st, data, len);
}

static void t_init(transcript *t, const char *domain)
{
    crypto_hash_sha512_init(&t->st);
    t_frame(t, "shroud-transcript-v1", strlen("shroud-transcript-v1"));
    t_frame(t, domain, strlen(domain));
}

static void t_append(transcript *t, const char *label, const void *data, size_t len)
{
    const unsigned char tag = 0x01;
    crypto_hash_sha512_update(&t->st, &tag, 1);
    t_frame(t, label, strlen(label));
    t_frame(t, data, len);
}

static void t_append_u64(transcript *t, const char *label, uint64_t v)
{
    unsigned char b[8];
    put_u64le(b, v);
    t_append(t, label, b, 8);
}

/* 0x02 || frame(label); h = SHA-512(T); then h itself is appended. */
static void t_challenge(transcript *t, const char *label, unsigned char h[64])
{
    const unsigned char tag = 0x02;
    crypto_hash_sha512_update(&t->st, &tag, 1);
    t_frame(t, label, strlen(label));
    crypto_hash_sha512_state copy = t->st;
    crypto_hash_sha512_final(&copy, h);
    crypto_hash_sha512_update(&t->st, h, 64);
}

/* ---- scalars and points through libsodium --------------------------------- */

/* decs: 0 iff the 32 bytes are a little-endian integer < L. */
static int sc_decode(const unsigned char s[SC])
{
    unsigned char wide[64] = { 0 }, red[SC];
    memcpy(wide, s, SC);
    crypto_core_ristretto255_scalar_reduce(red, wide);
    return sodium_memcmp(red, s, SC) == 0 ? 0 : -1;
}

static void sc_from_u128le(unsigned char s[SC], const unsigned char b[16])
{
    memset(s, 0, SC);
    memcpy(s, b, 16);
}

static int sc_is_zero(const unsigned char s[SC])
{
    return sodium_is_zero(s, SC);
}

/* Strict decoding (RFC 9496 4.3.1); the identity (all zero) is a point. */
static int pt_decode(const unsigned char p[PT])
{
    if (sodium_is_zero(p, PT))
        return 0;
    return crypto_core_ristretto255_is_valid_point(p) ? 0 : -1;
}

static int pt_is_identity(const unsigned char p[PT])
{
    return sodium_is_zero(p, PT);
}

static void internal(const char *what)
{
    printf("error: internal failure in %s\n", what);
    exit(EXIT_ERROR);
}

/* libsodium's products return -1 when the result is the identity (and then
 * write 32 zero bytes); that is a legitimate result here.  Any other
 * failure (an input that is not a point) is an internal error, since every
 * point is decoded before use. */
static void pt_mul(unsigned char r[PT], const unsigned char s[SC], const unsigned char p[PT])
{
    unsigned char tmp[PT];
    if (pt_is_identity(p)) {
        memset(r, 0, PT);
        return;
    }
    memset(tmp, 0xff, PT);
    if (crypto_scalarmult_ristretto255(tmp, s, p) != 0 && !sodium_is_zero(tmp, PT))
        internal("crypto_scalarmult_ristretto255");
    memcpy(r, tmp, PT);
}

static void pt_mul_base(unsigned char r[PT], const unsigned char s[SC])
{
    unsigned char tmp[PT];
    memset(tmp, 0xff, PT);
    if (crypto_scalarmult_ristretto255_base(tmp, s) != 0 && !sodium_is_zero(tmp, PT))
        internal("crypto_scalarmult_ristretto255_base");
    memcpy(r, tmp, PT);
}

static void pt_add(unsigned char r[PT], const unsigned char p[PT], const unsigned char q[PT])
{
    unsigned char tmp[PT];
    if (crypto_core_ristretto255_add(tmp, p, q) != 0)
        internal("crypto_core_ristretto255_add");
    memcpy(r, tmp, PT);
}

static void pt_sub(unsigned char r[PT], const unsigned char p[PT], const unsigned char q[PT])
{
    unsigned char tmp[PT];
    if (crypto_core_ristretto255_sub(tmp, p, q) != 0)
        internal("crypto_core_ristretto255_sub");
    memcpy(r, tmp, PT);
}

/* acc += s * p */
static void pt_muladd(unsigned char acc[PT], const unsigned char s[SC], const unsigned char p[PT])
{
    unsigned char t[PT];
    pt_mul(t, s, p);
    pt_add(acc, acc, t);
}

static int pt_eq(const unsigned char p[PT], const unsigned char q[PT])
{
    /* canonical encodings: equal points have equal bytes */
    return sodium_memcmp(p, q, PT) == 0;
}

/* ---- generators: h_i = MAP(SHA-512(tag || seed || u64le(i))[0..32)) ------
 *
 * MAP is ONE Elligator map of RFC 9496 4.3.4; libsodium offers only
 * from_hash(a || b) = MAP(a) + MAP(b).  In a group of prime order L,
 * MAP(0) = 2^-1 * from_hash(0^64), hence MAP(a) = from_hash(a || 0^32) - MAP(0).
 * (MAP(0^32) happens to be the identity, which the document does not say;
 * computing it keeps this independent of that.  Cross-checked against
 * MAP(a) = 2^-1 * from_hash(a || a) for h_0.) */

static const char GEN_TAG[] = "shroud-shuffle-generators-v1";

static void gen_input(unsigned char a[32], const unsigned char seed[32], uint64_t i)
{
    crypto_hash_sha512_state st;
    unsigned char ib[8], h[64];
    put_u64le(ib, i);
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, (const unsigned char *)GEN_TAG, strlen(GEN_TAG));
    crypto_hash_sha512_update(&st, seed, 32);
    crypto_hash_sha512_update(&st, ib, 8);
    crypto_hash_sha512_final(&st, h);
    memcpy(a, h, 32);
}

static void scalar_half(unsigned char half[SC])
{
    unsigned char two[SC] = { 2 };
    if (crypto_core_ristretto255_scalar_invert(half, two) != 0)
        internal("scalar_invert");
}

static void derive_generators(unsigned char *h, size_t n, const unsigned char seed[32])
{
    unsigned char half[SC], zero64[64] = { 0 }, map0[PT], twice[PT], buf[64];
    scalar_half(half);
    if (crypto_core_ristretto255_from_hash(twice, zero64) != 0)
        internal("from_hash");
    pt_mul(map0, half, twice);
    for (size_t i = 0; i < n; i++) {
        memset(buf, 0, sizeof buf);
        gen_input(buf, seed, (uint64_t)i);
        if (crypto_core_ristretto255_from_hash(twice, buf) != 0)
            internal("from_hash");
        pt_sub(h + PT * i, twice, map0);
    }
    /* cross-check of the MAP construction on h_0 */
    unsigned char alt[PT];
    gen_input(buf, seed, 0);
    memcpy(buf + 32, buf, 32);
    if (crypto_core_ristretto255_from_hash(twice, buf) != 0)
        internal("from_hash");
    pt_mul(alt, half, twice);
    if (!pt_eq(alt, h))
        internal("generator cross-check (MAP)");
}

/* ---- statement.txt ------------------------------------------------------- */

typedef struct {
    uint64_t n, width, epoch, round, shuffler;
    unsigned char seed[32];
    unsigned char pk[PT];
} statement;

static int parse_u64(const char *s, size_t len, uint64_t *out)
{
    /* "decimal": leading zeros are accepted, as `shroud shuffle verify`
     * does (the document does not say); the value is what is hashed. */
    if (len == 0)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_hex32(const char *s, size_t len, unsigned char out[32])
{
    if (len != 64)
        return -1;
    for (size_t i = 0; i < 64; i++) {
        char c = s[i];
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') /* accepted by shroud too */
            v = c - 'A' + 10;
        else
            return -1;
        if (i % 2 == 0)
            out[i / 2] = (unsigned char)(v << 4);
        else
            out[i / 2] |= (unsigned char)v;
    }
    return 0;
}

/* 0, or -1 with a message printed. */
static int parse_statement(const unsigned char *buf, size_t len, statement *st)
{
    static const char *const keys[] = { "n", "width", "epoch", "round", "shuffler",
                                        "generators", "pk" };
    enum { NKEYS = 7 };
    int seen[NKEYS] = { 0 };
    const char *p = (const char *)buf, *end = p + len;
    int lineno = 0;
    if (memchr(buf, '\0', len) != NULL) {
        printf("error: statement.txt: contains a NUL byte\n");
        return -1;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t ll = (size_t)(le - p);
        lineno++;
        if (lineno == 1) {
            if (ll != strlen("shroud-shuffle 1") || memcmp(p, "shroud-shuffle 1", ll) != 0) {
                printf("error: statement.txt: first line is not 'shroud-shuffle 1'\n");
                return -1;
            }
        } else {
            const char *sp = memchr(p, ' ', ll);
            if (sp == NULL) {
                printf("error: statement.txt line %d: not 'key value'\n", lineno);
                return -1;
            }
            size_t kl = (size_t)(sp - p);
            const char *val = sp + 1;
            size_t vl = (size_t)(le - val);
            int k;
            for (k = 0; k < NKEYS; k++)
                if (strlen(keys[k]) == kl && memcmp(keys[k], p, kl) == 0)
                    break;
            if (k == NKEYS) {
                printf("error: statement.txt line %d: unknown key '%.*s'\n", lineno,
                       (int)(kl > 40 ? 40 : kl), p);
                return -1;
            }
            if (seen[k]) {
                printf("error: statement.txt line %d: key '%s' repeated\n", lineno, keys[k]);
                return -1;
            }
            seen[k] = 1;
            int rc;
            switch (k) {
            case 0: rc = parse_u64(val, vl, &st->n); break;
            case 1: rc = parse_u64(val, vl, &st->width); break;
            case 2: rc = parse_u64(val, vl, &st->epoch); break;
            case 3: rc = parse_u64(val, vl, &st->round); break;
            case 4: rc = parse_u64(val, vl, &st->shuffler); break;
            case 5: rc = parse_hex32(val, vl, st->seed); break;
            default: rc = parse_hex32(val, vl, st->pk); break;
            }
            if (rc != 0) {
                printf("error: statement.txt line %d: bad value for '%s'\n", lineno, keys[k]);
                return -1;
            }
        }
        p = nl ? nl + 1 : end;
    }
    if (lineno == 0) {
        printf("error: statement.txt: empty\n");
        return -1;
    }
    for (int k = 0; k < NKEYS; k++) {
        if (!seen[k]) {
            printf("error: statement.txt: key '%s' missing\n", keys[k]);
            return -1;
        }
    }
    if (st->n < 1 || st->n > ((uint64_t)1 << 22) || st->width < 1 || st->width > 2185 ||
        st->n * st->width > ((uint64_t)1 << 24)) {
        printf("error: statement.txt: n %llu, width %llu out of range\n",
               (unsigned long long)st->n, (unsigned long long)st->width);
        return -1;
    }
    if (pt_decode(st->pk) != 0) {
        printf("error: statement.txt: pk is not a point encoding\n");
        return -1;
    }
    return 0;
}

/* ---- batches: u32le(N) || u16le(w) || points ------------------------------ */

typedef struct {
    size_t n, w;
    const unsigned char *pts; /* into the file buffer: 2*n*w points */
    size_t pts_len;
} batch;

static int parse_batch(const char *name, const unsigned char *buf, size_t len, batch *b)
{
    if (len < 6) {
        printf("error: %s: truncated (%zu bytes)\n", name, len);
        return -1;
    }
    uint32_t n = get_u32le(buf);
    unsigned w = (unsigned)buf[4] | (unsigned)buf[5] << 8;
    if (n == 0 || w == 0) {
        printf("error: %s: empty batch (N %u, w %u)\n", name, n, w);
        return -1;
    }
    if (n > ((uint32_t)1 << 22) || w > 2185 || (uint64_t)n * w > ((uint64_t)1 << 24)) {
        printf("error: %s: N %u, w %u too large\n", name, n, w);
        return -1;
    }
    uint64_t want = 6 + (uint64_t)64 * n * w;
    if ((uint64_t)len != want) {
        printf("error: %s: %zu bytes, expected %llu (%s)\n", name, len,
               (unsigned long long)want, (uint64_t)len < want ? "truncated" : "trailing bytes");
        return -1;
    }
    b->n = n;
    b->w = w;
    b->pts = buf + 6;
    b->pts_len = (size_t)(want - 6);
    for (size_t i = 0; i < 2 * (size_t)n * w; i++) {
        if (pt_decode(b->pts + PT * i) != 0) {
            printf("error: %s: component %zu (ciphertext %zu, component %zu, C%zu) is not a "
                   "point\n",
                   name, i, i / (2 * w), (i / 2) % w, i % 2 + 1);
            return -1;
        }
    }
    return 0;
}

/* point of a batch: ciphertext j, component l, half p (0 = C1, 1 = C2) */
static const unsigned char *bpt(const batch *b, size_t j, size_t l, size_t p)
{
    return b->pts + PT * ((j * b->w + l) * 2 + p);
}

/* ---- the verifier -------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int invalid(const char *fmt, ...)
{
    va_list ap;
    printf("invalid: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    return EXIT_INVALID;
}

static int verify(const statement *st, const batch *in, const batch *out,
                  const unsigned char *proof, size_t proof_len)
{
    const size_t N = (size_t)st->n, w = (size_t)st->width;

    if (in->n != N || in->w != w)
        return invalid("input batch has N %zu, w %zu; the statement says N %zu, w %zu", in->n,
                       in->w, N, w);
    if (out->n != N || out->w != w)
        return invalid("output batch has N %zu, w %zu; the statement says N %zu, w %zu",
                       out->n, out->w, N, w);
    if (pt_is_identity(st->pk))
        return invalid("pk is the identity");

    /* the proof proper, then the decompression hints of its 3N + 3 + 2w
     * points and of the output's 2wN points: an aid this verifier, which
     * decodes with libsodium, does not need (they never change a verdict) */
    const size_t want = (size_t)32 * (5 * N + 3 * w + 6 + 3 * N + 3 + 2 * w + 2 * w * N);
    if (proof_len != want)
        return invalid("proof is %zu bytes, expected %zu (%s)", proof_len, want,
                       proof_len < want ? "truncated" : "trailing bytes");

    /* layout: u[N], c-hat[N] (c_1..c_N), A', B'[N], C', D', F'[2w],
     *         k_A, k_B[N], k_C, k_D, k_E[N], k_F[w] */
    const unsigned char *u = proof;
    const unsigned char *chat = u + PT * N; /* chat + PT*k = c-hat_{k+1} */
    const unsigned char *Ap = chat + PT * N;
    const unsigned char *Bp = Ap + PT;
    const unsigned char *Cp = Bp + PT * N;
    const unsigned char *Dp = Cp + PT;
    const unsigned char *Fp = Dp + PT; /* F'_{l,p} at Fp + PT*(2l+p) */
    const unsigned char *kA = Fp + PT * 2 * w;
    const unsigned char *kB = kA + SC;
    const unsigned char *kC = kB + SC * N;
    const unsigned char *kD = kC + SC;
    const unsigned char *kE = kD + SC;
    const unsigned char *kF = kE + SC * N;
    if (kF + SC * w != proof + (size_t)32 * (5 * N + 3 * w + 6))
        internal("proof layout");   /* the hints follow, unread */

    const size_t npts = 3 * N + 3 + 2 * w, nsc = 2 * N + 3 + w;
    for (size_t i = 0; i < npts; i++)
        if (pt_decode(proof + PT * i) != 0)
            return invalid("proof point %zu does not decode", i);
    for (size_t i = 0; i < nsc; i++)
        if (sc_decode(kA + SC * i) != 0)
            return invalid("proof scalar %zu is not below L", i);

    /* transcript */
    transcript T;
    unsigned char he[64], hv[64], v[SC];
    t_init(&T, "shroud-shuffle-v1");
    t_append(&T, "generators", st->seed, 32);
    t_append_u64(&T, "n", N);
    t_append_u64(&T, "width", w);
    t_append_u64(&T, "epoch", st->epoch);
    t_append_u64(&T, "round", st->round);
    t_append_u64(&T, "shuffler", st->shuffler);
    t_append(&T, "pk", st->pk, PT);
    t_append(&T, "input", in->pts, in->pts_len);
    t_append(&T, "output", out->pts, out->pts_len);
    t_append(&T, "u", u, PT * N);
    t_challenge(&T, "e", he);
    t_append(&T, "c-hat", chat, PT * N);
    t_append(&T, "A'", Ap, PT);
    t_append(&T, "B'", Bp, PT * N);
    t_append(&T, "C'", Cp, PT);
    t_append(&T, "D'", Dp, PT);
    t_append(&T, "F'", Fp, PT * 2 * w);
    t_challenge(&T, "v", hv);
    crypto_core_ristretto255_scalar_reduce(v, hv);

    /* Batch weights ("Batched verification"): after v,
     * append("responses", all scalar bytes of the proof) -- taken here as the
     * 32 (2N + 3 + w) bytes from k_A to the end, in proof order --,
     * K' = challenge("batch-weights")[0..32), and rho_0 .. rho_{N-1}, rho_C,
     * rho_D, rho_{0,0}, rho_{0,1}, .., rho_{w-1,1} 16-byte little-endian
     * values of ChaCha20(K', 0, .).  The document lets an independent
     * verifier check each equation instead, which is what decides here; the
     * combination is computed too, to follow the document, and must agree. */
    unsigned char hb[64];
    const size_t nrho = N + 2 + 2 * w;
    t_append(&T, "responses", kA, SC * nsc);
    t_challenge(&T, "batch-weights", hb);
    sodium_memzero(&T, sizeof T);

    static const unsigned char nonce[12] = { 0 };
    size_t nstream = N > nrho ? N : nrho;
    unsigned char *stream = xcalloc(nstream, 16);
    unsigned char *rho = xcalloc(nrho, SC);
    if (crypto_stream_chacha20_ietf(stream, 16 * (unsigned long long)nrho, nonce, hb) != 0)
        internal("crypto_stream_chacha20_ietf");
    for (size_t i = 0; i < nrho; i++)
        sc_from_u128le(rho + SC * i, stream + 16 * i);

    /* e_j: 16-byte little-endian slices of ChaCha20(K = h_e[0..32), 0, 16N) */
    unsigned char *e = xcalloc(N, SC);
    if (crypto_stream_chacha20_ietf(stream, 16 * (unsigned long long)N, nonce, he) != 0)
        internal("crypto_stream_chacha20_ietf");
    for (size_t j = 0; j < N; j++)
        sc_from_u128le(e + SC * j, stream + 16 * j);
    free(stream);

    int rc = EXIT_VALID;
    unsigned char *h = xcalloc(N, PT);
    /* defects lhs - rhs of the N + 2w + 3 equations, in the order of the
     * table: A, B_0 .. B_{N-1}, C, D, F_{0,C1}, F_{0,C2}, .. */
    const size_t neq = N + 2 * w + 3;
    unsigned char *def = xcalloc(neq, PT);
    unsigned char *dA = def, *dB = def + PT, *dC = dB + PT * N, *dD = dC + PT,
                  *dF = dD + PT;
    derive_generators(h, N, st->seed);

    if (sc_is_zero(v)) {
        rc = invalid("challenge v is 0");
        goto done;
    }

    unsigned char lhs[PT], rhs[PT], t1[PT], comb[PT];

    /* A = sum e_j u_j; A: v*A + A' = k_A*B + sum k_E,k h_k */
    memset(comb, 0, PT);
    for (size_t j = 0; j < N; j++)
        pt_muladd(comb, e + SC * j, u + PT * j);
    pt_mul(lhs, v, comb);
    pt_add(lhs, lhs, Ap);
    pt_mul_base(rhs, kA);
    for (size_t k = 0; k < N; k++)
        pt_muladd(rhs, kE + SC * k, h + PT * k);
    pt_sub(dA, lhs, rhs);

    /* B_k: v*c_{k+1} + B'_k = k_B,k*B + k_E,k*c_k, with c_0 = h_0 */
    for (size_t k = 0; k < N; k++) {
        const unsigned char *ck = k == 0 ? h : chat + PT * (k - 1);
        pt_mul(lhs, v, chat + PT * k);
        pt_add(lhs, lhs, Bp + PT * k);
        pt_mul_base(rhs, kB + SC * k);
        pt_muladd(rhs, kE + SC * k, ck);
        pt_sub(dB + PT * k, lhs, rhs);
    }

    /* C = sum u_j - sum h_k; C: v*C + C' = k_C*B */
    memset(comb, 0, PT);
    for (size_t j = 0; j < N; j++) {
        pt_add(comb, comb, u + PT * j);
        pt_sub(comb, comb, h + PT * j);
    }
    pt_mul(lhs, v, comb);
    pt_add(lhs, lhs, Cp);
    pt_mul_base(rhs, kC);
    pt_sub(dC, lhs, rhs);

    /* D = c_N - (prod e_j) h_0; D: v*D + D' = k_D*B */
    unsigned char prod[SC] = { 1 };
    for (size_t j = 0; j < N; j++)
        crypto_core_ristretto255_scalar_mul(prod, prod, e + SC * j);
    pt_mul(t1, prod, h);
    pt_sub(comb, chat + PT * (N - 1), t1);
    pt_mul(lhs, v, comb);
    pt_add(lhs, lhs, Dp);
    pt_mul_base(rhs, kD);
    pt_sub(dD, lhs, rhs);

    /* F_l = sum e_j in_{j,l}; F_l, on the C1 halves (with B) and on the C2
     * halves (with pk): v*F_l + F'_l = -Enc(k_F,l) + sum k_E,k out_{k,l} */
    for (size_t l = 0; l < w; l++) {
        for (size_t p = 0; p < 2; p++) {
            memset(comb, 0, PT);
            for (size_t j = 0; j < N; j++)
                pt_muladd(comb, e + SC * j, bpt(in, j, l, p));
            pt_mul(lhs, v, comb);
            pt_add(lhs, lhs, Fp + PT * (2 * l + p));
            if (p == 0)
                pt_mul_base(t1, kF + SC * l);
            else
                pt_mul(t1, kF + SC * l, st->pk);
            memset(rhs, 0, PT);
            pt_sub(rhs, rhs, t1);
            for (size_t k = 0; k < N; k++)
                pt_muladd(rhs, kE + SC * k, bpt(out, k, l, p));
            pt_sub(dF + PT * (2 * l + p), lhs, rhs);
        }
    }

    /* the document's random linear combination: v^-1 A + rho_C v^-1 C +
     * sum rho_k B_k + rho_D D + sum rho_{l,p} F_{l,p} */
    unsigned char vinv[SC], wC[SC];
    if (crypto_core_ristretto255_scalar_invert(vinv, v) != 0)
        internal("scalar_invert");
    crypto_core_ristretto255_scalar_mul(wC, rho + SC * N, vinv);
    memset(comb, 0, PT);
    pt_muladd(comb, vinv, dA);
    for (size_t k = 0; k < N; k++)
        pt_muladd(comb, rho + SC * k, dB + PT * k);
    pt_muladd(comb, wC, dC);
    pt_muladd(comb, rho + SC * (N + 1), dD);
    for (size_t i = 0; i < 2 * w; i++)
        pt_muladd(comb, rho + SC * (N + 2 + i), dF + PT * i);
    const int batch_ok = pt_is_identity(comb);

    /* the decision: every equation on its own, in the order of the table */
    for (size_t q = 0; q < neq; q++) {
        if (pt_is_identity(def + PT * q))
            continue;
        if (q == 0)
            rc = invalid("check A (opening of the permutation commitment) failed");
        else if (q <= N)
            rc = invalid("check B (chain of committed products) failed at k = %zu", q - 1);
        else if (q == N + 1)
            rc = invalid("check C (sum of the permutation commitment) failed");
        else if (q == N + 2)
            rc = invalid("check D (product of the challenges) failed");
        else
            rc = invalid("check F (re-encryption) failed at l = %zu (%s half)",
                         (q - N - 3) / 2, (q - N - 3) % 2 == 0 ? "C1" : "C2");
        if (batch_ok)
            printf("note: the batched combination of the document cancelled this failure\n");
        goto done;
    }
    if (!batch_ok)
        internal("batched combination (every equation holds, the combination does not)");

    printf("valid: N %zu, width %zu, epoch %llu, round %llu, shuffler %llu\n", N, w,
           (unsigned long long)st->epoch, (unsigned long long)st->round,
           (unsigned long long)st->shuffler);

done:
    free(def);
    free(h);
    free(e);
    free(rho);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argc > 0 ? argv[0] : "shuffle_verify_sodium");
        return EXIT_ERROR;
    }
    if (sodium_init() < 0) {
        printf("error: sodium_init failed\n");
        return EXIT_ERROR;
    }
    const char *dir = argv[1];
    unsigned char *sbuf = NULL, *ibuf = NULL, *obuf = NULL, *pbuf = NULL;
    size_t slen = 0, ilen = 0, olen = 0, plen = 0;
    statement st;
    batch in, out;
    int rc = EXIT_ERROR;
    memset(&st, 0, sizeof st);

    if (read_file(dir, "statement.txt", &sbuf, &slen) != 0 ||
        read_file(dir, "input.bin", &ibuf, &ilen) != 0 ||
        read_file(dir, "output.bin", &obuf, &olen) != 0 ||
        read_file(dir, "proof.bin", &pbuf, &plen) != 0)
        goto out;
    if (parse_statement(sbuf, slen, &st) != 0 || parse_batch("input.bin", ibuf, ilen, &in) != 0 ||
        parse_batch("output.bin", obuf, olen, &out) != 0)
        goto out;
    rc = verify(&st, &in, &out, pbuf, plen);

out:
    fflush(stdout);
    free(sbuf);
    free(ibuf);
    free(obuf);
    free(pbuf);
    return rc;
}
