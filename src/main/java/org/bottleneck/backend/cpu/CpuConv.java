package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.BicubicTaps;
import org.bottleneck.backend.ConvChecks;
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * The CPU twins of the convolution-family ops (see {@link org.bottleneck.backend.Backend} for
 * the formulas). The three convolutions are im2col + {@link CpuBackend#gemm} (OpenBLAS) on chunks
 * of samples, in the very steps the CUDA backend takes without cuDNN: {@code im2col},
 * {@code col2im}, {@code rowsToNchw}, {@code nchwToRows}. Those four and the per-channel bias +
 * activation run in {@link ConvLoops}: in C split over samples on the backend's thread pool
 * ({@link NativeConvLoops}) when the native library loaded, else their Java twins
 * ({@link JavaConvLoops}), the same bits either way. Upsampling and max pooling are plain loops
 * over the float[] behind each view.
 *
 * <p>Dimensions: B batch, nb samples in one chunk ({@link ConvGeometry#chunk}), Cin/Cout
 * channels, H×W the input plane, Ho×Wo the output plane, P = Ho·Wo, k kernel, s stride,
 * p padding, K = Cin·k·k (one column row), M = nb·P (GEMM rows of one chunk). The workspace is
 * {@code [cols (chunk·P, K) | rows (chunk·P, Cout)]}: its rows part always starts at chunk·P·K,
 * also for a smaller last chunk.
 */
final class CpuConv {
    private final CpuBackend backend;
    private final ConvLoops loops; // the data movement: C on the pool when the library loaded, else the Java twin
    private final double[] rowTaps = new double[BicubicTaps.MOST]; // bicubic weights, reused: no allocation per call
    private final double[] colTaps = new double[BicubicTaps.MOST];

    CpuConv(CpuBackend backend) {
        this.backend = backend;
        this.loops = NativeLoops.available() ? new NativeConvLoops() : new JavaConvLoops();
    }

    private static float[] arr(Tensor t) {
        return ((CpuStorage) t.storage()).data();
    }

    private static int off(Tensor t) {
        return (int) t.offset();
    }

    long workspaceFloats(ConvGeometry g) {
        return g.im2colWorkspaceFloats();
    }

    // ---------------------------------------------------------------- convolutions

    /** Per chunk: im2col(x) → cols; rows = cols·Wᵀ; rowsToNchw(rows) → y. */
    void forward(ConvGeometry g, Tensor x, Tensor w, Tensor y, Tensor workspace) {
        ConvChecks.conv("conv2dForward", g, x, w, y, workspace, g.im2colWorkspaceFloats());
        int chunk = g.chunk(), plane = g.outPlane(), patch = g.patchSize(), cout = g.outC();
        int inSample = g.inC() * g.inH() * g.inW(), outSample = cout * plane;
        long rowsAt = (long) chunk * plane * patch;
        float[] px = arr(x), py = arr(y), pws = arr(workspace);
        int ox = off(x), oy = off(y), ows = off(workspace);
        for (int n0 = 0; n0 < g.batch(); n0 += chunk) {
            int nb = Math.min(chunk, g.batch() - n0), m = nb * plane;
            loops.im2col(g, px, ox + n0 * inSample, nb, pws, ows);
            backend.gemm(false, true, m, cout, patch, 1f, pws, ows, arr(w), off(w), 0f, pws, ows + (int) rowsAt);
            loops.rowsToNchw(pws, ows + (int) rowsAt, nb, plane, cout, py, oy + n0 * outSample);
        }
    }

    /** Per chunk: nchwToRows(dy) → rows; cols = rows·W; col2im(cols) → dx (overwritten). */
    void backwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx, Tensor workspace) {
        ConvChecks.conv("conv2dBackwardData", g, dx, w, dy, workspace, g.im2colWorkspaceFloats());
        int chunk = g.chunk(), plane = g.outPlane(), patch = g.patchSize(), cout = g.outC();
        int inSample = g.inC() * g.inH() * g.inW(), outSample = cout * plane;
        long rowsAt = (long) chunk * plane * patch;
        float[] pdy = arr(dy), pdx = arr(dx), pws = arr(workspace);
        int ody = off(dy), odx = off(dx), ows = off(workspace);
        for (int n0 = 0; n0 < g.batch(); n0 += chunk) {
            int nb = Math.min(chunk, g.batch() - n0), m = nb * plane;
            loops.nchwToRows(pdy, ody + n0 * outSample, nb, plane, cout, pws, ows + (int) rowsAt);
            backend.gemm(false, false, m, patch, cout, 1f, pws, ows + (int) rowsAt, arr(w), off(w), 0f, pws, ows);
            loops.col2im(g, pws, ows, nb, pdx, odx + n0 * inSample);
        }
    }

    /** Per chunk: nchwToRows(dy) → rows; im2col(x) → cols; dw = β·dw + rowsᵀ·cols (β = 1 after the first). */
    void backwardFilter(ConvGeometry g, Tensor x, Tensor dy, float beta, Tensor dw, Tensor workspace) {
        ConvChecks.conv("conv2dBackwardFilter", g, x, dw, dy, workspace, g.im2colWorkspaceFloats());
        int chunk = g.chunk(), plane = g.outPlane(), patch = g.patchSize(), cout = g.outC();
        int inSample = g.inC() * g.inH() * g.inW(), outSample = cout * plane;
        long rowsAt = (long) chunk * plane * patch;
        float[] px = arr(x), pdy = arr(dy), pws = arr(workspace);
        int ox = off(x), ody = off(dy), ows = off(workspace);
        for (int n0 = 0; n0 < g.batch(); n0 += chunk) {
            int nb = Math.min(chunk, g.batch() - n0), m = nb * plane;
            loops.nchwToRows(pdy, ody + n0 * outSample, nb, plane, cout, pws, ows + (int) rowsAt);
            loops.im2col(g, px, ox + n0 * inSample, nb, pws, ows);
            backend.gemm(true, false, cout, patch, m, 1f, pws, ows + (int) rowsAt, pws, ows, n0 == 0 ? beta : 1f,
                    arr(dw), off(dw));
        }
    }

    // ---------------------------------------------------------------- channel bias + activation

    /** y = act(x + bias[c]) plane by plane (act(x + 0) without a bias); the same float operations as {@link Activation#apply}. */
    void channelBiasActivationForward(Tensor x, Tensor bias, Activation act, Tensor y) {
        ConvChecks.channelBias("channelBiasActivationForward", x, bias, y);
        int c = x.shape().dim(1), hw = x.shape().dim(2) * x.shape().dim(3), batch = x.shape().dim(0);
        loops.channelBiasActivationForward(arr(x), off(x), bias == null ? null : arr(bias), bias == null ? 0 : off(bias),
                arr(y), off(y), batch, c, hw, act);
    }

    /**
     * dx = dy · act'(y) ({@link Activation#derivativeFromOutput}, the same float operations);
     * dbias[c] += (float) of the double sum of channel c's dx over (n, h, w).
     */
    void channelBiasActivationBackward(Tensor y, Tensor dy, Activation act, Tensor dx, Tensor dbias) {
        String op = "channelBiasActivationBackward";
        ConvChecks.channelBias(op, y, dbias, dy);
        ConvChecks.channelBias(op, y, null, dx);
        int c = y.shape().dim(1), hw = y.shape().dim(2) * y.shape().dim(3), batch = y.shape().dim(0);
        loops.channelBiasActivationBackward(arr(y), off(y), arr(dy), off(dy), arr(dx), off(dx),
                dbias == null ? null : arr(dbias), dbias == null ? 0 : off(dbias), batch, c, hw, act);
    }

    // ---------------------------------------------------------------- plane centring

    /** y = x − the plane's mean: summed in double in index order, the mean rounded to float (as the kernel does). */
    void subtractPlaneMean(Tensor x, Tensor y) {
        ConvChecks.sameImages("subtractPlaneMean", x, y);
        Shape s = x.shape();
        int planes = s.dim(0) * s.dim(1), hw = s.dim(2) * s.dim(3);
        float[] px = arr(x), py = arr(y);
        int ox = off(x), oy = off(y);
        for (int pl = 0; pl < planes; pl++) {
            int xs = ox + pl * hw, ys = oy + pl * hw;
            double sum = 0;
            for (int i = 0; i < hw; i++) {
                sum += px[xs + i];
            }
            float mean = (float) (sum / hw);
            for (int i = 0; i < hw; i++) {
                py[ys + i] = px[xs + i] - mean;
            }
        }
    }

    // ---------------------------------------------------------------- nearest upsampling

    /** y (B,C,H·f,W·f)[n,c,i,j] = x (B,C,H,W)[n,c,i/f,j/f]: each output row once, then copied f−1 times. */
    void upsampleNearestForward(Tensor x, int factor, Tensor y) {
        ConvChecks.upsample("upsampleNearestForward", x, factor, y);
        Shape s = x.shape();
        int planes = s.dim(0) * s.dim(1), h = s.dim(2), w = s.dim(3), wy = w * factor;
        float[] px = arr(x), py = arr(y);
        int ox = off(x), oy = off(y);
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < h; i++) {
                int src = ox + (pl * h + i) * w, dst = oy + (pl * h + i) * factor * wy;
                for (int j = 0; j < w; j++) {
                    float v = px[src + j];
                    for (int b = 0; b < factor; b++) {
                        py[dst + j * factor + b] = v;
                    }
                }
                for (int a = 1; a < factor; a++) {
                    System.arraycopy(py, dst, py, dst + a * wy, wy);
                }
            }
        }
    }

    /** dx[n,c,i,j] = Σ_{a,b<f} dy[n,c,i·f+a,j·f+b], summed in float in (a, b) order, overwriting dx. */
    void upsampleNearestBackward(Tensor dy, int factor, Tensor dx) {
        ConvChecks.upsample("upsampleNearestBackward", dx, factor, dy);
        Shape s = dx.shape();
        int planes = s.dim(0) * s.dim(1), h = s.dim(2), w = s.dim(3), wy = w * factor;
        float[] pdy = arr(dy), pdx = arr(dx);
        int ody = off(dy), odx = off(dx);
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < h; i++) {
                int src = ody + (pl * h + i) * factor * wy, dst = odx + (pl * h + i) * w;
                for (int j = 0; j < w; j++) {
                    float sum = 0f;
                    for (int a = 0; a < factor; a++) {
                        for (int b = 0; b < factor; b++) {
                            sum += pdy[src + a * wy + j * factor + b];
                        }
                    }
                    pdx[dst + j] = sum;
                }
            }
        }
    }

    /** Bicubic upsampling (PIL's), formula in Backend; taps from {@link BicubicTaps}, summed in double in (r, s) order. */
    void upsampleBicubicForward(Tensor x, int factor, Tensor y) {
        ConvChecks.upsample("upsampleBicubicForward", x, factor, y);
        Shape s = x.shape();
        int planes = s.dim(0) * s.dim(1), h = s.dim(2), w = s.dim(3), hy = h * factor, wy = w * factor;
        float[] px = arr(x), py = arr(y);
        int ox = off(x), oy = off(y);
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < hy; i++) {
                int nr = BicubicTaps.weights(i, h, factor, rowTaps), r0 = BicubicTaps.first(i, factor);
                for (int j = 0; j < wy; j++) {
                    int nc = BicubicTaps.weights(j, w, factor, colTaps), c0 = BicubicTaps.first(j, factor);
                    double acc = 0;
                    for (int r = 0; r < nr; r++) {
                        int row = ox + (pl * h + r0 + r) * w + c0;
                        for (int c = 0; c < nc; c++) {
                            acc += rowTaps[r] * (colTaps[c] * px[row + c]);
                        }
                    }
                    py[oy + (pl * hy + i) * wy + j] = (float) acc;
                }
            }
        }
    }

    // ---------------------------------------------------------------- max pooling

    /**
     * y[n,c,oh,ow] = the max of the k×k window at (oh·s, ow·s); argmax = its in-plane index
     * ih·W + iw as a float: the first maximum in row-major window order, or the first NaN.
     */
    void maxPoolForward(Tensor x, int kernel, int stride, Tensor y, Tensor argmax) {
        ConvChecks.maxPool("maxPoolForward", x, kernel, stride, y, argmax);
        Shape s = x.shape();
        int planes = s.dim(0) * s.dim(1), h = s.dim(2), w = s.dim(3);
        int ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1;
        float[] px = arr(x), py = arr(y), pa = arr(argmax);
        int ox = off(x), oy = off(y), oa = off(argmax);
        for (int pl = 0; pl < planes; pl++) {
            int xp = ox + pl * h * w, yp = pl * ho * wo;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    int first = oh * stride * w + ow * stride; // in-plane index of the window's corner
                    float best = px[xp + first];
                    int bestAt = first;
                    for (int kh = 0; kh < kernel; kh++) {
                        for (int kw = 0; kw < kernel; kw++) {
                            int at = first + kh * w + kw;
                            float v = px[xp + at];
                            // strictly greater: ties keep the first; a NaN replaces anything but a NaN
                            if (v > best || (v != v && best == best)) {
                                best = v;
                                bestAt = at;
                            }
                        }
                    }
                    py[oy + yp + oh * wo + ow] = best;
                    pa[oa + yp + oh * wo + ow] = bestAt;
                }
            }
        }
    }

    /**
     * dx[n,c,ih,iw] = Σ dy[n,c,oh,ow] over the windows (oh, ow) that cover (ih, iw) and whose
     * argmax is ih·W + iw, summed from 0 in (oh, ow) order; gathered per dx element, overwriting dx.
     */
    void maxPoolBackward(Tensor dy, Tensor argmax, int kernel, int stride, Tensor dx) {
        ConvChecks.maxPool("maxPoolBackward", dx, kernel, stride, dy, argmax);
        Shape s = dx.shape();
        int planes = s.dim(0) * s.dim(1), h = s.dim(2), w = s.dim(3);
        int ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1;
        float[] pdy = arr(dy), pa = arr(argmax), pdx = arr(dx);
        int ody = off(dy), oa = off(argmax), odx = off(dx);
        for (int pl = 0; pl < planes; pl++) {
            int yp = pl * ho * wo, xp = odx + pl * h * w;
            for (int ih = 0; ih < h; ih++) {
                // windows oh with oh·s ≤ ih < oh·s + k
                int ohLo = ih < kernel ? 0 : (ih - kernel) / stride + 1, ohEnd = Math.min(ho, ih / stride + 1);
                for (int iw = 0; iw < w; iw++) {
                    int owLo = iw < kernel ? 0 : (iw - kernel) / stride + 1, owEnd = Math.min(wo, iw / stride + 1);
                    int self = ih * w + iw;
                    float sum = 0f;
                    for (int oh = ohLo; oh < ohEnd; oh++) {
                        for (int ow = owLo; ow < owEnd; ow++) {
                            int o = yp + oh * wo + ow;
                            if ((int) pa[oa + o] == self) {
                                sum += pdy[ody + o];
                            }
                        }
                    }
                    pdx[xp + self] = sum;
                }
            }
        }
    }
}
