package org.bottleneck.tensor;

/**
 * One allocation owned by a backend (made through an {@link Allocator}) (host memory for the CPU, device memory for CUDA).
 * Tensors are views into a storage. {@code close()} frees it, is idempotent, and any use
 * after close throws.
 */
public interface Storage extends AutoCloseable {

    /** Capacity in floats. */
    long size();

    /** What this allocation is for ("parameters", "activations[B=128]"), for error messages. */
    String label();

    boolean isClosed();

    @Override
    void close();
}
