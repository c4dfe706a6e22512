package org.bottleneck.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Opens what {@code --data} points at: the shipped MNIST (no path; SHA-256 checked), an IDX
 * folder in MNIST's naming, an image folder, a CSV table or an NPY array. AUTO decides from the
 * file extension or the folder's contents; {@code --data-format} overrides it.
 */
public final class Sources {
    private Sources() {
    }

    /**
     * @param stored the standardization a checkpoint was trained with, to apply instead of
     *               fitting one (null for a fresh fit)
     */
    public static Splits open(DataSpec spec, Standardization stored) {
        return open(spec, stored, LoadProgress.NONE);
    }

    /** As above, reporting the indexing or decoding of an image folder to {@code progress}. */
    public static Splits open(DataSpec spec, Standardization stored, LoadProgress progress) {
        Path p = spec.path();
        DataSpec.Format f = spec.format();
        if (p == null) {
            if (f != DataSpec.Format.AUTO && f != DataSpec.Format.MNIST) {
                throw new IllegalArgumentException("--data-format " + f.name().toLowerCase(Locale.ROOT) + " needs --data");
            }
            return mnist(Mnist.defaultDir(), stored);
        }
        if (!Files.exists(p)) {
            throw new DataException("data not found: " + p.toAbsolutePath().normalize());
        }
        if (f == DataSpec.Format.AUTO) {
            f = detect(p);
        }
        if (stored != null && f != DataSpec.Format.CSV && f != DataSpec.Format.NPY) {
            throw new DataException("the checkpoint was trained on a standardized table, but " + p + " is "
                    + f.name().toLowerCase(Locale.ROOT) + " data");
        }
        return switch (f) {
            case MNIST -> mnist(p, null);
            case IDX -> IdxFolder.load(spec);
            case IMAGES -> ImageFolder.load(spec, progress);
            case CSV -> Tables.csv(spec, stored);
            case NPY -> Tables.npy(spec, stored);
            case AUTO -> throw new AssertionError();
        };
    }

    /** The format AUTO picks for {@code p}. */
    public static DataSpec.Format detect(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(p)) {
            if (n.endsWith(".csv")) {
                return DataSpec.Format.CSV;
            }
            if (n.endsWith(".npy")) {
                return DataSpec.Format.NPY;
            }
            throw new DataException("cannot tell what kind of data " + p + " is from its name (expected a folder, "
                    + "a .csv or a .npy file); pass --data-format");
        }
        if (IdxFolder.looksLike(p)) {
            return DataSpec.Format.IDX;
        }
        if (ImageFolder.looksLike(p)) {
            return DataSpec.Format.IMAGES;
        }
        throw new DataException("no data found in " + p.toAbsolutePath().normalize() + ": neither IDX files in MNIST's "
                + "naming (" + Mnist.TRAIN_IMAGES + "[.gz]) nor " + String.join("/", ImageFolder.EXTENSIONS)
                + " images (directly, in class subfolders or in train/ and test/)");
    }

    private static Splits mnist(Path dir, Standardization stored) {
        if (stored != null) {
            throw new DataException("the checkpoint was trained on a standardized table, not on MNIST; pass its --data");
        }
        Dataset train = Mnist.load(dir, true), test = Mnist.load(dir, false);
        return new Splits(train, test, "MNIST " + dir + ": " + train.size() + " train / " + test.size()
                + " test images (SHA-256 checked)", null, List.of());
    }
}
