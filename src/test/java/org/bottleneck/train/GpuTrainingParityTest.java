package org.bottleneck.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.cuda.CudaBackend;
import org.bottleneck.backend.cuda.CudaProbe;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.testing.TestBackends;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.bottleneck.apps.ImageTask;
import org.bottleneck.model.Architecture;

/**
 * GPU suite, model level: 20 Adam steps of the reference models on the CPU and on CUDA from
 * the same seed (same initial weights, same batches, same Philox noise) must give the same
 * losses step by step. Skipped without a usable CUDA device.
 */
@Tag("gpu")
class GpuTrainingParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"vae", "ae", "convae", "convvae", "convae+pipeline", "task:superres", "task:inpaint", "task:denoise"})
    void twentyStepsAgree(String name) {
        CudaProbe.Status status = CudaProbe.status();
        Assumptions.assumeTrue(status.usable(), "skipped: " + status.reason());
        Dataset train = Mnist.load(Path.of("data/mnist"), true).slice(0, 20 * 128);
        double[] cpu = losses(TestBackends.cpu(), name, train);
        double[] gpu;
        try (CudaBackend cuda = new CudaBackend(0)) {
            gpu = losses(cuda, name, train);
        }
        // Float32 GEMMs reduce in a different order on cuBLAS and OpenBLAS (≈1e-6 relative per
        // step) and Adam amplifies that slowly; over 20 steps losses of 100–550 nats stay within
        // 1e-3 relative. A wrong kernel is off by far more from the first step.
        for (int s = 0; s < cpu.length; s++) {
            double rel = Math.abs(gpu[s] - cpu[s]) / Math.abs(cpu[s]);
            assertTrue(rel <= 1e-3, name + " step " + s + ": cpu loss " + cpu[s] + " vs cuda " + gpu[s]
                    + " (relative " + rel + ")");
        }
    }

    /**
     * Mean per-image loss after each of 20 steps. "+pipeline": inpainting-style batches (flip,
     * box holes as the loss mask, Gaussian noise), built on the host — by the background reader
     * on CUDA, on the caller's thread on the CPU — so both train on the same bits, and the
     * masked loss runs on both backends. "task:…": the image applications' fully convolutional
     * presets (spatial code) through their degradations.
     */
    private static double[] losses(Backend backend, String name, Dataset train) {
        boolean piped = name.endsWith("+pipeline");
        Architecture config;
        Pipeline pipeline;
        if (name.startsWith("task:")) { // an image application's spatial-code preset through its degradation
            ImageTask t = ImageTask.valueOf(name.substring(5).toUpperCase(java.util.Locale.ROOT));
            pipeline = Pipeline.parse(null, t.defaultDegradation(2), true);
            config = t.preset(pipeline.inputShape(train.sampleShape()), pipeline.targetShape(train.sampleShape()), true);
        } else {
            config = Presets.get(piped ? name.substring(0, name.indexOf('+')) : name);
            pipeline = piped ? Pipeline.parse("flip", "box=6-12,gaussian=0.1", true) : Pipeline.NONE;
        }
        TrainConfig tc = TrainConfig.defaults(1);
        double[] out = new double[20];
        float[] recon = new float[128], kl = new float[128];
        try (Model model = new Model(backend, config, 42);
             Optimizer opt = Trainer.optimizerFor(model, tc)) {
            Batches batches = new Batches(backend, train, 128, pipeline, 42);
            model.prepare(128);
            batches.beginEpoch(0, 128);
            for (int s = 0; s < 20; s++) {
                Batches.Batch batch = batches.next(model);
                model.trainStep(s, batch.target(), batch.mask());
                opt.step((float) tc.lr());
                backend.download(model.reconLoss(), recon, 0);
                double sum = 0;
                for (int i = 0; i < 128; i++) {
                    sum += recon[i];
                }
                if (model.isVariational()) {
                    backend.download(model.klLoss(), kl, 0);
                    for (int i = 0; i < 128; i++) {
                        sum += kl[i];
                    }
                }
                out[s] = sum / 128;
            }
            batches.close();
        }
        return out;
    }
}
