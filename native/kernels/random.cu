// Philox-driven fills and dropout. Each thread computes one Philox block (4 words) and
// writes the stream elements of that block inside [offset, offset + n); output element i is
// stream element offset + i. Threads needed: bn_philox_threads(offset, n).
#include "philox.cuh"

// Runs BODY for each stream element sidx = offset + i (mod 2^64) of this thread's Philox
// block, with pb the block's four words and lane = sidx % 4.
#define BN_FOR_BLOCK_ELEMENTS(n, seed, offset, BODY)                                   \
    do {                                                                               \
        u64 t_ = (u64) blockIdx.x * blockDim.x + threadIdx.x;                          \
        if (t_ < bn_philox_threads(offset, n)) {                                       \
            u64 blk_ = (((offset) >> 2) + t_) & 0x3FFFFFFFFFFFFFFFull;                 \
            bn_philox4 pb = bn_philox_block(seed, blk_);                               \
            for (unsigned lane = 0; lane < 4u; lane++) {                               \
                u64 sidx = blk_ * 4ull + lane;                                         \
                u64 rel_ = sidx - (offset);                                            \
                if (rel_ < (u64) (n)) {                                                \
                    int i = (int) rel_;                                                \
                    BODY                                                               \
                }                                                                      \
            }                                                                          \
        }                                                                              \
    } while (0)

// out[i] = uniform(seed, offset + i).
extern "C" __global__ void uniform(float* out, int n, u64 seed, u64 offset) {
    BN_FOR_BLOCK_ELEMENTS(n, seed, offset, { out[i] = bn_to_uniform(pb.w[lane]); });
}

// out[i] = mean + std·normal(seed, offset + i).
extern "C" __global__ void normal(float* out, int n, u64 seed, u64 offset, float mean, float std) {
    BN_FOR_BLOCK_ELEMENTS(n, seed, offset, { out[i] = mean + std * bn_normal_in_block(pb, sidx); });
}

// Inverted dropout: mask[i] = uniform < p ? 0 : keep (keep = 1/(1−p), computed by the host
// exactly as the CPU twin does), y = x ⊙ mask.
extern "C" __global__ void dropout_forward(const float* x, float* mask, float* y, int n,
                                           float p, float keep, u64 seed, u64 offset) {
    BN_FOR_BLOCK_ELEMENTS(n, seed, offset, {
        float m = bn_to_uniform(pb.w[lane]) < p ? 0.0f : keep;
        mask[i] = m;
        y[i] = x[i] * m;
    });
}
