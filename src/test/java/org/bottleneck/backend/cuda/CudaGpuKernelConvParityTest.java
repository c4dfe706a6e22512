package org.bottleneck.backend.cuda;

/**
 * GPU suite, the other convolution path: the checks of {@link CudaGpuParityTest} on a backend
 * opened with cuDNN switched off, so the convolutions run on our im2col/col2im kernels + cuBLAS
 * (what a host without cuDNN, or {@code BOTTLENECK_CUDNN=0}, runs), against CpuBackend, exactly.
 */
class CudaGpuKernelConvParityTest extends CudaGpuParityTest {
    @Override
    boolean useCudnn() {
        return false;
    }
}
