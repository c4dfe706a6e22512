package org.bottleneck.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.bottleneck.train.EpochMetrics;
import org.bottleneck.train.Progress;

/**
 * A progress bar per epoch (loss, samples/s, ETA) on a terminal, and one summary line per
 * epoch always, so logs stay readable when output goes to a file.
 */
final class ConsoleProgress implements Progress {
    private final PrintStream out;
    private final boolean bar;
    private ProgressBar current;

    ConsoleProgress(PrintStream out, boolean bar) {
        this.out = out;
        this.bar = bar;
    }

    @Override
    public void epochStart(int epoch, int epochs, int steps) {
        if (bar) {
            current = new ProgressBarBuilder().setTaskName(String.format("epoch %d/%d", epoch, epochs))
                    .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .continuousUpdate().build();
        }
    }

    @Override
    public void update(int done, double loss, double samplesPerSecond) {
        if (current != null) {
            current.stepTo(done);
            if (done % 20 == 0) {
                current.setExtraMessage(String.format(Locale.ROOT, "loss %.2f  %.0f samples/s", loss, samplesPerSecond));
            }
        }
    }

    @Override
    public void epochEnd(EpochMetrics m) {
        if (current != null) {
            current.close();
            current = null;
        }
        out.printf(Locale.ROOT, "epoch %3d  lr %.2e  train %.3f  val %.3f (recon %.3f, kl %.3f)  %.0f samples/s  %.1fs%n",
                m.epoch(), m.lr(), m.trainLoss(), m.valLoss(), m.valRecon(), m.valKl(), m.samplesPerSecond(),
                m.seconds());
    }
}
