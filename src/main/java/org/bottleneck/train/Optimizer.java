package org.bottleneck.train;

import java.util.List;
import org.bottleneck.tensor.Tensor;

/**
 * Updates a model's flat parameter buffer from its flat gradient buffer in one fused pass.
 * Its state (moments, velocity) is one allocation; {@link #state()} exposes it as named flat
 * tensors for checkpoints.
 */
public interface Optimizer extends AutoCloseable {

    /** Applies one update with learning rate lr and counts the step. */
    void step(float lr);

    org.bottleneck.backend.Backend backend();

    /** Updates applied so far (restored on resume). */
    int steps();

    void setSteps(int steps);

    /** Named flat state tensors, each the size of the parameter buffer ("exp_avg", …). */
    List<Named> state();

    String describe();

    @Override
    void close();

    record Named(String name, Tensor tensor) {
    }
}
