"""The marks for learners, checked against the maths: every drawn coordinate is the layer's."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.typing import RcKeyType
from slides_tools import read

from swl_viz import loss_grid, softmax_with_loss
from swl_viz.curves import slice_curves
from swl_viz.grid import LossGrid
from swl_viz.layer import Layer
from swl_viz.marks import panel_marks, path_marks, probe_marks, probe_text, sig
from swl_viz.mpl import theme
from swl_viz.mpl.marks import draw_marks
from swl_viz.mpl.plotters import draw_contour, draw_surface
from swl_viz.mpl.slice import draw_slice
from swl_viz.mpl.theme import japanese_font
from swl_viz.probe import DescentPath, Probe, descent_path, probe_point
from swl_viz.scene import contour_field
from swl_viz.words import words

BOOK_CAP_D = math.log((1 - 1e-7) / 1e-7)  # y0 = 1e-7 where x1 - x0 = log((1 - d) / d)


def _grid(t: Any = (1, 0), **kwargs: Any) -> Any:
    return loss_grid(-20, 20, 0.5, list(t), **kwargs)


def _contour(grid: Any) -> tuple[Figure, Any]:
    fig = Figure(figsize=(6, 6), dpi=50)
    ax = fig.add_subplot()
    draw_contour(ax, grid, contour_field(grid, 25, False), colorbar=False)
    return fig, ax


# The scene's marks for one panel, drawn by the matplotlib renderer: what the figures draw.


def annotate_contour(ax: Any, grid: LossGrid, lang: str = "en") -> list[Artist]:
    marks = panel_marks(grid, three_d=False, zscale="linear", lang=lang)
    return draw_marks(ax, marks, three_d=False, lang=lang)


def annotate_surface(ax: Any, grid: LossGrid, zscale: str = "linear") -> list[Artist]:
    marks = panel_marks(grid, three_d=True, zscale=zscale, lang="en")
    return draw_marks(ax, marks, three_d=True)


def draw_probe(ax: Any, p: Probe, three_d: bool = False, lang: str = "en") -> list[Artist]:
    marks = probe_marks(_grid(), p, words(lang), "linear" if three_d else None)
    return draw_marks(ax, marks, three_d=three_d, lang=lang)


def draw_path(ax: Any, path: DescentPath, three_d: bool = False, lang: str = "en") -> list[Artist]:
    marks = path_marks(path, words(lang), "linear" if three_d else None)
    return draw_marks(ax, marks, three_d=three_d, lang=lang)


def _surface(grid: Any) -> tuple[Figure, Any]:
    fig = Figure(figsize=(6, 6), dpi=50)
    ax = fig.add_subplot(projection="3d")
    draw_surface(ax, grid)
    return fig, ax


def _by_gid(drawn: list[Artist], gid: str) -> list[Any]:
    return [a for a in drawn if a.get_gid() == gid]


def _render(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")  # warnings are errors: a missing glyph fails here
    return buf.getvalue()


# ---- lines on the contour and the surface ------------------------------------------------------


@pytest.mark.parametrize("case", [{}, {"t": (0.3, 0.7)}, {"temperature": 3.0}, {"variant": "book"}])
def test_decision_line_is_the_diagonal(case: dict[str, Any]) -> None:
    grid = _grid(**case)
    fig, ax = _contour(grid)
    drawn = annotate_contour(ax, grid)
    (line,) = _by_gid(drawn, "decision")
    x, y = (np.asarray(v, float) for v in line.get_data())
    np.testing.assert_array_equal(x, y)
    assert (x.min(), x.max()) == (-20.0, 20.0)  # clipped to the grid's range
    (label,) = _by_gid(drawn, "decision-label")
    want = "L = log 2" if case.get("variant") != "book" else "L = 0.6931"
    assert "y = ½" in read(label.get_text()) and want in read(label.get_text())
    assert all(a.axes is ax for a in drawn)
    _render(fig)


def test_minimum_line_offset_is_log_9_for_eps_point_2() -> None:
    grid = _grid(label_smoothing=0.2)
    _, ax = _contour(grid)
    drawn = annotate_contour(ax, grid)
    (line,) = _by_gid(drawn, "minimum")
    x, y = (np.asarray(v, float) for v in line.get_data())
    np.testing.assert_allclose(x - y, math.log(9), rtol=1e-15)
    assert x.min() >= -20 and y.min() >= -20 and x.max() <= 20 and y.max() <= 20
    assert y.min() == pytest.approx(-20) and x.max() == pytest.approx(20)
    entropy = -(0.9 * math.log(0.9) + 0.1 * math.log(0.1))
    (label,) = _by_gid(drawn, "minimum-label")
    assert f"{entropy:.4g}" in read(label.get_text())


def test_no_minimum_line_for_a_one_hot_label() -> None:
    grid = _grid()
    _, ax = _contour(grid)
    drawn = annotate_contour(ax, grid)
    assert not _by_gid(drawn, "minimum")
    assert {a.get_gid() for a in drawn} == {"decision", "decision-label"}


def test_lines_out_of_range_are_left_out() -> None:
    grid = loss_grid(-2, 2, 0.1, [0.999, 0.001])  # minimum at x0 - x1 = log 999 = 6.9
    _, ax = _contour(grid)
    drawn = annotate_contour(ax, grid)
    assert not _by_gid(drawn, "minimum") and _by_gid(drawn, "decision")


def test_surface_lines_lie_on_the_surface() -> None:
    grid = _grid(label_smoothing=0.2)
    fig, ax = _surface(grid)
    drawn = annotate_surface(ax, grid)
    for gid, value in (("decision", math.log(2)), ("minimum", None)):
        (line,) = _by_gid(drawn, gid)
        x, y, z = (np.asarray(v, float) for v in line.get_data_3d())
        loss, _ = softmax_with_loss(np.stack([x, y], axis=-1), [1.0, 0.0], label_smoothing=0.2)
        np.testing.assert_allclose(z, loss, rtol=1e-15)
        if value is not None:
            np.testing.assert_allclose(z, value, rtol=1e-15)
    _render(fig)


def test_surface_lines_on_a_log_axis() -> None:
    grid = _grid()
    _, ax = _surface(grid)
    drawn = annotate_surface(ax, grid, zscale="log")
    (line,) = _by_gid(drawn, "decision")
    np.testing.assert_allclose(line.get_data_3d()[2], math.log10(math.log(2)), rtol=1e-15)


def test_more_classes_tie_is_the_decision_only_where_the_pair_leads() -> None:
    grid = _grid((0, 0, 1), logits=(0, 1, 0), axes=(0, 2), label_smoothing=0.3)
    _, ax = _contour(grid)
    drawn = annotate_contour(ax, grid)
    (lead,) = _by_gid(drawn, "decision")
    (tie,) = _by_gid(drawn, "decision-tie")
    lx, ly = (np.asarray(v, float) for v in lead.get_data())
    tx, ty = (np.asarray(v, float) for v in tie.get_data())
    np.testing.assert_array_equal(lx, ly)
    np.testing.assert_array_equal(tx, ty)
    assert lx.min() == 1.0 and tx.max() == 1.0  # the fixed logit a1 = 1
    (low,) = _by_gid(drawn, "lowest")
    u, v = (float(w[0]) for w in low.get_data())
    p = probe_point(u, v, grid.layer)
    np.testing.assert_allclose([p.grad0, p.grad1], 0.0, atol=1e-15)


@pytest.mark.parametrize("variant", ["exact", "book"])
def test_book_cap_only_for_the_book(variant: str) -> None:
    grid = _grid(variant=variant)
    fig, ax = _contour(grid)
    drawn = annotate_contour(ax, grid)
    fig3, ax3 = _surface(grid)
    drawn3 = annotate_surface(ax3, grid)
    for art in (drawn, drawn3):
        gids = {a.get_gid() for a in art}
        assert ({"cap", "cap-label", "plateau-note"} <= gids) == (variant == "book")
        assert not ({"cap", "plateau-note"} & gids) or variant == "book"
    if variant == "book":
        (edge,) = _by_gid(drawn, "cap")
        x, y = (np.asarray(v, float) for v in edge.get_data())
        np.testing.assert_allclose(y - x, BOOK_CAP_D, atol=1e-6)  # y0 = 1e-7 on it
        (note,) = _by_gid(drawn, "plateau-note")
        assert "y − t = (−1, 1)" in read(note.get_text())
        (cap3,) = _by_gid(drawn3, "cap")
        z = np.asarray(cap3.get_data_3d()[2], float)
        np.testing.assert_allclose(z, -math.log(2e-7), rtol=1e-6)  # -log(y0 + 1e-7) there
        assert "16.12" in read(_by_gid(drawn, "cap-label")[0].get_text())
    _render(fig)
    _render(fig3)


# ---- the probe -----------------------------------------------------------------------------------


def _sig4(v: float) -> str:
    return sig(v)


@pytest.mark.parametrize(
    ("point", "case"),
    [
        ((-8.0, 6.0), {"t": [1, 0]}),
        ((3.0, -1.25), {"t": [0.3, 0.7], "temperature": 2.0}),
        ((2.0, 5.0), {"t": [0, 0, 1], "logits": [0, 1, 0], "axes": (0, 2)}),
    ],
)
def test_probe_box_shows_the_layers_numbers(
    point: tuple[float, float], case: dict[str, Any]
) -> None:
    t = case.pop("t")
    p = probe_point(*point, Layer.make(t, **case))
    grid = _grid(t, **case)
    fig, ax = _contour(grid)
    drawn = draw_probe(ax, p)
    (box,) = _by_gid(drawn, "probe-box")
    text = read(box.get_text())
    assert text == read(probe_text(p, factors=True))
    a = np.array([point[0], 0.0, point[1]]) if len(t) == 3 else np.array(point)
    if len(t) == 3:
        a[1] = 1.0
    loss, grad = softmax_with_loss(a, t, temperature=case.get("temperature", 1.0))
    y = np.exp(a / case.get("temperature", 1.0))
    y /= y.sum()
    for name, values in (("y", y), ("L", [float(loss)])):
        line = next(s for s in text.splitlines() if s.startswith(f"{name} = "))
        assert line == f"{name} = " + (
            _sig4(values[0])
            if name == "L"
            else "(" + ", ".join(sig(v, probability=True) for v in values) + ")"
        )
    assert "(" + ", ".join(_sig4(g) for g in grad) + ")" in text
    assert ("(y − t)/T" in text) == ("temperature" in case)
    (dot,) = _by_gid(drawn, "probe-point")
    assert [float(v[0]) for v in dot.get_data()] == list(point)
    _render(fig)


def test_probe_arrow_points_down_the_gradient() -> None:
    p = probe_point(-8, 6, Layer.make([1, 0], label_smoothing=0.2))
    _, ax = _contour(_grid(label_smoothing=0.2))
    drawn = draw_probe(ax, p)
    (arrow,) = _by_gid(drawn, "probe-arrow")
    tip = np.array(arrow.xy) - np.array([p.x0, p.x1])
    direction = -np.array([p.grad0, p.grad1])
    cos = tip @ direction / (np.linalg.norm(tip) * np.linalg.norm(direction))
    assert cos == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.norm(tip) == pytest.approx(0.16 * 40)
    assert "−∇L" in read(_by_gid(drawn, "probe-arrow-label")[0].get_text())


def test_probe_at_the_minimum_draws_no_arrow() -> None:
    p = probe_point(math.log(9), 0.0, Layer.make([1, 0], label_smoothing=0.2))
    assert p.grad0 == pytest.approx(0.0, abs=1e-15)
    _, ax = _contour(_grid(label_smoothing=0.2))
    drawn = draw_probe(ax, p)
    if abs(p.grad0) + abs(p.grad1) > 0:  # a few ulp off: the arrow is still a direction
        assert _by_gid(drawn, "probe-arrow")
    p0 = probe_point(0.0, 0.0, [0.5, 0.5])
    drawn = draw_probe(ax, p0)
    assert not _by_gid(drawn, "probe-arrow") and _by_gid(drawn, "probe-box")


def test_probe_on_the_surface() -> None:
    grid = _grid()
    fig, ax = _surface(grid)
    p = probe_point(-8, 6, [1, 0])
    drawn = draw_probe(ax, p, three_d=True)
    (dot,) = _by_gid(drawn, "probe-point")
    assert [float(v[0]) for v in dot.get_data_3d()] == [-8.0, 6.0, p.loss]
    assert _by_gid(drawn, "probe-arrow") and _by_gid(drawn, "probe-box")
    _render(fig)


# ---- the path ------------------------------------------------------------------------------------


@pytest.mark.parametrize("three_d", [False, True])
def test_path_vertices_are_the_descent_path(three_d: bool) -> None:
    grid = _grid(label_smoothing=0.2)
    path = descent_path(-8, 6, Layer.make([1, 0], label_smoothing=0.2), lr=2.0, steps=30)
    fig, ax = _surface(grid) if three_d else _contour(grid)
    drawn = draw_path(ax, path, three_d=three_d)
    (line,) = _by_gid(drawn, "path")
    data = line.get_data_3d() if three_d else line.get_data()
    np.testing.assert_array_equal(data[0], path.x0)
    np.testing.assert_array_equal(data[1], path.x1)
    if three_d:
        np.testing.assert_array_equal(data[2], path.loss)
    (start,) = _by_gid(drawn, "path-start")
    (end,) = _by_gid(drawn, "path-end")
    assert float(start.get_data()[0][0]) == path.x0[0]
    assert float(end.get_data()[0][0]) == path.x0[-1]
    assert "30" in read(_by_gid(drawn, "path-end-label")[0].get_text())
    _render(fig)


# ---- the slice -----------------------------------------------------------------------------------


def _slice(**kwargs: Any) -> tuple[Figure, Any, list[Artist]]:
    fig = Figure(figsize=(8, 6), dpi=50)
    ax = fig.add_subplot()
    t = kwargs.pop("t", [1, 0])
    lang = kwargs.pop("lang", "en")
    span = kwargs.pop("range", (-20.0, 20.0))
    return fig, ax, draw_slice(ax, slice_curves(Layer.make(t, **kwargs), span, lang), lang=lang)


def test_slice_is_softplus_with_its_asymptotes() -> None:
    fig, ax, drawn = _slice()
    (curve,) = _by_gid(drawn, "slice-loss")
    d, loss = (np.asarray(v, float) for v in curve.get_data())
    np.testing.assert_allclose(loss, np.logaddexp(0.0, d), rtol=1e-14)  # softplus(d)
    assert "softplus(d)" in read(curve.get_label())
    (right,) = _by_gid(drawn, "asymptote-right")
    x, y = (np.asarray(v, float) for v in right.get_data())
    np.testing.assert_allclose(np.diff(y) / np.diff(x), 1.0)
    (left,) = _by_gid(drawn, "asymptote-left")
    np.testing.assert_array_equal(left.get_data()[1], 0.0)
    (zero,) = _by_gid(drawn, "at-zero")
    assert float(zero.get_data()[1][0]) == math.log(2)
    assert "log 2" in read(_by_gid(drawn, "at-zero-label")[0].get_text())
    assert "√2 × 1 = 1.414" in read(_by_gid(drawn, "why-root2")[0].get_text())
    (slope,) = _by_gid(drawn, "slope")
    sd, sv = (np.asarray(v, float) for v in slope.get_data())
    _, grad = softmax_with_loss(np.stack([-sd / 2, sd / 2], axis=-1), [1.0, 0.0])
    np.testing.assert_allclose(sv, grad[:, 1], rtol=1e-15)
    assert not _by_gid(drawn, "cap") and not _by_gid(drawn, "minimum")
    _render(fig)


def test_slice_asymptote_slope_is_one_over_t() -> None:
    _, _, drawn = _slice(temperature=4.0)
    (right,) = _by_gid(drawn, "asymptote-right")
    x, y = (np.asarray(v, float) for v in right.get_data())
    assert float(np.diff(y)[0] / np.diff(x)[0]) == pytest.approx(0.25)
    assert "0.25" in read(_by_gid(drawn, "asymptote-right-label")[0].get_text())
    assert "√2 × 0.25 = 0.3536" in read(_by_gid(drawn, "why-root2")[0].get_text())


def test_slice_marks_the_minimum_of_a_soft_label() -> None:
    _, _, drawn = _slice(label_smoothing=0.2)
    (star,) = _by_gid(drawn, "minimum")
    d, value = (float(v[0]) for v in star.get_data())
    assert d == pytest.approx(-math.log(9), rel=1e-14)
    assert value == pytest.approx(-(0.9 * math.log(0.9) + 0.1 * math.log(0.1)), rel=1e-14)


def test_slice_book_cap_and_the_backward_that_ignores_it() -> None:
    fig, _, drawn = _slice(variant="book")
    (cap,) = _by_gid(drawn, "cap")
    np.testing.assert_allclose(cap.get_data()[1], -math.log(1e-7), rtol=1e-12)
    assert "16.12" in read(_by_gid(drawn, "cap-label")[0].get_text())
    (backward,) = _by_gid(drawn, "slope")
    (true_slope,) = _by_gid(drawn, "book-slope")
    assert float(backward.get_data()[1][-1]) == pytest.approx(1.0, abs=1e-8)
    d, slope = (np.asarray(v, float) for v in true_slope.get_data())
    y0 = 1.0 / (1.0 + np.exp(d))  # d/dd of -log(y0 + 1e-7) is y0 y1 / (y0 + 1e-7)
    np.testing.assert_allclose(slope, y0 * (1.0 - y0) / (y0 + 1e-7), rtol=1e-9, atol=1e-15)
    assert slope[-1] < 0.03  # flat on the plateau, where backward still sends 1
    assert not _by_gid(drawn, "asymptote-right")
    _render(fig)


def test_slice_with_more_classes() -> None:
    fig, _, drawn = _slice(t=[0, 0, 1], logits=[0, 1, 0], axes=(0, 2), range=(-10, 10))
    (curve,) = _by_gid(drawn, "slice-loss")
    d, loss = (np.asarray(v, float) for v in curve.get_data())
    a = np.stack([-d / 2, np.ones_like(d), d / 2], axis=-1)
    np.testing.assert_allclose(loss, softmax_with_loss(a, [0.0, 0.0, 1.0])[0], rtol=1e-15)
    assert _by_gid(drawn, "why-slope") and not _by_gid(drawn, "why-root2")
    _render(fig)


# ---- words and sizes -----------------------------------------------------------------------------


@pytest.mark.skipif(japanese_font() is None, reason="no Japanese font installed")
def test_japanese_words_with_a_japanese_font() -> None:
    grid = _grid(variant="book", label_smoothing=0.1)
    fig, ax = _contour(grid)
    drawn = annotate_contour(ax, grid, lang="ja")
    path = descent_path(-8, 6, Layer.make([1, 0], variant="book", label_smoothing=0.1), steps=5)
    drawn += draw_path(ax, path, lang="ja")
    drawn += draw_probe(ax, probe_point(-8, 6, Layer.make([1, 0], variant="book")), lang="ja")
    texts = " ".join(read(a.get_text()) for a in drawn if isinstance(a, Text))
    for word in ("最小", "本の", "逆伝播", "開始", "ステップ後", "の向き"):
        assert word in texts, word
    assert words("ja")["start"] == "開始"
    _render(fig)  # no "Glyph missing" warning
    fig2, _, drawn2 = _slice(lang="ja", variant="book")
    assert "本の上限" in " ".join(read(a.get_text()) for a in drawn2 if isinstance(a, Text))
    _render(fig2)


def test_english_by_default() -> None:
    grid = _grid(label_smoothing=0.1)
    _, ax = _contour(grid)
    texts = " ".join(read(a.get_text()) for a in annotate_contour(ax, grid) if isinstance(a, Text))
    assert "minimum" in texts and not any(ord(c) > 0x3000 for c in texts)


def test_marks_scale_with_rcparams() -> None:
    grid = _grid(label_smoothing=0.2)
    sizes = {}
    for scale in (1.0, 2.5):
        rc: dict[RcKeyType, float] = {"font.size": 10 * scale, "lines.linewidth": 1.5 * scale}
        with mpl.rc_context(rc):
            _, ax = _contour(grid)
            drawn = annotate_contour(ax, grid)
        (label,) = _by_gid(drawn, "minimum-label")
        (line,) = _by_gid(drawn, "minimum")
        assert isinstance(line, Line2D)
        sizes[scale] = (label.get_fontsize(), line.get_linewidth())
    assert sizes[2.5][0] == pytest.approx(2.5 * sizes[1.0][0])
    assert sizes[2.5][1] == pytest.approx(2.5 * sizes[1.0][1])


def test_marks_never_use_pyplot() -> None:
    package = Path(__file__).parents[1] / "swl_viz"
    for path in (package / "marks.py", *sorted((package / "mpl").glob("*.py"))):
        assert "import pyplot" not in path.read_text(encoding="utf-8"), path.name
        assert "matplotlib.pyplot" not in path.read_text(encoding="utf-8"), path.name


def test_probe_box_with_many_classes_shows_the_varied_pair() -> None:
    t = [0.0] * 10
    t[7] = 1.0
    p = probe_point(2.0, -3.0, Layer.make(t, axes=(7, 2)))
    text = read(probe_text(p))
    assert "y[7,2] = (" in text and "x[7,2] = (2, −3)" in text
    assert f"L = {_sig4(p.loss)}" in text
    assert all(line.count(",") <= 2 for line in text.splitlines())


def _luminance(colour: Any) -> float:
    rgb = np.asarray(mpl.colors.to_rgb(colour))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ [0.2126, 0.7152, 0.0722])


def _contrast(a: Any, b: Any) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("mark", ["DECISION", "MINIMUM", "CAP", "PROBE", "PATH"])
def test_every_mark_stands_out_3_to_1_on_every_background(mark: str) -> None:
    """WCAG 2's 3:1 for graphics: the core or its halo against each band of the contour (viridis
    at the contour's alpha 0.75 over either theme's background) and the backgrounds themselves."""
    core, halo = getattr(theme, mark), theme.HALO
    cmap = mpl.colormaps["viridis"]
    for look in theme.THEMES.values():
        bg = np.asarray(mpl.colors.to_rgb(look["axes.facecolor"]))
        backgrounds = [bg] + [
            0.75 * np.asarray(cmap(v)[:3]) + 0.25 * bg for v in np.linspace(0, 1, 101)
        ]
        for under in backgrounds:
            best = max(_contrast(core, under), _contrast(halo, under))
            assert best >= 3.0, (mark, under)


@pytest.mark.parametrize("colour", ["LOSS_CURVE", "SLOPE_CURVE"])
def test_slice_curves_stand_out_on_both_themes(colour: str) -> None:
    for look in theme.THEMES.values():
        assert _contrast(getattr(theme, colour), look["axes.facecolor"]) >= 3.0
        assert _contrast(look["axes.edgecolor"], look["axes.facecolor"]) >= 3.0  # asymptotes


# ---- the probe's numbers against a 50-digit reference -------------------------------------------


def _printed(text: str, name: str) -> list[str]:
    line = next(s for s in text.splitlines() if s.split(" = ")[0] == name)
    body = line.split(" = ", 1)[1]
    return [v.strip() for v in body.strip("()").split(",")]


@pytest.mark.parametrize(
    ("point", "t", "options"),
    [
        ((math.log(7 / 3), 0.0), [0.7, 0.3], {}),  # on the minimum line: y - t is 0
        ((math.log(7 / 3) + 1e-9, 0.0), [0.7, 0.3], {}),  # a hair off it: still below noise
        ((0.0, 0.0), [0.5, 0.5], {"temperature": 0.01}),
        ((1e-5, 0.0), [1, 0], {}),  # y0 = 0.5000025: 0.5000, never 0.5
        ((12.0, 0.0), [1, 0], {}),  # y0 = 0.999994: "≈ 1", never "1"
        ((-8.0, 6.0), [1, 0], {"label_smoothing": 0.2}),
        ((3.0, -1.25), [0.3, 0.7], {"temperature": 2.0}),
        ((2.0, 5.0), [0, 0, 1], {"logits": [0, 1, 0], "axes": (0, 2)}),
    ],
)
def test_probe_numbers_are_true_to_a_50_digit_reference(
    point: tuple[float, float], t: list[float], options: dict[str, Any]
) -> None:
    import mpmath
    from oracle import log_probabilities, reference, target

    layer = Layer.make(t, **options)
    p = probe_point(*point, layer)
    text = read(probe_text(p))
    temp = layer.temperature
    loss, grad = reference(p.a, t, label_smoothing=layer.label_smoothing, temperature=temp)
    y = [mpmath.exp(v) for v in log_probabilities(p.a, temp)]
    t_prime = target(t, layer.label_smoothing)
    grad_name = "y − t" if temp == 1.0 else "(y − t)/T"
    for name, exact in (("y", y), (grad_name, grad), ("L", [loss])):
        for shown, value in zip(_printed(text, name), exact, strict=True):
            if shown == "≈ 0":  # only a value that its rounding can not tell from 0
                k = exact.index(value)
                floor = 4 * 2.0**-52 * max(abs(float(y[k])), abs(float(t_prime[k]))) / temp
                assert abs(value) < floor, (name, value)
            elif shown == "≈ 1":  # a probability just short of 1
                assert value != 1 and abs(value - 1) < 5e-4, (name, value)
            else:  # 4 significant figures, zeros kept: the true value rounded
                digits = shown.replace("−", "-")
                if digits in ("0", "1"):
                    assert value == int(digits), (name, shown, value)
                    continue
                assert len(digits.lstrip("-0.").split("e")[0].replace(".", "")) == 4, shown
                assert abs(float(digits) - value) <= 5.01e-4 * abs(value), (name, shown, value)
