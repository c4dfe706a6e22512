package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Resizing against values worked out by hand. */
class ResizeTest {
    @Test
    void shrinkingByAnIntegerFactorWithTheBoxFilterAveragesEachBlock() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}; // (1, 4, 4)
        // 2x2 blocks: (1+2+5+6)/4 = 3.5, 5.5, 11.5, 13.5
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f},
                Resize.resize(x, 1, 4, 4, 2, 2, Resize.Filter.BOX), 1e-6f);
        // bilinear 2x shrink: the triangle of half-width 2 centred between two pixels weighs the
        // pixels at distances 0.5, 0.5, 1.5 by 3/4, 3/4, 1/4 (the fourth lies beyond the edge),
        // normalized by 7/4: [1,2,3,4] → (3/4 + 3/2 + 3/4)/(7/4) = 12/7, (1/2 + 9/4 + 3)/(7/4) = 23/7
        assertArrayEquals(new float[] {12f / 7, 23f / 7}, Resize.resize(new float[] {1, 2, 3, 4}, 1, 1, 4, 1, 2,
                Resize.Filter.BILINEAR), 1e-6f);
    }

    @Test
    void bicubicGrowingUsesKeysWeights() {
        // 2x growing: output 2 of 8 sits at source 0.75 (half-pixel centres), a quarter pixel
        // past source pixel 0.5 → Keys(a = −0.5) weights −0.0703125, 0.8671875, 0.2265625,
        // −0.0234375 on sources 0..3 (distances 1.25, 0.25, 0.75, 1.75), which sum to 1
        float[] row = {1, 2, 4, 8};
        float expected = (float) (-0.0703125 * 1 + 0.8671875 * 2 + 0.2265625 * 4 - 0.0234375 * 8);
        float[] up = Resize.resize(row, 1, 1, 4, 1, 8, Resize.Filter.BICUBIC);
        org.junit.jupiter.api.Assertions.assertEquals(expected, up[3], 1e-6f);
        // a constant stays constant (the weights are normalized)
        assertArrayEquals(new float[] {5, 5, 5, 5, 5, 5}, Resize.resize(new float[] {5, 5, 5}, 1, 1, 3, 1, 6,
                Resize.Filter.BICUBIC), 1e-6f);
    }

    @Test
    void growingIsBilinearWithHalfPixelCentres() {
        // PyTorch interpolate([0, 1], size=4, mode='linear', align_corners=False) = [0, 0.25, 0.75, 1]
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, Resize.resize(new float[] {0, 1}, 1, 1, 2, 1, 4), 1e-6f);
    }

    @Test
    void resizeAndCropKeepsTheAspectRatioAndCutsTheCentre() {
        float[] x = new float[2 * 2 * 4]; // (2, 2, 4): channel c, column j → 10c + j
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 8; i++) {
                x[c * 8 + i] = 10 * c + i % 4;
            }
        }
        // 2×4 → 2×2: scale 1 covers it already; the centre columns 1 and 2 are cut
        assertArrayEquals(new float[] {1, 2, 1, 2, 11, 12, 11, 12}, Resize.resizeAndCrop(x, 2, 2, 4, 2, 2), 1e-6f);
    }

    /**
     * A flat image stays exactly flat under every filter, up and down (the super-resolution
     * report compares methods that are exact on flat patches: the baseline must be exact too).
     */
    @Test
    void aFlatImageStaysExactlyFlat() {
        int[][] sizes = {{16, 16, 32, 32}, {5, 7, 15, 28}, {9, 6, 4, 3}, {16, 16, 48, 48}};
        for (Resize.Filter f : Resize.Filter.values()) {
            for (int[] z : sizes) {
                for (float v : new float[] {0.37f, 1f, 0.0039215689f}) {
                    float[] x = new float[2 * z[0] * z[1]];
                    java.util.Arrays.fill(x, v);
                    float[] y = Resize.resize(x, 2, z[0], z[1], z[2], z[3], f);
                    for (int i = 0; i < y.length; i++) {
                        org.junit.jupiter.api.Assertions.assertEquals(v, y[i], 0f, f + " " + java.util.Arrays.toString(z)
                                + " at " + i);
                    }
                }
            }
        }
    }
}
