package org.bottleneck.data.transform;

import org.bottleneck.tensor.Shape;

/**
 * A random rectangular hole for inpainting: height and width uniform in [min, max] (words 0
 * and 1), top-left corner uniform over the positions where it fits (words 2 and 3); the hole
 * is zeroed in every channel of the input. With {@code holeLoss} the loss mask is the hole
 * (the model is trained on the missing pixels only), else there is no mask (whole image); with
 * {@code marked} the input gains a channel that is 1 on the hole (see {@link Holes}).
 */
public record BoxMask(int min, int max, boolean holeLoss, boolean marked) implements Transform {
    public BoxMask {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("box holes need 1 ≤ MIN ≤ MAX, got " + min + "-" + max);
        }
    }

    @Override
    public Shape outputShape(Shape in) {
        int[] chw = Transform.image(in, describe());
        if (max > chw[1] || max > chw[2]) {
            throw new IllegalArgumentException(describe() + ": holes up to " + max + " do not fit images of " + chw[1] + "x" + chw[2]);
        }
        return Holes.shape(chw, marked);
    }

    @Override
    public void apply(Example e, Draws d) {
        int[] chw = e.inputShape.dims();
        int h = min + d.below(0, max - min + 1), w = min + d.below(1, max - min + 1);
        int y0 = d.below(2, chw[1] - h + 1), x0 = d.below(3, chw[2] - w + 1);
        Holes.punch(e, holeLoss, marked, y0, x0, h, w, null);
    }

    @Override
    public String describe() {
        return "box=" + min + "-" + max + (holeLoss ? "" : ":whole") + (marked ? ":marked" : "");
    }
}
