package org.bottleneck.data.transform;

import org.bottleneck.tensor.Shape;

/**
 * One step of the batch pipeline. An augmentation (crop, flip) changes the clean sample, so
 * input and target alike; a degradation (noise, holes, downsampling, luma) changes the input
 * only. Every transform is a pure function of the example and its {@link Draws}.
 */
public interface Transform {
    /** The shape this transform turns {@code in} into; throws naming the transform and the shape when it cannot. */
    default Shape outputShape(Shape in) {
        return in;
    }

    /** Transforms {@code e.input} (in place, or via {@link Example#spare} and {@link Example#swap}). */
    void apply(Example e, Draws d);

    /** Whether it applies before the target is taken (to input and target alike). */
    default boolean augmentation() {
        return false;
    }

    /** As written on the command line, e.g. {@code gaussian=0.5}. */
    String describe();

    /** (C, H, W) of an image shape; throws for vectors. */
    static int[] image(Shape s, String what) {
        if (s.rank() != 3) {
            throw new IllegalArgumentException(what + " needs images (C, H, W), the samples have shape " + s);
        }
        return s.dims();
    }
}
