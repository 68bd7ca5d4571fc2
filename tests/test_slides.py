"""Figures made for a room: sizes in pixels, a filled 16:9 frame, no clipped text in any view,
a view that follows the label, sparse and visible arrows, measured contrast, shared scales."""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import replace
from itertools import product
from typing import Any, cast

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.patheffects import AbstractPathEffect
from matplotlib.quiver import Quiver
from matplotlib.text import Text
from matplotlib.typing import ColorType
from mpl_toolkits.mplot3d.art3d import Line3DCollection
from mpl_toolkits.mplot3d.axes3d import Axes3D
from numpy.typing import NDArray
from PIL import Image
from PIL.GifImagePlugin import GifImageFile
from slides_tools import (
    contrast,
    drawn_texts,
    empty_columns,
    largest_empty_rectangle,
    outside,
    over,
    read,
)

from swl_viz import loss_grid
from swl_viz.mpl import THEMES, build_figure, theme_context
from swl_viz.mpl.plotters import CONTOUR_ALPHA
from swl_viz.mpl.theme import missing_glyphs
from swl_viz.plotspec import FigureKind, Plot, Theme
from swl_viz.scene import build_scene, default_azim

FIGURES: tuple[FigureKind, ...] = ("surface", "quiver", "contour", "pair")


def _build(plot: Plot) -> Figure:
    with theme_context(plot):
        fig = build_figure(plot)
    FigureCanvasAgg(fig)
    return fig


def _suptitle(fig: Figure) -> Text | None:
    """The figure's title artist: matplotlib keeps it in a private attribute."""
    title: Text | None = vars(fig)["_suptitle"]
    return title


def _titled(fig: Figure) -> Text:
    title = _suptitle(fig)
    assert title is not None  # only asked for when the figure has a title
    return title


def _stroke(effect: AbstractPathEffect) -> dict[str, Any]:
    """The stroke an outline path effect draws with (private in matplotlib)."""
    gc: dict[str, Any] = vars(effect)["_gc"]
    return gc


def _png(plot: Plot) -> NDArray[np.uint8]:
    from swl_viz.formats import render_bytes

    with Image.open(io.BytesIO(render_bytes(plot, "png"))) as im:
        return np.asarray(im.convert("RGB"))


def _px(points: float, dpi: float) -> float:
    return points * dpi / 72.0


def _sizes(fig: Figure) -> dict[str, float]:
    """Smallest font sizes (pixels) of tick labels, axis labels and the title, and the thinnest
    line or arrow (pixels) that carries data."""
    dpi = fig.dpi
    texts = drawn_texts(fig)
    ticks: list[float] = []
    labels: list[float] = []
    for ax in fig.axes:
        axes = [ax.xaxis, ax.yaxis] + ([ax.zaxis] if hasattr(ax, "zaxis") else [])
        for axis in axes:
            tick_texts = {id(t.label1) for t in axis.get_major_ticks()}
            ticks += [_px(float(t.get_fontsize()), dpi) for t in texts if id(t) in tick_texts]
            if axis.label in texts:
                labels.append(_px(float(axis.label.get_fontsize()), dpi))
    title = read(fig.get_suptitle()) and _px(float(_titled(fig).get_fontsize()), dpi)
    widths: list[float] = []
    for ax in fig.axes:
        for c in ax.collections:
            if isinstance(c, Quiver):
                assert c.width is not None  # the figures always set it
                widths.append(c.width * dpi)  # units="inches"
            elif isinstance(c, Line3DCollection):  # the wireframe and the 3-D arrows
                widths.append(_px(float(np.min(c.get_linewidths())), dpi))
    return {
        "tick": min(ticks),
        "label": min(labels),
        "title": float(title),
        "line": min(widths) if widths else math.inf,
    }


# ---- 1 and 2: sizes follow the canvas; slides are legible from the back --------------------------


@pytest.mark.parametrize("figure", FIGURES)
def test_slides_text_and_lines_are_big_enough(figure: FigureKind) -> None:
    sizes = _sizes(_build(Plot(figure, preset="slides")))
    assert sizes["tick"] >= 28 and sizes["label"] >= 28, sizes
    assert sizes["title"] >= 44, sizes
    assert sizes["line"] >= 3, sizes


@pytest.mark.parametrize("figure", FIGURES)
def test_default_figure_survives_a_slide(figure: FigureKind) -> None:
    plot = Plot(figure)
    sizes = _sizes(_build(plot))
    # full height on a 1080 px slide
    zoom = 1080 / plot.pixels[1]
    assert sizes["tick"] * zoom >= 28 and sizes["title"] * zoom >= 44, sizes
    assert sizes["line"] * zoom >= 3, sizes


def test_the_same_pixels_look_the_same_at_any_dpi() -> None:
    a = _sizes(_build(Plot("quiver", size=(1920, 1080), dpi=100)))
    b = _sizes(_build(Plot("quiver", size=(1920, 1080), dpi=200)))
    assert a == pytest.approx(b, rel=1e-9)
    small = _png(Plot("contour", size=(640, 360), dpi=50))
    large = _png(Plot("contour", size=(640, 360), dpi=150))
    assert small.shape == large.shape == (360, 640, 3)
    rms = float(np.sqrt(((small.astype(float) - large.astype(float)) ** 2).mean()))
    assert rms < 6.0, rms  # font hinting only


def test_text_never_shrinks_as_the_canvas_grows() -> None:
    ticks = [
        _sizes(_build(Plot("contour", size=size, dpi=100)))["tick"]
        for size in [(600, 500), (900, 800), (1920, 1080), (2400, 1800)]
    ]
    assert ticks == sorted(ticks) and ticks[-1] > 2 * ticks[0]
    big = _sizes(_build(Plot("contour", font_scale=1.25)))["tick"]
    assert big == pytest.approx(1.25 * _sizes(_build(Plot("contour")))["tick"])


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("figure", FIGURES)
def test_slides_fill_the_frame(figure: FigureKind, theme: Theme) -> None:
    rgb = _png(Plot(figure, preset="slides", theme=theme))
    assert rgb.shape == (1080, 1920, 3)
    background = (np.asarray(mpl.colors.to_rgb(THEMES[theme]["figure.facecolor"])) * 255).round()
    assert empty_columns(rgb, background.astype(int).tolist()) <= 0.2


# ---- 3: no text leaves the canvas, in any view -------------------------------------------------


def _sweep(plot: Plot, elevs: tuple[float, ...], azims: range) -> list[tuple[float, float, str]]:
    bad: list[tuple[float, float, str]] = []
    for elev in elevs:
        view = replace(plot, elev=elev) if plot.figure != "contour" else plot
        with theme_context(view):
            fig = build_figure(view)
            FigureCanvasAgg(fig)
            axes3 = [cast(Axes3D, ax) for ax in fig.axes if ax.name == "3d"]
            for azim in azims if axes3 else [0]:
                for ax in axes3:
                    ax.view_init(elev=elev, azim=azim)
                bad += [(elev, azim, text) for text, _ in outside(fig, drawn_texts(fig))]
    return bad


@pytest.mark.parametrize(("figure", "preset"), list(product(FIGURES, ["default", "slides"])))
def test_no_text_is_clipped_in_any_view(figure: FigureKind, preset: str) -> None:
    plot = Plot(figure, preset=preset, dpi=30)
    assert _sweep(plot, (0.0, 30.0, 60.0), range(0, 360, 30)) == []


@pytest.mark.parametrize(
    "plot",
    [
        Plot("quiver", theme="dark", dpi=30),
        Plot("pair", theme="dark", preset="slides", dpi=30),
        Plot("quiver", lang="ja", dpi=30),
        Plot("surface", compare=True, dpi=30),
        Plot("contour", compare=True, preset="slides", dpi=30),
        Plot("surface", t=(0.0, 0.0, 1.0), logits=(0.0, 1.0, 0.0), axes=(0, 2), dpi=30),
        Plot("quiver", zscale="log", preset="slides", dpi=30),
    ],
    ids=["dark", "dark-pair-slides", "ja", "compare", "compare-slides", "k3", "log"],
)
def test_no_text_is_clipped_for_themes_languages_and_panels(plot: Plot) -> None:
    assert _sweep(plot, (20.0,), range(0, 360, 45)) == []


# ---- 4: the view follows the label; arrows are few and visible -----------------------------------


def test_the_default_view_of_a_mirrored_label_is_the_mirror_view() -> None:
    a = default_azim(loss_grid(-20, 20, 2, [1, 0]))
    b = default_azim(loss_grid(-20, 20, 2, [0, 1]))
    assert a == 255.0
    assert (a + b) % 360 == pytest.approx(90.0)  # swapping x0 and x1 mirrors azim to 90 - azim
    assert default_azim(loss_grid(-20, 20, 2, [0.5, 0.5])) == 225.0  # down the valley


@pytest.mark.parametrize(
    ("t", "logits", "axes"),
    [
        ((1.0, 0.0), None, (0, 1)),
        ((0.0, 1.0), None, (0, 1)),
        ((0.8, 0.2), None, (0, 1)),
        ((0.0, 0.0, 1.0), (0.0, 1.0, 0.0), (0, 2)),
        ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0, 2)),
        ((0.0, 1.0, 0.0), (0.0, 0.0, 0.0), (2, 1)),
    ],
)
def test_the_steep_face_faces_the_viewer(
    t: tuple[float, ...], logits: tuple[float, ...] | None, axes: tuple[int, int]
) -> None:
    plot = Plot("surface", t=t, logits=logits, axes=axes)
    g = plot.grid()
    azim = math.radians(default_azim(g))
    view = np.array([math.cos(azim), math.sin(azim)])
    # where the loss is steep, the surface's normal leans along -grad: it must lean our way
    g0, g1 = -g.grad0, -g.grad1
    steep = np.hypot(g0, g1) > 0.5
    facing = (g0[steep] * view[0] + g1[steep] * view[1]) / np.hypot(g0[steep], g1[steep])
    assert facing.mean() >= math.cos(math.radians(75)), facing.mean()
    fig = build_figure(plot)
    assert cast(Axes3D, fig.axes[0]).azim == pytest.approx(math.degrees(azim))


def _quiver_3d_tails(fig: Figure) -> NDArray[np.float64]:
    ax = fig.axes[0]
    arrows = cast(Line3DCollection, ax.collections[1])
    segments = arrows._segments3d
    n = len(segments) // 3  # a shaft and two head strokes each
    return np.array([seg[0] for seg in segments[:n]])


@pytest.mark.parametrize("figure", ["quiver", "contour", "pair"])
@pytest.mark.parametrize("step", [2.0, 0.5, 0.05])
def test_at_most_a_dozen_or_so_arrows_along_any_line(figure: FigureKind, step: float) -> None:
    fig = build_figure(Plot(figure, step=step))
    if figure == "quiver":
        tails = _quiver_3d_tails(fig)[:, :2]
    else:
        (q,) = [c for ax in fig.axes for c in ax.collections if isinstance(c, Quiver)]
        tails = np.column_stack([q.X, q.Y])
    for column in (0, 1):
        _, counts = np.unique(np.round(tails[:, column], 9), return_counts=True)
        assert counts.max() <= 15


def test_contour_arrows_too_short_to_see_are_left_out() -> None:
    plot = Plot("contour")
    fig = build_figure(plot)
    (q,) = [c for c in fig.axes[0].collections if isinstance(c, Quiver)]
    ax = fig.axes[0]
    px_per_unit = ax.get_position().width * plot.pixels[0] / 40.0
    lengths = np.hypot(q.U, q.V) / q.scale * px_per_unit
    assert lengths.min() >= 1.0
    assert q.width is not None  # the figure sets it
    assert lengths.min() >= q.width * plot.dpi  # no arrow shorter than it is wide: no dots
    assert len(lengths) < 11 * 11 * 0.6  # the flat half carries none


@pytest.mark.parametrize("options", [{"label_smoothing": 0.2}, {"temperature": 3.0}])
def test_short_gradients_keep_a_readable_arrow(options: dict[str, float]) -> None:
    """Arrows under 30 % of the longest would be heads alone (smoothing's push-back, the flat
    side at T = 3): they are drawn 30 % long, half as wide, pointing along -grad L; under 2 %
    they are left out; the slide's key says which arrows are not to scale."""
    plot = Plot("contour", **options)  # type: ignore[arg-type]
    fig = build_figure(plot)
    full, thin = (c for c in fig.axes[0].collections if isinstance(c, Quiver))
    assert thin.width is not None and full.width is not None
    assert thin.width == pytest.approx(full.width / 2)

    def drawn(q: Quiver) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        xy = np.asarray(q.XY, dtype=float)
        return xy, np.column_stack([q.U, q.V]) / q.scale

    # -grad L of softmax(x / T) with t' = (1 - eps) t + eps / 2, by hand
    eps, temp = options.get("label_smoothing", 0.0), options.get("temperature", 1.0)
    t = np.array([1.0, 0.0]) * (1 - eps) + eps / 2

    def minus_grad(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        a = xy / temp
        y0 = 1 / (1 + np.exp(a[:, 1] - a[:, 0]))
        y = np.column_stack([y0, 1 - y0])
        return np.asarray((t - y) / temp)

    xy_full, uv_full = drawn(full)
    xy_thin, uv_thin = drawn(thin)
    g_full, g_thin = minus_grad(xy_full), minus_grad(xy_thin)
    top = float(np.hypot(*g_full.T).max())
    longest = float(np.hypot(*uv_full.T).max())
    # full arrows to scale; thin ones all 30 % of the longest, along -grad, weaker than 30 %
    np.testing.assert_allclose(np.hypot(*uv_full.T) / longest, np.hypot(*g_full.T) / top,
                               rtol=1e-9)  # fmt: skip
    np.testing.assert_allclose(np.hypot(*uv_thin.T), 0.3 * longest, rtol=1e-9)
    cos = np.sum(uv_thin * g_thin, axis=1) / np.hypot(*uv_thin.T) / np.hypot(*g_thin.T)
    np.testing.assert_allclose(cos, 1.0, atol=1e-9)
    norms = np.hypot(*g_thin.T)
    assert np.all(norms < 0.3 * top) and np.all(norms >= 0.02 * top)
    if "label_smoothing" in options:  # the push-back: beyond the minimum they point back
        assert np.any(uv_thin[:, 0] < 0)
    # the slide's key gives the threshold, 0.3 of the longest |grad L| on the arrow points
    key = build_scene(replace(plot, preset="slides")).key
    (line,) = [k for k in key if k.startswith("thin")]
    assert line.endswith(f"< {0.3 * top:.3g}, not to scale")


def test_3d_arrows_too_short_to_see_are_left_out() -> None:
    from mpl_toolkits.mplot3d import proj3d

    fig = build_figure(Plot("quiver"))
    ax = cast(Axes3D, fig.axes[0])
    segments = cast(Line3DCollection, ax.collections[1])._segments3d
    n = len(segments) // 3
    m = ax.get_proj()
    for seg in segments[:n]:
        xs, ys, _ = proj3d.proj_transform(*np.asarray(seg).T, m)
        p = ax.transData.transform(np.column_stack([xs, ys]))
        assert np.hypot(*(p[1] - p[0])) >= 1.0
    assert n < 11 * 11 * 0.6


# ---- 5: contrast, measured ----------------------------------------------------------------------


def _cmap_under(theme: str) -> list[tuple[float, float, float]]:
    cmap = mpl.colormaps[THEMES[theme]["swl.cmap"]]
    background = THEMES[theme]["axes.facecolor"]
    return [over(cmap(v), CONTOUR_ALPHA, background) for v in np.linspace(0, 1, 256)]


def _edge_contrast(core: ColorType, halo: ColorType | None, under: ColorType) -> float:
    """How well an arrow stands out from ``under``: its own colour, or its outline (which then
    must stand out from the arrow too)."""
    best = contrast(core, under)
    if halo is not None and contrast(core, halo) >= 3.0:
        best = max(best, contrast(halo, under))
    return best


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_arrow_and_line_reaches_3_to_1(theme: str) -> None:
    spec = THEMES[theme]
    background = spec["figure.facecolor"]
    core, halo = spec["swl.arrow"], spec["swl.halo"]
    for line in ("swl.wire", "swl.wire_faint"):
        assert contrast(spec[line], background) >= 3.0, line
    # 3-D arrows: on the background and across the fainter wireframe
    assert contrast(core, background) >= 3.0
    assert contrast(core, spec["swl.wire_faint"]) >= 3.0
    # contour arrows: over every colour the colour map can lay beneath them
    worst = min(_edge_contrast(core, halo, c) for c in [background, *_cmap_under(theme)])
    assert worst >= 3.0, worst


def test_the_contour_arrows_carry_their_outline() -> None:
    for theme in THEMES:
        fig = build_figure(Plot("contour", theme=cast(Theme, theme)))  # THEMES' keys
        (q,) = [c for c in fig.axes[0].collections if isinstance(c, Quiver)]
        effects = q.get_path_effects()
        assert effects and mpl.colors.same_color(
            _stroke(effects[0])["foreground"], THEMES[theme]["swl.halo"]
        )
        assert mpl.colors.same_color(
            q.get_facecolor()[0],  # type: ignore[arg-type]  # the stub's union: really (N, 4) RGBA
            THEMES[theme]["swl.arrow"],
        )
        outline_px = _stroke(effects[0])["linewidth"] * fig.dpi / 72 / 2  # half the stroke shows
        assert outline_px >= 1.25, outline_px  # 1.9 px on a 1080 px slide


# ---- 6: shared scales ----------------------------------------------------------------------------


def test_zlim_fixes_the_z_axis_and_the_colour_scale() -> None:
    fig = build_figure(Plot("surface", zlim=(0.0, 80.0)))
    assert cast(Axes3D, fig.axes[0]).get_zlim() == (0.0, 80.0)
    fig = build_figure(Plot("contour", zlim=(0.0, 80.0)))
    ax, cax = fig.axes
    levels = list(cast(ContourSet, ax.collections[0]).levels)
    assert levels[0] == 0.0 and levels[-1] == pytest.approx(80.0)
    assert cax.get_ylim() == pytest.approx((0.0, 80.0))
    fig = build_figure(Plot("pair", zlim=(0.0, 20.0)))
    cs = cast(ContourSet, fig.axes[1].collections[0])
    assert list(cs.levels)[-1] == pytest.approx(20.0) and cs.extend == "max"  # 40 lies above
    assert cast(Axes3D, fig.axes[0]).get_zlim() == (0.0, 20.0)


# ---- 7 and 8: titles say what is shown, and any title renders ------------------------------------


def test_default_titles_state_the_content() -> None:
    assert "tₖ log yₖ" in read(build_figure(Plot("surface")).get_suptitle())
    assert "∇L = t − y" in read(build_figure(Plot("quiver")).get_suptitle())
    assert "∇L = t − y" in read(build_figure(Plot("contour")).get_suptitle())
    pair = read(build_figure(Plot("pair")).get_suptitle())
    assert "log yₖ" in pair and "∇L" in pair
    assert "(t − y) / T" in read(build_figure(Plot("quiver", temperature=2.0)).get_suptitle())
    assert "10⁻⁷" in read(build_figure(Plot("surface", variant="book")).get_suptitle())
    assert read(build_figure(Plot("surface", title="mine")).get_suptitle()) == "mine"
    assert read(build_figure(Plot("surface", no_title=True)).get_suptitle()) == ""
    fig = build_figure(Plot("surface"))
    assert fig.axes[0].get_legend() is None  # no one-entry legend
    assert read(cast(Axes3D, fig.axes[0]).get_zlabel()) == "L (nats)"
    assert read(build_figure(Plot("contour")).axes[1].get_ylabel()) == "L (nats)"


def test_a_japanese_title_uses_the_japanese_font(caplog: pytest.LogCaptureFixture) -> None:
    from matplotlib import font_manager

    from swl_viz.mpl import theme

    font = theme.japanese_font()
    if font is None:
        pytest.skip("no Japanese font installed; the test extra installs matplotlib-fontja")
    plot = Plot("surface", title="損失の曲面 $L$", dpi=30)
    assert not missing_glyphs(plot.title or "")
    with theme_context(plot):
        fig = build_figure(plot)
        title = _suptitle(fig)
        assert title is not None
        files = font_manager.fontManager._find_fonts_by_props(title.get_fontproperties())
        names = {font_manager.get_font(f).family_name for f in files}
        assert font in names and title.get_fontfamily()[0] == font
    with warnings.catch_warnings(), caplog.at_level("INFO", logger="matplotlib.mathtext"):
        warnings.simplefilter("error")  # no "missing glyph" warning, even unsilenced
        with mpl.rc_context({"font.family": THEMES["light"]["font.family"]}):
            canvas: FigureCanvasBase = FigureCanvasAgg(fig)
            canvas.draw()  # outside theme_context: nothing is quieted
    assert not [r for r in caplog.records if "glyph" in r.getMessage()]


def test_a_title_no_font_can_draw_is_reported_once_and_draws_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    title = "loss \U0001f600 \u0d9e $L$"  # an emoji and a Sinhala letter, and some math
    assert missing_glyphs(title)
    assert not missing_glyphs("plain $\\nabla L$ and Σ")
    with warnings.catch_warnings(), caplog.at_level("INFO", logger="matplotlib.mathtext"):
        warnings.simplefilter("error")
        _png(Plot("contour", title=title, dpi=30))  # glyph complaints are silenced
    assert not [r for r in caplog.records if "glyph" in r.getMessage()]


def test_a_turntable_starts_from_the_figures_own_view() -> None:
    from swl_viz.formats import render_bytes

    plot = Plot("quiver", t=(0.0, 1.0), size=(240, 240), dpi=20, frames=4)
    with Image.open(io.BytesIO(render_bytes(plot, "gif"))) as gif:
        assert isinstance(gif, GifImageFile)
        assert gif.n_frames == 4
        first = np.asarray(gif.convert("RGB"))
    still = _png(replace(plot, azim=195.0))  # the default view for t = (0, 1)
    assert first.shape == still.shape
    assert float(np.abs(first.astype(float) - still.astype(float)).mean()) < 3.0  # palette only


def test_a_3d_label_stays_on_the_canvas_as_the_view_turns() -> None:
    """A label on the surface names its point from wherever the view puts it, and moves back
    onto the canvas when the turn would carry it off (a GIF, the mouse)."""
    from matplotlib.text import Annotation

    fig = _build(Plot("surface", size=(400, 400)))
    ax = cast(Axes3D, fig.axes[0])
    labels = [t for t in ax.texts if t.get_gid() == "decision-label"]
    assert labels and all(isinstance(t, Annotation) for t in labels)
    label = labels[0]
    label.set_text("a long label on the surface")
    for azim in range(0, 360, 45):
        ax.view_init(elev=20.0, azim=azim)
        drawn = drawn_texts(fig)
        assert label in drawn
        assert read(label.get_text()) not in [t for t, _ in outside(fig, drawn)], azim


@pytest.mark.parametrize("figure", ["contour", "surface", "pair"])
def test_marks_near_an_edge_stay_on_the_canvas(figure: FigureKind) -> None:
    """A probe near the left edge put its arrow's label half off the canvas."""
    plot = Plot(figure, label_smoothing=0.2, range=(-10.0, 10.0), step=0.5, probe=(-4.0, -8.0),
                descent=(-6.0, 6.0))  # fmt: skip
    assert _sweep(plot, (20.0,), range(0, 360, 90)) == []


SLIDE_LABELS: list[dict[str, Any]] = [
    {},
    {"t": (0.7, 0.3)},
    {"variant": "book", "probe": (2.0, -3.0)},
    {"label_smoothing": 0.2, "descent": (-6.0, 4.0)},
    {"t": (0.0, 0.0, 1.0), "logits": (0.0, 1.0, 0.0), "axes": (0, 2)},
]


@pytest.mark.parametrize("given", SLIDE_LABELS, ids=["plain", "soft", "book", "smoothed", "k3"])
@pytest.mark.parametrize("figure", ["surface", "quiver", "contour", "pair", "slice"])
def test_slides_are_read_from_across_a_room(figure: FigureKind, given: dict[str, Any]) -> None:
    """At --preset slides --size 1920x1080: every text 32 px or more (16 pt on a 13.33-inch
    slide), the title 48 px or more, and no blank rectangle over 15 % of the frame."""
    if figure == "slice":
        given = {k: v for k, v in given.items() if k not in ("probe", "descent")}
    plot = Plot(figure, preset="slides", size=(1920, 1080), **given)
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    px = {id(t): float(t.get_fontsize()) * fig.dpi / 72.0 for t in drawn_texts(fig)}
    small = [(read(t.get_text()), round(px[id(t)], 1)) for t in drawn_texts(fig) if px[id(t)] < 32]
    assert small == []
    title = fig._suptitle  # type: ignore[attr-defined]  # matplotlib keeps it here
    assert title is not None and float(title.get_fontsize()) * fig.dpi / 72.0 >= 48
    rgb = np.asarray(Image.open(buf).convert("RGB"))
    assert largest_empty_rectangle(rgb, [255, 255, 255]) <= 0.15
