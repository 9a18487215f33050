"""PyTorch twin of ``autograder.ref_numpy.init``: the same initializers by ``torch.nn.init``.

``torch.nn.init`` draws its own random numbers, so the twin agrees with the NumPy
reference in distribution (the standard deviation), not number by number.
"""

import torch

from autograder import float_dtype
from autograder.ref_torch._util import pick

#: method -> the torch.nn.init call that implements it (fan_in of nn.Linear is n_in).
_INIT = {
    "lecun": lambda w, g: torch.nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="linear", generator=g),
    "xavier": lambda w, g: torch.nn.init.xavier_normal_(w, generator=g),
    "he": lambda w, g: torch.nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu", generator=g),
}


def init_params(sizes, seed=0, method="lecun", device=None):
    """[(W1, b1), ...] as float64 tensors, W^l: (n_{l-1}, n_l) drawn by torch.nn.init, b^l = 0."""
    dev = pick(device)
    g = torch.Generator(device=dev).manual_seed(seed)
    dtype = float_dtype(dev)  # float64, float32 where the device has none (MPS)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = torch.empty(n_out, n_in, dtype=dtype, device=dev)  # nn.Linear's layout
        _INIT[method](w, g)
        params.append((w.T, torch.zeros(n_out, dtype=dtype, device=dev)))
    return params
