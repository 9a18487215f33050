"""Benchmark (not a test): chapter 10's convolution, the NumPy reference against PyTorch on the CPU.

1. Forward plus backward of one convolutional layer (3x3 filters, pad 1, stride 1) on an
   MNIST-sized batch: 64x1x28x28 with 8 filters and 64x8x14x14 with 16 filters (the two
   layers of the chapter's CNN). NumPy: ``ref_numpy.conv.conv2d_forward`` and
   ``conv2d_backward`` (im2col and one matrix product). PyTorch: ``F.conv2d`` and
   ``torch.autograd.grad`` for (dx, dw, db). Same inputs, same dtype, float32 and float64.
2. One training epoch of the chapter's CNN (3,500 digits, batches of 16, SGD), NumPy
   ``ref_numpy.cnn.train_step`` against ``ref_torch.cnn.train_step`` (nn.Sequential,
   autograd, optim.SGD), same initial weights and mini-batches.

Both sides run in one process, interleaved, with the same number of threads for NumPy's
BLAS (threadpoolctl) and for PyTorch (``--threads``, default 1); each is repeated and the
median is kept, so that load from other processes hurts both sides alike.

    .venv/bin/python bench/conv.py [--repeats 15] [--epoch-repeats 3] [--threads 1]
"""

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_limits

from autograder.data.mnist import load_mnist
from autograder.ref_numpy import cnn
from autograder.ref_numpy import conv
from autograder.ref_numpy.train import minibatches
from autograder.ref_torch import cnn as torch_cnn

LAYERS = {"64x1x28x28, 8 filters": (64, 1, 28, 8), "64x8x14x14, 16 filters": (64, 8, 14, 16)}
DTYPES = {"float32": (np.float32, torch.float32), "float64": (np.float64, torch.float64)}
EPOCH = dict(n=3500, batch_size=16, lr=0.05)


def layer_case(n, c, side, f, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, c, side, side)).astype(dtype), rng.normal(size=(f, c, 3, 3)).astype(dtype),
            rng.normal(size=f).astype(dtype), rng.normal(size=(n, f, side, side)).astype(dtype))


def numpy_layer(x, w, b, dout):
    """Seconds for one forward and backward pass of the NumPy reference."""
    start = time.perf_counter()
    _, cache = conv.conv2d_forward(x, w, b, 1, 1)
    conv.conv2d_backward(dout, cache)
    return time.perf_counter() - start


def torch_layer(x, w, b, dout):
    """Seconds for F.conv2d forward and autograd's (dx, dw, db), on tensors built beforehand."""
    x, w, b = (t.detach().requires_grad_(True) for t in (x, w, b))
    start = time.perf_counter()
    out = F.conv2d(x, w, b, stride=1, padding=1)
    torch.autograd.grad(out, (x, w, b), grad_outputs=dout)
    return time.perf_counter() - start


def numpy_epoch(x, labels, batches):
    params = {k: v.astype(x.dtype) for k, v in cnn.init_cnn(seed=0).items()}
    start = time.perf_counter()
    for idx in batches:
        params, _ = cnn.train_step(params, x[idx], labels[idx], EPOCH["lr"])
    return time.perf_counter() - start


def torch_epoch(x, labels, batches, dtype):
    model = torch_cnn.build_model(seed=0, device="cpu", dtype=dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=EPOCH["lr"])
    x, labels = torch.as_tensor(x, dtype=dtype), torch.as_tensor(labels)
    batches = [torch.as_tensor(idx) for idx in batches]
    start = time.perf_counter()
    for idx in batches:
        torch_cnn.train_step(model, optimizer, x[idx], labels[idx])
    return time.perf_counter() - start


def measure(runs, repeats):
    """{name: median seconds} of interleaved repeats, after one warm-up call each."""
    for run in runs.values():
        run()
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            times[name].append(run())
    return {name: float(np.median(t)) for name, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="repeats of each layer measurement")
    parser.add_argument("--epoch-repeats", type=int, default=3, help="repeats of each training epoch")
    parser.add_argument("--threads", type=int, default=1, help="threads for NumPy's BLAS and for torch")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)
    print(f"threads: NumPy BLAS {args.threads}, torch {torch.get_num_threads()}; medians of {args.repeats} "
          f"(layers) and {args.epoch_repeats} (epochs) interleaved runs")
    print(f"{'layer (forward + backward)':28} {'dtype':8} {'NumPy':>9} {'PyTorch':>9} {'NumPy/PyTorch':>14}")
    for label, (n, c, side, f) in LAYERS.items():
        for dname, (np_dtype, torch_dtype) in DTYPES.items():
            case = layer_case(n, c, side, f, np_dtype)
            tensors = [torch.as_tensor(a) for a in case]
            t = measure({"numpy": lambda: numpy_layer(*case), "torch": lambda: torch_layer(*tensors)}, args.repeats)
            print(f"{label:28} {dname:8} {t['numpy'] * 1e3:7.2f}ms {t['torch'] * 1e3:7.2f}ms "
                  f"{t['numpy'] / t['torch']:13.2f}x")
    data = load_mnist()
    x, labels = data.train_images[:EPOCH["n"], None], data.train_labels[:EPOCH["n"]]
    batches = minibatches(len(x), EPOCH["batch_size"], seed=0, epoch=0)
    print(f"training epoch: {data.source}; {len(x)} digits, batches of {EPOCH['batch_size']}, "
          f"{len(batches)} iterations")
    for dname, (np_dtype, torch_dtype) in DTYPES.items():
        xd = x.astype(np_dtype)
        t = measure({"numpy": lambda: numpy_epoch(xd, labels, batches),
                     "torch": lambda: torch_epoch(xd, labels, batches, torch_dtype)}, args.epoch_repeats)
        print(f"{'CNN epoch':28} {dname:8} {t['numpy']:8.2f}s {t['torch']:8.2f}s {t['numpy'] / t['torch']:13.2f}x")


if __name__ == "__main__":
    main()
