package org.bottleneck.backend.cpu;

import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasUpper;
import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;

import org.bytedeco.openblas.global.openblas;

/**
 * The two double-precision routines PCA needs, from the OpenBLAS we ship (its bundled
 * LAPACKE). Matrices are row-major double arrays; d is the matrix side.
 * <ul>
 *   <li>{@link #syrkUpper}: {@code C ← C + Aᵀ·A} with A (rows, d), the upper triangle of the
 *       symmetric (d, d) C only (BLAS {@code dsyrk}, N = d, K = rows).</li>
 *   <li>{@link #symmetricEigen}: {@code A = V·diag(w)·Vᵀ} for a symmetric (d, d) A read from its
 *       upper triangle (LAPACK {@code dsyevd}, divide and conquer): eigenvalues w ascending,
 *       eigenvector j in column j of V, which overwrites A.</li>
 * </ul>
 */
public final class Lapack {
    private Lapack() {
    }

    /**
     * @param a    (rows, d) row-major
     * @param c    (d, d) row-major; only its upper triangle (j ≥ i) is read and updated
     */
    public static void syrkUpper(double[] a, int rows, int d, double[] c) {
        if (rows < 0 || d < 1 || a.length < (long) rows * d || c.length != (long) d * d) {
            throw new IllegalArgumentException("syrkUpper: A (" + rows + ", " + d + ") in " + a.length + " doubles, C ("
                    + d + ", " + d + ") in " + c.length + " doubles");
        }
        if (rows == 0) {
            return;
        }
        openblas.cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, rows, 1.0, a, d, 1.0, c, d);
    }

    /**
     * Eigen-decomposes the symmetric (d, d) {@code a} in place.
     *
     * @return (d) eigenvalues, ascending; {@code a} then holds V, eigenvector j in column j
     *         ({@code a[i·d + j]} = V[i][j])
     */
    public static double[] symmetricEigen(double[] a, int d) {
        if (d < 1 || a.length != (long) d * d) {
            throw new IllegalArgumentException("symmetricEigen: expected a (" + d + ", " + d + ") matrix, got "
                    + a.length + " doubles");
        }
        double[] w = new double[d];
        int info = openblas.LAPACKE_dsyevd(LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', d, a, d, w);
        if (info != 0) {
            throw new IllegalStateException("LAPACKE_dsyevd on a " + d + "×" + d + " matrix failed with info " + info
                    + (info > 0 ? " (the algorithm did not converge)" : " (argument " + -info + " was illegal)"));
        }
        return w;
    }
}
