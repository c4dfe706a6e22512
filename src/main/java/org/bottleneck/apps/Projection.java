package org.bottleneck.apps;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bottleneck.apps.baselines.Pca;
import org.bottleneck.data.Dataset;
import org.bottleneck.metrics.KnnClassifier;
import org.bottleneck.metrics.NearestNeighbors;
import org.bottleneck.metrics.Trustworthiness;
import org.bottleneck.model.Model;
import org.bottleneck.train.DataChecks;

/**
 * Low-dimensional embeddings side by side — PCA and each trained model's code (the mean for a
 * VAE) — scored with the protocol of Sainburg et al. 2021 (Parametric UMAP): every method is
 * fitted on the first {@code fitLimit} training samples (50,000 for MNIST), embeds the
 * training and test samples, and on the test embeddings gets
 * <ul>
 *   <li>k-NN accuracy for each k of {@code knn}: a classifier fitted on the training embeddings
 *       and their labels, scored on the test embeddings ({@link KnnClassifier});</li>
 *   <li>trustworthiness and continuity at k = {@code neighbours} on the first
 *       {@code metricPoints} test samples, input space = the samples ({@link Trustworthiness});</li>
 *   <li>the reconstruction error at the same dims: ‖x − x̂‖² summed over the sample's values,
 *       mean over the test samples — PCA's projection back, a model's decoder applied to its
 *       code.</li>
 * </ul>
 * A model whose code has more than {@code dims} values is reduced to dims by a PCA fitted on
 * its training codes (its reconstruction decodes the codes projected back); one with fewer is
 * refused. Shapes: X (n, D) samples, Z (n, dims) embeddings, row-major.
 */
public final class Projection {
    private Projection() {
    }

    /** The protocol's sizes. */
    public record Settings(int dims, int fitLimit, int metricPoints, int neighbours, int[] knn) {
        public Settings {
            knn = knn.clone();
        }

        /** Sainburg et al. 2021 at {@code dims}: fit on 50,000, kNN k = 1 and 5, trustworthiness k = 5 on 10,000. */
        public static Settings sainburg(int dims) {
            return new Settings(dims, 50_000, 10_000, 5, new int[] {1, 5});
        }
    }

    /** A trained model to embed with, by the name its rows carry. */
    public record Method(String name, Model model) {
    }

    /** One method's embeddings (n, dims) and (m, dims) and its scores. */
    public record Row(String name, String description, float[] train, float[] test, double[] knnAccuracy,
                      double trustworthiness, double continuity, double reconError, double embedSeconds,
                      double metricSeconds) {
    }

    /** Everything {@link ProjectionReport} writes. */
    public record Result(Settings settings, String data, int trainCount, int testCount, int[] trainLabels,
                         int[] testLabels, List<String> classNames, List<Row> rows) {
    }

    /** Checks, embeds and scores; progress to {@code log}, one line per step. */
    public static Result run(Settings s, Dataset trainSplit, Dataset testSplit, List<Method> methods, String dataName,
                             PrintStream log) {
        Dataset train = trainSplit.limit(s.fitLimit());
        int n = train.size(), m = testSplit.size(), d = train.features();
        if (s.dims() < 1) {
            throw new IllegalArgumentException("--dims must be ≥ 1, got " + s.dims());
        }
        if (s.dims() > d) {
            throw new IllegalArgumentException("--dims " + s.dims() + " is larger than the data's " + d + " values per sample");
        }
        for (Method me : methods) {
            int z = me.model().latentDim();
            if (s.dims() > z) {
                throw new IllegalArgumentException("--dims " + s.dims() + " is larger than the code of model '" + me.name()
                        + "' (" + z + " values); train one with a code of at least " + s.dims() + " (e.g. --model ae2d for 2)");
            }
            DataChecks.fits(me.model(), train, "training");
            DataChecks.fits(me.model(), testSplit, "test");
            if (me.model().outputSize() != d) {
                throw new IllegalArgumentException("model '" + me.name() + "' outputs " + me.model().outputShape()
                        + ", not its input's " + d + " values: project compares reconstructions of the input");
            }
        }
        int[] yTrain = labels(train), yTest = labels(testSplit);
        int kMax = 0;
        for (int k : s.knn()) {
            kMax = Math.max(kMax, k);
        }
        if (kMax > n) {
            throw new IllegalArgumentException("k-NN with k = " + kMax + " needs at least that many training samples, "
                    + "there are " + n);
        }
        int p = Math.min(s.metricPoints(), m);
        if (p <= 2 * s.neighbours()) {
            throw new IllegalArgumentException("trustworthiness at k = " + s.neighbours() + " needs more than "
                    + 2 * s.neighbours() + " test samples, there are " + m);
        }
        log.printf(Locale.ROOT, "project  %d-d embeddings of %s: fit on %d training samples, scored on %d test samples "
                + "(trustworthiness on %d)%n", s.dims(), dataName, n, m, p);
        float[] xTrain = Figures.images(train, 0, n), xTest = Figures.images(testSplit, 0, m);
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        Pca pca = Pca.fit(xTrain, n, d, s.dims());
        float[] zTrain = pca.transform(xTrain, n), zTest = pca.transform(xTest, m);
        double recon = mean(pca.squaredError(xTest, m));
        double explained = 0;
        for (double r : pca.explainedVarianceRatio()) {
            explained += r;
        }
        rows.add(score(s, "pca", String.format(Locale.ROOT, "PCA (covariance + LAPACK dsyevd), %.1f%% of the variance",
                100 * explained), zTrain, zTest, yTrain, yTest, xTest, d, p, recon, seconds(t0), log));
        for (Method me : methods) {
            t0 = System.nanoTime();
            Codec codec = new Codec(me.model());
            int z = me.model().latentDim();
            float[] cTrain = codec.encode(xTrain, n), cTest = codec.encode(xTest, m);
            String what = me.model().isVariational() ? "the mean of its " + z + "-d Gaussian code" : "its " + z + "-d code";
            float[] decoded;
            if (z == s.dims()) {
                zTrain = cTrain;
                zTest = cTest;
                decoded = codec.decode(cTest, m);
            } else {
                Pca reduce = Pca.fit(cTrain, n, z, s.dims());
                zTrain = reduce.transform(cTrain, n);
                zTest = reduce.transform(cTest, m);
                decoded = codec.decode(reduce.inverseTransform(zTest, m), m);
                what += ", reduced to " + s.dims() + " by PCA on the training codes";
            }
            recon = mean(squaredErrors(xTest, decoded, m, d));
            rows.add(score(s, me.name(), me.model().architecture().name() + ": " + what, zTrain, zTest, yTrain, yTest, xTest,
                    d, p, recon, seconds(t0), log));
        }
        return new Result(s, dataName, n, m, yTrain, yTest, train.classNames(), rows);
    }

    private static Row score(Settings s, String name, String description, float[] zTrain, float[] zTest, int[] yTrain,
                             int[] yTest, float[] xTest, int d, int p, double recon, double embedSeconds, PrintStream log) {
        long t0 = System.nanoTime();
        int n = yTrain.length, m = yTest.length, kMax = 0;
        for (int k : s.knn()) {
            kMax = Math.max(kMax, k);
        }
        int[] nn = NearestNeighbors.search(zTrain, n, zTest, m, s.dims(), kMax, false);
        double[] acc = new double[s.knn().length];
        StringBuilder knnText = new StringBuilder();
        for (int i = 0; i < acc.length; i++) {
            acc[i] = KnnClassifier.accuracy(nn, kMax, s.knn()[i], yTrain, yTest);
            knnText.append(String.format(Locale.ROOT, "  %d-NN %.4f", s.knn()[i], acc[i]));
        }
        float[] xp = p == m ? xTest : java.util.Arrays.copyOf(xTest, p * d);
        float[] zp = p == m ? zTest : java.util.Arrays.copyOf(zTest, p * s.dims());
        Trustworthiness.Result tc = Trustworthiness.of(xp, d, zp, s.dims(), p, s.neighbours());
        double metricSeconds = seconds(t0);
        log.printf(Locale.ROOT, "%-9s%s  trust %.4f  cont %.4f  recon %.2f  (embed %.1f s, metrics %.1f s)%n", name, knnText,
                tc.trustworthiness(), tc.continuity(), recon, embedSeconds, metricSeconds);
        return new Row(name, description, zTrain, zTest, acc, tc.trustworthiness(), tc.continuity(), recon, embedSeconds,
                metricSeconds);
    }

    private static int[] labels(Dataset data) {
        int[] y = new int[data.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = data.label(i);
            if (y[i] < 0) {
                throw new IllegalArgumentException("project scores embeddings by k-NN classification, which needs labels; "
                        + "sample " + i + " of '" + data.name() + "' has none (label the data, e.g. class subfolders or a "
                        + "label column)");
            }
        }
        return y;
    }

    static double[] squaredErrors(float[] x, float[] xHat, int m, int d) {
        double[] e = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = i * d; j < (i + 1) * d; j++) {
                double r = x[j] - xHat[j];
                s += r * r;
            }
            e[i] = s;
        }
        return e;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
