package org.bottleneck.backend;

/**
 * The per-step scalars of AdamW, computed once on the host in double and rounded to float, so
 * the CPU loop and the CUDA kernel apply bit-identical constants:
 * {@code stepSize = lr / (1 − β1^t)}, {@code bc2Sqrt = sqrt(1 − β2^t)}, {@code decay = 1 − lr·wd}.
 */
public final class AdamWStep {
    private AdamWStep() {
    }

    /** Rejects a step count below 1 (bias corrections divide by 1 − β^t). */
    public static void checkStep(int step) {
        if (step < 1) {
            throw new IllegalArgumentException("adamw: step must start at 1, got " + step);
        }
    }

    public static float stepSize(float lr, float beta1, int step) {
        return lr / (float) (1.0 - Math.pow(beta1, step));
    }

    public static float bc2Sqrt(float beta2, int step) {
        return (float) Math.sqrt(1.0 - Math.pow(beta2, step));
    }

    public static float decay(float lr, float weightDecay) {
        return 1f - lr * weightDecay;
    }
}
