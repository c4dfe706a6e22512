package org.bottleneck.backend.cpu;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import java.nio.FloatBuffer;
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
 * over off-heap memory. Each op here is the CPU twin of a CUDA kernel in native/kernels with
 * the same name and semantics (see {@link Backend} for the formulas).
 */
public final class CpuBackend implements Backend {
    private static int configuredThreads = -1;

    private final int threads;
    private final int[] philoxScratch = new int[4];

    /**
     * @param threads OpenBLAS threads; set once per process (changing it later slowed GEMM
     *                3–10× in a probe), so a second backend must ask for the same count.
     */
    public CpuBackend(int threads) {
        this.threads = configureThreads(threads);
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
        return "cpu: OpenBLAS " + openblas_full.openblas_get_config().getString().trim()
                + ", core " + openblas_full.openblas_get_corename().getString()
                + ", " + threads + " thread" + (threads == 1 ? "" : "s");
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

    /** The positioned buffer of a view, made once per view. */
    static FloatBuffer buf(Tensor t) {
        CpuStorage s = (CpuStorage) t.storage();
        s.buffer(); // throws after close
        return t.nativeView(CpuBackend::slice);
    }

    private static FloatBuffer slice(Tensor t) {
        FloatBuffer whole = ((CpuStorage) t.storage()).buffer().duplicate();
        whole.position(Math.toIntExact(t.offset())).limit(Math.toIntExact(t.offset() + t.size()));
        return whole.slice();
    }

    private static void sameSize(String op, Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(op + ": size mismatch " + a.shape() + " vs " + b.shape());
        }
    }

    @Override
    public void upload(float[] src, int srcOffset, Tensor dst) {
        FloatBuffer d = buf(dst);
        int n = dst.length();
        if (srcOffset < 0 || srcOffset + n > src.length) {
            throw new IllegalArgumentException("upload: " + n + " floats from offset " + srcOffset
                    + " of a " + src.length + "-float array");
        }
        d.put(0, src, srcOffset, n);
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        FloatBuffer s = buf(src);
        int n = src.length();
        if (dstOffset < 0 || dstOffset + n > dst.length) {
            throw new IllegalArgumentException("download: " + n + " floats to offset " + dstOffset
                    + " of a " + dst.length + "-float array");
        }
        s.get(0, dst, dstOffset, n);
    }

    @Override
    public void synchronize() {
        // CPU ops are synchronous.
    }

    @Override
    public void fill(Tensor x, float value) {
        FloatBuffer b = buf(x);
        for (int i = 0, n = x.length(); i < n; i++) {
            b.put(i, value);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        sameSize("copy", src, dst);
        buf(dst).put(0, buf(src), 0, src.length());
    }

    @Override
    public void scale(Tensor x, float alpha) {
        FloatBuffer b = buf(x);
        for (int i = 0, n = x.length(); i < n; i++) {
            b.put(i, b.get(i) * alpha);
        }
    }

    @Override
    public double sumSquares(Tensor x) {
        FloatBuffer b = buf(x);
        double s = 0;
        for (int i = 0, n = x.length(); i < n; i++) {
            double v = b.get(i);
            s += v * v;
        }
        return s;
    }

    @Override
    public void multiply(Tensor a, Tensor b, Tensor out) {
        sameSize("multiply", a, b);
        sameSize("multiply", a, out);
        FloatBuffer pa = buf(a), pb = buf(b), po = buf(out);
        for (int i = 0, n = a.length(); i < n; i++) {
            po.put(i, pa.get(i) * pb.get(i));
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmMapping.check("gemm", m, n, k, a.size(), b.size(), c.size());
        if (m == 0 || n == 0) {
            return;
        }
        GemmMapping g = GemmMapping.rowMajor(transA, transB, m, n, k);
        openblas.cblas_sgemm(CblasColMajor,
                g.transFirst() ? CblasTrans : CblasNoTrans,
                g.transSecond() ? CblasTrans : CblasNoTrans,
                g.m(), g.n(), g.k(), alpha,
                buf(b), g.ldFirst(), buf(a), g.ldSecond(), beta, buf(c), g.ldc());
    }

    @Override
    public void biasActivationForward(Tensor x, Tensor bias, Activation act, Tensor y) {
        sameSize("biasActivationForward", x, y);
        int cols = bias.length();
        if (cols == 0 || x.size() % cols != 0) {
            throw new IllegalArgumentException("biasActivationForward: bias " + bias.shape()
                    + " does not divide input " + x.shape());
        }
        FloatBuffer px = buf(x), pb = buf(bias), py = buf(y);
        int rows = (int) (x.size() / cols);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                py.put(base + j, act.apply(px.get(base + j) + pb.get(j)));
            }
        }
    }

    @Override
    public void biasActivationBackward(Tensor y, Tensor dy, Activation act, Tensor dx, Tensor dbias) {
        sameSize("biasActivationBackward", y, dy);
        sameSize("biasActivationBackward", y, dx);
        int cols = y.rowSize();
        int rows = y.rows();
        if (dbias != null && dbias.length() != cols) {
            throw new IllegalArgumentException("biasActivationBackward: dbias " + dbias.shape()
                    + " does not match rows of " + y.shape());
        }
        FloatBuffer py = buf(y), pdy = buf(dy), pdx = buf(dx);
        FloatBuffer pdb = dbias == null ? null : buf(dbias);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                float g = pdy.get(base + j) * act.derivativeFromOutput(py.get(base + j));
                pdx.put(base + j, g);
                if (pdb != null) {
                    pdb.put(j, pdb.get(j) + g);
                }
            }
        }
    }

    @Override
    public void bceWithLogits(Tensor x, Tensor t, Tensor loss, Tensor dx, float gradScale) {
        sameSize("bceWithLogits", x, t);
        int rows = x.rows(), cols = x.rowSize();
        checkPerRow("bceWithLogits", loss, rows);
        FloatBuffer px = buf(x), pt = buf(t), pl = buf(loss);
        FloatBuffer pdx = dx == null ? null : buf(dx);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float v = px.get(base + j), y = pt.get(base + j);
                sum += Math.max(v, 0f) - v * y + Math.log1p(Math.exp(-Math.abs(v)));
                if (pdx != null) {
                    float s = 1f / (1f + (float) Math.exp(-v));
                    pdx.put(base + j, gradScale * (s - y));
                }
            }
            pl.put(r, (float) sum);
        }
    }

    @Override
    public void mse(Tensor x, Tensor t, Tensor loss, Tensor dx, float gradScale) {
        sameSize("mse", x, t);
        int rows = x.rows(), cols = x.rowSize();
        checkPerRow("mse", loss, rows);
        FloatBuffer px = buf(x), pt = buf(t), pl = buf(loss);
        FloatBuffer pdx = dx == null ? null : buf(dx);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float d = px.get(base + j) - pt.get(base + j);
                sum += (double) d * d;
                if (pdx != null) {
                    pdx.put(base + j, gradScale * 2f * d);
                }
            }
            pl.put(r, (float) sum);
        }
    }

    @Override
    public void l1Penalty(Tensor h, float lambda, Tensor loss, Tensor dh, float gradScale) {
        if (dh != null) {
            sameSize("l1Penalty", h, dh);
        }
        int rows = h.rows(), cols = h.rowSize();
        checkPerRow("l1Penalty", loss, rows);
        FloatBuffer ph = buf(h), pl = buf(loss);
        FloatBuffer pdh = dh == null ? null : buf(dh);
        float g = gradScale * lambda;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float v = ph.get(base + j);
                sum += Math.abs(v);
                if (pdh != null) {
                    pdh.put(base + j, pdh.get(base + j) + g * Math.signum(v));
                }
            }
            pl.put(r, pl.get(r) + (float) (lambda * sum));
        }
    }

    private static void checkPerRow(String op, Tensor perRow, int rows) {
        if (perRow.size() != rows) {
            throw new IllegalArgumentException(op + ": per-sample output " + perRow.shape()
                    + " must hold " + rows + " values");
        }
    }

    @Override
    public void gaussianLatentForward(Tensor h, boolean sample, long seed, long offset,
                                      Tensor eps, Tensor z, Tensor kl) {
        int rows = h.rows(), latent = h.rowSize() / 2;
        if (h.rowSize() != 2 * latent || z.size() != (long) rows * latent || eps.size() != z.size()) {
            throw new IllegalArgumentException("gaussianLatentForward: h " + h.shape() + " must be (B,2Z) with z "
                    + z.shape() + " and eps " + eps.shape() + " (B,Z)");
        }
        checkPerRow("gaussianLatentForward", kl, rows);
        FloatBuffer ph = buf(h), pe = buf(eps), pz = buf(z), pk = buf(kl);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < latent; j++) {
                float mu = ph.get(r * 2 * latent + j);
                float lv = ph.get(r * 2 * latent + latent + j);
                int i = r * latent + j;
                float e = sample ? Philox.normal(seed, offset + i) : 0f;
                pe.put(i, e);
                pz.put(i, mu + (float) Math.exp(0.5f * lv) * e);
                sum += 1.0 + lv - (double) mu * mu - Math.exp(lv);
            }
            pk.put(r, (float) (-0.5 * sum));
        }
    }

    @Override
    public void gaussianLatentBackward(Tensor h, Tensor eps, Tensor dz, float klScale, Tensor dh) {
        sameSize("gaussianLatentBackward", h, dh);
        sameSize("gaussianLatentBackward", eps, dz);
        int rows = h.rows(), latent = h.rowSize() / 2;
        FloatBuffer ph = buf(h), pe = buf(eps), pdz = buf(dz), pdh = buf(dh);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < latent; j++) {
                int im = r * 2 * latent + j, il = im + latent, i = r * latent + j;
                float mu = ph.get(im), lv = ph.get(il), g = pdz.get(i);
                float std = (float) Math.exp(0.5f * lv);
                pdh.put(im, g + klScale * mu);
                pdh.put(il, 0.5f * g * pe.get(i) * std + 0.5f * klScale * (std * std - 1f));
            }
        }
    }

    @Override
    public void uniform(Tensor out, long seed, long offset) {
        FloatBuffer po = buf(out);
        for (int i = 0, n = out.length(); i < n; i++) {
            po.put(i, Philox.uniform(seed, offset + i));
        }
    }

    @Override
    public void normal(Tensor out, long seed, long offset, float mean, float std) {
        FloatBuffer po = buf(out);
        for (int i = 0, n = out.length(); i < n; i++) {
            po.put(i, mean + std * Philox.normal(seed, offset + i));
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
        FloatBuffer px = buf(x), pm = buf(mask), py = buf(y);
        for (int i = 0, n = x.length(); i < n; i++) {
            float m = Philox.uniform(seed, offset + i) < p ? 0f : keep;
            pm.put(i, m);
            py.put(i, px.get(i) * m);
        }
    }

    @Override
    public void gaussianCorruption(Tensor x, float std, long seed, long offset, Tensor y) {
        sameSize("gaussianCorruption", x, y);
        FloatBuffer px = buf(x), py = buf(y);
        for (int i = 0, n = x.length(); i < n; i++) {
            py.put(i, px.get(i) + std * Philox.normal(seed, offset + i));
        }
    }

    @Override
    public void maskingCorruption(Tensor x, float p, long seed, long offset, Tensor y) {
        sameSize("maskingCorruption", x, y);
        FloatBuffer px = buf(x), py = buf(y);
        for (int i = 0, n = x.length(); i < n; i++) {
            py.put(i, Philox.uniform(seed, offset + i) < p ? 0f : px.get(i));
        }
    }

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
        FloatBuffer pp = buf(params), pg = buf(grads), pm = buf(m), pv = buf(v);
        for (int i = 0, n = params.length(); i < n; i++) {
            float g = pg.get(i);
            float mi = beta1 * pm.get(i) + (1f - beta1) * g;
            float vi = beta2 * pv.get(i) + (1f - beta2) * g * g;
            pm.put(i, mi);
            pv.put(i, vi);
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            pp.put(i, pp.get(i) * decay - stepSize * mi / denom);
        }
    }

    @Override
    public void sgd(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum, float weightDecay) {
        sameSize("sgd", params, grads);
        sameSize("sgd", params, velocity);
        FloatBuffer pp = buf(params), pg = buf(grads), pv = buf(velocity);
        for (int i = 0, n = params.length(); i < n; i++) {
            float p = pp.get(i);
            float b = momentum * pv.get(i) + pg.get(i) + weightDecay * p;
            pv.put(i, b);
            pp.put(i, p - lr * b);
        }
    }

    @Override
    public void close() {
        // Storages are owned and closed by their creators; nothing process-wide to release.
    }
}
