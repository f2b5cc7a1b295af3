"""The step loops of the compiled engine's module: the text of ``run_block`` and ``run_plain``.

``loop_source(p)`` writes them for a model of ``p`` parameters (the module is generated
per model, so ``p`` is known): the parameters, the gradient and the momentum buffer are
local scalars (``th_j``, ``grad_j``, ``mb_j``), kept in registers from step to step
instead of going through memory, and the update is written out parameter by parameter.

``run_block`` runs every option: torch.optim.SGD's update (weight decay, momentum,
dampening, Nesterov, maximize: the rule of ``analytic_sgd.numeric.update_rule``), a
learning rate per step, rows in order or gathered from ``order``, batches of any size.
``run_plain`` is the common case only: no weight decay, no momentum, not maximize, one
learning rate for the block (``theta - lr * grad``, one fused multiply-add), rows in
order, batches of fewer than 8 rows (``batch_small``); it reads the data in place and has
no branch for the rest, which makes its steps about a third faster. It performs the
operations ``run_block`` performs with those options, in the same order, so its bits are
the same (tested option by option). numba compiles each on its first call only.

>>> text = loop_source(2)
>>> "th_0, th_1 = theta[0], theta[1]" in text, "th_1 = fma(-lr, grad_1, th_1)" in text
(True, True)
>>> "def run_plain(" in text
True
"""

from __future__ import annotations

__all__ = ["loop_source"]

_SIGNATURE = '''

@njit(cache=True, nogil=True, error_model="numpy")
def {name}(theta, mbuf, has_buf, x, y, order, first, count, plan, lrs, settings, flags, m,
              ptrs, out_epoch, out_batch, out_n, out_params, out_loss, out_grad, out_updated):
'''

_HEAD = '''    """Steps first .. first + count - 1 of the run; returns (steps done, momentum buffer
    started). ``plan``: (steps per epoch, batch size, rows per epoch, first epoch of
    ``order``, 1 if the rows are in order); ``order``: the rows of the block's epochs, one
    after the other (empty when in order); ``flags``: (nesterov, maximize). A step whose
    loss, gradient or parameters are not finite is recorded and ends the block.{plain}"""
    k = x.shape[1]
    per_epoch, size, stop, e0, in_order = plan[0], plan[1], plan[2], plan[3], plan[4]
    xb = np.empty((m, k), DT)
    yb = np.empty(m, DT)
    buf = np.empty(max(NBUF * m, 1), DT)
    sc = np.zeros(NSC, DT)
    cw = np.zeros(max(NCALL, 1) * {stride}, np.intp)
    wd, mom, damp1 = settings[0], settings[1], settings[2]
    nesterov, maximize = flags[0] != 0, flags[1] != 0
    varying = lrs.shape[0] > 1
    lr = lrs[0]
    {th} = {theta}
    {mb} = {mbuf}
    e, b = first // per_epoch, first % per_epoch
    done = count
    for s in range(count):
{body}
{store_theta}
{store_mbuf}
    return done, has_buf
'''

_PLAIN = '''
    The plain loop: no weight decay, no momentum, not maximize, one learning rate
    (``lrs[0]``), the rows in order, batches of fewer than 8 rows.'''

_ROWS = '''if b == per_epoch:
    e, b = e + 1, 0
a = b * size
nb = min(size, stop - a)
out_epoch[s], out_batch[s], out_n[s] = e + 1, b + 1, nb
b += 1
'''

_GATHER = '''bx, by = x, y
if not in_order:
    a += (e - e0) * stop
    for i in range(nb):
        r = order[a + i]
        for j in range(k):
            xb[i, j] = x[r, j]
        yb[i] = y[r]
    bx, by, a = xb, yb, 0
'''

_GENERAL = '''u = -grad_{j} if maximize else grad_{j}
if wd != 0:
    u = fma(wd, th_{j}, u)
if mom != 0:
    if has_buf:
        mb_{j} = fma(damp1, u, mb_{j} * mom)
    else:
        mb_{j} = u
    u = fma(mom, mb_{j}, u) if nesterov else mb_{j}
th_{j} = fma(-lr, u, th_{j})
'''


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line if line else line for line in text.splitlines())


def _names(prefix: str, p: int) -> str:
    return ", ".join(f"{prefix}_{j}" for j in range(p))


def _step(p: int, plain: bool) -> str:
    """The body of one step: the batch, its record, the update, the finiteness check."""
    th, grads = _names("th", p), _names("grad", p)
    if plain:
        lines = [_ROWS, f"loss, {grads} = batch_small({th}, x, y, a, nb, m, buf, sc, cw, ptrs)\n"]
    else:
        lines = [_ROWS, _GATHER, f"loss, {grads} = batch({th}, bx, by, a, nb, m, buf, sc, cw, ptrs)\n",
                 "if varying:\n    lr = lrs[s]\n"]
    lines.append("out_loss[s] = loss\n")
    lines += [f"out_params[s, {j}] = th_{j}\nout_grad[s, {j}] = grad_{j}\n" for j in range(p)]
    for j in range(p):
        lines.append(f"th_{j} = fma(-lr, grad_{j}, th_{j})\n" if plain else _GENERAL.format(j=j))
    lines += [f"out_updated[s, {j}] = th_{j}\n" for j in range(p)]
    if not plain:
        lines.append("if mom != 0:\n    has_buf = True\n")
    finite = " and ".join(["np.isfinite(loss)"] + [f"np.isfinite(grad_{j}) and np.isfinite(th_{j})"
                                                   for j in range(p)])
    lines.append(f"if not ({finite}):\n    done = s + 1\n    break\n")
    return _indent("".join(lines), 8)


def loop_source(p: int, stride: int = 8) -> str:
    """The text of ``run_block`` and ``run_plain`` for ``p`` parameters (``stride``: the
    call workspace's slots per call site)."""
    names = {"stride": stride, "th": _names("th", p), "mb": _names("mb", p),
             "theta": ", ".join(f"theta[{j}]" for j in range(p)),
             "mbuf": ", ".join(f"mbuf[{j}]" for j in range(p)),
             "store_theta": _indent("".join(f"theta[{j}] = th_{j}\n" for j in range(p)), 4),
             "store_mbuf": _indent("".join(f"mbuf[{j}] = mb_{j}\n" for j in range(p)), 4)}
    return "".join(_SIGNATURE.format(name=name) + _HEAD.format(
        plain=_PLAIN if name == "run_plain" else "", body=_step(p, name == "run_plain"), **names)
        for name in ("run_block", "run_plain"))
