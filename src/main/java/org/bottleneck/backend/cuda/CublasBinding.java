package org.bottleneck.backend.cuda;

import java.nio.Buffer;
import org.bottleneck.backend.JniLibrary;

/**
 * Our binding to cuBLAS (native/cuda-host/cublas_binding.c, in the jar as
 * {@code libbottleneck_cuda.so}): the library is found by {@link CudaLibraries#chooseCublas} and
 * opened with dlopen, so the same jar runs on a CUDA 12 host (libcublas.so.12) and a CUDA 13 host
 * (libcublas.so.13). It binds the five v2 functions {@link JCudaDevice} calls; every entry point
 * returns cuBLAS's status (0 = success) for the caller to name with {@link #describe(int)}.
 * Handles, streams and device memory are raw addresses.
 *
 * <p>Process-wide: one cuBLAS is bound per process, by the first successful {@link #load}.
 */
final class CublasBinding {
    /** Null when our JNI library is loaded, else why not. */
    private static final String JNI = JniLibrary.load("libbottleneck_cuda.so", "CUDA cuBLAS binding (libbottleneck_cuda.so)");

    private static CudaLibraries.Found bound;

    private CublasBinding() {
    }

    /** dlopens {@code lt} (may be null) then {@code cublas}, and resolves the functions; null, or what failed. */
    static native String bind(String lt, String cublas);

    /** cublasCreate_v2; {@code handle[0]} receives the handle. */
    static native int create(long[] handle);

    static native int destroy(long handle);

    static native int setStream(long handle, long stream);

    /** cublasGetVersion_v2; {@code version[0]} receives major·10000 + minor·100 + patch. */
    static native int version(long handle, int[] version);

    /** cuBLAS's name for a status, or null when this cuBLAS has no cublasGetStatusString. */
    static native String statusString(int status);

    /** cublasSgemm_v2, column-major (GemmMapping gives the arguments), host alpha/beta, on the handle's stream. */
    static native int sgemm(long handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            long a, int lda, long b, int ldb, float beta, long c, int ldc);

    /** The address of a direct buffer's memory (tests run this binding on host memory against a host cuBLAS twin). */
    static native long address(Buffer direct);

    /**
     * Binds the chosen cuBLAS unless one is bound already; returns null when bound (then
     * {@link #bound()} says which), else why not, with the path and the loader's message.
     */
    static synchronized String load(CudaLibraries.CublasChoice choice) {
        if (bound != null) {
            return null;
        }
        if (JNI != null) {
            return JNI;
        }
        if (choice.cublas() == null) {
            return choice.reason();
        }
        String failure = bind(choice.lt() == null ? null : choice.lt().path().toString(), choice.cublas().path().toString());
        if (failure != null) {
            return failure + " (" + choice.cublas().describe() + (choice.lt() == null ? ", no cublasLt of its major found" : "") + ")";
        }
        bound = choice.cublas();
        return null;
    }

    /** The cuBLAS bound by {@link #load}, or null. */
    static synchronized CudaLibraries.Found bound() {
        return bound;
    }

    /** A status for messages: cuBLAS's own name when it has one, and the number. */
    static String describe(int status) {
        String name = statusString(status);
        return (name == null ? "cuBLAS status" : name) + " (" + status + ")";
    }

    /** 130002 → "13.0.2". */
    static String versionString(int v) {
        return v / 10000 + "." + (v / 100) % 100 + "." + v % 100;
    }
}
