package org.bottleneck.data;

import java.util.List;
import org.bottleneck.tensor.Shape;

/**
 * A fixed, indexable collection of samples, each a float vector of {@link #features()} values
 * laid out row-major in {@link #sampleShape()} (images: C, H, W). Images hold values in [0, 1]
 * ({@link #unitInterval()}); standardized tables hold any finite value.
 *
 * <p>Implementations are read-only and safe to read from several threads.
 */
public interface Dataset {
    /** Short name for logs and checkpoints, e.g. {@code mnist-train}. */
    String name();

    /** Number of samples. */
    int size();

    /** Shape of one sample, e.g. {@code Shape.of(1, 28, 28)}. */
    Shape sampleShape();

    /** Values per sample: the product of {@link #sampleShape()}. */
    default int features() {
        return (int) sampleShape().size();
    }

    /**
     * Whether every value lies in [0, 1] (pixels, probabilities): a model may then predict it
     * with a sigmoid and BCE. False for standardized tables, which need an MSE output.
     */
    default boolean unitInterval() {
        return true;
    }

    /**
     * Whether reading a sample is slow (decoded from disk on each read): the batch loader then
     * reads ahead on background threads.
     */
    default boolean streamed() {
        return false;
    }

    /** Names of the classes, index = label, or an empty list when labels are bare numbers or absent. */
    default List<String> classNames() {
        return List.of();
    }

    /** Samples at {@code indices} (a view; indices into this dataset, in the order given). */
    default Dataset subset(String name, int[] indices) {
        return new DatasetSubset(name, this, indices);
    }

    /** Copies sample {@code index} into {@code dst[offset .. offset + features())}. */
    void copySample(int index, float[] dst, int offset);

    /** Class label of sample {@code index}, or -1 when the dataset has none. */
    int label(int index);

    /** Samples {@code [from, to)} as a view (no copy); 0 ≤ from ≤ to ≤ size(). */
    /** The first n samples (n = 0 or n ≥ size: all of them). */
    default Dataset limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("a limit must be ≥ 0, got " + n);
        }
        return n == 0 || n >= size() ? this : slice(0, n);
    }

    default Dataset slice(int from, int to) {
        if (from < 0 || to < from || to > size()) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range for dataset " + name()
                    + " of size " + size());
        }
        return subset(name() + "[" + from + ":" + to + "]", java.util.stream.IntStream.range(from, to).toArray());
    }

    /** Throws unless 0 ≤ index < size; for implementations. */
    static void checkIndex(Dataset d, int index) {
        if (index < 0 || index >= d.size()) {
            throw new IndexOutOfBoundsException(
                    "sample index " + index + " out of range [0, " + d.size() + ") in dataset " + d.name());
        }
    }

    /** Throws unless dst[offset .. offset + features) fits; for implementations. */
    static void checkDestination(Dataset d, float[] dst, int offset) {
        int n = d.features();
        if (offset < 0 || offset > dst.length - n) {
            throw new IndexOutOfBoundsException("destination of length " + dst.length + " cannot hold "
                    + n + " features at offset " + offset + " (dataset " + d.name() + ")");
        }
    }
}
