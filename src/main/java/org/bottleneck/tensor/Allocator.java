package org.bottleneck.tensor;

/**
 * Where memory comes from: a backend (host arrays for the CPU, device memory for CUDA). The
 * tensor package needs nothing else of a backend, so it depends on none.
 */
public interface Allocator {
    /** A zero-filled allocation of {@code floats} floats; label names it in errors. */
    Storage allocate(long floats, String label);
}
