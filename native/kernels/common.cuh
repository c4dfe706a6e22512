// Shared definitions for the Bottleneck kernels.
//
// Conventions (the Java twin is org.bottleneck.backend.cpu.CpuBackend; the launch contract is
// org.bottleneck.backend.cuda.KernelSignatures):
//  - every entry point is extern "C" and takes device pointers, 32-bit int sizes and
//    32-bit float scalars; Philox seeds and offsets are u64. A size is an int because a
//    Tensor view is indexed with int on the Java side (Tensor.length()), so n < 2^31.
//  - a nullable output pointer (dx, dbias) is 0 when absent.
//  - reduction kernels use a static shared array of BN_MAX_BLOCK entries and a tree
//    reduction, so blockDim.x must be a power of two <= BN_MAX_BLOCK; no thread returns
//    before the last __syncthreads (the host emulation relies on that too).
//  - compiled with -fmad=false so that a*b+c rounds like Java; expf/logf/tanhf are the
//    accurate (not __-intrinsic) versions.
#pragma once

typedef unsigned long long u64;
typedef unsigned int u32;

#define BN_MAX_BLOCK 256

// Keep in step with org.bottleneck.backend.Activation (code = ordinal).
#define BN_ACT_IDENTITY 0
#define BN_ACT_RELU 1
#define BN_ACT_LEAKY_RELU 2
#define BN_ACT_SIGMOID 3
#define BN_ACT_TANH 4
#define BN_LEAKY_SLOPE 0.01f

__device__ __forceinline__ int bn_global_index() {
    return (int) (blockIdx.x * blockDim.x + threadIdx.x);
}

__device__ __forceinline__ int bn_global_stride() {
    return (int) (gridDim.x * blockDim.x);
}

// Tree reduction of one double per thread over the block; the total ends in s[0].
// Every thread of the block must call it.
__device__ __forceinline__ void bn_block_reduce(double* s, double v) {
    unsigned t = threadIdx.x;
    s[t] = v;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half >>= 1) {
        if (t < half) {
            s[t] += s[t + half];
        }
        __syncthreads();
    }
}
