package org.bottleneck.apps;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.bottleneck.backend.Backend;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Safetensors;
import org.bottleneck.tensor.Tensor;

/**
 * A fixed number of {@link Codec}s over copies of one model, shared by many request threads.
 * Each slot owns its own backend (a CPU backend is not thread-safe), a {@link Model} with the
 * same architecture, seed and weights, and a Codec; a thread {@link #borrow()}s a slot, uses it
 * alone, and gives it back by closing the {@link Lease}. With every slot out, {@code borrow}
 * blocks until one returns. The single-sample calls ({@link #encode}, {@link #decode}, {@link #score},
 * {@link #reconstruct}) borrow and return for you; they give the same bits as a single-threaded Codec
 * on the same weights, whichever slot serves them (each slot runs the same ops on the same
 * shapes).
 *
 * <pre>{@code
 * try (CodecPool pool = CodecPool.load(Path.of("runs/vae/best.safetensors"), 4, () -> Backends.open("cpu", 0))) {
 *     float s = pool.score(image);               // from any thread
 *     try (CodecPool.Lease l = pool.borrow()) {  // several calls on one slot
 *         l.codec().encode(image, code);
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #close()} is idempotent: idle slots are freed at once, borrowed ones when their lease
 * closes; afterwards {@code borrow} (and threads waiting in it) throw {@link IllegalStateException}.
 */
public final class CodecPool implements AutoCloseable {
    private final List<Slot> slots;
    private final ArrayDeque<Slot> idle;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final int inputSize, outputSize, latentDim;
    private boolean closed;

    /** One model copy and what it runs on; closed in reverse creation order. */
    private record Slot(Backend backend, Model model, Codec codec) {
        void close() {
            model.close();
            backend.close();
        }
    }

    /** Supplies the weights of a freshly built model copy. */
    @FunctionalInterface
    private interface Weights {
        void into(Model copy);
    }

    private CodecPool(int size, Supplier<Backend> backends, Architecture arch, long seed, Weights weights) {
        if (size < 1) {
            throw new IllegalArgumentException("codec pool size must be ≥ 1, got " + size);
        }
        slots = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                Backend b = backends.get();
                Model m;
                try {
                    m = new Model(b, arch, seed);
                    weights.into(m);
                } catch (RuntimeException e) {
                    b.close();
                    throw e;
                }
                slots.add(new Slot(b, m, new Codec(m)));
            }
        } catch (RuntimeException e) {
            for (int i = slots.size() - 1; i >= 0; i--) {
                slots.get(i).close();
            }
            throw e;
        }
        idle = new ArrayDeque<>(slots);
        Model first = slots.get(0).model();
        inputSize = first.inputSize();
        outputSize = first.outputSize();
        latentDim = first.latentDim();
    }

    /**
     * A pool of {@code size} copies of the model in a checkpoint (read once), each on a backend
     * from {@code backends} (called once per slot; the pool closes what it returns).
     */
    public static CodecPool load(Path checkpoint, int size, Supplier<Backend> backends) {
        Safetensors.Contents c = Checkpoint.read(checkpoint);
        return new CodecPool(size, backends, Checkpoint.architecture(checkpoint, c), Checkpoint.seed(c),
                copy -> Checkpoint.loadParameters(checkpoint, c, copy));
    }

    /** A pool of {@code size} copies of {@code model}'s architecture, seed and current weights (copied once, now). */
    public static CodecPool copiesOf(Model model, int size, Supplier<Backend> backends) {
        List<Tensor> views = model.parameters().valueViews();
        List<float[]> values = new ArrayList<>(views.size());
        for (Tensor t : views) {
            values.add(Checkpoint.download(model.backend(), t));
        }
        return new CodecPool(size, backends, model.architecture(), model.seed(), copy -> {
            List<Tensor> dst = copy.parameters().valueViews();
            for (int i = 0; i < dst.size(); i++) {
                copy.backend().upload(values.get(i), 0, dst.get(i));
            }
        });
    }

    /** Slots in the pool. */
    public int size() {
        return slots.size();
    }

    /** D, values per input sample. */
    public int inputSize() {
        return inputSize;
    }

    /** Values per output sample. */
    public int outputSize() {
        return outputSize;
    }

    /** Z, values per code. */
    public int latentDim() {
        return latentDim;
    }

    /** A slot for the calling thread alone, until the lease is closed. */
    public final class Lease implements AutoCloseable {
        private Slot slot;

        private Lease(Slot slot) {
            this.slot = slot;
        }

        /** The slot's Codec; throws once the lease is closed. */
        public Codec codec() {
            if (slot == null) {
                throw new IllegalStateException("this codec pool lease was already returned");
            }
            return slot.codec();
        }

        /** Returns the slot (idempotent). */
        @Override
        public void close() {
            if (slot != null) {
                giveBack(slot);
                slot = null;
            }
        }
    }

    /** Waits until a slot is free and lends it. */
    public Lease borrow() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!closed && idle.isEmpty()) {
                returned.await();
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #borrow()}, waiting at most {@code timeout}. */
    public Lease borrow(long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (!closed && idle.isEmpty()) {
                if (nanos <= 0) {
                    throw new TimeoutException("no codec free after " + timeout + " " + unit.name().toLowerCase()
                            + " (all " + slots.size() + " in use)");
                }
                nanos = returned.awaitNanos(nanos);
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    private Lease take() {
        if (closed) {
            throw new IllegalStateException("codec pool is closed");
        }
        return new Lease(idle.pop());
    }

    private void giveBack(Slot slot) {
        lock.lock();
        try {
            if (closed) {
                slot.close();
            } else {
                idle.push(slot);
                returned.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Code (Z) of one image x (D) into {@code code}: see {@link Codec#encode(float[], float[])}. */
    public void encode(float[] x, float[] code) {
        try (Lease l = borrowUninterruptedly()) {
            l.codec().encode(x, code);
        }
    }

    /** Output (out) decoded from one code (Z) into {@code y}: see {@link Codec#decode(float[], float[])}. */
    public void decode(float[] code, float[] y) {
        try (Lease l = borrowUninterruptedly()) {
            l.codec().decode(code, y);
        }
    }

    /** Output (out) of one image x (D) into {@code y}: see {@link Codec#reconstruct(float[], float[])}. */
    public void reconstruct(float[] x, float[] y) {
        try (Lease l = borrowUninterruptedly()) {
            l.codec().reconstruct(x, y);
        }
    }

    /** Per-sample objective of one image x (D): see {@link Codec#score(float[])}. */
    public float score(float[] x) {
        try (Lease l = borrowUninterruptedly()) {
            return l.codec().score(x);
        }
    }

    /** {@link #borrow()} for the convenience calls: an interrupt keeps the flag and ends the call. */
    private Lease borrowUninterruptedly() {
        try {
            return borrow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free codec (pool of " + slots.size() + ")", e);
        }
    }

    /** Frees the idle slots now and the borrowed ones on return; idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            while (!idle.isEmpty()) {
                idle.pop().close();
            }
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
