package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.bottleneck.backend.Backend;
import org.bottleneck.testing.TestBackends;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN.md §2: a steady-state training step (forward, loss, backward, the optimizer, the loss
 * readback) allocates nothing on the Java heap, for dense and conv models alike. Counted with
 * the JVM's per-thread allocation counter, which counts every object whether or not the JIT
 * has compiled the code yet, so the check does not depend on timing. (JMH's -prof gc in
 * TrainStepBench measures the same thing in the benchmark.)
 */
class StepAllocationTest {

    @ParameterizedTest
    @ValueSource(strings = {"vae", "convae", "convvae"})
    void aSteadyStateStepAllocatesNothing(String preset) {
        Backend be = TestBackends.cpu();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        int batch = 16;
        try (Model model = new Model(be, Presets.get(preset), 1);
             Optimizer opt = Trainer.optimizerFor(model, TrainConfig.defaults(1))) {
            model.prepare(batch);
            float[] x = new float[batch * model.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i * 37 % 101) / 100f;
            }
            double[] total = new double[batch];
            float[] recon = new float[batch], kl = new float[batch], pen = new float[batch];
            for (int s = 0; s < 2; s++) { // warm-up: first-use caches (tensor views, im2col planes)
                step(model, opt, be, x, s, total, recon, kl, pen);
            }
            long before = threads.getThreadAllocatedBytes(self);
            for (int s = 2; s < 5; s++) {
                step(model, opt, be, x, s, total, recon, kl, pen);
            }
            long allocated = threads.getThreadAllocatedBytes(self) - before;
            assertEquals(0, allocated, preset + ": bytes allocated by 3 steady-state training steps");
        }
    }

    private static void step(Model model, Optimizer opt, Backend be, float[] x, long s, double[] total, float[] recon,
                             float[] kl, float[] pen) {
        be.upload(x, 0, model.input());
        model.trainStep(s, model.input());
        opt.step(1e-3f);
        model.readLosses(total.length, total, recon, kl, pen);
    }
}
