package org.bottleneck.nn;

import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Nearest-neighbour upsampling by an integer factor f (PyTorch's nn.Upsample(scale_factor=f,
 * mode='nearest')): {@code y(B,C,H·f,W·f)[n,c,i,j] = x(B,C,H,W)[n,c,i/f,j/f]}; backward sums each
 * f×f block of dy.
 */
public final class Upsample implements Layer {
    private final Backend backend;
    private final int factor;
    private Tensor y, dx; // (B,C,H·f,W·f), (B,C,H,W)

    public Upsample(Backend backend, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("Upsample factor must be ≥ 1, got " + factor);
        }
        this.backend = backend;
        this.factor = factor;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 4) {
            throw new IllegalArgumentException("Upsample needs input (B,C,H,W), got " + in);
        }
        return Shape.of(in.dim(0), in.dim(1), in.dim(2) * factor, in.dim(3) * factor);
    }

    @Override
    public void allocate(Arena arena, Shape in, boolean needInputGrad) {
        y = arena.take(outputShape(in));
        dx = needInputGrad ? arena.take(in) : null;
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        backend.upsampleNearestForward(x, factor, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, Pass pass) {
        if (dx != null) {
            backend.upsampleNearestBackward(dy, factor, dx);
        }
        return dx;
    }
}
