package org.bottleneck.metrics;

/**
 * Peak signal-to-noise ratio for images in [0, 1] (data range L = 1):
 * {@code PSNR = 10·log10(L² / MSE) = 10·log10(1 / MSE)} dB, with
 * {@code MSE = (1/n)·Σ_i (x_i − y_i)²} over the n compared elements.
 *
 * <p>Images are flat float arrays of any layout (e.g. (C, H, W)); the two must have the same
 * length. The masked form compares only the elements whose mask is 1 (for inpainting: the
 * hole); the mask has the image's length and holds only 0 and 1, as the data pipeline's loss
 * mask does. Sums are taken in double.
 *
 * <p><b>Identical images</b> have MSE = 0 and PSNR = {@link Double#POSITIVE_INFINITY}: that is
 * returned as is (never clamped to a finite number), and callers report it as infinite.
 */
public final class Psnr {
    private Psnr() {
    }

    /** Mean squared error (1/n)·Σ (x_i − y_i)² over all elements; x, y: same length n ≥ 1. */
    public static double mse(float[] x, float[] y) {
        checkPair(x, y);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - y[i];
            s += d * d;
        }
        return s / x.length;
    }

    /**
     * Mean squared error over the elements with mask 1: Σ m_i (x_i − y_i)² / Σ m_i.
     *
     * @param mask same length as x; values 0 or 1, at least one 1
     */
    public static double mse(float[] x, float[] y, float[] mask) {
        checkPair(x, y);
        if (mask.length != x.length) {
            throw new IllegalArgumentException("psnr: mask has " + mask.length + " elements, the images " + x.length);
        }
        double s = 0;
        long n = 0;
        for (int i = 0; i < x.length; i++) {
            float m = mask[i];
            if (m == 1) {
                double d = (double) x[i] - y[i];
                s += d * d;
                n++;
            } else if (m != 0) {
                throw new IllegalArgumentException("psnr: mask[" + i + "] = " + m + ", expected 0 or 1");
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("psnr: the mask selects no element (all " + mask.length + " are 0)");
        }
        return s / n;
    }

    /** PSNR in dB of y against x over all elements; +∞ when they are identical. */
    public static double psnr(float[] x, float[] y) {
        return fromMse(mse(x, y));
    }

    /** PSNR in dB over the elements with mask 1 (the hole); +∞ when they agree there. */
    public static double psnr(float[] x, float[] y, float[] mask) {
        return fromMse(mse(x, y, mask));
    }

    /** 10·log10(1/mse) dB for data range 1; mse = 0 → +∞. */
    public static double fromMse(double mse) {
        if (!(mse >= 0)) {
            throw new IllegalArgumentException("psnr: MSE must be ≥ 0, got " + mse);
        }
        return mse == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }

    private static void checkPair(float[] x, float[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("psnr: images differ in length, " + x.length + " vs " + y.length);
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("psnr: empty images");
        }
    }
}
