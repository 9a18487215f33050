"""Learning-rate schedules as closed forms of the step count (chapter 08_optimizers).

Each function gives the learning rate in force during epoch (or iteration) ``t``,
``t = 0, 1, 2, ...``: the value ``scheduler.get_last_lr()[0]`` has in
``torch.optim.lr_scheduler`` after ``t`` calls of ``scheduler.step()`` (the twin in
``autograder.ref_torch.schedules`` runs exactly that). ``lr0`` is the optimizer's
initial learning rate. The functions accept any integer ``t >= 0`` and return a float.
"""

import math


def step_lr(t, lr0, step_size, gamma=0.1):
    """StepLR: lr0 * gamma ** floor(t / step_size); the rate drops by gamma every step_size epochs."""
    return lr0 * gamma ** (t // step_size)


def exponential_lr(t, lr0, gamma):
    """ExponentialLR: lr0 * gamma ** t; the rate shrinks by the factor gamma every epoch."""
    return lr0 * gamma ** t


def cosine_lr(t, lr0, T_max, eta_min=0.0):
    """CosineAnnealingLR's closed form: eta_min + (lr0 - eta_min) * (1 + cos(pi t / T_max)) / 2.

    lr0 at t = 0, eta_min at t = T_max; past T_max the cosine climbs again (period 2 T_max),
    as PyTorch's does.
    """
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * t / T_max)) / 2


def linear_warmup_lr(t, lr0, warmup, start_factor=0.1):
    """LinearLR(start_factor, end_factor=1, total_iters=warmup): a straight line from
    start_factor * lr0 at t = 0 to lr0 at t = warmup, then lr0."""
    return lr0 * (start_factor + (1 - start_factor) * min(t, warmup) / warmup)


def warmup_cosine_lr(t, lr0, warmup, T_max, start_factor=0.1, eta_min=0.0):
    """Linear warm-up for ``warmup`` steps, then cosine annealing to eta_min at t = T_max.

    As SequentialLR([LinearLR(start_factor, total_iters=warmup),
    CosineAnnealingLR(T_max=T_max - warmup, eta_min)], milestones=[warmup]).
    """
    if t < warmup:
        return linear_warmup_lr(t, lr0, warmup, start_factor)
    return cosine_lr(t - warmup, lr0, T_max - warmup, eta_min)
