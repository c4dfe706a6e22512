// The activations of org.bottleneck.backend.Activation on the device, shared by the dense
// (bias_activation.cu) and the per-channel (conv.cu) bias + activation kernels so the two
// cannot round differently.
#pragma once
#include "common.cuh"

__device__ __forceinline__ float bn_activate(float v, int act) {
    switch (act) {
        case BN_ACT_RELU: return v > 0.0f ? v : 0.0f;
        case BN_ACT_LEAKY_RELU: return v > 0.0f ? v : BN_LEAKY_SLOPE * v;
        case BN_ACT_SIGMOID: return 1.0f / (1.0f + expf(-v));
        case BN_ACT_TANH: return tanhf(v);
        default: return v;
    }
}

// act'(x) written through the output y = act(x).
__device__ __forceinline__ float bn_derivative_from_output(float y, int act) {
    switch (act) {
        case BN_ACT_RELU: return y > 0.0f ? 1.0f : 0.0f;
        case BN_ACT_LEAKY_RELU: return y > 0.0f ? 1.0f : BN_LEAKY_SLOPE;
        case BN_ACT_SIGMOID: return y * (1.0f - y);
        case BN_ACT_TANH: return 1.0f - y * y;
        default: return 1.0f;
    }
}
