package org.bottleneck.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bottleneck.tensor.Shape;

/**
 * Numeric tables: a CSV file with a header, or a {@code .npy} array with an optional labels
 * {@code .npy}. Rows are split by seed ({@link Split}, one row one source). Standardization
 * ({@link Standardization}) is fitted on the training rows only and applied to both splits;
 * with a standardization stored in a checkpoint, that one is applied instead, so eval and
 * encode see exactly what training saw.
 *
 * <p>NPY arrays: (N, F) is a table; (N, H, W) grey images (1, H, W); (N, C, H, W) images.
 * {@code uint8} arrays are pixels scaled by 1/255; float image arrays must lie in [0, 1]
 * unless standardized. By default (AUTO) CSV files and 2-D float arrays are standardized,
 * images are not.
 */
public final class Tables {
    private Tables() {
    }

    public static Splits csv(DataSpec spec, Standardization stored) {
        CsvTable t = CsvReader.read(spec.path(), spec.labelColumn());
        int f = t.featureNames().length;
        List<String> classes = t.classNames() == null ? List.of() : List.of(t.classNames());
        return table(spec, stored, "CSV " + spec.path() + ": " + t.rows() + " rows × " + f + " features"
                + (t.labels() != null ? " + labels" : ""), t.values(), Shape.of(f), t.rows(), t.labels(), classes,
                spec.standardize() != DataSpec.Standardize.NO);
    }

    public static Splits npy(DataSpec spec, Standardization stored) {
        NpyArray a = NpyReader.read(spec.path());
        int[] s = a.shape();
        Shape sample = switch (s.length) {
            case 2 -> Shape.of(s[1]);
            case 3 -> Shape.of(1, s[1], s[2]);
            case 4 -> Shape.of(s[1], s[2], s[3]);
            default -> throw new DataFormatException("NPY " + spec.path() + " has shape " + Arrays.toString(s)
                    + "; expected (N, F), (N, H, W) or (N, C, H, W)");
        };
        int n = s[0];
        int[] labels = null;
        if (spec.labels() != null) {
            labels = NpyReader.read(spec.labels()).toLabels();
            if (labels.length != n) {
                throw new DataFormatException("labels " + spec.labels() + " hold " + labels.length + " values but "
                        + spec.path() + " holds " + n + " samples");
            }
        }
        boolean standardize = spec.standardize() == DataSpec.Standardize.YES
                || (spec.standardize() == DataSpec.Standardize.AUTO && s.length == 2 && !a.dtype().equals("|u1"));
        String what = "NPY " + spec.path() + ": " + n + " samples of " + sample + " (" + a.dtype() + ")"
                + (labels != null ? " + labels " + spec.labels().getFileName() : "");
        if (a.dtype().equals("|u1") && !standardize && stored == null) {
            Dataset all = new UByteDataset(name(spec.path()), sample, a.uint8(), labels, List.of());
            return split(spec, all, what + ", pixels / 255", null);
        }
        float[] x = a.toFloats();
        if (a.dtype().equals("|u1")) {
            for (int i = 0; i < x.length; i++) {
                x[i] /= 255f;
            }
        }
        return table(spec, stored, what, x, sample, n, labels, List.of(), standardize);
    }

    private static Splits table(DataSpec spec, Standardization stored, String what, float[] x, Shape sample, int rows,
                                int[] labels, List<String> classes, boolean standardize) {
        int f = Math.toIntExact(sample.size());
        checkFinite(spec.path(), x, f);
        int[] trainRows = Split.samples(identity(rows), Split.testSources(rows, spec.testFraction(), spec.splitSeed()), false);
        Standardization st = stored != null ? stored : standardize ? Standardization.fit(x, f, trainRows) : null;
        if (st != null) {
            st.applyInPlace(x, f, spec.path().toString());
            what += stored != null ? ", standardized as the checkpoint says" : ", standardized on the training rows";
        }
        boolean unit = st == null && inUnitInterval(x);
        if (!unit && st == null && sample.rank() > 1) {
            throw new DataFormatException("NPY images " + spec.path() + " hold values outside [0, 1]; scale them to [0, 1] "
                    + "or pass --standardize yes");
        }
        return split(spec, ArrayDataset.of(name(spec.path()), sample, x, labels, classes, unit), what, st);
    }

    private static Splits split(DataSpec spec, Dataset all, String what, Standardization st) {
        int[] rows = identity(all.size());
        boolean[] testRow = Split.testSources(all.size(), spec.testFraction(), spec.splitSeed());
        Dataset train = all.subset(all.name() + "-train", Split.samples(rows, testRow, false));
        Dataset test = all.subset(all.name() + "-test", Split.samples(rows, testRow, true));
        return new Splits(train, test, what + "; rows split by seed (test fraction " + spec.testFraction() + ", split seed "
                + spec.splitSeed() + "): " + train.size() + " / " + test.size(), st, new ArrayList<>());
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }

    private static void checkFinite(Path file, float[] x, int features) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new DataFormatException(file + ": value " + x[i] + " at row " + i / features + ", feature "
                        + i % features + " is not finite");
            }
        }
    }

    private static boolean inUnitInterval(float[] x) {
        for (float v : x) {
            if (!(v >= 0f && v <= 1f)) {
                return false;
            }
        }
        return true;
    }

    private static String name(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
