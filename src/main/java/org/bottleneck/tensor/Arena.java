package org.bottleneck.tensor;

import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Storage;

/**
 * One allocation handed out as views by a bump pointer. Used twice per plan: a sizing arena
 * ({@link #sizing()}) records how much the layers ask for and returns unbacked tensors; a
 * real arena of exactly that size then hands out the same views with memory behind them.
 * Every view starts on a 64-float (256-byte) boundary, which GPU kernels and BLAS like.
 */
public final class Arena implements AutoCloseable {
    static final int ALIGN = 64;

    private final Storage storage; // null for a sizing arena
    private long used;

    private Arena(Storage storage) {
        this.storage = storage;
    }

    public static Arena sizing() {
        return new Arena(null);
    }

    public static Arena allocate(Backend backend, long floats, String label) {
        return new Arena(backend.allocate(Math.max(floats, 1), label));
    }

    /** A fresh view of {@code shape}; contents are whatever the last user left. */
    public Tensor take(Shape shape) {
        long start = used;
        used = start + (shape.size() + ALIGN - 1) / ALIGN * ALIGN;
        if (storage != null && used > storage.size()) {
            throw new IllegalStateException("arena '" + storage.label() + "' of " + storage.size()
                    + " floats exhausted taking " + shape + " at " + start);
        }
        return new Tensor(storage, start, shape);
    }

    public Tensor take(int... dims) {
        return take(Shape.of(dims));
    }

    /** Floats handed out so far (with alignment padding). */
    public long used() {
        return used;
    }

    /** Start handing out views from the beginning again. */
    public void reset() {
        used = 0;
    }

    /** Floats this arena can hand out (0 for a sizing arena). */
    public long capacity() {
        return storage == null ? 0 : storage.size();
    }

    public boolean isSizing() {
        return storage == null;
    }

    @Override
    public void close() {
        if (storage != null) {
            storage.close();
        }
    }
}
