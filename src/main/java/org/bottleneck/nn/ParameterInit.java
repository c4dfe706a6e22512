package org.bottleneck.nn;

import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;
import org.bottleneck.tensor.Tensor;

/**
 * Initial values from one seed: parameter i of the model draws from Philox stream
 * {@code derive(seed, 1000 + i)}, so a given seed gives the same weights on every backend.
 */
public final class ParameterInit {
    private final Backend backend;
    private final long seed;
    private int next;

    public ParameterInit(Backend backend, long seed) {
        this.backend = backend;
        this.seed = seed;
    }

    /** t ~ U(−bound, bound), PyTorch's default for Linear weights and biases (bound = 1/√fan_in). */
    public void uniform(Tensor t, float bound) {
        long stream = Streams.of(seed, Streams.PARAMETER_INIT, next++);
        float[] host = new float[t.length()];
        for (int i = 0; i < host.length; i++) {
            host[i] = (2f * Philox.uniform(stream, i) - 1f) * bound;
        }
        backend.upload(host, 0, t);
    }
}
