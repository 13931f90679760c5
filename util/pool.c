/* util/pool.c -- the thread pool of util/pool.h on POSIX threads.
 *
 * Workers sleep on a condition variable until a job is posted (a new
 * generation number); every participant, the caller included, then claims
 * task indices from a shared counter until none are left.  The caller
 * waits until every worker has left the job, so the job's state can be
 * reused by the next sh_pool_run. */
#include "util/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct sh_pool {
    unsigned threads;          /* counting the caller */
    pthread_t *workers;        /* threads - 1 of them */
    unsigned started;          /* workers actually running */
    pthread_mutex_t mu;
    pthread_cond_t wake;       /* a job was posted, or stop */
    pthread_cond_t done;       /* the last worker left the job */
    pthread_mutex_t run_mu;    /* serialises sh_pool_run callers */
    unsigned long generation;  /* job number */
    int stop;
    /* the current job */
    sh_pool_fn fn;
    void *arg;
    size_t n_tasks;
    size_t next;               /* next unclaimed task (under mu) */
    unsigned active;           /* workers inside the job */
};

unsigned sh_pool_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    if (n > 1024)
        return 1024;
    return (unsigned)n;
}

/* Claim and run tasks until the job is exhausted. */
static void pool_work(sh_pool *p)
{
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next, n = p->n_tasks;
        sh_pool_fn fn = p->fn;
        void *arg = p->arg;
        if (i < n)
            p->next = i + 1;
        pthread_mutex_unlock(&p->mu);
        if (i >= n)
            return;
        fn(arg, i);
    }
}

static void *pool_main(void *arg)
{
    sh_pool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->mu);
        if (p->stop)
            break;
        seen = p->generation;
        p->active++;
        pthread_mutex_unlock(&p->mu);
        pool_work(p);
        pthread_mutex_lock(&p->mu);
        if (--p->active == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

sh_pool *sh_pool_new(unsigned threads)
{
    if (threads == 0)
        threads = sh_pool_cores();
    sh_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->threads = threads;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->run_mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    if (threads > 1) {
        p->workers = calloc(threads - 1, sizeof *p->workers);
        if (p->workers == NULL) {
            sh_pool_free(p);
            return NULL;
        }
        for (unsigned i = 0; i + 1 < threads; i++) {
            if (pthread_create(&p->workers[i], NULL, pool_main, p) != 0) {
                sh_pool_free(p);
                return NULL;
            }
            p->started++;
        }
    }
    return p;
}

void sh_pool_free(sh_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->started; i++)
        pthread_join(p->workers[i], NULL);
    free(p->workers);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->run_mu);
    free(p);
}

unsigned sh_pool_threads(const sh_pool *p)
{
    return p == NULL ? 1 : p->threads;
}

int sh_pool_run(sh_pool *p, size_t n_tasks, sh_pool_fn fn, void *arg)
{
    if (n_tasks == 0)
        return SH_OK;
    if (fn == NULL)
        return SH_ERR_ARG;
    if (p == NULL || p->started == 0 || n_tasks == 1) {
        for (size_t i = 0; i < n_tasks; i++)
            fn(arg, i);
        return SH_OK;
    }
    pthread_mutex_lock(&p->run_mu);
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->n_tasks = n_tasks;
    p->next = 0;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);

    pool_work(p);

    /* Every task is claimed; wait for the workers still running one.  A
     * worker that wakes late finds no task left and leaves at once. */
    pthread_mutex_lock(&p->mu);
    while (p->active != 0)
        pthread_cond_wait(&p->done, &p->mu);
    p->fn = NULL;
    p->n_tasks = 0;
    pthread_mutex_unlock(&p->mu);
    pthread_mutex_unlock(&p->run_mu);
    return SH_OK;
}
