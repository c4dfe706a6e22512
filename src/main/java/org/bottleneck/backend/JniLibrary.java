package org.bottleneck.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads one of our JNI libraries (built by scripts/build-jni.sh into the jar under
 * {@code /org/bottleneck/native/}): copied to a temporary file, since the loader cannot map a
 * file inside a jar, then {@link System#load}. Each library is loaded once per process, however
 * many classes bind to it (the cuBLAS and cuDNN bindings share libbottleneck_cuda.so): two copies
 * of one library would each have their own static state, and the JVM links each native method to
 * whichever copy it finds first, so a method could run against a copy that was never bound.
 */
public final class JniLibrary {
    /** Per file: {@link #OK} when loaded, else why not (ConcurrentHashMap holds no null values). */
    private static final Map<String, String> LOADED = new ConcurrentHashMap<>();
    private static final String OK = "";

    private JniLibrary() {
    }

    /**
     * Loads {@code /org/bottleneck/native/<file>}; returns null when loaded, else why not, worded
     * for {@code info} ({@code what} names the library for people, e.g. "CPU native library").
     */
    public static String load(String file, String what) {
        String result = LOADED.computeIfAbsent(file, f -> {
            String why = loadOnce(f, what);
            return why == null ? OK : why;
        });
        return result.equals(OK) ? null : result;
    }

    private static String loadOnce(String file, String what) {
        String resource = "/org/bottleneck/native/" + file;
        try (InputStream in = JniLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "jar built without the " + what + " (no C compiler at build time)";
            }
            Path tmp = Files.createTempFile(file.replace(".so", ""), ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.toAbsolutePath().toString());
            return null;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return what + " unusable: " + e.getMessage();
        }
    }
}
