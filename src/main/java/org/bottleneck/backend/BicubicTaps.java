package org.bottleneck.backend;

/**
 * The 1-D weights of bicubic upsampling by an integer factor, as PIL grows an image (see
 * {@link Backend#upsampleBicubicForward}): output coordinate i of a side growing n → n·f has its
 * centre at source coordinate {@code c = (i + ½)/f}; the source pixels r in
 * {@code [max(⌊c − 1.5⌋₀, 0), min(⌊c + 2.5⌋₀, n))} (⌊⌋₀: truncation, as PIL's int cast) weigh
 * Keys' cubic with a = −0.5 at {@code r + ½ − c}, normalized to sum 1. At most 5 taps. The CUDA
 * kernel {@code upsample_bicubic_forward} (native/kernels/conv.cu) computes the same doubles in
 * the same order.
 */
public final class BicubicTaps {
    /** Most taps of one output coordinate: support 2 each side. */
    public static final int MOST = 5;

    private BicubicTaps() {
    }

    /** Keys' cubic convolution kernel, a = −0.5 (PIL, Matlab), support 2. */
    public static double keys(double x) {
        double a = Math.abs(x);
        return a < 1 ? (1.5 * a - 2.5) * a * a + 1 : a < 2 ? ((-0.5 * a + 2.5) * a - 4) * a + 2 : 0;
    }

    /** The first source pixel of output i (see the class comment). */
    public static int first(int i, int factor) {
        double c = (i + 0.5) / factor;
        return Math.max((int) (c - 2.0 + 0.5), 0);
    }

    /**
     * The weights of output i over source pixels {@code first(i, f) + t} into {@code w[t]};
     * returns how many (≥ 1 for n ≥ 1).
     */
    public static int weights(int i, int n, int factor, double[] w) {
        double c = (i + 0.5) / factor;
        int lo = first(i, factor), hi = Math.min((int) (c + 2.0 + 0.5), n);
        double total = 0;
        for (int r = lo; r < hi; r++) {
            w[r - lo] = keys(r + 0.5 - c);
            total += w[r - lo];
        }
        for (int t = 0; t < hi - lo; t++) {
            w[t] /= total;
        }
        return hi - lo;
    }
}
