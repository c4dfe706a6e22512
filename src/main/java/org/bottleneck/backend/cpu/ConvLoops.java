package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.ConvGeometry;

/**
 * CpuConv's data-movement loops on raw arrays, in two interchangeable twins: {@link JavaConvLoops}
 * (plain Java, the reference and the fallback) and {@link NativeConvLoops} (the same loops in C,
 * native/cpu/conv_loops.c, split over samples on the backend's one thread pool). The results are
 * the same bits (ConvLoopsTest). Offsets are in floats; see {@link CpuConv} for the dimensions.
 */
interface ConvLoops {

    /** x (nb,Cin,H,W) from {@code xo} → cols (nb·P, K) from {@code co}; 0 outside the input. */
    void im2col(ConvGeometry g, float[] x, int xo, int nb, float[] cols, int co);

    /** cols (nb·P, K) from {@code co} → dx (nb,Cin,H,W) from {@code dxo}, overwritten: the adjoint of im2col. */
    void col2im(ConvGeometry g, float[] cols, int co, int nb, float[] dx, int dxo);

    /** rows (nb, P, C) from {@code ro} → y (nb, C, P) from {@code yo}: a transpose per sample. */
    void rowsToNchw(float[] rows, int ro, int nb, int plane, int c, float[] y, int yo);

    /** y (nb, C, P) from {@code yo} → rows (nb, P, C) from {@code ro}: the inverse of rowsToNchw. */
    void nchwToRows(float[] y, int yo, int nb, int plane, int c, float[] rows, int ro);

    /** y (B,C,hw) = act(x + bias[c]), bias null meaning 0; y may be x exactly. */
    void channelBiasActivationForward(float[] x, int ox, float[] bias, int ob, float[] y, int oy, int batch, int c,
                                      int hw, Activation act);

    /**
     * dx = dy · act'(y); if dbias is not null, dbias[c] += (float) of the double sum of channel
     * c's dx over (n, h, w) in that order. dx may be dy exactly.
     */
    void channelBiasActivationBackward(float[] y, int oy, float[] dy, int ody, float[] dx, int odx, float[] dbias,
                                       int odb, int batch, int c, int hw, Activation act);
}
