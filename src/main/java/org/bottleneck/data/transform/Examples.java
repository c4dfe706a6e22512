package org.bottleneck.data.transform;

import java.util.Arrays;
import org.bottleneck.tensor.Shape;

/**
 * The first n examples of a dataset as the pipeline makes them, for pictures and reports.
 *
 * @param inputs  (n, in…) degraded inputs, row-major
 * @param targets (n, out…) targets
 * @param masks   (n, out…) 0/1 loss masks, all ones for examples without one
 */
public record Examples(int count, Shape inputShape, Shape targetShape, float[] inputs, float[] targets, float[] masks) {
    /** Input i as its own array. */
    public float[] input(int i) {
        int in = (int) inputShape.size();
        return Arrays.copyOfRange(inputs, i * in, (i + 1) * in);
    }

    public float[] target(int i) {
        int out = (int) targetShape.size();
        return Arrays.copyOfRange(targets, i * out, (i + 1) * out);
    }

    public float[] mask(int i) {
        int out = (int) targetShape.size();
        return Arrays.copyOfRange(masks, i * out, (i + 1) * out);
    }
}
