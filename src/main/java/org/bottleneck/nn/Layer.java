package org.bottleneck.nn;

import java.util.List;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * An explicit forward/backward pair over tensors (no autograd). Lifecycle:
 * <ol>
 *   <li>{@link #parameters()} declares parameter shapes; the model allocates one flat buffer for
 *       all parameters and one for all gradients and hands each layer its views
 *       ({@link #bind}).</li>
 *   <li>{@link #allocate} takes the layer's activations for one batch size from an arena; it is
 *       called twice per plan (a sizing pass, then the real one) and again when the batch size
 *       changes. Nothing is allocated after that.</li>
 *   <li>{@link #forward} saves what backward needs; {@link #backward} returns dL/dx and
 *       <em>accumulates</em> into the parameter gradients (or writes them, when the pass says
 *       {@link Pass#overwritesGradients()}).</li>
 * </ol>
 */
public interface Layer {

    /** Output shape for input shape {@code in} (batch first). */
    Shape outputShape(Shape in);

    /** Parameters in checkpoint order, names relative to the layer ("weight", "bias"). */
    default List<ParamSpec> parameters() {
        return List.of();
    }

    /** Views into the model's flat parameter and gradient buffers, in {@link #parameters()} order. */
    default void bind(List<Tensor> params, List<Tensor> grads) {
    }

    /** Fills parameters with their initial values from the model seed. */
    default void initialize(ParameterInit init) {
    }

    /**
     * Takes this layer's activation buffers for input shape {@code in}.
     *
     * @param needInputGrad false for the first layer, whose dL/dx nobody reads
     */
    void allocate(Arena arena, Shape in, boolean needInputGrad);

    /** y = f(x). x must stay untouched until backward (layers keep references to their input). */
    Tensor forward(Tensor x, Pass pass);

    /** dL/dx from dL/dy; null when allocate was told needInputGrad = false. */
    Tensor backward(Tensor dy, Pass pass);

    /**
     * The GEMMs one training step of this layer runs for input {@code in} (forward, then the
     * weight gradient, then dL/dx when {@code needInputGrad}); none for layers without GEMMs.
     */
    default List<GemmShape> gemmShapes(Shape in, boolean needInputGrad) {
        return List.of();
    }

    /** How many PyTorch nn.Sequential slots this layer fills (Linear + ReLU = 2), for names. */
    default int moduleCount() {
        return 1;
    }
}
