package org.bottleneck.apps.baselines;

import org.bottleneck.backend.cpu.Lapack;

/**
 * Principal component analysis by the covariance method, fitted on n samples of D values
 * (rows of a row-major (n, D) float array; shapes below use that legend, K = components).
 *
 * <p>Fit: the mean μ (D) and the sample covariance {@code C = (X − 1μᵀ)ᵀ(X − 1μᵀ) / (n − 1)}
 * (D, D), accumulated in double over blocks of rows by BLAS {@code dsyrk}; then
 * {@code C = V·diag(λ)·Vᵀ} by LAPACK {@code dsyevd} (see {@link Lapack}). The K components are
 * the eigenvectors of the K largest eigenvalues, in decreasing order; each is made unique in
 * sign by making its entry of largest magnitude positive. {@link #explainedVariance()} holds
 * those λ (variances with the n − 1 divisor, as scikit-learn's {@code explained_variance_}).
 * Cost: O(n·D²) for C (D² doubles of memory) and O(D³) for the eigensolver, so it suits D up
 * to a few thousand; results equal an SVD of the centred data up to the components' signs.
 *
 * <ul>
 *   <li>transform: {@code z = W·(x − μ)}, W the (K, D) components (row-major)</li>
 *   <li>inverse transform: {@code x̂ = μ + Wᵀ·z}</li>
 *   <li>squared error: {@code e = ‖x − x̂(z(x))‖²} per sample, the PCA-K reconstruction error</li>
 * </ul>
 * Immutable once fitted and safe to use from several threads.
 */
public final class Pca {
    /** Rows per dsyrk call: a (ROWS, D) double block, 6 MiB for D = 784. */
    private static final int ROWS = 1024;

    private final int d;
    private final int k;
    private final double[] mean;       // (D)
    private final double[] components; // (K, D) row-major, unit rows
    private final double[] variance;   // (K) descending
    private final double totalVariance;

    private Pca(int d, int k, double[] mean, double[] components, double[] variance, double totalVariance) {
        this.d = d;
        this.k = k;
        this.mean = mean;
        this.components = components;
        this.variance = variance;
        this.totalVariance = totalVariance;
    }

    /**
     * Fits the K leading components of {@code x} (n, D).
     *
     * @throws IllegalArgumentException unless n ≥ 2, 1 ≤ K ≤ D and x holds n·D floats
     */
    public static Pca fit(float[] x, int n, int d, int k) {
        if (n < 2 || d < 1 || k < 1 || k > d) {
            throw new IllegalArgumentException("PCA needs n ≥ 2 samples and 1 ≤ k ≤ D components; got n " + n + ", D " + d
                    + ", k " + k);
        }
        if (x.length != (long) n * d) {
            throw new IllegalArgumentException("PCA: x holds " + x.length + " floats, expected n·D = " + n + "·" + d
                    + " = " + (long) n * d);
        }
        if ((long) d * d > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("PCA by covariance needs a D×D matrix; D " + d + " is too large for one array");
        }
        double[] mu = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0, o = i * d; j < d; j++) {
                mu[j] += x[o + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        double[] c = new double[d * d];
        double[] block = new double[Math.min(ROWS, n) * d];
        for (int from = 0; from < n; from += ROWS) {
            int rows = Math.min(ROWS, n - from);
            for (int r = 0; r < rows; r++) {
                for (int j = 0, o = (from + r) * d; j < d; j++) {
                    block[r * d + j] = x[o + j] - mu[j];
                }
            }
            Lapack.syrkUpper(block, rows, d, c);
        }
        double total = 0;
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                c[i * d + j] /= n - 1;
            }
            total += c[i * d + i];
        }
        double[] w = Lapack.symmetricEigen(c, d); // ascending; c now holds V
        double[] comps = new double[k * d];
        double[] var = new double[k];
        for (int p = 0; p < k; p++) {
            int col = d - 1 - p;
            var[p] = Math.max(0, w[col]); // round-off can leave a zero eigenvalue slightly negative
            int arg = 0;
            for (int i = 0; i < d; i++) {
                if (Math.abs(c[i * d + col]) > Math.abs(c[arg * d + col])) {
                    arg = i;
                }
            }
            double sign = c[arg * d + col] < 0 ? -1 : 1;
            for (int i = 0; i < d; i++) {
                comps[p * d + i] = sign * c[i * d + col];
            }
        }
        return new Pca(d, k, mu, comps, var, total);
    }

    /** D, the size of one sample. */
    public int inputDim() {
        return d;
    }

    /** K, the number of components. */
    public int componentCount() {
        return k;
    }

    /** μ (D), the training mean. */
    public float[] mean() {
        return toFloat(mean);
    }

    /** W (K, D) row-major: the components, unit vectors, by decreasing variance. */
    public float[] components() {
        return toFloat(components);
    }

    /** λ (K): the variance along each component (divisor n − 1), decreasing. */
    public double[] explainedVariance() {
        return variance.clone();
    }

    /** λ / trace(C) (K): each component's share of the total variance. */
    public double[] explainedVarianceRatio() {
        double[] r = new double[k];
        for (int p = 0; p < k; p++) {
            r[p] = totalVariance > 0 ? variance[p] / totalVariance : 0;
        }
        return r;
    }

    /** Codes z (n, K) of samples x (n, D). */
    public float[] transform(float[] x, int n) {
        check(x, n);
        float[] z = new float[n * k];
        double[] centred = new double[d];
        for (int i = 0; i < n; i++) {
            project(x, i, centred, z, i * k);
        }
        return z;
    }

    /** Samples x̂ (n, D) = μ + Wᵀ·z from codes z (n, K). */
    public float[] inverseTransform(float[] z, int n) {
        if (n < 0 || z.length != (long) n * k) {
            throw new IllegalArgumentException("PCA inverse transform: codes hold " + z.length + " floats, expected n·K = "
                    + n + "·" + k);
        }
        float[] x = new float[n * d];
        double[] row = new double[d];
        for (int i = 0; i < n; i++) {
            unproject(z, i * k, row);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) row[j];
            }
        }
        return x;
    }

    /** x̂ (n, D): each sample projected onto the K components and back. */
    public float[] reconstruct(float[] x, int n) {
        return inverseTransform(transform(x, n), n);
    }

    /** (n) per-sample squared reconstruction errors ‖x − x̂‖², summed over the D values in double. */
    public double[] squaredError(float[] x, int n) {
        check(x, n);
        double[] e = new double[n];
        double[] centred = new double[d];
        double[] row = new double[d];
        float[] z = new float[k];
        for (int i = 0; i < n; i++) {
            project(x, i, centred, z, 0);
            unproject(z, 0, row);
            double s = 0;
            for (int j = 0, o = i * d; j < d; j++) {
                double r = x[o + j] - row[j];
                s += r * r;
            }
            e[i] = s;
        }
        return e;
    }

    /** z[zo .. zo+K) = W·(x_i − μ); {@code centred} (D) is scratch. */
    private void project(float[] x, int i, double[] centred, float[] z, int zo) {
        for (int j = 0, o = i * d; j < d; j++) {
            centred[j] = x[o + j] - mean[j];
        }
        for (int p = 0; p < k; p++) {
            double s = 0;
            for (int j = 0, o = p * d; j < d; j++) {
                s += components[o + j] * centred[j];
            }
            z[zo + p] = (float) s;
        }
    }

    /** row (D) = μ + Wᵀ·z[zo .. zo+K). */
    private void unproject(float[] z, int zo, double[] row) {
        System.arraycopy(mean, 0, row, 0, d);
        for (int p = 0; p < k; p++) {
            double zp = z[zo + p];
            for (int j = 0, o = p * d; j < d; j++) {
                row[j] += zp * components[o + j];
            }
        }
    }

    private void check(float[] x, int n) {
        if (n < 0 || x.length != (long) n * d) {
            throw new IllegalArgumentException("PCA fitted on D = " + d + " values per sample: x holds " + x.length
                    + " floats, expected n·D = " + n + "·" + d);
        }
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
