package org.bottleneck.data.transform;

import java.nio.file.Path;
import java.util.Arrays;
import org.bottleneck.data.DecodedImage;
import org.bottleneck.data.ImageDecoder;
import org.bottleneck.tensor.Shape;

/**
 * The same hole in every image, from a user's mask (H·W values, above ½ = missing): how
 * {@code inpaint --mask FILE} evaluates a model trained on random boxes. Draws nothing.
 */
public final class FixedMask implements Transform {
    private final float[] plane;
    private final int h, w;
    private final boolean holeLoss, marked;
    private final String name;

    /** @param name the mask's file name, for messages and {@link #describe} */
    public FixedMask(float[] plane, int h, int w, boolean holeLoss, boolean marked, String name) {
        if (plane.length != h * w) {
            throw new IllegalArgumentException("mask " + name + ": " + plane.length + " values for " + h + "x" + w);
        }
        this.plane = plane.clone();
        this.h = h;
        this.w = w;
        this.holeLoss = holeLoss;
        this.marked = marked;
        this.name = name;
    }

    /** The mask PNG {@code png} (decoded grey; a level of 128 or more = missing). */
    public static FixedMask read(Path png, boolean holeLoss, boolean marked) {
        DecodedImage m = ImageDecoder.read(png, 1);
        float[] plane = new float[m.height() * m.width()];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = (m.chw()[i] & 0xFF) >= 128 ? 1f : 0f;
        }
        return new FixedMask(plane, m.height(), m.width(), holeLoss, marked, png.getFileName().toString());
    }

    public int height() {
        return h;
    }

    public int width() {
        return w;
    }

    /** (H·W) 1 on the hole, 0 elsewhere (a copy). */
    public float[] plane() {
        return plane.clone();
    }

    /** Whether the hole is marked in an extra input channel. */
    public boolean marked() {
        return marked;
    }

    /** The pixels of the hole. */
    public int holePixels() {
        int n = 0;
        for (float v : plane) {
            n += v > 0.5f ? 1 : 0;
        }
        return n;
    }

    @Override
    public Shape outputShape(Shape in) {
        int[] chw = Transform.image(in, describe());
        if (chw[1] != h || chw[2] != w) {
            throw new IllegalArgumentException("mask " + name + " is " + w + "x" + h + " (width x height), the images are "
                    + chw[2] + "x" + chw[1] + "; draw the mask at the images' size");
        }
        return Holes.shape(chw, marked);
    }

    @Override
    public void apply(Example e, Draws d) {
        Holes.punch(e, holeLoss, marked, 0, 0, 0, 0, plane);
    }

    @Override
    public String describe() {
        return "mask=" + name + (holeLoss ? "" : ":whole") + (marked ? ":marked" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FixedMask m && m.h == h && m.w == w && m.holeLoss == holeLoss && m.marked == marked
                && Arrays.equals(m.plane, plane);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(plane);
    }
}
