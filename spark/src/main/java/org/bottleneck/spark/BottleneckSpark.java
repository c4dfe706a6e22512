package org.bottleneck.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.bottleneck.apps.anomaly.AnomalyScore;
import org.bottleneck.apps.anomaly.Detector;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Safetensors;

/**
 * Encode or anomaly-score a Spark table with a trained Bottleneck checkpoint, inside the
 * executors. Lazy, like any transformation: nothing runs until an action (a write, a count).
 *
 * <pre>{@code
 * Dataset<Row> table = spark.read().parquet("features.parquet");
 * Dataset<Row> coded = BottleneckSpark.encode(table, Path.of("runs/ae/best.safetensors"),
 *         BottleneckSpark.options().vector("features").key("id"));          // + a "code" array column
 * Dataset<Row> flagged = BottleneckSpark.score(table, Path.of("runs/anomaly/one-class-8.safetensors"),
 *         BottleneckSpark.options().vector("features"));                    // + "score", "anomalous"
 * flagged.write().parquet("scored.parquet");
 * }</pre>
 *
 * On the driver, before any task: the checkpoint is read and hashed, the columns are checked
 * against the model's input (a count of feature columns that is not the model's D fails here,
 * with both), the score and its threshold are resolved, and the file is registered once with
 * {@code SparkContext.addFile} under its SHA-256. Each executor JVM then loads it once
 * ({@link ExecutorModels}) and streams every partition through it in batches
 * ({@link PartitionScorer}). Retried tasks recompute their rows from the input, so a write
 * through Spark's output committer holds every row exactly once.
 */
public final class BottleneckSpark {
    /** Most values a task's batch may hold (rows × D): 256 Mi floats, 1 GiB. */
    static final long MAX_BATCH_VALUES = 1L << 28;

    private BottleneckSpark() {
    }

    /** What to read and how: see each setter. Defaults: batch 256, device cpu, array code column, bad rows fail the job. */
    public static final class Options {
        List<String> featureColumns = List.of();
        String vectorColumn, imageColumn, key, score;
        int batch = 256, draws = 10;
        String device = "cpu";
        boolean codeColumns, errorColumn;
        Double threshold;

        /** The input is these numeric columns, in this order (a table). */
        public Options features(String... columns) {
            featureColumns = List.of(columns);
            return this;
        }

        /** The input is one array-of-numbers column. */
        public Options vector(String column) {
            vectorColumn = column;
            return this;
        }

        /** The input is one binary column of PNG/JPEG bytes (the {@code binaryFile} source's {@code content}). */
        public Options image(String column) {
            imageColumn = column;
            return this;
        }

        /** Rows per model call (and the most rows a task holds). */
        public Options batch(int rows) {
            batch = rows;
            return this;
        }

        /** cpu, cuda or auto, for the executors' model copies. */
        public Options device(String d) {
            device = d;
            return this;
        }

        /** Codes as columns z0…z(Z−1) (CSV can hold these) rather than one array column {@code code}. */
        public Options codeColumns(boolean on) {
            codeColumns = on;
            return this;
        }

        /** Mark a bad row with its reason in an {@code error} column instead of failing the job. */
        public Options errorColumn(boolean on) {
            errorColumn = on;
            return this;
        }

        /** The column that names a row in error messages. */
        public Options key(String column) {
            key = column;
            return this;
        }

        /** The anomaly score (recon, elbo, recon-prob, mahalanobis); default the checkpoint's detector's, else recon. */
        public Options score(String id) {
            score = id;
            return this;
        }

        /** Flag rows whose score exceeds this; default the detector's threshold for the score, else no flag. */
        public Options threshold(double t) {
            threshold = t;
            return this;
        }

        /** L of the reconstruction probability. */
        public Options draws(int l) {
            draws = l;
            return this;
        }
    }

    public static Options options() {
        return new Options();
    }

    /** The rows of {@code input} plus their codes (the mean for a VAE): a {@code code} array column, or z0…. */
    public static Dataset<Row> encode(Dataset<Row> input, Path checkpoint, Options o) {
        return run(true, input, checkpoint, o);
    }

    /** The rows of {@code input} plus {@code score} (double) and {@code anomalous} (boolean; null without a threshold). */
    public static Dataset<Row> score(Dataset<Row> input, Path checkpoint, Options o) {
        return run(false, input, checkpoint, o);
    }

    private static Dataset<Row> run(boolean encode, Dataset<Row> input, Path checkpoint, Options o) {
        if (o.batch < 1) {
            throw new IllegalArgumentException("batch must be ≥ 1 row, got " + o.batch);
        }
        if (o.threshold != null && !Double.isFinite(o.threshold)) {
            throw new IllegalArgumentException("threshold must be a finite number, got " + o.threshold);
        }
        Safetensors.Contents c = Checkpoint.read(checkpoint);
        Architecture arch = Checkpoint.architecture(checkpoint, c);
        StructType schema = input.schema();
        Features features = Features.resolve(schema, o.featureColumns, o.vectorColumn, o.imageColumn, arch.inputShape());
        if ((long) o.batch * features.size() > MAX_BATCH_VALUES) {
            throw new IllegalArgumentException("batch of " + o.batch + " rows × " + features.size() + " values is more than "
                    + MAX_BATCH_VALUES + " values per task; use a smaller batch");
        }
        if (o.key != null) {
            Features.index(schema, o.key); // fails with the columns when absent
        }
        String scoreId = null;
        Double threshold = o.threshold;
        if (!encode) {
            Detector det = Detector.read(c, checkpoint.toString());
            AnomalyScore s = o.score != null ? AnomalyScore.parse(o.score) : det != null ? det.primary() : AnomalyScore.RECON;
            if (!s.supports(arch)) {
                throw new IllegalArgumentException("score '" + s.id() + "' does not apply to model '" + arch.name() + "'");
            }
            if (s == AnomalyScore.RECON_PROB && o.draws < 1) {
                throw new IllegalArgumentException("the reconstruction probability needs draws ≥ 1, got " + o.draws);
            }
            if (s == AnomalyScore.MAHALANOBIS && (det == null || det.gaussian() == null)) {
                throw new IllegalArgumentException("the mahalanobis score needs a checkpoint written by `anomaly`; "
                        + checkpoint + " holds no code Gaussian");
            }
            if (arch.outputShape().size() != arch.inputShape().size()) {
                throw new IllegalArgumentException("model '" + arch.name() + "' maps " + arch.inputShape() + " to "
                        + arch.outputShape() + ": an anomaly score needs a model that reconstructs its input");
            }
            if (threshold == null && det != null && det.thresholds().containsKey(s)) {
                threshold = det.threshold(s);
            }
            scoreId = s.id();
        }
        StructType out = outputSchema(schema, encode, arch.latentDim(), o);
        String sha = ExecutorModels.sha256(checkpoint);
        String fileName = sha + ".safetensors";
        Path shipped = stage(checkpoint, fileName);
        input.sparkSession().sparkContext().addFile(shipped.toString());
        boolean standardize = features.kind() != Features.Kind.IMAGE;
        Job job = new Job(encode, fileName, sha, features, standardize, o.batch, o.device, arch.latentDim(), o.codeColumns,
                scoreId, threshold, o.draws, o.errorColumn, o.key);
        return input.mapPartitions(new PartitionScorer(job), Encoders.row(out));
    }

    private static StructType outputSchema(StructType in, boolean encode, int z, Options o) {
        List<StructField> f = new ArrayList<>(Arrays.asList(in.fields()));
        if (encode) {
            if (o.codeColumns) {
                for (int i = 0; i < z; i++) {
                    f.add(DataTypes.createStructField("z" + i, DataTypes.FloatType, true));
                }
            } else {
                f.add(DataTypes.createStructField("code", DataTypes.createArrayType(DataTypes.FloatType, false), true));
            }
        } else {
            f.add(DataTypes.createStructField("score", DataTypes.DoubleType, true));
            f.add(DataTypes.createStructField("anomalous", DataTypes.BooleanType, true));
        }
        if (o.errorColumn) {
            f.add(DataTypes.createStructField("error", DataTypes.StringType, true));
        }
        List<String> names = new ArrayList<>();
        for (StructField s : f) {
            if (names.contains(s.name().toLowerCase(java.util.Locale.ROOT))) { // Spark resolves names ignoring case
                throw new IllegalArgumentException("the input already has a column '" + s.name() + "', which the output adds; "
                        + "rename it first");
            }
            names.add(s.name().toLowerCase(java.util.Locale.ROOT));
        }
        return DataTypes.createStructType(f);
    }

    /** A copy of the checkpoint named by its hash, in a temporary folder: Spark files are keyed by name. */
    private static Path stage(Path checkpoint, String name) {
        try {
            Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "bottleneck-spark"));
            Path target = dir.resolve(name);
            if (!Files.exists(target)) {
                Path tmp = Files.createTempFile(dir, name, ".part");
                try {
                    Files.copy(checkpoint, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp); // gone after the move; left only by a failed copy
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage checkpoint " + checkpoint + " for Spark: " + e.getMessage(), e);
        }
    }
}
