package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Resizing against values worked out by hand. */
class ResizeTest {
    @Test
    void shrinkingAveragesTheCoveredArea() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}; // (1, 4, 4)
        // 2x2 blocks: (1+2+5+6)/4 = 3.5, 5.5, 11.5, 13.5
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, Resize.resize(x, 1, 4, 4, 2, 2), 1e-6f);
        // 4 → 3 along a row: each output covers 4/3 pixels; out0 = (1·1 + 2·1/3)/(4/3) = 1.25
        float[] row = {1, 2, 3, 4};
        assertArrayEquals(new float[] {1.25f, 2.5f, 3.75f}, Resize.resize(row, 1, 1, 4, 1, 3), 1e-6f);
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
}
