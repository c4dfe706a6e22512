package org.bottleneck.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.bottleneck.apps.TrainRun;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.train.Schedule;
import org.bottleneck.train.TrainConfig;
import picocli.CommandLine.Option;

/** How to train, shared by {@code train} and the image applications (denoise, superres, colorize, inpaint). */
public final class TrainingOptions {
    static final int DEFAULT_EPOCHS = 10;

    @Option(names = "--epochs", description = "Epochs. Default: " + DEFAULT_EPOCHS + " (on --resume: the stored total).")
    Integer epochs;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw or sgd. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (decoupled for adamw). Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant, step or cosine. Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--step-epochs", defaultValue = "5", description = "Step schedule: epochs between decays. Default: ${DEFAULT-VALUE}.")
    int stepEpochs;

    @Option(names = "--gamma", defaultValue = "0.5", description = "Step schedule: decay factor. Default: ${DEFAULT-VALUE}.")
    double gamma;

    @Option(names = "--clip", defaultValue = "0", description = "Clip the gradient norm to this (0 = off). Default: ${DEFAULT-VALUE}.")
    double clip;

    @Option(names = "--patience", defaultValue = "0", description = "Early stopping: epochs without improvement (0 = off). Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every random draw. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", description = "Output folder. Default: runs/<model or command>, or the folder of --resume.")
    Path out;

    @Option(names = "--resume", description = "Continue from a last.safetensors exactly as if never stopped (--epochs may raise the total).")
    Path resume;

    @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N training samples (0 = all). Default: ${DEFAULT-VALUE}.")
    int trainLimit;

    @Option(names = "--loss-every", description = "Read losses back every N steps. Default: 1 on CPU, 20 on CUDA.")
    Integer lossEvery;

    @Option(names = "--no-progress", description = "No progress bar (one line per epoch only).")
    boolean noProgress;

    /** The run folder: --out, else the folder of --resume, else runs/{@code name}. */
    Path outDir(String name) {
        if (out != null) {
            return out;
        }
        Path parent = resume != null ? resume.toAbsolutePath().getParent() : null;
        return parent != null ? parent : Path.of("runs", name);
    }

    int lossEvery(Backend backend) {
        return lossEvery != null ? lossEvery : backend.name().equals("cuda") ? 20 : 1;
    }

    TrainRun.Plan plan(Backend backend, String name, Map<String, String> metadata, int reportImages) {
        return new TrainRun.Plan(outDir(name), resume, epochs, lossEvery(backend), trainLimit, metadata, reportImages);
    }

    /** A fresh run's configuration through {@code pipeline}. */
    TrainConfig config(Backend backend, Pipeline pipeline) {
        return new TrainConfig(epochs != null ? epochs : DEFAULT_EPOCHS, batch, lr, optimizer.toLowerCase(Locale.ROOT),
                weightDecay, momentum, new Schedule(schedule, stepEpochs, gamma), clip, patience, seed, lossEvery(backend),
                pipeline);
    }

    ConsoleProgress progress() {
        return new ConsoleProgress(System.out, !noProgress && System.console() != null);
    }
}
