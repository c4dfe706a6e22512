package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.GemmMapping;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Storage;
import org.bottleneck.tensor.Tensor;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The reference and fallback backend: GEMM through OpenBLAS, every other op a plain Java loop
 * over a float[] (written so the JIT vectorizes it: no per-element dispatch, one activation
 * per loop). Each op here is the CPU twin of a CUDA kernel in native/kernels with the same name
 * and semantics (see {@link Backend} for the formulas). Not thread-safe: one backend per thread.
 */
public final class CpuBackend implements Backend {
    private static int configuredThreads = -1;

    private final int threads;
    private final GemmStaging staging = new GemmStaging();
    private final Workers workers;
    // Reusable argument holders of the parallel ops: dispatch allocates nothing.
    private final BiasActForward biasActForward = new BiasActForward();
    private final BiasActBackward biasActBackward = new BiasActBackward();
    private final Bce bce = new Bce();
    private final AdamAligned adam = new AdamAligned();

    /**
     * @param threads OpenBLAS threads; set once per process (changing it later slowed GEMM
     *                3–10× in a probe), so a second backend gets the first one's count.
     */
    public CpuBackend(int threads) {
        this.threads = configureThreads(threads);
        this.workers = new Workers(threads); // our own split may differ from OpenBLAS's process-wide count
    }

    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    private static synchronized int configureThreads(int requested) {
        if (requested < 1) {
            throw new IllegalArgumentException("cpu threads must be ≥ 1, got " + requested);
        }
        if (configuredThreads < 0) {
            openblas.blas_set_num_threads(requested);
            if (CriticalGemm.available()) {
                CriticalGemm.threads(requested); // the same OpenBLAS, set explicitly through the shim
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
                + (CriticalGemm.available() ? ", zero-copy GEMM" : ", staged GEMM (" + CriticalGemm.status() + ")");
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

    // ---------------------------------------------------------------- dense

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmMapping.check("gemm", m, n, k, a.size(), b.size(), c.size());
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scale(c.view(0, org.bottleneck.tensor.Shape.of(m * n)), beta);
            return;
        }
        GemmMapping g = GemmMapping.rowMajor(transA, transB, m, n, k);
        if (CriticalGemm.available()) {
            // Column-major: the first operand is row-major B, the second row-major A.
            CriticalGemm.sgemm(g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), alpha,
                    arr(b), off(b), g.ldFirst(), arr(a), off(a), g.ldSecond(), beta, arr(c), off(c), g.ldc());
        } else {
            staging.gemm(g, alpha, arr(a), off(a), m * k, arr(b), off(b), k * n, beta, arr(c), off(c), m * n);
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
        BiasActForward t = biasActForward;
        t.act = act;
        t.x = arr(x);
        t.b = arr(bias);
        t.y = arr(y);
        t.ox = off(x);
        t.ob = off(bias);
        t.oy = off(y);
        t.cols = cols;
        workers.run(t, (int) (x.size() / cols), cols);
    }

    /** Rows [r0, r1) of y = act(x + b); one loop per activation so each one vectorizes. */
    private static final class BiasActForward implements Workers.Range {
        Activation act;
        float[] x, b, y;
        int ox, ob, oy, cols;

        @Override
        public void run(int r0, int r1) {
            for (int r = r0; r < r1; r++) {
                int bx = ox + r * cols, by = oy + r * cols;
                switch (act) {
                    case RELU -> {
                        for (int j = 0; j < cols; j++) {
                            y[by + j] = Math.max(x[bx + j] + b[ob + j], 0f);
                        }
                    }
                    case LEAKY_RELU -> {
                        for (int j = 0; j < cols; j++) {
                            float v = x[bx + j] + b[ob + j];
                            y[by + j] = v > 0f ? v : Activation.LEAKY_SLOPE * v;
                        }
                    }
                    case SIGMOID -> {
                        for (int j = 0; j < cols; j++) {
                            y[by + j] = (float) (1.0 / (1.0 + Math.exp(-(x[bx + j] + b[ob + j]))));
                        }
                    }
                    case TANH -> {
                        for (int j = 0; j < cols; j++) {
                            y[by + j] = (float) Math.tanh(x[bx + j] + b[ob + j]);
                        }
                    }
                    default -> {
                        for (int j = 0; j < cols; j++) {
                            y[by + j] = x[bx + j] + b[ob + j];
                        }
                    }
                }
            }
        }
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
        BiasActBackward t = biasActBackward;
        t.act = act;
        t.y = arr(y);
        t.dy = arr(dy);
        t.dx = arr(dx);
        t.db = dbias == null ? null : arr(dbias);
        t.oy = off(y);
        t.ody = off(dy);
        t.odx = off(dx);
        t.odb = dbias == null ? 0 : off(dbias);
        t.rows = rows;
        t.cols = cols;
        workers.run(t, cols, rows); // split by columns: each dbias column is summed by one thread
    }

    /** Columns [c0, c1) of dx = dy ⊙ act'(y) for every row, then of dbias += Σ_rows dx. */
    private static final class BiasActBackward implements Workers.Range {
        Activation act;
        float[] y, dy, dx, db;
        int oy, ody, odx, odb, rows, cols;

        @Override
        public void run(int c0, int c1) {
            for (int r = 0; r < rows; r++) {
                int by = oy + r * cols, bdy = ody + r * cols, bdx = odx + r * cols;
                switch (act) {
                    case RELU -> {
                        for (int j = c0; j < c1; j++) {
                            dx[bdx + j] = y[by + j] > 0f ? dy[bdy + j] : 0f;
                        }
                    }
                    case LEAKY_RELU -> {
                        for (int j = c0; j < c1; j++) {
                            dx[bdx + j] = y[by + j] > 0f ? dy[bdy + j] : Activation.LEAKY_SLOPE * dy[bdy + j];
                        }
                    }
                    case SIGMOID -> {
                        for (int j = c0; j < c1; j++) {
                            float v = y[by + j];
                            dx[bdx + j] = dy[bdy + j] * (v * (1f - v)); // same rounding as the kernel
                        }
                    }
                    case TANH -> {
                        for (int j = c0; j < c1; j++) {
                            float v = y[by + j];
                            dx[bdx + j] = dy[bdy + j] * (1f - v * v);
                        }
                    }
                    default -> System.arraycopy(dy, bdy + c0, dx, bdx + c0, c1 - c0);
                }
            }
            if (db != null) { // column sums, row by row so the inner loop stays contiguous
                for (int r = 0; r < rows; r++) {
                    int bdx = odx + r * cols;
                    for (int j = c0; j < c1; j++) {
                        db[odb + j] += dx[bdx + j];
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- losses

    @Override
    public void bceWithLogits(Tensor x, Tensor t, Tensor loss, Tensor dx, float gradScale) {
        sameSize("bceWithLogits", x, t);
        if (dx != null) {
            sameSize("bceWithLogits", x, dx);
        }
        int rows = x.rows(), cols = x.rowSize();
        checkPerRow("bceWithLogits", loss, rows);
        Bce task = bce;
        task.x = arr(x);
        task.t = arr(t);
        task.l = arr(loss);
        task.dx = dx == null ? null : arr(dx);
        task.ox = off(x);
        task.ot = off(t);
        task.ol = off(loss);
        task.odx = dx == null ? 0 : off(dx);
        task.cols = cols;
        task.gradScale = gradScale;
        workers.run(task, rows, 16 * cols); // exp and division make each element ~16× a plain op
    }

    /** Rows [r0, r1) of the stable BCE-with-logits loss and its gradient. */
    private static final class Bce implements Workers.Range {
        float[] x, t, l, dx;
        int ox, ot, ol, odx, cols;
        float gradScale;

        @Override
        public void run(int r0, int r1) {
            for (int r = r0; r < r1; r++) {
                double sum = 0;
                double product = 1; // Π(1 + e) over up to 32 pixels: each factor is in (1, 2], so no overflow
                for (int j = 0; j < cols; j++) {
                    float v = x[ox + r * cols + j], y = t[ot + r * cols + j];
                    // e = exp(−|x|) serves both terms: log1p(e) of the stable loss and the sigmoid.
                    double e = Math.exp(-Math.abs(v));
                    sum += Math.max(v, 0f) - (double) v * y;
                    product *= 1.0 + e;
                    if ((j & 31) == 31) { // Σ log(1+e) as one log per 32 pixels: log is the costly part
                        sum += Math.log(product);
                        product = 1;
                    }
                    if (dx != null) {
                        double s = v >= 0f ? 1.0 / (1.0 + e) : e / (1.0 + e);
                        dx[odx + r * cols + j] = gradScale * (float) (s - y);
                    }
                }
                l[ol + r] = (float) (sum + Math.log(product));
            }
        }
    }

    @Override
    public void mse(Tensor x, Tensor t, Tensor loss, Tensor dx, float gradScale) {
        sameSize("mse", x, t);
        if (dx != null) {
            sameSize("mse", x, dx);
        }
        int rows = x.rows(), cols = x.rowSize();
        checkPerRow("mse", loss, rows);
        float[] px = arr(x), pt = arr(t), pl = arr(loss);
        float[] pdx = dx == null ? null : arr(dx);
        int ox = off(x), ot = off(t), ol = off(loss), odx = dx == null ? 0 : off(dx);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float d = px[ox + r * cols + j] - pt[ot + r * cols + j];
                sum += (double) d * d;
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
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < latent; j++) {
                float mu = ph[oh + r * 2 * latent + j];
                float lv = ph[oh + r * 2 * latent + latent + j];
                int i = r * latent + j;
                float e = sample ? Philox.normal(seed, offset + i) : 0f;
                pe[oe + i] = e;
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
        int oo = off(out);
        for (int i = 0, n = out.length(); i < n; i++) {
            po[oo + i] = mean + std * Philox.normal(seed, offset + i);
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

    @Override
    public void gaussianCorruption(Tensor x, float std, long seed, long offset, Tensor y) {
        sameSize("gaussianCorruption", x, y);
        float[] px = arr(x), py = arr(y);
        int ox = off(x), oy = off(y);
        for (int i = 0, n = x.length(); i < n; i++) {
            py[oy + i] = px[ox + i] + std * Philox.normal(seed, offset + i);
        }
    }

    @Override
    public void maskingCorruption(Tensor x, float p, long seed, long offset, Tensor y) {
        sameSize("maskingCorruption", x, y);
        float[] px = arr(x), py = arr(y);
        int ox = off(x), oy = off(y);
        for (int i = 0, n = x.length(); i < n; i++) {
            py[oy + i] = Philox.uniform(seed, offset + i) < p ? 0f : px[ox + i];
        }
    }

    // ---------------------------------------------------------------- optimizers

    @Override
    public void adamw(Tensor params, Tensor grads, Tensor m, Tensor v,
                      float lr, float beta1, float beta2, float eps, float weightDecay, int step) {
        sameSize("adamw", params, grads);
        sameSize("adamw", params, m);
        sameSize("adamw", params, v);
        if (step < 1) {
            throw new IllegalArgumentException("adamw: step must start at 1, got " + step);
        }
        float bc1 = (float) (1.0 - Math.pow(beta1, step));
        float bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        float stepSize = lr / bc1;
        float decay = 1f - lr * weightDecay;
        float[] pp = arr(params), pg = arr(grads), pm = arr(m), pv = arr(v);
        int op = off(params), og = off(grads), om = off(m), ov = off(v), n = params.length();
        if (op == og && op == om && op == ov) {
            AdamAligned t = adam;
            t.p = pp;
            t.g = pg;
            t.m = pm;
            t.v = pv;
            t.offset = op;
            t.beta1 = beta1;
            t.beta2 = beta2;
            t.eps = eps;
            t.decay = decay;
            t.stepSize = stepSize;
            t.bc2Sqrt = bc2Sqrt;
            workers.run(t, n, 4);
            return;
        }
        for (int i = 0; i < n; i++) {
            float g = pg[og + i];
            float mi = beta1 * pm[om + i] + (1f - beta1) * g;
            float vi = beta2 * pv[ov + i] + (1f - beta2) * g * g;
            pm[om + i] = mi;
            pv[ov + i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            pp[op + i] = pp[op + i] * decay - stepSize * mi / denom;
        }
    }

    /**
     * AdamW when all four buffers start at the same offset (the optimizers arrange it): one
     * index for every array lets the JIT prove the iterations independent and vectorize
     * (0.27 ms instead of 2.3 ms for 1.1M parameters). Same arithmetic as the general loop.
     */
    private static final class AdamAligned implements Workers.Range {
        float[] p, g, m, v;
        int offset;
        float beta1, beta2, eps, decay, stepSize, bc2Sqrt;

        @Override
        public void run(int from, int to) {
            float[] pp = p, pg = g, pm = m, pv = v;
            for (int i = offset + from, end = offset + to; i < end; i++) {
                float gi = pg[i];
                float mi = beta1 * pm[i] + (1f - beta1) * gi;
                float vi = beta2 * pv[i] + (1f - beta2) * gi * gi;
                pm[i] = mi;
                pv[i] = vi;
                float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
                pp[i] = pp[i] * decay - stepSize * mi / denom;
            }
        }
    }

    @Override
    public void sgd(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum, float weightDecay) {
        sameSize("sgd", params, grads);
        sameSize("sgd", params, velocity);
        float[] pp = arr(params), pg = arr(grads), pv = arr(velocity);
        int op = off(params), og = off(grads), ov = off(velocity), n = params.length();
        if (op == og && op == ov) { // one index for all: vectorizes (see adamwAligned)
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
        workers.close();
        staging.close();
    }
}
