package org.bottleneck.apps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.DatasetStats;
import org.bottleneck.data.Resize;
import org.bottleneck.data.Splits;
import org.bottleneck.data.transform.Examples;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.tensor.Shape;
import org.bottleneck.viz.ImageGrid;

/** The {@code data} command's work: what a source holds, and a picture of a few samples. */
public final class DataReport {
    private DataReport() {
    }

    /** Lines describing the splits: counts, shape, value range, per-channel statistics, labels. */
    public static List<String> describe(Splits s) {
        List<String> out = new ArrayList<>();
        Dataset train = s.train(), test = s.test();
        out.add("source    " + s.description());
        out.add(String.format(Locale.ROOT, "samples   %d train / %d test, each %s (%d values)%s", train.size(), test.size(),
                train.sampleShape(), train.features(), train.unitInterval() ? ", in [0, 1]" : ""));
        DatasetStats st = DatasetStats.of(train);
        out.add(String.format(Locale.ROOT, "range     [%.4g, %.4g] on the training split", st.min(), st.max()));
        boolean images = train.sampleShape().rank() == 3;
        int shown = Math.min(st.mean().length, 8);
        StringBuilder m = new StringBuilder(images ? "channels " : "features ");
        for (int c = 0; c < shown; c++) {
            m.append(String.format(Locale.ROOT, " %s%d %.4f±%.4f", images ? "c" : "f", c, st.mean()[c], st.std()[c]));
        }
        if (shown < st.mean().length) {
            m.append(" … (").append(st.mean().length - shown).append(" more)");
        }
        out.add(m + "  (mean±std)");
        if (s.standardization() != null) {
            out.add("standard  per-feature standardization fitted on the training split (stored with checkpoints)");
        }
        if (st.histogram() == null) {
            out.add("labels    none");
        } else {
            List<String> names = train.classNames();
            StringBuilder h = new StringBuilder("labels    " + st.histogram().length + " values, training counts:");
            for (int l = 0; l < st.histogram().length; l++) {
                h.append(' ').append(l < names.size() ? names.get(l) : Integer.toString(l)).append('=').append(st.histogram()[l]);
            }
            out.add(h.toString());
        }
        return out;
    }

    /**
     * Draws the first {@code n} training samples as the pipeline makes them for epoch 0: the
     * targets (augmented samples) and, below them, the degraded inputs (shown at the target's
     * size: smaller inputs enlarged by nearest neighbour, grey inputs of colour targets as grey).
     */
    public static void picture(Dataset data, Pipeline pipeline, int n, long seed, Path png) {
        Examples ex = pipeline.examples(data, n, 0, seed);
        Shape target = ex.targetShape();
        int[] chw = target.rank() == 3 ? target.dims() : Figures.imageShape(data);
        int out = (int) target.size();
        float[] t = ex.targets(), x = new float[ex.count() * out];
        for (int i = 0; i < ex.count(); i++) {
            System.arraycopy(Figures.atTargetSize(ex.input(i), ex.inputShape(), chw), 0, x, i * out, out);
        }
        List<String> labels = new ArrayList<>(List.of(pipeline.degrades() ? "target" : "sample"));
        List<float[]> rows = new ArrayList<>(List.of(t));
        if (pipeline.degrades()) {
            labels.add("input");
            rows.add(x);
        }
        ImageGrid.writeRows(png, labels, rows, chw[0], chw[1], chw[2], 2);
    }
}
