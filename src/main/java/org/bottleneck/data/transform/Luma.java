package org.bottleneck.data.transform;

import org.bottleneck.tensor.Shape;

/** Colorization input: RGB (3, H, W) → luma (1, H, W), Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601). */
public record Luma() implements Transform {
    @Override
    public Shape outputShape(Shape in) {
        int[] chw = Transform.image(in, describe());
        if (chw[0] != 3) {
            throw new IllegalArgumentException("luma needs RGB images (3 channels), the samples have shape " + in
                    + " (grey data cannot be colorized: pass --channels 3 on a colour folder)");
        }
        return Shape.of(1, chw[1], chw[2]);
    }

    @Override
    public void apply(Example e, Draws d) {
        int[] chw = e.inputShape.dims();
        of(e.input, chw[1] * chw[2], e.spare);
        e.swap(Shape.of(1, chw[1], chw[2]));
    }

    /** dst (plane) = the BT.601 luma of rgb (3, plane). */
    public static void of(float[] rgb, int plane, float[] dst) {
        for (int i = 0; i < plane; i++) {
            dst[i] = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
        }
    }

    @Override
    public String describe() {
        return "luma";
    }
}
