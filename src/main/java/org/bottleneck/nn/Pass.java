package org.bottleneck.nn;

/**
 * What a forward/backward pass needs to know besides tensors: whether it trains (dropout,
 * corruption and latent sampling are on) and which Philox offset this step uses, so every
 * random draw is a pure function of (seed, step) and a resumed run repeats it exactly.
 */
public final class Pass {
    private boolean training;
    private boolean sample;
    private long step;
    private boolean overwriteGradients;

    /** Mutable and reused so the hot path allocates nothing. Backward accumulates gradients. */
    public Pass set(boolean training, boolean sample, long step) {
        this.training = training;
        this.sample = sample;
        this.step = step;
        this.overwriteGradients = false;
        return this;
    }

    /**
     * Lets backward write parameter gradients instead of adding to them. Valid when every
     * parameter receives exactly one contribution per step (no weight sharing), as in our
     * models: the gradient buffer then needs no zeroing pass (1.1M floats per step).
     */
    public Pass overwriteGradients(boolean overwrite) {
        this.overwriteGradients = overwrite;
        return this;
    }

    public boolean overwritesGradients() {
        return overwriteGradients;
    }

    public boolean training() {
        return training;
    }

    /** Whether a VAE head draws z ~ q(z|x) (true) or uses its mean (false). */
    public boolean sample() {
        return sample;
    }

    /** Philox offset of this step: each step owns 2^32 consecutive elements of every stream. */
    public long rngOffset() {
        return step << 32;
    }

    public long step() {
        return step;
    }
}
