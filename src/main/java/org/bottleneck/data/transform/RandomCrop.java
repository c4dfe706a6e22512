package org.bottleneck.data.transform;

import org.bottleneck.data.Resize;
import org.bottleneck.tensor.Shape;

/** Augmentation: an h × w window at a uniform position (words 0 and 1) of each (C, H, W) sample. */
public record RandomCrop(int height, int width) implements Transform {
    public RandomCrop {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("crop needs a positive size, got " + height + "x" + width);
        }
    }

    @Override
    public Shape outputShape(Shape in) {
        int[] chw = Transform.image(in, describe());
        if (height > chw[1] || width > chw[2]) {
            throw new IllegalArgumentException(describe() + " is larger than the images, " + chw[1] + "x" + chw[2]);
        }
        return Shape.of(chw[0], height, width);
    }

    @Override
    public void apply(Example e, Draws d) {
        int[] chw = e.inputShape.dims();
        int y0 = d.below(0, chw[1] - height + 1), x0 = d.below(1, chw[2] - width + 1);
        Resize.crop(e.input, chw[0], chw[1], chw[2], y0, x0, e.spare, height, width);
        e.swap(Shape.of(chw[0], height, width));
    }

    @Override
    public boolean augmentation() {
        return true;
    }

    @Override
    public String describe() {
        return "crop=" + height + "x" + width;
    }
}
