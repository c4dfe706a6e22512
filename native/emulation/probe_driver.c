/*
 * A stand-in libcuda.so.1 for CudaProbeOnFakeHostsTest: just enough of the driver API for
 * CudaProbe to get past the driver (cuInit, cuDriverGetVersion, cuDeviceGetCount) and reach the
 * choice and binding of cuBLAS, as it would on a real host. The driver version comes from
 * BOTTLENECK_FAKE_DRIVER_VERSION (cuDriverGetVersion's encoding: 13000 = CUDA 13.0). JCuda's
 * driver library binds lazily, so functions not called need not exist; a device is never opened.
 */
#include <stdlib.h>

int cuInit(unsigned int flags) {
    (void) flags;
    return 0;
}

int cuDriverGetVersion(int *version) {
    const char *v = getenv("BOTTLENECK_FAKE_DRIVER_VERSION");
    *version = v != NULL ? atoi(v) : 13000;
    return 0;
}

int cuDeviceGetCount(int *count) {
    *count = 1;
    return 0;
}

/* Past the probe there is no device: opening one fails as on a machine whose GPU fell off the bus. */
int cuDeviceGet(int *device, int ordinal) {
    (void) ordinal;
    *device = -1;
    return 101; /* CUDA_ERROR_INVALID_DEVICE */
}
