package org.bottleneck.backend.cuda;

/**
 * A device address range: a whole allocation or a tensor view into one. Cached per tensor
 * view ({@code Tensor.nativeView}), so launches read {@link #address} without allocating;
 * {@link #handle} is the device's own object for it (a CUdeviceptr for cuBLAS and memcpy),
 * made lazily by the device.
 */
final class DeviceView {
    final CudaStorage storage;
    final long address;
    final long byteOffset;
    final long floats;
    Object handle;

    DeviceView(CudaStorage storage, long address, long byteOffset, long floats) {
        this.storage = storage;
        this.address = address;
        this.byteOffset = byteOffset;
        this.floats = floats;
    }
}
