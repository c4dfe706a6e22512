package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bottleneck.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
    @TempDir
    Path tmp;

    /** Maven runs tests from the repository root, where data/mnist is committed. */
    private static final Path REPO_MNIST = Path.of("data/mnist");

    @Test
    void loadsTheRealTestSplit() {
        Dataset test = Mnist.load(REPO_MNIST, false);
        assertEquals("mnist-test", test.name());
        assertEquals(10000, test.size());
        assertEquals(Shape.of(1, 28, 28), test.sampleShape());
        assertEquals(784, test.features());
        assertEquals(7, test.label(0));
        assertEquals(2, test.label(1));
        int[] histogram = new int[10];
        for (int i = 0; i < test.size(); i++) {
            histogram[test.label(i)]++;
        }
        int sum = 0;
        for (int count : histogram) {
            sum += count;
        }
        assertEquals(10000, sum);
        assertEquals(980, histogram[0]); // the published t10k class counts
        assertEquals(1135, histogram[1]);
        assertEquals(1009, histogram[9]);

        float[] x = new float[784];
        float max = 0f;
        double total = 0;
        for (int i = 0; i < test.size(); i += 97) {
            test.copySample(i, x, 0);
            for (float v : x) {
                assertTrue(v >= 0f && v <= 1f, "pixel " + v + " of sample " + i);
                max = Math.max(max, v);
                total += v;
            }
        }
        assertEquals(1f, max); // 255 occurs, and maps to exactly 1
        assertTrue(total > 1000, "images are not blank: sum " + total);
    }

    @Test
    void hashMismatchNamesFileAndBothHashes() throws IOException {
        byte[] images = IdxReaderTest.idx(0x08, new int[] {2, 28, 28}, IdxReaderTest.randomBytes(2 * 784, 5));
        byte[] labels = IdxReaderTest.idx(0x08, new int[] {2}, new byte[] {3, 9});
        Files.write(tmp.resolve(Mnist.TEST_IMAGES + ".gz"), IdxReaderTest.gzip(images));
        Files.write(tmp.resolve(Mnist.TEST_LABELS), labels);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(tmp, false));
        String m = e.getMessage();
        assertTrue(m.contains(Mnist.TEST_IMAGES_SHA256), m);
        assertTrue(m.contains(Mnist.sha256(images)), m);
        assertTrue(m.contains(tmp.resolve(Mnist.TEST_IMAGES + ".gz").toAbsolutePath().toString()), m);
    }

    @Test
    void loadsCraftedFilesWhenHashesMatchAndChecksCounts() throws IOException {
        byte[] pixels = IdxReaderTest.randomBytes(3 * 784, 6);
        byte[] images = IdxReaderTest.idx(0x08, new int[] {3, 28, 28}, pixels);
        Files.write(tmp.resolve("img"), images);
        Files.write(tmp.resolve("lab3"), IdxReaderTest.idx(0x08, new int[] {3}, new byte[] {0, 5, 9}));
        Files.write(tmp.resolve("lab2"), IdxReaderTest.idx(0x08, new int[] {2}, new byte[] {0, 5}));
        String imgHash = Mnist.sha256(images);

        Dataset ds = Mnist.load(tmp, "crafted", "img", imgHash, "lab3", Mnist.sha256(Files.readAllBytes(tmp.resolve("lab3"))));
        assertEquals(3, ds.size());
        assertEquals(9, ds.label(2));
        float[] x = new float[784];
        ds.copySample(1, x, 0);
        assertEquals((pixels[784 + 17] & 0xFF) / 255f, x[17]);

        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(tmp, "crafted", "img",
                imgHash, "lab2", Mnist.sha256(Files.readAllBytes(tmp.resolve("lab2")))));
        assertTrue(e.getMessage().contains("hold 3 samples but labels"), e.getMessage());
        assertTrue(e.getMessage().contains("hold 2"), e.getMessage());
    }

    @Test
    void missingFolderOrFileGivesAClearMessage() {
        Path nowhere = tmp.resolve("absent");
        DataException e = assertThrows(DataException.class, () -> Mnist.load(nowhere, true));
        assertEquals("MNIST not found at " + nowhere.toAbsolutePath()
                + "; run from the repository root or pass --data", e.getMessage());
        DataException f = assertThrows(DataException.class, () -> Mnist.load(tmp, true));
        assertTrue(f.getMessage().contains(tmp.resolve(Mnist.TRAIN_IMAGES + ".gz").toAbsolutePath().toString()),
                f.getMessage());
    }

    @Test
    void defaultDirHonoursTheSystemProperty() {
        String before = System.getProperty(Mnist.DATA_PROPERTY);
        try {
            System.setProperty(Mnist.DATA_PROPERTY, tmp.toString());
            assertEquals(tmp, Mnist.defaultDir());
            System.setProperty(Mnist.DATA_PROPERTY, tmp.resolve("missing").toString());
            DataException e = assertThrows(DataException.class, Mnist::defaultDir);
            assertTrue(e.getMessage().startsWith("MNIST not found at " + tmp.resolve("missing").toAbsolutePath()),
                    e.getMessage());
            System.clearProperty(Mnist.DATA_PROPERTY);
            assertEquals(Path.of("data/mnist"), Mnist.defaultDir());
        } finally {
            if (before == null) {
                System.clearProperty(Mnist.DATA_PROPERTY);
            } else {
                System.setProperty(Mnist.DATA_PROPERTY, before);
            }
        }
    }
}
