package org.bottleneck.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bottleneck.apps.Codec;
import org.bottleneck.apps.anomaly.AnomalyScore;
import org.bottleneck.apps.anomaly.ModelScores;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.ArrayDataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.data.Standardization;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encoding and scoring inside a local Spark ({@code local[2,2]}: two task threads, a task may
 * fail once and be retried; UI off; one session for the class). The references are computed
 * here, in this JVM, by the engine directly — {@code Codec.encode} and {@code ModelScores.of} —
 * over each partition's rows in the same batches of 256, and must match bit for bit (same
 * weights, same ops, same batch composition; a different batch composition moves codes by a
 * rounding, which is why the batches are matched). Models: the dense {@code vae} on 10,000 MNIST
 * test images and a dense {@code ae} on an 8-column standardized table, both with seeded random
 * weights (what is tested is the transport, not what a model learned).
 */
class BottleneckSparkTest {
    private static final int ROWS = 10_000, BATCH = 256, COLS = 8;

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static Backend backend;
    private static Model vae, table;
    private static Path vaeFile, tableFile;
    private static Standardization std;
    private static float[] images;     // (ROWS, 784)
    private static float[] tableRaw;   // (ROWS, COLS) before standardization
    private static final AtomicInteger JOBS = new AtomicInteger(), FAILED_TASKS = new AtomicInteger();

    @BeforeAll
    static void start() {
        backend = Backends.open("cpu", 0);
        vae = new Model(backend, Presets.get("vae"), 7);
        vaeFile = tmp.resolve("vae.safetensors");
        Checkpoint.save(vaeFile, vae, null, Map.of());
        var mnist = Mnist.load(Path.of("../data/mnist"), false);
        images = new float[ROWS * 784];
        for (int i = 0; i < ROWS; i++) {
            mnist.copySample(i, images, i * 784);
        }
        SplittableRandom r = new SplittableRandom(3);
        tableRaw = new float[ROWS * COLS];
        for (int i = 0; i < tableRaw.length; i++) {
            tableRaw[i] = (float) (10 * (i % COLS) + (1 + i % COLS) * r.nextGaussian());
        }
        int[] all = java.util.stream.IntStream.range(0, ROWS).toArray();
        std = Standardization.fit(tableRaw, COLS, all);
        table = new Model(backend, Presets.get("ae", Shape.of(COLS), false), 9);
        tableFile = tmp.resolve("table.safetensors");
        Checkpoint.save(tableFile, table, null, Map.of(Standardization.METADATA_KEY, std.toJson()));

        spark = SparkSession.builder().master("local[2,2]").appName("bottleneck-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                JOBS.incrementAndGet();
            }

            @Override
            public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd taskEnd) {
                if (taskEnd.reason() instanceof org.apache.spark.ExceptionFailure) {
                    FAILED_TASKS.incrementAndGet();
                }
            }
        });
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
        vae.close();
        table.close();
        backend.close();
    }

    /** (id, label, pixels array<float>) for the first n images, in 4 range partitions by id, sorted within. */
    private static Dataset<Row> imageRows(int n) {
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] px = java.util.Arrays.copyOfRange(images, i * 784, (i + 1) * 784);
            rows.add(RowFactory.create((long) i, px));
        }
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)));
        return spark.createDataFrame(rows, schema).repartitionByRange(4, col("id")).sortWithinPartitions("id")
                .withColumn("part", spark_partition_id());
    }

    /** Each partition's ids in order, from the collected rows (sorted by id within a partition). */
    private static Map<Integer, List<Long>> partitions(List<Row> rows) {
        Map<Integer, List<Long>> byPart = new HashMap<>();
        for (Row r : rows) {
            byPart.computeIfAbsent(r.<Integer>getAs("part"), k -> new ArrayList<>()).add(r.<Long>getAs("id"));
        }
        byPart.values().forEach(l -> l.sort(Long::compare));
        return byPart;
    }

    private static float[] imagesOf(List<Long> ids) {
        float[] x = new float[ids.size() * 784];
        for (int j = 0; j < ids.size(); j++) {
            System.arraycopy(images, (int) (long) ids.get(j) * 784, x, j * 784, 784);
        }
        return x;
    }

    @Test
    void codesAndScoresOf10000RowsEqualTheEngineBitForBit() {
        Dataset<Row> in = imageRows(ROWS);
        // Flag about half: the threshold is the median score (random weights give scores near 540 nats).
        double[] all = ModelScores.of(vae, ArrayDataset.of("all", Shape.of(784), images, null, List.of(), false),
                List.of(AnomalyScore.RECON), null, 10, BATCH).get(AnomalyScore.RECON).clone();
        java.util.Arrays.sort(all);
        double threshold = all[ROWS / 2];
        List<Row> coded = BottleneckSpark.encode(in, vaeFile, BottleneckSpark.options().vector("pixels").key("id"))
                .collectAsList();
        List<Row> scored = BottleneckSpark.score(in, vaeFile, BottleneckSpark.options().vector("pixels").threshold(threshold))
                .collectAsList();
        assertEquals(ROWS, coded.size());
        assertEquals(ROWS, scored.size());
        Map<Long, float[]> codeById = new HashMap<>();
        for (Row r : coded) {
            codeById.put(r.getAs("id"), toFloats(r.getList(r.fieldIndex("code"))));
        }
        Map<Long, Row> scoreById = new HashMap<>();
        scored.forEach(r -> scoreById.put(r.getAs("id"), r));
        // Each action samples its own range boundaries, so each output's partitions come from its own "part".
        Map<Integer, List<Long>> parts = partitions(coded);
        assertEquals(4, parts.size(), "4 range partitions");
        Codec codec = new Codec(vae);
        int z = vae.latentDim(), flagged = 0;
        for (List<Long> ids : parts.values()) {
            float[] want = codec.encode(imagesOf(ids), ids.size()); // batches of 256 from the partition's first row, as the task
            for (int j = 0; j < ids.size(); j++) {
                float[] got = codeById.get(ids.get(j));
                assertArrayEquals(java.util.Arrays.copyOfRange(want, j * z, (j + 1) * z), got, 0f, "code of id " + ids.get(j));
            }
        }
        for (List<Long> ids : partitions(scored).values()) {
            double[] s = ModelScores.of(vae, ArrayDataset.of("ref", Shape.of(784), imagesOf(ids), null, List.of(), false),
                    List.of(AnomalyScore.RECON), null, 10, BATCH).get(AnomalyScore.RECON);
            for (int j = 0; j < ids.size(); j++) {
                Row sr = scoreById.get(ids.get(j));
                assertEquals(s[j], sr.<Double>getAs("score"), 0.0, "score of id " + ids.get(j));
                boolean flag = sr.getAs("anomalous");
                assertEquals(s[j] > threshold, flag);
                flagged += flag ? 1 : 0;
            }
        }
        assertTrue(Math.abs(flagged - ROWS / 2) < 10, "the median flags half the rows: " + flagged + " flagged");
    }

    private static float[] toFloats(List<?> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }

    /** The 8-column table as CSV text: id,f0..f7. */
    private static Path tableCsv() throws Exception {
        Path csv = tmp.resolve("table.csv");
        if (!Files.exists(csv)) {
            StringBuilder sb = new StringBuilder("id");
            for (int c = 0; c < COLS; c++) {
                sb.append(",f").append(c);
            }
            sb.append('\n');
            for (int i = 0; i < ROWS; i++) {
                sb.append(i);
                for (int c = 0; c < COLS; c++) {
                    sb.append(',').append(tableRaw[i * COLS + c]);
                }
                sb.append('\n');
            }
            Files.writeString(csv, sb, StandardCharsets.UTF_8);
        }
        return csv;
    }

    private static String[] featureNames() {
        String[] f = new String[COLS];
        for (int c = 0; c < COLS; c++) {
            f[c] = "f" + c;
        }
        return f;
    }

    /** Reference codes of the table rows with these ids, standardized as training stored it. */
    private static float[] tableCodes(List<Long> ids) {
        float[] x = new float[ids.size() * COLS];
        for (int j = 0; j < ids.size(); j++) {
            System.arraycopy(tableRaw, (int) (long) ids.get(j) * COLS, x, j * COLS, COLS);
        }
        std.applyInPlace(x, COLS, "reference");
        return new Codec(table).encode(x, ids.size());
    }

    @Test
    void aCsvTableWithStoredStandardizationEncodesAsTheEngineDoes() throws Exception {
        Dataset<Row> in = spark.read().option("header", "true").option("inferSchema", "true").csv(tableCsv().toString())
                .repartitionByRange(3, col("id")).sortWithinPartitions("id").withColumn("part", spark_partition_id());
        List<Row> out = BottleneckSpark.encode(in, tableFile, BottleneckSpark.options().features(featureNames())
                .codeColumns(true)).collectAsList();
        assertEquals(ROWS, out.size());
        int z = table.latentDim();
        Map<Long, Row> byId = new HashMap<>();
        // inferSchema reads id as an int
        out.forEach(r -> byId.put(((Number) r.getAs("id")).longValue(), r));
        Map<Integer, List<Long>> parts = new HashMap<>();
        for (Row r : out) {
            parts.computeIfAbsent(r.<Integer>getAs("part"), k -> new ArrayList<>()).add(((Number) r.getAs("id")).longValue());
        }
        for (List<Long> ids : parts.values()) {
            ids.sort(Long::compare);
            float[] want = tableCodes(ids);
            for (int j = 0; j < ids.size(); j++) {
                Row r = byId.get(ids.get(j));
                for (int c = 0; c < z; c++) {
                    assertEquals(want[j * z + c], r.<Float>getAs("z" + c), 0f, "z" + c + " of id " + ids.get(j));
                }
            }
        }
    }

    /** Fails the first attempt of partition 1 at its 100th row, after earlier rows have gone downstream. */
    private static final class FailOnce implements MapFunction<Row, Row> {
        private int seen; // rows this task's copy of the function has passed on

        @Override
        public Row call(Row r) {
            TaskContext t = TaskContext.get();
            if (t.partitionId() == 1 && t.attemptNumber() == 0 && ++seen == 100) {
                throw new IllegalStateException("injected failure in the first attempt of partition 1");
            }
            return r;
        }
    }

    @Test
    void aTaskThatFailsMidPartitionIsRetriedAndEveryRowIsWrittenExactlyOnce() throws Exception {
        Dataset<Row> csv = spark.read().option("header", "true").option("inferSchema", "true").csv(tableCsv().toString())
                .withColumn("id", col("id").cast("long"));
        Dataset<Row> in = csv.repartitionByRange(4, col("id")).sortWithinPartitions("id").withColumn("part", spark_partition_id());
        Dataset<Row> failing = in.map(new FailOnce(), Encoders.row(in.schema()));
        Path out = tmp.resolve("coded.parquet");
        int failedBefore = FAILED_TASKS.get();
        BottleneckSpark.encode(failing, tableFile, BottleneckSpark.options().features(featureNames())).write().parquet(out.toString());
        assertEquals(failedBefore + 1, FAILED_TASKS.get(), "the injected failure happened, once");
        List<Row> back = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(ROWS, back.size(), "every row once");
        assertEquals(ROWS, back.stream().map(r -> r.<Long>getAs("id")).distinct().count(), "no row twice");
        Map<Integer, List<Long>> parts = partitions(back);
        Map<Long, Row> byId = new HashMap<>();
        back.forEach(r -> byId.put(r.getAs("id"), r));
        int z = table.latentDim();
        for (List<Long> ids : parts.values()) {
            float[] want = tableCodes(ids);
            for (int j = 0; j < ids.size(); j++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(want, j * z, (j + 1) * z),
                        toFloats(byId.get(ids.get(j)).getList(byId.get(ids.get(j)).fieldIndex("code"))), 0f);
            }
        }
    }

    @Test
    void pngBytesInABinaryColumnAreDecodedAsTheModelsImages() throws Exception {
        List<Row> rows = new ArrayList<>();
        Model conv = new Model(backend, Presets.get("convae"), 4);
        Path convFile = tmp.resolve("convae.safetensors");
        Checkpoint.save(convFile, conv, null, Map.of());
        for (int i = 0; i < 20; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    img.getRaster().setSample(x, y, 0, Math.round(images[i * 784 + y * 28 + x] * 255));
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(img, "png", png);
            rows.add(RowFactory.create((long) i, png.toByteArray()));
        }
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("content", DataTypes.BinaryType, false)));
        List<Row> out = BottleneckSpark.encode(spark.createDataFrame(rows, schema).coalesce(1), convFile,
                BottleneckSpark.options().image("content")).collectAsList();
        // MNIST pixels are k/255 exactly, so the PNG round trip is lossless: codes equal the engine's on the same 20.
        float[] want = new Codec(conv).encode(java.util.Arrays.copyOf(images, 20 * 784), 20);
        int z = conv.latentDim();
        for (Row r : out) {
            int i = (int) (long) r.<Long>getAs("id");
            assertArrayEquals(java.util.Arrays.copyOfRange(want, i * z, (i + 1) * z), toFloats(r.getList(r.fieldIndex("code"))), 0f);
        }
        conv.close();
    }

    @Test
    void aCheckpointThatDoesNotFitTheColumnsFailsBeforeAnyTask() throws Exception {
        Dataset<Row> in = spark.read().option("header", "true").option("inferSchema", "true").csv(tableCsv().toString());
        int before = JOBS.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BottleneckSpark.encode(in, vaeFile,
                BottleneckSpark.options().features(featureNames())));
        assertTrue(e.getMessage().contains("784") && e.getMessage().contains("8 feature columns"), e.getMessage());
        assertEquals(before, JOBS.get(), "no job ran");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> BottleneckSpark.encode(in,
                tableFile, BottleneckSpark.options().vector("pixels")));
        assertTrue(missing.getMessage().contains("no column 'pixels'"), missing.getMessage());
        IllegalArgumentException notArray = assertThrows(IllegalArgumentException.class, () -> BottleneckSpark.encode(in,
                tableFile, BottleneckSpark.options().vector("f0")));
        assertTrue(notArray.getMessage().contains("array of numbers"), notArray.getMessage());
        Dataset<Row> px = imageRows(10);
        IllegalArgumentException draws = assertThrows(IllegalArgumentException.class, () -> BottleneckSpark.score(px,
                vaeFile, BottleneckSpark.options().vector("pixels").score("recon-prob").draws(0)));
        assertTrue(draws.getMessage().contains("draws ≥ 1"), draws.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> BottleneckSpark.encode(px,
                vaeFile, BottleneckSpark.options().vector("pixels").key("row_id")));
        assertTrue(key.getMessage().contains("no column 'row_id'"), key.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () -> BottleneckSpark.encode(px,
                vaeFile, BottleneckSpark.options().vector("pixels").batch(3_000_000)));
        assertTrue(batch.getMessage().contains("3000000 rows × 784"), batch.getMessage());
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class, () -> BottleneckSpark.encode(
                px.withColumnRenamed("part", "CODE"), vaeFile, BottleneckSpark.options().vector("PIXELS")));
        assertTrue(clash.getMessage().contains("'code'"), "a column differing only in case clashes: " + clash.getMessage());
        assertEquals(before, JOBS.get(), "no job ran for any of these");
    }

    /** Five rows: id 3 holds 3 values instead of 784, id 4 a NaN. */
    private static Dataset<Row> withBadRows() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            float[] px = java.util.Arrays.copyOfRange(images, i * 784, (i + 1) * 784);
            if (i == 3) {
                px = new float[] {1, 2, 3};
            }
            if (i == 4) {
                px[100] = Float.NaN;
            }
            rows.add(RowFactory.create((long) i, px));
        }
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)));
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    @Test
    void aBadRowFailsTheJobWithItsKey() {
        SparkException e = assertThrows(SparkException.class, () -> BottleneckSpark.encode(withBadRows(), vaeFile,
                BottleneckSpark.options().vector("pixels").key("id")).collectAsList());
        String all = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(all.contains("id = 3") && all.contains("holds 3 values"), all);
    }

    @Test
    void orMarksItInAnErrorColumn() {
        List<Row> out = BottleneckSpark.score(withBadRows(), vaeFile, BottleneckSpark.options().vector("pixels")
                .errorColumn(true)).orderBy("id").collectAsList();
        assertEquals(5, out.size());
        for (int i = 0; i < 3; i++) {
            assertNull(out.get(i).getAs("error"));
            assertTrue(out.get(i).<Double>getAs("score") > 0);
            assertNull(out.get(i).getAs("anomalous"), "no threshold: no flag");
        }
        assertTrue(out.get(3).<String>getAs("error").contains("holds 3 values"), out.get(3).toString());
        assertNull(out.get(3).getAs("score"));
        assertTrue(out.get(4).<String>getAs("error").contains("NaN"), out.get(4).toString());
    }
}
