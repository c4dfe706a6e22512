package org.bottleneck.data.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bottleneck.backend.Philox;
import org.bottleneck.data.ArrayDataset;
import org.bottleneck.data.Dataset;
import org.bottleneck.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Every transform against a direct reference computed here from the same Philox draws. */
class PipelineTest {
    private static final long SEED = 7;

    /** n seeded images of shape (c, h, w) in (0, 1). */
    private static Dataset images(int n, int c, int h, int w) {
        float[] x = new float[n * c * h * w];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.05f + 0.9f * r.nextFloat();
        }
        return new ArrayDataset("imgs", Shape.of(c, h, w), x, null);
    }

    private static float[] sample(Dataset d, int i) {
        float[] x = new float[d.features()];
        d.copySample(i, x, 0);
        return x;
    }

    private static Example make(Pipeline p, Dataset d, int index, int epoch) {
        Example e = p.newExample(d.sampleShape());
        p.make(d, index, epoch, SEED, e, new Draws());
        return e;
    }

    private static float[] input(Example e) {
        return Arrays.copyOf(e.input, e.inputSize());
    }

    @Test
    void gaussianNoiseIsClippedToTheDataRange() {
        Dataset d = images(3, 1, 4, 5);
        Example e = make(Pipeline.parse(null, "gaussian=0.5", true), d, 2, 4);
        long key = Pipeline.key(SEED, 0, 4, 2);
        float[] x = sample(d, 2);
        int clipped = 0;
        for (int i = 0; i < x.length; i++) {
            float v = x[i] + 0.5f * Philox.normal(key, i), want = Math.min(1f, Math.max(0f, v));
            clipped += v != want ? 1 : 0;
            assertEquals(want, e.input[i], "element " + i);
        }
        assertTrue(clipped > 0, "σ = 0.5 pushes some pixels out of [0, 1]");
        assertArrayEquals(x, Arrays.copyOf(e.target, 20), "the target stays clean");
        assertFalse(e.masked);
        // tables are not clipped, nor is gaussian=σ:unclipped
        Example t = make(Pipeline.parse(null, "gaussian=0.5", false), d, 2, 4);
        Example u = make(Pipeline.parse(null, "gaussian=0.5:unclipped", true), d, 2, 4);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] + 0.5f * Philox.normal(key, i), t.input[i]);
            assertEquals(x[i] + 0.5f * Philox.normal(key, i), u.input[i]);
        }
    }

    @Test
    void saltPepperAndMaskingFollowTheirUniforms() {
        Dataset d = images(2, 1, 8, 8);
        long key = Pipeline.key(SEED, 0, 1, 1);
        float[] x = sample(d, 1);
        Example sp = make(Pipeline.parse(null, "salt-pepper=0.3", true), d, 1, 1);
        Example mk = make(Pipeline.parse(null, "masking=0.4", true), d, 1, 1);
        int salt = 0, pepper = 0;
        for (int i = 0; i < x.length; i++) {
            float u = Philox.uniform(key, i);
            float wantSp = u < 0.15f ? 0f : u < 0.3f ? 1f : x[i];
            pepper += u < 0.15f ? 1 : 0;
            salt += u >= 0.15f && u < 0.3f ? 1 : 0;
            assertEquals(wantSp, sp.input[i], "salt-pepper element " + i);
            assertEquals(u < 0.4f ? 0f : x[i], mk.input[i], "masking element " + i);
        }
        assertTrue(salt > 0 && pepper > 0, "64 pixels at p = 0.3 draw both: " + salt + " salt, " + pepper + " pepper");
    }

    @Test
    void boxHolesAreZeroedAndAreTheLossMask() {
        Dataset d = images(4, 3, 10, 12);
        Example e = make(Pipeline.parse(null, "box=3-5", true), d, 3, 0);
        long key = Pipeline.key(SEED, 0, 0, 3);
        Draws dr = new Draws();
        dr.reset(key);
        int h = 3 + dr.below(0, 3), w = 3 + dr.below(1, 3), y0 = dr.below(2, 10 - h + 1), x0 = dr.below(3, 12 - w + 1);
        float[] x = sample(d, 3);
        assertTrue(e.masked);
        int holes = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 10; y++) {
                for (int xx = 0; xx < 12; xx++) {
                    int i = (c * 10 + y) * 12 + xx;
                    boolean hole = y >= y0 && y < y0 + h && xx >= x0 && xx < x0 + w;
                    holes += hole ? 1 : 0;
                    assertEquals(hole ? 0f : x[i], e.input[i], "input at " + i);
                    assertEquals(hole ? 1f : 0f, e.mask[i], "mask at " + i);
                }
            }
        }
        assertEquals(3 * h * w, holes);
        assertFalse(make(Pipeline.parse(null, "box=3-5:whole", true), d, 3, 0).masked, ":whole trains on the whole image");
    }

    @Test
    void aMarkedHoleAddsItsChannelAndAFixedMaskIsTheSameHoleEverywhere() {
        Dataset d = images(4, 3, 10, 12);
        Pipeline plain = Pipeline.parse(null, "box=3-5", true), marked = Pipeline.parse(null, "box=3-5:whole:marked", true);
        assertEquals(Shape.of(4, 10, 12), marked.inputShape(d.sampleShape()));
        assertEquals(Shape.of(3, 10, 12), marked.targetShape(d.sampleShape()));
        Example a = make(plain, d, 2, 1), b = make(marked, d, 2, 1);
        // the same draws: the same hole, zeroed alike; the fourth channel is the hole, and :whole keeps no loss mask
        assertArrayEquals(Arrays.copyOf(a.input, 360), Arrays.copyOf(b.input, 360));
        assertFalse(b.masked);
        assertTrue(b.holed);
        int holes = 0;
        for (int p = 0; p < 120; p++) {
            assertEquals(a.mask[p], b.input[360 + p], "marked channel at " + p);
            assertEquals(a.mask[p], b.hole[p], "recorded hole at " + p);
            holes += b.hole[p] > 0 ? 1 : 0;
        }
        assertTrue(holes >= 9, "a hole of at least 3x3, got " + holes);

        float[] plane = new float[120];
        plane[5] = plane[17] = plane[119] = 1f;
        Pipeline fixed = new Pipeline(List.of(), List.of(new FixedMask(plane, 10, 12, true, false, "m.png")));
        for (int i = 0; i < 4; i++) {
            Example e = make(fixed, d, i, Pipeline.EVAL_EPOCH);
            float[] x = sample(d, i);
            for (int j = 0; j < 360; j++) {
                boolean hole = plane[j % 120] > 0;
                assertEquals(hole ? 0f : x[j], e.input[j], "image " + i + " at " + j);
                assertEquals(hole ? 1f : 0f, e.mask[j]);
            }
        }
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> fixed.inputShape(Shape.of(3, 12, 10)));
        assertTrue(wrong.getMessage().contains("12x10") && wrong.getMessage().contains("10x12"), wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pipeline.parse(null, "box=3:marked:marked", true));
        assertThrows(IllegalArgumentException.class, () -> Pipeline.parse(null, "box=3:wide", true));
    }

    @Test
    void downsamplingGivesTheSmallImageOrItsEnlargement() {
        float[] px = new float[16];
        for (int i = 0; i < 16; i++) {
            px[i] = i / 16f;
        }
        Dataset d = new ArrayDataset("ramp", Shape.of(1, 4, 4), px, null);
        Pipeline p = Pipeline.parse(null, "down=2", true);
        assertEquals(Shape.of(1, 2, 2), p.inputShape(d.sampleShape()));
        assertEquals(Shape.of(1, 4, 4), p.targetShape(d.sampleShape()));
        Example e = make(p, d, 0, 0);
        // box = the mean of each 2×2 block: (0 + 1 + 4 + 5)/64 …
        assertArrayEquals(new float[] {10 / 64f, 18 / 64f, 42 / 64f, 50 / 64f}, input(e), 1e-7f);
        Example up = make(Pipeline.parse(null, "down=2:box:up", true), d, 0, 0);
        assertEquals(Shape.of(1, 4, 4), up.inputShape);
        assertEquals(10 / 64f, up.input[0], 1e-7f);
        assertEquals(10 / 64f, up.input[5], 1e-7f); // nearest enlargement of block (0, 0)
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.parse(null, "down=3", true).inputShape(Shape.of(1, 28, 28)));
        assertTrue(bad.getMessage().contains("factor 3 does not divide the image size 28x28"), bad.getMessage());
    }

    @Test
    void lumaIsBt601() {
        float[] rgb = {1, 0, 0.5f, /* G */ 0, 1, 0.5f, /* B */ 0, 0, 0.5f}; // (3, 1, 3): red, green, grey
        Dataset d = new ArrayDataset("rgb", Shape.of(3, 1, 3), rgb, null);
        Example e = make(Pipeline.parse(null, "luma", true), d, 0, 0);
        assertEquals(Shape.of(1, 1, 3), e.inputShape);
        assertArrayEquals(new float[] {0.299f, 0.587f, 0.5f}, input(e), 1e-6f);
        assertEquals(Shape.of(3, 1, 3), e.targetShape, "the target keeps its colour");
        IllegalArgumentException grey = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.parse(null, "luma", true).inputShape(Shape.of(1, 5, 5)));
        assertTrue(grey.getMessage().contains("RGB"), grey.getMessage());
    }

    @Test
    void cropAndFlipAugmentInputAndTargetAlike() {
        Dataset d = images(5, 2, 6, 7);
        Pipeline p = Pipeline.parse("crop=4x5,flip", "gaussian=0.1", true);
        assertEquals(Shape.of(2, 4, 5), p.targetShape(d.sampleShape()));
        int flipped = 0;
        for (int i = 0; i < 5; i++) {
            Example e = make(p, d, i, 2);
            Draws crop = new Draws(), flip = new Draws();
            crop.reset(Pipeline.key(SEED, 0, 2, i));
            flip.reset(Pipeline.key(SEED, 1, 2, i));
            int y0 = crop.below(0, 3), x0 = crop.below(1, 3);
            boolean mirror = flip.uniform(0) < 0.5f;
            flipped += mirror ? 1 : 0;
            float[] x = sample(d, i);
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int xx = 0; xx < 5; xx++) {
                        int src = (c * 6 + y0 + y) * 7 + x0 + (mirror ? 4 - xx : xx);
                        assertEquals(x[src], e.target[(c * 4 + y) * 5 + xx], "target " + i);
                    }
                }
            }
        }
        assertTrue(flipped > 0 && flipped < 5, "five coin flips at ½ are not all equal here: " + flipped);
    }

    @Test
    void drawsDependOnSeedEpochAndSampleOnly() {
        Dataset d = images(6, 1, 5, 5);
        Pipeline p = Pipeline.parse("flip", "box=1-3,gaussian=0.2", true);
        Example a = make(p, d, 4, 3), b = make(p, d, 4, 3), c = make(p, d, 4, 4);
        assertArrayEquals(input(a), input(b));
        assertFalse(Arrays.equals(input(a), input(c)), "another epoch, other noise");
        // the same example built after others (as in another batch) is the same
        Example e = p.newExample(d.sampleShape());
        Draws dr = new Draws();
        for (int i = 0; i < 6; i++) {
            p.make(d, i, 3, SEED, e, dr);
        }
        p.make(d, 4, 3, SEED, e, dr);
        assertArrayEquals(input(a), input(e));
        assertArrayEquals(Arrays.copyOf(a.mask, 25), Arrays.copyOf(e.mask, 25));
    }

    @Test
    void specsAreCheckedWithTheirValues() {
        IllegalArgumentException wrongList = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.parse("gaussian=0.1", null, true));
        assertTrue(wrongList.getMessage().contains("--degrade"), wrongList.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pipeline.parse(null, "flip", true));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> Pipeline.parse(null, "gaussian=x", true));
        assertTrue(nan.getMessage().contains("'gaussian=x'"), nan.getMessage());
        IllegalArgumentException sp = assertThrows(IllegalArgumentException.class, () -> Pipeline.parse(null, "salt-pepper=0.1", false));
        assertTrue(sp.getMessage().contains("[0, 1]"), sp.getMessage());
        IllegalArgumentException box = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.parse(null, "box=40", true).inputShape(Shape.of(1, 28, 28)));
        assertTrue(box.getMessage().contains("28x28"), box.getMessage());
        IllegalArgumentException vec = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.parse("crop=4", null, true).targetShape(Shape.of(30)));
        assertTrue(vec.getMessage().contains("[30]"), vec.getMessage());
        assertEquals("augment crop=24x24,flip; degrade down=2:bicubic:up,box=8-12",
                Pipeline.parse("crop=24,flip", "down=2:bicubic:up,box=8-12", true).describe());
    }
}
