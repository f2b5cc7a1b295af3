"""Pictures: each kind is written, is not blank, and its axes cover the data."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from analytic_sgd.cli import main
from analytic_sgd.errors import MissingExtraError, OptionError
from analytic_sgd.problems.problem import example_problem

pytest.importorskip("matplotlib")

from analytic_sgd.pictures import draw  # noqa: E402  (after the importorskip)
from analytic_sgd.pictures import plot as pictures  # noqa: E402


def _not_blank(path) -> None:
    from matplotlib.image import imread

    image = imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    colors = np.unique(image[..., :3].reshape(-1, 3), axis=0)
    assert image[..., :3].std() > 0.05 and len(colors) > 20, "the picture is (nearly) one colour"


def _covers(limits, low, high) -> None:
    lo, hi = sorted(limits)
    assert lo <= low and high <= hi, f"limits {limits} do not cover [{low}, {high}]"


@pytest.fixture(scope="module")
def linear():
    problem = example_problem("worked-linear")
    return problem, problem.run()


def test_loss_picture(tmp_path, linear):
    problem, traj = linear
    out = tmp_path / "loss.png"
    fig = pictures.plot_loss(problem, traj, out)
    assert out.stat().st_size > 0
    _not_blank(out)
    ax = fig.axes[0]
    _covers(ax.get_xlim(), 1, len(traj))
    _covers(ax.get_ylim(), float(np.min(traj.loss)), float(np.max(traj.loss)))
    assert ax.get_xlabel() and ax.get_ylabel() and "loss per step" in ax.get_title()


def test_loss_picture_uses_a_log_scale_when_the_loss_spans_decades():
    problem = example_problem("two-feature-linear", epochs=300)
    fig = draw("loss", problem)
    assert fig.axes[0].get_yscale() == "log"
    assert draw("loss", example_problem("worked-linear")).axes[0].get_yscale() == "linear"


@pytest.mark.parametrize("name", ["worked-linear", "noisy-quadratic", "two-feature-linear",
                                  "rollercoaster"])
def test_fit_picture_covers_the_data(tmp_path, name):
    problem = example_problem(name)
    out = tmp_path / "fit.png"
    fig = draw("fit", problem, out)
    _not_blank(out)
    ax = fig.axes[0]
    x = np.asarray(problem.x, dtype=float).reshape(len(problem.y), -1)[:, 0]
    _covers(ax.get_xlim(), x.min(), x.max())
    _covers(ax.get_ylim(), float(np.min(problem.y)), float(np.max(problem.y)))
    labels = ax.get_legend_handles_labels()[1]
    assert labels[0] == "data" and labels[1].startswith("start") and len(labels) >= 3


def test_fit_picture_draws_the_chosen_steps(linear):
    problem, traj = linear
    fig = pictures.plot_fit(problem, traj, steps=[3, 0])
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert [label.split(":")[0] for label in labels] == ["data", "start", "after step 3"]
    line = fig.axes[0].get_lines()[-1]
    w, b = traj.final
    assert np.allclose(line.get_ydata(), w * line.get_xdata() + b)
    with pytest.raises(OptionError, match="0 \\(the start\\) to 3"):
        pictures.plot_fit(problem, traj, steps=[4])


def test_fit_picture_of_an_exact_run(tmp_path):
    out = tmp_path / "exact.png"
    draw("fit", example_problem("worked-linear"), out, arithmetic="exact")
    _not_blank(out)


@pytest.mark.parametrize("name", ["worked-linear", "two-feature-linear"])
def test_contour_picture_holds_the_path(tmp_path, name):
    problem = example_problem(name)
    traj = problem.run()
    out = tmp_path / "contour.svg"
    fig = pictures.plot_contour(problem, traj, out)
    assert out.read_text().lstrip().startswith("<?xml")
    png = tmp_path / "contour.png"
    fig.savefig(png)
    _not_blank(png)
    ax = fig.axes[0]
    path = np.vstack([traj.params[:1], traj.updated]).astype(float)
    _covers(ax.get_xlim(), path[:, 0].min(), path[:, 0].max())
    _covers(ax.get_ylim(), path[:, 1].min(), path[:, 1].max())
    assert (ax.get_xlabel(), ax.get_ylabel()) == problem.model.param_names


def test_contour_needs_two_parameters(tmp_path):
    out = tmp_path / "c.png"
    with pytest.raises(OptionError, match="two parameters.*loss, fit or animation"):
        draw("contour", example_problem("noisy-quadratic"), out)
    assert not out.exists()


def test_animation_has_a_frame_per_step(tmp_path):
    from PIL import Image

    out = tmp_path / "fit.gif"
    draw("animation", example_problem("worked-linear"), out)
    with Image.open(out) as gif:
        assert gif.n_frames == 4  # the start and three steps
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append(np.asarray(gif.convert("RGB"), dtype=float))
    assert frames[0].std() > 0.05 * 255 and not np.array_equal(frames[0], frames[-1])


def test_animation_caps_the_frames(tmp_path):
    from PIL import Image

    from analytic_sgd.pictures.animation import animate_fit

    problem = example_problem("two-feature-linear", epochs=30)
    out = tmp_path / "fit.gif"
    animate_fit(problem, problem.run(), out, frames=5)
    with Image.open(out) as gif:
        assert gif.n_frames == 5


def test_animation_needs_a_gif_file(tmp_path):
    with pytest.raises(OptionError, match=r"\.gif"):
        draw("animation", example_problem("worked-linear"), tmp_path / "a.png")
    with pytest.raises(OptionError, match="out="):
        draw("animation", example_problem("worked-linear"))


def test_unknown_kind_and_missing_folder(tmp_path):
    with pytest.raises(OptionError, match="loss, fit, contour, animation"):
        draw("histogram", example_problem("worked-linear"))
    with pytest.raises(OptionError, match="does not exist"):
        draw("loss", example_problem("worked-linear"), tmp_path / "no" / "loss.png")


def test_a_failed_picture_leaves_no_file(tmp_path, linear, monkeypatch):
    from matplotlib.figure import Figure

    problem, traj = linear
    out = tmp_path / "loss.png"
    out.write_bytes(b"the old picture")

    def broken(self, path, **kwargs):
        with open(path, "wb") as f:
            f.write(b"half a pi")
        raise RuntimeError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        pictures.plot_loss(problem, traj, out)
    assert out.read_bytes() == b"the old picture"
    assert os.listdir(tmp_path) == ["loss.png"]


def test_unknown_image_format_is_an_option_error(tmp_path, linear):
    problem, traj = linear
    with pytest.raises(OptionError, match="not supported"):
        pictures.plot_loss(problem, traj, tmp_path / "loss.xyz")
    assert os.listdir(tmp_path) == []


def test_written_files_have_ordinary_permissions(tmp_path, linear):
    problem, traj = linear
    out = tmp_path / "loss.png"
    pictures.plot_loss(problem, traj, out)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_missing_matplotlib_names_the_extra(monkeypatch, linear):
    problem, traj = linear
    for name in ("matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(MissingExtraError, match=r"analytic-sgd\[plot\]"):
        pictures.plot_loss(problem, traj)


# --- the command line --------------------------------------------------------------------------


@pytest.mark.parametrize("kind, suffix", [("loss", "png"), ("fit", "png"), ("contour", "png"),
                                          ("animation", "gif")])
def test_cli_writes_each_kind(tmp_path, capsys, kind, suffix):
    out = tmp_path / f"{kind}.{suffix}"
    assert main(["plot", "--kind", kind, "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert out.stat().st_size > 0


def test_cli_fit_with_steps_and_problem_options(tmp_path):
    out = tmp_path / "fit.png"
    assert main(["plot", "--kind", "fit", "--example", "noisy-quadratic", "--lr", "0.05",
                 "--epochs", "30", "--steps", "0,10,30", "--out", str(out)]) == 0
    _not_blank(out)


@pytest.mark.parametrize("argv, message", [
    (["--kind", "loss", "--out", "/no/such/dir/loss.png"], "does not exist"),
    (["--kind", "contour", "--example", "noisy-quadratic", "--out", "{tmp}/c.png"],
     "two parameters"),
    (["--kind", "fit", "--steps", "1,x", "--out", "{tmp}/f.png"], "--steps"),
    (["--kind", "loss", "--steps", "1", "--out", "{tmp}/f.png"], "--kind fit"),
    (["--kind", "fit", "--steps", "7", "--out", "{tmp}/f.png"], "out of range"),
    (["--kind", "animation", "--out", "{tmp}/a.png"], ".gif"),
    (["--kind", "pie", "--out", "{tmp}/a.png"], "invalid choice"),
    (["--kind", "loss"], "--out"),
])
def test_cli_bad_input_exits_2(tmp_path, capsys, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["plot", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) <= 2
    assert os.listdir(tmp_path) == []
