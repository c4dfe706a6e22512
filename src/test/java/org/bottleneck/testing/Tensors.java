package org.bottleneck.testing;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Storage;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Owns the storages a test makes on one backend and closes them, in reverse order, at the end
 * (use in try-with-resources). Each tensor gets its own storage, so a write past a view's end
 * hits nothing silently only if the backend checks bounds; the guard test in BackendOpsTest
 * covers views inside a shared storage.
 */
public final class Tensors implements AutoCloseable {
    private final Backend backend;
    private final List<Storage> owned = new ArrayList<>();

    public Tensors(Backend backend) {
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }

    /** A zero-filled tensor of the given dims. */
    public Tensor zeros(int... dims) {
        Shape s = Shape.of(dims);
        Storage st = backend.allocate(s.size(), "test" + s);
        owned.add(st);
        return new Tensor(st, 0, s);
    }

    /** A tensor holding data (its length must equal the product of dims). */
    public Tensor of(float[] data, int... dims) {
        Tensor t = zeros(dims);
        if (data.length != t.size()) {
            throw new IllegalArgumentException("test data of " + data.length + " floats for shape " + t.shape());
        }
        backend.upload(data, 0, t);
        return t;
    }

    public float[] get(Tensor t) {
        return download(backend, t);
    }

    public static float[] download(Backend backend, Tensor t) {
        float[] out = new float[t.length()];
        backend.download(t, out, 0);
        return out;
    }

    public static void upload(Backend backend, float[] data, Tensor t) {
        backend.upload(data, 0, t);
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
