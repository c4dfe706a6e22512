// Element-wise basics and the sum-of-squares reduction. fill and copy need no kernel: the
// backend uses cuMemsetD32Async and cuMemcpyDtoDAsync.
#include "common.cuh"

// x(n) *= alpha.
extern "C" __global__ void scale(float* x, int n, float alpha) {
    int i = bn_global_index();
    if (i < n) {
        x[i] = x[i] * alpha;
    }
}

// out(n) = a ⊙ b; out may alias a or b.
extern "C" __global__ void multiply(const float* a, const float* b, float* out, int n) {
    int i = bn_global_index();
    if (i < n) {
        out[i] = a[i] * b[i];
    }
}

// dst(rows, repeat·inner) += src(rows, inner), each src row added to every one of the repeat
// blocks of its dst row (repeat 1: element-wise). n = rows·repeat·inner.
extern "C" __global__ void accumulate(const float* src, float* dst, int n, int inner, int repeat) {
    int i = bn_global_index();
    if (i < n) {
        int row = i / (inner * repeat);
        dst[i] = dst[i] + src[row * inner + i % inner];
    }
}

// Pass 1 of Σ x²: block k writes its partial sum (in double) to partials[k]. Grid-stride, so
// the launcher may use any grid up to the size of partials.
extern "C" __global__ void sum_squares(const float* x, int n, double* partials) {
    __shared__ double s[BN_MAX_BLOCK];
    double acc = 0.0;
    for (long long i = bn_global_index(); i < n; i += bn_global_stride()) {
        double v = (double) x[i];
        acc += v * v;
    }
    bn_block_reduce(s, acc);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = s[0];
    }
}

// Pass 2: one block adds count partials into result[0].
extern "C" __global__ void sum_squares_finish(const double* partials, int count, double* result) {
    __shared__ double s[BN_MAX_BLOCK];
    double acc = 0.0;
    for (int i = (int) threadIdx.x; i < count; i += (int) blockDim.x) {
        acc += partials[i];
    }
    bn_block_reduce(s, acc);
    if (threadIdx.x == 0) {
        result[0] = s[0];
    }
}
