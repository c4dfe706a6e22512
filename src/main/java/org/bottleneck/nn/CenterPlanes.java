package org.bottleneck.nn;

import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Subtracts from each sample's channel its mean over the image: {@code y(B,C,H,W)[n,c] =
 * x[n,c] − mean_{h,w} x[n,c]}. No parameters. Before bias-free convolutions it makes the network
 * blind to the image's brightness: a flat image becomes zero, and a network without biases maps
 * zero to exactly zero (the super-resolution preset adds nothing to a flat patch). Backward:
 * the same projection applied to dy, {@code dx = dy − mean_{h,w} dy}.
 */
public final class CenterPlanes implements Layer {
    private final Backend backend;
    private Tensor y, dx; // (B,C,H,W) each; dx null for the first layer

    public CenterPlanes(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 4) {
            throw new IllegalArgumentException("CenterPlanes needs input (B,C,H,W), got " + in);
        }
        return in;
    }

    @Override
    public void allocate(Arena arena, Shape in, boolean needInputGrad) {
        y = arena.take(outputShape(in));
        dx = needInputGrad ? arena.take(in) : null;
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        backend.subtractPlaneMean(x, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, Pass pass) {
        if (dx != null) {
            backend.subtractPlaneMean(dy, dx);
        }
        return dx;
    }
}
