package org.bottleneck.nn;

import java.util.List;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Transposed 2-D convolution with a fused per-channel bias and activation, PyTorch's
 * nn.ConvTranspose2d layout: weight (Cin,Cout,k,k), {@code y(B,Cout,Ho,Wo)[n,co,ih·s−p+kh,iw·s−p+kw]
 * += x(B,Cin,H,W)[n,ci,ih,iw]·W[ci,co,kh,kw]}, then {@code act(· + b[co])}, with
 * {@code Ho = (H − 1)·s − 2p + k + op} (output padding op &lt; s adds rows at the bottom/right).
 *
 * <p>It is the convolution G from (Cout, Ho, Wo) to (Cin, H, W) with weight (Cin, Cout, k, k)
 * run backwards, so it needs no op of its own: forward = conv2dBackwardData of G, dx =
 * conv2dForward of G on g = dy ⊙ act'(y), dW = conv2dBackwardFilter of G with x and g swapped.
 * Initialized like PyTorch, whose fan-in for this weight is Cout·k·k: U(±1/√(Cout·k·k)).
 * Without a bias ({@code hasBias} false, PyTorch's {@code bias=False}) there is no b.
 */
public final class ConvTranspose2d implements Layer {
    private final Backend backend;
    private final int inC, outC, kernel, stride, padding, outputPadding;
    private final Activation act;
    private final boolean hasBias;               // false: no b, y = act(conv) (PyTorch's bias=False)

    private Tensor weight, bias, dWeight, dBias; // (Cin,Cout,k,k), (Cout)
    private ConvGeometry geometry;               // the convolution (B,Cout,Ho,Wo) → (B,Cin,H,W)
    private Tensor y;                            // (B,Cout,Ho,Wo), saved for act'
    private Tensor dx;                           // (B,Cin,H,W), null for the first layer
    private Tensor workspace;                    // arena scratch, shared with other layers
    private Tensor x;                            // input of the last forward

    /** With a bias, PyTorch's default. */
    public ConvTranspose2d(Backend backend, int inC, int outC, int kernel, int stride, int padding, int outputPadding,
                           Activation act) {
        this(backend, inC, outC, kernel, stride, padding, outputPadding, act, true);
    }

    public ConvTranspose2d(Backend backend, int inC, int outC, int kernel, int stride, int padding, int outputPadding,
                           Activation act, boolean hasBias) {
        if (inC <= 0 || outC <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || outputPadding < 0
                || outputPadding >= stride) {
            throw new IllegalArgumentException("ConvTranspose2d needs positive channels, kernel and stride, padding ≥ 0"
                    + " and 0 ≤ output padding < stride, got in=" + inC + " out=" + outC + " k=" + kernel + " s=" + stride
                    + " p=" + padding + " op=" + outputPadding);
        }
        this.backend = backend;
        this.inC = inC;
        this.outC = outC;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        this.act = act;
        this.hasBias = hasBias;
    }

    ConvGeometry geometry(Shape in) {
        if (in.rank() != 4 || in.dim(1) != inC) {
            throw new IllegalArgumentException("ConvTranspose2d(" + inC + "→" + outC + ", k" + kernel + ") needs input (B,"
                    + inC + ",H,W), got " + in);
        }
        int outH = (in.dim(2) - 1) * stride - 2 * padding + kernel + outputPadding;
        int outW = (in.dim(3) - 1) * stride - 2 * padding + kernel + outputPadding;
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("ConvTranspose2d(" + inC + "→" + outC + ", k" + kernel + " s" + stride
                    + " p" + padding + ") gives an empty output " + outH + "×" + outW + " for input " + in);
        }
        ConvGeometry g = new ConvGeometry(in.dim(0), outC, outH, outW, inC, kernel, stride, padding);
        if (g.outH() != in.dim(2) || g.outW() != in.dim(3)) { // cannot happen for op < s; guards the formula
            throw new IllegalStateException("ConvTranspose2d geometry " + g + " does not invert input " + in);
        }
        return g;
    }

    @Override
    public Shape outputShape(Shape in) {
        return geometry(in).inputShape();
    }

    @Override
    public List<ParamSpec> parameters() {
        ParamSpec w = new ParamSpec("weight", Shape.of(inC, outC, kernel, kernel));
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
        float bound = (float) (1.0 / Math.sqrt((double) outC * kernel * kernel));
        init.uniform(weight, bound);
        if (hasBias) {
            init.uniform(bias, bound);
        }
    }

    @Override
    public void allocate(Arena arena, Shape in, boolean needInputGrad) {
        geometry = geometry(in);
        y = arena.take(geometry.inputShape());
        dx = needInputGrad ? arena.take(in) : null;
        workspace = arena.scratch(backend.convWorkspaceFloats(geometry));
    }

    @Override
    public Tensor forward(Tensor input, Pass pass) {
        x = input;
        backend.conv2dBackwardData(geometry, input, weight, y, workspace);
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
            backend.fill(dBias, 0f);
        }
        backend.channelBiasActivationBackward(y, dy, act, dy, dBias);
        backend.conv2dBackwardFilter(geometry, dy, x, overwrite ? 0f : 1f, dWeight, workspace);
        if (dx != null) {
            backend.conv2dForward(geometry, dy, weight, dx, workspace);
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
        return needInputGrad ? List.of(data, filter, conv) : List.of(data, filter);
    }

    @Override
    public int moduleCount() {
        return act == Activation.IDENTITY ? 1 : 2;
    }
}
