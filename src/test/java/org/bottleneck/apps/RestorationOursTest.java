package org.bottleneck.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.bottleneck.apps.baselines.Colorization;
import org.junit.jupiter.api.Test;

/** How the report and --image turn a model's output into the result: clipped, the known pixels kept. */
class RestorationOursTest {
    /** Five images: ours higher on two (one against a finite score with ∞), equal on two (both ∞; both 30), lower on one. */
    @Test
    void theSharesOfImagesWhereOursIsHigherAndEqual() {
        double inf = Double.POSITIVE_INFINITY;
        double[] ours = {41.0, inf, inf, 30.0, 25.0}, theirs = {40.0, 120.0, inf, 30.0, 26.0};
        double[] share = RestorationReport.higherAndEqual(ours, theirs);
        assertEquals(0.4, share[0], 0);
        assertEquals(0.4, share[1], 0);
        double[] reversed = RestorationReport.higherAndEqual(theirs, ours);
        assertEquals(0.2, reversed[0], 0);
        assertEquals(0.4, reversed[1], 0);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RestorationReport.higherAndEqual(ours, new double[4]));
    }

    @Test
    void outsideTheHoleTheInputStays() {
        float[] y = {1.5f, 0.2f, -0.1f, 0.7f, 0.3f, 0.4f}, input = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f};
        float[] hole = {0, 1, 1}; // plane of 3 pixels, two channels
        float[] r = RestorationReport.ours(y, input, hole, false, 1, 3);
        assertEquals(0.9f, r[0]);
        assertEquals(0.2f, r[1]);
        assertEquals(0f, r[2]); // clipped
        assertEquals(0.6f, r[3]);
        assertEquals(0.3f, r[4]);
    }

    /**
     * Colorization keeps the input's luma: the result's BT.601 luma equals the input wherever
     * no channel had to be clipped (1e-5: float32 rounding through YCbCr and back).
     */
    @Test
    void colorizationKeepsTheLuma() {
        Random r = new Random(9);
        int h = 4, w = 6, n = h * w;
        float[] y = new float[3 * n], luma = new float[n];
        for (int i = 0; i < y.length; i++) {
            y[i] = 0.2f + 0.6f * r.nextFloat();
        }
        for (int i = 0; i < n; i++) {
            luma[i] = 0.3f + 0.4f * r.nextFloat();
        }
        float[] out = RestorationReport.ours(y.clone(), luma, null, true, h, w);
        float[] ycc = Colorization.toYCbCr(out, h, w), before = Colorization.toYCbCr(y, h, w);
        int checked = 0;
        for (int i = 0; i < n; i++) {
            boolean clipped = out[i] == 0 || out[i] == 1 || out[n + i] == 0 || out[n + i] == 1 || out[2 * n + i] == 0
                    || out[2 * n + i] == 1;
            if (!clipped) {
                assertEquals(luma[i], ycc[i], 1e-5, "luma at " + i);
                assertEquals(before[n + i], ycc[n + i], 1e-5, "Cb at " + i);
                checked++;
            }
        }
        assertEquals(true, checked > n / 2, checked + " unclipped pixels");
    }
}
