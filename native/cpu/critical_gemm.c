/*
 * Zero-copy SGEMM on Java float[] for the CPU backend.
 *
 * JavaCPP hands a float[] to native code by copying the whole array, so a GEMM on a view into
 * a large parameter buffer would copy megabytes per call. This shim pins the arrays with
 * GetPrimitiveArrayCritical (no copy on HotSpot) and calls cblas_sgemm of the OpenBLAS that
 * JavaCPP already loaded: bind() looks the symbol up through the handle of JavaCPP's
 * jniopenblas library (dlsym searches a library's dependencies), so there is no link-time
 * dependency and exactly one OpenBLAS in the process.
 *
 * Java side: org.bottleneck.backend.cpu.CriticalGemm. Arguments are already column-major
 * (GemmMapping); offsets are in floats.
 */
#include <dlfcn.h>
#include <jni.h>
#include <stddef.h>

typedef void (*sgemm_fn)(int order, int transA, int transB, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

typedef void (*sgemv_fn)(int order, int trans, int m, int n, float alpha, const float *a, int lda,
                         const float *x, int incx, float beta, float *y, int incy);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);

static sgemm_fn sgemm = NULL;
static sgemv_fn sgemv = NULL;
static set_threads_fn set_threads = NULL;
static get_threads_fn get_threads = NULL;

enum { COL_MAJOR = 102, NO_TRANS = 111, TRANS = 112 };

/* Returns NULL on success, else a message saying what failed. */
JNIEXPORT jstring JNICALL Java_org_bottleneck_backend_cpu_CriticalGemm_bind(JNIEnv *env, jclass cls,
                                                                           jstring library) {
    (void) cls;
    const char *path = (*env)->GetStringUTFChars(env, library, NULL);
    if (path == NULL) {
        return (*env)->NewStringUTF(env, "out of memory reading the library path");
    }
    void *handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    (*env)->ReleaseStringUTFChars(env, library, path);
    if (handle == NULL) {
        const char *err = dlerror();
        return (*env)->NewStringUTF(env, err != NULL ? err : "dlopen failed");
    }
    sgemm = (sgemm_fn) dlsym(handle, "cblas_sgemm");
    sgemv = (sgemv_fn) dlsym(handle, "cblas_sgemv");
    set_threads = (set_threads_fn) dlsym(handle, "openblas_set_num_threads");
    get_threads = (get_threads_fn) dlsym(handle, "openblas_get_num_threads");
    if (sgemm == NULL || sgemv == NULL || set_threads == NULL || get_threads == NULL) {
        return (*env)->NewStringUTF(env, "cblas_sgemm/sgemv or openblas_{set,get}_num_threads not found in JavaCPP's OpenBLAS");
    }
    return NULL;
}

/* Sets the thread count of this OpenBLAS (the one GEMM runs on) and returns what it reports. */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cpu_CriticalGemm_threads(JNIEnv *env, jclass cls, jint n) {
    (void) env;
    (void) cls;
    set_threads(n);
    return get_threads();
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_CriticalGemm_sgemm(
        JNIEnv *env, jclass cls, jboolean transFirst, jboolean transSecond, jint m, jint n, jint k,
        jfloat alpha, jfloatArray first, jint firstOffset, jint ldFirst,
        jfloatArray second, jint secondOffset, jint ldSecond,
        jfloat beta, jfloatArray c, jint cOffset, jint ldc) {
    (void) cls;
    /* Pinning the same array twice is allowed; nothing in between calls back into the JVM. */
    float *pf = (*env)->GetPrimitiveArrayCritical(env, first, NULL);
    float *ps = (*env)->GetPrimitiveArrayCritical(env, second, NULL);
    float *pc = (*env)->GetPrimitiveArrayCritical(env, c, NULL);
    if (pf != NULL && ps != NULL && pc != NULL) {
        sgemm(COL_MAJOR, transFirst ? TRANS : NO_TRANS, transSecond ? TRANS : NO_TRANS, m, n, k, alpha,
              pf + firstOffset, ldFirst, ps + secondOffset, ldSecond, beta, pc + cOffset, ldc);
    }
    if (pc != NULL) (*env)->ReleasePrimitiveArrayCritical(env, c, pc, 0);
    if (ps != NULL) (*env)->ReleasePrimitiveArrayCritical(env, second, ps, JNI_ABORT);
    if (pf != NULL) (*env)->ReleasePrimitiveArrayCritical(env, first, pf, JNI_ABORT);
}

/*
 * y = alpha·op(A)·x + beta·y, column-major A (rows × cols, leading dimension lda), unit strides.
 * A GEMM with one output column goes here: OpenBLAS's sgemm packs the whole matrix first, which
 * made a single-image encode 4× slower than this.
 */
JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_CriticalGemm_sgemv(
        JNIEnv *env, jclass cls, jboolean trans, jint rows, jint cols, jfloat alpha,
        jfloatArray a, jint aOffset, jint lda, jfloatArray x, jint xOffset,
        jfloat beta, jfloatArray y, jint yOffset) {
    (void) cls;
    float *pa = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    float *px = (*env)->GetPrimitiveArrayCritical(env, x, NULL);
    float *py = (*env)->GetPrimitiveArrayCritical(env, y, NULL);
    if (pa != NULL && px != NULL && py != NULL) {
        sgemv(COL_MAJOR, trans ? TRANS : NO_TRANS, rows, cols, alpha, pa + aOffset, lda, px + xOffset, 1, beta,
              py + yOffset, 1);
    }
    if (py != NULL) (*env)->ReleasePrimitiveArrayCritical(env, y, py, 0);
    if (px != NULL) (*env)->ReleasePrimitiveArrayCritical(env, x, px, JNI_ABORT);
    if (pa != NULL) (*env)->ReleasePrimitiveArrayCritical(env, a, pa, JNI_ABORT);
}
