package org.bottleneck.train;

import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Storage;
import org.bottleneck.nn.ParameterSet;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/** AdamW (Adam when weightDecay = 0) over the whole flat buffer; m and v share one allocation. */
public final class AdamW implements Optimizer {
    private final Backend backend;
    private final ParameterSet params;
    private final float beta1, beta2, eps, weightDecay;
    private final Storage storage; // (2P): m then v
    private final Tensor m, v;     // (P) each
    private int steps;

    public AdamW(Backend backend, ParameterSet params, float beta1, float beta2, float eps, float weightDecay) {
        this.backend = backend;
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        int n = params.values().length();
        this.storage = backend.allocate(2L * n, "adamw state");
        this.m = new Tensor(storage, 0, Shape.of(n));
        this.v = new Tensor(storage, n, Shape.of(n));
    }

    @Override
    public void step(float lr) {
        steps++;
        backend.adamw(params.values(), params.grads(), m, v, lr, beta1, beta2, eps, weightDecay, steps);
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
        return List.of(new Named("exp_avg", m), new Named("exp_avg_sq", v));
    }

    @Override
    public String describe() {
        return (weightDecay == 0 ? "adam" : "adamw") + "(β1=" + beta1 + ", β2=" + beta2 + ", eps=" + eps
                + (weightDecay == 0 ? "" : ", wd=" + weightDecay) + ")";
    }

    @Override
    public void close() {
        storage.close();
    }
}
