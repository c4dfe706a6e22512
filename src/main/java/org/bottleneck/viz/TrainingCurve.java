package org.bottleneck.viz;

import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * A line chart of per-epoch values (train and validation loss, or any other series) written
 * as a PNG with XChart. Non-finite values are left out of the line (drawn as a gap) so that
 * a diverged epoch does not flatten the rest of the curve. Written atomically.
 */
public final class TrainingCurve {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;

    static {
        Headless.ensure();
    }

    private TrainingCurve() {
    }

    /** As {@link #write(Path, String, String, int[], Map, int, int)} at {@value #WIDTH}×{@value #HEIGHT}. */
    public static void write(Path png, String title, String yLabel, int[] epochs, Map<String, double[]> series) {
        write(png, title, yLabel, epochs, series, WIDTH, HEIGHT);
    }

    /**
     * @param epochs (E) x values, e.g. 1..E
     * @param series name → (E) values, drawn in map order (use a LinkedHashMap for a stable legend)
     */
    public static void write(Path png, String title, String yLabel, int[] epochs, Map<String, double[]> series,
            int width, int height) {
        if (epochs.length == 0) {
            throw new IllegalArgumentException("no epochs to plot (writing " + png + ")");
        }
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no series to plot (writing " + png + ")");
        }
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("chart size " + width + "×" + height + " is below 100×100 (writing " + png + ")");
        }
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle("epoch").yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        double[] x = new double[epochs.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = epochs[i];
        }
        boolean anyFinite = false;
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            double[] y = s.getValue();
            if (y.length != epochs.length) {
                throw new IllegalArgumentException("series '" + s.getKey() + "' has " + y.length + " values for "
                        + epochs.length + " epochs (writing " + png + ")");
            }
            double[] clean = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                clean[i] = Double.isFinite(y[i]) ? y[i] : Double.NaN;
                anyFinite |= Double.isFinite(y[i]);
            }
            chart.addSeries(s.getKey(), x, clean);
        }
        if (!anyFinite) {
            throw new IllegalArgumentException("every value of every series is NaN or infinite (writing " + png + ")");
        }
        PngFiles.write(png, PngFiles.encode(BitmapEncoder.getBufferedImage(chart)));
    }
}
