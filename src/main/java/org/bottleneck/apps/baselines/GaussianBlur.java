package org.bottleneck.apps.baselines;

import java.util.List;
import org.bottleneck.metrics.Psnr;

/**
 * Separable Gaussian blur, per channel: rows, then columns, with the 1-D kernel
 * {@code g_k = exp(−k² / (2σ²)) / Σ_j exp(−j² / (2σ²))}, |k| ≤ r = ⌈3σ⌉ (normalized, so a
 * constant image is unchanged). Borders replicate the edge pixels (coordinates clamped).
 * σ = 0 is the identity ("no blur"), a candidate for {@link #bestSigma}. Sums in double.
 */
public final class GaussianBlur {
    private GaussianBlur() {
    }

    /** The normalized kernel, 2r + 1 taps with r = ⌈3σ⌉; σ = 0 gives {1}. */
    public static double[] kernel(double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("gaussian blur: σ must be finite and ≥ 0, got " + sigma);
        }
        if (sigma == 0) {
            return new double[] {1};
        }
        int r = (int) Math.ceil(3 * sigma);
        double[] g = new double[2 * r + 1];
        double sum = 0;
        for (int k = -r; k <= r; k++) {
            g[k + r] = Math.exp(-(double) k * k / (2 * sigma * sigma));
            sum += g[k + r];
        }
        for (int k = 0; k < g.length; k++) {
            g[k] /= sum;
        }
        return g;
    }

    /** (C, H, W) → (C, H, W) blurred with σ (pixels). */
    public static float[] blur(float[] x, int channels, int height, int width, double sigma) {
        Images.check("gaussian blur", x, channels, height, width);
        double[] g = kernel(sigma);
        if (g.length == 1) {
            return x.clone();
        }
        int r = g.length / 2, plane = height * width;
        float[] out = new float[x.length];
        double[] rows = new double[plane]; // one channel, rows blurred
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            for (int y = 0; y < height; y++) {
                for (int xx = 0; xx < width; xx++) {
                    double s = 0;
                    for (int k = -r; k <= r; k++) {
                        s += g[k + r] * x[base + y * width + Math.min(width - 1, Math.max(0, xx + k))];
                    }
                    rows[y * width + xx] = s;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int xx = 0; xx < width; xx++) {
                    double s = 0;
                    for (int k = -r; k <= r; k++) {
                        s += g[k + r] * rows[Math.min(height - 1, Math.max(0, y + k)) * width + xx];
                    }
                    out[base + y * width + xx] = (float) s;
                }
            }
        }
        return out;
    }

    /**
     * Mean over the pairs of PSNR(clean_i, blur(noisy_i, σ)) in dB; +∞ if any pair is
     * reconstructed exactly (see {@link Psnr}).
     *
     * @param noisy n ≥ 1 images, each (C, H, W)
     * @param clean the n matching clean images, each (C, H, W)
     */
    public static double meanPsnr(List<float[]> noisy, List<float[]> clean, int channels, int height, int width,
            double sigma) {
        if (noisy.size() != clean.size() || noisy.isEmpty()) {
            throw new IllegalArgumentException("gaussian blur: need as many clean as noisy images, at least one; got "
                    + noisy.size() + " noisy and " + clean.size() + " clean");
        }
        double s = 0;
        for (int i = 0; i < noisy.size(); i++) {
            Images.check("gaussian blur (clean image " + i + ")", clean.get(i), channels, height, width);
            s += Psnr.psnr(clean.get(i), blur(noisy.get(i), channels, height, width, sigma));
        }
        return s / noisy.size();
    }

    /**
     * The candidate σ whose blur of the noisy images has the best mean PSNR against the clean
     * ones (the denoising baseline: σ chosen on the training split, then applied to the test
     * split). Ties go to the earlier candidate.
     *
     * @param noisy the training split's corrupted images, each (C, H, W)
     * @param clean the matching clean images, each (C, H, W)
     * @param candidates σ values ≥ 0 to try (0 = leave the noisy image as it is), at least one
     */
    public static double bestSigma(List<float[]> noisy, List<float[]> clean, int channels, int height, int width,
            double[] candidates) {
        if (candidates.length == 0) {
            throw new IllegalArgumentException("gaussian blur: no candidate σ to choose from");
        }
        double best = candidates[0], bestPsnr = Double.NEGATIVE_INFINITY;
        for (double sigma : candidates) {
            double p = meanPsnr(noisy, clean, channels, height, width, sigma);
            if (p > bestPsnr) {
                best = sigma;
                bestPsnr = p;
            }
        }
        return best;
    }
}
