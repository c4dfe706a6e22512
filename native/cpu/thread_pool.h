/*
 * A fork-join pool for the CPU backend's native ops: the caller runs part 0 of a job, the
 * pool's helper threads parts 1..parts-1, and the call returns when every part is done.
 *
 * Why one pool for everything: OpenBLAS's own workers spin on the other cores between GEMMs, so
 * element-wise work we spread with threads of our own (AdamW, the loss) found those cores busy,
 * and two sets of spinning threads on two cores made a step 10× slower. So OpenBLAS hands its
 * parallel jobs to this pool too (critical_gemm.c), and one set of threads does all the work.
 *
 * Helpers spin briefly after a job (the next op of a training step comes within microseconds),
 * then sleep on a condition variable. One job at a time.
 */
#ifndef BOTTLENECK_THREAD_POOL_H
#define BOTTLENECK_THREAD_POOL_H

/* Runs part `part` of `parts` of the job described by `arg`. */
typedef void (*pool_part_fn)(void *arg, int part, int parts);

/* Sets the number of parts jobs are split into (≥ 1; 1 = no helper threads). Returns 0 on
 * success, else an errno value from starting a thread. Call before the first job; calling it
 * again with a different size stops the old helpers first. */
int pool_configure(int threads);

/* The configured number of parts (1 before pool_configure). */
int pool_threads(void);

/* Runs fn over `parts` parts (clamped to the pool's size; 1 runs inline) and returns when all
 * are done. For parts that do not wait on each other: a caller that finds the pool busy (another
 * Java thread using another backend) runs them one after another itself, so the result never
 * depends on who got the pool. */
void pool_run(pool_part_fn fn, void *arg, int parts);

/* Runs fn over exactly `parts` parts at the same time, one thread each, and returns when all
 * are done: for parts that wait on each other (OpenBLAS's GEMM jobs exchange packed panels).
 * Waits for a busy pool; parts beyond the pool's size get threads of their own. A part must not
 * itself call into the pool. */
void pool_run_together(pool_part_fn fn, void *arg, int parts);

/* [begin, end) of part `part` when n items are split into `parts` runs whose starts are
 * multiples of `align` (so vector loops see aligned, full-width runs). */
void pool_range(long n, int part, int parts, long align, long *begin, long *end);

#endif
