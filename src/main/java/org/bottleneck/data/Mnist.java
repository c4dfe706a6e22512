package org.bottleneck.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.bottleneck.tensor.Shape;

/**
 * The MNIST digits (LeCun et al.) from the four original IDX files, as shipped in
 * {@code data/mnist/} (see its README). Every load checks the SHA-256 of the decompressed
 * files, so a corrupt or substituted file fails loudly instead of training on garbage.
 *
 * <p>Samples: shape (1, 28, 28), pixel / 255 in [0, 1]; labels 0–9.
 * Train: 60000 samples, test: 10000.
 */
public final class Mnist {
    /** System property that overrides {@link #defaultDir()}. */
    public static final String DATA_PROPERTY = "bottleneck.data";
    public static final Shape SAMPLE_SHAPE = Shape.of(1, 28, 28);

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    static final String TRAIN_IMAGES_SHA256 = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db";
    static final String TRAIN_LABELS_SHA256 = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5";
    static final String TEST_IMAGES_SHA256 = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7";
    static final String TEST_LABELS_SHA256 = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2";

    private Mnist() {
    }

    /**
     * {@code data/mnist} under the working directory, or the value of the system property
     * {@value #DATA_PROPERTY} when set. Throws {@link DataException} when the folder is missing.
     */
    public static Path defaultDir() {
        String override = System.getProperty(DATA_PROPERTY);
        Path dir = Path.of(override != null && !override.isBlank() ? override : "data/mnist");
        return requireDir(dir);
    }

    /**
     * Loads the training (60000) or test (10000) split from {@code dir}, which holds the
     * standard file names, each gzip-compressed ({@code .gz}) or raw.
     */
    public static Dataset load(Path dir, boolean train) {
        return train
                ? load(dir, "mnist-train", TRAIN_IMAGES, TRAIN_IMAGES_SHA256, TRAIN_LABELS, TRAIN_LABELS_SHA256)
                : load(dir, "mnist-test", TEST_IMAGES, TEST_IMAGES_SHA256, TEST_LABELS, TEST_LABELS_SHA256);
    }

    /** As {@link #load(Path, boolean)} with explicit file names and hashes (hex, lower case). */
    static Dataset load(Path dir, String name, String images, String imagesSha256, String labels,
            String labelsSha256) {
        requireDir(dir);
        Path imageFile = locate(dir, images);
        Path labelFile = locate(dir, labels);
        IdxReader.Idx img = readVerified(imageFile, imagesSha256);
        IdxReader.Idx lab = readVerified(labelFile, labelsSha256);
        int[] d = img.dims();
        if (d.length != 3 || d[1] != 28 || d[2] != 28) {
            throw new DataFormatException("MNIST images " + imageFile + " have dimensions " + Arrays.toString(d)
                    + ", expected [N, 28, 28]");
        }
        if (lab.dims().length != 1) {
            throw new DataFormatException("MNIST labels " + labelFile + " have dimensions "
                    + Arrays.toString(lab.dims()) + ", expected [N]");
        }
        if (lab.dims()[0] != d[0]) {
            throw new DataFormatException("MNIST images " + imageFile + " hold " + d[0] + " samples but labels "
                    + labelFile + " hold " + lab.dims()[0]);
        }
        byte[] labelBytes = lab.data();
        for (int i = 0; i < labelBytes.length; i++) {
            if ((labelBytes[i] & 0xFF) > 9) {
                throw new DataFormatException("MNIST labels " + labelFile + ": label " + (labelBytes[i] & 0xFF)
                        + " at index " + i + " is not a digit 0-9");
            }
        }
        return new UByteDataset(name, SAMPLE_SHAPE, img.data(), labelBytes);
    }

    private static Path requireDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("MNIST not found at " + dir.toAbsolutePath().normalize()
                    + "; run from the repository root or pass --data");
        }
        return dir;
    }

    /** {@code dir/base.gz}, else {@code dir/base}. */
    private static Path locate(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        throw new DataException("MNIST file not found: " + gz.toAbsolutePath().normalize() + " (nor "
                + raw.getFileName() + "); run from the repository root or pass --data");
    }

    private static IdxReader.Idx readVerified(Path file, String expectedSha256) {
        byte[] bytes = IdxReader.readBytes(file);
        String actual = sha256(bytes);
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            throw new DataFormatException("MNIST file " + file.toAbsolutePath().normalize()
                    + " has SHA-256 " + actual + " (of its " + bytes.length + " decompressed bytes), expected "
                    + expectedSha256 + "; the file is corrupt or not the original MNIST");
        }
        return IdxReader.parse(file, bytes);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
