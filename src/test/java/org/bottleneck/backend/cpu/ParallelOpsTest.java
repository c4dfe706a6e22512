package org.bottleneck.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Storage;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The ops the CPU backend splits across threads (bias+activation forward and backward, BCE,
 * aligned AdamW) must give bit-identical results with one and two workers: every row, column
 * or element is computed by exactly one thread in the serial order. Sizes are above the
 * parallel threshold (BackendOpsTest's awkward shapes are below it and run serially), with an
 * odd split point.
 */
class ParallelOpsTest {
    private static final int ROWS = 257, COLS = 301; // 77k elements, odd halves

    @Test
    void oneAndTwoWorkersAgreeBitForBit() {
        try (CpuBackend serial = new CpuBackend(1); CpuBackend parallel = new CpuBackend(2)) {
            float[][] a = run(serial), b = run(parallel);
            for (int i = 0; i < a.length; i++) {
                double norm = 0;
                for (float v : a[i]) {
                    norm += (double) v * v;
                }
                assertTrue(norm > 0, "output " + i + " is all zeros: the check would be vacuous");
                assertArrayEquals(a[i], b[i], "output " + i + " differs between 1 and 2 workers");
            }
        }
    }

    /** Runs every parallel op on the same seeded inputs; returns all outputs. */
    private static float[][] run(Backend be) {
        int n = ROWS * COLS;
        try (Storage s = be.allocate(12L * n + 4 * COLS, "parallel test")) {
            Tensor x = new Tensor(s, 0, Shape.of(ROWS, COLS));
            Tensor t = new Tensor(s, n, Shape.of(ROWS, COLS));
            Tensor y = new Tensor(s, 2L * n, Shape.of(ROWS, COLS));
            Tensor dy = new Tensor(s, 3L * n, Shape.of(ROWS, COLS));
            Tensor dx = new Tensor(s, 4L * n, Shape.of(ROWS, COLS));
            Tensor bias = new Tensor(s, 5L * n, Shape.of(COLS));
            Tensor dbias = new Tensor(s, 5L * n + COLS, Shape.of(COLS));
            Tensor loss = new Tensor(s, 5L * n + 2 * COLS, Shape.of(ROWS));
            Tensor dl = new Tensor(s, 6L * n, Shape.of(ROWS, COLS));
            be.upload(random(n, 1, -3, 3), 0, x);
            be.upload(random(n, 2, 0, 1), 0, t);
            be.upload(random(n, 3, -1, 1), 0, dy);
            be.upload(random(COLS, 4, -1, 1), 0, bias);
            be.biasActivationForward(x, bias, Activation.TANH, y);
            be.biasActivationBackward(y, dy, Activation.TANH, dx, dbias);
            be.bceWithLogits(x, t, loss, dl, 1f / ROWS);
            float[][] out = new float[7][];
            out[0] = download(be, y);
            out[1] = download(be, dx);
            out[2] = download(be, dbias);
            out[3] = download(be, loss);
            out[4] = download(be, dl);
            // AdamW over four buffers at one common offset in four storages (the aligned path).
            try (Storage sp = be.allocate(n, "p"); Storage sg = be.allocate(n, "g");
                 Storage sm = be.allocate(n, "m"); Storage sv = be.allocate(n, "v")) {
                Tensor p = new Tensor(sp, 0, Shape.of(n)), g = new Tensor(sg, 0, Shape.of(n));
                Tensor m = new Tensor(sm, 0, Shape.of(n)), v = new Tensor(sv, 0, Shape.of(n));
                be.upload(random(n, 5, -1, 1), 0, p);
                be.upload(random(n, 6, -0.1, 0.1), 0, g);
                for (int step = 1; step <= 3; step++) {
                    be.adamw(p, g, m, v, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, step);
                }
                out[5] = download(be, p);
                out[6] = download(be, v);
            }
            return out;
        }
    }

    private static float[] download(Backend be, Tensor t) {
        float[] h = new float[t.length()];
        be.download(t, h, 0);
        return h;
    }

    private static float[] random(int n, long seed, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(lo, hi);
        }
        return a;
    }
}
