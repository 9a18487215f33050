"""Benchmark (not a test): forward plus backward of the NumPy LSTM against ``torch.nn.LSTM``.

One sequence batch (default: batch 32, length 50, input 32, hidden 64) through
``ref_numpy.lstm.lstm_forward`` and ``lstm_backward``, against ``torch.nn.LSTM``
(batch_first) forward and ``backward()`` with the same weights, on the CPU, in the same
dtype (float64 and float32), in one process. The runs are interleaved and repeated;
medians are printed, so that load from other processes hurts both sides alike, and the
ratio NumPy / PyTorch per dtype. For comparison, "steps" is the same pass written as
T calls of the step functions, as the reference first was.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/lstm.py [--repeats 21] [--threads 1]
"""

import argparse
import time

import numpy as np
import torch

from autograder.ref_numpy import lstm
from autograder.ref_torch.lstm import torch_lstm


def case(n, t, d, h, dtype, seed=0):
    """Inputs, zero initial states, weights as init_lstm draws them and an upstream gradient dh."""
    rng = np.random.default_rng(seed)
    Wx, Wh, b = (p.astype(dtype) for p in lstm.init_lstm(d, h, seed))
    x, dh = rng.normal(size=(n, t, d)).astype(dtype), rng.normal(size=(n, t, h)).astype(dtype)
    return x, np.zeros((n, h), dtype), np.zeros((n, h), dtype), Wx, Wh, b, dh


def numpy_run(x, h0, c0, Wx, Wh, b, dh):
    """Seconds for one forward and backward pass of the NumPy reference."""
    start = time.perf_counter()
    _, cache = lstm.lstm_forward(x, h0, c0, Wx, Wh, b)
    lstm.lstm_backward(dh, cache)
    return time.perf_counter() - start


def stepwise_run(x, h0, c0, Wx, Wh, b, dh):
    """Seconds for the same pass written as T calls of the step functions (the first reference).

    Each step multiplies x_t by Wx on its own, concatenates its gates and allocates its
    outputs; BPTT multiplies by Wx.T and accumulates dWx, dWh, db at every step.
    """
    start = time.perf_counter()
    h_t, c_t, caches = h0, c0, []
    for t in range(x.shape[1]):
        h_t, c_t, cache = lstm.lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        caches.append(cache)
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    for t in reversed(range(x.shape[1])):
        _, dh_next, dc_next, dWx_t, dWh_t, db_t = lstm.lstm_step_backward(dh[:, t] + dh_next, dc_next, caches[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return time.perf_counter() - start


def torch_runner(x, h0, c0, Wx, Wh, b, dh):
    """A function timing one forward and backward pass of torch.nn.LSTM (dx and every weight gradient)."""
    dtype = torch.float64 if x.dtype == np.float64 else torch.float32
    model = torch_lstm(Wx, Wh, b, "cpu").to(dtype)
    x = torch.as_tensor(x).requires_grad_(True)
    state = (torch.as_tensor(h0)[None], torch.as_tensor(c0)[None])
    dh = torch.as_tensor(dh)

    def run():
        model.zero_grad()
        x.grad = None
        start = time.perf_counter()
        out, _ = model(x, state)
        out.backward(dh)
        return time.perf_counter() - start
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--inputs", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (NumPy: OPENBLAS_NUM_THREADS)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    runs = {}
    for dtype in (np.float64, np.float32):
        data = case(args.batch, args.steps, args.inputs, args.hidden, dtype)
        name = np.dtype(dtype).name
        runs[f"numpy {name}"] = lambda data=data: numpy_run(*data)
        runs[f"steps {name}"] = lambda data=data: stepwise_run(*data)
        runs[f"torch {name}"] = torch_runner(*data)
    for run in runs.values():  # warm up: allocator, BLAS thread pools, torch's lazy initialisation
        run()
    times = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            times[name].append(run())
    med = {name: float(np.median(t)) for name, t in times.items()}
    print(f"batch {args.batch}, length {args.steps}, input {args.inputs}, hidden {args.hidden}; "
          f"forward + backward; torch threads {torch.get_num_threads()}; medians of {args.repeats}")
    for name in runs:
        print(f"{name:>14}: {med[name] * 1e3:7.2f} ms (min {min(times[name]) * 1e3:.2f} ms)")
    for dtype in ("float64", "float32"):
        print(f"ratio NumPy / PyTorch, {dtype}: {med['numpy ' + dtype] / med['torch ' + dtype]:.2f}  "
              f"(step by step / PyTorch: {med['steps ' + dtype] / med['torch ' + dtype]:.2f})")


if __name__ == "__main__":
    main()
