package org.bottleneck.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Small multiples: per panel, the histograms of two groups of values (e.g. anomaly scores of
 * normal and anomalous samples) as step outlines of their densities on shared bins, so groups of
 * different sizes compare. The range runs from the smallest value to the 99th percentile of both
 * groups together (a few huge scores would otherwise squeeze everything into one bin); values
 * beyond it count in the last bin. Up to 4 panels per row. Written atomically.
 */
public final class HistogramGrid {
    static final int PANEL_W = 420, PANEL_H = 280, PER_ROW = 4, BINS = 40;

    static {
        Headless.ensure();
    }

    private HistogramGrid() {
    }

    /** One panel: a title and the two groups' values. */
    public record Panel(String title, double[] first, double[] second) {
    }

    public static void write(Path png, List<Panel> panels, String firstName, String secondName, String xLabel) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("no histogram panels to draw (writing " + png + ")");
        }
        int cols = Math.min(PER_ROW, panels.size()), rows = (panels.size() + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * PANEL_W, rows * PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int p = 0; p < panels.size(); p++) {
            Panel panel = panels.get(p);
            if (panel.first.length == 0 || panel.second.length == 0) {
                throw new IllegalArgumentException("panel '" + panel.title + "' has an empty group (writing " + png + ")");
            }
            g.drawImage(BitmapEncoder.getBufferedImage(chart(panel, firstName, secondName, xLabel)),
                    (p % cols) * PANEL_W, (p / cols) * PANEL_H, null);
        }
        g.dispose();
        PngFiles.write(png, PngFiles.encode(img));
    }

    private static XYChart chart(Panel p, String firstName, String secondName, String xLabel) {
        double[] all = new double[p.first.length + p.second.length];
        System.arraycopy(p.first, 0, all, 0, p.first.length);
        System.arraycopy(p.second, 0, all, p.first.length, p.second.length);
        Arrays.sort(all);
        double lo = all[0], hi = all[(int) Math.floor(0.99 * (all.length - 1))];
        if (!(hi > lo)) {
            hi = lo + 1; // all equal: one bin holds everything
        }
        XYChart c = new XYChartBuilder().width(PANEL_W).height(PANEL_H).title(p.title).xAxisTitle(xLabel)
                .yAxisTitle("density").build();
        c.getStyler().setXAxisDecimalPattern(hi - lo >= 100 ? "#,##0" : hi - lo >= 1 ? "0.#" : "0.###");
        c.getStyler().setChartBackgroundColor(Color.WHITE).setLegendPosition(Styler.LegendPosition.InsideNE)
                .setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 12));
        add(c, firstName, p.first, lo, hi);
        add(c, secondName, p.second, lo, hi);
        return c;
    }

    /** A step outline of the density: two points per bin so the line is flat across it. */
    private static void add(XYChart c, String name, double[] v, double lo, double hi) {
        double width = (hi - lo) / BINS;
        double[] count = new double[BINS];
        for (double x : v) {
            int b = (int) Math.floor((x - lo) / width);
            count[Math.max(0, Math.min(BINS - 1, b))]++;
        }
        double[] xs = new double[2 * BINS], ys = new double[2 * BINS];
        for (int b = 0; b < BINS; b++) {
            xs[2 * b] = lo + b * width;
            xs[2 * b + 1] = lo + (b + 1) * width;
            ys[2 * b] = ys[2 * b + 1] = count[b] / (v.length * width);
        }
        XYSeries s = c.addSeries(name + " (" + v.length + ")", xs, ys);
        s.setMarker(SeriesMarkers.NONE);
    }
}
