/*
 * The CPU backend's hot element-wise loops in C, where gcc vectorizes what JDK 17's JIT will
 * not: loops whose operands sit at different offsets of the same Java array, and exp.
 *
 * Java twin: org.bottleneck.backend.cpu.JavaLoops (same loops, same arguments, same formulas;
 * NativeLoopsTest compares the two). JNI side: org.bottleneck.backend.cpu.NativeLoops.
 *
 * Arrays are pinned with GetPrimitiveArrayCritical (no copy on HotSpot); offsets are in floats.
 * Operands may be the same Java array (activations share one arena): every loop reads element
 * i before it writes element i, so exact in-place use (x == y) and disjoint ranges are both
 * safe; `#pragma GCC ivdep` tells gcc so instead of letting it fall back to scalar code.
 *
 * Each loop is compiled three times (target_clones: AVX-512 "x86-64-v4", AVX2, baseline SSE2),
 * the best one picked at load time. Built with -ffp-contract=off, so no clone fuses a multiply
 * and an add: the float arithmetic rounds exactly as the Java twin's, and every clone gives the
 * same bits.
 * Shapes: rows = batch B, cols = features D; x, y, dx, dy, t are (B, D), bias and dbias (D),
 * loss (B).
 */
#include <jni.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "thread_pool.h"

#define VECTORIZED __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))

enum { ACT_IDENTITY = 0, ACT_RELU = 1, ACT_LEAKY_RELU = 2, ACT_SIGMOID = 3, ACT_TANH = 4 };

/*
 * exp(x) for x ≤ 0 in double, written so gcc vectorizes it (no libm call): x = k·ln2 + r with
 * |r| ≤ ln2/2 (ln2 split in two parts so k·ln2hi is exact), exp(r) by its Taylor series to r¹³
 * (truncation < 1e-17 relative), 2^k put in the exponent bits. Within a few ulp of libm's exp,
 * ~1e-16 relative. Inputs below −708 are clamped there: e^−708 ≈ 3e−308 already rounds to 0
 * in every float result that uses it.
 */
static inline double exp_nonpositive(double x) {
    const double magic = 0x1.8p52; /* adding it rounds to an integer held in the low mantissa bits */
    x = x < -708.0 ? -708.0 : x;
    double t = x * 0x1.71547652b82fep0 + magic; /* x·log2(e) + magic */
    double kd = t - magic;
    double r = (x - kd * 0x1.62e42fee00000p-1) - kd * 0x1.a39ef35793c76p-33; /* ln2 = hi + lo */
    double p = 1.0 / 6227020800.0;                                            /* 1/13! */
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    int64_t bits;
    memcpy(&bits, &t, sizeof bits);
    int64_t k = bits - 0x4338000000000000LL; /* the integer the magic addition left: k = round(x·log2 e) */
    int64_t scale_bits = (k + 1023) << 52;
    double scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    return p * scale;
}

/* y = act(x + bias) for the piecewise-linear activations (identity, ReLU, leaky ReLU); sigmoid
 * and tanh forward need a double exp/tanh per element and stay in Java (NativeLoops routes them). */
VECTORIZED static void bias_activation_forward(const float *x, const float *bias, float *y, int rows, int cols,
                                               int act, float slope) {
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (int64_t) r * cols;
        float *yr = y + (int64_t) r * cols;
        if (act == ACT_RELU) {
#pragma GCC ivdep
            for (int j = 0; j < cols; j++) {
                float v = xr[j] + bias[j];
                yr[j] = v <= 0.0f ? 0.0f : v; /* Java's Math.max(v, 0f): NaN stays NaN, −0 becomes +0 */
            }
        } else if (act == ACT_LEAKY_RELU) {
#pragma GCC ivdep
            for (int j = 0; j < cols; j++) {
                float v = xr[j] + bias[j];
                yr[j] = v > 0.0f ? v : slope * v;
            }
        } else { /* ACT_IDENTITY */
#pragma GCC ivdep
            for (int j = 0; j < cols; j++) {
                yr[j] = xr[j] + bias[j];
            }
        }
    }
}

/*
 * dx = dy ⊙ act'(y), then dbias += Σ_rows dx (row by row, as the Java twin adds). One thread:
 * split by columns over the pool (so each thread owns a slice of dbias) it ran 2-3× slower at
 * the reference models' sizes (3-12 µs a call alone).
 */
VECTORIZED static void bias_activation_backward(const float *y, const float *dy, float *dx, float *dbias, int rows,
                                                int cols, int act, float slope) {
    for (int r = 0; r < rows; r++) {
        const float *yr = y + (int64_t) r * cols, *dyr = dy + (int64_t) r * cols;
        float *dxr = dx + (int64_t) r * cols;
        switch (act) {
            case ACT_RELU:
#pragma GCC ivdep
                for (int j = 0; j < cols; j++) dxr[j] = yr[j] > 0.0f ? dyr[j] : 0.0f;
                break;
            case ACT_LEAKY_RELU:
#pragma GCC ivdep
                for (int j = 0; j < cols; j++) dxr[j] = yr[j] > 0.0f ? dyr[j] : slope * dyr[j];
                break;
            case ACT_SIGMOID:
#pragma GCC ivdep
                for (int j = 0; j < cols; j++) dxr[j] = dyr[j] * (yr[j] * (1.0f - yr[j]));
                break;
            case ACT_TANH:
#pragma GCC ivdep
                for (int j = 0; j < cols; j++) dxr[j] = dyr[j] * (1.0f - yr[j] * yr[j]);
                break;
            default:
#pragma GCC ivdep
                for (int j = 0; j < cols; j++) dxr[j] = dyr[j];
                break;
        }
        if (dbias != NULL) {
#pragma GCC ivdep
            for (int j = 0; j < cols; j++) dbias[j] += dxr[j];
        }
    }
}

/*
 * BCE with logits, fused with its gradient: loss[b] = Σ_d max(x,0) − x·t + log1p(e^−|x|),
 * dx = gradScale·(σ(x) − t). e = e^−|x| serves both; σ(x) is 1/(1+e) or e/(1+e) in double, as
 * in the Java twin, so the gradient's float bits match it. The row is taken 32 pixels at a
 * time (the tail padded with terms that add nothing). The log1p terms are summed as the log of
 * a product of factors (1+e) ∈ (1, 2]: up to 992 of them (≤ 2^992, inside double range) per
 * logarithm, kept in four lanes so the multiplications vectorize; one log per 784-pixel row.
 */
VECTORIZED static void bce_with_logits(const float *x, const float *t, float *loss, float *dx, int rows, int cols,
                                       float grad_scale) {
    enum { CHUNK = 32, LANES = 4, CHUNKS_PER_LOG = 31 };
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (int64_t) r * cols, *tr = t + (int64_t) r * cols;
        float *dxr = dx == NULL ? NULL : dx + (int64_t) r * cols;
        double part[LANES] = {0.0, 0.0, 0.0, 0.0}, prod[LANES] = {1.0, 1.0, 1.0, 1.0}, logs = 0.0;
        for (int j0 = 0, chunk = 1; j0 < cols; j0 += CHUNK, chunk++) {
            int n = cols - j0 < CHUNK ? cols - j0 : CHUNK;
            double e[CHUNK], lin[CHUNK];
            const float *xc = xr + j0, *tc = tr + j0;
            for (int j = 0; j < n; j++) {
                double v = xc[j];
                e[j] = -fabs(v);
                lin[j] = (v > 0.0 ? v : 0.0) - v * tc[j];
            }
            for (int j = n; j < CHUNK; j++) {
                e[j] = -1000.0; /* 1 + e^−708 rounds to 1: the padding adds nothing */
                lin[j] = 0.0;
            }
            for (int j = 0; j < CHUNK; j++) e[j] = exp_nonpositive(e[j]);
            for (int j = 0; j < CHUNK; j += LANES) {
                for (int l = 0; l < LANES; l++) {
                    prod[l] *= 1.0 + e[j + l];
                    part[l] += lin[j + l];
                }
            }
            if (chunk % CHUNKS_PER_LOG == 0) {
                logs += log((prod[0] * prod[1]) * (prod[2] * prod[3]));
                prod[0] = prod[1] = prod[2] = prod[3] = 1.0;
            }
            if (dxr != NULL) {
#pragma GCC ivdep
                for (int j = 0; j < n; j++) {
                    float v = xc[j];
                    double numerator = v >= 0.0f ? 1.0 : e[j];
                    double s = numerator / (1.0 + e[j]);
                    dxr[j0 + j] = grad_scale * (float) (s - tc[j]);
                }
            }
        }
        logs += log((prod[0] * prod[1]) * (prod[2] * prod[3]));
        loss[r] = (float) (((part[0] + part[1]) + (part[2] + part[3])) + logs);
    }
}

/*
 * AdamW over n parameters, as the Java twin computes it (same float operations in the same
 * order): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g·g; p = p·decay − stepSize·m / (√v / bc2Sqrt + eps).
 */
VECTORIZED static void adamw(float *p, const float *g, float *m, float *v, long n, float beta1, float beta2, float eps,
                             float decay, float step_size, float bc2_sqrt) {
    const float one_minus_beta1 = 1.0f - beta1, one_minus_beta2 = 1.0f - beta2;
#pragma GCC ivdep
    for (long i = 0; i < n; i++) {
        float gi = g[i];
        float mi = beta1 * m[i] + one_minus_beta1 * gi;
        float vi = beta2 * v[i] + one_minus_beta2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float denom = sqrtf(vi) / bc2_sqrt + eps;
        p[i] = p[i] * decay - step_size * mi / denom;
    }
}

/* ------------------------------------------------------------------------- pool jobs */

/* Below this many elements a loop runs on one thread: the hand-off would cost more than it saves. */
enum { SPLIT_MIN_ELEMENTS = 32768 };

static int parts_for(long elements) {
    return elements < SPLIT_MIN_ELEMENTS ? 1 : pool_threads();
}

/* The arguments of one of the row-wise loops above (each uses the fields its loop takes). */
typedef struct {
    const float *x, *bias, *t;
    float *out, *dx, *loss;
    int rows, cols, act;
    float slope, grad_scale;
} rows_job;

static void forward_part(void *arg, int part, int parts) {
    const rows_job *j = arg;
    long r0, r1;
    pool_range(j->rows, part, parts, 1, &r0, &r1);
    if (r0 < r1)
        bias_activation_forward(j->x + r0 * j->cols, j->bias, j->out + r0 * j->cols, (int) (r1 - r0), j->cols, j->act,
                                j->slope);
}

static void bce_part(void *arg, int part, int parts) {
    const rows_job *j = arg;
    long r0, r1;
    pool_range(j->rows, part, parts, 1, &r0, &r1);
    if (r0 < r1)
        bce_with_logits(j->x + r0 * j->cols, j->t + r0 * j->cols, j->loss + r0,
                        j->dx == NULL ? NULL : j->dx + r0 * j->cols, (int) (r1 - r0), j->cols, j->grad_scale);
}

typedef struct {
    float *p, *m, *v;
    const float *g;
    long n;
    float beta1, beta2, eps, decay, step_size, bc2_sqrt;
} adamw_job;

static void adamw_part(void *arg, int part, int parts) {
    const adamw_job *j = arg;
    long i0, i1;
    pool_range(j->n, part, parts, 16, &i0, &i1);
    if (i0 < i1)
        adamw(j->p + i0, j->g + i0, j->m + i0, j->v + i0, i1 - i0, j->beta1, j->beta2, j->eps, j->decay, j->step_size,
              j->bc2_sqrt);
}

/* ------------------------------------------------------------------------------------ JNI */

#define PIN(arr) ((arr) == NULL ? NULL : (float *) (*env)->GetPrimitiveArrayCritical(env, (arr), NULL))
#define UNPIN(arr, p, mode) \
    if ((p) != NULL) (*env)->ReleasePrimitiveArrayCritical(env, (arr), (p), (mode))

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_NativeLoops_forward(
        JNIEnv *env, jclass cls, jfloatArray x, jint ox, jfloatArray bias, jint ob, jfloatArray y, jint oy,
        jint rows, jint cols, jint act, jfloat slope) {
    (void) cls;
    float *px = PIN(x), *pb = PIN(bias), *py = PIN(y);
    if (px != NULL && pb != NULL && py != NULL) {
        rows_job job = {.x = px + ox, .bias = pb + ob, .out = py + oy, .rows = rows, .cols = cols, .act = act,
                        .slope = slope};
        pool_run(forward_part, &job, parts_for((long) rows * cols));
    }
    UNPIN(y, py, 0);
    UNPIN(bias, pb, JNI_ABORT);
    UNPIN(x, px, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_NativeLoops_backward(
        JNIEnv *env, jclass cls, jfloatArray y, jint oy, jfloatArray dy, jint ody, jfloatArray dx, jint odx,
        jfloatArray dbias, jint odb, jint rows, jint cols, jint act, jfloat slope) {
    (void) cls;
    float *py = PIN(y), *pdy = PIN(dy), *pdx = PIN(dx), *pdb = PIN(dbias);
    if (py != NULL && pdy != NULL && pdx != NULL && (dbias == NULL || pdb != NULL)) {
        bias_activation_backward(py + oy, pdy + ody, pdx + odx, pdb == NULL ? NULL : pdb + odb, rows, cols, act,
                                 slope);
    }
    UNPIN(dbias, pdb, 0);
    UNPIN(dx, pdx, 0);
    UNPIN(dy, pdy, JNI_ABORT);
    UNPIN(y, py, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_NativeLoops_bce(
        JNIEnv *env, jclass cls, jfloatArray x, jint ox, jfloatArray t, jint ot, jfloatArray loss, jint ol,
        jfloatArray dx, jint odx, jint rows, jint cols, jfloat gradScale) {
    (void) cls;
    float *px = PIN(x), *pt = PIN(t), *pl = PIN(loss), *pdx = PIN(dx);
    if (px != NULL && pt != NULL && pl != NULL && (dx == NULL || pdx != NULL)) {
        rows_job job = {.x = px + ox, .t = pt + ot, .loss = pl + ol, .dx = pdx == NULL ? NULL : pdx + odx, .rows = rows,
                        .cols = cols, .grad_scale = gradScale};
        pool_run(bce_part, &job, parts_for((long) rows * cols));
    }
    UNPIN(dx, pdx, 0);
    UNPIN(loss, pl, 0);
    UNPIN(t, pt, JNI_ABORT);
    UNPIN(x, px, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_NativeLoops_adamwNative(
        JNIEnv *env, jclass cls, jfloatArray p, jint op, jfloatArray g, jint og, jfloatArray m, jint om,
        jfloatArray v, jint ov, jint n, jfloat beta1, jfloat beta2, jfloat eps, jfloat decay, jfloat stepSize,
        jfloat bc2Sqrt) {
    (void) cls;
    float *pp = PIN(p), *pg = PIN(g), *pm = PIN(m), *pv = PIN(v);
    if (pp != NULL && pg != NULL && pm != NULL && pv != NULL) {
        adamw_job job = {pp + op, pm + om, pv + ov, pg + og, n, beta1, beta2, eps, decay, stepSize, bc2Sqrt};
        pool_run(adamw_part, &job, parts_for(n));
    }
    UNPIN(v, pv, 0);
    UNPIN(m, pm, 0);
    UNPIN(g, pg, JNI_ABORT);
    UNPIN(p, pp, 0);
}
