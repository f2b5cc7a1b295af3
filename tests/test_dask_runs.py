"""sgd() on dask arrays: batch sums chunk by chunk on a local cluster, equal to the in-memory run."""

from __future__ import annotations

import numpy as np
import pytest

import analytic_sgd as asgd

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_full_and_large_batches_on_a_local_cluster_equal_the_in_memory_run(client):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 40_000)
    y = 3 * x + 1 + rng.normal(0, 0.1, 40_000)
    lazy_x, lazy_y = da.from_array(x, chunks=5_000), da.from_array(y, chunks=5_000)
    for loss, batch in (("mse", 40_000), ("rmse", 10_000)):
        options = dict(lr=0.3, batch_size=batch, epochs=3, momentum=0.5)
        memory = asgd.sgd(asgd.linear(), loss, x, y, engine="moments", **options)
        lazy = asgd.sgd(asgd.linear(), loss, lazy_x, lazy_y, **options)
        assert lazy.meta["engine"] == "moments"
        for name in ("params", "grad", "updated", "loss"):  # the engines' |a - b| <= rtol*s
            a, b = getattr(lazy, name), getattr(memory, name)
            assert np.allclose(a, b, rtol=0, atol=1e-12 * np.abs(b).max()), (loss, name)


def test_engines_that_would_load_everything_refuse(client):
    lazy = da.from_array(np.linspace(0, 1, 10_000), chunks=2_500)
    with pytest.raises(asgd.DataError, match="cannot run on dask arrays without loading"):
        asgd.sgd(asgd.linear(), "mse", lazy, lazy, lr=0.1, batch_size=10_000, engine="elementwise")
    with pytest.raises(asgd.DataError, match="cannot run on dask arrays"):
        asgd.sgd(asgd.parse_model("w*exp(k*x)", "w k"), "mse", lazy, lazy, lr=0.1,
                 batch_size=10_000)
    with pytest.raises(asgd.DataError, match="batches of 3 rows from dask arrays"):
        asgd.sgd(asgd.linear(), "mse", lazy, lazy, lr=0.1, batch_size=3)
