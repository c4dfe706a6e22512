package org.bottleneck.backend.cuda;

/**
 * The {@link Device} that {@link CudaBackend} talks to: the real one (or the emulation) behind
 * two guarantees.
 *
 * <ul>
 *   <li><b>Any thread.</b> The driver keeps one current context per thread, and a backend is
 *       often used from a thread other than the one that opened it (a codec pool's request
 *       threads, a Spark task, a shutdown hook). Every entry point first makes the device's
 *       context current on the calling thread ({@link Device#makeCurrent()}: one
 *       {@code cuCtxSetCurrent}, a per-thread store in the driver), so none can fail with
 *       {@code CUDA_ERROR_INVALID_CONTEXT}. Still one thread at a time: a backend is not
 *       thread-safe.</li>
 *   <li><b>Diagnosable launches.</b> With {@code -Dbottleneck.cuda.sync=true} or
 *       {@code BOTTLENECK_CUDA_SYNC=1}, every launch is followed by a synchronize, and an error
 *       names the kernel, its grid and block and its arguments, instead of surfacing at some
 *       later copy. Slow: for a first run on a new GPU, not for training.</li>
 * </ul>
 */
final class BindingDevice implements Device {
    private final Device inner;
    private final boolean sync;

    BindingDevice(Device inner, boolean sync) {
        this.inner = inner;
        this.sync = sync;
    }

    /** Whether the sync switch is on in this JVM. */
    static boolean syncRequested() {
        return Boolean.getBoolean("bottleneck.cuda.sync") || "1".equals(System.getenv("BOTTLENECK_CUDA_SYNC"));
    }

    boolean syncing() {
        return sync;
    }

    @Override
    public void makeCurrent() {
        inner.makeCurrent();
    }

    @Override
    public String describe() {
        inner.makeCurrent();
        return inner.describe() + (sync ? ", synchronizing after every launch (bottleneck.cuda.sync)" : "");
    }

    @Override
    public DeviceView allocate(CudaStorage owner, long bytes, String label) {
        inner.makeCurrent();
        return inner.allocate(owner, bytes, label);
    }

    @Override
    public void free(DeviceView view) {
        inner.makeCurrent();
        inner.free(view);
    }

    @Override
    public void upload(float[] src, int srcOffset, DeviceView dst, int count) {
        inner.makeCurrent();
        inner.upload(src, srcOffset, dst, count);
    }

    @Override
    public void download(DeviceView src, float[] dst, int dstOffset, int count) {
        inner.makeCurrent();
        inner.download(src, dst, dstOffset, count);
    }

    @Override
    public double downloadDouble(DeviceView src) {
        inner.makeCurrent();
        return inner.downloadDouble(src);
    }

    @Override
    public void fill32(DeviceView dst, int bits, int count) {
        inner.makeCurrent();
        inner.fill32(dst, bits, count);
    }

    @Override
    public void copy(DeviceView src, DeviceView dst, int count) {
        inner.makeCurrent();
        inner.copy(src, dst, count);
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int blockX, int blockY) {
        inner.makeCurrent();
        inner.launch(kernel, gridX, gridY, blockX, blockY);
        if (sync) {
            try {
                inner.synchronize();
            } catch (RuntimeException e) {
                throw new CudaException("kernel " + kernel.signature.name() + " failed (grid " + gridX + "×" + gridY
                        + ", block " + blockX + "×" + blockY + ", arguments " + arguments(kernel) + "): " + e.getMessage(), e);
            }
        }
    }

    /** The kernel's arguments as launched: pointers in hex, numbers as they are. */
    static String arguments(Kernel k) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < k.holders.length; i++) {
            Object h = k.holders[i];
            sb.append(i == 0 ? "" : ", ");
            switch (k.signature.params().get(i)) {
                case PTR -> sb.append("0x").append(Long.toHexString(((long[]) h)[0]));
                case U64 -> sb.append(((long[]) h)[0]);
                case I32 -> sb.append(((int[]) h)[0]);
                case F32 -> sb.append(((float[]) h)[0]);
            }
        }
        return sb.append(')').toString();
    }

    @Override
    public void sgemm(boolean transFirst, boolean transSecond, int m, int n, int k, float alpha, DeviceView first,
                      int ldFirst, DeviceView second, int ldSecond, float beta, DeviceView c, int ldc) {
        inner.makeCurrent();
        inner.sgemm(transFirst, transSecond, m, n, k, alpha, first, ldFirst, second, ldSecond, beta, c, ldc);
        if (sync) {
            try {
                inner.synchronize();
            } catch (RuntimeException e) {
                throw new CudaException("cublasSgemm failed (m " + m + ", n " + n + ", k " + k + ", lda " + ldFirst
                        + ", ldb " + ldSecond + ", ldc " + ldc + "): " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void synchronize() {
        inner.makeCurrent();
        inner.synchronize();
    }

    /** Closes the device even when its context can no longer be made current (after a driver error). */
    @Override
    public void close() {
        try {
            inner.makeCurrent();
        } finally {
            inner.close();
        }
    }

    @Override
    public long cudnnHandle() {
        return inner.cudnnHandle();
    }

    @Override
    public String whyNoCudnn() {
        return inner.whyNoCudnn();
    }
}
