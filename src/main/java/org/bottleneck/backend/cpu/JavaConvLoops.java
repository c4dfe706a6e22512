package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.ConvGeometry;

/**
 * The {@link ConvLoops} in plain Java: the reference twin of {@link NativeConvLoops}, and what
 * {@link CpuConv} runs when the native library is absent. Not thread-safe (one scratch sample);
 * each CpuConv has its own.
 */
final class JavaConvLoops implements ConvLoops {
    private float[] pad = new float[0]; // im2col's zero-bordered sample, grown for a larger geometry
    private int[] offsets = new int[0]; // im2col's column offsets into it

    /**
     * x (nb,Cin,H,W) from {@code xo} → cols (nb·P, K) row-major from {@code co}: row (n, oh, ow),
     * column (ci, kh, kw), value {@code x[n, ci, oh·s − p + kh, ow·s − p + kw]}, 0 outside.
     * Each sample is first copied into a zero-bordered (Cin, H+2p, W+2p) scratch plane, so a
     * column row is then K branch-free reads through an offset table, written in order (1.5×
     * faster than walking x a source row at a time at the conv AE's 32×14×14 layer).
     */
    @Override
    public void im2col(ConvGeometry g, float[] x, int xo, int nb, float[] cols, int co) {
        final int cin = g.inC(), h = g.inH(), w = g.inW(), k = g.kernel(), s = g.stride(), p = g.padding();
        final int ho = g.outH(), wo = g.outW(), patch = g.patchSize();
        final int hp = h + 2 * p, wp = w + 2 * p, paddedPlane = hp * wp;
        float[] pad = padScratch(cin * paddedPlane);
        java.util.Arrays.fill(pad, 0, cin * paddedPlane, 0f); // the border; each sample overwrites the interior
        int[] off = offsetScratch(patch);
        for (int ci = 0, c = 0; ci < cin; ci++) {
            for (int kh = 0; kh < k; kh++) {
                for (int kw = 0; kw < k; kw++) {
                    off[c++] = ci * paddedPlane + kh * wp + kw;
                }
            }
        }
        int r = co;
        for (int n = 0; n < nb; n++) {
            int xn = xo + n * cin * h * w;
            for (int ci = 0; ci < cin; ci++) {
                for (int ih = 0; ih < h; ih++) {
                    System.arraycopy(x, xn + (ci * h + ih) * w, pad, ci * paddedPlane + (ih + p) * wp + p, w);
                }
            }
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++, r += patch) {
                    int corner = oh * s * wp + ow * s; // (0, oh·s, ow·s) in the padded sample
                    for (int c = 0; c < patch; c++) {
                        cols[r + c] = pad[corner + off[c]];
                    }
                }
            }
        }
    }

    private float[] padScratch(int n) {
        if (pad.length < n) {
            pad = new float[n];
        }
        return pad;
    }

    private int[] offsetScratch(int n) {
        if (offsets.length < n) {
            offsets = new int[n];
        }
        return offsets;
    }

    /**
     * cols (nb·P, K) from {@code co} → dx (nb,Cin,H,W) from {@code dxo}, overwritten:
     * {@code dx[n,ci,ih,iw] = Σ cols[(n, oh, ow), (ci, kh, kw)]} over the taps that read it.
     * Evaluated per sample as the adjoint of {@link #im2col}: every column row is read once, in
     * order (sequential reads; the strided reads of a gather cost a cache line per value), and
     * added into a zero-bordered copy of the sample through the same offset table, which stays
     * in L1/L2; then the interior is copied out. Deterministic: each element sums its terms in
     * increasing (oh, ow). The CUDA twin gathers (one thread per element) and sums in (kh, kw)
     * order, so the two agree to rounding, exactly on small integers.
     */
    @Override
    public void col2im(ConvGeometry g, float[] cols, int co, int nb, float[] dx, int dxo) {
        final int cin = g.inC(), h = g.inH(), w = g.inW(), k = g.kernel(), s = g.stride(), p = g.padding();
        final int ho = g.outH(), wo = g.outW(), patch = g.patchSize();
        final int hp = h + 2 * p, wp = w + 2 * p, paddedPlane = hp * wp;
        float[] acc = padScratch(cin * paddedPlane);
        int[] off = offsetScratch(patch);
        for (int ci = 0, c = 0; ci < cin; ci++) {
            for (int kh = 0; kh < k; kh++) {
                for (int kw = 0; kw < k; kw++) {
                    off[c++] = ci * paddedPlane + kh * wp + kw;
                }
            }
        }
        int r = co;
        for (int n = 0; n < nb; n++) {
            java.util.Arrays.fill(acc, 0, cin * paddedPlane, 0f);
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++, r += patch) {
                    int corner = oh * s * wp + ow * s;
                    for (int c = 0; c < patch; c++) {
                        acc[corner + off[c]] += cols[r + c];
                    }
                }
            }
            int xn = dxo + n * cin * h * w;
            for (int ci = 0; ci < cin; ci++) {
                for (int ih = 0; ih < h; ih++) {
                    System.arraycopy(acc, ci * paddedPlane + (ih + p) * wp + p, dx, xn + (ci * h + ih) * w, w);
                }
            }
        }
    }

    /** rows (nb, P, C) from {@code ro} → y (nb, C, P) from {@code yo}: a transpose per sample. */
    @Override
    public void rowsToNchw(float[] rows, int ro, int nb, int plane, int c, float[] y, int yo) {
        for (int n = 0; n < nb; n++) {
            int rn = ro + n * plane * c, yn = yo + n * c * plane;
            for (int ch = 0; ch < c; ch++) {
                int dst = yn + ch * plane, src = rn + ch;
                for (int q = 0; q < plane; q++) {
                    y[dst + q] = rows[src + q * c];
                }
            }
        }
    }

    /** y (nb, C, P) from {@code yo} → rows (nb, P, C) from {@code ro}: the inverse of rowsToNchw. */
    @Override
    public void nchwToRows(float[] y, int yo, int nb, int plane, int c, float[] rows, int ro) {
        for (int n = 0; n < nb; n++) {
            int rn = ro + n * plane * c, yn = yo + n * c * plane;
            for (int q = 0; q < plane; q++) {
                int dst = rn + q * c, src = yn + q;
                for (int ch = 0; ch < c; ch++) {
                    rows[dst + ch] = y[src + ch * plane];
                }
            }
        }
    }

    /** y = act(x + bias[c]) plane by plane; the same float operations as {@link Activation#apply}. */
    @Override
    public void channelBiasActivationForward(float[] px, int ox, float[] pb, int ob, float[] py, int oy, int batch,
                                             int c, int hw, Activation act) {
        for (int n = 0; n < batch; n++) {
            for (int ch = 0; ch < c; ch++) {
                int at = (n * c + ch) * hw;
                biasActivationPlane(px, ox + at, pb == null ? 0f : pb[ob + ch], py, oy + at, hw, act);
            }
        }
    }

    private static void biasActivationPlane(float[] x, int xo, float b, float[] y, int yo, int len, Activation act) {
        switch (act) { // one loop per activation; each is Activation.apply(x + b) written out
            case RELU -> {
                for (int i = 0; i < len; i++) {
                    float v = x[xo + i] + b;
                    y[yo + i] = v > 0f ? v : 0f;
                }
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < len; i++) {
                    float v = x[xo + i] + b;
                    y[yo + i] = v > 0f ? v : Activation.LEAKY_SLOPE * v;
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < len; i++) {
                    y[yo + i] = 1f / (1f + (float) Math.exp(-(x[xo + i] + b)));
                }
            }
            case TANH -> {
                for (int i = 0; i < len; i++) {
                    y[yo + i] = (float) Math.tanh(x[xo + i] + b);
                }
            }
            default -> {
                for (int i = 0; i < len; i++) {
                    y[yo + i] = x[xo + i] + b;
                }
            }
        }
    }

    /**
     * dx = dy · act'(y) ({@link Activation#derivativeFromOutput}, the same float operations);
     * dbias[c] += (float) of the double sum of channel c's dx over (n, h, w).
     */
    @Override
    public void channelBiasActivationBackward(float[] py, int oy, float[] pdy, int ody, float[] pdx, int odx,
                                              float[] pdb, int odb, int batch, int c, int hw, Activation act) {
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int n = 0; n < batch; n++) {
                int at = (n * c + ch) * hw;
                activationGradPlane(py, oy + at, pdy, ody + at, pdx, odx + at, hw, act);
                if (pdb != null) { // the plane just written, while it is in L1
                    for (int i = odx + at, end = i + hw; i < end; i++) {
                        sum += pdx[i];
                    }
                }
            }
            if (pdb != null) {
                pdb[odb + ch] += (float) sum;
            }
        }
    }

    private static void activationGradPlane(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int len,
                                            Activation act) {
        switch (act) { // each is dy * Activation.derivativeFromOutput(y) written out
            case RELU -> {
                for (int i = 0; i < len; i++) {
                    dx[dxo + i] = dy[dyo + i] * (y[yo + i] > 0f ? 1f : 0f);
                }
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < len; i++) {
                    dx[dxo + i] = dy[dyo + i] * (y[yo + i] > 0f ? 1f : Activation.LEAKY_SLOPE);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < len; i++) {
                    float v = y[yo + i];
                    dx[dxo + i] = dy[dyo + i] * (v * (1f - v));
                }
            }
            case TANH -> {
                for (int i = 0; i < len; i++) {
                    float v = y[yo + i];
                    dx[dxo + i] = dy[dyo + i] * (1f - v * v);
                }
            }
            default -> {
                for (int i = 0; i < len; i++) {
                    dx[dxo + i] = dy[dyo + i] * 1f;
                }
            }
        }
    }
}
