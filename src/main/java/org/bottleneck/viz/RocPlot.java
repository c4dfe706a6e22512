package org.bottleneck.viz;

import java.awt.Color;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** ROC curves (false-positive rate → true-positive rate), one line each, over the chance diagonal. Written atomically. */
public final class RocPlot {
    static {
        Headless.ensure();
    }

    private RocPlot() {
    }

    /** @param curves legend name → {fpr (m), tpr (m)}, each running from (0, 0) to (1, 1); drawn in map order */
    public static void write(Path png, String title, Map<String, double[][]> curves) {
        if (curves.isEmpty()) {
            throw new IllegalArgumentException("no ROC curves to plot (writing " + png + ")");
        }
        XYChart chart = new XYChartBuilder().width(700).height(600).title(title)
                .xAxisTitle("false-positive rate").yAxisTitle("true-positive rate").build();
        Styler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideSE);
        s.setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        for (Map.Entry<String, double[][]> c : curves.entrySet()) {
            double[][] xy = c.getValue();
            if (xy.length != 2 || xy[0].length != xy[1].length || xy[0].length < 2) {
                throw new IllegalArgumentException("ROC curve '" + c.getKey() + "' needs {fpr, tpr} of equal length ≥ 2");
            }
            XYSeries line = chart.addSeries(c.getKey(), xy[0], xy[1]);
            line.setMarker(SeriesMarkers.NONE);
        }
        XYSeries chance = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
        chance.setMarker(SeriesMarkers.NONE);
        chance.setLineColor(Color.GRAY);
        chance.setShowInLegend(false);
        PngFiles.write(png, PngFiles.encode(BitmapEncoder.getBufferedImage(chart)));
    }
}
