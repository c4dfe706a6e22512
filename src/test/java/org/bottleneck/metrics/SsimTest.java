package org.bottleneck.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bottleneck.testing.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * SSIM against closed forms and against a plain brute force written here by another route: the
 * 2-D window built directly from exp(−(dy² + dx²)/(2σ²)) (not as an outer product), and the
 * (co)variances as Σ w (x − μx)(y − μy) (not as E[xy] − μx μy).
 */
class SsimTest {
    private static final double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;

    /** Mean over channels of the mean over valid positions of S; double throughout. */
    private static double bruteForce(float[] x, float[] y, int c, int h, int w) {
        double[][] win = new double[11][11];
        double total = 0;
        for (int dy = -5; dy <= 5; dy++) {
            for (int dx = -5; dx <= 5; dx++) {
                win[dy + 5][dx + 5] = Math.exp(-(dy * dy + dx * dx) / (2 * 1.5 * 1.5));
                total += win[dy + 5][dx + 5];
            }
        }
        double channelSum = 0;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            int count = 0;
            for (int cy = 5; cy < h - 5; cy++) {
                for (int cx = 5; cx < w - 5; cx++) {
                    double mx = 0, my = 0;
                    for (int dy = -5; dy <= 5; dy++) {
                        for (int dx = -5; dx <= 5; dx++) {
                            int i = (ch * h + cy + dy) * w + cx + dx;
                            double wt = win[dy + 5][dx + 5] / total;
                            mx += wt * x[i];
                            my += wt * y[i];
                        }
                    }
                    double vx = 0, vy = 0, cov = 0;
                    for (int dy = -5; dy <= 5; dy++) {
                        for (int dx = -5; dx <= 5; dx++) {
                            int i = (ch * h + cy + dy) * w + cx + dx;
                            double wt = win[dy + 5][dx + 5] / total;
                            vx += wt * (x[i] - mx) * (x[i] - mx);
                            vy += wt * (y[i] - my) * (y[i] - my);
                            cov += wt * (x[i] - mx) * (y[i] - my);
                        }
                    }
                    sum += (2 * mx * my + C1) * (2 * cov + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                    count++;
                }
            }
            assertEquals((h - 10) * (w - 10), count, "valid positions");
            channelSum += sum / count;
        }
        return channelSum / c;
    }

    private static float[] plusNoise(float[] x, long seed, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) Math.min(1, Math.max(0, x[i] + sigma * gaussian(r)));
        }
        return y;
    }

    private static double gaussian(SplittableRandom r) { // Box–Muller
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void matchesTheBruteForceOnRandomOddSizedImages() {
        int c = 3, h = 16, w = 19; // 6 × 9 valid positions per channel
        float[] x = Tolerance.uniform(2024, c * h * w, 0, 1);
        float[] y = Tolerance.uniform(2025, c * h * w, 0, 1);
        float[] near = plusNoise(x, 2026, 0.05);
        // Both compute in double the same algebra in different orders; E[x²] − μ² loses at most
        // ~1e-16 absolute on moments ≤ 1, against denominators ≥ C2 = 9e-4: per-position errors
        // ~1e-13. 1e-11 leaves margin and is still 1e6 times finer than float rounding of SSIM.
        double unrelated = Ssim.ssim(x, y, c, h, w);
        assertEquals(bruteForce(x, y, c, h, w), unrelated, 1e-11);
        double similar = Ssim.ssim(x, near, c, h, w);
        assertEquals(bruteForce(x, near, c, h, w), similar, 1e-11);
        // non-vacuity: the two cases are far apart, independent noise images are nearly uncorrelated
        assertTrue(Math.abs(unrelated) < 0.1 && similar > 0.8, "ssim unrelated " + unrelated + ", similar " + similar);
    }

    @Test
    void constantImagesFollowTheLuminanceTermAlone() {
        int h = 12, w = 13;
        float[] ones = new float[h * w];
        Arrays.fill(ones, 0.6f);
        // identical: 1 (the variance terms are C2/C2; E[x²] − μ² leaves ~1e-16 against C2)
        assertEquals(1, Ssim.ssim(ones, ones.clone(), 1, h, w), 1e-12);
        // constants a, b: σ = 0, so SSIM = (2ab + C1)/(a² + b² + C1)
        double[][] pairs = {{0.2, 0.7}, {0, 1}, {0.5, 0.25}, {0, 0.01}};
        for (double[] p : pairs) {
            float[] a = new float[h * w], b = new float[h * w];
            Arrays.fill(a, (float) p[0]);
            Arrays.fill(b, (float) p[1]);
            double fa = (float) p[0], fb = (float) p[1];
            double expected = (2 * fa * fb + C1) / (fa * fa + fb * fb + C1);
            assertEquals(expected, Ssim.ssim(a, b, 1, h, w), 1e-12, "constants " + fa + ", " + fb);
        }
    }

    @Test
    void symmetricAndBelowOneUnderNoiseGettingWorseWithMoreNoise() {
        int c = 1, h = 24, w = 21;
        float[] x = smoothImage(h, w);
        double previous = Ssim.ssim(x, x, c, h, w);
        assertEquals(1, previous, 1e-12, "an image against itself");
        for (double sigma : new double[] {0.01, 0.05, 0.2}) {
            float[] y = plusNoise(x, 99, sigma);
            double s = Ssim.ssim(x, y, c, h, w);
            // swapping x and y reorders only commutative products: a few ulps
            assertEquals(s, Ssim.ssim(y, x, c, h, w), 1e-14, "symmetry at noise " + sigma);
            assertTrue(s < previous, "ssim " + s + " at noise " + sigma + " not below " + previous);
            previous = s;
        }
    }

    @Test
    void channelsAreAveraged() {
        int c = 2, h = 11, w = 11; // exactly one valid position
        float[] x = Tolerance.uniform(5, c * h * w, 0, 1);
        float[] y = x.clone();
        float[] noisy = plusNoise(x, 6, 0.1);
        System.arraycopy(noisy, h * w, y, h * w, h * w); // channel 1 noisy, channel 0 exact
        double[] per = Ssim.perChannel(x, y, c, h, w);
        assertEquals(1, per[0], 1e-12);
        assertTrue(per[1] < 0.99, "noisy channel " + per[1]);
        assertEquals((per[0] + per[1]) / 2, Ssim.ssim(x, y, c, h, w), 1e-15);
        assertEquals(bruteForce(x, y, c, h, w), Ssim.ssim(x, y, c, h, w), 1e-11);
    }

    @Test
    void imagesSmallerThanTheWindowAreRefusedWithTheirSize() {
        float[] x = new float[10 * 19];
        String m = assertThrows(IllegalArgumentException.class, () -> Ssim.ssim(x, x, 1, 10, 19)).getMessage();
        assertTrue(m.contains("10x19") && m.contains("11"), m);
        float[] y = new float[12 * 12];
        m = assertThrows(IllegalArgumentException.class, () -> Ssim.ssim(y, y, 2, 12, 12)).getMessage();
        assertTrue(m.contains("288") && m.contains("144"), m);
    }

    /** A smooth (H, W) image in [0.1, 0.9]: sums of low-frequency cosines. */
    private static float[] smoothImage(int h, int w) {
        float[] x = new float[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                x[i * w + j] = (float) (0.5 + 0.2 * Math.cos(0.4 * i) * Math.sin(0.3 * j + 1) + 0.2 * Math.cos(0.25 * (i + j)));
            }
        }
        return x;
    }
}
