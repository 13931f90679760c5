/* tests/test_zk_hint.c -- decompression hints (zk/hint.h) against
 * libdecaf's decoder.
 *
 * The property that matters: whatever the hint, zk_point_decode_hinted
 * returns what zk_elgamal_point_decode returns (the same code, the same
 * group element); and for hints made by zk_point_hints from the points'
 * coordinates, it takes the fast path.  Points come in every
 * representative a computation leaves them in (decoded, sums, scalar
 * multiples, the identity, and the four representatives of one element
 * that differ by 4-torsion); encodings come random, odd, non-canonical
 * and at the field's edges; hints come right, negated, off by one bit,
 * random and non-canonical. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "util/err.h"
#include "zk/elgamal.h"
#include "zk/fe.h"
#include "zk/group.h"
#include "zk/hint.h"
#include "testutil.h"


static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(9496);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(hint, .init = setup, .fini = teardown);

/* zk_elem_decode_nonidentity_hinted(enc, hint) agrees with
 * zk_elem_decode_nonidentity(enc): the same code, element and bytes. */
static void check_elem_agrees(const uint8_t enc[32], const uint8_t *hint)
{
    zk_elem a, b;
    memset(&a, 0x5a, sizeof a);
    memset(&b, 0xa5, sizeof b);
    int ra = zk_elem_decode_nonidentity(&a, enc);
    int rb = zk_elem_decode_nonidentity_hinted(&b, enc, hint);
    cr_assert_eq(rb, ra, "elem: hinted %d, plain %d", rb, ra);
    cr_assert(zk_point_eq(&a.p, &b.p), "elem: a different point");
    cr_assert_arr_eq(a.enc, b.enc, 32, "elem: different bytes");
}

/* decode_hinted(enc, hint) agrees with zk_elgamal_point_decode(enc):
 * the same code and, on success, the same element with z = 1; so does the
 * zk_elem decoder with and without the hint.  Returns hint_ok. */
static int check_agrees(const uint8_t enc[32], const uint8_t hint[32])
{
    check_elem_agrees(enc, hint);
    check_elem_agrees(enc, NULL);
    zk_point got, want;
    int ok = -1;
    int rc = zk_point_decode_hinted(&got, enc, hint, &ok);
    int rw = zk_elgamal_point_decode(&want, enc);
    cr_assert_eq(rc, rw, "decode_hinted returned %d, libdecaf %d", rc, rw);
    cr_assert(ok == 0 || ok == 1);
    if (rc == SH_OK) {
        cr_assert(zk_point_eq(&got, &want), "a different element");
        uint8_t a[32];
        zk_point_encode(a, &got);
        cr_assert_arr_eq(a, enc, 32, "re-encodes differently");
        cr_assert_eq(got.v.z->limb[0], 1, "z is not one");
        /* t = x y / z: a further addition reads it */
        zk_point g2, w2, b;
        zk_point_base(&b);
        zk_point_add(&g2, &got, &b);
        zk_point_add(&w2, &want, &b);
        cr_assert(zk_point_eq(&g2, &w2), "t is wrong");
    } else {
        cr_assert_eq(ok, 0, "a failed decode claims its hint");
        cr_assert(zk_point_is_identity(&got), "not the identity on error");
    }
    return ok;
}

/* Hints of pts (via their encodings) all take the fast path. */
static void check_points(const zk_point *pts, size_t n)
{
    uint8_t *enc = malloc(32 * n), *hints = malloc(32 * n);
    cr_assert(enc != NULL && hints != NULL);
    for (size_t i = 0; i < n; i++)
        zk_point_encode(enc + 32 * i, &pts[i]);
    zk_point_hints(hints, pts, enc, n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(hints[32 * i] & 1, 0, "hint %zu is odd (negative)", i);
        cr_assert_eq(hints[32 * i + 31] & 0x80, 0, "hint %zu has its top bit", i);
        cr_assert_eq(check_agrees(enc + 32 * i, hints + 32 * i), 1,
                     "the hint of point %zu was not taken", i);
    }
    free(enc);
    free(hints);
}

Test(hint, hints_of_computed_points_decode_fast)
{
    enum { N = 300 };     /* several blocks of 64, and a partial one */
    zk_point *p = malloc(N * sizeof *p);
    cr_assert(p != NULL);
    tu_random_points(rng, p, N);
    for (size_t i = 0; i < N; i += 3) {
        if (i + 1 < N)
            zk_point_add(&p[i], &p[i], &p[i + 1]);       /* sums */
        if (i + 2 < N)
            zk_point_dbl(&p[i + 2], &p[i + 2]);          /* doublings */
    }
    zk_point_identity(&p[7]);
    zk_point_base(&p[64]);
    check_points(p, N);
    free(p);
}

Test(hint, hints_of_decoded_points_decode_fast)
{
    enum { N = 70 };
    zk_point p[N];
    uint8_t b[32];
    tu_random_points(rng, p, N);
    for (size_t i = 0; i < N; i++) {
        zk_point_encode(b, &p[i]);
        cr_assert_eq(zk_point_decode(&p[i], b), 0);
    }
    check_points(p, N);
}

/* The four representatives of one element: (x, y), (-x, -y) and the two
 * that differ from them by a point of order 4, (i y, i x) with t negated in
 * libdecaf's coordinates (i = sqrt(-1)). */
Test(hint, every_representative_of_an_element)
{
    zk_point p[4 * 16];
    tu_random_points(rng, p, 16);
    for (size_t k = 0; k < 16; k++)
        for (int r = 1; r < 4; r++)
            tu_torsion_translate(&p[16 * r + k], &p[k], r);
    /* each is on the curve and the same element as its base (else the
     * test, not the code, is wrong) */
    for (size_t k = 0; k < 16; k++)
        for (int r = 1; r < 4; r++) {
            cr_assert(decaf_255_point_valid(&p[16 * r + k].v), "representative %d of %zu", r, k);
            cr_assert(zk_point_eq(&p[16 * r + k], &p[k]), "representative %d of %zu", r, k);
        }
    check_points(p, 4 * 16);
}

Test(hint, the_identity)
{
    uint8_t enc[32] = { 0 }, hint[32] = { 0 }, made[32];
    hint[0] = 1;                            /* the odd root, also accepted */
    cr_assert_eq(check_agrees(enc, hint), 1);
    /* zk_point_hints gives the even root, p - 1 */
    zk_point idp;
    zk_point_identity(&idp);
    zk_point_hints(made, &idp, enc, 1);
    memset(hint, 0xff, 32);
    hint[0] = 0xec;
    hint[31] = 0x7f;
    cr_assert_arr_eq(made, hint, 32);
    zk_point id;
    cr_assert_eq(zk_point_decode_hinted(&id, enc, hint, NULL), 0);
    cr_assert(zk_point_is_identity(&id));
}

/* A hint off by one bit, random, zero or p + h (non-canonical): the slow
 * path, the same result.  -h (the other root): still the fast path. */
Test(hint, wrong_hints_change_nothing)
{
    zk_point p[40];
    uint8_t enc[40][32], hints[40][32];
    tu_random_points(rng, p, 40);
    for (size_t i = 0; i < 40; i++)
        zk_point_encode(enc[i], &p[i]);
    zk_point_hints(&hints[0][0], p, &enc[0][0], 40);
    for (size_t i = 0; i < 40; i++) {
        uint8_t h[32];
        memcpy(h, hints[i], 32);
        h[i % 32] ^= (uint8_t)(1u << (i % 7));     /* not bit 255, which is ignored */
        cr_assert_eq(check_agrees(enc[i], h), 0, "a flipped bit passed");
        sh_rng_bytes(rng, h, 32);
        cr_assert_eq(check_agrees(enc[i], h), 0, "a random hint passed");
        memset(h, 0, 32);
        cr_assert_eq(check_agrees(enc[i], h), 0, "a zero hint passed");
        /* -h mod p */
        uint64_t v[5];
        fe_unpack(v, hints[i]);
        fe_neg(v, v);
        fe_pack(h, v);
        cr_assert_eq(check_agrees(enc[i], h), 1, "the other root was refused");
        /* h + p, when it fits in 255 bits: the same value, not canonical */
        uint8_t hp[32];
        unsigned carry = 0;
        static const uint8_t P[32] = { 0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
        for (int k = 0; k < 32; k++) {
            unsigned s = (unsigned)hints[i][k] + P[k] + carry;
            hp[k] = (uint8_t)s;
            carry = s >> 8;
        }
        if (!(hp[31] & 0x80))
            (void)check_agrees(enc[i], hp);     /* either path; the same answer */
    }
}

/* Random encodings, with random hints and with the hints libdecaf's
 * inverse square root gives: agreement on every one, valid or not. */
Test(hint, random_encodings_agree_with_libdecaf)
{
    int valid = 0;
    for (int i = 0; i < 4000; i++) {
        uint8_t enc[32], h[32];
        sh_rng_bytes(rng, enc, 32);
        if (i % 2 == 0)
            enc[0] &= 0xfe;                   /* even: the decodable half */
        if (i % 8 != 0)
            enc[31] &= 0x7f;                  /* mostly without the top bit */
        sh_rng_bytes(rng, h, 32);
        (void)check_agrees(enc, h);
        zk_point p;
        if (zk_elgamal_point_decode(&p, enc) == SH_OK) {
            valid++;
            zk_point_hints(h, &p, enc, 1);
            cr_assert_eq(check_agrees(enc, h), 1);
        }
    }
    cr_assert_gt(valid, 100, "too few valid encodings drawn (%d)", valid);
}

/* The edges of the field: s = p - 1 (odd, so rejected), p .. 2^255 - 1
 * (non-canonical), 2^255 + small (top bit), 1 and 2. */
Test(hint, field_edges)
{
    uint8_t enc[32], h[32];
    memset(h, 0x11, sizeof h);
    h[31] = 0x01;
    for (int v = 0xe0; v <= 0xff; v++) {
        memset(enc, 0xff, 32);
        enc[0] = (uint8_t)v;
        enc[31] = 0x7f;
        (void)check_agrees(enc, h);
        enc[31] = 0xff;
        (void)check_agrees(enc, h);
    }
    memset(enc, 0, 32);
    for (int v = 1; v < 40; v++) {
        enc[0] = (uint8_t)v;
        (void)check_agrees(enc, h);
        enc[31] = 0x80;
        (void)check_agrees(enc, h);
        enc[31] = 0;
    }
}

/* Known answers: RFC 9496's encodings of B and 2B (its section A.1) and
 * their hints, computed from docs/shuffle-proof.md's definition alone with
 * Python integers (h = 1 / sqrt(n u^2) mod p, the even root), not by this
 * code. */
Test(hint, known_answers)
{
    static const char *const vec[2][2] = {
        { "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
          "04cfa69d27e382178f7c902062cee00dddc603ff43e95bacff35daaa36efcc49" },
        { "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
          "b823f945b9b3574f9ce3595d43a47189d17b10818493447325774559fa0a656d" },
    };
    zk_point p[2];
    zk_point_base(&p[0]);
    zk_point_dbl(&p[1], &p[0]);
    for (int i = 0; i < 2; i++) {
        uint8_t enc[32], want_enc[32], want_hint[32], got[32];
        cr_assert_eq(sodium_hex2bin(want_enc, 32, vec[i][0], 64, NULL, NULL, NULL), 0);
        cr_assert_eq(sodium_hex2bin(want_hint, 32, vec[i][1], 64, NULL, NULL, NULL), 0);
        zk_point_encode(enc, &p[i]);
        cr_assert_arr_eq(enc, want_enc, 32);
        zk_point_hints(got, &p[i], enc, 1);
        cr_assert_arr_eq(got, want_hint, 32, "hint of %dB", i + 1);
        cr_assert_eq(check_agrees(enc, want_hint), 1);
    }
}

Test(hint, arguments)
{
    uint8_t enc[32] = { 0 }, h[32] = { 0 };
    zk_point p;
    int ok = 1;
    cr_assert_eq(zk_point_decode_hinted(NULL, enc, h, &ok), SH_ERR_ARG);
    cr_assert_eq(ok, 0);
    cr_assert_eq(zk_point_decode_hinted(&p, NULL, h, NULL), SH_ERR_ARG);
    cr_assert_eq(zk_point_decode_hinted(&p, enc, NULL, NULL), SH_ERR_ARG);
    zk_point_hints(NULL, NULL, NULL, 0);   /* nothing to do */
}
