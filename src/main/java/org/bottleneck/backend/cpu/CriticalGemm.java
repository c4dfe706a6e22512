package org.bottleneck.backend.cpu;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * Zero-copy cblas_sgemm on Java arrays through our JNI shim (native/cpu/critical_gemm.c, built
 * by Maven into the jar): the arrays are pinned, not copied, and OpenBLAS works on them in
 * place. Probed once; when the shim is absent or cannot bind, {@link #status()} says why and the
 * CPU backend stages operands through off-heap memory instead ({@link GemmStaging}).
 */
final class CriticalGemm {
    private static final String STATUS = bindOpenBlas();

    private CriticalGemm() {
    }

    /** True when the zero-copy path is usable. */
    static boolean available() {
        return STATUS == null;
    }

    /** Null when available, else why not (for {@code info}). */
    static String status() {
        return STATUS;
    }

    private static String bindOpenBlas() {
        if (NativeLibrary.status() != null) {
            return NativeLibrary.status();
        }
        try {
            String jni = Loader.load(openblas.class); // the JNI library JavaCPP loaded; it links OpenBLAS
            return bind(jni);
        } catch (UnsatisfiedLinkError e) {
            return "JNI GEMM shim unusable: " + e.getMessage();
        }
    }

    /** Resolves cblas_sgemm through the handle of {@code jniLibrary}; null on success, else why. */
    private static native String bind(String jniLibrary);

    /**
     * Gives the OpenBLAS that GEMM runs on and the native thread pool n threads each, and has
     * OpenBLAS run its parallel jobs on the pool where it can (OpenBLAS ≥ 0.3.27; otherwise the
     * pool keeps one thread). Once per process, before the first GEMM. Returns
     * openblas_get_num_threads(), or −errno when a pool thread would not start.
     */
    static native int threads(int n);

    /** True when OpenBLAS runs its jobs on the native pool (after {@link #threads}). */
    static native boolean sharesPool();

    /** Tests only, between GEMMs: false sends OpenBLAS's jobs back to its own workers, true to the pool. */
    static native void useSharedPool(boolean on);

    /** Column-major y = alpha·op(A)·x + beta·y with A (rows × cols, lda), unit strides; offsets in floats. */
    static native void sgemv(boolean trans, int rows, int cols, float alpha, float[] a, int aOffset, int lda,
                             float[] x, int xOffset, float beta, float[] y, int yOffset);

    /**
     * Column-major sgemm with arguments as {@link org.bottleneck.backend.GemmMapping} gives them;
     * offsets in floats. The caller checks sizes: the shim does not.
     */
    static native void sgemm(boolean transFirst, boolean transSecond, int m, int n, int k, float alpha,
                             float[] first, int firstOffset, int ldFirst,
                             float[] second, int secondOffset, int ldSecond,
                             float beta, float[] c, int cOffset, int ldc);
}
