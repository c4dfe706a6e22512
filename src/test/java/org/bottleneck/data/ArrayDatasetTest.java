package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.bottleneck.tensor.Shape;
import org.junit.jupiter.api.Test;

class ArrayDatasetTest {
    private static final Shape SHAPE = Shape.of(1, 2, 3);

    private static float[] data(int n, long seed) {
        Random r = new Random(seed);
        float[] d = new float[n * 6];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return d;
    }

    @Test
    void copiesSamplesAtOffsetAndReportsLabels() {
        float[] d = data(5, 1);
        ArrayDataset ds = new ArrayDataset("toy", SHAPE, d, new int[] {3, 1, 4, 1, 5});
        assertEquals(5, ds.size());
        assertEquals(6, ds.features());
        float[] dst = new float[10];
        Arrays.fill(dst, -1f);
        ds.copySample(2, dst, 3);
        assertArrayEquals(Arrays.copyOfRange(d, 12, 18), Arrays.copyOfRange(dst, 3, 9));
        assertEquals(-1f, dst[2]);
        assertEquals(-1f, dst[9]);
        assertEquals(4, ds.label(2));
        assertEquals(-1, new ArrayDataset("unlabelled", SHAPE, d).label(0));
    }

    @Test
    void sliceIsAViewWithShiftedIndices() {
        float[] d = data(6, 2);
        Dataset ds = new ArrayDataset("toy", SHAPE, d, new int[] {0, 1, 2, 3, 4, 5});
        Dataset s = ds.slice(2, 5).slice(1, 3);
        assertEquals(2, s.size());
        assertEquals("toy[2:5][1:3]", s.name());
        assertEquals(3, s.label(0));
        assertEquals(4, s.label(1));
        float[] dst = new float[6];
        s.copySample(1, dst, 0);
        assertArrayEquals(Arrays.copyOfRange(d, 24, 30), dst);
        d[24] = 0.125f; // a view, not a copy
        s.copySample(1, dst, 0);
        assertEquals(0.125f, dst[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> s.label(2));
        assertThrows(IndexOutOfBoundsException.class, () -> ds.slice(4, 7));
        assertThrows(IndexOutOfBoundsException.class, () -> ds.slice(3, 2));
    }

    @Test
    void rejectsBadInputsWithValuesInTheMessage() {
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                () -> new ArrayDataset("toy", SHAPE, new float[13]));
        assertTrue(len.getMessage().contains("13"), len.getMessage());
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> new ArrayDataset("toy", SHAPE, new float[12], new int[3]));
        assertTrue(labels.getMessage().contains("2 samples but 3 labels"), labels.getMessage());
        float[] d = data(2, 3);
        d[8] = Float.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new ArrayDataset("toy", SHAPE, d));
        assertTrue(nan.getMessage().contains("NaN at sample 1, feature 2"), nan.getMessage());
        ArrayDataset ok = new ArrayDataset("toy", SHAPE, data(2, 4));
        IndexOutOfBoundsException dst = assertThrows(IndexOutOfBoundsException.class,
                () -> ok.copySample(0, new float[8], 3));
        assertTrue(dst.getMessage().contains("length 8 cannot hold 6 features at offset 3"), dst.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> ok.copySample(-1, new float[6], 0));
    }
}
