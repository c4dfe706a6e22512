package org.bottleneck.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bottleneck.apps.TrainRun;
import org.bottleneck.apps.anomaly.AnomalyExperiment;
import org.bottleneck.apps.anomaly.AnomalyReport;
import org.bottleneck.apps.anomaly.AnomalyScore;
import org.bottleneck.apps.anomaly.PcaBaseline;
import org.bottleneck.apps.anomaly.Protocol;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Splits;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Architecture;
import org.bottleneck.tensor.Shape;
import org.bottleneck.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "anomaly", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Anomaly detection on a labelled dataset, by the standard protocols: one-class (Ruff et al. 2018: train on "
                + "class c, the other classes are anomalies) or leave-out (An & Cho 2015: train on all classes but c, the "
                + "anomaly).",
                "Per class and seed: trains a fresh model on the normal training samples, scores the test split by "
                        + "reconstruction error, VAE -ELBO, VAE reconstruction probability and the Mahalanobis distance of the "
                        + "code, beside a PCA reconstruction-error baseline; reports ROC-AUC and average precision; sets a "
                        + "threshold at --fpr on held-out normal samples and stores it in <out>/<protocol>-<class>.safetensors "
                        + "for `bottleneck score`.",
                "Writes anomaly.md, anomaly.csv, anomaly.json, roc.png and histograms.png to --out (default runs/anomaly)."})
public final class AnomalyCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--protocol", defaultValue = "one-class", description = "one-class or leave-out. Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(names = "--classes", defaultValue = "all",
            description = "Subject classes (labels), comma-separated, or all. Default: ${DEFAULT-VALUE}.")
    String classes;

    @Option(names = "--seeds", defaultValue = "1", description = "Models per class (seeds --seed, --seed+1, …); "
            + "the tables give mean ± sd. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--scores", defaultValue = "all", description = "Scores to measure, comma-separated: recon, elbo, "
            + "recon-prob, mahalanobis (elbo and recon-prob need a VAE), or all the model supports. Default: ${DEFAULT-VALUE}.")
    String scores;

    @Option(names = "--score", defaultValue = "recon",
            description = "The score the saved detectors flag by and the figures show. Default: ${DEFAULT-VALUE}.")
    String primary;

    @Option(names = "--fpr", defaultValue = "0.05",
            description = "Target false-positive rate of the threshold, on held-out normal data. Default: ${DEFAULT-VALUE}.")
    double fpr;

    @Option(names = "--holdout", defaultValue = "0.1",
            description = "Fraction of the normal training samples held out (validation and threshold). Default: ${DEFAULT-VALUE}.")
    double holdout;

    @Option(names = "--draws", defaultValue = "10",
            description = "L, the draws z ~ q(z|x) of the reconstruction probability. Default: ${DEFAULT-VALUE}.")
    int draws;

    @Option(names = "--pca-dims", defaultValue = "32",
            description = "Components of the PCA reconstruction-error baseline (0 = none). Default: ${DEFAULT-VALUE}.")
    int pcaDims;

    @Mixin
    ModelOptions models;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws Exception {
        if (training.resume != null) {
            throw new IllegalArgumentException("anomaly trains fresh models for every class; --resume does not apply");
        }
        Protocol p = Protocol.parse(protocol);
        AnomalyScore main = AnomalyScore.parse(primary);
        List<AnomalyScore> which = parseScores(main);
        try (Backend backend = common.backend()) {
            Splits opened = common.data.open(null);
            Dataset train = opened.train().limit(training.trainLimit), test = opened.test().limit(common.data.testLimit);
            Splits splits = new Splits(train, test, opened.description(), opened.standardization(), opened.notes());
            int[] subjects = parseClasses(train);
            var setup = new AnomalyExperiment.Setup(p, subjects, seeds, which, main, fpr, holdout, draws);
            List<AnomalyExperiment.Baseline> baselines = new ArrayList<>();
            if (pcaDims < 0) {
                throw new IllegalArgumentException("--pca-dims must be ≥ 0, got " + pcaDims);
            }
            if (pcaDims > 0) {
                baselines.add(new PcaBaseline(pcaDims));
            }
            System.out.println("data     " + splits.description());
            System.out.println("anomaly  " + p.id() + ", classes " + classes + ", " + seeds + " seed(s), scores "
                    + scores + " → " + training.outDir("anomaly"));
            var result = AnomalyExperiment.run(backend, splits, new TrainRun.Fresh() {
                public TrainConfig config(boolean unitInterval) {
                    return training.config(backend, Pipeline.NONE);
                }

                public Architecture architecture(Dataset data, Shape input, Shape target) {
                    return models.architecture("ae", data, input, target);
                }
            }, setup, baselines, training.outDir("anomaly"), System.out, training.progress());
            Path out = training.outDir("anomaly");
            List<String> wrote = AnomalyReport.write(result, train.name().replaceFirst("-train$", ""), out);
            System.out.printf(Locale.ROOT, "mean ROC-AUC over %d classes:", result.classes().size());
            for (String m : result.methods()) {
                System.out.printf(Locale.ROOT, "  %s %.4f", m, AnomalyReport.meanRocAuc(result, m));
            }
            System.out.println();
            System.out.println("wrote    " + out + "/{" + String.join(", ", wrote) + ", " + p.id() + "-<class>.safetensors}");
        }
        return 0;
    }

    private List<AnomalyScore> parseScores(AnomalyScore main) {
        if (scores.trim().equalsIgnoreCase("all")) {
            return List.of(AnomalyScore.values()); // the experiment keeps those the model supports
        }
        List<AnomalyScore> l = new ArrayList<>();
        for (String s : scores.split(",")) {
            AnomalyScore a = AnomalyScore.parse(s);
            if (!l.contains(a)) {
                l.add(a);
            }
        }
        if (!l.contains(main)) {
            throw new IllegalArgumentException("--score " + main.id() + " is not among --scores " + scores);
        }
        return l;
    }

    private int[] parseClasses(Dataset train) {
        if (classes.trim().equalsIgnoreCase("all")) {
            return AnomalyExperiment.allClasses(train);
        }
        String[] parts = classes.split(",");
        int[] c = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                c[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--classes must be labels (integers) or all, got '" + parts[i].trim() + "'");
            }
        }
        return c;
    }
}
