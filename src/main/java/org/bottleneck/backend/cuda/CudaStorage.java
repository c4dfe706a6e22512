package org.bottleneck.backend.cuda;

import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Storage;

/** One device allocation (one cuMemAlloc); tensors are views into it. */
final class CudaStorage implements Storage {
    private final CudaBackend backend;
    private final String label;
    private final long floats;
    private final DeviceView root;
    private boolean closed;

    CudaStorage(CudaBackend backend, Device device, long floats, String label) {
        this.backend = backend;
        this.label = label;
        this.floats = floats;
        this.root = device.allocate(this, floats * 4, label);
    }

    /** The whole allocation; throws after close. */
    DeviceView root() {
        if (closed) {
            throw new IllegalStateException("storage '" + label + "' used after close");
        }
        return root;
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public long size() {
        return floats;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            backend.release(this, root);
            closed = true;
        }
    }
}
