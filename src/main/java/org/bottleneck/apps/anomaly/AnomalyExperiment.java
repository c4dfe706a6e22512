package org.bottleneck.apps.anomaly;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.bottleneck.apps.LatentGaussian;
import org.bottleneck.apps.TrainRun;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Splits;
import org.bottleneck.data.Standardization;
import org.bottleneck.metrics.AveragePrecision;
import org.bottleneck.metrics.RocAuc;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.Progress;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.TrainState;
import org.bottleneck.train.Trainer;

/**
 * The anomaly-detection protocols on a labelled dataset. For each subject class c and each seed:
 * the normal training samples ({@link Protocol}) are split into a fitting part and a held-out
 * part ({@code holdout}, fixed across seeds); a fresh model trains on the fitting part (the
 * held-out part is its validation set); the Gaussian of its normal codes is fitted; every
 * score is computed on the held-out normals (to choose a threshold at the target false-positive
 * rate) and on the whole test split, where ROC-AUC and average precision measure how well it
 * ranks anomalies above normals. The first seed's model of each class is saved with its
 * {@link Detector} so that {@code score} can flag new data.
 */
public final class AnomalyExperiment {
    private AnomalyExperiment() {
    }

    /**
     * @param classes  subject classes (labels)
     * @param seeds    models per class, seeded base, base + 1, …
     * @param scores   the model scores to measure (those the model supports)
     * @param primary  the score the saved detector flags by and the figures show
     * @param fpr      target false-positive rate of the thresholds
     * @param holdout  fraction of the normal training samples held out for the threshold
     * @param draws    L of the reconstruction probability
     */
    public record Setup(Protocol protocol, int[] classes, int seeds, List<AnomalyScore> scores, AnomalyScore primary,
                        double fpr, double holdout, int draws) {
        public Setup {
            if (classes.length == 0) {
                throw new IllegalArgumentException("no classes to run");
            }
            if (seeds < 1) {
                throw new IllegalArgumentException("--seeds must be ≥ 1, got " + seeds);
            }
            if (!(holdout > 0 && holdout < 1)) {
                throw new IllegalArgumentException("--holdout must lie in (0, 1), got " + holdout);
            }
            if (!(fpr > 0 && fpr < 1)) {
                throw new IllegalArgumentException("--fpr must lie in (0, 1), got " + fpr);
            }
            if (!scores.contains(primary)) {
                throw new IllegalArgumentException("the primary score '" + primary.id() + "' is not among the scores "
                        + scores.stream().map(AnomalyScore::id).toList());
            }
        }
    }

    /** One method's numbers for one model: test ROC-AUC and AP, the held-out threshold and the test rates at it. */
    public record Metrics(double rocAuc, double averagePrecision, double threshold, double testFpr, double testTpr) {
    }

    /** One model of one class. */
    public record Run(long seed, Map<String, Metrics> methods, double trainSeconds) {
    }

    /**
     * One subject class: sample counts, its runs, and the first run's ROC curves and primary
     * scores of the test normals and anomalies (for the figures).
     */
    public record ClassResult(int label, String name, int fitting, int heldOut, int testNormal, int testAnomalous,
                              List<Run> runs, Map<String, RocAuc.Curve> curves, double[] normalScores,
                              double[] anomalousScores, Path checkpoint) {
    }

    public record Result(Setup setup, String model, List<String> methods, List<ClassResult> classes, double seconds) {
    }

    /** Something besides the model that scores samples after fitting on the normal ones (the PCA baseline). */
    public interface Baseline {
        String name();

        /** Fits on {@code normal}, then scores each of {@code data} (higher = more anomalous). */
        List<double[]> fitAndScore(Dataset normal, List<Dataset> data);
    }

    public static Result run(Backend backend, Splits splits, TrainRun.Fresh fresh, Setup setup, List<Baseline> baselines,
                             Path out, PrintStream log, Progress progress) throws IOException {
        Dataset train = splits.train(), test = splits.test();
        int[] trainLabels = labels(train), testLabels = labels(test);
        int maxLabel = checkClasses(setup.classes(), train, trainLabels);
        List<Subject> subjects = new ArrayList<>();
        for (int c : setup.classes()) { // every check before the first model trains or a file is written
            subjects.add(subject(train, test, trainLabels, testLabels, c, setup, fresh.config(train.unitInterval()).seed()));
        }
        Architecture first = fresh.architecture(subjects.get(0).fitting, train.sampleShape(), train.sampleShape());
        if (!setup.primary().supports(first)) {
            throw new IllegalArgumentException("score '" + setup.primary().id() + "' does not apply to model '" + first.name()
                    + "'; it supports " + setup.scores().stream().filter(x -> x.supports(first)).map(AnomalyScore::id).toList()
                    + (first.latent().gaussian() ? "" : " (elbo and recon-prob need a VAE, e.g. --model vae)"));
        }
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        List<ClassResult> results = new ArrayList<>();
        List<String> methods = null;
        String modelName = null;
        for (Subject subject : subjects) {
            int c = subject.label;
            String name = subject.name;
            Dataset fitting = subject.fitting, held = subject.held;
            boolean[] anomalous = subject.anomalous;
            int testAnomalies = subject.testAnomalies;
            List<Run> runs = new ArrayList<>();
            Map<String, RocAuc.Curve> curves = new LinkedHashMap<>();
            double[][] primary = null;
            Path saved = null;
            for (int s = 0; s < setup.seeds(); s++) {
                TrainConfig cfg = fresh.config(train.unitInterval());
                cfg = cfg.withSeed(cfg.seed() + s);
                log.printf(Locale.ROOT, "%s %s, seed %d: training on %d normal samples (%d held out)%n", setup.protocol().id(),
                        name, cfg.seed(), fitting.size(), held.size());
                Architecture arch = fresh.architecture(fitting, fitting.sampleShape(), fitting.sampleShape());
                long tTrain = System.nanoTime();
                try (Model model = new Model(backend, arch, cfg.seed()); Optimizer opt = Trainer.optimizerFor(model, cfg)) {
                    new Trainer(model, cfg, opt, progress, (st, o, improved) -> { }).fit(fitting, held, new TrainState());
                    double trainSeconds = (System.nanoTime() - tTrain) / 1e9;
                    modelName = model.architecture().describe();
                    List<AnomalyScore> which = setup.scores().stream().filter(x -> x.supports(model)).toList();
                    int batch = Trainer.evalBatch(cfg);
                    LatentGaussian g = which.contains(AnomalyScore.MAHALANOBIS)
                            ? LatentGaussian.fit(ModelScores.codes(model, fitting, batch), fitting.size(), model.latentDim(), 1e-3)
                            : null;
                    var heldScores = ModelScores.of(model, held, which, g, setup.draws(), batch);
                    var testScores = ModelScores.of(model, test, which, g, setup.draws(), batch);
                    Map<String, Metrics> m = new LinkedHashMap<>();
                    Map<AnomalyScore, Double> thresholds = new java.util.EnumMap<>(AnomalyScore.class);
                    for (AnomalyScore a : which) {
                        Metrics mm = metrics(heldScores.get(a), testScores.get(a), anomalous, setup.fpr());
                        m.put(a.id(), mm);
                        thresholds.put(a, mm.threshold());
                        if (s == 0) {
                            curves.put(a.id(), RocAuc.curve(testScores.get(a), anomalous));
                        }
                    }
                    if (s == 0) {
                        for (Baseline b : baselines) {
                            List<double[]> bs = b.fitAndScore(fitting, List.of(held, test));
                            m.put(b.name(), metrics(bs.get(0), bs.get(1), anomalous, setup.fpr()));
                            curves.put(b.name(), RocAuc.curve(bs.get(1), anomalous));
                        }
                        primary = split(testScores.get(setup.primary()), anomalous);
                        saved = out.resolve(setup.protocol().id() + "-" + fileName(name) + ".safetensors");
                        Detector d = new Detector(normalNames(train, c, maxLabel, setup.protocol()), setup.primary(),
                                setup.fpr(), held.size(), thresholds, g, setup.draws());
                        Checkpoint.save(saved, model, d.tensors(), metadata(splits, d));
                    } else {
                        for (Baseline b : baselines) { // deterministic: the first seed's numbers stand for every seed
                            m.put(b.name(), runs.get(0).methods().get(b.name()));
                        }
                    }
                    if (methods == null) {
                        methods = new ArrayList<>(m.keySet());
                    }
                    runs.add(new Run(cfg.seed(), m, trainSeconds));
                    log.println("  " + summary(m) + String.format(Locale.ROOT, "  (trained in %.1f s)", trainSeconds));
                }
            }
            results.add(new ClassResult(c, name, fitting.size(), held.size(), test.size() - testAnomalies, testAnomalies, runs,
                    curves, primary[0], primary[1], saved));
        }
        return new Result(setup, modelName, methods, results, (System.nanoTime() - t0) / 1e9);
    }

    /** One subject class, checked: its normal training samples split into fitting and held out, and the test truth. */
    private record Subject(int label, String name, Dataset fitting, Dataset held, boolean[] anomalous, int testAnomalies) {
    }

    private static Subject subject(Dataset train, Dataset test, int[] trainLabels, int[] testLabels, int c, Setup setup,
                                   long seed) {
        String name = className(train, c);
        int[] normal = select(trainLabels, c, setup.protocol(), true);
        if (normal.length < 2) {
            throw new IllegalArgumentException("the " + setup.protocol().id() + " run of class " + name + " has "
                    + normal.length + " normal training sample(s) in " + train.name() + "; it needs at least 2");
        }
        int[][] parts = holdOut(normal, setup.holdout(), seed ^ c);
        boolean[] anomalous = new boolean[test.size()];
        int testAnomalies = 0;
        for (int i = 0; i < test.size(); i++) {
            anomalous[i] = !setup.protocol().normal(testLabels[i], c);
            testAnomalies += anomalous[i] ? 1 : 0;
        }
        if (testAnomalies == 0 || testAnomalies == test.size()) {
            throw new IllegalArgumentException("the test split " + test.name() + " holds " + testAnomalies + " anomalies and "
                    + (test.size() - testAnomalies) + " normal samples for class " + name + "; ROC-AUC needs both");
        }
        return new Subject(c, name, train.subset(train.name() + "[normal " + name + "]", parts[0]),
                train.subset(train.name() + "[held-out normal " + name + "]", parts[1]), anomalous, testAnomalies);
    }

    static Metrics metrics(double[] heldNormal, double[] test, boolean[] anomalous, double fpr) {
        double t = Detector.threshold(heldNormal, fpr);
        int fp = 0, tp = 0, neg = 0, pos = 0;
        for (int i = 0; i < test.length; i++) {
            boolean flagged = test[i] > t;
            if (anomalous[i]) {
                pos++;
                tp += flagged ? 1 : 0;
            } else {
                neg++;
                fp += flagged ? 1 : 0;
            }
        }
        return new Metrics(RocAuc.of(test, anomalous), AveragePrecision.of(test, anomalous), t, (double) fp / neg,
                (double) tp / pos);
    }

    /** Every class of {@code train}: the labels 0 … its largest label. */
    public static int[] allClasses(Dataset train) {
        int max = 0;
        for (int l : labels(train)) {
            max = Math.max(max, l);
        }
        return java.util.stream.IntStream.rangeClosed(0, max).toArray();
    }

    /** Labels of every sample; a dataset without labels cannot say what is normal. */
    static int[] labels(Dataset d) {
        int[] l = new int[d.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = d.label(i);
            if (l[i] < 0) {
                throw new IllegalArgumentException("anomaly detection needs a labelled dataset (normal vs anomalous classes): "
                        + d.name() + " has no labels (sample " + i + " has none; CSV: --label-column; NPY: --labels; "
                        + "image folders: one sub-folder per class)");
            }
        }
        return l;
    }

    /** The largest training label, after checking every subject class lies in [0, it] and has samples. */
    static int checkClasses(int[] classes, Dataset train, int[] labels) {
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        int[] count = new int[max + 1];
        for (int l : labels) {
            count[l]++;
        }
        for (int c : classes) {
            if (c < 0 || c > max) {
                throw new IllegalArgumentException("class " + c + " is outside the labels 0.." + max + " of " + train.name());
            }
            if (count[c] == 0) {
                throw new IllegalArgumentException("class " + c + " (" + className(train, c) + ") has no training samples in "
                        + train.name());
            }
        }
        return max;
    }

    static int[] select(int[] labels, int subject, Protocol p, boolean normal) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> p.normal(labels[i], subject) == normal).toArray();
    }

    /** A seeded shuffle of {@code idx} cut into {fitting, held out}; at least one sample on each side. */
    static int[][] holdOut(int[] idx, double fraction, long seed) {
        int[] a = idx.clone();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        int held = Math.max(1, Math.min(a.length - 1, (int) Math.round(fraction * a.length)));
        int[] fit = java.util.Arrays.copyOfRange(a, held, a.length), h = java.util.Arrays.copyOfRange(a, 0, held);
        java.util.Arrays.sort(fit); // sequential reads; the trainer shuffles anyway
        java.util.Arrays.sort(h);
        return new int[][] {fit, h};
    }

    static String className(Dataset d, int label) {
        List<String> names = d.classNames();
        return label < names.size() ? names.get(label) : Integer.toString(label);
    }

    private static List<String> normalNames(Dataset d, int c, int max, Protocol p) {
        List<String> n = new ArrayList<>();
        for (int l = 0; l <= max; l++) {
            if (p.normal(l, c)) {
                n.add(className(d, l));
            }
        }
        return n;
    }

    private static String fileName(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Map<String, String> metadata(Splits splits, Detector d) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("data", splits.description());
        Standardization st = splits.standardization();
        if (st != null) {
            meta.put(Standardization.METADATA_KEY, st.toJson());
        }
        meta.put("task", "anomaly");
        meta.put(Detector.METADATA_KEY, d.toJson());
        return meta;
    }

    private static double[][] split(double[] scores, boolean[] anomalous) {
        int a = 0;
        for (boolean b : anomalous) {
            a += b ? 1 : 0;
        }
        double[] normal = new double[scores.length - a], anom = new double[a];
        int i0 = 0, i1 = 0;
        for (int i = 0; i < scores.length; i++) {
            if (anomalous[i]) {
                anom[i1++] = scores[i];
            } else {
                normal[i0++] = scores[i];
            }
        }
        return new double[][] {normal, anom};
    }

    private static String summary(Map<String, Metrics> m) {
        StringBuilder sb = new StringBuilder("ROC-AUC");
        m.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %s %.4f", k, v.rocAuc())));
        return sb.toString();
    }
}
