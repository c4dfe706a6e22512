/* The fake libcublasLt.so.13 that host_cublas.c depends on, as the real libcublas.so.13 depends on
 * the real one: its version, in cublasGetVersion's encoding (major·10000 + minor·100 + patch). */
int cublasLtGetVersion(void) {
    return 130002;
}
