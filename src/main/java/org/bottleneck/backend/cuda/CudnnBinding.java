package org.bottleneck.backend.cuda;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bottleneck.backend.JniLibrary;

/**
 * Our binding to cuDNN's convolution calls (native/cuda-host/cudnn_binding.c, in
 * {@code libbottleneck_cuda.so} with the cuBLAS binding): a {@code libcudnn.so.9} or {@code .8}
 * found by {@link CudaLibraries}, opened with dlopen, so one jar runs on CUDA 12 and CUDA 13
 * hosts. Each entry point is one cuDNN call and returns cuDNN's status (0 = success); the
 * policy is {@link CudnnConv}'s. Handles, descriptors and device memory are raw addresses.
 *
 * <p>Process-wide: one cuDNN is bound per process, by the first successful {@link #load}. A
 * missing or unusable cuDNN is never fatal: convolutions then run on our kernels + cuBLAS, and
 * {@link #unavailable()} says why.
 */
final class CudnnBinding {
    /** Null when our JNI library is loaded, else why not. */
    private static final String JNI = JniLibrary.load("libbottleneck_cuda.so", "CUDA cuDNN binding (libbottleneck_cuda.so)");

    /** The cuDNN majors whose convolution API (the same C signatures in both) the binding was written against. */
    static final List<Integer> MAJORS = List.of(9, 8);

    /** {@link #run} and {@link #algorithms} kinds, the order of cudnn_binding.c's tables. */
    static final int FORWARD = 0, BACKWARD_DATA = 1, BACKWARD_FILTER = 2;

    private static CudaLibraries.Found bound;
    private static long boundVersion;
    private static long boundCudart;
    private static String unavailable = "cuDNN was not looked for (no CUDA device was probed)";

    private CudnnBinding() {
    }

    static native String bind(String path);

    static native void unbind();

    static native long version();

    static native long cudartVersion();

    static native String errorString(int status);

    static native int create(long[] handle);

    static native int destroy(long handle);

    static native int setStream(long handle, long stream);

    /** A float NCHW tensor descriptor (n, c, h, w) into {@code out[0]}. */
    static native int tensor(long[] out, int n, int c, int h, int w);

    /** A float NCHW filter descriptor (Cout, Cin, kh, kw) into {@code out[0]}. */
    static native int filter(long[] out, int k, int c, int h, int w);

    /** A cross-correlation descriptor, square padding and stride, FP32 FMA math (no TF32), into {@code out[0]}. */
    static native int convolution(long[] out, int padding, int stride);

    static native void destroyTensor(long descriptor);

    static native void destroyFilter(long descriptor);

    static native void destroyConvolution(long descriptor);

    /** cuDNN's output shape of {@code conv} over tensor {@code x} with filter {@code w}, into {@code nchw[0..3]}. */
    static native int outputDim(long conv, long x, long w, int[] nchw);

    /**
     * The _v7 heuristics' ranking for {@code kind}, best first (descriptors: forward x, w, y;
     * backward data w, dy, dx; backward filter x, dy, dw): {@code count[0]} entries of algorithm,
     * status, determinism (1 = deterministic), math type and workspace bytes.
     */
    static native int algorithms(int kind, long handle, long a, long b, long conv, long c, int[] count,
                                 int[] algo, int[] status, int[] determinism, int[] math, long[] memory);

    /** The workspace {@code algo} needs for {@code kind}, into {@code bytes[0]}. */
    static native int workspaceBytes(int kind, long handle, long a, long b, long conv, long c, int algo, long[] bytes);

    /**
     * {@code c = alpha·op(a, b) + beta·c} on the handle's stream: forward (y from x, w),
     * backward data (dx from w, dy) or backward filter (dw from x, dy).
     */
    static native int run(int kind, long handle, float alpha, long aDesc, long a, long bDesc, long b, long conv,
                          int algo, long workspace, long workspaceBytes, float beta, long cDesc, long c);

    /**
     * Binds the first usable cuDNN of {@code found} — the newest supported major first, search
     * order within it — for a driver of {@code driverVersion}: one built for a CUDA runtime newer
     * than the driver (cudnnGetCudartVersion) is closed again and the next tried. Returns null
     * when one is bound (then {@link #bound()} says which), else why none, and remembers that
     * reason for {@link #unavailable()}.
     */
    static synchronized String load(List<CudaLibraries.Found> found, int driverVersion) {
        if (bound != null) {
            return null;
        }
        if (JNI != null) {
            return unavailable = JNI;
        }
        List<CudaLibraries.Found> candidates = found.stream()
                .filter(f -> f.family().equals("cudnn") && MAJORS.contains(f.major()))
                .sorted(Comparator.comparingInt((CudaLibraries.Found f) -> -f.major()))
                .toList();
        if (candidates.isEmpty()) {
            return unavailable = "no libcudnn.so.9 or .8 found (install cuDNN or the nvidia-cudnn wheel, or point "
                    + "BOTTLENECK_CUDA_LIBS at its lib folder)";
        }
        List<String> why = new ArrayList<>();
        for (CudaLibraries.Found f : candidates) {
            String failure = bind(f.path().toString());
            if (failure != null) {
                why.add(failure + " (" + f.describe() + ")");
                continue;
            }
            long cudart = cudartVersion();
            if (!fits(cudart, driverVersion)) {
                unbind();
                why.add(f.describe() + ": built for CUDA " + CudaProbe.driverVersion((int) cudart) + ", the driver runs "
                        + CudaProbe.driverVersion(driverVersion));
                continue;
            }
            bound = f;
            boundVersion = version();
            boundCudart = cudart;
            unavailable = null;
            return null;
        }
        return unavailable = String.join("; ", why);
    }

    /** A cuDNN built for CUDA runtime {@code cudart} (13000 = 13.0) runs on a driver whose CUDA major is at least as new. */
    static boolean fits(long cudart, int driverVersion) {
        return cudart / 1000 <= driverVersion / 1000;
    }

    /** The cuDNN bound by {@link #load}, or null. */
    static synchronized CudaLibraries.Found bound() {
        return bound;
    }

    /** Why no cuDNN is bound, or null when one is. */
    static synchronized String unavailable() {
        return unavailable;
    }

    /** "cuDNN 9.5.1 (CUDA 13.0) from /path", for {@code info} and the backend's description. */
    static synchronized String describeBound() {
        return bound == null ? null : "cuDNN " + versionString(boundVersion) + " (for CUDA "
                + CudaProbe.driverVersion((int) boundCudart) + ") from " + bound.path();
    }

    /** cuDNN 9: 90501 → "9.5.1"; cuDNN 8: 8902 → "8.9.2". */
    static String versionString(long v) {
        return v >= 90000 ? v / 10000 + "." + (v / 100) % 100 + "." + v % 100 : v / 1000 + "." + (v / 100) % 10 + "." + v % 100;
    }

    /** A status for messages: cuDNN's own name and the number. */
    static String describe(int status) {
        String name = errorString(status);
        return (name == null ? "cuDNN status" : name) + " (" + status + ")";
    }
}
