package org.bottleneck.backend.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the stand-in CUDA libraries of native/emulation with gcc, laid out as a real host lays
 * them out (real file plus soname link): a cuBLAS "wheel" folder (host_cublas.c as
 * libcublas.so.N, depending on host_cublaslt.c as libcublasLt.so.N), a cuDNN folder (host_cudnn.c
 * as libcudnn.so.N) and a driver folder (probe_driver.c as libcuda.so.1). Returns false when there is no gcc, for the caller to skip.
 */
final class FakeCudaHost {
    private static final Path SRC = Path.of("native/emulation").toAbsolutePath();

    private FakeCudaHost() {
    }

    /** libcublasLt.so.{major} and libcublas.so.{major} (version {major}.0.2.14) in {@code dir}. */
    static boolean cublas(Path dir, int major) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String version = major + ".0.2.14";
        if (!gcc("-shared", "-fPIC", "-Wl,-soname,libcublasLt.so." + major, SRC.resolve("host_cublaslt.c").toString(),
                "-o", dir.resolve("libcublasLt.so." + version).toString())) {
            return false;
        }
        Files.createSymbolicLink(dir.resolve("libcublasLt.so." + major), Path.of("libcublasLt.so." + version));
        gcc("-shared", "-fPIC", "-Wall", "-Wextra", "-Werror", "-Wl,-soname,libcublas.so." + major,
                SRC.resolve("host_cublas.c").toString(), "-o", dir.resolve("libcublas.so." + version).toString(),
                "-L" + dir, "-l:libcublasLt.so." + major);
        Files.createSymbolicLink(dir.resolve("libcublas.so." + major), Path.of("libcublas.so." + version));
        return true;
    }

    /**
     * libcudnn.so.{major} (real file libcudnn.so.{version}) in {@code dir}: host_cudnn.c reporting
     * cudnnGetVersion {@code versionCode} and cudnnGetCudartVersion {@code cudart}, and next to it
     * the sub-library its cudnnCreate loads by bare soname, as the real front library does
     * (libcudnn_ops.so.9 for cuDNN 9, libcudnn_ops_infer.so.8 for 8; host_cudnn_sublibrary.c).
     * {@code brokenSublibrary}: that file is not a library at all, so loading it fails.
     */
    static boolean cudnn(Path dir, int major, String version, int versionCode, int cudart, boolean brokenSublibrary)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String sub = (major >= 9 ? "libcudnn_ops.so." : "libcudnn_ops_infer.so.") + major;
        if (brokenSublibrary) {
            Files.writeString(dir.resolve(sub), "not an ELF file\n");
        } else if (!gcc("-shared", "-fPIC", "-Wall", "-Wextra", "-Werror", "-Wl,-soname," + sub,
                SRC.resolve("host_cudnn_sublibrary.c").toString(), "-o", dir.resolve(sub).toString())) {
            return false;
        }
        if (!gcc("-shared", "-fPIC", "-Wall", "-Wextra", "-Werror", "-Wl,-soname,libcudnn.so." + major,
                "-DFAKE_VERSION=" + versionCode, "-DFAKE_CUDART=" + cudart, "-DFAKE_SUBLIBRARY=\"" + sub + "\"",
                SRC.resolve("host_cudnn.c").toString(), "-o", dir.resolve("libcudnn.so." + version).toString(), "-lm", "-ldl")) {
            return false;
        }
        Files.createSymbolicLink(dir.resolve("libcudnn.so." + major), Path.of("libcudnn.so." + version));
        return true;
    }

    /** libcuda.so.1 in {@code dir}: the probe's three driver calls, then no device. */
    static boolean driver(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        return gcc("-shared", "-fPIC", "-Wall", "-Wextra", "-Werror", "-Wl,-soname,libcuda.so.1",
                SRC.resolve("probe_driver.c").toString(), "-o", dir.resolve("libcuda.so.1").toString());
    }

    /** False when gcc cannot be started; a failed compile throws with gcc's output. */
    private static boolean gcc(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return false;
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("gcc failed: " + String.join(" ", cmd) + "\n" + out);
        }
        return true;
    }
}
