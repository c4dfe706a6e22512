package org.bottleneck.data.transform;

import org.bottleneck.tensor.Shape;

/** Augmentation: mirrors each (C, H, W) sample left–right with probability ½ (uniform 0 &lt; ½). */
public record HorizontalFlip() implements Transform {
    @Override
    public Shape outputShape(Shape in) {
        Transform.image(in, describe());
        return in;
    }

    @Override
    public void apply(Example e, Draws d) {
        if (d.uniform(0) >= 0.5f) {
            return;
        }
        int[] chw = e.inputShape.dims();
        int w = chw[2];
        for (int row = 0; row < chw[0] * chw[1]; row++) {
            for (int a = row * w, b = a + w - 1; a < b; a++, b--) {
                float t = e.input[a];
                e.input[a] = e.input[b];
                e.input[b] = t;
            }
        }
    }

    @Override
    public boolean augmentation() {
        return true;
    }

    @Override
    public String describe() {
        return "flip";
    }
}
