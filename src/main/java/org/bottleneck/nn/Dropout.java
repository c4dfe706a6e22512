package org.bottleneck.nn;

import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Inverted dropout, active only in training: {@code y = x ⊙ mask}, mask = 0 with probability p,
 * else 1/(1−p); backward {@code dx = dy ⊙ mask}. Draws from its own Philox stream at the step's
 * offset. Identity at evaluation.
 */
public final class Dropout implements Layer {
    private final Backend backend;
    private final float p;
    private final long seed;
    private Tensor mask, y, dx; // all (B,N)
    private boolean lastTraining;

    public Dropout(Backend backend, float p, long seed) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.backend = backend;
        this.p = p;
        this.seed = seed;
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public void allocate(Arena arena, Shape in, boolean needInputGrad) {
        mask = arena.take(in);
        y = arena.take(in);
        dx = needInputGrad ? arena.take(in) : null;
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        lastTraining = pass.training() && p > 0f;
        if (!lastTraining) {
            return x;
        }
        backend.dropout(x, p, seed, pass.rngOffset(), mask, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, Pass pass) {
        if (dx == null) {
            return null;
        }
        if (!lastTraining) {
            backend.copy(dy, dx);
        } else {
            backend.multiply(dy, mask, dx);
        }
        return dx;
    }
}
