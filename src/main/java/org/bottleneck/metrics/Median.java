package org.bottleneck.metrics;

import java.util.Arrays;

/**
 * The median of per-image values: the middle one of the sorted values, or the mean of the two
 * middle ones for an even count. Unlike the mean it stays finite while fewer than half the
 * values are +∞ (the PSNR of images restored exactly, flat photo patches, see {@link Psnr}),
 * so it still ranks methods where some restore a few images perfectly. NaN is refused: it has
 * no place in an order.
 */
public final class Median {
    private Median() {
    }

    public static double of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        if (Double.isNaN(s[s.length - 1])) { // Arrays.sort puts NaN last
            throw new IllegalArgumentException("median of values that include NaN");
        }
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : s[mid - 1] == s[mid] ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }
}
