package org.bottleneck.apps;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Storage;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Autoencoder;
import org.bottleneck.model.ModelConfig;
import org.bottleneck.nn.Layer;
import org.bottleneck.nn.Linear;
import org.bottleneck.nn.Sequential;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;
import org.bottleneck.train.Batches;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.Trainer;

/**
 * Training throughput of a model against the ceiling set by its own GEMMs: the same GEMM
 * shapes (forward, dX, dW of every Linear) timed alone on the same backend give the time a
 * step would take if nothing but GEMMs ran; achieved / that = the fraction of the GEMM-bound
 * rate. Steps are timed as the trainer runs them (batch upload, step, optimizer, loss readback).
 */
public final class Bench {
    /** One measurement. gemmFlops counts 2·m·n·k per GEMM. */
    public record Result(String model, int batch, int steps, double samplesPerSecond, double stepMillis,
                         double gemmMillis, double gemmGflops, double stepGflops, double gemmBoundFraction) {
    }

    private Bench() {
    }

    public static Result run(Backend backend, ModelConfig config, Dataset data, int batch, int warmup, int steps) {
        try (Autoencoder model = new Autoencoder(backend, config, 1)) {
            TrainConfig tc = TrainConfig.defaults(1);
            Batches batches = new Batches(data, batch);
            float[] loss = new float[batch];
            int per = data.size() / batch;
            try (Optimizer opt = Trainer.optimizerFor(model, tc)) {
                model.prepare(batch);
                long t0 = 0;
                for (int s = 0; s < warmup + steps; s++) {
                    if (s == warmup) {
                        backend.synchronize();
                        t0 = System.nanoTime();
                    }
                    batches.load((s % per) * batch, batch, model.input());
                    model.trainStep(s);
                    opt.step((float) tc.lr());
                    backend.download(model.reconLoss(), loss, 0);
                }
                backend.synchronize();
                double stepMs = (System.nanoTime() - t0) / 1e6 / steps;
                double[] g = gemmCeiling(backend, model, batch, Math.max(5, steps / 4));
                double stepGflops = g[1] / (stepMs * 1e6);
                return new Result(config.name(), batch, steps, batch / (stepMs / 1000), stepMs, g[0],
                        g[1] / (g[0] * 1e6), stepGflops, g[0] / stepMs);
            }
        }
    }

    /** [milliseconds per step spent in GEMMs alone, FLOPs per step]. */
    static double[] gemmCeiling(Backend backend, Autoencoder model, int batch, int reps) {
        List<int[]> shapes = new ArrayList<>(); // {transA, transB, m, n, k}
        boolean first = true;
        for (Linear l : linears(model)) {
            int in = l.in(), out = l.out();
            shapes.add(new int[] {0, 1, batch, out, in});     // y = x·Wᵀ
            shapes.add(new int[] {1, 0, out, in, batch});     // dW += dyᵀ·x
            if (!first) {
                shapes.add(new int[] {0, 0, batch, in, out}); // dx = dy·W
            }
            first = false;
        }
        long maxA = 0, maxB = 0, maxC = 0;
        double flops = 0;
        for (int[] s : shapes) {
            maxA = Math.max(maxA, (long) s[2] * s[4]);
            maxB = Math.max(maxB, (long) s[4] * s[3]);
            maxC = Math.max(maxC, (long) s[2] * s[3]);
            flops += 2.0 * s[2] * s[3] * s[4];
        }
        try (Storage sa = backend.allocate(maxA, "bench A"); Storage sb = backend.allocate(maxB, "bench B");
             Storage sc = backend.allocate(maxC, "bench C")) {
            List<Tensor[]> ts = new ArrayList<>();
            for (int[] s : shapes) {
                ts.add(new Tensor[] {new Tensor(sa, 0, Shape.of(s[2] * s[4])), new Tensor(sb, 0, Shape.of(s[4] * s[3])),
                        new Tensor(sc, 0, Shape.of(s[2] * s[3]))});
            }
            backend.fill(ts.get(0)[0].reshape(Shape.of((int) maxA)).view(0, Shape.of((int) maxA)), 0.01f);
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) {
                backend.synchronize();
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    for (int i = 0; i < shapes.size(); i++) {
                        int[] s = shapes.get(i);
                        Tensor[] t = ts.get(i);
                        backend.gemm(s[0] == 1, s[1] == 1, s[2], s[3], s[4], 1f, t[0], t[1], 0f, t[2]);
                    }
                }
                backend.synchronize();
                best = Math.min(best, (System.nanoTime() - t0) / 1e6 / reps);
            }
            return new double[] {best, flops};
        }
    }

    static List<Linear> linears(Autoencoder model) {
        List<Linear> out = new ArrayList<>();
        for (Sequential s : List.of(model.encoder(), model.decoder())) {
            for (Layer l : s.layers()) {
                if (l instanceof Linear lin) {
                    out.add(lin);
                }
            }
        }
        return out;
    }
}
