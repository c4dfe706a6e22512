package org.bottleneck.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The median against numpy.median on the same values (worked out there, exact in binary: tolerance 0). */
class MedianTest {
    @Test
    void oddAndEvenCountsInAnyOrder() {
        double[] v = {31.5, 28.25, 40.125, 35.0, 29.75, 33.5};
        assertEquals(32.5, Median.of(v), 0);                      // numpy: 32.5, the mean of 31.5 and 33.5
        assertEquals(31.5, Median.of(31.5, 28.25, 40.125, 35.0, 29.75), 0); // numpy: 31.5
        assertEquals(31.5, v[0], 0, "the input is not sorted in place");
        assertEquals(7.0, Median.of(7.0), 0);
    }

    @Test
    void infiniteValuesSortLast() {
        assertEquals(2.0, Median.of(1.0, Double.POSITIVE_INFINITY, 2.0), 0); // numpy: 2.0
        assertEquals(Double.POSITIVE_INFINITY, Median.of(5.0, Double.POSITIVE_INFINITY), 0); // numpy: inf
        assertEquals(Double.POSITIVE_INFINITY, Median.of(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY), 0);
    }

    @Test
    void noValuesOrNaNAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Median.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Median.of(1.0, Double.NaN, 3.0));
        assertEquals("median of values that include NaN", e.getMessage());
    }
}
