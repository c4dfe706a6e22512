package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SplitTest {
    private static int count(boolean[] b) {
        int n = 0;
        for (boolean v : b) {
            n += v ? 1 : 0;
        }
        return n;
    }

    @Test
    void theSplitIsAPureFunctionOfTheSeedAndHoldsTheFraction() {
        boolean[] a = Split.testSources(1000, 0.1, 42), b = Split.testSources(1000, 0.1, 42), c = Split.testSources(1000, 0.1, 43);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        assertEquals(100, count(a));
        assertEquals(1, count(Split.testSources(3, 0.01, 1)), "a positive fraction holds out at least one source");
        assertEquals(1, count(Split.testSources(2, 0.9, 1)), "and keeps at least one for training");
        assertEquals(0, count(Split.testSources(5, 0, 1)));
        assertThrows(IllegalArgumentException.class, () -> Split.testSources(5, 1.0, 1));
    }

    @Test
    void samplesFollowTheirSource() {
        int[] sourceOf = {0, 0, 1, 2, 2, 2};
        boolean[] test = {false, true, false};
        assertArrayEquals(new int[] {2}, Split.samples(sourceOf, test, true));
        assertArrayEquals(new int[] {0, 1, 3, 4, 5}, Split.samples(sourceOf, test, false));
    }
}
