package org.bottleneck.apps;

import org.bottleneck.data.transform.Pipeline;
import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Storage;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Model;
import org.bottleneck.nn.GemmShape;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;
import org.bottleneck.train.Batches;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.Trainer;

/**
 * Training throughput of a model against the ceiling set by its own GEMMs: the same GEMM
 * shapes (forward, dW, dX of every layer, as {@code Layer.gemmShapes} reports them) timed alone on the same backend give the time a
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

    public static Result run(Backend backend, Architecture arch, Dataset data, int batch, int warmup, int steps) {
        return run(backend, arch, data, Pipeline.NONE, batch, warmup, steps);
    }

    /** As above, each step's batch made by {@code pipeline} (the host transforms count, as in training). */
    public static Result run(Backend backend, Architecture arch, Dataset data, Pipeline pipeline, int batch, int warmup,
                             int steps) {
        try (Model model = new Model(backend, arch, 1)) {
            TrainConfig tc = TrainConfig.defaults(1);
            float[] loss = new float[batch];
            int per = data.size() / batch;
            try (Batches batches = new Batches(backend, data, batch, pipeline, 1); Optimizer opt = Trainer.optimizerFor(model, tc)) {
                model.prepare(batch);
                long t0 = 0;
                for (int s = 0; s < warmup + steps; s++) {
                    if (s == warmup) {
                        backend.synchronize();
                        t0 = System.nanoTime();
                    }
                    Batches.Batch b = batches.load((s % per) * batch, batch, model, 0);
                    model.trainStep(s, b.target(), b.mask());
                    opt.step((float) tc.lr());
                    backend.download(model.reconLoss(), loss, 0);
                }
                backend.synchronize();
                double stepMs = (System.nanoTime() - t0) / 1e6 / steps;
                double[] g = gemmCeiling(backend, model, batch, Math.max(5, steps / 4));
                double stepGflops = g[1] / (stepMs * 1e6);
                return new Result(arch.name(), batch, steps, batch / (stepMs / 1000), stepMs, g[0],
                        g[1] / (g[0] * 1e6), stepGflops, g[0] / stepMs);
            }
        }
    }

    /** The GEMMs of one training step of {@code model} at batch b, as its layers report them. */
    static List<GemmShape> gemms(Model model, int b) {
        List<GemmShape> shapes = new ArrayList<>(model.encoder().gemmShapes(model.inputShape().batched(b), false));
        shapes.addAll(model.decoder().gemmShapes(model.latentShape().batched(b), true));
        return shapes;
    }

    /** [milliseconds per step spent in GEMMs alone, FLOPs per step]. */
    static double[] gemmCeiling(Backend backend, Model model, int batch, int reps) {
        List<GemmShape> shapes = gemms(model, batch);
        long maxA = 0, maxB = 0, maxC = 0;
        double flops = 0;
        for (GemmShape s : shapes) {
            maxA = Math.max(maxA, (long) s.m() * s.k());
            maxB = Math.max(maxB, (long) s.k() * s.n());
            maxC = Math.max(maxC, (long) s.m() * s.n());
            flops += s.flops();
        }
        try (Storage sa = backend.allocate(maxA, "bench A"); Storage sb = backend.allocate(maxB, "bench B");
             Storage sc = backend.allocate(maxC, "bench C")) {
            List<Tensor[]> ts = new ArrayList<>();
            for (GemmShape s : shapes) {
                ts.add(new Tensor[] {new Tensor(sa, 0, Shape.of(s.m() * s.k())), new Tensor(sb, 0, Shape.of(s.k() * s.n())),
                        new Tensor(sc, 0, Shape.of(s.m() * s.n()))});
            }
            backend.fill(new Tensor(sa, 0, Shape.of((int) maxA)), 0.01f);
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) {
                backend.synchronize();
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    for (int i = 0; i < shapes.size(); i++) {
                        GemmShape s = shapes.get(i);
                        Tensor[] t = ts.get(i);
                        backend.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, t[0], t[1], 0f, t[2]);
                    }
                }
                backend.synchronize();
                best = Math.min(best, (System.nanoTime() - t0) / 1e6 / reps);
            }
            return new double[] {best, flops};
        }
    }
}
