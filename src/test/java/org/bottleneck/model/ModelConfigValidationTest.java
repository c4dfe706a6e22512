package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.nn.Dropout;
import org.bottleneck.nn.GaussianLatent;
import org.bottleneck.nn.Linear;
import org.bottleneck.tensor.Shape;
import org.bottleneck.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad model definitions fail at construction with the offending values in the message. */
class ModelConfigValidationTest {

    private static ModelConfig cfg(int d, int[] hidden, int z, double beta, double l1, double level, double dropout) {
        return new ModelConfig("m", d, hidden, z, true, Activation.RELU, Activation.IDENTITY, LossKind.BCE,
                beta, Corruption.GAUSSIAN, level, l1, dropout);
    }

    private static void assertIae(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void sizesMustBePositive() {
        assertIae(() -> cfg(-784, new int[] {5}, 3, 1, 0, 0, 0), "D=-784", "Z=3");
        assertIae(() -> cfg(784, new int[] {5}, 0, 1, 0, 0, 0), "Z=0");
        assertIae(() -> cfg(784, new int[] {5}, -2, 1, 0, 0, 0), "Z=-2");
        assertIae(() -> cfg(784, new int[] {512, -1}, 3, 1, 0, 0, 0), "hidden", "[512, -1]");
        assertIae(() -> cfg(784, new int[] {0}, 3, 1, 0, 0, 0), "hidden", "[0]");
        assertIae(() -> new Linear(TestBackends.cpu(), 0, 3, Activation.RELU), "in=0", "out=3");
        assertIae(() -> Shape.of(3, -1), "[3, -1]");
    }

    @Test
    void probabilitiesAndWeightsInRange() {
        assertIae(() -> cfg(7, new int[] {5}, 3, 1, 0, 0, 1.0), "dropout=1.0");
        assertIae(() -> cfg(7, new int[] {5}, 3, 1, 0, 0, 1.5), "dropout=1.5");
        assertIae(() -> cfg(7, new int[] {5}, 3, 1, 0, 0, -0.1), "dropout=-0.1");
        assertIae(() -> cfg(7, new int[] {5}, 3, 1, 0, 0, Double.NaN), "dropout=NaN");
        assertIae(() -> cfg(7, new int[] {5}, 3, -1, 0, 0, 0), "beta=-1.0");
        assertIae(() -> cfg(7, new int[] {5}, 3, Double.NaN, 0, 0, 0), "beta=NaN");
        assertIae(() -> cfg(7, new int[] {5}, 3, 1, -0.01, 0, 0), "l1=-0.01");
        assertIae(() -> cfg(7, new int[] {5}, 3, 1, 0, -0.5, 0), "corruption=-0.5");
        assertIae(() -> new Dropout(TestBackends.cpu(), 1f, 1), "[0, 1)", "1.0");
        assertIae(() -> cfg(7, new int[] {5}, 3, 1, 0, 0, 0.99).withDropout(1.0), "dropout=1.0");
    }

    @Test
    void namesAndJson() {
        assertIae(() -> ModelConfig.preset("vea"), "'vea'", "vae");
        assertIae(() -> Activation.parse("gelu"), "'gelu'");
        assertIae(() -> LossKind.parse("l2"), "'l2'");
        assertIae(() -> Corruption.parse("salt"), "'salt'");
        assertIae(() -> ModelConfig.fromJson("{not json"), "not valid JSON");
        String json = ModelConfig.preset("lecture").toJson();
        assertEquals(ModelConfig.preset("lecture"), ModelConfig.fromJson(json));
        assertIae(() -> ModelConfig.fromJson(json.replace("\"latent_dim\":10,", "")), "latent_dim");
        assertIae(() -> ModelConfig.fromJson(json.replace("\"latent_dim\":10", "\"latent_dim\":-10")), "Z=-10");
    }

    @Test
    void modelAndLayerShapes() {
        Backend be = TestBackends.cpu();
        try (Autoencoder m = new Autoencoder(be, cfg(7, new int[] {5}, 3, 1, 0, 0.1, 0.2), 1)) {
            assertIae(() -> m.prepare(0), "batch", "0");
            assertIae(() -> m.prepare(-3), "-3");
        }
        assertIae(() -> new GaussianLatent(be, 3, 1).outputShape(Shape.of(4, 5)), "Z=3", "[4, 5]");
        assertIae(() -> new Linear(be, 7, 3, Activation.RELU).outputShape(Shape.of(4, 6)), "7", "[4, 6]");
    }
}
