package org.bottleneck.backend.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Whether a CUDA backend can start here, asked once per process and cached: the first touch of
 * JCudaDriver on a machine without a driver throws UnsatisfiedLinkError and every later touch
 * NoClassDefFoundError, so nothing else may poke it. The answer carries a one-line reason for
 * {@code info} and for the auto-selection log.
 */
public final class CudaProbe {

    /** The cached verdict; {@code reason} is a full sentence fragment for logs and errors. */
    public record Status(boolean usable, String reason) {
    }

    private CudaProbe() {
    }

    public static Status status() {
        return Holder.STATUS;
    }

    private static final class Holder {
        static final Status STATUS = probe();
    }

    private static Status probe() {
        int[] version = {0};
        int[] count = {0};
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int rc = JCudaDriver.cuInit(0);
            if (rc == CUresult.CUDA_ERROR_NO_DEVICE) {
                return new Status(false, "no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)");
            }
            if (rc != CUresult.CUDA_SUCCESS) {
                return new Status(false, "CUDA driver failed to initialize (cuInit: " + CUresult.stringFor(rc) + ")");
            }
            JCudaDriver.cuDriverGetVersion(version);
            rc = JCudaDriver.cuDeviceGetCount(count);
            if (rc != CUresult.CUDA_SUCCESS || count[0] == 0) {
                return new Status(false, "no CUDA device (driver " + driverVersion(version[0]) + ")");
            }
        } catch (UnsatisfiedLinkError e) {
            String msg = String.valueOf(e.getMessage());
            return new Status(false, msg.contains("libcuda")
                    ? "no CUDA driver (libcuda.so.1 not found)"
                    : "no CUDA driver (JCuda's driver library did not load: " + firstLine(msg) + ")");
        } catch (LinkageError e) {
            return new Status(false, "no CUDA driver (JCuda's driver classes are unusable: " + e + ")");
        }
        if (!KernelImages.present()) {
            return new Status(false, "jar built without CUDA kernels (nvcc was not found at build time)");
        }
        String cublas = CublasBinding.load(CudaLibraries.chooseCublas(CudaLibraries.onThisMachine(), version[0]));
        if (cublas != null) {
            return new Status(false, "no usable cuBLAS for driver " + driverVersion(version[0]) + ": " + cublas);
        }
        // cuDNN is optional: without one, convolutions run on our kernels + cuBLAS
        String cudnn = CudnnBinding.load(CudaLibraries.onThisMachine(), version[0]);
        return new Status(true, count[0] + " CUDA device" + (count[0] == 1 ? "" : "s")
                + ", driver " + driverVersion(version[0]) + ", " + CublasBinding.bound().describe()
                + (cudnn == null ? ", " + CudnnBinding.describeBound() : "; no cuDNN (" + cudnn + "): convolutions on our kernels"));
    }

    /** What built this jar's kernels and the oldest driver that can JIT them, or why there are none. */
    public static String kernels() {
        KernelImages.Toolchain t = KernelImages.toolchain();
        return t == null ? "none: the jar was built without nvcc (CPU only)" : t.describe();
    }

    static String driverVersion(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
