/*
 * Our binding to cuDNN's convolution API: found by dlopen in whichever cuDNN the host has
 * (libcudnn.so.9 or .8; a CUDA 12 or 13 build), as cublas_binding.c does for cuBLAS. JCudnn
 * stops at cuDNN 8 and CUDA 11 and so cannot start on a CUDA 13 host; the "legacy" convolution
 * calls below have the same C signatures in cuDNN 8 and 9, and they are all we call.
 *
 * No cuDNN header is needed: handles and descriptors are opaque pointers, enums are ints with
 * the values of cudnn_ops.h / cudnn_cnn.h (CUDNN_STATUS_SUCCESS = 0, CUDNN_TENSOR_NCHW = 0,
 * CUDNN_DATA_FLOAT = 0, CUDNN_CROSS_CORRELATION = 1, CUDNN_FMA_MATH = 3), and AlgoPerf below
 * has the layout of cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t (the same in all three).
 *
 * Each entry point is one cuDNN call (or create + set of one descriptor) returning cuDNN's status;
 * the policy (which algorithm, how much workspace, when to fall back) is Java's: CudnnConv.
 * Device addresses, handles and descriptors arrive as jlong; alpha and beta are host floats.
 */
#include <dlfcn.h>
#include <jni.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    int algo;
    int status;
    float time;
    size_t memory;
    int determinism;
    int math_type;
    int reserved[3];
} AlgoPerf;

typedef int (*create_fn)(void **out);
typedef int (*destroy_fn)(void *object);
typedef int (*set_stream_fn)(void *handle, void *stream);
typedef size_t (*version_fn)(void);
typedef const char *(*error_string_fn)(int status);
typedef int (*set_tensor_fn)(void *desc, int format, int type, int n, int c, int h, int w);
typedef int (*set_filter_fn)(void *desc, int type, int format, int k, int c, int h, int w);
typedef int (*set_conv_fn)(void *desc, int pad_h, int pad_w, int u, int v, int dil_h, int dil_w, int mode, int type);
typedef int (*set_math_fn)(void *desc, int math_type);
typedef int (*output_dim_fn)(void *conv, void *x, void *w, int *n, int *c, int *h, int *wd);
typedef int (*algorithms_fn)(void *handle, void *a, void *b, void *conv, void *c, int requested, int *returned,
                             AlgoPerf *perf);
typedef int (*workspace_fn)(void *handle, void *a, void *b, void *conv, void *c, int algo, size_t *bytes);
typedef int (*run_fn)(void *handle, const float *alpha, void *a_desc, const void *a, void *b_desc, const void *b,
                      void *conv, int algo, void *workspace, size_t workspace_bytes, const float *beta, void *c_desc,
                      void *c);

static void *library = NULL;
/* The sub-libraries loaded ahead of the front library (see load_sublibraries). */
enum { MOST_SUBLIBRARIES = 8 };
static void *sublibraries[MOST_SUBLIBRARIES];
static int sublibrary_count = 0;
static create_fn create_handle, create_tensor, create_filter, create_conv;
static destroy_fn destroy_handle, destroy_tensor, destroy_filter, destroy_conv;
static set_stream_fn set_stream;
static version_fn get_version, get_cudart_version;
static error_string_fn error_string;
static set_tensor_fn set_tensor;
static set_filter_fn set_filter;
static set_conv_fn set_conv;
static set_math_fn set_math;
static output_dim_fn output_dim;
static algorithms_fn algorithms[3];  /* forward, backward data, backward filter */
static workspace_fn workspace[3];
static run_fn run[3];

static jstring fail(JNIEnv *env, const char *what, const char *detail) {
    char message[2048];
    snprintf(message, sizeof message, "%s: %.1500s", what, detail != NULL ? detail : "unknown error");
    return (*env)->NewStringUTF(env, message);
}

static void close_sublibraries(void) {
    while (sublibrary_count > 0) {
        dlclose(sublibraries[--sublibrary_count]);
    }
}

/*
 * libcudnn.so.N is a front library: it loads its sub-libraries later, by bare soname, through the
 * loader's search path, so a pip wheel's folder that is not on LD_LIBRARY_PATH loses them (cuDNN 8
 * then aborts the process; cuDNN 9 fails some later call). So the sub-libraries that sit next to
 * the front library are opened first, by full path, in dependency order: the front library's
 * later lookups find them already loaded (the loader matches loaded objects by soname). The
 * required ones failing to load fail the bind with the loader's message; the optional ones (the
 * engine libraries, which may need NVRTC or cuBLASLt) are left for cuDNN to report if it needs
 * them. Returns null, or what failed (in `message`).
 */
static const char *load_sublibraries(const char *front, char *message, size_t size) {
    static const char *v9_required[] = {"libcudnn_graph", "libcudnn_ops", "libcudnn_cnn", NULL};
    static const char *v9_optional[] = {"libcudnn_heuristic", "libcudnn_engines_precompiled",
                                        "libcudnn_engines_runtime_compiled", NULL};
    static const char *v8_required[] = {"libcudnn_ops_infer", "libcudnn_ops_train", "libcudnn_cnn_infer",
                                        "libcudnn_cnn_train", NULL};
    static const char *none[] = {NULL};
    const char *slash = strrchr(front, '/');
    const char *so = strstr(front, ".so.");
    if (slash == NULL || so == NULL) {
        return NULL; /* not a path we can take apart: leave it to cuDNN */
    }
    const char *major = so + 4;
    const char **required = strncmp(major, "9", 1) == 0 ? v9_required : strncmp(major, "8", 1) == 0 ? v8_required : none;
    const char **optional = required == v9_required ? v9_optional : none;
    for (int pass = 0; pass < 2; pass++) {
        const char **names = pass == 0 ? required : optional;
        for (int i = 0; names[i] != NULL && sublibrary_count < MOST_SUBLIBRARIES; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%.*s/%s.so.%s", (int) (slash - front), front, names[i], major);
            if (access(path, F_OK) != 0) {
                continue; /* not in this folder (a system install may keep it elsewhere) */
            }
            void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
            if (h != NULL) {
                sublibraries[sublibrary_count++] = h;
            } else if (pass == 0) {
                snprintf(message, size, "%s", dlerror());
                close_sublibraries();
                return message;
            }
        }
    }
    return NULL;
}

/* Opens the cuDNN at `path` (its sub-libraries first) and resolves every function; null on success, else what failed. */
JNIEXPORT jstring JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_bind(JNIEnv *env, jclass cls, jstring path) {
    (void) cls;
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    if (p == NULL) {
        return NULL; /* OutOfMemoryError pending: Java throws it on return */
    }
    char message[1024];
    const char *sub = load_sublibraries(p, message, sizeof message);
    void *h = sub == NULL ? dlopen(p, RTLD_NOW | RTLD_LOCAL) : NULL;
    (*env)->ReleaseStringUTFChars(env, path, p);
    if (sub != NULL) {
        return fail(env, "dlopen cuDNN sub-library", sub);
    }
    if (h == NULL) {
        close_sublibraries();
        return fail(env, "dlopen cuDNN", dlerror());
    }
    struct { const char *name; void **slot; } symbols[] = {
        {"cudnnCreate", (void **) &create_handle},
        {"cudnnDestroy", (void **) &destroy_handle},
        {"cudnnSetStream", (void **) &set_stream},
        {"cudnnGetVersion", (void **) &get_version},
        {"cudnnGetCudartVersion", (void **) &get_cudart_version},
        {"cudnnGetErrorString", (void **) &error_string},
        {"cudnnCreateTensorDescriptor", (void **) &create_tensor},
        {"cudnnSetTensor4dDescriptor", (void **) &set_tensor},
        {"cudnnDestroyTensorDescriptor", (void **) &destroy_tensor},
        {"cudnnCreateFilterDescriptor", (void **) &create_filter},
        {"cudnnSetFilter4dDescriptor", (void **) &set_filter},
        {"cudnnDestroyFilterDescriptor", (void **) &destroy_filter},
        {"cudnnCreateConvolutionDescriptor", (void **) &create_conv},
        {"cudnnSetConvolution2dDescriptor", (void **) &set_conv},
        {"cudnnSetConvolutionMathType", (void **) &set_math},
        {"cudnnDestroyConvolutionDescriptor", (void **) &destroy_conv},
        {"cudnnGetConvolution2dForwardOutputDim", (void **) &output_dim},
        {"cudnnGetConvolutionForwardAlgorithm_v7", (void **) &algorithms[0]},
        {"cudnnGetConvolutionBackwardDataAlgorithm_v7", (void **) &algorithms[1]},
        {"cudnnGetConvolutionBackwardFilterAlgorithm_v7", (void **) &algorithms[2]},
        {"cudnnGetConvolutionForwardWorkspaceSize", (void **) &workspace[0]},
        {"cudnnGetConvolutionBackwardDataWorkspaceSize", (void **) &workspace[1]},
        {"cudnnGetConvolutionBackwardFilterWorkspaceSize", (void **) &workspace[2]},
        {"cudnnConvolutionForward", (void **) &run[0]},
        {"cudnnConvolutionBackwardData", (void **) &run[1]},
        {"cudnnConvolutionBackwardFilter", (void **) &run[2]},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        *symbols[i].slot = dlsym(h, symbols[i].name);
        if (*symbols[i].slot == NULL) {
            for (size_t j = 0; j < sizeof symbols / sizeof symbols[0]; j++) {
                *symbols[j].slot = NULL; /* nothing may call into the library closed below */
            }
            dlclose(h);
            close_sublibraries();
            return fail(env, symbols[i].name, "not exported by this cuDNN");
        }
    }
    library = h;
    return NULL;
}

/* Closes a bound cuDNN that Java decided not to use (built for a newer CUDA than the driver's). */
JNIEXPORT void JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_unbind(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    if (library != NULL) {
        dlclose(library);
        library = NULL;
        close_sublibraries();
        /* the function pointers dangle now; Java calls nothing but bind after unbind */
    }
}

/* cudnnGetVersion: major·10000 + minor·100 + patch for cuDNN 9 (major·1000 + minor·100 + patch for 8). */
JNIEXPORT jlong JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_version(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return (jlong) get_version();
}

/* cudnnGetCudartVersion: the CUDA runtime this cuDNN was built for, e.g. 13000 for 13.0. */
JNIEXPORT jlong JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_cudartVersion(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return (jlong) get_cudart_version();
}

JNIEXPORT jstring JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_errorString(JNIEnv *env, jclass cls,
                                                                                   jint status) {
    (void) cls;
    const char *s = error_string(status);
    return s != NULL ? (*env)->NewStringUTF(env, s) : NULL;
}

static jint put(JNIEnv *env, jlongArray out, int status, void *object) {
    jlong value = (jlong) (size_t) object;
    (*env)->SetLongArrayRegion(env, out, 0, 1, &value);
    return status;
}

/* out[0] receives the cudnnHandle_t (needs a current CUDA context). */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_create(JNIEnv *env, jclass cls, jlongArray out) {
    (void) cls;
    void *h = NULL;
    int status = create_handle(&h);
    return put(env, out, status, h);
}

JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_destroy(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    return destroy_handle((void *) (size_t) handle);
}

JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_setStream(JNIEnv *env, jclass cls, jlong handle,
                                                                              jlong stream) {
    (void) env;
    (void) cls;
    return set_stream((void *) (size_t) handle, (void *) (size_t) stream);
}

/* out[0] receives a float NCHW tensor descriptor (n, c, h, w); destroyed again if setting it fails. */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_tensor(JNIEnv *env, jclass cls, jlongArray out,
                                                                           jint n, jint c, jint h, jint w) {
    (void) cls;
    void *d = NULL;
    int status = create_tensor(&d);
    if (status == 0 && (status = set_tensor(d, 0, 0, n, c, h, w)) != 0) {
        destroy_tensor(d);
        d = NULL;
    }
    return put(env, out, status, d);
}

/* out[0] receives a float NCHW filter descriptor (k = Cout, c = Cin, kh, kw). */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_filter(JNIEnv *env, jclass cls, jlongArray out,
                                                                           jint k, jint c, jint h, jint w) {
    (void) cls;
    void *d = NULL;
    int status = create_filter(&d);
    if (status == 0 && (status = set_filter(d, 0, 0, k, c, h, w)) != 0) {
        destroy_filter(d);
        d = NULL;
    }
    return put(env, out, status, d);
}

/*
 * out[0] receives a 2-D cross-correlation descriptor (PyTorch's Conv2d) with float accumulation,
 * square padding and stride, no dilation, and CUDNN_FMA_MATH: plain FP32, never TF32 tensor
 * cores, so results stay within float rounding of the CPU twin.
 */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_convolution(JNIEnv *env, jclass cls,
                                                                                jlongArray out, jint padding,
                                                                                jint stride) {
    (void) cls;
    void *d = NULL;
    int status = create_conv(&d);
    if (status == 0 && ((status = set_conv(d, padding, padding, stride, stride, 1, 1, 1, 0)) != 0
                        || (status = set_math(d, 3)) != 0)) {
        destroy_conv(d);
        d = NULL;
    }
    return put(env, out, status, d);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_destroyTensor(JNIEnv *env, jclass cls, jlong d) {
    (void) env;
    (void) cls;
    destroy_tensor((void *) (size_t) d);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_destroyFilter(JNIEnv *env, jclass cls, jlong d) {
    (void) env;
    (void) cls;
    destroy_filter((void *) (size_t) d);
}

JNIEXPORT void JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_destroyConvolution(JNIEnv *env, jclass cls,
                                                                                       jlong d) {
    (void) env;
    (void) cls;
    destroy_conv((void *) (size_t) d);
}

/* nchw[0..3] receives cuDNN's idea of the output shape of conv over x with w. */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_outputDim(JNIEnv *env, jclass cls, jlong conv,
                                                                              jlong x, jlong w, jintArray nchw) {
    (void) cls;
    int d[4] = {0, 0, 0, 0};
    int status = output_dim((void *) (size_t) conv, (void *) (size_t) x, (void *) (size_t) w, &d[0], &d[1], &d[2], &d[3]);
    jint values[4] = {d[0], d[1], d[2], d[3]};
    (*env)->SetIntArrayRegion(env, nchw, 0, 4, values);
    return status;
}

/*
 * The _v7 heuristics' ranking for `kind` (0 forward: a = x, b = w, c = y; 1 backward data:
 * a = w, b = dy, c = dx; 2 backward filter: a = x, b = dy, c = dw), best first. Up to
 * algo.length entries; count[0] receives how many, and per entry its algorithm, status,
 * determinism (1 = deterministic), math type and workspace bytes.
 */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_algorithms(
        JNIEnv *env, jclass cls, jint kind, jlong handle, jlong a, jlong b, jlong conv, jlong c, jintArray count,
        jintArray algo, jintArray status, jintArray determinism, jintArray math, jlongArray memory) {
    (void) cls;
    enum { MOST = 16 };
    AlgoPerf perf[MOST];
    int requested = (*env)->GetArrayLength(env, algo);
    if (requested > MOST) {
        requested = MOST;
    }
    int returned = 0;
    int rc = algorithms[kind]((void *) (size_t) handle, (void *) (size_t) a, (void *) (size_t) b,
                              (void *) (size_t) conv, (void *) (size_t) c, requested, &returned, perf);
    if (rc != 0) {
        return rc;
    }
    if (returned > requested) {
        returned = requested;
    }
    for (int i = 0; i < returned; i++) {
        jint v[4] = {perf[i].algo, perf[i].status, perf[i].determinism, perf[i].math_type};
        jlong bytes = (jlong) perf[i].memory;
        (*env)->SetIntArrayRegion(env, algo, i, 1, &v[0]);
        (*env)->SetIntArrayRegion(env, status, i, 1, &v[1]);
        (*env)->SetIntArrayRegion(env, determinism, i, 1, &v[2]);
        (*env)->SetIntArrayRegion(env, math, i, 1, &v[3]);
        (*env)->SetLongArrayRegion(env, memory, i, 1, &bytes);
    }
    jint n = returned;
    (*env)->SetIntArrayRegion(env, count, 0, 1, &n);
    return 0;
}

/* bytes[0] receives the workspace `algo` needs for `kind` (descriptors as in algorithms). */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_workspaceBytes(
        JNIEnv *env, jclass cls, jint kind, jlong handle, jlong a, jlong b, jlong conv, jlong c, jint algo,
        jlongArray bytes) {
    (void) cls;
    size_t size = 0;
    int rc = workspace[kind]((void *) (size_t) handle, (void *) (size_t) a, (void *) (size_t) b,
                             (void *) (size_t) conv, (void *) (size_t) c, algo, &size);
    jlong value = (jlong) size;
    (*env)->SetLongArrayRegion(env, bytes, 0, 1, &value);
    return rc;
}

/*
 * c = alpha·op(a, b) + beta·c on the handle's stream, for `kind` (0: cudnnConvolutionForward,
 * y from x and w; 1: cudnnConvolutionBackwardData, dx from w and dy; 2:
 * cudnnConvolutionBackwardFilter, dw from x and dy).
 */
JNIEXPORT jint JNICALL Java_org_bottleneck_backend_cuda_CudnnBinding_run(
        JNIEnv *env, jclass cls, jint kind, jlong handle, jfloat alpha, jlong a_desc, jlong a, jlong b_desc, jlong b,
        jlong conv, jint algo, jlong ws, jlong ws_bytes, jfloat beta, jlong c_desc, jlong c) {
    (void) env;
    (void) cls;
    float al = alpha, be = beta;
    return run[kind]((void *) (size_t) handle, &al, (void *) (size_t) a_desc, (const void *) (size_t) a,
                     (void *) (size_t) b_desc, (const void *) (size_t) b, (void *) (size_t) conv, algo,
                     (void *) (size_t) ws, (size_t) ws_bytes, &be, (void *) (size_t) c_desc, (void *) (size_t) c);
}
