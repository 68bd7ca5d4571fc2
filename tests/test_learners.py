"""What learners ask next: more classes, smoothing, temperature, the book's 1e-7, demo, check,
the raw data and Japanese labels."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import cast

import numpy as np
import pytest
from conftest import (
    SEED_A,
    SEED_DIFFERENCE,
    SEED_LOSS,
    SEED_LOSS_BOOK,
    SEED_REL,
    SEED_T,
    printed_number,
    run_cli,
)
from mpl_toolkits.mplot3d.axes3d import Axes3D
from slides_tools import read

import swl_viz.mpl.theme as text
from swl_viz import loss_grid
from swl_viz.learners import gradient_check
from swl_viz.marks import zmap
from swl_viz.mpl import build_figure
from swl_viz.plotspec import Plot


def _run(*args: str) -> tuple[int, str]:
    return run_cli(*args)


# ---- the layer's options -----------------------------------------------------------------------


def test_book_variant_is_capped_near_16() -> None:
    exact = loss_grid(-20, 20, 2, [1, 0])
    book = loss_grid(-20, 20, 2, [1, 0], variant="book")
    assert exact.loss.max() == 40.0
    assert book.loss.max() == pytest.approx(-np.log(1e-7), rel=1e-9)  # 16.118
    np.testing.assert_array_equal(book.grad0, exact.grad0)  # the layer's backward is y - t
    assert book.loss.min() < 0  # log(1 + 1e-7) > 0 where y -> 1


def test_label_smoothing_moves_the_minimum_off_to_a_finite_point() -> None:
    g = loss_grid(-20, 20, 0.5, [1, 0], label_smoothing=0.2)
    target = np.array([0.9, 0.1])  # (1 - 0.2) * t + 0.2 / 2
    d = g.x0 - g.x1
    # the loss along x0 - x1 = d is the cross-entropy of the target with sigmoid(d)
    log_y0, log_y1 = -np.logaddexp(0.0, -d), -np.logaddexp(0.0, d)  # numpy's own forms
    np.testing.assert_allclose(g.loss, -(target[0] * log_y0 + target[1] * log_y1), rtol=1e-12)
    best = d.ravel()[np.argmin(g.loss)]
    assert best == pytest.approx(np.log(9), abs=0.5)  # minimum at sigmoid(d) = 0.9


def test_temperature_gradient_matches_finite_differences_on_the_grid() -> None:
    res = gradient_check(-10, 10, 1, [0.2, 0.8], temperature=0.5)
    assert res.max_error < 1e-7
    g = loss_grid(-10, 10, 1, [1, 0], temperature=4.0)
    assert np.abs(g.grad0).max() <= 0.25 + 1e-15  # |y - t| / T <= 1/T


def test_k3_figure_labels_follow_the_chosen_classes() -> None:
    plot = Plot("surface", t=(0.0, 0.0, 1.0), logits=(0.0, 1.0, 0.0), axes=(0, 2))
    fig = build_figure(plot)
    (ax,) = fig.axes
    assert (read(ax.get_xlabel()), read(ax.get_ylabel())) == ("x₀", "x₂")
    assert "a = (x₀, 1, x₂)" in read(ax.get_title(loc="left"))
    g = plot.grid()
    a = g.stacked_logits()
    np.testing.assert_array_equal(a[..., 1], 1.0)  # a = (x0, 1, x1)
    np.testing.assert_array_equal(a[..., 2], g.x1)


def test_compare_draws_exact_and_book_side_by_side() -> None:
    fig = build_figure(Plot("surface", compare=True))
    left, right = cast(list[Axes3D], fig.axes)
    assert left.get_title(loc="left").startswith("exact")
    assert right.get_title(loc="left").startswith("book")
    assert left.get_zlim() == right.get_zlim()
    fig = build_figure(Plot("contour", compare=True))
    assert len(fig.axes) == 3  # two panels and one shared colourbar


def test_log_scale_has_no_holes_even_where_exp_underflows() -> None:
    g = loss_grid(-1000, 1000, 50, [1, 0])
    assert (g.loss == 0).any()  # exp(-2000) is below the smallest double
    z = zmap("log")(g.loss)
    assert np.isfinite(z).all()
    small = loss_grid(-20, 20, 2, [1, 0])
    z = zmap("log")(small.loss)
    np.testing.assert_allclose(z.min(), np.log10(np.log1p(np.exp(-40.0))), rtol=1e-12)
    fig = build_figure(Plot("contour", zscale="log"))
    assert "log" in read(fig.axes[1].get_ylabel())


# ---- demo ---------------------------------------------------------------------------------------


def test_demo_prints_the_seed_numbers() -> None:
    code, out = _run("demo")
    assert code == 0, out
    loss = printed_number(out, "t log y / N")
    book = printed_number(out, "t log(y + 1e-7) / N")
    assert loss == pytest.approx(SEED_LOSS, rel=SEED_REL)
    assert book == pytest.approx(SEED_LOSS_BOOK, rel=SEED_REL)
    assert f"difference                            {SEED_DIFFERENCE:.6g}" in out  # as it prints
    assert "-0.330" in out and "0.538" in out  # the seed's rounded dA and Y


def test_demo_json_round_trips() -> None:
    code, out = _run("demo", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["loss"] == pytest.approx(SEED_LOSS, rel=SEED_REL)
    assert data["loss_book"] == pytest.approx(SEED_LOSS_BOOK, rel=SEED_REL)
    # computed without cancellation: as close to the 50-digit oracle as the losses themselves
    assert data["difference"] == pytest.approx(SEED_DIFFERENCE, rel=SEED_REL)
    dA = np.array(data["dA"])
    y = np.array(data["Y"])
    np.testing.assert_allclose(dA, (y - np.array(SEED_T)) / 3, rtol=1e-14, atol=1e-17)


@pytest.mark.parametrize("suffix", ["npy", "csv"])
def test_demo_on_your_own_batch(tmp_path: Path, suffix: str) -> None:
    a = np.array(SEED_A)[:2]
    idx = np.array([7, 4])
    if suffix == "npy":
        np.save(tmp_path / "a.npy", a)
        np.save(tmp_path / "t.npy", idx)
    else:
        np.savetxt(tmp_path / "a.csv", a, delimiter=",")
        np.savetxt(tmp_path / "t.csv", np.eye(10)[idx], delimiter=",")
    code, out = _run(
        "demo", "--json", "--logits", str(tmp_path / f"a.{suffix}"),
        "--labels", str(tmp_path / f"t.{suffix}"),
    )  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    y = np.exp(a - a.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    assert data["loss"] == pytest.approx(-np.mean(np.log(y[[0, 1], idx])), rel=1e-14)


@pytest.mark.parametrize(
    ("files", "option", "message"),
    [
        ({"a.npy": np.ones((3, 4)), "t.npy": np.eye(3)}, "--labels", "do not match"),
        ({"a.npy": np.ones((3, 1)), "t.npy": np.ones((3, 1))}, "--logits", "K >= 2"),
        ({"a.npy": np.ones((2, 3)), "t.npy": np.array([[0.5, 0.6, 0.0]] * 2)}, "--labels", "sum"),
        ({"a.npy": np.full((2, 2), np.nan), "t.npy": np.eye(2)}, "--logits", "NaN"),
    ],
)
def test_demo_refuses_bad_batches(
    tmp_path: Path, files: dict[str, np.ndarray], option: str, message: str
) -> None:
    for name, arr in files.items():
        np.save(tmp_path / name, arr)
    code, out = _run(
        "demo", "--logits", str(tmp_path / "a.npy"), "--labels", str(tmp_path / "t.npy")
    )
    assert code == 2, out
    assert option in out and message in out


def test_demo_needs_both_files_and_readable_ones(tmp_path: Path) -> None:
    code, out = _run("demo", "--logits", str(tmp_path / "a.npy"))
    assert code == 2 and "--labels" in out
    (tmp_path / "a.txt").write_text("1,2")
    code, out = _run("demo", "--logits", str(tmp_path / "a.txt"), "--labels", "b.npy")
    assert code == 2 and ".npy or .csv" in out


# ---- check --------------------------------------------------------------------------------------


@pytest.mark.parametrize("smoothing", ["0", "0.1"])
@pytest.mark.parametrize("temperature", ["1", "0.5"])
@pytest.mark.parametrize(
    "layer",
    [
        ["--t", "1,0"],
        ["--t", "0,0,1", "--logits", "0,1,0", "--axes", "0,2"],
        ["--t", ",".join(["0"] * 9 + ["1"]), "--logits", ",".join(["0.5"] * 10), "--axes", "9,3"],
    ],
    ids=["K2", "K3", "K10"],
)
def test_check_passes_for_the_exact_core(
    layer: list[str], smoothing: str, temperature: str
) -> None:
    code, out = _run(
        "check", *layer, "--label-smoothing", smoothing, "--temperature", temperature,
        "--range", "-10", "10", "--step", "1",
    )  # fmt: skip
    assert code == 0, out
    assert "passed" in out


def test_check_flags_the_books_variant() -> None:
    code, out = _run("check", "--variant", "book")
    assert code == 1
    assert "failed" in out and "1e-7" in out
    assert "max |analytic - numeric| = 1" in out


def test_check_tolerance_and_step_are_checked() -> None:
    assert _run("check", "--h", "0")[0] == 2
    assert _run("check", "--tol", "-1")[0] == 2
    code, out = _run("check", "--tol", "0")  # nothing is exactly equal to a difference quotient
    assert code == 1


# ---- data ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "npz", "json"])
def test_data_round_trips_exactly(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"grid.{fmt}"
    code, text_out = _run(
        "data", "--out", str(out), "--t", "0.3,0.7", "--step", "0.7", "--temperature", "0.3"
    )
    assert code == 0, text_out
    g = loss_grid(-20, 20, 0.7, [0.3, 0.7], temperature=0.3)
    expect = {
        "x0": g.x0.ravel(), "x1": g.x1.ravel(), "loss": g.loss.ravel(),
        "grad0": g.grad0.ravel(), "grad1": g.grad1.ravel(),
        "y0": g.probabilities()[..., 0].ravel(), "y1": g.probabilities()[..., 1].ravel(),
    }  # fmt: skip
    if fmt == "npz":
        with np.load(out) as data:
            got = {k: data[k] for k in expect}
            assert json.loads(str(data["meta"]))["t"] == [0.3, 0.7]
    elif fmt == "json":
        doc = json.loads(out.read_text())
        got = {k: np.array(doc["columns"][k]) for k in expect}
        assert doc["meta"]["temperature"] == 0.3
    else:
        with out.open() as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == list(expect)
        got = {k: np.array([float(r[n]) for r in rows[1:]]) for n, k in enumerate(expect)}
    for k, v in expect.items():
        np.testing.assert_array_equal(got[k], v, err_msg=k)  # bit for bit
    assert np.isfinite(got["loss"]).all()


def test_data_refuses_unknown_suffix(in_tmp: Path) -> None:
    code, out = _run("data", "--out", "grid.xlsx")
    assert code == 2 and "--out" in out and ".csv" in out
    assert list(in_tmp.iterdir()) == []


# ---- bad inputs for the learner options --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--t", "0,0,1", "--logits", "0,1"], "--logits"),
        (["--t", "0,0,1", "--axes", "0,3"], "--axes"),
        (["--t", "0,0,1", "--axes", "1,1"], "--axes"),
        (["--t", "0,0,1", "--axes", "a,b"], "--axes"),
        (["--label-smoothing", "1.5"], "--label-smoothing"),
        (["--label-smoothing", "-0.1"], "--label-smoothing"),
        (["--temperature", "0"], "--temperature"),
        (["--temperature", "inf"], "--temperature"),
        (["--variant", "torch"], "--variant"),
        (["--zscale", "symlog"], "--zscale"),
        (["--lang", "fr"], "--lang"),
        (["--logits", "1,nan"], "--logits"),
    ],
)
def test_learner_options_refuse_bad_values(in_tmp: Path, args: list[str], option: str) -> None:
    code, out = _run("contour", *args)
    assert code == 2, out
    assert option in out
    assert list(in_tmp.iterdir()) == []


def test_compare_is_refused_for_quiver(in_tmp: Path) -> None:
    code, out = _run("quiver", "--compare")
    assert code == 2 and "--compare" in out


# ---- Japanese ----------------------------------------------------------------------------------


def test_japanese_labels_use_a_japanese_font() -> None:
    if text.japanese_font() is None:
        pytest.skip("no Japanese font installed; the test extra installs matplotlib-fontja")
    fig = build_figure(Plot("quiver", lang="ja"))
    (ax,) = cast(list[Axes3D], fig.axes)
    assert read(fig.get_suptitle()).startswith("最急降下")  # the steepest-descent direction
    assert read(ax.get_zlabel()).startswith("損失")
    assert ax.get_title(loc="left").startswith("教師ラベル")


def test_without_a_japanese_font_it_stops_with_the_install_and_the_library_draws_english(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text, "japanese_font", lambda: None)
    code, out = _run("surface", "--lang", "ja", "--dpi", "30")
    assert code == 1, out  # a file named _ja holding English labels would be a quiet surprise
    assert "--lang" in out and "pip install matplotlib-fontja" in out
    assert not any(in_tmp.rglob("*.png"))
    fig = build_figure(Plot("surface", lang="ja"))
    title = read(fig.get_suptitle())
    assert title.startswith("Loss") and not any(ord(c) > 0x3000 for c in title)  # no boxes


LABEL_FILES = [
    ("7\n4\n9\n", "auto", [7, 4, 9]),  # one index per line
    ("label\n7\n4\n9\n", "auto", [7, 4, 9]),  # with a header
    ("7,4,9\n", "auto", [7, 4, 9]),  # one row of indices
    ("7,4,9\n", "index", [7, 4, 9]),
]


@pytest.mark.parametrize(("text", "how", "indices"), LABEL_FILES)
def test_class_index_labels_in_csv(tmp_path: Path, text: str, how: str, indices: list[int]) -> None:
    from swl_viz.learners import load_batch, worked_example

    (tmp_path / "t.csv").write_text(text)
    t = load_batch(tmp_path / "t.csv", "labels", labels=True, labels_as=how)
    assert t.tolist() == indices
    np.testing.assert_array_equal(worked_example(np.array(SEED_A), t).t, np.eye(10)[indices])


def test_an_ambiguous_single_row_is_read_as_the_user_says(tmp_path: Path) -> None:
    from swl_viz.learners import load_batch

    (tmp_path / "t.csv").write_text("1,0\n")  # one-hot row, or the indices 1 and 0?
    assert load_batch(tmp_path / "t.csv", "labels", True).tolist() == [[1.0, 0.0]]
    assert load_batch(tmp_path / "t.csv", "labels", True, "index").tolist() == [1, 0]
    (tmp_path / "h.csv").write_text("x0,x1\n1,2\n3,4\n")
    assert load_batch(tmp_path / "h.csv", "logits").tolist() == [[1, 2], [3, 4]]


def test_demo_reads_index_labels_per_line_from_the_command_line(tmp_path: Path) -> None:
    np.savetxt(tmp_path / "a.csv", np.array(SEED_A), delimiter=",")
    (tmp_path / "t.csv").write_text("7\n4\n9\n")
    code, out = _run("demo", "--json", "--logits", str(tmp_path / "a.csv"),
                     "--labels", str(tmp_path / "t.csv"))  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["loss"] == pytest.approx(SEED_LOSS, rel=SEED_REL)


@pytest.mark.parametrize("fmt", ["csv", "npz", "json"])
def test_data_writes_a_descent_path_equal_to_a_plain_loop(in_tmp: Path, fmt: str) -> None:
    from swl_viz import softmax_with_loss

    code, out = _run("data", "--descent", "3,-2", "--t", "0.9,0.1", "--lr", "0.5",
                     "--steps", "20", "--out", f"path.{fmt}")  # fmt: skip
    assert code == 0, out
    if fmt == "csv":
        with open(in_tmp / "path.csv", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == ["k", "x0", "x1", "loss", "grad0", "grad1"]
        table = np.array(rows[1:], dtype=float)
    elif fmt == "npz":
        with np.load(in_tmp / "path.npz") as npz:  # closed here, not whenever it is collected
            table = np.column_stack([npz[k] for k in ("k", "x0", "x1", "loss", "grad0", "grad1")])
    else:
        cols = json.loads((in_tmp / "path.json").read_text())["columns"]
        table = np.column_stack([cols[k] for k in ("k", "x0", "x1", "loss", "grad0", "grad1")])
    x = np.array([3.0, -2.0])
    for k in range(21):  # the oracle: the layer's own gradient in a plain loop
        loss, grad = softmax_with_loss(x, [0.9, 0.1])
        np.testing.assert_allclose(table[k], [k, *x, loss, *grad], rtol=1e-12, atol=1e-300)
        x = x - 0.5 * grad


def test_lr_and_steps_without_a_descent_are_refused(in_tmp: Path) -> None:
    for args in (["data", "--lr", "0.5", "--out", "g.csv"], ["contour", "--steps", "9"]):
        code, out = _run(*args)
        assert code == 2 and ("--lr" in out or "--steps" in out), out
    assert not any(in_tmp.rglob("*.*"))
