package org.bottleneck.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.bottleneck.apps.Bench;
import org.bottleneck.apps.ImageTask;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Architecture;
import org.bottleneck.tensor.Shape;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Presets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Training throughput (samples/s) of the reference models, and the share of the step that",
                "its GEMMs alone would take (the GEMM-bound ceiling, measured with the same shapes in the same run)."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--models", split = ",", defaultValue = "vae,ae", description = "Presets (vae, ae, lecture, convae, convvae) or image applications' presets trained through "
            + "their degradation (denoise, superres, superres3, superres4, colorize on RGB data, inpaint). Default: ${DEFAULT-VALUE}.")
    String[] models;

    @Option(names = "--batches", split = ",", defaultValue = "128", description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
    int[] batches;

    @Option(names = "--steps", defaultValue = "200", description = "Timed steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", defaultValue = "50", description = "Untimed warm-up steps. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--csv", description = "Print CSV rows instead of a table.")
    boolean csv;

    @Override
    public Integer call() {
        try (Backend backend = common.backend()) {
            Dataset train = common.data.open(null).train();
            if (csv) {
                System.out.println("model,batch,samples_per_s,step_ms,gemm_ms,gemm_gflops,step_gflops,gemm_bound_fraction");
            } else {
                System.out.println("backend " + backend.describe());
                System.out.println("model  batch  samples/s  step ms  GEMM-only ms  GEMM GFLOP/s  step GFLOP/s  of GEMM-bound");
            }
            for (String m : models) {
                for (int b : batches) {
                    Bench.Result r = run(backend, m, train, b);
                    if (csv) {
                        System.out.printf(Locale.ROOT, "%s,%d,%.1f,%.4f,%.4f,%.2f,%.2f,%.4f%n", r.model(), r.batch(),
                                r.samplesPerSecond(), r.stepMillis(), r.gemmMillis(), r.gemmGflops(), r.stepGflops(),
                                r.gemmBoundFraction());
                    } else {
                        System.out.printf(Locale.ROOT, "%-6s %5d  %9.0f  %7.3f  %12.3f  %12.1f  %12.1f  %12.0f%%%n",
                                r.model(), r.batch(), r.samplesPerSecond(), r.stepMillis(), r.gemmMillis(),
                                r.gemmGflops(), r.stepGflops(), 100 * r.gemmBoundFraction());
                    }
                }
            }
        }
        return 0;
    }

    /** A preset autoencoding its data, or an image application's preset through its degradation. */
    private Bench.Result run(Backend backend, String name, Dataset train, int batch) {
        for (ImageTask t : ImageTask.values()) {
            if (name.startsWith(t.id())) {
                String rest = name.substring(t.id().length());
                int factor = t == ImageTask.SUPERRES && !rest.isEmpty() ? Integer.parseInt(rest) : 2;
                if (!rest.isEmpty() && t != ImageTask.SUPERRES) {
                    break;
                }
                Pipeline p = Pipeline.parse(null, t.defaultDegradation(factor), train.unitInterval());
                Shape s = train.sampleShape();
                Architecture a = t.preset(p.inputShape(s), p.targetShape(s), train.unitInterval());
                return Bench.run(backend, a.withName(name), train, p, batch, warmup, steps);
            }
        }
        return Bench.run(backend, Presets.get(name, train.sampleShape(), train.unitInterval()), train, batch, warmup, steps);
    }
}
