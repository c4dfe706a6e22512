package org.bottleneck.apps.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * PCA against a decomposition known in closed form: 2·D points μ ± a_j·h_j on the rows h_j
 * of the Householder matrix H = I − 2vvᵀ/‖v‖² (orthonormal, v = (1, 2, 3, 4, 5)). Their mean is
 * μ, their covariance Σ_j 2a_j²·h_j h_jᵀ / (n − 1), so the components are ±h_j with variances
 * 2a_j²/(n − 1), point μ + a_j·h_j has code a_j·e_j (up to the component's sign), and PCA-K
 * reconstructs the points on the first K axes exactly and maps the others to μ (error a_j²).
 * Tolerances: the data are floats of magnitude ≤ 6 (ulp ≈ 5e-7), everything after is double,
 * so 1e-5 absolute bounds float rounding with margin; variances and their ratios are computed in
 * double from those float-rounded points (relative error ≈ 1e-7), so they get 1e-6 relative.
 */
class PcaTest {
    private static final int D = 5;
    private static final double[] A = {5, 3, 2, 1, 0.5};
    private static final double[] MU = {0.5, -1, 2, 0, 0.25};

    private static double[][] householder() {
        double[] v = {1, 2, 3, 4, 5};
        double vv = 55;
        double[][] h = new double[D][D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                h[i][j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv;
            }
        }
        return h;
    }

    /** Rows 2j, 2j+1 = μ + a_j·h_j, μ − a_j·h_j. */
    private static float[] points(double[][] h) {
        float[] x = new float[2 * D * D];
        for (int j = 0; j < D; j++) {
            for (int s = 0; s < 2; s++) {
                for (int c = 0; c < D; c++) {
                    x[(2 * j + s) * D + c] = (float) (MU[c] + (s == 0 ? 1 : -1) * A[j] * h[j][c]);
                }
            }
        }
        return x;
    }

    @Test
    void recoversAKnownDecomposition() {
        double[][] h = householder();
        float[] x = points(h);
        int n = 2 * D;
        Pca pca = Pca.fit(x, n, D, 3);
        float[] mean = pca.mean();
        float[] w = pca.components();
        double[] var = pca.explainedVariance();
        double[] ratio = pca.explainedVarianceRatio();
        double sumA2 = 0;
        for (double a : A) {
            sumA2 += a * a;
        }
        for (int c = 0; c < D; c++) {
            assertEquals(MU[c], mean[c], 1e-5, "mean[" + c + "]");
        }
        for (int p = 0; p < 3; p++) {
            assertEquals(2 * A[p] * A[p] / (n - 1), var[p], 1e-6 * var[p], "variance " + p);
            assertEquals(A[p] * A[p] / sumA2, ratio[p], 1e-6, "variance ratio " + p);
            double sign = Math.signum(w[p * D]) * Math.signum(h[p][0]);
            int arg = 0;
            for (int c = 0; c < D; c++) {
                assertEquals(sign * h[p][c], w[p * D + c], 1e-5, "component " + p + "[" + c + "]");
                arg = Math.abs(w[p * D + c]) > Math.abs(w[p * D + arg]) ? c : arg;
            }
            assertTrue(w[p * D + arg] > 0, "component " + p + ": its largest entry is positive");
        }
        float[] z = pca.transform(x, n);
        double[] err = pca.squaredError(x, n);
        float[] back = pca.reconstruct(x, n);
        for (int j = 0; j < D; j++) {
            for (int s = 0; s < 2; s++) {
                int row = 2 * j + s;
                for (int p = 0; p < 3; p++) {
                    double sign = Math.signum(w[p * D]) * Math.signum(h[p][0]);
                    double expected = p == j ? (s == 0 ? 1 : -1) * sign * A[j] : 0;
                    assertEquals(expected, z[row * 3 + p], 1e-5, "code of row " + row + ", component " + p);
                }
                assertEquals(j < 3 ? 0 : A[j] * A[j], err[row], 1e-5, "squared error of row " + row);
                for (int c = 0; c < D; c++) {
                    double expected = j < 3 ? x[row * D + c] : MU[c];
                    assertEquals(expected, back[row * D + c], 1e-5, "reconstruction of row " + row + "[" + c + "]");
                }
            }
        }
    }

    /** On random data: the components are orthonormal, and squaredError is ‖x − reconstruct(x)‖². */
    @Test
    void componentsAreOrthonormalAndErrorsAgree() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 300, d = 37, k = 6; // a prime D
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * (1 + i % d)); // unequal variances: distinct eigenvalues
        }
        Pca pca = Pca.fit(x, n, d, k);
        float[] w = pca.components();
        for (int p = 0; p < k; p++) {
            for (int q = 0; q < k; q++) {
                double dot = 0;
                for (int c = 0; c < d; c++) {
                    dot += (double) w[p * d + c] * w[q * d + c];
                }
                assertEquals(p == q ? 1 : 0, dot, 1e-6, "W·Wᵀ[" + p + "][" + q + "]"); // float-rounded components
            }
        }
        double[] var = pca.explainedVariance();
        for (int p = 1; p < k; p++) {
            assertTrue(var[p] <= var[p - 1], "variances decrease: " + var[p - 1] + " then " + var[p]);
        }
        double[] err = pca.squaredError(x, n);
        float[] back = pca.reconstruct(x, n);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                double r = x[i * d + c] - back[i * d + c];
                s += r * r;
            }
            assertEquals(s, err[i], 1e-4 * (1 + s), "row " + i); // reconstruct rounds x̂ to float
        }
    }

    /** Variance along the first component of n = 3000 rows (three dsyrk blocks) equals the variance of its codes. */
    @Test
    void blocksAccumulateOverManyRows() {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 3000, d = 4;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double t = rnd.nextGaussian() * 3;
            x[i * d] = (float) (t + 0.1 * rnd.nextGaussian());
            x[i * d + 1] = (float) (2 * t + 0.1 * rnd.nextGaussian());
            x[i * d + 2] = (float) rnd.nextGaussian();
            x[i * d + 3] = 1;
        }
        Pca pca = Pca.fit(x, n, d, 2);
        float[] z = pca.transform(x, n);
        double m = 0, s = 0;
        for (int i = 0; i < n; i++) {
            m += z[i * 2];
        }
        m /= n;
        for (int i = 0; i < n; i++) {
            s += (z[i * 2] - m) * (z[i * 2] - m);
        }
        assertEquals(0, m, 1e-4, "codes are centred");
        assertEquals(pca.explainedVariance()[0], s / (n - 1), 1e-4 * s / (n - 1), "variance of the codes = λ₁");
    }

    @Test
    void refusesBadShapesWithTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pca.fit(new float[12], 3, 4, 5));
        assertTrue(e.getMessage().contains("k 5") && e.getMessage().contains("D 4"), e.getMessage());
        Pca pca = Pca.fit(new float[] {0, 1, 1, 0, 2, 2}, 3, 2, 1);
        e = assertThrows(IllegalArgumentException.class, () -> pca.transform(new float[5], 2));
        assertTrue(e.getMessage().contains("5 floats"), e.getMessage());
    }
}
