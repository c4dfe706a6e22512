package org.bottleneck.data;

import java.util.Locale;

/**
 * Image resampling as PIL's {@code Image.resize} does it: separable (rows, then columns), per
 * channel, on (C, H, W) floats. Output pixel i has its centre at source coordinate
 * {@code c = (i + ½)·s}, s = in/out; its value is the normalized sum of the filter's weights
 * {@code k((j + ½ − c)/f)} over the source pixels j within the support, with f = max(s, 1) —
 * so shrinking widens the filter (antialiasing) and growing interpolates.
 * <ul>
 *   <li>{@link Filter#BOX}: for integer factors exactly the mean of each f×f block (area
 *       downsampling); growing is nearest neighbour;</li>
 *   <li>{@link Filter#BILINEAR}: the triangle 1 − |x|; growing matches PyTorch's
 *       {@code align_corners=False} interpolation (edges clamped);</li>
 *   <li>{@link Filter#BICUBIC}: Keys' cubic with a = −0.5 (PIL, Matlab), support 2.</li>
 * </ul>
 * Values are not clamped: bicubic may overshoot [0, 1] slightly, as in PIL's float mode.
 */
public final class Resize {
    public enum Filter {
        BOX(0.5), BILINEAR(1), BICUBIC(2);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double weight(double x) {
            double a = Math.abs(x);
            return switch (this) {
                case BOX -> x > -0.5 && x <= 0.5 ? 1 : 0;
                case BILINEAR -> a < 1 ? 1 - a : 0;
                case BICUBIC -> a < 1 ? (1.5 * a - 2.5) * a * a + 1 // Keys, a = −0.5
                        : a < 2 ? ((-0.5 * a + 2.5) * a - 4) * a + 2 : 0;
            };
        }

        /** "box", "bilinear" or "bicubic". */
        public static Filter parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown resampling filter '" + s + "' (expected box, bilinear or bicubic)");
            }
        }
    }

    private Resize() {
    }

    /** (C, H, W) → (C, h, w) with the bilinear filter (antialiased when shrinking). */
    public static float[] resize(float[] src, int channels, int height, int width, int h, int w) {
        return resize(src, channels, height, width, h, w, Filter.BILINEAR);
    }

    /** (C, H, W) → (C, h, w) with {@code filter}. */
    public static float[] resize(float[] src, int channels, int height, int width, int h, int w, Filter filter) {
        float[] dst = new float[channels * h * w];
        resize(src, channels, height, width, dst, h, w, filter);
        return dst;
    }

    /** As above into {@code dst} (C, h, w). */
    public static void resize(float[] src, int channels, int height, int width, float[] dst, int h, int w, Filter filter) {
        if (h == height && w == width) {
            System.arraycopy(src, 0, dst, 0, channels * h * w);
            return;
        }
        Weights rows = Weights.of(height, h, filter), cols = Weights.of(width, w, filter);
        // (C, h, W): rows resampled, kept in double so that a flat image stays exactly flat (in
        // float the sum of the rounded terms is off by an ulp or two)
        double[] tmp = new double[channels * h * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int out = (c * h + y) * width;
                for (int k = rows.start[y]; k < rows.start[y + 1]; k++) {
                    int in = (c * height + rows.index[k]) * width;
                    double wt = rows.weight[k];
                    for (int x = 0; x < width; x++) {
                        tmp[out + x] += wt * src[in + x];
                    }
                }
            }
        }
        for (int r = 0; r < channels * h; r++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int k = cols.start[x]; k < cols.start[x + 1]; k++) {
                    s += cols.weight[k] * tmp[r * width + cols.index[k]];
                }
                dst[r * w + x] = (float) s;
            }
        }
    }

    /**
     * Scales (C, H, W) so that it covers h × w with its aspect ratio kept, then cuts the
     * centred h × w window (torchvision's {@code Resize(min side)} + {@code CenterCrop}).
     */
    public static float[] resizeAndCrop(float[] src, int channels, int height, int width, int h, int w) {
        double scale = Math.max((double) h / height, (double) w / width);
        int rh = Math.max(h, (int) Math.round(height * scale)), rw = Math.max(w, (int) Math.round(width * scale));
        float[] r = resize(src, channels, height, width, rh, rw);
        return crop(r, channels, rh, rw, (rh - h) / 2, (rw - w) / 2, h, w);
    }

    /** The h × w window of (C, H, W) whose top-left corner is (y0, x0). */
    public static float[] crop(float[] src, int channels, int height, int width, int y0, int x0, int h, int w) {
        float[] dst = new float[channels * h * w];
        crop(src, channels, height, width, y0, x0, dst, h, w);
        return dst;
    }

    /** As above into {@code dst} (C, h, w). */
    public static void crop(float[] src, int channels, int height, int width, int y0, int x0, float[] dst, int h, int w) {
        if (y0 < 0 || x0 < 0 || y0 + h > height || x0 + w > width) {
            throw new IllegalArgumentException("crop " + h + "x" + w + " at (" + y0 + ", " + x0 + ") does not fit in "
                    + height + "x" + width);
        }
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (c * height + y0 + y) * width + x0, dst, (c * h + y) * w, w);
            }
        }
    }

    /** Sparse 1-D weights: output i takes Σ weight[k]·in[index[k]] for k in [start[i], start[i+1]). */
    private record Weights(int[] start, int[] index, double[] weight) {
        static Weights of(int in, int out, Filter filter) {
            double scale = (double) in / out, fscale = Math.max(scale, 1), support = filter.support * fscale;
            int span = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[out + 1], index = new int[out * span];
            double[] weight = new double[out * span];
            int k = 0;
            for (int i = 0; i < out; i++) {
                start[i] = k;
                double centre = (i + 0.5) * scale;
                int lo = Math.max((int) (centre - support + 0.5), 0), hi = Math.min((int) (centre + support + 0.5), in);
                double total = 0;
                int first = k;
                for (int j = lo; j < hi; j++) {
                    double wt = filter.weight((j + 0.5 - centre) / fscale);
                    if (wt != 0) {
                        index[k] = j;
                        weight[k++] = wt;
                        total += wt;
                    }
                }
                if (k == first) { // no source pixel under the filter (cannot happen for out ≥ 1): take the nearest
                    index[k] = Math.min(in - 1, (int) centre);
                    weight[k++] = 1;
                    total = 1;
                }
                for (int q = first; q < k; q++) {
                    weight[q] /= total;
                }
            }
            start[out] = k;
            return new Weights(start, index, weight);
        }
    }
}
