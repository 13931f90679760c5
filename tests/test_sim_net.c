/* tests/test_sim_net.c -- the network model: latency matrix, uplink
 * bandwidth queueing, loss rate, partitions, region placement. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "sim/net.h"

#define MS 1000000ULL

static sim_net *two_regions(uint64_t bps, double loss, uint32_t n)
{
    static const char *const names[] = { "a", "b" };
    static const uint64_t lat[4] = { 1 * MS, 40 * MS, 40 * MS, 2 * MS };
    sim_net_cfg c = { 2, names, lat, NULL, SIM_JITTER_NONE, 0, 0, bps, 0, loss };
    uint8_t seed[SH_RNG_SEEDBYTES] = { 3 };
    sim_net *net;
    cr_assert_eq(sim_net_new(&c, n, seed, &net), 0);
    return net;
}

Test(sim_net, latency_plus_serialisation_queued_fifo)
{
    sim_net *net = two_regions(8000000, 0, 10);    /* 8 Mbit/s: 1 byte per us */
    uint32_t a = UINT32_MAX, b = UINT32_MAX;
    for (uint32_t i = 0; i < 10; i++) {
        if (sim_net_region_of(net, i) == 0 && a == UINT32_MAX) a = i;
        if (sim_net_region_of(net, i) == 1 && b == UINT32_MAX) b = i;
    }
    cr_assert(a != UINT32_MAX && b != UINT32_MAX);
    uint64_t t1, t2, t3;
    cr_assert_eq(sim_net_route(net, a, b, 0, 1000, &t1), 0);
    cr_assert_eq(t1, 1000 * 1000ULL + 40 * MS);          /* 1 ms on the wire + 40 ms */
    cr_assert_eq(sim_net_route(net, a, b, 0, 500, &t2), 0);  /* behind the first */
    cr_assert_eq(t2, 1500 * 1000ULL + 40 * MS);
    cr_assert_eq(sim_net_uplink_free(net, a), 1500 * 1000ULL);
    /* a later message after the queue drained departs at once */
    cr_assert_eq(sim_net_route(net, a, b, 10 * MS, 100, &t3), 0);
    cr_assert_eq(t3, 10 * MS + 100 * 1000ULL + 40 * MS);
    sim_net_free(net);
}

Test(sim_net, default_world_matrix)
{
    const char *const *names;
    const uint64_t *lat;
    uint32_t n = sim_net_default_regions(&names, &lat);
    cr_assert_eq(n, 6);
    cr_assert_str_eq(names[0], "us-east");
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            cr_assert_eq(lat[i * n + j], lat[j * n + i], "symmetric");
            cr_assert(lat[i * n + j] >= 5 * MS && lat[i * n + j] <= 150 * MS);
        }
    /* placement follows the weights exactly */
    double w[6] = { 3, 1, 0, 0, 0, 0 };
    sim_net_cfg c = { n, names, lat, w, SIM_JITTER_UNIFORM, 5 * MS, 0, 0, 0, 0 };
    uint8_t seed[SH_RNG_SEEDBYTES] = { 1 };
    sim_net *net;
    cr_assert_eq(sim_net_new(&c, 1000, seed, &net), 0);
    uint32_t cnt[6] = { 0 };
    for (uint32_t i = 0; i < 1000; i++)
        cnt[sim_net_region_of(net, i)]++;
    cr_assert_eq(cnt[0], 750);
    cr_assert_eq(cnt[1], 250);
    uint64_t t;
    cr_assert_eq(sim_net_route(net, 0, 1, 0, 10, &t), 0);
    sim_net_free(net);
}

Test(sim_net, loss_rate)
{
    sim_net *net = two_regions(0, 0.1, 2);
    int lost = 0, N = 40000;
    uint64_t t;
    for (int i = 0; i < N; i++)
        lost += sim_net_route(net, 0, 1, 0, 10, &t);
    double rate = (double)lost / N;
    /* 0.1 +- 5 standard deviations (sd = 0.0015) */
    cr_assert(fabs(rate - 0.1) < 0.0075, "loss rate %f", rate);
    sim_net_free(net);
}

Test(sim_net, partition_and_heal)
{
    sim_net *net = two_regions(0, 0, 4);
    uint64_t t;
    sim_net_set_group(net, 0, 0);
    sim_net_set_group(net, 1, 0);
    sim_net_set_group(net, 2, 1);
    sim_net_set_group(net, 3, 1);
    cr_assert_eq(sim_net_route(net, 0, 2, 0, 10, &t), 0);     /* not active yet */
    sim_net_set_partitioned(net, 1);
    cr_assert_eq(sim_net_route(net, 0, 2, 0, 10, &t), 1);
    cr_assert_eq(sim_net_route(net, 3, 1, 0, 10, &t), 1);
    cr_assert_eq(sim_net_route(net, 0, 1, 0, 10, &t), 0);
    cr_assert_eq(sim_net_route(net, 2, 3, 0, 10, &t), 0);
    sim_net_set_partitioned(net, 0);
    cr_assert_eq(sim_net_route(net, 0, 2, 0, 10, &t), 0);
    sim_net_free(net);
}
