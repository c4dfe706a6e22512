package org.bottleneck.backend.cuda;

import static org.bottleneck.backend.cuda.CudnnBinding.BACKWARD_DATA;
import static org.bottleneck.backend.cuda.CudnnBinding.BACKWARD_FILTER;
import static org.bottleneck.backend.cuda.CudnnBinding.FORWARD;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bottleneck.backend.ConvGeometry;

/**
 * The three convolution ops through cuDNN (formulas in {@code Backend}), on raw device addresses
 * and one cuDNN handle. Per {@link ConvGeometry} a {@link Plan} is made once, at the first
 * {@link #workspaceFloats} (when the layer sizes its arena scratch): the descriptors of x
 * (B,Cin,H,W), w (Cout,Cin,k,k), y (B,Cout,Ho,Wo) and the convolution, cuDNN's output shape
 * checked against ours, and per op the first algorithm of the _v7 heuristics' ranking that
 * succeeded, is deterministic (training is reproducible run to run), uses FP32 FMA math (no
 * TF32, so results stay within float rounding of the CPU twin) and needs at most
 * {@link ConvGeometry#WORKSPACE_CAP_FLOATS} of workspace. The workspace is the largest of the
 * three, taken from the arena by the caller. A geometry cuDNN cannot plan gets no plan, nor does
 * one whose call failed ({@link #refuse}), and {@link CudaConv} runs it on our kernels;
 * {@link #whyNot} says why.
 *
 * <p>Not thread-safe (as the backend); the caller makes the device's context current. Owns the
 * descriptors, not the handle.
 */
final class CudnnConv implements AutoCloseable {
    /** CUDNN_FMA_MATH: what our convolution descriptors ask for. */
    static final int FMA_MATH = 3;
    /** How many ranked algorithms to ask for: more than any cuDNN has per op (8 at most in cuDNN 9). */
    private static final int RANKED = 16;

    /** Descriptors and chosen algorithms of one geometry; workspaceBytes covers all three ops. */
    record Plan(long x, long w, long y, long conv, int forward, int backwardData, int backwardFilter, long workspaceBytes) {
    }

    private final long handle;
    private final Map<ConvGeometry, Plan> plans = new HashMap<>();
    private final Map<ConvGeometry, String> refused = new HashMap<>();
    private boolean closed;

    CudnnConv(long handle) {
        this.handle = handle;
    }

    /** The plan of {@code g}, made on first use; null when cuDNN cannot run it (see {@link #whyNot}). */
    Plan plan(ConvGeometry g) {
        if (closed) {
            throw new IllegalStateException("cuDNN convolutions used after close");
        }
        Plan p = plans.get(g);
        if (p != null || refused.containsKey(g)) {
            return p;
        }
        List<Runnable> undo = new ArrayList<>();
        try {
            p = makePlan(g, undo);
            plans.put(g, p);
            return p;
        } catch (CudaException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            refused.put(g, e.getMessage());
            return null;
        }
    }

    /** From now on {@code g} gets no plan (a call failed): its descriptors are destroyed, {@link #whyNot} gives {@code why}. */
    void refuse(ConvGeometry g, String why) {
        Plan p = plans.remove(g);
        if (p != null) {
            destroy(p);
        }
        refused.put(g, why);
    }

    /** Why cuDNN does not run {@code g}, or null when it does (or was not asked yet). */
    String whyNot(ConvGeometry g) {
        return refused.get(g);
    }

    /** The workspace of {@code g}'s plan in floats, rounded up; -1 when cuDNN does not run {@code g}. */
    long workspaceFloats(ConvGeometry g) {
        Plan p = plan(g);
        return p == null ? -1 : (p.workspaceBytes + 3) / 4;
    }

    private Plan makePlan(ConvGeometry g, List<Runnable> undo) {
        long[] out = {0};
        check(CudnnBinding.tensor(out, g.batch(), g.inC(), g.inH(), g.inW()), "cudnnSetTensor4dDescriptor(x)", g);
        long x = out[0];
        undo.add(() -> CudnnBinding.destroyTensor(x));
        check(CudnnBinding.filter(out, g.outC(), g.inC(), g.kernel(), g.kernel()), "cudnnSetFilter4dDescriptor(w)", g);
        long w = out[0];
        undo.add(() -> CudnnBinding.destroyFilter(w));
        check(CudnnBinding.tensor(out, g.batch(), g.outC(), g.outH(), g.outW()), "cudnnSetTensor4dDescriptor(y)", g);
        long y = out[0];
        undo.add(() -> CudnnBinding.destroyTensor(y));
        check(CudnnBinding.convolution(out, g.padding(), g.stride()), "cudnnSetConvolution2dDescriptor", g);
        long conv = out[0];
        undo.add(() -> CudnnBinding.destroyConvolution(conv));

        int[] shape = new int[4];
        check(CudnnBinding.outputDim(conv, x, w, shape), "cudnnGetConvolution2dForwardOutputDim", g);
        if (shape[0] != g.batch() || shape[1] != g.outC() || shape[2] != g.outH() || shape[3] != g.outW()) {
            throw new CudaException("cuDNN computes output " + shape[0] + "×" + shape[1] + "×" + shape[2] + "×" + shape[3]
                    + " for " + g + ", we expect " + g.outputShape());
        }
        long limit = ConvGeometry.WORKSPACE_CAP_FLOATS * 4;
        int fwd = choose(FORWARD, x, w, conv, y, limit, g);
        int data = choose(BACKWARD_DATA, w, y, conv, x, limit, g);
        int filter = choose(BACKWARD_FILTER, x, y, conv, w, limit, g);
        long ws = Math.max(workspace(FORWARD, x, w, conv, y, fwd, g),
                Math.max(workspace(BACKWARD_DATA, w, y, conv, x, data, g), workspace(BACKWARD_FILTER, x, y, conv, w, filter, g)));
        if (ws > limit) { // the ranking's estimate and the size query disagree
            throw new CudaException("cuDNN asks for " + ws + " bytes of workspace for " + g + ", more than the cap of " + limit);
        }
        return new Plan(x, w, y, conv, fwd, data, filter, ws);
    }

    private static final String[] KIND = {"forward", "backward data", "backward filter"};
    private static final String[] CALL = {"Forward", "BackwardData", "BackwardFilter"};

    /** The first ranked algorithm that succeeded, is deterministic, uses FMA math and fits {@code limit} bytes. */
    private int choose(int kind, long a, long b, long conv, long c, long limit, ConvGeometry g) {
        int[] count = {0};
        int[] algo = new int[RANKED], status = new int[RANKED], determinism = new int[RANKED], math = new int[RANKED];
        long[] memory = new long[RANKED];
        check(CudnnBinding.algorithms(kind, handle, a, b, conv, c, count, algo, status, determinism, math, memory),
                "cudnnGetConvolution" + CALL[kind] + "Algorithm_v7", g);
        int pick = pick(count[0], status, determinism, math, memory, limit);
        if (pick < 0) {
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < count[0]; i++) {
                seen.append(i == 0 ? "" : ", ").append("algo ").append(algo[i]).append(status[i] == 0 ? "" : " failed")
                        .append(determinism[i] == 1 ? "" : " non-deterministic").append(math[i] == FMA_MATH ? "" : " math " + math[i])
                        .append(" ").append(memory[i]).append(" B");
            }
            throw new CudaException("cuDNN has no deterministic FP32 " + KIND[kind] + " algorithm within "
                    + limit + " bytes of workspace for " + g + " (ranked: " + (count[0] == 0 ? "none" : seen) + ")");
        }
        return algo[pick];
    }

    /** The index of the first usable entry of a ranking, or -1: the selection rule, apart so it can be tested. */
    static int pick(int count, int[] status, int[] determinism, int[] math, long[] memory, long limit) {
        for (int i = 0; i < count; i++) {
            if (status[i] == 0 && determinism[i] == 1 && math[i] == FMA_MATH && memory[i] >= 0 && memory[i] <= limit) {
                return i;
            }
        }
        return -1;
    }

    private long workspace(int kind, long a, long b, long conv, long c, int algo, ConvGeometry g) {
        long[] bytes = {0};
        check(CudnnBinding.workspaceBytes(kind, handle, a, b, conv, c, algo, bytes),
                "cudnnGetConvolution" + CALL[kind] + "WorkspaceSize(algo " + algo + ")", g);
        return bytes[0];
    }

    private static void check(int status, String call, ConvGeometry g) {
        if (status != 0) {
            throw new CudaException(call + " failed for " + g + ": " + CudnnBinding.describe(status));
        }
    }

    // ------------------------------------------------------------------ the ops (addresses; p = plan(g) not null)

    /** y = conv(x, w) (overwrites y). */
    void forward(Plan p, ConvGeometry g, long x, long w, long y, long ws) {
        run(FORWARD, "cudnnConvolutionForward", p, g, p.x, x, p.w, w, p.forward, ws, 0f, p.y, y);
    }

    /** dx = conv⁻ᵀ(dy, w) (overwrites dx). */
    void backwardData(Plan p, ConvGeometry g, long dy, long w, long dx, long ws) {
        run(BACKWARD_DATA, "cudnnConvolutionBackwardData", p, g, p.w, w, p.y, dy, p.backwardData, ws, 0f, p.x, dx);
    }

    /** dw = beta·dw + Σ dy ⋆ x. */
    void backwardFilter(Plan p, ConvGeometry g, long x, long dy, float beta, long dw, long ws) {
        run(BACKWARD_FILTER, "cudnnConvolutionBackwardFilter", p, g, p.x, x, p.y, dy, p.backwardFilter, ws, beta, p.w, dw);
    }

    private void run(int kind, String call, Plan p, ConvGeometry g, long aDesc, long a, long bDesc, long b, int algo,
                     long ws, float beta, long cDesc, long c) {
        int status = CudnnBinding.run(kind, handle, 1f, aDesc, a, bDesc, b, p.conv, algo, ws, p.workspaceBytes, beta, cDesc, c);
        if (status != 0) {
            throw new CudaException(call + " (algo " + algo + ", " + p.workspaceBytes + " B workspace) failed for " + g
                    + ": " + CudnnBinding.describe(status));
        }
    }

    /** Destroys every plan's descriptors; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Plan p : plans.values()) {
            destroy(p);
        }
        plans.clear();
    }

    private static void destroy(Plan p) {
        CudnnBinding.destroyConvolution(p.conv);
        CudnnBinding.destroyTensor(p.y);
        CudnnBinding.destroyFilter(p.w);
        CudnnBinding.destroyTensor(p.x);
    }
}
