package org.bottleneck.apps.explore;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.bottleneck.apps.baselines.Pca;
import org.bottleneck.metrics.NearestNeighbors;

/**
 * The plane the explorer draws, computed once from the codes of the shown samples. Legend:
 * n samples, Z values per code, p = (x, y) a point of the plane; codes (n, Z) and plane points
 * (n, 2) row-major.
 *
 * <ul>
 *   <li>Z = 2: the plane is the code space itself, {@code z = p}.</li>
 *   <li>Z &gt; 2: the plane is spanned by the first two principal components of the codes
 *       (mean c̄, orthonormal axes a₀, a₁): {@code p = ((z − c̄)·a₀, (z − c̄)·a₁)} and back
 *       {@code z = c̄ + x·a₀ + y·a₁}, so a plane point decodes to the code on that plane.</li>
 * </ul>
 * The decoded grid ({@link #gridCodes}) follows Keras's VAE example for a VAE: an n×n grid at
 * the Gaussian quantiles {@code Φ⁻¹(linspace(0.05, 0.95, n))} of the prior N(0, 1) per axis for
 * Z = 2, and of N(0, λᵢ) along principal axis i (λᵢ its variance among the codes) for Z &gt; 2.
 * For a plain autoencoder the grid spans the 2nd to 98th percentile of the points on each axis,
 * evenly. Neighbours are searched in the full code space. Immutable; safe from many threads.
 */
public final class LatentMap {
    /** Largest side of a decoded grid (n² decodes per request). */
    public static final int MAX_GRID = 32;
    /** Most images of an interpolation strip. */
    public static final int MAX_STEPS = 64;
    /** Most neighbours per request. */
    public static final int MAX_NEIGHBOURS = 50;

    private final int n, z;
    private final float[] codes;  // (n, Z)
    private final float[] plane;  // (n, 2)
    private final int[] labels;   // (n), -1 = none
    private final List<String> classNames;
    private final boolean variational;
    private final Pca pca;        // null when Z = 2

    private LatentMap(int n, int z, float[] codes, float[] plane, int[] labels, List<String> classNames,
                      boolean variational, Pca pca) {
        this.n = n;
        this.z = z;
        this.codes = codes;
        this.plane = plane;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.variational = variational;
        this.pca = pca;
    }

    /**
     * The map of n codes (n, Z) and their labels (n; -1 for none).
     *
     * @throws IllegalArgumentException for Z &lt; 2, fewer than 3 points, or a non-finite code
     */
    public static LatentMap of(float[] codes, int n, int z, int[] labels, List<String> classNames, boolean variational) {
        if (z < 2) {
            throw new IllegalArgumentException("the explorer draws a plane of codes and needs a code of at least 2 values; "
                    + "this model's code has " + z);
        }
        if (n < 3 || codes.length != (long) n * z || labels.length != n) {
            throw new IllegalArgumentException("latent map: " + codes.length + " code values and " + labels.length
                    + " labels for " + n + " points of " + z + " values (need at least 3 points)");
        }
        for (int i = 0; i < codes.length; i++) {
            if (!Float.isFinite(codes[i])) {
                throw new IllegalArgumentException("code of sample " + i / z + " holds " + codes[i]
                        + " at position " + i % z + ": the model encodes this data to non-finite values");
            }
        }
        Pca pca = z == 2 ? null : Pca.fit(codes, n, z, 2);
        float[] plane = pca == null ? codes.clone() : pca.transform(codes, n);
        return new LatentMap(n, z, codes.clone(), plane, labels.clone(), classNames, variational, pca);
    }

    public int size() {
        return n;
    }

    /** Z, values per code. */
    public int codeSize() {
        return z;
    }

    public boolean variational() {
        return variational;
    }

    /** Whether the plane is the first two principal components of the codes (Z &gt; 2) rather than the code itself. */
    public boolean principalPlane() {
        return pca != null;
    }

    /** For a principal plane, the fraction of the codes' variance each of its two axes holds; null when Z = 2. */
    public double[] explainedVarianceRatio() {
        return pca == null ? null : pca.explainedVarianceRatio();
    }

    /** (n, 2) plane points of the samples (a copy). */
    public float[] planePoints() {
        return plane.clone();
    }

    public int label(int i) {
        checkIndex(i);
        return labels[i];
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Throws {@link IndexOutOfBoundsException} unless 0 ≤ i &lt; n. */
    public void checkIndex(int i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("point index " + i + " out of range: the map holds points 0.." + (n - 1));
        }
    }

    /** Code (Z) of sample i (a copy). */
    public float[] code(int i) {
        checkIndex(i);
        return Arrays.copyOfRange(codes, i * z, (i + 1) * z);
    }

    /** Code (Z) on the plane at p = (x, y). */
    public float[] codeAt(double x, double y) {
        if (pca == null) {
            return new float[] {(float) x, (float) y};
        }
        return pca.inverseTransform(new float[] {(float) x, (float) y}, 1);
    }

    /** Plane point (2) of a code (Z). */
    public float[] planeOf(float[] code) {
        if (code.length != z) {
            throw new IllegalArgumentException("a code of this model has " + z + " values, got " + code.length);
        }
        return pca == null ? code.clone() : pca.transform(code, 1);
    }

    /** The k samples whose codes are nearest sample i's (Euclidean, in code space), nearest first, i excluded. */
    public int[] neighbours(int i, int k) {
        checkIndex(i);
        if (k < 1 || k > Math.min(MAX_NEIGHBOURS, n - 1)) {
            throw new IllegalArgumentException("k must be in 1.." + Math.min(MAX_NEIGHBOURS, n - 1) + ", got " + k);
        }
        int[] near = NearestNeighbors.search(codes, n, code(i), 1, z, k + 1, false);
        int[] out = new int[k];
        int m = 0;
        for (int j : near) {
            if (j != i && m < k) {
                out[m++] = j;
            }
        }
        return out;
    }

    /** Squared Euclidean distance between the codes of samples i and j. */
    public double distance2(int i, int j) {
        checkIndex(i);
        checkIndex(j);
        double s = 0;
        for (int c = 0; c < z; c++) {
            double d = codes[i * z + c] - codes[j * z + c];
            s += d * d;
        }
        return s;
    }

    /** An n×n grid of codes (n², Z), row by row from the top (largest y) down, columns by increasing x. */
    public record Grid(int side, double[] xs, double[] ys, float[] codes, String spacing) {
    }

    /** The decoded grid's codes: see the class comment for the spacing. */
    public Grid gridCodes(int side) {
        if (side < 1 || side > MAX_GRID) {
            throw new IllegalArgumentException("grid side must be in 1.." + MAX_GRID + ", got " + side);
        }
        double[] xs = new double[side], ys = new double[side];
        String spacing;
        if (variational) {
            double[] sd = pca == null ? new double[] {1, 1}
                    : new double[] {Math.sqrt(pca.explainedVariance()[0]), Math.sqrt(pca.explainedVariance()[1])};
            NormalDistribution normal = NormalDistribution.of(0, 1);
            for (int i = 0; i < side; i++) {
                double q = side == 1 ? 0.5 : 0.05 + 0.9 * i / (side - 1);
                double t = normal.inverseCumulativeProbability(q);
                xs[i] = t * sd[0];
                ys[side - 1 - i] = t * sd[1];
            }
            spacing = pca == null ? "Gaussian quantiles 0.05…0.95 of the prior N(0, 1) on each axis"
                    : "Gaussian quantiles 0.05…0.95 of N(0, λ) along each principal axis (λ its variance among the codes)";
        } else {
            double[] lo = new double[2], hi = new double[2];
            for (int a = 0; a < 2; a++) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = plane[2 * i + a];
                }
                Arrays.sort(v);
                lo[a] = v[(int) Math.floor(0.02 * (n - 1))];
                hi[a] = v[(int) Math.ceil(0.98 * (n - 1))];
            }
            for (int i = 0; i < side; i++) {
                double t = side == 1 ? 0.5 : (double) i / (side - 1);
                xs[i] = lo[0] + t * (hi[0] - lo[0]);
                ys[side - 1 - i] = lo[1] + t * (hi[1] - lo[1]);
            }
            spacing = "even, over the 2nd to 98th percentile of the points on each axis";
        }
        float[] grid = new float[side * side * z];
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                System.arraycopy(codeAt(xs[c], ys[r]), 0, grid, (r * side + c) * z, z);
            }
        }
        return new Grid(side, xs, ys, grid, spacing);
    }

    /** {@code steps} codes (steps, Z) from a to b inclusive, (1 − t)·a + t·b at t = 0, 1/(steps−1), …, 1. */
    public float[] interpolate(float[] a, float[] b, int steps) {
        if (a.length != z || b.length != z) {
            throw new IllegalArgumentException("interpolation ends must be codes of " + z + " values, got " + a.length
                    + " and " + b.length);
        }
        if (steps < 2 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("steps must be in 2.." + MAX_STEPS + ", got " + steps);
        }
        float[] out = new float[steps * z];
        for (int s = 0; s < steps; s++) {
            double t = (double) s / (steps - 1);
            for (int c = 0; c < z; c++) {
                out[s * z + c] = (float) ((1 - t) * a[c] + t * b[c]);
            }
        }
        return out;
    }
}
