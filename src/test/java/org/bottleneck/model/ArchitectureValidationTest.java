package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bottleneck.backend.Activation;
import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.nn.Dropout;
import org.bottleneck.nn.GaussianLatent;
import org.bottleneck.nn.Linear;
import org.bottleneck.tensor.Shape;
import org.bottleneck.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad architectures fail when parsed or built, with the offending layer and values in one
 * message; good ones survive a JSON round trip unchanged.
 */
class ArchitectureValidationTest {

    private static void assertIae(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    /** convae's JSON with one substring replaced. */
    private static String convae(String from, String to) {
        String json = Presets.get("convae").toJson();
        assertTrue(json.contains(from), "test setup: '" + from + "' not in " + json);
        return json.replace(from, to);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vae", "ae", "lecture", "convae", "convvae", "ae2d", "vae2d", "convae2d"})
    void presetsSurviveAJsonRoundTrip(String name) {
        Architecture a = Presets.get(name);
        assertEquals(a, Architecture.fromJson(a.toJson()));
        assertEquals(a, Architecture.fromJson(a.toPrettyJson()));
        assertEquals(Shape.of(a.input()), a.outputShape(), name + " reconstructs its input shape");
    }

    @Test
    void describeIsOneReadableLine() {
        assertEquals("convae [1, 28, 28] conv2d(32 k3 s2 p1 relu) conv2d(64 k3 s2 p1 relu) flatten → code 32 |"
                + " dense(3136 relu) unflatten([64,7,7]) conv_transpose2d(32 k3 s2 p1 op1 relu)"
                + " conv_transpose2d(1 k3 s2 p1 op1 identity) → bce", Presets.get("convae").describe());
        assertEquals("vae [784] dense(512 relu) dense(256 relu) → gaussian 2×20 β=1.0 | dense(256 relu) dense(512 relu)"
                + " dense(784 identity) → bce", Presets.get("vae").describe());
    }

    @Test
    void referenceShapesAreTheIssuesOnes() {
        try (Model m = new Model(TestBackends.cpu(), Presets.get("convae"), 1)) {
            assertEquals("[encoder.0.weight [32, 1, 3, 3], encoder.0.bias [32], encoder.2.weight [64, 32, 3, 3], "
                    + "encoder.2.bias [64], encoder.5.weight [32, 3136], encoder.5.bias [32], "
                    + "decoder.0.weight [3136, 32], decoder.0.bias [3136], decoder.3.weight [64, 32, 3, 3], "
                    + "decoder.3.bias [32], decoder.5.weight [32, 1, 3, 3], decoder.5.bias [1]]",
                    m.parameters().specs().stream().map(p -> p.name() + " " + p.shape()).toList().toString());
        }
        try (Model m = new Model(TestBackends.cpu(), Presets.get("convvae"), 1)) {
            assertEquals(Shape.of(32, 3136), m.parameters().specs().get(4).shape()); // Dense(3136 → 2×16)
            assertEquals(Shape.of(3136, 16), m.parameters().specs().get(6).shape());
        }
    }

    @Test
    void shapesThatDoNotChainNameTheLayerAndBothShapes() {
        // Unflatten(64,7,7) after a Dense(3000): 3000 ≠ 3136
        assertIae(() -> Architecture.fromJson(convae("{\"type\":\"dense\",\"out\":3136", "{\"type\":\"dense\",\"out\":3000")),
                "decoder layer 1", "unflatten", "[3000]", "[64, 7, 7]");
        // a dense layer on an image: needs a flatten first
        assertIae(() -> Architecture.fromJson(convae("{\"type\":\"flatten\"}", "{\"type\":\"upsample\",\"factor\":1}")),
                "latent head", "dense", "[64, 7, 7]", "flatten");
        // a conv layer whose input has the wrong channel count is impossible to write (channels are
        // inferred), but a kernel larger than the image is not
        assertIae(() -> Architecture.fromJson(convae("\"kernel\":3,\"stride\":2,\"padding\":1,\"activation\":\"relu\"}",
                "\"kernel\":31,\"stride\":2,\"padding\":1,\"activation\":\"relu\"}")),
                "encoder layer 0", "conv2d", "[1, 28, 28]", "31");
    }

    @Test
    void anImageSizeTheArchitectureCannotTakeNamesTheLayer() {
        // convae on 32×32 images: the encoder gives 64×8×8 = 4096 values into a Dense built for them,
        // but the decoder's Unflatten(64,7,7) then produces 28×28, not 32×32 — caught where the
        // shapes stop chaining or at the output check
        Architecture a = Architecture.fromJson(convae("\"input\":[1,28,28]", "\"input\":[1,32,32]"));
        assertEquals(Shape.of(1, 28, 28), a.outputShape());
        assertIae(() -> Architecture.fromJson(convae("\"input\":[1,28,28]", "\"input\":[1,27,28]")
                .replace("\"out\":3136", "\"out\":3000")), "decoder layer 1", "unflatten");
    }

    @Test
    void unknownKindsAndBadFieldsAreRefusedByName() {
        assertIae(() -> Architecture.fromJson(convae("\"type\":\"flatten\"", "\"type\":\"conv3d\"")),
                "encoder layer 2", "unknown layer type 'conv3d'", "conv2d");
        assertIae(() -> Architecture.fromJson(convae("\"out\":32,\"kernel\":3", "\"out\":-32,\"kernel\":3")),
                "encoder layer 0", "'out'", "-32");
        assertIae(() -> Architecture.fromJson(convae("\"output_padding\":1", "\"output_padding\":\"one\"")),
                "decoder layer 2", "output_padding", "\"one\"");
        assertIae(() -> Architecture.fromJson(convae("\"output_padding\":1", "\"output_padding\":2")),
                "decoder layer 2", "output padding");
        assertIae(() -> Architecture.fromJson(convae("\"activation\":\"relu\"", "\"activation\":\"gelu\"")),
                "encoder layer 0", "'gelu'");
        assertIae(() -> Architecture.fromJson(convae("\"output\":\"bce\"", "\"output\":\"l2\"")), "'l2'");
        assertIae(() -> Architecture.fromJson(convae("\"type\":\"code\"", "\"type\":\"vq\"")), "latent", "'vq'");
        assertIae(() -> Architecture.fromJson("{not json"), "not valid JSON");
        assertIae(() -> Architecture.fromJson(convae(",\"decoder\":", ",\"decodr\":")), "missing field 'decoder'");
        assertIae(() -> Architecture.fromJson(convae("\"input\":[1,28,28]", "\"input\":[1,0,28]")), "input", "[1,0,28]");
        assertIae(() -> Architecture.fromJson(convae("\"padding\":1,", "\"padding\":1,\"bias\":\"no\",")),
                "encoder layer 0", "'bias'", "true or false", "\"no\"");
        // a field the kind does not take fails rather than being ignored: a dense layer has no "bias" flag
        assertIae(() -> Architecture.fromJson(convae("\"type\":\"dense\",", "\"type\":\"dense\",\"bias\":false,")),
                "decoder layer 0", "dense has no field 'bias'", "activation", "out");
        assertIae(() -> Architecture.fromJson(convae("\"padding\":1,", "\"pading\":1,")),
                "encoder layer 0", "conv2d has no field 'pading'", "padding");
    }

    /** "bias": false and "center" survive the round trip, show in describe(), and drop the bias parameters. */
    @Test
    void biasFreeConvolutionsAfterACentringLayer() {
        String json = convae("\"encoder\":[", "\"encoder\":[{\"type\":\"center\"},")
                .replace("\"padding\":1,", "\"padding\":1,\"bias\":false,");
        Architecture a = Architecture.fromJson(json);
        assertEquals(a, Architecture.fromJson(a.toJson()));
        assertTrue(a.toJson().contains("\"bias\":false"), a.toJson());
        assertFalse(Presets.get("convae").toJson().contains("bias"), "a layer with a bias does not write the field");
        assertTrue(a.describe().startsWith("convae [1, 28, 28] center conv2d(32 k3 s2 p1 relu bias=false)"), a.describe());
        try (Model m = new Model(TestBackends.cpu(), a, 1)) {
            List<String> names = m.parameters().specs().stream().map(org.bottleneck.nn.ParamSpec::name).toList();
            assertFalse(names.contains("encoder.1.bias"), names.toString());
            assertTrue(names.contains("encoder.1.weight"), names.toString());
            assertTrue(names.contains("decoder.0.bias"), "the dense layer keeps its bias: " + names);
        }
    }

    @Test
    void aConvModelOnVectorDataSaysSo() {
        assertIae(() -> Architecture.fromJson(convae("\"input\":[1,28,28]", "\"input\":[784]")),
                "encoder layer 0", "conv2d", "needs images", "vector data");
    }

    @Test
    void headAndLayerValuesInRange() {
        assertIae(() -> LatentHead.gaussian(0, 1), "latent size", "0");
        assertIae(() -> LatentHead.gaussian(3, -1), "beta=-1.0");
        assertIae(() -> LatentHead.gaussian(3, Double.NaN), "beta=NaN");
        assertIae(() -> LatentHead.code(3, Activation.RELU, -0.01), "l1=-0.01");
        assertIae(() -> new LatentHead(false, 3, Activation.IDENTITY, 2.0, 0), "beta 2.0", "gaussian");
        assertIae(() -> Pipeline.parse(null, "masking=1.5", true), "masking=1.5", "1.5");
        assertIae(() -> Pipeline.parse(null, "gaussian=-0.5", true), "-0.5");
        assertIae(() -> Pipeline.parse(null, "salt=0.1", true), "'salt=0.1'", "unknown transform");
        assertIae(() -> new Dropout(TestBackends.cpu(), 1f, 1), "[0, 1)", "1.0");
        assertIae(() -> Presets.get("vea"), "'vea'", "convae");
        assertIae(() -> Activation.parse("gelu"), "'gelu'");
        assertIae(() -> new Linear(TestBackends.cpu(), 0, 3, Activation.RELU), "in=0", "out=3");
        assertIae(() -> Shape.of(3, -1), "[3, -1]");
    }

    @Test
    void modelAndLayerShapes() {
        Backend be = TestBackends.cpu();
        try (Model m = new Model(be, Presets.get("lecture"), 1)) {
            assertIae(() -> m.prepare(0), "batch", "0");
            assertIae(() -> m.prepare(-3), "-3");
            m.prepare(2);
            assertIae(() -> m.trainStep(0, m.codeInput()), "target", "[2, 10]", "[2, 784]");
        }
        assertIae(() -> new GaussianLatent(be, 3, 1).outputShape(Shape.of(4, 5)), "Z=3", "[4, 5]");
        assertIae(() -> new Linear(be, 7, 3, Activation.RELU).outputShape(Shape.of(4, 6)), "7", "[4, 6]");
    }
}
