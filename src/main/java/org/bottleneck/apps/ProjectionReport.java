package org.bottleneck.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bottleneck.io.AtomicFile;
import org.bottleneck.viz.EmbeddingScatter;

/**
 * The files of a {@code project} run, in its folder: {@code projection.md} and
 * {@code projection.json} (the metrics table), {@code projection.png} (every method's test
 * embedding side by side), {@code embedding_<method>.png} (one each, coloured by label with a
 * legend), {@code embeddings_train.csv} and {@code embeddings_test.csv}
 * ({@code index,label,<method>_z0,…}, one row per sample). Every file is written atomically.
 */
public final class ProjectionReport {
    /** One panel of the figures, in pixels. */
    static final int WIDTH = 560, HEIGHT = 460;

    private ProjectionReport() {
    }

    /** Writes the files and returns their names. */
    public static List<String> write(Projection.Result r, Path dir) throws IOException {
        List<String> wrote = new ArrayList<>();
        List<BufferedImage> charts = new ArrayList<>();
        int dims = r.settings().dims();
        for (Projection.Row row : r.rows()) {
            String title = String.format(Locale.ROOT, "%s: %d-NN %.3f, trust %.3f", row.name(), last(r.settings().knn()),
                    row.knnAccuracy()[row.knnAccuracy().length - 1], row.trustworthiness());
            BufferedImage chart = EmbeddingScatter.chart(title, row.test(), r.testCount(), dims, r.testLabels(),
                    r.classNames(), WIDTH, HEIGHT);
            charts.add(chart);
            String file = "embedding_" + fileName(row.name()) + ".png";
            EmbeddingScatter.write(dir.resolve(file), chart);
            wrote.add(file);
        }
        EmbeddingScatter.writeSideBySide(dir.resolve("projection.png"), charts);
        wrote.add("projection.png");
        writeText(dir.resolve("projection.md"), markdown(r));
        wrote.add("projection.md");
        writeJson(r, dir.resolve("projection.json"));
        wrote.add("projection.json");
        writeCsv(r, true, dir.resolve("embeddings_train.csv"));
        writeCsv(r, false, dir.resolve("embeddings_test.csv"));
        wrote.add("embeddings_train.csv");
        wrote.add("embeddings_test.csv");
        return wrote;
    }

    static String markdown(Projection.Result r) {
        Projection.Settings s = r.settings();
        int p = Math.min(s.metricPoints(), r.testCount());
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d-d embeddings of %s: fitted on %d training "
                + "samples; k-NN classifiers fitted on their training embeddings, scored on %d test embeddings; "
                + "trustworthiness and continuity at k = %d on the first %d test samples; reconstruction error "
                + "‖x − x̂‖² per test sample (mean).%n%n| method |", s.dims(), r.data(), r.trainCount(), r.testCount(),
                s.neighbours(), p));
        for (int k : s.knn()) {
            sb.append(' ').append(k).append("-NN |");
        }
        sb.append(" trustworthiness | continuity | recon error | embed s | metrics s |\n|---|");
        sb.append("---|".repeat(s.knn().length + 5)).append('\n');
        for (Projection.Row row : r.rows()) {
            sb.append("| ").append(row.name()).append(" |");
            for (double a : row.knnAccuracy()) {
                sb.append(String.format(Locale.ROOT, " %.4f |", a));
            }
            sb.append(String.format(Locale.ROOT, " %.4f | %.4f | %.2f | %.1f | %.1f |%n", row.trustworthiness(),
                    row.continuity(), row.reconError(), row.embedSeconds(), row.metricSeconds()));
        }
        sb.append('\n');
        for (Projection.Row row : r.rows()) {
            sb.append("- ").append(row.name()).append(": ").append(row.description()).append('\n');
        }
        return sb.toString();
    }

    private static void writeJson(Projection.Result r, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        Projection.Settings s = r.settings();
        o.put("data", r.data());
        o.put("dims", s.dims());
        o.put("train_samples", r.trainCount());
        o.put("test_samples", r.testCount());
        o.put("trustworthiness_samples", Math.min(s.metricPoints(), r.testCount()));
        o.put("trustworthiness_k", s.neighbours());
        ArrayNode methods = o.putArray("methods");
        for (Projection.Row row : r.rows()) {
            ObjectNode m = methods.addObject();
            m.put("name", row.name());
            m.put("description", row.description());
            for (int i = 0; i < s.knn().length; i++) {
                m.put("knn_" + s.knn()[i], row.knnAccuracy()[i]);
            }
            m.put("trustworthiness", row.trustworthiness());
            m.put("continuity", row.continuity());
            m.put("recon_error", row.reconError());
            m.put("embed_seconds", row.embedSeconds());
            m.put("metric_seconds", row.metricSeconds());
        }
        writeText(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    private static void writeCsv(Projection.Result r, boolean train, Path file) throws IOException {
        int n = train ? r.trainCount() : r.testCount(), dims = r.settings().dims();
        int[] labels = train ? r.trainLabels() : r.testLabels();
        AtomicFile.write(file, ch -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8));
            w.write("index,label");
            for (Projection.Row row : r.rows()) {
                for (int j = 0; j < dims; j++) {
                    w.write("," + fileName(row.name()) + "_z" + j);
                }
            }
            w.write('\n');
            for (int i = 0; i < n; i++) {
                w.write(i + "," + labels[i]);
                for (Projection.Row row : r.rows()) {
                    float[] z = train ? row.train() : row.test();
                    for (int j = 0; j < dims; j++) {
                        w.write(',');
                        w.write(Float.toString(z[i * dims + j]));
                    }
                }
                w.write('\n');
            }
            w.flush();
        });
    }

    private static void writeText(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }

    /** A method's name as a file-name part: letters, digits, '-' and '_'; anything else becomes '_'. */
    static String fileName(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private static int last(int[] a) {
        return a[a.length - 1];
    }
}
