package org.bottleneck.apps;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Applies a model trained on a fixed tile shape to one image of any size, tile by tile.
 *
 * <p>Dimensions: C = cin input channels, H × W the image, th × tw the model's input tile,
 * m the margin, f the output scale factor (1, or 2–4 for super-resolution), Cout the output
 * channels; s_y = th − 2m and s_x = tw − 2m are the strides. All arrays are row-major.
 * <pre>
 *   image  (C, H, W)                 → output (Cout, f·H, f·W)
 *   fn: tiles (n, C, th, tw)         → (n, Cout, f·th, f·tw)
 * </pre>
 *
 * <p>The grid (rows shown; columns are the same with W, tw, s_x):
 * <ul>
 *   <li>There are n_y = ⌈H / s_y⌉ tile rows. Tile row i has its central (non-margin) region on
 *       image rows [c_i, c_i + s_y) with c_i = i·s_y for i &lt; n_y − 1, and the last one shifted
 *       back to end at the image border, c_{n_y−1} = max(0, H − s_y). The tile reads image rows
 *       [c_i − m, c_i − m + th): neighbouring tiles overlap by 2m (the last pair by more, the
 *       last tile being shifted back).</li>
 *   <li>Image row y is owned by exactly one tile row, min(⌊y / s_y⌋, n_y − 1), and always lies
 *       in that tile's central region: the m rows at each tile edge, where the model saw no
 *       context, are discarded.</li>
 *   <li>Where a tile reaches outside the image (its outer margin at the border, or the whole
 *       excess of a tile larger than the image) the image is extended by mirror reflection
 *       without repeating the edge pixel (numpy's {@code 'reflect'}), folded back as often as
 *       needed, so any H, W ≥ 1 works: index i maps into [0, H) with period 2(H − 1)
 *       (… 2 1 | 0 1 2 … H−1 | H−2 …), and every index to 0 when H = 1.</li>
 *   <li>The model's output pixel (f·y + a, f·x + b), 0 ≤ a, b &lt; f, of tile pixel (y, x) goes
 *       to output pixel (f·Y + a, f·X + b) of the image pixel (Y, X) that tile pixel reads.</li>
 * </ul>
 *
 * <p>Tiles are cut in row-major grid order and handed to {@code fn} in batches of at most
 * {@code batch}, each call's array holding exactly n tiles; one input buffer is reused for
 * all full batches (a shorter last batch gets its own), so {@code fn} must not keep the array
 * after it returns.
 */
public final class Tiling {
    private Tiling() {
    }

    /** Runs the fixed-size model on n tiles (n, cin, th, tw) and returns (n, cout, f·th, f·tw). */
    @FunctionalInterface
    public interface TileFunction {
        float[] apply(float[] tiles, int n);
    }

    /**
     * The model's tile: input (cin, th, tw), output (cout, factor·th, factor·tw), and the margin
     * m discarded at each tile edge (0 ≤ 2m &lt; th, tw).
     */
    public record Geometry(int cin, int th, int tw, int cout, int factor, int margin) {
        public Geometry {
            if (cin < 1 || th < 1 || tw < 1 || cout < 1 || factor < 1) {
                throw new IllegalArgumentException("tiling: cin " + cin + ", tile " + th + "x" + tw + ", cout " + cout
                        + ", factor " + factor + " must all be positive");
            }
            if (margin < 0 || 2 * margin >= th || 2 * margin >= tw) {
                throw new IllegalArgumentException("tiling: margin " + margin + " must be ≥ 0 with 2·margin < tile "
                        + th + "x" + tw + " (margin ≤ " + (Math.min(th, tw) - 1) / 2 + ")");
            }
            checkedSize("input tile (" + cin + ", " + th + ", " + tw + ")", (long) cin * th * tw);
            checkedSize("output tile (" + cout + ", " + (long) factor * th + ", " + (long) factor * tw + ")",
                    (long) cout * factor * th * factor * tw);
        }

        /** Floats per input tile, cin·th·tw. */
        int tileIn() {
            return cin * th * tw;
        }

        /** Floats per output tile, cout·(f·th)·(f·tw). */
        int tileOut() {
            return cout * factor * th * factor * tw;
        }
    }

    /**
     * image (cin, h, w) → (cout, f·h, f·w). Calls fn with at most {@code batch} tiles per call.
     * progress (may be null) gets (tilesDone, tilesTotal) after each call.
     */
    public static float[] apply(float[] image, int h, int w, Geometry g, int batch, TileFunction fn,
            BiConsumer<Integer, Integer> progress) {
        Objects.requireNonNull(image, "tiling: image");
        Objects.requireNonNull(g, "tiling: geometry");
        Objects.requireNonNull(fn, "tiling: tile function");
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("tiling: image " + h + "x" + w + " must be at least 1x1");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("tiling: batch " + batch + " must be ≥ 1");
        }
        long need = (long) g.cin() * h * w;
        if (image.length != need) {
            throw new IllegalArgumentException("tiling: image (" + g.cin() + ", " + h + ", " + w + ") needs " + need
                    + " floats, got " + image.length);
        }
        int f = g.factor(), m = g.margin(), th = g.th(), tw = g.tw();
        float[] out = new float[checkedSize("output (" + g.cout() + ", " + (long) f * h + ", " + (long) f * w + ")",
                (long) g.cout() * f * h * f * w)];
        int sy = th - 2 * m, sx = tw - 2 * m;
        int ny = (h - 1) / sy + 1, nx = (w - 1) / sx + 1; // ⌈h / sy⌉, ⌈w / sx⌉ without overflow
        int total = ny * nx; // ≤ h·w, which fits: the image is an array
        int perCall = Math.min(batch, total);
        checkedSize(perCall + " tiles of (" + g.cin() + ", " + th + ", " + tw + ")", (long) perCall * g.tileIn());
        checkedSize(perCall + " output tiles", (long) perCall * g.tileOut());

        float[] full = new float[perCall * g.tileIn()];
        int[] rows = new int[th], cols = new int[tw]; // image row / column each tile row / column reads
        for (int start = 0; start < total; start += perCall) {
            int n = Math.min(perCall, total - start);
            float[] tiles = n == perCall ? full : new float[n * g.tileIn()]; // only the last batch is short
            for (int k = 0; k < n; k++) {
                int t = start + k;
                cut(image, h, w, g, origin(t / nx, ny, sy, h) - m, origin(t % nx, nx, sx, w) - m, rows, cols,
                        tiles, k * g.tileIn());
            }
            float[] res = fn.apply(tiles, n);
            long expected = (long) n * g.tileOut();
            if (res == null || res.length != expected) {
                throw new IllegalStateException("tiling: tile function returned " + (res == null ? "null" : res.length
                        + " floats") + " for " + n + " tiles, expected " + expected + " = " + n + " x (" + g.cout()
                        + ", " + f * th + ", " + f * tw + ")");
            }
            for (int k = 0; k < n; k++) {
                int t = start + k;
                paste(res, k * g.tileOut(), g, t / nx, ny, sy, h, t % nx, nx, sx, w, out);
            }
            if (progress != null) {
                progress.accept(start + n, total);
            }
        }
        return out;
    }

    /** Image index of the first central row (or column) of tile i of n: i·s, the last one max(0, size − s). */
    private static int origin(int i, int n, int s, int size) {
        return i < n - 1 ? i * s : Math.max(0, size - s);
    }

    /** Index i of the reflect-extended axis → [0, size): period 2(size − 1), no edge repeat. */
    static int reflect(int i, int size) {
        if (size == 1) {
            return 0;
        }
        int p = 2 * (size - 1);
        int r = Math.floorMod(i, p);
        return r < size ? r : p - r;
    }

    /** Copies the (cin, th, tw) tile whose top-left image pixel is (y0, x0) into tiles[at ..]. */
    private static void cut(float[] image, int h, int w, Geometry g, int y0, int x0, int[] rows, int[] cols,
            float[] tiles, int at) {
        int th = g.th(), tw = g.tw();
        for (int y = 0; y < th; y++) {
            rows[y] = reflect(y0 + y, h);
        }
        for (int x = 0; x < tw; x++) {
            cols[x] = reflect(x0 + x, w);
        }
        boolean inside = x0 >= 0 && x0 + tw <= w; // columns are contiguous in the image
        int o = at;
        for (int c = 0; c < g.cin(); c++) {
            int plane = c * h * w;
            for (int y = 0; y < th; y++, o += tw) {
                int src = plane + rows[y] * w;
                if (inside) {
                    System.arraycopy(image, src + x0, tiles, o, tw);
                } else {
                    for (int x = 0; x < tw; x++) {
                        tiles[o + x] = image[src + cols[x]];
                    }
                }
            }
        }
    }

    /**
     * Copies the owned part of tile (iy, ix) of the ny × nx grid from its model output
     * res[at ..] (cout, f·th, f·tw) into out (cout, f·h, f·w).
     */
    private static void paste(float[] res, int at, Geometry g, int iy, int ny, int sy, int h, int ix, int nx,
            int sx, int w, float[] out) {
        int f = g.factor(), m = g.margin();
        int tileH = f * g.th(), tileW = f * g.tw(), outH = f * h, outW = f * w;
        // Owned image rows [y1, y2) and columns [x1, x2); the tile reads from (cy − m, cx − m).
        int y1 = iy * sy, y2 = iy == ny - 1 ? h : y1 + sy, cy = origin(iy, ny, sy, h);
        int x1 = ix * sx, x2 = ix == nx - 1 ? w : x1 + sx, cx = origin(ix, nx, sx, w);
        int len = f * (x2 - x1), fromX = f * (x1 - cx + m);
        for (int c = 0; c < g.cout(); c++) {
            int src = at + c * tileH * tileW, dst = c * outH * outW;
            for (int oy = f * y1; oy < f * y2; oy++) {
                int ty = oy - f * (cy - m);
                System.arraycopy(res, src + ty * tileW + fromX, out, dst + oy * outW + f * x1, len);
            }
        }
    }

    private static int checkedSize(String what, long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tiling: " + what + " needs " + n
                    + " floats, more than a Java array holds");
        }
        return (int) n;
    }
}
