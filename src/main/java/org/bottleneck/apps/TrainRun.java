package org.bottleneck.apps;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Splits;
import org.bottleneck.data.Standardization;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Safetensors;
import org.bottleneck.tensor.Shape;
import org.bottleneck.train.DataChecks;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.Progress;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.TrainConfigJson;
import org.bottleneck.train.TrainState;
import org.bottleneck.train.Trainer;
import org.bottleneck.train.TrainingCheckpoint;

/**
 * One training command end to end, shared by {@code train} and the image applications: opens
 * the data (with the standardization a resumed checkpoint stored), builds the model (fresh from
 * an architecture, or the checkpoint's with its optimizer and trainer state), checks that the
 * data fits before anything is written, trains with a checkpoint every epoch
 * ({@link TrainSession#run}), then evaluates the best model and draws the figures
 * ({@link TrainSession#finish}). Prints a short header and the test result to {@code log}, and for a
 * VAE its active latent units or the posterior-collapse warning ({@link LatentUsage}).
 */
public final class TrainRun {
    private TrainRun() {
    }

    /**
     * What the command decided.
     *
     * @param out        the run folder
     * @param resume     a {@code last.safetensors} to continue from, or null
     * @param epochs     on resume, a new total (null keeps the stored one)
     * @param lossEvery  read losses back every this many steps
     * @param trainLimit use the first N training samples (0 = all)
     * @param metadata   stored in every checkpoint beside the data's (e.g. the application's task)
     * @param reportImages test images the restoration report of a degrading run scores
     */
    public record Plan(Path out, Path resume, Integer epochs, int lossEvery, int trainLimit, Map<String, String> metadata,
                       int reportImages) {
    }

    /** The data, opened once, with the checkpoint's standardization or null (fitted on the training split). */
    public interface Data {
        Splits open(Standardization stored);

        /** The test split to evaluate on (perhaps limited). */
        Dataset test(Standardization stored);
    }

    /** How a fresh (not resumed) run is made. */
    public interface Fresh {
        /** @param unitInterval whether the data lies in [0, 1] (noise is clipped to it) */
        TrainConfig config(boolean unitInterval);

        /** The architecture from inputs of shape {@code input} to targets of {@code target}. */
        Architecture architecture(Dataset train, Shape input, Shape target);
    }

    public record Outcome(Path out, TrainConfig config, TrainState state, TrainSession.Finished finished) {
    }

    public static Outcome run(Backend backend, Plan plan, Data data, Fresh fresh, PrintStream log, Progress progress)
            throws IOException {
        Path resume = plan.resume();
        Safetensors.Contents ckpt = resume != null ? Checkpoint.read(resume) : null;
        String storedStd = ckpt != null ? ckpt.metadata().get(Standardization.METADATA_KEY) : null;
        Splits splits = data.open(storedStd == null ? null : Standardization.fromJson(storedStd, resume.toString()));
        Dataset train = splits.train().limit(plan.trainLimit());
        Dataset test = data.test(null);
        Model model;
        TrainConfig config;
        TrainState state;
        if (ckpt != null) {
            config = TrainConfigJson.read(ckpt.metadata().get(TrainConfigJson.METADATA_KEY), Checkpoint.legacyDegradation(ckpt),
                    plan.epochs(), plan.lossEvery(), train.unitInterval(), resume.toString());
            model = Checkpoint.load(resume, backend);
            state = TrainingCheckpoint.trainState(resume, ckpt);
        } else {
            config = fresh.config(train.unitInterval());
            Shape sample = train.sampleShape();
            Architecture a = fresh.architecture(train, config.pipeline().inputShape(sample), config.pipeline().targetShape(sample));
            a.layers(null, 0); // the shapes chain, or the error names the layer
            model = new Model(backend, a, config.seed());
            state = new TrainState();
        }
        try (model; Optimizer opt = Trainer.optimizerFor(model, config)) {
            DataChecks.fits(model, train, config.pipeline(), "training"); // before anything is written
            DataChecks.fits(model, test, config.pipeline(), "test");
            if (ckpt != null) {
                TrainingCheckpoint.loadOptimizer(resume, ckpt, opt);
            }
            log.println("model    " + model.architecture().describe() + "  (" + model.parameters().count() + " parameters)");
            if (!config.pipeline().isEmpty()) {
                log.println("pipeline " + config.pipeline().describe() + (config.pipeline().degrades()
                        ? " (targets: the clean samples)" : ""));
            }
            log.println("backend  " + backend.describe());
            log.println("data     " + splits.description());
            log.println("         training on " + train.size() + ", testing on " + test.size() + " samples");
            log.println("training " + config.epochs() + " epochs, batch " + config.batchSize() + ", " + opt.describe() + " lr "
                    + config.lr() + (state.epochsDone > 0 ? ", resuming after epoch " + state.epochsDone : "") + " → "
                    + plan.out());
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("data", splits.description());
            if (splits.standardization() != null) {
                meta.put(Standardization.METADATA_KEY, splits.standardization().toJson());
            }
            meta.putAll(plan.metadata());
            state = TrainSession.run(model, config, opt, state, train, test, plan.out(), meta, progress);
            if (state.stoppedEarly) {
                log.println("early stop: no improvement for " + config.patience() + " epochs (best epoch " + state.bestEpoch + ")");
            }
            TrainSession.Finished f = TrainSession.finish(model, state, train, test, plan.out(), config.pipeline(), config.seed(),
                    Trainer.evalBatch(config), plan.reportImages());
            var r = f.test();
            log.printf(Locale.ROOT, "test (best epoch %d): loss %.3f  recon %.3f  kl %.3f%s  mse/pixel %.5f%n",
                    state.bestEpoch, r.loss(), r.recon(), r.kl(),
                    model.isVariational() ? String.format(Locale.ROOT, "  -ELBO %.3f", r.negElbo()) : "", r.msePerPixel());
            if (model.isVariational() && config.pipeline().inputShape(test.sampleShape()).equals(test.sampleShape())) {
                log.println(latentLine(LatentUsage.measure(model, test, Trainer.evalBatch(config), LatentUsage.ACTIVE_THRESHOLD)));
            }
            return new Outcome(plan.out(), config, state, f);
        }
    }

    /** "latent   20 of 20 units active …", or the posterior-collapse warning. */
    static String latentLine(LatentUsage u) {
        String w = u.collapseWarning();
        return w != null ? "warning: " + w + " (details: bottleneck diagnose)"
                : String.format(Locale.ROOT, "latent   %d of %d units active, KL %.3f nats/image", u.active(), u.dims(),
                        u.totalKl());
    }
}
