package org.bottleneck.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.bottleneck.data.LoadProgress;

/**
 * A progress bar while an image folder is indexed or decoded (on a terminal), and one line
 * with the rate when a phase of at least a second ends, so logs show it too.
 */
final class ConsoleLoadProgress implements LoadProgress {
    private final PrintStream out;
    private final boolean bar;
    private ProgressBar current;
    private String phase;
    private long total, start;

    ConsoleLoadProgress(PrintStream out, boolean bar) {
        this.out = out;
        this.bar = bar;
    }

    @Override
    public synchronized void start(String phase, long total) {
        this.phase = phase;
        this.total = total;
        this.start = System.nanoTime();
        if (bar && total >= 1000) {
            current = new ProgressBarBuilder().setTaskName(phase).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).continuousUpdate().build();
        }
    }

    @Override
    public synchronized void step(long done) {
        if (current != null && done > current.getCurrent()) {
            current.stepTo(done);
        }
    }

    @Override
    public synchronized void end() {
        if (current != null) {
            current.close();
            current = null;
        }
        double s = (System.nanoTime() - start) / 1e9;
        if (s >= 1) {
            out.printf(Locale.ROOT, "%s: %d in %.1f s (%.0f/s)%n", phase, total, s, total / s);
        }
    }
}
