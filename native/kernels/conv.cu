// Convolution family, NCHW: im2col/col2im and the layout moves around cuBLAS, per-channel bias +
// activation, nearest upsampling, max pooling. Legend: nb = samples in this chunk, C/cin/c =
// channels, h×w = input plane, ho×wo = output plane, plane = ho·wo, k = kernel, s = stride,
// p = padding, K = cin·k·k; x (nb,cin,h,w), cols (nb·ho·wo, K), rows (nb·ho·wo, C), y (nb,C,ho,wo).
//
// Every kernel is one thread per element of the tensor it writes (gather form): no atomics and
// no thread ever writes an element another thread writes, so results do not depend on
// scheduling and the host emulation (which has no atomics) runs them as they are. The sums a
// gather does run in a fixed order that follows the CPU twin (backend/cpu/CpuConv).
#include "activation.cuh"

// cols[(n,oh,ow), (ci,kh,kw)] = x[n, ci, oh·s − p + kh, ow·s − p + kw], 0 in the padding.
// Threads walk cols in memory order: writes coalesce and neighbouring kw read neighbouring iw.
extern "C" __global__ void im2col(const float* x, float* cols, int nb, int cin, int h, int w,
                                  int k, int s, int p, int ho, int wo) {
    int kk = k * k, patch = cin * kk, plane = ho * wo;
    int i = bn_global_index();
    if (i >= nb * plane * patch) {
        return;
    }
    int r = i / patch, c = i - r * patch;
    int n = r / plane, q = r - n * plane;
    int oh = q / wo, ow = q - oh * wo;
    int ci = c / kk, rem = c - ci * kk;
    int kh = rem / k, kw = rem - kh * k;
    int ih = oh * s - p + kh, iw = ow * s - p + kw;
    bool inside = ih >= 0 && ih < h && iw >= 0 && iw < w;
    cols[i] = inside ? x[((n * cin + ci) * h + ih) * w + iw] : 0.0f;
}

// dx[n,ci,ih,iw] = Σ_{kh,kw} cols[(n,oh,ow), (ci,kh,kw)] over the taps with ih = oh·s − p + kh,
// iw = ow·s − p + kw, oh < ho, ow < wo: the transpose of im2col, gathered per dx element (a
// scatter would need atomics). Overwrites dx. The sum runs kh, then kw, ascending, in float;
// only taps with (ih + p − kh) divisible by s can hit, so kh starts at (ih + p) mod s and steps
// by s (the skipped taps contribute nothing, so the order of the others is unchanged).
extern "C" __global__ void col2im(const float* cols, float* dx, int nb, int cin, int h, int w,
                                  int k, int s, int p, int ho, int wo) {
    int patch = cin * k * k;
    int i = bn_global_index();
    if (i >= nb * cin * h * w) {
        return;
    }
    int iw = i % w, t = i / w;
    int ih = t % h;
    t /= h;
    int ci = t % cin, n = t / cin;
    float acc = 0.0f;
    for (int kh = (ih + p) % s; kh < k; kh += s) {
        int th = ih + p - kh;  // = oh·s, decreasing in kh
        if (th < 0) {
            break;
        }
        int oh = th / s;
        if (oh >= ho) {
            continue;
        }
        for (int kw = (iw + p) % s; kw < k; kw += s) {
            int tw = iw + p - kw;
            if (tw < 0) {
                break;
            }
            int ow = tw / s;
            if (ow >= wo) {
                continue;
            }
            acc += cols[((n * ho + oh) * wo + ow) * patch + (ci * k + kh) * k + kw];
        }
    }
    dx[i] = acc;
}

// y(nb,c,plane)[n,co,q] = rows(nb·plane, c)[n·plane + q, co]: the GEMM's row-major output back to
// NCHW. One thread per y element, so the writes coalesce.
extern "C" __global__ void rows_to_nchw(const float* rows, float* y, int nb, int plane, int c) {
    int i = bn_global_index();
    if (i >= nb * c * plane) {
        return;
    }
    int n = i / (c * plane), rem = i - n * c * plane;
    int co = rem / plane, q = rem - co * plane;
    y[i] = rows[(n * plane + q) * c + co];
}

// rows(nb·plane, c)[n·plane + q, co] = y(nb,c,plane)[n,co,q]: dy into the GEMM's row layout.
extern "C" __global__ void nchw_to_rows(const float* y, float* rows, int nb, int plane, int c) {
    int i = bn_global_index();
    if (i >= nb * plane * c) {
        return;
    }
    int n = i / (plane * c), rem = i - n * plane * c;
    int q = rem / c, co = rem - q * c;
    rows[i] = y[(n * c + co) * plane + q];
}

// y(B,C,H,W) = act(x + bias[c]) over n = B·C·H·W elements, c = (i / plane) % channels, one
// thread each; x may alias y.
extern "C" __global__ void channel_bias_activation_forward(const float* x, const float* bias, float* y,
                                                           int n, int channels, int plane, int act) {
    int i = bn_global_index();
    if (i < n) {
        y[i] = bn_activate(x[i] + (bias != 0 ? bias[(i / plane) % channels] : 0.0f), act);  // bias 0: none
    }
}

// dx = dy ⊙ act'(y) and, when dbias != 0, dbias[c] += Σ_{n,h,w} dx[n,c,h,w] (dx may alias dy).
// One block per channel (channel-stride loop, uniform across the block so every thread meets
// every barrier); its threads stride over the channel's batch·plane elements, add in double and
// meet in a tree reduction: deterministic, no atomics. blockDim.x is a power of two ≤ 256.
extern "C" __global__ void channel_bias_activation_backward(const float* y, const float* dy, float* dx,
                                                            float* dbias, int batch, int channels,
                                                            int plane, int act) {
    __shared__ double s[BN_MAX_BLOCK];
    int per = batch * plane;
    for (int c = (int) blockIdx.x; c < channels; c += (int) gridDim.x) {
        double acc = 0.0;
        for (int j = (int) threadIdx.x; j < per; j += (int) blockDim.x) {
            int n = j / plane, q = j - n * plane;
            int i = (n * channels + c) * plane + q;
            float g = dy[i] * bn_derivative_from_output(y[i], act);
            dx[i] = g;
            acc += (double) g;
        }
        bn_block_reduce(s, acc);
        if (threadIdx.x == 0 && dbias != 0) {
            dbias[c] = dbias[c] + (float) s[0];
        }
        __syncthreads();  // s[0] is read before the next channel overwrites s
    }
}

// y(planes, plane) = x − the mean of its plane (x may alias y); planes = B·C, plane = H·W. One
// block per plane (plane-stride loop, uniform across the block); its threads add their share in
// double and meet in a tree reduction, the mean is rounded to float as the CPU twin rounds it,
// and every thread subtracts it from its share. blockDim.x is a power of two ≤ 256.
extern "C" __global__ void subtract_plane_mean(const float* x, float* y, int planes, int plane) {
    __shared__ double s[BN_MAX_BLOCK];
    for (int p = (int) blockIdx.x; p < planes; p += (int) gridDim.x) {
        const float* xp = x + (long long) p * plane;
        float* yp = y + (long long) p * plane;
        double acc = 0.0;
        for (int j = (int) threadIdx.x; j < plane; j += (int) blockDim.x) {
            acc += (double) xp[j];
        }
        bn_block_reduce(s, acc);  // ends with a barrier: every thread sees s[0]
        float mean = (float) (s[0] / plane);
        for (int j = (int) threadIdx.x; j < plane; j += (int) blockDim.x) {
            yp[j] = xp[j] - mean;
        }
        __syncthreads();  // s[0] is read before the next plane overwrites s
    }
}

// y(planes, h·f, w·f)[pl,i,j] = x(planes, h, w)[pl, i/f, j/f]; planes = B·C. One thread per y.
extern "C" __global__ void upsample_nearest_forward(const float* x, float* y, int planes, int h, int w,
                                                    int factor) {
    int wf = w * factor, hf = h * factor;
    int i = bn_global_index();
    if (i >= planes * hf * wf) {
        return;
    }
    int j = i % wf, t = i / wf;
    int r = t % hf, pl = t / hf;
    y[i] = x[(pl * h + r / factor) * w + j / factor];
}

// Keys' cubic, a = −0.5 (PIL), and the normalized weights of output coordinate i of a side
// growing n → n·factor over source pixels first + t: the twin of backend/BicubicTaps.java, the
// same doubles in the same order (kernels are compiled with -fmad=false).
__device__ static double bn_keys(double x) {
    double a = fabs(x);
    return a < 1 ? (1.5 * a - 2.5) * a * a + 1 : a < 2 ? ((-0.5 * a + 2.5) * a - 4) * a + 2 : 0;
}

__device__ static int bn_bicubic_weights(int i, int n, int factor, int* first, double* w) {
    double c = (i + 0.5) / factor;
    int lo = (int) (c - 2.0 + 0.5), hi = (int) (c + 2.0 + 0.5);
    lo = lo > 0 ? lo : 0;
    hi = hi < n ? hi : n;
    double total = 0;
    for (int r = lo; r < hi; r++) {
        w[r - lo] = bn_keys(r + 0.5 - c);
        total += w[r - lo];
    }
    for (int t = 0; t < hi - lo; t++) {
        w[t] /= total;
    }
    *first = lo;
    return hi - lo;
}

// y(planes, h·f, w·f)[pl,i,j] = Σ_r Σ_s u_i(r)·u_j(s)·x[pl, r, s] (PIL's bicubic growing; Backend
// javadoc), summed in double in (r, s) order. planes = B·C. One thread per y.
extern "C" __global__ void upsample_bicubic_forward(const float* x, float* y, int planes, int h, int w,
                                                    int factor) {
    int wf = w * factor, hf = h * factor;
    int i = bn_global_index();
    if (i >= planes * hf * wf) {
        return;
    }
    int j = i % wf, t = i / wf;
    int row = t % hf, pl = t / hf;
    double wr[5], wc[5];
    int r0, c0;
    int nr = bn_bicubic_weights(row, h, factor, &r0, wr), nc = bn_bicubic_weights(j, w, factor, &c0, wc);
    double acc = 0;
    for (int r = 0; r < nr; r++) {
        const float* src = x + ((long long) pl * h + r0 + r) * w + c0;
        for (int c = 0; c < nc; c++) {
            acc += wr[r] * (wc[c] * (double) src[c]);
        }
    }
    y[i] = (float) acc;
}

// dx(planes, h, w)[pl,i,j] = Σ_{a<f} Σ_{b<f} dy[pl, i·f + a, j·f + b] (a, then b, in float),
// overwriting dx: each dx element gathers its own f×f block, so no two threads share an output.
extern "C" __global__ void upsample_nearest_backward(const float* dy, float* dx, int planes, int h, int w,
                                                     int factor) {
    int wf = w * factor;
    int i = bn_global_index();
    if (i >= planes * h * w) {
        return;
    }
    int j = i % w, t = i / w;
    int r = t % h, pl = t / h;
    const float* block = dy + ((long long) pl * h * factor + (long long) r * factor) * wf + j * factor;
    float acc = 0.0f;
    for (int a = 0; a < factor; a++) {
        for (int b = 0; b < factor; b++) {
            acc += block[a * wf + b];
        }
    }
    dx[i] = acc;
}

// y(planes,ho,wo)[pl,oh,ow] = max_{kh,kw<k} x(planes,h,w)[pl, oh·s + kh, ow·s + kw] (no padding,
// so every window lies inside x); argmax = in-plane index ih·w + iw of the first maximum in
// row-major window order, as a float (exact below 2^24, checked by the launcher). A NaN wins and
// the first NaN stays: '>' is false against a NaN best, so nothing replaces it.
extern "C" __global__ void max_pool_forward(const float* x, float* y, float* argmax, int planes, int h,
                                            int w, int k, int s, int ho, int wo) {
    int i = bn_global_index();
    if (i >= planes * ho * wo) {
        return;
    }
    int ow = i % wo, t = i / wo;
    int oh = t % ho, pl = t / ho;
    const float* in = x + (long long) pl * h * w;
    int best_at = (oh * s) * w + ow * s;
    float best = in[best_at];
    for (int kh = 0; kh < k; kh++) {
        for (int kw = 0; kw < k; kw++) {
            int at = (oh * s + kh) * w + ow * s + kw;
            float v = in[at];
            if (v > best || (isnan(v) && !isnan(best))) {
                best = v;
                best_at = at;
            }
        }
    }
    y[i] = best;
    argmax[i] = (float) best_at;
}

// dx(planes,h,w)[pl,ih,iw] = Σ dy[pl,oh,ow] over the windows (oh, ow) that cover (ih, iw) and
// whose argmax is ih·w + iw, in (oh, ow) row-major order, float; overwrites dx. The covering
// windows are oh ∈ [ceil((ih − k + 1)/s), min(ih/s, ho − 1)], likewise ow: at most ⌈k/s⌉² of them.
// Gathered per input element because overlapping windows (k > s) may share an argmax.
extern "C" __global__ void max_pool_backward(const float* dy, const float* argmax, float* dx, int planes,
                                             int h, int w, int k, int s, int ho, int wo) {
    int i = bn_global_index();
    if (i >= planes * h * w) {
        return;
    }
    int iw = i % w, t = i / w;
    int ih = t % h, pl = t / h;
    float self = (float) (ih * w + iw);  // compared as floats: an index is exact, a NaN never matches
    int oh_lo = ih < k ? 0 : (ih - k + s) / s, oh_hi = ih / s < ho ? ih / s : ho - 1;
    int ow_lo = iw < k ? 0 : (iw - k + s) / s, ow_hi = iw / s < wo ? iw / s : wo - 1;
    long long base = (long long) pl * ho * wo;
    float acc = 0.0f;
    for (int oh = oh_lo; oh <= oh_hi; oh++) {
        for (int ow = ow_lo; ow <= ow_hi; ow++) {
            long long o = base + oh * wo + ow;
            if (argmax[o] == self) {
                acc += dy[o];
            }
        }
    }
    dx[i] = acc;
}
