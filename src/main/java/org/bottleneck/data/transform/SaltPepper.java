package org.bottleneck.data.transform;

/** Salt-and-pepper noise: element i becomes 0 when u_i &lt; p/2, 1 when p/2 ≤ u_i &lt; p, else stays. */
public record SaltPepper(double p) implements Transform {
    public SaltPepper {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("salt-pepper needs a probability in [0, 1], got " + p);
        }
    }

    @Override
    public void apply(Example e, Draws d) {
        int n = e.inputSize();
        d.uniforms(0, e.spare, n);
        float half = (float) (p / 2), all = (float) p;
        for (int i = 0; i < n; i++) {
            float u = e.spare[i];
            if (u < half) {
                e.input[i] = 0f;
            } else if (u < all) {
                e.input[i] = 1f;
            }
        }
    }

    @Override
    public String describe() {
        return "salt-pepper=" + p;
    }
}
