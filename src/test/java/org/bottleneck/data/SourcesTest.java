package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bottleneck.tensor.Shape;
import org.bottleneck.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every data source on small generated data: what it loads, how it splits, how it fails. */
class SourcesTest {
    @TempDir
    Path tmp;

    private static float[] sample(Dataset d, int i) {
        float[] x = new float[d.features()];
        d.copySample(i, x, 0);
        return x;
    }

    // ---- IDX ----

    @Test
    void anIdxSetThatIsNotMnistLoadsWithItsOwnSizeAndLabels() throws IOException {
        Path dir = tmp.resolve("letters");
        byte[] px = TestData.idxSet(dir, 30, 7, 12, 10, 5, 1);
        Splits s = Sources.open(DataSpec.of(dir), null);
        assertEquals(30, s.train().size());
        assertEquals(7, s.test().size());
        assertEquals(Shape.of(1, 12, 10), s.train().sampleShape());
        assertEquals(3, s.train().label(0));
        assertEquals(7, s.train().label(4)); // labels 3..7: any range, not 0-9
        assertEquals((px[5] & 0xFF) / 255f, sample(s.train(), 0)[5]);
        assertTrue(s.notes().get(0).contains("structurally"), s.notes().toString());
    }

    @Test
    void sha256SumsAreCheckedWhenPresent() throws IOException {
        Path dir = tmp.resolve("idx");
        TestData.idxSet(dir, 10, 4, 6, 6, 2, 2);
        StringBuilder sums = new StringBuilder();
        for (String f : List.of("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz")) {
            sums.append(Sha256Sums.sha256(Files.readAllBytes(dir.resolve(f)))).append("  ").append(f).append('\n');
        }
        Files.writeString(dir.resolve("SHA256SUMS"), sums);
        assertEquals(10, Sources.open(DataSpec.of(dir), null).train().size());
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), TestData.gzip(TestData.idx(new int[] {4, 6, 6}, new byte[144])));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Sources.open(DataSpec.of(dir), null));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz") && e.getMessage().contains("SHA-256"), e.getMessage());
        Files.delete(dir.resolve("t10k-images-idx3-ubyte.gz"));
        DataException missing = assertThrows(DataException.class, () -> Sources.open(DataSpec.of(dir), null));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    }

    @Test
    void theShippedMnistFolderCarriesSha256Sums() {
        Splits s = Sources.open(DataSpec.of(Path.of("data/mnist")), null);
        assertEquals(60000, s.train().size());
        assertTrue(s.notes().isEmpty(), "checked by data/mnist/SHA256SUMS: " + s.notes());
    }

    @Test
    void anIdxSetWithoutTestFilesIsSplitBySeed() throws IOException {
        Path dir = tmp.resolve("idx");
        TestData.idxSet(dir, 50, 1, 4, 4, 3, 3);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte.gz"));
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        Splits s = Sources.open(DataSpec.of(dir).withSplit(0.2, 9), null);
        assertEquals(40, s.train().size());
        assertEquals(10, s.test().size());
        Splits again = Sources.open(DataSpec.of(dir).withSplit(0.2, 9), null);
        assertArrayEquals(sample(s.test(), 3), sample(again.test(), 3));
    }

    // ---- image folders ----

    @Test
    void aLabelledRgbFolderWithTrainAndTestSubfolders() throws IOException {
        Path dir = tmp.resolve("pets");
        for (String split : List.of("train", "test")) {
            for (String cls : List.of("cat", "dog")) {
                for (int i = 0; i < (split.equals("train") ? 3 : 1); i++) {
                    TestData.solidPng(dir.resolve(split).resolve(cls).resolve(i + ".png"), 3, 8, 6,
                            cls.equals("cat") ? 200 : 10, 20 * i, 90);
                }
            }
        }
        Files.writeString(dir.resolve("train").resolve("cat").resolve("notes.txt"), "not an image, ignored");
        Splits s = Sources.open(DataSpec.of(dir), null);
        assertEquals(6, s.train().size());
        assertEquals(2, s.test().size());
        assertEquals(Shape.of(3, 8, 6), s.train().sampleShape(), "colour images keep 3 channels");
        assertEquals(List.of("cat", "dog"), s.train().classNames());
        assertEquals(0, s.train().label(0));
        assertEquals(1, s.test().label(1));
        float[] x = sample(s.train(), 1); // cat/1.png: (200, 20, 90)
        assertEquals(200 / 255f, x[0]);
        assertEquals(20 / 255f, x[48]);
        assertEquals(90 / 255f, x[96]);
    }

    @Test
    void anUnlabelledFolderIsSplitBySourceFileEvenWithPatches() throws IOException {
        Path dir = tmp.resolve("photos");
        int files = 10;
        for (int i = 0; i < files; i++) {
            TestData.solidPng(dir.resolve("p" + i + ".png"), 1, 20, 24, 20 * i + 5); // grey level names the file
        }
        DataSpec spec = DataSpec.of(dir).withPatches(3, 8).withSplit(0.3, 5);
        Splits s = Sources.open(spec, null);
        assertEquals(Shape.of(1, 8, 8), s.train().sampleShape(), "grey images get 1 channel");
        assertEquals(21, s.train().size());
        assertEquals(9, s.test().size());
        Set<Float> trainSources = new HashSet<>(), testSources = new HashSet<>();
        for (int i = 0; i < s.train().size(); i++) {
            trainSources.add(sample(s.train(), i)[0]);
            assertEquals(-1, s.train().label(i));
        }
        for (int i = 0; i < s.test().size(); i++) {
            testSources.add(sample(s.test(), i)[0]);
        }
        assertEquals(7, trainSources.size());
        assertEquals(3, testSources.size());
        trainSources.retainAll(testSources);
        assertTrue(trainSources.isEmpty(), "no source file on both sides: " + trainSources);
    }

    @Test
    void patchesAreCutWhereTheSeedSays() throws IOException {
        Path dir = tmp.resolve("one");
        TestData.randomPng(dir.resolve("a.png"), 3, 16, 16, 4);
        TestData.randomPng(dir.resolve("b.png"), 3, 16, 16, 5);
        DataSpec spec = DataSpec.of(dir).withPatches(4, 5).withSplit(0, 1);
        Splits a = Sources.open(spec, null), b = Sources.open(spec, null), c = Sources.open(spec.withSplit(0, 2), null);
        assertEquals(8, a.train().size());
        assertArrayEquals(sample(a.train(), 2), sample(b.train(), 2));
        boolean differs = false;
        for (int i = 0; i < 8; i++) {
            differs |= !java.util.Arrays.equals(sample(a.train(), i), sample(c.train(), i));
        }
        assertTrue(differs, "another split seed cuts other patches");
    }

    @Test
    void aStreamedFolderGivesTheSamplesOfTheInMemoryOne() throws IOException {
        Path dir = tmp.resolve("streamed");
        for (int i = 0; i < 9; i++) {
            TestData.randomPng(dir.resolve(i % 3 == 0 ? "a" : "b").resolve(i + ".png"), 3, 12 + i % 2, 14, 20 + i);
        }
        DataSpec memory = DataSpec.of(dir).withImages(3, 8, 8).withPatches(2, 5).withSplit(0.3, 4);
        Splits m = Sources.open(memory, null), s = Sources.open(memory.withMemoryBudget(0), null);
        assertFalse(m.train().streamed());
        assertTrue(s.train().streamed());
        assertTrue(String.join(" ", s.notes()).contains("streaming 9 images"), s.notes().toString());
        assertEquals(m.train().size(), s.train().size());
        assertEquals(m.test().size(), s.test().size());
        for (int i = 0; i < m.train().size(); i++) {
            assertArrayEquals(sample(m.train(), i), sample(s.train(), i), "train sample " + i);
            assertEquals(m.train().label(i), s.train().label(i));
        }
        for (int i = 0; i < m.test().size(); i++) {
            assertArrayEquals(sample(m.test(), i), sample(s.test(), i), "test sample " + i);
        }
        Files.writeString(dir.resolve("a").resolve("broken.png"), "not a png");
        DataFormatException e = assertThrows(DataFormatException.class, () -> Sources.open(memory.withMemoryBudget(0), null));
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    }

    @Test
    void mixedSizesNeedAnImageSize() throws IOException {
        Path dir = tmp.resolve("mixed");
        TestData.randomPng(dir.resolve("a.png"), 3, 10, 10, 1);
        TestData.randomPng(dir.resolve("b.png"), 3, 12, 20, 2);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Sources.open(DataSpec.of(dir), null));
        assertTrue(e.getMessage().contains("a.png is 10x10") && e.getMessage().contains("b.png is 12x20")
                && e.getMessage().contains("--image-size"), e.getMessage());
        Splits s = Sources.open(DataSpec.of(dir).withImages(0, 8, 8).withSplit(0.5, 1), null);
        assertEquals(Shape.of(3, 8, 8), s.train().sampleShape());
        Splits grey = Sources.open(DataSpec.of(dir).withImages(1, 8, 8).withSplit(0.5, 1), null);
        assertEquals(Shape.of(1, 8, 8), grey.train().sampleShape());
    }

    @Test
    void aFileThatDoesNotDecodeIsNamedOrSkipped() throws IOException {
        Path dir = tmp.resolve("bad");
        for (int i = 0; i < 4; i++) {
            TestData.randomPng(dir.resolve(i + ".png"), 1, 6, 6, i);
        }
        byte[] good = Files.readAllBytes(dir.resolve("0.png"));
        Files.write(dir.resolve("truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        Files.writeString(dir.resolve("text.jpg"), "hello, I am not a JPEG");
        DataFormatException e = assertThrows(DataFormatException.class, () -> Sources.open(DataSpec.of(dir), null));
        assertTrue(e.getMessage().contains("text.jpg") || e.getMessage().contains("truncated.png"), e.getMessage());
        assertTrue(e.getMessage().contains("--skip-bad-files"), e.getMessage());
        Splits s = Sources.open(DataSpec.of(dir).withSkipBadFiles(true).withSplit(0.25, 1), null);
        assertEquals(4, s.train().size() + s.test().size());
        assertTrue(String.join("\n", s.notes()).contains("skipped 2 of 6"), s.notes().toString());
    }

    @Test
    void emptyFoldersAndSingleClassesAreRefused() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        DataException e = assertThrows(DataException.class, () -> Sources.open(DataSpec.of(empty).withFormat(DataSpec.Format.IMAGES), null));
        assertTrue(e.getMessage().contains("empty image folder"), e.getMessage());
        DataException auto = assertThrows(DataException.class, () -> Sources.open(DataSpec.of(empty), null));
        assertTrue(auto.getMessage().contains("no data found"), auto.getMessage());
        Path one = tmp.resolve("one");
        TestData.randomPng(one.resolve("cats").resolve("a.png"), 3, 4, 4, 1);
        DataException single = assertThrows(DataException.class, () -> Sources.open(DataSpec.of(one), null));
        assertTrue(single.getMessage().contains("one class subfolder ('cats')"), single.getMessage());
    }

    // ---- tables ----

    @Test
    void aCsvTableIsStandardizedOnItsTrainingRowsOnly() throws IOException {
        Path f = tmp.resolve("t.csv");
        float[] raw = TestData.csv(f, 40, 3, 7);
        Splits s = Sources.open(DataSpec.of(f).withSplit(0.25, 3), null);
        assertEquals(30, s.train().size());
        assertEquals(10, s.test().size());
        assertEquals(Shape.of(3), s.train().sampleShape());
        assertFalse(s.train().unitInterval());
        assertEquals(List.of("normal", "odd", "rare"), s.train().classNames());
        Standardization st = s.standardization();
        DatasetStats train = DatasetStats.of(s.train());
        for (int j = 0; j < 3; j++) {
            // float32 storage of float64-standardized values: |mean| ≤ 1e-6, std within 1e-5 of 1
            assertEquals(0, train.mean()[j], 1e-6);
            assertEquals(1, train.std()[j], 1e-5);
        }
        // a test row is transformed with the training rows' statistics, not its own
        Splits again = Sources.open(DataSpec.of(f).withSplit(0.25, 3), st);
        assertArrayEquals(sample(s.test(), 0), sample(again.test(), 0));
        float[] t0 = sample(s.test(), 0);
        boolean found = false;
        for (int r = 0; r < 40 && !found; r++) {
            found = Math.abs((raw[r * 3] - st.mean()[0]) / st.std()[0] - t0[0]) < 1e-6
                    && Math.abs((raw[r * 3 + 2] - st.mean()[2]) / st.std()[2] - t0[2]) < 1e-6;
        }
        assertTrue(found, "test row 0 is some raw row standardized with the training statistics");
        Standardization parsed = Standardization.fromJson(st.toJson(), "test");
        assertEquals(st, parsed);
    }

    @Test
    void aCsvWithoutLabelsAndUnstandardized() throws IOException {
        Path f = tmp.resolve("u.csv");
        Files.writeString(f, "a,b\n0.5,0.25\n1,0\n0,1\n0.75,0.5\n");
        Splits s = Sources.open(DataSpec.of(f).withStandardize(DataSpec.Standardize.NO).withSplit(0.25, 1), null);
        assertNull(s.standardization());
        assertTrue(s.train().unitInterval(), "values in [0, 1] left as they are");
        assertEquals(-1, s.train().label(0));
    }

    @Test
    void npyTablesAndImagesWithLabels() throws IOException {
        Path x = tmp.resolve("x.npy"), y = tmp.resolve("y.npy");
        float[] v = new float[20 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f - 3;
        }
        TestData.npyFloats(x, new int[] {20, 4}, v);
        long[] labels = new long[20];
        for (int i = 0; i < 20; i++) {
            labels[i] = i % 4;
        }
        TestData.npyLongs(y, labels);
        Splits s = Sources.open(DataSpec.of(x).withLabels(y, null).withSplit(0.25, 2), null);
        assertEquals(15, s.train().size());
        assertEquals(Shape.of(4), s.train().sampleShape());
        assertTrue(s.standardization() != null, "2-D float arrays are standardized by default");

        Path img = tmp.resolve("img.npy");
        byte[] px = new byte[6 * 5 * 7];
        new java.util.Random(3).nextBytes(px);
        TestData.npyBytes(img, new int[] {6, 5, 7}, px);
        Splits im = Sources.open(DataSpec.of(img).withSplit(0, 1), null);
        assertEquals(Shape.of(1, 5, 7), im.train().sampleShape());
        assertTrue(im.train().unitInterval());
        assertNull(im.standardization());
        assertEquals((px[35 + 3] & 0xFF) / 255f, sample(im.train(), 1)[3]);

        TestData.npyLongs(y, new long[] {1, 2, 3});
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> Sources.open(DataSpec.of(x).withLabels(y, null), null));
        assertTrue(e.getMessage().contains("3 values") && e.getMessage().contains("20 samples"), e.getMessage());
    }

    @Test
    void aCheckpointsStandardizationRefusesOtherKindsOfData() throws IOException {
        Path dir = tmp.resolve("idx");
        TestData.idxSet(dir, 4, 2, 3, 3, 2, 1);
        Standardization st = new Standardization(new double[9], new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1});
        DataException e = assertThrows(DataException.class, () -> Sources.open(DataSpec.of(dir), st));
        assertTrue(e.getMessage().contains("standardized table"), e.getMessage());
    }
}
