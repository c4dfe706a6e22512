package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bottleneck.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The architecture files the README points to parse, chain, and say what the presets say. */
class ArchitectureFilesTest {
    private static final Path DIR = Path.of("docs/architectures");

    @Test
    void everyShippedFileIsAValidArchitecture() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "expected the example files in " + DIR + ", found " + files);
        for (Path f : files) {
            Architecture a = Architecture.read(f);
            if (a.output() == OutputKind.RESIDUAL_BICUBIC_MSE) { // super-resolution: 2× the input's size
                int[] in = a.input();
                assertEquals(Shape.of(in[0], 2 * in[1], 2 * in[2]), a.outputShape(), f + " doubles its input");
            } else {
                assertEquals(Shape.of(a.input()), a.outputShape(), f + " reconstructs its input shape");
            }
        }
    }

    /** The biased super-resolution file is the superres preset of MNIST 2× as it was, with biases and no centring. */
    @Test
    void theBiasedSuperresFileIsThePresetWithBiases() {
        Architecture file = Architecture.read(DIR.resolve("superres2-mnist-biased.json"));
        Architecture preset = TaskPresets.superres("superres", Shape.of(1, 14, 14), Shape.of(1, 28, 28), true);
        String withBiases = preset.toJson().replace("{\"type\":\"center\"},", "").replace(",\"bias\":false", "");
        assertEquals(Architecture.fromJson(withBiases), file);
    }

    @Test
    void thePresetFilesAreThePresets() {
        for (String name : List.of("convae", "convvae")) {
            assertEquals(Presets.get(name), Architecture.read(DIR.resolve(name + ".json")), name);
        }
    }
}
