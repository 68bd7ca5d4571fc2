"""Squared error and the focal loss on the softmax, against a 50-digit reference.

The reference (tests/oracle.py, ``other_reference``) is written from the definitions: dL/dy term
by term at 50 digits, then the softmax Jacobian as y_j sum_k y_k (d_j - d_k) / T. Its gradient
is itself checked against mpmath's numerical derivative of its loss. The bound is 1e-12
relative, normwise, plus 4x what rounding the smoothed target t' to doubles moves the exact
answer by (zero for a one-hot label without smoothing).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Unpack

import mpmath
import numpy as np
import pytest
from conftest import run_cli
from mpmath import mpf
from numpy.typing import NDArray
from oracle import LayerOptions, Vector, other_reference, reference, target_rounding

from swl_viz import SwlVizError, softmax_with_loss
from swl_viz.maths import GAMMA_RANGE, loss_factors

TINY = 1e-300
LOSSES = ("mse", "focal")


def _assert_close(
    a: Vector,
    t: Vector,
    loss: float,
    grad: NDArray[np.float64],
    *,
    kind: str,
    **opts: Unpack[LayerOptions],
) -> None:
    ref_l, ref_g, _ = other_reference(a, t, loss=kind, **opts)
    dl, dg = target_rounding(a, t, loss=kind, **opts)
    where = (list(a), list(t), kind, opts)
    assert np.isfinite(loss) and np.isfinite(grad).all(), where
    err_l = abs(mpf(float(loss)) - ref_l)
    assert err_l <= 1e-12 * abs(ref_l) + 4 * dl + TINY, (where, loss, ref_l)
    err_g = mpmath.sqrt(
        mpmath.fsum((mpf(float(g)) - r) ** 2 for g, r in zip(grad, ref_g, strict=True))
    )
    norm = mpmath.sqrt(mpmath.fsum(r * r for r in ref_g))
    assert err_g <= 1e-12 * norm + 4 * dg + TINY, (where, list(grad), [float(r) for r in ref_g])


def _check(a: Vector, t: Vector, kind: str, **opts: Unpack[LayerOptions]) -> None:
    """The layer's loss and gradient for ``kind`` against the reference's."""
    gamma = opts.get("gamma", 2.0) if kind == "focal" else 2.0
    loss, grad = softmax_with_loss(
        np.asarray(a, dtype=float), np.asarray(t, dtype=float), loss=kind,  # type: ignore[arg-type]
        gamma=gamma, label_smoothing=opts.get("label_smoothing", 0.0),
        temperature=opts.get("temperature", 1.0),
    )  # fmt: skip
    _assert_close(a, t, float(loss), grad, kind=kind, **opts)


# ---- the reference itself -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize(
    ("a", "t", "eps", "temperature", "gamma"),
    [
        ([1.5, -0.5], [1.0, 0.0], 0.0, 1.0, 2.0),
        ([0.3, -2.0, 1.1], [0.2, 0.5, 0.3], 0.1, 0.7, 0.5),
        ([4.0, 1.0, -3.0, 0.5], [0.0, 0.0, 1.0, 0.0], 0.3, 2.5, 3.0),
    ],
)
def test_the_reference_gradient_is_the_derivative_of_its_loss(
    kind: str, a: list[float], t: list[float], eps: float, temperature: float, gamma: float
) -> None:
    """The oracle's Jacobian form equals mpmath's numerical derivative of the oracle's loss."""
    _, grad, _ = other_reference(
        a, t, loss=kind, gamma=gamma, label_smoothing=eps, temperature=temperature
    )
    for j in range(len(a)):

        def along(h: mpf, j: int = j) -> mpf:
            moved = [mpf(v) + (h if k == j else 0) for k, v in enumerate(a)]
            return other_reference(
                moved,
                t, loss=kind, gamma=gamma, label_smoothing=eps, temperature=temperature,
            )[0]  # fmt: skip

        numeric = mpmath.diff(along, mpf(0))
        assert abs(numeric - grad[j]) <= mpf(10) ** -30 * (1 + abs(grad[j]))


def test_the_focal_loss_with_gamma_zero_is_the_cross_entropy() -> None:
    a, t = [0.7, -1.2, 2.0], [0.25, 0.5, 0.25]  # dyadic: sums to 1 exactly
    ref_l, ref_g, _ = other_reference(a, t, loss="focal", gamma=0.0, temperature=0.5)
    ce_l, ce_g = reference(a, t, temperature=0.5)
    assert abs(ref_l - ce_l) < mpf(10) ** -40
    assert all(abs(x - y) < mpf(10) ** -40 for x, y in zip(ref_g, ce_g, strict=True))


# ---- the core against it ------------------------------------------------------------------------


def _random_label(rng: np.random.Generator, k: int, one_hot: bool) -> NDArray[np.float64]:
    if one_hot:
        label: NDArray[np.float64] = np.eye(k)[rng.integers(k)]
        return label
    t = rng.dirichlet(np.ones(k))
    t[-1] = abs(1.0 - t[:-1].sum())
    return t


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("k", [2, 3, 10])
@pytest.mark.parametrize("seed", range(3))
def test_random_points_over_the_documented_range(kind: str, k: int, seed: int) -> None:
    """K = 2, 3, 10; T from 1e-3 to 1e3 (log-uniform, ends included); eps from 0 to 1; |x| up
    to 1e3 on several scales; one-hot and soft labels; gamma over [0, 5]."""
    rng = np.random.default_rng([seed, k, len(kind)])
    temps = [1e-3, 1e3, *10 ** rng.uniform(-3, 3, 4)]
    for n in range(12):
        temperature = float(temps[n % len(temps)])
        eps = float([0.0, 1.0, 1e-9, rng.uniform()][n % 4])
        size = float([1e3, 10.0, 1.0, 1e-3][n % 4 if n < 8 else 0])
        a = rng.uniform(-size, size, k)
        gamma = float([0.0, 0.5, 2.0, 5.0, rng.uniform(*GAMMA_RANGE)][n % 5])
        t = _random_label(rng, k, one_hot=n % 3 != 2)
        _check(a, t, kind, gamma=gamma, label_smoothing=eps, temperature=temperature)


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize(
    ("a", "t", "temperature"),
    [
        ([-1000.0, 1000.0], [1.0, 0.0], 1e-3),  # the true class 2e6 behind: y_t underflows
        ([1000.0, -1000.0], [1.0, 0.0], 1e-3),  # right by 2e6: 1 - y_t underflows
        ([30.0, 0.0], [1.0, 0.0], 1.0),  # 1 - y_t = 9.4e-14: 1 - y would keep 2 digits
        ([40.0, 0.0, -3.0], [1.0, 0.0, 0.0], 1.0),
        ([-800.0, 0.0, 800.0], [0.2, 0.3, 0.5], 1.0),
        ([1000.0, 999.999999, -1000.0], [0.5, 0.5, 0.0], 1e-3),
        ([0.0] * 10, list(np.eye(10)[3]), 1e3),
    ],
)
@pytest.mark.parametrize("gamma", [0.0, 0.3, 2.0, 5.0])
def test_where_y_underflows_or_nears_one(
    kind: str, a: list[float], t: list[float], temperature: float, gamma: float
) -> None:
    if kind == "mse" and gamma != 2.0:
        return
    for eps in (0.0, 0.05, 1.0):
        _check(a, t, kind, gamma=gamma, label_smoothing=eps, temperature=temperature)


def test_the_issue_numbers_at_a_gap_of_minus_five() -> None:
    """t = (1, 0) with the true class 5 behind: |dL/dx0| is 0.993 for the cross-entropy and
    0.0132 for squared error, 75 times smaller; at -10 about 11,000 times."""
    ratios = []
    for gap in (-5.0, -10.0):
        a = [gap / 2, -gap / 2]
        ce = abs(softmax_with_loss(a, [1.0, 0.0])[1][0])
        mse = abs(softmax_with_loss(a, [1.0, 0.0], loss="mse")[1][0])
        ref = other_reference(a, [1.0, 0.0], loss="mse")[1][0]
        assert abs(mse - float(abs(ref))) <= 1e-15 * mse
        ratios.append(ce / mse)
    assert f"{ratios[0]:.2g}" == "75"
    assert 10_000 < ratios[1] < 12_000


# ---- the two factors ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LOSSES)
def test_the_factors_are_the_references_dl_dy(kind: str) -> None:
    a, t = [2.0, -1.0, 0.5], [0.0, 1.0, 0.0]
    _, grad, y, dl_dy = loss_factors(a, t, loss=kind, label_smoothing=0.1, temperature=0.8)  # type: ignore[arg-type]
    _, ref_g, ref_d = other_reference(a, t, loss=kind, label_smoothing=0.1, temperature=0.8)
    for got, ref in zip(dl_dy, ref_d, strict=True):
        assert abs(got - float(ref)) <= 1e-12 * abs(float(ref)) + 1e-15
    # and J^T dl_dy is the gradient: (y_j / T) (d_j - sum y d)
    product = y * (dl_dy - np.dot(y, dl_dy)) / 0.8
    assert np.allclose(product, grad, rtol=1e-12, atol=1e-15)


def test_the_cross_entropy_factor_is_minus_t_over_y_and_infinite_where_y_underflows() -> None:
    _, grad, y, dl_dy = loss_factors([-1000.0, 1000.0], [1.0, 0.0])
    assert y[0] == 0.0 and dl_dy[0] == -math.inf and dl_dy[1] == 0.0
    assert grad.tolist() == [-1.0, 1.0]


# ---- what is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opts", "param"),
    [
        ({"loss": "hinge"}, "loss"),
        ({"loss": "mse", "gamma": 3.0}, "gamma"),
        ({"gamma": 1.0}, "gamma"),
        ({"loss": "focal", "gamma": -0.1}, "gamma"),
        ({"loss": "focal", "gamma": 5.5}, "gamma"),
        ({"loss": "focal", "gamma": math.nan}, "gamma"),
        ({"loss": "mse", "variant": "book"}, "variant"),
        ({"loss": "focal", "variant": "book"}, "variant"),
    ],
)
def test_bad_loss_options_are_refused_naming_the_option(
    opts: dict[str, object], param: str
) -> None:
    with pytest.raises(SwlVizError) as info:
        softmax_with_loss([0.0, 1.0], [1.0, 0.0], **opts)  # type: ignore[arg-type]
    assert info.value.param == param


# ---- the layer, the grid and the data files -----------------------------------------------------


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize(
    ("t", "opts"),
    [
        ([1.0, 0.0], {"temperature": 1e-3, "range": "-1000 1000", "step": 250}),
        ([0.3, 0.7], {"label_smoothing": 0.4, "temperature": 1e3}),
        ([0.0, 0.0, 1.0], {"logits": "0,1,0", "axes": "0,2", "label_smoothing": 1.0}),
        ([0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], {"temperature": 0.05}),
    ],
)
def test_data_grid_files_agree_with_the_reference(
    kind: str, t: list[float], opts: dict[str, object], tmp_path: Any
) -> None:
    """``swl-viz data --loss mse|focal`` writes a grid whose every row meets the 50-digit
    reference, with no NaN or inf."""
    from swl_viz.cli import main

    out = tmp_path / "grid.npz"
    opts = dict(opts)
    rng = str(opts.pop("range", "-20 20"))
    step = str(opts.pop("step", 10))
    args = ["data", "--loss", kind, "--t", ",".join(map(str, t)), "--out", str(out)]
    args += ["--range", *rng.split(), "--step", step]
    for name, value in opts.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    if kind == "focal":
        args += ["--gamma", "0.7"]
    assert main(args) == 0
    with np.load(out) as npz:  # closed here, not whenever it is collected
        data = {name: npz[name] for name in npz.files}
    meta = json.loads(str(data["meta"]))
    assert meta["loss"] == kind
    axes = meta["axes"]
    for row in range(data["loss"].size):
        a = np.array(meta["logits"], dtype=float)
        a[axes[0]] = data[f"x{axes[0]}"][row]
        a[axes[1]] = data[f"x{axes[1]}"][row]
        grad = other_reference(a, t, loss=kind, gamma=meta["gamma"],
                               label_smoothing=meta["label_smoothing"],
                               temperature=meta["temperature"])[1]  # fmt: skip
        full = np.array([float(g) for g in grad])  # the classes the file does not hold
        full[axes[0]] = data[f"grad{axes[0]}"][row]
        full[axes[1]] = data[f"grad{axes[1]}"][row]
        _assert_close(a, t, float(data["loss"][row]), full, kind=kind, gamma=meta["gamma"],
                      label_smoothing=meta["label_smoothing"],
                      temperature=meta["temperature"])  # fmt: skip


def test_gamma_and_the_books_variant_are_refused_in_one_line(capsys: Any) -> None:
    from swl_viz.cli import main

    assert main(["contour", "--gamma", "3"]) == 2
    assert main(["contour", "--loss", "mse", "--variant", "book"]) == 2
    assert main(["surface", "--loss", "focal", "--compare"]) == 2
    assert main(["losses", "--loss", "mse"]) == 2
    assert main(["losses", "--gamma", "1"]) == 2
    assert main(["losses", "--frames", "12"]) == 2  # a .gif's option, and no .gif
    assert main(["losses", "--t", "0,0,1", "--logits", "0,0,0"]) == 2  # the pair has no weight
    assert main(["explore", "--loss", "mse", "--variant", "book"]) == 2  # before any window
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("Error")]) == 8


@pytest.mark.parametrize("kind", LOSSES)
def test_the_gradient_check_passes_for_every_loss(kind: str) -> None:
    """``swl-viz check --loss mse|focal``: the Jacobian's gradient against central differences
    of the loss, at every grid point."""
    from swl_viz.cli import main

    assert main(["check", "--loss", kind, "--t", "0.8,0.2", "--temperature", "0.7"]) == 0


# ---- the comparison figure ----------------------------------------------------------------------


def test_the_comparison_prints_75_and_the_steps_of_the_data_paths(tmp_path: Any) -> None:
    """The ratio at a gap of -5 is 75 (2 s.f.), and each loss's printed step count is the first
    row of ``swl-viz data --descent`` (same start, lr, steps, loss) with y_t >= 0.9."""
    from swl_viz.cli import main
    from swl_viz.compare import LEVEL, compare_losses
    from swl_viz.plotspec import Plot

    plot = Plot("losses", t=(1.0, 0.0), with_focal=True, descent=(-3.0, 1.0), lr=0.5, steps=400)
    cmp = compare_losses(plot)
    assert f"{cmp.ratio:.2g}" == "75"
    for col in cmp.columns:
        out = tmp_path / f"{col.kind}.csv"
        args = ["data", "--descent", "-3,1", "--lr", "0.5", "--steps", "400", "--loss", col.kind]
        assert main([*args, "--out", str(out)]) == 0
        rows = np.loadtxt(out, delimiter=",", skiprows=1)
        y0 = 1.0 / (1.0 + np.exp(rows[:, 2] - rows[:, 1]))  # softmax of (x0, x1), class 0
        hits = np.flatnonzero(y0 >= LEVEL)
        assert col.steps_to == (int(hits[0]) if hits.size else None), col.kind
    assert cmp.columns[0].steps_to is not None and cmp.columns[1].steps_to is not None
    assert cmp.columns[0].steps_to < cmp.columns[1].steps_to  # cross-entropy learns faster


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"preset": "slides", "size": (1920, 1080)},
        {"with_focal": True, "preset": "slides", "size": (1920, 1080)},
        {"lang": "ja", "theme": "dark"},
        {"with_focal": True, "t": (0.2, 0.8), "label_smoothing": 0.1, "temperature": 2.0},
        {"t": (0.0, 1.0, 0.0), "logits": (0.0, 0.0, 1.0), "size": (1280, 720)},
        {"font_scale": 1.25, "temperature": 0.01},
        {"size": (900, 900), "with_focal": True, "gamma": 0.5},
        {"descent": (5.0, -5.0), "lr": 3.0, "steps": 20, "range": (-5.0, 5.0)},
    ],
)
def test_the_comparison_holds_together(given: dict[str, Any]) -> None:
    """Every text inside the canvas, no two overlapping, the numbers printed on it."""

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from slides_tools import drawn_shapes, layout_problems

    from swl_viz.mpl import build_figure, theme_context
    from swl_viz.plotspec import make_plot

    plot = make_plot("losses", given)
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        problems = layout_problems(fig)
        shapes = drawn_shapes(fig)
    assert problems == []
    texts = " ".join(t.get_text() for t, _ in shapes)
    plain = given.get("t", (1.0, 0.0)) == (1.0, 0.0) and given.get("temperature", 1.0) == 1.0
    if plain and given.get("lang") != "ja":
        assert "= 75" in texts
    if plot.preset == "slides":  # text for a room: every text at least 28 px tall
        sizes = [float(t.get_fontsize()) * fig.dpi / 72.0 for t, _ in shapes]
        assert min(sizes) >= 28.0, min(sizes)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "gif", "html"])
def test_the_comparison_writes_every_format_it_offers(fmt: str, tmp_path: Any) -> None:
    from swl_viz.cli import main
    from swl_viz.options import figure_formats

    assert fmt in figure_formats("losses")
    out = tmp_path / f"losses.{fmt}"
    small = ["--size", "640x360", "--frames", "3"] if fmt == "gif" else []
    assert main(["losses", *small, "--out", str(out)]) == 0
    head = out.read_bytes()[:15]
    magic = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF", "gif": b"GIF89a",
             "html": b"<!DOCTYPE html>"}  # fmt: skip
    assert head.startswith(magic[fmt])


# ---- the comparison's GIF: the same descent under each loss, side by side -----------------------


@pytest.mark.parametrize(
    "given",
    [
        {"descent": (-4.0, 4.0), "steps": 30, "lr": 0.5},
        {"with_focal": True, "preset": "slides", "size": (1920, 1080)},
        {"with_focal": True, "lang": "ja", "theme": "dark", "size": (1280, 720)},
    ],
)
def test_each_gif_frame_grows_every_path_and_counts_its_step_and_loss(
    given: dict[str, Any],
) -> None:
    """At step k each plane's path is drawn through step k, a point sits at step k, its X shows
    once the path has reached y_t >= 0.9, and its counter gives k and that loss's value at k;
    the frame holds together at its size (on a slide every text at least 28 px)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from slides_tools import drawn_shapes, layout_problems, read

    from swl_viz.compare import compare_losses
    from swl_viz.marks import sig
    from swl_viz.mpl import build_figure, theme_context
    from swl_viz.mpl.compare import descent_mover
    from swl_viz.plotspec import make_plot

    plot = make_plot("losses", given)
    cmp = compare_losses(plot)
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        move, last = descent_mover(fig, plot)
        assert cmp.steps == given.get("steps", 1000)
        if "descent" in given:  # a given descent is shown whole
            assert last == cmp.steps
        else:  # the default race until a little after the slower loss arrives
            arrived = [c.steps_to for c in cmp.columns]
            assert all(n is not None for n in arrived)
            assert last == math.ceil(1.5 * max(n for n in arrived if n is not None)) < 1000
        planes = [ax for ax in fig.axes if any(a.get_gid() == "path-now" for a in ax.lines)]
        assert len(planes) == len(cmp.columns)
        for k in (0, 5, last):
            move(k)
            for ax, col in zip(planes, cmp.columns, strict=True):
                lines = {a.get_gid(): a for a in ax.lines}
                x, y = (np.asarray(v) for v in lines["path"].get_data())
                assert len(x) == k + 1 and x[-1] == col.path.x0[k] and y[-1] == col.path.x1[k]
                assert np.asarray(lines["path-now"].get_data()[0]).tolist() == [col.path.x0[k]]
                end = col.steps_to if col.steps_to is not None else col.path.steps
                assert lines["path-end"].get_visible() is (k >= end)
                (counter,) = [t for t in ax.texts if t.get_gid() == "descent-counter"]
                words = read(counter.get_text()).split()
                assert str(k) in words and str(last) in words
                assert words[-1] == sig(float(col.path.loss[k])), words
            problems = layout_problems(fig)
            assert problems == [], (k, problems)
        if plot.preset == "slides":
            sizes = [float(t.get_fontsize()) * fig.dpi / 72.0 for t, _ in drawn_shapes(fig)]
            assert min(sizes) >= 28.0, min(sizes)


@pytest.mark.parametrize("given", [{}, {"with_focal": True, "theme": "dark", "lang": "ja"}])
def test_a_blitted_gif_frame_is_a_full_draw(given: dict[str, Any]) -> None:
    """The GIF draws what stays once and each frame's moving parts over it: the pixels are
    those of the same frame drawn whole."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from swl_viz.mpl import build_figure, theme_context
    from swl_viz.mpl.compare import descent_mover
    from swl_viz.plotspec import make_plot

    plot = make_plot("losses", {"size": (640, 360), "dpi": 60, **given})
    frames = []
    for blit in (True, False):
        with theme_context(plot):
            fig = build_figure(plot)
            canvas = FigureCanvasAgg(fig)
            move, last = descent_mover(fig, plot, blit=blit)
            shots = []
            for k in (0, 3, 40, last):
                move(k)
                if not blit:
                    canvas.draw()  # type: ignore[no-untyped-call]
                shots.append(np.asarray(canvas.buffer_rgba()).copy())  # type: ignore[no-untyped-call]
            frames.append(shots)
    for k, (a, b) in enumerate(zip(*frames, strict=True)):
        assert np.array_equal(a, b), k
    assert not np.array_equal(frames[0][0], frames[0][-1])  # and the frames do move


@pytest.mark.slow
def test_the_gif_shows_the_stated_steps_and_rests_on_the_last() -> None:
    """One step a frame when --frames covers the path, the last frame held HOLD_MS; the frames'
    pictures differ as the paths grow."""
    import io

    from PIL import Image

    from swl_viz.formats import render_bytes
    from swl_viz.gif import HOLD_MS, descent_frames
    from swl_viz.plotspec import Plot

    plot = Plot("losses", descent=(-3.0, 3.0), steps=12, lr=0.5, frames=36, fps=10.0,
                size=(800, 450), dpi=50)  # fmt: skip
    gif = Image.open(io.BytesIO(render_bytes(plot, "gif")))
    durations, pictures = [], []
    for n in range(getattr(gif, "n_frames", 1)):
        gif.seek(n)
        durations.append(gif.info["duration"])
        pictures.append(np.asarray(gif.convert("RGB")))
    assert descent_frames(plot, 12) == list(range(13))
    assert len(durations) == 13  # steps 0..12, none the same picture as the one before
    assert durations[:-1] == [100] * 12 and durations[-1] == HOLD_MS
    assert all(not np.array_equal(a, b) for a, b in zip(pictures, pictures[1:], strict=False))


# ---- the probe and every figure kind ------------------------------------------------------------


def _drawn_box(layer: Any, p: Any) -> str:
    """The text of the box the plane and the surface draw for the probe ``p``."""
    from swl_viz.grid import layer_grid
    from swl_viz.marks import probe_marks
    from swl_viz.words import words

    grid = layer_grid(layer, -20.0, 20.0, 4.0)
    boxes = [
        label.text
        for zscale in (None, "linear")
        for label in probe_marks(grid, p, words("en"), zscale).labels
        if label.role == "probe-box"
    ]
    assert len(boxes) == 2 and boxes[0] == boxes[1]
    return str(boxes[0])


def _ce_reference(
    a: Vector, t: Vector, label_smoothing: float, temperature: float
) -> tuple[list[mpf], list[mpf]]:
    """The cross-entropy's gradient (y - t') / T and its first factor dL/dy = -t'/y at 50
    digits, y from the reference's log softmax (1/y = exp(-log y): no underflow to 0)."""
    from oracle import log_probabilities
    from oracle import target as smoothed

    _, grad = reference(a, t, label_smoothing=label_smoothing, temperature=temperature)
    logs = log_probabilities(a, temperature)
    d = [-tk * mpmath.exp(-lk) for tk, lk in zip(smoothed(t, label_smoothing), logs, strict=True)]
    return grad, d


@pytest.mark.parametrize("kind", ["ce", *LOSSES])
@pytest.mark.parametrize(
    ("point", "t", "opts"),
    [
        ((-4.0, 3.0), [1.0, 0.0], {}),
        ((2.0, -1.0), [0.3, 0.7], {"label_smoothing": 0.1, "temperature": 2.0}),
        ((1.0, 5.0), [0.0, 0.0, 1.0], {"logits": [0.0, 1.0, 0.0], "axes": (0, 2)}),
        ((-30.0, 40.0), [0.8, 0.2], {"temperature": 0.5}),  # y_0 = e^-140: dL/dy_0 = -1.6e+60
    ],
)
def test_the_probe_prints_both_factors_true_to_the_reference(
    kind: str, point: tuple[float, float], t: list[float], opts: dict[str, Any]
) -> None:
    """The probe's box prints dL/dy and the gradient J^T dL/dy it makes, each value the
    50-digit reference rounded to 4 significant figures: for every loss, the cross-entropy's
    -t/y too, beside the y - t its Jacobian turns it into."""
    from swl_viz.layer import Layer
    from swl_viz.probe import probe_point

    layer = Layer.make(t, loss=kind, **opts)
    p = probe_point(*point, layer)
    text = _drawn_box(layer, p)
    eps, temp = layer.label_smoothing, layer.temperature
    if kind == "ce":
        grad, d = _ce_reference(p.a, t, eps, temp)
        grad_name = "$y - t$" if temp == 1.0 else "$(y - t)/T$"
    else:
        _, grad, d = other_reference(p.a, t, loss=kind, label_smoothing=eps, temperature=temp)
        grad_name = "$\\nabla L$"
    names = [s.split(" = ")[0] for s in text.splitlines()]
    assert names.index("$\\partial L/\\partial y$") + 1 == names.index(grad_name), names
    for name, exact in (("$\\partial L/\\partial y$", d), (grad_name, grad)):
        line = next(s for s in text.splitlines() if s.split(" = ")[0] == name)
        shown = [
            v.strip().replace("−", "-") for v in line.split(" = ", 1)[1].strip("()").split(",")
        ]
        for value, ref in zip(shown, exact, strict=True):
            if value == "0":
                assert ref == 0, (name, ref)
                continue
            assert abs(float(value) - float(ref)) <= 5.01e-4 * abs(float(ref)), (name, value, ref)
    assert ("$y - t$" in text) is (kind == "ce" and temp == 1.0)  # only its gradient is y - t


def test_the_cross_entropy_probe_prints_minus_infinity_where_y_underflows() -> None:
    """At x = (-800, 800) y_0 is 0 in doubles: -t_0/y_0 is -inf, printed as such, while the
    product with the Jacobian's y_0 is the finite y - t = (-1, 1)."""
    from swl_viz.layer import Layer
    from swl_viz.probe import probe_point

    layer = Layer.make([1.0, 0.0])
    text = _drawn_box(layer, probe_point(-800.0, 800.0, layer))
    lines = dict(s.split(" = ", 1) for s in text.splitlines())
    assert lines["$\\partial L/\\partial y$"] == "(−∞, 0)"
    assert lines["$y - t$"] == "(−1.000, 1.000)"


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("figure", ["surface", "quiver", "contour", "pair", "slice"])
def test_every_figure_takes_the_loss_and_says_which(kind: str, figure: str) -> None:
    """Each figure kind draws squared error and the focal loss, holding together, with the
    loss named in its subtitle and its formula in the title (the slice: in its legend)."""
    import itertools

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from slides_tools import drawn_shapes, polygons_overlap

    from swl_viz.mpl import build_figure, theme_context
    from swl_viz.plotspec import Plot

    extra: dict[str, Any] = {} if figure == "slice" else {"probe": (-3.0, 2.0)}
    plot = Plot(figure, loss=kind, t=(0.8, 0.2), **extra)  # type: ignore[arg-type]
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        shapes = drawn_shapes(fig)
    texts = [t.get_text() for t, _ in shapes]
    name = "squared error" if kind == "mse" else "focal loss, γ = 2"
    assert any(name in text for text in texts), texts
    formula = "(𝑦ₖ − 𝑡ₖ)²" if kind == "mse" else "(1 − 𝑦ₖ)ᵞ"
    legend = "½Σ(y − t)²" if kind == "mse" else "(1 − y)^γ"
    if figure in ("surface", "pair", "slice"):  # the figures whose title or legend is L's
        assert any(formula in text or legend in text for text in texts), texts
    assert not any("𝑡 − 𝑦" in text or "log 2" in text for text in texts), texts
    width, height = fig.bbox.width, fig.bbox.height
    for text, poly in shapes:
        assert poly[:, 0].min() > -0.5 and poly[:, 1].min() > -0.5, text.get_text()
        assert poly[:, 0].max() < width + 0.5 and poly[:, 1].max() < height + 0.5, text.get_text()
    for (a, pa), (b, pb) in itertools.combinations(shapes, 2):
        assert not polygons_overlap(pa, pb), (a.get_text(), b.get_text())


# ---- the comparison's web page -------------------------------------------------------------------

_NUMBER = re.compile(r"^[−\-]?[0-9.,]+(e[−\-+]?[0-9]+)?$|^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$")
_KEY_MARKS = ("– – ", "··· ", "—— ")


def _png_words(plot: Any) -> set[str]:
    """Every text the PNG draws but its tick labels, as a reader reads it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from slides_tools import drawn_shapes, read

    from swl_viz.mpl import build_figure, theme_context

    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        texts = [read(t.get_text()).strip() for t, _ in drawn_shapes(fig)]
    return {t for t in texts if t and not _NUMBER.match(t)}


def _page_words(spec: dict[str, Any]) -> list[str]:
    """Every text the page's figure shows: title, annotations, axis titles, legend, colour bar."""
    layout = spec["layout"]
    found = [layout["title"]["text"]]
    found += [note["text"] for note in layout["annotations"]]
    found += [
        v["title"]["text"]
        for k, v in layout.items()
        if k.startswith(("xaxis", "yaxis")) and v.get("title", {}).get("text")
    ]
    found += [t["name"] for t in spec["data"] if t.get("showlegend", True) and "name" in t]
    found.append(layout["coloraxis"]["colorbar"]["title"]["text"])
    return found


def _read_page(texts: list[str]) -> set[str]:
    import html as html_lib

    from slides_tools import read

    out = set()
    for text in texts:
        for line in html_lib.unescape(text).replace("\u00a0", " ").split("<br>"):
            for mark in _KEY_MARKS:
                line = line.removeprefix(mark)
            out.add(read(line).strip())
    return out


@pytest.mark.parametrize(
    "given",
    [{}, {"with_focal": True, "lang": "ja", "theme": "dark"}, {"t": (0.2, 0.8), "gamma": 1.0,
                                                              "with_focal": True}],
)  # fmt: skip
def test_the_page_says_what_the_png_says_in_unicode(given: dict[str, Any]) -> None:
    """The page's figure carries every word of the PNG (titles, key, numbers, axis names,
    legend, colour bar), in Unicode: no $ or backslash of raw TeX anywhere in it."""
    pytest.importorskip("plotly")
    from swl_viz.plotspec import make_plot
    from swl_viz.web.compare import losses_figure_dict

    plot = make_plot("losses", given)
    spec = losses_figure_dict(plot)
    texts = _page_words(spec)
    assert not [t for t in texts if "$" in t or "\\" in t], texts
    page = _read_page(texts)
    missing = _png_words(plot) - page
    assert missing == set(), (missing, page)


def test_the_page_is_one_offline_file_with_a_description(in_tmp: Any) -> None:
    """Self-contained (plotly.js inline, no URL it loads), titled as the PNG, described in
    words under the figure, and the same bytes every time."""
    pytest.importorskip("plotly")
    from conftest import run_cli

    code, text = run_cli("losses", "--with-focal", "--out", "l.html")
    assert code == 0, text
    page = (in_tmp / "l.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<title>Why softmax goes with cross-entropy</title>" in page
    assert not re.search(r"<script[^>]+src=", page)  # plotly.js is in the page
    summary = re.search(r'<p class="swl-about" id="swl-viz-summary">(.*?)</p>', page, re.S)
    assert summary is not None and "75 times larger" in summary.group(1)
    assert "CE: 7 steps" in summary.group(1)
    code, text = run_cli("losses", "--with-focal", "--out", "again.html")
    assert (in_tmp / "again.html").read_text(encoding="utf-8") == page


@pytest.mark.browser
def test_the_page_opens_offline_with_the_pngs_words(in_tmp: Any) -> None:
    """Chromium, offline, opens the page with no console error; the drawn page's title and
    the words its SVG shows are the PNG's."""
    from conftest import run_cli
    from page_tools import need_browser, open_page
    from slides_tools import read

    from swl_viz.plotspec import make_plot

    need_browser()
    code, text = run_cli("losses", "--with-focal", "--out", "l.html")
    assert code == 0, text
    errors: list[str] = []
    with open_page(in_tmp / "l.html", 1600, 1000, errors) as page:
        title = page.title()
        shown = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot svg text'))"
            ".map(t => t.textContent)"
        )
        kinds = page.evaluate(
            "() => document.querySelector('.js-plotly-plot')._fullData.map(t => t.type)"
        )
    assert errors == []
    assert kinds.count("heatmap") == 3
    png = _png_words(make_plot("losses", {"with_focal": True}))
    assert read(title) in png
    drawn = [read(t) for t in shown]  # a multi-line note is one text of its lines
    # the PNG's panel titles and numbers, drawn
    for words in ("cross-entropy (CE)", "squared error (MSE)", "7 steps to yₜ ≥ 0.9",
                  "CE / MSE = 75", "loss L"):  # fmt: skip
        assert read(words) in png and any(read(words) in t for t in drawn), (words, drawn)


def test_the_losses_png_and_alt_text_describe_the_comparison(in_tmp: Path) -> None:
    """The PNG's Description and --alt-text speak of the comparison (both losses, the ratio at
    a gap of -5, the step counts), not of a cross-entropy surface."""
    from PIL import Image

    code, printed = run_cli("losses", "--t", "1,0", "--out", "l.png", "--alt-text")
    assert code == 0, printed
    with Image.open(in_tmp / "l.png") as png:
        meta = png.info["Description"]
    assert meta in printed
    assert "squared error" in meta and "75 times" in meta and "3-D" not in meta
