package org.bottleneck.backend;

import static org.bottleneck.testing.Tolerance.assertClose;
import static org.bottleneck.testing.Tolerance.assertExact;
import static org.bottleneck.testing.Tolerance.assertNonZero;
import static org.bottleneck.testing.Tolerance.smallInts;
import static org.bottleneck.testing.Tolerance.toDouble;
import static org.bottleneck.testing.Tolerance.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.bottleneck.testing.TestBackends;
import org.bottleneck.testing.Tensors;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tier 1 (DESIGN.md §4): every {@link Backend} op against a float64 reference written here,
 * on seeded inputs with awkward shapes (1, primes, 127×65: nothing a multiple of 64).
 *
 * <p>Tolerances (|a−e| ≤ atol + rtol·|e|, e the float64 reference of the float32 inputs):
 * <ul>
 *   <li>EXACT where the float32 result is exactly representable and the op's contract
 *       fixes it: GEMM on small integers (every product and partial sum is an integer
 *       below 2^24, so any summation order or FMA gives the same float), fill, copy,
 *       upload/download, scale and multiply (one IEEE multiply = the double product rounded
 *       to float), uniforms, dropout/masking masks and outputs.</li>
 *   <li>ELEMENTWISE = atol 1e-6, rtol 2e-6: one or two float32 roundings (u = 6e-8) of an
 *       O(1) value, plus float exp/tanh a few ulps off; a wrong formula is off by O(0.1).</li>
 *   <li>GEMM random: atol 1e-4, rtol 1e-5 for k ≤ 131 and |a|,|b| ≤ 1: the worst-case bound
 *       k²·u ≈ 1e-3 is loose; random rounding gives ~√k·u·‖a‖‖b‖ ≈ 1e-6; 1e-4 leaves 100×
 *       headroom while an index or transpose bug gives errors ≈ 0.3.</li>
 *   <li>Row sums (loss, dbias): atol 1e-5, rtol 1e-5: up to 127 float32 terms.</li>
 *   <li>Optimizers after 5 steps: rtol 1e-5, atol 1e-6 (see the tests).</li>
 * </ul>
 */
class BackendOpsTest {

    static Stream<Backend> backends() {
        return TestBackends.stream();
    }

    private static final double ELEM_ATOL = 1e-6, ELEM_RTOL = 2e-6;
    private static final int[][] SHAPES = {{1, 1}, {7, 13}, {127, 65}, {3, 64}, {13, 1}};

    private static long seedOf(long... dims) {
        long s = 17;
        for (long d : dims) {
            s = s * 1_000_003L + d;
        }
        return s;
    }

    // ================================================================== gemm

    /** float64 reference of row-major C = alpha·op(A)·op(B) + beta·C. */
    static double[] gemmRef(boolean ta, boolean tb, int m, int n, int k, double alpha,
                            float[] a, float[] b, double beta, float[] c) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * m + i] : a[i * k + p];
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                out[i * n + j] = alpha * s + beta * c[i * n + j];
            }
        }
        return out;
    }

    private static final int[][] GEMM_SHAPES = { // m, n, k
        {1, 1, 1}, {7, 13, 5}, {13, 7, 1}, {1, 65, 127}, {127, 65, 33}, {65, 1, 131}, {64, 3, 67},
    };

    @ParameterizedTest
    @MethodSource("backends")
    void gemmSmallIntegersExactAllTransposes(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] s : GEMM_SHAPES) {
                int m = s[0], n = s[1], k = s[2];
                for (int mode = 0; mode < 4; mode++) {
                    boolean ta = (mode & 1) != 0, tb = (mode & 2) != 0;
                    long seed = seedOf(m, n, k, mode);
                    float[] a = smallInts(seed, m * k, -4, 4);
                    float[] b = smallInts(seed + 1, k * n, -4, 4);
                    float[] c = smallInts(seed + 2, m * n, -9, 9);
                    assertNonZero("gemm A", a);
                    assertNonZero("gemm B", b);
                    assertNonZero("gemm C", c);
                    Tensor ta_ = ts.of(a, ta ? k : m, ta ? m : k);
                    Tensor tb_ = ts.of(b, tb ? n : k, tb ? k : n);
                    Tensor tc = ts.of(c, m, n);
                    // alpha 2, beta −3: both neither 0 nor 1, and exact on integers.
                    be.gemm(ta, tb, m, n, k, 2f, ta_, tb_, -3f, tc);
                    double[] want = gemmRef(ta, tb, m, n, k, 2, a, b, -3, c);
                    float[] got = ts.get(tc);
                    assertNonZero("gemm out", got);
                    assertExact(String.format("gemm int ta=%b tb=%b m=%d n=%d k=%d", ta, tb, m, n, k), want, got);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void gemmRandomAllTransposes(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] s : GEMM_SHAPES) {
                int m = s[0], n = s[1], k = s[2];
                for (int mode = 0; mode < 4; mode++) {
                    boolean ta = (mode & 1) != 0, tb = (mode & 2) != 0;
                    long seed = seedOf(m, n, k, mode, 99);
                    float[] a = uniform(seed, m * k, -1, 1);
                    float[] b = uniform(seed + 1, k * n, -1, 1);
                    float[] c = uniform(seed + 2, m * n, -1, 1);
                    Tensor tc = ts.of(c, m, n);
                    be.gemm(ta, tb, m, n, k, 0.75f, ts.of(a, ta ? k : m, ta ? m : k),
                            ts.of(b, tb ? n : k, tb ? k : n), 0.5f, tc);
                    float[] got = ts.get(tc);
                    assertNonZero("gemm out", got);
                    assertClose(String.format("gemm rand ta=%b tb=%b m=%d n=%d k=%d", ta, tb, m, n, k),
                            gemmRef(ta, tb, m, n, k, 0.75, a, b, 0.5, c), got, 1e-4, 1e-5);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void gemmBetaZeroIgnoresGarbageAndKZeroScalesC(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            int m = 7, n = 13, k = 5;
            float[] a = smallInts(1, m * k, -3, 3), b = smallInts(2, k * n, -3, 3);
            float[] c = new float[m * n];
            Arrays.fill(c, Float.NaN); // beta = 0 must overwrite, not multiply, C (BLAS semantics)
            Tensor tc = ts.of(c, m, n);
            be.gemm(false, false, m, n, k, 1f, ts.of(a, m, k), ts.of(b, k, n), 0f, tc);
            assertExact("gemm beta=0 over NaN", gemmRef(false, false, m, n, k, 1, a, b, 0, new float[m * n]), ts.get(tc));

            // k = 0: op(A)·op(B) is the zero matrix, so C = beta·C.
            float[] c2 = smallInts(3, m * n, -5, 5);
            Tensor tc2 = ts.of(c2, m, n);
            be.gemm(false, false, m, n, 0, 1f, ts.zeros(1), ts.zeros(1), 2f, tc2);
            double[] want = new double[m * n];
            for (int i = 0; i < want.length; i++) {
                want[i] = 2.0 * c2[i];
            }
            assertNonZero("k=0 C", c2);
            assertExact("gemm k=0", want, ts.get(tc2));
        }
    }

    // ================================================================== bias + activation

    static double actRef(Activation act, double v) {
        return switch (act) {
            case IDENTITY -> v;
            case RELU -> Math.max(v, 0);
            case LEAKY_RELU -> v > 0 ? v : 0.01 * v;
            case SIGMOID -> 1 / (1 + Math.exp(-v));
            case TANH -> Math.tanh(v);
        };
    }

    /** act'(pre-activation), written from the definition (not from the output). */
    static double actGradRef(Activation act, double v) {
        return switch (act) {
            case IDENTITY -> 1;
            case RELU -> v > 0 ? 1 : 0;
            case LEAKY_RELU -> v > 0 ? 1 : 0.01;
            case SIGMOID -> {
                double s = 1 / (1 + Math.exp(-v));
                yield s * (1 - s);
            }
            case TANH -> 1 - Math.tanh(v) * Math.tanh(v);
        };
    }

    @ParameterizedTest
    @MethodSource("backends")
    void biasActivationForward(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1];
                for (Activation act : Activation.values()) {
                    float[] x = uniform(seedOf(rows, cols, act.ordinal()), rows * cols, -3, 3);
                    float[] bias = uniform(seedOf(cols, act.ordinal()), cols, -1, 1);
                    x[0] = 2.5f; // at least one positive pre-activation, so ReLU output is never all 0
                    double[] want = new double[rows * cols];
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < cols; j++) {
                            want[r * cols + j] = actRef(act, (double) (x[r * cols + j] + bias[j]));
                        }
                    }
                    assertNonZero("x", x);
                    assertNonZero("bias", bias);
                    String what = "biasActivationForward " + act + " " + rows + "x" + cols;
                    // separate output: x must stay untouched
                    Tensor tx = ts.of(x, rows, cols), tb = ts.of(bias, cols), ty = ts.zeros(rows, cols);
                    be.biasActivationForward(tx, tb, act, ty);
                    float[] got = ts.get(ty);
                    assertNonZero(what, got);
                    assertClose(what, want, got, ELEM_ATOL, ELEM_RTOL);
                    assertExact(what + " input untouched", x, ts.get(tx));
                    // aliased x == y, the way Linear uses it
                    be.biasActivationForward(tx, tb, act, tx);
                    assertClose(what + " aliased", want, ts.get(tx), ELEM_ATOL, ELEM_RTOL);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void biasActivationBackward(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1], n = rows * cols;
                for (Activation act : Activation.values()) {
                    long seed = seedOf(rows, cols, act.ordinal(), 5);
                    float[] pre = uniform(seed, n, -3, 3);
                    pre[0] = 1.5f; // at least one element with act' ≠ 0
                    if (n > 1) {
                        pre[n / 2] = 0f; // y = 0 exactly: relu' must be 0 there (PyTorch's convention)
                    }
                    float[] y = new float[n];
                    double[] dact = new double[n];
                    for (int i = 0; i < n; i++) {
                        y[i] = (float) actRef(act, pre[i]);
                        dact[i] = actGradRef(act, pre[i]);
                    }
                    float[] dy = uniform(seed + 1, n, -2, 2);
                    float[] dbias0 = uniform(seed + 2, cols, -1, 1);
                    double[] wantDx = new double[n];
                    double[] wantDb = toDouble(dbias0);
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < cols; j++) {
                            int i = r * cols + j;
                            wantDx[i] = dy[i] * dact[i];
                            wantDb[j] += wantDx[i];
                        }
                    }
                    assertNonZero("dy", dy);
                    assertNonZero("dx ref", wantDx);
                    String what = "biasActivationBackward " + act + " " + rows + "x" + cols;
                    // The derivative from a float output differs from act'(pre) by the rounding
                    // of y: for sigmoid/tanh y(1−y), 1−y² move by ~u, so ELEMENTWISE holds.
                    Tensor ty = ts.of(y, rows, cols), tdy = ts.of(dy, rows, cols);
                    Tensor tdx = ts.zeros(rows, cols), tdb = ts.of(dbias0, cols);
                    be.biasActivationBackward(ty, tdy, act, tdx, tdb);
                    assertClose(what + " dx", wantDx, ts.get(tdx), ELEM_ATOL, ELEM_RTOL);
                    assertClose(what + " dbias (accumulated)", wantDb, ts.get(tdb), 1e-5, 1e-5);
                    assertExact(what + " dy untouched", dy, ts.get(tdy));
                    // without dbias, dx aliasing dy
                    be.biasActivationBackward(ty, tdy, act, tdy, null);
                    assertClose(what + " dx aliased, no dbias", wantDx, ts.get(tdy), ELEM_ATOL, ELEM_RTOL);
                }
            }
        }
    }

    // ================================================================== losses

    /** softplus(v) = log(1 + e^v), evaluated without overflow or cancellation. */
    static double softplus(double v) {
        return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
    }

    static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void bceWithLogits(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1], n = rows * cols;
                long seed = seedOf(rows, cols, 31);
                float[] x = uniform(seed, n, -6, 6);
                float[] t = uniform(seed + 1, n, 0, 1);
                // large |x| (a naive log(sigmoid) gives inf/NaN there) and exact 0/1 targets
                float[] big = {30f, -30f, 30f, -30f, 88f, -88f};
                float[] bigT = {0f, 1f, 1f, 0f, 0f, 1f};
                for (int i = 0; i < Math.min(n, big.length); i++) {
                    x[i * 7 % n] = big[i];
                    t[i * 7 % n] = bigT[i];
                }
                float gradScale = 1f / rows;
                double[] wantLoss = new double[rows];
                double[] wantDx = new double[n];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        int i = r * cols + j;
                        // −[t log σ(x) + (1−t) log(1−σ(x))] = softplus(x) − t·x
                        wantLoss[r] += softplus(x[i]) - (double) t[i] * x[i];
                        wantDx[i] = gradScale * (sigmoid(x[i]) - t[i]);
                    }
                }
                String what = "bceWithLogits " + rows + "x" + cols;
                assertNonZero(what + " x", x);
                assertNonZero(what + " loss ref", wantLoss);
                Tensor tx = ts.of(x, rows, cols), tt = ts.of(t, rows, cols);
                Tensor loss = ts.of(uniform(seed + 2, rows, 5, 9), rows); // garbage: must be overwritten
                Tensor dx = ts.zeros(rows, cols);
                be.bceWithLogits(tx, tt, null, loss, dx, gradScale);
                float[] gotLoss = ts.get(loss);
                for (float v : gotLoss) {
                    assertTrue(Float.isFinite(v), what + ": non-finite loss " + Arrays.toString(gotLoss));
                }
                // per-row sums of ≤ 65 terms up to ~88: float rounding of each term ≤ u·88
                assertClose(what + " loss", wantLoss, gotLoss, 1e-4, 1e-5);
                // σ in float is within a few ulps (≤ 2e-7) of σ; times gradScale ≤ 1
                assertClose(what + " dx", wantDx, ts.get(dx), 3e-7, 1e-5);
                // dx == null: same loss, no gradient written
                Tensor loss2 = ts.zeros(rows);
                be.bceWithLogits(tx, tt, null, loss2, null, gradScale);
                assertExact(what + " loss with dx=null", gotLoss, ts.get(loss2));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void mse(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1], n = rows * cols;
                long seed = seedOf(rows, cols, 37);
                float[] x = uniform(seed, n, 0, 1), t = uniform(seed + 1, n, 0, 1);
                float gradScale = 0.37f;
                double[] wantLoss = new double[rows], wantDx = new double[n];
                for (int i = 0; i < n; i++) {
                    double d = (double) x[i] - t[i];
                    wantLoss[i / cols] += d * d;
                    wantDx[i] = gradScale * 2 * d;
                }
                String what = "mse " + rows + "x" + cols;
                assertNonZero(what + " loss ref", wantLoss);
                Tensor loss = ts.of(uniform(seed + 2, rows, 5, 9), rows), dx = ts.zeros(rows, cols);
                be.mse(ts.of(x, rows, cols), ts.of(t, rows, cols), null, loss, dx, gradScale);
                assertClose(what + " loss", wantLoss, ts.get(loss), 1e-5, 1e-5);
                assertClose(what + " dx", wantDx, ts.get(dx), ELEM_ATOL, ELEM_RTOL);
                Tensor loss2 = ts.zeros(rows);
                be.mse(ts.of(x, rows, cols), ts.of(t, rows, cols), null, loss2, null, gradScale);
                assertClose(what + " loss, dx=null", wantLoss, ts.get(loss2), 1e-5, 1e-5);
            }
        }
    }

    /** A 0/1 loss mask: masked-out elements add nothing to the loss and get zero gradient. */
    @ParameterizedTest
    @MethodSource("backends")
    void lossesUnderAMask(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1], n = rows * cols;
                long seed = seedOf(rows, cols, 41);
                float[] x = uniform(seed, n, -5, 5), t = uniform(seed + 1, n, 0, 1), u = uniform(seed + 2, n, 0, 1);
                float[] m = new float[n];
                for (int i = 0; i < n; i++) {
                    m[i] = u[i] < 0.4f ? 1f : 0f;
                }
                m[0] = 1f; // at least one element counts
                float gradScale = 0.5f;
                double[] bceLoss = new double[rows], mseLoss = new double[rows], bceDx = new double[n], mseDx = new double[n];
                for (int i = 0; i < n; i++) {
                    double d = (double) x[i] - t[i];
                    bceLoss[i / cols] += m[i] * (softplus(x[i]) - (double) t[i] * x[i]);
                    bceDx[i] = gradScale * m[i] * (sigmoid(x[i]) - t[i]);
                    mseLoss[i / cols] += m[i] * d * d;
                    mseDx[i] = gradScale * m[i] * 2 * d;
                }
                String what = "masked losses " + rows + "x" + cols;
                assertNonZero(what + " bce ref", bceLoss);
                Tensor tx = ts.of(x, rows, cols), tt = ts.of(t, rows, cols), tm = ts.of(m, rows, cols);
                Tensor loss = ts.of(uniform(seed + 3, rows, 5, 9), rows), dx = ts.of(uniform(seed + 4, n, 5, 9), rows, cols);
                be.bceWithLogits(tx, tt, tm, loss, dx, gradScale);
                // as the unmasked tolerances above: per-row sums of ≤ 65 terms ≤ ~6 each
                assertClose(what + " bce loss", bceLoss, ts.get(loss), 1e-4, 1e-5);
                assertClose(what + " bce dx", bceDx, ts.get(dx), 3e-7, 1e-5);
                be.mse(tx, tt, tm, loss, dx, gradScale);
                assertClose(what + " mse loss", mseLoss, ts.get(loss), 1e-5, 1e-5);
                assertClose(what + " mse dx", mseDx, ts.get(dx), ELEM_ATOL, ELEM_RTOL);
                float[] got = ts.get(dx);
                for (int i = 0; i < n; i++) {
                    if (m[i] == 0f) {
                        assertEquals(0f, Math.abs(got[i]), what + ": masked element " + i + " has a gradient");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void l1Penalty(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1], n = rows * cols;
                long seed = seedOf(rows, cols, 41);
                float[] h = uniform(seed, n, -2, 2);
                if (n > 1) {
                    h[n - 1] = 0f; // sign(0) = 0, as PyTorch
                }
                float lambda = 0.03f, gradScale = 0.25f;
                float[] loss0 = uniform(seed + 1, rows, 1, 2), dh0 = uniform(seed + 2, n, -1, 1);
                double[] wantLoss = toDouble(loss0), wantDh = toDouble(dh0);
                for (int i = 0; i < n; i++) {
                    wantLoss[i / cols] += lambda * Math.abs((double) h[i]);
                    wantDh[i] += (double) gradScale * lambda * Math.signum(h[i]);
                }
                String what = "l1Penalty " + rows + "x" + cols;
                assertNonZero(what + " h", h);
                Tensor th = ts.of(h, rows, cols);
                Tensor loss = ts.of(loss0, rows), dh = ts.of(dh0, rows, cols);
                be.l1Penalty(th, lambda, loss, dh, gradScale);
                assertClose(what + " loss (accumulated)", wantLoss, ts.get(loss), 1e-6, 1e-5);
                assertClose(what + " dh (accumulated)", wantDh, ts.get(dh), ELEM_ATOL, ELEM_RTOL);
                Tensor loss2 = ts.of(loss0, rows);
                be.l1Penalty(th, lambda, loss2, null, gradScale);
                assertClose(what + " loss, dh=null", wantLoss, ts.get(loss2), 1e-6, 1e-5);
            }
        }
    }

    // ================================================================== VAE head

    /** Normals: the CPU is bit-exact with Philox.normal; a GPU may differ by one float ulp. */
    private static void assertNormalsWithinUlp(String what, double[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            float w = (float) want[i];
            assertTrue(Math.abs(got[i] - w) <= Math.ulp(w),
                    what + "[" + i + "]: got " + got[i] + ", want " + w + " (1 ulp = " + Math.ulp(w) + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void gaussianLatentForward(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            int[][] shapes = {{1, 1}, {7, 13}, {5, 3}, {127, 5}};
            for (int[] s : shapes) {
                int rows = s[0], z = s[1];
                long seed = 0x5EED_0000L + z, offset = (3L << 32) + 5; // a step's offset plus an odd start
                float[] h = uniform(seedOf(rows, z, 43), rows * 2 * z, -1.5, 1.5);
                double[] eps = new double[rows * z], wantZ = new double[rows * z], wantKl = new double[rows];
                double[] mu = new double[rows * z];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < z; j++) {
                        int i = r * z + j;
                        double m = h[r * 2 * z + j], lv = h[r * 2 * z + z + j];
                        mu[i] = m;
                        eps[i] = Philox.normal(seed, offset + i);
                        wantZ[i] = m + Math.exp(0.5 * lv) * eps[i];
                        wantKl[r] += -0.5 * (1 + lv - m * m - Math.exp(lv));
                    }
                }
                String what = "gaussianLatentForward " + rows + "x" + z;
                assertNonZero(what + " h", h);
                assertNonZero(what + " kl ref", wantKl);
                Tensor th = ts.of(h, rows, 2 * z), te = ts.zeros(rows, z), tz = ts.zeros(rows, z), tk = ts.zeros(rows);
                be.gaussianLatentForward(th, true, seed, offset, te, tz, tk);
                assertNormalsWithinUlp(what + " eps", eps, ts.get(te));
                assertClose(what + " z", wantZ, ts.get(tz), ELEM_ATOL, ELEM_RTOL);
                assertClose(what + " kl", wantKl, ts.get(tk), 1e-5, 1e-5);
                // sample = false: eps = 0 and z = mu exactly; KL unchanged
                be.uniform(te, 1, 0); // garbage that must be overwritten with 0
                be.gaussianLatentForward(th, false, seed, offset, te, tz, tk);
                assertExact(what + " eps (no sample)", new double[rows * z], ts.get(te));
                assertExact(what + " z = mu (no sample)", mu, ts.get(tz));
                assertClose(what + " kl (no sample)", wantKl, ts.get(tk), 1e-5, 1e-5);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void gaussianLatentBackward(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            int[][] shapes = {{1, 1}, {7, 13}, {127, 5}};
            for (int[] s : shapes) {
                int rows = s[0], z = s[1];
                long seed = seedOf(rows, z, 47);
                float[] h = uniform(seed, rows * 2 * z, -1.5, 1.5);
                float[] eps = uniform(seed + 1, rows * z, -2, 2);
                float[] dz = uniform(seed + 2, rows * z, -1, 1);
                float klScale = 2f / 7f; // β / B
                double[] want = new double[rows * 2 * z];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < z; j++) {
                        int i = r * z + j, im = r * 2 * z + j, il = im + z;
                        double m = h[im], lv = h[il];
                        want[im] = dz[i] + klScale * m;
                        want[il] = 0.5 * dz[i] * eps[i] * Math.exp(0.5 * lv) + 0.5 * klScale * (Math.exp(lv) - 1);
                    }
                }
                String what = "gaussianLatentBackward " + rows + "x" + z;
                assertNonZero(what + " ref", want);
                Tensor dh = ts.of(uniform(seed + 3, rows * 2 * z, 5, 6), rows, 2 * z); // overwritten
                be.gaussianLatentBackward(ts.of(h, rows, 2 * z), ts.of(eps, rows, z), ts.of(dz, rows, z), klScale, dh);
                assertClose(what, want, ts.get(dh), ELEM_ATOL, 1e-5);
            }
        }
    }

    // ================================================================== randomness

    @ParameterizedTest
    @MethodSource("backends")
    void uniformBitExactWithPhilox(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            // offsets: 0, unaligned to a 4-word block, and crossing block index 2^32 (n = 2^34)
            long[] offsets = {0, 3, (1L << 34) - 5, (7L << 32) + 1};
            int[][] shapes = {{1}, {13}, {7, 13}, {127, 65}};
            long seed = 0xDEADBEEFCAFEL;
            for (long off : offsets) {
                for (int[] s : shapes) {
                    Tensor t = ts.zeros(s);
                    be.uniform(t, seed, off);
                    float[] got = ts.get(t);
                    double[] want = new double[got.length];
                    for (int i = 0; i < got.length; i++) {
                        want[i] = Philox.uniform(seed, off + i);
                        assertTrue(got[i] > 0f && got[i] < 1f, "uniform outside (0,1): " + got[i]);
                    }
                    assertExact("uniform offset=" + off + " shape=" + Arrays.toString(s), want, got);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void normalMatchesPhilox(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            long seed = -123456789L; // negative: high key word all ones
            for (long off : new long[] {0, 1, (5L << 32) + 3}) {
                for (int n : new int[] {1, 13, 127 * 65}) {
                    Tensor t = ts.zeros(n);
                    be.normal(t, seed, off, 0f, 1f);
                    double[] want = new double[n];
                    for (int i = 0; i < n; i++) {
                        want[i] = Philox.normal(seed, off + i);
                    }
                    float[] got = ts.get(t);
                    assertNonZero("normal", got);
                    assertNormalsWithinUlp("normal off=" + off + " n=" + n, want, got);
                    // mean + std·normal: one float multiply-add of values within 1 ulp
                    be.normal(t, seed, off, 3f, 0.5f);
                    double[] want2 = new double[n];
                    for (int i = 0; i < n; i++) {
                        want2[i] = 3.0 + 0.5 * want[i];
                    }
                    assertClose("normal(3, 0.5) off=" + off + " n=" + n, want2, ts.get(t), ELEM_ATOL, ELEM_RTOL);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void dropoutMaskExactAndRateWithinBinomialBound(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (float p : new float[] {0.3f, 0.5f, 0.9f}) {
                for (int[] s : SHAPES) {
                    int rows = s[0], cols = s[1], n = rows * cols;
                    long seed = seedOf(rows, cols, (long) (p * 10)), off = (2L << 32) + 7;
                    float[] x = uniform(seed, n, -2, 2);
                    Tensor mask = ts.zeros(rows, cols), y = ts.zeros(rows, cols);
                    be.dropout(ts.of(x, rows, cols), p, seed, off, mask, y);
                    float keep = 1f / (1f - p);
                    double[] wantMask = new double[n], wantY = new double[n];
                    int dropped = 0;
                    for (int i = 0; i < n; i++) {
                        boolean drop = Philox.uniform(seed, off + i) < p;
                        dropped += drop ? 1 : 0;
                        wantMask[i] = drop ? 0 : keep;
                        wantY[i] = x[i] * (drop ? 0f : keep); // one IEEE multiply
                    }
                    float[] gotMask = ts.get(mask);
                    for (float m : gotMask) {
                        assertTrue(m == 0f || m == keep, "dropout mask value " + m + " is neither 0 nor 1/(1−p) = " + keep);
                    }
                    String what = "dropout p=" + p + " " + rows + "x" + cols;
                    assertExact(what + " mask", wantMask, gotMask);
                    assertExact(what + " y", wantY, ts.get(y));
                    if (n >= 1000) {
                        // Binomial(n, p): 5σ bound. The seed is fixed, so this never flakes; it
                        // catches a comparison the wrong way round (rate 1−p) or a constant mask.
                        double sigma = Math.sqrt(n * p * (1 - p));
                        assertTrue(Math.abs(dropped - n * p) <= 5 * sigma,
                                what + ": dropped " + dropped + " of " + n + ", expected " + n * p + " ± " + 5 * sigma);
                    }
                }
            }
            // p = 0: mask all ones, y = x
            float[] x = uniform(9, 91, -1, 1);
            Tensor mask = ts.zeros(7, 13), y = ts.zeros(7, 13);
            be.dropout(ts.of(x, 7, 13), 0f, 1, 0, mask, y);
            float[] ones = new float[91];
            Arrays.fill(ones, 1f);
            assertExact("dropout p=0 mask", ones, ts.get(mask));
            assertExact("dropout p=0 y", x, ts.get(y));
            assertThrows(IllegalArgumentException.class, () -> be.dropout(ts.of(x, 7, 13), 1f, 1, 0, mask, y));
            assertThrows(IllegalArgumentException.class, () -> be.dropout(ts.of(x, 7, 13), -0.1f, 1, 0, mask, y));
        }
    }

    // ================================================================== optimizers

    @ParameterizedTest
    @MethodSource("backends")
    void adamwFiveStepsMatchesFormula(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (float wd : new float[] {0f, 0.1f}) {
                int n = 131;
                float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
                float[] p0 = uniform(61, n, -1, 1);
                Tensor p = ts.of(p0, n), g = ts.zeros(n), m = ts.zeros(n), v = ts.zeros(n);
                double[] rp = toDouble(p0), rm = new double[n], rv = new double[n];
                for (int t = 1; t <= 5; t++) {
                    float[] grad = uniform(100 + t, n, -1, 1);
                    be.upload(grad, 0, g);
                    be.adamw(p, g, m, v, lr, b1, b2, eps, wd, t);
                    for (int i = 0; i < n; i++) {
                        rp[i] *= 1 - (double) lr * wd;
                        rm[i] = b1 * rm[i] + (1 - (double) b1) * grad[i];
                        rv[i] = b2 * rv[i] + (1 - (double) b2) * grad[i] * grad[i];
                        double mh = rm[i] / (1 - Math.pow(b1, t)), vh = rv[i] / (1 - Math.pow(b2, t));
                        rp[i] -= lr * mh / (Math.sqrt(vh) + eps);
                    }
                    // Each step moves p by ≈ lr with relative error ~1e-6 and rounds p (|p| ≤ 1.1)
                    // to float: after t steps |err| ≲ t·(1e-6·lr + u) ≈ 4e-7, so atol 1e-6.
                    String what = "adamw wd=" + wd + " step " + t;
                    assertClose(what + " params", rp, ts.get(p), 1e-6, 1e-5);
                    assertClose(what + " m", rm, ts.get(m), 1e-7, 1e-5);
                    assertClose(what + " v", rv, ts.get(v), 1e-9, 1e-5);
                }
                double moved = 0;
                for (int i = 0; i < n; i++) {
                    moved = Math.max(moved, Math.abs(rp[i] - p0[i]));
                }
                assertTrue(moved > 0.02, "adamw moved params by only " + moved);
            }
            Tensor t1 = ts.zeros(3);
            assertThrows(IllegalArgumentException.class, () -> be.adamw(t1, t1, t1, t1, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void sgdFiveStepsMatchesFormula(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            int n = 127;
            float lr = 0.1f, mom = 0.9f, wd = 0.01f;
            float[] p0 = uniform(71, n, -1, 1);
            Tensor p = ts.of(p0, n), g = ts.zeros(n), buf = ts.zeros(n);
            double[] rp = toDouble(p0), rb = new double[n];
            for (int t = 1; t <= 5; t++) {
                float[] grad = uniform(200 + t, n, -1, 1);
                be.upload(grad, 0, g);
                be.sgd(p, g, buf, lr, mom, wd);
                for (int i = 0; i < n; i++) {
                    double gg = grad[i] + wd * rp[i];
                    rb[i] = mom * rb[i] + gg;
                    rp[i] -= lr * rb[i];
                }
                // a handful of float roundings of O(1) values per step
                assertClose("sgd step " + t + " params", rp, ts.get(p), 1e-6, 1e-5);
                assertClose("sgd step " + t + " velocity", rb, ts.get(buf), 1e-6, 1e-5);
            }
            assertNonZero("sgd velocity", ts.get(buf));
        }
    }

    // ================================================================== basic ops

    @ParameterizedTest
    @MethodSource("backends")
    void fillCopyScaleSumSquaresMultiply(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] s : SHAPES) {
                int n = s[0] * s[1];
                float[] a = uniform(seedOf(s[0], s[1]) + 1, n, -3, 3), b = uniform(seedOf(s[0], s[1]) + 2, n, -3, 3);
                assertNonZero("a", a);
                Tensor ta = ts.of(a, s), tb = ts.of(b, s), out = ts.zeros(s);
                String what = Arrays.toString(s);

                be.fill(out, -2.5f);
                double[] filled = new double[n];
                Arrays.fill(filled, -2.5);
                assertExact("fill " + what, filled, ts.get(out));

                be.copy(ta, out);
                assertExact("copy " + what, a, ts.get(out));

                be.scale(out, -0.37f);
                double[] scaled = new double[n];
                for (int i = 0; i < n; i++) {
                    scaled[i] = a[i] * -0.37f; // float product
                }
                assertExact("scale " + what, scaled, ts.get(out));

                double ss = 0;
                for (float v : a) {
                    ss += (double) v * v;
                }
                double got = be.sumSquares(ta);
                // accumulated in double: any order agrees to ~n·2^-53 relative
                assertTrue(Math.abs(got - ss) <= 1e-12 * ss, "sumSquares " + what + ": " + got + " vs " + ss);

                double[] prod = new double[n];
                for (int i = 0; i < n; i++) {
                    prod[i] = a[i] * b[i];
                }
                be.multiply(ta, tb, out);
                assertExact("multiply " + what, prod, ts.get(out));
                be.multiply(ta, tb, ta); // out aliases a
                assertExact("multiply aliased " + what, prod, ts.get(ta));

                double[] sum = new double[n];
                for (int i = 0; i < n; i++) {
                    sum[i] = (float) ((double) prod[i] + b[i]); // one IEEE add = the double sum rounded
                }
                be.accumulate(tb, ta);
                assertExact("accumulate " + what, sum, ts.get(ta));

                float[] start = new float[2 * n];
                double[] twice = new double[2 * n];
                for (int i = 0; i < 2 * n; i++) {
                    start[i] = (float) prod[i % n];
                    twice[i] = sum[i % n];
                }
                Tensor wide = ts.of(start, 1, 2 * n); // one row of 2n: the src row (1, n) is added to both halves
                be.accumulate(ts.of(b, 1, n), wide);
                assertExact("accumulate repeated " + what, twice, ts.get(wide));
            }
        }
    }

    // ================================================================== memory and views

    @ParameterizedTest
    @MethodSource("backends")
    void uploadDownloadRoundTripWithOffsets(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            float[] src = uniform(81, 200, -1e6, 1e6);
            src[3] = Float.MIN_VALUE;
            src[4] = -0f;
            src[5] = Float.MAX_VALUE;
            Tensor t = ts.zeros(7, 13);
            be.upload(src, 50, t);
            float[] dst = new float[300];
            Arrays.fill(dst, 42f);
            be.download(t, dst, 100);
            for (int i = 0; i < 300; i++) {
                float want = i >= 100 && i < 191 ? src[50 + i - 100] : 42f;
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(dst[i]), "dst[" + i + "]");
            }
            Tensor whole = ts.zeros(200);
            be.upload(src, 0, whole);
            float[] back = ts.get(whole);
            for (int i = 0; i < 200; i++) {
                assertEquals(Float.floatToRawIntBits(src[i]), Float.floatToRawIntBits(back[i]), "round trip [" + i + "]");
            }
            assertThrows(IllegalArgumentException.class, () -> be.upload(src, 150, t)); // 91 floats from 150 of 200
            assertThrows(IllegalArgumentException.class, () -> be.download(t, new float[90], 0));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void viewInTheMiddleOfAStorageLeavesItsNeighboursAlone(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            // layout: guards | v (7×13) | loss (7) + 1 spare | v2 (7×13) | guards
            final int total = 400, at = 131, rows = 7, cols = 13, n = rows * cols, gap = 8;
            final int end = at + 2 * n + gap;
            final float guard = 12345.5f;
            Tensor whole = ts.zeros(total);
            float[] guards = new float[total];
            Arrays.fill(guards, guard);
            be.upload(guards, 0, whole);
            Tensor v = whole.view(at, Shape.of(rows, cols));
            Tensor loss = whole.view(at + n, Shape.of(rows));
            Tensor v2 = whole.view(at + n + gap, Shape.of(rows, cols));
            float[] x = uniform(91, n, -1, 1);
            be.upload(x, 0, v);
            be.copy(v, v2);
            Tensor bias = whole.view(0, Shape.of(cols)); // a read-only operand made of guards

            // Every writing op on the views; then every float outside them must still be the guard.
            be.fill(v, 0.5f);
            be.upload(x, 0, v);
            be.scale(v, 2f);
            be.multiply(v, v2, v);
            be.biasActivationForward(v, bias, Activation.TANH, v);
            be.biasActivationBackward(v, v2, Activation.SIGMOID, v, null);
            be.gemm(false, true, rows, rows, cols, 1f, v, v2, 0f, whole.view(at, Shape.of(rows, rows)));
            be.uniform(v, 1, 0);
            be.normal(v, 1, 0, 0f, 1f);
            be.dropout(v2, 0.5f, 3, 0, v, v);
            be.mse(v, v2, null, loss, v, 1f);
            be.bceWithLogits(v, v2, null, loss, v, 1f);
            be.l1Penalty(v, 0.1f, loss, v, 1f);
            be.sgd(v, v2, v, 0.1f, 0.9f, 0f);
            float[] all = ts.get(whole);
            int checked = 0;
            for (int i = 0; i < total; i++) {
                if (i < at || i >= end || i == at + n + rows) { // outside the views, or the spare float
                    assertEquals(guard, all[i], "guard value at " + i + " was overwritten (views cover ["
                            + at + ", " + (at + n + rows) + ") and [" + (at + n + gap) + ", " + end + "))");
                    checked++;
                }
            }
            assertEquals(total - 2 * n - rows, checked);
            assertEquals(Float.floatToRawIntBits(guard), Float.floatToRawIntBits(ts.get(bias)[cols - 1]));
        }
    }

    // ================================================================== bad input

    private static void assertIae(String op, Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, op);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), op + ": message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void sizeMismatchesThrowWithShapes(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            Tensor a = ts.zeros(7, 13), b = ts.zeros(7, 12), row = ts.zeros(7), row6 = ts.zeros(6);
            assertIae("copy", () -> be.copy(a, b), "copy", "[7, 13]", "[7, 12]");
            assertIae("multiply", () -> be.multiply(a, b, a), "multiply", "[7, 13]", "[7, 12]");
            assertIae("accumulate", () -> be.accumulate(a, b), "accumulate", "[7, 13]", "[7, 12]");
            assertIae("biasActivationForward", () -> be.biasActivationForward(a, ts.zeros(5), Activation.RELU, a),
                    "[5]", "[7, 13]");
            assertIae("biasActivationBackward", () -> be.biasActivationBackward(a, a, Activation.RELU, a, ts.zeros(12)),
                    "[12]", "[7, 13]");
            assertIae("bceWithLogits", () -> be.bceWithLogits(a, b, null, row, null, 1f), "[7, 13]", "[7, 12]");
            assertIae("bceWithLogits loss", () -> be.bceWithLogits(a, a, null, row6, null, 1f), "[6]", "7");
            assertIae("mse", () -> be.mse(a, b, null, row, null, 1f), "[7, 13]", "[7, 12]");
            assertIae("l1Penalty", () -> be.l1Penalty(a, 0.1f, row, b, 1f), "[7, 13]", "[7, 12]");
            assertIae("gaussianLatentForward", () -> be.gaussianLatentForward(ts.zeros(7, 6), true, 1, 0,
                    ts.zeros(7, 2), ts.zeros(7, 3), row), "[7, 6]", "[7, 2]");
            assertIae("dropout", () -> be.dropout(a, 0.5f, 1, 0, b, a), "[7, 13]", "[7, 12]");
            assertIae("adamw", () -> be.adamw(a, b, a, a, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 1), "[7, 13]", "[7, 12]");
            assertIae("sgd", () -> be.sgd(a, a, b, 0.1f, 0.9f, 0f), "[7, 13]", "[7, 12]");
            assertIae("gemm", () -> be.gemm(false, false, 7, 13, 14, 1f, a, a, 0f, a), "m=7", "n=13", "k=14");
            assertIae("allocate", () -> be.allocate(-1, "x"), "-1");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void useAfterCloseThrows(Backend be) {
        var storage = be.allocate(128, "doomed");
        Tensor t = new Tensor(storage, 10, Shape.of(7, 13));
        be.fill(t, 1f); // makes and caches the backend's native view
        storage.close();
        assertTrue(storage.isClosed());
        storage.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> be.fill(t, 2f));
        assertTrue(e.getMessage().contains("doomed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> be.download(t, new float[91], 0));
        assertThrows(IllegalStateException.class, () -> be.upload(new float[91], 0, t));
        assertThrows(IllegalStateException.class, () -> be.sumSquares(t));
        Tensor fresh = new Tensor(storage, 0, Shape.of(3)); // a view made after close
        assertThrows(IllegalStateException.class, () -> be.scale(fresh, 2f));
    }
}
