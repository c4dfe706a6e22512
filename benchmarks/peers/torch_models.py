"""PyTorch twins of Bottleneck's `vae` and `ae` presets (model/ModelConfig.java), and MNIST from
the IDX files the repository ships (data/mnist/*.gz).

Same layer shapes, same losses, same optimizer as ours:

  vae  encoder 784-512-256 (ReLU) -> Linear 256->40 = [mu | logvar]; decoder 20-256-512-784 logits;
       loss = BCE-with-logits summed over pixels + KL(q(z|x) || N(0, I)), mean over the batch
  ae   encoder 784-512-256-32 (ReLU, linear code); decoder 32-256-512-784 logits;
       loss = BCE-with-logits summed over pixels, mean over the batch
  both Adam, lr 1e-3 (PyTorch defaults otherwise: betas (0.9, 0.999), eps 1e-8, no weight decay)

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
EXPECTED_PARAMETERS = {"vae": 1_082_680, "ae": 1_083_696}

INPUT_DIM = 784
HIDDEN = (512, 256)
LATENT = {"vae": 20, "ae": 32}


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


def build(name):
    if name == "vae":
        return VAE()
    if name == "ae":
        return AE()
    raise ValueError("unknown model '%s' (expected vae or ae)" % name)


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
    """(in, out) of every Linear, encoder then decoder: what the GEMM ceiling is built from."""
    return [(m.in_features, m.out_features) for m in model.modules() if isinstance(m, nn.Linear)]
