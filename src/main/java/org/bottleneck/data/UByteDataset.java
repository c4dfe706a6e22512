package org.bottleneck.data;

import java.util.List;
import org.bottleneck.tensor.Shape;

/**
 * Samples stored as unsigned bytes (N, F), served as floats {@code b / 255f}. Four times
 * smaller than a float copy; used for IDX sets and image folders.
 */
final class UByteDataset implements Dataset {
    private static final float[] TO_FLOAT = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            TO_FLOAT[i] = i / 255f;
        }
    }

    private final String name;
    private final Shape sampleShape;
    private final int features;
    private final int size;
    private final byte[] pixels;
    private final int[] labels;
    private final List<String> classNames;

    /** pixels: (N, F) unsigned bytes; labels: (N) unsigned bytes, or null. */
    UByteDataset(String name, Shape sampleShape, byte[] pixels, byte[] labels) {
        this(name, sampleShape, pixels, labels == null ? null : unsigned(labels), List.of());
    }

    /** pixels: (N, F) unsigned bytes; labels: (N) ≥ 0, or null; classNames: index = label, or empty. */
    UByteDataset(String name, Shape sampleShape, byte[] pixels, int[] labels, List<String> classNames) {
        this.features = Math.toIntExact(sampleShape.size());
        if (features == 0 || pixels.length % features != 0) {
            throw new IllegalArgumentException("dataset " + name + ": " + pixels.length
                    + " bytes is not a whole number of samples of shape " + sampleShape);
        }
        this.size = pixels.length / features;
        if (labels != null && labels.length != size) {
            throw new IllegalArgumentException("dataset " + name + " has " + size + " samples but "
                    + labels.length + " labels");
        }
        this.name = name;
        this.sampleShape = sampleShape;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    private static int[] unsigned(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] & 0xFF;
        }
        return v;
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
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public void copySample(int index, float[] dst, int offset) {
        Dataset.checkIndex(this, index);
        Dataset.checkDestination(this, dst, offset);
        int src = index * features;
        for (int j = 0; j < features; j++) {
            dst[offset + j] = TO_FLOAT[pixels[src + j] & 0xFF];
        }
    }

    @Override
    public int label(int index) {
        Dataset.checkIndex(this, index);
        return labels == null ? -1 : labels[index];
    }
}
