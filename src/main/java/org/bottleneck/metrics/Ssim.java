package org.bottleneck.metrics;

/**
 * Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) of two (C, H, W) images in
 * [0, 1]. Dimensions: C channels, H rows, W columns; element (c, y, x) at {@code (c·H + y)·W + x}.
 *
 * <p>For each window position p, with the normalized 11 × 11 Gaussian weights
 * {@code w_q ∝ exp(−(dy² + dx²) / (2σ²))}, σ = 1.5, |dy|, |dx| ≤ 5:
 * <pre>
 *   μx = Σ w_q x_q      σx² = Σ w_q x_q² − μx²      σxy = Σ w_q x_q y_q − μx μy   (μy, σy² alike)
 *   S(p) = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))
 *   C1 = (K1 L)², C2 = (K2 L)², K1 = 0.01, K2 = 0.03, L = 1
 * </pre>
 * The (co)variances are weighted population moments (divided by Σ w = 1, not by n − 1).
 * Per channel, SSIM is the mean of S over the <em>valid</em> positions only, those whose
 * window lies wholly inside the image: (H − 10) × (W − 10) of them, no padding. The result is
 * the mean over channels.
 *
 * <p>This is the convention of scikit-image's
 * {@code structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=1, channel_axis=0)}: its Gaussian is truncated at
 * {@code int(3.5σ + 0.5) = 5} (11 taps), and it crops {@code (win_size − 1)/2 = 5} pixels from
 * every side of the SSIM map before averaging, which leaves exactly the valid positions;
 * multichannel SSIM is the mean of the per-channel values. (It computes in the input's float
 * type; this class computes in double, so values agree to float rounding.)
 *
 * <p>Images smaller than 11 in H or W are refused. L = 1 is assumed, not checked: values a
 * little outside [0, 1] (bicubic overshoot) are used as they are.
 */
public final class Ssim {
    /** Window side: 2·int(3.5σ + 0.5) + 1 = 11 for σ = 1.5. */
    public static final int WINDOW = 11;
    public static final double SIGMA = 1.5;
    public static final double K1 = 0.01, K2 = 0.03;
    public static final double C1 = K1 * K1, C2 = K2 * K2;
    private static final int R = WINDOW / 2;
    /** The normalized 1-D Gaussian; the 2-D window is its outer product with itself. */
    private static final double[] G = gaussian();

    private Ssim() {
    }

    private static double[] gaussian() {
        double[] g = new double[WINDOW];
        double sum = 0;
        for (int k = 0; k < WINDOW; k++) {
            int d = k - R;
            g[k] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
            sum += g[k];
        }
        for (int k = 0; k < WINDOW; k++) {
            g[k] /= sum;
        }
        return g;
    }

    /** Mean SSIM over channels of x and y, both (C, H, W) with H, W ≥ 11. Symmetric in x, y. */
    public static double ssim(float[] x, float[] y, int channels, int height, int width) {
        double[] per = perChannel(x, y, channels, height, width);
        double s = 0;
        for (double v : per) {
            s += v;
        }
        return s / channels;
    }

    /** SSIM of each channel: (C) values, each the mean of S over the valid positions. */
    public static double[] perChannel(float[] x, float[] y, int channels, int height, int width) {
        if (channels < 1) {
            throw new IllegalArgumentException("ssim: channels must be ≥ 1, got " + channels);
        }
        if (height < WINDOW || width < WINDOW) {
            throw new IllegalArgumentException("ssim: images of " + height + "x" + width + " are smaller than the "
                    + WINDOW + "x" + WINDOW + " Gaussian window (both sides must be ≥ " + WINDOW + ")");
        }
        long n = (long) channels * height * width;
        if (x.length != n || y.length != n) {
            throw new IllegalArgumentException("ssim: (" + channels + ", " + height + ", " + width + ") needs " + n
                    + " elements, got " + x.length + " and " + y.length);
        }
        int vw = width - WINDOW + 1, vh = height - WINDOW + 1, plane = height * width;
        // row pass: (H, vw) maps of the five moments, then the column pass per valid position
        double[] hx = new double[height * vw], hy = new double[height * vw];
        double[] hxx = new double[height * vw], hyy = new double[height * vw], hxy = new double[height * vw];
        double[] out = new double[channels];
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            for (int r = 0; r < height; r++) {
                for (int j = 0; j < vw; j++) {
                    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
                    for (int k = 0; k < WINDOW; k++) {
                        double g = G[k], a = x[base + r * width + j + k], b = y[base + r * width + j + k];
                        sx += g * a;
                        sy += g * b;
                        sxx += g * a * a;
                        syy += g * b * b;
                        sxy += g * a * b;
                    }
                    int o = r * vw + j;
                    hx[o] = sx;
                    hy[o] = sy;
                    hxx[o] = sxx;
                    hyy[o] = syy;
                    hxy[o] = sxy;
                }
            }
            double total = 0;
            for (int i = 0; i < vh; i++) {
                for (int j = 0; j < vw; j++) {
                    double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
                    for (int k = 0; k < WINDOW; k++) {
                        double g = G[k];
                        int o = (i + k) * vw + j;
                        mx += g * hx[o];
                        my += g * hy[o];
                        mxx += g * hxx[o];
                        myy += g * hyy[o];
                        mxy += g * hxy[o];
                    }
                    double vx = mxx - mx * mx, vy = myy - my * my, cxy = mxy - mx * my;
                    total += (2 * mx * my + C1) * (2 * cxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                }
            }
            out[c] = total / ((double) vh * vw);
        }
        return out;
    }
}
