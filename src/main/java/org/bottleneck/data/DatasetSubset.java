package org.bottleneck.data;

import java.util.List;
import org.bottleneck.tensor.Shape;

/** The samples of another dataset at given indices, without copying them; see {@link Dataset#subset} and {@link Dataset#slice}. */
final class DatasetSubset implements Dataset {
    private final String name;
    private final Dataset base;
    private final int[] indices;

    DatasetSubset(String name, Dataset base, int[] indices) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= base.size()) {
                throw new IndexOutOfBoundsException("subset " + name + ": index " + indices[i] + " at position " + i
                        + " out of range for dataset " + base.name() + " of size " + base.size());
            }
        }
        this.name = name;
        this.base = base;
        this.indices = indices.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return indices.length;
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
    public List<String> classNames() {
        return base.classNames();
    }

    @Override
    public void copySample(int index, float[] dst, int offset) {
        Dataset.checkIndex(this, index);
        base.copySample(indices[index], dst, offset);
    }

    @Override
    public int label(int index) {
        Dataset.checkIndex(this, index);
        return base.label(indices[index]);
    }
}
