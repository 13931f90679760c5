/* tests/helpers/testutil.c -- shared test helpers. */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include "testutil.h"
#include "zk/fe.h"

extern const uint64_t P25519_SQRT_MINUS_ONE[];

#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/rng.h"

const uint8_t tu_L[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
};

void tu_hex(uint8_t *out, size_t out_len, const char *hex)
{
    size_t got = 0;
    const char *end = NULL;
    cr_assert_eq(strlen(hex), 2 * out_len, "hex string of wrong length: %s", hex);
    cr_assert_eq(sodium_hex2bin(out, out_len, hex, strlen(hex), NULL, &got, &end), 0);
    cr_assert_eq(got, out_len);
}

void tu_be_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = a[i] - b[i] - borrow;
        borrow = d < 0;
        r[i] = (uint8_t)d;
    }
}

void tu_be_reduce(uint8_t r[32], const uint8_t a[32], const char *m_hex)
{
    uint8_t m[32];
    tu_hex(m, 32, m_hex);
    memcpy(r, a, 32);
    if (memcmp(r, m, 32) >= 0)
        tu_be_sub(r, r, m);
}

json_t *tu_load_vectors(const char *name)
{
    char path[1024];
    json_error_t err;
    snprintf(path, sizeof path, "%s/tests/vectors/%s", SHROUD_SOURCE_DIR, name);
    json_t *root = json_load_file(path, 0, &err);
    cr_assert_not_null(root, "cannot load %s: %s (line %d)", path, err.text, err.line);
    return root;
}

sh_rng *tu_rng(uint64_t seed)
{
    uint8_t s[SH_RNG_SEEDBYTES] = { 0 };
    for (int i = 0; i < 8; i++)
        s[i] = (uint8_t)(seed >> (8 * i));
    sh_rng *r = sh_rng_chacha_new(s);
    cr_assert_not_null(r);
    return r;
}

void tu_put(tu_bytes *b, const void *p, size_t n)
{
    cr_assert_leq(b->n + n, sizeof b->d);
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

void tu_put_frame(tu_bytes *b, const void *p, size_t n)
{
    uint8_t l[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
    tu_put(b, l, 4);
    tu_put(b, p, n);
}

void tu_put_str(tu_bytes *b, const char *s)
{
    tu_put_frame(b, s, strlen(s));
}

void tu_op_append(tu_bytes *b, const char *label, const void *p, size_t n)
{
    tu_put(b, "\x01", 1);
    tu_put_str(b, label);
    tu_put_frame(b, p, n);
}

void tu_op_challenge(tu_bytes *b, const char *label, uint8_t h[64])
{
    tu_put(b, "\x02", 1);
    tu_put_str(b, label);
    crypto_hash_sha512(h, b->d, b->n);
    tu_put(b, h, 64);
}

void tu_random_points(sh_rng *rng, zk_point *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t h[64];
        sh_rng_bytes(rng, h, sizeof h);
        zk_point_from_hash(&p[i], h);
    }
}

void tu_torsion_translate(zk_point *out, const zk_point *p, int r)
{
    struct decaf_255_point_s *o = &out->v;
    *out = *p;
    if (r & 1) {
        fe_neg(o->x->limb, o->x->limb);
        fe_neg(o->y->limb, o->y->limb);
    }
    if (r & 2) {
        uint64_t ix[5], iy[5];
        gf_25519_mul(ix, o->x->limb, P25519_SQRT_MINUS_ONE);
        gf_25519_mul(iy, o->y->limb, P25519_SQRT_MINUS_ONE);
        fe_copy(o->x->limb, iy);
        fe_copy(o->y->limb, ix);
        fe_neg(o->t->limb, o->t->limb);
    }
}

uint8_t *tu_ct_encode(const zk_elgamal_ct *ct, size_t w, size_t *len)
{
    *len = zk_elgamal_ct_size(w);
    uint8_t *b = malloc(*len);
    cr_assert_not_null(b);
    cr_assert_eq(zk_elgamal_ct_encode(b, *len, ct, w), 0);
    return b;
}

int tu_ct_equal(const zk_elgamal_ct *a, const zk_elgamal_ct *b, size_t w)
{
    for (size_t j = 0; j < w; j++)
        if (!zk_point_eq(&a[j].c1, &b[j].c1) || !zk_point_eq(&a[j].c2, &b[j].c2))
            return 0;
    return 1;
}

/* The whole file at path, NUL-terminated after its len bytes. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0, k;
    char *b = malloc(cap + 1);
    while (b != NULL && (k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *nb = realloc(b, 2 * cap + 1);
            if (nb == NULL) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (b != NULL)
        b[n] = 0;
    *len = n;
    return b;
}

int tu_same_file(const char *d1, const char *d2, const char *name)
{
    char p1[1024], p2[1024];
    size_t l1 = 0, l2 = 0;
    snprintf(p1, sizeof p1, "%s/%s", d1, name);
    snprintf(p2, sizeof p2, "%s/%s", d2, name);
    char *a = read_all(p1, &l1), *b = read_all(p2, &l2);
    cr_assert(a != NULL && b != NULL, "missing %s", name);
    int same = l1 == l2 && memcmp(a, b, l1) == 0;
    free(a);
    free(b);
    return same;
}

void tu_rm_rf(const char *p)
{
    struct stat st;
    if (lstat(p, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(p);
        if (d != NULL) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char sub[1024];
                snprintf(sub, sizeof sub, "%s/%s", p, e->d_name);
                tu_rm_rf(sub);
            }
            closedir(d);
        }
        rmdir(p);
    } else {
        unlink(p);
    }
}

int tu_ed25519_coords(uint8_t xy[64], const uint8_t enc[32])
{
    static const uint8_t D[32] = {    /* RFC 8032's d = -121665 / 121666 */
        0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
        0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
    };
    uint8_t yb[32];
    memcpy(yb, enc, 32);
    yb[31] &= 0x7f;
    uint64_t y[5], y2[5], u[5], v[5], d[5], uv[5], r[5], x[5], c[5];
    fe_unpack(y, yb);
    fe_unpack(d, D);
    gf_25519_sqr(y2, y);
    fe_sub(u, y2, FE_ONE);
    fe_weak_reduce(u);
    gf_25519_mul(v, y2, d);
    fe_add(v, v, FE_ONE);
    fe_weak_reduce(v);
    if (fe_eq(u, FE_ZERO)) {
        fe_copy(x, FE_ZERO);
    } else {
        gf_25519_mul(uv, u, v);
        if (!gf_25519_isr(r, uv))
            return -1;                       /* not a square: no point */
        gf_25519_mul(x, u, r);               /* u / sqrt(u v) = sqrt(u / v) */
    }
    gf_25519_sqr(c, x);
    gf_25519_mul(r, c, v);
    if (!fe_eq(r, u))
        return -1;
    if (fe_is_negative(x) != (enc[31] >> 7))
        fe_neg(x, x);
    fe_pack(xy, x);
    fe_pack(xy + 32, y);
    return 0;
}
