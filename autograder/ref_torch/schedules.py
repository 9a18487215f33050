"""PyTorch twin of ``autograder.ref_numpy.schedules``: ``torch.optim.lr_scheduler`` itself.

Each function builds an SGD optimizer over one dummy parameter with learning rate
``lr0``, attaches the scheduler, calls ``optimizer.step()`` then ``scheduler.step()``
``t`` times (the order PyTorch asks for) and returns ``scheduler.get_last_lr()[0]``.
Given a sequence of steps ``t`` instead of one int, it returns the list of rates at
those steps, from a single run of the scheduler.
PyTorch updates most schedules recursively (each rate from the previous one); the
NumPy reference uses closed forms, so the two agree up to rounding.
"""

import numpy as np
import torch

from autograder.ref_torch._util import pick


def _after(t, lr0, make, device=None):
    """The learning rate after ``t`` scheduler steps of ``make(optimizer)`` (a list for a sequence t)."""
    many = not isinstance(t, (int, np.integer))
    wanted = [int(k) for k in t] if many else [int(t)]
    p = torch.nn.Parameter(torch.zeros(1, device=pick(device)))
    opt = torch.optim.SGD([p], lr=lr0)
    scheduler = make(opt)
    rates = [float(scheduler.get_last_lr()[0])]
    for _ in range(max(wanted, default=0)):
        opt.step()  # no gradient: leaves p alone, but keeps PyTorch's order of calls
        scheduler.step()
        rates.append(float(scheduler.get_last_lr()[0]))
    out = [rates[k] for k in wanted]
    return out if many else out[0]


def step_lr(t, lr0, step_size, gamma=0.1, device=None):
    """StepLR(step_size, gamma) after t steps."""
    return _after(t, lr0, lambda o: torch.optim.lr_scheduler.StepLR(o, step_size, gamma), device)


def exponential_lr(t, lr0, gamma, device=None):
    """ExponentialLR(gamma) after t steps."""
    return _after(t, lr0, lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma), device)


def cosine_lr(t, lr0, T_max, eta_min=0.0, device=None):
    """CosineAnnealingLR(T_max, eta_min) after t steps."""
    return _after(t, lr0, lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max, eta_min), device)


def linear_warmup_lr(t, lr0, warmup, start_factor=0.1, device=None):
    """LinearLR(start_factor, end_factor=1.0, total_iters=warmup) after t steps."""
    return _after(t, lr0, lambda o: torch.optim.lr_scheduler.LinearLR(
        o, start_factor=start_factor, end_factor=1.0, total_iters=warmup), device)


def warmup_cosine_lr(t, lr0, warmup, T_max, start_factor=0.1, eta_min=0.0, device=None):
    """SequentialLR of LinearLR (warm-up) then CosineAnnealingLR(T_max - warmup), after t steps."""
    def make(o):
        sched = torch.optim.lr_scheduler
        warm = sched.LinearLR(o, start_factor=start_factor, end_factor=1.0, total_iters=warmup)
        cos = sched.CosineAnnealingLR(o, T_max - warmup, eta_min)
        return sched.SequentialLR(o, [warm, cos], milestones=[warmup])
    return _after(t, lr0, make, device)
