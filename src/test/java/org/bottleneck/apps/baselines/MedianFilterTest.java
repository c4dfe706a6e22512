package org.bottleneck.apps.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.bottleneck.testing.Tolerance;
import org.junit.jupiter.api.Test;

/** The 3 × 3 median: impulses removed, ramps kept, and agreement with a rank-count definition. */
class MedianFilterTest {
    @Test
    void aSingleSaltPixelIsRemovedEvenOnTheBorder() {
        int c = 2, h = 5, w = 7;
        float[] x = new float[c * h * w];
        Arrays.fill(x, 0.25f);
        x[2 * w + 3] = 1; // channel 0, interior
        x[h * w + 0] = 1; // channel 1, corner: replication makes it 4 of 9 values, still a minority
        float[] flat = new float[x.length];
        Arrays.fill(flat, 0.25f);
        Tolerance.assertExact("salt removed", flat, MedianFilter.median3x3(x, c, h, w));
    }

    @Test
    void aRampIsKept() {
        // along x only: each window holds three copies of {v(x−1), v(x), v(x+1)}, median v(x), and
        // the replicated border column {v0, v0, v1} has median v0: the whole image is unchanged
        int h = 4, w = 6;
        float[] x = new float[h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % w) * 3;
        }
        Tolerance.assertExact("ramp along x", x, MedianFilter.median3x3(x, 1, h, w));
        // a ramp in both directions, v = 3x + y: an interior window holds centre + {−4, …, 4},
        // median the centre; at the borders replication skews the window, so only the interior
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % w) * 3 + i / w;
        }
        float[] m = MedianFilter.median3x3(x, 1, h, w);
        for (int y = 1; y < h - 1; y++) {
            for (int xx = 1; xx < w - 1; xx++) {
                assertEquals(x[y * w + xx], m[y * w + xx], 0, "interior (" + y + ", " + xx + ")");
            }
        }
        assertEquals(1, m[0], 0, "corner: {0,0,0,0,1,1,3,3,4} has median 1 (replicated border)");
    }

    @Test
    void matchesTheRankDefinitionOnRandomData() {
        // independent route: the median is the window value v with at most 4 values below it and
        // at most 4 above it (the 5th order statistic), checked by counting, not by sorting
        int c = 3, h = 5, w = 9;
        float[] x = Tolerance.smallInts(17, c * h * w, 0, 9); // small range: many ties
        float[] m = MedianFilter.median3x3(x, c, h, w);
        Tolerance.assertNonZero("median", m);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    float v = m[(ch * h + y) * w + xx];
                    int below = 0, above = 0, equal = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int yy = Math.min(h - 1, Math.max(0, y + dy)), xq = Math.min(w - 1, Math.max(0, xx + dx));
                            float u = x[(ch * h + yy) * w + xq];
                            below += u < v ? 1 : 0;
                            above += u > v ? 1 : 0;
                            equal += u == v ? 1 : 0;
                        }
                    }
                    assertTrue(below <= 4 && above <= 4 && equal >= 1,
                            "(" + ch + ", " + y + ", " + xx + ") = " + v + ": " + below + " below, " + above + " above");
                }
            }
        }
    }

    @Test
    void aWrongLengthIsRefusedWithTheShape() {
        String m = assertThrows(IllegalArgumentException.class, () -> MedianFilter.median3x3(new float[10], 1, 3, 4))
                .getMessage();
        assertTrue(m.contains("(1, 3, 4)") && m.contains("12") && m.contains("10"), m);
    }
}
