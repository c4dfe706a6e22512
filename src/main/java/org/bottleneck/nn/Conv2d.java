package org.bottleneck.nn;

import java.util.List;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * 2-D convolution with a fused per-channel bias and activation, PyTorch's nn.Conv2d layout:
 * {@code y(B,Cout,Ho,Wo) = act(x(B,Cin,H,W) ⋆ W(Cout,Cin,k,k) + b(Cout))}, zero padding p,
 * stride s, {@code Ho = (H + 2p − k)/s + 1}. Initialized like PyTorch (U(±1/√(Cin·k·k)) for W
 * and b). Backward, with g = dy ⊙ act'(y): {@code db += Σ_{n,h,w} g}, {@code dW += g ⋆ x}
 * (conv2dBackwardFilter), {@code dx = g ⋆ᵀ W} (conv2dBackwardData). Any H, W the kernel fits.
 * Without a bias ({@code hasBias} false, PyTorch's {@code bias=False}) there is no b and its
 * parameter is not in the checkpoint.
 */
public final class Conv2d implements Layer {
    private final Backend backend;
    private final int inC, outC, kernel, stride, padding;
    private final Activation act;
    private final boolean hasBias;               // false: no b, y = act(conv) (PyTorch's bias=False)

    private Tensor weight, bias, dWeight, dBias; // (Cout,Cin,k,k), (Cout)
    private ConvGeometry geometry;               // of the planned batch
    private Tensor y;                            // (B,Cout,Ho,Wo), saved for act'
    private Tensor dx;                           // (B,Cin,H,W), null for the first layer
    private Tensor workspace;                    // arena scratch, shared with other layers
    private Tensor x;                            // input of the last forward

    /** With a bias, PyTorch's default. */
    public Conv2d(Backend backend, int inC, int outC, int kernel, int stride, int padding, Activation act) {
        this(backend, inC, outC, kernel, stride, padding, act, true);
    }

    public Conv2d(Backend backend, int inC, int outC, int kernel, int stride, int padding, Activation act, boolean hasBias) {
        if (inC <= 0 || outC <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d needs positive channels, kernel and stride and padding ≥ 0, got in="
                    + inC + " out=" + outC + " k=" + kernel + " s=" + stride + " p=" + padding);
        }
        this.backend = backend;
        this.inC = inC;
        this.outC = outC;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.act = act;
        this.hasBias = hasBias;
    }

    /** The geometry of input {@code in} (B,Cin,H,W); fails with both shapes when it does not fit. */
    ConvGeometry geometry(Shape in) {
        if (in.rank() != 4 || in.dim(1) != inC) {
            throw new IllegalArgumentException("Conv2d(" + inC + "→" + outC + ", k" + kernel + ") needs input (B,"
                    + inC + ",H,W), got " + in);
        }
        return new ConvGeometry(in.dim(0), inC, in.dim(2), in.dim(3), outC, kernel, stride, padding);
    }

    @Override
    public Shape outputShape(Shape in) {
        return geometry(in).outputShape();
    }

    @Override
    public List<ParamSpec> parameters() {
        ParamSpec w = new ParamSpec("weight", Shape.of(outC, inC, kernel, kernel));
        return hasBias ? List.of(w, new ParamSpec("bias", Shape.of(outC))) : List.of(w);
    }

    @Override
    public void bind(List<Tensor> params, List<Tensor> grads) {
        weight = params.get(0);
        dWeight = grads.get(0);
        bias = hasBias ? params.get(1) : null;
        dBias = hasBias ? grads.get(1) : null;
    }

    @Override
    public void initialize(ParameterInit init) {
        float bound = (float) (1.0 / Math.sqrt((double) inC * kernel * kernel));
        init.uniform(weight, bound);
        if (hasBias) {
            init.uniform(bias, bound);
        }
    }

    @Override
    public void allocate(Arena arena, Shape in, boolean needInputGrad) {
        geometry = geometry(in);
        y = arena.take(geometry.outputShape());
        dx = needInputGrad ? arena.take(in) : null;
        workspace = arena.scratch(backend.convWorkspaceFloats(geometry));
    }

    @Override
    public Tensor forward(Tensor input, Pass pass) {
        x = input;
        backend.conv2dForward(geometry, input, weight, y, workspace);
        if (hasBias || act != Activation.IDENTITY) { // else y + 0 = y: nothing to do
            backend.channelBiasActivationForward(y, bias, act, y);
        }
        return y;
    }

    /** Overwrites dy with dy ⊙ act'(y). */
    @Override
    public Tensor backward(Tensor dy, Pass pass) {
        boolean overwrite = pass.overwritesGradients();
        if (overwrite && hasBias) {
            backend.fill(dBias, 0f); // (Cout) floats; the bias gradient op adds
        }
        backend.channelBiasActivationBackward(y, dy, act, dy, dBias);
        backend.conv2dBackwardFilter(geometry, x, dy, overwrite ? 0f : 1f, dWeight, workspace);
        if (dx != null) {
            backend.conv2dBackwardData(geometry, dy, weight, dx, workspace);
        }
        return dx;
    }

    /** The im2col GEMMs of the backends without cuDNN, over the whole batch (see ConvGeometry). */
    @Override
    public List<GemmShape> gemmShapes(Shape in, boolean needInputGrad) {
        ConvGeometry g = geometry(in);
        int m = g.batch() * g.outPlane(), k = g.patchSize();
        GemmShape conv = new GemmShape(false, true, m, g.outC(), k);  // rows = cols·Wᵀ
        GemmShape filter = new GemmShape(true, false, g.outC(), k, m); // dW = rowsᵀ·cols
        GemmShape data = new GemmShape(false, false, m, k, g.outC());  // dcols = rows·W
        return needInputGrad ? List.of(conv, filter, data) : List.of(conv, filter);
    }

    @Override
    public int moduleCount() {
        return act == Activation.IDENTITY ? 1 : 2;
    }
}
