package org.bottleneck.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bottleneck.apps.DiagnosticsReport;
import org.bottleneck.apps.LatentUsage;
import org.bottleneck.apps.VaeDiagnostics;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "diagnose", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"How a VAE uses its latent space, on the test split:",
                "  KL per latent dimension (bar chart), active units (Burda et al. 2015:",
                "  Var_x E[z|x] > --threshold) and a posterior-collapse warning,",
                "  the -ELBO split into reconstruction and KL,",
                "  the importance-sampled bound on -log p(x) for each --k on --bound-images",
                "  test images.",
                "Writes diagnose.md, diagnose.json and kl_per_dim.png."})
public final class DiagnoseCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    CheckpointOption ckpt;

    @Option(names = "--k", split = ",", defaultValue = "1,10,100,1000",
            description = "Importance samples K of the bound, comma-separated, each ≥ 1. Default: ${DEFAULT-VALUE}.")
    int[] ks;

    @Option(names = "--bound-images", defaultValue = "500",
            description = "First N test images the bound uses (K forward passes each; 0 = skip the bound). "
                    + "Default: ${DEFAULT-VALUE}.")
    int boundImages;

    @Option(names = "--threshold", defaultValue = "0.01",
            description = "A unit is active when Var_x E[z_j|x] exceeds this. Default: ${DEFAULT-VALUE}.")
    double threshold;

    @Option(names = "--batch", defaultValue = "500",
            description = "Evaluation batch (train's 500 gives its -ELBO exactly; the bound runs in chunks of "
                    + "at most 100). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = {"-o", "--out"}, description = "Folder for the report. Default: the checkpoint's folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        VaeDiagnostics.check(batch, ks, boundImages, threshold);
        try (Backend backend = common.backend(); Model model = ckpt.load(backend)) {
            if (!model.isVariational()) {
                throw new IllegalArgumentException("diagnose needs a VAE checkpoint; " + ckpt.checkpoint + " holds '"
                        + model.architecture().name() + "', a plain autoencoder (" + model.architecture().describe() + ")");
            }
            Dataset test = ckpt.test(model, common.data);
            Path dir = out != null ? out : ckpt.checkpoint.toAbsolutePath().getParent();
            System.out.println("model     " + model.architecture().describe());
            System.out.println("test      " + test.size() + " images" + (boundImages > 0
                    ? "; bound on the first " + Math.min(boundImages, test.size()) : ""));
            VaeDiagnostics.Result r = VaeDiagnostics.run(model, test, batch, ks, boundImages, threshold, progress());
            print(r);
            DiagnosticsReport.write(dir, r, model.architecture().describe(), test.name());
            System.out.println("wrote     " + dir + "/{" + DiagnosticsReport.MD + ", " + DiagnosticsReport.JSON + ", "
                    + DiagnosticsReport.PNG + "}");
        }
        return 0;
    }

    /** On a terminal, one line per K rewritten in place; in a log, nothing until the results. */
    private static VaeDiagnostics.Progress progress() {
        if (System.console() == null) {
            return VaeDiagnostics.Progress.NONE;
        }
        return (k, done, total) -> {
            System.out.printf(Locale.ROOT, "\rbound     K=%d: %d/%d images", k, done, total);
            if (done == total) {
                System.out.print("\r" + " ".repeat(60) + "\r");
            }
            System.out.flush();
        };
    }

    private static void print(VaeDiagnostics.Result r) {
        LatentUsage u = r.usage();
        var t = r.test();
        System.out.printf(Locale.ROOT, "-ELBO     %.3f = recon %.3f + KL %.3f nats/image%n", t.negElbo(), t.recon(), t.kl());
        System.out.printf(Locale.ROOT, "active    %d of %d latent units (Var_x E[z|x] > %s)%n", u.active(), u.dims(),
                u.threshold());
        int max = 0, min = 0;
        for (int j = 1; j < u.dims(); j++) {
            max = u.klPerDim()[j] > u.klPerDim()[max] ? j : max;
            min = u.klPerDim()[j] < u.klPerDim()[min] ? j : min;
        }
        System.out.printf(Locale.ROOT, "KL/dim    sum %.3f, max %.3f (dim %d), min %.4f (dim %d); %d dims below %s nats%n",
                u.totalKl(), u.klPerDim()[max], max, u.klPerDim()[min], min, u.silentDims().size(), LatentUsage.KL_FLOOR);
        if (r.boundImages() > 0) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < r.ks().length; i++) {
                parts.add(String.format(Locale.ROOT, "K=%d %.3f (%.1fs)", r.ks()[i], r.nll()[i], r.seconds()[i]));
            }
            System.out.printf(Locale.ROOT, "IS bound  %s nats/image; -ELBO on these images %.3f%n", String.join(", ", parts),
                    r.elboOnBound());
        }
        String w = u.collapseWarning();
        if (w != null) {
            System.out.println("warning: " + w);
        }
    }
}
