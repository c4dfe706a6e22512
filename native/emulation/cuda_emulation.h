// Host emulation of the small CUDA subset our kernels use, so g++ -std=c++20 compiles the
// same .cu sources and the JUnit suite can run them without a GPU (see harness.cpp).
//
// Model: blocks run one after another; each block runs one std::thread per CUDA thread;
// __syncthreads is a std::barrier over the block; __shared__ becomes static (one copy, which
// is right because blocks never overlap). A thread that returns early arrives-and-drops, so
// the others are not left waiting at a later barrier. Not emulated (the kernels do not use
// them): warp shuffles, atomics, extern __shared__, cooperative groups, streams.
// Math: the accurate libm functions stand in for CUDA's (expf, log1pf, tanhf, double exp,
// log, sin, cos); results may differ from a GPU in the last ulp, never in the Philox bits.
#pragma once

#include <barrier>
#include <cmath>
#include <cstdint>
#include <math.h>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

inline thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;
inline thread_local std::barrier<>* bn_emu_block_barrier = nullptr;

inline void __syncthreads() {
    bn_emu_block_barrier->arrive_and_wait();
}

inline unsigned __umulhi(unsigned a, unsigned b) {
    return (unsigned) (((unsigned long long) a * b) >> 32);
}

// Runs body() as the kernel over grid x block (2-D; z must be 1).
template <class Body>
void bn_emu_launch(dim3 grid, dim3 block, Body body) {
    const unsigned threads = block.x * block.y;
    for (unsigned by = 0; by < grid.y; by++) {
        for (unsigned bx = 0; bx < grid.x; bx++) {
            std::barrier<> barrier((std::ptrdiff_t) threads);
            std::vector<std::thread> pool;
            pool.reserve(threads);
            for (unsigned ty = 0; ty < block.y; ty++) {
                for (unsigned tx = 0; tx < block.x; tx++) {
                    pool.emplace_back([&, tx, ty, bx, by] {
                        threadIdx = dim3{tx, ty, 0};
                        blockIdx = dim3{bx, by, 0};
                        blockDim = block;
                        gridDim = grid;
                        bn_emu_block_barrier = &barrier;
                        body();
                        barrier.arrive_and_drop();
                    });
                }
            }
            for (std::thread& t : pool) {
                t.join();
            }
        }
    }
}
