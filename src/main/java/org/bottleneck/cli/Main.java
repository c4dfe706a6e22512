package org.bottleneck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar target/bottleneck.jar <command> [options]}. */
@Command(name = "bottleneck", mixinStandardHelpOptions = true, version = "bottleneck 0.1.0",
        description = "Train and use autoencoders and VAEs (dense and convolutional) on CPU (OpenBLAS) or NVIDIA GPUs.",
        subcommands = {TrainCommand.class, DenoiseCommand.class, SuperresCommand.class, ColorizeCommand.class,
                InpaintCommand.class, AnomalyCommand.class, ScoreCommand.class, ProjectCommand.class, DiagnoseCommand.class,
                ExploreCommand.class, DataCommand.class, EvalCommand.class, ReconstructCommand.class, SampleCommand.class,
                InterpolateCommand.class, EncodeCommand.class, InfoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs a command and returns its exit code: 0 success, 1 a failure with a one-line reason
     * on stderr, 2 bad usage. Stack traces only with BOTTLENECK_DEBUG=1.
     */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + describe(e));
            if ("1".equals(System.getenv("BOTTLENECK_DEBUG"))) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) { // picocli hands Errors on; still one line, not a trace
            cl.getErr().println("error: out of memory (" + e.getMessage() + "); give the JVM more heap, e.g. "
                    + "BOTTLENECK_JAVA_OPTS=-Xmx8g ./bottleneck …, or use a smaller --batch / --memory-budget");
            return 1;
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + m;
        }
        if (e instanceof java.nio.file.AccessDeniedException || e instanceof java.nio.file.FileSystemException) {
            return "cannot write " + m;
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
