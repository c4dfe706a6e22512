package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        ModelConfig[] configs = {
                ModelConfig.preset("vae").withShape(new int[] {9, 5}, 3),
                ModelConfig.preset("ae").withShape(new int[] {9}, 4).withL1(0.01).withDropout(0.2),
                ModelConfig.preset("lecture").withShape(new int[] {6}, 2)
                        .withCorruption(Corruption.MASKING, 0.3),
        };
        for (ModelConfig c : configs) {
            ModelConfig small = new ModelConfig(c.name(), 12, c.hidden(), c.latentDim(), c.variational(),
                    c.activation(), c.codeActivation(), c.loss(), c.beta(), c.corruption(), c.corruptionLevel(),
                    c.l1(), c.dropout());
            try (Autoencoder m = new Autoencoder(be, small, 5)) {
                m.prepare(4);
                float[] x = new float[4 * 12];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (i * 7 % 11) / 10f;
                }
                be.upload(x, 0, m.input());
                ParameterSet ps = m.parameters();
                float[] clean = new float[ps.grads().length()], dirty = new float[clean.length];
                be.fill(ps.grads(), 0f);
                m.trainStep(3);
                be.download(ps.grads(), clean, 0);
                be.fill(ps.grads(), 123f); // garbage a forgotten zeroing would add to
                m.trainStep(3);
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
