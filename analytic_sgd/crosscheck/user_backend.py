"""Your own framework as a backend: ``analytic-sgd crosscheck --against MODULE:CALLABLE``.

MODULE is a module name, found in the current directory first and then on ``sys.path``
(as ``python -m`` finds it), or the path of a ``.py`` file; CALLABLE names a function in it
(``Class.method`` works too). It is imported because you asked for your code to run; the
data are never evaluated. The function computes the problem's model and loss in your
framework (the crosscheck gives it numbers, not the model): write it for the problem you
check (``--model``, ``--loss``, ``--example`` ...). It follows one of two protocols:

``gradient(theta, x, y) -> (loss, grad)``
    the loss and gradient of one batch at ``theta``. In trajectory mode the update is
    ``analytic_sgd.numeric.update_rule.SGDRule`` (torch.optim.SGD's rule).
``step(theta, x, y, lr, state) -> (loss, grad, updated, state)``
    one whole optimizer step of your framework: the loss and gradient at ``theta`` and the
    parameters after the update. ``state`` is None at the first step, then whatever the
    previous call returned (your optimizer, its buffers). If the function has a keyword
    parameter ``options``, it gets ``torch.optim.SGD``'s keyword arguments for the problem's
    settings (``lr``, ``momentum``, ``dampening``, ``weight_decay``, ``nesterov``,
    ``maximize``) to build its optimizer with.

The protocol is the function's ``protocol`` attribute (``"gradient"`` or ``"step"``) when
it has one, else told by its positional parameters: three for ``gradient``, five for
``step``. ``theta`` is a numpy array of the run's dtype in the problem's parameter order,
``x`` the batch's inputs (n values, or n rows of k), ``y`` its targets, ``lr`` a float;
return numbers or array-likes (a torch tensor after ``.detach()``). The same report, exit
codes and tolerances as the built-in backends. A module that cannot be imported, a missing
or uncallable name, an exception raised by the function and a result of the wrong shape
are BackendErrors naming MODULE:CALLABLE (exit 2).
"""

from __future__ import annotations

import inspect

import numpy as np

from ..errors import BackendError
from ..numeric.trajectory import Trajectory
from ..numeric.update_rule import SGDRule
from .adapter import Adapter, torch_options
from .user_module import load_callable, protocol_of

__all__ = ["UserAdapter", "RETURNS"]

RETURNS = {"gradient": ("loss", "grad"), "step": ("loss", "grad", "updated", "state")}


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


class UserAdapter(Adapter):
    """The problem through the user's function (module docstring)."""

    def __init__(self, problem, dtype: str, spec: str) -> None:
        self.fn, module = load_callable(spec)
        self.protocol = protocol_of(self.fn, spec)
        super().__init__(problem, dtype)
        self.name = self.spec = spec
        self.version = str(getattr(module, "__version__", ""))
        self._options = {}
        if self.protocol == "step" and "options" in inspect.signature(self.fn).parameters:
            self._options = {"options": torch_options(problem.settings)}
        self.notes = (f"loss and gradient by {spec}, update by analytic_sgd.numeric.update_rule."
                      "SGDRule (torch.optim.SGD's rule)",) if self.protocol == "gradient" else (
            f"loss, gradient and update by {spec} (a step function)",)

    def _call(self, where: str, *args) -> tuple:
        try:
            out = self.fn(*(np.array(a, copy=True) if isinstance(a, np.ndarray) else a
                            for a in args), **(self._options if len(args) == 5 else {}))
        except Exception as exc:
            raise BackendError(f"{self.spec} raised {type(exc).__name__}: {exc} ({where})") from exc
        names = RETURNS[self.protocol]
        if not isinstance(out, (tuple, list)) or len(out) != len(names):
            got = (f"a {type(out).__name__} of {len(out)} values" if isinstance(out, (tuple, list))
                   else f"a {type(out).__name__}")
            raise BackendError(f"{self.spec} returned {got} ({where}); a {self.protocol} function "
                               f"returns ({', '.join(names)})")
        return tuple(out)

    def _values(self, value, what: str, where: str, size: int | None) -> np.ndarray:
        try:
            array = np.asarray(value, dtype=self.dtype)
        except Exception as exc:
            raise BackendError(f"{self.spec} returned {_a(what)} that is not numbers ({where}): "
                               f"{type(exc).__name__}: {exc}; return floats or numpy arrays "
                               "(.detach().numpy() for a torch tensor)") from None
        if (size is None and array.size != 1) or (size is not None and array.shape != (size,)):
            want = "one number" if size is None else (f"{size} values, one per parameter "
                                                      f"({', '.join(self.kernels.params)})")
            raise BackendError(f"{self.spec} returned {_a(what)} of shape {array.shape} ({where}); "
                               f"it must be {want}")
        return array.reshape(()) if size is None else array

    def _step(self, where: str, theta, x, y, lr, state):
        """loss, grad, updated (None for a gradient function) and the state."""
        size = len(self.start)
        if self.protocol == "gradient":
            loss, grad = self._call(where, theta, x, y)
            updated = new_state = None
        else:
            loss, grad, updated, new_state = self._call(where, theta, x, y, lr, state)
            updated = self._values(updated, "updated", where, size)
        return (self._values(loss, "loss", where, None)[()], self._values(grad, "grad", where, size),
                updated, new_state)

    def gradient(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray):
        lr = self.arithmetic.setting(self.problem.settings.lr(0, 0))
        loss, grad, _, _ = self._step("at the start", theta, x, y, lr, None)
        return loss, grad

    def gradients(self) -> Trajectory:
        lr = self.arithmetic.setting(self.problem.settings.lr(0, 0))
        rows = []
        for b, index in enumerate(self.batches()[0], start=1):
            loss, grad, _, _ = self._step(f"at the start, batch {b}", self.start, self.x[index],
                                          self.y[index], lr, None)
            rows.append((1, b, index, self.start, loss, grad, self.start))
        return self._collect(rows)

    def trajectory(self) -> Trajectory:
        settings = self.problem.settings
        rule = SGDRule(settings, self.arithmetic) if self.protocol == "gradient" else None
        theta, state, rows = self.start, None, []
        with np.errstate(all="ignore"):  # a diverging run is reported, not stopped
            for epoch, batches in enumerate(self.batches(), start=1):
                for b, index in enumerate(batches, start=1):
                    t = len(rows)
                    lr = self.arithmetic.setting(settings.lr(t, epoch - 1))
                    loss, grad, updated, state = self._step(
                        f"step {t + 1}, epoch {epoch}, batch {b}", theta, self.x[index],
                        self.y[index], lr, state)
                    if rule is not None:
                        updated = rule.step(theta, grad, t, epoch - 1)
                    rows.append((epoch, b, index, theta, loss, grad, updated))
                    theta = updated
        return self._collect(rows)
