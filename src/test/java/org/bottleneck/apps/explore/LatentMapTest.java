package org.bottleneck.apps.explore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The explorer's plane on seeded synthetic codes: a 2-value code is its own plane; a longer code
 * maps to its first two principal components and back onto that plane; the VAE grid sits at the
 * Gaussian quantiles of Keras's example (reference values from scipy.stats.norm.ppf); neighbours
 * are exact; bad arguments are refused with the values.
 */
class LatentMapTest {
    /** n codes of Z values around 0.5: a strong axis (σ 3) along (1,1,0,…)/√2, a weaker one (σ 1) along e₂ (e₁ for Z = 2), noise σ 0.1. */
    static float[] codes(int n, int z, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] c = new float[n * z];
        for (int i = 0; i < n; i++) {
            double a = 3 * r.nextGaussian(), b = r.nextGaussian();
            for (int j = 0; j < z; j++) {
                c[i * z + j] = (float) (0.1 * r.nextGaussian() + 0.5);
            }
            c[i * z] += (float) (a / Math.sqrt(2));
            c[i * z + 1] += (float) (a / Math.sqrt(2));
            c[i * z + (z > 2 ? 2 : 1)] += (float) b;
        }
        return c;
    }

    static int[] labels(int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % 3;
        }
        return l;
    }

    @Test
    void aTwoValueCodeIsItsOwnPlane() {
        float[] c = codes(50, 2, 1);
        LatentMap m = LatentMap.of(c, 50, 2, labels(50), List.of(), false);
        assertFalse(m.principalPlane());
        assertArrayEquals(c, m.planePoints());
        assertArrayEquals(new float[] {0.25f, -1.5f}, m.codeAt(0.25, -1.5));
        assertEquals(null, m.explainedVarianceRatio());
    }

    @Test
    void aLongerCodeMapsToItsPrincipalPlaneAndBack() {
        int n = 400, z = 6;
        float[] c = codes(n, z, 2);
        LatentMap m = LatentMap.of(c, n, z, labels(n), List.of(), true);
        assertTrue(m.principalPlane());
        double[] ev = m.explainedVarianceRatio();
        // Variances 9, 1 and 4 × 0.01 of noise: the two axes hold about 9/10.06 and 1/10.06.
        assertEquals(9 / 10.06, ev[0], 0.05);
        assertEquals(1 / 10.06, ev[1], 0.03);
        // A plane point decodes to a code on the plane, whose plane point is the same point.
        float[] code = m.codeAt(1.75, -0.5);
        float[] back = m.planeOf(code);
        assertEquals(1.75, back[0], 1e-5);
        assertEquals(-0.5, back[1], 1e-5);
        // The first axis is ±(1,1,0,…)/√2: moving one unit along x moves code values 0 and 1 by ±1/√2 each.
        float[] o = m.codeAt(0, 0), x1 = m.codeAt(1, 0);
        assertEquals(1 / Math.sqrt(2), Math.abs(x1[0] - o[0]), 0.02);
        assertEquals(1 / Math.sqrt(2), Math.abs(x1[1] - o[1]), 0.02);
        assertEquals(0, x1[3] - o[3], 0.02);
        // The plane passes through the codes' mean (about 0.5 in every value).
        for (float v : o) {
            assertEquals(0.5, v, 0.35);
        }
    }

    @Test
    void theVaeGridSitsAtKerasGaussianQuantiles() {
        LatentMap m = LatentMap.of(codes(50, 2, 3), 50, 2, labels(50), List.of(), true);
        LatentMap.Grid g = m.gridCodes(5);
        // scipy.stats.norm.ppf(np.linspace(0.05, 0.95, 5)), scipy 1.10 (the middle value −1.4e-16 is 0 up to rounding)
        double[] ppf = {-1.6448536269514729, -0.5977601260424786, 0, 0.5977601260424784, 1.6448536269514722};
        assertArrayEquals(ppf, g.xs(), 1e-9);
        for (int i = 0; i < 5; i++) {
            assertEquals(ppf[4 - i], g.ys()[i], 1e-9, "rows from the top: y decreasing");
        }
        // Cell (row 1, col 3) decodes the code (x = 0.598, y = 0.598).
        assertEquals((float) ppf[3], g.codes()[(1 * 5 + 3) * 2], 1e-6);
        assertEquals((float) ppf[3], g.codes()[(1 * 5 + 3) * 2 + 1], 1e-6);
    }

    @Test
    void anAutoencoderGridSpansThePointsEvenly() {
        float[] c = new float[100 * 2];
        for (int i = 0; i < 100; i++) {
            c[2 * i] = i;          // x: 0…99
            c[2 * i + 1] = -i / 10f; // y: 0…−9.9
        }
        LatentMap.Grid g = LatentMap.of(c, 100, 2, labels(100), List.of(), false).gridCodes(3);
        // 2nd and 98th percentiles of 0…99 by index floor(0.02·99) = 1 and ceil(0.98·99) = 98.
        assertArrayEquals(new double[] {1, 49.5, 98}, g.xs(), 1e-6);
        assertArrayEquals(new double[] {-0.1, -4.95, -9.8}, g.ys(), 1e-5);
    }

    @Test
    void neighboursAreExactInCodeSpaceAndExcludeThePoint() {
        float[] c = {0, 0, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0, -1.5f, 0, 0, 0};
        LatentMap m = LatentMap.of(c, 4, 4, labels(4), List.of("a", "b", "c"), false);
        assertArrayEquals(new int[] {1, 3, 2}, m.neighbours(0, 3));
        assertEquals(3.25, m.distance2(0, 3), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> m.neighbours(0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> m.code(4));
    }

    @Test
    void interpolationRunsFromOneEndToTheOther() {
        LatentMap m = LatentMap.of(codes(10, 2, 4), 10, 2, labels(10), List.of(), false);
        float[] s = m.interpolate(new float[] {0, 2}, new float[] {4, -2}, 5);
        assertArrayEquals(new float[] {0, 2, 1, 1, 2, 0, 3, -1, 4, -2}, s, 1e-6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.interpolate(new float[] {0, 0}, new float[] {1, 1}, 65));
        assertTrue(e.getMessage().contains("65"), e.getMessage());
    }

    @Test
    void refusesWhatItCannotDraw() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> LatentMap.of(new float[] {1, 2, 3}, 3, 1, labels(3), List.of(), false));
        assertTrue(one.getMessage().contains("at least 2 values") && one.getMessage().contains("has 1"), one.getMessage());
        float[] c = codes(10, 2, 5);
        c[7] = Float.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> LatentMap.of(c, 10, 2, labels(10), List.of(), false));
        assertTrue(nan.getMessage().contains("sample 3") && nan.getMessage().contains("NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LatentMap.of(codes(10, 2, 6), 10, 2, labels(10), List.of(), true)
                .gridCodes(LatentMap.MAX_GRID + 1));
    }
}
