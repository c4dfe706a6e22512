package org.bottleneck.backend;

import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * The preconditions of the convolution-family ops, written once for both backends (each
 * backend calls these first, so the CPU and CUDA twins fail alike, with the values in the
 * message). Shapes follow {@link Backend}: NCHW, rank 4.
 */
public final class ConvChecks {
    private ConvChecks() {
    }

    /** x (B,Cin,H,W), w (Cout,Cin,k,k), y (B,Cout,Ho,Wo) as g says, workspace large enough. */
    public static void conv(String op, ConvGeometry g, Tensor x, Tensor w, Tensor y, Tensor workspace, long wsFloats) {
        // sizes as plain products: a check on the hot path must not allocate (no Shape objects)
        size(op, "input", x, (long) g.batch() * g.inC() * g.inH() * g.inW(), g);
        size(op, "weight", w, (long) g.outC() * g.patchSize(), g);
        size(op, "output", y, (long) g.batch() * g.outC() * g.outPlane(), g);
        if (wsFloats > 0 && (workspace == null || workspace.size() < wsFloats)) {
            throw new IllegalArgumentException(op + ": " + g + " needs a workspace of " + wsFloats + " floats, got "
                    + (workspace == null ? "none" : workspace.size()));
        }
    }

    /** x, y rank 4 and equal; bias (C) = x.shape().dim(1). */
    public static void channelBias(String op, Tensor x, Tensor bias, Tensor y) {
        sameImages(op, x, y);
        int c = x.shape().dim(1);
        if (bias != null && bias.size() != c) {
            throw new IllegalArgumentException(op + ": bias " + bias.shape() + " must hold one value per channel of "
                    + x.shape() + " (" + c + ")");
        }
    }

    /** x and y rank 4 (B,C,H,W) and of the same shape. */
    public static void sameImages(String op, Tensor x, Tensor y) {
        rank4(op, "x", x);
        if (!x.shape().equals(y.shape())) {
            throw new IllegalArgumentException(op + ": x " + x.shape() + " and y " + y.shape() + " differ");
        }
    }

    /** x (B,C,H,W) and y (B,C,H·f,W·f). */
    public static void upsample(String op, Tensor x, int factor, Tensor y) {
        rank4(op, "x", x);
        if (factor < 1) {
            throw new IllegalArgumentException(op + ": factor must be ≥ 1, got " + factor);
        }
        Shape s = x.shape();
        if (y.size() != s.size() * factor * factor) {
            throw new IllegalArgumentException(op + ": output " + y.shape() + " does not match " + Shape.of(s.dim(0),
                    s.dim(1), s.dim(2) * factor, s.dim(3) * factor));
        }
    }

    /** x (B,C,H,W), y and argmax (B,C,(H−k)/s+1,(W−k)/s+1). */
    public static void maxPool(String op, Tensor x, int kernel, int stride, Tensor y, Tensor argmax) {
        rank4(op, "x", x);
        Shape s = x.shape();
        if (kernel < 1 || stride < 1 || kernel > s.dim(2) || kernel > s.dim(3)) {
            throw new IllegalArgumentException(op + ": kernel " + kernel + " stride " + stride
                    + " do not fit input " + s);
        }
        if ((long) s.dim(2) * s.dim(3) > (1 << 24)) {
            throw new IllegalArgumentException(op + ": plane " + s.dim(2) + "×" + s.dim(3)
                    + " is too large for float argmax indices (≤ 2^24)");
        }
        long out = (long) s.dim(0) * s.dim(1) * ((s.dim(2) - kernel) / stride + 1) * ((s.dim(3) - kernel) / stride + 1);
        if (y.size() != out || argmax.size() != out) {
            Shape expected = Shape.of(s.dim(0), s.dim(1), (s.dim(2) - kernel) / stride + 1, (s.dim(3) - kernel) / stride + 1);
            throw new IllegalArgumentException(op + ": output " + y.shape() + " and argmax " + argmax.shape()
                    + " must both be " + expected);
        }
    }

    private static void rank4(String op, String what, Tensor t) {
        if (t.shape().rank() != 4) {
            throw new IllegalArgumentException(op + ": " + what + " must be (B,C,H,W), got " + t.shape());
        }
    }

    private static void size(String op, String what, Tensor t, long expected, ConvGeometry g) {
        if (t.size() != expected) {
            Shape want = switch (what) {
                case "input" -> g.inputShape();
                case "weight" -> g.weightShape();
                default -> g.outputShape();
            };
            throw new IllegalArgumentException(op + ": " + what + " " + t.shape() + " does not match " + want);
        }
    }
}
