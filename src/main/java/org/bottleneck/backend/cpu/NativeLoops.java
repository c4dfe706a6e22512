package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;

/**
 * The {@link Loops} in C (native/cpu/fused_loops.c, in the same library as the GEMM shim),
 * on arrays pinned in place, large ones spread over the library's thread pool
 * (native/cpu/thread_pool.h), which OpenBLAS's GEMMs run on too. Sigmoid and tanh forward stay in Java ({@link JavaLoops}): they
 * need a double-precision exp or tanh per element and are not on any preset's hot path.
 */
final class NativeLoops implements Loops {
    private final JavaLoops java = new JavaLoops();

    /** True when the native library loaded; null-safe to call anywhere. */
    static boolean available() {
        return NativeLibrary.status() == null;
    }

    NativeLoops() {
        if (!available()) {
            throw new IllegalStateException("native CPU loops unavailable: " + NativeLibrary.status());
        }
    }

    @Override
    public void biasActivationForward(float[] x, int ox, float[] bias, int ob, float[] y, int oy, int rows, int cols,
                                      Activation act) {
        if (act == Activation.SIGMOID || act == Activation.TANH) {
            java.biasActivationForward(x, ox, bias, ob, y, oy, rows, cols, act);
        } else {
            forward(x, ox, bias, ob, y, oy, rows, cols, act.code(), Activation.LEAKY_SLOPE);
        }
    }

    @Override
    public void biasActivationBackward(float[] y, int oy, float[] dy, int ody, float[] dx, int odx, float[] dbias,
                                       int odb, int rows, int cols, Activation act) {
        backward(y, oy, dy, ody, dx, odx, dbias, odb, rows, cols, act.code(), Activation.LEAKY_SLOPE);
    }

    @Override
    public void bceWithLogits(float[] x, int ox, float[] t, int ot, float[] loss, int ol, float[] dx, int odx,
                              int rows, int cols, float gradScale) {
        bce(x, ox, t, ot, loss, ol, dx, odx, rows, cols, gradScale);
    }

    @Override
    public void adamw(float[] p, int op, float[] g, int og, float[] m, int om, float[] v, int ov, int n, float beta1,
                      float beta2, float eps, float decay, float stepSize, float bc2Sqrt) {
        adamwNative(p, op, g, og, m, om, v, ov, n, beta1, beta2, eps, decay, stepSize, bc2Sqrt);
    }

    // Activation codes are Activation.code(): 0 identity, 1 relu, 2 leaky relu, 3 sigmoid, 4 tanh.
    private static native void forward(float[] x, int ox, float[] bias, int ob, float[] y, int oy, int rows, int cols,
                                       int act, float slope);

    private static native void backward(float[] y, int oy, float[] dy, int ody, float[] dx, int odx, float[] dbias,
                                        int odb, int rows, int cols, int act, float slope);

    private static native void adamwNative(float[] p, int op, float[] g, int og, float[] m, int om, float[] v, int ov,
                                           int n, float beta1, float beta2, float eps, float decay, float stepSize,
                                           float bc2Sqrt);

    private static native void bce(float[] x, int ox, float[] t, int ot, float[] loss, int ol, float[] dx, int odx,
                                   int rows, int cols, float gradScale);
}
