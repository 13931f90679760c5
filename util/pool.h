/* util/pool.h -- a tiny fixed-size thread pool with a parallel-for.
 *
 * The sans-IO modules (zk/, mpc/, ...) never create threads; a caller that
 * wants parallelism creates an sh_pool here (in util/, where threads are
 * allowed) and passes it down.  A NULL pool everywhere means "run on the
 * calling thread", so code taking a pool works unchanged without one.
 *
 * sh_pool_run(pool, n, fn, arg) calls fn(arg, i) once for every task
 * i in [0, n), spread over the pool's threads and the calling thread, and
 * returns when all have finished.  Tasks must be independent of one another;
 * which thread runs which task, and in which order, is unspecified, so a
 * task writes only its own outputs (results that are combined afterwards,
 * in task order, by the caller, are then independent of the thread count).
 * One sh_pool_run at a time per pool (calls from several threads at once
 * are serialised); fn must not call sh_pool_run on the same pool.
 */
#ifndef SHROUD_UTIL_POOL_H
#define SHROUD_UTIL_POOL_H

#include <stddef.h>
#include "util/err.h"

typedef struct sh_pool sh_pool;
typedef void (*sh_pool_fn)(void *arg, size_t task);

/* The number of online processors (at least 1). */
unsigned sh_pool_cores(void);

/* A pool of `threads` threads in all, counting the caller's (so threads - 1
 * workers are started); 0 means sh_pool_cores().  threads == 1 gives a pool
 * that starts no thread.  NULL on allocation or thread-creation failure. */
sh_pool *sh_pool_new(unsigned threads);

/* Stops and joins the workers; NULL-safe. */
void sh_pool_free(sh_pool *pool);

/* Threads of the pool, counting the caller (1 for a NULL pool). */
unsigned sh_pool_threads(const sh_pool *pool);

/* Run fn(arg, i) for i in [0, n_tasks) (see above).  Returns SH_OK, or
 * SH_ERR_ARG for a NULL fn with n_tasks > 0.  With a NULL pool the tasks run
 * in order on the calling thread. */
int sh_pool_run(sh_pool *pool, size_t n_tasks, sh_pool_fn fn, void *arg) SH_WUR;

#endif
