/*
 * A host twin of the cuDNN calls our binding makes (native/cuda-host/cudnn_binding.c), built by
 * the tests as a fake libcudnn.so.N so the binding and CudnnConv run their real code without a
 * GPU: descriptors are structs, "device" memory is host memory, the convolutions are naive
 * double-accumulating loops written from the cuDNN documentation's formulas.
 *
 * It is strict where a mistake of ours would otherwise pass silently:
 *  - the heuristics rank first algorithms CudnnConv must skip (a failed one, a non-deterministic
 *    one, one needing TF32 tensor cores, one needing more workspace than the cap), and running
 *    any algorithm but the usable one returns CUDNN_STATUS_NOT_SUPPORTED;
 *  - running with a convolution descriptor not set to CUDNN_FMA_MATH, with descriptors whose
 *    shapes do not chain, or with less workspace than the algorithm asked for returns
 *    CUDNN_STATUS_BAD_PARAM;
 *  - the workspace is filled with NaN before each run, so a workspace overlapping an operand
 *    shows in the results; with beta = 0 the output is never read (it may hold NaN).
 *  - every descriptor carries a type tag, so a tensor passed where a filter belongs is refused;
 *  - like the real front library it loads a sub-library by bare soname (FAKE_SUBLIBRARY) in
 *    cudnnCreate and fails with CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED when the loader cannot find
 *    it: in a folder off the loader's path, only our binding's preloading makes it work.
 * A kernel size of 7 has no deterministic backward-filter algorithm here, and backward data with
 * kernel 5 and stride 2 fails when run (CUDNN_STATUS_EXECUTION_FAILED), to exercise the two
 * fall-backs to our kernels (at planning, and in the middle of training). Compile-time: FAKE_VERSION (cudnnGetVersion), FAKE_CUDART
 * (cudnnGetCudartVersion), FAKE_SUBLIBRARY. Status codes are cuDNN 9's.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef FAKE_VERSION
#define FAKE_VERSION 90501
#endif
#ifndef FAKE_CUDART
#define FAKE_CUDART 13000
#endif

#ifndef FAKE_SUBLIBRARY
#define FAKE_SUBLIBRARY "libcudnn_ops.so.9"
#endif

enum { SUCCESS = 0, BAD_PARAM = 2000, NOT_SUPPORTED = 3000, SUBLIBRARY_LOADING_FAILED = 4002, EXECUTION_FAILED = 5000 };
enum { FMA_MATH = 3 };
enum { TENSOR_TAG = 0x54454e53, FILTER_TAG = 0x46494c54, CONV_TAG = 0x434f4e56 };

typedef struct { int tag, n, c, h, w; } Tensor;
typedef struct { int tag, k, c, h, w; } Filter;
typedef struct { int tag, pad, stride, mode, math; } Conv;
typedef struct {
    int algo;
    int status;
    float time;
    size_t memory;
    int determinism;
    int math_type;
    int reserved[3];
} AlgoPerf;

int cudnnCreate(void **handle) {
    if (dlopen(FAKE_SUBLIBRARY, RTLD_NOW | RTLD_LOCAL) == NULL) return SUBLIBRARY_LOADING_FAILED;
    *handle = malloc(1);
    return SUCCESS;
}
int cudnnDestroy(void *handle) { free(handle); return SUCCESS; }
int cudnnSetStream(void *handle, void *stream) { (void) handle; (void) stream; return SUCCESS; }
size_t cudnnGetVersion(void) { return FAKE_VERSION; }
size_t cudnnGetCudartVersion(void) { return FAKE_CUDART; }

const char *cudnnGetErrorString(int status) {
    switch (status) {
        case SUCCESS: return "CUDNN_STATUS_SUCCESS";
        case BAD_PARAM: return "CUDNN_STATUS_BAD_PARAM";
        case NOT_SUPPORTED: return "CUDNN_STATUS_NOT_SUPPORTED";
        case SUBLIBRARY_LOADING_FAILED: return "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED";
        case EXECUTION_FAILED: return "CUDNN_STATUS_EXECUTION_FAILED";
        default: return "CUDNN_STATUS_UNKNOWN";
    }
}

static void *tagged(size_t size, int tag) {
    int *d = calloc(1, size);
    *d = tag;
    return d;
}

int cudnnCreateTensorDescriptor(void **d) { *d = tagged(sizeof(Tensor), TENSOR_TAG); return SUCCESS; }
int cudnnDestroyTensorDescriptor(void *d) { free(d); return SUCCESS; }
int cudnnCreateFilterDescriptor(void **d) { *d = tagged(sizeof(Filter), FILTER_TAG); return SUCCESS; }
int cudnnDestroyFilterDescriptor(void *d) { free(d); return SUCCESS; }
int cudnnCreateConvolutionDescriptor(void **d) { *d = tagged(sizeof(Conv), CONV_TAG); return SUCCESS; }
int cudnnDestroyConvolutionDescriptor(void *d) { free(d); return SUCCESS; }

/* format 0 = CUDNN_TENSOR_NCHW, type 0 = CUDNN_DATA_FLOAT: the only ones we use. */
int cudnnSetTensor4dDescriptor(Tensor *d, int format, int type, int n, int c, int h, int w) {
    if (d->tag != TENSOR_TAG || format != 0 || type != 0 || n <= 0 || c <= 0 || h <= 0 || w <= 0) return BAD_PARAM;
    *d = (Tensor) {TENSOR_TAG, n, c, h, w};
    return SUCCESS;
}

int cudnnSetFilter4dDescriptor(Filter *d, int type, int format, int k, int c, int h, int w) {
    if (d->tag != FILTER_TAG || format != 0 || type != 0 || k <= 0 || c <= 0 || h <= 0 || w <= 0 || h != w) {
        return BAD_PARAM;
    }
    *d = (Filter) {FILTER_TAG, k, c, h, w};
    return SUCCESS;
}

/* Square padding and stride, no dilation, float compute: all our descriptors ask for. */
int cudnnSetConvolution2dDescriptor(Conv *d, int pad_h, int pad_w, int u, int v, int dil_h, int dil_w, int mode,
                                    int type) {
    if (d->tag != CONV_TAG || pad_h != pad_w || u != v || u <= 0 || pad_h < 0 || dil_h != 1 || dil_w != 1 || (mode != 0 && mode != 1)
        || type != 0) {
        return BAD_PARAM;
    }
    d->pad = pad_h;
    d->stride = u;
    d->mode = mode;
    return SUCCESS;
}

int cudnnSetConvolutionMathType(Conv *d, int math) {
    if (d->tag != CONV_TAG) return BAD_PARAM;
    d->math = math;
    return SUCCESS;
}

static int out_size(int in, int k, const Conv *c) { return (in + 2 * c->pad - k) / c->stride + 1; }

int cudnnGetConvolution2dForwardOutputDim(const Conv *c, const Tensor *x, const Filter *w, int *n, int *ch, int *h,
                                          int *wd) {
    if (c->tag != CONV_TAG || x->tag != TENSOR_TAG || w->tag != FILTER_TAG || x->c != w->c || x->h + 2 * c->pad < w->h || x->w + 2 * c->pad < w->w) return BAD_PARAM;
    *n = x->n;
    *ch = w->k;
    *h = out_size(x->h, w->h, c);
    *wd = out_size(x->w, w->w, c);
    return SUCCESS;
}

/* Whether x, w, y chain as one convolution (cross-correlation only: what PyTorch's Conv2d is). */
static int chains(const Tensor *x, const Filter *w, const Conv *c, const Tensor *y) {
    return x->tag == TENSOR_TAG && w->tag == FILTER_TAG && c->tag == CONV_TAG && y->tag == TENSOR_TAG && c->mode == 1
           && x->c == w->c && y->n == x->n && y->c == w->k && y->h == out_size(x->h, w->h, c)
           && y->w == out_size(x->w, w->w, c);
}

/* The workspace of the usable algorithm of each op (bytes), and of the too-large one. */
static size_t usable_workspace(int kind, const Tensor *x, const Filter *w, const Tensor *y) {
    (void) x;
    size_t patch = (size_t) w->c * w->h * w->w;
    switch (kind) {
        case 0: return 4 * patch * y->h * y->w;  /* one sample's im2col columns */
        case 1: return 0;
        default: return 4 * patch * w->k;        /* a dw-sized accumulator */
    }
}

enum { TOO_MUCH = 1 << 30 };  /* above the 64 MiB cap of CudnnConv */

static void rank(int kind, const Tensor *x, const Filter *w, const Tensor *y, int requested, int *returned,
                 AlgoPerf *perf) {
    AlgoPerf all[4];
    int n = 0;
    memset(all, 0, sizeof all);
    if (kind == 0) {
        all[n++] = (AlgoPerf) {.algo = 7, .status = NOT_SUPPORTED, .determinism = 1, .math_type = FMA_MATH};
        all[n++] = (AlgoPerf) {.algo = 2, .memory = TOO_MUCH, .determinism = 1, .math_type = FMA_MATH};
        all[n++] = (AlgoPerf) {.algo = 1, .memory = usable_workspace(0, x, w, y), .determinism = 1, .math_type = FMA_MATH};
    } else if (kind == 1) {
        all[n++] = (AlgoPerf) {.algo = 0, .determinism = 0, .math_type = FMA_MATH};
        all[n++] = (AlgoPerf) {.algo = 1, .memory = usable_workspace(1, x, w, y), .determinism = 1, .math_type = FMA_MATH};
    } else {
        all[n++] = (AlgoPerf) {.algo = 0, .determinism = 0, .math_type = FMA_MATH};
        all[n++] = (AlgoPerf) {.algo = 2, .determinism = 1, .math_type = 1 /* CUDNN_TENSOR_OP_MATH */};
        if (w->h != 7) {
            all[n++] = (AlgoPerf) {.algo = 1, .memory = usable_workspace(2, x, w, y), .determinism = 1, .math_type = FMA_MATH};
        }
    }
    *returned = n < requested ? n : requested;
    memcpy(perf, all, (size_t) *returned * sizeof(AlgoPerf));
}

int cudnnGetConvolutionForwardAlgorithm_v7(void *h, const Tensor *x, const Filter *w, const Conv *c, const Tensor *y,
                                           int requested, int *returned, AlgoPerf *perf) {
    (void) h;
    if (!chains(x, w, c, y)) return BAD_PARAM;
    rank(0, x, w, y, requested, returned, perf);
    return SUCCESS;
}

int cudnnGetConvolutionBackwardDataAlgorithm_v7(void *h, const Filter *w, const Tensor *dy, const Conv *c,
                                                const Tensor *dx, int requested, int *returned, AlgoPerf *perf) {
    (void) h;
    if (!chains(dx, w, c, dy)) return BAD_PARAM;
    rank(1, dx, w, dy, requested, returned, perf);
    return SUCCESS;
}

int cudnnGetConvolutionBackwardFilterAlgorithm_v7(void *h, const Tensor *x, const Tensor *dy, const Conv *c,
                                                  const Filter *dw, int requested, int *returned, AlgoPerf *perf) {
    (void) h;
    if (!chains(x, dw, c, dy)) return BAD_PARAM;
    rank(2, x, dw, dy, requested, returned, perf);
    return SUCCESS;
}

static int workspace_of(int kind, const Tensor *x, const Filter *w, const Conv *c, const Tensor *y, int algo,
                        size_t *bytes) {
    if (!chains(x, w, c, y)) return BAD_PARAM;
    int usable = 1;
    if (algo == 2 && kind == 0) {
        *bytes = TOO_MUCH;
        return SUCCESS;
    }
    if (algo != usable) return NOT_SUPPORTED;
    *bytes = usable_workspace(kind, x, w, y);
    return SUCCESS;
}

int cudnnGetConvolutionForwardWorkspaceSize(void *h, const Tensor *x, const Filter *w, const Conv *c, const Tensor *y,
                                            int algo, size_t *bytes) {
    (void) h;
    return workspace_of(0, x, w, c, y, algo, bytes);
}

int cudnnGetConvolutionBackwardDataWorkspaceSize(void *h, const Filter *w, const Tensor *dy, const Conv *c,
                                                 const Tensor *dx, int algo, size_t *bytes) {
    (void) h;
    return workspace_of(1, dx, w, c, dy, algo, bytes);
}

int cudnnGetConvolutionBackwardFilterWorkspaceSize(void *h, const Tensor *x, const Tensor *dy, const Conv *c,
                                                   const Filter *dw, int algo, size_t *bytes) {
    (void) h;
    return workspace_of(2, x, dw, c, dy, algo, bytes);
}

/* Common checks of a run; fills the workspace with NaN. */
static int prepare(int kind, const Tensor *x, const Filter *w, const Conv *c, const Tensor *y, int algo, void *ws,
                   size_t ws_bytes) {
    if (!chains(x, w, c, y) || c->math != FMA_MATH) return BAD_PARAM;
    if (algo != 1) return NOT_SUPPORTED;
    size_t need = usable_workspace(kind, x, w, y);
    if (ws_bytes < need || (need > 0 && ws == NULL)) return BAD_PARAM;
    float nan = nanf("");
    for (size_t i = 0; i < need / 4; i++) {
        ((float *) ws)[i] = nan;
    }
    return SUCCESS;
}

/* The input coordinate of output (o) at kernel offset (k), or -1 when it falls in the padding. */
static int in_at(int o, int k, const Conv *c, int size) {
    int i = o * c->stride - c->pad + k;
    return i >= 0 && i < size ? i : -1;
}

/* out = alpha·acc + beta·out, not reading out when beta is 0. */
static void blend(float *out, const double *acc, size_t n, float alpha, float beta) {
    for (size_t i = 0; i < n; i++) {
        out[i] = (float) (alpha * acc[i] + (beta == 0.0f ? 0.0 : (double) beta * out[i]));
    }
}

/*
 * One pass over every (n, co, oh, ow, ci, kh, kw) term x·w·dy of the convolution, accumulating
 * into the operand `kind` computes: 0 y += x·w, 1 dx += dy·w, 2 dw += dy·x.
 */
static void accumulate(int kind, const Tensor *x, const Filter *w, const Conv *c, const Tensor *y, const float *xv,
                       const float *wv, const float *yv, double *acc) {
    int k = w->h;
    for (int n = 0; n < y->n; n++)
        for (int co = 0; co < y->c; co++)
            for (int oh = 0; oh < y->h; oh++)
                for (int ow = 0; ow < y->w; ow++)
                    for (int ci = 0; ci < x->c; ci++)
                        for (int kh = 0; kh < k; kh++)
                            for (int kw = 0; kw < k; kw++) {
                                int ih = in_at(oh, kh, c, x->h), iw = in_at(ow, kw, c, x->w);
                                if (ih < 0 || iw < 0) continue;
                                size_t xi = (((size_t) n * x->c + ci) * x->h + ih) * x->w + iw;
                                size_t wi = (((size_t) co * w->c + ci) * k + kh) * k + kw;
                                size_t yi = (((size_t) n * y->c + co) * y->h + oh) * y->w + ow;
                                if (kind == 0) acc[yi] += (double) xv[xi] * wv[wi];
                                else if (kind == 1) acc[xi] += (double) yv[yi] * wv[wi];
                                else acc[wi] += (double) yv[yi] * xv[xi];
                            }
}

static size_t count_tensor(const Tensor *t) { return (size_t) t->n * t->c * t->h * t->w; }
static size_t count_filter(const Filter *f) { return (size_t) f->k * f->c * f->h * f->w; }

int cudnnConvolutionForward(void *h, const float *alpha, const Tensor *xd, const float *x, const Filter *wd,
                            const float *w, const Conv *c, int algo, void *ws, size_t ws_bytes, const float *beta,
                            const Tensor *yd, float *y) {
    (void) h;
    int rc = prepare(0, xd, wd, c, yd, algo, ws, ws_bytes);
    if (rc != SUCCESS) return rc;
    double *acc = calloc(count_tensor(yd), sizeof(double));
    accumulate(0, xd, wd, c, yd, x, w, NULL, acc);
    blend(y, acc, count_tensor(yd), *alpha, *beta);
    free(acc);
    return SUCCESS;
}

int cudnnConvolutionBackwardData(void *h, const float *alpha, const Filter *wd, const float *w, const Tensor *dyd,
                                 const float *dy, const Conv *c, int algo, void *ws, size_t ws_bytes,
                                 const float *beta, const Tensor *dxd, float *dx) {
    (void) h;
    int rc = prepare(1, dxd, wd, c, dyd, algo, ws, ws_bytes);
    if (rc != SUCCESS) return rc;
    if (wd->h == 5 && c->stride == 2) return EXECUTION_FAILED;
    double *acc = calloc(count_tensor(dxd), sizeof(double));
    accumulate(1, dxd, wd, c, dyd, NULL, w, dy, acc);
    blend(dx, acc, count_tensor(dxd), *alpha, *beta);
    free(acc);
    return SUCCESS;
}

int cudnnConvolutionBackwardFilter(void *h, const float *alpha, const Tensor *xd, const float *x, const Tensor *dyd,
                                   const float *dy, const Conv *c, int algo, void *ws, size_t ws_bytes,
                                   const float *beta, const Filter *dwd, float *dw) {
    (void) h;
    int rc = prepare(2, xd, dwd, c, dyd, algo, ws, ws_bytes);
    if (rc != SUCCESS) return rc;
    double *acc = calloc(count_filter(dwd), sizeof(double));
    accumulate(2, xd, dwd, c, dyd, x, NULL, dy, acc);
    blend(dw, acc, count_filter(dwd), *alpha, *beta);
    free(acc);
    return SUCCESS;
}
