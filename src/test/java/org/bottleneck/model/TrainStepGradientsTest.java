package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.nn.ParameterSet;
import org.bottleneck.testing.TestBackends;
import org.junit.jupiter.api.Test;

/**
 * trainStep writes the gradients instead of adding to them (no zeroing pass): whatever the
 * gradient buffer held before, the step leaves exactly this batch's gradients — for every
 * model kind, since each parameter must receive exactly one contribution per step.
 */
class TrainStepGradientsTest {

    @Test
    void stepOverwritesWhateverTheGradientBufferHeld() {
        Backend be = TestBackends.cpu();
        Architecture[] archs = {
                Presets.dense("vae-small", 12, new int[] {9, 5}, Activation.RELU, LatentHead.gaussian(3, 1.0),
                        OutputKind.BCE, 0),
                Presets.dense("ae-small", 12, new int[] {9}, Activation.RELU, LatentHead.code(4, Activation.IDENTITY, 0.01),
                        OutputKind.BCE, 0.2),
                Presets.dense("lecture-small", 12, new int[] {6}, Activation.SIGMOID,
                        LatentHead.code(2, Activation.SIGMOID, 0), OutputKind.SIGMOID_MSE, 0),
                // every conv-family layer: its weight and bias gradients are written, not added
                Architecture.fromJson("""
                        {"name": "conv-small", "input": [1, 4, 4],
                         "encoder": [{"type": "conv2d", "out": 2, "kernel": 3, "padding": 1, "activation": "relu"},
                                     {"type": "max_pool2d", "kernel": 2},
                                     {"type": "upsample", "factor": 2},
                                     {"type": "conv2d", "out": 2, "kernel": 3, "stride": 2, "padding": 1},
                                     {"type": "flatten"}],
                         "latent": {"type": "gaussian", "size": 2},
                         "decoder": [{"type": "dense", "out": 8, "activation": "tanh"},
                                     {"type": "unflatten", "shape": [2, 2, 2]},
                                     {"type": "conv_transpose2d", "out": 2, "kernel": 3, "stride": 2, "padding": 1,
                                      "output_padding": 1, "activation": "relu"},
                                     {"type": "conv2d", "out": 1, "kernel": 3, "padding": 1}],
                         "output": "bce"}"""),
        };
        for (Architecture c : archs) {
            try (Model m = new Model(be, c, 5)) {
                m.prepare(4);
                float[] x = new float[4 * m.inputSize()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (i * 7 % 11) / 10f;
                }
                be.upload(x, 0, m.input());
                ParameterSet ps = m.parameters();
                float[] clean = new float[ps.grads().length()], dirty = new float[clean.length];
                be.fill(ps.grads(), 0f);
                m.trainStep(3, m.input());
                be.download(ps.grads(), clean, 0);
                be.fill(ps.grads(), 123f); // garbage a forgotten zeroing would add to
                m.trainStep(3, m.input());
                be.download(ps.grads(), dirty, 0);
                double norm = 0;
                for (float g : clean) {
                    norm += g * g;
                }
                assertTrue(norm > 0, c.describe() + ": gradients are all zero, the check would be vacuous");
                // Padding between parameter views is never written: compare parameter views only.
                for (int i = 0; i < ps.specs().size(); i++) {
                    float[] a = new float[ps.gradViews().get(i).length()], b = new float[a.length];
                    long off = ps.gradViews().get(i).offset();
                    System.arraycopy(clean, (int) off, a, 0, a.length);
                    System.arraycopy(dirty, (int) off, b, 0, b.length);
                    assertArrayEquals(a, b, c.describe() + ": " + ps.specs().get(i).name());
                }
            }
        }
    }
}
