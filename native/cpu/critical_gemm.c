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
 * OpenBLAS splits a GEMM over its threads as usual, but runs the pieces on our pool
 * (thread_pool.h) through openblas_set_threads_callback_function (OpenBLAS ≥ 0.3.27): the same
 * split, so the same bits as OpenBLAS's own workers give, and no second set of threads spinning
 * on the cores our element-wise loops use. An older OpenBLAS keeps its own workers and the pool
 * stays at one thread.
 *
 * Java side: org.bottleneck.backend.cpu.CriticalGemm. Arguments are already column-major
 * (GemmMapping); offsets are in floats.
 */
#include <dlfcn.h>
#include <jni.h>
#include <stddef.h>

#include "thread_pool.h"

typedef void (*sgemm_fn)(int order, int transA, int transB, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

typedef void (*sgemv_fn)(int order, int trans, int m, int n, float alpha, const float *a, int lda,
                         const float *x, int incx, float beta, float *y, int incy);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);

/* openblas_set_threads_callback_function's types: OpenBLAS hands over `jobs` job records of
 * `job_size` bytes each; the caller runs job(i, record i, data) for every i, all at once. */
typedef void (*openblas_job_fn)(int thread, void *record, int data);
typedef void (*openblas_threads_fn)(int sync, openblas_job_fn job, int jobs, size_t job_size, void *records, int data);
typedef void (*set_callback_fn)(openblas_threads_fn);

static sgemm_fn sgemm = NULL;
static sgemv_fn sgemv = NULL;
static set_threads_fn set_threads = NULL;
static get_threads_fn get_threads = NULL;
static set_callback_fn set_callback = NULL; /* NULL before OpenBLAS 0.3.27 */

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
    set_callback = (set_callback_fn) dlsym(handle, "openblas_set_threads_callback_function"); /* may be absent */
    if (sgemm == NULL || sgemv == NULL || set_threads == NULL || get_threads == NULL) {
        return (*env)->NewStringUTF(env, "cblas_sgemm/sgemv or openblas_{set,get}_num_threads not found in JavaCPP's OpenBLAS");
    }
    return NULL;
}

typedef struct {
    openblas_job_fn job;
    char *records;
    size_t job_size;
    int data;
} openblas_jobs;

static void openblas_part(void *arg, int part, int parts) {
    (void) parts;
    const openblas_jobs *j = arg;
    j->job(part, j->records + (size_t) part * j->job_size, j->data);
}

/* The callback OpenBLAS calls instead of waking its workers. Its jobs wait for each other (a
 * GEMM's threads share packed panels), so they must run at the same time: pool_run_together.
 * OpenBLAS's pthreads server only asks for synchronous runs (sync = 1); we run every batch so. */
static void run_openblas_jobs(int sync, openblas_job_fn job, int jobs, size_t job_size, void *records, int data) {
    (void) sync;
    openblas_jobs j = {job, records, job_size, data};
    pool_run_together(openblas_part, &j, jobs);
}

/*
 * Gives OpenBLAS and the pool `n` threads and, where OpenBLAS can take the callback, has it run
 * its jobs on the pool. Returns OpenBLAS's thread count, or −errno when a pool thread would not
 * start. Called once, before the first GEMM (OpenBLAS asks for the callback to be set before it
 * runs anything in parallel).
 */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cpu_CriticalGemm_threads(JNIEnv *env, jclass cls, jint n) {
    (void) env;
    (void) cls;
    int err = pool_configure(set_callback != NULL ? n : 1);
    if (err != 0) return -err;
    set_threads(n);
    if (set_callback != NULL) set_callback(run_openblas_jobs);
    return get_threads();
}

/* True when OpenBLAS runs its jobs on our pool (threads() has run and OpenBLAS has the callback). */
JNIEXPORT jboolean JNICALL Java_org_bottleneck_backend_cpu_CriticalGemm_sharesPool(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return set_callback != NULL && pool_threads() > 1;
}

/* For the test that pins the pool to OpenBLAS's own workers: false has OpenBLAS wake its
 * workers again, true puts the pool back. Only between GEMMs. */
JNIEXPORT void JNICALL Java_org_bottleneck_backend_cpu_CriticalGemm_useSharedPool(JNIEnv *env, jclass cls,
                                                                                  jboolean on) {
    (void) env;
    (void) cls;
    if (set_callback != NULL) set_callback(on ? run_openblas_jobs : NULL);
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
