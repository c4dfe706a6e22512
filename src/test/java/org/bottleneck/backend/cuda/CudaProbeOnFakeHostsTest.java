package org.bottleneck.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole CUDA probe on three kinds of host, each in a fresh JVM (the probe's answer is cached
 * per process): JCuda's real driver library loads a stand-in libcuda.so.1 reporting a driver
 * version ({@link FakeCudaHost}), then CudaProbe discovers, chooses and dlopens a stand-in cuBLAS
 * and cuDNN exactly as on a real machine, and {@code info} reports the result. The device itself is never
 * opened (the stand-in has none), so {@code auto} must fall back to the CPU with the reason.
 */
class CudaProbeOnFakeHostsTest {
    @TempDir
    static Path tmp;

    private static Path driver;
    private static Path wheel13;
    private static Path toolkit12;
    /** The cuDNN 9 wheel for CUDA 13 (host_cudnn.c reporting 9.5.1, cudart 13.0). */
    private static Path cudnn13;

    @BeforeAll
    static void buildFakeLibraries() throws Exception {
        driver = tmp.resolve("driver");
        wheel13 = tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cu13/lib");
        toolkit12 = tmp.resolve("cuda-12.6/lib64");
        cudnn13 = tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cudnn/lib");
        assumeTrue(FakeCudaHost.driver(driver) && FakeCudaHost.cublas(wheel13, 13) && FakeCudaHost.cublas(toolkit12, 12)
                && FakeCudaHost.cudnn(cudnn13, 9, "9.5.1", 90501, 13000, false), "skipped: no gcc");
        assumeTrue(KernelImages.present(), "skipped: built without nvcc, so the probe stops at the kernels");
    }

    /** `info` in a fresh JVM with the stand-in driver on the loader's path; its output. */
    private static String info(int driverVersion, Path... cublasFolders) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "org.bottleneck.cli.Main", "info")).redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", driver.toString());
        pb.environment().put("BOTTLENECK_FAKE_DRIVER_VERSION", Integer.toString(driverVersion));
        pb.environment().put("BOTTLENECK_CUDA_LIBS_ONLY", "1"); // not this machine's own CUDA (a devel image has one)
        pb.environment().put("BOTTLENECK_CUDA_LIBS", String.join(":", Arrays.stream(cublasFolders).map(Path::toString).toList()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "info did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no line starting with '" + prefix + "')\n" + out);
    }

    @Test
    void aCuda13HostBindsTheWheelsCublas13AndCudnn9AndFallsBackCleanlyWhenTheDeviceWillNotOpen() throws Exception {
        String out = info(13000, wheel13, cudnn13);
        assertEquals("cuda      available: 1 CUDA device, driver 13.0, libcublas.so.13 (13.0.2.14) at "
                + wheel13.resolve("libcublas.so.13") + ", cuDNN 9.5.1 (for CUDA 13.0) from " + cudnn13.resolve("libcudnn.so.9"),
                line(out, "cuda "));
        assertTrue(out.contains("cuda unavailable: cuDeviceGet(0): CUDA_ERROR_INVALID_DEVICE; using cpu"), out);
        assertTrue(line(out, "backend ").startsWith("backend   cpu: "), out);
    }

    /** cuBLAS 12 is chosen; the only cuDNN was built for CUDA 13, so convolutions will run on our kernels, and info says why. */
    @Test
    void aCuda12DriverTakesCublas12WhenBothAreThereAndRefusesACudnnForCuda13() throws Exception {
        String out = info(12040, wheel13, toolkit12, cudnn13);
        assertEquals("cuda      available: 1 CUDA device, driver 12.4, libcublas.so.12 (12.0.2.14) at "
                + toolkit12.resolve("libcublas.so.12") + "; no cuDNN (libcudnn.so.9 (9.5.1) at " + cudnn13.resolve("libcudnn.so.9")
                + ": built for CUDA 13.0, the driver runs 12.4): convolutions on our kernels", line(out, "cuda "));
    }

    @Test
    void aCuda12DriverWithOnlyCublas13IsToldWhy() throws Exception {
        String out = info(12040, wheel13);
        assertEquals("cuda      unavailable: no usable cuBLAS for driver 12.4: libcublas.so.13 (13.0.2.14) at "
                + wheel13.resolve("libcublas.so.13") + ": needs a CUDA 13.0 driver, this one is 12.4", line(out, "cuda "));
    }
}
