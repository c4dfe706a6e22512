/*
 * The CPU backend's convolution-family data movement in C: im2col, col2im (its adjoint), the
 * per-sample transposes rows ↔ NCHW, and the per-channel bias + activation forward and backward.
 *
 * Java twin: org.bottleneck.backend.cpu.JavaConvLoops (same loops, same arguments; ConvLoopsTest
 * compares the two bit for bit). JNI side: org.bottleneck.backend.cpu.NativeConvLoops.
 *
 * Every loop is split over the pool (thread_pool.h) so that each part owns whole samples (or,
 * for the bias gradient, whole channels): the gathers and copies are exact, col2im sums each
 * element's terms in the twin's order (increasing (oh, ow) within its sample), and each channel's
 * bias-gradient sum runs over (n, h, w) in the twin's order, so the results are the twin's bits.
 * Built with -ffp-contract=off (no fused multiply-adds), as fused_loops.c.
 *
 * Geometry (ConvGeometry): Cin, H×W the input plane, Ho×Wo the output plane, P = Ho·Wo, k, s, p,
 * K = Cin·k·k. cols is (nb·P, K) row-major; x / dx (nb, Cin, H, W); rows (nb, P, C); y (nb, C, P).
 * Arrays are pinned with GetPrimitiveArrayCritical; offsets are in floats. Sizes fit in int on the
 * Java side; products are taken in int64_t here.
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "thread_pool.h"

#define VECTORIZED __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))

enum { ACT_IDENTITY = 0, ACT_RELU = 1, ACT_LEAKY_RELU = 2, ACT_SIGMOID = 3, ACT_TANH = 4 };

/* Below this many floats moved a loop runs on one thread: the hand-off would cost more than it saves. */
enum { SPLIT_MIN_ELEMENTS = 32768 };

static int parts_for(int64_t elements, int64_t items) {
    if (elements < SPLIT_MIN_ELEMENTS || items < 2) return 1;
    int t = pool_threads();
    return items < t ? (int) items : t;
}

typedef struct {
    const float *src;
    float *dst;
    int nb, cin, h, w, k, s, p, ho, wo;
    int failed; /* set by a part that could not get its scratch */
} im2col_job;

/* The zero-bordered (Cin, H+2p, W+2p) scratch sample and the offset table of one column row. */
typedef struct {
    float *pad;
    int *off;
    int wp, padded_plane, padded_sample, patch;
} scratch;

static int scratch_open(scratch *sc, const im2col_job *j) {
    sc->wp = j->w + 2 * j->p;
    sc->padded_plane = (j->h + 2 * j->p) * sc->wp;
    sc->padded_sample = j->cin * sc->padded_plane;
    sc->patch = j->cin * j->k * j->k;
    sc->pad = malloc(sizeof(float) * (size_t) sc->padded_sample);
    sc->off = malloc(sizeof(int) * (size_t) sc->patch);
    if (sc->pad == NULL || sc->off == NULL) {
        free(sc->pad);
        free(sc->off);
        return 0;
    }
    for (int ci = 0, c = 0; ci < j->cin; ci++)
        for (int kh = 0; kh < j->k; kh++)
            for (int kw = 0; kw < j->k; kw++) sc->off[c++] = ci * sc->padded_plane + kh * sc->wp + kw;
    return 1;
}

static void scratch_close(scratch *sc) {
    free(sc->pad);
    free(sc->off);
}

/* Samples [n0, n1): x → cols. Each sample's interior is copied into the zero-bordered scratch
 * (its border stays 0), then every column row is K reads through the offset table, in order. */
static void im2col_part(void *arg, int part, int parts) {
    im2col_job *j = arg;
    long n0, n1;
    pool_range(j->nb, part, parts, 1, &n0, &n1);
    if (n0 >= n1) return;
    scratch sc;
    if (!scratch_open(&sc, j)) {
        j->failed = 1;
        return;
    }
    const int h = j->h, w = j->w, p = j->p, s = j->s, ho = j->ho, wo = j->wo, patch = sc.patch, wp = sc.wp;
    const int *off = sc.off;
    float *pad = sc.pad;
    memset(pad, 0, sizeof(float) * (size_t) sc.padded_sample);
    for (long n = n0; n < n1; n++) {
        const float *xn = j->src + n * (int64_t) j->cin * h * w;
        for (int ci = 0; ci < j->cin; ci++)
            for (int ih = 0; ih < h; ih++)
                memcpy(pad + ci * sc.padded_plane + (ih + p) * wp + p, xn + ((int64_t) ci * h + ih) * w,
                       sizeof(float) * (size_t) w);
        float *r = j->dst + n * (int64_t) ho * wo * patch;
        for (int oh = 0; oh < ho; oh++) {
            for (int ow = 0; ow < wo; ow++, r += patch) {
                const float *corner = pad + oh * s * wp + ow * s;
                for (int c = 0; c < patch; c++) r[c] = corner[off[c]];
            }
        }
    }
    scratch_close(&sc);
}

/* Samples [n0, n1): cols → dx, overwritten. Per sample: zero the scratch, add every column row
 * into it through the offset table in increasing (oh, ow) (the twin's order), copy the interior out. */
static void col2im_part(void *arg, int part, int parts) {
    im2col_job *j = arg;
    long n0, n1;
    pool_range(j->nb, part, parts, 1, &n0, &n1);
    if (n0 >= n1) return;
    scratch sc;
    if (!scratch_open(&sc, j)) {
        j->failed = 1;
        return;
    }
    const int h = j->h, w = j->w, p = j->p, s = j->s, ho = j->ho, wo = j->wo, patch = sc.patch, wp = sc.wp;
    const int *off = sc.off;
    float *acc = sc.pad;
    for (long n = n0; n < n1; n++) {
        memset(acc, 0, sizeof(float) * (size_t) sc.padded_sample);
        const float *r = j->src + n * (int64_t) ho * wo * patch;
        for (int oh = 0; oh < ho; oh++) {
            for (int ow = 0; ow < wo; ow++, r += patch) {
                float *corner = acc + oh * s * wp + ow * s;
                for (int c = 0; c < patch; c++) corner[off[c]] += r[c];
            }
        }
        float *xn = j->dst + n * (int64_t) j->cin * h * w;
        for (int ci = 0; ci < j->cin; ci++)
            for (int ih = 0; ih < h; ih++)
                memcpy(xn + ((int64_t) ci * h + ih) * w, acc + ci * sc.padded_plane + (ih + p) * wp + p,
                       sizeof(float) * (size_t) w);
    }
    scratch_close(&sc);
}

typedef struct {
    const float *src;
    float *dst;
    int nb, plane, c;
} transpose_job;

/* rows (nb, P, C) → y (nb, C, P), samples [n0, n1). */
static void rows_to_nchw_part(void *arg, int part, int parts) {
    const transpose_job *j = arg;
    long n0, n1;
    pool_range(j->nb, part, parts, 1, &n0, &n1);
    const int plane = j->plane, c = j->c;
    for (long n = n0; n < n1; n++) {
        const float *rn = j->src + n * (int64_t) plane * c;
        float *yn = j->dst + n * (int64_t) plane * c;
        for (int ch = 0; ch < c; ch++) {
            float *dst = yn + (int64_t) ch * plane;
            const float *src = rn + ch;
            for (int q = 0; q < plane; q++) dst[q] = src[(int64_t) q * c];
        }
    }
}

/* y (nb, C, P) → rows (nb, P, C), samples [n0, n1). */
static void nchw_to_rows_part(void *arg, int part, int parts) {
    const transpose_job *j = arg;
    long n0, n1;
    pool_range(j->nb, part, parts, 1, &n0, &n1);
    const int plane = j->plane, c = j->c;
    for (long n = n0; n < n1; n++) {
        const float *yn = j->src + n * (int64_t) plane * c;
        float *rn = j->dst + n * (int64_t) plane * c;
        for (int q = 0; q < plane; q++) {
            float *dst = rn + (int64_t) q * c;
            const float *src = yn + q;
            for (int ch = 0; ch < c; ch++) dst[ch] = src[(int64_t) ch * plane];
        }
    }
}

/* ------------------------------------------------------------ per-channel bias + activation */

typedef struct {
    const float *x, *bias, *dy;
    float *y, *dx;
    float *dbias;
    int batch, c, hw, act;
    float slope;
} channel_job;

/* One plane: y = act(x + b) for the piecewise-linear activations (sigmoid and tanh stay in Java). */
VECTORIZED static void bias_activation_plane(const float *x, float b, float *y, int len, int act, float slope) {
    if (act == ACT_RELU) {
#pragma GCC ivdep
        for (int i = 0; i < len; i++) {
            float v = x[i] + b;
            y[i] = v > 0.0f ? v : 0.0f;
        }
    } else if (act == ACT_LEAKY_RELU) {
#pragma GCC ivdep
        for (int i = 0; i < len; i++) {
            float v = x[i] + b;
            y[i] = v > 0.0f ? v : slope * v;
        }
    } else {
#pragma GCC ivdep
        for (int i = 0; i < len; i++) y[i] = x[i] + b;
    }
}

/* Samples [n0, n1), every channel. */
static void channel_forward_part(void *arg, int part, int parts) {
    const channel_job *j = arg;
    long n0, n1;
    pool_range(j->batch, part, parts, 1, &n0, &n1);
    for (long n = n0; n < n1; n++)
        for (int ch = 0; ch < j->c; ch++) {
            int64_t at = (n * j->c + ch) * (int64_t) j->hw;
            bias_activation_plane(j->x + at, j->bias != NULL ? j->bias[ch] : 0.0f, j->y + at, j->hw, j->act, j->slope);
        }
}

/* One plane: dx = dy · act'(y), written as the twin writes it (dy times the derivative, so a
 * NaN or ∞ in dy meets 0 the same way). */
VECTORIZED static void activation_grad_plane(const float *y, const float *dy, float *dx, int len, int act, float slope) {
    switch (act) {
        case ACT_RELU:
#pragma GCC ivdep
            for (int i = 0; i < len; i++) dx[i] = dy[i] * (y[i] > 0.0f ? 1.0f : 0.0f);
            break;
        case ACT_LEAKY_RELU:
#pragma GCC ivdep
            for (int i = 0; i < len; i++) dx[i] = dy[i] * (y[i] > 0.0f ? 1.0f : slope);
            break;
        case ACT_SIGMOID:
#pragma GCC ivdep
            for (int i = 0; i < len; i++) {
                float v = y[i];
                dx[i] = dy[i] * (v * (1.0f - v));
            }
            break;
        case ACT_TANH:
#pragma GCC ivdep
            for (int i = 0; i < len; i++) {
                float v = y[i];
                dx[i] = dy[i] * (1.0f - v * v);
            }
            break;
        default:
#pragma GCC ivdep
            for (int i = 0; i < len; i++) dx[i] = dy[i] * 1.0f;
            break;
    }
}

/* Channels [c0, c1) over every sample: each channel's double sum runs over (n, h, w) in the twin's
 * order (a double sum gcc keeps sequential: no reassociation without -ffast-math). */
static void channel_backward_part(void *arg, int part, int parts) {
    const channel_job *j = arg;
    long c0, c1;
    pool_range(j->c, part, parts, 1, &c0, &c1);
    for (long ch = c0; ch < c1; ch++) {
        double sum = 0.0;
        for (int n = 0; n < j->batch; n++) {
            int64_t at = ((int64_t) n * j->c + ch) * j->hw;
            activation_grad_plane(j->y + at, j->dy + at, j->dx + at, j->hw, j->act, j->slope);
            if (j->dbias != NULL) {
                const float *d = j->dx + at;
                for (int i = 0; i < j->hw; i++) sum += d[i];
            }
        }
        if (j->dbias != NULL) j->dbias[ch] += (float) sum;
    }
}

/* ------------------------------------------------------------------------------------ JNI */

#define PIN(arr) ((arr) == NULL ? NULL : (float *) (*env)->GetPrimitiveArrayCritical(env, (arr), NULL))
#define UNPIN(arr, p, mode) \
    if ((p) != NULL) (*env)->ReleasePrimitiveArrayCritical(env, (arr), (p), (mode))

/* Returns false when a part could not allocate its scratch sample (the Java side then runs the twin). */
static jboolean run_im2col(JNIEnv *env, pool_part_fn fn, jfloatArray src, jint os, jfloatArray dst, jint od, jint nb,
                           jint cin, jint h, jint w, jint k, jint s, jint p, jint ho, jint wo) {
    float *ps = PIN(src), *pd = PIN(dst);
    int failed = 1;
    if (ps != NULL && pd != NULL) {
        im2col_job job = {.src = ps + os, .dst = pd + od, .nb = nb, .cin = cin, .h = h, .w = w, .k = k, .s = s,
                          .p = p, .ho = ho, .wo = wo, .failed = 0};
        pool_run(fn, &job, parts_for((int64_t) nb * ho * wo * cin * k * k, nb));
        failed = job.failed;
    }
    UNPIN(dst, pd, 0);
    UNPIN(src, ps, JNI_ABORT);
    return failed ? JNI_FALSE : JNI_TRUE;
}

JNIEXPORT jboolean JNICALL Java_org_bottleneck_backend_cpu_NativeConvLoops_im2colNative(
        JNIEnv *env, jclass cls, jfloatArray x, jint ox, jfloatArray cols, jint oc, jint nb, jint cin, jint h, jint w,
        jint k, jint s, jint p, jint ho, jint wo) {
    (void) cls;
    return run_im2col(env, im2col_part, x, ox, cols, oc, nb, cin, h, w, k, s, p, ho, wo);
}

JNIEXPORT jboolean JNICALL Java_org_bottleneck_backend_cpu_NativeConvLoops_col2imNative(
        JNIEnv *env, jclass cls, jfloatArray cols, jint oc, jfloatArray dx, jint odx, jint nb, jint cin, jint h, jint w,
        jint k, jint s, jint p, jint ho, jint wo) {
    (void) cls;
    return run_im2col(env, col2im_part, cols, oc, dx, odx, nb, cin, h, w, k, s, p, ho, wo);
}

static void run_transpose(JNIEnv *env, pool_part_fn fn, jfloatArray src, jint os, jfloatArray dst, jint od, jint nb,
                          jint plane, jint c) {
    float *ps = PIN(src), *pd = PIN(dst);
    if (ps != NULL && pd != NULL) {
        transpose_job job = {.src = ps + os, .dst = pd + od, .nb = nb, .plane = plane, .c = c};
        pool_run(fn, &job, parts_for((int64_t) nb * plane * c, nb));
    }
    UNPIN(dst, pd, 0);
    UNPIN(src, ps, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_NativeConvLoops_rowsToNchwNative(
        JNIEnv *env, jclass cls, jfloatArray rows, jint orows, jint nb, jint plane, jint c, jfloatArray y, jint oy) {
    (void) cls;
    run_transpose(env, rows_to_nchw_part, rows, orows, y, oy, nb, plane, c);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_NativeConvLoops_nchwToRowsNative(
        JNIEnv *env, jclass cls, jfloatArray y, jint oy, jint nb, jint plane, jint c, jfloatArray rows, jint orows) {
    (void) cls;
    run_transpose(env, nchw_to_rows_part, y, oy, rows, orows, nb, plane, c);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_NativeConvLoops_channelForwardNative(
        JNIEnv *env, jclass cls, jfloatArray x, jint ox, jfloatArray bias, jint ob, jfloatArray y, jint oy, jint batch,
        jint c, jint hw, jint act, jfloat slope) {
    (void) cls;
    float *px = PIN(x), *pb = PIN(bias), *py = PIN(y); /* bias NULL: a layer without one */
    if (px != NULL && (bias == NULL || pb != NULL) && py != NULL) {
        channel_job job = {.x = px + ox, .bias = pb != NULL ? pb + ob : NULL, .y = py + oy, .batch = batch, .c = c, .hw = hw, .act = act,
                           .slope = slope};
        pool_run(channel_forward_part, &job, parts_for((int64_t) batch * c * hw, batch));
    }
    UNPIN(y, py, 0);
    UNPIN(bias, pb, JNI_ABORT);
    UNPIN(x, px, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_NativeConvLoops_channelBackwardNative(
        JNIEnv *env, jclass cls, jfloatArray y, jint oy, jfloatArray dy, jint ody, jfloatArray dx, jint odx,
        jfloatArray dbias, jint odb, jint batch, jint c, jint hw, jint act, jfloat slope) {
    (void) cls;
    float *py = PIN(y), *pdy = PIN(dy), *pdx = PIN(dx), *pdb = PIN(dbias);
    if (py != NULL && pdy != NULL && pdx != NULL && (dbias == NULL || pdb != NULL)) {
        channel_job job = {.y = py + oy, .dy = pdy + ody, .dx = pdx + odx, .dbias = pdb == NULL ? NULL : pdb + odb,
                           .batch = batch, .c = c, .hw = hw, .act = act, .slope = slope};
        pool_run(channel_backward_part, &job, parts_for((int64_t) batch * c * hw, c));
    }
    UNPIN(dbias, pdb, 0);
    UNPIN(dx, pdx, 0);
    UNPIN(dy, pdy, JNI_ABORT);
    UNPIN(y, py, JNI_ABORT);
}
