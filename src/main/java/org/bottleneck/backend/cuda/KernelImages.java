package org.bottleneck.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The compiled kernels packed into the jar by the Maven build (scripts/build-native.sh):
 * a fatbin with SASS for sm_80/sm_90 plus compute_90 PTX, and PTX for compute_80/90 as a JIT
 * fallback. Read from the class path, never from a relative file path; absent when the jar
 * was built without nvcc.
 */
final class KernelImages {
    static final String DIR = "/org/bottleneck/kernels/";
    static final String FATBIN = DIR + "bottleneck_sm80_90.fatbin";
    static final String PTX_80 = DIR + "bottleneck_compute80.ptx";
    static final String PTX_90 = DIR + "bottleneck_compute90.ptx";

    private KernelImages() {
    }

    /**
     * What built the PTX: the nvcc release from its header comment ("Cuda compilation tools,
     * release 13.0, …") and the PTX ISA from its {@code .version} directive; -1 where absent.
     */
    record Toolchain(int nvccMajor, int nvccMinor, int isaMajor, int isaMinor) {
        /** The oldest driver that JITs this PTX, as cuDriverGetVersion reports one (13000 = CUDA 13.0); -1 unknown. */
        int minimumDriver() {
            return KernelImages.minimumDriver(isaMajor, isaMinor);
        }

        String describe() {
            int need = minimumDriver();
            return "built by nvcc " + (nvccMajor < 0 ? "?" : nvccMajor + "." + nvccMinor) + ", PTX ISA "
                    + (isaMajor < 0 ? "?" : isaMajor + "." + isaMinor)
                    + (need < 0 ? "" : " (JIT needs a CUDA " + CudaProbe.driverVersion(need) + " driver or newer)");
        }
    }

    private static final java.util.regex.Pattern NVCC = java.util.regex.Pattern.compile("release (\\d+)\\.(\\d+)");
    private static final java.util.regex.Pattern ISA = java.util.regex.Pattern.compile("(?m)^\\s*\\.version\\s+(\\d+)\\.(\\d+)");

    /** The toolchain of a PTX text (its first few KB are enough). */
    static Toolchain toolchain(String ptx) {
        String head = ptx.length() > 4096 ? ptx.substring(0, 4096) : ptx;
        java.util.regex.Matcher n = NVCC.matcher(head), v = ISA.matcher(head);
        boolean hasN = n.find(), hasV = v.find();
        return new Toolchain(hasN ? Integer.parseInt(n.group(1)) : -1, hasN ? Integer.parseInt(n.group(2)) : -1,
                hasV ? Integer.parseInt(v.group(1)) : -1, hasV ? Integer.parseInt(v.group(2)) : -1);
    }

    /** The toolchain of the jar's compute_80 PTX, or null when the jar has no kernels. */
    static Toolchain toolchain() {
        byte[] ptx = read(PTX_80);
        return ptx == null ? null : toolchain(new String(ptx, 0, Math.min(ptx.length, 4096), java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * The CUDA release that introduced a PTX ISA, as a driver version (PTX ISA 7.0 came with CUDA
     * 11.0, 8.0 with 12.0, 8.6 with 12.7, 8.7 with 12.8, 8.8 with 12.9, 9.0 with 13.0; NVIDIA's PTX
     * ISA release notes): a driver older than that cannot JIT the PTX. -1 for an ISA not listed.
     */
    static int minimumDriver(int isaMajor, int isaMinor) {
        if (isaMajor == 7 && isaMinor >= 0 && isaMinor <= 8) {
            return 11000 + 10 * isaMinor;
        }
        if (isaMajor == 8 && isaMinor >= 0 && isaMinor <= 5) {
            return 12000 + 10 * isaMinor;
        }
        if (isaMajor == 8 && isaMinor >= 6 && isaMinor <= 8) {
            return 12070 + 10 * (isaMinor - 6);
        }
        if (isaMajor == 9 && isaMinor == 0) {
            return 13000;
        }
        return -1;
    }

    /**
     * Why this jar's kernels will not load on a driver of {@code driverVersion}, or null when the
     * PTX can be JITted there (the SASS in the fatbin may still load on a matching GPU).
     */
    static String incompatibility(Toolchain t, int driverVersion) {
        int need = t.minimumDriver();
        if (need < 0 || driverVersion >= need) {
            return null;
        }
        return "the kernels were " + t.describe() + "; this driver is CUDA " + CudaProbe.driverVersion(driverVersion)
                + ": update the driver (CUDA " + CudaProbe.driverVersion(need) + " needs R"
                + (need >= 13000 ? "580" : need >= 12080 ? "570" : need >= 12000 ? "525" : "450")
                + "+), or rebuild the jar with nvcc ≤ " + CudaProbe.driverVersion(driverVersion)
                + " (mvn -B package where that nvcc is on the PATH)";
    }

    static boolean present() {
        return KernelImages.class.getResource(FATBIN) != null && KernelImages.class.getResource(PTX_80) != null;
    }

    /** The resource's bytes, or null if absent. PTX gets the NUL terminator the driver wants. */
    static byte[] read(String resource) {
        try (InputStream in = KernelImages.class.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            if (!resource.endsWith(".ptx")) {
                return bytes;
            }
            byte[] terminated = new byte[bytes.length + 1];
            System.arraycopy(bytes, 0, terminated, 0, bytes.length);
            return terminated;
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel image " + resource, e);
        }
    }
}
