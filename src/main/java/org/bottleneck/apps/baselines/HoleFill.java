package org.bottleneck.apps.baselines;

/**
 * The inpainting baselines: fill the hole of a (C, H, W) image from its known pixels.
 *
 * <p>The mask marks the hole with 1 and known pixels with 0 (the data pipeline's box-hole loss
 * mask). It is either (C, H, W), one hole per channel, or (H, W), the same hole in every
 * channel. Known pixels are returned unchanged; the values of x inside the hole are ignored.
 */
public final class HoleFill {
    /** Defaults of {@link #harmonic}: stop when no pixel moves by more than this in a sweep… */
    public static final double TOLERANCE = 1e-6;
    /** …or after this many sweeps (then {@link #harmonic} fails; {@link #solveHarmonic} reports it). */
    public static final int MAX_ITERATIONS = 10_000;

    private HoleFill() {
    }

    /** The harmonic fill and how its iteration ended: converged when maxChange < tolerance. */
    public record Solution(float[] image, int iterations, double maxChange, boolean converged) {
    }

    /** Hole pixels of channel c := the mean of that channel's known pixels. (C, H, W) → (C, H, W). */
    public static float[] mean(float[] x, float[] mask, int channels, int height, int width) {
        Images.check("mean hole fill", x, channels, height, width);
        int plane = height * width;
        boolean shared = checkMask("mean hole fill", mask, channels, plane);
        float[] out = x.clone();
        for (int c = 0; c < channels; c++) {
            int base = c * plane, mbase = shared ? 0 : base;
            float m = (float) knownMean(x, mask, base, mbase, plane, c);
            for (int i = 0; i < plane; i++) {
                if (mask[mbase + i] == 1) {
                    out[base + i] = m;
                }
            }
        }
        return out;
    }

    /**
     * Harmonic fill with the defaults {@link #TOLERANCE} and {@link #MAX_ITERATIONS}; see
     * {@link #solveHarmonic}. Throws IllegalStateException if the iteration did not converge.
     */
    public static float[] harmonic(float[] x, float[] mask, int channels, int height, int width) {
        Solution s = solveHarmonic(x, mask, channels, height, width, TOLERANCE, MAX_ITERATIONS);
        if (!s.converged()) {
            throw new IllegalStateException("harmonic hole fill: no convergence after " + s.iterations()
                    + " sweeps (last max change " + s.maxChange() + " ≥ " + TOLERANCE + ")");
        }
        return s.image();
    }

    /**
     * Solves Laplace's equation Δu = 0 on the hole, per channel, with the known pixels as
     * Dirichlet boundary values: the 4-neighbour stencil {@code u(p) = mean of u over the
     * neighbours of p}, where neighbours outside the image are left out (at the image edge the
     * boundary condition is zero flux, ∂u/∂n = 0). Harmonic functions of the grid, linear ones
     * among them, are reproduced exactly, and the fill stays within the range of the known
     * values (maximum principle).
     *
     * <p>Method: successive over-relaxation (Gauss–Seidel order, rows then columns) from the
     * {@link #mean} fill, {@code u ← u + ω·(mean of neighbours − u)} with
     * {@code ω = 2 / (1 + √(1 − ρ²))}, ρ = (cos(π/(a+1)) + cos(π/(b+1)))/2 the Jacobi rate of an
     * a × b rectangle, a × b the hole's bounding box (optimal for a rectangular hole). Sweeps
     * stop when the largest change of a sweep, over all channels, is below {@code tolerance},
     * or after {@code maxIterations} sweeps. In double; the result is rounded to float.
     */
    public static Solution solveHarmonic(float[] x, float[] mask, int channels, int height, int width,
            double tolerance, int maxIterations) {
        Images.check("harmonic hole fill", x, channels, height, width);
        if (!(tolerance > 0) || maxIterations < 1) {
            throw new IllegalArgumentException("harmonic hole fill: need tolerance > 0 and maxIterations ≥ 1, got "
                    + tolerance + " and " + maxIterations);
        }
        int plane = height * width;
        boolean shared = checkMask("harmonic hole fill", mask, channels, plane);
        float[] out = x.clone();
        int iterations = 0;
        double worst = 0;
        boolean converged = true;
        for (int c = 0; c < channels; c++) {
            int base = c * plane, mbase = shared ? 0 : base;
            int holes = 0, y0 = height, y1 = -1, x0 = width, x1 = -1;
            for (int i = 0; i < plane; i++) {
                if (mask[mbase + i] == 1) {
                    holes++;
                    y0 = Math.min(y0, i / width);
                    y1 = Math.max(y1, i / width);
                    x0 = Math.min(x0, i % width);
                    x1 = Math.max(x1, i % width);
                }
            }
            if (holes == 0) {
                continue;
            }
            double fill = knownMean(x, mask, base, mbase, plane, c);
            double[] u = new double[plane];
            int[] hole = new int[holes];
            for (int i = 0, k = 0; i < plane; i++) {
                boolean in = mask[mbase + i] == 1;
                u[i] = in ? fill : x[base + i];
                if (in) {
                    hole[k++] = i;
                }
            }
            double rho = (Math.cos(Math.PI / (y1 - y0 + 2)) + Math.cos(Math.PI / (x1 - x0 + 2))) / 2;
            double omega = 2 / (1 + Math.sqrt(1 - rho * rho));
            int sweeps = 0;
            double change;
            do {
                change = 0;
                for (int p : hole) {
                    int py = p / width, px = p % width, n = 0;
                    double s = 0;
                    if (py > 0) {
                        s += u[p - width];
                        n++;
                    }
                    if (py < height - 1) {
                        s += u[p + width];
                        n++;
                    }
                    if (px > 0) {
                        s += u[p - 1];
                        n++;
                    }
                    if (px < width - 1) {
                        s += u[p + 1];
                        n++;
                    }
                    double delta = omega * (s / n - u[p]);
                    u[p] += delta;
                    change = Math.max(change, Math.abs(delta));
                }
                sweeps++;
            } while (change >= tolerance && sweeps < maxIterations);
            iterations = Math.max(iterations, sweeps);
            worst = Math.max(worst, change);
            converged &= change < tolerance;
            for (int p : hole) {
                out[base + p] = (float) u[p];
            }
        }
        return new Solution(out, iterations, worst, converged);
    }

    /** Validates the mask; true when it is (H, W), shared by the channels. */
    private static boolean checkMask(String op, float[] mask, int channels, int plane) {
        if (mask.length != plane && mask.length != (long) channels * plane) {
            throw new IllegalArgumentException(op + ": the mask has " + mask.length + " elements; expected " + plane
                    + " (H, W) or " + (long) channels * plane + " (C, H, W)");
        }
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0 && mask[i] != 1) {
                throw new IllegalArgumentException(op + ": mask[" + i + "] = " + mask[i] + ", expected 0 or 1");
            }
        }
        return mask.length == plane && channels > 1;
    }

    private static double knownMean(float[] x, float[] mask, int base, int mbase, int plane, int channel) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < plane; i++) {
            if (mask[mbase + i] == 0) {
                s += x[base + i];
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("hole fill: channel " + channel + " has no known pixel (all " + plane
                    + " are in the hole)");
        }
        return s / n;
    }
}
