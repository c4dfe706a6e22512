package org.bottleneck.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Summary of per-image values (one PSNR or SSIM per test image) as mean ± standard error:
 * {@code mean = (1/n)·Σ v_i}, {@code sd = sqrt(Σ (v_i − mean)² / (n − 1))} (sample standard
 * deviation), {@code stderr = sd / √n}. Two passes in double.
 *
 * <p>With n = 1 the sample deviation is undefined: sd and stderr are NaN. A value of +∞ (an
 * image reconstructed exactly, see {@link Psnr}) makes the mean +∞ and sd NaN; the summary
 * keeps them as they are rather than hiding them.
 */
public record MeanStd(double mean, double sd, double stderr, int n) {

    public static MeanStd of(double... values) {
        int n = values.length;
        if (n == 0) {
            throw new IllegalArgumentException("mean ± stderr of no values");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        if (n == 1) {
            return new MeanStd(mean, Double.NaN, Double.NaN, 1);
        }
        double ss = 0;
        for (double v : values) {
            double d = v - mean;
            ss += d * d;
        }
        double sd = Math.sqrt(ss / (n - 1));
        return new MeanStd(mean, sd, sd / Math.sqrt(n), n);
    }

    public static MeanStd of(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return of(a);
    }

    /** "mean ± stderr" with two decimals, e.g. "24.31 ± 0.12" (Locale.ROOT: a dot, always). */
    public String format() {
        return format(2);
    }

    /**
     * "mean ± stderr" with {@code decimals} decimals (SSIM reads better with 4); an infinite mean
     * as "∞" (a PSNR with an exactly restored image: it has no standard error), and a single
     * value without the "±" part.
     */
    public String format(int decimals) {
        if (decimals < 0) {
            throw new IllegalArgumentException("decimals must be ≥ 0, got " + decimals);
        }
        if (Double.isInfinite(mean)) {
            return mean > 0 ? "∞" : "−∞";
        }
        String f = "%." + decimals + "f";
        return Double.isNaN(stderr) ? String.format(Locale.ROOT, f, mean) : String.format(Locale.ROOT, f + " ± " + f, mean, stderr);
    }
}
