// Losses fused with their gradients, reduced per sample (row). Blocks take rows in a
// grid-stride loop (the launcher uses one block per row); blockDim.x
// is a power of two <= BN_MAX_BLOCK; row sums are accumulated in double like the CPU twin.
// Legend: rows = B, cols = D; x, t, mask, dx are (B, D); loss is (B). mask (0/1 loss weights)
// may be null: every element counts.
#include "common.cuh"

// loss[b] = Σ_d m·(max(x,0) − x·t + log1p(exp(−|x|))); dx = gradScale·m·(sigmoid(x) − t) if dx != 0.
extern "C" __global__ void bce_with_logits(const float* x, const float* t, const float* mask, float* loss,
                                           float* dx, int rows, int cols, float gradScale) {
    __shared__ double s[BN_MAX_BLOCK];
    // Row-stride loop: uniform across the block, so every thread meets every barrier.
    for (int r = (int) blockIdx.x; r < rows; r += (int) gridDim.x) {
        double acc = 0.0;
        for (int j = (int) threadIdx.x; j < cols; j += (int) blockDim.x) {
            int i = r * cols + j;
            float v = x[i], y = t[i];
            double term = (double) (fmaxf(v, 0.0f) - v * y) + (double) log1pf(expf(-fabsf(v)));
            float m = mask != 0 ? mask[i] : 1.0f;
            acc += mask != 0 ? (double) m * term : term;
            if (dx != 0) {
                float sig = 1.0f / (1.0f + expf(-v));
                dx[i] = mask != 0 ? gradScale * m * (sig - y) : gradScale * (sig - y);
            }
        }
        bn_block_reduce(s, acc);
        if (threadIdx.x == 0) {
            loss[r] = (float) s[0];
        }
        __syncthreads();  // s[0] is read before the next row overwrites s
    }
}

// loss[b] = Σ_d m·(x − t)²; dx = gradScale·2m(x − t) if dx != 0.
extern "C" __global__ void mse(const float* x, const float* t, const float* mask, float* loss, float* dx,
                               int rows, int cols, float gradScale) {
    __shared__ double s[BN_MAX_BLOCK];
    // Row-stride loop: uniform across the block, so every thread meets every barrier.
    for (int r = (int) blockIdx.x; r < rows; r += (int) gridDim.x) {
        double acc = 0.0;
        for (int j = (int) threadIdx.x; j < cols; j += (int) blockDim.x) {
            int i = r * cols + j;
            float d = x[i] - t[i];
            float m = mask != 0 ? mask[i] : 1.0f;
            acc += mask != 0 ? (double) m * ((double) d * (double) d) : (double) d * (double) d;
            if (dx != 0) {
                dx[i] = mask != 0 ? gradScale * 2.0f * m * d : gradScale * 2.0f * d;
            }
        }
        bn_block_reduce(s, acc);
        if (threadIdx.x == 0) {
            loss[r] = (float) s[0];
        }
        __syncthreads();  // s[0] is read before the next row overwrites s
    }
}

// loss[b] += lambda·Σ_j |h[b,j]|; dh += gradScale·lambda·sign(h) if dh != 0. h, dh are (B, Z).
extern "C" __global__ void l1_penalty(const float* h, float* loss, float* dh,
                                      int rows, int cols, float lambda, float gradScale) {
    __shared__ double s[BN_MAX_BLOCK];
    // Row-stride loop: uniform across the block, so every thread meets every barrier.
    for (int r = (int) blockIdx.x; r < rows; r += (int) gridDim.x) {
        float g = gradScale * lambda;
        double acc = 0.0;
        for (int j = (int) threadIdx.x; j < cols; j += (int) blockDim.x) {
            int i = r * cols + j;
            float v = h[i];
            acc += (double) fabsf(v);
            if (dh != 0) {
                float sign = v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f);
                dh[i] = dh[i] + g * sign;
            }
        }
        bn_block_reduce(s, acc);
        if (threadIdx.x == 0) {
            loss[r] = loss[r] + (float) ((double) lambda * s[0]);
        }
        __syncthreads();  // s[0] is read before the next row overwrites s
    }
}
