package org.bottleneck.train;

import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Storage;
import org.bottleneck.nn.ParameterSet;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * AdamW (Adam when weightDecay = 0) over the whole flat buffer. m and v are one allocation each,
 * so that parameters, gradients, m and v all start at offset 0 of their own buffer: the CPU
 * loop then indexes all four with the same i, which the JIT vectorizes (it does not when the
 * offsets differ, e.g. m and v in one buffer: 2.3 ms instead of 0.27 ms for 1.1M parameters).
 */
public final class AdamW implements Optimizer {
    private final Backend backend;
    private final ParameterSet params;
    private final float beta1, beta2, eps, weightDecay;
    private final Storage mStorage, vStorage;
    private final Tensor m, v; // (P) each
    private int steps;

    public AdamW(Backend backend, ParameterSet params, float beta1, float beta2, float eps, float weightDecay) {
        this.backend = backend;
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        int n = params.values().length();
        this.mStorage = backend.allocate(n, "adamw exp_avg");
        this.vStorage = backend.allocate(n, "adamw exp_avg_sq");
        this.m = new Tensor(mStorage, 0, Shape.of(n));
        this.v = new Tensor(vStorage, 0, Shape.of(n));
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
        vStorage.close();
        mStorage.close();
    }
}
