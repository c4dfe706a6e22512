package org.bottleneck.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code spark-submit} entry point:
 *
 * <pre>
 * spark-submit --class org.bottleneck.spark.SparkMain spark/target/bottleneck-spark.jar \
 *     encode --checkpoint ae.safetensors --input features.parquet --vector features --output codes.parquet
 * </pre>
 * Exit 0 on success; 1 with a one-line {@code error: …} on a failure; 2 on bad usage.
 */
@Command(name = "bottleneck-spark", mixinStandardHelpOptions = true,
        description = "Encode or anomaly-score a table on Spark with a trained Bottleneck checkpoint.",
        subcommands = {SparkMain.Encode.class, SparkMain.Score.class})
public final class SparkMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int code = run(args);
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        System.exit(code);
    }

    /** Runs a command in the active (or a new) SparkSession and returns its exit code; the session stays open. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new SparkMain());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable t = e;
            while (t.getCause() != null && t.getMessage() != null && t.getMessage().contains(t.getCause().getClass().getName())) {
                t = t.getCause();
            }
            commandLine.getErr().println("error: " + (t.getMessage() == null ? t.toString() : t.getMessage().lines().findFirst().orElse("")));
            return 1;
        });
        return cl.execute(args);
    }

    /** Where the rows come from and go to, and how they become samples. */
    static final class Io {
        @Option(names = {"-c", "--checkpoint"}, required = true, description = "Trained checkpoint (.safetensors).")
        Path checkpoint;

        @Option(names = "--input", required = true, description = "Input table: a Parquet/CSV/JSON file or folder, or a "
                + "folder of images (--input-format binaryFile).")
        String input;

        @Option(names = "--input-format", defaultValue = "auto",
                description = "auto (.csv → csv, .json → json, else parquet), parquet, csv (header, inferred types), json "
                        + "or binaryFile. Default: ${DEFAULT-VALUE}.")
        String inputFormat;

        @Option(names = "--output", required = true, description = "Output folder.")
        String output;

        @Option(names = "--output-format", defaultValue = "parquet", description = "parquet, csv or json. Default: ${DEFAULT-VALUE}.")
        String outputFormat;

        @Option(names = "--overwrite", description = "Replace an existing output. Default: fail when it exists.")
        boolean overwrite;

        @Option(names = "--features", split = ",", description = "The input is these numeric columns, in order (a table).")
        List<String> features = new ArrayList<>();

        @Option(names = "--vector", description = "The input is this array-of-numbers column.")
        String vector;

        @Option(names = "--image", description = "The input is this binary column of PNG/JPEG bytes. Default with "
                + "binaryFile input: content.")
        String image;

        @Option(names = "--drop", split = ",", description = "Input columns left out of the output. Default: content for "
                + "binaryFile input, else none.")
        List<String> drop;

        @Option(names = "--key", description = "Column naming a row in error messages. Default: partition and position.")
        String key;

        @Option(names = "--batch", defaultValue = "256", description = "Rows per model call (and per task at most). Default: ${DEFAULT-VALUE}.")
        int batch;

        @Option(names = "--device", defaultValue = "cpu", description = "Executors' backend: cpu, cuda or auto. Default: ${DEFAULT-VALUE}.")
        String device;

        @Option(names = "--on-error", defaultValue = "fail",
                description = "A row that cannot be read: fail (the job, naming the row) or column (an error column). Default: ${DEFAULT-VALUE}.")
        String onError;

        @Option(names = "--partitions", defaultValue = "0", description = "Repartition the input first (0 = keep). Default: ${DEFAULT-VALUE}.")
        int partitions;

        BottleneckSpark.Options options() {
            if (!onError.equals("fail") && !onError.equals("column")) {
                throw new IllegalArgumentException("--on-error must be fail or column, got '" + onError + "'");
            }
            BottleneckSpark.Options o = BottleneckSpark.options().batch(batch).device(device).errorColumn(onError.equals("column"));
            if (!features.isEmpty()) {
                o.features(features.toArray(String[]::new));
            }
            if (vector != null) {
                o.vector(vector);
            }
            String img = image != null ? image : format().equals("binaryFile") && features.isEmpty() && vector == null
                    ? "content" : null;
            if (img != null) {
                o.image(img);
            }
            if (key != null) {
                o.key(key);
            }
            return o;
        }

        String format() {
            if (!inputFormat.equals("auto")) {
                return inputFormat;
            }
            String s = input.toLowerCase(Locale.ROOT);
            return s.endsWith(".csv") ? "csv" : s.endsWith(".json") ? "json" : "parquet";
        }

        Dataset<Row> read(SparkSession spark) {
            Dataset<Row> in = switch (format()) {
                case "parquet" -> spark.read().parquet(input);
                case "csv" -> spark.read().option("header", "true").option("inferSchema", "true").csv(input);
                case "json" -> spark.read().json(input);
                case "binaryFile" -> spark.read().format("binaryFile").load(input);
                default -> throw new IllegalArgumentException("--input-format must be auto, parquet, csv, json or binaryFile, "
                        + "got '" + inputFormat + "'");
            };
            if (partitions < 0) {
                throw new IllegalArgumentException("--partitions must be ≥ 0, got " + partitions);
            }
            return partitions > 0 ? in.repartition(partitions) : in;
        }

        long write(Dataset<Row> out) {
            List<String> leave = drop != null ? drop : format().equals("binaryFile") ? List.of("content") : List.of();
            Dataset<Row> kept = leave.isEmpty() ? out : out.drop(leave.toArray(String[]::new));
            if (!List.of("parquet", "csv", "json").contains(outputFormat)) {
                throw new IllegalArgumentException("--output-format must be parquet, csv or json, got '" + outputFormat + "'");
            }
            kept.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).format(outputFormat)
                    .option("header", "true").save(output); // header: CSV only
            return kept.sparkSession().read().format(outputFormat).option("header", "true").load(output).count();
        }
    }

    @Command(name = "encode", mixinStandardHelpOptions = true, description = "The rows plus their codes: a 'code' array "
            + "column, or z0…z(Z−1) with --code-columns (always for CSV output).")
    static final class Encode implements Callable<Integer> {
        @Mixin
        Io io;

        @Option(names = "--code-columns", description = "Codes as columns z0…z(Z−1). Default: one array column 'code' "
                + "(CSV output: columns).")
        boolean codeColumns;

        @Override
        public Integer call() {
            SparkSession spark = SparkSession.builder().getOrCreate();
            BottleneckSpark.Options o = io.options().codeColumns(codeColumns || io.outputFormat.equals("csv"));
            long n = io.write(BottleneckSpark.encode(io.read(spark), io.checkpoint, o));
            System.out.println("encoded " + n + " rows → " + io.output);
            return 0;
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true, description = "The rows plus 'score' (double) and "
            + "'anomalous' (boolean; null without a threshold).")
    static final class Score implements Callable<Integer> {
        @Mixin
        Io io;

        @Option(names = "--score", description = "recon, elbo, recon-prob or mahalanobis. Default: the checkpoint's "
                + "detector's (from `bottleneck anomaly`), else recon.")
        String score;

        @Option(names = "--threshold", description = "Flag rows scoring above this. Default: the detector's threshold, "
                + "else no flag.")
        Double threshold;

        @Option(names = "--draws", defaultValue = "10", description = "L of recon-prob. Default: ${DEFAULT-VALUE}.")
        int draws;

        @Override
        public Integer call() {
            SparkSession spark = SparkSession.builder().getOrCreate();
            BottleneckSpark.Options o = io.options().draws(draws);
            if (score != null) {
                o.score(score);
            }
            if (threshold != null) {
                o.threshold(threshold);
            }
            long n = io.write(BottleneckSpark.score(io.read(spark), io.checkpoint, o));
            System.out.println("scored " + n + " rows → " + io.output);
            return 0;
        }
    }
}
