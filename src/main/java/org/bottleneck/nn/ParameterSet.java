package org.bottleneck.nn;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Storage;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * All parameters of a model in one allocation and all gradients in another, each parameter a
 * view. Sizes are computed in one place ({@link #offsets}); every view starts on a 64-float
 * boundary (padding stays zero, so optimizers may sweep the whole flat buffer).
 */
public final class ParameterSet implements AutoCloseable {
    private static final int ALIGN = 64;

    private final List<ParamSpec> specs;
    private final Storage valueStorage;
    private final Storage gradStorage;
    private final Tensor values; // (P) flat, padding included
    private final Tensor grads;  // (P)
    private final List<Tensor> valueViews = new ArrayList<>();
    private final List<Tensor> gradViews = new ArrayList<>();
    private final long count;

    public ParameterSet(Backend backend, List<ParamSpec> specs) {
        this.specs = List.copyOf(specs);
        long[] offsets = offsets(specs);
        long total = offsets[specs.size()];
        long c = 0;
        for (ParamSpec p : specs) {
            c += p.shape().size();
        }
        this.count = c;
        this.valueStorage = backend.allocate(Math.max(total, 1), "parameters");
        this.gradStorage = backend.allocate(Math.max(total, 1), "gradients");
        this.values = new Tensor(valueStorage, 0, Shape.of((int) total));
        this.grads = new Tensor(gradStorage, 0, Shape.of((int) total));
        for (int i = 0; i < specs.size(); i++) {
            Shape s = specs.get(i).shape();
            valueViews.add(new Tensor(valueStorage, offsets[i], s));
            gradViews.add(new Tensor(gradStorage, offsets[i], s));
        }
    }

    /** offsets[i] = start of parameter i; offsets[n] = total floats with padding. */
    static long[] offsets(List<ParamSpec> specs) {
        long[] off = new long[specs.size() + 1];
        long at = 0;
        for (int i = 0; i < specs.size(); i++) {
            off[i] = at;
            at += (specs.get(i).shape().size() + ALIGN - 1) / ALIGN * ALIGN;
        }
        off[specs.size()] = at;
        return off;
    }

    public List<ParamSpec> specs() {
        return specs;
    }

    /** Flat view over every parameter (padding included). */
    public Tensor values() {
        return values;
    }

    /** Flat view over every gradient (padding included). */
    public Tensor grads() {
        return grads;
    }

    public List<Tensor> valueViews() {
        return valueViews;
    }

    public List<Tensor> gradViews() {
        return gradViews;
    }

    /** Number of trainable scalars, padding excluded. */
    public long count() {
        return count;
    }

    public int indexOf(String name) {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        gradStorage.close();
        valueStorage.close();
    }
}
