/*
 * A stand-in for one of cuDNN's sub-libraries (libcudnn_ops.so.9, libcudnn_ops_infer.so.8, …):
 * host_cudnn.c, the fake front library, loads it by bare soname as the real one does, so the
 * tests can tell whether our binding preloaded it from the front library's folder.
 */
int host_cudnn_sublibrary_present(void) { return 1; }
