package org.bottleneck.nn;

import java.util.List;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Fully connected layer with a fused activation: {@code y(B,out) = act(x(B,in)·Wᵀ + b)}.
 * W is (out,in) and b is (out), PyTorch's nn.Linear layout, initialized like PyTorch
 * (U(−1/√in, 1/√in) for both). Backward, with g = dy ⊙ act'(y):
 * {@code dW += gᵀ·x}, {@code db += Σ_b g}, {@code dx = g·W}.
 */
public final class Linear implements Layer {
    private final Backend backend;
    private final int in;
    private final int out;
    private final Activation act;

    private Tensor weight, bias, dWeight, dBias; // (out,in), (out)
    private Tensor y;                             // (B,out) output, saved for act'
    private Tensor dx;                            // (B,in), null for the first layer
    private Tensor x;                             // (B,in) input of the last forward

    public Linear(Backend backend, int in, int out, Activation act) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in=" + in + " out=" + out);
        }
        this.backend = backend;
        this.in = in;
        this.out = out;
        this.act = act;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public Activation activation() {
        return act;
    }

    @Override
    public Shape outputShape(Shape s) {
        if (s.rowSize() != in) {
            throw new IllegalArgumentException("Linear(" + in + "→" + out + ") got input " + s);
        }
        return Shape.of(s.rows(), out);
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(new ParamSpec("weight", Shape.of(out, in)), new ParamSpec("bias", Shape.of(out)));
    }

    @Override
    public void bind(List<Tensor> params, List<Tensor> grads) {
        weight = params.get(0);
        bias = params.get(1);
        dWeight = grads.get(0);
        dBias = grads.get(1);
    }

    @Override
    public void initialize(ParameterInit init) {
        float bound = (float) (1.0 / Math.sqrt(in));
        init.uniform(weight, bound);
        init.uniform(bias, bound);
    }

    @Override
    public void allocate(Arena arena, Shape s, boolean needInputGrad) {
        int batch = outputShape(s).rows();
        y = arena.take(batch, out);
        dx = needInputGrad ? arena.take(batch, in) : null;
    }

    @Override
    public Tensor forward(Tensor input, Pass pass) {
        x = input;
        int batch = input.rows();
        backend.gemm(false, true, batch, out, in, 1f, input, weight, 0f, y);
        backend.biasActivationForward(y, bias, act, y);
        return y;
    }

    /** Overwrites dy with dy ⊙ act'(y). */
    @Override
    public Tensor backward(Tensor dy, Pass pass) {
        int batch = dy.rows();
        boolean overwrite = pass.overwritesGradients();
        if (overwrite) {
            backend.fill(dBias, 0f); // (out) floats; the bias gradient op adds
        }
        backend.biasActivationBackward(y, dy, act, dy, dBias);
        backend.gemm(true, false, out, in, batch, 1f, dy, x, overwrite ? 0f : 1f, dWeight);
        if (dx != null) {
            backend.gemm(false, false, batch, in, out, 1f, dy, weight, 0f, dx);
        }
        return dx;
    }

    @Override
    public List<GemmShape> gemmShapes(Shape s, boolean needInputGrad) {
        int batch = s.rows();
        GemmShape fwd = new GemmShape(false, true, batch, out, in);  // y = x·Wᵀ
        GemmShape dw = new GemmShape(true, false, out, in, batch);   // dW = dyᵀ·x
        GemmShape dxs = new GemmShape(false, false, batch, in, out); // dx = dy·W
        return needInputGrad ? List.of(fwd, dw, dxs) : List.of(fwd, dw);
    }

    @Override
    public int moduleCount() {
        return act == Activation.IDENTITY ? 1 : 2;
    }
}
