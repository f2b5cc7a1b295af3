import pytest

import analytic_sgd as asgd


def test_three_losses():
    assert (asgd.mse.reduction, asgd.mse.outer) == ("mean", "identity")
    assert (asgd.rmse.reduction, asgd.rmse.outer) == ("mean", "sqrt")
    assert (asgd.sse.reduction, asgd.sse.outer) == ("sum", "identity")
    assert asgd.get_loss("rmse") is asgd.rmse
    assert asgd.get_loss(asgd.sse) is asgd.sse


def test_exact_losses_on_the_first_batch():
    x, y = [0, 1, 2], [10, 12, 14]
    values = {name: asgd.derive(asgd.linear(), name).compile("exact").loss([0, 0], x, y)
              for name in ("mse", "rmse", "sse")}
    assert str(values["mse"]) == "440/3"
    assert str(values["sse"]) == "440"
    assert values["rmse"] ** 2 == values["mse"]


@pytest.mark.parametrize("name", ["mae", "", None, 3])
def test_unknown_loss(name):
    with pytest.raises(asgd.ModelError, match="unknown loss"):
        asgd.get_loss(name)
