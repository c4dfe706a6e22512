package org.bottleneck.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading a whole data file into memory, with the file's kind and path in every error. */
final class DataFiles {
    /** Largest byte array the JVM reliably allocates. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private DataFiles() {
    }

    /**
     * All bytes of {@code file}; {@code kind} ("IDX", "npy", "image") names it in errors.
     * A file over {@link #MAX_BYTES}, or one the heap cannot hold, is a {@link DataException}
     * rather than an {@link OutOfMemoryError}.
     */
    static byte[] readAllBytes(Path file, String kind) {
        long size = -1;
        try {
            size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new DataException(kind + " file " + file + " is " + size + " bytes, more than the "
                        + MAX_BYTES + " one array can hold");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(kind + " file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new DataException("cannot read " + kind + " file " + file + ": " + e, e);
        } catch (OutOfMemoryError e) {
            throw new DataException("not enough memory to read " + kind + " file " + file + " (" + size
                    + " bytes); raise the heap limit (-Xmx)", e);
        }
    }
}
