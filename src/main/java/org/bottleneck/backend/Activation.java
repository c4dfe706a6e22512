package org.bottleneck.backend;

/**
 * Element-wise activations fused with the bias add. Each derivative is written in terms of the
 * output y, so backward needs only the saved output: relu' = [y &gt; 0], leaky' = y &gt; 0 ? 1 : 0.01,
 * sigmoid' = y(1 − y), tanh' = 1 − y².
 */
public enum Activation {
    IDENTITY, RELU, LEAKY_RELU, SIGMOID, TANH;

    /** Negative slope of LEAKY_RELU, PyTorch's default. */
    public static final float LEAKY_SLOPE = 0.01f;

    /** Stable integer code passed to CUDA kernels (keep in step with native/kernels/common.cuh). */
    public int code() {
        return ordinal();
    }

    public float apply(float x) {
        switch (this) {
            case RELU: return x > 0f ? x : 0f;
            case LEAKY_RELU: return x > 0f ? x : LEAKY_SLOPE * x;
            case SIGMOID: return 1f / (1f + (float) Math.exp(-x));
            case TANH: return (float) Math.tanh(x);
            default: return x;
        }
    }

    /** dact/dx expressed through the output y = act(x). */
    public float derivativeFromOutput(float y) {
        switch (this) {
            case RELU: return y > 0f ? 1f : 0f;
            case LEAKY_RELU: return y > 0f ? 1f : LEAKY_SLOPE;
            case SIGMOID: return y * (1f - y);
            case TANH: return 1f - y * y;
            default: return 1f;
        }
    }

    public static Activation parse(String s) {
        return switch (s.toLowerCase().replace('-', '_')) {
            case "identity", "linear", "none" -> IDENTITY;
            case "relu" -> RELU;
            case "leaky_relu", "leakyrelu" -> LEAKY_RELU;
            case "sigmoid" -> SIGMOID;
            case "tanh" -> TANH;
            default -> throw new IllegalArgumentException("unknown activation '" + s
                    + "' (expected identity, relu, leaky_relu, sigmoid, tanh)");
        };
    }
}
