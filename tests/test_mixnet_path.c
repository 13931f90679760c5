/* tests/test_mixnet_path.c -- stratified topology and path selection:
 * layer order, no repeated relay, capacity weighting (chi-square),
 * zero-capacity relays never chosen, an empty layer is an error, the
 * beacon-derived assignment is deterministic and balanced, the delay
 * sampler has the right mean, the peer map finds ids. */
#include <criterion/criterion.h>
#include <math.h>
#include <sodium.h>
#include <string.h>

#include "mixnet/path.h"
#include "testutil.h"

#define L 3
#define PER 5
#define N (L * PER)

static mix_relay_info relays[N];
static uint32_t layer_of[N];

static void make(void)
{
    for (size_t i = 0; i < N; i++) {
        memset(&relays[i], 0, sizeof relays[i]);
        memset(relays[i].id, (int)(i + 1), MIX_HOP_ID_BYTES);
        relays[i].onion_pk[0] = 2;
        relays[i].capacity = 1 + i % PER;            /* 1..5 in every layer */
        layer_of[i] = (uint32_t)(i / PER);
    }
}

Test(mixnet_path, layer_order_no_repeats_and_capacity_weighting)
{
    make();
    relays[3].capacity = 0;                          /* layer 0: never chosen */
    mix_topology *t;
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, L, layer_of), 0);
    sh_rng *rng = tu_rng(11);
    enum { S = 30000 };
    static unsigned hits[N];
    memset(hits, 0, sizeof hits);
    for (int s = 0; s < S; s++) {
        size_t p[L];
        cr_assert_eq(mix_path_select(t, rng, NULL, 0, p), 0);
        for (size_t l = 0; l < L; l++) {
            cr_assert_eq(mix_topology_layer_of(t, p[l]), l);
            for (size_t k = 0; k < l; k++)
                cr_assert_neq(p[k], p[l]);
            hits[p[l]]++;
        }
    }
    cr_assert_eq(hits[3], 0);
    /* Chi-square per layer against capacity / total, 4 d.o.f. (layer 0: 3);
     * the 99.9% quantile of chi2(4) is 18.5. */
    for (size_t l = 0; l < L; l++) {
        double total = 0, chi = 0;
        for (size_t i = l * PER; i < (l + 1) * PER; i++)
            total += (double)relays[i].capacity;
        for (size_t i = l * PER; i < (l + 1) * PER; i++) {
            if (relays[i].capacity == 0)
                continue;
            double e = S * (double)relays[i].capacity / total;
            chi += (hits[i] - e) * (hits[i] - e) / e;
        }
        cr_assert(chi < 18.5, "layer %zu chi2 %f", l, chi);
    }
    sh_rng_free(rng);
    mix_topology_free(t);
}

Test(mixnet_path, avoid_and_empty_layer)
{
    make();
    mix_topology *t;
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, L, layer_of), 0);
    sh_rng *rng = tu_rng(12);
    for (int s = 0; s < 2000; s++) {
        size_t p[L];
        cr_assert_eq(mix_path_select(t, rng, (const uint8_t (*)[32])relays[7].id, 1, p), 0);
        for (size_t l = 0; l < L; l++)
            cr_assert_neq(p[l], 7);
    }
    mix_topology_free(t);
    /* Layer 1 with zero capacity everywhere: a clear error. */
    for (size_t i = PER; i < 2 * PER; i++)
        relays[i].capacity = 0;
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, L, layer_of), 0);
    size_t p[L];
    cr_assert_eq(mix_path_select(t, rng, NULL, 0, p), SH_ERR_STATE);
    mix_topology_free(t);
    /* A layer with no relay at all. */
    make();
    for (size_t i = 0; i < N; i++)
        layer_of[i] = i % 2 == 0 ? 0 : 2;
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, L, layer_of), 0);
    cr_assert_eq(mix_path_select(t, rng, NULL, 0, p), SH_ERR_STATE);
    mix_topology_free(t);
    /* A layer whose only relay is avoided. */
    for (size_t i = 0; i < N; i++)
        layer_of[i] = i == 0 ? 1 : (i % 2 == 0 ? 0 : 2);
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, L, layer_of), 0);
    cr_assert_eq(mix_path_select(t, rng, NULL, 0, p), 0);
    cr_assert_eq(mix_path_select(t, rng, (const uint8_t (*)[32])relays[0].id, 1, p), SH_ERR_STATE);
    mix_topology_free(t);
    sh_rng_free(rng);
}

Test(mixnet_path, bad_topologies)
{
    make();
    mix_topology *t;
    memcpy(relays[4].id, relays[9].id, MIX_HOP_ID_BYTES);     /* duplicate id */
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, L, layer_of), SH_ERR_ARG);
    cr_assert_eq(mix_topology_new(&t, relays, N, L, NULL, 0), SH_ERR_ARG);
    make();
    layer_of[2] = L;
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, L, layer_of), SH_ERR_ARG);
    make();
    relays[0].capacity = MIX_PATH_CAPACITY_MAX + 1;
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, L, layer_of), SH_ERR_RANGE);
    make();
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, 0, layer_of), SH_ERR_ARG);
    cr_assert_eq(mix_topology_new_assigned(&t, relays, N, MIX_PATH_MAX_LAYERS + 1, layer_of),
                 SH_ERR_ARG);
}

Test(mixnet_path, beacon_assignment_is_deterministic_and_balanced)
{
    make();
    uint8_t beacon[32], other[32];
    memset(beacon, 0x42, sizeof beacon);
    memset(other, 0x43, sizeof other);
    mix_topology *a, *b, *c;
    cr_assert_eq(mix_topology_new(&a, relays, N, L, beacon, sizeof beacon), 0);
    cr_assert_eq(mix_topology_new(&b, relays, N, L, beacon, sizeof beacon), 0);
    cr_assert_eq(mix_topology_new(&c, relays, N, L, other, sizeof other), 0);
    size_t count[L] = { 0 }, same = 0;
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(mix_topology_layer_of(a, i), mix_topology_layer_of(b, i));
        same += mix_topology_layer_of(a, i) == mix_topology_layer_of(c, i);
        count[mix_topology_layer_of(a, i)]++;
    }
    for (size_t l = 0; l < L; l++)
        cr_assert_eq(count[l], PER);
    cr_assert(same < N, "another beacon gives another assignment");
    cr_assert_eq(mix_topology_find(a, relays[6].id), 6);
    mix_topology_free(a);
    mix_topology_free(b);
    mix_topology_free(c);
}

Test(mixnet_path, delay_sampler_mean_and_cap)
{
    sh_rng *rng = tu_rng(13);
    double sum = 0;
    enum { S = 50000 };
    for (int s = 0; s < S; s++) {
        uint32_t d = mix_delay_sample(rng, 200.0, 1000000);
        sum += d;
    }
    /* Rounding down removes about 0.5 ms; sd of the mean is 200/sqrt(S) ~ 0.9. */
    cr_assert(fabs(sum / S - 199.5) < 5, "mean %f", sum / S);
    for (int s = 0; s < 1000; s++)
        cr_assert(mix_delay_sample(rng, 1e9, 777) <= 777);
    cr_assert_eq(mix_delay_sample(rng, 0, 10), 0);
    sh_rng_free(rng);
}

Test(mixnet_path, peer_map)
{
    uint8_t keys[50][SH_PEER_KEY_BYTES];
    sh_rng *rng = tu_rng(14);
    for (int i = 0; i < 50; i++)
        sh_rng_bytes(rng, keys[i], SH_PEER_KEY_BYTES);
    mix_peer_map m;
    cr_assert_eq(mix_peer_map_init(&m, (const uint8_t (*)[SH_PEER_KEY_BYTES])keys, 50), 0);
    for (int i = 0; i < 50; i++)
        cr_assert_eq(mix_peer_map_find(&m, keys[i]), (sh_peer_id)i);
    uint8_t stranger[SH_PEER_KEY_BYTES] = { 0 };
    cr_assert_eq(mix_peer_map_find(&m, stranger), SH_PEER_NONE);
    mix_peer_map_free(&m);
    sh_rng_free(rng);
}
