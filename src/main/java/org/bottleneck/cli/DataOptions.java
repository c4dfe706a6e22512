package org.bottleneck.cli;

import org.bottleneck.apps.TrainRun;
import java.nio.file.Path;
import org.bottleneck.data.DataSpec;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Sources;
import org.bottleneck.data.Splits;
import org.bottleneck.data.Standardization;
import picocli.CommandLine.Option;

/** Where the data is and how to read it (every command that reads data); see data/Sources. */
public final class DataOptions {
    @Option(names = "--data", description = "An IDX folder (MNIST's file names), an image folder, a .csv or a .npy file. "
            + "Default: the shipped MNIST in data/mnist.")
    Path data;

    @Option(names = "--data-format", defaultValue = "auto",
            description = "auto, mnist, idx, images, csv or npy (auto: from the extension or the folder). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--channels", defaultValue = "0",
            description = "Image folders: 1 (grey, BT.601 luma) or 3 (RGB); 0 = 3 when any image has colour. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--image-size", description = "Image folders: resize and centre-crop to H or HxW. Default: keep the size "
            + "(then all images must have one size).")
    String imageSize;

    @Option(names = "--patches", defaultValue = "0",
            description = "Image folders: random patches cut from each image (0 = whole images). Default: ${DEFAULT-VALUE}.")
    int patches;

    @Option(names = "--patch-size", defaultValue = "32", description = "Side of those patches. Default: ${DEFAULT-VALUE}.")
    int patchSize;

    @Option(names = "--skip-bad-files", description = "Image folders: skip and count files that do not decode. Default: fail.")
    boolean skipBadFiles;

    @Option(names = "--test-fraction", defaultValue = "0.1",
            description = "Held out for test when the data has no test split (by source file or row). Default: ${DEFAULT-VALUE}.")
    double testFraction;

    @Option(names = "--split-seed", defaultValue = "42",
            description = "Seed of that split and of patch positions. Default: ${DEFAULT-VALUE}.")
    long splitSeed;

    @Option(names = "--labels", description = "NPY tables: a labels .npy of the same length. Default: none.")
    Path labels;

    @Option(names = "--label-column", defaultValue = "auto",
            description = "CSV tables: the label column, auto (label/class/target/y) or none. Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(names = "--standardize", defaultValue = "auto",
            description = "Tables: auto (CSV and 2-D float arrays), yes or no; fitted on the training split. Default: ${DEFAULT-VALUE}.")
    String standardize;

    @Option(names = "--memory-budget", defaultValue = "auto",
            description = "Image folders: MiB of decoded pixels held in memory; a larger folder is streamed from disk, "
                    + "decoded ahead of the trainer. auto = a quarter of the JVM's heap, at most 2048. Default: ${DEFAULT-VALUE}.")
    String memoryBudget;

    @Option(names = "--test-limit", defaultValue = "0",
            description = "Use only the first N test samples (0 = all). Default: ${DEFAULT-VALUE}.")
    int testLimit;

    private Splits opened;

    DataSpec spec() {
        int h = 0, w = 0;
        if (imageSize != null) {
            String[] p = imageSize.toLowerCase(java.util.Locale.ROOT).split("x", -1);
            try {
                h = Integer.parseInt(p[0].trim());
                w = p.length == 2 ? Integer.parseInt(p[1].trim()) : h;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--image-size must be H or HxW, got '" + imageSize + "'");
            }
            if (p.length > 2 || h <= 0 || w <= 0) {
                throw new IllegalArgumentException("--image-size must be H or HxW with positive sizes, got '" + imageSize + "'");
            }
        }
        String column = labelColumn.equalsIgnoreCase("none") ? null : labelColumn;
        return new DataSpec(data, DataSpec.parseFormat(format), channels, h, w, testFraction, splitSeed, labels, column,
                DataSpec.parseStandardize(standardize), skipBadFiles, patches, patches > 0 ? patchSize : 0,
                memoryBudgetBytes());
    }

    private long memoryBudgetBytes() {
        if (memoryBudget.equalsIgnoreCase("auto")) {
            return Math.min(DataSpec.DEFAULT_MEMORY_BUDGET, Runtime.getRuntime().maxMemory() / 4);
        }
        try {
            return Math.multiplyExact(Long.parseLong(memoryBudget.trim()), 1L << 20);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("--memory-budget must be auto or a number of MiB, got '" + memoryBudget + "'");
        }
    }

    /** The splits, opened once; {@code stored} is the checkpoint's standardization or null (fit on the training split). */
    Splits open(Standardization stored) {
        if (opened == null) {
            opened = Sources.open(spec(), stored, new ConsoleLoadProgress(System.out, System.console() != null));
            for (String note : opened.notes()) {
                System.err.println("note: " + note);
            }
        }
        return opened;
    }

    Dataset test(Standardization stored) {
        return open(stored).test().limit(testLimit);
    }

    /** These options as the data of a training run. */
    TrainRun.Data source() {
        return new TrainRun.Data() {
            public Splits open(Standardization stored) {
                return DataOptions.this.open(stored);
            }

            public Dataset test(Standardization stored) {
                return DataOptions.this.test(stored);
            }
        };
    }
}
