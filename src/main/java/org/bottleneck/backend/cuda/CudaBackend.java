package org.bottleneck.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.AdamWStep;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Checks;
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.backend.GemmMapping;
import org.bottleneck.tensor.Storage;
import org.bottleneck.tensor.Tensor;

/**
 * The GPU backend: every op is one kernel from native/kernels (the twin of the CpuBackend
 * method of the same name), cuBLAS SGEMM through {@link GemmMapping}, or a driver memset/copy,
 * queued on one stream. Only {@link #download}, {@link #sumSquares} and {@link #synchronize}
 * wait for the device; per-sample losses stay on the device until the caller downloads them.
 *
 * <p>Each op has one launcher below: it checks its preconditions (values in the message),
 * computes the grid with {@link #ceilDiv}, sets the arguments in the order of the kernel's
 * {@link KernelSignatures} entry and launches. Sizes are 32-bit (a view is int-indexed).
 * Use from one thread.
 */
public final class CudaBackend implements Backend {
    /** Threads per block of the element-wise kernels. */
    static final int BLOCK = 256;
    /** Size of the sumSquares partials buffer: the most blocks pass 1 may use. */
    static final int SUM_PARTIALS = 256;

    private final Device device;
    private final GemmMapping mapping = new GemmMapping(); // reused by every GEMM: no allocation per call
    private final List<CudaStorage> live = new ArrayList<>();
    private final CudaStorage scratch;
    private final DeviceView partials;
    private final DeviceView sumResult;
    private boolean closed;

    private final Kernel scale = new Kernel(KernelSignatures.SCALE);
    private final Kernel multiply = new Kernel(KernelSignatures.MULTIPLY);
    private final Kernel accumulate = new Kernel(KernelSignatures.ACCUMULATE);
    private final Kernel sumSquares = new Kernel(KernelSignatures.SUM_SQUARES);
    private final Kernel sumSquaresFinish = new Kernel(KernelSignatures.SUM_SQUARES_FINISH);
    private final Kernel biasActForward = new Kernel(KernelSignatures.BIAS_ACTIVATION_FORWARD);
    private final Kernel biasActBackward = new Kernel(KernelSignatures.BIAS_ACTIVATION_BACKWARD);
    private final Kernel bce = new Kernel(KernelSignatures.BCE_WITH_LOGITS);
    private final Kernel mse = new Kernel(KernelSignatures.MSE);
    private final Kernel l1 = new Kernel(KernelSignatures.L1_PENALTY);
    private final Kernel latentForward = new Kernel(KernelSignatures.GAUSSIAN_LATENT_FORWARD);
    private final Kernel latentBackward = new Kernel(KernelSignatures.GAUSSIAN_LATENT_BACKWARD);
    private final Kernel uniform = new Kernel(KernelSignatures.UNIFORM);
    private final Kernel normal = new Kernel(KernelSignatures.NORMAL);
    private final Kernel dropout = new Kernel(KernelSignatures.DROPOUT_FORWARD);
    private final Kernel adamw = new Kernel(KernelSignatures.ADAMW);
    private final Kernel sgd = new Kernel(KernelSignatures.SGD);
    /** The convolution-family ops (cuDNN, or the kernels of conv.cu + cuBLAS), delegated to. */
    private final CudaConv conv;

    /**
     * Opens CUDA device {@code ordinal}. Throws a {@link CudaException} with the reason when CUDA
     * cannot start here (no driver, no device, no cuBLAS, jar without kernels, image not loadable).
     */
    public CudaBackend(int ordinal) {
        this(openDevice(ordinal));
    }

    /** As above; {@code useCudnn} false keeps every convolution on our kernels (the GPU suite compares both paths). */
    CudaBackend(int ordinal, boolean useCudnn) {
        this(openDevice(ordinal), BindingDevice.syncRequested(), useCudnn);
    }

    /** On any {@link Device}; the tests pass a host emulation. Takes ownership of the device. */
    CudaBackend(Device device) {
        this(device, BindingDevice.syncRequested());
    }

    /**
     * As above; {@code sync}: synchronize after every launch and name a failing kernel (see
     * {@link BindingDevice}). Every call binds the device's context to the calling thread.
     */
    CudaBackend(Device raw, boolean sync) {
        this(raw, sync, cudnnRequested());
    }

    /** As above; {@code useCudnn} false runs every convolution on our kernels + cuBLAS even where cuDNN is bound. */
    CudaBackend(Device raw, boolean sync, boolean useCudnn) {
        Device device = new BindingDevice(raw, sync);
        this.device = device;
        this.conv = new CudaConv(this, device, useCudnn, sync);
        try {
            this.scratch = new CudaStorage(this, device, 2L * (SUM_PARTIALS + 1), "sumSquares scratch");
            live.add(scratch);
            DeviceView root = scratch.root();
            this.partials = root;
            this.sumResult = new DeviceView(scratch, root.address + SUM_PARTIALS * 8L, SUM_PARTIALS * 8L, 2);
            conv.selfTestCudnn();
        } catch (RuntimeException | Error e) {
            conv.close();
            device.close();
            throw e;
        }
    }

    /** False when {@code BOTTLENECK_CUDNN=0} asks for our convolution kernels instead of cuDNN. */
    static boolean cudnnRequested() {
        return !"0".equals(System.getenv("BOTTLENECK_CUDNN"));
    }

    private static Device openDevice(int ordinal) {
        CudaProbe.Status status = CudaProbe.status();
        if (!status.usable()) {
            throw new CudaException("device 'cuda' requested but CUDA is unavailable: " + status.reason());
        }
        return new JCudaDevice(ordinal);
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String describe() {
        return device.describe() + "; " + conv.describe();
    }

    /** Whether convolutions go to cuDNN (a geometry cuDNN cannot plan still runs on our kernels). */
    boolean convolutionsOnCudnn() {
        return conv.onCudnn();
    }

    /** Why cuDNN does not run {@code g}, or null when it does (the GPU suite asserts every test geometry runs on it). */
    String whyNotCudnn(ConvGeometry g) {
        return conv.whyNotCudnn(g);
    }

    static int ceilDiv(long a, int b) {
        return Math.toIntExact((a + b - 1) / b);
    }

    /** Block size of the per-row reduction kernels: a power of two in [32, 256] covering cols. */
    static int rowBlock(int cols) {
        int b = 32;
        while (b < cols && b < BLOCK) {
            b <<= 1;
        }
        return b;
    }

    /**
     * Threads of a Philox kernel: one per 4-word block touched by stream elements
     * [offset, offset + n), which may wrap past 2^64 (as in native/kernels/philox.cuh).
     */
    static long philoxThreads(long offset, int n) {
        return n <= 0 ? 0 : ((offset & 3) + n + 3) >>> 2;
    }

    // ------------------------------------------------------------------ memory

    @Override
    public Storage allocate(long floats, String label) {
        ensureOpen();
        if (floats < 0) {
            throw new IllegalArgumentException("cuda allocate '" + label + "': negative size " + floats);
        }
        CudaStorage s = new CudaStorage(this, device, floats, label);
        live.add(s);
        return s;
    }

    /** Called by {@link CudaStorage#close()}. */
    void release(CudaStorage storage, DeviceView root) {
        live.remove(storage);
        if (!closed) {
            device.free(root);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("cuda backend used after close");
        }
    }

    /** The device range of a view, made once per view and cached on it. */
    private DeviceView view(String op, Tensor t) {
        ensureOpen();
        Storage s = t.storage();
        if (!(s instanceof CudaStorage cs) || cs.backend() != this) {
            throw new IllegalArgumentException(op + ": " + t + " is not in this cuda backend's memory");
        }
        cs.root(); // throws after close
        return t.nativeView(CudaBackend::makeView);
    }

    private static DeviceView makeView(Tensor t) {
        CudaStorage cs = (CudaStorage) t.storage();
        DeviceView root = cs.root();
        long bytes = t.offset() * 4;
        return bytes == 0 && t.size() == cs.size() ? root
                : new DeviceView(cs, root.address + bytes, bytes, t.size());
    }

    long addr(String op, Tensor t) {
        return view(op, t).address;
    }

    long addrOrNull(String op, Tensor t) {
        return t == null ? 0L : view(op, t).address;
    }

    private static void sameSize(String op, Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(op + ": size mismatch " + a.shape() + " vs " + b.shape());
        }
    }

    private static void checkPerRow(String op, Tensor perRow, int rows) {
        if (perRow.size() != rows) {
            throw new IllegalArgumentException(op + ": per-sample output " + perRow.shape() + " must hold " + rows + " values");
        }
    }

    @Override
    public void upload(float[] src, int srcOffset, Tensor dst) {
        DeviceView v = view("upload", dst);
        int n = dst.length();
        if (srcOffset < 0 || srcOffset + n > src.length) {
            throw new IllegalArgumentException("upload: " + n + " floats from offset " + srcOffset
                    + " of a " + src.length + "-float array");
        }
        device.upload(src, srcOffset, v, n);
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        DeviceView v = view("download", src);
        int n = src.length();
        if (dstOffset < 0 || dstOffset + n > dst.length) {
            throw new IllegalArgumentException("download: " + n + " floats to offset " + dstOffset
                    + " of a " + dst.length + "-float array");
        }
        device.download(v, dst, dstOffset, n);
    }

    @Override
    public void synchronize() {
        ensureOpen();
        device.synchronize();
    }

    // ------------------------------------------------------------------ basic

    @Override
    public void fill(Tensor x, float value) {
        DeviceView v = view("fill", x);
        if (x.length() > 0) {
            device.fill32(v, Float.floatToRawIntBits(value), x.length());
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        sameSize("copy", src, dst);
        DeviceView s = view("copy", src), d = view("copy", dst);
        if (src.length() > 0) {
            device.copy(s, d, src.length());
        }
    }

    @Override
    public void scale(Tensor x, float alpha) {
        int n = x.length();
        long px = addr("scale", x);
        if (n > 0) {
            scale.begin().ptr(px).i32(n).f32(alpha).launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    @Override
    public double sumSquares(Tensor x) {
        int n = x.length();
        long px = addr("sumSquares", x);
        if (n == 0) {
            return 0.0;
        }
        int grid = Math.min(ceilDiv(n, BLOCK), SUM_PARTIALS);
        sumSquares.begin().ptr(px).i32(n).ptr(partials.address).launch(device, grid, 1, BLOCK, 1);
        sumSquaresFinish.begin().ptr(partials.address).i32(grid).ptr(sumResult.address).launch(device, 1, 1, BLOCK, 1);
        return device.downloadDouble(sumResult);
    }

    @Override
    public void multiply(Tensor a, Tensor b, Tensor out) {
        sameSize("multiply", a, b);
        sameSize("multiply", a, out);
        int n = a.length();
        long pa = addr("multiply", a), pb = addr("multiply", b), po = addr("multiply", out);
        if (n > 0) {
            multiply.begin().ptr(pa).ptr(pb).ptr(po).i32(n).launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    @Override
    public void accumulate(Tensor src, Tensor dst) {
        int inner = src.rowSize(), repeat = Checks.repeat("accumulate", src, dst);
        int n = dst.length();
        long ps = addr("accumulate", src), pd = addr("accumulate", dst);
        if (n > 0) {
            accumulate.begin().ptr(ps).ptr(pd).i32(n).i32(inner).i32(repeat).launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    // ------------------------------------------------------------------ dense

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmMapping.check("gemm", m, n, k, a.size(), b.size(), c.size());
        DeviceView va = view("gemm", a), vb = view("gemm", b), vc = view("gemm", c);
        if (m == 0 || n == 0) {
            return;
        }
        GemmMapping g = mapping.set(transA, transB, m, n, k);
        device.sgemm(g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), alpha,
                vb, g.ldFirst(), va, g.ldSecond(), beta, vc, g.ldc());
    }

    @Override
    public void biasActivationForward(Tensor x, Tensor bias, Activation act, Tensor y) {
        sameSize("biasActivationForward", x, y);
        int cols = bias.length();
        if (cols == 0 || x.size() % cols != 0) {
            throw new IllegalArgumentException("biasActivationForward: bias " + bias.shape()
                    + " does not divide input " + x.shape());
        }
        int n = x.length();
        int rows = n / cols;
        long px = addr("biasActivationForward", x), pb = addr("biasActivationForward", bias);
        long py = addr("biasActivationForward", y);
        if (n > 0) {
            biasActForward.begin().ptr(px).ptr(pb).ptr(py).i32(rows).i32(cols).i32(act.code())
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
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
        long py = addr("biasActivationBackward", y), pdy = addr("biasActivationBackward", dy);
        long pdx = addr("biasActivationBackward", dx), pdb = addrOrNull("biasActivationBackward", dbias);
        if (rows > 0 && cols > 0) {
            // block (32, 8): 32 columns per block, 8 row lanes reduced in shared memory
            biasActBackward.begin().ptr(py).ptr(pdy).ptr(pdx).ptr(pdb).i32(rows).i32(cols).i32(act.code())
                    .launch(device, ceilDiv(cols, 32), 1, 32, 8);
        }
    }

    // ------------------------------------------------------------------ convolution (CudaConv)

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

    // ------------------------------------------------------------------ losses

    @Override
    public void bceWithLogits(Tensor x, Tensor t, Tensor mask, Tensor loss, Tensor dx, float gradScale) {
        rowLoss(bce, "bceWithLogits", x, t, mask, loss, dx, gradScale);
    }

    @Override
    public void mse(Tensor x, Tensor t, Tensor mask, Tensor loss, Tensor dx, float gradScale) {
        rowLoss(mse, "mse", x, t, mask, loss, dx, gradScale);
    }

    private void rowLoss(Kernel k, String op, Tensor x, Tensor t, Tensor mask, Tensor loss, Tensor dx, float gradScale) {
        sameSize(op, x, t);
        if (dx != null) {
            sameSize(op, x, dx);
        }
        if (mask != null) {
            sameSize(op, x, mask);
        }
        int rows = x.rows(), cols = x.rowSize();
        checkPerRow(op, loss, rows);
        long px = addr(op, x), pt = addr(op, t), pm = addrOrNull(op, mask), pl = addr(op, loss), pdx = addrOrNull(op, dx);
        if (rows > 0) {
            k.begin().ptr(px).ptr(pt).ptr(pm).ptr(pl).ptr(pdx).i32(rows).i32(cols).f32(gradScale)
                    .launch(device, rows, 1, rowBlock(cols), 1);
        }
    }

    @Override
    public void l1Penalty(Tensor h, float lambda, Tensor loss, Tensor dh, float gradScale) {
        if (dh != null) {
            sameSize("l1Penalty", h, dh);
        }
        int rows = h.rows(), cols = h.rowSize();
        checkPerRow("l1Penalty", loss, rows);
        long ph = addr("l1Penalty", h), pl = addr("l1Penalty", loss), pdh = addrOrNull("l1Penalty", dh);
        if (rows > 0) {
            l1.begin().ptr(ph).ptr(pl).ptr(pdh).i32(rows).i32(cols).f32(lambda).f32(gradScale)
                    .launch(device, rows, 1, rowBlock(cols), 1);
        }
    }

    // ------------------------------------------------------------------ VAE head

    @Override
    public void gaussianLatentForward(Tensor h, boolean sample, long seed, long offset,
                                      Tensor eps, Tensor z, Tensor kl) {
        int rows = h.rows(), latent = h.rowSize() / 2;
        if (h.rowSize() != 2 * latent || z.size() != (long) rows * latent || eps.size() != z.size()) {
            throw new IllegalArgumentException("gaussianLatentForward: h " + h.shape() + " must be (B,2Z) with z "
                    + z.shape() + " and eps " + eps.shape() + " (B,Z)");
        }
        checkPerRow("gaussianLatentForward", kl, rows);
        String op = "gaussianLatentForward";
        long ph = addr(op, h), pe = addr(op, eps), pz = addr(op, z), pk = addr(op, kl);
        if (rows > 0) {
            latentForward.begin().ptr(ph).ptr(pe).ptr(pz).ptr(pk).i32(rows).i32(latent).i32(sample ? 1 : 0)
                    .u64(seed).u64(offset).launch(device, rows, 1, rowBlock(latent), 1);
        }
    }

    @Override
    public void gaussianLatentBackward(Tensor h, Tensor eps, Tensor dz, float klScale, Tensor dh) {
        sameSize("gaussianLatentBackward", h, dh);
        sameSize("gaussianLatentBackward", eps, dz);
        int rows = h.rows(), latent = h.rowSize() / 2;
        if (h.rowSize() != 2 * latent || eps.size() != (long) rows * latent) {
            throw new IllegalArgumentException("gaussianLatentBackward: h " + h.shape() + " must be (B,2Z) with eps "
                    + eps.shape() + " (B,Z)");
        }
        String op = "gaussianLatentBackward";
        long ph = addr(op, h), pe = addr(op, eps), pdz = addr(op, dz), pdh = addr(op, dh);
        int n = rows * latent;
        if (n > 0) {
            latentBackward.begin().ptr(ph).ptr(pe).ptr(pdz).ptr(pdh).i32(rows).i32(latent).f32(klScale)
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    // ------------------------------------------------------------------ randomness

    private int philoxGrid(long offset, int n) {
        return ceilDiv(philoxThreads(offset, n), BLOCK);
    }

    @Override
    public void uniform(Tensor out, long seed, long offset) {
        int n = out.length();
        long po = addr("uniform", out);
        if (n > 0) {
            uniform.begin().ptr(po).i32(n).u64(seed).u64(offset).launch(device, philoxGrid(offset, n), 1, BLOCK, 1);
        }
    }

    @Override
    public void normal(Tensor out, long seed, long offset, float mean, float std) {
        int n = out.length();
        long po = addr("normal", out);
        if (n > 0) {
            normal.begin().ptr(po).i32(n).u64(seed).u64(offset).f32(mean).f32(std)
                    .launch(device, philoxGrid(offset, n), 1, BLOCK, 1);
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
        int n = x.length();
        long px = addr("dropout", x), pm = addr("dropout", mask), py = addr("dropout", y);
        if (n > 0) {
            dropout.begin().ptr(px).ptr(pm).ptr(py).i32(n).f32(p).f32(keep).u64(seed).u64(offset)
                    .launch(device, philoxGrid(offset, n), 1, BLOCK, 1);
        }
    }

    // ------------------------------------------------------------------ optimizers

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
        int n = params.length();
        long pp = addr("adamw", params), pg = addr("adamw", grads), pm = addr("adamw", m), pv = addr("adamw", v);
        if (n > 0) {
            adamw.begin().ptr(pp).ptr(pg).ptr(pm).ptr(pv).i32(n)
                    .f32(beta1).f32(beta2).f32(eps).f32(stepSize).f32(bc2Sqrt).f32(decay)
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    @Override
    public void sgd(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum, float weightDecay) {
        sameSize("sgd", params, grads);
        sameSize("sgd", params, velocity);
        int n = params.length();
        long pp = addr("sgd", params), pg = addr("sgd", grads), pv = addr("sgd", velocity);
        if (n > 0) {
            sgd.begin().ptr(pp).ptr(pg).ptr(pv).i32(n).f32(lr).f32(momentum).f32(weightDecay)
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    /**
     * Destroys the cuDNN descriptors, frees every storage still open (newest first), then the
     * device's stream, module, cuBLAS and cuDNN handles, staging buffer and context, in reverse
     * creation order. Idempotent; any use after close throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            conv.close();
            for (int i = live.size() - 1; i >= 0; i--) {
                live.get(i).close();
            }
        } finally {
            closed = true;
            device.close();
        }
    }
}
