package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;

/**
 * The {@link Loops} in plain Java: the reference twin of {@link NativeLoops}, and what the CPU
 * backend runs when the native library is absent. Written so the JIT can vectorize what it
 * will (one activation per loop, no per-element dispatch).
 */
final class JavaLoops implements Loops {

    @Override
    public void biasActivationForward(float[] px, int ox, float[] pb, int ob, float[] py, int oy, int rows, int cols,
                                      Activation act) {
        for (int r = 0; r < rows; r++) {
            int bx = ox + r * cols, by = oy + r * cols;
            switch (act) { // one loop per activation so each one vectorizes
                case RELU -> {
                    for (int j = 0; j < cols; j++) {
                        py[by + j] = Math.max(px[bx + j] + pb[ob + j], 0f);
                    }
                }
                case LEAKY_RELU -> {
                    for (int j = 0; j < cols; j++) {
                        float v = px[bx + j] + pb[ob + j];
                        py[by + j] = v > 0f ? v : Activation.LEAKY_SLOPE * v;
                    }
                }
                case SIGMOID -> {
                    for (int j = 0; j < cols; j++) {
                        py[by + j] = (float) (1.0 / (1.0 + Math.exp(-(px[bx + j] + pb[ob + j]))));
                    }
                }
                case TANH -> {
                    for (int j = 0; j < cols; j++) {
                        py[by + j] = (float) Math.tanh(px[bx + j] + pb[ob + j]);
                    }
                }
                default -> {
                    for (int j = 0; j < cols; j++) {
                        py[by + j] = px[bx + j] + pb[ob + j];
                    }
                }
            }
        }
    }

    @Override
    public void biasActivationBackward(float[] py, int oy, float[] pdy, int ody, float[] pdx, int odx, float[] pdb,
                                       int odb, int rows, int cols, Activation act) {
        for (int r = 0; r < rows; r++) {
            int by = oy + r * cols, bdy = ody + r * cols, bdx = odx + r * cols;
            switch (act) {
                case RELU -> {
                    for (int j = 0; j < cols; j++) {
                        pdx[bdx + j] = py[by + j] > 0f ? pdy[bdy + j] : 0f;
                    }
                }
                case LEAKY_RELU -> {
                    for (int j = 0; j < cols; j++) {
                        pdx[bdx + j] = py[by + j] > 0f ? pdy[bdy + j] : Activation.LEAKY_SLOPE * pdy[bdy + j];
                    }
                }
                case SIGMOID -> {
                    for (int j = 0; j < cols; j++) {
                        float v = py[by + j];
                        pdx[bdx + j] = pdy[bdy + j] * (v * (1f - v)); // same rounding as the kernel
                    }
                }
                case TANH -> {
                    for (int j = 0; j < cols; j++) {
                        float v = py[by + j];
                        pdx[bdx + j] = pdy[bdy + j] * (1f - v * v);
                    }
                }
                default -> System.arraycopy(pdy, bdy, pdx, bdx, cols);
            }
            if (pdb != null) { // bias gradient from the row just written, while it is in L1
                for (int j = 0; j < cols; j++) {
                    pdb[odb + j] += pdx[bdx + j];
                }
            }
        }
    }

    @Override
    public void bceWithLogits(float[] px, int ox, float[] pt, int ot, float[] pl, int ol, float[] pdx, int odx,
                              int rows, int cols, float gradScale) {
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            double product = 1; // Π(1 + e) over up to 32 pixels: each factor is in (1, 2], so no overflow
            for (int j = 0; j < cols; j++) {
                float v = px[ox + r * cols + j], y = pt[ot + r * cols + j];
                // e = exp(−|x|) serves both terms: log1p(e) of the stable loss and the sigmoid.
                double e = Math.exp(-Math.abs(v));
                sum += Math.max(v, 0f) - (double) v * y;
                product *= 1.0 + e;
                if ((j & 31) == 31) { // Σ log(1+e) as one log per 32 pixels: log is the costly part
                    sum += Math.log(product);
                    product = 1;
                }
                if (pdx != null) {
                    double s = v >= 0f ? 1.0 / (1.0 + e) : e / (1.0 + e);
                    pdx[odx + r * cols + j] = gradScale * (float) (s - y);
                }
            }
            pl[ol + r] = (float) (sum + Math.log(product));
        }
    }

    @Override
    public void adamw(float[] pp, int op, float[] pg, int og, float[] pm, int om, float[] pv, int ov, int n, float beta1,
                      float beta2, float eps, float decay, float stepSize, float bc2Sqrt) {
        if (op == og && op == om && op == ov) {
            adamwAligned(pp, pg, pm, pv, op, op + n, beta1, beta2, eps, decay, stepSize, bc2Sqrt);
            return;
        }
        for (int i = 0; i < n; i++) {
            float g = pg[og + i];
            float mi = beta1 * pm[om + i] + (1f - beta1) * g;
            float vi = beta2 * pv[ov + i] + (1f - beta2) * g * g;
            pm[om + i] = mi;
            pv[ov + i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            pp[op + i] = pp[op + i] * decay - stepSize * mi / denom;
        }
    }

    /**
     * AdamW when all four buffers start at the same offset (the optimizers arrange it): one
     * index for every array lets the JIT prove the iterations independent and vectorize
     * (0.27 ms instead of 2.3 ms for 1.1M parameters). Same arithmetic as the general loop.
     */
    private static void adamwAligned(float[] pp, float[] pg, float[] pm, float[] pv, int from, int to, float beta1,
                                     float beta2, float eps, float decay, float stepSize, float bc2Sqrt) {
        for (int i = from; i < to; i++) {
            float g = pg[i];
            float mi = beta1 * pm[i] + (1f - beta1) * g;
            float vi = beta2 * pv[i] + (1f - beta2) * g * g;
            pm[i] = mi;
            pv[i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            pp[i] = pp[i] * decay - stepSize * mi / denom;
        }
    }
}
