package org.bottleneck.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.backend.cpu.CpuBackend;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Storage;
import org.bottleneck.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every Backend op on a CUDA backend against its CpuBackend twin, on seeded random inputs of
 * awkward sizes (1, primes, non-multiples of the 256-thread block and the 32-column tile).
 * Subclasses supply the backend under test: the host-emulated kernels (runs everywhere) and
 * a real GPU (tag "gpu", skipped without one).
 *
 * <p>Tolerances, |gpu − cpu| ≤ atol + rtol·|cpu|:
 * <ul>
 *   <li>EXACT (0, 0): ops built only from IEEE +, −, ×, ÷, sqrt on the same operands in the same
 *       order (kernels are compiled with -fmad=false), the Philox uniforms/words, masks, copies,
 *       and GEMM on small integers (every partial sum is an exact integer in float).</li>
 *   <li>ULP (0, 2^-23): Box–Muller normals, computed in double on both sides; the double
 *       log/sin/cos of two math libraries may differ in their last bit, which moves the float
 *       result by at most one ulp ≤ 2^-23·|x|.</li>
 *   <li>TRANSCENDENTAL (1e-6, 1e-6): float expf/tanhf/log1pf on the device (CUDA guarantees
 *       ≤ 2 ulp) against Java's double-then-round (≤ 1 ulp): ≤ 3 ulp ≈ 3.6e-7 relative; atol
 *       covers results that cancel towards 0 (sigmoid(x) − t).</li>
 *   <li>ROW_SUM (1e-6·D, 1e-6): per-row sums in double on both sides but in a different order,
 *       of terms that carry the TRANSCENDENTAL error.</li>
 *   <li>COLUMN_SUM (1e-6·B, 1e-5): the CPU adds the bias gradient in float row by row
 *       (error ≲ B·2^-24·Σ|g|), the GPU in double.</li>
 * </ul>
 */
abstract class CudaParityChecks {
    static final double ULP = 0x1.0p-23;

    private final List<Storage> storages = new ArrayList<>();
    private final Random random = new Random(20261124L);

    /** The CUDA backend under test; owned by the subclass. */
    abstract Backend cuda();

    /**
     * The conv ops' absolute tolerance: 0 (EXACT, see below) for our kernels + cuBLAS; the cuDNN
     * path overrides it, as cuDNN may pick FFT or Winograd algorithms, exact only to rounding.
     */
    double convAtol() {
        return 0;
    }

    /** True under host emulation (an OS thread per CUDA thread): the large cases are skipped there. */
    boolean emulated() {
        return false;
    }

    /** The reference; one per process because OpenBLAS threads are set once. */
    static final CpuBackend CPU = new CpuBackend(1);

    @AfterEach
    void closeStorages() {
        for (int i = storages.size() - 1; i >= 0; i--) {
            storages.get(i).close();
        }
        storages.clear();
    }

    /** The same data in both backends. */
    final class Twin {
        final Tensor c;
        final Tensor g;
        final Shape shape;

        Twin(float[] data, int... dims) {
            shape = Shape.of(dims);
            Storage cs = CPU.allocate(shape.size(), "cpu" + shape);
            Storage gs = cuda().allocate(shape.size() + 5, "cuda" + shape);
            storages.add(cs);
            storages.add(gs);
            c = new Tensor(cs, 0, shape);
            // offset by 3 floats so every kernel also sees a view not at its allocation's start
            g = new Tensor(gs, 3, shape);
            CPU.upload(data, 0, c);
            cuda().upload(data, 0, g);
        }

        float[] cpu() {
            float[] out = new float[Math.toIntExact(shape.size())];
            CPU.download(c, out, 0);
            return out;
        }

        float[] gpu() {
            float[] out = new float[Math.toIntExact(shape.size())];
            cuda().download(g, out, 0);
            return out;
        }

        void check(String what, double atol, double rtol) {
            assertClose(what, cpu(), gpu(), atol, rtol);
        }
    }

    float[] gaussian(int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian() * scale;
        }
        assertTrue(norm(x) > 0, "input is all zero");
        return x;
    }

    float[] uniform01(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextFloat();
        }
        return x;
    }

    float[] smallInts(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(9) - 4;
        }
        x[0] = 3; // never all zero
        return x;
    }

    Twin twin(float[] data, int... dims) {
        return new Twin(data, dims);
    }

    Twin zeros(int... dims) {
        return new Twin(new float[Math.toIntExact(Shape.of(dims).size())], dims);
    }

    /** Euclidean norm of the non-NaN elements (a NaN is a legitimate max-pool output). */
    static double norm(float[] x) {
        double s = 0;
        for (float v : x) {
            if (!Float.isNaN(v)) {
                s += (double) v * v;
            }
        }
        return Math.sqrt(s);
    }

    /** |a − e| ≤ atol + rtol·|e| element-wise; prints the worst 8; both sides must be non-zero. */
    static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        assertTrue(norm(expected) > 0, what + ": reference output is all zero (vacuous check)");
        assertTrue(norm(actual) > 0, what + ": cuda output is all zero");
        List<Integer> bad = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            if (!(err <= atol + rtol * Math.abs(expected[i])) && !(Float.isNaN(expected[i]) && Float.isNaN(actual[i]))) {
                bad.add(i);
            }
        }
        if (!bad.isEmpty()) {
            bad.sort((x, y) -> Double.compare(Math.abs(actual[y] - expected[y]), Math.abs(actual[x] - expected[x])));
            StringBuilder sb = new StringBuilder(what + ": " + bad.size() + " of " + expected.length
                    + " elements off (atol " + atol + ", rtol " + rtol + "); worst:");
            for (int i : bad.subList(0, Math.min(8, bad.size()))) {
                sb.append("\n  [").append(i).append("] cpu ").append(expected[i]).append(" cuda ").append(actual[i]);
            }
            fail(sb.toString());
        }
    }

    static final int[] SIZES = {1, 2, 7, 257, 1031};

    // ------------------------------------------------------------------ basic

    @Test
    void fillCopyScaleMultiplyAccumulate() {
        for (int n : SIZES) {
            Twin x = twin(gaussian(n, 1f), n);
            Twin y = zeros(n);
            CPU.copy(x.c, y.c);
            cuda().copy(x.g, y.g);
            y.check("copy n=" + n, 0, 0);
            CPU.scale(x.c, -1.75f);
            cuda().scale(x.g, -1.75f);
            x.check("scale n=" + n, 0, 0);
            Twin b = twin(gaussian(n, 2f), n);
            CPU.multiply(x.c, b.c, b.c); // out aliases b
            cuda().multiply(x.g, b.g, b.g);
            b.check("multiply n=" + n, 0, 0);
            CPU.accumulate(x.c, b.c);
            cuda().accumulate(x.g, b.g);
            b.check("accumulate n=" + n, 0, 0);
            Twin grey = twin(gaussian(n, 1f), 1, n), rgb = twin(gaussian(3 * n, 1f), 1, 3 * n);
            CPU.accumulate(grey.c, rgb.c); // one row repeated over three blocks
            cuda().accumulate(grey.g, rgb.g);
            rgb.check("accumulate repeated n=" + n, 0, 0);
            CPU.fill(y.c, 0.375f);
            cuda().fill(y.g, 0.375f);
            y.check("fill n=" + n, 0, 0);
        }
    }

    @Test
    void sumSquares() {
        for (int n : new int[] {1, 13, 256, 1031, 65536 + 7}) {
            Twin x = twin(gaussian(n, 1.5f), n);
            double e = CPU.sumSquares(x.c), a = cuda().sumSquares(x.g);
            assertTrue(e > 0 && Math.abs(a - e) <= 1e-12 * e, "sumSquares n=" + n + ": cpu " + e + " cuda " + a);
        }
    }

    @Test
    void gemmAllTransposes() {
        int[][] shapes = {{1, 1, 1}, {7, 5, 3}, {13, 17, 11}, {2, 33, 9}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                Twin a = ta ? twin(smallInts(k * m), k, m) : twin(smallInts(m * k), m, k);
                Twin b = tb ? twin(smallInts(n * k), n, k) : twin(smallInts(k * n), k, n);
                Twin c = twin(smallInts(m * n), m, n);
                CPU.gemm(ta, tb, m, n, k, 1.5f, a.c, b.c, 0.5f, c.c);
                cuda().gemm(ta, tb, m, n, k, 1.5f, a.g, b.g, 0.5f, c.g);
                c.check("gemm " + m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb, 0, 0);
            }
        }
    }

    // ------------------------------------------------------------------ bias + activation

    @Test
    void biasActivationForwardAndBackward() {
        int[][] shapes = {{1, 1}, {3, 7}, {9, 33}, {17, 70}};
        for (Activation act : Activation.values()) {
            boolean exact = act == Activation.IDENTITY || act == Activation.RELU || act == Activation.LEAKY_RELU;
            for (int[] s : shapes) {
                int rows = s[0], cols = s[1];
                String tag = act + " " + rows + "x" + cols;
                Twin x = twin(gaussian(rows * cols, 2f), rows, cols);
                Twin bias = twin(gaussian(cols, 1f), cols);
                CPU.biasActivationForward(x.c, bias.c, act, x.c); // in place, the usual case
                cuda().biasActivationForward(x.g, bias.g, act, x.g);
                x.check("biasActivationForward " + tag, exact ? 0 : 1e-6, exact ? 0 : 1e-6);

                // backward from the same saved output on both sides, so only the kernel differs
                float[] y = x.cpu();
                Twin yy = twin(y, rows, cols);
                Twin dy = twin(gaussian(rows * cols, 1f), rows, cols);
                Twin dx = zeros(rows, cols);
                Twin dbias = twin(gaussian(cols, 1f), cols); // accumulates
                CPU.biasActivationBackward(yy.c, dy.c, act, dx.c, dbias.c);
                cuda().biasActivationBackward(yy.g, dy.g, act, dx.g, dbias.g);
                dx.check("biasActivationBackward dx " + tag, 0, 0);
                dbias.check("biasActivationBackward dbias " + tag, 1e-6 * rows, 1e-5);
                CPU.biasActivationBackward(yy.c, dy.c, act, dy.c, null); // dx aliases dy, no dbias
                cuda().biasActivationBackward(yy.g, dy.g, act, dy.g, null);
                dy.check("biasActivationBackward in place " + tag, 0, 0);
            }
        }
    }

    // ------------------------------------------------------------------ losses

    @Test
    void bceAndMseWithPerRowLoss() {
        int[][] shapes = {{1, 1}, {3, 31}, {5, 300}, {2, 784}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            String tag = rows + "x" + cols;
            Twin x = twin(gaussian(rows * cols, 3f), rows, cols);
            Twin t = twin(uniform01(rows * cols), rows, cols);
            Twin loss = zeros(rows);
            Twin dx = zeros(rows, cols);
            CPU.bceWithLogits(x.c, t.c, null, loss.c, dx.c, 0.25f);
            cuda().bceWithLogits(x.g, t.g, null, loss.g, dx.g, 0.25f);
            loss.check("bce loss " + tag, 1e-6 * cols, 1e-6);
            dx.check("bce dx " + tag, 1e-6, 1e-6);
            Twin loss2 = zeros(rows);
            CPU.bceWithLogits(x.c, t.c, null, loss2.c, null, 1f);
            cuda().bceWithLogits(x.g, t.g, null, loss2.g, null, 1f);
            loss2.check("bce loss without dx " + tag, 1e-6 * cols, 1e-6);

            Twin mloss = zeros(rows);
            Twin mdx = zeros(rows, cols);
            CPU.mse(x.c, t.c, null, mloss.c, mdx.c, 0.125f);
            cuda().mse(x.g, t.g, null, mloss.g, mdx.g, 0.125f);
            mloss.check("mse loss " + tag, 1e-6 * cols, 1e-6);
            mdx.check("mse dx " + tag, 0, 0);

            float[] m = uniform01(rows * cols);
            for (int i = 0; i < m.length; i++) {
                m[i] = m[i] < 0.5f ? 0f : 1f;
            }
            m[0] = 1f; // one element counts, so no check is vacuous
            Twin mask = twin(m, rows, cols);
            CPU.bceWithLogits(x.c, t.c, mask.c, loss.c, dx.c, 0.25f);
            cuda().bceWithLogits(x.g, t.g, mask.g, loss.g, dx.g, 0.25f);
            loss.check("masked bce loss " + tag, 1e-6 * cols, 1e-6);
            dx.check("masked bce dx " + tag, 1e-6, 1e-6);
            CPU.mse(x.c, t.c, mask.c, mloss.c, mdx.c, 0.125f);
            cuda().mse(x.g, t.g, mask.g, mloss.g, mdx.g, 0.125f);
            mloss.check("masked mse loss " + tag, 1e-6 * cols, 1e-6);
            mdx.check("masked mse dx " + tag, 0, 0);
        }
    }

    @Test
    void l1PenaltyAccumulates() {
        int[][] shapes = {{1, 1}, {4, 20}, {3, 257}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            String tag = rows + "x" + cols;
            float[] h = gaussian(rows * cols, 1f);
            h[0] = 0f; // sign(0) = 0
            Twin hh = twin(h, rows, cols);
            Twin loss = twin(uniform01(rows), rows);
            Twin dh = twin(gaussian(rows * cols, 0.1f), rows, cols);
            CPU.l1Penalty(hh.c, 0.3f, loss.c, dh.c, 0.5f);
            cuda().l1Penalty(hh.g, 0.3f, loss.g, dh.g, 0.5f);
            loss.check("l1 loss " + tag, 1e-6 * cols, 1e-6);
            dh.check("l1 dh " + tag, 0, 0);
            // Evaluation form: no gradient buffer, the loss still accumulates.
            CPU.l1Penalty(hh.c, 0.3f, loss.c, null, 0f);
            cuda().l1Penalty(hh.g, 0.3f, loss.g, null, 0f);
            loss.check("l1 loss without dh " + tag, 2e-6 * cols, 1e-6);
        }
    }

    // ------------------------------------------------------------------ VAE head

    @Test
    void gaussianLatent() {
        int[][] shapes = {{1, 1}, {5, 20}, {3, 33}};
        long[] offsets = {0, 3, (1L << 32) - 2};
        for (int[] s : shapes) {
            for (long offset : offsets) {
                for (boolean sample : new boolean[] {true, false}) {
                    int rows = s[0], z = s[1];
                    String tag = rows + "x" + z + " offset=" + offset + " sample=" + sample;
                    Twin h = twin(gaussian(rows * 2 * z, 1f), rows, 2 * z);
                    Twin eps = zeros(rows, z);
                    Twin zz = zeros(rows, z);
                    Twin kl = zeros(rows);
                    CPU.gaussianLatentForward(h.c, sample, 0x5EEDL, offset, eps.c, zz.c, kl.c);
                    cuda().gaussianLatentForward(h.g, sample, 0x5EEDL, offset, eps.g, zz.g, kl.g);
                    if (sample) {
                        eps.check("latent eps " + tag, 0, ULP);
                    }
                    zz.check("latent z " + tag, 1e-6, 1e-6);
                    kl.check("latent kl " + tag, 1e-6 * z, 1e-6);

                    Twin dz = twin(gaussian(rows * z, 1f), rows, z);
                    Twin epsIn = twin(sample ? eps.cpu() : gaussian(rows * z, 1f), rows, z);
                    Twin dh = zeros(rows, 2 * z);
                    CPU.gaussianLatentBackward(h.c, epsIn.c, dz.c, 0.01f, dh.c);
                    cuda().gaussianLatentBackward(h.g, epsIn.g, dz.g, 0.01f, dh.g);
                    dh.check("latent backward " + tag, 1e-6, 1e-6);
                }
            }
        }
    }

    // ------------------------------------------------------------------ randomness

    @Test
    void philoxFillsAndDropout() {
        long[] offsets = {0, 1, 3, 6, (1L << 32) - 3, -5L};
        for (int n : new int[] {1, 2, 5, 1023}) {
            for (long offset : offsets) {
                String tag = "n=" + n + " offset=" + Long.toUnsignedString(offset);
                long seed = 0x1234_5678_9ABC_DEF0L + n;
                Twin u = zeros(n);
                CPU.uniform(u.c, seed, offset);
                cuda().uniform(u.g, seed, offset);
                u.check("uniform " + tag, 0, 0);

                Twin g = zeros(n);
                CPU.normal(g.c, seed, offset, 0.5f, 2f);
                cuda().normal(g.g, seed, offset, 0.5f, 2f);
                g.check("normal " + tag, 1e-6, 1e-6);

                Twin x = twin(gaussian(n, 1f), n);
                Twin mask = zeros(n);
                Twin y = zeros(n);
                CPU.dropout(x.c, 0.3f, seed, offset, mask.c, y.c);
                cuda().dropout(x.g, 0.3f, seed, offset, mask.g, y.g);
                if (norm(mask.cpu()) > 0) {
                    mask.check("dropout mask " + tag, 0, 0);
                    y.check("dropout y " + tag, 0, 0);
                }

            }
        }
    }

    @Test
    void normalsAgreeToOneUlp() {
        Twin g = zeros(4096);
        CPU.normal(g.c, 77L, 11L, 0f, 1f);
        cuda().normal(g.g, 77L, 11L, 0f, 1f);
        g.check("standard normal", 0, ULP);
    }

    // ------------------------------------------------------------------ optimizers

    @Test
    void adamwAndSgdMatchBitForBit() {
        for (int n : SIZES) {
            Twin p = twin(gaussian(n, 1f), n);
            Twin m = zeros(n);
            Twin v = zeros(n);
            for (int step = 1; step <= 3; step++) {
                Twin grad = twin(gaussian(n, 0.1f), n);
                CPU.adamw(p.c, grad.c, m.c, v.c, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step);
                cuda().adamw(p.g, grad.g, m.g, v.g, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step);
            }
            p.check("adamw params n=" + n, 0, 0);
            m.check("adamw m n=" + n, 0, 0);
            v.check("adamw v n=" + n, 0, 0);

            Twin q = twin(gaussian(n, 1f), n);
            Twin vel = zeros(n);
            for (int step = 0; step < 3; step++) {
                Twin grad = twin(gaussian(n, 0.1f), n);
                CPU.sgd(q.c, grad.c, vel.c, 0.05f, 0.9f, 1e-4f);
                cuda().sgd(q.g, grad.g, vel.g, 0.05f, 0.9f, 1e-4f);
            }
            q.check("sgd params n=" + n, 0, 0);
            vel.check("sgd velocity n=" + n, 0, 0);
        }
    }

    // ------------------------------------------------------------------ convolution family
    //
    // Each op on both backends from the same inputs. Tolerances: conv2d forward, backward data
    // and backward filter run on small integers (|x|, |w|, |dy| ≤ 4, at most 27 taps): every
    // product and partial sum is an integer far below 2^24, so both twins give the exact result
    // whatever their summation order (OpenBLAS's and cuBLAS's blocking, the chunking): EXACT.
    // So are the gathers of upsample and max-pool backward on small integers. Max pool and
    // upsample forward only move values: EXACT, ties and NaNs included (which element wins is
    // part of the contract). Channel bias + activation: as the dense bias + activation above
    // (EXACT for the piecewise-linear ones and for dx, TRANSCENDENTAL otherwise); dbias is a
    // double sum on both sides in a different order (the GPU's tree, the CPU's sequential
    // loop), rounded to float and added once: COLUMN_SUM's bound with the per-channel count.

    /** B 1 and 3, Cin 1 and 3, odd and non-square planes, k 1 and 3, s 1 and 2, p 0 and 1. */
    static final ConvGeometry[] CONVS = {
        new ConvGeometry(1, 1, 5, 4, 2, 3, 1, 1),
        new ConvGeometry(3, 1, 7, 5, 3, 3, 2, 0),
        new ConvGeometry(1, 3, 5, 6, 2, 3, 2, 1),
        new ConvGeometry(3, 3, 3, 5, 2, 1, 1, 0),
        new ConvGeometry(2, 2, 5, 4, 3, 1, 2, 1), // k < p + 1: the border outputs see only padding
    };

    @Test
    void conv2dForwardAndBackward() {
        for (ConvGeometry g : CONVS) {
            assertTrue(g.chunk() == g.batch(), g + " should fit one chunk");
            convCase(g);
        }
    }

    /** The chunk loop (2 + 1 samples: the last chunk smaller), too many threads for the emulation. */
    @Test
    void conv2dInSeveralChunks() {
        Assumptions.assumeFalse(emulated(), "skipped under host emulation: a multi-chunk convolution is"
                + " millions of CUDA threads (it runs in the GPU suite)");
        ConvGeometry g = new ConvGeometry(3, 8, 255, 321, 8, 3, 1, 1);
        assertTrue(g.chunk() == 2, g + " chunk " + g.chunk());
        convCase(g);
    }

    private void convCase(ConvGeometry g) {
        String tag = g.toString();
        int[] in = g.inputShape().dims(), out = g.outputShape().dims(), wd = g.weightShape().dims();
        int inN = Math.toIntExact(g.inputShape().size()), outN = Math.toIntExact(g.outputShape().size());
        int wN = Math.toIntExact(g.weightShape().size());
        Twin ws = zeros(Math.toIntExact(Math.max(CPU.convWorkspaceFloats(g), cuda().convWorkspaceFloats(g))));
        Twin x = twin(smallInts(inN), in), w = twin(smallInts(wN), wd), dy = twin(smallInts(outN), out);

        Twin y = twin(gaussian(outN, 1f), out); // overwritten
        CPU.conv2dForward(g, x.c, w.c, y.c, ws.c);
        cuda().conv2dForward(g, x.g, w.g, y.g, ws.g);
        y.check("conv2dForward " + tag, convAtol(), 0);

        Twin dx = twin(gaussian(inN, 1f), in); // overwritten
        CPU.conv2dBackwardData(g, dy.c, w.c, dx.c, ws.c);
        cuda().conv2dBackwardData(g, dy.g, w.g, dx.g, ws.g);
        dx.check("conv2dBackwardData " + tag, convAtol(), 0);

        Twin dw = twin(smallInts(wN), wd); // accumulates
        CPU.conv2dBackwardFilter(g, x.c, dy.c, 1f, dw.c, ws.c);
        cuda().conv2dBackwardFilter(g, x.g, dy.g, 1f, dw.g, ws.g);
        dw.check("conv2dBackwardFilter beta=1 " + tag, convAtol(), 0);
        Twin dwNew = twin(gaussian(wN, 1f), wd); // overwritten
        CPU.conv2dBackwardFilter(g, x.c, dy.c, 0f, dwNew.c, ws.c);
        cuda().conv2dBackwardFilter(g, x.g, dy.g, 0f, dwNew.g, ws.g);
        dwNew.check("conv2dBackwardFilter beta=0 " + tag, convAtol(), 0);
    }

    @Test
    void channelBiasActivationForwardAndBackward() {
        int[][] shapes = {{1, 1, 1, 1}, {3, 3, 3, 5}, {2, 1, 4, 3}};
        for (Activation act : Activation.values()) {
            boolean exact = act == Activation.IDENTITY || act == Activation.RELU || act == Activation.LEAKY_RELU;
            for (int[] s : shapes) {
                int n = s[0] * s[1] * s[2] * s[3], c = s[1];
                String tag = act + " " + Shape.of(s);
                float[] xv = gaussian(n, 2f), bv = gaussian(c, 1f);
                xv[0] = Math.abs(xv[0]) + Math.abs(bv[0]) + 0.5f; // one positive pre-activation: relu's output ≠ 0
                Twin x = twin(xv, s), bias = twin(bv, c);
                CPU.channelBiasActivationForward(x.c, bias.c, act, x.c); // in place, the usual case
                cuda().channelBiasActivationForward(x.g, bias.g, act, x.g);
                x.check("channelBiasActivationForward " + tag, exact ? 0 : 1e-6, exact ? 0 : 1e-6);

                // backward from the same saved output on both sides, so only the kernel differs
                Twin y = twin(x.cpu(), s), dy = twin(gaussian(n, 1f), s);
                Twin dx = twin(gaussian(n, 1f), s), dbias = twin(gaussian(c, 1f), c); // dbias accumulates
                CPU.channelBiasActivationBackward(y.c, dy.c, act, dx.c, dbias.c);
                cuda().channelBiasActivationBackward(y.g, dy.g, act, dx.g, dbias.g);
                dx.check("channelBiasActivationBackward dx " + tag, 0, 0);
                dbias.check("channelBiasActivationBackward dbias " + tag, 1e-6 * (n / c), 1e-5);
                CPU.channelBiasActivationBackward(y.c, dy.c, act, dy.c, null); // dx aliases dy, no dbias
                cuda().channelBiasActivationBackward(y.g, dy.g, act, dy.g, null);
                dy.check("channelBiasActivationBackward in place " + tag, 0, 0);
            }
        }
    }

    /**
     * Plane centring: the mean is a double sum in another order (a tree against a loop), rounded
     * to float: it may differ by one ulp of the mean (|mean| ≤ 1: 1.2e-7), and x − m then by one
     * ulp of the result (|x − m| &lt; 8: 4.8e-7); 1e-6 holds both.
     */
    @Test
    void subtractPlaneMean() {
        // {1, 3, 30, 30}: more pixels than threads; the last: more planes than blocks (the grid
        // strides), 4096 blocks: over two minutes under host emulation, so on a GPU only
        int[][] shapes = {{1, 1, 1, 3}, {3, 2, 5, 7}, {1, 3, 30, 30}, {2, CudaConv.PLANE_BLOCKS / 2 + 3, 1, 2}};
        for (int[] s : emulated() ? java.util.Arrays.copyOf(shapes, 3) : shapes) {
            int n = s[0] * s[1] * s[2] * s[3];
            Twin x = twin(gaussian(n, 1f), s), y = twin(gaussian(n, 1f), s);
            CPU.subtractPlaneMean(x.c, y.c);
            cuda().subtractPlaneMean(x.g, y.g);
            y.check("subtractPlaneMean " + Shape.of(s), 1e-6, 0);
            CPU.subtractPlaneMean(x.c, x.c); // in place, as the backward applies it to dy
            cuda().subtractPlaneMean(x.g, x.g);
            x.check("subtractPlaneMean in place " + Shape.of(s), 1e-6, 0);
        }
    }

    @Test
    void channelBiasActivationForwardWithoutBias() {
        int[] s = {2, 3, 4, 5};
        for (Activation act : new Activation[] {Activation.IDENTITY, Activation.RELU}) {
            Twin x = twin(gaussian(120, 2f), s);
            CPU.channelBiasActivationForward(x.c, null, act, x.c);
            cuda().channelBiasActivationForward(x.g, null, act, x.g);
            x.check("channelBiasActivationForward without a bias " + act, 0, 0);
        }
    }

    /** Bicubic upsampling: the same double weights and sums in the same order on both sides (-fmad=false): EXACT. */
    @Test
    void upsampleBicubicForward() {
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 5, 4}, {1, 2, 9, 7}};
        for (int[] s : shapes) {
            for (int f = 1; f <= 4; f++) {
                int n = s[0] * s[1] * s[2] * s[3], ny = n * f * f;
                Twin x = twin(gaussian(n, 1f), s), y = twin(gaussian(ny, 1f), s[0], s[1], s[2] * f, s[3] * f);
                CPU.upsampleBicubicForward(x.c, f, y.c);
                cuda().upsampleBicubicForward(x.g, f, y.g);
                y.check("upsampleBicubicForward f=" + f + " " + Shape.of(s), 0, 0);
            }
        }
    }

    @Test
    void upsampleNearestForwardAndBackward() {
        int[][] cases = {{3, 2, 3, 2, 2}, {1, 3, 2, 3, 3}, {2, 1, 3, 1, 1}}; // B, C, H, W, factor
        for (int[] t : cases) {
            int f = t[4];
            int[] in = {t[0], t[1], t[2], t[3]}, out = {t[0], t[1], t[2] * f, t[3] * f};
            int inN = Math.toIntExact(Shape.of(in).size()), outN = Math.toIntExact(Shape.of(out).size());
            String tag = "x " + Shape.of(in) + " factor " + f;
            Twin x = twin(gaussian(inN, 1f), in), y = twin(gaussian(outN, 1f), out); // y overwritten
            CPU.upsampleNearestForward(x.c, f, y.c);
            cuda().upsampleNearestForward(x.g, f, y.g);
            y.check("upsampleNearestForward " + tag, 0, 0);

            Twin dy = twin(smallInts(outN), out), dx = twin(gaussian(inN, 1f), in); // dx overwritten
            CPU.upsampleNearestBackward(dy.c, f, dx.c);
            cuda().upsampleNearestBackward(dy.g, f, dx.g);
            dx.check("upsampleNearestBackward " + tag, 0, 0);
        }
    }

    @Test
    void maxPoolForwardAndBackward() {
        // B, C, H, W, k, s: overlapping k=3 s=2 with an uncovered last column, k=2 s=2, k=3 s=1
        int[][] cases = {{3, 2, 7, 6, 3, 2}, {1, 3, 5, 4, 2, 2}, {1, 1, 4, 5, 3, 1}};
        for (int[] t : cases) {
            int h = t[2], w = t[3], k = t[4], s = t[5];
            int[] in = {t[0], t[1], h, w}, out = {t[0], t[1], (h - k) / s + 1, (w - k) / s + 1};
            int inN = Math.toIntExact(Shape.of(in).size()), outN = Math.toIntExact(Shape.of(out).size());
            String tag = "x " + Shape.of(in) + " k=" + k + " s=" + s;
            float[] xv = smallInts(inN); // many ties: the first maximum must win
            if (t == cases[0]) {
                xv[3] = Float.NaN; // window (0,1) holds two NaNs: the first wins
                xv[4] = Float.NaN;
                xv[w + 1] = Float.NaN; // window (0,0): a NaN after larger values still wins
            }
            Twin x = twin(xv, in), y = twin(gaussian(outN, 1f), out), arg = twin(gaussian(outN, 1f), out);
            CPU.maxPoolForward(x.c, k, s, y.c, arg.c);
            cuda().maxPoolForward(x.g, k, s, y.g, arg.g);
            y.check("maxPoolForward y " + tag, 0, 0);
            arg.check("maxPoolForward argmax " + tag, 0, 0);

            // backward from the same saved argmax on both sides
            Twin argIn = twin(arg.cpu(), out), dy = twin(smallInts(outN), out);
            Twin dx = twin(gaussian(inN, 1f), in); // overwritten
            CPU.maxPoolBackward(dy.c, argIn.c, k, s, dx.c);
            cuda().maxPoolBackward(dy.g, argIn.g, k, s, dx.g);
            dx.check("maxPoolBackward " + tag, 0, 0);
        }
    }
}
