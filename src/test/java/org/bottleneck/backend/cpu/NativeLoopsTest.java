package org.bottleneck.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bottleneck.backend.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C loops (NativeLoops) against their Java twins (JavaLoops) on the same arrays. The
 * activation loops are the same float arithmetic in the same order (the C is built without
 * fused multiply-adds), so they must agree bit for bit; BackendOpsTest checks the backend's
 * choice against float64 references, this pins the other twin to it. Operands sit at odd
 * offsets of shared arrays, as arena views do, and both in place and apart.
 */
class NativeLoopsTest {
    private static final int[][] SHAPES = {{1, 1}, {3, 7}, {5, 31}, {2, 32}, {4, 33}, {128, 784}, {7, 513}};

    private final Loops java = new JavaLoops();
    private final Loops nat = new NativeLoops();

    @Test
    void libraryIsBuiltAndLoaded() {
        // Maven builds it whenever a C compiler exists (always on our machines and CI).
        assertTrue(NativeLoops.available(), "native loops unavailable: " + NativeLibrary.status());
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void forwardMatchesBitForBit(Activation act) {
        SplittableRandom rnd = new SplittableRandom(1 + act.ordinal());
        double total = 0; // Σ|output| over all shapes (a 1×1 ReLU output may well be 0)
        for (int[] s : SHAPES) {
            int rows = s[0], cols = s[1], n = rows * cols;
            float[] bias = random(rnd, cols + 5);
            for (boolean inPlace : new boolean[] {false, true}) {
                // One arena-like array: x at offset 3, y at x (in place) or after it.
                int ox = 3, oy = inPlace ? ox : ox + n + 2;
                float[] a = random(rnd, oy + n + 4);
                if (n > 2) {
                    a[ox] = 0f; // edges the activations treat specially
                    a[ox + 1] = Float.NaN;
                }
                float[] b = a.clone();
                java.biasActivationForward(a, ox, bias, 5, a, oy, rows, cols, act);
                nat.biasActivationForward(b, ox, bias, 5, b, oy, rows, cols, act);
                assertArrayEquals(a, b, act + " " + rows + "x" + cols + (inPlace ? " in place" : ""));
                total += norm(a, oy, n);
            }
        }
        assertTrue(total > 0, "vacuous output");
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void backwardMatchesBitForBit(Activation act) {
        SplittableRandom rnd = new SplittableRandom(100 + act.ordinal());
        double total = 0; // Σ|output| over all shapes (a 1×1 ReLU output may well be 0)
        for (int[] s : SHAPES) {
            int rows = s[0], cols = s[1], n = rows * cols;
            for (int mode = 0; mode < 3; mode++) { // 0: dx apart, 1: dx = dy in place, 2: no bias gradient
                int oy = 1, ody = oy + n + 3, odx = mode == 1 ? ody : ody + n + 1;
                float[] a = random(rnd, odx + n + 2);
                if (act == Activation.SIGMOID) { // outputs a sigmoid can produce
                    for (int i = oy; i < oy + n; i++) {
                        a[i] = Math.abs(a[i]) * 0.5f;
                    }
                }
                float[] b = a.clone();
                float[] dbA = mode == 2 ? null : random(rnd, cols + 2), dbB = dbA == null ? null : dbA.clone();
                java.biasActivationBackward(a, oy, a, ody, a, odx, dbA, 2, rows, cols, act);
                nat.biasActivationBackward(b, oy, b, ody, b, odx, dbB, 2, rows, cols, act);
                String what = act + " " + rows + "x" + cols + " mode " + mode;
                assertArrayEquals(a, b, what);
                if (dbA != null) {
                    assertArrayEquals(dbA, dbB, what + " dbias");
                }
                total += norm(a, odx, n);
            }
        }
        assertTrue(total > 0, "vacuous output");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bceMatchesWithinOneUlp(boolean withGradient) {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int[] s : SHAPES) {
            int rows = s[0], cols = s[1], n = rows * cols;
            int ox = 2, ot = ox + n + 1, odx = ot + n + 3;
            float[] a = new float[odx + n + 2];
            for (int i = ox; i < ox + n; i++) {
                a[i] = (float) (rnd.nextGaussian() * 6); // logits, some far in the tails
            }
            for (int i = ot; i < ot + n; i++) {
                a[i] = (float) rnd.nextDouble(); // targets in [0, 1]
            }
            if (n > 4) { // the extremes: exp underflow and exact zero
                a[ox] = 800f;
                a[ox + 1] = -800f;
                a[ox + 2] = 0f;
                a[ox + 3] = -0f;
            }
            float[] b = a.clone();
            float[] lossA = new float[rows + 1], lossB = new float[rows + 1];
            java.bceWithLogits(a, ox, a, ot, lossA, 1, withGradient ? a : null, odx, rows, cols, 0.25f);
            nat.bceWithLogits(b, ox, b, ot, lossB, 1, withGradient ? b : null, odx, rows, cols, 0.25f);
            String what = rows + "x" + cols;
            // The C exp is within a few double ulps of Java's (see fused_loops.c) and the row sums
            // run in another order (four lanes): both move a float result by at most one float ulp.
            assertWithinUlps(lossA, lossB, 0, rows + 1, 1, what + " loss");
            assertTrue(norm(lossA, 1, rows) > 0, "vacuous loss");
            if (withGradient) {
                assertWithinUlps(a, b, odx, n, 1, what + " gradient");
                assertTrue(norm(a, odx, n) > 0, "vacuous gradient");
            }
        }
    }

    @Test
    void adamwMatchesBitForBit() {
        SplittableRandom rnd = new SplittableRandom(21);
        // Sizes below and above the native pool's split threshold (32768), and not multiples of 16.
        for (int n : new int[] {1, 17, 1000, 40_001, 1_082_680}) {
            for (boolean aligned : new boolean[] {true, false}) {
                int op = 3, og = aligned ? op : 7, om = aligned ? op : 1, ov = aligned ? op : 5;
                float[][] a = new float[4][], b = new float[4][];
                int[] offs = {op, og, om, ov};
                for (int q = 0; q < 4; q++) {
                    a[q] = random(rnd, offs[q] + n + 2);
                    if (q == 3) { // v ≥ 0, as a second moment is
                        for (int i = 0; i < a[q].length; i++) {
                            a[q][i] = Math.abs(a[q][i]);
                        }
                    }
                    b[q] = a[q].clone();
                }
                // Step 3's constants with lr 1e-3, weight decay 1e-2 (AdamWStep's formulas).
                float stepSize = 1e-3f / (1f - 0.9f * 0.9f * 0.9f), bc2Sqrt = (float) Math.sqrt(1 - Math.pow(0.999, 3));
                java.adamw(a[0], op, a[1], og, a[2], om, a[3], ov, n, 0.9f, 0.999f, 1e-8f, 1f - 1e-5f, stepSize, bc2Sqrt);
                nat.adamw(b[0], op, b[1], og, b[2], om, b[3], ov, n, 0.9f, 0.999f, 1e-8f, 1f - 1e-5f, stepSize, bc2Sqrt);
                for (int q = 0; q < 4; q++) {
                    assertArrayEquals(a[q], b[q], "adamw n=" + n + (aligned ? " aligned" : " offsets apart")
                            + " buffer " + "pgmv".charAt(q));
                }
            }
        }
    }

    private static void assertWithinUlps(float[] expected, float[] actual, int from, int n, int ulps, String what) {
        int bad = 0;
        StringBuilder worst = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            float e = expected[i], a = actual[i];
            if (!(Math.abs(a - e) <= ulps * Math.ulp(e)) && !(e == a)) {
                if (bad++ < 5) {
                    worst.append(String.format("%n  [%d] expected %s, got %s", i - from, e, a));
                }
            }
        }
        assertTrue(bad == 0, what + ": " + bad + " of " + n + " beyond " + ulps + " ulp" + worst);
    }

    /** Σ|a| over the finite elements (a planted NaN must not hide an all-zero output). */
    private static double norm(float[] a, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += Float.isFinite(a[i]) ? Math.abs(a[i]) : 0;
        }
        return s;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        return a;
    }
}
