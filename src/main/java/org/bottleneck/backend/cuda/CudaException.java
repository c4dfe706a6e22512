package org.bottleneck.backend.cuda;

/** A CUDA driver, cuBLAS or kernel-loading failure, with the call and values in the message. */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
