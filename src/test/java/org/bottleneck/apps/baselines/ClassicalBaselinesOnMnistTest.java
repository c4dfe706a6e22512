package org.bottleneck.apps.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.data.transform.Draws;
import org.bottleneck.data.transform.Example;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.metrics.MeanStd;
import org.bottleneck.metrics.Psnr;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's degradations, our metrics and our classical baselines together, on the first
 * 2,000 MNIST test images, against the numbers the image-applications issue measured with its
 * own tools: bicubic 2× from area-downsampled input 19.97 dB, 4× 14.71 dB; noisy input at
 * σ 0.5 (clipped) 9.39 dB, σ 0.3 13.33 dB; a 12×12 hole filled with the mean 8.78 dB on the hole.
 * Tolerance ±0.15 dB: another implementation (edge handling of bicubic) and, for noise and
 * holes, other random draws; our standard errors are 0.01–0.07 dB (measured: 19.91, 14.69,
 * 9.39, 13.34, 8.74).
 */
class ClassicalBaselinesOnMnistTest {
    private static final int N = 2000;

    private static double mean(String degrade, Baseline b) {
        Dataset d = Mnist.load(Path.of("data/mnist"), false);
        Pipeline p = Pipeline.parse(null, degrade, true);
        Example e = p.newExample(d.sampleShape());
        Draws draws = new Draws();
        List<Double> psnr = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            p.make(d, i, Pipeline.EVAL_EPOCH, 42, e, draws);
            psnr.add(b.psnr(Arrays.copyOf(e.input, e.inputSize()), Arrays.copyOf(e.target, 784), Arrays.copyOf(e.mask, 784)));
        }
        return MeanStd.of(psnr).mean();
    }

    private interface Baseline {
        double psnr(float[] input, float[] target, float[] mask);
    }

    @Test
    void bicubicUpscalingOfAreaDownsampledDigits() {
        assertEquals(19.97, mean("down=2", (x, t, m) -> Psnr.psnr(Upscale.bicubic(x, 1, 14, 14, 28, 28), t)), 0.15);
        assertEquals(14.71, mean("down=4", (x, t, m) -> Psnr.psnr(Upscale.bicubic(x, 1, 7, 7, 28, 28), t)), 0.15);
    }

    @Test
    void clippedGaussianNoise() {
        assertEquals(9.39, mean("gaussian=0.5", (x, t, m) -> Psnr.psnr(x, t)), 0.15);
        assertEquals(13.33, mean("gaussian=0.3", (x, t, m) -> Psnr.psnr(x, t)), 0.15);
    }

    @Test
    void meanFillOfTwelvePixelHoles() {
        assertEquals(8.78, mean("box=12", (x, t, m) -> Psnr.psnr(HoleFill.mean(x, m, 1, 28, 28), t, m)), 0.15);
    }
}
