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
