"""torch_rng: PyTorch's CPU generator in NumPy, checked bit for bit.

The first group needs no torch: reference MT19937 outputs, NumPy's own legacy
MT19937 and values recorded from torch 2.13.0. The second group compares with
torch itself and is skipped when torch is not installed.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from analytic_sgd.errors import OptionError
from analytic_sgd.problems.torch_rng import TorchGenerator, noisy_quadratic_data


def bits(a: np.ndarray) -> np.ndarray:
    return a.view(np.uint32 if a.dtype == np.float32 else np.uint64)


def floats(hexes: list[str], dtype: type = np.float32) -> np.ndarray:
    return np.array([float.fromhex(h) for h in hexes], dtype=dtype)


def torch_like_mse(params: tuple[float, float, float]) -> tuple[np.float32, np.ndarray]:
    """MSE of a x**2 + b x + c on the example data and its gradient, as torch computes the MSE.

    torch's float32 ``mean`` adds up ``r**2 / n`` in order, which is not ``sum(r**2) / n``.
    """
    x, y = noisy_quadratic_data()
    a, b, c = (np.float32(p) for p in params)
    r = (a * (x * x) + b * x + c) - y
    mse = np.float32(0)
    for v in r * r / np.float32(x.size):
        mse = np.float32(mse + v)
    grad = 2.0 * np.array([np.mean(r * x * x), np.mean(r * x), np.mean(r)], dtype=np.float64)
    return mse, grad


# ---- without torch ---------------------------------------------------------


def test_mt19937_reference_outputs_for_the_default_seed():
    words = TorchGenerator(5489)._words(5)
    assert words.tolist() == [3499211612, 581869302, 3890346734, 3586334585, 545404204]


@pytest.mark.parametrize("seed", [0, 1, 42, 5489, 2**31 - 1, 2**32 - 1])
def test_engine_matches_numpys_legacy_mt19937_across_many_twists(seed):
    expected = np.random.RandomState(seed).randint(0, 2**32, size=5000, dtype=np.uint32)
    g = TorchGenerator(seed)
    got = np.concatenate([g._words(k) for k in (1, 623, 624, 625, 1, 3126)])
    assert np.array_equal(got, expected)


def test_only_the_low_32_bits_of_the_seed_matter():
    for seed in (2**32 + 5, -(2**32) + 5):
        assert np.array_equal(TorchGenerator(seed).rand(10), TorchGenerator(5).rand(10))
    assert np.array_equal(TorchGenerator(-1).rand(10), TorchGenerator(2**64 - 1).rand(10))


def test_rand_seed_42_recorded_from_torch():
    expected = ["0x1.c3b8ccp-1", "0x1.d47b66p-1", "0x1.880d70p-2", "0x1.eb2a1cp-1", "0x1.8fd1a8p-2"]
    got = TorchGenerator(42).rand(5)
    assert got.dtype == np.float32
    assert np.array_equal(bits(got), bits(floats(expected)))
    assert got.tolist()[0] == 0.8822692632675171


def test_rand_float64_seed_42_recorded_from_torch():
    expected = ["0x1.dc66cbea3db30p-5", "0x1.01ae177aca870p-4", "0x1.fa3563ccea238p-4"]
    got = TorchGenerator(42).rand(3, dtype=np.float64)
    assert np.array_equal(bits(got), bits(floats(expected, np.float64)))


def test_randn_recorded_from_torch_small_then_vectorized():
    g = TorchGenerator(42)
    small = ["0x1.58c55cp-2", "0x1.07cd3ap-3", "0x1.e02dcep-3"]
    assert np.array_equal(bits(g.randn(3)), bits(floats(small)))
    big = ["0x1.c9ac90p+0", "-0x1.e984b2p-2", "-0x1.f15fdep-3"]
    assert np.array_equal(bits(g.randn(20)[:3]), bits(floats(big)))
    tail = TorchGenerator(0).randn(17)[[0, 8, 16]]
    assert np.array_equal(
        bits(tail), bits(floats(["-0x1.20370ap+0", "0x1.df54aap-2", "0x1.dd1860p-1"]))
    )


def test_uniform_recorded_from_torch():
    expected = ["0x1.659b58p-2", "-0x1.81882cp+1", "0x1.9794fap+0"]
    assert np.array_equal(bits(TorchGenerator(7).uniform(3, -5, 5)), bits(floats(expected)))


def test_uniform_never_returns_high():
    low = np.float32(1000.0)
    high = np.nextafter(np.nextafter(low, np.float32(np.inf)), np.float32(np.inf))
    for dtype in (np.float32, np.float64):
        out = TorchGenerator(0).uniform(2000, float(low), float(high), dtype=dtype)
        assert out.min() >= low and out.max() < high


def test_the_stream_is_shared_between_calls():
    g = TorchGenerator(3)
    parts = [g.rand(1), g.rand(700), g.rand(5)]
    assert np.array_equal(np.concatenate(parts), TorchGenerator(3).rand(706))
    g = TorchGenerator(3)
    g.rand(1, dtype=np.float64)  # two words
    assert np.array_equal(g.rand(4), TorchGenerator(3).rand(6)[2:])


def test_small_randn_caches_the_second_normal_across_calls():
    one_by_one = TorchGenerator(9)
    pairs = TorchGenerator(9).randn(6, dtype=np.float64)
    got = np.concatenate([one_by_one.randn(1, dtype=np.float64) for _ in range(6)])
    assert np.array_equal(got, pairs)


def test_noisy_quadratic_data_shapes_and_mse():
    x, y = noisy_quadratic_data()
    assert x.shape == y.shape == (20,)
    assert x.dtype == y.dtype == np.float32
    assert x[0] == -2 and x[-1] == 2
    mse, grad = torch_like_mse((4, 5, 7))
    assert float(mse) == 41.75225067138672
    assert np.allclose(grad, [20.1243, 6.9424, 9.1506], atol=1e-4)


def test_a_million_numbers_take_well_under_a_second():
    start = time.perf_counter()
    out = TorchGenerator(1).rand(10**6)
    assert time.perf_counter() - start < 1.0
    assert out.shape == (10**6,) and 0 <= out.min() and out.max() < 1


@pytest.mark.parametrize(
    "call",
    [
        lambda: TorchGenerator(2**64),
        lambda: TorchGenerator(-(2**63) - 1),
        lambda: TorchGenerator(0).rand(-1),
        lambda: TorchGenerator(0).rand(2.5),
        lambda: TorchGenerator(0).randn(3, dtype=np.int32),
        lambda: TorchGenerator(0).uniform(3, 2.0, 1.0),
    ],
)
def test_bad_arguments_raise_option_error(call):
    with pytest.raises(OptionError):
        call()


# ---- against torch ---------------------------------------------------------

SEEDS = [0, 1, 42, 2**31 - 1, 2**32 + 5, -1]
SIZES = [1, 2, 15, 16, 17, 100, 1000, 12345]


@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    if torch.backends.cpu.get_cpu_capability() not in ("AVX2", "AVX512"):
        pytest.skip("reproduces torch's x86-64 AVX2/AVX-512 kernels, which contract to FMA")
    return torch


def torch_draws(torch, seed: int, what: str, n: int, dtype: type) -> np.ndarray:
    tdtype = torch.float32 if dtype is np.float32 else torch.float64
    torch.manual_seed(seed)
    if what == "rand":
        return torch.rand(n, dtype=tdtype).numpy()
    if what == "randn":
        return torch.randn(n, dtype=tdtype).numpy()
    return torch.empty(n, dtype=tdtype).uniform_(-0.3, 1.7).numpy()


def ours(seed: int, what: str, n: int, dtype: type) -> np.ndarray:
    g = TorchGenerator(seed)
    if what == "uniform":
        return g.uniform(n, -0.3, 1.7, dtype=dtype)
    return getattr(g, what)(n, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("what", ["rand", "randn", "uniform"])
@pytest.mark.parametrize("seed", SEEDS)
def test_bit_for_bit_against_torch(torch, seed, what, dtype):
    for n in SIZES:
        expected = torch_draws(torch, seed, what, n, dtype)
        got = ours(seed, what, n, dtype)
        assert got.dtype == expected.dtype and got.shape == expected.shape
        assert np.array_equal(bits(got), bits(expected)), (seed, what, n, dtype)


def test_every_size_up_to_100_against_torch(torch):
    for n in range(1, 101):
        for dtype in (np.float32, np.float64):
            assert np.array_equal(
                bits(ours(5, "rand", n, dtype)), bits(torch_draws(torch, 5, "rand", n, dtype))
            )


def test_a_mixed_sequence_of_calls_against_torch(torch):
    torch.manual_seed(11)
    g = TorchGenerator(11)
    steps = [
        ("randn", 3, np.float32),
        ("rand", 7, np.float64),
        ("randn", 40, np.float32),
        ("randn", 5, np.float64),
        ("uniform", 33, np.float32),
        ("randn", 1, np.float32),
        ("rand", 2000, np.float32),
        ("randn", 1001, np.float64),
        ("uniform", 9, np.float64),
    ]
    for what, n, dtype in steps:
        tdtype = torch.float32 if dtype is np.float32 else torch.float64
        if what == "uniform":
            expected = torch.empty(n, dtype=tdtype).uniform_(2.5, 3.25).numpy()
            got = g.uniform(n, 2.5, 3.25, dtype=dtype)
        else:
            expected = getattr(torch, what)(n, dtype=tdtype).numpy()
            got = getattr(g, what)(n, dtype=dtype)
        assert np.array_equal(bits(got), bits(expected)), (what, n, dtype)


def test_noisy_quadratic_data_against_the_torch_recipe(torch):
    x = torch.linspace(-2, 2, 20)[:, None]

    def f(x):
        return 2 * x**2 + 3 * x + 4

    torch.manual_seed(42)
    noise = torch.rand_like(f(x)) * 10 - 5
    y = f(x) + noise
    ours_x, ours_y = noisy_quadratic_data()
    assert np.array_equal(bits(ours_x), bits(x.numpy().ravel()))
    assert np.array_equal(bits(ours_y), bits(y.numpy().ravel()))
    params = torch.tensor([4.0, 5.0, 7.0], requires_grad=True)
    loss = ((params[0] * x**2 + params[1] * x + params[2] - y) ** 2).mean()
    loss.backward()
    mse, grad = torch_like_mse((4, 5, 7))
    assert float(mse) == loss.item() == 41.75225067138672
    assert np.allclose(grad, params.grad.numpy(), rtol=1e-5)
