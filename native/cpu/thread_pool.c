/* The CPU backend's fork-join pool; see thread_pool.h for what and why. */
#define _GNU_SOURCE
#include "thread_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { MAX_THREADS = 256 };

/* How long an idle helper spins before it sleeps: long enough to bridge the gaps between the
 * ops of a training step and between steps (batch loading), short enough not to burn a core
 * through an evaluation pass or a pause in a service. */
static const long SPIN_NS = 2000000;

static struct {
    pthread_t helpers[MAX_THREADS];
    int helper_count;                 /* parts - 1 */
    _Atomic unsigned long seq;        /* bumped once per job (and to stop) */
    _Atomic int pending;              /* helpers still working on the current job */
    _Atomic int sleepers;             /* helpers blocked on `wake` */
    _Atomic int stop;
    unsigned long start_seq;          /* seq when the helpers were started: their "last job" */
    pool_part_fn fn;                  /* the current job: written before seq is bumped */
    void *arg;
    int parts;
    pthread_mutex_t lock;             /* guards the sleep/wake handshake */
    pthread_cond_t wake;
    pthread_mutex_t busy;             /* one job at a time */
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER, .busy = PTHREAD_MUTEX_INITIALIZER};

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Returns the first job sequence number after `last`: spins, then sleeps. */
static unsigned long wait_for_job(unsigned long last) {
    long deadline = now_ns() + SPIN_NS;
    for (int i = 1;; i++) {
        unsigned long s = atomic_load(&pool.seq);
        if (s != last) return s;
        cpu_relax();
        if ((i & 255) == 0 && now_ns() > deadline) break;
    }
    pthread_mutex_lock(&pool.lock);
    atomic_fetch_add(&pool.sleepers, 1); /* before re-reading seq: pool_run reads sleepers after bumping it */
    unsigned long s;
    while ((s = atomic_load(&pool.seq)) == last) pthread_cond_wait(&pool.wake, &pool.lock);
    atomic_fetch_sub(&pool.sleepers, 1);
    pthread_mutex_unlock(&pool.lock);
    return s;
}

static void *helper_main(void *index) {
    int me = (int) (intptr_t) index; /* 1..helper_count: the part it runs */
    unsigned long last = pool.start_seq; /* not seq now: a job may already have been posted */
    for (;;) {
        last = wait_for_job(last);
        if (atomic_load(&pool.stop)) return NULL;
        if (me < pool.parts) pool.fn(pool.arg, me, pool.parts);
        atomic_fetch_sub(&pool.pending, 1);
    }
}

static void bump_and_wake(void) {
    atomic_fetch_add(&pool.seq, 1);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
}

static void stop_helpers(void) {
    atomic_store(&pool.stop, 1);
    bump_and_wake();
    for (int i = 0; i < pool.helper_count; i++) pthread_join(pool.helpers[i], NULL);
    pool.helper_count = 0;
    atomic_store(&pool.stop, 0);
}

int pool_configure(int threads) {
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS + 1) threads = MAX_THREADS + 1;
    pthread_mutex_lock(&pool.busy);
    int err = 0;
    if (threads - 1 != pool.helper_count) {
        stop_helpers();
        pool.start_seq = atomic_load(&pool.seq);
        for (int i = 0; i < threads - 1; i++) {
            err = pthread_create(&pool.helpers[i], NULL, helper_main, (void *) (intptr_t) (i + 1));
            if (err != 0) break;
            pool.helper_count = i + 1;
        }
    }
    pthread_mutex_unlock(&pool.busy);
    return err;
}

int pool_threads(void) {
    return pool.helper_count + 1;
}

/* Posts the job to the helpers, runs part 0 and waits for the others; the caller holds `busy`. */
static void dispatch(pool_part_fn fn, void *arg, int parts) {
    pool.fn = fn;
    pool.arg = arg;
    pool.parts = parts;
    atomic_store(&pool.pending, pool.helper_count);
    bump_and_wake();
    fn(arg, 0, parts);
    while (atomic_load(&pool.pending) > 0) cpu_relax();
}

void pool_run(pool_part_fn fn, void *arg, int parts) {
    if (parts > pool.helper_count + 1) parts = pool.helper_count + 1;
    if (parts <= 1) {
        fn(arg, 0, 1);
        return;
    }
    if (pthread_mutex_trylock(&pool.busy) != 0) { /* another caller has the pool: same parts, inline */
        for (int p = 0; p < parts; p++) fn(arg, p, parts);
        return;
    }
    dispatch(fn, arg, parts);
    pthread_mutex_unlock(&pool.busy);
}

typedef struct {
    pool_part_fn fn;
    void *arg;
    int part, parts;
} lone_part;

static void *run_lone_part(void *p) {
    lone_part *l = p;
    l->fn(l->arg, l->part, l->parts);
    return NULL;
}

/* More parts than the pool has threads (not the case when OpenBLAS and the pool were sized
 * together): a short-lived thread per part. */
static void run_on_new_threads(pool_part_fn fn, void *arg, int parts) {
    pthread_t threads[MAX_THREADS];
    lone_part lone[MAX_THREADS];
    if (parts > MAX_THREADS) {
        fprintf(stderr, "bottleneck thread pool: %d parts that must run together, at most %d supported\n", parts,
                MAX_THREADS);
        abort();
    }
    for (int p = 1; p < parts; p++) {
        lone[p] = (lone_part) {fn, arg, p, parts};
        int err = pthread_create(&threads[p], NULL, run_lone_part, &lone[p]);
        if (err != 0) { /* running the part later, alone, could wait forever on its partners */
            fprintf(stderr, "bottleneck thread pool: could not start thread %d of %d (errno %d)\n", p, parts, err);
            abort();
        }
    }
    fn(arg, 0, parts);
    for (int p = 1; p < parts; p++) pthread_join(threads[p], NULL);
}

void pool_run_together(pool_part_fn fn, void *arg, int parts) {
    if (parts <= 1) {
        if (parts == 1) fn(arg, 0, 1);
        return;
    }
    pthread_mutex_lock(&pool.busy); /* taken before reading the size: pool_configure changes it under the lock */
    if (parts > pool.helper_count + 1) {
        pthread_mutex_unlock(&pool.busy);
        run_on_new_threads(fn, arg, parts);
        return;
    }
    dispatch(fn, arg, parts);
    pthread_mutex_unlock(&pool.busy);
}

void pool_range(long n, int part, int parts, long align, long *begin, long *end) {
    long chunk = (n + parts - 1) / parts;
    chunk = (chunk + align - 1) / align * align;
    long b = (long) part * chunk;
    *begin = b < n ? b : n;
    *end = b + chunk < n ? b + chunk : n;
}
