package org.bottleneck.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.bottleneck.apps.anomaly.AnomalyScore;
import org.bottleneck.apps.anomaly.Detector;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Spark" Java example, statement for statement, with its file names under a
 * temporary folder: events.parquet (id, features) holds 300 MNIST test images, and the
 * checkpoint is a dense {@code vae} (seeded random weights) carrying an anomaly detector whose
 * recon threshold is the median score, as {@code bottleneck anomaly} would store one.
 */
class ReadmeSparkExampleTest {
    @TempDir
    Path tmp;

    @Test
    void theReadmeExampleRuns() throws Exception {
        SparkSession session = SparkSession.builder().master("local[2]").appName("readme").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        session.sparkContext().setLogLevel("ERROR");
        try {
            String eventsFile = tmp.resolve("events.parquet").toString(), anomaliesFile = tmp.resolve("anomalies.parquet").toString(),
                    codesFile = tmp.resolve("codes.csv").toString();
            Path modelFile = tmp.resolve("one-class-8.safetensors");
            var mnist = Mnist.load(Path.of("../data/mnist"), false);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                float[] x = new float[784];
                mnist.copySample(i, x, 0);
                rows.add(RowFactory.create((long) i, x));
            }
            session.createDataFrame(rows, DataTypes.createStructType(List.of(
                    DataTypes.createStructField("id", DataTypes.LongType, false),
                    DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false))))
                    .write().parquet(eventsFile);
            try (Backend b = Backends.open("cpu", 0); Model m = new Model(b, Presets.get("vae"), 8)) {
                float[] all = new float[300 * 784];
                for (int i = 0; i < 300; i++) {
                    mnist.copySample(i, all, i * 784);
                }
                double[] s = org.bottleneck.apps.anomaly.ModelScores.of(m, org.bottleneck.data.ArrayDataset.of("t",
                        m.inputShape(), all, null, List.of(), false), List.of(AnomalyScore.RECON), null, 10, 256)
                        .get(AnomalyScore.RECON);
                Detector det = new Detector(List.of("8"), AnomalyScore.RECON, 0.5, 300,
                        Map.of(AnomalyScore.RECON, Detector.threshold(s, 0.5)), null, 10);
                Checkpoint.save(modelFile, m, det.tensors(), Map.of(Detector.METADATA_KEY, det.toJson()));
            }

            // --- the README, with its file names replaced by the temporary ones ---
            SparkSession spark = SparkSession.builder().getOrCreate();
            Dataset<Row> events = spark.read().parquet(eventsFile);
            Path model = modelFile;
            Dataset<Row> scored = BottleneckSpark.score(events, model,
                    BottleneckSpark.options().vector("features").key("id").errorColumn(true));
            scored.filter("anomalous").write().parquet(anomaliesFile);
            Dataset<Row> codes = BottleneckSpark.encode(events, model,
                    BottleneckSpark.options().vector("features").codeColumns(true));
            codes.drop("features").write().csv(codesFile);
            // --- end of the README's example ---

            long flagged = spark.read().parquet(anomaliesFile).count();
            // Detector.threshold at fpr 0.5 leaves the 150 highest of 300 above it (ties aside).
            assertTrue(flagged >= 140 && flagged <= 150, flagged + " rows flagged");
            List<Row> csv = spark.read().csv(codesFile).collectAsList();
            assertEquals(300, csv.size());
            assertEquals(1 + 20, csv.get(0).length(), "id, z0…z19");
        } finally {
            session.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }
}
