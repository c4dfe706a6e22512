package org.bottleneck.tensor;

/**
 * One allocation handed out as views by a bump pointer. Used twice per plan: a sizing arena
 * ({@link #sizing()}) records how much the layers ask for and returns unbacked tensors; a
 * real arena of exactly that size then hands out the same views with memory behind them.
 * Every view starts on a 64-float (256-byte) boundary, which GPU kernels and BLAS like.
 */
public final class Arena implements AutoCloseable {
    static final int ALIGN = 64;

    private final Storage storage; // null for a sizing arena
    private final long scratchStart; // scratch region = [scratchStart, scratchStart + scratchFloats)
    private long used;
    private long scratch;           // largest scratch asked for

    private Arena(Storage storage, long scratchStart) {
        this.storage = storage;
        this.scratchStart = scratchStart;
    }

    public static Arena sizing() {
        return new Arena(null, 0);
    }

    public static Arena allocate(Allocator backend, long floats, String label) {
        return new Arena(backend.allocate(Math.max(floats, 1), label), floats);
    }

    /** A real arena holding what {@code sizing} recorded: its views, then one shared scratch region. */
    public static Arena allocate(Allocator backend, Arena sizing, String label) {
        long views = (sizing.used + ALIGN - 1) / ALIGN * ALIGN;
        return new Arena(backend.allocate(Math.max(views + sizing.scratch, 1), label), views);
    }

    /**
     * Scratch of {@code floats} floats that every caller shares (im2col columns, workspaces):
     * valid only until the next op that uses scratch, so a layer must not keep data in it
     * between forward and backward. The region is as large as the largest request.
     */
    public Tensor scratch(long floats) {
        scratch = Math.max(scratch, floats);
        if (storage != null && scratchStart + floats > storage.size()) {
            throw new IllegalStateException("arena '" + storage.label() + "': scratch of " + floats
                    + " floats exceeds the " + (storage.size() - scratchStart) + " it was sized for");
        }
        return new Tensor(storage, storage == null ? 0 : scratchStart, Shape.of(Math.toIntExact(floats)));
    }

    /** A fresh view of {@code shape}; contents are whatever the last user left. */
    public Tensor take(Shape shape) {
        long start = used;
        used = start + (shape.size() + ALIGN - 1) / ALIGN * ALIGN;
        if (storage != null && used > scratchStart) {
            throw new IllegalStateException("arena '" + storage.label() + "' of " + storage.size()
                    + " floats exhausted taking " + shape + " at " + start);
        }
        return new Tensor(storage, start, shape);
    }

    public Tensor take(int... dims) {
        return take(Shape.of(dims));
    }

    /** Floats handed out so far (with alignment padding), scratch included. */
    public long used() {
        return (used + ALIGN - 1) / ALIGN * ALIGN + scratch;
    }

    /** Start handing out views from the beginning again. */
    public void reset() {
        used = 0;
    }

    /** Floats this arena can hand out (0 for a sizing arena). */
    public long capacity() {
        return storage == null ? 0 : storage.size();
    }

    /** Whether this real arena can hand out everything {@code sizing} recorded (views and scratch). */
    public boolean fits(Arena sizing) {
        return storage != null && sizing.used <= scratchStart && sizing.scratch <= storage.size() - scratchStart;
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
