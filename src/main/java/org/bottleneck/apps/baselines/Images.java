package org.bottleneck.apps.baselines;

/** Shape checks shared by the baselines: one message format, with the values. */
final class Images {
    private Images() {
    }

    static void check(String op, float[] x, int channels, int height, int width) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(op + ": shape (" + channels + ", " + height + ", " + width
                    + ") must be positive");
        }
        long n = (long) channels * height * width;
        if (x.length != n) {
            throw new IllegalArgumentException(op + ": (" + channels + ", " + height + ", " + width + ") needs " + n
                    + " elements, got " + x.length);
        }
    }
}
