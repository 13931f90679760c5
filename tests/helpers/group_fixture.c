/* tests/helpers/group_fixture.c -- see group_fixture.h. */
#include "group_fixture.h"

#include <criterion/criterion.h>
#include <sodium.h>

#include "testutil.h"

const mpc_group_id tu_group_ids[TU_NGROUPS] = { MPC_RISTRETTO255, MPC_ED25519,
                                                MPC_SECP256K1 };

void tu_groups_new(struct sh_rng **rng, mpc_group *groups[TU_NGROUPS], uint64_t seed)
{
    cr_assert(sodium_init() >= 0);
    *rng = tu_rng(seed);
    for (size_t i = 0; i < TU_NGROUPS; i++) {
        groups[i] = mpc_group_new(tu_group_ids[i], *rng);
        cr_assert_not_null(groups[i]);
    }
}

void tu_groups_free(struct sh_rng *rng, mpc_group *groups[TU_NGROUPS])
{
    for (size_t i = 0; i < TU_NGROUPS; i++)
        mpc_group_free(groups[i]);
    sh_rng_free(rng);
}
