"""Optimizer steps (chapter 05_backprop: plain gradient descent).

Contract: ``<name>_step(w, dw, state, **hyperparameters) -> (next_w, state)``.
``state`` is what the optimizer remembers between steps for this one parameter
(nothing for plain SGD; a velocity for momentum); the step never modifies ``w``.
"""


def sgd_step(w, dw, state=None, lr=0.1):
    """One step of gradient descent, w - lr * dw.

    w: any shape, dw: same shape, state: passed through unchanged (SGD keeps none),
    lr: learning rate -> (next_w of w's shape, state).
    """
    return w - lr * dw, state
