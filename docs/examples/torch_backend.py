"""The PyTorch backend written in the crosscheck's protocols: a template for your framework.

Replace torch with your framework and keep the shapes. Both functions compute the model
w*x + b (parameters in the order w, b) with the MSE loss, the problem of the default
example (worked-linear); for another problem, write its model and loss here.

``gradient(theta, x, y) -> (loss, grad)`` checks your autograd alone (the update is then
analytic-sgd's copy of torch.optim.SGD's rule)::

    analytic-sgd crosscheck --against docs/examples/torch_backend.py:gradient

``step(theta, x, y, lr, state, *, options) -> (loss, grad, updated, state)`` checks a whole
optimizer step: ``state`` is None at the first step and then what the previous call
returned; ``options`` (asked for by naming it) holds ``torch.optim.SGD``'s keyword
arguments for the problem's settings::

    analytic-sgd crosscheck --against docs/examples/torch_backend.py:step --momentum 0.9 --nesterov

``theta``, ``x`` and ``y`` are numpy arrays of the run's dtype (float64, or float32 with
``--dtype float32``); return numbers or numpy arrays.
"""

from __future__ import annotations

import torch


def loss_of(params, x, y):
    w, b = params[0], params[1]
    return ((w * torch.from_numpy(x) + b - torch.from_numpy(y)) ** 2).mean()


def gradient(theta, x, y):
    params = torch.tensor(theta, requires_grad=True)
    loss = loss_of(params, x, y)
    loss.backward()
    return loss.item(), params.grad.numpy()


def step(theta, x, y, lr, state, *, options):
    if state is None:  # the first step: make the parameters and the optimizer
        params = torch.nn.Parameter(torch.tensor(theta))
        state = params, torch.optim.SGD([params], **options)
    params, optimizer = state
    for group in optimizer.param_groups:
        group["lr"] = lr  # the learning rate of this step
    optimizer.zero_grad()
    loss = loss_of(params, x, y)
    loss.backward()
    grad = params.grad.numpy().copy()
    optimizer.step()
    return loss.item(), grad, params.detach().numpy().copy(), state
