package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.AdamWStep;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Checks;
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.backend.GemmMapping;
import org.bottleneck.backend.Philox;
import org.bottleneck.tensor.Storage;
import org.bottleneck.tensor.Tensor;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The reference and fallback backend: GEMM through OpenBLAS, every other op a loop over a
 * float[]: plain Java written so the JIT vectorizes it (no per-element dispatch, one activation
 * per loop), except the hottest ones ({@link Loops}), which run in C when the native library is
 * there and in their Java twins otherwise. Each op here is the CPU twin of a CUDA kernel in native/kernels with the same name
 * and semantics (see {@link Backend} for the formulas). Not thread-safe: one backend per thread.
 */
public final class CpuBackend implements Backend {
    private static int configuredThreads = -1;

    private final int threads;
    private final GemmStaging staging = new GemmStaging();
    private final GemmMapping mapping = new GemmMapping(); // reused by every GEMM: no allocation per call
    private final Loops loops = NativeLoops.available() ? new NativeLoops() : new JavaLoops();
    /**
     * AdamW's loop: C only when the pool can split it over threads. On one thread the JIT's
     * AVX-512 loop is the faster (1.08M parameters: 0.19 against 0.24 ms); split over two cores
     * the C one wins (0.17 ms in a step against 0.40). Same bits either way (NativeLoopsTest).
     */
    private final Loops optimizerLoops;
    private final CpuConv conv = new CpuConv(this);
    private final int[] philoxScratch = new int[4]; // one Philox block, reused (no allocation per op)

    /**
     * @param threads OpenBLAS threads; set once per process (changing it later slowed GEMM
     *                3–10× in a probe), so a second backend gets the first one's count.
     */
    public CpuBackend(int threads) {
        this.threads = configureThreads(threads);
        this.optimizerLoops = loops instanceof NativeLoops && CriticalGemm.available() && CriticalGemm.sharesPool()
                ? loops : new JavaLoops();
    }

    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * OpenBLAS gets {@code requested} threads. With the native library they are the threads of
     * its pool, which OpenBLAS's GEMMs and our loops share (native/cpu/thread_pool.h: OpenBLAS's
     * own workers spin between GEMMs, so no other threads of ours could use those cores).
     */
    private static synchronized int configureThreads(int requested) {
        if (requested < 1) {
            throw new IllegalArgumentException("cpu threads must be ≥ 1, got " + requested);
        }
        if (configuredThreads < 0) {
            openblas.blas_set_num_threads(requested);
            if (CriticalGemm.available()) {
                int got = CriticalGemm.threads(requested); // the same OpenBLAS, through the shim, with the pool
                if (got < 0) {
                    throw new IllegalStateException("cpu: could not start " + requested + " threads (errno " + -got
                            + ")");
                }
            }
            configuredThreads = requested;
        }
        return configuredThreads;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "cpu: " + openblas_full.openblas_get_config().getString().trim()
                + ", core " + openblas_full.openblas_get_corename().getString()
                + ", " + threads + " thread" + (threads == 1 ? "" : "s")
                + (CriticalGemm.available() && CriticalGemm.sharesPool() ? " (one pool: OpenBLAS's jobs and ours)" : "")
                + (CriticalGemm.available() ? ", zero-copy GEMM" : ", staged GEMM (" + CriticalGemm.status() + ")")
                + (loops instanceof NativeLoops ? ", native loops" : ", Java loops");
    }

    public int threads() {
        return threads;
    }

    @Override
    public Storage allocate(long floats, String label) {
        if (floats < 0) {
            throw new IllegalArgumentException("cpu allocate '" + label + "': negative size " + floats);
        }
        return new CpuStorage(this, floats, label);
    }

    /** The array behind a view; index it from {@link #off}. Throws after close. */
    private static float[] arr(Tensor t) {
        return ((CpuStorage) t.storage()).data();
    }

    private static int off(Tensor t) {
        return (int) t.offset();
    }

    private static void sameSize(String op, Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(op + ": size mismatch " + a.shape() + " vs " + b.shape());
        }
    }

    private static void checkPerRow(String op, Tensor perRow, int rows) {
        if (perRow.size() != rows) {
            throw new IllegalArgumentException(op + ": per-sample output " + perRow.shape()
                    + " must hold " + rows + " values");
        }
    }

    // ---------------------------------------------------------------- memory

    @Override
    public void upload(float[] src, int srcOffset, Tensor dst) {
        int n = dst.length();
        if (srcOffset < 0 || srcOffset + n > src.length) {
            throw new IllegalArgumentException("upload: " + n + " floats from offset " + srcOffset
                    + " of a " + src.length + "-float array");
        }
        System.arraycopy(src, srcOffset, arr(dst), off(dst), n);
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        int n = src.length();
        if (dstOffset < 0 || dstOffset + n > dst.length) {
            throw new IllegalArgumentException("download: " + n + " floats to offset " + dstOffset
                    + " of a " + dst.length + "-float array");
        }
        System.arraycopy(arr(src), off(src), dst, dstOffset, n);
    }

    @Override
    public void synchronize() {
        // CPU ops are synchronous.
    }

    // ---------------------------------------------------------------- basic

    @Override
    public void fill(Tensor x, float value) {
        java.util.Arrays.fill(arr(x), off(x), off(x) + x.length(), value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        sameSize("copy", src, dst);
        System.arraycopy(arr(src), off(src), arr(dst), off(dst), src.length());
    }

    @Override
    public void scale(Tensor x, float alpha) {
        float[] a = arr(x);
        for (int i = off(x), end = i + x.length(); i < end; i++) {
            a[i] *= alpha;
        }
    }

    @Override
    public double sumSquares(Tensor x) {
        float[] a = arr(x);
        double s = 0;
        for (int i = off(x), end = i + x.length(); i < end; i++) {
            double v = a[i];
            s += v * v;
        }
        return s;
    }

    @Override
    public void multiply(Tensor a, Tensor b, Tensor out) {
        sameSize("multiply", a, b);
        sameSize("multiply", a, out);
        float[] pa = arr(a), pb = arr(b), po = arr(out);
        int oa = off(a), ob = off(b), oo = off(out);
        for (int i = 0, n = a.length(); i < n; i++) {
            po[oo + i] = pa[oa + i] * pb[ob + i];
        }
    }

    @Override
    public void accumulate(Tensor src, Tensor dst) {
        int inner = src.rowSize(), repeat = Checks.repeat("accumulate", src, dst);
        float[] ps = arr(src), pd = arr(dst);
        int os = off(src), od = off(dst);
        for (int i = 0, n = dst.length(); i < n; i++) {
            pd[od + i] += ps[os + (i / (inner * repeat)) * inner + i % inner];
        }
    }

    // ---------------------------------------------------------------- dense

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmMapping.check("gemm", m, n, k, a.size(), b.size(), c.size());
        gemm(transA, transB, m, n, k, alpha, arr(a), off(a), arr(b), off(b), beta, arr(c), off(c));
    }

    /**
     * The same GEMM on arrays at offsets (sizes already checked): CpuConv's chunks call this
     * directly, so slicing a workspace costs no view objects.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int oa,
              float[] b, int ob, float beta, float[] c, int oc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = oc, end = oc + m * n; i < end; i++) {
                c[i] *= beta;
            }
            return;
        }
        GemmMapping g = mapping.set(transA, transB, m, n, k);
        if (CriticalGemm.available() && g.n() == 1) {
            // One output column (row-major m = 1, e.g. encoding one image): a matrix-vector product.
            // The vector is row-major A, contiguous whatever transA says; the matrix is row-major B,
            // stored column-major as (transFirst ? k×m' : m'×k) with leading dimension ldFirst.
            CriticalGemm.sgemv(g.transFirst(), g.transFirst() ? g.k() : g.m(), g.transFirst() ? g.m() : g.k(),
                    alpha, b, ob, g.ldFirst(), a, oa, beta, c, oc);
        } else if (CriticalGemm.available()) {
            // Column-major: the first operand is row-major B, the second row-major A.
            CriticalGemm.sgemm(g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), alpha,
                    b, ob, g.ldFirst(), a, oa, g.ldSecond(), beta, c, oc, g.ldc());
        } else {
            staging.gemm(g, alpha, a, oa, m * k, b, ob, k * n, beta, c, oc, m * n);
        }
    }

    @Override
    public void biasActivationForward(Tensor x, Tensor bias, Activation act, Tensor y) {
        sameSize("biasActivationForward", x, y);
        int cols = bias.length();
        if (cols == 0 || x.size() % cols != 0) {
            throw new IllegalArgumentException("biasActivationForward: bias " + bias.shape()
                    + " does not divide input " + x.shape());
        }
        loops.biasActivationForward(arr(x), off(x), arr(bias), off(bias), arr(y), off(y),
                (int) (x.size() / cols), cols, act);
    }

    @Override
    public void biasActivationBackward(Tensor y, Tensor dy, Activation act, Tensor dx, Tensor dbias) {
        sameSize("biasActivationBackward", y, dy);
        sameSize("biasActivationBackward", y, dx);
        int cols = y.rowSize(), rows = y.rows();
        if (dbias != null && dbias.length() != cols) {
            throw new IllegalArgumentException("biasActivationBackward: dbias " + dbias.shape()
                    + " does not match rows of " + y.shape());
        }
        loops.biasActivationBackward(arr(y), off(y), arr(dy), off(dy), arr(dx), off(dx),
                dbias == null ? null : arr(dbias), dbias == null ? 0 : off(dbias), rows, cols, act);
    }

    // ---------------------------------------------------------------- convolution (CpuConv)

    @Override
    public long convWorkspaceFloats(ConvGeometry g) {
        return conv.workspaceFloats(g);
    }

    @Override
    public void conv2dForward(ConvGeometry g, Tensor x, Tensor w, Tensor y, Tensor workspace) {
        conv.forward(g, x, w, y, workspace);
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx, Tensor workspace) {
        conv.backwardData(g, dy, w, dx, workspace);
    }

    @Override
    public void conv2dBackwardFilter(ConvGeometry g, Tensor x, Tensor dy, float beta, Tensor dw, Tensor workspace) {
        conv.backwardFilter(g, x, dy, beta, dw, workspace);
    }

    @Override
    public void channelBiasActivationForward(Tensor x, Tensor bias, Activation act, Tensor y) {
        conv.channelBiasActivationForward(x, bias, act, y);
    }

    @Override
    public void channelBiasActivationBackward(Tensor y, Tensor dy, Activation act, Tensor dx, Tensor dbias) {
        conv.channelBiasActivationBackward(y, dy, act, dx, dbias);
    }

    @Override
    public void subtractPlaneMean(Tensor x, Tensor y) {
        conv.subtractPlaneMean(x, y);
    }

    @Override
    public void upsampleNearestForward(Tensor x, int factor, Tensor y) {
        conv.upsampleNearestForward(x, factor, y);
    }

    @Override
    public void upsampleNearestBackward(Tensor dy, int factor, Tensor dx) {
        conv.upsampleNearestBackward(dy, factor, dx);
    }

    @Override
    public void upsampleBicubicForward(Tensor x, int factor, Tensor y) {
        conv.upsampleBicubicForward(x, factor, y);
    }

    @Override
    public void maxPoolForward(Tensor x, int kernel, int stride, Tensor y, Tensor argmax) {
        conv.maxPoolForward(x, kernel, stride, y, argmax);
    }

    @Override
    public void maxPoolBackward(Tensor dy, Tensor argmax, int kernel, int stride, Tensor dx) {
        conv.maxPoolBackward(dy, argmax, kernel, stride, dx);
    }

    // ---------------------------------------------------------------- losses

    @Override
    public void bceWithLogits(Tensor x, Tensor t, Tensor mask, Tensor loss, Tensor dx, float gradScale) {
        sameSize("bceWithLogits", x, t);
        if (dx != null) {
            sameSize("bceWithLogits", x, dx);
        }
        int rows = x.rows(), cols = x.rowSize();
        checkPerRow("bceWithLogits", loss, rows);
        if (mask != null) {
            sameSize("bceWithLogits", x, mask);
            MaskedLosses.bce(arr(x), off(x), arr(t), off(t), arr(mask), off(mask), arr(loss), off(loss),
                    dx == null ? null : arr(dx), dx == null ? 0 : off(dx), rows, cols, gradScale);
            return;
        }
        loops.bceWithLogits(arr(x), off(x), arr(t), off(t), arr(loss), off(loss),
                dx == null ? null : arr(dx), dx == null ? 0 : off(dx), rows, cols, gradScale);
    }

    @Override
    public void mse(Tensor x, Tensor t, Tensor mask, Tensor loss, Tensor dx, float gradScale) {
        sameSize("mse", x, t);
        if (dx != null) {
            sameSize("mse", x, dx);
        }
        if (mask != null) {
            sameSize("mse", x, mask);
        }
        int rows = x.rows(), cols = x.rowSize();
        checkPerRow("mse", loss, rows);
        float[] px = arr(x), pt = arr(t), pl = arr(loss), pm = mask == null ? null : arr(mask);
        float[] pdx = dx == null ? null : arr(dx);
        int ox = off(x), ot = off(t), ol = off(loss), odx = dx == null ? 0 : off(dx), om = mask == null ? 0 : off(mask);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float d = px[ox + r * cols + j] - pt[ot + r * cols + j];
                if (pm == null) {
                    sum += (double) d * d;
                } else { // as the CUDA twin: the double term times the float weight
                    float m = pm[om + r * cols + j];
                    sum += (double) m * ((double) d * d);
                    d *= m;
                }
                if (pdx != null) {
                    pdx[odx + r * cols + j] = gradScale * 2f * d;
                }
            }
            pl[ol + r] = (float) sum;
        }
    }

    @Override
    public void l1Penalty(Tensor h, float lambda, Tensor loss, Tensor dh, float gradScale) {
        if (dh != null) {
            sameSize("l1Penalty", h, dh);
        }
        int rows = h.rows(), cols = h.rowSize();
        checkPerRow("l1Penalty", loss, rows);
        float[] ph = arr(h), pl = arr(loss);
        float[] pdh = dh == null ? null : arr(dh);
        int oh = off(h), ol = off(loss), odh = dh == null ? 0 : off(dh);
        float g = gradScale * lambda;
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float v = ph[oh + r * cols + j];
                sum += Math.abs(v);
                if (pdh != null) {
                    pdh[odh + r * cols + j] += g * Math.signum(v);
                }
            }
            pl[ol + r] += (float) (lambda * sum);
        }
    }

    // ---------------------------------------------------------------- VAE head

    @Override
    public void gaussianLatentForward(Tensor h, boolean sample, long seed, long offset,
                                      Tensor eps, Tensor z, Tensor kl) {
        int rows = h.rows(), latent = h.rowSize() / 2;
        if (h.rowSize() != 2 * latent || z.size() != (long) rows * latent || eps.size() != z.size()) {
            throw new IllegalArgumentException("gaussianLatentForward: h " + h.shape() + " must be (B,2Z) with z "
                    + z.shape() + " and eps " + eps.shape() + " (B,Z)");
        }
        checkPerRow("gaussianLatentForward", kl, rows);
        float[] ph = arr(h), pe = arr(eps), pz = arr(z), pk = arr(kl);
        int oh = off(h), oe = off(eps), oz = off(z), ok = off(kl);
        if (sample) { // eps[i] = normal(seed, offset + i), i over (B,Z)
            Philox.fillNormal(seed, offset, pe, oe, rows * latent, philoxScratch);
        } else {
            java.util.Arrays.fill(pe, oe, oe + rows * latent, 0f);
        }
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < latent; j++) {
                float mu = ph[oh + r * 2 * latent + j];
                float lv = ph[oh + r * 2 * latent + latent + j];
                int i = r * latent + j;
                float e = pe[oe + i];
                pz[oz + i] = mu + (float) Math.exp(0.5f * lv) * e;
                sum += 1.0 + lv - (double) mu * mu - Math.exp(lv);
            }
            pk[ok + r] = (float) (-0.5 * sum);
        }
    }

    @Override
    public void gaussianLatentBackward(Tensor h, Tensor eps, Tensor dz, float klScale, Tensor dh) {
        sameSize("gaussianLatentBackward", h, dh);
        sameSize("gaussianLatentBackward", eps, dz);
        int rows = h.rows(), latent = h.rowSize() / 2;
        float[] ph = arr(h), pe = arr(eps), pdz = arr(dz), pdh = arr(dh);
        int oh = off(h), oe = off(eps), odz = off(dz), odh = off(dh);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < latent; j++) {
                int im = r * 2 * latent + j, il = im + latent, i = r * latent + j;
                float mu = ph[oh + im], lv = ph[oh + il], g = pdz[odz + i];
                float std = (float) Math.exp(0.5f * lv);
                pdh[odh + im] = g + klScale * mu;
                pdh[odh + il] = 0.5f * g * pe[oe + i] * std + 0.5f * klScale * (std * std - 1f);
            }
        }
    }

    // ---------------------------------------------------------------- randomness

    @Override
    public void uniform(Tensor out, long seed, long offset) {
        float[] po = arr(out);
        int oo = off(out);
        for (int i = 0, n = out.length(); i < n; i++) {
            po[oo + i] = Philox.uniform(seed, offset + i);
        }
    }

    @Override
    public void normal(Tensor out, long seed, long offset, float mean, float std) {
        float[] po = arr(out);
        int oo = off(out), n = out.length();
        Philox.fillNormal(seed, offset, po, oo, n, philoxScratch);
        for (int i = oo; i < oo + n; i++) {
            po[i] = mean + std * po[i];
        }
    }

    @Override
    public void dropout(Tensor x, float p, long seed, long offset, Tensor mask, Tensor y) {
        sameSize("dropout", x, mask);
        sameSize("dropout", x, y);
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        }
        float keep = 1f / (1f - p);
        float[] px = arr(x), pm = arr(mask), py = arr(y);
        int ox = off(x), om = off(mask), oy = off(y);
        for (int i = 0, n = x.length(); i < n; i++) {
            float m = Philox.uniform(seed, offset + i) < p ? 0f : keep;
            pm[om + i] = m;
            py[oy + i] = px[ox + i] * m;
        }
    }



    // ---------------------------------------------------------------- optimizers

    @Override
    public void adamw(Tensor params, Tensor grads, Tensor m, Tensor v,
                      float lr, float beta1, float beta2, float eps, float weightDecay, int step) {
        sameSize("adamw", params, grads);
        sameSize("adamw", params, m);
        sameSize("adamw", params, v);
        AdamWStep.checkStep(step);
        float stepSize = AdamWStep.stepSize(lr, beta1, step); // the same constants on both backends
        float bc2Sqrt = AdamWStep.bc2Sqrt(beta2, step);
        float decay = AdamWStep.decay(lr, weightDecay);
        optimizerLoops.adamw(arr(params), off(params), arr(grads), off(grads), arr(m), off(m), arr(v), off(v),
                params.length(), beta1, beta2, eps, decay, stepSize, bc2Sqrt);
    }

    @Override
    public void sgd(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum, float weightDecay) {
        sameSize("sgd", params, grads);
        sameSize("sgd", params, velocity);
        float[] pp = arr(params), pg = arr(grads), pv = arr(velocity);
        int op = off(params), og = off(grads), ov = off(velocity), n = params.length();
        if (op == og && op == ov) { // one index for all: vectorizes (see JavaLoops.adamwAligned)
            for (int i = op; i < op + n; i++) {
                float p = pp[i];
                float b = momentum * pv[i] + pg[i] + weightDecay * p;
                pv[i] = b;
                pp[i] = p - lr * b;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            float p = pp[op + i];
            float b = momentum * pv[ov + i] + pg[og + i] + weightDecay * p;
            pv[ov + i] = b;
            pp[op + i] = p - lr * b;
        }
    }

    @Override
    public void close() {
        staging.close();
    }
}
