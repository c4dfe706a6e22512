package org.bottleneck.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bottleneck.backend.Backend;
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
import org.bottleneck.tensor.Tensor;

/**
 * {@link Backend#gemm} at the GEMM shapes of the reference models' Linear layers, and a square
 * 1024³ SGEMM as the machine's GEMM ceiling. Score: GEMM calls/s; the {@code gflop} counter is
 * GFLOP/s (2·m·n·k per call).
 *
 * <p>Shapes ({@code shape} = {@code IN x OUT . pass} for a Linear(IN→OUT) at {@code batch} B),
 * exactly the calls {@code nn/Linear} makes:
 * <ul>
 *   <li>{@code fwd}: y(B,OUT) = x(B,IN)·Wᵀ — gemm(N, T, B, OUT, IN), beta 0;
 *   <li>{@code dX}: dx(B,IN) = dy(B,OUT)·W(OUT,IN) — gemm(N, N, B, IN, OUT), beta 0;
 *   <li>{@code dW}: dW(OUT,IN) += dyᵀ·x — gemm(T, N, OUT, IN, B), beta 1 (accumulates);
 *   <li>{@code square1024}: C = A·B, 1024³, beta 0 ({@code batch} does not apply).
 * </ul>
 * {@value #CALLS} calls per invocation, then one {@link Backend#synchronize()}, so that on a GPU
 * the figure is the device's rate rather than one launch-and-wait per call.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Thread)
public class GemmBench {
    static final int CALLS = 8;

    @Param({"cpu"})
    public String backend;

    @Param({"784x512.fwd", "784x512.dX", "784x512.dW", "512x256.fwd", "512x256.dX", "512x256.dW", "square1024"})
    public String shape;

    @Param({"128"})
    public int batch;

    private Backend be;
    private BenchSupport.Buffers buffers;
    private boolean transA, transB;
    private int m, n, k;
    private float beta;
    private Tensor a, b, c;
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

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchSupport.open(backend);
        buffers = new BenchSupport.Buffers(be);
        int aRows, aCols, bRows, bCols;
        if (shape.equals("square1024")) {
            transA = false;
            transB = false;
            m = n = k = 1024;
            beta = 0f;
            aRows = aCols = bRows = bCols = 1024;
        } else {
            int x = shape.indexOf('x'), dot = shape.indexOf('.');
            if (x < 0 || dot < x) {
                throw new IllegalArgumentException("shape '" + shape + "': expected IN x OUT . fwd|dX|dW or square1024");
            }
            int in = Integer.parseInt(shape.substring(0, x));
            int out = Integer.parseInt(shape.substring(x + 1, dot));
            switch (shape.substring(dot + 1)) {
                case "fwd" -> { // y = x·Wᵀ: A = x (B,IN), B = W (OUT,IN) transposed
                    transA = false; transB = true; m = batch; n = out; k = in; beta = 0f;
                    aRows = batch; aCols = in; bRows = out; bCols = in;
                }
                case "dX" -> { // dx = dy·W: A = dy (B,OUT), B = W (OUT,IN)
                    transA = false; transB = false; m = batch; n = in; k = out; beta = 0f;
                    aRows = batch; aCols = out; bRows = out; bCols = in;
                }
                case "dW" -> { // dW += dyᵀ·x: A = dy (B,OUT) transposed, B = x (B,IN)
                    transA = true; transB = false; m = out; n = in; k = batch; beta = 1f;
                    aRows = batch; aCols = out; bRows = batch; bCols = in;
                }
                default -> throw new IllegalArgumentException("shape '" + shape + "': pass must be fwd, dX or dW");
            }
        }
        a = buffers.normal("gemm A", 1, 0f, 0.05f, aRows, aCols);
        b = buffers.normal("gemm B", 2, 0f, 0.05f, bRows, bCols);
        c = buffers.zeros("gemm C", m, n);
        gflopPerInvocation = CALLS * 2.0 * m * n * k / 1e9;
        be.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void gemm(Flops flops) {
        for (int i = 0; i < CALLS; i++) {
            be.gemm(transA, transB, m, n, k, 1f, a, b, beta, c);
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
