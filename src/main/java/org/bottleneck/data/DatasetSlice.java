package org.bottleneck.data;

import org.bottleneck.tensor.Shape;

/** Samples [from, to) of another dataset, without copying; see {@link Dataset#slice}. */
final class DatasetSlice implements Dataset {
    private final Dataset base;
    private final int from;
    private final int size;

    DatasetSlice(Dataset base, int from, int to) {
        if (from < 0 || to < from || to > base.size()) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range for dataset "
                    + base.name() + " of size " + base.size());
        }
        this.base = base;
        this.from = from;
        this.size = to - from;
    }

    @Override
    public String name() {
        return base.name() + "[" + from + ":" + (from + size) + "]";
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Shape sampleShape() {
        return base.sampleShape();
    }

    @Override
    public boolean streamed() {
        return base.streamed();
    }

    @Override
    public boolean unitInterval() {
        return base.unitInterval();
    }

    @Override
    public java.util.List<String> classNames() {
        return base.classNames();
    }

    @Override
    public void copySample(int index, float[] dst, int offset) {
        Dataset.checkIndex(this, index);
        base.copySample(from + index, dst, offset);
    }

    @Override
    public int label(int index) {
        Dataset.checkIndex(this, index);
        return base.label(from + index);
    }
}
