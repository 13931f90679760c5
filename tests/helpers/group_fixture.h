/* tests/helpers/group_fixture.h -- the three mpc groups for tests that run
 * every law on each of them (test_mpc_group*.c). */
#ifndef SHROUD_GROUP_FIXTURE_H
#define SHROUD_GROUP_FIXTURE_H

#include <stdint.h>

#include "mpc/group.h"

/* The groups in the order tests iterate them. */
extern const mpc_group_id tu_group_ids[];
#define TU_NGROUPS 3

/* *rng = tu_rng(seed) and groups[i] = mpc_group_new(tu_group_ids[i], *rng),
 * or abort the test. */
void tu_groups_new(struct sh_rng **rng, mpc_group *groups[TU_NGROUPS], uint64_t seed);
void tu_groups_free(struct sh_rng *rng, mpc_group *groups[TU_NGROUPS]);

/* The body runs once per group with g bound to it; needs an array named
 * groups in scope. */
#define FOR_EACH_GROUP(g)                                                   \
    for (size_t gi_ = 0; gi_ < TU_NGROUPS; gi_++)                           \
        for (const mpc_group *g = groups[gi_]; g != NULL; g = NULL)

#endif
