package org.bottleneck.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Model;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Presets;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.Progress;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.TrainState;
import org.bottleneck.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Java API" snippet, line for line, on a slice of MNIST: it must keep compiling and working. */
class ReadmeApiExampleTest {

    @Test
    void readmeSnippetRuns(@TempDir Path dir) throws Exception {
        TrainConfig config = TrainConfig.defaults(1);
        try (Backend backend = Backends.open("cpu", 0);
             Model vae = new Model(backend, Presets.get("vae"), 42);
             Optimizer adam = Trainer.optimizerFor(vae, config)) {
            Dataset train = Mnist.load(Path.of("data/mnist"), true).slice(0, 1000);
            Dataset test = Mnist.load(Path.of("data/mnist"), false).slice(0, 200);
            TrainState state = new Trainer(vae, config, adam, Progress.NONE, (s, o, best) -> { })
                    .fit(train, test, new TrainState());
            Checkpoint.save(dir.resolve("vae.safetensors"), vae, null, null);
            Codec codec = new Codec(vae);
            float[] image = Figures.images(test, 0, 1);
            float[] code = new float[20];
            codec.encode(image, code);
            float[] digits = codec.decode(codec.sampleCodes(16, 7, null, null), 16);

            assertEquals(1, state.epochsDone);
            assertEquals(16 * 784, digits.length);
            double norm = 0;
            for (float c : code) {
                norm += c * c;
            }
            assertTrue(norm > 0, "the code of a real digit is not all zeros");
            try (Model again = Checkpoint.load(dir.resolve("vae.safetensors"), backend)) {
                float[] code2 = new float[20];
                new Codec(again).encode(image, code2);
                assertEquals(java.util.Arrays.toString(code), java.util.Arrays.toString(code2),
                        "a saved and reloaded model encodes identically");
            }
        }
    }
}
