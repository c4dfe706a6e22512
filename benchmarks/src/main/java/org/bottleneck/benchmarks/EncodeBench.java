package org.bottleneck.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bottleneck.apps.Codec;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedding API ({@link Codec}) with the vae and ae encoders (freshly initialized weights,
 * seed 1; the cost does not depend on their values) on MNIST test images:
 * <ul>
 *   <li>{@code encodeOne}: {@link Codec#encode(float[], float[])}, one image → its code, latency
 *       in µs (the single-row path, which allocates nothing);
 *   <li>{@code encodeBatch}: {@link Codec#encode(float[], int)} of {@value #N} images (the Codec
 *       splits them into rows of ≤ 1000), calls/s; the {@code samples} counter is images/s.
 * </ul>
 */
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Thread)
public class EncodeBench {
    static final int N = 1024;

    @Param({"cpu"})
    public String backend;

    @Param({"vae", "ae"})
    public String model;

    private Backend be;
    private Model ae;
    private Codec codec;
    private float[] image;
    private float[] code;
    private float[] images;

    /** images/s: incremented by {@value #N} per call. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Samples {
        public double samples;

        @Setup(Level.Iteration)
        public void reset() {
            samples = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchSupport.open(backend);
        Dataset test = Mnist.load(BenchSupport.dataDir(), false);
        int d = test.features();
        ae = new Model(be, Presets.get(model), 1);
        codec = new Codec(ae);
        image = new float[d];
        test.copySample(0, image, 0);
        code = new float[ae.latentDim()];
        images = new float[N * d];
        for (int i = 0; i < N; i++) {
            test.copySample(i, images, i * d);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float encodeOne() {
        codec.encode(image, code);
        return code[0];
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public float[] encodeBatch(Samples counter) {
        float[] codes = codec.encode(images, N);
        counter.samples += N;
        return codes;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ae != null) {
            ae.close();
        }
        if (be != null) {
            be.close();
        }
    }
}
