package org.bottleneck.apps;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Splits;
import org.bottleneck.data.Standardization;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Shape;
import org.bottleneck.train.Progress;
import org.bottleneck.train.TrainConfig;

/**
 * Trains the models {@code project} embeds with when it is given no checkpoints: each preset on
 * the first {@code fitLimit} training samples (the samples PCA is fitted on), validated on the
 * training samples after them — as many as the test split holds (MNIST: 50,000–59,999) — which
 * pick the best epoch, so the test split stays unseen until scoring; with none left over, the
 * test split validates, as in {@code train}.
 * Each run is a full {@code train} run folder, {@code <dir>/<preset>/}.
 */
public final class ProjectionModels {
    private ProjectionModels() {
    }

    /**
     * Trains {@code preset} and returns its best checkpoint.
     *
     * @param dims the embedding size: the preset's code must have at least as many values
     */
    public static Path train(Backend backend, String preset, int dims, TrainConfig config, TrainRun.Data data,
                             int fitLimit, int lossEvery, Path dir, PrintStream log, Progress progress) throws IOException {
        TrainRun.Data heldOut = new TrainRun.Data() {
            public Splits open(Standardization stored) {
                return data.open(stored);
            }

            public Dataset test(Standardization stored) {
                Dataset train = data.open(stored).train(), test = data.test(stored);
                return fitLimit > 0 && train.size() > fitLimit ? train.slice(fitLimit, Math.min(train.size(), fitLimit + test.size())) : test;
            }
        };
        TrainRun.Plan plan = new TrainRun.Plan(dir.resolve(preset), null, null, lossEvery, fitLimit, Map.of(),
                TrainSession.REPORT_IMAGES);
        log.println("training " + preset + " for the projection → " + plan.out());
        TrainRun.run(backend, plan, heldOut, new TrainRun.Fresh() {
            public TrainConfig config(boolean unitInterval) {
                return config;
            }

            public Architecture architecture(Dataset train, Shape input, Shape target) {
                Architecture a = Presets.get(preset, input, target, train.unitInterval());
                if (a.latent().size() < dims) {
                    throw new IllegalArgumentException("--dims " + dims + " is larger than the code of model '" + preset
                            + "' (" + a.latent().size() + " values); pick a preset with a larger code");
                }
                return a;
            }
        }, log, progress);
        return plan.out().resolve("best.safetensors");
    }
}
