package org.bottleneck.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Storage;
import org.bytedeco.javacpp.FloatPointer;

/** Off-heap host memory: BLAS reads it in place, Java reads it through a direct FloatBuffer. */
final class CpuStorage implements Storage {
    private final CpuBackend backend;
    private final String label;
    private final long size;
    private FloatPointer pointer;
    private final FloatBuffer buffer;

    CpuStorage(CpuBackend backend, long floats, String label) {
        if (floats > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("cpu allocate '" + label + "': " + floats
                    + " floats exceeds the 2^31 float limit of one host buffer");
        }
        this.backend = backend;
        this.label = label;
        this.size = floats;
        this.pointer = new FloatPointer(floats);
        if (pointer.isNull()) {
            throw new OutOfMemoryError("cpu allocate '" + label + "': " + floats * 4 + " bytes failed");
        }
        ByteBuffer bytes = pointer.asByteBuffer().order(ByteOrder.nativeOrder());
        this.buffer = bytes.asFloatBuffer();
        for (int i = 0; i < floats; i++) {
            buffer.put(i, 0f);
        }
    }

    /** The whole allocation; callers slice it per tensor view. */
    FloatBuffer buffer() {
        if (pointer == null) {
            throw new IllegalStateException("storage '" + label + "' used after close");
        }
        return buffer;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public boolean isClosed() {
        return pointer == null;
    }

    @Override
    public void close() {
        if (pointer != null) {
            pointer.close();
            pointer = null;
        }
    }
}
