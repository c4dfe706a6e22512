package org.bottleneck.nn;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Layers applied in order. Parameter names follow PyTorch's nn.Sequential: "<prefix>.<slot>.<name>",
 * where a Linear with a fused activation fills two slots (Linear, then the activation module),
 * so our checkpoints load into the equivalent PyTorch model.
 */
public final class Sequential implements Layer {
    private final String prefix;
    private final List<Layer> layers;

    public Sequential(String prefix, List<Layer> layers) {
        this.prefix = prefix;
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public Shape outputShape(Shape in) {
        Shape s = in;
        for (Layer l : layers) {
            s = l.outputShape(s);
        }
        return s;
    }

    /** Fully qualified parameter names and shapes ("encoder.0.weight", …). */
    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> out = new ArrayList<>();
        int slot = 0;
        for (Layer l : layers) {
            for (ParamSpec p : l.parameters()) {
                out.add(new ParamSpec(prefix + "." + slot + "." + p.name(), p.shape()));
            }
            slot += l.moduleCount();
        }
        return out;
    }

    @Override
    public void bind(List<Tensor> params, List<Tensor> grads) {
        int i = 0;
        for (Layer l : layers) {
            int n = l.parameters().size();
            l.bind(params.subList(i, i + n), grads.subList(i, i + n));
            i += n;
        }
    }

    @Override
    public void initialize(ParameterInit init) {
        for (Layer l : layers) {
            l.initialize(init);
        }
    }

    @Override
    public void allocate(Arena arena, Shape in, boolean needInputGrad) {
        Shape s = in;
        boolean need = needInputGrad;
        for (Layer l : layers) {
            l.allocate(arena, s, need);
            s = l.outputShape(s);
            need = needGradAfter(need, l);
        }
    }

    /**
     * Whether the layer after {@code l} must return its input gradient: when anything at or
     * before {@code l} learns (or the caller wants the gradient of the input). Parameter-free
     * layers in front (a centring layer) do not make the first convolution compute a dx that
     * nobody reads.
     */
    private static boolean needGradAfter(boolean needBefore, Layer l) {
        return needBefore || !l.parameters().isEmpty();
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor t = x;
        for (int i = 0; i < layers.size(); i++) { // indexed: no iterator on the hot path
            t = layers.get(i).forward(t, pass);
        }
        return t;
    }

    @Override
    public Tensor backward(Tensor dy, Pass pass) {
        Tensor g = dy;
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(g, pass);
        }
        return g;
    }

    @Override
    public List<GemmShape> gemmShapes(Shape in, boolean needInputGrad) {
        List<GemmShape> out = new ArrayList<>();
        Shape s = in;
        boolean need = needInputGrad;
        for (Layer l : layers) {
            out.addAll(l.gemmShapes(s, need));
            s = l.outputShape(s);
            need = needGradAfter(need, l);
        }
        return out;
    }

    @Override
    public int moduleCount() {
        return 1;
    }
}
