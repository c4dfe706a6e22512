package org.bottleneck.data;

import java.util.Arrays;
import java.util.List;
import org.bottleneck.tensor.Shape;

/**
 * A dataset over a float array: sample i is {@code data[i·F .. (i+1)·F)}, F = features.
 * The arrays are not copied; values are checked once to lie in [0, 1] (images), or to be
 * finite ({@link #real}: standardized tables).
 */
public final class ArrayDataset implements Dataset {
    private final String name;
    private final Shape sampleShape;
    private final int features;
    private final int size;
    private final float[] data;
    private final int[] labels;
    private final boolean unitInterval;
    private final List<String> classNames;

    /**
     * @param data   (N, F) row-major, every value in [0, 1]; N = data.length / F
     * @param labels (N) class labels, or null when the dataset has none
     */
    public ArrayDataset(String name, Shape sampleShape, float[] data, int[] labels) {
        this(name, sampleShape, data, labels, true, List.of());
    }

    /**
     * A dataset whose values lie in [0, 1] when {@code unitInterval}, else are any finite value
     * (a standardized table); classNames (index = label) may be empty.
     */
    public static ArrayDataset of(String name, Shape sampleShape, float[] data, int[] labels, List<String> classNames,
                                  boolean unitInterval) {
        return new ArrayDataset(name, sampleShape, data, labels, unitInterval, classNames);
    }

    private ArrayDataset(String name, Shape sampleShape, float[] data, int[] labels, boolean unitInterval,
                         List<String> classNames) {
        long f = sampleShape.size();
        if (f <= 0 || f > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sample shape " + sampleShape + " of dataset " + name
                    + " must have between 1 and 2^31-1 elements, has " + f);
        }
        if (data.length % f != 0) {
            throw new IllegalArgumentException("data length " + data.length + " of dataset " + name
                    + " is not a multiple of the sample size " + f + " (shape " + sampleShape + ")");
        }
        int n = (int) (data.length / f);
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException("dataset " + name + " has " + n + " samples but "
                    + labels.length + " labels");
        }
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            if (unitInterval ? !(v >= 0f && v <= 1f) : !Float.isFinite(v)) {
                throw new IllegalArgumentException("dataset " + name + ": value " + v + " at sample "
                        + i / f + ", feature " + i % f + (unitInterval ? " is outside [0, 1]" : " is not finite"));
            }
        }
        this.name = name;
        this.sampleShape = sampleShape;
        this.features = (int) f;
        this.size = n;
        this.data = data;
        this.labels = labels;
        this.unitInterval = unitInterval;
        this.classNames = List.copyOf(classNames);
    }

    /** A dataset without labels. */
    public ArrayDataset(String name, Shape sampleShape, float[] data) {
        this(name, sampleShape, data, null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Shape sampleShape() {
        return sampleShape;
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public boolean unitInterval() {
        return unitInterval;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public void copySample(int index, float[] dst, int offset) {
        Dataset.checkIndex(this, index);
        Dataset.checkDestination(this, dst, offset);
        System.arraycopy(data, index * features, dst, offset, features);
    }

    @Override
    public int label(int index) {
        Dataset.checkIndex(this, index);
        return labels == null ? -1 : labels[index];
    }

    @Override
    public String toString() {
        return "ArrayDataset[" + name + ", " + size + " × " + Arrays.toString(sampleShape.dims()) + "]";
    }
}
