package org.bottleneck.train;

import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Storage;
import org.bottleneck.nn.ParameterSet;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/** SGD with momentum (PyTorch semantics, dampening 0) over the whole flat buffer. */
public final class Sgd implements Optimizer {
    private final Backend backend;
    private final ParameterSet params;
    private final float momentum, weightDecay;
    private final Storage storage;
    private final Tensor velocity; // (P)
    private int steps;

    public Sgd(Backend backend, ParameterSet params, float momentum, float weightDecay) {
        this.backend = backend;
        this.params = params;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        int n = params.values().length();
        this.storage = backend.allocate(n, "sgd state");
        this.velocity = new Tensor(storage, 0, Shape.of(n));
    }

    @Override
    public void step(float lr) {
        steps++;
        backend.sgd(params.values(), params.grads(), velocity, lr, momentum, weightDecay);
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public void setSteps(int steps) {
        this.steps = steps;
    }

    @Override
    public List<Named> state() {
        return List.of(new Named("momentum_buffer", velocity));
    }

    @Override
    public String describe() {
        return "sgd(momentum=" + momentum + (weightDecay == 0 ? "" : ", wd=" + weightDecay) + ")";
    }

    @Override
    public void close() {
        storage.close();
    }
}
