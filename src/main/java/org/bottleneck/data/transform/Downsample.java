package org.bottleneck.data.transform;

import org.bottleneck.data.Resize;
import org.bottleneck.tensor.Shape;

/**
 * Super-resolution input: (C, H, W) → (C, H/f, W/f) with a resampling filter (box = area
 * mean, bilinear or bicubic, PIL-style; see {@link Resize}); with {@code up} resampled back to
 * (C, H, W) with the same filter, for models that take the full size. f must divide H and W.
 */
public record Downsample(int factor, Resize.Filter filter, boolean up) implements Transform {
    public Downsample {
        if (factor < 2) {
            throw new IllegalArgumentException("downsampling needs a factor ≥ 2, got " + factor);
        }
    }

    @Override
    public Shape outputShape(Shape in) {
        int[] chw = Transform.image(in, describe());
        if (chw[1] % factor != 0 || chw[2] % factor != 0) {
            throw new IllegalArgumentException(describe() + ": factor " + factor + " does not divide the image size "
                    + chw[1] + "x" + chw[2] + "; crop or resize the images to a multiple of " + factor
                    + " (--image-size or --augment crop=…)");
        }
        return up ? in : Shape.of(chw[0], chw[1] / factor, chw[2] / factor);
    }

    @Override
    public void apply(Example e, Draws d) {
        int[] chw = e.inputShape.dims();
        int c = chw[0], h = chw[1] / factor, w = chw[2] / factor;
        float[] small = Resize.resize(e.input, c, chw[1], chw[2], h, w, filter);
        if (up) {
            Resize.resize(small, c, h, w, e.input, chw[1], chw[2], filter);
        } else {
            System.arraycopy(small, 0, e.spare, 0, small.length);
            e.swap(Shape.of(c, h, w));
        }
    }

    @Override
    public String describe() {
        return "down=" + factor + ":" + filter.name().toLowerCase(java.util.Locale.ROOT) + (up ? ":up" : "");
    }
}
