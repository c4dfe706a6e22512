package org.bottleneck.apps.anomaly;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.bottleneck.apps.anomaly.AnomalyExperiment.ClassResult;
import org.bottleneck.apps.anomaly.AnomalyExperiment.Metrics;
import org.bottleneck.apps.anomaly.AnomalyExperiment.Result;
import org.bottleneck.io.AtomicFile;
import org.bottleneck.metrics.MeanStd;
import org.bottleneck.metrics.RocAuc;
import org.bottleneck.viz.HistogramGrid;
import org.bottleneck.viz.RocPlot;

/**
 * The files an anomaly experiment leaves: {@code anomaly.md} (per-class ROC-AUC and average
 * precision, mean ± sd over seeds, for every method, and the rates at the chosen threshold),
 * {@code anomaly.csv} (one row per class, seed and method), {@code anomaly.json} (the same with
 * the summary), {@code roc.png} (the primary score's ROC curve of each class, first seed) and
 * {@code histograms.png} (its test scores of normal vs anomalous samples, per class).
 */
public final class AnomalyReport {
    private AnomalyReport() {
    }

    public static List<String> write(Result r, String dataName, Path out) throws IOException {
        List<String> wrote = new ArrayList<>();
        text(out.resolve("anomaly.md"), markdown(r, dataName));
        text(out.resolve("anomaly.csv"), csv(r));
        text(out.resolve("anomaly.json"), json(r, dataName));
        wrote.add("anomaly.md");
        wrote.add("anomaly.csv");
        wrote.add("anomaly.json");
        String primary = r.setup().primary().id();
        Map<String, double[][]> curves = new LinkedHashMap<>();
        List<HistogramGrid.Panel> panels = new ArrayList<>();
        for (ClassResult c : r.classes()) {
            RocAuc.Curve k = c.curves().get(primary);
            curves.put(c.name() + String.format(Locale.ROOT, " (%.3f)", c.runs().get(0).methods().get(primary).rocAuc()),
                    new double[][] {k.fpr(), k.tpr()});
            panels.add(new HistogramGrid.Panel(subject(r, c), c.normalScores(), c.anomalousScores()));
        }
        RocPlot.write(out.resolve("roc.png"), r.setup().protocol().id() + " ROC, score " + primary + " (first seed; AUC in brackets)",
                curves);
        HistogramGrid.write(out.resolve("histograms.png"), panels, "normal", "anomalous", primary + " score");
        wrote.add("roc.png");
        wrote.add("histograms.png");
        return wrote;
    }

    /** Per class, method → mean ± sd over seeds of the metric, as "97.1 ± 0.3" (percent). */
    static String cell(ClassResult c, String method, ToDoubleFunction<Metrics> metric) {
        return pct(stats(c, method, metric));
    }

    static MeanStd stats(ClassResult c, String method, ToDoubleFunction<Metrics> metric) {
        return MeanStd.of(c.runs().stream().mapToDouble(run -> metric.applyAsDouble(run.methods().get(method))).toArray());
    }

    /** The mean ROC-AUC over classes of {@code method}. */
    public static double meanRocAuc(Result r, String method) {
        return overClasses(r, method, Metrics::rocAuc).mean();
    }

    /** The mean over classes of each class's mean over seeds; sd = the spread of the per-class means. */
    static MeanStd overClasses(Result r, String method, ToDoubleFunction<Metrics> metric) {
        return MeanStd.of(r.classes().stream().mapToDouble(c -> stats(c, method, metric).mean()).toArray());
    }

    private static String pct(MeanStd m) {
        return Double.isNaN(m.sd()) ? String.format(Locale.ROOT, "%.1f", 100 * m.mean())
                : String.format(Locale.ROOT, "%.1f ± %.1f", 100 * m.mean(), 100 * m.sd());
    }

    private static String subject(Result r, ClassResult c) {
        return r.setup().protocol() == Protocol.ONE_CLASS ? "normal: " + c.name() : "anomaly: " + c.name();
    }

    static String markdown(Result r, String dataName) {
        var s = r.setup();
        StringBuilder sb = new StringBuilder();
        sb.append("# Anomaly detection: ").append(s.protocol().id()).append(" on ").append(dataName).append("\n\n");
        sb.append("Model ").append(r.model()).append(", ").append(s.seeds()).append(s.seeds() == 1 ? " seed" : " seeds")
                .append(s.seeds() > 1 ? " (mean ± sd)" : "").append(String.format(Locale.ROOT,
                        "; %.0f%% of the normal training samples held out to set thresholds at a %.1f%% false-positive rate; "
                                + "%.0f s in all.%n%n", 100 * s.holdout(), 100 * s.fpr(), r.seconds()));
        table(sb, r, "ROC-AUC (%)", Metrics::rocAuc);
        table(sb, r, "Average precision (%)", Metrics::averagePrecision);
        sb.append(String.format(Locale.ROOT, "## At the threshold (score %s, target FPR %.1f%%)%n%n", s.primary().id(),
                100 * s.fpr()));
        sb.append("| class | threshold | test FPR (%) | test TPR (%) |\n|---|---|---|---|\n");
        for (ClassResult c : r.classes()) {
            Metrics m = c.runs().get(0).methods().get(s.primary().id());
            sb.append(String.format(Locale.ROOT, "| %s | %.4g | %s | %s |%n", c.name(), m.threshold(),
                    cell(c, s.primary().id(), Metrics::testFpr), cell(c, s.primary().id(), Metrics::testTpr)));
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, Result r, String title, ToDoubleFunction<Metrics> metric) {
        sb.append("## ").append(title).append("\n\n| class | normal (train) | test normal / anomalous |");
        r.methods().forEach(m -> sb.append(' ').append(m).append(" |"));
        sb.append("\n|---|---|---|");
        r.methods().forEach(m -> sb.append("---|"));
        sb.append('\n');
        for (ClassResult c : r.classes()) {
            sb.append("| ").append(c.name()).append(" | ").append(c.fitting()).append(" | ").append(c.testNormal())
                    .append(" / ").append(c.testAnomalous()).append(" |");
            r.methods().forEach(m -> sb.append(' ').append(cell(c, m, metric)).append(" |"));
            sb.append('\n');
        }
        sb.append("| **mean** | | |");
        r.methods().forEach(m -> sb.append(" **").append(pct(overClasses(r, m, metric))).append("** |"));
        sb.append("\n\n");
    }

    static String csv(Result r) {
        StringBuilder sb = new StringBuilder("protocol,class,seed,method,roc_auc,average_precision,threshold,test_fpr,test_tpr,"
                + "train_seconds\n");
        for (ClassResult c : r.classes()) {
            for (var run : c.runs()) {
                run.methods().forEach((name, m) -> sb.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%.6f,%.6f,%.6g,%.6f,%.6f,%.2f%n",
                        r.setup().protocol().id(), csvField(c.name()), run.seed(), name, m.rocAuc(), m.averagePrecision(),
                        m.threshold(), m.testFpr(), m.testTpr(), run.trainSeconds())));
            }
        }
        return sb.toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    static String json(Result r, String dataName) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        var s = r.setup();
        o.put("data", dataName);
        o.put("protocol", s.protocol().id());
        o.put("model", r.model());
        o.put("seeds", s.seeds());
        o.put("primary", s.primary().id());
        o.put("fpr", s.fpr());
        o.put("holdout", s.holdout());
        o.put("seconds", r.seconds());
        ObjectNode mean = o.putObject("mean");
        for (String m : r.methods()) {
            ObjectNode mm = mean.putObject(m);
            mm.put("roc_auc", overClasses(r, m, Metrics::rocAuc).mean());
            mm.put("average_precision", overClasses(r, m, Metrics::averagePrecision).mean());
        }
        ArrayNode classes = o.putArray("classes");
        for (ClassResult c : r.classes()) {
            ObjectNode cn = classes.addObject();
            cn.put("label", c.label());
            cn.put("name", c.name());
            cn.put("normal_train", c.fitting());
            cn.put("held_out", c.heldOut());
            cn.put("test_normal", c.testNormal());
            cn.put("test_anomalous", c.testAnomalous());
            if (c.checkpoint() != null) {
                cn.put("checkpoint", c.checkpoint().getFileName().toString());
            }
            ObjectNode ms = cn.putObject("methods");
            for (String m : r.methods()) {
                ObjectNode mm = ms.putObject(m);
                MeanStd roc = stats(c, m, Metrics::rocAuc), ap = stats(c, m, Metrics::averagePrecision);
                number(mm, "roc_auc", roc.mean());
                number(mm, "roc_auc_sd", roc.sd());
                number(mm, "average_precision", ap.mean());
                number(mm, "average_precision_sd", ap.sd());
            }
        }
        return o.toPrettyString() + "\n";
    }

    /** JSON has no NaN: an undefined value (the sd of one seed) is null. */
    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static void text(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }
}
