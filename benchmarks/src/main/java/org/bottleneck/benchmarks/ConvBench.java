package org.bottleneck.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three convolution ops ({@link Backend#conv2dForward}, {@link Backend#conv2dBackwardData},
 * {@link Backend#conv2dBackwardFilter}) at the layers of the reference conv autoencoder on MNIST
 * (1×28×28), and, to see what im2col, col2im and the NCHW↔rows transposes cost, the same GEMM
 * calls alone ({@code gemm*}: the chunk loop and the operands of the op, nothing else). Score:
 * op calls/s; the {@code gflop} counter is GFLOP/s ({@link ConvGeometry#flops()} per call: each
 * of the three ops does 2·B·Cout·Ho·Wo·Cin·k·k). The GEMM's share of an op's time is
 * {@code score(op) / score(gemmOp)}.
 *
 * <p>{@code layer} (B = {@code batch}; a ConvTranspose2d is its conv geometry with the roles
 * swapped: its forward is conv2dBackwardData, its input gradient conv2dForward):
 * <ul>
 *   <li>{@code conv1}: Conv2d(1→32, k3, s2, p1), 28→14 — geometry (B, 1, 28, 28 → 32, 14, 14);
 *   <li>{@code conv2}: Conv2d(32→64, k3, s2, p1), 14→7 — geometry (B, 32, 14, 14 → 64, 7, 7);
 *   <li>{@code convT1}: ConvTranspose2d(64→32, k3, s2, p1, op1), 7→14 — the geometry of conv2;
 *   <li>{@code convT2}: ConvTranspose2d(32→1, k3, s2, p1, op1), 14→28 — the geometry of conv1.
 * </ul>
 * So convT1/convT2 measure the same calls as conv2/conv1 (kept so each layer of the model has its
 * row; the pairs agreeing is a check on the noise). backwardFilter runs with beta 1, as a layer
 * accumulates. {@value #CALLS} calls per invocation, then one {@link Backend#synchronize()}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Thread)
public class ConvBench {
    static final int CALLS = 4;

    @Param({"cpu"})
    public String backend;

    @Param({"conv1", "conv2", "convT1", "convT2"})
    public String layer;

    @Param({"128"})
    public int batch;

    private Backend be;
    private BenchSupport.Buffers buffers;
    private ConvGeometry g;
    private Tensor x, w, y, dy, dx, dw, workspace;
    /** Per chunk: the workspace views the op hands to gemm (cols (M, K), rows (M, Cout)). */
    private Tensor[] cols, rows;
    private double gflopPerInvocation;

    /** GFLOP/s: incremented by the FLOPs of one invocation / 1e9. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    static ConvGeometry geometry(String layer, int batch) {
        return switch (layer) {
            case "conv1", "convT2" -> new ConvGeometry(batch, 1, 28, 28, 32, 3, 2, 1);
            case "conv2", "convT1" -> new ConvGeometry(batch, 32, 14, 14, 64, 3, 2, 1);
            default -> throw new IllegalArgumentException("layer '" + layer + "': expected conv1, conv2, convT1, convT2");
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchSupport.open(backend);
        buffers = new BenchSupport.Buffers(be);
        g = geometry(layer, batch);
        x = buffers.uniform("conv x", 1, g.inputShape().dims());
        w = buffers.normal("conv w", 2, 0f, 0.1f, g.weightShape().dims());
        y = buffers.zeros("conv y", g.outputShape().dims());
        dy = buffers.normal("conv dy", 3, 0f, 0.01f, g.outputShape().dims());
        dx = buffers.zeros("conv dx", g.inputShape().dims());
        dw = buffers.zeros("conv dw", g.weightShape().dims());
        workspace = buffers.zeros("conv workspace", Math.toIntExact(be.convWorkspaceFloats(g)));
        int chunk = g.chunk(), chunks = (g.batch() + chunk - 1) / chunk;
        long rowsAt = (long) chunk * g.outPlane() * g.patchSize();
        cols = new Tensor[chunks];
        rows = new Tensor[chunks];
        for (int i = 0; i < chunks; i++) {
            int m = Math.min(chunk, g.batch() - i * chunk) * g.outPlane();
            cols[i] = workspace.view(0, Shape.of(m, g.patchSize()));
            rows[i] = workspace.view(rowsAt, Shape.of(m, g.outC()));
        }
        be.conv2dForward(g, x, w, y, workspace); // realistic values in the workspace for gemm*
        gflopPerInvocation = CALLS * g.flops() / 1e9;
        be.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void forward(Flops flops) {
        for (int i = 0; i < CALLS; i++) {
            be.conv2dForward(g, x, w, y, workspace);
        }
        be.synchronize();
        flops.gflop += gflopPerInvocation;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void backwardData(Flops flops) {
        for (int i = 0; i < CALLS; i++) {
            be.conv2dBackwardData(g, dy, w, dx, workspace);
        }
        be.synchronize();
        flops.gflop += gflopPerInvocation;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void backwardFilter(Flops flops) {
        for (int i = 0; i < CALLS; i++) {
            be.conv2dBackwardFilter(g, x, dy, 1f, dw, workspace);
        }
        be.synchronize();
        flops.gflop += gflopPerInvocation;
    }

    /** forward's GEMM alone: rows(M, Cout) = cols(M, K)·Wᵀ per chunk. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void gemmForward(Flops flops) {
        int m = g.outC(), k = g.patchSize();
        for (int i = 0; i < CALLS; i++) {
            for (int c = 0; c < cols.length; c++) {
                be.gemm(false, true, cols[c].rows(), m, k, 1f, cols[c], w, 0f, rows[c]);
            }
        }
        be.synchronize();
        flops.gflop += gflopPerInvocation;
    }

    /** backwardData's GEMM alone: cols(M, K) = rows(M, Cout)·W per chunk. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void gemmBackwardData(Flops flops) {
        int cout = g.outC(), k = g.patchSize();
        for (int i = 0; i < CALLS; i++) {
            for (int c = 0; c < cols.length; c++) {
                be.gemm(false, false, cols[c].rows(), k, cout, 1f, rows[c], w, 0f, cols[c]);
            }
        }
        be.synchronize();
        flops.gflop += gflopPerInvocation;
    }

    /** backwardFilter's GEMM alone: dw(Cout, K) += rowsᵀ·cols per chunk. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void gemmBackwardFilter(Flops flops) {
        int cout = g.outC(), k = g.patchSize();
        for (int i = 0; i < CALLS; i++) {
            for (int c = 0; c < cols.length; c++) {
                be.gemm(true, false, cout, k, cols[c].rows(), 1f, rows[c], cols[c], 1f, dw);
            }
        }
        be.synchronize();
        flops.gflop += gflopPerInvocation;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (buffers != null) {
            buffers.close();
        }
        if (be != null) {
            be.close();
        }
    }
}
