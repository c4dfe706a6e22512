package org.bottleneck.viz;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * A bar chart of one value per category (e.g. the KL of each latent dimension) as a PNG with
 * XChart, headless, written atomically. Bars of the categories in {@code highlighted} get a
 * second colour and legend entry (e.g. the inactive units).
 */
public final class BarChart {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 450;

    static {
        Headless.ensure();
    }

    private BarChart() {
    }

    /**
     * @param categories  (C) bar labels, left to right
     * @param values      (C) bar heights; must be finite
     * @param highlighted (C) whether bar c is drawn in the second series, or null for none
     * @param names       legend names of the plain and the highlighted series
     */
    public static void write(Path png, String title, String xLabel, String yLabel, List<String> categories,
                             double[] values, boolean[] highlighted, String[] names) {
        if (categories.isEmpty() || categories.size() != values.length
                || (highlighted != null && highlighted.length != values.length)) {
            throw new IllegalArgumentException("bar chart needs one value (and flag) per category, got "
                    + categories.size() + " categories, " + values.length + " values"
                    + (highlighted != null ? ", " + highlighted.length + " flags" : "") + " (writing " + png + ")");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("bar '" + categories.get(i) + "' is " + values[i] + " (writing " + png + ")");
            }
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setOverlapped(true); // the two series share each slot: one bar per category
        chart.getStyler().setLegendVisible(highlighted != null);
        List<Double> plain = new ArrayList<>(), marked = new ArrayList<>();
        boolean anyMarked = false;
        for (int i = 0; i < values.length; i++) {
            boolean m = highlighted != null && highlighted[i];
            anyMarked |= m;
            plain.add(m ? 0.0 : values[i]);
            marked.add(m ? values[i] : 0.0);
        }
        chart.addSeries(names[0], categories, plain).setFillColor(new Color(0x1f77b4));
        if (anyMarked) {
            chart.addSeries(names[1], categories, marked).setFillColor(new Color(0xd62728));
        }
        PngFiles.write(png, PngFiles.encode(BitmapEncoder.getBufferedImage(chart)));
    }
}
