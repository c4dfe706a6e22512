package org.bottleneck.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bottleneck.apps.anomaly.AnomalyScore;
import org.bottleneck.apps.anomaly.Detector;
import org.bottleneck.apps.anomaly.ModelScores;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.io.AtomicFile;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Per-sample anomaly scores of any data source under a trained model, as CSV: index,label,<score…>"
                + "[,anomalous].",
                "Scores: recon (any model), elbo and recon-prob (VAEs), mahalanobis (checkpoints written by `anomaly`, which "
                        + "store the normal codes' Gaussian). The anomalous flag (1 = score above the threshold) comes from "
                        + "the threshold `anomaly` stored, or from --threshold."})
public final class ScoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    CheckpointOption ckpt;

    @Option(names = "--split", defaultValue = "test", description = "test or train. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N samples (0 = all). Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = "--score", description = "The score to flag by. Default: the detector's (what `anomaly --score` chose), "
            + "else recon.")
    String score;

    @Option(names = "--threshold", description = "Flag samples whose score exceeds this. Default: the detector's threshold "
            + "for that score, else no flag column.")
    Double threshold;

    @Option(names = "--draws", description = "L of recon-prob. Default: the detector's, else 10.")
    Integer draws;

    @Option(names = {"-o", "--out"}, defaultValue = "scores.csv", description = "CSV to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!split.equals("test") && !split.equals("train")) {
            throw new IllegalArgumentException("--split must be test or train, got '" + split + "'");
        }
        if (threshold != null && !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("--threshold must be a finite number, got " + threshold);
        }
        Detector det = Detector.read(Checkpoint.read(ckpt.checkpoint), ckpt.checkpoint.toString());
        try (Backend backend = common.backend(); Model model = ckpt.load(backend)) {
            Dataset data = (split.equals("train") ? ckpt.train(model, common.data) : ckpt.test(model, common.data)).limit(limit);
            List<AnomalyScore> which = AnomalyScore.available(model).stream()
                    .filter(s -> s != AnomalyScore.MAHALANOBIS || (det != null && det.gaussian() != null)).toList();
            AnomalyScore flagBy = score != null ? AnomalyScore.parse(score) : det != null ? det.primary() : AnomalyScore.RECON;
            if (!which.contains(flagBy)) {
                throw new IllegalArgumentException("score '" + flagBy.id() + "' is not available for " + ckpt.checkpoint
                        + " (available: " + which.stream().map(AnomalyScore::id).toList()
                        + (flagBy == AnomalyScore.MAHALANOBIS ? "; mahalanobis needs a checkpoint written by `anomaly`" : "") + ")");
            }
            Double t = threshold != null ? threshold
                    : det != null && det.thresholds().containsKey(flagBy) ? det.threshold(flagBy) : null;
            int l = draws != null ? draws : det != null ? det.draws() : 10;
            Map<AnomalyScore, double[]> s = ModelScores.of(model, data, which, det != null ? det.gaussian() : null, l, 500);
            int flagged = write(data, which, s, flagBy, t);
            System.out.printf(Locale.ROOT, "scored %d samples of %s (%s)%s → %s%n", data.size(), data.name(),
                    which.stream().map(AnomalyScore::id).toList(), t == null ? "" : String.format(Locale.ROOT,
                            "; %d flagged anomalous (%.2f%%) by %s > %.6g", flagged, 100.0 * flagged / Math.max(1, data.size()),
                            flagBy.id(), t), out);
        }
        return 0;
    }

    private int write(Dataset data, List<AnomalyScore> which, Map<AnomalyScore, double[]> s, AnomalyScore flagBy, Double t)
            throws java.io.IOException {
        StringBuilder sb = new StringBuilder("index,label");
        which.forEach(a -> sb.append(',').append(a.id()));
        sb.append(t != null ? ",anomalous\n" : "\n");
        int flagged = 0;
        for (int i = 0; i < data.size(); i++) {
            sb.append(i).append(',').append(data.label(i));
            for (AnomalyScore a : which) {
                sb.append(',').append((float) s.get(a)[i]);
            }
            if (t != null) {
                boolean f = s.get(flagBy)[i] > t;
                flagged += f ? 1 : 0;
                sb.append(f ? ",1" : ",0");
            }
            sb.append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(out, ch -> ch.write(ByteBuffer.wrap(bytes)));
        return flagged;
    }
}
