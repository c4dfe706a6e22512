package org.bottleneck.data;

/**
 * Image resizing, separable (rows, then columns), per channel, on (C, H, W) floats. Along an
 * axis that shrinks, each output pixel is the area-weighted mean of the source pixels it
 * covers (a box filter, as PIL's {@code reduce}/OpenCV's INTER_AREA: no aliasing on large
 * photos); along an axis that grows, bilinear interpolation with half-pixel centres (PyTorch's
 * {@code align_corners=False}, edges clamped).
 */
public final class Resize {
    private Resize() {
    }

    /** (C, H, W) → (C, h, w). */
    public static float[] resize(float[] src, int channels, int height, int width, int h, int w) {
        if (h == height && w == width) {
            return src.clone();
        }
        Weights rows = Weights.of(height, h), cols = Weights.of(width, w);
        float[] tmp = new float[channels * h * width]; // (C, h, W): rows resampled
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int out = (c * h + y) * width;
                for (int k = rows.start[y]; k < rows.start[y + 1]; k++) {
                    int in = (c * height + rows.index[k]) * width;
                    float wt = rows.weight[k];
                    for (int x = 0; x < width; x++) {
                        tmp[out + x] += wt * src[in + x];
                    }
                }
            }
        }
        float[] dst = new float[channels * h * w];
        for (int r = 0; r < channels * h; r++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int k = cols.start[x]; k < cols.start[x + 1]; k++) {
                    s += cols.weight[k] * tmp[r * width + cols.index[k]];
                }
                dst[r * w + x] = s;
            }
        }
        return dst;
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
        if (y0 < 0 || x0 < 0 || y0 + h > height || x0 + w > width) {
            throw new IllegalArgumentException("crop " + h + "x" + w + " at (" + y0 + ", " + x0 + ") does not fit in "
                    + height + "x" + width);
        }
        float[] dst = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (c * height + y0 + y) * width + x0, dst, (c * h + y) * w, w);
            }
        }
        return dst;
    }

    /** Sparse 1-D resampling weights: output i takes weight[k]·in[index[k]] for k in [start[i], start[i+1]). */
    private record Weights(int[] start, int[] index, float[] weight) {
        static Weights of(int in, int out) {
            int[] start = new int[out + 1];
            int cap = out * (in / out + 3);
            int[] index = new int[cap];
            float[] weight = new float[cap];
            int k = 0;
            double scale = (double) in / out; // source pixels per output pixel
            for (int i = 0; i < out; i++) {
                start[i] = k;
                if (out <= in) { // area: output i covers source [i·scale, (i+1)·scale)
                    double a = i * scale, b = (i + 1) * scale;
                    for (int j = (int) Math.floor(a); j < Math.min(in, (int) Math.ceil(b)); j++) {
                        double overlap = Math.min(b, j + 1) - Math.max(a, j);
                        if (overlap > 0) {
                            index[k] = j;
                            weight[k++] = (float) (overlap / scale);
                        }
                    }
                } else { // bilinear with half-pixel centres
                    double s = Math.max(0, (i + 0.5) * scale - 0.5);
                    int j0 = Math.min((int) Math.floor(s), in - 1), j1 = Math.min(j0 + 1, in - 1);
                    double f = s - j0;
                    index[k] = j0;
                    weight[k++] = (float) (1 - f);
                    index[k] = j1;
                    weight[k++] = (float) f;
                }
            }
            start[out] = k;
            return new Weights(start, index, weight);
        }
    }
}
