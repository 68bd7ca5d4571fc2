"""One scene, drawn: what the matplotlib figure shows is exactly what the scene says.

The scene (swl_viz.scene) computes every line, point, label, the z range and the view with
numpy only; these tests draw figures and read back what was drawn, artist by artist.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from mpl_toolkits.mplot3d.axes3d import Axes3D

from swl_viz.marks import BOX_MARGIN
from swl_viz.mpl import build_figure, theme_context
from swl_viz.plotspec import FigureKind, Plot
from swl_viz.scene import build_scene, nice_ticks
from swl_viz.shapes import Scene
from swl_viz.words import plain

SMALL: dict[str, Any] = {"size": (400, 360), "dpi": 40}
PLOTS = [
    Plot("surface", **SMALL),
    Plot("quiver", variant="book", **SMALL),
    Plot("contour", t=(0.7, 0.3), probe=(2.0, -3.0), descent=(-6.0, 4.0), **SMALL),
    Plot("contour", compare=True, label_smoothing=0.2, **SMALL),
    Plot("pair", label_smoothing=0.2, probe=(6.0, -1.0), descent=(-6.0, 4.0), **SMALL),
    Plot("surface", t=(0.0, 0.0, 1.0), logits=(0.0, 1.0, 0.0), axes=(0, 2), probe=(2.0, 5.0),
         **SMALL),
    Plot("quiver", temperature=3.0, zscale="log", descent=(4.0, -6.0), **SMALL),
    Plot("contour", preset="slides", size=(960, 540), dpi=50, probe=(-8.0, 6.0)),
    Plot("slice", t=(0.7, 0.3), **SMALL),
    Plot("slice", variant="book", label_smoothing=0.2, **SMALL),
]  # fmt: skip


def _draw(plot: Plot) -> tuple[Scene, Figure]:
    with theme_context(plot):
        fig = build_figure(plot)
        fig.canvas.draw()
    return build_scene(plot), fig


def _data(line: Any, three_d: bool) -> Any:
    """A drawn line's points, as an array of shape (2 or 3, n); None when it has the other
    dimension."""
    if hasattr(line, "get_data_3d") != three_d:
        return None
    return np.array(line.get_data_3d() if three_d else line.get_data(), dtype=float)


def _drawn(fig: Figure) -> list[Any]:
    """What the axes draw, with a legend's title (the slice's note heads its slopes' legend)."""
    legends = [ax.get_legend() for ax in fig.axes]
    titles = [legend.get_title() for legend in legends if legend is not None]
    return [a for a in [*(a for ax in fig.axes for a in ax.get_children()), *titles] if a.get_gid()]


def _texts(fig: Figure) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a in _drawn(fig):
        if isinstance(a, Text) and a.get_text():
            out.setdefault(str(a.get_gid()), []).append(a.get_text())
    return out


@pytest.mark.parametrize("plot", PLOTS, ids=lambda p: p.stem())
def test_every_label_of_the_scene_is_drawn_with_its_words(plot: Plot) -> None:
    scene, fig = _draw(plot)
    texts = _texts(fig)
    labels = [label for panel in scene.panels for label in panel.labels]
    if scene.curves is not None:
        labels += list(scene.curves.labels)
    for label in labels:
        if plot.figure == "pair" and label.role in ("probe-box", "plateau-note"):
            continue  # the 3-D panel leaves them to the contour beside it, which has them
        assert label.text in texts.get(label.role, []), (label.role, texts.get(label.role))
    wanted = {label.role for label in labels}
    assert set(texts) <= wanted | {"why-root2", "why-slope"}, set(texts) - wanted
    assert fig.get_suptitle() == (scene.title or "")


@pytest.mark.parametrize("plot", PLOTS, ids=lambda p: p.stem())
def test_every_line_and_point_of_the_scene_is_drawn_where_it_says(plot: Plot) -> None:
    scene, fig = _draw(plot)
    lines = [a for a in _drawn(fig) if isinstance(a, Line2D)]
    for panel in scene.panels:
        for shape in panel.lines:
            drawn = [a for a in lines if a.get_gid() == shape.role]
            coords = [shape.x, shape.y, shape.z] if panel.three_d else [shape.x, shape.y]
            want = np.array(coords, dtype=float)
            got = [g for a in drawn if (g := _data(a, panel.three_d)) is not None]
            assert any(g.shape == want.shape and np.array_equal(g, want) for g in got), shape.role
        for point in panel.points:
            drawn = [a for a in lines if a.get_gid() == point.role]
            at = [
                tuple(float(v) for v in g[:, 0])
                for a in drawn
                if (g := _data(a, panel.three_d)) is not None
            ]
            assert point.at in at, (point.role, at)


@pytest.mark.parametrize("plot", [p for p in PLOTS if p.figure in ("surface", "quiver", "pair")],
                         ids=lambda p: p.stem())  # fmt: skip
def test_the_view_and_z_range_are_the_scenes(plot: Plot) -> None:
    scene, fig = _draw(plot)
    panels = [ax for ax in fig.axes if isinstance(ax, Axes3D)]
    assert panels
    for ax in panels:
        assert (ax.elev, ax.azim) == scene.view
        assert ax.get_zlim() == pytest.approx(scene.zrange, rel=1e-12)


def test_a_changed_scene_changes_the_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    """The renderer draws what the scene says, not what it works out for itself."""
    import swl_viz.mpl.layout as layout

    real = build_scene

    def renamed(plot: Plot, grids: Any = None) -> Scene:
        scene = real(plot, grids)
        panel = scene.panels[0]
        labels = tuple(replace(label, text="renamed") for label in panel.labels)
        return replace(scene, panels=(replace(panel, labels=labels),))

    monkeypatch.setattr(layout, "build_scene", renamed)
    _, fig = _draw(Plot("contour", t=(0.7, 0.3), **SMALL))
    assert _texts(fig)["decision-label"] == ["renamed"]


def test_the_scene_needs_no_matplotlib() -> None:
    code = (
        "import sys; from swl_viz.plotspec import Plot; from swl_viz.scene import build_scene; "
        "s = build_scene(Plot('pair', probe=(1, 2), descent=(3, 4), variant='book')); "
        "build_scene(Plot('slice')); assert 'matplotlib' not in sys.modules, 'imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_scene_words_have_a_unicode_form() -> None:
    for plot in PLOTS:
        scene = build_scene(plot)
        texts = [scene.title or "", scene.zlabel, *scene.key]
        texts += [t for p in scene.panels for t in (p.subtitle, *(lb.text for lb in p.labels))]
        for text in texts:
            assert "$" not in plain(text) and "\\" not in plain(text), text


def test_nice_ticks_are_matplotlibs() -> None:
    rng = np.random.default_rng(7)
    cases = [(0.0, 16.118), (-1e-7, 16.118), (0.0, 0.6931), (-323.0, 1.3), (5.0, 5.0)]
    for _ in range(500):
        lo = float(rng.uniform(-50, 50) * 10.0 ** rng.integers(-8, 8))
        cases.append((lo, lo + float(rng.uniform(0, 100) * 10.0 ** rng.integers(-10, 8))))
    for lo, hi in cases:
        for bins in (6, 15):
            want = [float(v) for v in MaxNLocator(bins).tick_values(lo, hi)]
            assert nice_ticks(lo, hi, bins) == want, (lo, hi, bins)


@pytest.mark.parametrize("figure", ["quiver", "contour", "pair"])
def test_arrow_scale_lengthens_every_arrow_of_both_renderers(figure: FigureKind) -> None:
    """--arrow-scale is declared once and read once, by the scene: the PNG's arrows and the
    page's come from its field."""
    from swl_viz.web import figure_dict

    plain_scene = build_scene(Plot(figure))
    longer = Plot(figure, arrow_scale=2.0)
    field = next(p.field for p in build_scene(longer).panels if p.field is not None)
    base = next(p.field for p in plain_scene.panels if p.field is not None)
    if field.w is None:
        np.testing.assert_allclose(field.u, 2.0 * base.u, rtol=1e-12)
        np.testing.assert_allclose(field.v, 2.0 * base.v, rtol=1e-12)
    else:  # on the surface, twice as long unless that would end beneath the box
        lo, hi = build_scene(longer).zrange
        assert field.z is not None
        doubled = np.isclose(field.u, 2.0 * base.u, rtol=1e-12, atol=0)
        doubled &= np.isclose(field.v, 2.0 * base.v, rtol=1e-12, atol=0)
        fitted = ~doubled & (np.hypot(base.u, base.v) > 0)
        assert doubled.sum() > 0.9 * doubled.size
        ratio = np.hypot(field.u, field.v)[fitted] / np.hypot(base.u, base.v)[fitted]
        assert np.all((ratio > 1.0) & (ratio < 2.0))
        tips = (field.z + field.w)[fitted]
        np.testing.assert_allclose(tips, lo - BOX_MARGIN * (hi - lo), rtol=1e-9, atol=1e-9)
    with theme_context(longer):
        fig = build_figure(longer)
    drawn = [a for ax in fig.axes for a in ax.collections if a.get_label() != "_nolegend_"]
    assert drawn  # the figure draws its arrows
    page = str(figure_dict(longer)["data"])
    assert page != str(figure_dict(Plot(figure))["data"])  # and the page's arrows differ
