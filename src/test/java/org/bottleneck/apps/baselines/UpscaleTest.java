package org.bottleneck.apps.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bottleneck.testing.Tolerance;
import org.junit.jupiter.api.Test;

/** Upscaling against pixel replication and Keys' cubic weights worked out by hand. */
class UpscaleTest {
    @Test
    void nearestByAnIntegerFactorRepeatsEveryPixel() {
        int c = 2, h = 3, w = 5, f = 3;
        float[] x = Tolerance.smallInts(21, c * h * w, -9, 9);
        double[] expected = new double[c * h * f * w * f];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h * f; y++) {
                for (int xx = 0; xx < w * f; xx++) {
                    expected[(ch * h * f + y) * w * f + xx] = x[(ch * h + y / f) * w + xx / f];
                }
            }
        }
        Tolerance.assertExact("nearest ×3", expected, Upscale.nearest(x, c, h, w, h * f, w * f));
    }

    @Test
    void bicubicUsesKeysWeightsAtQuarterPixelOffsets() {
        // 2× along x: output 4 has its centre at source 2.25; source centres 0.5, 1.5, 2.5, 3.5 lie
        // 1.75, 0.75, 0.25, 1.25 away, Keys (a = −0.5) weights −0.0234375, 0.2265625, 0.8671875,
        // −0.0703125 (= −3, 29, 111, −9 over 128, summing to 1). Output 5 (centre 2.75) mirrors
        // them onto sources 4, 3, 2, 1. Dyadic weights times small integers: exact in float.
        float[] row = {3, -1, 4, 1, 5, 9, 2, 6}; // (1, 1, 8)
        float[] up = Upscale.bicubic(row, 1, 1, 8, 1, 16);
        double w175 = -0.0234375, w075 = 0.2265625, w025 = 0.8671875, w125 = -0.0703125;
        assertEquals(w175 * 3 + w075 * -1 + w025 * 4 + w125 * 1, up[4], 0);
        assertEquals(w175 * 5 + w075 * 1 + w025 * 4 + w125 * -1, up[5], 0);
        assertEquals(1, w175 + w075 + w025 + w125, 0);
        // separable: the same along y on a (1, 8, 1) column, and on (1, 8, 8) the outer product
        float[] col = Upscale.bicubic(row, 1, 8, 1, 16, 1);
        assertEquals(up[4], col[4], 0);
        float[] img = new float[64];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img[y * 8 + x] = row[y] * row[x];
            }
        }
        float[] big = Upscale.bicubic(img, 1, 8, 8, 16, 16);
        assertEquals((double) up[4] * up[5], big[4 * 16 + 5], 1e-5); // products: float rounding of ~10
    }

    @Test
    void bicubicReproducesALinearRampAwayFromTheEdges() {
        // Keys' cubic reproduces polynomials up to degree 2; edges clamp, so check where the
        // support (2 source pixels each side) lies inside: outputs 6..25 of 32
        int w = 16;
        float[] x = new float[w];
        for (int i = 0; i < w; i++) {
            x[i] = 0.25f * i;
        }
        float[] up = Upscale.bicubic(x, 1, 1, w, 1, 2 * w);
        for (int i = 6; i < 2 * w - 6; i++) {
            double source = (i + 0.5) / 2 - 0.5; // in pixel-index units
            assertEquals(0.25 * source, up[i], 1e-6, "output " + i); // float rounding of values ≤ 4
        }
    }

    @Test
    void shrinkingIsRefused() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> Upscale.bicubic(new float[16], 1, 4, 4, 2, 8)).getMessage();
        assertTrue(m.contains("4x4") && m.contains("2x8"), m);
    }
}
