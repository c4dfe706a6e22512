package org.bottleneck.apps;

/**
 * A Gaussian N(mean, Σ = L·Lᵀ) fitted to codes (n, Z). Two uses: a plain autoencoder
 * "generates" by decoding draws from it (its codes are not trained to follow any distribution,
 * so these samples are usually poor next to a VAE's: that contrast is the point), and the
 * anomaly detector scores a code by its squared Mahalanobis distance
 * {@code d² = (z − mean)ᵀ·Σ⁻¹·(z − mean) = ‖L⁻¹(z − mean)‖²}.
 */
public record LatentGaussian(float[] mean, float[] cholesky, int dim) {

    /** Fits mean and covariance of codes (n, Z); Σ + 1e-6·I keeps the Cholesky factor finite. */
    public static LatentGaussian fit(float[] codes, int n, int z) {
        return fit(codes, n, z, 0);
    }

    /**
     * As {@link #fit(float[], int, int)} with a ridge: Σ + (1e-6 + ridge·tr(Σ)/Z)·I. A code
     * dimension that hardly varies over the normal data (a collapsed VAE unit) would otherwise
     * turn its noise into huge distances.
     */
    public static LatentGaussian fit(float[] codes, int n, int z, double ridge) {
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new IllegalArgumentException("ridge must be finite and ≥ 0, got " + ridge);
        }
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 codes to fit a Gaussian, got " + n);
        }
        double[] mean = new double[z];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < z; j++) {
                mean[j] += codes[i * z + j];
            }
        }
        for (int j = 0; j < z; j++) {
            mean[j] /= n;
        }
        double[] cov = new double[z * z];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < z; r++) {
                double dr = codes[i * z + r] - mean[r];
                for (int c = 0; c <= r; c++) {
                    cov[r * z + c] += dr * (codes[i * z + c] - mean[c]);
                }
            }
        }
        double trace = 0;
        for (int j = 0; j < z; j++) {
            trace += cov[j * z + j] / (n - 1);
        }
        double diagonal = 1e-6 + ridge * trace / z;
        double[] l = new double[z * z];
        for (int r = 0; r < z; r++) {
            for (int c = 0; c <= r; c++) {
                double v = cov[r * z + c] / (n - 1) + (r == c ? diagonal : 0);
                for (int k = 0; k < c; k++) {
                    v -= l[r * z + k] * l[c * z + k];
                }
                l[r * z + c] = r == c ? Math.sqrt(Math.max(v, 1e-12)) : v / l[c * z + c];
            }
        }
        float[] m = new float[z], lf = new float[z * z];
        for (int j = 0; j < z; j++) {
            m[j] = (float) mean[j];
        }
        for (int j = 0; j < z * z; j++) {
            lf[j] = (float) l[j];
        }
        return new LatentGaussian(m, lf, z);
    }

    /** Squared Mahalanobis distance of code i of {@code codes} (rows of Z): forward substitution L·y = z − mean, then ‖y‖². */
    public double mahalanobis2(float[] codes, int i) {
        double[] y = new double[dim];
        double sum = 0;
        for (int r = 0; r < dim; r++) {
            double v = codes[i * dim + r] - mean[r];
            for (int c = 0; c < r; c++) {
                v -= cholesky[r * dim + c] * y[c];
            }
            y[r] = v / cholesky[r * dim + r];
            sum += y[r] * y[r];
        }
        return sum;
    }
}
