/*
 * Our binding to cuBLAS: the five functions CudaBackend uses, found by dlopen in whichever
 * cuBLAS the host has, so one jar runs on CUDA 12 hosts (libcublas.so.12) and CUDA 13 hosts
 * (libcublas.so.13). JCublas 12.6 was linked against libcublas.so.12 and so could not start on
 * a CUDA 13 machine; cuBLAS's v2 C API (handle, stream, column-major SGEMM with host scalars)
 * is the same in both majors, and it is all we call.
 *
 * No CUDA header is needed: handles and streams are opaque pointers, enums are ints, and the
 * values used are part of the stable ABI (CUBLAS_STATUS_SUCCESS = 0, CUBLAS_OP_N = 0,
 * CUBLAS_OP_T = 1). Device addresses arrive as jlong (DeviceView.address); alpha and beta are
 * host floats, read by cuBLAS before the call returns (the default CUBLAS_POINTER_MODE_HOST).
 *
 * Java side: org.bottleneck.backend.cuda.CublasBinding. bind() runs once; the other entry
 * points return cuBLAS's status code for the caller to name.
 */
#include <dlfcn.h>
#include <jni.h>
#include <stddef.h>
#include <stdio.h>

typedef int (*create_fn)(void **handle);
typedef int (*destroy_fn)(void *handle);
typedef int (*set_stream_fn)(void *handle, void *stream);
typedef int (*get_version_fn)(void *handle, int *version);
typedef const char *(*status_string_fn)(int status);
typedef int (*sgemm_fn)(void *handle, int transa, int transb, int m, int n, int k, const float *alpha,
                        const float *a, int lda, const float *b, int ldb, const float *beta, float *c, int ldc);

static create_fn create = NULL;
static destroy_fn destroy = NULL;
static set_stream_fn set_stream = NULL;
static get_version_fn get_version = NULL;
static status_string_fn status_string = NULL; /* optional: only for messages */
static sgemm_fn sgemm = NULL;

static jstring fail(JNIEnv *env, const char *what, const char *detail) {
    char message[1024];
    snprintf(message, sizeof message, "%s: %s", what, detail != NULL ? detail : "unknown error");
    return (*env)->NewStringUTF(env, message);
}

/*
 * Loads cuBLAS from `cublas` (a path), after its cublasLt from `lt` when that is not null, so a
 * cuBLAS found in a folder that is not on the loader's path (a pip wheel's lib folder) finds its
 * cublasLt already loaded. Returns null on success, else what failed.
 */
JNIEXPORT jstring JNICALL Java_org_bottleneck_backend_cuda_CublasBinding_bind(JNIEnv *env, jclass cls, jstring lt,
                                                                             jstring cublas) {
    (void) cls;
    if (lt != NULL) {
        const char *path = (*env)->GetStringUTFChars(env, lt, NULL);
        if (path == NULL) {
            return NULL; /* OutOfMemoryError pending: Java throws it on return */
        }
        void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
        (*env)->ReleaseStringUTFChars(env, lt, path);
        if (h == NULL) {
            return fail(env, "dlopen cublasLt", dlerror());
        }
    }
    const char *path = (*env)->GetStringUTFChars(env, cublas, NULL);
    if (path == NULL) {
        return NULL; /* as above */
    }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    (*env)->ReleaseStringUTFChars(env, cublas, path);
    if (h == NULL) {
        return fail(env, "dlopen cuBLAS", dlerror());
    }
    struct { const char *name; void **slot; } symbols[] = {
        {"cublasCreate_v2", (void **) &create},
        {"cublasDestroy_v2", (void **) &destroy},
        {"cublasSetStream_v2", (void **) &set_stream},
        {"cublasGetVersion_v2", (void **) &get_version},
        {"cublasSgemm_v2", (void **) &sgemm},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        *symbols[i].slot = dlsym(h, symbols[i].name);
        if (*symbols[i].slot == NULL) {
            return fail(env, symbols[i].name, "not exported by this cuBLAS");
        }
    }
    status_string = (status_string_fn) dlsym(h, "cublasGetStatusString");
    return NULL;
}

/* handle[0] receives the cublasHandle_t. */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CublasBinding_create(JNIEnv *env, jclass cls,
                                                                            jlongArray handle) {
    (void) cls;
    void *h = NULL;
    int status = create(&h);
    jlong value = (jlong) (size_t) h;
    (*env)->SetLongArrayRegion(env, handle, 0, 1, &value);
    return status;
}

JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CublasBinding_destroy(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    return destroy((void *) (size_t) handle);
}

JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CublasBinding_setStream(JNIEnv *env, jclass cls, jlong handle,
                                                                               jlong stream) {
    (void) env;
    (void) cls;
    return set_stream((void *) (size_t) handle, (void *) (size_t) stream);
}

/* version[0] receives cuBLAS's version, e.g. 130002 for 13.0.2 (major·10000 + minor·100 + patch). */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CublasBinding_version(JNIEnv *env, jclass cls, jlong handle,
                                                                             jintArray version) {
    (void) cls;
    int v = 0;
    int status = get_version((void *) (size_t) handle, &v);
    jint value = v;
    (*env)->SetIntArrayRegion(env, version, 0, 1, &value);
    return status;
}

/* cuBLAS's own name for a status (e.g. CUBLAS_STATUS_INVALID_VALUE), or null when it has none. */
JNIEXPORT jstring JNICALL Java_org_bottleneck_backend_cuda_CublasBinding_statusString(JNIEnv *env, jclass cls,
                                                                                     jint status) {
    (void) cls;
    const char *s = status_string != NULL ? status_string(status) : NULL;
    return s != NULL ? (*env)->NewStringUTF(env, s) : NULL;
}

/* C(m, n) = alpha·op(A)·op(B) + beta·C, column-major, on the handle's stream (cublasSgemm_v2). */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CublasBinding_sgemm(
        JNIEnv *env, jclass cls, jlong handle, jboolean transA, jboolean transB, jint m, jint n, jint k,
        jfloat alpha, jlong a, jint lda, jlong b, jint ldb, jfloat beta, jlong c, jint ldc) {
    (void) env;
    (void) cls;
    float al = alpha, be = beta;
    return sgemm((void *) (size_t) handle, transA ? 1 : 0, transB ? 1 : 0, m, n, k, &al,
                 (const float *) (size_t) a, lda, (const float *) (size_t) b, ldb, &be, (float *) (size_t) c, ldc);
}

/* The address of a direct buffer's memory: host memory for tests of this binding against a host cuBLAS twin. */
JNIEXPORT jlong JNICALL Java_org_bottleneck_backend_cuda_CublasBinding_address(JNIEnv *env, jclass cls, jobject buffer) {
    (void) cls;
    return (jlong) (size_t) (*env)->GetDirectBufferAddress(env, buffer);
}
