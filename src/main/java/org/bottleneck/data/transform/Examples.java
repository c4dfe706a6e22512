package org.bottleneck.data.transform;

import java.util.Arrays;
import org.bottleneck.tensor.Shape;

/**
 * The first n examples of a dataset as the pipeline makes them, for pictures and reports.
 *
 * @param inputs  (n, in…) degraded inputs, row-major
 * @param targets (n, out…) targets
 * @param masks   (n, out…) 0/1 loss masks, all ones for examples without one
 * @param holes   (n, H·W) 1 on the pixels a hole removed, for images; zeros without a hole
 */
public record Examples(int count, Shape inputShape, Shape targetShape, float[] inputs, float[] targets, float[] masks,
                       float[] holes) {
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

    /** (H·W) the hole of example i: 1 where a pixel was removed. */
    public float[] hole(int i) {
        int plane = holes.length / Math.max(1, count);
        return Arrays.copyOfRange(holes, i * plane, (i + 1) * plane);
    }
}
