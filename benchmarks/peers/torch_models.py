"""PyTorch twins of Bottleneck's `vae`, `ae`, `convae` and `convvae` presets
(model/Presets.java), and MNIST from the IDX files the repository ships (data/mnist/*.gz).

Same layer shapes, same losses, same optimizer as ours:

  vae  encoder 784-512-256 (ReLU) -> Linear 256->40 = [mu | logvar]; decoder 20-256-512-784 logits;
       loss = BCE-with-logits summed over pixels + KL(q(z|x) || N(0, I)), mean over the batch
  ae   encoder 784-512-256-32 (ReLU, linear code); decoder 32-256-512-784 logits;
       loss = BCE-with-logits summed over pixels, mean over the batch
  convae  input (1, 28, 28): Conv2d(1->32, k3 s2 p1) ReLU -> (32, 14, 14), Conv2d(32->64, k3 s2
       p1) ReLU -> (64, 7, 7), Flatten, Linear 3136->32 (linear code); decoder Linear 32->3136
       ReLU, Unflatten (64, 7, 7), ConvTranspose2d(64->32, k3 s2 p1 op1) ReLU -> (32, 14, 14),
       ConvTranspose2d(32->1, k3 s2 p1 op1) -> logits (1, 28, 28); loss as ae
  convvae the convae encoder into Linear 3136->32 = [mu | logvar] (Z = 16); decoder from Linear
       16->3136 as convae's; loss as vae (beta 1)
  all  Adam, lr 1e-3 (PyTorch defaults otherwise: betas (0.9, 0.999), eps 1e-8, no weight decay)

The conv models take the same (N, 784) batches and view them as (N, 1, 28, 28).

Targets are the continuous pixels (value / 255 as float32), not binarized. Module names follow
our checkpoints' tensor names (encoder.0.weight (512, 784), ...).

Used by torch_bench.py; needs only torch and numpy (Debian: python3-torch, python3-numpy).
"""

import gzip
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_DIR = os.path.join(REPO_ROOT, "data", "mnist")

# What our Autoencoder holds for each preset, weights plus biases, layer by layer:
#   vae: 784*512+512 + 512*256+256 + 256*40+40 | 20*256+256 + 256*512+512 + 512*784+784
#        = 401920 + 131328 + 10280 | 5376 + 131584 + 402192 = 1,082,680
#   ae:  784*512+512 + 512*256+256 + 256*32+32 | 32*256+256 + 256*512+512 + 512*784+784
#        = 401920 + 131328 + 8224 | 8448 + 131584 + 402192 = 1,083,696
#   convae:  conv 1*32*9+32 + 32*64*9+64 + 3136*32+32 | 32*3136+3136 + 64*32*9+32 + 32*1*9+1
#            = 320 + 18496 + 100384 | 103488 + 18464 + 289 = 241,441
#   convvae: the same with the decoder's Linear 16*3136+3136 = 53312: 191,265
EXPECTED_PARAMETERS = {"vae": 1_082_680, "ae": 1_083_696, "convae": 241_441, "convvae": 191_265}
CONV_MODELS = ("convae", "convvae")

INPUT_DIM = 784
IMAGE = (1, 28, 28)
HIDDEN = (512, 256)
LATENT = {"vae": 20, "ae": 32, "convae": 32, "convvae": 16}


def _mlp(widths, last_activation):
    """Linear layers between consecutive widths with ReLU after each hidden one (and after the
    last when last_activation). Indices match nn.Sequential's: Linear at 0, 2, 4 ..."""
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2 or last_activation:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class VAE(nn.Module):
    def __init__(self, latent=LATENT["vae"]):
        super().__init__()
        self.latent = latent
        self.encoder = _mlp((INPUT_DIM,) + HIDDEN + (2 * latent,), last_activation=False)
        self.decoder = _mlp((latent,) + HIDDEN[::-1] + (INPUT_DIM,), last_activation=False)

    def forward(self, x):
        h = self.encoder(x)
        mu, logvar = h[:, :self.latent], h[:, self.latent:]
        # Reparameterization, also at evaluation (as PyTorch's VAE example does).
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decoder(z), mu, logvar

    def losses(self, x):
        """(mean total loss, mean reconstruction, mean KL) per image, in nats."""
        logits, mu, logvar = self(x)
        n = x.shape[0]
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / n
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / n
        return recon + kl, recon, kl


class AE(nn.Module):
    def __init__(self, latent=LATENT["ae"]):
        super().__init__()
        self.encoder = _mlp((INPUT_DIM,) + HIDDEN + (latent,), last_activation=False)
        self.decoder = _mlp((latent,) + HIDDEN[::-1] + (INPUT_DIM,), last_activation=False)

    def forward(self, x):
        return self.decoder(self.encoder(x))

    def losses(self, x):
        logits = self(x)
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
        return recon, recon, torch.zeros((), dtype=recon.dtype)


def _conv_encoder(out):
    """Conv2d(1->32, k3 s2 p1) ReLU, Conv2d(32->64, k3 s2 p1) ReLU, Flatten, Linear(3136->out):
    slots 0..5 as in our checkpoints (encoder.0, encoder.2, encoder.5)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, out))


def _conv_decoder(latent):
    """Linear(Z->3136) ReLU, Unflatten(64, 7, 7), ConvTranspose2d(64->32, k3 s2 p1 op1) ReLU,
    ConvTranspose2d(32->1, k3 s2 p1 op1) logits: decoder.0, decoder.3, decoder.5."""
    return nn.Sequential(
        nn.Linear(latent, 64 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1))


class ConvAE(AE):
    def __init__(self, latent=LATENT["convae"]):
        nn.Module.__init__(self)
        self.encoder = _conv_encoder(latent)
        self.decoder = _conv_decoder(latent)

    def forward(self, x):
        return self.decoder(self.encoder(x.view(-1, *IMAGE))).view(-1, INPUT_DIM)


class ConvVAE(VAE):
    def __init__(self, latent=LATENT["convvae"]):
        nn.Module.__init__(self)
        self.latent = latent
        self.encoder = _conv_encoder(2 * latent)
        self.decoder = _conv_decoder(latent)

    def forward(self, x):
        logits, mu, logvar = super().forward(x.view(-1, *IMAGE))
        return logits.view(-1, INPUT_DIM), mu, logvar


def build(name):
    if name == "vae":
        return VAE()
    if name == "ae":
        return AE()
    if name == "convae":
        return ConvAE()
    if name == "convvae":
        return ConvVAE()
    raise ValueError("unknown model '%s' (expected one of %s)" % (name, ", ".join(EXPECTED_PARAMETERS)))


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def optimizer_for(model, foreach=None):
    """Adam lr 1e-3 like our default TrainConfig. foreach=None is PyTorch's own choice (the
    per-tensor loop on CPU in 1.13); True uses the multi-tensor implementation."""
    return torch.optim.Adam(model.parameters(), lr=1e-3, foreach=foreach)


def _read_idx(path, magic, header_ints):
    with gzip.open(path, "rb") as f:
        data = f.read()
    head = struct.unpack(">%dI" % header_ints, data[:4 * header_ints])
    if head[0] != magic:
        raise ValueError("%s: IDX magic %#x, expected %#x" % (path, head[0], magic))
    return head, np.frombuffer(data, dtype=np.uint8, offset=4 * header_ints)


def load_mnist(train, limit=0, data_dir=DATA_DIR):
    """Images as a float32 tensor (N, 784) of pixel / 255, in file order; first `limit` only when > 0."""
    prefix = "train" if train else "t10k"
    path = os.path.join(data_dir, prefix + "-images-idx3-ubyte.gz")
    (_, n, rows, cols), pixels = _read_idx(path, 0x00000803, 4)
    if rows * cols != INPUT_DIM or pixels.size != n * rows * cols:
        raise ValueError("%s: %d images of %dx%d but %d pixel bytes" % (path, n, rows, cols, pixels.size))
    x = pixels.reshape(n, INPUT_DIM).astype(np.float32) / np.float32(255)
    if limit and limit < n:
        x = x[:limit]
    return torch.from_numpy(np.ascontiguousarray(x))


def linear_shapes(model):
    """(in, out) of every Linear, encoder then decoder."""
    return [(m.in_features, m.out_features) for m in model.modules() if isinstance(m, nn.Linear)]


def gemm_shapes(model, batch):
    """The GEMMs (m, n, k, transA, transB; C(m,n) = op(A)(m,k) op(B)(k,n)) of one training step
    at this batch, in our Layer.gemmShapes order and shapes: a Linear runs forward, dW and (all
    but the first layer) dX; a conv layer the im2col GEMMs of our CPU backend (ConvGeometry),
    rows = positions, k = the patch; a ConvTranspose2d is the convolution G from its output to
    its input run backwards (forward = G's data GEMM, dW = G's filter GEMM, dX = G's forward).
    PyTorch itself runs its convs through oneDNN, not these GEMMs: this is the step time if
    only our backend's GEMMs ran, timed through PyTorch's BLAS."""
    out = []
    shape = IMAGE if isinstance(model, (ConvAE, ConvVAE)) else (INPUT_DIM,)
    first = True
    for seq_i, seq in enumerate((model.encoder, model.decoder)):
        if seq_i == 1:
            shape = (model.latent if isinstance(model, VAE) else seq[0].in_features,)
        for m in seq:
            if isinstance(m, nn.Linear):
                fwd = (batch, m.out_features, m.in_features, False, True)
                dw = (m.out_features, m.in_features, batch, True, False)
                dx = (batch, m.in_features, m.out_features, False, False)
                out += [fwd, dw] + ([] if first else [dx])
                shape = (m.out_features,)
            elif isinstance(m, nn.Conv2d):
                c, h, w = shape
                k, s, p = m.kernel_size[0], m.stride[0], m.padding[0]
                ho, wo = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
                rows, patch = batch * ho * wo, c * k * k
                out += [(rows, m.out_channels, patch, False, True), (m.out_channels, patch, rows, True, False)]
                out += [] if first else [(rows, patch, m.out_channels, False, False)]
                shape = (m.out_channels, ho, wo)
            elif isinstance(m, nn.ConvTranspose2d):
                c, h, w = shape
                k, s, p, op = m.kernel_size[0], m.stride[0], m.padding[0], m.output_padding[0]
                rows, patch = batch * h * w, m.out_channels * k * k
                data = (rows, patch, c, False, False)
                filt = (c, patch, rows, True, False)
                conv = (rows, c, patch, False, True)
                out += [data, filt] + ([] if first else [conv])
                shape = (m.out_channels, (h - 1) * s - 2 * p + k + op, (w - 1) * s - 2 * p + k + op)
            elif isinstance(m, nn.Unflatten):
                shape = tuple(m.unflattened_size)
            elif isinstance(m, nn.Flatten):
                shape = (int(np.prod(shape)),)
            else:
                continue  # ReLU: no GEMM, shape unchanged
            first = False
    return out
