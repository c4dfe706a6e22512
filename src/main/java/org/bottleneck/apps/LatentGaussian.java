package org.bottleneck.apps;

/**
 * A Gaussian N(mean, Σ) fitted to the codes of a plain autoencoder, so that it can "generate"
 * by decoding draws from it. The codes of an autoencoder are not trained to follow any
 * distribution, so these samples are usually poor next to a VAE's: that contrast is the point.
 */
public record LatentGaussian(float[] mean, float[] cholesky, int dim) {

    /** Fits mean and covariance of codes (n, Z); Σ + 1e-6·I keeps the Cholesky factor finite. */
    public static LatentGaussian fit(float[] codes, int n, int z) {
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
        double[] l = new double[z * z];
        for (int r = 0; r < z; r++) {
            for (int c = 0; c <= r; c++) {
                double v = cov[r * z + c] / (n - 1) + (r == c ? 1e-6 : 0);
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
}
