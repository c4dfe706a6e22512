package org.bottleneck.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
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
 * The fused element-wise ops of a training step at the reference models' sizes, as memory
 * bandwidth. Score: op calls/s; the {@code gb} counter is GB/s, counting each tensor an op
 * reads or writes once (4 bytes a float; no cache reuse assumed):
 * <ul>
 *   <li>{@code biasReluForward}, B=128, N=512: read x, bias; write y — (2·B·N + N)·4;
 *   <li>{@code biasReluBackward}, B=128, N=512: read y, dy; write dx; dbias read and written —
 *       (3·B·N + 2·N)·4;
 *   <li>{@code bceWithLogits} with gradient, B=128, D=784: read x, t; write dx, loss(B) —
 *       (3·B·D + B)·4;
 *   <li>{@code gaussianLatent}, forward (sampling) + backward, h (128, 2·20): forward reads h,
 *       writes eps, z, kl; backward reads h, eps, dz, writes dh — (10·B·Z + B)·4;
 *   <li>{@code adamw} over the vae's 1,082,680 parameters in one flat buffer: read p, g, m, v;
 *       write p, m, v — 28 bytes a parameter.
 * </ul>
 * Outputs are distinct from inputs (no aliasing) so that repeated calls see the same data.
 * {@value #CALLS} calls per invocation, then one {@link Backend#synchronize()}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Thread)
public class FusedOpsBench {
    static final int CALLS = 16;
    static final int B = 128;
    static final int N = 512;
    static final int D = 784;
    static final int Z = 20;
    /** Parameters of the reference vae (BENCHMARKS.md), the size AdamW updates every step. */
    static final int PARAMS = 1_082_680;

    static final double FWD_GB = CALLS * (2.0 * B * N + N) * 4 / 1e9;
    static final double BWD_GB = CALLS * (3.0 * B * N + 2 * N) * 4 / 1e9;
    static final double BCE_GB = CALLS * (3.0 * B * D + B) * 4 / 1e9;
    static final double LATENT_GB = CALLS * (10.0 * B * Z + B) * 4 / 1e9;
    static final double ADAMW_GB = CALLS * 28.0 * PARAMS / 1e9;

    @Param({"cpu"})
    public String backend;

    private Backend be;
    private BenchSupport.Buffers buffers;
    private Tensor x, bias, y, dy, dx, dbias;
    private Tensor logits, targets, loss, dlogits;
    private Tensor h, eps, z, kl, dz, dh;
    private Tensor p, g, m, v;
    private int adamStep;

    /** GB/s: incremented by the bytes one invocation moves / 1e9. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gb;

        @Setup(Level.Iteration)
        public void reset() {
            gb = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchSupport.open(backend);
        buffers = new BenchSupport.Buffers(be);
        x = buffers.normal("x", 1, 0f, 1f, B, N);
        bias = buffers.normal("bias", 9, 0f, 0.1f, N);
        y = buffers.zeros("y", B, N);
        be.biasActivationForward(x, bias, Activation.RELU, y);
        dy = buffers.normal("dy", 2, 0f, 1f, B, N);
        dx = buffers.zeros("dx", B, N);
        dbias = buffers.zeros("dbias", N);

        logits = buffers.normal("logits", 3, 0f, 2f, B, D);
        targets = buffers.uniform("targets", 4, B, D);
        loss = buffers.zeros("loss", B);
        dlogits = buffers.zeros("dlogits", B, D);

        h = buffers.normal("h", 5, 0f, 0.5f, B, 2 * Z);
        eps = buffers.zeros("eps", B, Z);
        z = buffers.zeros("z", B, Z);
        kl = buffers.zeros("kl", B);
        dz = buffers.normal("dz", 6, 0f, 1f, B, Z);
        dh = buffers.zeros("dh", B, 2 * Z);

        p = buffers.normal("params", 7, 0f, 0.05f, PARAMS);
        g = buffers.normal("grads", 8, 0f, 0.01f, PARAMS);
        m = buffers.zeros("exp_avg", PARAMS);
        v = buffers.zeros("exp_avg_sq", PARAMS);
        be.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void biasReluForward(Bytes bytes) {
        for (int i = 0; i < CALLS; i++) {
            be.biasActivationForward(x, bias, Activation.RELU, y);
        }
        be.synchronize();
        bytes.gb += FWD_GB;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void biasReluBackward(Bytes bytes) {
        for (int i = 0; i < CALLS; i++) {
            be.biasActivationBackward(y, dy, Activation.RELU, dx, dbias);
        }
        be.synchronize();
        bytes.gb += BWD_GB;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void bceWithLogits(Bytes bytes) {
        for (int i = 0; i < CALLS; i++) {
            be.bceWithLogits(logits, targets, null, loss, dlogits, 1f / B); // no mask: every element counts
        }
        be.synchronize();
        bytes.gb += BCE_GB;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void gaussianLatent(Bytes bytes) {
        for (int i = 0; i < CALLS; i++) {
            be.gaussianLatentForward(h, true, 42, 0, eps, z, kl);
            be.gaussianLatentBackward(h, eps, dz, 1f / B, dh);
        }
        be.synchronize();
        bytes.gb += LATENT_GB;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void adamw(Bytes bytes) {
        for (int i = 0; i < CALLS; i++) {
            be.adamw(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, ++adamStep);
        }
        be.synchronize();
        bytes.gb += ADAMW_GB;
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
