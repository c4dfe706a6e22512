package org.bottleneck.backend.cpu;

import org.bottleneck.backend.JniLibrary;

/**
 * The CPU backend's own native library (native/cpu: the zero-copy GEMM shim and the fused
 * loops), built by Maven into the jar when a C compiler exists. Loaded once; {@link #status()}
 * is null when loaded, else why not, and the backend then runs the Java twins.
 */
final class NativeLibrary {
    private static final String STATUS = JniLibrary.load("libbottleneck_cpu.so", "CPU native library");

    private NativeLibrary() {
    }

    /** Null when the library is loaded, else why not (for {@code info}). */
    static String status() {
        return STATUS;
    }
}
