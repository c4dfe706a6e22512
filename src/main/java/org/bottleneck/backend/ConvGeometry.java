package org.bottleneck.backend;

import org.bottleneck.tensor.Shape;

/**
 * One 2-D convolution's sizes, NCHW: input x (B, Cin, H, W), weight w (Cout, Cin, k, k),
 * output y (B, Cout, Ho, Wo) with {@code Ho = (H + 2p − k) / s + 1} (likewise Wo), zero padding,
 * cross-correlation (PyTorch's Conv2d). A ConvTranspose2d is this convolution run backwards:
 * its input is this geometry's y and its output this geometry's x.
 *
 * <p>The im2col scheme both backends use without cuDNN works on chunks of samples: columns
 * (nb·Ho·Wo, Cin·k·k), row (n, oh, ow), column (ci, kh, kw); and the output in rows
 * (nb·Ho·Wo, Cout). {@link #chunk} fixes nb so both buffers fit a cap, in one place.
 *
 * @param batch    B
 * @param inC      Cin
 * @param inH      H
 * @param inW      W
 * @param outC     Cout
 * @param kernel   k (square kernel)
 * @param stride   s
 * @param padding  p (zeros on every side)
 */
public record ConvGeometry(int batch, int inC, int inH, int inW, int outC, int kernel, int stride, int padding) {
    /** Most floats the im2col workspace may take (64 MiB); larger batches run in chunks. */
    public static final long WORKSPACE_CAP_FLOATS = 16L << 20;

    public ConvGeometry {
        if (batch <= 0 || inC <= 0 || inH <= 0 || inW <= 0 || outC <= 0 || kernel <= 0 || stride <= 0
                || padding < 0) {
            throw new IllegalArgumentException("conv geometry needs positive sizes and padding ≥ 0, got B=" + batch
                    + " Cin=" + inC + " H=" + inH + " W=" + inW + " Cout=" + outC + " k=" + kernel + " s=" + stride
                    + " p=" + padding);
        }
        if (inH + 2 * padding < kernel || inW + 2 * padding < kernel) {
            throw new IllegalArgumentException("conv kernel " + kernel + " is larger than the padded input "
                    + (inH + 2 * padding) + "×" + (inW + 2 * padding) + " (H=" + inH + " W=" + inW + " p=" + padding + ")");
        }
    }

    public int outH() {
        return (inH + 2 * padding - kernel) / stride + 1;
    }

    public int outW() {
        return (inW + 2 * padding - kernel) / stride + 1;
    }

    /** Cin·k·k: one column row (the GEMM's inner dimension). */
    public int patchSize() {
        return inC * kernel * kernel;
    }

    /** Ho·Wo. */
    public int outPlane() {
        return outH() * outW();
    }

    public Shape inputShape() {
        return Shape.of(batch, inC, inH, inW);
    }

    public Shape outputShape() {
        return Shape.of(batch, outC, outH(), outW());
    }

    /** (Cout, Cin, k, k). */
    public Shape weightShape() {
        return Shape.of(outC, inC, kernel, kernel);
    }

    /** 2·B·Cout·Ho·Wo·Cin·k·k: multiply-adds ×2 of one forward (and of each backward). */
    public double flops() {
        return 2.0 * batch * outC * outPlane() * patchSize();
    }

    /** Samples per im2col chunk: as many as fit {@link #WORKSPACE_CAP_FLOATS}, at least one. */
    public int chunk() {
        long perSample = (long) outPlane() * (patchSize() + outC);
        return (int) Math.max(1, Math.min(batch, WORKSPACE_CAP_FLOATS / perSample));
    }

    /** Floats of the im2col workspace: columns (nb·Ho·Wo, Cin·k·k) then rows (nb·Ho·Wo, Cout). */
    public long im2colWorkspaceFloats() {
        return (long) chunk() * outPlane() * (patchSize() + outC);
    }

    /** Same convolution for another batch size. */
    public ConvGeometry withBatch(int b) {
        return new ConvGeometry(b, inC, inH, inW, outC, kernel, stride, padding);
    }

    @Override
    public String toString() {
        return "conv(B=" + batch + ", " + inC + "×" + inH + "×" + inW + " → " + outC + "×" + outH() + "×" + outW()
                + ", k=" + kernel + " s=" + stride + " p=" + padding + ")";
    }
}
