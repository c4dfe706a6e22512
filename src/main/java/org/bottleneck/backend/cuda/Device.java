package org.bottleneck.backend.cuda;

/**
 * What {@link CudaBackend} needs from a CUDA device: raw memory, copies, kernel launches,
 * SGEMM and (where bound) a cuDNN handle, all on one stream. {@link JCudaDevice} is the real one (driver API + cuBLAS); the
 * tests drive the same backend code through a host emulation of the kernels. Addresses are
 * device virtual addresses; {@link DeviceView} carries one plus a device-specific handle.
 */
interface Device extends AutoCloseable {

    /**
     * Makes this device's context current on the calling thread (the driver keeps one per
     * thread); a no-op once closed. {@link BindingDevice} calls it before every other entry point.
     */
    void makeCurrent();

    /** One line: device name, memory, driver. */
    String describe();

    /**
     * Allocates {@code bytes} (zero-filled) for {@code owner}; returns the view of the whole
     * allocation with the device's handle in it. Fails with a {@link CudaException} naming the
     * bytes requested and in use.
     */
    DeviceView allocate(CudaStorage owner, long bytes, String label);

    /** Frees an allocation made by {@link #allocate}; a no-op once the device is closed. */
    void free(DeviceView view);

    /** Host → device, {@code count} floats. */
    void upload(float[] src, int srcOffset, DeviceView dst, int count);

    /** Device → host, {@code count} floats; synchronizes. */
    void download(DeviceView src, float[] dst, int dstOffset, int count);

    /** Reads one double at {@code src}; synchronizes. */
    double downloadDouble(DeviceView src);

    /** Sets {@code count} 32-bit words at dst to {@code bits}. */
    void fill32(DeviceView dst, int bits, int count);

    /** Device → device, {@code count} floats. */
    void copy(DeviceView src, DeviceView dst, int count);

    void launch(Kernel kernel, int gridX, int gridY, int blockX, int blockY);

    /** Column-major cublasSgemm arguments (see GemmMapping). */
    void sgemm(boolean transFirst, boolean transSecond, int m, int n, int k, float alpha,
               DeviceView first, int ldFirst, DeviceView second, int ldSecond,
               float beta, DeviceView c, int ldc);

    void synchronize();

    /**
     * The cuDNN handle on this device's stream, or 0 when there is none ({@link #whyNoCudnn}
     * says why); convolutions then run on our kernels. The device owns it.
     */
    long cudnnHandle();

    /** Why {@link #cudnnHandle} is 0, or null when it is not. */
    String whyNoCudnn();

    @Override
    void close();
}
