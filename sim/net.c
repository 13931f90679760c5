/* sim/net.c -- latency matrix, jitter, uplink FIFO, loss, partitions. */
#include "sim/net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define SER_CACHE 64

struct sim_net {
    uint32_t n_nodes;
    uint32_t n_regions;
    char **names;
    uint64_t *lat;          /* n_regions^2, one-way, ns */
    uint64_t min_lat;
    uint8_t *region;        /* per node */
    uint32_t *group;        /* per node partition group */
    uint64_t *tx_free;      /* per node: uplink busy until */
    int partitioned;
    sim_jitter_dist jitter;
    uint64_t jitter_ns;
    double sigma;
    uint64_t bw_bps;
    uint32_t overhead;
    double loss;
    sh_rng *rng;
    /* serialisation time by copy length: a direct-mapped cache of the
     * (pure) function below, so the divisions run once per distinct length */
    uint32_t ser_len[SER_CACHE];
    uint64_t ser_ns[SER_CACHE];
};

/* Six world regions.  One-way latencies are half the median round-trip
 * times between the corresponding AWS regions (us-east-1 N. Virginia,
 * us-west-2 Oregon, eu-west-1 Ireland, eu-central-1 Frankfurt,
 * ap-northeast-1 Tokyo, sa-east-1 Sao Paulo) in the public inter-region
 * latency grid of cloudping.co (https://www.cloudping.co/grid, figures of
 * 2023, rounded to the millisecond).  Within a region we take 5 ms one-way:
 * relays of one region sit at different ISPs, not in one data centre. */
static const char *const default_names[] = {
    "us-east", "us-west", "eu-west", "eu-central", "asia-east", "south-america",
};
#define MS 1000000ULL
static const uint64_t default_lat[36] = {
    /*            us-e     us-w     eu-w     eu-c     asia-e   s-am  */
    /* us-e */   5 * MS,  33 * MS,  34 * MS,  45 * MS,  73 * MS,  58 * MS,
    /* us-w */  33 * MS,   5 * MS,  62 * MS,  72 * MS,  50 * MS,  88 * MS,
    /* eu-w */  34 * MS,  62 * MS,   5 * MS,  12 * MS, 105 * MS,  88 * MS,
    /* eu-c */  45 * MS,  72 * MS,  12 * MS,   5 * MS, 113 * MS, 102 * MS,
    /* as-e */  73 * MS,  50 * MS, 105 * MS, 113 * MS,   5 * MS, 128 * MS,
    /* s-am */  58 * MS,  88 * MS,  88 * MS, 102 * MS, 128 * MS,   5 * MS,
};

uint32_t sim_net_default_regions(const char *const **names, const uint64_t **latency_ns)
{
    if (names != NULL)
        *names = default_names;
    if (latency_ns != NULL)
        *latency_ns = default_lat;
    return 6;
}

void sim_net_free(sim_net *n)
{
    if (n == NULL)
        return;
    if (n->names != NULL)
        for (uint32_t i = 0; i < n->n_regions; i++)
            free(n->names[i]);
    free(n->names);
    free(n->lat);
    free(n->region);
    free(n->group);
    free(n->tx_free);
    sh_rng_free(n->rng);
    free(n);
}

/* Place nodes in regions: counts proportional to the weights (largest
 * remainder), in an order shuffled by the seed. */
static int place(sim_net *n, const double *w, const uint8_t seed[SH_RNG_SEEDBYTES])
{
    double total = 0;
    for (uint32_t r = 0; r < n->n_regions; r++) {
        double x = w ? w[r] : 1.0;
        if (!(x >= 0) || !isfinite(x))
            return SH_ERR_ARG;
        total += x;
    }
    if (!(total > 0))
        return SH_ERR_ARG;
    uint64_t assigned = 0;
    double rem[SIM_NET_MAX_REGIONS];
    uint64_t cnt[SIM_NET_MAX_REGIONS];
    for (uint32_t r = 0; r < n->n_regions; r++) {
        double q = (w ? w[r] : 1.0) / total * n->n_nodes;
        cnt[r] = (uint64_t)floor(q);
        rem[r] = q - floor(q);
        assigned += cnt[r];
    }
    while (assigned < n->n_nodes) {        /* largest remainder, lowest index on ties */
        uint32_t best = 0;
        for (uint32_t r = 1; r < n->n_regions; r++)
            if (rem[r] > rem[best])
                best = r;
        cnt[best]++;
        rem[best] = -1;
        assigned++;
    }
    uint32_t k = 0;
    for (uint32_t r = 0; r < n->n_regions; r++)
        for (uint64_t c = 0; c < cnt[r]; c++)
            n->region[k++] = (uint8_t)r;
    uint8_t s[SH_RNG_SEEDBYTES];
    sh_rng_derive_seed(s, seed, "net-place", 0);
    sh_rng *rng = sh_rng_chacha_new(s);
    sodium_memzero(s, sizeof s);
    if (rng == NULL)
        return SH_ERR_NOMEM;
    for (uint32_t i = n->n_nodes; i > 1; i--) {    /* Fisher-Yates */
        uint32_t j = (uint32_t)sh_rng_uniform(rng, i);
        uint8_t t = n->region[i - 1];
        n->region[i - 1] = n->region[j];
        n->region[j] = t;
    }
    sh_rng_free(rng);
    return 0;
}

int sim_net_new(const sim_net_cfg *cfg, uint32_t n_nodes,
                const uint8_t seed[SH_RNG_SEEDBYTES], sim_net **out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (cfg == NULL || n_nodes == 0 || cfg->n_regions == 0 ||
        cfg->n_regions > SIM_NET_MAX_REGIONS || cfg->latency_ns == NULL ||
        !(cfg->loss >= 0.0 && cfg->loss <= 1.0) || cfg->jitter > SIM_JITTER_LOGNORMAL ||
        !(cfg->jitter_sigma >= 0.0) || cfg->bandwidth_bps > SIM_NET_MAX_BPS)
        return SH_ERR_ARG;
    sim_net *n = calloc(1, sizeof *n);
    if (n == NULL)
        return SH_ERR_NOMEM;
    n->n_nodes = n_nodes;
    n->n_regions = cfg->n_regions;
    n->jitter = cfg->jitter;
    n->jitter_ns = cfg->jitter_ns;
    n->sigma = cfg->jitter_sigma;
    n->bw_bps = cfg->bandwidth_bps;
    n->overhead = cfg->overhead_bytes;
    n->loss = cfg->loss;
    memset(n->ser_len, 0xff, sizeof n->ser_len);     /* no length is UINT32_MAX */
    size_t rr = (size_t)cfg->n_regions * cfg->n_regions;
    n->names = calloc(cfg->n_regions, sizeof *n->names);
    n->lat = malloc(rr * sizeof *n->lat);
    n->region = calloc(n_nodes, 1);
    n->group = calloc(n_nodes, sizeof *n->group);
    n->tx_free = calloc(n_nodes, sizeof *n->tx_free);
    uint8_t s[SH_RNG_SEEDBYTES];
    sh_rng_derive_seed(s, seed, "net", 0);
    n->rng = sh_rng_chacha_new(s);
    sodium_memzero(s, sizeof s);
    int rc = (n->names && n->lat && n->region && n->group && n->tx_free && n->rng)
                 ? 0 : SH_ERR_NOMEM;
    for (uint32_t i = 0; rc == 0 && i < cfg->n_regions; i++) {
        const char *nm = cfg->region_names ? cfg->region_names[i] : NULL;
        char tmp[24];
        if (nm == NULL) {
            snprintf(tmp, sizeof tmp, "region-%u", (unsigned)i);
            nm = tmp;
        }
        n->names[i] = strdup(nm);
        if (n->names[i] == NULL)
            rc = SH_ERR_NOMEM;
    }
    if (rc == 0) {
        memcpy(n->lat, cfg->latency_ns, rr * sizeof *n->lat);
        n->min_lat = UINT64_MAX;
        for (size_t i = 0; i < rr; i++)
            if (n->lat[i] < n->min_lat)
                n->min_lat = n->lat[i];
        rc = place(n, cfg->region_weights, seed);
    }
    if (rc != 0) {
        sim_net_free(n);
        return rc;
    }
    *out = n;
    return 0;
}

static uint64_t draw_jitter(sim_net *n)
{
    double u, x;
    switch (n->jitter) {
    case SIM_JITTER_UNIFORM:
        return n->jitter_ns ? sh_rng_uniform(n->rng, n->jitter_ns) : 0;
    case SIM_JITTER_EXPONENTIAL:
        u = sh_rng_double(n->rng);
        x = -(double)n->jitter_ns * log1p(-u);
        break;
    case SIM_JITTER_LOGNORMAL: {
        /* Box-Muller: one normal from two uniforms. */
        double u1 = sh_rng_double(n->rng), u2 = sh_rng_double(n->rng);
        double z = sqrt(-2.0 * log1p(-u1)) * cos(2.0 * 3.14159265358979323846 * u2);
        x = (double)n->jitter_ns * exp(n->sigma * z);
        break;
    }
    default:
        return 0;
    }
    if (!(x < 1e15))       /* cap at ~11.5 days; also catches NaN */
        x = 1e15;
    return (uint64_t)x;
}

int sim_net_route(sim_net *n, uint32_t from, uint32_t to, uint64_t depart,
                  size_t len, uint64_t *arrive)
{
    uint64_t start = depart > n->tx_free[from] ? depart : n->tx_free[from];
    uint64_t done = start;
    if (n->bw_bps > 0) {
        unsigned slot = (unsigned)(len & (SER_CACHE - 1));
        if (len < UINT32_MAX && n->ser_len[slot] == (uint32_t)len) {
            done += n->ser_ns[slot];
        } else {
            /* ceil(bits * 1e9 / bps) without overflow for any realistic size */
            uint64_t bits = ((uint64_t)len + n->overhead) * 8;
            uint64_t q = bits / n->bw_bps, r = bits % n->bw_bps;
            /* r < bw <= 10^10, so r * 10^9 fits in 64 bits; rounded up */
            uint64_t ns = q * 1000000000u + (r * 1000000000u + n->bw_bps - 1) / n->bw_bps;
            if (len < UINT32_MAX) {
                n->ser_len[slot] = (uint32_t)len;
                n->ser_ns[slot] = ns;
            }
            done += ns;
        }
    }
    n->tx_free[from] = done;
    if (n->partitioned && n->group[from] != n->group[to])
        return 1;
    if (n->loss > 0 && sh_rng_double(n->rng) < n->loss)
        return 1;
    *arrive = done + n->lat[(size_t)n->region[from] * n->n_regions + n->region[to]] +
              draw_jitter(n);
    return 0;
}

void sim_net_set_group(sim_net *n, uint32_t node, uint32_t group)
{
    if (n != NULL && node < n->n_nodes)
        n->group[node] = group;
}

void sim_net_set_partitioned(sim_net *n, int active)
{
    if (n != NULL)
        n->partitioned = active != 0;
}

int sim_net_partitioned(const sim_net *n)
{
    return n != NULL && n->partitioned;
}

int sim_net_blocked(const sim_net *n, uint32_t from, uint32_t to)
{
    return n != NULL && n->partitioned && from < n->n_nodes && to < n->n_nodes &&
           n->group[from] != n->group[to];
}

uint32_t sim_net_region_of(const sim_net *n, uint32_t node)
{
    return (n != NULL && node < n->n_nodes) ? n->region[node] : 0;
}

uint32_t sim_net_region_count(const sim_net *n)
{
    return n ? n->n_regions : 0;
}

const char *sim_net_region_name(const sim_net *n, uint32_t region)
{
    return (n != NULL && region < n->n_regions) ? n->names[region] : "?";
}

uint64_t sim_net_min_latency(const sim_net *n)
{
    return n ? n->min_lat : 0;
}

uint64_t sim_net_uplink_free(const sim_net *n, uint32_t node)
{
    return (n != NULL && node < n->n_nodes) ? n->tx_free[node] : 0;
}

void sim_net_prefetch(const sim_net *n, uint32_t node)
{
    if (node < n->n_nodes) {
        __builtin_prefetch(&n->tx_free[node], 1, 3);
        __builtin_prefetch(&n->region[node], 0, 3);
    }
}

size_t sim_net_memory(const sim_net *n)
{
    return n ? sizeof *n + (size_t)n->n_nodes * (1 + sizeof *n->group + sizeof *n->tx_free) : 0;
}
