package org.bottleneck.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Scatter plots of embeddings coloured by class, one series per label with a legend (XChart),
 * and several of them side by side in one PNG. Points are rows of a row-major (n, dims) array;
 * the plot shows coordinates 0 and 1 (with dims = 1: coordinate 0 against the label), its axes
 * spanning the central 99% of each coordinate (0.5th to 99.5th percentile, 5% margin) so a few
 * outliers do not shrink the clusters to a dot; the outliers fall outside the frame. Colours
 * are matplotlib's tab10 for up to ten classes, evenly spaced hues beyond. Written atomically.
 */
public final class EmbeddingScatter {
    private static final Color[] TAB10 = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

    static {
        Headless.ensure();
    }

    private EmbeddingScatter() {
    }

    /**
     * @param z          (n, dims) points
     * @param labels     (n) class labels ≥ 0
     * @param classNames names by label, or empty (then the labels' numbers)
     */
    public static BufferedImage chart(String title, float[] z, int n, int dims, int[] labels, List<String> classNames,
                                      int width, int height) {
        if (dims < 1 || z.length != (long) n * dims || labels.length != n || n == 0) {
            throw new IllegalArgumentException("scatter '" + title + "': " + z.length + " floats and " + labels.length
                    + " labels for (" + n + ", " + dims + ") points");
        }
        int classes = 0;
        for (int y : labels) {
            if (y < 0) {
                throw new IllegalArgumentException("scatter '" + title + "' colours by label; found label " + y);
            }
            classes = Math.max(classes, y + 1);
        }
        int[] count = new int[classes];
        for (int y : labels) {
            count[y]++;
        }
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle("z0").yAxisTitle(dims == 1 ? "label" : "z1").build();
        XYStyler s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotGridLinesVisible(false);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setMarkerSize(3);
        double[] xr = range(z, n, dims, 0);
        s.setXAxisMin(xr[0]);
        s.setXAxisMax(xr[1]);
        if (dims > 1) {
            double[] yr = range(z, n, dims, 1);
            s.setYAxisMin(yr[0]);
            s.setYAxisMax(yr[1]);
        }
        for (int c = 0; c < classes; c++) {
            if (count[c] == 0) {
                continue;
            }
            double[] xs = new double[count[c]], ys = new double[count[c]];
            for (int i = 0, k = 0; i < n; i++) {
                if (labels[i] == c) {
                    xs[k] = z[i * dims];
                    ys[k++] = dims == 1 ? c : z[i * dims + 1];
                }
            }
            String name = c < classNames.size() ? classNames.get(c) : Integer.toString(c);
            XYSeries series = chart.addSeries(name, xs, ys);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setMarkerColor(color(c, classes));
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Writes one chart. */
    public static void write(Path png, BufferedImage chart) {
        PngFiles.write(png, PngFiles.encode(chart));
    }

    /** Writes the charts in one row, left to right, on white. */
    public static void writeSideBySide(Path png, List<BufferedImage> charts) {
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("no charts to combine (writing " + png + ")");
        }
        int w = 0, h = 0;
        for (BufferedImage c : charts) {
            w += c.getWidth();
            h = Math.max(h, c.getHeight());
        }
        BufferedImage all = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int x = 0;
        for (BufferedImage c : charts) {
            g.drawImage(c, x, 0, null);
            x += c.getWidth();
        }
        g.dispose();
        PngFiles.write(png, PngFiles.encode(all));
    }

    /** [0.5th percentile − 5%, 99.5th percentile + 5%] of coordinate {@code c}. */
    private static double[] range(float[] z, int n, int dims, int c) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = z[i * dims + c];
        }
        java.util.Arrays.sort(v);
        double lo = v[(int) Math.floor(0.005 * (n - 1))], hi = v[(int) Math.ceil(0.995 * (n - 1))];
        double pad = hi > lo ? 0.05 * (hi - lo) : 1;
        return new double[] {lo - pad, hi + pad};
    }

    private static Color color(int c, int classes) {
        if (classes <= TAB10.length) {
            return TAB10[c];
        }
        return Color.getHSBColor((float) c / classes, 0.75f, 0.85f);
    }
}
