package org.bottleneck.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import org.bottleneck.apps.CodecPool;
import org.bottleneck.apps.anomaly.Detector;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Standardization;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Safetensors;

/**
 * The models of one executor JVM: a checkpoint is loaded once per JVM, whatever the number of
 * tasks and stages that use it, into a {@link CodecPool} of one model copy per task slot, keyed by
 * the SHA-256 of its bytes and the device asked for (so two jobs with the same weights share it,
 * and a changed file under the same name does not). OpenBLAS's thread count is per process: the
 * first load in a JVM sets it, later ones get that count. Concurrent tasks of the JVM borrow copies from the pool, one batch at
 * a time. What is per JVM: the weights (one read), the pool; per task: nothing but its batch
 * buffers. The pool lives as long as the JVM; a shutdown hook frees it.
 *
 * <p>This is a process-wide cache on purpose: Spark gives an executor no other place that
 * outlives a task. It holds nothing but immutable weights behind the pool's own lock.
 */
final class ExecutorModels {
    /** What a task needs of a loaded checkpoint. */
    record Loaded(CodecPool pool, Standardization standardization, Detector detector) {
    }

    private static final ConcurrentHashMap<String, Loaded> BY_SHA = new ConcurrentHashMap<>(); // "sha256/device" →

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> BY_SHA.values().forEach(l -> l.pool().close()),
                "bottleneck-spark-models"));
    }

    private ExecutorModels() {
    }

    /**
     * The checkpoint at {@code file}, whose SHA-256 must be {@code sha256}, loaded with
     * {@code slots} model copies on {@code device} backends of {@code blasThreads} OpenBLAS
     * threads (OpenBLAS's count is per process: the first load in a JVM sets it).
     */
    static Loaded get(String sha256, Path file, int slots, String device, int blasThreads) {
        // Keyed by device too: a later job asking for cuda must not get the cpu copies of an earlier one.
        return BY_SHA.computeIfAbsent(sha256 + "/" + device, key -> {
            String sha = sha256;
            String got = sha256(file);
            if (!got.equals(sha)) {
                throw new IllegalStateException("checkpoint " + file + " on this executor has SHA-256 " + got
                        + ", the driver shipped " + sha + ": the file changed while the job ran");
            }
            Safetensors.Contents c = Checkpoint.read(file);
            String std = c.metadata().get(Standardization.METADATA_KEY);
            Standardization s = std == null ? null : Standardization.fromJson(std, file.toString());
            Detector det = Detector.read(c, file.toString());
            CodecPool pool = CodecPool.load(file, slots, () -> Backends.open(device, blasThreads));
            return new Loaded(pool, s, det);
        });
    }

    /** Hex SHA-256 of a file's bytes. */
    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
