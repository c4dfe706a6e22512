package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.testing.TestBackends;
import org.bottleneck.train.EvalResult;
import org.bottleneck.train.Evaluator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Version-1 checkpoints, written by the code this redesign replaced (src/test/resources/v1,
 * see expected.json for how), load as their equivalent architectures and evaluate to the very
 * numbers the old code computed: bit for bit, since the same float32 ops run in the same order.
 * The CLI test resumes them. And a v2 file with a missing or misshapen tensor fails naming it.
 */
class CheckpointV1Test {
    private static JsonNode expected;
    private static Dataset test;

    @BeforeAll
    static void load() throws IOException {
        expected = new ObjectMapper().readTree(Path.of("src/test/resources/v1/expected.json").toFile());
        test = Mnist.load(Path.of("data/mnist"), false).slice(0, 500);
    }

    static Path v1(String name) {
        return Path.of("src/test/resources/v1/" + name + "-last.safetensors");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vae", "ae", "lecture"})
    void evaluatesToTheNumbersOfVersionOne(String name) {
        JsonNode e = expected.get("eval").get(name);
        Backend be = TestBackends.cpu();
        try (Model m = Checkpoint.load(v1(name), be)) {
            EvalResult r = Evaluator.evaluate(m, test, 1000);
            assertEquals(e.get("recon").asDouble(), r.recon(), name + " recon");
            assertEquals(e.get("kl").asDouble(), r.kl(), name + " kl");
            assertEquals(e.get("penalty").asDouble(), r.penalty(), name + " l1 penalty");
            assertEquals(e.get("loss").asDouble(), r.loss(), name + " loss");
            // v1 took the sigmoid in double on the host, the model now in float on the backend:
            // each pixel moves by ≤ 1 float ulp (6e-8), the mean squared error by ≤ 1e-7 relative.
            assertEquals(e.get("mse_per_pixel").asDouble(), r.msePerPixel(), 1e-7 * e.get("mse_per_pixel").asDouble(),
                    name + " mse/pixel");
            if (m.isVariational()) {
                assertEquals(e.get("nll_k5").asDouble(), Evaluator.importanceSampledNll(m, test, 1000, 5), name + " NLL");
            }
            assertTrue(r.recon() > 50, "a vacuous evaluation: recon " + r.recon());
        }
    }

    @Test
    void readsAsTheEquivalentArchitecture() {
        Safetensors.Contents c = Checkpoint.read(v1("ae"));
        Architecture a = Checkpoint.architecture(v1("ae"), c);
        assertEquals("custom [784] dense(40 relu) dropout(p0.1) → code 6 l1=0.01 | dense(40 relu) dropout(p0.1)"
                + " dense(784 identity) → bce", a.describe());
        assertEquals("masking=0.2", Checkpoint.legacyDegradation(c));
        Architecture lecture = Checkpoint.architecture(v1("lecture"), Checkpoint.read(v1("lecture")));
        assertEquals(OutputKind.SIGMOID_MSE, lecture.output());
    }

    @Test
    void aV2FileWithAMissingOrMisshapenTensorIsRefusedByName(@TempDir Path dir) {
        Backend be = TestBackends.cpu();
        try (Model m = new Model(be, Presets.get("convae"), 3)) {
            Path good = dir.resolve("good.safetensors");
            Checkpoint.save(good, m, null, null);
            Safetensors.Contents c = Checkpoint.read(good);
            assertEquals(Checkpoint.FORMAT, c.metadata().get("format"));

            Map<String, Safetensors.NamedTensor> tensors = new LinkedHashMap<>(c.tensors());
            tensors.remove("decoder.3.weight");
            Path missing = dir.resolve("missing.safetensors");
            Safetensors.write(missing, List.copyOf(tensors.values()), c.metadata());
            CheckpointException e1 = assertThrows(CheckpointException.class, () -> Checkpoint.load(missing, be));
            assertTrue(e1.getMessage().contains("missing decoder.3.weight [64, 32, 3, 3]"), e1.getMessage());

            tensors = new LinkedHashMap<>(c.tensors());
            tensors.put("encoder.0.weight", new Safetensors.NamedTensor("encoder.0.weight", new int[] {32, 3, 3, 3},
                    new float[32 * 27]));
            Path wrong = dir.resolve("wrong.safetensors");
            Safetensors.write(wrong, List.copyOf(tensors.values()), c.metadata());
            CheckpointException e2 = assertThrows(CheckpointException.class, () -> Checkpoint.load(wrong, be));
            assertTrue(e2.getMessage().contains("encoder.0.weight has shape [32, 3, 3, 3], model expects [32, 1, 3, 3]"),
                    e2.getMessage());

            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            meta.put("architecture", meta.get("architecture").replace("\"conv2d\"", "\"conv9d\""));
            Path unknownKind = dir.resolve("kind.safetensors");
            Safetensors.write(unknownKind, List.copyOf(c.tensors().values()), meta);
            CheckpointException e3 = assertThrows(CheckpointException.class, () -> Checkpoint.load(unknownKind, be));
            assertTrue(e3.getMessage().contains("unknown layer type 'conv9d'"), e3.getMessage());

            meta = new LinkedHashMap<>(c.metadata());
            meta.put("format", "bottleneck-checkpoint-7");
            Path unknownFormat = dir.resolve("format.safetensors");
            Safetensors.write(unknownFormat, List.copyOf(c.tensors().values()), meta);
            CheckpointException e4 = assertThrows(CheckpointException.class, () -> Checkpoint.read(unknownFormat));
            assertTrue(e4.getMessage().contains("format=bottleneck-checkpoint-7"), e4.getMessage());
        }
        assertTrue(Files.exists(dir.resolve("good.safetensors")));
    }
}
