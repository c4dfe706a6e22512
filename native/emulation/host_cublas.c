/*
 * A host twin of the five cuBLAS functions our binding (native/cuda-host/cublas_binding.c) calls,
 * built by CublasBindingTest into a fake libcublas.so.13 that depends on a fake libcublasLt.so.13,
 * laid out as NVIDIA's pip wheel lays them out. "Device" memory is host memory, so the binding's
 * dlopen, symbol lookup and argument passing run for real against a column-major reference.
 * Argument checks and status codes follow cuBLAS's documentation (CUBLAS_STATUS_INVALID_VALUE for
 * negative sizes or a leading dimension below the rows of its matrix). One addition: SGEMM on a
 * handle whose stream was never set fails, since our device always sets its own stream.
 */
#include <stdlib.h>

enum { OK = 0, NOT_INITIALIZED = 1, INVALID_VALUE = 7, EXECUTION_FAILED = 13 };

struct handle {
    void *stream;
};

int cublasLtGetVersion(void); /* from the fake libcublasLt.so.13: makes the dependency real */

int cublasCreate_v2(struct handle **h) {
    *h = calloc(1, sizeof **h);
    return *h == NULL ? NOT_INITIALIZED : OK;
}

int cublasDestroy_v2(struct handle *h) {
    if (h == NULL) {
        return NOT_INITIALIZED;
    }
    free(h);
    return OK;
}

int cublasSetStream_v2(struct handle *h, void *stream) {
    if (h == NULL) {
        return NOT_INITIALIZED;
    }
    h->stream = stream;
    return OK;
}

int cublasGetVersion_v2(struct handle *h, int *version) {
    if (h == NULL) {
        return NOT_INITIALIZED;
    }
    *version = cublasLtGetVersion();
    return OK;
}

const char *cublasGetStatusString(int status) {
    switch (status) {
        case OK: return "CUBLAS_STATUS_SUCCESS";
        case NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
        case EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
        default: return "CUBLAS_STATUS_UNKNOWN";
    }
}

static int max1(int v) {
    return v > 1 ? v : 1;
}

/* C(m, n) = alpha·op(A)·op(B) + beta·C, column-major; op(A) is (m, k), op(B) is (k, n). */
int cublasSgemm_v2(struct handle *h, int transa, int transb, int m, int n, int k, const float *alpha,
                   const float *a, int lda, const float *b, int ldb, const float *beta, float *c, int ldc) {
    if (h == NULL) {
        return NOT_INITIALIZED;
    }
    if (m < 0 || n < 0 || k < 0 || (transa != 0 && transa != 1) || (transb != 0 && transb != 1)
            || lda < max1(transa ? k : m) || ldb < max1(transb ? n : k) || ldc < max1(m)) {
        return INVALID_VALUE;
    }
    if (h->stream == NULL) {
        return EXECUTION_FAILED;
    }
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int l = 0; l < k; l++) {
                float x = transa ? a[l + (size_t) i * lda] : a[i + (size_t) l * lda];
                float y = transb ? b[j + (size_t) l * ldb] : b[l + (size_t) j * ldb];
                acc += (double) x * y;
            }
            float *out = &c[i + (size_t) j * ldc];
            *out = (float) (*alpha * acc + (*beta == 0 ? 0 : *beta * *out)); /* beta = 0: C is not read, as in BLAS */
        }
    }
    return OK;
}
