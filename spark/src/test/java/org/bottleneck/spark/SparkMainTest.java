package org.bottleneck.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit entry point run in this JVM's local session: encode a CSV to Parquet, score
 * that Parquet, encode a folder of PNGs through {@code binaryFile}, score to CSV with a
 * threshold, and the refusals (an
 * existing output, a missing column, a bad option value: exit 1 with one line; a missing
 * required option: exit 2).
 */
class SparkMainTest {
    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static Path tableModel, csv, convModel;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = SparkMain.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void start() throws Exception {
        try (Backend b = Backends.open("cpu", 0)) {
            try (Model m = new Model(b, Presets.get("ae", Shape.of(4), false), 2)) {
                tableModel = tmp.resolve("table.safetensors");
                Checkpoint.save(tableModel, m, null, Map.of());
            }
            try (Model m = new Model(b, Presets.get("convae", Shape.of(1, 8, 8), true), 2)) {
                convModel = tmp.resolve("conv.safetensors");
                Checkpoint.save(convModel, m, null, Map.of());
            }
        }
        StringBuilder sb = new StringBuilder("id,a,b,c,d\n");
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            sb.append(i);
            for (int c = 0; c < 4; c++) {
                sb.append(',').append((float) r.nextGaussian());
            }
            sb.append('\n');
        }
        csv = tmp.resolve("t.csv");
        Files.writeString(csv, sb);
        spark = SparkSession.builder().master("local[2]").appName("bottleneck-main-test").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    @Test
    void encodesACsvToParquet() {
        Path out = tmp.resolve("codes.parquet");
        Result r = run("encode", "-c", tableModel.toString(), "--input", csv.toString(), "--features", "a,b,c,d",
                "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("encoded 200 rows"), r.out());
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(200, rows.size());
        assertEquals(32, rows.get(0).getList(rows.get(0).fieldIndex("code")).size(), "ae's code of 32");

        Result again = run("encode", "-c", tableModel.toString(), "--input", csv.toString(), "--features", "a,b,c,d",
                "--output", out.toString());
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().startsWith("error: ") && again.err().contains("already exists"), again.err());
        assertEquals(1, again.err().strip().lines().count(), "one line: " + again.err());
        assertEquals(0, run("encode", "-c", tableModel.toString(), "--input", csv.toString(), "--features", "a,b,c,d",
                "--output", out.toString(), "--overwrite").code());

        // Parquet in: the written table's own columns, scored.
        Path scored = tmp.resolve("scored.parquet");
        Result p = run("score", "-c", tableModel.toString(), "--input", out.toString(), "--features", "a,b,c,d",
                "--output", scored.toString(), "--drop", "code");
        assertEquals(0, p.code(), p.toString());
        List<Row> back = spark.read().parquet(scored.toString()).collectAsList();
        assertEquals(200, back.size());
        assertEquals(List.of("id", "a", "b", "c", "d", "score", "anomalous"), List.of(back.get(0).schema().fieldNames()));
    }

    @Test
    void scoresToCsvWithAThreshold() {
        Path out = tmp.resolve("scores.csv");
        Result r = run("score", "-c", tableModel.toString(), "--input", csv.toString(), "--features", "a,b,c,d",
                "--output", out.toString(), "--output-format", "csv", "--threshold", "4", "--partitions", "3");
        assertEquals(0, r.code(), r.toString());
        List<Row> rows = spark.read().option("header", "true").option("inferSchema", "true").csv(out.toString()).collectAsList();
        assertEquals(200, rows.size());
        for (Row row : rows) {
            double s = ((Number) row.getAs("score")).doubleValue();
            assertEquals(s > 4, (boolean) row.<Boolean>getAs("anomalous"), row.toString());
        }
    }

    @Test
    void encodesAFolderOfImagesThroughBinaryFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < 6; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(i, i, 0, 255);
            ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
        }
        Path out = tmp.resolve("image-codes.json");
        Result r = run("encode", "-c", convModel.toString(), "--input", dir.toString(), "--input-format", "binaryFile",
                "--output", out.toString(), "--output-format", "json");
        assertEquals(0, r.code(), r.toString());
        List<Row> rows = spark.read().json(out.toString()).collectAsList();
        assertEquals(6, rows.size());
        assertTrue(List.of(rows.get(0).schema().fieldNames()).contains("path"), "keeps the path");
        assertTrue(!List.of(rows.get(0).schema().fieldNames()).contains("content"), "drops the bytes");
    }

    @Test
    void refusals() {
        Result missing = run("encode", "-c", tableModel.toString(), "--input", csv.toString(), "--features", "a,b,c,zz",
                "--output", tmp.resolve("x").toString());
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().contains("no column 'zz'"), missing.err());
        Result onError = run("encode", "-c", tableModel.toString(), "--input", csv.toString(), "--features", "a,b,c,d",
                "--output", tmp.resolve("y").toString(), "--on-error", "ignore");
        assertEquals(1, onError.code(), onError.toString());
        assertTrue(onError.err().contains("--on-error must be fail or column"), onError.err());
        Result usage = run("encode", "-c", tableModel.toString(), "--features", "a,b,c,d", "--output", "z");
        assertEquals(2, usage.code(), usage.toString());
        assertTrue(usage.err().contains("--input"), usage.err());
    }
}
