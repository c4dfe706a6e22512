package org.bottleneck.apps.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.bottleneck.testing.Tolerance;
import org.junit.jupiter.api.Test;

/** BT.601 full-range YCbCr against its textbook values, and the two colorization baselines. */
class ColorizationTest {
    private static float[] constant(int h, int w, float r, float g, float b) {
        float[] x = new float[3 * h * w];
        Arrays.fill(x, 0, h * w, r);
        Arrays.fill(x, h * w, 2 * h * w, g);
        Arrays.fill(x, 2 * h * w, 3 * h * w, b);
        return x;
    }

    @Test
    void primariesHaveTheJpegYCbCrValues() {
        // JFIF: red → Y 0.299, Cb −0.168736, Cr +0.5; blue → Y 0.114, Cb +0.5, Cr −0.081312;
        // white → Y 1, no chroma. (1 × 3 image: red, blue, white.) Float rounding: 1e-6.
        float[] rgb = {1, 0, 1, 0, 0, 1, 0, 1, 1};
        float[] ycc = Colorization.toYCbCr(rgb, 1, 3);
        Tolerance.assertClose("Y Cb Cr", new double[] {0.299, 0.114, 1, -0.168736, 0.5, 0, 0.5, -0.081312, 0},
                ycc, 1e-6, 0);
        // and back (the inverse is exact up to float rounding)
        float[] random = Tolerance.uniform(9, 3 * 4 * 5, 0, 1);
        Tolerance.assertClose("round trip", random, Colorization.toRgb(Colorization.toYCbCr(random, 4, 5), 4, 5),
                1e-6, 0);
    }

    @Test
    void greyCopiesTheLumaIntoEveryChannel() {
        float[] y = Tolerance.uniform(3, 2 * 3, 0, 1);
        float[] rgb = Colorization.grey(y, 2, 3);
        for (int c = 0; c < 3; c++) {
            Tolerance.assertExact("channel " + c, y, Arrays.copyOfRange(rgb, c * 6, c * 6 + 6));
        }
        // zero chroma: the grey image's luma is the input again (0.299 + 0.587 + 0.114 = 1)
        Tolerance.assertClose("luma of grey", y, Arrays.copyOfRange(Colorization.toYCbCr(rgb, 2, 3), 0, 6), 1e-6, 0);
    }

    @Test
    void meanChromaAveragesTheTrainingSetAndColorizesItsLuma() {
        int h = 3, w = 4;
        float[] orange = constant(h, w, 0.8f, 0.5f, 0.2f), teal = constant(h, w, 0.2f, 0.6f, 0.6f);
        // by hand: orange Y = 0.2392 + 0.2935 + 0.0228 = 0.5555, Cb = (0.2 − Y)/1.772, Cr = (0.8 − Y)/1.402
        double yo = 0.5555, yt = 0.0598 + 0.3522 + 0.0684;
        double cb = ((0.2 - yo) / 1.772 + (0.6 - yt) / 1.772) / 2, cr = ((0.8 - yo) / 1.402 + (0.2 - yt) / 1.402) / 2;
        Colorization.Chroma m = Colorization.meanChroma(List.of(orange, teal), h, w);
        assertEquals(cb, m.cb(), 1e-7); // float inputs: 0.8f etc. differ from 0.8 by ~1e-8
        assertEquals(cr, m.cr(), 1e-7);
        // a training set of one colour gives that colour back from the luma alone
        Colorization.Chroma o = Colorization.meanChroma(List.of(orange), h, w);
        float[] luma = Arrays.copyOf(Colorization.toYCbCr(orange, h, w), h * w);
        Tolerance.assertClose("orange from its luma", orange, o.colorize(luma, h, w), 1e-6, 0);
    }

    @Test
    void colorizeClampsToTheUnitRange() {
        // a bright luma with a strongly red chroma: R = 0.9 + 1.402·0.3 > 1 is clamped, B < 0 too
        Colorization.Chroma red = new Colorization.Chroma(-0.2, 0.3);
        float[] rgb = red.colorize(new float[] {0.9f}, 1, 1);
        assertEquals(1, rgb[0], 0);
        assertEquals(0.9 - 1.772 * 0.2, rgb[2], 1e-6);
        double g = (0.9 - 0.299 * (0.9 + 1.402 * 0.3) - 0.114 * (0.9 - 1.772 * 0.2)) / 0.587; // from the unclamped R
        assertEquals(Math.min(1, Math.max(0, g)), rgb[1], 1e-6);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> Colorization.meanChroma(List.of(new float[5]), 1, 2)).getMessage();
        assertTrue(msg.contains("(3, 1, 2)") && msg.contains("5"), msg);
    }
}
