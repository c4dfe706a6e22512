package org.bottleneck.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bottleneck.apps.TrainSession;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.cli.Main;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Model;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.tensor.Shape;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Presets;
import org.bottleneck.model.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run stopped after epoch 1 and resumed from its {@code last.safetensors} ends bit-identical
 * to a run that trained both epochs straight: same parameters, same optimizer moments, same
 * metrics. Every random draw (init, shuffling, VAE noise, dropout) derives from the seed and
 * the step, every transform of the pipeline from (seed, epoch, sample index), and the
 * checkpoint carries the step and the optimizer state.
 */
class ResumeTest {
    private static Backend backend;
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void load() {
        backend = Backends.open("cpu", 0);
        train = Mnist.load(Path.of("data/mnist"), true).slice(0, 1000);
        test = Mnist.load(Path.of("data/mnist"), false).slice(0, 200);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static Architecture model(String kind) {
        return switch (kind) {
            case "vae" -> Presets.get("vae");
            // masking noise (in config) and dropout: two more random streams that must continue exactly
            case "ae-masking-dropout" -> Presets.denseRecipe("ae").build("ae", 0.1);
            // every augmentation and degradation kind, box holes with the loss on the hole (a mask)
            case "ae-pipeline" -> Presets.denseRecipe("ae").withHidden(new int[] {64}).build("ae", 0);
            // super-resolution: 14×14 bilinear-downsampled inputs → 28×28 targets
            case "ae-superres" -> Presets.denseRecipe("ae", Shape.of(1, 14, 14), Shape.of(1, 28, 28), true)
                    .withHidden(new int[] {64}).build("ae", 0);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Batch 100: 10 steps per epoch on 1000 images, which keeps this fast. */
    private static TrainConfig config(String kind, int epochs) {
        Pipeline p = switch (kind) {
            case "ae-masking-dropout" -> Pipeline.parse(null, "masking=0.2", true);
            case "ae-pipeline" -> Pipeline.parse("crop=28,flip", "box=4-9,gaussian=0.2,salt-pepper=0.05,masking=0.1", true);
            case "ae-superres" -> Pipeline.parse(null, "down=2:bilinear", true);
            default -> Pipeline.NONE;
        };
        return new TrainConfig(epochs, 100, 1e-3, "adam", 0, 0.9, Schedule.constant(), 0, 0, 42, 1, p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vae", "ae-masking-dropout", "ae-pipeline", "ae-superres"})
    void oneEpochPlusResumeEqualsTwoEpochs(String kind, @TempDir Path tmp) throws Exception {
        Architecture mc = model(kind);
        Path straight = tmp.resolve("straight"), split = tmp.resolve("split");

        TrainState a;
        float[] paramsA, afterOne, loaded;
        try (Model m = new Model(backend, mc, 42); Optimizer opt = Trainer.optimizerFor(m, config(kind, 2))) {
            a = TrainSession.run(m, config(kind, 2), opt, new TrainState(), train, test, straight, Progress.NONE);
            paramsA = values(m);
        }

        try (Model m = new Model(backend, mc, 42); Optimizer opt = Trainer.optimizerFor(m, config(kind, 1))) {
            TrainState s = TrainSession.run(m, config(kind, 1), opt, new TrainState(), train, test, split, Progress.NONE);
            assertEquals(1, s.epochsDone);
            afterOne = values(m);
        }
        Path last = split.resolve(TrainSession.LAST);
        Safetensors.Contents c = Checkpoint.read(last);
        TrainState b;
        float[] paramsB;
        try (Model m = Checkpoint.load(last, backend); Optimizer opt = Trainer.optimizerFor(m, config(kind, 2))) {
            loaded = values(m);
            TrainingCheckpoint.loadOptimizer(last, c, opt);
            TrainState resumed = TrainingCheckpoint.trainState(last, c);
            assertEquals(1, resumed.epochsDone);
            assertEquals(10, resumed.step);
            b = TrainSession.run(m, config(kind, 2), opt, resumed, train, test, split, Progress.NONE);
            paramsB = values(m);
        }

        assertEquals(2, a.epochsDone);
        assertEquals(2, b.epochsDone);
        assertEquals(a.step, b.step);
        assertBitsEqual(paramsA, paramsB, kind + " parameters");
        for (int e = 0; e < 2; e++) {
            assertEquals(withoutTiming(a.history.get(e)), withoutTiming(b.history.get(e)), kind + " epoch " + (e + 1));
        }
        assertEquals(a.bestValLoss, b.bestValLoss);
        assertEquals(a.bestEpoch, b.bestEpoch);

        // the files agree too: every tensor of last.safetensors (parameters and Adam moments)
        Safetensors.Contents fa = Checkpoint.read(straight.resolve(TrainSession.LAST));
        Safetensors.Contents fb = Checkpoint.read(last);
        assertEquals(fa.tensors().keySet(), fb.tensors().keySet());
        for (String name : fa.tensors().keySet()) {
            assertBitsEqual(fa.tensors().get(name).data(), fb.tensors().get(name).data(), kind + " " + name);
        }
        assertEquals(fa.metadata().get("optimizer_steps"), fb.metadata().get("optimizer_steps"));

        // not vacuous: the checkpoint restored exactly what epoch 1 left, and epoch 2 changed it
        assertBitsEqual(afterOne, loaded, kind + " parameters loaded from last.safetensors");
        assertTrue(!Arrays.equals(afterOne, paramsB), "epoch 2 left the parameters unchanged");
        assertNotEquals(a.history.get(0).valLoss(), a.history.get(1).valLoss());
    }

    /** The same through the CLI: {@code train --epochs 1}, then {@code train --resume … --epochs 2}. */
    @Test
    void cliResumeEqualsAStraightRun(@TempDir Path tmp) throws Exception {
        String[] common = {"--device", "cpu", "--data", "data/mnist", "--train-limit", "1000", "--test-limit", "200",
                "--batch", "100", "--model", "lecture", "--no-progress"};
        Path straight = tmp.resolve("straight"), split = tmp.resolve("split");
        assertEquals(0, Main.run(concat(new String[] {"train", "--epochs", "2", "--out", straight.toString()}, common)));
        assertEquals(0, Main.run(concat(new String[] {"train", "--epochs", "1", "--out", split.toString()}, common)));
        assertEquals(0, Main.run("train", "--device", "cpu", "--data", "data/mnist", "--train-limit", "1000",
                "--test-limit", "200", "--no-progress", "--resume", split.resolve("last.safetensors").toString(),
                "--epochs", "2", "--out", split.toString()));

        Safetensors.Contents fa = Checkpoint.read(straight.resolve("last.safetensors"));
        Safetensors.Contents fb = Checkpoint.read(split.resolve("last.safetensors"));
        assertEquals(fa.tensors().keySet(), fb.tensors().keySet());
        for (String name : fa.tensors().keySet()) {
            assertBitsEqual(fa.tensors().get(name).data(), fb.tensors().get(name).data(), name);
        }
        List<String> ca = Files.readAllLines(straight.resolve("metrics.csv"));
        List<String> cb = Files.readAllLines(split.resolve("metrics.csv"));
        assertEquals(3, ca.size());
        assertEquals(3, cb.size());
        for (int row = 1; row <= 2; row++) {
            assertEquals(withoutTiming(EpochMetrics.fromCsv(ca.get(row))), withoutTiming(EpochMetrics.fromCsv(cb.get(row))),
                    "metrics.csv row " + row);
        }
    }

    /** The metrics that depend on the computation only (not on the wall clock). */
    private static List<Double> withoutTiming(EpochMetrics m) {
        return List.of((double) m.epoch(), m.lr(), m.trainLoss(), m.trainRecon(), m.trainKl(), m.valLoss(),
                m.valRecon(), m.valKl());
    }

    private static float[] values(Model m) {
        float[] v = new float[m.parameters().values().length()];
        backend.download(m.parameters().values(), v, 0);
        return v;
    }

    private static void assertBitsEqual(float[] a, float[] b, String what) {
        assertEquals(a.length, b.length, what + ": length");
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                throw new AssertionError(what + ": element " + i + " differs: " + a[i] + " vs " + b[i]
                        + " (bits " + Integer.toHexString(Float.floatToRawIntBits(a[i])) + " vs "
                        + Integer.toHexString(Float.floatToRawIntBits(b[i])) + ")");
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
