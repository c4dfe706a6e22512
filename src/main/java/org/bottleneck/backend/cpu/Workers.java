package org.bottleneck.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits an element-wise op between the calling thread and (threads − 1) helper threads, so the
 * cores OpenBLAS uses for GEMM also share the non-GEMM work. Dispatch allocates nothing: the op
 * is a reusable {@link Range} object. Helpers spin briefly after a task (ops come in bursts
 * between GEMMs), then park so they never compete with OpenBLAS's own threads during a GEMM.
 * Each index range is done by exactly one thread in the serial order, so results are identical
 * to a serial run.
 */
final class Workers implements AutoCloseable {
    /** Work on indices [from, to) of an op; implementations hold the op's arguments in fields. */
    interface Range {
        void run(int from, int to);
    }

    /** Below this many units of work the hand-off costs more than it saves. */
    private static final int MIN_PARALLEL = 16_384;
    private static final long SPIN_NANOS = 50_000;

    private final int parts;
    private final Thread[] helpers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private Range task;
    private int count;
    private volatile Throwable failure;

    Workers(int threads) {
        this.parts = Math.max(1, threads);
        this.helpers = new Thread[parts - 1];
    }

    /**
     * Runs task over [0, count), split in contiguous parts when count is large enough; serially
     * after {@link #close()} (the helpers are gone, the results are the same).
     */
    void run(Range t, int n, int workPerIndex) {
        if (parts == 1 || closed || (long) n * workPerIndex < MIN_PARALLEL || n < parts) {
            t.run(0, n);
            return;
        }
        startHelpers();
        task = t;
        count = n;
        pending.set(parts - 1);
        generation++; // volatile write: publishes task and count to the helpers
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
        t.run(0, n / parts);
        long spins = 0;
        while (pending.get() != 0) {
            Thread.onSpinWait();
            if (++spins % (1 << 20) == 0) {
                checkHelpers(spins);
            }
        }
        Throwable f = failure;
        if (f != null) {
            failure = null;
            throw new IllegalStateException("cpu worker failed: " + f, f);
        }
    }

    /** A helper that died or stalled must fail the op, never hang it. */
    private void checkHelpers(long spins) {
        for (Thread h : helpers) {
            if (!h.isAlive()) {
                throw new IllegalStateException("cpu worker " + h.getName() + " died; " + pending.get()
                        + " part(s) of the op unfinished");
            }
        }
        if (spins > (1L << 36)) { // minutes of spinning: no op of ours takes that long
            throw new IllegalStateException("cpu worker stalled: " + pending.get() + " part(s) unfinished after "
                    + spins + " spins");
        }
    }

    private void startHelpers() {
        if (helpers.length == 0 || helpers[0] != null) {
            return;
        }
        for (int i = 0; i < helpers.length; i++) {
            int part = i + 1;
            Thread th = new Thread(() -> loop(part), "bottleneck-cpu-" + part);
            th.setDaemon(true);
            helpers[i] = th;
            th.start();
        }
    }

    private void loop(int part) {
        long seen = 0;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && !closed) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 1_000_000L);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            int n = count;
            try {
                task.run((int) ((long) n * part / parts), (int) ((long) n * (part + 1) / parts));
            } catch (Throwable e) {
                failure = e;
            }
            pending.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) {
            if (h != null) {
                LockSupport.unpark(h);
            }
        }
    }
}
