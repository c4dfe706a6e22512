package org.bottleneck.backend.cpu;

/**
 * BCE with logits under a loss mask (0/1 weights per element), the CPU twin of the masked
 * path of {@code native/kernels/loss.cu}: {@code loss[b] = Σ_d m·ℓ}, {@code dx = gradScale·m·(σ(x) − t)}.
 * A plain loop: masked losses train inpainting models, where the mask is what matters, and
 * the unmasked fast path (Loops.bceWithLogits) is left as it is.
 */
final class MaskedLosses {
    private MaskedLosses() {
    }

    /** x, t, m, dx (rows, cols) at their offsets; loss (rows). */
    static void bce(float[] x, int ox, float[] t, int ot, float[] m, int om, float[] loss, int ol, float[] dx, int odx,
                    int rows, int cols, float gradScale) {
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                float v = x[ox + i], y = t[ot + i], w = m[om + i];
                double e = Math.exp(-Math.abs(v));
                sum += w * ((Math.max(v, 0f) - (double) v * y) + Math.log1p(e));
                if (dx != null) {
                    double s = v >= 0f ? 1.0 / (1.0 + e) : e / (1.0 + e);
                    dx[odx + i] = gradScale * w * (float) (s - y);
                }
            }
            loss[ol + r] = (float) sum;
        }
    }
}
