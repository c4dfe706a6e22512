package org.bottleneck.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.ConvGeometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The C conv data movement (NativeConvLoops, native/cpu/conv_loops.c) against its Java twin
 * (JavaConvLoops) on the same arrays, bit for bit: gathers and copies are exact, col2im sums in
 * the same order within each sample, the bias gradient in the same order within each channel.
 * Awkward geometries (odd, non-square planes; stride 1/2/3; padding 0/1/2; k 1/3/5; Cin 1/3;
 * batch 1, 7 and one large enough to split over the pool), operands at non-zero offsets of
 * arrays that hold other data around them (which must survive).
 */
class ConvLoopsTest {
    private final ConvLoops java = new JavaConvLoops();
    private final ConvLoops nat = new NativeConvLoops();

    private static List<ConvGeometry> geometries() {
        List<ConvGeometry> out = new ArrayList<>();
        int[][] planes = {{5, 7}, {9, 4}, {11, 11}, {1, 6}};
        for (int batch : new int[] {1, 7, 96}) {
            for (int cin : new int[] {1, 3}) {
                for (int[] hw : planes) {
                    for (int k : new int[] {1, 3, 5}) {
                        for (int s = 1; s <= 3; s++) {
                            for (int p = 0; p <= 2; p++) {
                                if (hw[0] + 2 * p < k || hw[1] + 2 * p < k) {
                                    continue; // no output
                                }
                                if (batch == 96 && (k == 1 || s == 3)) {
                                    continue; // the big batch only where the pool splits the work
                                }
                                out.add(new ConvGeometry(batch, cin, hw[0], hw[1], 4 + cin, k, s, p));
                            }
                        }
                    }
                }
            }
        }
        out.add(new ConvGeometry(128, 32, 14, 14, 64, 3, 2, 1)); // the conv AE's heavy layer
        return out;
    }

    @Test
    void im2colAndCol2imMatchBitForBit() {
        SplittableRandom rnd = new SplittableRandom(5);
        double total = 0;
        for (ConvGeometry g : geometries()) {
            int nb = g.batch(), inLen = nb * g.inC() * g.inH() * g.inW(), colLen = nb * g.outPlane() * g.patchSize();
            int xo = 3, co = 5;
            float[] x = random(rnd, xo + inLen + 4);
            float[] colsA = random(rnd, co + colLen + 3), colsB = colsA.clone();
            java.im2col(g, x, xo, nb, colsA, co);
            nat.im2col(g, x, xo, nb, colsB, co);
            assertArrayEquals(colsA, colsB, "im2col " + g);
            total += norm(colsA, co, colLen);

            float[] cols = random(rnd, co + colLen + 3);
            float[] dxA = random(rnd, xo + inLen + 4), dxB = dxA.clone();
            java.col2im(g, cols, co, nb, dxA, xo);
            nat.col2im(g, cols, co, nb, dxB, xo);
            assertArrayEquals(dxA, dxB, "col2im " + g);
            total += norm(dxA, xo, inLen);
        }
        assertTrue(total > 0, "vacuous output");
    }

    @Test
    void transposesMatchBitForBit() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int[] s : new int[][] {{1, 1, 1}, {1, 35, 3}, {7, 9, 5}, {7, 1, 13}, {128, 49, 64}, {96, 143, 7}}) {
            int nb = s[0], plane = s[1], c = s[2], n = nb * plane * c, ro = 2, yo = 7;
            float[] src = random(rnd, ro + n + 3);
            float[] a = random(rnd, yo + n + 5), b = a.clone();
            java.rowsToNchw(src, ro, nb, plane, c, a, yo);
            nat.rowsToNchw(src, ro, nb, plane, c, b, yo);
            assertArrayEquals(a, b, "rowsToNchw " + nb + "x" + plane + "x" + c);
            float[] a2 = random(rnd, ro + n + 3), b2 = a2.clone();
            java.nchwToRows(a, yo, nb, plane, c, a2, ro);
            nat.nchwToRows(a, yo, nb, plane, c, b2, ro);
            assertArrayEquals(a2, b2, "nchwToRows " + nb + "x" + plane + "x" + c);
            assertArrayEquals(Arrays.copyOfRange(src, ro, ro + n), Arrays.copyOfRange(a2, ro, ro + n),
                    "nchwToRows inverts rowsToNchw");
        }
    }

    private static final int[][] CHANNEL_SHAPES = {{1, 1, 1}, {7, 3, 35}, {1, 5, 9}, {128, 32, 49}, {96, 7, 143}};

    @ParameterizedTest
    @EnumSource(Activation.class)
    void channelForwardMatchesBitForBit(Activation act) {
        SplittableRandom rnd = new SplittableRandom(30 + act.ordinal());
        for (int[] s : CHANNEL_SHAPES) {
            int batch = s[0], c = s[1], hw = s[2], n = batch * c * hw;
            float[] bias = random(rnd, c + 3);
            for (boolean inPlace : new boolean[] {false, true}) {
                int ox = 3, oy = inPlace ? ox : ox + n + 2;
                float[] a = random(rnd, oy + n + 4);
                if (n > 2) {
                    a[ox] = -bias[2];
                    a[ox + 1] = Float.NaN;
                }
                float[] b = a.clone();
                java.channelBiasActivationForward(a, ox, bias, 2, a, oy, batch, c, hw, act);
                nat.channelBiasActivationForward(b, ox, bias, 2, b, oy, batch, c, hw, act);
                assertArrayEquals(a, b, act + " " + batch + "x" + c + "x" + hw + (inPlace ? " in place" : ""));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void channelBackwardMatchesBitForBit(Activation act) {
        SplittableRandom rnd = new SplittableRandom(60 + act.ordinal());
        double total = 0;
        for (int[] s : CHANNEL_SHAPES) {
            int batch = s[0], c = s[1], hw = s[2], n = batch * c * hw;
            for (int mode = 0; mode < 3; mode++) { // 0: dx apart, 1: dx = dy in place, 2: no bias gradient
                int oy = 1, ody = oy + n + 3, odx = mode == 1 ? ody : ody + n + 1;
                float[] a = random(rnd, odx + n + 2);
                float[] b = a.clone();
                float[] dbA = mode == 2 ? null : random(rnd, c + 2), dbB = dbA == null ? null : dbA.clone();
                java.channelBiasActivationBackward(a, oy, a, ody, a, odx, dbA, 2, batch, c, hw, act);
                nat.channelBiasActivationBackward(b, oy, b, ody, b, odx, dbB, 2, batch, c, hw, act);
                String what = act + " " + batch + "x" + c + "x" + hw + " mode " + mode;
                assertArrayEquals(a, b, what);
                if (dbA != null) {
                    assertArrayEquals(dbA, dbB, what + " dbias");
                }
                total += norm(a, odx, n);
            }
        }
        assertTrue(total > 0, "vacuous output");
    }

    private static double norm(float[] a, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += Float.isFinite(a[i]) ? Math.abs(a[i]) : 0;
        }
        return s;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        return a;
    }
}
