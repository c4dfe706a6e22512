package org.bottleneck.backend.cpu;

import org.bottleneck.backend.Activation;
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.tensor.Tensor;

/** The CPU twins of the convolution-family ops (see Backend for the formulas). Not yet written. */
final class CpuConv {
    private final CpuBackend backend;

    CpuConv(CpuBackend backend) {
        this.backend = backend;
    }

    long workspaceFloats(ConvGeometry g) {
        throw new UnsupportedOperationException("cpu: convolution is not implemented yet");
    }

    void forward(ConvGeometry g, Tensor x, Tensor w, Tensor y, Tensor workspace) {
        throw new UnsupportedOperationException("cpu: conv2dForward is not implemented yet");
    }

    void backwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx, Tensor workspace) {
        throw new UnsupportedOperationException("cpu: conv2dBackwardData is not implemented yet");
    }

    void backwardFilter(ConvGeometry g, Tensor x, Tensor dy, float beta, Tensor dw, Tensor workspace) {
        throw new UnsupportedOperationException("cpu: conv2dBackwardFilter is not implemented yet");
    }

    void channelBiasActivationForward(Tensor x, Tensor bias, Activation act, Tensor y) {
        throw new UnsupportedOperationException("cpu: channelBiasActivationForward is not implemented yet");
    }

    void channelBiasActivationBackward(Tensor y, Tensor dy, Activation act, Tensor dx, Tensor dbias) {
        throw new UnsupportedOperationException("cpu: channelBiasActivationBackward is not implemented yet");
    }

    void upsampleNearestForward(Tensor x, int factor, Tensor y) {
        throw new UnsupportedOperationException("cpu: upsampleNearestForward is not implemented yet");
    }

    void upsampleNearestBackward(Tensor dy, int factor, Tensor dx) {
        throw new UnsupportedOperationException("cpu: upsampleNearestBackward is not implemented yet");
    }

    void maxPoolForward(Tensor x, int kernel, int stride, Tensor y, Tensor argmax) {
        throw new UnsupportedOperationException("cpu: maxPoolForward is not implemented yet");
    }

    void maxPoolBackward(Tensor dy, Tensor argmax, int kernel, int stride, Tensor dx) {
        throw new UnsupportedOperationException("cpu: maxPoolBackward is not implemented yet");
    }
}
