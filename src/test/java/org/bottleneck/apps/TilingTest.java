package org.bottleneck.apps;

import static org.bottleneck.testing.Tolerance.assertExact;
import static org.bottleneck.testing.Tolerance.assertNonZero;
import static org.bottleneck.testing.Tolerance.smallInts;
import static org.bottleneck.testing.Tolerance.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.apps.Tiling.Geometry;
import org.bottleneck.apps.Tiling.TileFunction;
import org.junit.jupiter.api.Test;

/**
 * Tiling against whole-image references computed here without tiles. Every comparison is
 * exact (tolerance 0): the tile functions and the references do the same float operation on
 * the same input value (2x + 1, x·k, a copy), or sum small integers, which is exact in double,
 * then divide by 9 and round to float, the same two correctly rounded operations on both
 * sides (the reference is float64 until that last rounding). So any difference
 * is a pixel taken from the wrong place, never rounding. Margin pixels are poisoned with NaN
 * where it matters, and NaN never passes.
 *
 * <p>Shapes: images (C, H, W), tiles (n, C, th, tw), outputs (Cout, f·H, f·W), row-major.
 */
class TilingTest {
    /** Non-square, not multiples of the tile or the stride, one 1×1, several smaller than a tile. */
    private static final int[][] SIZES = {{1, 1}, {5, 3}, {2, 2}, {10, 9}, {28, 28}, {37, 61}, {100, 7}};

    // ---------------------------------------------------------------- references, whole image

    /** Mirror index without the edge repeated, folded back one reflection at a time. */
    private static int fold(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return i;
    }

    /** The 3×3 box mean of every pixel of a (c, h, w) image, reflect-padded, in double, rounded once to float. */
    private static float[] boxMean(float[] x, int c, int h, int w) {
        float[] out = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    double s = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            s += x[(ch * h + fold(y + dy, h)) * w + fold(xx + dx, w)];
                        }
                    }
                    out[(ch * h + y) * w + xx] = (float) (s / 9);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- tile functions

    /** The same 3×3 box mean inside each (c, th, tw) tile, reflecting at the tile's own edges. */
    private static TileFunction tileBoxMean(int c, int th, int tw) {
        return (tiles, n) -> {
            assertEquals(n * c * th * tw, tiles.length, "tile array length");
            float[] out = new float[tiles.length];
            for (int t = 0; t < n * c; t++) {
                int base = t * th * tw;
                for (int y = 0; y < th; y++) {
                    for (int x = 0; x < tw; x++) {
                        double s = 0;
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                s += tiles[base + fold(y + dy, th) * tw + fold(x + dx, tw)];
                            }
                        }
                        out[base + y * tw + x] = (float) (s / 9);
                    }
                }
            }
            return out;
        };
    }

    // ---------------------------------------------------------------- tests

    @Test
    void pointwiseFunctionGivesThePointwiseResultAtEverySize() {
        Geometry g = new Geometry(2, 16, 12, 2, 1, 3);
        TileFunction twoXPlusOne = (tiles, n) -> {
            float[] out = new float[tiles.length];
            for (int i = 0; i < tiles.length; i++) {
                out[i] = 2f * tiles[i] + 1f;
            }
            return out;
        };
        for (int[] s : SIZES) {
            int h = s[0], w = s[1];
            float[] image = uniform(11 + h * 1000 + w, 2 * h * w, -1, 1);
            float[] expected = new float[image.length];
            for (int i = 0; i < image.length; i++) {
                expected[i] = 2f * image[i] + 1f;
            }
            float[] got = Tiling.apply(image, h, w, g, 3, twoXPlusOne, null);
            assertNonZero("2x+1 on " + h + "x" + w, expected);
            assertExact("2x+1 on " + h + "x" + w, expected, got);
        }
    }

    @Test
    void boxMeanInsideTilesEqualsTheGlobalReflectPaddedBoxMean() {
        // Margin 1 is the least a 3×3 window needs; 3 and 10 have more overlap; the 28×28 tile
        // with margin 10 on tiny images reads far outside them (repeated reflection).
        int[][] tiles = {{16, 12, 1}, {16, 12, 3}, {28, 28, 10}, {5, 7, 1}};
        for (int[] tl : tiles) {
            Geometry g = new Geometry(2, tl[0], tl[1], 2, 1, tl[2]);
            for (int[] s : SIZES) {
                int h = s[0], w = s[1];
                float[] image = smallInts(23 + h * 1000 + w, 2 * h * w, 0, 255);
                String what = "box mean, tile " + tl[0] + "x" + tl[1] + " margin " + tl[2] + ", image " + h + "x" + w;
                float[] expected = boxMean(image, 2, h, w);
                float[] got = Tiling.apply(image, h, w, g, 4, tileBoxMean(2, tl[0], tl[1]), null);
                assertNonZero(what, expected);
                assertExact(what, expected, got);
            }
        }
    }

    @Test
    void marginsAreDiscardedAndTheBorderIsMirrored() {
        // The tile function moves each tile by the margin: central pixel (y, x) gets tile pixel
        // (y − m, x − m), the tile's outermost context, so the output is the image shifted by
        // (m, m) with the reflection showing at the top and left; margin pixels get NaN.
        int[][] tiles = {{28, 28, 10}, {16, 12, 3}, {9, 11, 4}};
        for (int[] tl : tiles) {
            int th = tl[0], tw = tl[1], m = tl[2];
            Geometry g = new Geometry(1, th, tw, 1, 1, m);
            TileFunction shift = (in, n) -> {
                float[] out = new float[in.length];
                for (int t = 0; t < n; t++) {
                    for (int y = 0; y < th; y++) {
                        for (int x = 0; x < tw; x++) {
                            boolean central = y >= m && y < th - m && x >= m && x < tw - m;
                            out[(t * th + y) * tw + x] = central ? in[(t * th + y - m) * tw + x - m] : Float.NaN;
                        }
                    }
                }
                return out;
            };
            for (int[] s : new int[][] {{1, 1}, {3, 5}, {2, 2}, {7, 4}, {30, 31}, {37, 61}}) {
                int h = s[0], w = s[1];
                float[] image = smallInts(37 + h * 1000 + w, h * w, 1, 1000);
                float[] expected = new float[h * w];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        expected[y * w + x] = image[fold(y - m, h) * w + fold(x - m, w)];
                    }
                }
                String what = "shift by margin " + m + ", tile " + th + "x" + tw + ", image " + h + "x" + w;
                assertExact(what, expected, Tiling.apply(image, h, w, g, 2, shift, null));
            }
        }
    }

    @Test
    void tilesFollowTheDocumentedGrid() {
        // Pixel value = its index y·w + x, so the central top-left pixel (m, m) of each tile
        // names the tile's central origin (c_y, c_x): i·s, the last one max(0, size − s).
        int h = 25, w = 13;
        Geometry g = new Geometry(1, 12, 8, 1, 1, 2); // strides 8 and 4
        float[] image = new float[h * w];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        List<Integer> origins = new ArrayList<>();
        Tiling.apply(image, h, w, g, 5, (tiles, n) -> {
            for (int t = 0; t < n; t++) {
                origins.add((int) tiles[t * 96 + 2 * 8 + 2]);
            }
            return tiles.clone();
        }, null);
        List<Integer> expected = new ArrayList<>();
        for (int cy : new int[] {0, 8, 16, 17}) { // ⌈25/8⌉ = 4 rows, the last shifted from 24 to 25 − 8
            for (int cx : new int[] {0, 4, 8, 9}) { // ⌈13/4⌉ = 4 columns, the last from 12 to 13 − 4
                expected.add(cy * w + cx);
            }
        }
        assertEquals(expected, origins);

        origins.clear(); // an image smaller than one stride: a single tile at (0, 0)
        Tiling.apply(new float[] {7, 8, 9}, 1, 3, g, 5, (tiles, n) -> {
            origins.add(n);
            return tiles.clone();
        }, null);
        assertEquals(List.of(1), origins);
    }

    @Test
    void factorTwoAndThreeGiveTheGlobalNearestUpsampling() {
        // The model: nearest upsampling by f, one input channel to three, channel k = x·(k + 1).
        for (int f : new int[] {2, 3}) {
            int th = 10, tw = 8;
            Geometry g = new Geometry(1, th, tw, 3, f, 2);
            TileFunction up = (tiles, n) -> {
                int oh = f * th, ow = f * tw;
                float[] out = new float[n * 3 * oh * ow];
                for (int t = 0; t < n; t++) {
                    for (int k = 0; k < 3; k++) {
                        for (int y = 0; y < oh; y++) {
                            for (int x = 0; x < ow; x++) {
                                out[((t * 3 + k) * oh + y) * ow + x] = tiles[(t * th + y / f) * tw + x / f] * (k + 1);
                            }
                        }
                    }
                }
                return out;
            };
            for (int[] s : new int[][] {{13, 29}, {4, 7}, {1, 1}, {31, 5}}) {
                int h = s[0], w = s[1], oh = f * h, ow = f * w;
                float[] image = uniform(51 + h * 1000 + w, h * w, 0, 1);
                float[] expected = new float[3 * oh * ow];
                for (int k = 0; k < 3; k++) {
                    for (int y = 0; y < oh; y++) {
                        for (int x = 0; x < ow; x++) {
                            expected[(k * oh + y) * ow + x] = image[(y / f) * w + x / f] * (k + 1);
                        }
                    }
                }
                String what = "nearest x" + f + ", image " + h + "x" + w;
                assertNonZero(what, expected);
                assertExact(what, expected, Tiling.apply(image, h, w, g, 3, up, null));
            }
        }
    }

    @Test
    void batchLimitIsRespectedAndProgressReachesTheTotal() {
        int h = 37, w = 61;
        Geometry g = new Geometry(1, 16, 12, 1, 1, 3); // strides 10 and 6
        int total = 4 * 11; // ⌈37/10⌉ · ⌈61/6⌉
        float[] image = uniform(5, h * w, 0, 1);
        for (int batch : new int[] {1, 5, 44, 1000}) {
            List<Integer> sizes = new ArrayList<>();
            List<int[]> progress = new ArrayList<>();
            float[] got = Tiling.apply(image, h, w, g, batch, (tiles, n) -> {
                assertEquals(n * 16 * 12, tiles.length, "tile array length for n = " + n);
                sizes.add(n);
                return tiles.clone();
            }, (done, all) -> progress.add(new int[] {done, all}));
            assertExact("identity, batch " + batch, image, got);
            int calls = (total + batch - 1) / batch;
            assertEquals(calls, sizes.size(), "calls with batch " + batch);
            assertEquals(total, sizes.stream().mapToInt(Integer::intValue).sum(), "tiles with batch " + batch);
            assertTrue(sizes.stream().allMatch(n -> n >= 1 && n <= batch), "batch " + batch + " got " + sizes);
            assertEquals(calls, progress.size(), "progress reports with batch " + batch);
            int previous = 0;
            for (int[] p : progress) {
                assertEquals(total, p[1], "progress total");
                assertTrue(p[0] > previous, "progress must increase: " + p[0] + " after " + previous);
                previous = p[0];
            }
            assertEquals(total, previous, "progress must end at the total");
        }
    }

    @Test
    void badArgumentsFailWithTheValues() {
        IllegalArgumentException e;
        e = assertThrows(IllegalArgumentException.class, () -> new Geometry(0, 16, 12, 1, 1, 3));
        assertTrue(e.getMessage().contains("cin 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 16, -12, 1, 1, 3));
        assertTrue(e.getMessage().contains("16x-12"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 16, 12, 1, 0, 3));
        assertTrue(e.getMessage().contains("factor 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 16, 12, 0, 1, 3));
        assertTrue(e.getMessage().contains("cout 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 16, 12, 1, 1, -1));
        assertTrue(e.getMessage().contains("margin -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 16, 12, 1, 1, 6)); // 2·6 = 12 = tw
        assertTrue(e.getMessage().contains("margin 6") && e.getMessage().contains("16x12"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 8, 30, 1, 1, 4)); // 2·4 = 8 = th
        assertTrue(e.getMessage().contains("margin 4") && e.getMessage().contains("8x30"), e.getMessage());
        new Geometry(1, 16, 12, 1, 1, 5); // the largest margin that leaves a central pixel
        new Geometry(1, 1, 1, 1, 1, 0);

        Geometry g = new Geometry(2, 16, 12, 3, 2, 3);
        TileFunction ok = (tiles, n) -> new float[n * 3 * 32 * 24];
        e = assertThrows(IllegalArgumentException.class, () -> Tiling.apply(new float[29], 5, 3, g, 4, ok, null));
        assertTrue(e.getMessage().contains("30") && e.getMessage().contains("29"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tiling.apply(new float[0], 0, 3, g, 4, ok, null));
        assertTrue(e.getMessage().contains("0x3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tiling.apply(new float[30], 5, 3, g, 0, ok, null));
        assertTrue(e.getMessage().contains("batch 0"), e.getMessage());
        assertEquals(3 * 10 * 6, Tiling.apply(new float[30], 5, 3, g, 4, ok, null).length); // the good call works

        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> Tiling.apply(new float[30], 5, 3, g, 4, (tiles, n) -> new float[n * 3 * 32 * 24 - 1], null));
        assertTrue(s.getMessage().contains(String.valueOf(3 * 32 * 24)) // expected, one tile
                && s.getMessage().contains(String.valueOf(3 * 32 * 24 - 1)), s.getMessage());
        s = assertThrows(IllegalStateException.class,
                () -> Tiling.apply(new float[30], 5, 3, g, 4, (tiles, n) -> null, null));
        assertTrue(s.getMessage().contains("null") && s.getMessage().contains(String.valueOf(3 * 32 * 24)),
                s.getMessage());
    }
}
