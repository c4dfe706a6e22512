package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.ConvGeometry;

/**
 * The {@link ConvLoops} in C (native/cpu/conv_loops.c, in the same library as the GEMM shim and
 * the fused loops), on arrays pinned in place, split over whole samples (channels for the bias
 * gradient) on the library's thread pool, which OpenBLAS's GEMMs run on too. Sigmoid and tanh
 * channel forward stay in Java ({@link JavaConvLoops}): they need a double exp or tanh per element.
 * If a part cannot allocate its scratch sample (malloc failed) the call is redone by the twin.
 */
final class NativeConvLoops implements ConvLoops {
    private final JavaConvLoops java = new JavaConvLoops();

    NativeConvLoops() {
        if (!NativeLoops.available()) {
            throw new IllegalStateException("native CPU loops unavailable: " + NativeLibrary.status());
        }
    }

    @Override
    public void im2col(ConvGeometry g, float[] x, int xo, int nb, float[] cols, int co) {
        if (!im2colNative(x, xo, cols, co, nb, g.inC(), g.inH(), g.inW(), g.kernel(), g.stride(), g.padding(),
                g.outH(), g.outW())) {
            java.im2col(g, x, xo, nb, cols, co);
        }
    }

    @Override
    public void col2im(ConvGeometry g, float[] cols, int co, int nb, float[] dx, int dxo) {
        if (!col2imNative(cols, co, dx, dxo, nb, g.inC(), g.inH(), g.inW(), g.kernel(), g.stride(), g.padding(),
                g.outH(), g.outW())) {
            java.col2im(g, cols, co, nb, dx, dxo);
        }
    }

    @Override
    public void rowsToNchw(float[] rows, int ro, int nb, int plane, int c, float[] y, int yo) {
        rowsToNchwNative(rows, ro, nb, plane, c, y, yo);
    }

    @Override
    public void nchwToRows(float[] y, int yo, int nb, int plane, int c, float[] rows, int ro) {
        nchwToRowsNative(y, yo, nb, plane, c, rows, ro);
    }

    @Override
    public void channelBiasActivationForward(float[] x, int ox, float[] bias, int ob, float[] y, int oy, int batch,
                                             int c, int hw, Activation act) {
        if (act == Activation.SIGMOID || act == Activation.TANH) {
            java.channelBiasActivationForward(x, ox, bias, ob, y, oy, batch, c, hw, act);
        } else {
            channelForwardNative(x, ox, bias, ob, y, oy, batch, c, hw, act.code(), Activation.LEAKY_SLOPE);
        }
    }

    @Override
    public void channelBiasActivationBackward(float[] y, int oy, float[] dy, int ody, float[] dx, int odx,
                                              float[] dbias, int odb, int batch, int c, int hw, Activation act) {
        channelBackwardNative(y, oy, dy, ody, dx, odx, dbias, odb, batch, c, hw, act.code(), Activation.LEAKY_SLOPE);
    }

    // False when a part could not allocate its scratch (nothing usable was written).
    private static native boolean im2colNative(float[] x, int ox, float[] cols, int oc, int nb, int cin, int h, int w,
                                               int k, int s, int p, int ho, int wo);

    private static native boolean col2imNative(float[] cols, int oc, float[] dx, int odx, int nb, int cin, int h,
                                               int w, int k, int s, int p, int ho, int wo);

    private static native void rowsToNchwNative(float[] rows, int ro, int nb, int plane, int c, float[] y, int yo);

    private static native void nchwToRowsNative(float[] y, int yo, int nb, int plane, int c, float[] rows, int ro);

    // Activation codes are Activation.code(): 0 identity, 1 relu, 2 leaky relu, 3 sigmoid, 4 tanh.
    private static native void channelForwardNative(float[] x, int ox, float[] bias, int ob, float[] y, int oy,
                                                    int batch, int c, int hw, int act, float slope);

    private static native void channelBackwardNative(float[] y, int oy, float[] dy, int ody, float[] dx, int odx,
                                                     float[] dbias, int odb, int batch, int c, int hw, int act,
                                                     float slope);
}
