"""Batch orders: in order, shuffled with a seed, explicit; the same cuts as a DataLoader."""

from __future__ import annotations

import numpy as np
import pytest

from analytic_sgd.conventions.batch_plan import batch_orders, check_positive_int
from analytic_sgd.errors import DataError, OptionError


def as_lists(plan):
    return [[batch.tolist() for batch in epoch] for epoch in plan]


def test_in_order_with_partial_last_batch():
    assert as_lists(batch_orders(9, 3)) == [[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]
    assert as_lists(batch_orders(7, 3)) == [[[0, 1, 2], [3, 4, 5], [6]]]
    assert as_lists(batch_orders(7, 3, drop_last=True)) == [[[0, 1, 2], [3, 4, 5]]]
    assert as_lists(batch_orders(2, 5)) == [[[0, 1]]]
    assert as_lists(batch_orders(3, 1, epochs=2)) == [[[0], [1], [2]]] * 2


def test_index_arrays_are_intp_and_independent_per_epoch():
    plan = batch_orders(4, 2, epochs=2, orders=[[1, 0, 3, 2]])
    assert all(b.dtype == np.intp for epoch in plan for b in epoch)
    plan[0][0][0] = 3
    assert plan[1][0].tolist() == [1, 0]


@pytest.mark.parametrize("n, batch_size, drop_last", [
    (9, 3, False), (10, 3, False), (10, 3, True), (1, 1, False), (5, 5, True), (4, 7, False),
    (17, 4, True),
])
def test_same_batches_as_torch_dataloader(n, batch_size, drop_last):
    torch = pytest.importorskip("torch")
    loader = torch.utils.data.DataLoader(range(n), batch_size=batch_size, shuffle=False,
                                         drop_last=drop_last)
    expected = [batch.tolist() for batch in loader]
    assert as_lists(batch_orders(n, batch_size, drop_last=drop_last)) == [expected]


def test_replays_a_shuffled_torch_dataloader():
    torch = pytest.importorskip("torch")
    n, batch_size, epochs = 11, 4, 3
    loader = torch.utils.data.DataLoader(range(n), batch_size=batch_size, shuffle=True,
                                         generator=torch.Generator().manual_seed(5))
    seen = [[batch.tolist() for batch in loader] for _ in range(epochs)]
    orders = [[i for batch in epoch for i in batch] for epoch in seen]
    assert as_lists(batch_orders(n, batch_size, epochs=epochs, orders=orders)) == seen


def test_shuffle_is_reproducible_and_documented():
    a = as_lists(batch_orders(20, 6, epochs=3, shuffle=True, seed=42))
    assert a == as_lists(batch_orders(20, 6, epochs=3, shuffle=True, seed=42))
    assert a != as_lists(batch_orders(20, 6, epochs=3, shuffle=True, seed=43))
    rng = np.random.default_rng(42)  # one generator, epoch e takes its e-th permutation
    for epoch in a:
        assert [i for batch in epoch for i in batch] == rng.permutation(20).tolist()
    assert a[0] != a[1]  # a new order each epoch
    assert [len(b) for b in a[0]] == [6, 6, 6, 2]


def test_shuffle_needs_a_seed():
    with pytest.raises(OptionError, match="seed is missing: shuffle needs a seed"):
        batch_orders(5, 2, shuffle=True)
    for seed in (-1, 1.5, "3", True):
        with pytest.raises(OptionError, match="seed must be a whole number"):
            batch_orders(5, 2, shuffle=True, seed=seed)


def test_explicit_orders():
    orders = [[2, 0, 1, 3], [3, 2, 1, 0]]
    assert as_lists(batch_orders(4, 3, epochs=2, orders=orders)) == [
        [[2, 0, 1], [3]], [[3, 2, 1], [0]]]
    assert as_lists(batch_orders(4, 2, epochs=2, orders=[np.array([3, 1, 2, 0])])) == [
        [[3, 1], [2, 0]]] * 2
    assert as_lists(batch_orders(4, 3, orders=[(1, 0, 3, 2)], drop_last=True)) == [[[1, 0, 3]]]


@pytest.mark.parametrize("orders, message", [
    ([[0, 1, 2]], "the order has 3 indices, but there are 4 rows"),
    ([[0, 1, 2, 3], [0, 1, 2]], "the order for epoch 2 has 3 indices"),
    ([[0, 1, 2, 4]], "the order has index 4, outside the rows 0..3"),
    ([[0, 1, -1, 2]], "index -1, outside"),
    ([[0, 1, 1, 2]], "the order has index 1 2 times and lacks 3"),
    ([[3, 2, 1, 0], [0, 0, 1, 2]], "the order for epoch 2 has index 0 2 times and lacks 3"),
    ([[0, 1, 2.0, 3]], "must be a flat list of whole-number row indices"),
    ([[0, 1, True, 3]], "whole-number"),
    ([np.array([0.0, 1.0, 2.0, 3.0])], "whole-number"),
    ([[[0, 1], [2, 3]]], "whole-number"),
    (["0123"], "whole-number"),
    ([[0, 1, 2, 10**30]], "outside the rows"),
    ([[0, 1, 2, 3]] * 3, "orders holds 3 orders for 2 epochs"),
    ([], "orders holds 0 orders"),
    ("0123", "orders must be a list of index lists"),
])
def test_orders_are_validated(orders, message):
    with pytest.raises(OptionError, match=message):
        batch_orders(4, 2, epochs=2 if len(orders) != 1 else 1, orders=orders)


def test_orders_and_shuffle_do_not_mix():
    with pytest.raises(OptionError, match="either shuffle.*or explicit orders"):
        batch_orders(3, 1, shuffle=True, seed=1, orders=[[0, 1, 2]])


@pytest.mark.parametrize("value", [0, -3, 2.0, 1.5, True, "3", None])
def test_batch_size_and_epochs_are_validated(value):
    with pytest.raises(OptionError, match=f"batch_size must be a whole number >= 1, got "
                                          f"{value!r}".replace("(", "\\(")):
        batch_orders(5, value)
    with pytest.raises(OptionError, match="epochs must be a whole number >= 1"):
        batch_orders(5, 2, epochs=value)


def test_no_rows_and_no_batches():
    with pytest.raises(DataError, match="no data rows"):
        batch_orders(0, 2)
    with pytest.raises(OptionError, match="drop_last with batch_size 6 > 5 rows leaves no batch"):
        batch_orders(5, 6, drop_last=True)


def test_check_positive_int():
    assert check_positive_int("epochs", np.int64(4)) == 4
    assert type(check_positive_int("epochs", np.int64(4))) is int
    with pytest.raises(OptionError, match="--digits|digits must be a whole number >= 1, got 0"):
        check_positive_int("digits", 0)


# -- sampling with replacement and the generators ------------------------------------------

from analytic_sgd.conventions.batch_plan import BatchPlan  # noqa: E402


def test_with_replacement_draws_ceil_n_over_b_batches_per_epoch():
    plan = BatchPlan(4, epochs=3, seed=11, sample="with-replacement", rng="numpy-legacy")
    batches = plan.batches(10)
    assert [[len(b) for b in e] for e in batches] == [[4, 4, 2]] * 3
    rows = np.concatenate([np.concatenate(e) for e in batches])
    legacy = np.random.RandomState(11)
    assert rows.tolist() == legacy.randint(10, size=30).tolist()
    assert plan.steps(10) == 9 and plan.random
    dropped = plan.replace(drop_last=True).batches(10)
    assert [[len(b) for b in e] for e in dropped] == [[4, 4]] * 3


def test_with_replacement_orders_replay_rows_that_repeat():
    plan = BatchPlan(2, epochs=1, sample="with-replacement", orders=[[0, 0, 1]])
    assert [b.tolist() for b in plan.batches(3)[0]] == [[0, 0], [1]]
    with pytest.raises(OptionError, match="has 2 indices, but an epoch draws 3 rows"):
        BatchPlan(2, sample="with-replacement", orders=[[0, 0]]).batches(3)
    with pytest.raises(OptionError, match="each row must appear exactly once"):
        BatchPlan(2, orders=[[0, 0, 1]]).batches(3)


def test_sampling_options_are_checked():
    with pytest.raises(OptionError, match="give either shuffle or sample='with-replacement'"):
        BatchPlan(2, shuffle=True, seed=1, sample="with-replacement")
    with pytest.raises(OptionError, match="seed is missing: with-replacement sampling needs a "
                       "seed"):
        BatchPlan(2, sample="with-replacement")
    with pytest.raises(OptionError, match="sample must be one of"):
        BatchPlan(2, sample="bootstrap")
    with pytest.raises(OptionError, match="rng must be one of"):
        BatchPlan(2, rng="torch")


def test_the_legacy_shuffle_is_np_random_permutation():
    plan = BatchPlan(3, epochs=2, shuffle=True, seed=42, rng="numpy-legacy")
    np.random.seed(42)
    expected = [np.random.permutation(7).tolist() for _ in range(2)]
    assert [np.concatenate(e).tolist() for e in plan.batches(7)] == expected


def test_the_plan_in_words_names_how_rows_are_drawn():
    assert BatchPlan(3).describe(9) == "batches of 3 of 9 samples, in order; 1 epoch"
    assert BatchPlan(2, epochs=3, sample="with-replacement", seed=1, rng="numpy-legacy").describe(
        5) == "batches of 2 of 5 samples, drawn with replacement (seed 1, rng numpy-legacy); 3 epochs"
    assert BatchPlan(4, drop_last=True, orders=[[0, 1, 2, 3, 4, 5]]).describe(6) == (
        "batches of 4 of 6 samples, in the given order, the last 2 dropped; 1 epoch")
    assert "in the given orders" in BatchPlan(2, epochs=2, orders=[[0, 1], [1, 0]]).describe(2)
