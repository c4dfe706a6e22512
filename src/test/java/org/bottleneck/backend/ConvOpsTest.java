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
 * Tier 1 (DESIGN.md §4) for the convolution family of {@link Backend}: conv2d forward,
 * backward data, backward filter, channel bias + activation, nearest upsampling and max
 * pooling, each against a float64 reference written here in the plainest loops (the direct
 * convolution formula, not im2col), on seeded inputs with awkward shapes: batch 1 and 7, Cin 1
 * and 3, kernels 1/3/5, strides 1/2/3, paddings 0/1/2, odd and non-square planes, windows that
 * lie wholly in the padding, and a geometry whose batch runs in several im2col chunks.
 *
 * <p>Dimensions: B batch, Cin/Cout channels, H×W input plane, Ho×Wo output plane, k kernel,
 * s stride, p padding. Tolerances (|a−e| ≤ atol + rtol·|e|, e the float64 reference of the
 * float32 inputs):
 * <ul>
 *   <li>EXACT for small-integer inputs (|x|, |w|, |dy| ≤ 3): every product and partial sum is
 *       an integer below 2^24 (the largest sum here is B·Ho·Wo·9 = 12,348 for the filter
 *       gradient; the chunked case uses values in {−1, 0, 1}, sums ≤ 2.6M), so any summation
 *       order, blocking or FMA gives the same float.</li>
 *   <li>Random floats in [−1, 1): a sum of n products, |product| ≤ 1, rounded in float:
 *       atol {@code 2e-5 + 1e-7·n}, rtol 1e-5. Rounding errors of a blocked sum grow like
 *       √n·u·‖terms‖ (u = 6e-8), about 1e-6 for n = 75 and 1e-5 for n = 1372; the atol is
 *       several times that, while an index, stride or padding bug moves an element by
 *       O(0.1).</li>
 *   <li>ELEMENTWISE (channel bias + activation) atol 1e-6, rtol 2e-6 as in BackendOpsTest:
 *       one or two float roundings of an O(1) value and float exp/tanh a few ulps off. On the
 *       CPU the results are also required bit-identical to {@link Activation#apply} /
 *       {@link Activation#derivativeFromOutput} evaluated in float.</li>
 *   <li>dbias: atol 1e-5, rtol 1e-5: a double sum of up to 7·45 float terms, rounded twice.</li>
 * </ul>
 */
class ConvOpsTest {

    static Stream<Backend> backends() {
        return TestBackends.stream();
    }

    private static final double ELEM_ATOL = 1e-6, ELEM_RTOL = 2e-6;

    /** (B, Cin, H, W, Cout, k, s, p). */
    private static final ConvGeometry[] GEOMETRIES = {
        new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 0),    // everything 1
        new ConvGeometry(7, 3, 9, 13, 5, 3, 2, 1),   // prime batch, odd non-square plane
        new ConvGeometry(1, 3, 11, 7, 4, 5, 3, 2),   // k5 s3 p2
        new ConvGeometry(7, 1, 10, 6, 3, 3, 1, 0),   // Cin 1, s1 p0, even plane
        new ConvGeometry(2, 3, 8, 5, 6, 1, 2, 0),    // 1×1 kernel, stride 2 (skips columns)
        new ConvGeometry(3, 2, 5, 9, 7, 5, 1, 2),    // k5 "same" padding
        new ConvGeometry(1, 3, 13, 10, 2, 3, 3, 1),  // s3 p1: rows of input never read
        new ConvGeometry(2, 1, 3, 2, 3, 3, 2, 2),    // plane smaller than the kernel, p2
        new ConvGeometry(1, 3, 7, 7, 2, 1, 3, 2),    // k1 p2: some windows lie wholly in the padding
        new ConvGeometry(7, 1, 28, 28, 8, 3, 2, 1),  // the MNIST encoder's first layer (fewer channels)
    };

    private static long seedOf(long... dims) {
        long s = 23;
        for (long d : dims) {
            s = s * 1_000_003L + d;
        }
        return s;
    }

    private static long seedOf(ConvGeometry g, long salt) {
        return seedOf(g.batch(), g.inC(), g.inH(), g.inW(), g.outC(), g.kernel(), g.stride(), g.padding(), salt);
    }

    /** Seeded small integers in [lo, hi] with element 0 forced non-zero (no vacuous 1-element case). */
    private static float[] ints(long seed, int n, int lo, int hi) {
        float[] a = smallInts(seed, n, lo, hi);
        if (a[0] == 0f) {
            a[0] = hi;
        }
        return a;
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    /** Random-float atol for sums of n products of magnitude ≤ 1 (see the class comment). */
    private static double sumAtol(long n) {
        return 2e-5 + 1e-7 * n;
    }

    // ================================================================== float64 references

    /** y[n,co,oh,ow] = Σ_{ci,kh,kw} w[co,ci,kh,kw]·x[n,ci,oh·s−p+kh,ow·s−p+kw], zero outside x. */
    static double[] convRef(ConvGeometry g, float[] x, float[] w) {
        int b = g.batch(), cin = g.inC(), h = g.inH(), wd = g.inW(), cout = g.outC(), k = g.kernel();
        int s = g.stride(), p = g.padding(), ho = g.outH(), wo = g.outW();
        double[] y = new double[b * cout * ho * wo];
        for (int n = 0; n < b; n++) {
            for (int co = 0; co < cout; co++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) {
                        double sum = 0;
                        for (int ci = 0; ci < cin; ci++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int ih = oh * s - p + kh, iw = ow * s - p + kw;
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                                        sum += (double) w[((co * cin + ci) * k + kh) * k + kw]
                                                * x[((n * cin + ci) * h + ih) * wd + iw];
                                    }
                                }
                            }
                        }
                        y[((n * cout + co) * ho + oh) * wo + ow] = sum;
                    }
                }
            }
        }
        return y;
    }

    /** dx[n,ci,ih,iw] = Σ dy[n,co,oh,ow]·w[co,ci,kh,kw] over ih = oh·s−p+kh, iw = ow·s−p+kw. */
    static double[] convBackwardDataRef(ConvGeometry g, float[] dy, float[] w) {
        int b = g.batch(), cin = g.inC(), h = g.inH(), wd = g.inW(), cout = g.outC(), k = g.kernel();
        int s = g.stride(), p = g.padding(), ho = g.outH(), wo = g.outW();
        double[] dx = new double[b * cin * h * wd];
        for (int n = 0; n < b; n++) {
            for (int co = 0; co < cout; co++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) {
                        double d = dy[((n * cout + co) * ho + oh) * wo + ow];
                        for (int ci = 0; ci < cin; ci++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int ih = oh * s - p + kh, iw = ow * s - p + kw;
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                                        dx[((n * cin + ci) * h + ih) * wd + iw] +=
                                                d * w[((co * cin + ci) * k + kh) * k + kw];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** dw[co,ci,kh,kw] = beta·dw0 + Σ_{n,oh,ow} dy[n,co,oh,ow]·x[n,ci,oh·s−p+kh,ow·s−p+kw]. */
    static double[] convBackwardFilterRef(ConvGeometry g, float[] x, float[] dy, double beta, float[] dw0) {
        int b = g.batch(), cin = g.inC(), h = g.inH(), wd = g.inW(), cout = g.outC(), k = g.kernel();
        int s = g.stride(), p = g.padding(), ho = g.outH(), wo = g.outW();
        double[] dw = new double[cout * cin * k * k];
        for (int i = 0; i < dw.length; i++) {
            dw[i] = beta == 0 ? 0 : beta * dw0[i];
        }
        for (int n = 0; n < b; n++) {
            for (int co = 0; co < cout; co++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) {
                        double d = dy[((n * cout + co) * ho + oh) * wo + ow];
                        for (int ci = 0; ci < cin; ci++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int ih = oh * s - p + kh, iw = ow * s - p + kw;
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                                        dw[((co * cin + ci) * k + kh) * k + kw] +=
                                                d * x[((n * cin + ci) * h + ih) * wd + iw];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dw;
    }

    // ================================================================== convolutions

    /** The three conv ops of g on x, w, dy; workspace, outputs and beta-0 dw start as NaN garbage. */
    private static void checkConv(Backend be, Tensors ts, ConvGeometry g, float[] x, float[] w, float[] dy,
                                  float[] dw0, boolean exact) {
        String what = g.toString();
        assertNonZero(what + " x", x);
        assertNonZero(what + " w", w);
        assertNonZero(what + " dy", dy);
        assertNonZero(what + " dw0", dw0);
        int[] xs = g.inputShape().dims(), ys = g.outputShape().dims(), ws = g.weightShape().dims();
        Tensor tx = ts.of(x, xs), tw = ts.of(w, ws), tdy = ts.of(dy, ys);
        Tensor work = ts.zeros(Math.toIntExact(be.convWorkspaceFloats(g)));
        int patch = g.patchSize();
        long fwdTerms = patch, dataTerms = (long) g.outC() * g.kernel() * g.kernel(),
                filterTerms = (long) g.batch() * g.outPlane();

        be.fill(work, Float.NaN); // every column entry, padding zeros included, must be written
        Tensor ty = ts.of(nans(ys[0] * ys[1] * ys[2] * ys[3]), ys);
        be.conv2dForward(g, tx, tw, ty, work);
        double[] wantY = convRef(g, x, w);
        float[] gotY = ts.get(ty);
        assertNonZero(what + " forward", gotY);
        check(what + " forward", wantY, gotY, exact, sumAtol(fwdTerms));

        be.fill(work, Float.NaN);
        Tensor tdx = ts.of(nans(x.length), xs);
        be.conv2dBackwardData(g, tdy, tw, tdx, work);
        float[] gotDx = ts.get(tdx);
        assertNonZero(what + " backwardData", gotDx);
        check(what + " backwardData", convBackwardDataRef(g, dy, w), gotDx, exact, sumAtol(dataTerms));

        be.fill(work, Float.NaN);
        Tensor tdw = ts.of(nans(w.length), ws); // beta 0 overwrites, garbage included
        be.conv2dBackwardFilter(g, tx, tdy, 0f, tdw, work);
        float[] gotDw = ts.get(tdw);
        assertNonZero(what + " backwardFilter", gotDw);
        check(what + " backwardFilter beta=0", convBackwardFilterRef(g, x, dy, 0, null), gotDw, exact,
                sumAtol(filterTerms));

        be.fill(work, Float.NaN);
        Tensor tdw1 = ts.of(dw0, ws); // beta 1 accumulates onto what is there
        be.conv2dBackwardFilter(g, tx, tdy, 1f, tdw1, work);
        check(what + " backwardFilter beta=1", convBackwardFilterRef(g, x, dy, 1, dw0), ts.get(tdw1), exact,
                sumAtol(filterTerms));

        assertExact(what + " x untouched", x, ts.get(tx));
        assertExact(what + " w untouched", w, ts.get(tw));
        assertExact(what + " dy untouched", dy, ts.get(tdy));
    }

    private static void check(String what, double[] want, float[] got, boolean exact, double atol) {
        if (exact) {
            assertExact(what, want, got);
        } else {
            assertClose(what, want, got, atol, 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void convSmallIntegersExact(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (ConvGeometry g : GEOMETRIES) {
                long seed = seedOf(g, 1);
                checkConv(be, ts, g,
                        ints(seed, (int) g.inputShape().size(), -3, 3),
                        ints(seed + 1, (int) g.weightShape().size(), -3, 3),
                        ints(seed + 2, (int) g.outputShape().size(), -3, 3),
                        ints(seed + 3, (int) g.weightShape().size(), -9, 9), true);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void convRandomFloats(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (ConvGeometry g : GEOMETRIES) {
                long seed = seedOf(g, 2);
                checkConv(be, ts, g,
                        uniform(seed, (int) g.inputShape().size(), -1, 1),
                        uniform(seed + 1, (int) g.weightShape().size(), -1, 1),
                        uniform(seed + 2, (int) g.outputShape().size(), -1, 1),
                        uniform(seed + 3, (int) g.weightShape().size(), -1, 1), false);
            }
        }
    }

    /**
     * A batch that runs in three im2col chunks (2, 2, then a smaller last one of 1): offsets of
     * every chunk, and backwardFilter's beta on the first chunk only (β = 0 then 1 after it; a
     * β on every chunk would keep only the last one, a 1 on the first would keep the garbage).
     */
    @ParameterizedTest
    @MethodSource("backends")
    void convOverSeveralChunksExact(Backend be) {
        ConvGeometry g = new ConvGeometry(5, 1, 601, 853, 2, 3, 1, 1);
        assertEquals(2, g.chunk(), "the geometry must split the batch as 2 + 2 + 1");
        try (Tensors ts = new Tensors(be)) {
            long seed = seedOf(g, 3);
            // values in {−1, 0, 1}: the filter gradient sums B·Ho·Wo = 2.6M terms, still < 2^24
            checkConv(be, ts, g,
                    ints(seed, (int) g.inputShape().size(), -1, 1),
                    ints(seed + 1, (int) g.weightShape().size(), -1, 1),
                    ints(seed + 2, (int) g.outputShape().size(), -1, 1),
                    ints(seed + 3, (int) g.weightShape().size(), -9, 9), true);
        }
    }

    /**
     * conv2dBackwardData is ConvTranspose2d's forward. Reference: PyTorch's ConvTranspose2d
     * formula, {@code y[n,co,oh,ow] += x[n,ci,ih,iw]·w[ci,co,kh,kw]} at {@code oh = ih·s − p + kh}
     * (likewise ow), output size {@code (H−1)·s − 2p + k + op}. The transposed layer's weight
     * (Cin_t, Cout_t, k, k) is the conv weight (Cout = Cin_t, Cin = Cout_t, k, k) as it lies in
     * memory, and the conv geometry's input is the transposed output: with output padding op &lt; s
     * that larger size still maps back to H under the conv's floor division.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void convTransposeIsBackwardData(Backend be) {
        int[][] layers = { // B, Cin_t, Cout_t, H, W, k, s, p, op
            {3, 64, 32, 7, 7, 3, 2, 1, 1},  // the MNIST decoder: 7 → 14
            {2, 32, 1, 14, 14, 3, 2, 1, 1}, // 14 → 28
            {1, 3, 2, 4, 5, 5, 3, 2, 2},    // k5 s3 p2 op2, non-square
            {7, 5, 3, 6, 3, 3, 1, 1, 0},    // s1 "same", no output padding
            {2, 2, 3, 3, 4, 1, 2, 0, 1},    // 1×1 kernel, op1: the last row/column only gets zeros
        };
        try (Tensors ts = new Tensors(be)) {
            for (int[] l : layers) {
                int b = l[0], ci = l[1], co = l[2], h = l[3], w = l[4], k = l[5], s = l[6], p = l[7], op = l[8];
                int ho = (h - 1) * s - 2 * p + k + op, wo = (w - 1) * s - 2 * p + k + op;
                ConvGeometry g = new ConvGeometry(b, co, ho, wo, ci, k, s, p);
                assertEquals(h, g.outH(), "conv geometry of the transposed layer");
                assertEquals(w, g.outW(), "conv geometry of the transposed layer");
                for (boolean exact : new boolean[] {true, false}) {
                    long seed = seedOf(b, ci, co, h, w, k, s, p, op, exact ? 1 : 2);
                    float[] x = exact ? ints(seed, b * ci * h * w, -3, 3) : uniform(seed, b * ci * h * w, -1, 1);
                    float[] wt = exact ? ints(seed + 1, ci * co * k * k, -3, 3)
                            : uniform(seed + 1, ci * co * k * k, -1, 1);
                    double[] want = new double[b * co * ho * wo];
                    for (int n = 0; n < b; n++) {
                        for (int i = 0; i < ci; i++) {
                            for (int ih = 0; ih < h; ih++) {
                                for (int iw = 0; iw < w; iw++) {
                                    for (int o = 0; o < co; o++) {
                                        for (int kh = 0; kh < k; kh++) {
                                            for (int kw = 0; kw < k; kw++) {
                                                int oh = ih * s - p + kh, ow = iw * s - p + kw;
                                                if (oh >= 0 && oh < ho && ow >= 0 && ow < wo) {
                                                    want[((n * co + o) * ho + oh) * wo + ow] +=
                                                            (double) x[((n * ci + i) * h + ih) * w + iw]
                                                                    * wt[((i * co + o) * k + kh) * k + kw];
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    String what = "convTranspose " + Arrays.toString(l) + (exact ? " ints" : " random");
                    assertNonZero(what + " x", x);
                    assertNonZero(what + " w", wt);
                    assertNonZero(what + " reference", want);
                    Tensor work = ts.zeros(Math.toIntExact(be.convWorkspaceFloats(g)));
                    Tensor y = ts.of(nans(want.length), b, co, ho, wo);
                    be.conv2dBackwardData(g, ts.of(x, b, ci, h, w), ts.of(wt, ci, co, k, k), y, work);
                    check(what, want, ts.get(y), exact, sumAtol((long) ci * k * k));
                }
            }
        }
    }

    /** Every op on views inside one storage, between guard values: results right, guards intact. */
    @ParameterizedTest
    @MethodSource("backends")
    void viewsAtOffsetsLeaveTheirNeighboursAlone(Backend be) {
        ConvGeometry g = new ConvGeometry(3, 2, 7, 5, 3, 3, 2, 1);
        int nx = (int) g.inputShape().size(), nw = (int) g.weightShape().size(), ny = (int) g.outputShape().size();
        int nws = Math.toIntExact(be.convWorkspaceFloats(g));
        int gap = 7;
        int[] sizes = {nx, nw, ny, nws, nx, nw, ny, 3, nx, ny}; // x w y work dx dw dy bias up(x) pool-argmax
        int[] at = new int[sizes.length];
        int total = gap;
        for (int i = 0; i < sizes.length; i++) {
            at[i] = total;
            total += sizes[i] + gap;
        }
        final float guard = -777.25f;
        try (Tensors ts = new Tensors(be)) {
            Tensor whole = ts.zeros(total);
            float[] fill = new float[total];
            Arrays.fill(fill, guard);
            be.upload(fill, 0, whole);
            Tensor x = whole.view(at[0], g.inputShape()), w = whole.view(at[1], g.weightShape());
            Tensor y = whole.view(at[2], g.outputShape()), work = whole.view(at[3], Shape.of(nws));
            Tensor dx = whole.view(at[4], g.inputShape()), dw = whole.view(at[5], g.weightShape());
            Tensor dy = whole.view(at[6], g.outputShape()), bias = whole.view(at[7], Shape.of(3));
            float[] xv = ints(1, nx, -3, 3), wv = ints(2, nw, -3, 3), dyv = ints(3, ny, -3, 3);
            be.upload(xv, 0, x);
            be.upload(wv, 0, w);
            be.upload(dyv, 0, dy);
            be.upload(new float[] {0.5f, -1f, 2f}, 0, bias);
            be.conv2dForward(g, x, w, y, work);
            assertExact("forward in views", convRef(g, xv, wv), ts.get(y));
            be.conv2dBackwardData(g, dy, w, dx, work);
            assertExact("backwardData in views", convBackwardDataRef(g, dyv, wv), ts.get(dx));
            be.conv2dBackwardFilter(g, x, dy, 0f, dw, work);
            assertExact("backwardFilter in views", convBackwardFilterRef(g, xv, dyv, 0, null), ts.get(dw));
            // the remaining ops write into the same views (their values are checked elsewhere)
            be.channelBiasActivationForward(y, bias, Activation.TANH, y);
            be.channelBiasActivationBackward(y, dy, Activation.SIGMOID, dy, bias);
            Tensor up = whole.view(at[8], g.inputShape());
            be.upsampleNearestForward(dx, 1, up);
            be.upsampleNearestBackward(up, 1, dx);
            Tensor pooled = whole.view(at[9], Shape.of(3, 3, 2, 1)); // y is (3,3,4,3); pool k2 s2 → (3,3,2,1)
            Tensor argmax = whole.view(at[6], Shape.of(3, 3, 2, 1));
            be.maxPoolForward(y, 2, 2, pooled, argmax);
            be.maxPoolBackward(pooled, argmax, 2, 2, y);
            float[] all = ts.get(whole);
            int checked = 0;
            for (int i = 0; i < total; i++) {
                boolean inside = false;
                for (int v = 0; v < sizes.length; v++) {
                    inside |= i >= at[v] && i < at[v] + sizes[v];
                }
                if (!inside) {
                    assertEquals(guard, all[i], "guard at " + i + " overwritten (views at " + Arrays.toString(at)
                            + ", sizes " + Arrays.toString(sizes) + ")");
                    checked++;
                }
            }
            assertEquals(gap * (sizes.length + 1), checked);
        }
    }

    // ================================================================== channel bias + activation

    private static final int[][] PLANES = {{1, 1, 1, 1}, {7, 3, 5, 9}, {2, 13, 1, 7}, {1, 5, 4, 4}};

    static double actRef(Activation act, double v) {
        return switch (act) {
            case IDENTITY -> v;
            case RELU -> Math.max(v, 0);
            case LEAKY_RELU -> v > 0 ? v : 0.01 * v;
            case SIGMOID -> 1 / (1 + Math.exp(-v));
            case TANH -> Math.tanh(v);
        };
    }

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

    private static boolean isCpu(Backend be) {
        return "cpu".equals(be.name());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void channelBiasActivationForward(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] d : PLANES) {
                int b = d[0], c = d[1], hw = d[2] * d[3], n = b * c * hw;
                for (Activation act : Activation.values()) {
                    float[] x = uniform(seedOf(n, c, act.ordinal()), n, -3, 3);
                    float[] bias = uniform(seedOf(c, act.ordinal(), 7), c, -1, 1);
                    x[0] = 2.5f; // at least one positive pre-activation
                    double[] want = new double[n];
                    float[] bits = new float[n]; // Activation.apply in float: the CPU's contract
                    for (int i = 0; i < n; i++) {
                        int ch = i / hw % c;
                        want[i] = actRef(act, (double) (x[i] + bias[ch]));
                        bits[i] = act.apply(x[i] + bias[ch]);
                    }
                    String what = "channelBiasActivationForward " + act + " " + Arrays.toString(d);
                    assertNonZero(what + " x", x);
                    assertNonZero(what + " bias", bias);
                    Tensor tx = ts.of(x, d), tb = ts.of(bias, c), ty = ts.of(nans(n), d);
                    be.channelBiasActivationForward(tx, tb, act, ty);
                    float[] got = ts.get(ty);
                    assertNonZero(what, got);
                    assertClose(what, want, got, ELEM_ATOL, ELEM_RTOL);
                    if (isCpu(be)) {
                        assertBits(what + " = Activation.apply", bits, got);
                    }
                    assertExact(what + " x untouched", x, ts.get(tx));
                    be.channelBiasActivationForward(tx, tb, act, tx); // in place
                    assertClose(what + " in place", want, ts.get(tx), ELEM_ATOL, ELEM_RTOL);

                    // no bias (a bias-free layer): act(x) itself
                    double[] wantNoBias = new double[n];
                    float[] bitsNoBias = new float[n];
                    for (int i = 0; i < n; i++) {
                        wantNoBias[i] = actRef(act, x[i]);
                        bitsNoBias[i] = act.apply(x[i]);
                    }
                    Tensor tz = ts.of(nans(n), d);
                    be.channelBiasActivationForward(ts.of(x, d), null, act, tz);
                    float[] gotNoBias = ts.get(tz);
                    assertClose(what + " without a bias", wantNoBias, gotNoBias, ELEM_ATOL, ELEM_RTOL);
                    if (isCpu(be)) {
                        assertBits(what + " without a bias = Activation.apply", bitsNoBias, gotNoBias);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void channelBiasActivationBackward(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] d : PLANES) {
                int b = d[0], c = d[1], hw = d[2] * d[3], n = b * c * hw;
                for (Activation act : Activation.values()) {
                    long seed = seedOf(n, c, act.ordinal(), 11);
                    float[] pre = uniform(seed, n, -3, 3);
                    pre[0] = 1.5f;
                    if (n > 1) {
                        pre[n / 2] = 0f; // y = 0 exactly: relu' must be 0 there
                    }
                    float[] y = new float[n], dy = uniform(seed + 1, n, -2, 2), dbias0 = uniform(seed + 2, c, -1, 1);
                    double[] wantDx = new double[n], wantDb = toDouble(dbias0);
                    float[] bitsDx = new float[n];
                    for (int i = 0; i < n; i++) {
                        y[i] = act.apply(pre[i]);
                        wantDx[i] = dy[i] * actGradRef(act, pre[i]);
                        wantDb[i / hw % c] += wantDx[i];
                        bitsDx[i] = dy[i] * act.derivativeFromOutput(y[i]);
                    }
                    // CPU contract: dbias[c] += (float) Σ_{n,h,w} dx in double, n then (h, w) order
                    float[] bitsDb = dbias0.clone();
                    for (int ch = 0; ch < c; ch++) {
                        double sum = 0;
                        for (int s = 0; s < b; s++) {
                            for (int i = 0; i < hw; i++) {
                                sum += bitsDx[(s * c + ch) * hw + i];
                            }
                        }
                        bitsDb[ch] += (float) sum;
                    }
                    String what = "channelBiasActivationBackward " + act + " " + Arrays.toString(d);
                    assertNonZero(what + " dy", dy);
                    assertNonZero(what + " dx ref", wantDx);
                    Tensor ty = ts.of(y, d), tdy = ts.of(dy, d), tdx = ts.of(nans(n), d), tdb = ts.of(dbias0, c);
                    be.channelBiasActivationBackward(ty, tdy, act, tdx, tdb);
                    float[] gotDx = ts.get(tdx), gotDb = ts.get(tdb);
                    assertNonZero(what + " dx", gotDx);
                    // y(1−y), 1−y² from the float output move by ~u from act'(pre): ELEMENTWISE holds
                    assertClose(what + " dx", wantDx, gotDx, ELEM_ATOL, ELEM_RTOL);
                    assertClose(what + " dbias (accumulated)", wantDb, gotDb, 1e-5, 1e-5);
                    if (isCpu(be)) {
                        assertBits(what + " dx = dy·derivativeFromOutput", bitsDx, gotDx);
                        assertBits(what + " dbias", bitsDb, gotDb);
                    }
                    assertExact(what + " dy untouched", dy, ts.get(tdy));
                    be.channelBiasActivationBackward(ty, tdy, act, tdy, null); // in place, no dbias
                    assertClose(what + " in place, no dbias", wantDx, ts.get(tdy), ELEM_ATOL, ELEM_RTOL);
                }
            }
        }
    }

    /** Same float bits (so −0 ≠ +0 and NaN = NaN), first mismatch reported. */
    private static void assertBits(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError(what + ": [" + i + "] want " + want[i] + " got " + got[i] + " (bits "
                        + Integer.toHexString(Float.floatToIntBits(want[i])) + " vs "
                        + Integer.toHexString(Float.floatToIntBits(got[i])) + ")");
            }
        }
    }

    // ================================================================== bicubic upsampling

    /**
     * Against PIL-style resampling as the data package implements it for the super-resolution
     * baseline (data/Resize, separable, its own weight tables): the same weights, but Resize
     * accumulates the row pass in float, so they agree to ~1e-6 relative; 1e-5 absolute on
     * values in [-2, 2]. A flat image must stay exactly flat (the weights sum to 1).
     */
    @ParameterizedTest
    @MethodSource("backends")
    void upsampleBicubic(Backend be) {
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 5, 4}, {1, 2, 3, 7}, {1, 1, 8, 8}};
        try (Tensors ts = new Tensors(be)) {
            for (int[] d : shapes) {
                for (int f = 1; f <= 4; f++) {
                    int b = d[0], c = d[1], h = d[2], w = d[3], hy = h * f, wy = w * f;
                    int nx = b * c * h * w, ny = b * c * hy * wy;
                    String what = "upsampleBicubic f=" + f + " " + Arrays.toString(d);
                    float[] x = uniform(seedOf(nx, f, 23), nx, -2, 2);
                    float[] ref = org.bottleneck.data.Resize.resize(x, b * c, h, w, hy, wy, org.bottleneck.data.Resize.Filter.BICUBIC);
                    double[] want = new double[ny];
                    for (int i = 0; i < ny; i++) {
                        want[i] = ref[i];
                    }
                    Tensor ty = ts.of(nans(ny), b, c, hy, wy);
                    be.upsampleBicubicForward(ts.of(x, d), f, ty);
                    float[] got = ts.get(ty);
                    assertNonZero(what + " x", x);
                    assertNonZero(what + " y", got);
                    check(what, want, got, false, 1e-5);

                    float[] flat = new float[nx];
                    Arrays.fill(flat, 0.3f);
                    Tensor tf = ts.of(nans(ny), b, c, hy, wy);
                    be.upsampleBicubicForward(ts.of(flat, d), f, tf);
                    for (float v : ts.get(tf)) {
                        assertEquals(0.3f, v, 0f, what + ": a flat image must stay flat");
                    }
                }
            }
        }
    }

    // ================================================================== plane centring

    /**
     * y = x − the plane's mean against the mean taken in double here. Tolerance: the op rounds
     * the mean to float (≤ ½ ulp of |mean| &lt; 16, 4.8e-7) and the difference to float (≤ ½ ulp
     * of |x − m| ≤ 6, 2.4e-7): 1e-6 absolute plus 1e-5 relative holds both, and a wrong mean (off
     * by one pixel's share, ≥ 0.05 here) misses it by far on every plane of more than one pixel.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void subtractPlaneMean(Backend be) {
        int[][] shapes = {{1, 1, 1, 1}, {7, 3, 5, 9}, {2, 13, 1, 7}, {1, 2, 40, 40}}; // the last: over 1 block of threads
        try (Tensors ts = new Tensors(be)) {
            for (int[] d : shapes) {
                int planes = d[0] * d[1], hw = d[2] * d[3], n = planes * hw;
                String what = "subtractPlaneMean " + Arrays.toString(d);
                float[] x = uniform(seedOf(n, 31), n, -3, 3);
                for (int i = 0; i < n; i++) {
                    x[i] += 0.5f * (i / hw); // planes of different means
                }
                double[] want = new double[n];
                for (int p = 0; p < planes; p++) {
                    double mean = 0;
                    for (int i = 0; i < hw; i++) {
                        mean += x[p * hw + i];
                    }
                    mean /= hw;
                    for (int i = 0; i < hw; i++) {
                        want[p * hw + i] = x[p * hw + i] - mean;
                    }
                }
                Tensor tx = ts.of(x, d), ty = ts.of(nans(n), d);
                be.subtractPlaneMean(tx, ty);
                float[] got = ts.get(ty);
                if (hw > 1) {
                    assertNonZero(what, got);
                }
                check(what, want, got, false, 1e-6);
                assertExact(what + " x untouched", x, ts.get(tx));
                be.subtractPlaneMean(tx, tx); // in place
                check(what + " in place", want, ts.get(tx), false, 1e-6);

                // its own adjoint: <P a, b> = <a, P b>, so backward is the same op on dy
                float[] b = uniform(seedOf(n, 37), n, -1, 1);
                Tensor pa = ts.of(nans(n), d), pb = ts.of(nans(n), d);
                be.subtractPlaneMean(ts.of(x, d), pa);
                be.subtractPlaneMean(ts.of(b, d), pb);
                float[] gpa = ts.get(pa), gpb = ts.get(pb);
                double left = 0, right = 0;
                for (int i = 0; i < n; i++) {
                    left += (double) gpa[i] * b[i];
                    right += (double) x[i] * gpb[i];
                }
                assertEquals(left, right, 1e-5 * n, what + ": <Pa, b> = <a, Pb>"); // n products each off by ≤ 1e-6·|3+6|

                float[] flat = new float[n];
                Arrays.fill(flat, 0.37f);
                Tensor tf = ts.of(nans(n), d);
                be.subtractPlaneMean(ts.of(flat, d), tf);
                for (float v : ts.get(tf)) {
                    assertEquals(0f, v, 0f, what + ": a flat plane must become exactly 0");
                }
            }
        }
    }

    // ================================================================== nearest upsampling

    @ParameterizedTest
    @MethodSource("backends")
    void upsampleNearest(Backend be) {
        int[][] shapes = {{1, 1, 1, 1}, {7, 3, 5, 4}, {2, 2, 3, 7}};
        try (Tensors ts = new Tensors(be)) {
            for (int[] d : shapes) {
                for (int f = 1; f <= 3; f++) {
                    int b = d[0], c = d[1], h = d[2], w = d[3], hy = h * f, wy = w * f;
                    int nx = b * c * h * w, ny = b * c * hy * wy;
                    String what = "upsampleNearest f=" + f + " " + Arrays.toString(d);
                    float[] x = uniform(seedOf(nx, f, 13), nx, -2, 2);
                    double[] wantY = new double[ny];
                    for (int pl = 0; pl < b * c; pl++) {
                        for (int i = 0; i < hy; i++) {
                            for (int j = 0; j < wy; j++) {
                                wantY[(pl * hy + i) * wy + j] = x[(pl * h + i / f) * w + j / f];
                            }
                        }
                    }
                    Tensor ty = ts.of(nans(ny), b, c, hy, wy);
                    be.upsampleNearestForward(ts.of(x, d), f, ty);
                    float[] gotY = ts.get(ty);
                    assertNonZero(what + " x", x);
                    assertNonZero(what + " y", gotY);
                    assertExact(what + " forward", wantY, gotY); // copies

                    for (boolean exact : new boolean[] {true, false}) {
                        float[] dy = exact ? ints(seedOf(ny, f, 17), ny, -3, 3) : uniform(seedOf(ny, f, 19), ny, -2, 2);
                        double[] wantDx = new double[nx];
                        for (int pl = 0; pl < b * c; pl++) {
                            for (int i = 0; i < hy; i++) {
                                for (int j = 0; j < wy; j++) {
                                    wantDx[(pl * h + i / f) * w + j / f] += dy[(pl * hy + i) * wy + j];
                                }
                            }
                        }
                        Tensor tdx = ts.of(nans(nx), d);
                        be.upsampleNearestBackward(ts.of(dy, b, c, hy, wy), f, tdx);
                        float[] gotDx = ts.get(tdx);
                        assertNonZero(what + " dy", dy);
                        assertNonZero(what + " dx", gotDx);
                        // ≤ 9 terms of magnitude ≤ 2 summed in float: error ≤ 9·u·18 ≈ 1e-5
                        check(what + " backward" + (exact ? " ints" : ""), wantDx, gotDx, exact, 1e-5);
                    }
                }
            }
        }
    }

    // ================================================================== max pooling

    /** y and argmax by the contract: strictly greater wins (ties keep the first), the first NaN wins. */
    static void maxPoolRef(float[] x, int b, int c, int h, int w, int k, int s, double[] y, int[] argmax) {
        int ho = (h - k) / s + 1, wo = (w - k) / s + 1;
        for (int pl = 0; pl < b * c; pl++) {
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    int best = -1;
                    for (int kh = 0; kh < k; kh++) {
                        for (int kw = 0; kw < k; kw++) {
                            int i = (oh * s + kh) * w + ow * s + kw;
                            float v = x[pl * h * w + i];
                            if (best < 0) {
                                best = i;
                                continue;
                            }
                            float cur = x[pl * h * w + best];
                            if (Float.isNaN(cur)) {
                                continue; // the first NaN stays
                            }
                            if (Float.isNaN(v) || v > cur) {
                                best = i;
                            }
                        }
                    }
                    int o = (pl * ho + oh) * wo + ow;
                    argmax[o] = best;
                    y[o] = x[pl * h * w + best];
                }
            }
        }
    }

    private static final int[][] POOLS = { // B, C, H, W, k, s
        {1, 1, 1, 1, 1, 1}, {7, 3, 9, 13, 2, 2}, {2, 3, 9, 7, 3, 2}, {1, 2, 6, 5, 3, 1}, {3, 1, 8, 11, 2, 3},
        {1, 1, 5, 5, 5, 1},
    };

    @ParameterizedTest
    @MethodSource("backends")
    void maxPool(Backend be) {
        try (Tensors ts = new Tensors(be)) {
            for (int[] d : POOLS) {
                int b = d[0], c = d[1], h = d[2], w = d[3], k = d[4], s = d[5];
                int ho = (h - k) / s + 1, wo = (w - k) / s + 1, nx = b * c * h * w, ny = b * c * ho * wo;
                // ints in [0, 2]: many ties inside a window, so the first-maximum rule is exercised;
                // then random floats (no ties)
                for (boolean ties : new boolean[] {true, false}) {
                    String what = "maxPool k=" + k + " s=" + s + " " + Arrays.toString(d) + (ties ? " ties" : "");
                    long seed = seedOf(nx, k, s, ties ? 1 : 2);
                    float[] x = ties ? ints(seed, nx, 0, 2) : uniform(seed, nx, -2, 2);
                    double[] wantY = new double[ny];
                    int[] wantArg = new int[ny];
                    maxPoolRef(x, b, c, h, w, k, s, wantY, wantArg);
                    Tensor ty = ts.of(nans(ny), b, c, ho, wo), targ = ts.of(nans(ny), b, c, ho, wo);
                    be.maxPoolForward(ts.of(x, d[0], d[1], d[2], d[3]), k, s, ty, targ);
                    float[] gotY = ts.get(ty);
                    assertNonZero(what + " x", x);
                    assertNonZero(what + " y", gotY);
                    assertExact(what + " y", wantY, gotY);
                    assertExact(what + " argmax", toDoubleInts(wantArg), ts.get(targ));

                    // backward: overlapping windows (k > s) add up at one input element; k < s leaves
                    // elements that no window covers (0)
                    float[] dy = ints(seed + 5, ny, -3, 3);
                    double[] wantDx = new double[nx];
                    for (int o = 0; o < ny; o++) {
                        wantDx[o / (ho * wo) * h * w + wantArg[o]] += dy[o];
                    }
                    Tensor tdx = ts.of(nans(nx), d[0], d[1], d[2], d[3]);
                    be.maxPoolBackward(ts.of(dy, b, c, ho, wo), targ, k, s, tdx);
                    float[] gotDx = ts.get(tdx);
                    assertNonZero(what + " dy", dy);
                    assertNonZero(what + " dx", gotDx);
                    assertExact(what + " backward", wantDx, gotDx);
                }
            }
        }
    }

    private static double[] toDoubleInts(int[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** A NaN in a window wins, the first of two NaNs wins, ±inf compare as numbers, ties keep the first. */
    @ParameterizedTest
    @MethodSource("backends")
    void maxPoolNaNAndTies(Backend be) {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        // one 4×6 plane, k2 s2 → 2×3 windows
        float[] x = {
            1, 5, /**/ 3, 3, /**/ -inf, -inf,
            5, 2, /**/ nan, 3, /**/ -inf, -inf,
            //
            nan, 9, /**/ 0, -0f, /**/ 7, inf,
            4, nan, /**/ -0f, 0, /**/ inf, 1,
        };
        int[] wantArg = {1, 8, 4, 12, 14, 17};
        float[] wantY = {5, nan, -inf, nan, 0, inf};
        try (Tensors ts = new Tensors(be)) {
            Tensor y = ts.zeros(1, 1, 2, 3), arg = ts.zeros(1, 1, 2, 3);
            be.maxPoolForward(ts.of(x, 1, 1, 4, 6), 2, 2, y, arg);
            float[] gotY = ts.get(y), gotArg = ts.get(arg);
            assertExact("argmax (NaN first, ties first)", toDoubleInts(wantArg), gotArg);
            for (int i = 0; i < wantY.length; i++) {
                float want = wantY[i], got = gotY[i];
                assertTrue(Float.isNaN(want) ? Float.isNaN(got) : Float.floatToIntBits(want) == Float.floatToIntBits(got),
                        "maxPool y[" + i + "]: want " + want + " got " + got);
            }
            // the gradient goes to the chosen element only
            Tensor dx = ts.zeros(1, 1, 4, 6);
            be.maxPoolBackward(ts.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3), arg, 2, 2, dx);
            double[] wantDx = new double[24];
            for (int o = 0; o < 6; o++) {
                wantDx[wantArg[o]] = o + 1;
            }
            assertExact("maxPool backward to the chosen element", wantDx, ts.get(dx));
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
    void badShapesThrowWithTheShapes(Backend be) {
        ConvGeometry g = new ConvGeometry(2, 3, 9, 7, 4, 3, 2, 1); // y (2,4,5,4)
        try (Tensors ts = new Tensors(be)) {
            Tensor x = ts.zeros(2, 3, 9, 7), w = ts.zeros(4, 3, 3, 3), y = ts.zeros(2, 4, 5, 4);
            int need = Math.toIntExact(be.convWorkspaceFloats(g));
            Tensor work = ts.zeros(need), small = ts.zeros(need - 1);
            Tensor wBad = ts.zeros(4, 3, 5, 5), yBad = ts.zeros(2, 4, 5, 5), xBad = ts.zeros(2, 3, 9, 8);
            assertIae("forward weight", () -> be.conv2dForward(g, x, wBad, y, work),
                    "conv2dForward", "weight", "[4, 3, 5, 5]", "[4, 3, 3, 3]");
            assertIae("forward output", () -> be.conv2dForward(g, x, w, yBad, work),
                    "conv2dForward", "[2, 4, 5, 5]", "[2, 4, 5, 4]");
            assertIae("forward input", () -> be.conv2dForward(g, xBad, w, y, work),
                    "conv2dForward", "[2, 3, 9, 8]", "[2, 3, 9, 7]");
            assertIae("forward workspace", () -> be.conv2dForward(g, x, w, y, small),
                    "conv2dForward", "workspace", String.valueOf(need), String.valueOf(need - 1));
            assertIae("forward no workspace", () -> be.conv2dForward(g, x, w, y, null), "conv2dForward", "none");
            assertIae("backwardData dx", () -> be.conv2dBackwardData(g, y, w, xBad, work),
                    "conv2dBackwardData", "[2, 3, 9, 8]", "[2, 3, 9, 7]");
            assertIae("backwardData workspace", () -> be.conv2dBackwardData(g, y, w, x, small),
                    "conv2dBackwardData", String.valueOf(need));
            assertIae("backwardFilter dw", () -> be.conv2dBackwardFilter(g, x, y, 0f, wBad, work),
                    "conv2dBackwardFilter", "[4, 3, 5, 5]", "[4, 3, 3, 3]");
            assertIae("backwardFilter dy", () -> be.conv2dBackwardFilter(g, x, yBad, 0f, w, work),
                    "conv2dBackwardFilter", "[2, 4, 5, 5]");

            Tensor bias3 = ts.zeros(3);
            assertIae("channel bias size", () -> be.channelBiasActivationForward(y, bias3, Activation.RELU, y),
                    "channelBiasActivationForward", "[3]", "[2, 4, 5, 4]");
            assertIae("channel bias y", () -> be.channelBiasActivationForward(y, ts.zeros(4), Activation.RELU, yBad),
                    "[2, 4, 5, 4]", "[2, 4, 5, 5]");
            assertIae("center rank", () -> be.subtractPlaneMean(ts.zeros(8, 20), ts.zeros(8, 20)),
                    "subtractPlaneMean", "[8, 20]");
            assertIae("center y", () -> be.subtractPlaneMean(y, yBad), "subtractPlaneMean", "[2, 4, 5, 4]", "[2, 4, 5, 5]");
            assertIae("channel bias rank", () -> be.channelBiasActivationForward(ts.zeros(8, 20), ts.zeros(20),
                    Activation.RELU, ts.zeros(8, 20)), "[8, 20]");
            assertIae("channel dbias size", () -> be.channelBiasActivationBackward(y, y, Activation.RELU, y, bias3),
                    "channelBiasActivationBackward", "[3]");
            assertIae("channel dx", () -> be.channelBiasActivationBackward(y, y, Activation.RELU, yBad, null),
                    "channelBiasActivationBackward", "[2, 4, 5, 5]");

            assertIae("upsample output", () -> be.upsampleNearestForward(x, 2, ts.zeros(2, 3, 18, 15)),
                    "upsampleNearestForward", "[2, 3, 18, 15]", "[2, 3, 18, 14]");
            assertIae("upsample factor", () -> be.upsampleNearestForward(x, 0, x), "upsampleNearestForward", "0");
            assertIae("upsample backward", () -> be.upsampleNearestBackward(ts.zeros(2, 3, 27, 21), 2, x),
                    "upsampleNearestBackward", "[2, 3, 27, 21]");
            assertIae("bicubic output", () -> be.upsampleBicubicForward(x, 2, ts.zeros(2, 3, 18, 15)),
                    "upsampleBicubicForward", "[2, 3, 18, 15]", "[2, 3, 18, 14]");
            assertIae("bicubic factor", () -> be.upsampleBicubicForward(x, 0, x), "upsampleBicubicForward", "0");

            Tensor py = ts.zeros(2, 3, 4, 3), pa = ts.zeros(2, 3, 4, 3);
            assertIae("pool kernel", () -> be.maxPoolForward(x, 8, 1, py, pa), "maxPoolForward", "8", "[2, 3, 9, 7]");
            assertIae("pool argmax", () -> be.maxPoolForward(x, 2, 2, py, ts.zeros(2, 3, 4, 4)),
                    "maxPoolForward", "argmax", "[2, 3, 4, 4]", "[2, 3, 4, 3]");
            assertIae("pool backward dy", () -> be.maxPoolBackward(ts.zeros(2, 3, 4, 4), pa, 2, 2, x),
                    "maxPoolBackward", "[2, 3, 4, 4]");

            assertIae("geometry", () -> new ConvGeometry(2, 3, 2, 2, 4, 5, 1, 1), "5", "4×4");
        }
    }
}
