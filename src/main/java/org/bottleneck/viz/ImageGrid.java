package org.bottleneck.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes images as a PNG grid, grey (C = 1) or in colour (C = 3, RGB planes; any other C draws
 * its first channel): tiles of (H·scale) × (W·scale) pixels separated by
 * {@value #GAP}-pixel lines of gray level {@value #GAP_GRAY}; unused cells are filled with the
 * same gray. Values are clamped to [0, 1] and mapped to {@code round(255·v)}; NaN shows as 0.
 * Upscaling is nearest-neighbour. Files are written atomically; parent folders are created.
 *
 * <p>pixels: (count, C, H, W) row-major.
 */
public final class ImageGrid {
    public static final int GAP = 1;
    public static final int GAP_GRAY = 64;
    /** Largest image, in pixels, that we agree to build. */
    static final long MAX_PIXELS = 1L << 28;

    static {
        Headless.ensure();
    }

    private ImageGrid() {
    }

    /**
     * Writes the first {@code count} images of {@code pixels} in rows of {@code columns}
     * (fewer when count &lt; columns). Image size: cols·W·scale + (cols−1) by rows·H·scale + (rows−1),
     * rows = ceil(count / cols).
     *
     * @param pixels (≥ count, H, W) row-major; only the first count·H·W values are drawn
     */
    public static void write(Path png, float[] pixels, int count, int height, int width, int columns, int scale) {
        write(png, pixels, count, 1, height, width, columns, scale);
    }

    /** As above for images of C channels: pixels (≥ count, C, H, W). */
    public static void write(Path png, float[] pixels, int count, int channels, int height, int width, int columns,
                             int scale) {
        PngFiles.write(png, PngFiles.encode(grid(png, pixels, count, channels, height, width, columns, scale)));
    }

    /** The PNG bytes of the same grid, for an HTTP response. */
    public static byte[] png(float[] pixels, int count, int channels, int height, int width, int columns, int scale) {
        return PngFiles.encode(grid(null, pixels, count, channels, height, width, columns, scale));
    }

    private static BufferedImage grid(Path png, float[] pixels, int count, int channels, int height, int width,
                                      int columns, int scale) {
        checkPositive("count", count);
        checkPositive("channels", channels);
        checkSizes(height, width, scale);
        checkPositive("columns", columns);
        long need = (long) count * channels * height * width;
        if (pixels.length < need) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " values, fewer than count·C·H·W = "
                    + count + "·" + channels + "·" + height + "·" + width + " = " + need
                    + (png == null ? "" : " (writing " + png + ")"));
        }
        int cols = Math.min(columns, count);
        int rows = (count + cols - 1) / cols;
        BufferedImage img = canvas(png, 0, rows, cols, channels, height, width, scale);
        for (int i = 0; i < count; i++) {
            drawTile(img, pixels, i * channels * height * width, 0, i / cols, i % cols, channels, height, width, scale);
        }
        return img;
    }

    /** As {@link #writeRows(Path, List, List, int, int, int)} without labels. */
    public static void writeRows(Path png, List<float[]> rows, int height, int width, int scale) {
        writeRows(png, null, rows, height, width, scale);
    }

    /**
     * One strip of images per grid row, e.g. originals above their reconstructions; row r
     * holds {@code rows.get(r).length / (H·W)} images. When {@code labels} is non-null, label
     * r is written in a left margin beside row r.
     *
     * @param rows each (n_r, H, W) row-major, n_r ≥ 1
     */
    public static void writeRows(Path png, List<String> labels, List<float[]> rows, int height, int width, int scale) {
        writeRows(png, labels, rows, 1, height, width, scale);
    }

    /** As above for images of C channels: each row (n_r, C, H, W). */
    public static void writeRows(Path png, List<String> labels, List<float[]> rows, int channels, int height, int width,
                                 int scale) {
        checkPositive("channels", channels);
        checkSizes(height, width, scale);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to draw (writing " + png + ")");
        }
        if (labels != null && labels.size() != rows.size()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + rows.size() + " rows (writing " + png + ")");
        }
        int per = channels * height * width;
        int cols = 0;
        for (int r = 0; r < rows.size(); r++) {
            int len = rows.get(r).length;
            if (len == 0 || len % per != 0) {
                throw new IllegalArgumentException("row " + r + " has " + len + " values, not a positive multiple of C·H·W = "
                        + channels + "·" + height + "·" + width + " = " + per + " (writing " + png + ")");
            }
            cols = Math.max(cols, len / per);
        }
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, Math.min(16, height * scale / 2)));
        int margin = labels == null ? 0 : labelMargin(labels, font);
        BufferedImage img = canvas(png, margin, rows.size(), cols, channels, height, width, scale);
        for (int r = 0; r < rows.size(); r++) {
            float[] row = rows.get(r);
            for (int c = 0; c < row.length / per; c++) {
                drawTile(img, row, c * per, margin, r, c, channels, height, width, scale);
            }
        }
        if (labels != null) {
            drawLabels(img, labels, font, height * scale);
        }
        PngFiles.write(png, PngFiles.encode(img));
    }

    /** Gray level 0–255 of value v: clamp to [0, 1], NaN → 0. */
    static int gray(float v) {
        if (!(v > 0f)) {
            return 0;
        }
        return v >= 1f ? 255 : Math.round(v * 255f);
    }

    private static BufferedImage canvas(Path png, int margin, int rows, int cols, int channels, int height, int width,
                                        int scale) {
        long w = margin + (long) cols * width * scale + (long) (cols - 1) * GAP;
        long h = (long) rows * height * scale + (long) (rows - 1) * GAP;
        if (w * h > MAX_PIXELS) {
            throw new IllegalArgumentException("image grid " + (png == null ? "" : png + " ") + "would be " + w + "×" + h
                    + " pixels, more than " + MAX_PIXELS + "; draw fewer images or a smaller scale");
        }
        BufferedImage img = new BufferedImage((int) w, (int) h,
                channels == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(GAP_GRAY, GAP_GRAY, GAP_GRAY));
        g.fillRect(0, 0, (int) w, (int) h);
        g.dispose();
        return img;
    }

    /** One tile from src[offset..]: (C, H, W); RGB when C = 3, else channel 0 as grey. */
    private static void drawTile(BufferedImage img, float[] src, int offset, int margin, int row, int col,
            int channels, int height, int width, int scale) {
        WritableRaster raster = img.getRaster();
        int x0 = margin + col * (width * scale + GAP);
        int y0 = row * (height * scale + GAP);
        int bands = channels == 3 ? 3 : 1, plane = height * width;
        int[] line = new int[width * scale];
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int g = gray(src[offset + b * plane + y * width + x]);
                    for (int s = 0; s < scale; s++) {
                        line[x * scale + s] = g;
                    }
                }
                for (int s = 0; s < scale; s++) {
                    raster.setSamples(x0, y0 + y * scale + s, line.length, 1, b, line);
                }
            }
        }
    }

    private static int labelMargin(List<String> labels, Font font) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = probe.createGraphics();
        FontMetrics fm = g.getFontMetrics(font);
        int widest = 0;
        for (String l : labels) {
            widest = Math.max(widest, fm.stringWidth(l == null ? "" : l));
        }
        g.dispose();
        return widest + 2 * fm.getHeight() / 3;
    }

    private static void drawLabels(BufferedImage img, List<String> labels, Font font, int tileHeight) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font);
        g.setColor(Color.WHITE);
        FontMetrics fm = g.getFontMetrics();
        int pad = fm.getHeight() / 3;
        for (int r = 0; r < labels.size(); r++) {
            if (labels.get(r) != null) {
                int y = r * (tileHeight + GAP) + (tileHeight + fm.getAscent() - fm.getDescent()) / 2;
                g.drawString(labels.get(r), pad, y);
            }
        }
        g.dispose();
    }

    private static void checkSizes(int height, int width, int scale) {
        checkPositive("height", height);
        checkPositive("width", width);
        checkPositive("scale", scale);
    }

    private static void checkPositive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }
}
