package org.bottleneck.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.bottleneck.apps.Projection;
import org.bottleneck.apps.ProjectionModels;
import org.bottleneck.apps.ProjectionReport;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Splits;
import org.bottleneck.data.Standardization;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.train.Schedule;
import org.bottleneck.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "project", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Low-dimensional embeddings side by side: PCA (ours: covariance + LAPACK dsyevd), and the code of each "
                + "autoencoder or VAE (its mean), scored as Sainburg et al. 2021 (Parametric UMAP):",
                "fit on the first --fit-limit training samples; k-NN accuracy (classifiers fitted on the training embeddings, "
                        + "scored on the test embeddings); trustworthiness and continuity (k = --neighbours) on the first "
                        + "--metric-points test samples; reconstruction error ‖x − x̂‖² at the same dims.",
                "Models: -c CHECKPOINT (repeat it) projects trained models; without -c, the --models presets are trained first "
                        + "(on the fitted samples, validated on the rest of the training split) into --out/<model>/.",
                "Writes to --out: projection.md/.json (metrics), projection.png (all methods), embedding_<method>.png, "
                        + "embeddings_train.csv, embeddings_test.csv. Needs labelled data."})
public final class ProjectCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = {"-c", "--checkpoint"}, description = "A trained model to project (repeatable; its code must have at "
            + "least --dims values). Default: none, then the --models are trained.")
    List<Path> checkpoints = new ArrayList<>();

    @Option(names = "--models", split = ",", defaultValue = "ae2d,vae2d",
            description = "Presets trained when no -c is given (ae2d, vae2d, convae2d, or any preset). Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(names = "--dims", defaultValue = "2", description = "Embedding dimension k. Default: ${DEFAULT-VALUE}.")
    int dims;

    @Option(names = "--fit-limit", defaultValue = "50000",
            description = "Fit on the first N training samples (0 = all). Default: ${DEFAULT-VALUE}.")
    int fitLimit;

    @Option(names = "--metric-points", defaultValue = "10000",
            description = "Test samples for trustworthiness and continuity. Default: ${DEFAULT-VALUE}.")
    int metricPoints;

    @Option(names = "--neighbours", defaultValue = "5", description = "k of trustworthiness and continuity. Default: ${DEFAULT-VALUE}.")
    int neighbours;

    @Option(names = "--knn", split = ",", defaultValue = "1,5", description = "k of the k-NN classifiers. Default: ${DEFAULT-VALUE}.")
    int[] knn;

    @Option(names = "--out", defaultValue = "runs/project", description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--epochs", defaultValue = "10", description = "Training: epochs per model. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "Training: batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Training: Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--schedule", defaultValue = "cosine", description = "Training: constant, step or cosine. Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--seed", defaultValue = "42", description = "Training: seed of every random draw. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--no-progress", description = "Training: no progress bar, one line per epoch. Default: a bar when writing to a terminal.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (fitLimit < 0) {
            throw new IllegalArgumentException("--fit-limit must be ≥ 0, got " + fitLimit);
        }
        for (int k : knn) {
            if (k < 1) {
                throw new IllegalArgumentException("--knn values must be ≥ 1, got " + k);
            }
        }
        if (neighbours < 1) {
            throw new IllegalArgumentException("--neighbours must be ≥ 1, got " + neighbours);
        }
        if (dims < 1) {
            throw new IllegalArgumentException("--dims must be ≥ 1, got " + dims);
        }
        Projection.Settings settings = new Projection.Settings(dims, fitLimit == 0 ? Integer.MAX_VALUE : fitLimit,
                metricPoints, neighbours, knn);
        try (Backend backend = common.backend()) {
            List<Path> paths = new ArrayList<>(checkpoints);
            Standardization std = storedStandardization(paths);
            Splits splits = common.data.open(std);
            requireLabels(splits);
            if (paths.isEmpty()) {
                int lossEvery = backend.name().equals("cuda") ? 20 : 1;
                TrainConfig config = new TrainConfig(epochs, batch, lr, "adam", 0, 0.9,
                        new Schedule(schedule.toLowerCase(Locale.ROOT), 5, 0.5), 0, 0, seed, lossEvery, Pipeline.NONE);
                for (String m : models) {
                    paths.add(ProjectionModels.train(backend, m.trim(), dims, config, common.data.source(),
                            fitLimit, lossEvery, out, System.out,
                            new ConsoleProgress(System.out, !noProgress && System.console() != null)));
                }
            }
            List<Model> loaded = new ArrayList<>();
            try {
                List<Projection.Method> methods = new ArrayList<>();
                Map<String, Integer> seen = new HashMap<>();
                for (Path p : paths) {
                    Model m = Checkpoint.load(p, backend);
                    loaded.add(m);
                    String name = m.architecture().name();
                    int k = seen.merge(name, 1, Integer::sum);
                    methods.add(new Projection.Method(k == 1 ? name : name + "-" + k, m));
                }
                Projection.Result r = Projection.run(settings, splits.train(), common.data.test(std), methods,
                        splits.description(), System.out);
                List<String> wrote = ProjectionReport.write(r, out);
                System.out.println("wrote    " + out + "/{" + String.join(", ", wrote) + "}");
            } finally {
                for (Model m : loaded) {
                    m.close();
                }
            }
        }
        return 0;
    }

    /** Fails before any training when the data has no labels (k-NN needs them). */
    private static void requireLabels(Splits s) {
        if (s.train().size() > 0 && s.train().label(0) < 0) {
            throw new IllegalArgumentException("project scores embeddings by k-NN classification, which needs labels; the "
                    + "data '" + s.train().name() + "' is unlabelled (use class subfolders, a label column or --labels)");
        }
    }

    /** The standardization the checkpoints were trained with (they must agree), or null. */
    private static Standardization storedStandardization(List<Path> paths) {
        String json = null;
        Path first = null;
        for (Path p : paths) {
            String s = Checkpoint.read(p).metadata().get(Standardization.METADATA_KEY);
            if (first == null) {
                json = s;
                first = p;
            } else if (!Objects.equals(json, s)) {
                throw new IllegalArgumentException("checkpoints " + first + " and " + p + " were trained with different "
                        + "standardizations of the data; project them in separate runs");
            }
        }
        return json == null ? null : Standardization.fromJson(json, first.toString());
    }
}
