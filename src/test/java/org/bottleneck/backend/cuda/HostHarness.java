package org.bottleneck.backend.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds (once per source change) and runs native/emulation/harness.cpp: the kernels of
 * native/kernels compiled by g++ against the CUDA host-emulation shim.
 */
final class HostHarness {
    static final Path ROOT = Paths.get("").toAbsolutePath();
    static final Path BINARY = ROOT.resolve("target/emulation/harness");

    private static String unavailable;
    private static boolean built;

    private HostHarness() {
    }

    /** Null when the harness is ready, else why not (e.g. no g++), for the skip message. */
    static synchronized String unavailableReason() {
        if (built) {
            return null;
        }
        if (unavailable != null) {
            return unavailable;
        }
        try {
            build();
            built = true;
            return null;
        } catch (NoCompiler e) {
            unavailable = e.getMessage();
            return unavailable;
        }
    }

    private static final class NoCompiler extends Exception {
        private static final long serialVersionUID = 1L;

        NoCompiler(String m) {
            super(m);
        }
    }

    private static void build() throws NoCompiler {
        try {
            Path src = ROOT.resolve("native/emulation/harness.cpp");
            long newest = 0;
            try (Stream<Path> s = Stream.concat(Files.list(ROOT.resolve("native/kernels")),
                    Files.list(ROOT.resolve("native/emulation")))) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
                }
            }
            if (Files.exists(BINARY) && Files.getLastModifiedTime(BINARY).toMillis() >= newest) {
                return;
            }
            Files.createDirectories(BINARY.getParent());
            List<String> cmd = List.of("g++", "-std=c++20", "-O1", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror",
                    "-pthread", src.toString(), "-o", BINARY.toString());
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new NoCompiler("skipped: g++ not found (" + e.getMessage() + ")");
            }
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("g++ failed to build the kernel emulation harness:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("building the harness", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs one launch; throws with the harness output when it fails. */
    static void run(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY.toString());
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("harness timed out: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("harness failed (exit " + p.exitValue() + "): " + out.trim()
                        + "\n  command: " + String.join(" ", cmd));
            }
        } catch (IOException e) {
            throw new IllegalStateException("running the harness", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
