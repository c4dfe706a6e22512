package org.bottleneck.apps.explore;

import org.bottleneck.tensor.Shape;

/**
 * How the explorer draws one sample, or one model output, as a picture: a raster (C, H, W) of
 * values in [0, 1], C = 1 or 3, tiled by {@link org.bottleneck.viz.ImageGrid}.
 *
 * <ul>
 *   <li>Images — shape (C, H, W) with C = 1 or 3, or (H, W), or a flat D = s² in [0, 1] drawn
 *       as s × s — are drawn as they are.</li>
 *   <li>Anything else (a table row, a standardized vector, images of another channel count) is a
 *       grey heat strip: D cells in rows of at most {@value #STRIP_WIDTH}, a value v drawn at
 *       {@code 0.5 + v / 6} (±3 standard deviations span black to white for standardized data;
 *       [0, 1] data is drawn as is), cells past D in mid grey.</li>
 * </ul>
 */
final class SampleRaster {
    static final int STRIP_WIDTH = 32;

    private final int size;        // D, values per sample
    private final int c, h, w;     // raster shape
    private final boolean image;   // drawn as is
    private final boolean unit;    // a strip of [0, 1] values

    private SampleRaster(int size, int c, int h, int w, boolean image, boolean unit) {
        this.size = size;
        this.c = c;
        this.h = h;
        this.w = w;
        this.image = image;
        this.unit = unit;
    }

    /** How to draw samples of {@code shape}; {@code unitInterval}: whether their values lie in [0, 1]. */
    static SampleRaster of(Shape shape, boolean unitInterval) {
        int d = (int) shape.size();
        if (unitInterval && shape.rank() == 3 && (shape.dim(0) == 1 || shape.dim(0) == 3)) {
            return new SampleRaster(d, shape.dim(0), shape.dim(1), shape.dim(2), true, true);
        }
        if (unitInterval && shape.rank() == 2) {
            return new SampleRaster(d, 1, shape.dim(0), shape.dim(1), true, true);
        }
        int side = (int) Math.round(Math.sqrt(d));
        if (unitInterval && shape.rank() == 1 && side * side == d) {
            return new SampleRaster(d, 1, side, side, true, true);
        }
        int width = Math.min(d, STRIP_WIDTH);
        return new SampleRaster(d, 1, (d + width - 1) / width, width, false, unitInterval);
    }

    int channels() {
        return c;
    }

    int height() {
        return h;
    }

    int width() {
        return w;
    }

    /** Values per raster. */
    int rasterSize() {
        return c * h * w;
    }

    /** "image" or "strip", for the page. */
    String kind() {
        return image ? "image" : "strip";
    }

    /** The raster (C, H, W) of the sample {@code values} (D) into {@code dst} at {@code offset}. */
    void draw(float[] values, int from, float[] dst, int offset) {
        if (image) {
            System.arraycopy(values, from, dst, offset, size);
            return;
        }
        for (int i = 0; i < h * w; i++) {
            float v = i < size ? values[from + i] : unit ? 0.5f : 0f;
            dst[offset + i] = unit ? v : 0.5f + v / 6f;
        }
    }
}
