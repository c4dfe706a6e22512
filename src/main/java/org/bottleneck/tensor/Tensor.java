package org.bottleneck.tensor;

import java.util.function.Function;

/**
 * A view: storage + offset (in floats) + shape, row-major and contiguous. Creating views
 * never copies. A backend may cache one native handle per view (a positioned buffer or a
 * device pointer) so that ops on the hot path allocate nothing.
 */
public final class Tensor {
    private final Storage storage;
    private final long offset;
    private final Shape shape;
    private Object nativeView;

    public Tensor(Storage storage, long offset, Shape shape) {
        if (storage != null && (offset < 0 || offset + shape.size() > storage.size())) {
            throw new IllegalArgumentException("view " + shape + " at offset " + offset
                    + " does not fit in storage '" + storage.label() + "' of " + storage.size() + " floats");
        }
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
    }

    public Storage storage() {
        if (storage == null) {
            throw new IllegalStateException("tensor " + shape + " is a sizing placeholder with no memory");
        }
        if (storage.isClosed()) {
            throw new IllegalStateException("tensor " + shape + " used after its storage '" + storage.label() + "' was closed");
        }
        return storage;
    }

    public long offset() {
        return offset;
    }

    public Shape shape() {
        return shape;
    }

    public long size() {
        return shape.size();
    }

    /** Size as an int, for ops that index with int; fails for views over 2^31 − 1 floats. */
    public int length() {
        return Math.toIntExact(shape.size());
    }

    public int rows() {
        return shape.rows();
    }

    public int rowSize() {
        return shape.rowSize();
    }

    /** A view of {@code newShape} starting {@code floatOffset} floats into this one. */
    public Tensor view(long floatOffset, Shape newShape) {
        if (floatOffset < 0 || floatOffset + newShape.size() > size()) {
            throw new IllegalArgumentException("view " + newShape + " at +" + floatOffset + " exceeds tensor " + shape);
        }
        return new Tensor(storage, offset + floatOffset, newShape);
    }

    public Tensor reshape(Shape newShape) {
        if (newShape.size() != size()) {
            throw new IllegalArgumentException("cannot reshape " + shape + " to " + newShape);
        }
        return new Tensor(storage, offset, newShape);
    }

    /** Rows [from, to) along the first dimension. */
    public Tensor rows(int from, int to) {
        if (from < 0 || to > rows() || from > to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") out of " + shape);
        }
        return new Tensor(storage, offset + (long) from * rowSize(), shape.withRows(to - from));
    }

    /**
     * The backend's handle for this view, made once by {@code make} and cached. Backends pass
     * a non-capturing method reference so that the steady state allocates nothing.
     */
    @SuppressWarnings("unchecked")
    public <T> T nativeView(Function<Tensor, T> make) {
        Object v = nativeView;
        if (v == null) {
            v = make.apply(this);
            nativeView = v;
        }
        return (T) v;
    }

    @Override
    public String toString() {
        return "Tensor" + shape + (storage == null ? "(unbacked)" : "@" + storage.label() + "+" + offset);
    }
}
