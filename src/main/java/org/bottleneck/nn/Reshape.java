package org.bottleneck.nn;

import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Flatten ((B,C,H,W) → (B,C·H·W)) and Unflatten ((B,N) → (B,C,H,W)): a new view of the same
 * memory, no copy, no op. The views are made once per input tensor (a plan's tensors are
 * fixed), so the steady state allocates nothing. PyTorch: nn.Flatten / nn.Unflatten(1, (C,H,W)).
 */
public final class Reshape implements Layer {
    private final int[] sampleShape; // null: flatten to (B, N)
    private Tensor lastIn, lastOut, lastDy, lastDx;
    private boolean needInputGrad;

    private Reshape(int[] sampleShape) {
        this.sampleShape = sampleShape;
    }

    public static Reshape flatten() {
        return new Reshape(null);
    }

    /** Unflatten to per-sample dims, e.g. (64, 7, 7). */
    public static Reshape unflatten(int... sampleShape) {
        for (int d : sampleShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("Unflatten needs positive dims, got " + java.util.Arrays.toString(sampleShape));
            }
        }
        return new Reshape(sampleShape.clone());
    }

    public boolean isFlatten() {
        return sampleShape == null;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (sampleShape == null) {
            return Shape.of(in.rows(), in.rowSize());
        }
        int[] dims = new int[sampleShape.length + 1];
        dims[0] = in.rows();
        System.arraycopy(sampleShape, 0, dims, 1, sampleShape.length);
        Shape out = Shape.of(dims);
        if (out.rowSize() != in.rowSize()) {
            throw new IllegalArgumentException("Unflatten to " + java.util.Arrays.toString(sampleShape) + " ("
                    + out.rowSize() + " values) got input " + in + " (" + in.rowSize() + " per sample)");
        }
        return out;
    }

    @Override
    public void allocate(Arena arena, Shape in, boolean needInputGrad) {
        outputShape(in); // validates
        this.needInputGrad = needInputGrad;
        lastIn = lastOut = lastDy = lastDx = null;
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        if (x != lastIn) {
            lastIn = x;
            lastOut = x.reshape(outputShape(x.shape()));
        }
        return lastOut;
    }

    @Override
    public Tensor backward(Tensor dy, Pass pass) {
        if (dy == null || !needInputGrad) {
            return null;
        }
        if (dy != lastDy) {
            lastDy = dy;
            lastDx = dy.reshape(lastIn.shape());
        }
        return lastDx;
    }
}
