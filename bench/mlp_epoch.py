"""Benchmark (not a test): one training epoch of chapter 05's MNIST MLP, NumPy against PyTorch.

Same network (784-64-10, sigmoid, quadratic cost, SGD), same initial weights, same
mini-batches, same data (``load_mnist()``), on the CPU, in one process. An epoch here is
the training iterations only (forward, backward, update per mini-batch), through the
references' own ``train_step``. The runs are interleaved and the fastest of ``--repeats``
is kept, so that load from other processes hurts both sides alike. Prints milliseconds
per epoch and the ratio NumPy / PyTorch.

    .venv/bin/python bench/mlp_epoch.py [--batch-size 32] [--repeats 9] [--threads N]
"""

import argparse
import time

import numpy as np
import torch

from autograder.data.mnist import load_mnist
from autograder.ref_numpy import train as np_train
from autograder.ref_numpy.data import flatten, one_hot
from autograder.ref_numpy.mlp import init_params
from autograder.ref_torch import train as torch_train

SIZES = [784, 64, 10]
LR = 3.0


def numpy_epoch(X, Y, batches, dtype=np.float64):
    """One epoch of the NumPy reference in ``dtype`` (the reference keeps float32 as float32)."""
    params = [(W.astype(dtype), b.astype(dtype)) for W, b in init_params(SIZES, seed=0)]
    X, Y = X.astype(dtype), Y.astype(dtype)
    start = time.perf_counter()
    for idx in batches:
        params, _ = np_train.train_step(params, X[idx], Y[idx], LR)
    return time.perf_counter() - start


def torch_epoch(X, Y, batches, dtype):
    """One epoch of the PyTorch twin (nn.Sequential, autograd, optim.SGD) in ``dtype``."""
    model = torch_train.build_model(SIZES, seed=0, device="cpu", dtype=dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    X, Y = torch.as_tensor(X, dtype=dtype), torch.as_tensor(Y, dtype=dtype)
    batches = [torch.as_tensor(idx) for idx in batches]
    start = time.perf_counter()
    for idx in batches:
        torch_train.train_step(model, optimizer, X[idx], Y[idx])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    data = load_mnist()
    X, labels = flatten(data.train_images), data.train_labels
    Y = one_hot(labels, SIZES[-1])
    batches = np_train.minibatches(len(X), args.batch_size, seed=0, epoch=0)
    runs = {
        "numpy float64": lambda: numpy_epoch(X, Y, batches),
        "numpy float32": lambda: numpy_epoch(X, Y, batches, np.float32),
        "torch float64": lambda: torch_epoch(X, Y, batches, torch.float64),
        "torch float32": lambda: torch_epoch(X, Y, batches, torch.float32),
    }
    for run in runs.values():  # warm up: lazy initialisation, allocator, BLAS thread pools
        run()
    times = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            times[name].append(run())
    best = {name: min(t) for name, t in times.items()}
    print(f"data: {data.source}; {len(X)} examples, batch {args.batch_size}, {len(batches)} iterations "
          f"per epoch; torch threads {torch.get_num_threads()}")
    for name in runs:
        print(f"{name:>14}: {best[name] * 1e3:7.1f} ms per epoch (best of {args.repeats}; "
              f"median {np.median(times[name]) * 1e3:.1f} ms)")
    print(f"ratio numpy / torch, both float64: {best['numpy float64'] / best['torch float64']:.2f}")
    print(f"ratio numpy / torch, both float32: {best['numpy float32'] / best['torch float32']:.2f}")
    print(f"ratio numpy float64 / torch float32: {best['numpy float64'] / best['torch float32']:.2f}")


if __name__ == "__main__":
    main()
