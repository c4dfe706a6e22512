package org.bottleneck.data.transform;

/** Masking noise: element i becomes 0 when u_i &lt; p (Vincent et al. 2008). */
public record MaskingNoise(double p) implements Transform {
    public MaskingNoise {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("masking needs a probability in [0, 1), got " + p);
        }
    }

    @Override
    public void apply(Example e, Draws d) {
        int n = e.inputSize();
        d.uniforms(0, e.spare, n);
        float q = (float) p;
        for (int i = 0; i < n; i++) {
            if (e.spare[i] < q) {
                e.input[i] = 0f;
            }
        }
    }

    @Override
    public String describe() {
        return "masking=" + p;
    }
}
