package org.bottleneck.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code SHA256SUMS} file as {@code sha256sum} writes it: one line per file,
 * {@code <64 hex digits><space><space or *><file name>}. A data folder that carries one has
 * every file it lists checked, byte for byte as stored (compressed files are hashed
 * compressed), before anything is parsed.
 */
public final class Sha256Sums {
    public static final String FILE_NAME = "SHA256SUMS";
    private final Path source;
    private final Map<String, String> hashes;

    private Sha256Sums(Path source, Map<String, String> hashes) {
        this.source = source;
        this.hashes = hashes;
    }

    /** The sums in {@code dir/SHA256SUMS}, or null when the folder has none. */
    public static Sha256Sums in(Path dir) {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Map<String, String> hashes = new LinkedHashMap<>();
        try {
            int line = 0;
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                line++;
                if (l.isBlank()) {
                    continue;
                }
                if (l.length() < 67 || !l.substring(0, 64).matches("[0-9a-fA-F]{64}") || l.charAt(64) != ' '
                        || (l.charAt(65) != ' ' && l.charAt(65) != '*')) {
                    throw new DataFormatException(f + " line " + line + " is not '<sha256>  <file>': " + abbreviate(l));
                }
                hashes.put(l.substring(66), l.substring(0, 64).toLowerCase(java.util.Locale.ROOT));
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + f + ": " + e.getMessage(), e);
        }
        return new Sha256Sums(f, hashes);
    }

    /** Throws when a file the sums list is missing from {@code dir}: a partial copy of a data set. */
    public void requireAll(Path dir) {
        for (String name : hashes.keySet()) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new DataException(dir.resolve(name).toAbsolutePath().normalize() + " not found, but "
                        + source.getFileName() + " lists it; the folder is incomplete");
            }
        }
    }

    /** Throws unless {@code bytes}, the stored contents of {@code file}, match its listed hash (if listed). */
    public void verify(Path file, byte[] bytes) {
        String expected = hashes.get(file.getFileName().toString());
        if (expected == null) {
            return;
        }
        String actual = sha256(bytes);
        if (!actual.equals(expected)) {
            throw new DataFormatException(file.toAbsolutePath().normalize() + " has SHA-256 " + actual + " (of its "
                    + bytes.length + " bytes), " + source.getFileName() + " lists " + expected
                    + "; the file is corrupt or was replaced");
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
