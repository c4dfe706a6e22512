// Philox4x32-10, bit for bit the stream of org.bottleneck.backend.Philox:
//  key = (low32(seed), high32(seed)); word n comes from counter (low32(n/4), high32(n/4), 0, 0),
//  output lane n % 4; uniform = (2*(word >> 9) + 1) * 2^-24; normal n = Box-Muller in double on
//  u1 = uniform(n & ~1), u2 = uniform(n | 1), cos for even n, sin for odd n.
#pragma once
#include "common.cuh"

struct bn_philox4 {
    u32 w[4];
};

__device__ __forceinline__ bn_philox4 bn_philox_block(u64 seed, u64 block) {
    u32 c0 = (u32) block, c1 = (u32) (block >> 32), c2 = 0u, c3 = 0u;
    u32 k0 = (u32) seed, k1 = (u32) (seed >> 32);
    for (int round = 0; round < 10; round++) {
        u32 hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
        u32 hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
        u32 n0 = hi1 ^ c1 ^ k0;
        u32 n2 = hi0 ^ c3 ^ k1;
        c0 = n0;
        c1 = lo1;
        c2 = n2;
        c3 = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    bn_philox4 r;
    r.w[0] = c0;
    r.w[1] = c1;
    r.w[2] = c2;
    r.w[3] = c3;
    return r;
}

// Exact in float: a 24-bit odd integer times 2^-24, strictly inside (0, 1).
__device__ __forceinline__ float bn_to_uniform(u32 word) {
    return (float) (2u * (word >> 9) + 1u) * 5.9604644775390625e-8f;
}

__device__ __forceinline__ float bn_box_muller(float u1, float u2, bool odd) {
    double r = sqrt(-2.0 * log((double) u1));
    double theta = 2.0 * 3.141592653589793 * (double) u2;
    return (float) (odd ? r * sin(theta) : r * cos(theta));
}

// Element n of the normal stream from its Philox block (n / 4).
__device__ __forceinline__ float bn_normal_in_block(const bn_philox4& b, u64 n) {
    unsigned pair = (unsigned) (n & 2u);
    return bn_box_muller(bn_to_uniform(b.w[pair]), bn_to_uniform(b.w[pair + 1]), (n & 1u) != 0);
}

__device__ __forceinline__ float bn_philox_normal(u64 seed, u64 n) {
    return bn_normal_in_block(bn_philox_block(seed, n >> 2), n);
}

// Random fills compute one Philox block per thread and write the (up to 4) stream elements
// of that block inside [offset, offset + n); the range may wrap past 2^64 like the Java twin's
// long arithmetic. Threads needed: the number of 4-word blocks the range touches.
__device__ __forceinline__ u64 bn_philox_threads(u64 offset, int n) {
    return ((offset & 3ull) + (u64) n + 3ull) >> 2;
}
