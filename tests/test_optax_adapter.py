"""optax's own sgd as a backend: torch's semantics where optax can express them, and a
refusal naming the setting where it cannot."""

import numpy as np
import pytest
from helpers import run

from analytic_sgd.crosscheck import make_adapter, plan_backends
from analytic_sgd.problems.problem import example_problem

SETTINGS = [dict(), dict(momentum="0.9"), dict(momentum="0.9", nesterov=True),
            dict(momentum="0.5", weight_decay="0.1"),
            dict(momentum="0.9", nesterov=True, weight_decay="0.01")]


def test_noisy_quadratic_with_nesterov_momentum_agrees(capsys):
    pytest.importorskip("optax")
    code, out, err = run(capsys, "crosscheck", "--against", "optax", "--example",
                         "noisy-quadratic", "--momentum", "0.9", "--nesterov")
    assert (code, err) == (0, "")
    assert "optax " in out and "agrees in all 70 rows" in out
    assert "optax.sgd(lr, momentum=0.9, nesterov=True)" in out
    assert out.rstrip().endswith("optax agrees with the reference")


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_given_the_same_gradients_optax_sgd_steps_as_torch_optim_sgd(settings, dtype):
    """The adapter's optax chain and torch.optim.SGD, fed the same eight random gradients:
    the same parameters to rounding (optax rounds params + (-lr*t) twice, torch once)."""
    pytest.importorskip("optax")
    torch = pytest.importorskip("torch")
    from analytic_sgd.crosscheck.adapter import torch_options

    problem = example_problem("noisy-quadratic", **settings)
    adapter = make_adapter("optax", problem, dtype)
    rng = np.random.default_rng(7)
    grads = rng.normal(size=(8, 3)).astype(dtype)
    start = rng.normal(size=3).astype(dtype)
    param = torch.nn.Parameter(torch.tensor(start))
    optimizer = torch.optim.SGD([param], **torch_options(problem.settings))
    with adapter._x64():
        jnp, transform = adapter.jax.numpy, adapter._transform()
        theta = jnp.asarray(start)
        state = transform.init(theta)
        for g in grads:
            updates, state = transform.update(jnp.asarray(g), state, theta)
            theta = adapter.optax.apply_updates(theta, updates)
            optimizer.zero_grad()
            param.grad = torch.tensor(g)
            optimizer.step()
            ours, theirs = np.asarray(theta), param.detach().numpy()
            assert ours.dtype == np.dtype(dtype)
            eps = np.finfo(dtype).eps
            assert np.all(np.abs(ours - theirs) <= 64 * eps * np.maximum(np.abs(theirs), 1))


@pytest.mark.parametrize("settings", SETTINGS)
def test_whole_float64_runs_follow_torch(settings):
    """Each backend with its own gradient and optimizer, on the diverging noisy quadratic."""
    pytest.importorskip("optax")
    pytest.importorskip("torch")
    problem = example_problem("noisy-quadratic", **settings)
    ours = make_adapter("optax", problem, "float64").trajectory()
    theirs = make_adapter("torch", problem, "float64").trajectory()
    scale = np.maximum(np.abs(theirs.updated), 1)
    assert np.max(np.abs(ours.updated - theirs.updated) / scale) < 1e-12


@pytest.mark.parametrize("argv, fragment", [
    (["--momentum", "0.9", "--dampening", "0.5"], "--dampening '0.5' must be 0 for the optax "
                                                  "backend; optax.sgd's momentum is"),
    (["--maximize"], "--maximize True must be off for the optax backend; optax.sgd has no "
                     "maximize"),
])
def test_what_optax_cannot_express_is_refused_naming_the_setting(capsys, argv, fragment):
    code, out, err = run(capsys, "crosscheck", "--against", "optax", "--example",
                         "noisy-quadratic", *argv)
    errors = [line for line in err.splitlines() if "warning" not in line]  # lr 0.23: a warning
    assert code == 2 and out == "" and fragment in err and len(errors) == 1


def test_all_skips_optax_for_dampening_with_one_line():
    names, skipped = plan_backends(example_problem(momentum="0.9", dampening="0.5"), "all")
    assert "optax" not in names and "finite-difference" in names
    assert any(line.startswith("optax: skipped, it cannot run this problem: dampening must be 0")
               for line in skipped)
