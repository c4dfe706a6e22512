// The VAE head (GaussianLatent). Legend: rows = B, latent = Z; h and dh are (B, 2Z) with
// [mu | logvar] per row; eps, z, dz are (B, Z); kl is (B).
#include "philox.cuh"

// Blocks take rows in a grid-stride loop (blockDim.x a power of two <= BN_MAX_BLOCK):
// eps[b,j] = sample ? normal(seed, offset + b·Z + j) : 0; z = mu + exp(½·logvar)·eps;
// kl[b] = −½·Σ_j (1 + logvar − mu² − exp(logvar)), summed in double.
extern "C" __global__ void gaussian_latent_forward(const float* h, float* eps, float* z, float* kl,
                                                   int rows, int latent, int sample,
                                                   u64 seed, u64 offset) {
    __shared__ double s[BN_MAX_BLOCK];
    // Row-stride loop: uniform across the block, so every thread meets every barrier.
    for (int r = (int) blockIdx.x; r < rows; r += (int) gridDim.x) {
        double acc = 0.0;
        for (int j = (int) threadIdx.x; j < latent; j += (int) blockDim.x) {
            float mu = h[r * 2 * latent + j];
            float lv = h[r * 2 * latent + latent + j];
            int i = r * latent + j;
            float e = sample ? bn_philox_normal(seed, offset + (u64) i) : 0.0f;
            eps[i] = e;
            z[i] = mu + (float) exp((double) (0.5f * lv)) * e;
            acc += 1.0 + (double) lv - (double) mu * (double) mu - exp((double) lv);
        }
        bn_block_reduce(s, acc);
        if (threadIdx.x == 0) {
            kl[r] = (float) (-0.5 * s[0]);
        }
        __syncthreads();  // s[0] is read before the next row overwrites s
    }
}

// One thread per (b, j): dmu = dz + klScale·mu,
// dlogvar = ½·dz·eps·exp(½·logvar) + ½·klScale·(exp(logvar) − 1).
extern "C" __global__ void gaussian_latent_backward(const float* h, const float* eps, const float* dz,
                                                    float* dh, int rows, int latent, float klScale) {
    int i = bn_global_index();
    if (i < rows * latent) {
        int r = i / latent, j = i - r * latent;
        int im = r * 2 * latent + j, il = im + latent;
        float mu = h[im], lv = h[il], g = dz[i];
        float sd = (float) exp((double) (0.5f * lv));
        dh[im] = g + klScale * mu;
        dh[il] = 0.5f * g * eps[i] * sd + 0.5f * klScale * (sd * sd - 1.0f);
    }
}
