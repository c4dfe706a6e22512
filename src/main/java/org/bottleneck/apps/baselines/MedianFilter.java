package org.bottleneck.apps.baselines;

/**
 * The 3 × 3 median filter, per channel: {@code out(c, y, x) = median{ in(c, y + dy, x + dx) :
 * dy, dx ∈ {−1, 0, 1} }}, the 5th smallest of the 9 values. Edges replicate the border pixels
 * (coordinates are clamped into the image, as OpenCV's BORDER_REPLICATE), so every output
 * pixel has nine inputs and a 1-pixel image is returned unchanged. Removes isolated salt and
 * pepper pixels (an impulse covers at most 1 of 9 window values) while keeping edges.
 */
public final class MedianFilter {
    private MedianFilter() {
    }

    /** (C, H, W) → (C, H, W). */
    public static float[] median3x3(float[] x, int channels, int height, int width) {
        Images.check("median3x3", x, channels, height, width);
        float[] out = new float[x.length];
        float[] v = new float[9];
        for (int c = 0; c < channels; c++) {
            int base = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int xx = 0; xx < width; xx++) {
                    int k = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        int row = base + Math.min(height - 1, Math.max(0, y + dy)) * width;
                        for (int dx = -1; dx <= 1; dx++) {
                            v[k++] = x[row + Math.min(width - 1, Math.max(0, xx + dx))];
                        }
                    }
                    out[base + y * width + xx] = fifthOfNine(v);
                }
            }
        }
        return out;
    }

    /** Insertion sort of the nine values (reordering v), then the middle one. */
    private static float fifthOfNine(float[] v) {
        for (int i = 1; i < 9; i++) {
            float t = v[i];
            int j = i - 1;
            while (j >= 0 && v[j] > t) {
                v[j + 1] = v[j];
                j--;
            }
            v[j + 1] = t;
        }
        return v[4];
    }
}
