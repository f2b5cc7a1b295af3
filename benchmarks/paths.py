"""Benchmarks of the paths a user takes beyond the fastest one (run by benchmarks/run.py).

Each part returns rows (what, ratio, absolute, target) measured in this one run: the
command line reading a CSV against numpy.loadtxt plus the API; the compiled engine
against JAX's jit + lax.scan and against the elementwise engine, bit for bit; exact runs
against a plain Fraction loop and their growth with the steps; the full-batch gradient on a
busy machine against np.dot under the same load; resident memory per recorded step; sgd()
on a dask array of 2e8 points; a learning-rate schedule and sampling with replacement
against the constant-lr run without replacement.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

import analytic_sgd as asgd
from analytic_sgd.numeric.driver import run as drive
from analytic_sgd.numeric.loop_twins import loop_twins, twin_values
from analytic_sgd.render.table import render_table

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def in_turns(candidates: dict, repeat: int) -> dict:
    """Median seconds of each candidate, timed in turns (one call of each per round)."""
    times = {name: [] for name in candidates}
    for fn in candidates.values():
        fn()
    for _ in range(repeat):
        for name, fn in candidates.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(v) for name, v in times.items()}


PEAK = ("import atexit, sys\n"
        "def _peak():\n"
        "    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "    sys.stderr.write(f'\\nPEAK {int(status) * 1024}\\n')\n"
        "atexit.register(_peak)\n")


def child(argv: list[str]) -> tuple[float, int]:
    """Run ``python -c CODE args`` or ``python -m analytic_sgd args``; its wall time (s) and
    peak resident memory (bytes: VmHWM, which starts afresh in the new program, unlike the
    ru_maxrss a child inherits from the parent it forked from)."""
    if argv[1] == "-m":
        code = PEAK + "from analytic_sgd.cli import main\nsys.exit(main(sys.argv[1:]))\n"
        argv = [argv[0], "-c", code, *argv[3:]]
    else:
        argv = [argv[0], "-c", PEAK + argv[2], *argv[3:]]
    start = time.perf_counter()
    proc = subprocess.run(argv, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[3:]} failed: {proc.stderr[-500:]}")
    return seconds, int(proc.stderr.rsplit("PEAK ", 1)[1])


def write_csv(path: Path, n: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, n)
    y = 2 * x + 10 + rng.normal(0, 1, n)
    with open(path, "w") as f:
        f.write("x,y\n")
        for k in range(0, n, 1 << 20):
            np.savetxt(f, np.c_[x[k:k + (1 << 20)], y[k:k + (1 << 20)]], fmt="%.6f", delimiter=",")


# -- the command line on a data file ------------------------------------------------------------

def bench_cli_data(quick: bool) -> list[tuple]:
    big_n, small_n = (10**5 if quick else 10**6), 3000
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder) / "big.csv", Path(folder) / "small.csv"
        write_csv(big, big_n)
        write_csv(small, small_n)
        table = [sys.executable, "-m", "analytic_sgd", "table", "--data"]

        def api():
            x, y = np.loadtxt(big, delimiter=",", skiprows=1).T
            return asgd.sgd(asgd.linear(), asgd.mse, x, y, lr=0.01, batch_size=3)
        traj = api()
        t = in_turns({"big": lambda: child(table + [str(big)]),
                      "small": lambda: child(table + [str(small)]), "api": api,
                      "print": lambda: render_table(traj, "text")}, 2 if quick else 5)
        extra = t["big"] - t["small"]
        rows.append((f"time: CLI `table --data` at {big_n:.0e} rows less at {small_n} rows / "
                     "(numpy.loadtxt + sgd())", extra / t["api"],
                     f"{t['big']:.2f} s - {t['small']:.2f} s vs {t['api']:.2f} s", ("<=", 2)))
        floats = traj.loss.size + traj.grad.size + traj.updated.size  # the float columns shown
        rows.append((f"time: of which the text table of {len(traj):,} rows (render_table: "
                     f"{floats:,} shortest round-trip decimals) / (numpy.loadtxt + sgd())",
                     t["print"] / t["api"], f"{t['print']:.2f} s", None))
        big.unlink()
        n = 10**6 if quick else 5_150_000
        huge = Path(folder) / "huge.csv"
        write_csv(huge, n)
        size = huge.stat().st_size
        seconds, peak = child(table + [str(huge), "--batch-size", str(n), "--epochs", "2"])
        data = 2 * n * 8
        rows.append((f"memory: peak of `table --data` on a {size / 1e6:.0f} MB file ({n} rows, full "
                     "batch, 2 steps) / its data as float64 arrays", peak / data,
                     f"{peak / 2**20:.0f} MiB in {seconds:.1f} s (data {data / 2**20:.0f} MiB)",
                     ("<=", 3)))
    return rows


# -- the compiled engine ------------------------------------------------------------------------

MODELS = {"linear": ("w*x + b", "w b"), "quadratic": ("a*x**2 + b*x + c", "a b c"),
          "nonlinear w*exp(b*x)": ("w*exp(b*x)", "w b")}


def jax_runner(name: str, dtype, x, y):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    model = {"linear": lambda t, v: t[0] * v + t[1],
             "quadratic": lambda t, v: t[0] * v**2 + t[1] * v + t[2],
             "nonlinear w*exp(b*x)": lambda t, v: t[0] * jnp.exp(t[1] * v)}[name]
    p = len(MODELS[name][1].split())

    def step(theta, batch):
        xb, yb = batch
        loss, grad = jax.value_and_grad(lambda t: jnp.mean((model(t, xb) - yb) ** 2))(theta)
        new = theta - 0.01 * grad
        return new, (theta, loss, grad, new)  # every step recorded, as ours

    run = jax.jit(lambda theta, xs, ys: jax.lax.scan(step, theta, (xs, ys)))
    xs, ys = jnp.asarray(x.reshape(-1, 3)), jnp.asarray(y.reshape(-1, 3))
    theta = jnp.zeros(p, dtype)
    return lambda: jax.block_until_ready(run(theta, xs, ys))


def bench_compiled(quick: bool) -> list[tuple]:
    n = 30_000 if quick else 300_000
    rows = []
    try:
        import jax  # noqa: F401
    except ImportError:
        jax = None
    for dtype in (np.float32, np.float64):
        x = (np.arange(n) / n).astype(dtype)
        y = (2 * x + 10).astype(dtype)
        for name, (text, params) in MODELS.items():
            model = asgd.parse_model(text, params)
            kernels = asgd.kernels_for(model, "mse", dtype.__name__)
            s, p = asgd.Settings(lr=0.01), asgd.BatchPlan(3)
            steps = n // 3
            candidates = {"ours": lambda k=kernels, x=x, y=y, s=s, p=p: drive(k, x, y, s, p,
                                                                               engine="compiled")}
            if jax is not None:
                candidates["jax"] = jax_runner(name, dtype, x, y)
            t = in_turns(candidates, 3 if quick else 7)
            label = f"{name}, {dtype.__name__}, batch 3, {n} points"
            if jax is not None:
                rows.append((f"time per step: JAX jit+lax.scan / compiled engine, {label}",
                             t["jax"] / t["ours"], f"ours {t['ours'] / steps * 1e6:.4f} µs, JAX "
                             f"{t['jax'] / steps * 1e6:.4f} µs", (">=", 1)))
            if name.startswith("nonlinear"):
                window = x[:3000], y[:3000]
                slow = in_turns({"e": lambda k=kernels, w=window, s=s, p=p: drive(
                    k, *w, s, p, engine="elementwise")}, 1 if quick else 3)["e"]
                slow /= p.steps(len(window[1]))  # seconds per step
                rows.append((f"time per step: elementwise / compiled engine, {label}",
                             slow / (t["ours"] / steps), f"elementwise {slow * 1e6:.1f} µs",
                             (">=", 100)))
            a = drive(kernels, x, y, s, p, engine="compiled")
            b = drive(kernels, x[:30_000], y[:30_000], s, p, engine="elementwise")
            same = all(np.array_equal(getattr(a, c)[:len(b)].view(np.uint8),
                                      getattr(b, c).view(np.uint8))
                       for c in ("params", "loss", "grad", "updated"))
            rows.append((f"bits: compiled engine = elementwise engine, first {len(b)} steps, "
                         f"{label}", None, "bit for bit" if same else "**differ**", None))
    if not quick and "exp" in loop_twins(np.dtype(np.float32)):
        bad = exp_f32_mismatches()
        rows.append(("bits: the compiled engine's float32 exp = np.exp on all 4,294,967,296 "
                     "float32 inputs", None, "equal" if bad == 0 else f"**{bad:,} differ**",
                     None))
    return rows


def exp_f32_mismatches() -> int:
    """How many of the 2**32 float32 inputs the float32 exp twin and np.exp differ on (bits)."""
    twin = loop_twins(np.dtype(np.float32))["exp"]
    n, bad = 1 << 26, 0
    with np.errstate(all="ignore"):
        for c in range(64):
            x = np.arange(c * n, (c + 1) * n, dtype=np.uint32).view(np.float32)
            got, expected = twin_values(twin, x), np.exp(x)
            bad += int(np.count_nonzero(got.view(np.uint32) != expected.view(np.uint32)))
    return bad


# -- exact runs ---------------------------------------------------------------------------------

def exact_data(n: int = 30):
    rng = np.random.default_rng(0)
    return ([f"{v:.1f}" for v in rng.uniform(0, 3, n)], [f"{v:.1f}" for v in rng.uniform(0, 10, n)])


def fraction_loop(xt, yt, steps: int, batch: int = 3, lr=Fraction(1, 100)):
    """Linear SGD, MSE, as a user writes it with fractions.Fraction."""
    xs, ys = [Fraction(v) for v in xt], [Fraction(v) for v in yt]
    w = b = Fraction(0)
    out, per = [], -(-len(xs) // batch)
    for k in range(steps):
        i = (k % per) * batch
        xb, yb = xs[i:i + batch], ys[i:i + batch]
        r = [w * x + b - y for x, y in zip(xb, yb)]
        loss = sum(v * v for v in r) / len(r)
        gw, gb = 2 * sum(v * x for v, x in zip(r, xb)) / len(r), 2 * sum(r) / len(r)
        w, b = w - lr * gw, b - lr * gb
        out.append((loss, gw, gb, w, b))
    return out


def bench_exact(quick: bool) -> list[tuple]:
    xt, yt = exact_data()
    rows = []

    per_epoch = -(-len(xt) // 3)

    def ours(steps):
        return asgd.sgd(asgd.linear(), "mse", xt, yt, lr="0.01", batch_size=3,
                        epochs=steps // per_epoch, arithmetic="exact")
    steps = 300 if quick else 1500
    t = in_turns({"fraction": lambda: fraction_loop(xt, yt, steps), "ours": lambda: ours(steps)},
                 1 if quick else 3)
    traj, ref = ours(steps), fraction_loop(xt, yt, steps)
    same = len(traj) == len(ref) and all(
        Fraction(int(s.loss.p), int(s.loss.q)) == r[0] and [Fraction(int(v.p), int(v.q))
                                                             for v in s.updated] == [r[3], r[4]]
        for s, r in zip(traj.steps, ref))
    rows.append((f"time: plain Fraction loop / exact run, linear MSE, batch 3, {len(traj)} steps "
                 f"({'equal exactly' if same else '**not equal**'})", t["fraction"] / t["ours"],
                 f"ours {t['ours']:.2f} s, Fraction loop {t['fraction']:.2f} s", (">=", 2)))
    short, long = (k // per_epoch * per_epoch for k in ((200, 1000) if quick else (1000, 5000)))
    times = {k: in_turns({"ours": lambda k=k: ours(k)}, 1)["ours"] for k in (short, long)}
    exponent = math.log(times[long] / times[short]) / math.log(long / short)
    for k in (short, long):
        rows.append((f"time: exact run, linear MSE, batch 3, {k} steps", None,
                     f"{times[k]:.2f} s", None))
    rows.append((f"growth: exponent of exact time against steps ({short} to {long})", exponent,
                 f"time ∝ steps^{exponent:.2f}", None))
    return rows


# -- the full-batch gradient on a busy machine ---------------------------------------------------

BUSY = "import numpy as np\na = np.random.rand(1500, 1500)\nwhile True:\n    a @ a\n"


def bench_busy(quick: bool) -> list[tuple]:
    n = 10**6 if quick else 10**7
    rng = np.random.default_rng(0)
    x = rng.random(n)
    y = 2 * x + 10 + rng.normal(0, 0.1, n)
    kernels = asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.mse), "float64")
    theta = np.ones(2)
    candidates = {"dot": lambda: np.dot(x, y), "ours": lambda: kernels.grad(theta, x, y)}
    quiet = in_turns(candidates, 5 if quick else 9)
    worst = []
    for _ in range(3):
        load = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(os.cpu_count() or 2)]
        try:
            time.sleep(1.0)
            busy = in_turns(candidates, 5 if quick else 9)
        finally:
            for proc in load:
                proc.kill()
                proc.wait()
        worst.append((busy["ours"] / quiet["ours"]) / (busy["dot"] / quiet["dot"]))
    return [(f"time: full-batch gradient linear MSE, N = {n:.0e}, float64, quiet: ours / np.dot",
             quiet["ours"] / quiet["dot"], f"{quiet['ours'] * 1e3:.2f} ms (np.dot "
             f"{quiet['dot'] * 1e3:.2f} ms)", ("<=", 3)),
            ("slowdown with every core busy: gradient's / np.dot's, worst of 3 trials", max(worst),
             ", ".join(f"{w:.2f}" for w in worst), ("<=", 1.5))]


# -- memory ---------------------------------------------------------------------------------------

MEMORY = """
import sys, numpy as np, analytic_sgd as asgd
steps = int(sys.argv[1])
x = np.arange(3 * steps) / (3 * steps); y = 2 * x + 10
asgd.sgd(asgd.linear(), "mse", x[:3000], y[:3000], lr=0.01, batch_size=3)
def kib(key):
    return int(open("/proc/self/status").read().split(key + ":")[1].split()[0]) * 1024
open("/proc/self/clear_refs", "w").write("5")  # the peak starts again from here
rss = kib("VmRSS")
t = asgd.sgd(asgd.linear(), "mse", x, y, lr=0.01, batch_size=3)
peak = kib("VmHWM")
size = sum(getattr(t, c).nbytes for c in ("epoch", "batch", "n", "params", "loss", "grad", "updated", "lr"))
print(peak - rss, size, t.meta["engine"])
"""


def bench_memory(quick: bool) -> list[tuple]:
    steps = 10**5 if quick else 10**6
    out = subprocess.run([sys.executable, "-c", MEMORY, str(steps)], env=ENV, check=True,
                         capture_output=True, text=True).stdout.split()
    growth, size, engine = int(out[0]), int(out[1]), out[2]
    return [(f"memory: resident growth of a {steps:.0e}-step run (sgd(), {engine} engine) / "
             "the trajectory it returns", growth / size,
             f"{growth / 2**20:.0f} MiB for {size / 2**20:.0f} MiB", ("<=", 2))]


DASK = """
import sys, numpy as np, dask, dask.array as da, analytic_sgd as asgd
n = int(sys.argv[1])
dask.config.set(scheduler="threads", num_workers=2)
x = da.arange(n, chunks=5_000_000, dtype=np.float64) / n
y = 2 * x + 10
t = asgd.sgd(asgd.linear(), "mse", x, y, lr=0.5, batch_size=n, epochs=2)
print(t.meta["engine"], t.final.tolist())
"""


def bench_dask(quick: bool) -> list[tuple]:
    n = 2 * 10**7 if quick else 2 * 10**8
    seconds, peak = child([sys.executable, "-c", DASK, str(n)])
    return [(f"memory: peak of sgd() on a {n:.0e}-point dask array (full batch, 2 steps) / 1 GB",
             peak / 1e9, f"{peak / 2**20:.0f} MiB in {seconds:.0f} s (the data: "
             f"{2 * n * 8 / 2**30:.1f} GiB)", ("<=", 1))]


# -- schedules and sampling (issue 13) -----------------------------------------------------------

SCHEDULE_RUNS = {"constant": {}, "schedule 5/(t+50)": {"lr": "5/(t+50)"},
                 "shuffle": {"shuffle": True, "seed": 0},
                 "with replacement": {"sample": "with-replacement", "seed": 0}}


def schedule_seconds(name: str, n: int, repeat: int) -> float:
    """Median seconds of ``sgd()`` with the options of ``SCHEDULE_RUNS[name]`` (one warm-up)."""
    x = np.arange(n) / n
    y = 2 * x + 10
    options = {"lr": 0.01, **SCHEDULE_RUNS[name]}
    return in_turns({name: lambda: asgd.sgd(asgd.linear(), "mse", x, y, batch_size=3,
                                            **options)}, repeat)[name]


def bench_schedule(quick: bool) -> list[tuple]:
    """A learning-rate schedule against the constant rate, and sampling with replacement
    against the shuffle without replacement (both draw random rows: the sampler's own
    cost) and against rows in order (whose batch sums the moment engine reuses epoch after
    epoch). Runs of tens of milliseconds allocate arrays of a few MB each; timed in turns in
    one process, one run's freed memory changes how fast the next gets its pages, so each
    candidate is timed in a fresh process of its own, in turns, the median of the rounds."""
    n = 30_000 if quick else 300_000
    code = ("import sys; from benchmarks.paths import schedule_seconds; "
            "print(schedule_seconds(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))")
    times: dict[str, list[float]] = {name: [] for name in SCHEDULE_RUNS}
    for _ in range(2 if quick else 3):
        for name in SCHEDULE_RUNS:
            proc = subprocess.run([sys.executable, "-c", code, name, str(n), "5" if quick else "25"],
                                  env=ENV, cwd=ROOT, capture_output=True, text=True, check=True)
            times[name].append(float(proc.stdout))
    t = {name: statistics.median(v) for name, v in times.items()}
    engine = asgd.sgd(asgd.linear(), "mse", np.arange(n) / n, 2 * np.arange(n) / n + 10,
                      lr=0.01, batch_size=3).meta["engine"]
    where = f"batch 3, {n} points ({engine} engine)"

    def row(what, base, label, target=("<=", 1.1)):
        return (f"time: driver with {what} / {label}, {where}", t[what] / t[base],
                f"{t[what] * 1e3:.1f} ms vs {t[base] * 1e3:.1f} ms", target)
    return [row("schedule 5/(t+50)", "constant", "constant lr"),
            row("with replacement", "shuffle", "shuffled without replacement"),
            row("with replacement", "constant", "rows in order", None)]


NEW_PARTS = (bench_cli_data, bench_compiled, bench_exact, bench_busy, bench_memory, bench_dask,
             bench_schedule)
