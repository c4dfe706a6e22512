package org.bottleneck.nn;

import static org.bottleneck.testing.Tolerance.assertClose;
import static org.bottleneck.testing.Tolerance.assertNonZero;
import static org.bottleneck.testing.Tolerance.toDouble;
import static org.bottleneck.testing.Tolerance.uniform;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.LatentHead;
import org.bottleneck.model.Model;
import org.bottleneck.model.OutputKind;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;
import org.bottleneck.testing.TestBackends;
import org.bottleneck.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tier 2 (DESIGN.md §4): the backward formulas against the forward math. Each layer and loss
 * runs forward and backward on the backend in float32; its gradients are compared with
 * central finite differences (h = 1e-6) of an independent float64 re-implementation of the
 * forward written here with naive loops, evaluated at the same (float32) inputs and
 * parameters. That float32 forward equals the float64 reference is checked separately, op by
 * op, in BackendOpsTest.
 *
 * <p>Each layer is checked through a scalar L = Σ w ⊙ y with fixed random weights w (so
 * dL/dy = w is what backward receives). Tolerance: the float64 central difference is exact
 * to ~1e-9 (truncation h²·L'''/6 ≈ 1e-12, cancellation 1e-16·|L|/h ≈ 1e-9), so the error is
 * the float32 backward's: a few roundings per element and sums of ≤ 13 terms, ~1e-6
 * relative. Layers and losses: atol 1e-5 + rtol 1e-4. Whole models (4–6 layers, gradients
 * scaled by 1/B): atol 1e-5 + rtol 1e-3. A wrong factor, sign, transpose or missing term is
 * off by ≥ 10 %. ReLU kinks and |h| in L1 are kept ≥ 1e-3 from 0 (seeds are re-drawn until
 * they are), far beyond the 1e-6 step.
 */
class GradientCheckTest {
    private static final double H = 1e-6;
    private static final double LAYER_ATOL = 1e-5, LAYER_RTOL = 1e-4;
    private static final double MODEL_ATOL = 1e-5, MODEL_RTOL = 1e-3;
    static final double KINK = 1e-3;

    private final Backend be = TestBackends.cpu();

    /** Central differences of f at p (p is restored). */
    static double[] numericGrad(double[] p, ToDoubleFunction<double[]> f) {
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double v = p[i];
            p[i] = v + H;
            double up = f.applyAsDouble(p);
            p[i] = v - H;
            double down = f.applyAsDouble(p);
            p[i] = v;
            g[i] = (up - down) / (2 * H);
        }
        return g;
    }

    static double act(Activation a, double v) {
        return switch (a) {
            case IDENTITY -> v;
            case RELU -> v > 0 ? v : 0;
            case LEAKY_RELU -> v > 0 ? v : 0.01 * v;
            case SIGMOID -> 1 / (1 + Math.exp(-v));
            case TANH -> Math.tanh(v);
        };
    }

    static boolean hasKink(Activation a) {
        return a == Activation.RELU || a == Activation.LEAKY_RELU;
    }

    /** Pre-activations of a row-major y(B,out) = x(B,in)·Wᵀ(out,in) + b. */
    static double[] linearPre(double[] x, double[] w, double[] b, int batch, int in, int out) {
        double[] pre = new double[batch * out];
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                pre[r * out + o] = s;
            }
        }
        return pre;
    }

    static double[] cat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static double[] slice(double[] a, int from, int len) {
        double[] out = new double[len];
        System.arraycopy(a, from, out, 0, len);
        return out;
    }

    /** A real arena sized by a sizing pass over one layer: its views, then the scratch it asked for. */
    static Arena arenaFor(Backend be, Layer layer, Shape in, boolean needInputGrad) {
        Arena sizing = Arena.sizing();
        layer.allocate(sizing, in, needInputGrad);
        Arena a = Arena.allocate(be, sizing, "gradcheck activations");
        layer.allocate(a, in, needInputGrad);
        return a;
    }

    // ================================================================== Linear

    @ParameterizedTest
    @EnumSource(Activation.class)
    void linear(Activation actKind) {
        final int batch = 5, in = 7, out = 6;
        for (int attempt = 0; attempt < 100; attempt++) {
            long seed = 1000L * actKind.ordinal() + attempt;
            float[] x = uniform(seed, batch * in, -1.5, 1.5);
            float[] w = uniform(seed + 1, out * in, -0.8, 0.8);
            float[] b = uniform(seed + 2, out, -0.5, 0.5);
            double[] pre = linearPre(toDouble(x), toDouble(w), toDouble(b), batch, in, out);
            if (hasKink(actKind) && anyWithin(pre, KINK)) {
                continue; // re-draw: keep every pre-activation off the kink
            }
            checkLinear(actKind, batch, in, out, x, w, b, seed);
            return;
        }
        fail("no kink-free draw in 100 attempts");
    }

    private void checkLinear(Activation actKind, int batch, int in, int out, float[] x, float[] w, float[] b, long seed) {
        float[] upstream = uniform(seed + 3, batch * out, -1, 1);
        float[] g0 = uniform(seed + 4, out * in + out, -0.1, 0.1); // backward must accumulate onto this
        Linear lin = new Linear(be, in, out, actKind);
        try (ParameterSet ps = new ParameterSet(be, lin.parameters());
             Tensors ts = new Tensors(be);
             Arena arena = arenaFor(be, lin, Shape.of(batch, in), true)) {
            lin.bind(ps.valueViews(), ps.gradViews());
            be.upload(w, 0, ps.valueViews().get(0));
            be.upload(b, 0, ps.valueViews().get(1));
            be.upload(g0, 0, ps.gradViews().get(0));
            be.upload(g0, out * in, ps.gradViews().get(1));
            Pass pass = new Pass().set(true, true, 0);
            lin.forward(ts.of(x, batch, in), pass);
            Tensor dx = lin.backward(ts.of(upstream, batch, out), pass);
            float[] gotDx = ts.get(dx), gotDw = ts.get(ps.gradViews().get(0)), gotDb = ts.get(ps.gradViews().get(1));

            double[] wts = toDouble(upstream);
            ToDoubleFunction<double[]> loss = p -> { // p = [x | W | b]
                double[] xx = slice(p, 0, batch * in), ww = slice(p, batch * in, out * in);
                double[] bb = slice(p, batch * in + out * in, out);
                double[] pr = linearPre(xx, ww, bb, batch, in, out);
                double s = 0;
                for (int i = 0; i < pr.length; i++) {
                    s += wts[i] * act(actKind, pr[i]);
                }
                return s;
            };
            double[] num = numericGrad(cat(toDouble(x), toDouble(w), toDouble(b)), loss);
            double[] numDx = slice(num, 0, batch * in);
            double[] numDw = slice(num, batch * in, out * in), numDb = slice(num, batch * in + out * in, out);
            for (int i = 0; i < numDw.length; i++) {
                numDw[i] += g0[i];
            }
            for (int i = 0; i < numDb.length; i++) {
                numDb[i] += g0[out * in + i];
            }
            String what = "Linear(" + in + "→" + out + ", " + actKind + ")";
            assertNonZero(what + " dx", numDx);
            assertNonZero(what + " dW", gotDw);
            assertClose(what + " dL/dx", numDx, gotDx, LAYER_ATOL, LAYER_RTOL);
            assertClose(what + " dL/dW (accumulated)", numDw, gotDw, LAYER_ATOL, LAYER_RTOL);
            assertClose(what + " dL/db (accumulated)", numDb, gotDb, LAYER_ATOL, LAYER_RTOL);
        }
    }

    @Test
    void firstLinearReturnsNoInputGradient() {
        Linear lin = new Linear(be, 3, 2, Activation.TANH);
        try (ParameterSet ps = new ParameterSet(be, lin.parameters());
             Tensors ts = new Tensors(be);
             Arena arena = arenaFor(be, lin, Shape.of(4, 3), false)) {
            lin.bind(ps.valueViews(), ps.gradViews());
            be.upload(uniform(1, 6, -1, 1), 0, ps.valueViews().get(0));
            Pass pass = new Pass().set(true, true, 0);
            lin.forward(ts.of(uniform(2, 12, -1, 1), 4, 3), pass);
            assertNull(lin.backward(ts.of(uniform(3, 8, -1, 1), 4, 2), pass));
            assertNonZero("dW still computed", ts.get(ps.gradViews().get(0)));
        }
    }

    // ================================================================== Dropout

    @Test
    void dropoutWithFixedMask() {
        final int batch = 7, n = 13;
        final float p = 0.4f;
        final long seed = 777, step = 3;
        Dropout drop = new Dropout(be, p, seed);
        float[] x = uniform(5, batch * n, -2, 2), upstream = uniform(6, batch * n, -1, 1);
        // the mask is a pure function of (seed, step): fixed for the finite differences
        double[] mask = new double[batch * n];
        int zeros = 0;
        for (int i = 0; i < mask.length; i++) {
            boolean dropped = Philox.uniform(seed, (step << 32) + i) < p;
            mask[i] = dropped ? 0 : 1 / (1 - (double) p);
            zeros += dropped ? 1 : 0;
        }
        assertTrue(zeros > 0 && zeros < mask.length, "mask must both drop and keep: " + zeros);
        try (Tensors ts = new Tensors(be); Arena arena = arenaFor(be, drop, Shape.of(batch, n), true)) {
            Pass pass = new Pass().set(true, true, step);
            drop.forward(ts.of(x, batch, n), pass);
            float[] gotDx = ts.get(drop.backward(ts.of(upstream, batch, n), pass));
            double[] num = numericGrad(toDouble(x), xx -> {
                double s = 0;
                for (int i = 0; i < xx.length; i++) {
                    s += upstream[i] * xx[i] * mask[i];
                }
                return s;
            });
            assertNonZero("dropout dx", num);
            assertClose("Dropout(p=0.4) dL/dx", num, gotDx, LAYER_ATOL, LAYER_RTOL);

            // evaluation: identity forward (the input itself) and dx = dy
            Pass eval = new Pass().set(false, false, step);
            Tensor tx = ts.of(x, batch, n);
            assertSame(tx, drop.forward(tx, eval));
            assertClose("Dropout eval dL/dx", toDouble(upstream), ts.get(drop.backward(ts.of(upstream, batch, n), eval)), 0, 0);
        }
    }

    // ================================================================== GaussianLatent

    @Test
    void gaussianLatentWithBetaWeightedKl() {
        checkLatent("reparameterization + β·KL", 1, 2.0);
    }

    @Test
    void gaussianLatentKlOnly() {
        checkLatent("KL only", 0, 2.0); // upstream 0: the KL loss alone
    }

    @Test
    void gaussianLatentReparameterizationOnly() {
        checkLatent("reparameterization only", 1, 0.0);
    }

    private void checkLatent(String what, double upstreamScale, double beta) {
        final int batch = 5, z = 3;
        final long seed = 4242, step = 2;
        GaussianLatent lat = new GaussianLatent(be, z, seed);
        float[] h = uniform(11, batch * 2 * z, -1.2, 1.2);
        float[] upstream = uniform(12, batch * z, -1, 1);
        for (int i = 0; i < upstream.length; i++) {
            upstream[i] *= (float) upstreamScale;
        }
        double klScale = beta / batch;
        double[] eps = new double[batch * z];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = Philox.normal(seed, (step << 32) + i);
        }
        try (Tensors ts = new Tensors(be); Arena arena = arenaFor(be, lat, Shape.of(batch, 2 * z), true)) {
            lat.setKlScale((float) klScale);
            Pass pass = new Pass().set(true, true, step);
            lat.forward(ts.of(h, batch, 2 * z), pass);
            float[] got = ts.get(lat.backward(ts.of(upstream, batch, z), pass));
            double[] num = numericGrad(toDouble(h), hh -> {
                double s = 0;
                for (int r = 0; r < batch; r++) {
                    double kl = 0;
                    for (int j = 0; j < z; j++) {
                        double mu = hh[r * 2 * z + j], lv = hh[r * 2 * z + z + j];
                        double zz = mu + Math.sqrt(Math.exp(lv)) * eps[r * z + j];
                        s += upstream[r * z + j] * zz;
                        kl += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
                    }
                    s += klScale * kl;
                }
                return s;
            });
            assertNonZero(what + " dh", num);
            assertClose("GaussianLatent " + what + " dL/dh", num, got, LAYER_ATOL, LAYER_RTOL);
        }
    }

    // ================================================================== losses

    @Test
    void bceWithLogitsLoss() {
        final int batch = 4, d = 7;
        float[] x = uniform(21, batch * d, -4, 4), t = uniform(22, batch * d, 0, 1);
        t[0] = 0f;
        t[1] = 1f;
        float scale = 1f / batch;
        try (Tensors ts = new Tensors(be)) {
            Tensor dx = ts.zeros(batch, d);
            be.bceWithLogits(ts.of(x, batch, d), ts.of(t, batch, d), null, ts.zeros(batch), dx, scale);
            double[] num = numericGrad(toDouble(x), xx -> {
                double s = 0;
                for (int i = 0; i < xx.length; i++) {
                    double sg = 1 / (1 + Math.exp(-xx[i]));
                    s -= t[i] * Math.log(sg) + (1 - t[i]) * Math.log(1 - sg);
                }
                return scale * s;
            });
            assertNonZero("bce dx", num);
            assertClose("bceWithLogits dL/dx", num, ts.get(dx), LAYER_ATOL, LAYER_RTOL);
        }
    }

    /** Under a 0/1 loss mask both losses differentiate to the masked sum of their terms (masked-out elements: 0). */
    @Test
    void maskedLosses() {
        final int batch = 3, d = 8;
        float[] x = uniform(41, batch * d, -3, 3), t = uniform(42, batch * d, 0, 1), u = uniform(43, batch * d, 0, 1);
        float[] m = new float[batch * d];
        for (int i = 0; i < m.length; i++) {
            m[i] = u[i] < 0.5f ? 1f : 0f;
        }
        float scale = 1f / batch;
        try (Tensors ts = new Tensors(be)) {
            Tensor dx = ts.zeros(batch, d), mask = ts.of(m, batch, d);
            be.bceWithLogits(ts.of(x, batch, d), ts.of(t, batch, d), mask, ts.zeros(batch), dx, scale);
            double[] num = numericGrad(toDouble(x), xx -> {
                double s = 0;
                for (int i = 0; i < xx.length; i++) {
                    double sg = 1 / (1 + Math.exp(-xx[i]));
                    s -= m[i] * (t[i] * Math.log(sg) + (1 - t[i]) * Math.log(1 - sg));
                }
                return scale * s;
            });
            assertNonZero("masked bce dx", num);
            assertClose("masked bceWithLogits dL/dx", num, ts.get(dx), LAYER_ATOL, LAYER_RTOL);
            be.mse(ts.of(x, batch, d), ts.of(t, batch, d), mask, ts.zeros(batch), dx, scale);
            double[] numMse = numericGrad(toDouble(x), xx -> {
                double s = 0;
                for (int i = 0; i < xx.length; i++) {
                    s += m[i] * (xx[i] - t[i]) * (xx[i] - t[i]);
                }
                return scale * s;
            });
            assertNonZero("masked mse dx", numMse);
            assertClose("masked mse dL/dx", numMse, ts.get(dx), LAYER_ATOL, LAYER_RTOL);
        }
    }

    @Test
    void mseLoss() {
        final int batch = 4, d = 7;
        float[] x = uniform(31, batch * d, 0, 1), t = uniform(32, batch * d, 0, 1);
        float scale = 1f / batch;
        try (Tensors ts = new Tensors(be)) {
            Tensor dx = ts.zeros(batch, d);
            be.mse(ts.of(x, batch, d), ts.of(t, batch, d), null, ts.zeros(batch), dx, scale);
            double[] num = numericGrad(toDouble(x), xx -> {
                double s = 0;
                for (int i = 0; i < xx.length; i++) {
                    s += (xx[i] - t[i]) * (xx[i] - t[i]);
                }
                return scale * s;
            });
            assertNonZero("mse dx", num);
            assertClose("mse dL/dx", num, ts.get(dx), LAYER_ATOL, LAYER_RTOL);
        }
    }

    @Test
    void l1PenaltyLoss() {
        final int batch = 4, z = 5;
        float[] h = uniform(41, batch * z, -1, 1);
        for (int i = 0; i < h.length; i++) {
            if (Math.abs(h[i]) < KINK) {
                h[i] = 0.5f; // keep |h| off the kink at 0
            }
        }
        float lambda = 0.05f, scale = 1f / batch;
        try (Tensors ts = new Tensors(be)) {
            Tensor dh = ts.zeros(batch, z);
            be.l1Penalty(ts.of(h, batch, z), lambda, ts.zeros(batch), dh, scale);
            double[] num = numericGrad(toDouble(h), hh -> {
                double s = 0;
                for (double v : hh) {
                    s += lambda * Math.abs(v);
                }
                return scale * s;
            });
            assertNonZero("l1 dh", num);
            assertClose("l1Penalty dL/dh", num, ts.get(dh), LAYER_ATOL, LAYER_RTOL);
        }
    }

    // ================================================================== whole models

    @Test
    void wholeVae() {
        checkModel(new DenseCase(7, new int[] {5}, 3, true, Activation.RELU, Activation.IDENTITY, false, 2.0, 0));
    }

    @Test
    void wholeSparseAutoencoder() {
        checkModel(new DenseCase(7, new int[] {5}, 3, false, Activation.RELU, Activation.IDENTITY, false, 1.0, 0.05));
    }

    @Test
    void wholeMseSigmoidAutoencoder() {
        checkModel(new DenseCase(7, new int[] {5}, 3, false, Activation.SIGMOID, Activation.SIGMOID, true, 1.0, 0));
    }

    @Test
    void wholeDeeperTanhLeakyVae() {
        checkModel(new DenseCase(7, new int[] {6, 4}, 2, true, Activation.TANH, Activation.IDENTITY, false, 0.5, 0.02));
        checkModel(new DenseCase(7, new int[] {6, 4}, 2, false, Activation.LEAKY_RELU, Activation.TANH, true, 1.0, 0.02));
    }

    /** A mirrored dense model (the v1 family), built by {@link Presets#dense}. */
    record DenseCase(int inputDim, int[] hidden, int latentDim, boolean variational, Activation activation,
                     Activation codeActivation, boolean mse, double beta, double l1) {
        Architecture architecture() {
            LatentHead head = variational ? new LatentHead(true, latentDim, Activation.IDENTITY, beta, l1)
                    : LatentHead.code(latentDim, codeActivation, l1);
            return Presets.dense("custom", inputDim, hidden, activation, head,
                    mse ? OutputKind.SIGMOID_MSE : OutputKind.BCE, 0);
        }

        @Override
        public String toString() {
            return architecture().describe();
        }
    }

    /** float64 reference of the model's mean loss; kinks collects ReLU inputs and L1 codes. */
    static double modelLoss(DenseCase c, List<ParamSpec> specs, double[] p, int[] offs, double[] x, int batch,
                            double[] eps, List<double[]> kinks) {
        int[] hidden = c.hidden();
        int layer = 0;
        double[] a = x;
        int width = c.inputDim();
        Activation hiddenAct = c.activation();
        for (int hdim : hidden) {
            a = dense(specs, p, offs, layer++, a, batch, width, hdim, hiddenAct, kinks);
            width = hdim;
        }
        int z = c.latentDim();
        double[] code;
        double kl = 0;
        if (c.variational()) {
            double[] hh = dense(specs, p, offs, layer++, a, batch, width, 2 * z, Activation.IDENTITY, kinks);
            code = new double[batch * z];
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < z; j++) {
                    double mu = hh[r * 2 * z + j], lv = hh[r * 2 * z + z + j];
                    code[r * z + j] = mu + Math.exp(0.5 * lv) * eps[r * z + j];
                    kl += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
                }
            }
        } else {
            code = dense(specs, p, offs, layer++, a, batch, width, z, c.codeActivation(), kinks);
        }
        double l1 = 0;
        if (c.l1() > 0) {
            for (double v : code) {
                l1 += c.l1() * Math.abs(v);
            }
            if (kinks != null) {
                kinks.add(code);
            }
        }
        a = code;
        width = z;
        for (int i = hidden.length - 1; i >= 0; i--) {
            a = dense(specs, p, offs, layer++, a, batch, width, hidden[i], hiddenAct, kinks);
            width = hidden[i];
        }
        boolean mse = c.mse();
        double[] y = dense(specs, p, offs, layer, a, batch, width, c.inputDim(),
                mse ? Activation.SIGMOID : Activation.IDENTITY, kinks);
        double recon = 0;
        for (int i = 0; i < y.length; i++) {
            if (mse) {
                recon += (y[i] - x[i]) * (y[i] - x[i]);
            } else {
                double s = 1 / (1 + Math.exp(-y[i]));
                recon -= x[i] * Math.log(s) + (1 - x[i]) * Math.log(1 - s);
            }
        }
        return (recon + c.beta() * kl * (c.variational() ? 1 : 0) + l1) / batch;
    }

    private static double[] dense(List<ParamSpec> specs, double[] p, int[] offs, int layer, double[] x, int batch,
                                  int in, int out, Activation a, List<double[]> kinks) {
        ParamSpec w = specs.get(2 * layer);
        if (w.shape().dim(0) != out || w.shape().dim(1) != in) {
            throw new IllegalStateException("reference expected " + w.name() + " (" + out + "," + in + "), got " + w.shape());
        }
        double[] pre = linearPre(x, slice(p, offs[2 * layer], out * in), slice(p, offs[2 * layer + 1], out), batch, in, out);
        if (kinks != null && hasKink(a)) {
            kinks.add(pre);
        }
        double[] y = new double[pre.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = act(a, pre[i]);
        }
        return y;
    }

    static boolean anyWithin(double[] a, double margin) {
        for (double v : a) {
            if (Math.abs(v) < margin) {
                return true;
            }
        }
        return false;
    }

    private void checkModel(DenseCase cfg) {
        final int batch = 4, d = cfg.inputDim();
        final long step = 5;
        float[] x = uniform(99, batch * d, 0, 1);
        x[0] = 0f;
        x[d + 1] = 1f;
        for (long seed = 1; seed < 200; seed++) {
            try (Model model = new Model(be, cfg.architecture(), seed)) {
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
                double[] eps = new double[batch * cfg.latentDim()];
                long latentSeed = Philox.derive(seed, 2);
                for (int i = 0; i < eps.length; i++) {
                    eps[i] = cfg.variational() ? Philox.normal(latentSeed, (step << 32) + i) : 0;
                }
                double[] xd = toDouble(x);
                List<double[]> kinks = new java.util.ArrayList<>();
                modelLoss(cfg, specs, p, offs, xd, batch, eps, kinks);
                boolean nearKink = false;
                for (double[] k : kinks) {
                    nearKink |= anyWithin(k, KINK);
                }
                if (nearKink) {
                    continue; // another init seed: keep every ReLU input and L1 code off 0
                }

                model.prepare(batch);
                be.upload(x, 0, model.input());
                model.trainStep(step, model.input());
                if (cfg.variational()) {
                    assertClose(cfg + " eps", eps, Tensors.download(be, model.eps()), 0, 0);
                }
                double[] num = numericGrad(p, pp -> modelLoss(cfg, specs, pp, offs, xd, batch, eps, null));
                assertNonZero(cfg + " numeric grads", num);
                for (int i = 0; i < specs.size(); i++) {
                    float[] got = Tensors.download(be, ps.gradViews().get(i));
                    assertNonZero(cfg + " " + specs.get(i).name(), got);
                    assertClose("model [" + cfg + "] seed " + seed + " d/d" + specs.get(i).name(),
                            slice(num, offs[i], got.length), got, MODEL_ATOL, MODEL_RTOL);
                }
                return;
            }
        }
        fail("no kink-free init seed for " + cfg);
    }
}
