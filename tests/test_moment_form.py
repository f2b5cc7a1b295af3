import numpy as np
import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.symbolic.moment_form import moment_form


@pytest.mark.parametrize("model", ["linear", "quadratic", "poly:0", "poly:4",
                                   "two-feature-linear"])
@pytest.mark.parametrize("loss", ["mse", "rmse", "sse"])
def test_moment_form_exists_and_is_proven(model, loss):
    d = asgd.derive(asgd.model_from_name(model), loss, prove=False)
    form = moment_form(d)
    assert form is not None and len(form.grad) == len(d.model.params)


def test_not_linear_in_parameters():
    assert moment_form(asgd.derive(asgd.parse_model("w*exp(k*x)", "w k"), "mse")) is None


def test_polynomial_moments_are_sums_of_powers():
    form = moment_form(asgd.derive(asgd.polynomial(2), "mse"))
    x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
    assert set(form.moments) == {x, x**2, x**3, x**4, y, x * y, x**2 * y, y**2}


def test_moment_gradient_evaluates_like_the_kernels():
    d = asgd.derive(asgd.quadratic(), "rmse")
    form = moment_form(d)
    rng = np.random.default_rng(0)
    x, y, theta = rng.normal(size=7), rng.normal(size=7), rng.normal(size=3)
    values = {s: float(sum(sp.lambdify([sp.Symbol("x", real=True), sp.Symbol("y", real=True)],
                                       m)(xi, yi) for xi, yi in zip(x, y)))
              for s, m in zip(form.symbols, form.moments)}
    values.update({p: t for p, t in zip(d.model.params, theta)})
    values[form.n] = 7
    grad = [float(g.xreplace(values)) for g in form.grad]
    np.testing.assert_allclose(grad, asgd.compile_kernels(d, "float64").grad(theta, x, y), rtol=1e-12)


def test_least_squares_optimum_of_the_worked_example():
    form = moment_form(asgd.derive(asgd.linear(), "mse"))
    i = sp.Idx("i")
    xs, ys = list(range(9)), [2 * v + 10 for v in range(9)]
    n = form.n

    x, y = sp.IndexedBase("x", real=True)[i], sp.IndexedBase("y", real=True)[i]

    def at_data(expr):
        def total(s):
            return sum(s.function.xreplace({x: xv, y: yv}) for xv, yv in zip(xs, ys))

        return expr.replace(lambda e: isinstance(e, sp.Sum), total).xreplace({n: 9})

    assert [at_data(v) for v in form.optimum] == [2, 10]
