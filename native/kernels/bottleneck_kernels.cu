// The one translation unit nvcc compiles: every kernel family, so the PTX and the fatbin are
// each a single module the backend loads with one cuModuleLoadData.
#include "basic.cu"
#include "bias_activation.cu"
#include "loss.cu"
#include "latent.cu"
#include "random.cu"
#include "optim.cu"
#include "conv.cu"
