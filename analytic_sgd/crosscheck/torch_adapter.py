"""PyTorch, as a user writes it: an ``nn.Parameter``, the loss in torch ops, ``torch.optim.SGD``.

The parameters are one ``torch.nn.Parameter`` vector of the run's dtype (float32 or
float64); the model is the sympy expression rewritten in torch operations
(``analytic_sgd.crosscheck.expression``); the loss is ``torch.mean((pred - y)**2)``
(``torch.sum`` for SSE, ``torch.sqrt`` of the mean for RMSE). Each step is
``zero_grad()``, ``loss.backward()``, ``optimizer.step()`` with
``torch.optim.SGD(lr, momentum, dampening, nesterov, weight_decay, maximize)`` given the
problem's settings as Python floats, so the update is torch's own, not ours.

Needs the ``torch`` extra (``pip install 'analytic-sgd[torch]'``); torch is imported
when an adapter is made, never when this module is imported.
"""

from __future__ import annotations

import numpy as np

from ..numeric.trajectory import Trajectory
from .adapter import Adapter, require, torch_options
from .expression import to_loss
from .schedules import torch_scheduler

__all__ = ["TorchAdapter"]


class TorchAdapter(Adapter):
    """The problem in PyTorch: autograd for the gradient, torch.optim.SGD for the update."""

    name = "torch"

    def __init__(self, problem, dtype: str) -> None:
        super().__init__(problem, dtype)
        self.torch = torch = require("torch", "torch", "torch")
        self.version = torch.__version__
        self.tdtype = getattr(torch, self.arithmetic.dtype.name)  # torch.float32, torch.float64
        self.loss = to_loss(problem.model, problem.loss, torch)
        self.notes = ("gradient by loss.backward() on an nn.Parameter, update by torch.optim.SGD",)
        self.hessian_notes = ("Hessian by torch.autograd.functional.hessian of the batch loss",)

    def _tensors(self, x: np.ndarray, y: np.ndarray):
        t = self.torch
        return [t.from_numpy(c) for c in self.columns(x)], t.from_numpy(np.ascontiguousarray(y))

    def gradient(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray):
        t = self.torch
        params = t.nn.Parameter(t.tensor(np.asarray(theta), dtype=self.tdtype))
        columns, target = self._tensors(x, y)
        loss = self.loss(params.unbind(), columns, target)
        loss.backward()
        return self.dtype(loss.item()), params.grad.numpy().astype(self.dtype)

    def hessian(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``torch.autograd.functional.hessian`` of the batch loss at ``theta``."""
        t = self.torch
        columns, target = self._tensors(x, y)
        h = t.autograd.functional.hessian(lambda p: self.loss(p.unbind(), columns, target),
                                          t.tensor(np.asarray(theta), dtype=self.tdtype))
        return h.detach().numpy().astype(self.dtype)

    def trajectory(self) -> Trajectory:
        t = self.torch
        theta = t.nn.Parameter(t.tensor(self.start, dtype=self.tdtype))
        optimizer = t.optim.SGD([theta], **torch_options(self.problem.settings))
        batches = self.batches()
        scheduler, when = torch_scheduler(self.problem.settings.lr, optimizer, t,
                                          len(batches[0])) or (None, None)
        rows = []
        for epoch, epoch_batches in enumerate(batches, start=1):
            for b, index in enumerate(epoch_batches, start=1):
                columns, target = self._tensors(self.x[index], self.y[index])
                before = theta.detach().numpy().copy()
                optimizer.zero_grad()
                loss = self.loss(theta.unbind(), columns, target)
                loss.backward()
                grad = theta.grad.detach().numpy().copy()
                optimizer.step()
                rows.append((epoch, b, index, before, self.dtype(loss.item()), grad,
                             theta.detach().numpy().copy()))
                if when == "step":
                    scheduler.step()
            if when == "epoch":
                scheduler.step()
        return self._collect(rows)
