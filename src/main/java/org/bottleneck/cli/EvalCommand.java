package org.bottleneck.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import org.bottleneck.train.EvalResult;
import org.bottleneck.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Test-set metrics of a checkpoint: reconstruction loss (nats/image for BCE), MSE per pixel,",
                "and for a VAE the negative ELBO and an importance-sampled negative log-likelihood with K samples."})
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    CheckpointOption ckpt;

    @Option(names = "--k", defaultValue = "50", description = "Importance samples for the VAE NLL (0 = skip). Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--batch", defaultValue = "1000", description = "Evaluation batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Override
    public Integer call() {
        if (k < 0 || batch < 1) {
            throw new IllegalArgumentException("need --k ≥ 0 and --batch ≥ 1, got --k " + k + " --batch " + batch);
        }
        try (Backend backend = common.backend(); Model model = ckpt.load(backend)) {
            Dataset test = ckpt.test(model, common.data);
            EvalResult r = Evaluator.evaluate(model, test, batch);
            System.out.println("model                 " + model.architecture().describe());
            System.out.printf(Locale.ROOT, "test images           %d%n", r.samples());
            System.out.printf(Locale.ROOT, "reconstruction loss   %.4f %s%n", r.recon(),
                    model.architecture().output() == org.bottleneck.model.OutputKind.BCE ? "nats/image" : "squared error/image");
            System.out.printf(Locale.ROOT, "mse per pixel         %.6f%n", r.msePerPixel());
            if (model.isVariational()) {
                System.out.printf(Locale.ROOT, "kl                    %.4f nats/image%n", r.kl());
                System.out.printf(Locale.ROOT, "-ELBO                 %.4f nats/image%n", r.negElbo());
                if (k > 0) {
                    double nll = Evaluator.importanceSampledNll(model, test, batch, k);
                    System.out.printf(Locale.ROOT, "%-22s%.4f nats/image%n", "NLL (IS, K=" + k + ")", nll);
                }
            }
            if (model.architecture().latent().l1() > 0) {
                System.out.printf(Locale.ROOT, "l1 penalty            %.4f%n", r.penalty());
            }
        }
        return 0;
    }
}
