package org.bottleneck.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.tensor.Storage;
import org.bottleneck.backend.cuda.CudaProbe;
import org.bottleneck.data.Mnist;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * What every benchmark's trial setup needs: a backend by name, the MNIST folder, and tensors
 * filled with data. Nothing here runs inside a measured invocation.
 *
 * <p>System properties (passed on to JMH's forks, which inherit the host JVM's options):
 * {@code bottleneck.data} (MNIST folder; default {@code ../data/mnist} or {@code data/mnist},
 * whichever exists, so the suite runs from the repository root or from {@code benchmarks/}) and
 * {@code bottleneck.threads} (CPU backend threads; default 0 = all cores).
 */
final class BenchSupport {
    static final String THREADS_PROPERTY = "bottleneck.threads";

    private BenchSupport() {
    }

    /**
     * Opens "cpu" or "cuda". For "cuda" on a machine where CUDA cannot start, fails at once with
     * one line, {@code skipped: cuda unavailable: <reason>} (the {@link Run} runner drops the
     * cuda value before it gets here).
     */
    static Backend open(String backend) {
        if ("cuda".equals(backend)) {
            CudaProbe.Status status = CudaProbe.status();
            if (!status.usable()) {
                String line = "skipped: cuda unavailable: " + status.reason();
                System.err.println(line);
                throw new IllegalStateException(line);
            }
        }
        return Backends.open(backend, Integer.getInteger(THREADS_PROPERTY, 0));
    }

    /** The MNIST folder (see the class comment). */
    static Path dataDir() {
        String override = System.getProperty(Mnist.DATA_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Path up = Path.of("..", "data", "mnist");
        if (Files.isDirectory(up)) {
            return up;
        }
        Path here = Path.of("data", "mnist");
        if (Files.isDirectory(here)) {
            return here;
        }
        throw new IllegalStateException("MNIST not found in ../data/mnist or data/mnist (working directory "
                + Path.of("").toAbsolutePath() + "); pass -D" + Mnist.DATA_PROPERTY + "=DIR");
    }

    /** Allocations of one trial, freed together at teardown. */
    static final class Buffers implements AutoCloseable {
        private final Backend backend;
        private final List<Storage> owned = new ArrayList<>();

        Buffers(Backend backend) {
            this.backend = backend;
        }

        /** A zero-filled tensor of the given shape over its own storage. */
        Tensor zeros(String label, int... dims) {
            Shape shape = Shape.of(dims);
            Storage s = backend.allocate(shape.size(), label);
            owned.add(s);
            return new Tensor(s, 0, shape);
        }

        /** A tensor of uniform(seed) draws in (0, 1). */
        Tensor uniform(String label, long seed, int... dims) {
            Tensor t = zeros(label, dims);
            backend.uniform(t, seed, 0);
            return t;
        }

        /** A tensor of N(mean, std²) draws. */
        Tensor normal(String label, long seed, float mean, float std, int... dims) {
            Tensor t = zeros(label, dims);
            backend.normal(t, seed, 0, mean, std);
            return t;
        }

        @Override
        public void close() {
            for (Storage s : owned) {
                s.close();
            }
            owned.clear();
        }
    }
}
