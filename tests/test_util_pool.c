/* tests/test_util_pool.c -- the thread pool (util/pool.h). */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/pool.h"

typedef struct job {
    unsigned *hits;
    atomic_uint total;
} job;

static void task(void *arg, size_t i)
{
    job *j = arg;
    j->hits[i]++;            /* each index belongs to exactly one task */
    atomic_fetch_add(&j->total, 1);
}

static void run_and_check(sh_pool *pool, size_t n)
{
    job j;
    j.hits = calloc(n + 1, sizeof *j.hits);
    atomic_init(&j.total, 0);
    cr_assert_eq(sh_pool_run(pool, n, task, &j), 0);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(j.hits[i], 1, "task %zu ran %u times", i, j.hits[i]);
    cr_assert_eq(atomic_load(&j.total), n);
    free(j.hits);
}

Test(pool, null_pool_runs_inline)
{
    cr_assert_eq(sh_pool_threads(NULL), 1);
    run_and_check(NULL, 0);
    run_and_check(NULL, 17);
}

Test(pool, every_task_once)
{
    unsigned sizes[] = { 1, 2, 3, 4, 8 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        sh_pool *pool = sh_pool_new(sizes[s]);
        cr_assert_not_null(pool);
        cr_assert_eq(sh_pool_threads(pool), sizes[s]);
        /* many runs in a row reuse the workers */
        for (size_t n = 0; n < 200; n += 7)
            run_and_check(pool, n);
        run_and_check(pool, 10000);
        sh_pool_free(pool);
    }
}

Test(pool, default_is_cores)
{
    sh_pool *pool = sh_pool_new(0);
    cr_assert_not_null(pool);
    cr_assert_eq(sh_pool_threads(pool), sh_pool_cores());
    cr_assert_geq(sh_pool_cores(), 1);
    run_and_check(pool, 100);
    sh_pool_free(pool);
    sh_pool_free(NULL);
}

Test(pool, null_fn)
{
    cr_assert_eq(sh_pool_run(NULL, 3, NULL, NULL), SH_ERR_ARG);
    cr_assert_eq(sh_pool_run(NULL, 0, NULL, NULL), 0);
}
