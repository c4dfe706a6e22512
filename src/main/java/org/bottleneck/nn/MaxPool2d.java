package org.bottleneck.nn;

import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Max pooling without padding (PyTorch's nn.MaxPool2d(k, s)): {@code y(B,C,Ho,Wo)} = the maximum
 * of each k×k window at stride s, {@code Ho = (H − k)/s + 1}. Forward saves where each maximum
 * was (argmax); backward routes dy there.
 */
public final class MaxPool2d implements Layer {
    private final Backend backend;
    private final int kernel, stride;
    private Tensor y, argmax; // (B,C,Ho,Wo)
    private Tensor dx;        // (B,C,H,W)

    public MaxPool2d(Backend backend, int kernel, int stride) {
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException("MaxPool2d needs kernel and stride ≥ 1, got k=" + kernel + " s=" + stride);
        }
        this.backend = backend;
        this.kernel = kernel;
        this.stride = stride;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 4 || in.dim(2) < kernel || in.dim(3) < kernel) {
            throw new IllegalArgumentException("MaxPool2d(k" + kernel + ", s" + stride + ") needs input (B,C,H,W) with H, W ≥ "
                    + kernel + ", got " + in);
        }
        return Shape.of(in.dim(0), in.dim(1), (in.dim(2) - kernel) / stride + 1, (in.dim(3) - kernel) / stride + 1);
    }

    @Override
    public void allocate(Arena arena, Shape in, boolean needInputGrad) {
        Shape out = outputShape(in);
        y = arena.take(out);
        argmax = arena.take(out);
        dx = needInputGrad ? arena.take(in) : null;
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        backend.maxPoolForward(x, kernel, stride, y, argmax);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, Pass pass) {
        if (dx != null) {
            backend.maxPoolBackward(dy, argmax, kernel, stride, dx);
        }
        return dx;
    }
}
