// Bias add fused with an activation, and its backward with the bias-gradient column sums.
// Legend: rows = B (batch), cols = N (features); x, y, dy, dx are (B, N) row-major, bias (N).
#include "activation.cuh"

// y = act(x + bias) over rows*cols elements, one thread each; x may alias y.
extern "C" __global__ void bias_activation_forward(const float* x, const float* bias, float* y,
                                                   int rows, int cols, int act) {
    int i = bn_global_index();
    if (i < rows * cols) {
        y[i] = bn_activate(x[i] + bias[i % cols], act);
    }
}

// dx = dy ⊙ act'(y) and, when dbias != 0, dbias(N) += Σ_b dx[b, :].
// Block (32, 8): threadIdx.x picks a column of this block's 32, threadIdx.y strides over rows;
// the 8 row partials of a column are then added in shared memory (deterministic, no atomics).
// Grid (ceil(cols / 32), 1). dx may alias dy.
extern "C" __global__ void bias_activation_backward(const float* y, const float* dy, float* dx,
                                                    float* dbias, int rows, int cols, int act) {
    __shared__ double s[8][32];
    int c = (int) (blockIdx.x * 32u + threadIdx.x);
    double acc = 0.0;
    if (c < cols) {
        for (int r = (int) threadIdx.y; r < rows; r += 8) {
            int i = r * cols + c;
            float g = dy[i] * bn_derivative_from_output(y[i], act);
            dx[i] = g;
            acc += (double) g;
        }
    }
    s[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols && dbias != 0) {
        double total = 0.0;
        for (int k = 0; k < 8; k++) {
            total += s[k][threadIdx.x];
        }
        dbias[c] = dbias[c] + (float) total;
    }
}
