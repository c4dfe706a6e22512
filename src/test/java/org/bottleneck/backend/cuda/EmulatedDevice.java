package org.bottleneck.backend.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.bottleneck.backend.cuda.KernelSignatures.Param;

/**
 * A {@link Device} whose memory is direct host buffers and whose kernel launches run the real
 * kernels under host emulation ({@link HostHarness}): CudaBackend's own launch code (argument
 * order, grids, preconditions) runs unchanged, only the silicon is replaced. Addresses are the
 * buffers' real host addresses, so a host library can work on them too: with a cuDNN handle
 * (of the fake cuDNN, host_cudnn.c) the backend's cuDNN path runs here as well. SGEMM is a naive
 * column-major loop, so the backend's cuBLAS argument mapping is checked too. Counts launches so
 * tests can prove a kernel ran (or that none did).
 *
 * <p>Like the driver, it keeps one current context per thread: every call but
 * {@link #makeCurrent()} fails with an emulated {@code CUDA_ERROR_INVALID_CONTEXT} on a thread
 * where this device's context is not current (the creating thread has it, as with the real
 * device). {@link #failNextSynchronize} plants an asynchronous fault, reported by the next
 * synchronize, as a faulting kernel's would be.
 */
final class EmulatedDevice implements Device {
    private final Path dir;
    /** Every allocation by its base address. */
    private final NavigableMap<Long, ByteBuffer> memory = new TreeMap<>();
    /** Addresses when our JNI library (which reads a direct buffer's address) is missing. */
    private long nextSynthetic = 1L << 40;
    private final long cudnnHandle;
    private boolean closed;
    int launches;
    /** Reported (and cleared) by the next {@link #synchronize()}; null for none. */
    String failNextSynchronize;

    /** The emulated driver's current context of each thread. */
    private static final ThreadLocal<EmulatedDevice> CURRENT = new ThreadLocal<>();

    EmulatedDevice(Path dir) {
        this(dir, 0);
    }

    /** With {@code cudnnHandle} (0 for none): a handle of a host cuDNN, which CudaBackend then uses. */
    EmulatedDevice(Path dir, long cudnnHandle) {
        this.dir = dir;
        this.cudnnHandle = cudnnHandle;
        CURRENT.set(this);
    }

    @Override
    public void makeCurrent() {
        if (!closed) {
            CURRENT.set(this);
        }
    }

    private void requireCurrent(String op) {
        if (CURRENT.get() != this) {
            throw new CudaException(op + ": CUDA_ERROR_INVALID_CONTEXT (emulated): this device's context is not current on "
                    + "thread '" + Thread.currentThread().getName() + "'");
        }
    }

    /** The base address of the allocation holding {@code address}. */
    private long base(long address) {
        Map.Entry<Long, ByteBuffer> e = memory.floorEntry(address);
        if (e == null || address - e.getKey() >= Math.max(4, e.getValue().capacity())) {
            throw new IllegalStateException("emulated device: address " + Long.toHexString(address) + " is not allocated");
        }
        return e.getKey();
    }

    private int offset(long address) {
        return (int) (address - base(address));
    }

    private ByteBuffer bytes(long address) {
        return memory.get(base(address)).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    private long addressOf(ByteBuffer b) {
        try {
            return CublasBinding.address(b);
        } catch (UnsatisfiedLinkError e) {
            long a = nextSynthetic;
            nextSynthetic += 1L << 40;
            return a;
        }
    }

    @Override
    public String describe() {
        return "cuda (host emulation)";
    }

    @Override
    public DeviceView allocate(CudaStorage owner, long bytes, String label) {
        requireCurrent("allocate");
        ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(Math.max(bytes, 4))).order(ByteOrder.LITTLE_ENDIAN);
        long base = addressOf(b);
        memory.put(base, b);
        return new DeviceView(owner, base, 0, bytes / 4);
    }

    @Override
    public void free(DeviceView root) {
        if (!closed && memory.remove(root.address) == null) {
            throw new IllegalStateException("emulated device: double free of " + root.storage.label());
        }
    }

    @Override
    public void upload(float[] src, int srcOffset, DeviceView dst, int count) {
        requireCurrent("upload");
        ByteBuffer b = bytes(dst.address);
        for (int i = 0; i < count; i++) {
            b.putFloat(offset(dst.address) + 4 * i, src[srcOffset + i]);
        }
    }

    @Override
    public void download(DeviceView src, float[] dst, int dstOffset, int count) {
        requireCurrent("download");
        ByteBuffer b = bytes(src.address);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = b.getFloat(offset(src.address) + 4 * i);
        }
    }

    @Override
    public double downloadDouble(DeviceView src) {
        requireCurrent("downloadDouble");
        return bytes(src.address).getDouble(offset(src.address));
    }

    @Override
    public void fill32(DeviceView dst, int bits, int count) {
        requireCurrent("fill32");
        ByteBuffer b = bytes(dst.address);
        for (int i = 0; i < count; i++) {
            b.putInt(offset(dst.address) + 4 * i, bits);
        }
    }

    @Override
    public void copy(DeviceView src, DeviceView dst, int count) {
        float[] tmp = new float[count];
        download(src, tmp, 0, count);
        upload(tmp, 0, dst, count);
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int blockX, int blockY) {
        requireCurrent("launch");
        Map<Long, Integer> buffers = new LinkedHashMap<>();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < kernel.holders.length; i++) {
            Param kind = kernel.kind(i);
            Object h = kernel.holders[i];
            switch (kind) {
                case PTR -> {
                    long a = ((long[]) h)[0];
                    if (a == 0) {
                        args.add("null");
                    } else {
                        int k = buffers.computeIfAbsent(base(a), x -> buffers.size()); // must be allocated
                        args.add("p" + k + "+" + offset(a));
                    }
                }
                case U64 -> args.add("u" + Long.toUnsignedString(((long[]) h)[0]));
                case I32 -> args.add("i" + ((int[]) h)[0]);
                case F32 -> args.add("f" + Float.floatToRawIntBits(((float[]) h)[0]));
                default -> throw new IllegalStateException(kind.toString());
            }
        }
        List<String> cmd = new ArrayList<>(List.of(kernel.signature.name(),
                String.valueOf(gridX), String.valueOf(gridY), String.valueOf(blockX), String.valueOf(blockY)));
        List<Path> files = new ArrayList<>();
        try {
            for (Map.Entry<Long, Integer> e : buffers.entrySet()) {
                Path f = dir.resolve("buf" + e.getValue());
                ByteBuffer b = memory.get(e.getKey());
                byte[] bytes = new byte[b.capacity()];
                b.get(0, bytes);
                Files.write(f, bytes);
                files.add(f);
                cmd.add(f.toString());
            }
            cmd.add("--");
            cmd.addAll(args);
            HostHarness.run(cmd);
            int k = 0;
            for (Map.Entry<Long, Integer> e : buffers.entrySet()) {
                byte[] back = Files.readAllBytes(files.get(k++));
                memory.get(e.getKey()).put(0, back);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        launches++;
    }

    @Override
    public void sgemm(boolean transFirst, boolean transSecond, int m, int n, int k, float alpha,
                      DeviceView first, int ldFirst, DeviceView second, int ldSecond,
                      float beta, DeviceView c, int ldc) {
        requireCurrent("sgemm");
        ByteBuffer f = bytes(first.address), s = bytes(second.address), cc = bytes(c.address);
        int fo = offset(first.address), so = offset(second.address), co = offset(c.address);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double acc = 0;
                for (int l = 0; l < k; l++) {
                    float a = f.getFloat(fo + 4 * (transFirst ? l + i * ldFirst : i + l * ldFirst));
                    float b = s.getFloat(so + 4 * (transSecond ? j + l * ldSecond : l + j * ldSecond));
                    acc += (double) a * b;
                }
                int at = co + 4 * (i + j * ldc);
                float old = beta == 0f ? 0f : cc.getFloat(at); // BLAS: beta = 0 ignores C
                cc.putFloat(at, (float) (alpha * acc + beta * old));
            }
        }
    }

    @Override
    public void synchronize() {
        requireCurrent("synchronize");
        if (failNextSynchronize != null) {
            String fault = failNextSynchronize;
            failNextSynchronize = null;
            throw new CudaException("cuStreamSynchronize: " + fault);
        }
    }

    @Override
    public void close() {
        closed = true;
        memory.clear();
    }

    @Override
    public long cudnnHandle() {
        return cudnnHandle;
    }

    @Override
    public String whyNoCudnn() {
        return cudnnHandle != 0 ? null : "no cuDNN handle given to the host emulation";
    }
}
