package org.bottleneck.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bottleneck.apps.Codec;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Shape;

/**
 * A benchmark, not a test (spark/bench.sh runs it): rows/s of {@link BottleneckSpark#encode} on
 * {@code local[2]} against the engine's single-JVM {@code Codec.encode} on the same rows, for
 * one model: {@code table} (an {@code ae} over 64-value vectors, 200,000 rows) or {@code mnist}
 * (the dense {@code vae} over the 10,000 MNIST test images, twice: 20,000 rows). The Spark input
 * is cached in memory first and the output goes to Spark's {@code noop} sink, so what is timed is
 * row conversion, batching, the model and Spark's per-task work, not I/O. Rounds alternate Spark
 * and Codec; every round is printed.
 *
 * <p>Arguments: {@code table|mnist threads rounds}. {@code threads} is OpenBLAS's count for this
 * JVM (it is per process): 1 suits Spark (2 tasks × 1 thread), 2 suits one Codec.
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "table";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("spark-bench");
        Backend backend = Backends.open("cpu", threads);
        int d, n;
        float[] x;
        Model model;
        if (which.equals("mnist")) {
            d = 784;
            var test = Mnist.load(Path.of(System.getProperty("bottleneck.data", "data/mnist")), false);
            n = 2 * test.size();
            x = new float[n * d];
            for (int i = 0; i < n; i++) {
                test.copySample(i % test.size(), x, i * d);
            }
            model = new Model(backend, Presets.get("vae"), 1);
        } else {
            d = 64;
            n = 200_000;
            x = new float[n * d];
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            model = new Model(backend, Presets.get("ae", Shape.of(d), false), 1);
        }
        Path ckpt = dir.resolve(which + ".safetensors");
        Checkpoint.save(ckpt, model, null, Map.of());

        SparkSession spark = SparkSession.builder().master("local[2]").appName("bottleneck-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create((long) i, java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d)));
        }
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("v", DataTypes.createArrayType(DataTypes.FloatType, false), false)));
        Dataset<Row> in = spark.createDataFrame(rows, schema).repartition(8).cache();
        rows = null;
        in.count();
        Codec codec = new Codec(model);
        System.out.printf(Locale.ROOT, "spark-bench %s: %d rows of %d values, OpenBLAS threads %d, local[2], batch 256%n",
                which, n, d, threads);
        for (int round = 1; round <= rounds + 1; round++) { // round 0 warms both up and is not reported
            long t0 = System.nanoTime();
            BottleneckSpark.encode(in, ckpt, BottleneckSpark.options().vector("v")).write().format("noop").mode("overwrite").save();
            double spark_s = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            float[] codes = codec.encode(x, n);
            double codec_s = (System.nanoTime() - t0) / 1e9;
            if (round > 1) {
                System.out.printf(Locale.ROOT, "round %d: spark %.0f rows/s (%.2f s), codec %.0f rows/s (%.2f s), "
                        + "spark/codec %.2f  [checksum %.3f]%n", round - 1, n / spark_s, spark_s, n / codec_s, codec_s,
                        codec_s / spark_s, codes[0] + codes[codes.length - 1]);
            }
        }
        spark.stop();
        model.close();
        backend.close();
    }
}
