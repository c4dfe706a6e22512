package org.bottleneck.backend.cuda;

import static org.bottleneck.backend.cuda.CudaBackend.BLOCK;
import static org.bottleneck.backend.cuda.CudaBackend.ceilDiv;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.ConvChecks;
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * The convolution-family ops of {@link CudaBackend} (formulas in {@code Backend}). The three
 * convolution ops run on cuDNN ({@link CudnnConv}) when the device has a cuDNN handle and cuDNN
 * can plan the geometry; otherwise, and always for bias, upsampling and pooling, on our kernels
 * of native/kernels/conv.cu plus cuBLAS through the backend's own row-major {@code gemm}. The
 * kernel path is step for step the decomposition of the CPU twin {@code backend/cpu/CpuConv}:
 *
 * <p>Per chunk of {@code nb = g.chunk()} samples starting at sample n0 (the last may be smaller),
 * with {@code M = nb·Ho·Wo}, {@code K = Cin·k·k} and the workspace laid out as
 * {@code [cols (chunk·Ho·Wo, K) | rows (chunk·Ho·Wo, Cout)]} ({@link ConvGeometry#im2colWorkspaceFloats}):
 * <ul>
 *   <li>forward: im2col(x) → cols; rows = cols·wᵀ; rows_to_nchw(rows) → y.</li>
 *   <li>backward data: nchw_to_rows(dy) → rows; cols = rows·w; col2im(cols) → dx (gather).</li>
 *   <li>backward filter: nchw_to_rows(dy) → rows; im2col(x) → cols; dw = rowsᵀ·cols + β·dw with
 *       β the caller's for the first chunk and 1 after.</li>
 * </ul>
 * Each kernel has one launcher here: preconditions first ({@link ConvChecks}, shared with the
 * CPU twin, then the 32-bit limits of the kernels), the grid by ceilDiv over the elements the
 * kernel writes (one thread each), BLOCK threads, except channel_bias_activation_backward: one
 * block per channel. Package-private: only CudaBackend calls it.
 */
final class CudaConv {
    private final CudaBackend backend;
    private final Device device;
    /** Null when convolutions run on our kernels only; {@link #cudnnAbsence} then says why. */
    private CudnnConv cudnn;
    private String cudnnAbsence;
    /** Synchronize after each cuDNN call, as {@link BindingDevice} does after each launch. */
    private final boolean sync;

    private final Kernel im2col = new Kernel(KernelSignatures.IM2COL);
    private final Kernel col2im = new Kernel(KernelSignatures.COL2IM);
    private final Kernel rowsToNchw = new Kernel(KernelSignatures.ROWS_TO_NCHW);
    private final Kernel nchwToRows = new Kernel(KernelSignatures.NCHW_TO_ROWS);
    private final Kernel channelBiasActForward = new Kernel(KernelSignatures.CHANNEL_BIAS_ACTIVATION_FORWARD);
    private final Kernel channelBiasActBackward = new Kernel(KernelSignatures.CHANNEL_BIAS_ACTIVATION_BACKWARD);
    private final Kernel upsampleForward = new Kernel(KernelSignatures.UPSAMPLE_NEAREST_FORWARD);
    private final Kernel upsampleBackward = new Kernel(KernelSignatures.UPSAMPLE_NEAREST_BACKWARD);
    private final Kernel upsampleBicubic = new Kernel(KernelSignatures.UPSAMPLE_BICUBIC_FORWARD);
    private final Kernel subtractPlaneMean = new Kernel(KernelSignatures.SUBTRACT_PLANE_MEAN);
    private final Kernel maxPoolForward = new Kernel(KernelSignatures.MAX_POOL_FORWARD);
    private final Kernel maxPoolBackward = new Kernel(KernelSignatures.MAX_POOL_BACKWARD);

    /**
     * {@code useCudnn}: run convolutions on cuDNN when {@code device} has a handle (false forces
     * our kernels: {@code BOTTLENECK_CUDNN=0}, and the GPU suite's comparison of the two paths).
     */
    CudaConv(CudaBackend backend, Device device, boolean useCudnn, boolean sync) {
        this.backend = backend;
        this.device = device;
        this.sync = sync;
        long handle = useCudnn ? device.cudnnHandle() : 0;
        this.cudnn = handle != 0 ? new CudnnConv(handle) : null;
        this.cudnnAbsence = !useCudnn ? "cuDNN switched off (BOTTLENECK_CUDNN=0)" : handle == 0 ? device.whyNoCudnn() : null;
    }

    boolean onCudnn() {
        return cudnn != null;
    }

    /** Which path the convolutions take, for the backend's description. */
    String describe() {
        return cudnn != null ? "convolutions: " + CudnnBinding.describeBound()
                + " (deterministic FP32 algorithms; a shape it cannot plan runs on our kernels)"
                : "convolutions: our im2col kernels + cuBLAS (" + cudnnAbsence + ")";
    }

    /**
     * The cuDNN plan of {@code g}, or null when g runs on our kernels (logged once per geometry,
     * with cuDNN's reason). Makes the device's context current first: the cuDNN calls that
     * follow, here and in the op, do not go through the {@link Device}.
     */
    private CudnnConv.Plan plan(ConvGeometry g) {
        if (cudnn == null) {
            return null;
        }
        device.makeCurrent();
        boolean asked = cudnn.whyNot(g) != null;
        CudnnConv.Plan p = cudnn.plan(g);
        if (p == null && !asked) {
            System.err.println("[bottleneck] cuDNN cannot run " + g + ": " + cudnn.whyNot(g) + "; it runs on our kernels");
        }
        return p;
    }

    /** Why cuDNN does not run {@code g} (planned now if it was not yet), or null when it does; for the GPU suite. */
    String whyNotCudnn(ConvGeometry g) {
        return cudnn == null ? cudnnAbsence : plan(g) == null ? cudnn.whyNot(g) : null;
    }

    /**
     * A cuDNN call of {@code op} failed: g runs on our kernels from now on (the workspace was sized
     * for both paths where our kernels' share fits the cap), logged once; without room for our
     * kernels the cuDNN error propagates. An error of the device itself (a fault) is not cuDNN's to
     * recover from: the kernels' first launch will report it.
     */
    private void cudnnFailed(String op, ConvGeometry g, CudaException e, Tensor workspace) {
        long need = g.im2colWorkspaceFloats();
        if (need > 0 && (workspace == null || workspace.size() < need)) {
            throw new CudaException(e.getMessage() + " (and the workspace of " + (workspace == null ? 0 : workspace.size())
                    + " floats cannot hold our kernels' " + need + ", so there is no fallback)");
        }
        cudnn.refuse(g, op + " failed: " + e.getMessage());
        System.err.println("[bottleneck] " + e.getMessage() + "; " + g + " runs on our kernels from now on");
    }

    /** After a cuDNN call: with the sync switch on, wait for it and name it if the device faulted. */
    private void afterCudnn(String op, ConvGeometry g) {
        if (sync) {
            try {
                device.synchronize();
            } catch (CudaException e) {
                throw new CudaException(op + " on cuDNN for " + g + ": " + e.getMessage());
            }
        }
    }

    /**
     * Runs the three convolutions once through cuDNN on a geometry whose answer is known: a
     * 1×1×3×3 image of ones, a 3×3 kernel of ones, padding 1, so every output counts the taps
     * inside the image (4 6 4 / 6 9 6 / 4 6 4), and so do dx (dy of ones) and dw (x and dy of
     * ones). A cuDNN that cannot load a sub-library, or a binding that passes the wrong
     * arguments, fails here, once, when the backend opens, instead of in the middle of training:
     * cuDNN is then switched off with the reason. Called by {@link CudaBackend}'s constructor.
     */
    void selfTestCudnn() {
        if (cudnn == null) {
            return;
        }
        ConvGeometry g = new ConvGeometry(1, 1, 3, 3, 1, 3, 1, 1);
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        float[] expected = {4, 6, 4, 6, 9, 6, 4, 6, 4};
        String failure;
        org.bottleneck.tensor.Storage storage = null;
        try {
            long wsFloats = Math.max(1, workspaceFloats(g));
            if (plan(g) == null) {
                failure = "it cannot plan " + g + ": " + cudnn.whyNot(g);
            } else {
                // Each operand at its own 256-byte boundary, as the arena places real tensors
                // (cuDNN may refuse, or pick other kernels for, less aligned pointers); each output
                // NaN-filled first and separate from the others, so a call that writes nothing fails.
                int at = 64; // floats: 256 bytes
                storage = backend.allocate(5L * at + wsFloats, "cuDNN self-test");
                Tensor x = new Tensor(storage, 0, g.inputShape()), w = new Tensor(storage, at, g.weightShape());
                Tensor y = new Tensor(storage, 2L * at, g.outputShape()), dx = new Tensor(storage, 3L * at, g.inputShape());
                Tensor dw = new Tensor(storage, 4L * at, g.weightShape());
                Tensor ws = new Tensor(storage, 5L * at, Shape.of(Math.toIntExact(wsFloats)));
                float[] nans = new float[9];
                java.util.Arrays.fill(nans, Float.NaN);
                backend.upload(ones, 0, x);
                backend.upload(ones, 0, w);
                backend.upload(nans, 0, y);
                backend.upload(nans, 0, dx);
                backend.upload(nans, 0, dw);
                forward(g, x, w, y, ws);
                failure = mismatch("forward", y, expected);
                if (failure == null) {
                    backend.upload(ones, 0, y); // dy: ones
                    backwardData(g, y, w, dx, ws);
                    failure = mismatch("backward data", dx, expected);
                }
                if (failure == null) {
                    backwardFilter(g, x, y, 0f, dw, ws);
                    failure = mismatch("backward filter", dw, expected);
                }
                if (failure == null && cudnn.whyNot(g) != null) {
                    failure = cudnn.whyNot(g); // a call failed and the op fell back to our kernels
                }
            }
        } catch (RuntimeException | LinkageError e) { // a CUDA or cuDNN error, or a binding that cannot link
            failure = e.toString();
        } finally {
            if (storage != null) {
                storage.close();
            }
        }
        if (failure != null) {
            device.makeCurrent();
            cudnn.close();
            cudnn = null;
            cudnnAbsence = "cuDNN self-test failed: " + failure;
            System.err.println("[bottleneck] " + cudnnAbsence + "; convolutions run on our kernels");
        }
    }

    /** Null when {@code t} holds {@code expected} to within 1e-3 (FFT and Winograd algorithms round), else what it holds. */
    private String mismatch(String what, Tensor t, float[] expected) {
        float[] got = new float[expected.length];
        backend.download(t, got, 0);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(got[i] - expected[i]) <= 1e-3f)) {
                return what + " gave " + java.util.Arrays.toString(got) + ", expected " + java.util.Arrays.toString(expected);
            }
        }
        return null;
    }

    /** Destroys the cuDNN descriptors (the handle is the device's). */
    void close() {
        if (cudnn != null) {
            device.makeCurrent();
            cudnn.close();
        }
    }

    /** The kernels index with int: a chunk's buffers must stay below 2^31 elements. */
    private static int int32(String op, String what, long elements) {
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + what + " has " + elements
                    + " elements, more than the kernels' 32-bit indices reach (" + Integer.MAX_VALUE + ")");
        }
        return (int) elements;
    }

    /** The chunk's share of the im2col workspace: cols (m, K) at 0, rows (m, Cout) after a full chunk of cols. */
    private static Tensor cols(ConvGeometry g, Tensor workspace, int m) {
        return workspace.view(0, Shape.of(m, g.patchSize()));
    }

    private static Tensor rows(ConvGeometry g, Tensor workspace, int m) {
        return workspace.view((long) g.chunk() * g.outPlane() * g.patchSize(), Shape.of(m, g.outC()));
    }

    private static Tensor inputChunk(ConvGeometry g, Tensor x, int n0, int nb) {
        if (n0 == 0 && nb == g.batch()) {
            return x;
        }
        return x.view((long) n0 * g.inC() * g.inH() * g.inW(), Shape.of(nb, g.inC(), g.inH(), g.inW()));
    }

    private static Tensor outputChunk(ConvGeometry g, Tensor y, int n0, int nb) {
        if (n0 == 0 && nb == g.batch()) {
            return y;
        }
        return y.view((long) n0 * g.outC() * g.outPlane(), Shape.of(nb, g.outC(), g.outH(), g.outW()));
    }

    /** Every tensor must be in this backend's memory before the first launch of a multi-launch op. */
    private void owned(String op, Tensor... tensors) {
        for (Tensor t : tensors) {
            backend.addr(op, t);
        }
    }

    /** The per-chunk sizes are checked once for the largest chunk, so the loops below cannot overflow. */
    private static void checkChunk(String op, ConvGeometry g) {
        long m = (long) g.chunk() * g.outPlane();
        int32(op, "the im2col columns", m * g.patchSize());
        int32(op, "the output rows", m * g.outC());
        int32(op, "an input chunk", (long) g.chunk() * g.inC() * g.inH() * g.inW());
    }

    // ------------------------------------------------------------------ convolution

    /**
     * Enough for either path, so an op whose cuDNN call fails can still run on our kernels: with a
     * plan, the larger of cuDNN's workspace and ours, ours only while it fits the cap (one huge
     * sample can exceed it; cuDNN then runs without that reserve).
     */
    long workspaceFloats(ConvGeometry g) {
        return workspaceFloats(g, plan(g));
    }

    /** As above for {@code g}'s plan {@code p} (null: our kernels), which each op has already looked up. */
    private static long workspaceFloats(ConvGeometry g, CudnnConv.Plan p) {
        long im2col = g.im2colWorkspaceFloats();
        return p == null ? im2col
                : Math.max((p.workspaceBytes() + 3) / 4, im2col <= ConvGeometry.WORKSPACE_CAP_FLOATS ? im2col : 0);
    }

    void forward(ConvGeometry g, Tensor x, Tensor w, Tensor y, Tensor workspace) {
        String op = "conv2dForward";
        CudnnConv.Plan p = plan(g); // one lookup per op: the check's workspace size and the dispatch
        ConvChecks.conv(op, g, x, w, y, workspace, workspaceFloats(g, p));
        if (p != null) {
            long px = backend.addr(op, x), pw = backend.addr(op, w), py = backend.addr(op, y);
            long ws = backend.addrOrNull(op, workspace);
            boolean ran = false;
            try {
                cudnn.forward(p, g, px, pw, py, ws);
                ran = true;
            } catch (CudaException e) { // cuDNN's own status: this geometry moves to our kernels
                cudnnFailed(op, g, e, workspace);
            }
            if (ran) {
                afterCudnn(op, g); // a device fault found here is not cuDNN's to recover from: it propagates
                return;
            }
        }
        checkChunk(op, g);
        owned(op, x, w, y, workspace);
        int plane = g.outPlane(), k = g.patchSize(), cout = g.outC();
        for (int n0 = 0; n0 < g.batch(); n0 += g.chunk()) {
            int nb = Math.min(g.chunk(), g.batch() - n0), m = nb * plane;
            Tensor cols = cols(g, workspace, m), rows = rows(g, workspace, m);
            launchIm2col(op, g, inputChunk(g, x, n0, nb), nb, cols);
            backend.gemm(false, true, m, cout, k, 1f, cols, w, 0f, rows);
            launchRowsToNchw(op, rows, outputChunk(g, y, n0, nb), nb, plane, cout);
        }
    }

    void backwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx, Tensor workspace) {
        String op = "conv2dBackwardData";
        CudnnConv.Plan p = plan(g); // one lookup per op: the check's workspace size and the dispatch
        ConvChecks.conv(op, g, dx, w, dy, workspace, workspaceFloats(g, p));
        if (p != null) {
            long pdy = backend.addr(op, dy), pw = backend.addr(op, w), pdx = backend.addr(op, dx);
            long ws = backend.addrOrNull(op, workspace);
            boolean ran = false;
            try {
                cudnn.backwardData(p, g, pdy, pw, pdx, ws);
                ran = true;
            } catch (CudaException e) { // cuDNN's own status: this geometry moves to our kernels
                cudnnFailed(op, g, e, workspace);
            }
            if (ran) {
                afterCudnn(op, g); // a device fault found here is not cuDNN's to recover from: it propagates
                return;
            }
        }
        checkChunk(op, g);
        owned(op, dy, w, dx, workspace);
        int plane = g.outPlane(), k = g.patchSize(), cout = g.outC();
        for (int n0 = 0; n0 < g.batch(); n0 += g.chunk()) {
            int nb = Math.min(g.chunk(), g.batch() - n0), m = nb * plane;
            Tensor cols = cols(g, workspace, m), rows = rows(g, workspace, m);
            launchNchwToRows(op, outputChunk(g, dy, n0, nb), rows, nb, plane, cout);
            backend.gemm(false, false, m, k, cout, 1f, rows, w, 0f, cols);
            launchCol2im(op, g, cols, nb, inputChunk(g, dx, n0, nb));
        }
    }

    void backwardFilter(ConvGeometry g, Tensor x, Tensor dy, float beta, Tensor dw, Tensor workspace) {
        String op = "conv2dBackwardFilter";
        CudnnConv.Plan p = plan(g); // one lookup per op: the check's workspace size and the dispatch
        ConvChecks.conv(op, g, x, dw, dy, workspace, workspaceFloats(g, p));
        if (p != null) {
            long px = backend.addr(op, x), pdy = backend.addr(op, dy), pdw = backend.addr(op, dw);
            long ws = backend.addrOrNull(op, workspace);
            boolean ran = false;
            try {
                cudnn.backwardFilter(p, g, px, pdy, beta, pdw, ws);
                ran = true;
            } catch (CudaException e) { // cuDNN's own status: this geometry moves to our kernels
                cudnnFailed(op, g, e, workspace);
            }
            if (ran) {
                afterCudnn(op, g); // a device fault found here is not cuDNN's to recover from: it propagates
                return;
            }
        }
        checkChunk(op, g);
        owned(op, x, dy, dw, workspace);
        int plane = g.outPlane(), k = g.patchSize(), cout = g.outC();
        for (int n0 = 0; n0 < g.batch(); n0 += g.chunk()) {
            int nb = Math.min(g.chunk(), g.batch() - n0), m = nb * plane;
            Tensor cols = cols(g, workspace, m), rows = rows(g, workspace, m);
            launchNchwToRows(op, outputChunk(g, dy, n0, nb), rows, nb, plane, cout);
            launchIm2col(op, g, inputChunk(g, x, n0, nb), nb, cols);
            backend.gemm(true, false, cout, k, m, 1f, rows, cols, n0 == 0 ? beta : 1f, dw);
        }
    }

    /** im2col: cols (nb·Ho·Wo, K) from x (nb, Cin, H, W); one thread per column entry. */
    private void launchIm2col(String op, ConvGeometry g, Tensor x, int nb, Tensor cols) {
        long px = backend.addr(op, x), pc = backend.addr(op, cols);
        int n = cols.length();
        im2col.begin().ptr(px).ptr(pc).i32(nb).i32(g.inC()).i32(g.inH()).i32(g.inW())
                .i32(g.kernel()).i32(g.stride()).i32(g.padding()).i32(g.outH()).i32(g.outW())
                .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
    }

    /** col2im: dx (nb, Cin, H, W) gathered from cols (nb·Ho·Wo, K); one thread per dx element. */
    private void launchCol2im(String op, ConvGeometry g, Tensor cols, int nb, Tensor dx) {
        long pc = backend.addr(op, cols), pdx = backend.addr(op, dx);
        int n = dx.length();
        col2im.begin().ptr(pc).ptr(pdx).i32(nb).i32(g.inC()).i32(g.inH()).i32(g.inW())
                .i32(g.kernel()).i32(g.stride()).i32(g.padding()).i32(g.outH()).i32(g.outW())
                .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
    }

    /** rows (nb·plane, c) → y (nb, c, plane); one thread per y element. */
    private void launchRowsToNchw(String op, Tensor rows, Tensor y, int nb, int plane, int c) {
        long pr = backend.addr(op, rows), py = backend.addr(op, y);
        int n = y.length();
        rowsToNchw.begin().ptr(pr).ptr(py).i32(nb).i32(plane).i32(c).launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
    }

    /** y (nb, c, plane) → rows (nb·plane, c); one thread per rows element. */
    private void launchNchwToRows(String op, Tensor y, Tensor rows, int nb, int plane, int c) {
        long py = backend.addr(op, y), pr = backend.addr(op, rows);
        int n = rows.length();
        nchwToRows.begin().ptr(py).ptr(pr).i32(nb).i32(plane).i32(c).launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
    }

    // ------------------------------------------------------------------ per-channel bias + activation

    void channelBiasActivationForward(Tensor x, Tensor bias, Activation act, Tensor y) {
        String op = "channelBiasActivationForward";
        ConvChecks.channelBias(op, x, bias, y);
        long px = backend.addr(op, x), pb = backend.addrOrNull(op, bias), py = backend.addr(op, y);
        int n = x.length();
        if (n > 0) {
            channelBiasActForward.begin().ptr(px).ptr(pb).ptr(py).i32(n).i32(x.shape().dim(1)).i32(x.shape().dim(2) * x.shape().dim(3)).i32(act.code())
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    void channelBiasActivationBackward(Tensor y, Tensor dy, Activation act, Tensor dx, Tensor dbias) {
        String op = "channelBiasActivationBackward";
        ConvChecks.channelBias(op, y, dbias, dy);
                ConvChecks.channelBias(op, y, null, dx);
        long py = backend.addr(op, y), pdy = backend.addr(op, dy), pdx = backend.addr(op, dx);
        long pdb = backend.addrOrNull(op, dbias);
        int batch = y.shape().dim(0), channels = y.shape().dim(1), plane = y.shape().dim(2) * y.shape().dim(3);
        int perChannel = batch * plane; // ≤ y.length(), an int
        if (channels > 0 && perChannel > 0) {
            // one block per channel; its threads stride over the channel's batch·plane elements
            channelBiasActBackward.begin().ptr(py).ptr(pdy).ptr(pdx).ptr(pdb)
                    .i32(batch).i32(channels).i32(plane).i32(act.code())
                    .launch(device, channels, 1, CudaBackend.rowBlock(perChannel), 1);
        }
    }

    // ------------------------------------------------------------------ plane centring

    /** The most blocks subtractPlaneMean launches (visible to the parity test, which strides past it). */
    static final int PLANE_BLOCKS = 4096;

    void subtractPlaneMean(Tensor x, Tensor y) {
        String op = "subtractPlaneMean";
        ConvChecks.sameImages(op, x, y);
        Shape s = x.shape();
        long px = backend.addr(op, x), py = backend.addr(op, y);
        int planes = s.dim(0) * s.dim(1), plane = s.dim(2) * s.dim(3);
        if (planes > 0 && plane > 0) {
            // one block per plane, at most PLANE_BLOCKS (enough to fill a GPU; the kernel strides over the rest)
            subtractPlaneMean.begin().ptr(px).ptr(py).i32(planes).i32(plane)
                    .launch(device, Math.min(planes, PLANE_BLOCKS), 1, CudaBackend.rowBlock(plane), 1);
        }
    }

    // ------------------------------------------------------------------ upsampling

    void upsampleNearestForward(Tensor x, int factor, Tensor y) {
        String op = "upsampleNearestForward";
        ConvChecks.upsample(op, x, factor, y);
        Shape s = x.shape();
        long px = backend.addr(op, x), py = backend.addr(op, y);
        int n = y.length();
        if (n > 0) {
            upsampleForward.begin().ptr(px).ptr(py).i32(s.dim(0) * s.dim(1)).i32(s.dim(2)).i32(s.dim(3)).i32(factor)
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    void upsampleNearestBackward(Tensor dy, int factor, Tensor dx) {
        String op = "upsampleNearestBackward";
        ConvChecks.upsample(op, dx, factor, dy);
        Shape s = dx.shape();
        long pdy = backend.addr(op, dy), pdx = backend.addr(op, dx);
        int n = dx.length();
        if (n > 0) {
            upsampleBackward.begin().ptr(pdy).ptr(pdx).i32(s.dim(0) * s.dim(1)).i32(s.dim(2)).i32(s.dim(3)).i32(factor)
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    void upsampleBicubicForward(Tensor x, int factor, Tensor y) {
        String op = "upsampleBicubicForward";
        ConvChecks.upsample(op, x, factor, y);
        Shape s = x.shape();
        long px = backend.addr(op, x), py = backend.addr(op, y);
        int n = y.length();
        if (n > 0) {
            upsampleBicubic.begin().ptr(px).ptr(py).i32(s.dim(0) * s.dim(1)).i32(s.dim(2)).i32(s.dim(3)).i32(factor)
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    // ------------------------------------------------------------------ max pooling

    void maxPoolForward(Tensor x, int kernel, int stride, Tensor y, Tensor argmax) {
        String op = "maxPoolForward";
        ConvChecks.maxPool(op, x, kernel, stride, y, argmax);
        Shape s = x.shape();
        int h = s.dim(2), w = s.dim(3), ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1;
        long px = backend.addr(op, x), py = backend.addr(op, y), pa = backend.addr(op, argmax);
        int n = y.length();
        if (n > 0) {
            maxPoolForward.begin().ptr(px).ptr(py).ptr(pa).i32(s.dim(0) * s.dim(1)).i32(h).i32(w)
                    .i32(kernel).i32(stride).i32(ho).i32(wo)
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }

    void maxPoolBackward(Tensor dy, Tensor argmax, int kernel, int stride, Tensor dx) {
        String op = "maxPoolBackward";
        ConvChecks.maxPool(op, dx, kernel, stride, dy, argmax);
        Shape s = dx.shape();
        int h = s.dim(2), w = s.dim(3), ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1;
        long pdy = backend.addr(op, dy), pa = backend.addr(op, argmax), pdx = backend.addr(op, dx);
        int n = dx.length();
        if (n > 0) {
            maxPoolBackward.begin().ptr(pdy).ptr(pa).ptr(pdx).i32(s.dim(0) * s.dim(1)).i32(h).i32(w)
                    .i32(kernel).i32(stride).i32(ho).i32(wo)
                    .launch(device, ceilDiv(n, BLOCK), 1, BLOCK, 1);
        }
    }
}
