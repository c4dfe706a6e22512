package org.bottleneck.data.transform;

import java.util.Arrays;
import org.bottleneck.tensor.Shape;

/**
 * A random rectangular hole for inpainting: height and width uniform in [min, max] (words 0
 * and 1), top-left corner uniform over the positions where it fits (words 2 and 3); the hole
 * is zeroed in every channel of the input. With {@code holeLoss} the loss mask is the hole
 * (the model is trained on the missing pixels only), else there is no mask (whole image).
 */
public record BoxMask(int min, int max, boolean holeLoss) implements Transform {
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
        return in;
    }

    @Override
    public void apply(Example e, Draws d) {
        int[] chw = e.inputShape.dims();
        int c = chw[0], hh = chw[1], ww = chw[2];
        int h = min + d.below(0, max - min + 1), w = min + d.below(1, max - min + 1);
        int y0 = d.below(2, hh - h + 1), x0 = d.below(3, ww - w + 1);
        if (holeLoss) {
            Arrays.fill(e.mask, 0, c * hh * ww, 0f);
            e.masked = true;
        }
        for (int ch = 0; ch < c; ch++) {
            for (int y = y0; y < y0 + h; y++) {
                int row = (ch * hh + y) * ww;
                Arrays.fill(e.input, row + x0, row + x0 + w, 0f);
                if (holeLoss) {
                    Arrays.fill(e.mask, row + x0, row + x0 + w, 1f);
                }
            }
        }
    }

    @Override
    public String describe() {
        return "box=" + min + "-" + max + (holeLoss ? "" : ":whole");
    }
}
