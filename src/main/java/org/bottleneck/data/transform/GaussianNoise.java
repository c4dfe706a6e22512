package org.bottleneck.data.transform;

/**
 * {@code x + σ·n}, n ~ N(0, 1) per element (normal i of the draws for element i); clipped to
 * the data range [0, 1] for images, unclipped for standardized tables or when asked
 * ({@code gaussian=σ:unclipped}, what {@code --corruption gaussian} gives, as before this
 * pipeline). Clipping changes the task: the noise is no longer zero-mean (a black pixel's
 * expected input is 0.4σ), and a denoiser trained on it reconstructs clean inputs worse.
 */
public record GaussianNoise(double sigma, boolean clip) implements Transform {
    public GaussianNoise {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("gaussian noise needs a finite σ ≥ 0, got " + sigma);
        }
    }

    @Override
    public void apply(Example e, Draws d) {
        int n = e.inputSize();
        d.normals(0, e.spare, 0, n);
        float s = (float) sigma;
        for (int i = 0; i < n; i++) {
            float v = e.input[i] + s * e.spare[i];
            e.input[i] = clip ? Math.min(1f, Math.max(0f, v)) : v;
        }
    }

    @Override
    public String describe() {
        return "gaussian=" + sigma + (clip ? "" : ":unclipped");
    }
}
