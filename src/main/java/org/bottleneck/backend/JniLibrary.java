package org.bottleneck.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads one of our JNI libraries (built by scripts/build-jni.sh into the jar under
 * {@code /org/bottleneck/native/}): copied to a temporary file, since the loader cannot map a
 * file inside a jar, then {@link System#load}. Each backend loads its own library once and keeps
 * the answer.
 */
public final class JniLibrary {
    private JniLibrary() {
    }

    /**
     * Loads {@code /org/bottleneck/native/<file>}; returns null when loaded, else why not, worded
     * for {@code info} ({@code what} names the library for people, e.g. "CPU native library").
     */
    public static String load(String file, String what) {
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
