package org.bottleneck.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bottleneck.backend.cuda.CudaProbe;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The jar's main class: JMH's command line ({@code org.openjdk.jmh.Main}, same options), except
 * that when {@code -p backend=…} asks for {@code cuda} on a machine where CUDA cannot start, it
 * prints {@code cuda: skipped (<reason>)} and runs the other backends, so the same command works
 * on every machine. Only cuda requested → the line and exit status 0.
 */
public final class Run {
    private Run() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (cmd.shouldHelp() || cmd.shouldList() || cmd.shouldListWithParams() || cmd.shouldListProfilers()
                || cmd.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cmd);
        if (cmd.getParameter("backend").hasValue()) {
            Collection<String> asked = cmd.getParameter("backend").get();
            if (asked.contains("cuda")) {
                CudaProbe.Status status = CudaProbe.status();
                if (!status.usable()) {
                    System.out.println("cuda: skipped (" + status.reason() + ")");
                    List<String> rest = new ArrayList<>(asked);
                    rest.removeIf("cuda"::equals);
                    if (rest.isEmpty()) {
                        return;
                    }
                    options.param("backend", rest.toArray(new String[0]));
                }
            }
        }
        try {
            new Runner(options.build()).run();
        } catch (RunnerException e) {
            System.err.println("ERROR: " + e.getMessage());
            Throwable cause = e.getCause();
            if (cause != null) {
                System.err.println("  caused by: " + cause);
            }
            System.exit(1);
        }
    }
}
