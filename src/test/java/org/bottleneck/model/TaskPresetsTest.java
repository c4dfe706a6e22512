package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bottleneck.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The image applications' presets fit any image size and give exactly the target's shape. */
class TaskPresetsTest {
    @Test
    void restoreKeepsTheSizeForAnyHeightAndWidth() {
        int[][] sizes = {{28, 28}, {32, 48}, {30, 22}, {27, 13}, {1, 1}};
        for (int[] hw : sizes) {
            for (int[] ch : new int[][] {{1, 1}, {2, 1}, {1, 3}, {3, 3}}) { // grey, marked hole, luma → RGB, RGB
                Shape in = Shape.of(ch[0], hw[0], hw[1]), out = Shape.of(ch[1], hw[0], hw[1]);
                Architecture a = TaskPresets.restore("restore", in, out, true);
                assertEquals(out, a.outputShape(), a.describe());
                assertTrue(a.latent().spatial());
            }
        }
        // two stride-2 stages where 4 divides the size: MNIST's code is 64×7×7
        assertEquals(Shape.of(64, 7, 7), TaskPresets.restore("r", Shape.of(1, 28, 28), Shape.of(1, 28, 28), true).latentShape());
        assertEquals(Shape.of(64, 15, 11), TaskPresets.restore("r", Shape.of(1, 30, 22), Shape.of(1, 30, 22), true).latentShape());
        assertEquals(OutputKind.MSE, TaskPresets.restore("r", Shape.of(1, 8, 8), Shape.of(1, 8, 8), false).output());
    }

    @Test
    void inpaintHasADenseCodeBetweenTheConvolutions() {
        for (int[] hw : new int[][] {{28, 28}, {30, 22}, {9, 5}}) {
            Shape in = Shape.of(2, hw[0], hw[1]), out = Shape.of(1, hw[0], hw[1]); // a marked hole: one more channel
            Architecture a = TaskPresets.inpaint("inpaint", in, out, true);
            assertEquals(out, a.outputShape(), a.describe());
            assertEquals(Shape.of(TaskPresets.INPAINT_CODE), a.latentShape());
        }
    }

    @Test
    void superresEnlargesByTwoThreeAndFour() {
        for (int f : new int[] {2, 3, 4, 6}) {
            for (int[] hw : new int[][] {{7, 7}, {8, 16}, {5, 3}}) {
                Shape in = Shape.of(3, hw[0], hw[1]), out = Shape.of(3, f * hw[0], f * hw[1]);
                assertEquals(out, TaskPresets.superres("superres", in, out, true).outputShape());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskPresets.superres("superres", Shape.of(1, 7, 7), Shape.of(1, 35, 35), true));
        assertTrue(e.getMessage().contains("not 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TaskPresets.restore("restore", Shape.of(1, 7, 7), Shape.of(1, 14, 14), true));
        assertTrue(e.getMessage().contains("same size"), e.getMessage());
    }
}
