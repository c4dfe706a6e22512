package org.bottleneck.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.CUjit_option;
import jcuda.driver.JITOptions;
import jcuda.driver.JCudaDriver;

/**
 * The real device: the driver API (JCuda) on the device's primary context (shared with cuBLAS,
 * which uses the runtime API), one non-blocking stream for everything, one cuMemAlloc per storage,
 * a 4 MiB pinned staging buffer for uploads and downloads, SGEMM through our cuBLAS binding
 * ({@link CublasBinding}, bound by {@link CudaProbe}) on the stream, and the kernel module loaded
 * from the jar's fatbin (PTX as a fallback, with the JIT's error log in the failure). One thread at a time; the
 * context is current on the thread that creates it, and {@link #makeCurrent()} makes it current
 * on another ({@link BindingDevice} does before every call).
 */
final class JCudaDevice implements Device {
    private static final int STAGING_FLOATS = 1 << 20;

    private final int ordinal;
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final String image;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final AddressableStream stream = new AddressableStream();
    private final CUmodule module = new CUmodule();
    private final long[] cublas = {0};
    private final String cublasVersion;
    private final long[] cudnn = {0};
    private final String whyNoCudnn;
    private final Pointer stagingHost = new Pointer();
    private final FloatBuffer staging;
    private final ByteBuffer stagingBytes;
    private final Deque<Runnable> release = new ArrayDeque<>();
    private long bytesInUse;
    private int allocations;
    private boolean closed;

    /** A CUdeviceptr whose raw address we can read (kernel arguments are raw u64 addresses). */
    private static final class AddressablePointer extends CUdeviceptr {
        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** A CUstream whose raw handle we can hand to cuBLAS (cudaStream_t and CUstream are the same object). */
    private static final class AddressableStream extends CUstream {
        long address() {
            return getNativePointer();
        }
    }

    private record Launch(CUfunction function, Pointer params) {
    }

    JCudaDevice(int ordinal) {
        this.ordinal = ordinal;
        try {
            check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
            byte[] nameBytes = new byte[256];
            check(JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
            String n = new String(nameBytes, java.nio.charset.StandardCharsets.US_ASCII);
            name = n.indexOf(0) >= 0 ? n.substring(0, n.indexOf(0)) : n;
            int[] v = {0};
            check(JCudaDriver.cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device), "cuDeviceGetAttribute");
            ccMajor = v[0];
            check(JCudaDriver.cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device), "cuDeviceGetAttribute");
            ccMinor = v[0];

            check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
            release.push(() -> JCudaDriver.cuDevicePrimaryCtxRelease(device));
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            check(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            release.push(() -> JCudaDriver.cuStreamDestroy(stream));

            image = loadModule();
            release.push(() -> JCudaDriver.cuModuleUnload(module));

            if (CublasBinding.bound() == null) {
                throw new CudaException("cuBLAS is not bound: " + CudaProbe.status().reason());
            }
            checkBlas(CublasBinding.create(cublas), "cublasCreate");
            release.push(() -> CublasBinding.destroy(cublas[0]));
            checkBlas(CublasBinding.setStream(cublas[0], stream.address()), "cublasSetStream");
            int[] blasVersion = {0};
            checkBlas(CublasBinding.version(cublas[0], blasVersion), "cublasGetVersion");
            cublasVersion = "cuBLAS " + CublasBinding.versionString(blasVersion[0]) + " from " + CublasBinding.bound().path();
            whyNoCudnn = openCudnn();

            check(JCudaDriver.cuMemAllocHost(stagingHost, STAGING_FLOATS * 4L), "cuMemAllocHost(" + STAGING_FLOATS * 4L + " bytes)");
            release.push(() -> JCudaDriver.cuMemFreeHost(stagingHost));
            stagingBytes = stagingHost.getByteBuffer(0, STAGING_FLOATS * 4L).order(ByteOrder.nativeOrder());
            staging = stagingBytes.asFloatBuffer();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /**
     * A cuDNN handle on our stream when a cuDNN is bound ({@link CudaProbe} binds one); null, or
     * why not. Not fatal: convolutions then run on our kernels.
     */
    private String openCudnn() {
        if (CudnnBinding.bound() == null) {
            return CudnnBinding.unavailable();
        }
        int rc = CudnnBinding.create(cudnn);
        if (rc != 0) {
            cudnn[0] = 0;
            return "cudnnCreate failed: " + CudnnBinding.describe(rc) + " (" + CudnnBinding.describeBound() + ")";
        }
        release.push(() -> CudnnBinding.destroy(cudnn[0]));
        rc = CudnnBinding.setStream(cudnn[0], stream.address());
        if (rc != 0) {
            return "cudnnSetStream failed: " + CudnnBinding.describe(rc);
        }
        return null;
    }

    @Override
    public long cudnnHandle() {
        return whyNoCudnn == null ? cudnn[0] : 0;
    }

    @Override
    public String whyNoCudnn() {
        return whyNoCudnn;
    }

    /** Fatbin first (SASS for sm_80/sm_90), then the PTX that suits the device, JIT-compiled by the driver. */
    private String loadModule() {
        byte[] fatbin = KernelImages.read(KernelImages.FATBIN);
        if (fatbin == null) {
            throw new CudaException("jar built without CUDA kernels: " + KernelImages.FATBIN + " is missing");
        }
        int rc = JCudaDriver.cuModuleLoadData(module, fatbin);
        if (rc == CUresult.CUDA_SUCCESS) {
            return "fatbin";
        }
        String ptxName = ccMajor >= 9 ? KernelImages.PTX_90 : KernelImages.PTX_80;
        byte[] ptx = KernelImages.read(ptxName);
        String[] jitLog = {""};
        int rcPtx = ptx == null ? CUresult.CUDA_ERROR_FILE_NOT_FOUND : loadWithJitLog(ptx, jitLog);
        if (rcPtx == CUresult.CUDA_SUCCESS) {
            return "ptx";
        }
        int[] version = {0};
        JCudaDriver.cuDriverGetVersion(version);
        KernelImages.Toolchain t = KernelImages.toolchain();
        String why = t == null ? null : KernelImages.incompatibility(t, version[0]);
        throw new CudaException("kernel image not loadable on " + name + " (sm_" + ccMajor + ccMinor + ", driver "
                + CudaProbe.driverVersion(version[0]) + "): fatbin " + CUresult.stringFor(rc) + ", " + ptxName + " "
                + CUresult.stringFor(rcPtx) + "; " + (why != null ? why
                : "the fatbin has SASS for sm_80/sm_90 only" + (t == null ? "" : "; kernels " + t.describe()))
                + (jitLog[0].isBlank() ? "" : "; JIT error log: " + jitLog[0].trim()));
    }

    private static final int JIT_LOG_BYTES = 16 * 1024;

    /** cuModuleLoadDataEx with an error log buffer; the log (possibly empty) goes to {@code log[0]}. */
    private int loadWithJitLog(byte[] ptx, String[] log) {
        JITOptions options = new JITOptions();
        options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        // A direct buffer, not the byte[]: for an array JCuda holds a JNI critical section over the
        // whole JIT and takes a second one for the options, which JNI forbids.
        ByteBuffer image = ByteBuffer.allocateDirect(ptx.length).put(ptx);
        image.flip();
        int rc = JCudaDriver.cuModuleLoadDataJIT(module, Pointer.to(image), options);
        try {
            String text = options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
            log[0] = text == null ? "" : text;
        } catch (RuntimeException e) {
            log[0] = "(the JIT log could not be read: " + e + ")";
        }
        return rc;
    }

    @Override
    public void makeCurrent() {
        if (!closed) {
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        }
    }

    @Override
    public String describe() {
        long[] free = {0};
        long[] total = {0};
        JCudaDriver.cuMemGetInfo(free, total);
        int[] version = {0};
        JCudaDriver.cuDriverGetVersion(version);
        return "cuda:" + ordinal + " " + name + " (sm_" + ccMajor + ccMinor + ", " + (total[0] >> 20) + " MiB, driver "
                + CudaProbe.driverVersion(version[0]) + ", kernels from " + image + ", " + cublasVersion + ")";
    }

    @Override
    public DeviceView allocate(CudaStorage owner, long bytes, String label) {
        AddressablePointer p = new AddressablePointer();
        long request = Math.max(bytes, 4);
        int rc = JCudaDriver.cuMemAlloc(p, request);
        if (rc != CUresult.CUDA_SUCCESS) {
            long[] free = {0};
            long[] total = {0};
            JCudaDriver.cuMemGetInfo(free, total);
            throw new CudaException("cuda allocate '" + label + "': " + request + " bytes requested, " + bytesInUse
                    + " bytes in use by this backend in " + allocations + " allocations, device free " + free[0]
                    + " of " + total[0] + " bytes: " + CUresult.stringFor(rc));
        }
        bytesInUse += request;
        allocations++;
        check(JCudaDriver.cuMemsetD32Async(p, 0, request / 4, stream), "cuMemsetD32Async('" + label + "')");
        DeviceView v = new DeviceView(owner, p.address(), 0, bytes / 4);
        v.handle = p;
        return v;
    }

    @Override
    public void free(DeviceView root) {
        if (closed) {
            return; // the context is gone and took the memory with it
        }
        check(JCudaDriver.cuMemFree((CUdeviceptr) root.handle), "cuMemFree('" + root.storage.label() + "')");
        bytesInUse -= Math.max(root.floats * 4, 4);
        allocations--;
    }

    private static CUdeviceptr pointer(DeviceView v) {
        Object h = v.handle;
        if (h == null) {
            CUdeviceptr base = (CUdeviceptr) v.storage.root().handle;
            h = v.byteOffset == 0 ? base : base.withByteOffset(v.byteOffset);
            v.handle = h;
        }
        return (CUdeviceptr) h;
    }

    @Override
    public void upload(float[] src, int srcOffset, DeviceView dst, int count) {
        for (int done = 0; done < count; ) {
            int chunk = Math.min(count - done, STAGING_FLOATS);
            staging.put(0, src, srcOffset + done, chunk);
            CUdeviceptr d = done == 0 ? pointer(dst) : pointer(dst).withByteOffset(done * 4L);
            check(JCudaDriver.cuMemcpyHtoDAsync(d, stagingHost, chunk * 4L, stream), "cuMemcpyHtoDAsync");
            synchronize(); // the staging buffer is reused by the next chunk or call
            done += chunk;
        }
    }

    @Override
    public void download(DeviceView src, float[] dst, int dstOffset, int count) {
        for (int done = 0; done < count; ) {
            int chunk = Math.min(count - done, STAGING_FLOATS);
            CUdeviceptr s = done == 0 ? pointer(src) : pointer(src).withByteOffset(done * 4L);
            check(JCudaDriver.cuMemcpyDtoHAsync(stagingHost, s, chunk * 4L, stream), "cuMemcpyDtoHAsync");
            synchronize();
            staging.get(0, dst, dstOffset + done, chunk);
            done += chunk;
        }
    }

    @Override
    public double downloadDouble(DeviceView src) {
        check(JCudaDriver.cuMemcpyDtoHAsync(stagingHost, pointer(src), 8, stream), "cuMemcpyDtoHAsync");
        synchronize();
        return stagingBytes.getDouble(0);
    }

    @Override
    public void fill32(DeviceView dst, int bits, int count) {
        check(JCudaDriver.cuMemsetD32Async(pointer(dst), bits, count, stream), "cuMemsetD32Async");
    }

    @Override
    public void copy(DeviceView src, DeviceView dst, int count) {
        check(JCudaDriver.cuMemcpyDtoDAsync(pointer(dst), pointer(src), count * 4L, stream), "cuMemcpyDtoDAsync");
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int blockX, int blockY) {
        Launch l = (Launch) kernel.deviceHandle;
        if (l == null) {
            CUfunction f = new CUfunction();
            check(JCudaDriver.cuModuleGetFunction(f, module, kernel.signature.name()),
                    "cuModuleGetFunction(" + kernel.signature.name() + ")");
            NativePointerObject[] params = new NativePointerObject[kernel.holders.length];
            for (int i = 0; i < params.length; i++) {
                Object h = kernel.holders[i];
                params[i] = h instanceof long[] ls ? Pointer.to(ls) : h instanceof int[] is ? Pointer.to(is) : Pointer.to((float[]) h);
            }
            l = new Launch(f, Pointer.to(params));
            kernel.deviceHandle = l;
        }
        int rc = JCudaDriver.cuLaunchKernel(l.function(), gridX, gridY, 1, blockX, blockY, 1, 0, stream, l.params(), null);
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuLaunchKernel(" + kernel.signature.name() + ", grid " + gridX + "x" + gridY
                    + ", block " + blockX + "x" + blockY + "): " + CUresult.stringFor(rc));
        }
    }

    @Override
    public void sgemm(boolean transFirst, boolean transSecond, int m, int n, int k, float alphaValue,
                      DeviceView first, int ldFirst, DeviceView second, int ldSecond,
                      float betaValue, DeviceView c, int ldc) {
        int status = CublasBinding.sgemm(cublas[0], transFirst, transSecond, m, n, k, alphaValue, first.address, ldFirst,
                second.address, ldSecond, betaValue, c.address, ldc);
        if (status != 0) {
            throw new CudaException("cublasSgemm(m=" + m + ", n=" + n + ", k=" + k + ", lda=" + ldFirst + ", ldb="
                    + ldSecond + ", ldc=" + ldc + "): " + CublasBinding.describe(status));
        }
    }

    @Override
    public void synchronize() {
        int rc = JCudaDriver.cuStreamSynchronize(stream);
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuStreamSynchronize (an earlier asynchronous launch or copy failed): "
                    + CUresult.stringFor(rc));
        }
    }

    /** Releases in reverse creation order; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!release.isEmpty()) {
            JCudaDriver.cuStreamSynchronize(stream);
        }
        closed = true;
        while (!release.isEmpty()) {
            release.pop().run();
        }
    }

    private static void check(int rc, String call) {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call + ": " + CUresult.stringFor(rc));
        }
    }

    private static void checkBlas(int status, String call) {
        if (status != 0) {
            throw new CudaException(call + ": " + CublasBinding.describe(status));
        }
    }
}
