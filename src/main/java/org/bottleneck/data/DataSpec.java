package org.bottleneck.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the data is and how to read it: everything {@code --data} and its companion options say.
 *
 * @param path          a folder (IDX set, image folder) or a file (.csv, .npy); null = the shipped MNIST
 * @param format        how to read {@code path}; AUTO decides from what it finds there
 * @param channels      image folders: 1 (grey) or 3 (RGB); 0 = 3 when any image has colour, else 1
 * @param height        image folders: resize and centre-crop to height × width; 0 = keep the size
 * @param width         see height
 * @param testFraction  share of sources held out for test when the data has no test split of its own
 * @param splitSeed     seed of that split (and of patch positions), independent of the training seed
 * @param labels        NPY tables: a labels .npy of the same length; null = none
 * @param labelColumn   CSV tables: the label column's name, "auto" (label/class/target/y) or null for none
 * @param standardize   tables: AUTO standardizes CSV and 2-D float arrays, YES or NO force it
 * @param skipBadFiles  image folders: skip (and count) files that do not decode instead of failing
 * @param patches       image folders: cut this many random patches from each source image (0 = whole images)
 * @param patchSize     the side of those square patches
 * @param memoryBudget  image folders: decoded bytes to hold in memory; a larger folder is
 *                      streamed (indexed once, decoded ahead of the trainer in the background)
 */
public record DataSpec(Path path, Format format, int channels, int height, int width, double testFraction,
                       long splitSeed, Path labels, String labelColumn, Standardize standardize, boolean skipBadFiles,
                       int patches, int patchSize, long memoryBudget) {
    public enum Format { AUTO, MNIST, IDX, IMAGES, CSV, NPY }

    public enum Standardize { AUTO, YES, NO }

    /** 2 GiB of decoded pixels in memory before an image folder is streamed. */
    public static final long DEFAULT_MEMORY_BUDGET = 2L << 30;

    public DataSpec {
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("--channels must be 1 or 3, got " + channels);
        }
        if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
            throw new IllegalArgumentException("--image-size must be positive, got " + height + "x" + width);
        }
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction must be in [0, 1), got " + testFraction);
        }
        if (memoryBudget < 0) {
            throw new IllegalArgumentException("--memory-budget must be ≥ 0, got " + memoryBudget);
        }
        if (patches < 0 || (patches > 0 && patchSize <= 0)) {
            throw new IllegalArgumentException("--patches " + patches + " needs a positive --patch-size, got " + patchSize);
        }
    }

    /** The shipped MNIST with every other option at its default. */
    public static DataSpec mnist() {
        return of(null);
    }

    /** {@code path} with every option at its default (format AUTO, test fraction 0.1, split seed 42). */
    public static DataSpec of(Path path) {
        return new DataSpec(path, Format.AUTO, 0, 0, 0, 0.1, 42, null, "auto", Standardize.AUTO, false, 0, 0, DEFAULT_MEMORY_BUDGET);
    }

    public DataSpec withFormat(Format f) {
        return new DataSpec(path, f, channels, height, width, testFraction, splitSeed, labels, labelColumn, standardize,
                skipBadFiles, patches, patchSize, memoryBudget);
    }

    public DataSpec withImages(int c, int h, int w) {
        return new DataSpec(path, format, c, h, w, testFraction, splitSeed, labels, labelColumn, standardize,
                skipBadFiles, patches, patchSize, memoryBudget);
    }

    public DataSpec withPatches(int n, int size) {
        return new DataSpec(path, format, channels, height, width, testFraction, splitSeed, labels, labelColumn,
                standardize, skipBadFiles, n, size, memoryBudget);
    }

    public DataSpec withSkipBadFiles(boolean skip) {
        return new DataSpec(path, format, channels, height, width, testFraction, splitSeed, labels, labelColumn,
                standardize, skip, patches, patchSize, memoryBudget);
    }

    public DataSpec withLabels(Path labelsFile, String column) {
        return new DataSpec(path, format, channels, height, width, testFraction, splitSeed, labelsFile, column,
                standardize, skipBadFiles, patches, patchSize, memoryBudget);
    }

    public DataSpec withSplit(double fraction, long seed) {
        return new DataSpec(path, format, channels, height, width, fraction, seed, labels, labelColumn, standardize,
                skipBadFiles, patches, patchSize, memoryBudget);
    }

    public DataSpec withMemoryBudget(long bytes) {
        return new DataSpec(path, format, channels, height, width, testFraction, splitSeed, labels, labelColumn, standardize,
                skipBadFiles, patches, patchSize, bytes);
    }

    public DataSpec withStandardize(Standardize s) {
        return new DataSpec(path, format, channels, height, width, testFraction, splitSeed, labels, labelColumn, s,
                skipBadFiles, patches, patchSize, memoryBudget);
    }

    /** "auto", "mnist", "idx", "images", "csv" or "npy". */
    public static Format parseFormat(String s) {
        try {
            return Format.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --data-format '" + s + "' (expected auto, mnist, idx, images, csv or npy)");
        }
    }

    /** "auto", "yes" or "no". */
    public static Standardize parseStandardize(String s) {
        try {
            return Standardize.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --standardize '" + s + "' (expected auto, yes or no)");
        }
    }
}
