package org.bottleneck.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.train.Batches;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.Trainer;
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
 * One full training step on MNIST, as the trainer and {@code apps/Bench} run it: gather and
 * upload a batch ({@link Batches#load}), forward + loss + backward ({@link Model#trainStep}),
 * the optimizer's step (Adam 1e-3, {@link Trainer#optimizerFor} with the default config), and the
 * per-sample loss downloaded to the host (which also synchronizes a GPU). Score: steps/s; the
 * {@code samples} counter is samples/s.
 *
 * <p>Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per step, ≈ 0
 * in steady state (the harness itself allocates nothing per invocation).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Thread)
public class TrainStepBench {
    @Param({"cpu"})
    public String backend;

    @Param({"ae", "vae", "convae"})
    public String model;

    @Param({"32", "128", "1024"})
    public int batch;

    private Backend be;
    private Model ae;
    private Optimizer optimizer;
    private Batches batches;
    private float[] loss;
    private float lr;
    private int batchesPerEpoch;
    private int step;

    /** samples/s: incremented by the batch size per step. */
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
        Dataset train = Mnist.load(BenchSupport.dataDir(), true);
        TrainConfig tc = TrainConfig.defaults(1);
        ae = new Model(be, Presets.get(model), 1);
        optimizer = Trainer.optimizerFor(ae, tc);
        lr = (float) tc.lr();
        batches = new Batches(be, train, batch);
        loss = new float[batch];
        batchesPerEpoch = train.size() / batch;
        ae.prepare(batch);
        be.synchronize();
    }

    @Benchmark
    public float trainStep(Samples counter) {
        int s = step++;
        batches.load((s % batchesPerEpoch) * batch, batch, ae.input());
        ae.trainStep(s, ae.input());
        optimizer.step(lr);
        be.download(ae.reconLoss(), loss, 0);
        counter.samples += batch;
        return loss[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (optimizer != null) {
            optimizer.close();
        }
        if (ae != null) {
            ae.close();
        }
        if (be != null) {
            be.close();
        }
    }
}
