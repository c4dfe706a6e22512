package org.bottleneck.backend;

import org.bottleneck.tensor.Allocator;
import org.bottleneck.tensor.Storage;
import org.bottleneck.tensor.Tensor;

/**
 * Memory and every numeric op the layers need. Layers see only tensors and these calls, so a
 * model trains unchanged on the CPU ({@code backend/cpu}) or a GPU ({@code backend/cuda}).
 *
 * <p>Conventions: tensors are row-major and contiguous; B = batch rows, N/D/Z = features.
 * "Accumulate" means {@code +=}. Random ops take a Philox stream {@code (seed, offset)} and use
 * its elements {@code offset + i} for output element i (see {@link Philox}). Ops are
 * asynchronous on a GPU; only the calls that return a value to Java synchronize.
 */
public interface Backend extends Allocator, AutoCloseable {

    /** "cpu" or "cuda". */
    String name();

    /** One line for {@code info}: device, threads, BLAS core. */
    String describe();

    // ---------------------------------------------------------------- memory

    /** A zero-filled allocation of {@code floats} floats; label names it in errors. */
    @Override
    Storage allocate(long floats, String label);

    /** Host → tensor: copies {@code dst.size()} floats from {@code src[srcOffset..]}. */
    void upload(float[] src, int srcOffset, Tensor dst);

    /** Tensor → host: copies {@code src.size()} floats into {@code dst[dstOffset..]}. Synchronizes. */
    void download(Tensor src, float[] dst, int dstOffset);

    /** Waits for all queued work. */
    void synchronize();

    // ---------------------------------------------------------------- basic

    void fill(Tensor x, float value);

    /** dst = src (same size). */
    void copy(Tensor src, Tensor dst);

    /** x *= alpha. */
    void scale(Tensor x, float alpha);

    /** Σ x², accumulated in double. Synchronizes. */
    double sumSquares(Tensor x);

    /** out = a ⊙ b, element-wise (out may alias a or b). */
    void multiply(Tensor a, Tensor b, Tensor out);

    /**
     * A residual connection's sum: dst (B, r·S) += src (B, S), each row of src added to each of
     * the r blocks of its row of dst (r = 1: element-wise; r = 3 from one channel: a grey image
     * added to the R, G and B planes).
     */
    void accumulate(Tensor src, Tensor dst);

    // ---------------------------------------------------------------- dense

    /**
     * Row-major {@code C(m×n) = alpha·op(A)·op(B) + beta·C}; op(A) is (m×k), op(B) is (k×n).
     * Stored A is (m×k), or (k×m) when transA; stored B is (k×n), or (n×k) when transB.
     * Mapped to column-major BLAS by {@link GemmMapping}.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Tensor a, Tensor b, float beta, Tensor c);

    /**
     * {@code y(B,N) = act(x(B,N) + bias(N))}, bias broadcast over rows. x may alias y (the
     * usual case: the GEMM writes y, this finishes it in place).
     */
    void biasActivationForward(Tensor x, Tensor bias, Activation act, Tensor y);

    /**
     * {@code dx(B,N) = dy ⊙ act'(y)} from the saved output y, and, if dbias is not null,
     * {@code dbias(N) += Σ_b dx[b,:]}. dx may alias dy.
     */
    void biasActivationBackward(Tensor y, Tensor dy, Activation act, Tensor dx, Tensor dbias);

    // ---------------------------------------------------------------- convolution (NCHW)

    /**
     * Floats of scratch the three convolution ops of {@code g} need (im2col columns, or a cuDNN
     * workspace). Callers take it from the activation arena, once per layer and batch size.
     */
    long convWorkspaceFloats(ConvGeometry g);

    /**
     * {@code y(B,Cout,Ho,Wo)[n,co,oh,ow] = Σ_{ci,kh,kw} w(Cout,Cin,k,k)[co,ci,kh,kw] ·
     * x(B,Cin,H,W)[n, ci, oh·s − p + kh, ow·s − p + kw]} (zero outside x), overwriting y. No bias.
     */
    void conv2dForward(ConvGeometry g, Tensor x, Tensor w, Tensor y, Tensor workspace);

    /**
     * The gradient with respect to the input, overwriting dx(B,Cin,H,W):
     * {@code dx[n,ci,ih,iw] = Σ dy(B,Cout,Ho,Wo)[n,co,oh,ow] · w[co,ci,kh,kw]} over
     * {@code ih = oh·s − p + kh, iw = ow·s − p + kw}. Also the forward of ConvTranspose2d.
     */
    void conv2dBackwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx, Tensor workspace);

    /**
     * The gradient with respect to the weight: {@code dw(Cout,Cin,k,k) = beta·dw +
     * Σ_{n,oh,ow} dy[n,co,oh,ow] · x[n, ci, oh·s − p + kh, ow·s − p + kw]}; beta is 0 (write) or 1
     * (accumulate).
     */
    void conv2dBackwardFilter(ConvGeometry g, Tensor x, Tensor dy, float beta, Tensor dw, Tensor workspace);

    /**
     * {@code y(B,C,H,W) = act(x + bias(C)[c])}, one bias per channel (x and y rank 4, NCHW);
     * bias null for a layer without one: {@code y = act(x)}. x may alias y.
     */
    void channelBiasActivationForward(Tensor x, Tensor bias, Activation act, Tensor y);

    /**
     * {@code dx(B,C,H,W) = dy ⊙ act'(y)} from the saved output y, and, if dbias is not null,
     * {@code dbias(C)[c] += Σ_{n,h,w} dx[n,c,h,w]}. dx may alias dy.
     */
    void channelBiasActivationBackward(Tensor y, Tensor dy, Activation act, Tensor dx, Tensor dbias);

    /**
     * Centres each plane: {@code y(B,C,H,W)[n,c] = x[n,c] − m[n,c]}, m the mean of x's plane
     * (n, c) over its H·W pixels, summed in double and rounded to float before the subtraction.
     * x may alias y. The map is the projection I − 11ᵀ/(H·W) on each plane, symmetric, so it is
     * also its own backward: {@code dx = subtractPlaneMean(dy)}.
     */
    void subtractPlaneMean(Tensor x, Tensor y);

    /** Nearest-neighbour upsampling: {@code y(B,C,H·f,W·f)[n,c,i,j] = x(B,C,H,W)[n,c,i/f,j/f]}. */
    void upsampleNearestForward(Tensor x, int factor, Tensor y);

    /** {@code dx(B,C,H,W)[n,c,i,j] = Σ_{a,b<f} dy(B,C,H·f,W·f)[n,c,i·f+a,j·f+b]}, overwriting dx. */
    void upsampleNearestBackward(Tensor dy, int factor, Tensor dx);

    /**
     * Bicubic upsampling as PIL's {@code resize(BICUBIC)} grows an image (the super-resolution
     * baseline): {@code y(B,C,H·f,W·f)[n,c,i,j] = Σ_{r,s} u_i(r)·u_j(s)·x(B,C,H,W)[n,c,r,s]}, with
     * the 1-D weights of output i over the source pixels r within 2 of its centre
     * {@code (i + ½)/f}: Keys' cubic (a = −0.5) at {@code r + ½ − (i + ½)/f}, the taps outside the
     * image dropped and the rest normalized to sum 1 (so a flat image stays flat). Summed in
     * double in (r, s) order. Forward only: its input is data (a residual base), never a layer's
     * output that needs a gradient.
     */
    void upsampleBicubicForward(Tensor x, int factor, Tensor y);

    /**
     * Max pooling without padding: {@code y(B,C,Ho,Wo)[n,c,oh,ow] = max_{kh,kw<k}
     * x(B,C,H,W)[n,c,oh·s+kh,ow·s+kw]}, {@code Ho = (H − k)/s + 1}. {@code argmax(B,C,Ho,Wo)}
     * gets the in-plane index {@code ih·W + iw} (as a float, exact below 2^24) of the first
     * maximum in row-major window order; a NaN in the window wins.
     */
    void maxPoolForward(Tensor x, int kernel, int stride, Tensor y, Tensor argmax);

    /**
     * {@code dx(B,C,H,W)[n,c,i] = Σ dy[n,c,o]} over the windows o whose argmax is in-plane index
     * i, overwriting dx (gathered per input element: no atomics, deterministic).
     */
    void maxPoolBackward(Tensor dy, Tensor argmax, int kernel, int stride, Tensor dx);

    // ---------------------------------------------------------------- losses

    /**
     * Binary cross-entropy on logits x (B,D) against targets t (B,D) in [0,1], stable form
     * {@code ℓ = max(x,0) − x·t + log1p(exp(−|x|))}, weighted by the loss mask m (B,D) of 0/1
     * values (null: every element counts). Writes {@code loss(B)[b] = Σ_d m·ℓ} and, if dx is
     * not null, {@code dx = gradScale·m·(sigmoid(x) − t)}.
     */
    void bceWithLogits(Tensor x, Tensor t, Tensor mask, Tensor loss, Tensor dx, float gradScale);

    /**
     * Squared error {@code ℓ = (x − t)²} weighted by the mask m (B,D) or null:
     * {@code loss(B)[b] = Σ_d m·ℓ} and, if dx is not null, {@code dx = gradScale·2m(x − t)}.
     */
    void mse(Tensor x, Tensor t, Tensor mask, Tensor loss, Tensor dx, float gradScale);

    /**
     * L1 activity penalty on codes h (B,Z): {@code loss[b] += lambda·Σ_j |h[b,j]|} and, if dh
     * is not null, {@code dh += gradScale·lambda·sign(h)} (accumulates into both).
     */
    void l1Penalty(Tensor h, float lambda, Tensor loss, Tensor dh, float gradScale);

    // ---------------------------------------------------------------- VAE head

    /**
     * Reparameterization + KL. h (B,2Z) holds [mu | logvar] per row. When {@code sample},
     * {@code eps(B,Z)[b,j] = normal(seed, offset + b·Z + j)}, else eps = 0. Writes
     * {@code z = mu + exp(½·logvar)·eps} and {@code kl(B)[b] = −½·Σ_j (1 + logvar − mu² − exp(logvar))}.
     */
    void gaussianLatentForward(Tensor h, boolean sample, long seed, long offset,
                               Tensor eps, Tensor z, Tensor kl);

    /**
     * Backward of the reparameterization with a KL term weighted by klScale (= β / B when the
     * loss is averaged over the batch): {@code dmu = dz + klScale·mu},
     * {@code dlogvar = ½·dz·eps·exp(½·logvar) + ½·klScale·(exp(logvar) − 1)}, written to dh (B,2Z).
     */
    void gaussianLatentBackward(Tensor h, Tensor eps, Tensor dz, float klScale, Tensor dh);

    // ---------------------------------------------------------------- randomness

    /** out[i] = uniform(seed, offset + i) in (0, 1). */
    void uniform(Tensor out, long seed, long offset);

    /** out[i] = mean + std·normal(seed, offset + i). */
    void normal(Tensor out, long seed, long offset, float mean, float std);

    /**
     * Inverted dropout: {@code mask[i] = uniform(seed, offset+i) < p ? 0 : 1/(1−p)},
     * {@code y = x ⊙ mask}. Backward is {@link #multiply}(dy, mask, dx).
     */
    void dropout(Tensor x, float p, long seed, long offset, Tensor mask, Tensor y);


    // ---------------------------------------------------------------- optimizers

    /**
     * One fused AdamW step over flat buffers (PyTorch's torch.optim.AdamW; Adam when
     * weightDecay = 0): {@code p *= 1 − lr·wd; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
     * p −= lr·(m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps)}. step t starts at 1.
     */
    void adamw(Tensor params, Tensor grads, Tensor m, Tensor v,
               float lr, float beta1, float beta2, float eps, float weightDecay, int step);

    /**
     * SGD with momentum (PyTorch's torch.optim.SGD, dampening 0):
     * {@code g' = g + wd·p; buf = momentum·buf + g'; p −= lr·buf}.
     */
    void sgd(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum, float weightDecay);

    @Override
    void close();
}
