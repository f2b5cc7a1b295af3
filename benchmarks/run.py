"""Benchmarks of analytic_sgd against PyTorch and against one numpy pass over the data.

Run from the repository root:  python benchmarks/run.py [--quick] [--no-write]

Everything is measured in this one process (the cold start in subprocesses it starts),
with time.perf_counter, as medians of repeated runs; candidates and their baselines are
timed in turns, so that a busy machine slows both. Each figure is a ratio against a
baseline measured in the same run. The Markdown table is printed and written into
benchmarks/README.md between the RESULTS markers. torch rows are left out when torch is
not installed.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analytic_sgd as asgd  # noqa: E402
from analytic_sgd.numeric.driver import run as drive  # noqa: E402
from benchmarks.paths import NEW_PARTS, in_turns  # noqa: E402

try:
    import torch
except ImportError:  # torch is optional: its rows are skipped
    torch = None

README = Path(__file__).with_name("README.md")
TOP_README = ROOT / "README.md"  # its Speed section holds the same table
START, END = "<!-- RESULTS:START -->", "<!-- RESULTS:END -->"


# -- driver -------------------------------------------------------------------------------

def torch_idiomatic(x, y, steps: int):
    model = torch.nn.Linear(1, 1)
    torch.nn.init.zeros_(model.weight)
    torch.nn.init.zeros_(model.bias)
    data = torch.utils.data.TensorDataset(torch.from_numpy(x)[:, None], torch.from_numpy(y)[:, None])
    loader = torch.utils.data.DataLoader(data, batch_size=3, shuffle=False)
    loss_fn, opt = torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01)

    def loop():
        for k, (xb, yb) in enumerate(loader):
            if k == steps:
                break
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
    return loop


def torch_manual(x, y, steps: int):
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.01)

    def loop():
        for i in range(0, 3 * steps, 3):
            opt.zero_grad()
            (((w * xt[i:i + 3] + b) - yt[i:i + 3]) ** 2).mean().backward()
            opt.step()
    return loop


def bench_driver(quick: bool) -> list[tuple]:
    n = 30_000 if quick else 300_000
    rows = []
    x64 = np.arange(n) / n
    for dtype in ("float32", "float64"):
        x = x64.astype(dtype)
        y = (2 * x + 10).astype(dtype)
        kernels = asgd.kernels_for(asgd.linear(), asgd.mse, dtype, with_moments=True)
        steps = -(-n // 3)
        settings, plan = asgd.Settings(lr=0.01), asgd.BatchPlan(3)
        t = in_turns({e: lambda k=kernels, x=x, y=y, s=settings, p=plan, e=e: drive(
            k, x, y, s, p, engine=e) for e in ("moments", "compiled")}, 3 if quick else 7)
        rows.append((f"driver, {dtype}, {steps} steps, every step recorded, moment engine", None,
                     f"{t['moments'] / steps * 1e6:.3f} µs/step", None))
        per_step = t["compiled"] / steps
        rows.append((f"driver, {dtype}, {steps} steps, every step recorded, compiled engine", None,
                     f"{per_step * 1e6:.3f} µs/step", None))
        if torch is not None and dtype == "float32":
            window = 300 if quick else 2000
            for name, make in (("idiomatic", torch_idiomatic), ("manual slicing", torch_manual)):
                theirs = in_turns({"t": make(x, y, window)}, 3 if quick else 5)["t"] / window
                rows.append((f"steps/s: driver float32 (compiled) / torch {name} (float32)",
                             theirs / per_step, f"torch {theirs * 1e6:.1f} µs/step",
                             (">=", 900) if name == "idiomatic" else None))
    return rows


# -- full-batch gradients --------------------------------------------------------------------

def torch_grad(model: str, x, y):
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    params = [torch.zeros((), dtype=xt.dtype, requires_grad=True) for _ in range(
        2 if model == "linear" else 3)]

    def grad():
        pred = params[0] * xt + params[1] if model == "linear" else (
            params[0] * xt**2 + params[1] * xt + params[2])
        return torch.autograd.grad(((pred - yt) ** 2).mean(), params)
    return grad


def bench_full_batch(quick: bool) -> list[tuple]:
    rows = []
    sizes = (10**5, 10**6) if quick else (10**6, 10**7)
    rng = np.random.default_rng(0)
    for n in sizes:
        base = rng.random(n)
        for dtype in ("float64", "float32"):
            x = base.astype(dtype)
            y = (2 * x + 10 + rng.normal(0, 0.1, n)).astype(dtype)
            for model in ("linear", "quadratic"):
                kernels = asgd.compile_kernels(asgd.derive(asgd.model_from_name(model), asgd.mse), dtype)
                theta = np.ones(len(kernels.params), dtype)
                candidates = {"dot": lambda x=x, y=y: np.dot(x, y),
                              "ours": lambda k=kernels, t=theta, x=x, y=y: k.grad(t, x, y)}
                if torch is not None:
                    candidates["torch"] = torch_grad(model, x, y)
                t = in_turns(candidates, 5 if quick else 9)
                label = f"gradient {model} MSE, N = {n:.0e}, {dtype}"
                target = (4 if model == "linear" else 8) if n == 10**7 and dtype == "float64" else None
                rows.append((f"time: {label}: ours / np.dot(x, y)", t["ours"] / t["dot"],
                             f"{t['ours'] * 1e3:.2f} ms (np.dot {t['dot'] * 1e3:.2f} ms)",
                             target and ("<=", target)))
                if torch is not None:
                    rows.append((f"time: {label}: torch autograd / ours", t["torch"] / t["ours"],
                                 f"torch {t['torch'] * 1e3:.1f} ms",
                                 (">=", 10) if target and model == "linear" else None))
    return rows


# -- cold start -------------------------------------------------------------------------------

def bench_cold(quick: bool) -> list[tuple]:
    script = Path(sys.executable).with_name("analytic-sgd")
    table = [sys.executable, str(script), "table"] if script.exists() else [
        sys.executable, "-m", "analytic_sgd", "table"]
    commands = {"bare": [sys.executable, "-c", "import numpy, sympy"], "table": table}
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def runner(cmd):
        return lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    t = in_turns({k: runner(c) for k, c in commands.items()}, 3 if quick else 7)
    return [("time: cold `analytic-sgd table` / `python -c \"import numpy, sympy\"`",
             t["table"] / t["bare"], f"{t['table'] * 1e3:.0f} ms (bare {t['bare'] * 1e3:.0f} ms)",
             ("<=", 2))]


# -- report -----------------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        names = [ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                 if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    import sympy

    versions = f"Python {platform.python_version()}, numpy {np.__version__}, sympy {sympy.__version__}"
    versions += f", torch {torch.__version__}" if torch is not None else ", torch not installed"
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return f"{cpu}, {os.cpu_count()} logical cores, {platform.system()}{load}; {versions}"


def markdown(rows: list[tuple], seconds: float) -> str:
    lines = [f"Machine: {machine()}.", "",
             f"Measured {time.strftime('%Y-%m-%d %H:%M')} in {seconds:.0f} s by "
             "`python benchmarks/run.py`.", "",
             "| measurement | ratio | absolute | target |", "| --- | --- | --- | --- |"]
    for what, ratio, absolute, target in rows:
        verdict = ""
        if target:
            op, bound = target
            met = ratio <= bound if op == "<=" else ratio >= bound
            verdict = f"{'≤' if op == '<=' else '≥'} {bound}x: {'met' if met else '**not met**'}"
        ratio_text = "" if ratio is None else f"{ratio:.2f}x"
        lines.append(f"| {what} | {ratio_text} | {absolute} | {verdict} |")
    return "\n".join(lines)


def write(text: str) -> None:
    """Put ``text`` between the RESULTS markers of benchmarks/README.md and README.md."""
    for path in (README, TOP_README):
        doc = path.read_text(encoding="utf-8")
        head, rest = doc.split(START, 1)
        tail = rest.split(END, 1)[1]
        path.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats (a smoke test)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave README.md alone")
    parser.add_argument("--only", nargs="*", help="run only these parts (bench_driver, ...)")
    args = parser.parse_args()
    start = time.perf_counter()
    rows = []
    parts = (bench_driver, bench_full_batch, bench_cold) + NEW_PARTS
    only = [p for p in parts if not args.only or p.__name__ in args.only]
    for part in only:
        print(f"... {part.__name__}", file=sys.stderr, flush=True)
        rows += part(args.quick)
    text = markdown(rows, time.perf_counter() - start)
    print(text)
    if not args.no_write and not args.quick and not args.only:
        write(text)


if __name__ == "__main__":
    main()
