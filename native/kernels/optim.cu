// Fused optimizer steps over the flat parameter buffer, one thread per parameter. The host
// computes the step constants in float exactly as the CPU twin does, so with -fmad=false
// and IEEE sqrt/division the update rounds like the Java loop.
#include "common.cuh"

// AdamW (torch.optim.AdamW): p *= decay; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
// p −= stepSize·m / (sqrt(v)/bc2Sqrt + eps), with decay = 1 − lr·wd, stepSize = lr/(1−β1^t),
// bc2Sqrt = sqrt(1−β2^t).
extern "C" __global__ void adamw(float* p, const float* g, float* m, float* v, int n,
                                 float beta1, float beta2, float eps,
                                 float stepSize, float bc2Sqrt, float decay) {
    int i = bn_global_index();
    if (i < n) {
        float gi = g[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * gi;
        float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float denom = sqrtf(vi) / bc2Sqrt + eps;
        p[i] = p[i] * decay - stepSize * mi / denom;
    }
}

// SGD with momentum (torch.optim.SGD, dampening 0): buf = momentum·buf + g + wd·p; p −= lr·buf.
extern "C" __global__ void sgd(float* p, const float* g, float* velocity, int n,
                               float lr, float momentum, float weightDecay) {
    int i = bn_global_index();
    if (i < n) {
        float pi = p[i];
        float b = momentum * velocity[i] + g[i] + weightDecay * pi;
        velocity[i] = b;
        p[i] = pi - lr * b;
    }
}
