package org.bottleneck.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bottleneck.tensor.Shape;

/**
 * A folder of IDX files in MNIST's naming ({@code train-images-idx3-ubyte}, {@code
 * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
 * each raw or {@code .gz}): Fashion-MNIST, KMNIST, EMNIST or a set of one's own, of any image
 * size and any label range 0–255. Label files are optional (both or neither); without the
 * {@code t10k} images the training file is split by seed.
 *
 * <p>Image files of rank 2 hold vectors (N, F), rank 3 grey images (N, H, W) → (1, H, W),
 * rank 4 images (N, C, H, W). A {@code SHA256SUMS} file in the folder, when present, is
 * checked first (see {@link Sha256Sums}); otherwise the files are checked structurally only.
 */
public final class IdxFolder {
    private IdxFolder() {
    }

    /** Whether {@code dir} holds a training image file in MNIST's naming. */
    public static boolean looksLike(Path dir) {
        return find(dir, Mnist.TRAIN_IMAGES) != null;
    }

    public static Splits load(DataSpec spec) {
        Path dir = spec.path();
        Sha256Sums sums = Sha256Sums.in(dir);
        if (sums != null) {
            sums.requireAll(dir);
        }
        Path trainImages = find(dir, Mnist.TRAIN_IMAGES);
        if (trainImages == null) {
            throw new DataException("no " + Mnist.TRAIN_IMAGES + "[.gz] in " + dir.toAbsolutePath().normalize()
                    + " (an IDX folder needs MNIST's file names)");
        }
        Path testImages = find(dir, Mnist.TEST_IMAGES);
        Path trainLabels = find(dir, Mnist.TRAIN_LABELS);
        Path testLabels = testImages == null ? null : find(dir, Mnist.TEST_LABELS);
        if (testImages != null && (trainLabels == null) != (testLabels == null)) {
            throw new DataException("IDX folder " + dir + " has labels for only one split: "
                    + (trainLabels != null ? trainLabels : testLabels).getFileName() + " without "
                    + (trainLabels == null ? Mnist.TRAIN_LABELS : Mnist.TEST_LABELS) + "[.gz]");
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        Dataset train = read(name + "-train", trainImages, trainLabels, sums);
        List<String> notes = new ArrayList<>();
        if (sums == null) {
            notes.add("no " + Sha256Sums.FILE_NAME + " in " + dir + ": files checked structurally only");
        }
        if (testImages == null) {
            int[] sourceOf = new int[train.size()];
            Arrays.setAll(sourceOf, i -> i);
            boolean[] isTest = Split.testSources(train.size(), spec.testFraction(), spec.splitSeed());
            Dataset all = train;
            train = all.subset(name + "-train", Split.samples(sourceOf, isTest, false));
            Dataset test = all.subset(name + "-test", Split.samples(sourceOf, isTest, true));
            return new Splits(train, test, "IDX " + dir + ": " + all.size() + " samples of " + all.sampleShape()
                    + ", no t10k files: " + test.size() + " held out for test (fraction " + spec.testFraction()
                    + ", split seed " + spec.splitSeed() + ")", null, notes);
        }
        Dataset test = read(name + "-test", testImages, testLabels, sums);
        if (!test.sampleShape().equals(train.sampleShape())) {
            throw new DataFormatException("IDX folder " + dir + ": training samples have shape " + train.sampleShape()
                    + " but test samples " + test.sampleShape());
        }
        return new Splits(train, test, "IDX " + dir + ": " + train.size() + " train / " + test.size() + " test samples of "
                + train.sampleShape(), null, notes);
    }

    private static Dataset read(String name, Path images, Path labels, Sha256Sums sums) {
        IdxReader.Idx img = IdxReader.parse(images, bytes(images, sums));
        int[] d = img.dims();
        Shape shape = switch (d.length) {
            case 2 -> Shape.of(d[1]);
            case 3 -> Shape.of(1, d[1], d[2]);
            case 4 -> Shape.of(d[1], d[2], d[3]);
            default -> throw new DataFormatException("IDX images " + images + " have dimensions " + Arrays.toString(d)
                    + "; expected (N, F), (N, H, W) or (N, C, H, W)");
        };
        byte[] labelBytes = null;
        if (labels != null) {
            IdxReader.Idx lab = IdxReader.parse(labels, bytes(labels, sums));
            if (lab.dims().length != 1 || lab.dims()[0] != d[0]) {
                throw new DataFormatException("IDX labels " + labels + " have dimensions " + Arrays.toString(lab.dims())
                        + " but images " + images.getFileName() + " hold " + d[0] + " samples; expected [" + d[0] + "]");
            }
            labelBytes = lab.data();
        }
        return new UByteDataset(name, shape, img.data(), labelBytes);
    }

    private static byte[] bytes(Path file, Sha256Sums sums) {
        byte[] raw = DataFiles.readAllBytes(file, "IDX");
        if (sums != null) {
            sums.verify(file, raw);
        }
        return IdxReader.decompress(file, raw);
    }

    /** {@code dir/base.gz}, else {@code dir/base}, else null. */
    private static Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(base);
        return Files.isRegularFile(raw) ? raw : null;
    }
}
