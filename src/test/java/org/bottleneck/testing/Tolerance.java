package org.bottleneck.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The one tolerance check of the test suite (DESIGN.md §5 #8): element i passes when
 * {@code |actual − expected| ≤ atol + rtol·|expected|} (NaN never passes). On failure it reports
 * how many elements failed and the worst five (index, expected, actual, error, allowed), then
 * stops. Also seeded input generators that make bugs visible (DESIGN.md §5 #9).
 */
public final class Tolerance {
    private static final int WORST = 5;

    private Tolerance() {
    }

    public static void assertClose(String what, double[] expected, float[] actual, double atol, double rtol) {
        assertEquals(expected.length, actual.length, what + ": length");
        int violations = 0;
        List<int[]> worst = new ArrayList<>(); // indices, sorted by excess error, largest first
        double[] excess = new double[expected.length];
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            double err = Math.abs(a - e);
            double allowed = atol + rtol * Math.abs(e);
            if (!(err <= allowed)) { // NaN-safe
                violations++;
                excess[i] = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err - allowed;
                insertWorst(worst, i, excess);
            }
        }
        if (violations > 0) {
            StringBuilder sb = new StringBuilder();
            sb.append(what).append(": ").append(violations).append(" of ").append(expected.length)
                    .append(" elements outside |a−e| ≤ ").append(atol).append(" + ").append(rtol)
                    .append("·|e|; worst:");
            for (int[] w : worst) {
                int i = w[0];
                double e = expected[i], a = actual[i];
                sb.append(String.format("%n  [%d] expected %.9g actual %.9g error %.3g allowed %.3g",
                        i, e, a, Math.abs(a - e), atol + rtol * Math.abs(e)));
            }
            fail(sb.toString());
        }
    }

    private static void insertWorst(List<int[]> worst, int i, double[] excess) {
        int at = 0;
        while (at < worst.size() && excess[worst.get(at)[0]] >= excess[i]) {
            at++;
        }
        if (at < WORST) {
            worst.add(at, new int[] {i});
            if (worst.size() > WORST) {
                worst.remove(WORST);
            }
        }
    }

    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        assertClose(what, toDouble(expected), actual, atol, rtol);
    }

    /** Bit-for-bit equality of values (+0 and −0 count as equal), reported like assertClose. */
    public static void assertExact(String what, double[] expected, float[] actual) {
        assertClose(what, expected, actual, 0, 0);
    }

    public static void assertExact(String what, float[] expected, float[] actual) {
        assertClose(what, toDouble(expected), actual, 0, 0);
    }

    // ---------------------------------------------------------------- non-vacuity

    public static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    public static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** Fails unless a has a finite, non-zero norm: a check on all-zero data proves nothing. */
    public static void assertNonZero(String what, float[] a) {
        double n = norm(a);
        if (!(n > 0) || !Double.isFinite(n)) {
            fail(what + ": norm " + n + " over " + a.length + " elements; the check would be vacuous");
        }
    }

    public static void assertNonZero(String what, double[] a) {
        double n = norm(a);
        if (!(n > 0) || !Double.isFinite(n)) {
            fail(what + ": norm " + n + " over " + a.length + " elements; the check would be vacuous");
        }
    }

    // ---------------------------------------------------------------- inputs

    /** n floats uniform in [lo, hi) from a seeded generator. */
    public static float[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return a;
    }

    /** n small integers in [lo, hi] as floats: products and sums stay exact in float. */
    public static float[] smallInts(long seed, int n, int lo, int hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(lo, hi + 1);
        }
        return a;
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
