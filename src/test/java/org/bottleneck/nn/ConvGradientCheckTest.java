package org.bottleneck.nn;

import static org.bottleneck.nn.GradientCheckTest.KINK;
import static org.bottleneck.nn.GradientCheckTest.act;
import static org.bottleneck.nn.GradientCheckTest.anyWithin;
import static org.bottleneck.nn.GradientCheckTest.arenaFor;
import static org.bottleneck.nn.GradientCheckTest.cat;
import static org.bottleneck.nn.GradientCheckTest.hasKink;
import static org.bottleneck.nn.GradientCheckTest.linearPre;
import static org.bottleneck.nn.GradientCheckTest.numericGrad;
import static org.bottleneck.nn.GradientCheckTest.slice;
import static org.bottleneck.testing.Tolerance.assertClose;
import static org.bottleneck.testing.Tolerance.assertExact;
import static org.bottleneck.testing.Tolerance.assertNonZero;
import static org.bottleneck.testing.Tolerance.toDouble;
import static org.bottleneck.testing.Tolerance.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Model;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;
import org.bottleneck.testing.TestBackends;
import org.bottleneck.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tier 2 (DESIGN.md §4) for the convolution family of layers — Conv2d, ConvTranspose2d,
 * Upsample, MaxPool2d, Flatten/Unflatten — and for whole conv models run by {@link Model}. As in
 * {@link GradientCheckTest}: each layer runs forward and backward on the CPU backend in float32
 * with L = Σ w ⊙ y (fixed random w, so backward receives dL/dy = w), and its input and
 * parameter gradients are compared with central finite differences (h = 1e-6) of a float64
 * forward written here in the plainest loops, evaluated at the same float32 inputs: the direct
 * convolution formula; PyTorch's ConvTranspose2d scatter {@code y[n,co,ih·s−p+kh, iw·s−p+kw] +=
 * x[n,ci,ih,iw]·W[ci,co,kh,kw]}; then bias and activation; nearest upsampling by index division;
 * max pooling by scanning each window. The layer's float32 forward is also compared with the
 * reference (a wrong reference then shows up as a forward mismatch, not as a "gradient bug").
 *
 * <p>Tolerances, |a−e| ≤ atol + rtol·|e|. The float64 central difference is exact to ~1e-9
 * (truncation h²·L'''/6 ≈ 1e-12, cancellation 1e-16·|L|/h ≈ 1e-9 for |L| ≲ 10), so what is
 * measured is the float32 backward's rounding. A conv gradient element is a sum of n float32
 * products: up to Cin·k² = 75 terms for an output, Cout·k² ≤ 75 for dx, B·Ho·Wo ≤ 144 for dW
 * and db here. Rounding grows like √n·u·‖terms‖ (u = 6e-8, terms ≲ 1.5 with inputs in ±1.5 and
 * upstream weights in ±1), ~1e-6 absolute at n = 144; the worst case n·u·Σ|terms| (~1e-5) needs
 * every rounding in one direction. Measured here: at most 1.1e-6 absolute (a dW of 105 terms).
 * Layers: atol 1e-5 + rtol 1e-4, ~10× the measured error, while a wrong index, flipped kernel,
 * missing term, stride or padding bug moves elements by ≥ 10 %. Whole models (4–6 layers,
 * gradients scaled by 1/B, errors compounding through the chain; measured ≤ 1.4e-7):
 * atol 1e-5 + rtol 1e-3, as in GradientCheckTest. ReLU and leaky-ReLU inputs are kept ≥ 1e-3
 * from 0, and the two largest values of every max-pool window ≥ 1e-3 apart (layer inputs are
 * built that way and asserted; model seeds are re-drawn until it holds), far beyond what the
 * 1e-6 step or float32 rounding can move them, so every function differentiated here is smooth
 * at the point.
 *
 * <p>Dimensions: B batch, Cin/Cout channels, H×W input plane, Ho×Wo output plane, k kernel,
 * s stride, p padding, op output padding, f upsampling factor. All tensors NCHW row-major.
 */
class ConvGradientCheckTest {
    private static final double LAYER_ATOL = 1e-5, LAYER_RTOL = 1e-4;
    private static final double MODEL_ATOL = 1e-5, MODEL_RTOL = 1e-3;

    private final Backend be = TestBackends.cpu();

    // ================================================================== float64 references

    /**
     * Conv2d pre-activations, the direct formula: {@code y(B,Cout,Ho,Wo)[n,co,oh,ow] = b[co] +
     * Σ_{ci,kh,kw} W(Cout,Cin,k,k)[co,ci,kh,kw]·x(B,Cin,H,W)[n,ci,oh·s−p+kh,ow·s−p+kw]}, zero
     * outside x, {@code Ho = (H + 2p − k)/s + 1}.
     */
    static double[] conv2dPre(double[] x, double[] w, double[] b, int batch, int cin, int h, int wd, int cout,
                              int k, int s, int p) {
        int ho = (h + 2 * p - k) / s + 1, wo = (wd + 2 * p - k) / s + 1;
        double[] y = new double[batch * cout * ho * wo];
        for (int n = 0; n < batch; n++) {
            for (int co = 0; co < cout; co++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) {
                        double acc = b[co];
                        for (int ci = 0; ci < cin; ci++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int ih = oh * s - p + kh, iw = ow * s - p + kw;
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                                        acc += w[((co * cin + ci) * k + kh) * k + kw] * x[((n * cin + ci) * h + ih) * wd + iw];
                                    }
                                }
                            }
                        }
                        y[((n * cout + co) * ho + oh) * wo + ow] = acc;
                    }
                }
            }
        }
        return y;
    }

    /**
     * ConvTranspose2d pre-activations, PyTorch's formula: y(B,Cout,Ho,Wo) starts at b[co], then
     * {@code y[n,co,ih·s−p+kh,iw·s−p+kw] += x(B,Cin,H,W)[n,ci,ih,iw]·W(Cin,Cout,k,k)[ci,co,kh,kw]}
     * where that lands inside y, {@code Ho = (H − 1)·s − 2p + k + op}.
     */
    static double[] convTranspose2dPre(double[] x, double[] w, double[] b, int batch, int cin, int h, int wd,
                                       int cout, int k, int s, int p, int op) {
        int ho = (h - 1) * s - 2 * p + k + op, wo = (wd - 1) * s - 2 * p + k + op;
        double[] y = new double[batch * cout * ho * wo];
        for (int n = 0; n < batch; n++) {
            for (int co = 0; co < cout; co++) {
                for (int q = 0; q < ho * wo; q++) {
                    y[(n * cout + co) * ho * wo + q] = b[co];
                }
            }
            for (int ci = 0; ci < cin; ci++) {
                for (int ih = 0; ih < h; ih++) {
                    for (int iw = 0; iw < wd; iw++) {
                        double v = x[((n * cin + ci) * h + ih) * wd + iw];
                        for (int co = 0; co < cout; co++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int oh = ih * s - p + kh, ow = iw * s - p + kw;
                                    if (oh >= 0 && oh < ho && ow >= 0 && ow < wo) {
                                        y[((n * cout + co) * ho + oh) * wo + ow] += v * w[((ci * cout + co) * k + kh) * k + kw];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    /** {@code y(planes,H·f,W·f)[c,i,j] = x(planes,H,W)[c,i/f,j/f]}. */
    static double[] upsample(double[] x, int planes, int h, int w, int f) {
        double[] y = new double[planes * h * f * w * f];
        for (int c = 0; c < planes; c++) {
            for (int i = 0; i < h * f; i++) {
                for (int j = 0; j < w * f; j++) {
                    y[(c * h * f + i) * w * f + j] = x[(c * h + i / f) * w + j / f];
                }
            }
        }
        return y;
    }

    /**
     * {@code y(planes,Ho,Wo)[c,oh,ow] = max_{kh,kw<k} x(planes,H,W)[c,oh·s+kh,ow·s+kw]},
     * {@code Ho = (H − k)/s + 1}. If {@code gaps} is not null it gets, per window, the largest
     * value minus the second largest (0 for a tie).
     */
    static double[] maxPool(double[] x, int planes, int h, int w, int k, int s, List<double[]> gaps) {
        int ho = (h - k) / s + 1, wo = (w - k) / s + 1;
        double[] y = new double[planes * ho * wo];
        double[] gap = new double[y.length];
        for (int c = 0; c < planes; c++) {
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
                    for (int kh = 0; kh < k; kh++) {
                        for (int kw = 0; kw < k; kw++) {
                            double v = x[(c * h + oh * s + kh) * w + ow * s + kw];
                            if (v > best) {
                                second = best;
                                best = v;
                            } else if (v > second) {
                                second = v;
                            }
                        }
                    }
                    int at = (c * ho + oh) * wo + ow;
                    y[at] = best;
                    gap[at] = best - second;
                }
            }
        }
        if (gaps != null) {
            gaps.add(gap);
        }
        return y;
    }

    static double[] activate(Activation a, double[] pre) {
        double[] y = new double[pre.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = act(a, pre[i]);
        }
        return y;
    }

    /** True when some window's two largest values are less than {@code margin} apart. */
    private static boolean anyGapBelow(List<double[]> gaps, double margin) {
        for (double[] g : gaps) {
            for (double v : g) {
                if (!(v >= margin)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ================================================================== one layer, generically

    /** The float64 pre-activation of a layer from its input and its parameters (in parameters() order). */
    interface Reference {
        double[] pre(double[] x, double[][] params);
    }

    /** How backward is driven; every mode compares dx and the parameter gradients with finite differences. */
    enum Mode {
        /** Gradients pre-filled with g0; one backward must leave g0 + dL/dθ. */
        ACCUMULATE,
        /** Pre-filled with g0; two backwards (dy uploaded afresh each time) must leave g0 + 2·dL/dθ, dx not doubled. */
        ACCUMULATE_TWICE,
        /** Pre-filled with garbage; one backward with overwriteGradients must leave dL/dθ. */
        OVERWRITE
    }

    /**
     * Runs {@code layer} forward and backward on input x of shape {@code in} with the given
     * parameter values, L = Σ upstream ⊙ y, and checks the output, dL/dx and every parameter
     * gradient against the reference.
     */
    private void checkLayer(String what, Layer layer, Shape in, float[] x, float[][] params, Activation actKind,
                            Reference ref, long seed, Mode mode) {
        Shape out = layer.outputShape(in);
        float[] upstream = uniform(seed + 7, (int) out.size(), -1, 1);
        List<ParamSpec> specs = layer.parameters();
        assertEquals(specs.size(), params.length, what + ": parameter count");
        try (ParameterSet ps = new ParameterSet(be, specs);
             Tensors ts = new Tensors(be);
             Arena arena = arenaFor(be, layer, in, true)) {
            layer.bind(ps.valueViews(), ps.gradViews());
            float[][] g0 = new float[params.length][];
            for (int i = 0; i < params.length; i++) {
                assertEquals(specs.get(i).shape().size(), params[i].length, what + ": size of " + specs.get(i).name());
                be.upload(params[i], 0, ps.valueViews().get(i));
                g0[i] = mode == Mode.OVERWRITE ? uniform(seed + 50 + i, params[i].length, -100, 100)
                        : uniform(seed + 50 + i, params[i].length, -0.1, 0.1);
                be.upload(g0[i], 0, ps.gradViews().get(i));
            }
            double[] xd = toDouble(x);
            double[][] pd = new double[params.length][];
            for (int i = 0; i < params.length; i++) {
                pd[i] = toDouble(params[i]);
            }

            Pass pass = new Pass().set(true, true, 0).overwriteGradients(mode == Mode.OVERWRITE);
            Tensor y = layer.forward(ts.of(x, in.dims()), pass);
            assertEquals(out, y.shape(), what + ": output shape");
            double[] want = activate(actKind, ref.pre(xd, pd));
            assertNonZero(what + " y", want);
            assertClose(what + " forward (vs the float64 reference)", want, ts.get(y), LAYER_ATOL, LAYER_RTOL);

            Tensor dy = ts.of(upstream, out.dims());
            Tensor dx = layer.backward(dy, pass);
            if (mode == Mode.ACCUMULATE_TWICE) {
                be.upload(upstream, 0, dy); // backward overwrote dy with dy ⊙ act'(y)
                dx = layer.backward(dy, pass);
            }

            ToDoubleFunction<double[]> loss = all -> { // all = [x | params…]
                double[] xx = slice(all, 0, xd.length);
                double[][] pp = new double[pd.length][];
                int at = xd.length;
                for (int i = 0; i < pd.length; i++) {
                    pp[i] = slice(all, at, pd[i].length);
                    at += pd[i].length;
                }
                double[] pre = ref.pre(xx, pp);
                double s = 0;
                for (int i = 0; i < pre.length; i++) {
                    s += upstream[i] * act(actKind, pre[i]);
                }
                return s;
            };
            double[][] parts = new double[params.length + 1][];
            parts[0] = xd;
            System.arraycopy(pd, 0, parts, 1, pd.length);
            double[] num = numericGrad(cat(parts), loss);

            double[] numDx = slice(num, 0, xd.length);
            assertNonZero(what + " numeric dx", numDx);
            assertClose(what + " dL/dx", numDx, ts.get(dx), LAYER_ATOL, LAYER_RTOL);
            int at = xd.length;
            for (int i = 0; i < params.length; i++) {
                double[] expected = slice(num, at, params[i].length);
                at += params[i].length;
                assertNonZero(what + " numeric d" + specs.get(i).name(), expected);
                double times = mode == Mode.ACCUMULATE_TWICE ? 2 : 1;
                for (int j = 0; j < expected.length; j++) {
                    expected[j] = times * expected[j] + (mode == Mode.OVERWRITE ? 0 : g0[i][j]);
                }
                float[] got = ts.get(ps.gradViews().get(i));
                String how = switch (mode) {
                    case ACCUMULATE -> " (accumulated onto g0)";
                    case ACCUMULATE_TWICE -> " (two backwards accumulated onto g0)";
                    case OVERWRITE -> " (overwritten)";
                };
                assertClose(what + " dL/d" + specs.get(i).name() + how, expected, got, LAYER_ATOL, LAYER_RTOL);
            }
        }
    }

    // ================================================================== Conv2d

    /** One convolution layer under test. op is ignored by Conv2d. */
    record ConvCase(int batch, int cin, int h, int w, int cout, int k, int s, int p, int op, Activation act) {
        @Override
        public String toString() {
            return "B" + batch + " " + cin + "×" + h + "×" + w + " → " + cout + " k" + k + " s" + s + " p" + p
                    + (op > 0 ? " op" + op : "") + " " + act;
        }

        long seed() {
            return 1000L * toString().hashCode();
        }
    }

    static Stream<ConvCase> conv2dCases() {
        return Stream.of(
                new ConvCase(1, 1, 5, 5, 2, 1, 1, 0, 0, Activation.IDENTITY),   // 1×1 kernel
                new ConvCase(3, 3, 7, 5, 4, 3, 1, 1, 0, Activation.RELU),       // same padding, non-square
                new ConvCase(1, 3, 8, 6, 2, 3, 2, 1, 0, Activation.LEAKY_RELU), // the encoder's downsampling conv
                new ConvCase(3, 1, 9, 7, 3, 5, 3, 2, 0, Activation.TANH),       // k5 s3 p2
                new ConvCase(3, 3, 9, 8, 2, 5, 2, 0, 0, Activation.SIGMOID),    // k5, no padding
                new ConvCase(1, 3, 6, 7, 2, 3, 2, 0, 0, Activation.TANH),       // last input row/column unread
                new ConvCase(1, 1, 4, 7, 1, 3, 3, 2, 0, Activation.RELU),       // s3 p2: windows mostly padding
                new ConvCase(3, 3, 5, 6, 2, 1, 2, 1, 0, Activation.LEAKY_RELU)  // k1 with padding: bias-only border
        );
    }

    @ParameterizedTest
    @MethodSource("conv2dCases")
    void conv2d(ConvCase c) {
        checkConv2d(c, Mode.ACCUMULATE);
    }

    private void checkConv2d(ConvCase c, Mode mode) {
        for (int attempt = 0; attempt < 100; attempt++) {
            long seed = c.seed() + 10L * attempt;
            float[] x = uniform(seed, c.batch() * c.cin() * c.h() * c.w(), -1.5, 1.5);
            double bound = 1.5 / Math.sqrt(c.cin() * c.k() * c.k());
            float[] w = uniform(seed + 1, c.cout() * c.cin() * c.k() * c.k(), -bound, bound);
            float[] b = uniform(seed + 2, c.cout(), -0.5, 0.5);
            Reference ref = (xx, pp) -> conv2dPre(xx, pp[0], pp[1], c.batch(), c.cin(), c.h(), c.w(), c.cout(),
                    c.k(), c.s(), c.p());
            if (hasKink(c.act()) && anyWithin(ref.pre(toDouble(x), new double[][] {toDouble(w), toDouble(b)}), KINK)) {
                continue; // re-draw: keep every pre-activation off the kink
            }
            Conv2d conv = new Conv2d(be, c.cin(), c.cout(), c.k(), c.s(), c.p(), c.act());
            checkLayer("Conv2d(" + c + ")", conv, Shape.of(c.batch(), c.cin(), c.h(), c.w()), x,
                    new float[][] {w, b}, c.act(), ref, seed, mode);
            return;
        }
        fail("no kink-free draw in 100 attempts for " + c);
    }

    // ================================================================== ConvTranspose2d

    static Stream<ConvCase> convTranspose2dCases() {
        return Stream.of(
                new ConvCase(1, 2, 3, 4, 3, 3, 1, 0, 0, Activation.IDENTITY),   // stride 1: a full correlation
                new ConvCase(3, 3, 4, 3, 2, 3, 2, 1, 1, Activation.RELU),       // the decoder's upsampling layer
                new ConvCase(1, 1, 3, 5, 2, 4, 2, 1, 0, Activation.TANH),       // even kernel, exact doubling
                new ConvCase(3, 2, 2, 3, 1, 3, 2, 0, 1, Activation.SIGMOID),    // op1 without padding: bias-only row
                new ConvCase(1, 3, 3, 3, 2, 5, 1, 2, 0, Activation.LEAKY_RELU), // s1 p2: shape-preserving
                new ConvCase(1, 2, 2, 3, 2, 3, 3, 1, 2, Activation.RELU)        // s3: gaps between footprints, op2
        );
    }

    @ParameterizedTest
    @MethodSource("convTranspose2dCases")
    void convTranspose2d(ConvCase c) {
        checkConvTranspose2d(c, Mode.ACCUMULATE);
    }

    private void checkConvTranspose2d(ConvCase c, Mode mode) {
        for (int attempt = 0; attempt < 100; attempt++) {
            long seed = c.seed() + 10L * attempt;
            float[] x = uniform(seed, c.batch() * c.cin() * c.h() * c.w(), -1.5, 1.5);
            // PyTorch's fan-in for this weight is Cout·k², but each output sums ≈ Cin·k²/s² terms
            double bound = 1.5 / Math.sqrt(Math.max(1.0, c.cin() * c.k() * c.k() / (double) (c.s() * c.s())));
            float[] w = uniform(seed + 1, c.cin() * c.cout() * c.k() * c.k(), -bound, bound);
            float[] b = uniform(seed + 2, c.cout(), -0.5, 0.5);
            Reference ref = (xx, pp) -> convTranspose2dPre(xx, pp[0], pp[1], c.batch(), c.cin(), c.h(), c.w(),
                    c.cout(), c.k(), c.s(), c.p(), c.op());
            if (hasKink(c.act()) && anyWithin(ref.pre(toDouble(x), new double[][] {toDouble(w), toDouble(b)}), KINK)) {
                continue;
            }
            ConvTranspose2d conv = new ConvTranspose2d(be, c.cin(), c.cout(), c.k(), c.s(), c.p(), c.op(), c.act());
            checkLayer("ConvTranspose2d(" + c + ")", conv, Shape.of(c.batch(), c.cin(), c.h(), c.w()), x,
                    new float[][] {w, b}, c.act(), ref, seed, mode);
            return;
        }
        fail("no kink-free draw in 100 attempts for " + c);
    }

    // ================================================================== without a bias

    /** bias=False: the reference is the same convolution with b = 0, and the layer has no b to learn. */
    @Test
    void convLayersWithoutBias() {
        ConvCase c = new ConvCase(2, 3, 6, 5, 4, 3, 1, 1, 0, Activation.TANH);
        ConvCase t = new ConvCase(2, 3, 4, 3, 2, 3, 2, 1, 1, Activation.TANH);
        long seed = c.seed();
        float[] x = uniform(seed, c.batch() * c.cin() * c.h() * c.w(), -1.5, 1.5);
        float[] w = uniform(seed + 1, c.cout() * c.cin() * c.k() * c.k(), -0.3, 0.3);
        Conv2d conv = new Conv2d(be, c.cin(), c.cout(), c.k(), c.s(), c.p(), c.act(), false);
        assertEquals(List.of("weight"), conv.parameters().stream().map(ParamSpec::name).toList());
        checkLayer("Conv2d(" + c + ", bias=False)", conv, Shape.of(c.batch(), c.cin(), c.h(), c.w()), x,
                new float[][] {w}, c.act(), (xx, pp) -> conv2dPre(xx, pp[0], new double[c.cout()], c.batch(), c.cin(),
                        c.h(), c.w(), c.cout(), c.k(), c.s(), c.p()), seed, Mode.OVERWRITE);

        float[] xt = uniform(seed + 2, t.batch() * t.cin() * t.h() * t.w(), -1.5, 1.5);
        float[] wt = uniform(seed + 3, t.cin() * t.cout() * t.k() * t.k(), -0.5, 0.5);
        ConvTranspose2d convT = new ConvTranspose2d(be, t.cin(), t.cout(), t.k(), t.s(), t.p(), t.op(), t.act(), false);
        assertEquals(List.of("weight"), convT.parameters().stream().map(ParamSpec::name).toList());
        checkLayer("ConvTranspose2d(" + t + ", bias=False)", convT, Shape.of(t.batch(), t.cin(), t.h(), t.w()), xt,
                new float[][] {wt}, t.act(), (xx, pp) -> convTranspose2dPre(xx, pp[0], new double[t.cout()], t.batch(),
                        t.cin(), t.h(), t.w(), t.cout(), t.k(), t.s(), t.p(), t.op()), seed, Mode.ACCUMULATE);
    }

    // ================================================================== CenterPlanes

    @Test
    void centerPlanes() {
        int batch = 3, c = 2, h = 4, w = 5, hw = h * w;
        float[] x = uniform(700, batch * c * hw, -1.5, 1.5);
        checkLayer("CenterPlanes(B3 2×4×5)", new CenterPlanes(be), Shape.of(batch, c, h, w), x, new float[0][],
                Activation.IDENTITY, (xx, pp) -> {
                    double[] y = xx.clone();
                    for (int p = 0; p < batch * c; p++) {
                        double mean = 0;
                        for (int i = 0; i < hw; i++) {
                            mean += xx[p * hw + i] / hw;
                        }
                        for (int i = 0; i < hw; i++) {
                            y[p * hw + i] -= mean;
                        }
                    }
                    return y;
                }, 700, Mode.ACCUMULATE);
    }

    // ================================================================== the accumulation contract

    @Test
    void conv2dGradientsAccumulateUnlessOverwriting() {
        ConvCase c = new ConvCase(3, 2, 5, 4, 3, 3, 2, 1, 0, Activation.TANH);
        checkConv2d(c, Mode.ACCUMULATE_TWICE);
        checkConv2d(c, Mode.OVERWRITE);
    }

    @Test
    void convTranspose2dGradientsAccumulateUnlessOverwriting() {
        ConvCase c = new ConvCase(3, 2, 3, 2, 3, 3, 2, 1, 1, Activation.SIGMOID);
        checkConvTranspose2d(c, Mode.ACCUMULATE_TWICE);
        checkConvTranspose2d(c, Mode.OVERWRITE);
    }

    @Test
    void firstConvLayersReturnNoInputGradient() {
        Shape in = Shape.of(2, 2, 5, 4);
        List<Layer> layers = List.of(new Conv2d(be, 2, 3, 3, 2, 1, Activation.TANH),
                new ConvTranspose2d(be, 2, 3, 3, 2, 1, 1, Activation.TANH));
        for (Layer layer : layers) {
            try (ParameterSet ps = new ParameterSet(be, layer.parameters());
                 Tensors ts = new Tensors(be);
                 Arena arena = arenaFor(be, layer, in, false)) {
                layer.bind(ps.valueViews(), ps.gradViews());
                be.upload(uniform(1, (int) ps.specs().get(0).shape().size(), -1, 1), 0, ps.valueViews().get(0));
                Pass pass = new Pass().set(true, true, 0);
                Shape out = layer.outputShape(in);
                layer.forward(ts.of(uniform(2, (int) in.size(), -1, 1), in.dims()), pass);
                assertNull(layer.backward(ts.of(uniform(3, (int) out.size(), -1, 1), out.dims()), pass));
                assertNonZero(layer.getClass().getSimpleName() + " dW still computed", ts.get(ps.gradViews().get(0)));
                assertNonZero(layer.getClass().getSimpleName() + " db still computed", ts.get(ps.gradViews().get(1)));
            }
        }
    }

    // ================================================================== Upsample

    @Test
    void upsampleFactor2() {
        checkUpsample(3, 2, 3, 4, 2);
    }

    @Test
    void upsampleFactor3() {
        checkUpsample(1, 3, 2, 3, 3);
    }

    private void checkUpsample(int batch, int c, int h, int w, int f) {
        long seed = 500 + f;
        float[] x = uniform(seed, batch * c * h * w, -1.5, 1.5);
        checkLayer("Upsample(×" + f + ", B" + batch + " " + c + "×" + h + "×" + w + ")", new Upsample(be, f),
                Shape.of(batch, c, h, w), x, new float[0][], Activation.IDENTITY,
                (xx, pp) -> upsample(xx, batch * c, h, w, f), seed, Mode.ACCUMULATE);
    }

    // ================================================================== MaxPool2d

    @Test
    void maxPoolK2S2() {
        checkMaxPool(3, 2, 6, 5, 2, 2); // last column in no window
    }

    @Test
    void maxPoolK3S2Overlapping() {
        checkMaxPool(3, 2, 7, 6, 3, 2); // windows share a row or column; last column in no window
    }

    /**
     * Inputs are a shuffled grid of distinct values 3/n apart (n = B·C·H·W ≤ 252, so ≥ 0.0119),
     * so no window has a tie and the max is differentiable. For overlapping windows the draw is
     * repeated until some element is the maximum of two windows (dx must sum both).
     */
    private void checkMaxPool(int batch, int c, int h, int w, int k, int s) {
        int n = batch * c * h * w, planes = batch * c;
        for (int attempt = 0; attempt < 100; attempt++) {
            long seed = 700L + 10L * k + 1000L * attempt;
            float[] x = shuffledGrid(seed, n, 3.0 / n);
            List<double[]> gaps = new ArrayList<>();
            maxPool(toDouble(x), planes, h, w, k, s, gaps);
            assertFalse(anyGapBelow(gaps, KINK), "max-pool input must be tie-free with margin " + KINK);
            if (k > s && maxSharedWinner(x, planes, h, w, k, s) < 2) {
                continue; // want an element that wins two overlapping windows
            }
            checkLayer("MaxPool2d(k" + k + " s" + s + ", B" + batch + " " + c + "×" + h + "×" + w + ")",
                    new MaxPool2d(be, k, s), Shape.of(batch, c, h, w), x, new float[0][], Activation.IDENTITY,
                    (xx, pp) -> maxPool(xx, planes, h, w, k, s, null), seed, Mode.ACCUMULATE);
            return;
        }
        fail("no draw where one element wins two windows in 100 attempts");
    }

    /** n distinct values (i − n/2)·step in a seeded random order. */
    private static float[] shuffledGrid(long seed, int n, double step) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((i - n / 2) * step);
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** The most windows any single input element is the maximum of. */
    private static int maxSharedWinner(float[] x, int planes, int h, int w, int k, int s) {
        int ho = (h - k) / s + 1, wo = (w - k) / s + 1;
        int[] wins = new int[x.length];
        for (int c = 0; c < planes; c++) {
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    int best = -1;
                    for (int kh = 0; kh < k; kh++) {
                        for (int kw = 0; kw < k; kw++) {
                            int at = (c * h + oh * s + kh) * w + ow * s + kw;
                            if (best < 0 || x[at] > x[best]) {
                                best = at;
                            }
                        }
                    }
                    wins[best]++;
                }
            }
        }
        int most = 0;
        for (int v : wins) {
            most = Math.max(most, v);
        }
        return most;
    }

    // ================================================================== Flatten / Unflatten

    @Test
    void flattenUnflattenRoundTrip() {
        final int batch = 3, c = 2, h = 3, w = 4;
        Reshape flatten = Reshape.flatten(), unflatten = Reshape.unflatten(c, h, w);
        Shape in = Shape.of(batch, c, h, w);
        assertEquals(Shape.of(batch, c * h * w), flatten.outputShape(in));
        assertEquals(in, unflatten.outputShape(Shape.of(batch, c * h * w)));
        float[] x = uniform(900, batch * c * h * w, -1.5, 1.5), dy = uniform(901, x.length, -1, 1);

        // views, not copies: the same storage and offset both ways, the same values
        Sequential roundTrip = new Sequential("t", List.of(flatten, unflatten));
        try (Tensors ts = new Tensors(be); Arena arena = arenaFor(be, roundTrip, in, true)) {
            Pass pass = new Pass().set(true, true, 0);
            Tensor tx = ts.of(x, in.dims());
            Tensor flat = flatten.forward(tx, pass);
            assertEquals(Shape.of(batch, c * h * w), flat.shape());
            assertSame(tx.storage(), flat.storage());
            assertEquals(tx.offset(), flat.offset());
            Tensor back = unflatten.forward(flat, pass);
            assertEquals(in, back.shape());
            assertExact("Unflatten(Flatten(x))", x, ts.get(back));
            Tensor tdy = ts.of(dy, in.dims());
            Tensor dFlat = unflatten.backward(tdy, pass);
            assertEquals(Shape.of(batch, c * h * w), dFlat.shape());
            Tensor dx = flatten.backward(dFlat, pass);
            assertEquals(in, dx.shape());
            assertSame(tdy.storage(), dx.storage());
            assertExact("round trip dL/dx = dy", dy, ts.get(dx));
        }
        // and the gradient check, through a Sequential (as the models run them)
        checkLayer("Sequential(Flatten, Unflatten)", new Sequential("t", List.of(Reshape.flatten(),
                Reshape.unflatten(c, h, w))), in, x, new float[0][], Activation.IDENTITY, (xx, pp) -> xx.clone(), 902,
                Mode.ACCUMULATE);
    }

    // ================================================================== whole models

    /** Walks a model's parameters in order, checking each shape against what the reference expects. */
    static final class Params {
        private final List<ParamSpec> specs;
        private final double[] p;
        private final int[] offs;
        private int next;

        Params(List<ParamSpec> specs, double[] p, int[] offs) {
            this.specs = specs;
            this.p = p;
            this.offs = offs;
        }

        double[] take(String kind, int... dims) {
            if (next >= specs.size()) {
                throw new IllegalStateException("reference wants " + kind + " " + Shape.of(dims) + " past the model's "
                        + specs.size() + " parameters");
            }
            ParamSpec s = specs.get(next);
            if (!s.name().endsWith("." + kind) || !s.shape().equals(Shape.of(dims))) {
                throw new IllegalStateException("reference expected a " + kind + " " + Shape.of(dims) + " at parameter "
                        + next + ", the model has " + s.name() + " " + s.shape());
            }
            return slice(p, offs[next++], (int) s.shape().size());
        }

        void done() {
            if (next != specs.size()) {
                throw new IllegalStateException("reference used " + next + " of the model's " + specs.size() + " parameters");
            }
        }
    }

    /** float64 mean loss of one model; kinks collects ReLU inputs, gaps the max-pool windows' top-two gaps. */
    interface ModelReference {
        double loss(Params prm, double[] x, int batch, double[] eps, List<double[]> kinks, List<double[]> gaps);
    }

    /**
     * A conv autoencoder, BCE: [1,6,4] → conv2d(2 k3 s2 p1 relu) → (2,3,2) → flatten → code 3 tanh
     * | dense(12 relu) → unflatten (2,3,2) → conv_transpose2d(1 k3 s2 p1 op1) → (1,6,4) logits.
     */
    @Test
    void wholeConvAutoencoderBce() {
        String json = """
                {"name": "tiny-conv-ae", "input": [1, 6, 4],
                 "encoder": [{"type": "conv2d", "out": 2, "kernel": 3, "stride": 2, "padding": 1, "activation": "relu"},
                             {"type": "flatten"}],
                 "latent": {"type": "code", "size": 3, "activation": "tanh"},
                 "decoder": [{"type": "dense", "out": 12, "activation": "relu"},
                             {"type": "unflatten", "shape": [2, 3, 2]},
                             {"type": "conv_transpose2d", "out": 1, "kernel": 3, "stride": 2, "padding": 1,
                              "output_padding": 1}],
                 "output": "bce"}""";
        checkModel(json, 3, (prm, x, batch, eps, kinks, gaps) -> {
            double[] a = conv2dPre(x, prm.take("weight", 2, 1, 3, 3), prm.take("bias", 2), batch, 1, 6, 4, 2, 3, 2, 1);
            noteKinks(kinks, a);
            a = activate(Activation.RELU, a); // (B,2,3,2); flatten is the same row-major array
            double[] code = activate(Activation.TANH, linearPre(a, prm.take("weight", 3, 12), prm.take("bias", 3), batch, 12, 3));
            double[] d = linearPre(code, prm.take("weight", 12, 3), prm.take("bias", 12), batch, 3, 12);
            noteKinks(kinks, d);
            d = activate(Activation.RELU, d); // unflatten to (B,2,3,2): the same array
            double[] logits = convTranspose2dPre(d, prm.take("weight", 2, 1, 3, 3), prm.take("bias", 1), batch, 2, 3, 2,
                    1, 3, 2, 1, 1);
            return bce(logits, x) / batch;
        });
    }

    /**
     * A conv VAE with max pooling and upsampling, β = 0.5, sigmoid + MSE: [2,6,4] →
     * conv2d(3 k3 s1 p1 leaky_relu) → max_pool2d(k2 s2) → (3,3,2) → flatten → gaussian 2 |
     * dense(18 tanh) → unflatten (3,3,2) → upsample ×2 → (3,6,4) → conv2d(2 k3 s1 p1) → (2,6,4).
     */
    @Test
    void wholeConvVaeSigmoidMse() {
        String json = """
                {"name": "tiny-conv-vae", "input": [2, 6, 4],
                 "encoder": [{"type": "conv2d", "out": 3, "kernel": 3, "stride": 1, "padding": 1, "activation": "leaky_relu"},
                             {"type": "max_pool2d", "kernel": 2, "stride": 2},
                             {"type": "flatten"}],
                 "latent": {"type": "gaussian", "size": 2, "beta": 0.5},
                 "decoder": [{"type": "dense", "out": 18, "activation": "tanh"},
                             {"type": "unflatten", "shape": [3, 3, 2]},
                             {"type": "upsample", "factor": 2},
                             {"type": "conv2d", "out": 2, "kernel": 3, "stride": 1, "padding": 1}],
                 "output": "sigmoid_mse"}""";
        checkModel(json, 3, (prm, x, batch, eps, kinks, gaps) -> {
            double[] a = conv2dPre(x, prm.take("weight", 3, 2, 3, 3), prm.take("bias", 3), batch, 2, 6, 4, 3, 3, 1, 1);
            noteKinks(kinks, a);
            a = maxPool(activate(Activation.LEAKY_RELU, a), batch * 3, 6, 4, 2, 2, gaps); // (B,3,3,2)
            double[] hh = linearPre(a, prm.take("weight", 4, 18), prm.take("bias", 4), batch, 18, 4);
            double[] kl = new double[1];
            double[] z = reparameterize(hh, eps, batch, 2, kl);
            double[] d = activate(Activation.TANH, linearPre(z, prm.take("weight", 18, 2), prm.take("bias", 18), batch, 2, 18));
            d = upsample(d, batch * 3, 3, 2, 2); // (B,3,6,4)
            double[] y = conv2dPre(d, prm.take("weight", 2, 3, 3, 3), prm.take("bias", 2), batch, 3, 6, 4, 2, 3, 1, 1);
            double recon = 0;
            for (int i = 0; i < y.length; i++) {
                double sg = 1 / (1 + Math.exp(-y[i]));
                recon += (sg - x[i]) * (sg - x[i]);
            }
            return (recon + 0.5 * kl[0]) / batch;
        });
    }

    /**
     * A conv VAE with overlapping max pooling and a transposed conv, β = 2, BCE: [1,7,5] →
     * conv2d(2 k3 s1 p1 tanh) → max_pool2d(k3 s2) → (2,3,2) → flatten → gaussian 2 |
     * dense(12 relu) → unflatten (2,3,2) → conv_transpose2d(1 k3 s2 p0) → (1,7,5) logits.
     */
    @Test
    void wholeConvVaeBceOverlappingPool() {
        String json = """
                {"name": "tiny-conv-vae-bce", "input": [1, 7, 5],
                 "encoder": [{"type": "conv2d", "out": 2, "kernel": 3, "stride": 1, "padding": 1, "activation": "tanh"},
                             {"type": "max_pool2d", "kernel": 3, "stride": 2},
                             {"type": "flatten"}],
                 "latent": {"type": "gaussian", "size": 2, "beta": 2.0},
                 "decoder": [{"type": "dense", "out": 12, "activation": "relu"},
                             {"type": "unflatten", "shape": [2, 3, 2]},
                             {"type": "conv_transpose2d", "out": 1, "kernel": 3, "stride": 2}],
                 "output": "bce"}""";
        checkModel(json, 3, (prm, x, batch, eps, kinks, gaps) -> {
            double[] a = conv2dPre(x, prm.take("weight", 2, 1, 3, 3), prm.take("bias", 2), batch, 1, 7, 5, 2, 3, 1, 1);
            a = maxPool(activate(Activation.TANH, a), batch * 2, 7, 5, 3, 2, gaps); // (B,2,3,2)
            double[] hh = linearPre(a, prm.take("weight", 4, 12), prm.take("bias", 4), batch, 12, 4);
            double[] kl = new double[1];
            double[] z = reparameterize(hh, eps, batch, 2, kl);
            double[] d = linearPre(z, prm.take("weight", 12, 2), prm.take("bias", 12), batch, 2, 12);
            noteKinks(kinks, d);
            d = activate(Activation.RELU, d);
            double[] logits = convTranspose2dPre(d, prm.take("weight", 2, 1, 3, 3), prm.take("bias", 1), batch, 2, 3, 2,
                    1, 3, 2, 0, 0);
            return (bce(logits, x) + 2.0 * kl[0]) / batch;
        });
    }

    private static void noteKinks(List<double[]> kinks, double[] pre) {
        if (kinks != null) {
            kinks.add(pre);
        }
    }

    /** Σ BCE-with-logits of logits against targets t, stable form max(l,0) − l·t + log1p(exp(−|l|)). */
    private static double bce(double[] logits, double[] t) {
        double s = 0;
        for (int i = 0; i < logits.length; i++) {
            double l = logits[i];
            s += Math.max(l, 0) - l * t[i] + Math.log1p(Math.exp(-Math.abs(l)));
        }
        return s;
    }

    /** z = mu + exp(½·logvar)·eps from h (B,2Z) = [mu | logvar]; kl[0] += Σ −½(1 + logvar − mu² − exp(logvar)). */
    private static double[] reparameterize(double[] h, double[] eps, int batch, int z, double[] kl) {
        double[] out = new double[batch * z];
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < z; j++) {
                double mu = h[r * 2 * z + j], lv = h[r * 2 * z + z + j];
                out[r * z + j] = mu + Math.exp(0.5 * lv) * eps[r * z + j];
                kl[0] += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
            }
        }
        return out;
    }

    /**
     * trainStep's gradients of every parameter against finite differences of the reference's
     * mean loss at the model's initial parameters; init seeds are re-drawn until every ReLU input
     * is ≥ KINK from 0 and every pool window's top two are ≥ KINK apart.
     */
    private void checkModel(String json, int batch, ModelReference ref) {
        Architecture arch = Architecture.fromJson(json);
        final long step = 5;
        final int d = (int) arch.inputShape().size();
        float[] x = uniform(99, batch * d, 0, 1);
        x[0] = 0f;
        x[d + 1] = 1f;
        double[] xd = toDouble(x);
        for (long seed = 1; seed < 200; seed++) {
            try (Model model = new Model(be, arch, seed)) {
                ParameterSet ps = model.parameters();
                List<ParamSpec> specs = ps.specs();
                int[] offs = new int[specs.size()];
                int total = 0;
                for (int i = 0; i < specs.size(); i++) {
                    offs[i] = total;
                    total += (int) specs.get(i).shape().size();
                }
                double[] p = new double[total];
                for (int i = 0; i < specs.size(); i++) {
                    double[] v = toDouble(Tensors.download(be, ps.valueViews().get(i)));
                    System.arraycopy(v, 0, p, offs[i], v.length);
                }
                double[] eps = new double[batch * arch.latentDim()];
                long latentSeed = Philox.derive(seed, 2);
                for (int i = 0; i < eps.length; i++) {
                    eps[i] = arch.variational() ? Philox.normal(latentSeed, (step << 32) + i) : 0;
                }
                List<double[]> kinks = new ArrayList<>(), gaps = new ArrayList<>();
                Params first = new Params(specs, p, offs);
                double refLoss = ref.loss(first, xd, batch, eps, kinks, gaps);
                first.done();
                boolean nearKink = false;
                for (double[] k : kinks) {
                    nearKink |= anyWithin(k, KINK);
                }
                if (nearKink || anyGapBelow(gaps, KINK)) {
                    continue; // another init seed: every ReLU input off 0, every pool max unambiguous
                }

                model.prepare(batch);
                be.upload(x, 0, model.input());
                model.trainStep(step, model.input());
                String what = arch.describe() + " seed " + seed;
                if (arch.variational()) {
                    assertClose(what + " eps", eps, Tensors.download(be, model.eps()), 0, 0);
                }
                double[] totals = new double[batch];
                model.readLosses(batch, totals, null, null, null);
                double mean = 0;
                for (double t : totals) {
                    mean += t / batch;
                }
                assertClose(what + " mean loss (vs the float64 reference)", new double[] {refLoss},
                        new float[] {(float) mean}, MODEL_ATOL, MODEL_RTOL);

                double[] num = numericGrad(p, pp -> ref.loss(new Params(specs, pp, offs), xd, batch, eps, null, null));
                assertNonZero(what + " numeric grads", num);
                for (int i = 0; i < specs.size(); i++) {
                    float[] got = Tensors.download(be, ps.gradViews().get(i));
                    double[] want = slice(num, offs[i], got.length);
                    assertNonZero(what + " numeric d/d" + specs.get(i).name(), want);
                    assertNonZero(what + " d/d" + specs.get(i).name(), got);
                    assertClose("model [" + what + "] d/d" + specs.get(i).name(), want, got, MODEL_ATOL, MODEL_RTOL);
                }
                return;
            }
        }
        fail("no kink- and tie-free init seed for " + arch.describe());
    }
}
