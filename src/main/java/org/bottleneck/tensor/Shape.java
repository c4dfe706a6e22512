package org.bottleneck.tensor;

import java.util.Arrays;

/**
 * Dimensions of a row-major tensor. Immutable.
 *
 * <p>Legend used across the code base: B = batch, D = input features (784 for MNIST),
 * H = hidden width, Z = latent dimension, N = any feature count.
 */
public final class Shape {
    private final int[] dims;
    private final long size;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
            n = Math.multiplyExact(n, d);
        }
        this.dims = dims;
        this.size = n;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    /** Number of elements. */
    public long size() {
        return size;
    }

    /** Elements per row: the product of all dimensions but the first (1 for rank 0 or 1). */
    public int rowSize() {
        return dims.length <= 1 ? 1 : (int) (size / dims[0]);
    }

    public int rows() {
        return dims.length == 0 ? 1 : dims[0];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** This shape with a leading dimension: a per-sample shape (C,H,W) as a batch (b,C,H,W). */
    public Shape batched(int b) {
        int[] d = new int[dims.length + 1];
        d[0] = b;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return new Shape(d);
    }

    /** Same shape with the first dimension replaced. */
    public Shape withRows(int rows) {
        int[] d = dims.clone();
        d[0] = rows;
        return new Shape(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
