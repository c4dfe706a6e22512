package org.bottleneck.backend.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The CPU backend's own native library (native/cpu: the zero-copy GEMM shim and the fused
 * loops), built by Maven into the jar when a C compiler exists. Loaded once; {@link #status()}
 * is null when loaded, else why not, and the backend then runs the Java twins.
 */
final class NativeLibrary {
    private static final String RESOURCE = "/org/bottleneck/native/libbottleneck_cpu.so";
    private static final String STATUS = load();

    private NativeLibrary() {
    }

    /** Null when the library is loaded, else why not (for {@code info}). */
    static String status() {
        return STATUS;
    }

    private static String load() {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "jar built without the CPU native library (no C compiler at build time)";
            }
            Path tmp = Files.createTempFile("bottleneck_cpu", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.toAbsolutePath().toString());
            return null;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return "CPU native library unusable: " + e.getMessage();
        }
    }
}
