"""A micrograd-style scalar autograd engine, checked by ``analytic-sgd crosscheck``.

The kind of engine a course has its students write: every number is a ``Value`` that
remembers the operation that made it; ``backward()`` applies the chain rule node by node,
in reverse topological order. ``gradient`` follows the crosscheck's gradient protocol,
``gradient(theta, x, y) -> (loss, grad)``, for the model w*x + b (parameters in the order
w, b) and the MSE loss: the problem of the default example, worked-linear::

    analytic-sgd crosscheck --against docs/examples/micrograd_backend.py:gradient

Nothing here imports analytic_sgd: this is the code under test.
"""

from __future__ import annotations


class Value:
    """A scalar and its gradient, with the local derivatives of the operation that made it."""

    def __init__(self, data: float, children: tuple = (), local: tuple = ()) -> None:
        self.data, self.grad = float(data), 0.0
        self.children, self.local = children, local  # d(self)/d(child) for each child

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __pow__(self, k: int):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def __truediv__(self, k: float):
        return self * (1.0 / k)

    def backward(self) -> None:
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for child in v.children:
                    visit(child)
                order.append(v)

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            for child, local in zip(v.children, v.local):
                child.grad += local * v.grad


def gradient(theta, x, y):
    """The MSE of w*x + b on one batch and its gradient (dl/dw, dl/db), by the engine."""
    w, b = Value(theta[0]), Value(theta[1])
    total = Value(0.0)
    for xi, yi in zip(x, y):
        total = total + (w * float(xi) + b - float(yi)) ** 2
    loss = total / len(y)
    loss.backward()
    return loss.data, [w.grad, b.grad]
