package org.bottleneck.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bottleneck.apps.CodecPool;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shared embedding pool ({@link CodecPool}) under 1, 2 and 8 caller threads: each call is
 * one single-sample request ({@code op} = {@code score}: the full forward and loss;
 * {@code encode}: the encoder only), borrowed from and returned to a pool of {@code pool} slots,
 * on the dense {@code vae} preset with seeded random weights (seed 1; the cost does not depend
 * on their values) and 64 MNIST test images in turn.
 *
 * <p>{@code throughputN}: calls/s summed over N caller threads ({@code Throughput});
 * {@code latencyN}: the distribution of single-call times under N callers ({@code SampleTime},
 * which reports p0.50 and p0.99; a caller waiting for a free slot counts the wait). Same call,
 * only {@code @Threads} and the mode differ.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecPoolBench {
    static final int IMAGES = 64;

    /** The pool and its images, shared by every caller thread of a trial. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"cpu"})
        public String backend;

        @Param({"score", "encode"})
        public String op;

        /** Slots: 2 = this machine's cores; 8 = one per caller at most. */
        @Param({"2"})
        public int pool;

        CodecPool codecs;
        float[][] images;
        private Backend be;
        private Model model;

        @Setup(Level.Trial)
        public void setUp() {
            be = BenchSupport.open(backend);
            model = new Model(be, Presets.get("vae"), 1);
            codecs = CodecPool.copiesOf(model, pool, () -> BenchSupport.open(backend));
            Dataset test = Mnist.load(BenchSupport.dataDir(), false);
            images = new float[IMAGES][test.features()];
            for (int i = 0; i < IMAGES; i++) {
                test.copySample(i, images[i], 0);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (codecs != null) {
                codecs.close();
            }
            if (model != null) {
                model.close();
            }
            if (be != null) {
                be.close();
            }
        }
    }

    /** A caller thread's own output buffer and position in the images. */
    @State(Scope.Thread)
    public static class Caller {
        float[] code;
        int next;

        @Setup(Level.Trial)
        public void setUp(Shared s) {
            code = new float[s.codecs.latentDim()];
            next = (int) (Thread.currentThread().getId() % IMAGES);
        }
    }

    private static float call(Shared s, Caller c) {
        float[] x = s.images[c.next];
        c.next = (c.next + 1) % IMAGES;
        if ("score".equals(s.op)) {
            return s.codecs.score(x);
        }
        s.codecs.encode(x, c.code);
        return c.code[0];
    }

    /** 1 caller thread: calls/s, summed over the caller threads. */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public float throughput1(Shared s, Caller c) {
        return call(s, c);
    }

    /** 2 caller threads: calls/s, summed over the caller threads. */
    @Benchmark
    @Threads(2)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public float throughput2(Shared s, Caller c) {
        return call(s, c);
    }

    /** 8 caller threads: calls/s, summed over the caller threads. */
    @Benchmark
    @Threads(8)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public float throughput8(Shared s, Caller c) {
        return call(s, c);
    }

    /** 1 caller thread: µs per call, with percentiles. */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float latency1(Shared s, Caller c) {
        return call(s, c);
    }

    /** 2 caller threads: µs per call, with percentiles. */
    @Benchmark
    @Threads(2)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float latency2(Shared s, Caller c) {
        return call(s, c);
    }

    /** 8 caller threads: µs per call, with percentiles. */
    @Benchmark
    @Threads(8)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float latency8(Shared s, Caller c) {
        return call(s, c);
    }
}
