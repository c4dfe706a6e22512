package org.bottleneck.backend.cuda;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which CUDA libraries this machine has, and which of them our bindings can use — found by
 * looking at files, without loading anything, so {@code info}, the device kit and the error of a
 * backend that cannot start can all say what is there, and {@link #chooseCublas} can pick the cuBLAS
 * our binding loads. Our bindings: JCuda's driver API (any {@code libcuda.so.1}),
 * {@link CublasBinding} (a {@code libcublas.so.12} or {@code .13}, whichever the driver can run)
 * and {@link CudnnBinding} (a {@code libcudnn.so.9} or {@code .8} built for a CUDA the driver runs;
 * optional).
 *
 * <p>Searched, in order: the folders of {@code BOTTLENECK_CUDA_LIBS} (colon-separated; tests and
 * unusual installs), of {@code LD_LIBRARY_PATH}, the system library folders, every
 * {@code /usr/local/cuda*} toolkit, and the NVIDIA pip wheels ({@code nvidia/cublas/lib},
 * {@code nvidia/cudnn/lib}, …) under the usual Python prefixes and virtualenvs found at
 * {@code /opt/*}, {@code /root/*}, {@code /home/*}/{@code *}. A library's version comes from the
 * name of the file its soname link resolves to ({@code libcublas.so.12 → libcublas.so.12.6.4.1}).
 */
public final class CudaLibraries {
    /** One library file found: the family (cublas, cublasLt, cudnn, cuda), its soname major, full version, path. */
    public record Found(String family, int major, String version, Path path) {
        public String describe() {
            return "lib" + family + ".so." + major + " (" + version + ") at " + path;
        }
    }

    private static final Pattern SONAME = Pattern.compile("lib(cublasLt|cublas|cudnn|cuda)\\.so\\.(\\d+)");
    private static final Pattern VERSION = Pattern.compile("\\.so\\.([\\d.]+)$");

    private CudaLibraries() {
    }

    /** The folders searched (see the class comment), existing ones only, without duplicates. */
    static List<Path> searchPath(String extra, String ldLibraryPath) {
        return searchPath(extra, ldLibraryPath, true);
    }

    /**
     * As above; {@code wellKnown} false searches only {@code extra} and {@code ldLibraryPath}
     * (tests that must not see the machine's own CUDA, and {@code BOTTLENECK_CUDA_LIBS_ONLY=1}).
     */
    static List<Path> searchPath(String extra, String ldLibraryPath, boolean wellKnown) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String list : new String[] {extra, ldLibraryPath}) {
            if (list != null) {
                for (String d : list.split(":")) {
                    if (!d.isBlank()) {
                        dirs.add(Path.of(d.trim()));
                    }
                }
            }
        }
        if (!wellKnown) {
            return existing(dirs);
        }
        for (String d : new String[] {"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/usr/lib/wsl/lib"}) {
            dirs.add(Path.of(d));
        }
        glob(dirs, Path.of("/usr/local"), "cuda*", "lib64", "targets/x86_64-linux/lib");
        for (Path prefix : pythonPrefixes()) {
            for (String lib : new String[] {"lib", "lib64"}) {
                glob(dirs, prefix.resolve(lib), "python3*", "site-packages/nvidia/cublas/lib", "site-packages/nvidia/cudnn/lib",
                        "site-packages/nvidia/cu13/lib", "dist-packages/nvidia/cublas/lib", "dist-packages/nvidia/cudnn/lib",
                        "dist-packages/nvidia/cu13/lib");
            }
        }
        return existing(dirs);
    }

    private static List<Path> existing(Set<Path> dirs) {
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            if (Files.isDirectory(d)) {
                out.add(d);
            }
        }
        return out;
    }

    /** /usr, /usr/local and virtualenv-like folders one or two levels under /opt, /root and /home. */
    private static List<Path> pythonPrefixes() {
        List<Path> p = new ArrayList<>(List.of(Path.of("/usr"), Path.of("/usr/local")));
        for (String root : new String[] {"/opt", "/root", "/home"}) {
            for (Path a : list(Path.of(root))) {
                p.add(a);
                for (Path b : list(a)) {
                    if (Files.isDirectory(b.resolve("lib"))) {
                        p.add(b);
                    }
                }
            }
        }
        return p;
    }

    private static void glob(Set<Path> into, Path base, String pattern, String... subdirs) {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(base, pattern)) {
            for (Path d : s) {
                for (String sub : subdirs) {
                    into.add(d.resolve(sub));
                }
            }
        } catch (IOException | SecurityException e) {
            // an unreadable folder holds nothing we can use
        }
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        } catch (IOException | SecurityException e) {
            // as above
        }
        return out;
    }

    /** Every soname file ({@code libX.so.N}, exactly) of the four families in {@code dirs}, in search order. */
    static List<Found> find(List<Path> dirs) {
        List<Found> found = new ArrayList<>();
        for (Path d : dirs) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "lib{cublas,cublasLt,cudnn,cuda}.so.*")) {
                List<Path> files = new ArrayList<>();
                s.forEach(files::add);
                files.sort(null);
                for (Path f : files) {
                    Matcher m = SONAME.matcher(f.getFileName().toString());
                    if (!m.matches()) {
                        continue; // libcublas.so.12.6.4.1 itself: reached through its soname link
                    }
                    String version = m.group(2);
                    try {
                        Matcher v = VERSION.matcher(f.toRealPath().getFileName().toString());
                        if (v.find()) {
                            version = v.group(1);
                        }
                    } catch (IOException e) {
                        continue; // a dangling link
                    }
                    found.add(new Found(m.group(1), Integer.parseInt(m.group(2)), version, f));
                }
            } catch (IOException | SecurityException e) {
                // skip the folder
            }
        }
        return found;
    }

    /**
     * What this machine has, searched as the class comment says; with
     * {@code BOTTLENECK_CUDA_LIBS_ONLY=1}, only {@code BOTTLENECK_CUDA_LIBS} and {@code LD_LIBRARY_PATH}.
     * Searched once per process (the probe and {@code info} both ask; the environment cannot change).
     */
    public static List<Found> onThisMachine() {
        return ThisMachine.FOUND;
    }

    private static final class ThisMachine {
        static final List<Found> FOUND = List.copyOf(find(searchPath(System.getenv("BOTTLENECK_CUDA_LIBS"),
                System.getenv("LD_LIBRARY_PATH"), !"1".equals(System.getenv("BOTTLENECK_CUDA_LIBS_ONLY")))));
    }

    /**
     * A few lines for people: each family found (first location, others counted), and what our
     * binding makes of it (cuBLAS 12 or 13; which one also depends on the driver, see {@link #chooseCublas}).
     */
    public static List<String> report(List<Found> found) {
        List<String> lines = new ArrayList<>();
        for (String family : new String[] {"cuda", "cublas", "cublasLt", "cudnn"}) {
            List<Found> f = found.stream().filter(x -> x.family().equals(family)).toList();
            if (f.isEmpty()) {
                lines.add(String.format(Locale.ROOT, "%-9s none found", family));
                continue;
            }
            for (int major : f.stream().mapToInt(Found::major).distinct().sorted().toArray()) {
                List<Found> m = f.stream().filter(x -> x.major() == major).toList();
                lines.add(String.format(Locale.ROOT, "%-9s %s%s%s", family, m.get(0).describe(),
                        m.size() > 1 ? " (+" + (m.size() - 1) + " more)" : "", verdict(family, major)));
            }
        }
        return lines;
    }

    private static String verdict(String family, int major) {
        return switch (family) {
            case "cublas" -> CUBLAS_MAJORS.contains(major)
                    ? "  usable by our binding on a CUDA " + major + ".0+ driver"
                    : "  not usable: our binding takes libcublas.so." + CUBLAS_MAJORS.get(0) + " or ." + CUBLAS_MAJORS.get(1);
            case "cudnn" -> CudnnBinding.MAJORS.contains(major)
                    ? "  usable by our binding for convolutions if built for the driver's CUDA (else our kernels run them)"
                    : "  not usable: our binding takes libcudnn.so.9 or .8 (convolutions run on our kernels)";
            default -> "";
        };
    }

    /** The cuBLAS majors whose v2 C API {@link CublasBinding} was written against (the same five functions in both). */
    static final List<Integer> CUBLAS_MAJORS = List.of(12, 13);

    /**
     * The cuBLAS to load, or why none: {@code cublas} and its {@code lt} (the cublasLt of the same
     * major in the same folder; null when that folder has none, and the loader must find the one
     * the library was installed with — preloading one from elsewhere could pair different
     * versions), or {@code cublas == null} and the {@code reason}.
     */
    public record CublasChoice(Found cublas, Found lt, String reason) {
    }

    /**
     * Picks the newest supported cuBLAS major that a driver of {@code driverVersion}
     * (cuDriverGetVersion: 13000 = CUDA 13.0) can run — cuBLAS N needs a CUDA N.0 driver or newer —
     * and within it the first one in search order.
     */
    public static CublasChoice chooseCublas(List<Found> found, int driverVersion) {
        List<Found> cublas = found.stream().filter(f -> f.family().equals("cublas")).toList();
        Found pick = null;
        for (Found f : cublas) {
            if (CUBLAS_MAJORS.contains(f.major()) && driverVersion >= 1000 * f.major()
                    && (pick == null || f.major() > pick.major())) {
                pick = f;
            }
        }
        if (pick == null) {
            List<String> why = new ArrayList<>();
            for (Found f : cublas) {
                why.add(f.describe() + (CUBLAS_MAJORS.contains(f.major())
                        ? ": needs a CUDA " + f.major() + ".0 driver, this one is " + CudaProbe.driverVersion(driverVersion)
                        : ": not a major our binding takes (" + CUBLAS_MAJORS + ")"));
            }
            return new CublasChoice(null, null, why.isEmpty()
                    ? "no libcublas.so." + CUBLAS_MAJORS.get(0) + " or ." + CUBLAS_MAJORS.get(1) + " found (install the CUDA "
                            + "toolkit's cuBLAS or the nvidia-cublas wheel, or point BOTTLENECK_CUDA_LIBS at its lib folder)"
                    : String.join("; ", why));
        }
        Found chosen = pick;
        Found lt = found.stream().filter(f -> f.family().equals("cublasLt") && f.major() == chosen.major()
                && f.path().getParent().equals(chosen.path().getParent())).findFirst().orElse(null);
        return new CublasChoice(chosen, lt, null);
    }
}
