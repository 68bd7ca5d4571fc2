"""The 3-D arrows (the descent field and the probe's arrow) stay tangent to the drawn surface
and readable in the drawn box, under every loss.

A tangent arrow that reaches 0.8 of a spacing across falls |grad L| times that: under squared
error, whose loss axis spans 0..1 under logits -20..20, that was many box heights, over the
x0 axis label. Each arrow is measured here in the box (each axis over its span), its slope
against central differences of the drawn loss, and its drawn pixels against the figure's words.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.path import Path
from mpl_toolkits.mplot3d import proj3d
from mpl_toolkits.mplot3d.art3d import Line3DCollection
from slides_tools import drawn_shapes

from swl_viz.marks import ARROW_FRACTION, zmap
from swl_viz.mpl import build_figure, theme_context
from swl_viz.mpl.plotters import HEAD_3D, WING_DEGREES
from swl_viz.plotspec import Plot
from swl_viz.scene import REACH_3D, build_scene
from swl_viz.shapes import Field, Panel

#: No arrow is longer in the box than this many spacings (times --arrow-scale) ...
BOUND_SPACINGS = 1.5
#: ... nor the probe's than this share of the box's edge ...
BOUND_PROBE = 0.3
#: ... and none ends more than this share of the loss axis beyond it.
MARGIN = 0.1

CASES: dict[str, dict[str, Any]] = {
    "ce": {},
    "mse": {"loss": "mse"},
    "focal": {"loss": "focal", "gamma": 2.0},
    "mse-narrow": {"loss": "mse", "range": (-5.0, 5.0), "step": 0.25},
    "mse-log": {"loss": "mse", "zscale": "log"},
    "focal-log": {"loss": "focal", "zscale": "log"},
    "mse-zlim": {"loss": "mse", "zlim": (0.0, 0.5)},
    "ce-zlim": {"zlim": (0.0, 10.0)},
    "mse-normalize": {"loss": "mse", "normalize": True},
    "ce-normalize": {"normalize": True},
    "ce-scale": {"arrow_scale": 2.0},
    "mse-scale": {"loss": "mse", "arrow_scale": 3.0},
    "ce-cold": {"temperature": 0.1},
    "mse-cold": {"loss": "mse", "temperature": 0.1},
    "book": {"variant": "book"},
    "soft-k3": {"t": (0.2, 0.0, 0.8), "logits": (0.0, 1.0, 0.0), "axes": (0, 2)},
}


def _field_panel(plot: Plot) -> tuple[Panel, Field, tuple[float, float]]:
    scene = build_scene(plot)
    panel = scene.panels[0]
    assert panel.field is not None and panel.field.w is not None
    return panel, panel.field, scene.zrange


def _box(u: Any, v: Any, w: Any, span: float, zspan: float) -> Any:
    """Lengths in the drawn box, each axis over its span (a cube)."""
    return np.sqrt((np.asarray(u) / span) ** 2 + (np.asarray(v) / span) ** 2
                   + (np.asarray(w) / zspan) ** 2)  # fmt: skip


def _drawn_slope(plot: Plot, x: Any, y: Any, d0: Any, d1: Any) -> Any:
    """The drawn surface's slope along the unit direction (d0, d1), by central differences of
    the drawn loss (log10 L on a log axis)."""
    layer = plot.layer()
    z = zmap(plot.zscale)
    h = 1e-5 * (plot.range[1] - plot.range[0])
    up = z(layer.evaluate(x + h * d0, y + h * d1)[1])
    down = z(layer.evaluate(x - h * d0, y - h * d1)[1])
    return (up - down) / (2 * h)


@pytest.mark.parametrize("case", list(CASES))
def test_field_arrows_fit_the_box_and_stay_tangent(case: str) -> None:
    plot = Plot("quiver", **CASES[case])
    panel, f, (lo, hi) = _field_panel(plot)
    assert f.z is not None and f.w is not None
    span = float(plot.range[1] - plot.range[0])
    spacing = abs(float(f.x[0, 1] - f.x[0, 0]))
    drawn = np.hypot(f.u, f.v) > 0
    assert drawn.sum() > 0.3 * drawn.size
    # no arrow longer in the box than 1.5 spacings (times --arrow-scale)
    box = _box(f.u, f.v, f.w, span, hi - lo) / (spacing / span)
    assert box.max() <= BOUND_SPACINGS * plot.arrow_scale * (1 + 1e-9), box.max()
    # every tip inside the loss axis, within the margin, where its tail is
    inside = (f.z >= lo) & (f.z <= hi)
    tips = (f.z + f.w)[inside]
    margin = MARGIN * (hi - lo) * (1 + 1e-9)
    assert tips.min() >= lo - margin, (lo - tips.min()) / (hi - lo)
    assert tips.max() <= hi + margin
    # tangent: across along -grad, and w / h the drawn surface's slope along it
    g = plot.layer().evaluate(f.x, f.y)[2]
    g0, g1 = g[..., plot.axes[0]], g[..., plot.axes[1]]
    np.testing.assert_allclose(f.u * g1, f.v * g0, atol=1e-12 * spacing * np.abs(g).max())
    assert (f.u * g0 + f.v * g1 <= 0).all()
    h = np.hypot(f.u, f.v)[drawn]
    d0, d1 = f.u[drawn] / h, f.v[drawn] / h
    want = _drawn_slope(plot, f.x[drawn], f.y[drawn], d0, d1)
    scale = np.abs(want).max()
    smooth = np.ones_like(want, dtype=bool)
    if plot.variant == "book":  # the plateau's edge is a kink: no derivative to compare there
        loss = plot.layer().evaluate(f.x[drawn], f.y[drawn])[1]
        smooth = np.abs(loss - np.median(loss)) > 0  # keep both faces, away from the edge
        smooth &= np.abs(want) < 0.9 * scale  # and off the cliff
    np.testing.assert_allclose((f.w[drawn] / h)[smooth], want[smooth], rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("case", ["ce", "ce-normalize", "ce-cold", "soft-k3", "focal", "mse-log"])
def test_the_cross_entropys_field_is_unchanged(case: str) -> None:
    """The default arrows keep their lengths: the longest reaches 0.8 of a spacing across and
    falls |grad L|^2 (over L ln 10 on a log axis) per unit of -grad: at most sqrt(3) x 0.8 =
    1.39 spacings in the box. (The focal loss's are no steeper, and a log axis flattens.)"""
    plot = Plot("quiver", **CASES[case])
    _, f, _ = _field_panel(plot)
    assert f.w is not None
    _, loss, g = plot.layer().evaluate(f.x, f.y)
    g0, g1 = g[..., plot.axes[0]], g[..., plot.axes[1]]
    norm = np.hypot(g0, g1)
    spacing = abs(float(f.x[0, 1] - f.x[0, 0]))
    if plot.normalize:
        scale = np.where(norm > 0, REACH_3D * spacing / np.where(norm > 0, norm, 1), 0.0)
    else:
        scale = REACH_3D * spacing / norm.max()
    rise = norm**2 if plot.zscale == "linear" else norm**2 / (loss * math.log(10))
    np.testing.assert_allclose(f.u, -g0 * scale, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(f.v, -g1 * scale, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(f.w, -rise * scale, rtol=1e-9, atol=1e-12)


def test_squared_errors_arrows_are_shortened_along_themselves() -> None:
    """Under squared error the steep wall's arrows would be tens of spacings deep; they are
    shortened to the bound, and the flat floor's keep their length."""
    plot = Plot("quiver", loss="mse")
    _, f, (lo, hi) = _field_panel(plot)
    assert f.z is not None and f.w is not None
    g = plot.layer().evaluate(f.x, f.y)[2]
    norm = np.hypot(g[..., 0], g[..., 1])
    spacing = abs(float(f.x[0, 1] - f.x[0, 0]))
    across = np.hypot(f.u, f.v)
    full = REACH_3D * spacing * norm / norm.max()
    share = np.divide(across, full, out=np.ones_like(across), where=full > 0)
    assert share.min() < 0.2  # the steepest reach a fifth as far across, nearly upright
    span = float(plot.range[1] - plot.range[0])
    box = _box(f.u, f.v, f.w, span, hi - lo) / (spacing / span)
    fitted = share < 1 - 1e-12
    assert fitted.any() and (~fitted & (full > 0)).any()
    tips = f.z + f.w
    on_bound = np.isclose(box, BOUND_SPACINGS, rtol=1e-9)
    on_floor = np.isclose(tips, lo - MARGIN * (hi - lo), rtol=1e-9, atol=1e-12)
    assert (on_bound | on_floor)[fitted].all()


PROBES = [(2.0, 0.0), (0.0, 3.0), (-1.0, -1.0), (-10.0, 10.0), (5.0, -5.0), (0.0, 0.0)]


@pytest.mark.parametrize("case", ["ce", "mse", "focal", "mse-log", "book", "mse-cold", "ce-zlim"])
def test_the_probe_arrow_fits_the_box_and_stays_tangent(case: str) -> None:
    for point in PROBES:
        plot = Plot("surface", probe=point, **CASES[case])
        scene = build_scene(plot)
        lo, hi = scene.zrange
        (arrow,) = [a for a in scene.panels[0].arrows if a.role == "probe-arrow"]
        u, v, w = arrow.vector
        span = float(plot.range[1] - plot.range[0])
        assert _box(u, v, w, span, hi - lo) <= BOUND_PROBE * (1 + 1e-9)
        across = math.hypot(u, v)
        assert across <= ARROW_FRACTION * span * (1 + 1e-12)
        z = arrow.tail[2]
        if lo <= z <= hi:
            assert lo - MARGIN * (hi - lo) * (1 + 1e-9) <= z + w <= hi + MARGIN * (hi - lo)
        x, y = np.array([point[0]]), np.array([point[1]])
        want = float(_drawn_slope(plot, x, y, u / across, v / across)[0])
        assert w / across == pytest.approx(want, rel=1e-5, abs=1e-7), point
        label = next(lb for lb in scene.panels[0].labels if lb.role == "probe-arrow-label")
        assert label.at == pytest.approx((point[0] + u, point[1] + v, z + w))


def _arrows(fig: Any) -> list[tuple[Any, Line3DCollection]]:
    """The 3-D arrows drawn: the descent field and the probe's, with their axes."""
    out = []
    for ax in fig.axes:
        for c in ax.collections:
            if isinstance(c, Line3DCollection) and (
                c.get_gid() == "probe-arrow" or c.get_label() == "backward"
            ):
                out.append((ax, c))
    return out


@pytest.mark.parametrize(
    "given",
    [
        {"figure": "quiver", "loss": "mse"},
        {"figure": "quiver", "loss": "focal"},
        {"figure": "quiver"},
        {"figure": "surface", "loss": "mse", "probe": (2.0, 0.0)},
        {"figure": "pair", "loss": "mse", "probe": (0.0, 3.0)},
    ],
)
def test_drawn_arrows_have_box_heads_and_keep_off_the_words(given: dict[str, Any]) -> None:
    """Each arrow is drawn as its shaft and two wings: in the box's proportions each wing is
    HEAD_3D of the shaft back along it, opened WING_DEGREES. Drawn, every arrow stays on the
    canvas and crosses none of the figure's own words (axis labels, ticks, title, legend)."""
    plot = Plot(**given)
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        shapes = drawn_shapes(fig)  # draws
    arrows = _arrows(fig)
    assert arrows
    words = [poly for text, poly in shapes if text.get_gid() is None]
    assert words
    width, height = fig.bbox.width, fig.bbox.height
    for ax, coll in arrows:
        segs = np.asarray(coll._segments3d, dtype=float)
        assert segs.shape[0] % 3 == 0 and segs.shape[1:] == (2, 3)
        spans = np.array([np.ptp(ax.get_xlim()), np.ptp(ax.get_ylim()), np.ptp(ax.get_zlim())])
        shaft, wings = segs[0::3] / spans, [segs[1::3] / spans, segs[2::3] / spans]
        along = shaft[:, 1] - shaft[:, 0]
        length = np.linalg.norm(along, axis=1)
        for wing in wings:
            np.testing.assert_allclose(wing[:, 0], shaft[:, 1], atol=1e-12)
            back = wing[:, 1] - wing[:, 0]
            np.testing.assert_allclose(
                np.linalg.norm(back, axis=1),
                HEAD_3D * length / math.cos(math.radians(WING_DEGREES)),
                rtol=1e-9,
            )
            cos = -(back * along).sum(axis=1) / (np.linalg.norm(back, axis=1) * length)
            np.testing.assert_allclose(cos, math.cos(math.radians(WING_DEGREES)), rtol=1e-9)
        # in pixels: on the canvas, and off every word
        pts = segs.reshape(-1, 3)
        t = np.linspace(0.0, 1.0, 25)
        dense = segs[:, :1, :] * (1 - t)[None, :, None] + segs[:, 1:, :] * t[None, :, None]
        dense = dense.reshape(-1, 3)
        for p in (pts, dense):
            xs, ys, _ = proj3d.proj_transform(p[:, 0], p[:, 1], p[:, 2], ax.get_proj())
            px = ax.transData.transform(np.column_stack([xs, ys]))
            assert px[:, 0].min() >= 0 and px[:, 1].min() >= 0
            assert px[:, 0].max() <= width and px[:, 1].max() <= height
        for poly in words:
            hit = Path(poly).contains_points(px)
            assert not hit.any(), f"an arrow crosses the words at {px[hit][0]}"


def test_the_rule_follows_the_scenes_z_range() -> None:
    """The scene fits the arrows to the loss axis it draws: a taller --zlim leaves squared
    error's arrows longer, as the box is then relatively flatter."""
    plot = Plot("quiver", loss="mse")
    _, f, _ = _field_panel(plot)
    _, tall, _ = _field_panel(dataclasses.replace(plot, zlim=(0.0, 4.0)))
    assert tall.w is not None and f.w is not None
    assert np.abs(tall.w).sum() > 1.5 * np.abs(f.w).sum()
