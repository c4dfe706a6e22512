package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;

/**
 * The CPU backend's hot element-wise loops on raw arrays, in two interchangeable twins:
 * {@link JavaLoops} (plain Java, the reference and the fallback) and {@link NativeLoops} (the
 * same loops in C, native/cpu/fused_loops.c, vectorized by gcc where JDK 17's JIT will not).
 * CpuBackend checks shapes and picks a twin once; NativeLoopsTest holds the two together.
 *
 * <p>Dimensions: B = rows (batch), D = cols (features). Offsets are in floats. x, y, dx, dy, t
 * are (B, D) row-major from their offsets; bias and dbias (D); loss (B). Outputs may be their
 * inputs exactly (in place) or disjoint from them, never partly overlapping.
 */
interface Loops {

    /** {@code y = act(x + bias)}, bias broadcast over rows. */
    void biasActivationForward(float[] x, int ox, float[] bias, int ob, float[] y, int oy, int rows, int cols,
                               Activation act);

    /** {@code dx = dy ⊙ act'(y)}; then, if dbias is not null, {@code dbias += Σ_rows dx}. */
    void biasActivationBackward(float[] y, int oy, float[] dy, int ody, float[] dx, int odx, float[] dbias, int odb,
                                int rows, int cols, Activation act);

    /**
     * {@code loss[b] = Σ_d max(x,0) − x·t + log1p(e^−|x|)}; if dx is not null,
     * {@code dx = gradScale·(σ(x) − t)}.
     */
    void bceWithLogits(float[] x, int ox, float[] t, int ot, float[] loss, int ol, float[] dx, int odx, int rows,
                       int cols, float gradScale);

    /**
     * AdamW over n parameters from the four offsets (constants from
     * {@link org.bottleneck.backend.AdamWStep}): {@code m = β1·m + (1−β1)·g},
     * {@code v = β2·v + (1−β2)·g²}, {@code p = p·decay − stepSize·m / (√v / bc2Sqrt + eps)}.
     */
    void adamw(float[] p, int op, float[] g, int og, float[] m, int om, float[] v, int ov, int n, float beta1,
               float beta2, float eps, float decay, float stepSize, float bc2Sqrt);
}
