package org.bottleneck.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bottleneck.testing.Tolerance;
import org.junit.jupiter.api.Test;

/** PSNR against MSEs worked out by hand; inputs are dyadic so that every difference is exact. */
class PsnrTest {
    // the only rounding left is log10's (≤ 1 ulp of ~20): 1e-12 dB is far above it
    private static final double LOG_TOL = 1e-12;

    @Test
    void psnrIsTenLog10OfOneOverTheHandComputedMse() {
        float[] x = {0, 0.5f, 1, 0.25f};
        float[] y = {0.125f, 0.5f, 0.75f, 0.25f};
        // squared differences 1/64, 0, 1/16, 0 → MSE = (5/64)/4 = 5/256
        assertEquals(5.0 / 256, Psnr.mse(x, y), 0);
        assertEquals(10 * Math.log10(256.0 / 5), Psnr.psnr(x, y), LOG_TOL);
        assertEquals(Psnr.psnr(x, y), Psnr.psnr(y, x), 0, "PSNR is symmetric");
    }

    @Test
    void aConstantOffsetOfOneSixteenthGivesTwentyFourPointZeroEightDecibels() {
        // x = k/64 for small k, y = x + 1/16: all exact in float, MSE = 1/256, PSNR = 10·log10(256)
        float[] x = Tolerance.smallInts(7, 3 * 13 * 17, 0, 48);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] /= 64;
            y[i] = x[i] + 1f / 16;
        }
        assertEquals(1.0 / 256, Psnr.mse(x, y), 0);
        assertEquals(10 * Math.log10(256), Psnr.psnr(x, y), LOG_TOL);
        assertEquals(24.082399653118497, Psnr.psnr(x, y), 1e-12);
    }

    @Test
    void identicalImagesArePositiveInfinity() {
        float[] x = Tolerance.uniform(3, 50, 0, 1);
        assertEquals(Double.POSITIVE_INFINITY, Psnr.psnr(x, x.clone()));
        assertEquals(Double.POSITIVE_INFINITY, Psnr.fromMse(0));
    }

    @Test
    void theMaskedFormComparesOnlyTheHole() {
        int n = 40;
        float[] x = Tolerance.smallInts(11, n, 0, 64), y = new float[n], mask = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] /= 64;
            mask[i] = i % 5 == 2 ? 1 : 0;
            // inside the hole an error of 1/8 on every other hole element, outside an error of 1/2
            y[i] = x[i] + (mask[i] == 1 ? (i % 10 == 2 ? 0.125f : 0) : 0.5f);
        }
        // 8 hole elements, 4 of them off by 1/8: MSE = 4·(1/64)/8 = 1/128
        assertEquals(1.0 / 128, Psnr.mse(x, y, mask), 0);
        assertEquals(10 * Math.log10(128), Psnr.psnr(x, y, mask), LOG_TOL);
        // independent route: gather the hole into its own arrays and take the plain PSNR
        float[] hx = new float[8], hy = new float[8];
        for (int i = 0, k = 0; i < n; i++) {
            if (mask[i] == 1) {
                hx[k] = x[i];
                hy[k++] = y[i];
            }
        }
        assertEquals(Psnr.psnr(hx, hy), Psnr.psnr(x, y, mask), 0);
        assertTrue(Psnr.psnr(x, y) < Psnr.psnr(x, y, mask), "the errors outside the hole must not count");

        // no error in the hole: +∞ there though the whole image differs
        float[] z = x.clone();
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0) {
                z[i] += 0.25f;
            }
        }
        assertEquals(Double.POSITIVE_INFINITY, Psnr.psnr(x, z, mask));
    }

    @Test
    void badArgumentsNameTheirValues() {
        float[] x = new float[6], mask = new float[6];
        String m = assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(x, new float[5])).getMessage();
        assertTrue(m.contains("6") && m.contains("5"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(x, x, mask)).getMessage();
        assertTrue(m.contains("no element"), m);
        mask[3] = 0.5f;
        m = assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(x, x, mask)).getMessage();
        assertTrue(m.contains("mask[3] = 0.5"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(x, x, new float[4])).getMessage();
        assertTrue(m.contains("4") && m.contains("6"), m);
    }
}
