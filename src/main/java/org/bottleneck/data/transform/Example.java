package org.bottleneck.data.transform;

import org.bottleneck.tensor.Shape;

/**
 * One training example while the {@link Pipeline} builds it: the model input, the target, and
 * an optional loss mask over the target (1 = the element counts, 0 = it does not). Buffers are
 * allocated once at the pipeline's largest size and reused, so building examples makes no
 * garbage; a transform that changes the shape writes into {@link #spare} and calls {@link #swap}.
 */
public final class Example {
    /** The input as transformed so far: {@code inputShape.size()} values are valid. */
    public float[] input;
    public Shape inputShape;
    /** A second input-sized buffer for transforms that cannot work in place. */
    public float[] spare;
    /** The target (C, H, W) or (F): the clean sample after augmentation. */
    public final float[] target;
    public Shape targetShape;
    /** (targetShape) 0/1 loss weights, valid when {@link #masked}. */
    public final float[] mask;
    public boolean masked;
    /** (H·W) 1 on the pixels a hole transform removed, valid when {@link #holed} (for hole-filling baselines). */
    public final float[] hole;
    public boolean holed;

    Example(int inputCapacity, int targetCapacity) {
        input = new float[inputCapacity];
        spare = new float[inputCapacity];
        target = new float[targetCapacity];
        mask = new float[targetCapacity];
        hole = new float[targetCapacity];
    }

    /** Makes {@link #spare} (now holding {@code shape}) the input. */
    public void swap(Shape shape) {
        float[] t = input;
        input = spare;
        spare = t;
        inputShape = shape;
    }

    public int inputSize() {
        return (int) inputShape.size();
    }

    public int targetSize() {
        return (int) targetShape.size();
    }
}
