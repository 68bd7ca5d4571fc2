"""The losses' comparison in matplotlib: why softmax goes with cross-entropy.

:func:`draw_losses` lays out :func:`swl_viz.compare.compare_losses` on a figure: a column that
all losses share (their loss along the gap; the key, the printed numbers and the colour scale),
then one column per loss (its chain-rule factors along the gap above its |grad L| over the
plane, with the stall region and the descent). Every scale is shared across the losses.

:func:`descent_mover` turns a drawn comparison into the frames of its GIF: the same descent
under each loss, side by side, the paths growing step by step with a counter of the step and
that loss's value in each plane.
"""

from __future__ import annotations

import contextlib
import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from swl_viz.compare import Column, Comparison, compare_losses, key_lines, plane_title
from swl_viz.compare import loss_name as _name
from swl_viz.marks import sig
from swl_viz.mpl.theme import HALO, LOSS_CURVE, PATH, SLOPE_CURVE, _box, _font, _legend, _lw
from swl_viz.plotspec import Plot
from swl_viz.words import typeset, words

__all__ = ["descent_mover", "draw_losses"]

#: Each loss's colour on the shared panels (3:1 or more on both themes' backgrounds).
COLOURS = {"ce": LOSS_CURVE, "mse": SLOPE_CURVE, "focal": "#b05cc6"}
#: The chain rule's three curves, by line style.
STYLES = {"dy": (0, (5, 2.5)), "share": (0, (1.2, 1.6)), "grad": "solid"}


@dataclass
class _Plane:
    """One loss's plane as drawn: what a GIF frame moves."""

    ax: Axes
    col: Column
    path: Any  # the path's line
    start: Any  # its first point
    end: Any  # its "X": where y_t reaches the level, or the last step


#: Each drawn comparison's numbers and planes, for its GIF (gone with the figure).
_DRAWN: weakref.WeakKeyDictionary[Figure, tuple[Comparison, list[_Plane]]] = (
    weakref.WeakKeyDictionary()
)


def _log_label(v: float, _pos: object = None) -> str:
    """A power of ten in Unicode, as the other figures' log axes: 10⁻⁴."""
    return typeset(f"$10^{{{round(float(np.log10(v)))}}}$")


def _px_box(fig: Figure, x0: float, y0: float, x1: float, y1: float) -> Axes:
    width, height = fig.bbox.width, fig.bbox.height
    return fig.add_axes((x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height))


def draw_losses(
    fig: Figure, plot: Plot, sizes: tuple[float, float], place: tuple[float, float]
) -> Comparison:
    """Draw the comparison of ``plot`` on ``fig`` below ``place``'s top; ``sizes`` are the
    tick label's and the panel title's heights in pixels. Returns the numbers drawn."""
    em, sub = sizes
    margin, top = place
    cmp = compare_losses(plot)
    w = words(plot.lang)
    font = _font(plot.lang)
    n = len(cmp.columns)
    width = fig.bbox.width
    left, right, bottom = 3.6 * em, 1.0 * em, 2.9 * em  # ticks and axis labels
    title_room = 1.6 * sub
    row_h = (top - margin - 2 * title_room - 2 * bottom - 0.4 * em) / 2
    col_w = (width - 2 * margin) / (n + 1)
    rows = [  # (y0, y1) of each row's axes
        (margin + bottom + row_h + title_room + bottom, top - title_room),
        (margin + bottom, margin + bottom + row_h),
    ]
    lo, hi = plot.range
    t, o = cmp.true_class, cmp.other_class
    gap_label = typeset(f"$x_{{{t}}} - x_{{{o}}}$")

    # the shared column: each loss along the gap
    x0 = margin + left
    ax = _px_box(fig, x0, rows[0][0], margin + col_w - right, rows[0][1])
    room = ax.get_position().width * fig.bbox.width - 3.5 * em  # beside the legend's handles
    full = _fit(fig, [], 0.0, font)
    form = "loss"  # the names in full, or their short forms where those would have to shrink
    if _fit(fig, [_name(w, c.kind, c.layer.gamma) for c in cmp.columns], room, font) < full:
        form = "short"
    for col in cmp.columns:
        ax.plot(col.gap, col.loss, color=COLOURS[col.kind], lw=_lw(1.0),
                label=_name(w, col.kind, col.layer.gamma, form))  # fmt: skip
    ax.set_xlim(lo, hi)
    ax.set_ylim(cmp.loss_range[0], cmp.loss_range[1] * 1.05)
    ax.set_xlabel(gap_label)
    ax.set_title(typeset(w["losses_loss"]), loc="left", **font)
    names = [_name(w, c.kind, c.layer.gamma, form) for c in cmp.columns]
    prop = dict(_legend(plot.lang))  # shrunk to fit a narrow panel beside its handles
    prop["size"] = _fit(fig, names, room, font)
    if prop["size"] >= 0.7 * full:  # else unreadable: the titles above name the colours
        ax.legend(loc="upper right", prop=prop, handlelength=1.2, borderaxespad=0.3)
    ax.grid(True, alpha=0.4)
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=_bins(ax, fig, em)))
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=4, prune="lower"))

    # the shared column, below: the colour scale at the bottom, the key and the numbers above
    bar_h = 0.55 * em
    bar_y = rows[1][0]
    bar_ax = _px_box(fig, margin + 0.4 * em, bar_y, margin + col_w - right - 0.6 * em,
                     bar_y + bar_h)  # fmt: skip
    key_y0 = bar_y + bar_h + 2.0 * em  # clear of the bar's label
    key = _px_box(fig, margin, key_y0, margin + col_w - right, rows[1][1] + title_room)
    key.set_axis_off()
    key.set_xlim(0.0, 1.0)
    lines = key_lines(cmp, w)
    key.set_ylim(len(lines), 0.0)
    line_px = (rows[1][1] + title_room - key_y0) / len(lines)
    text_size = _fit(fig, [typeset(text) for _, text in lines], col_w - 1.2 * em, font)
    text_size = min(text_size, 0.87 * line_px * 72.0 / fig.dpi)  # the lines must not touch
    for k, (style, text) in enumerate(lines):
        y = k + 0.5
        if style is not None:
            key.plot([0.0, 0.13], [y, y], color=mpl.rcParams["text.color"], lw=_lw(0.8),
                     linestyle=STYLES[style])  # fmt: skip
        key.text(0.17 if style is not None else 0.0, y, typeset(text), va="center", ha="left",
                 fontsize=text_size, gid="losses-key", **font)  # fmt: skip

    norm = LogNorm(*cmp.norm_range)
    mesh = None
    planes: list[_Plane] = []
    for n_col, col in enumerate(cmp.columns):
        cx0 = margin + col_w * (n_col + 1) + left
        cx1 = margin + col_w * (n_col + 2) - right
        name = _name(w, col.kind, col.layer.gamma, "title")
        # above: the chain rule along the gap, on the shared log scale
        ax = _px_box(fig, cx0, rows[0][0], cx1, rows[0][1])
        colour = COLOURS[col.kind]
        dy = np.where(np.isfinite(col.dl_dy) & (col.dl_dy > 0), col.dl_dy, np.nan)
        share = np.where(col.share > 0, col.share, np.nan)
        grad = np.where(col.grad > 0, col.grad, np.nan)
        ax.plot(col.gap, dy, color=colour, lw=_lw(0.8), linestyle=STYLES["dy"])
        ax.plot(col.gap, share, color=colour, lw=_lw(0.8), linestyle=STYLES["share"])
        ax.plot(col.gap, grad, color=colour, lw=_lw(1.1))
        ax.set_yscale("log")
        ax.set_ylim(cmp.factor_range[0] / 2, cmp.factor_range[1] * 2)
        ax.set_xlim(lo, hi)
        ax.axvline(cmp.ratio_gap, color=mpl.rcParams["axes.edgecolor"], lw=_lw(0.4),
                   linestyle=(0, (2, 2)))  # fmt: skip
        ax.set_xlabel(gap_label)
        _title(fig, ax, name, col_w - 0.4 * em, left - 0.2 * em, font, color=colour)
        ax.grid(True, alpha=0.4)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=_bins(ax, fig, em)))
        f_lo, f_hi = cmp.factor_range
        count = max(2, min(4, int(ax.get_position().height * fig.bbox.height / (2.4 * em))))
        ax.set_yticks([v for v in _decades(cmp.factor_range, count) if f_lo < v < f_hi / 15])
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
        ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(_log_label))
        if n_col:
            ax.tick_params(labelleft=False)
        # below: |grad L| over the plane, the stall region and the descent
        ax = _px_box(fig, cx0, rows[1][0], cx1, rows[1][1])
        shown = np.clip(col.norm, cmp.norm_range[0], cmp.norm_range[1])
        mesh = ax.pcolormesh(col.x0, col.x1, shown, norm=norm, cmap="viridis", shading="auto",
                             rasterized=True)  # fmt: skip
        stall = col.norm < cmp.stall
        if stall.any():
            ax.contourf(col.x0, col.x1, stall.astype(float), levels=[0.5, 1.5], colors="none",
                        hatches=["/"])  # fmt: skip
            ax.contour(col.x0, col.x1, col.norm, levels=[cmp.stall], colors=[HALO],
                       linewidths=_lw(0.6))  # fmt: skip
        path = col.path
        (line,) = ax.plot(path.x0, path.x1, color=PATH, lw=_lw(0.8), path_effects=_halo_effect(),
                          gid="path")  # fmt: skip
        marker = float(mpl.rcParams["lines.markersize"])
        (first,) = ax.plot(path.x0[0], path.x1[0], "o", color=PATH, mec=HALO, ms=marker,
                           gid="path-start")  # fmt: skip
        end = col.steps_to if col.steps_to is not None else path.steps
        (cross,) = ax.plot(path.x0[end], path.x1[end], "X", color=PATH, mec=HALO,
                           ms=marker * 1.2, gid="path-end")  # fmt: skip
        planes.append(_Plane(ax, col, line, first, cross))
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel(typeset(f"$x_{{{col.layer.axes[0]}}}$"))
        if n_col == 0:
            ax.set_ylabel(typeset(f"$x_{{{col.layer.axes[1]}}}$"))
        else:
            ax.tick_params(labelleft=False)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=_bins(ax, fig, em)))
        ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=4, prune="both"))
        text = plane_title(cmp, col, w)
        _title(fig, ax, typeset(text), col_w - 0.4 * em, left - 0.2 * em, font)
    if mesh is not None:
        bar = fig.colorbar(mesh, cax=bar_ax, orientation="horizontal")
        label = typeset(w["stall"].format(threshold=f"{cmp.stall:g}"))
        room = bar_ax.get_position().width * fig.bbox.width
        bar.set_label(label, fontsize=_fit(fig, [label], room, font, "axes.labelsize"), **font)
        lo_n, hi_n = cmp.norm_range
        count = max(2, min(4, int(room / (3.8 * em))))
        bar.set_ticks([v for v in _decades(cmp.norm_range, count) if lo_n * 3 < v < hi_n])
        bar.ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(_log_label))
        bar.ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())
        bar.ax.xaxis.set_label_position("top")
        bar.ax.axvline(cmp.stall, color=HALO, lw=_lw(0.6))
    _DRAWN[fig] = (cmp, planes)
    return cmp


#: How far past the slower loss's arrival the default race runs in a GIF, as a share of it.
RACE_TAIL = 1.5


def gif_steps(plot: Plot, cmp: Comparison) -> int:
    """The steps a GIF of the race shows: a given descent's all; the default one's until a
    little after the slower loss reaches y_t >= 0.9 (the lesson is over there: the rest of its
    1000 steps would fill the GIF with two settled paths)."""
    reached = [c.steps_to for c in cmp.columns if c.steps_to is not None]
    if plot.descent is not None or len(reached) < len(cmp.columns):
        return int(cmp.steps)
    return min(int(cmp.steps), max(1, math.ceil(RACE_TAIL * max(reached))))


def descent_mover(
    fig: Figure, plot: Plot, *, blit: bool = False
) -> tuple[Callable[[int], None], int]:
    """For a figure :func:`draw_losses` drew: a function that shows step k of the descent in
    every plane at once (each path drawn as far as step k, a point at step k, its "X" once the
    path has reached it, and in the plane's top left corner the step and that loss's value
    there), and the last step of the paths.

    With ``blit`` the function also draws the frame on the figure's Agg canvas: everything that
    stays is drawn once and kept as a picture, and each frame draws only what moves over it (a
    frame costs a tenth of a full draw); the pixels are those a full draw gives."""
    cmp, planes = _DRAWN[fig]
    w = words(plot.lang)
    font = _font(plot.lang)
    # the step over the loss, one line each: a narrow plane keeps text a room can read
    template = w["gif_step"].replace("   ", "\n", 1)
    em = float(mpl.rcParams["xtick.labelsize"]) * fig.dpi / 72.0
    shown = gif_steps(plot, cmp)  # the steps the frames go through
    widest = typeset(template.format(k=shown, n=shown, loss="0.0000e−00")).splitlines()
    size = min(
        _fit(fig, widest, p.ax.get_position().width * fig.bbox.width - 1.6 * em, font,
             "xtick.labelsize")
        for p in planes
    )  # fmt: skip
    marker = 1.4 * float(mpl.rcParams["lines.markersize"])
    moving = []
    for p in planes:
        counter = p.ax.text(0.03, 0.97, "", transform=p.ax.transAxes, ha="left", va="top",
                            fontsize=size, bbox=_box(), zorder=40, gid="descent-counter",
                            **font)  # fmt: skip
        (point,) = p.ax.plot([p.col.path.x0[0]], [p.col.path.x1[0]], "o", color="#e5007d",
                             mec=HALO, ms=marker, zorder=30, gid="path-now")  # fmt: skip
        moving.append((p, counter, point))
    kept: list[Any] = []  # the picture of what stays, once drawn
    canvas: Any = fig.canvas
    if blit:  # in each axes what moves is drawn over the rest, in the order a full draw has
        for p, counter, point in moving:
            for artist in (p.path, p.start, p.end, point, counter):
                artist.set_animated(True)

    def move(k: int) -> None:
        for p, counter, point in moving:
            path = p.col.path
            p.path.set_data(path.x0[: k + 1], path.x1[: k + 1])
            point.set_data([path.x0[k]], [path.x1[k]])
            end = p.col.steps_to if p.col.steps_to is not None else path.steps
            p.end.set_visible(k >= end)
            text = template.format(k=k, n=shown, loss=sig(float(path.loss[k])))
            counter.set_text(typeset(text))
        if not blit:
            return
        if not kept:
            canvas.draw()
            kept.append(canvas.copy_from_bbox(fig.bbox))
        canvas.restore_region(kept[0])
        own = getattr(fig, "_own_rc", contextlib.nullcontext)
        with own():
            for p, counter, point in moving:
                for artist in (p.path, p.start, p.end, point, counter):
                    if artist.get_visible():
                        p.ax.draw_artist(artist)

    return move, shown


def _bins(ax: Axes, fig: Figure, em: float) -> int:
    """How many x intervals a panel's width holds with room between tick labels like −20."""
    width = ax.get_position().width * fig.bbox.width
    return max(2, min(4, int(width / (3.6 * em))))


def _decades(span: tuple[float, float], count: int = 4) -> list[float]:
    """About ``count`` powers of ten across ``span``, the lowest left out (it would meet the x
    ticks)."""
    lo, hi = (int(np.floor(np.log10(v))) for v in span)
    step = max(1, int(np.ceil((hi - lo) / count)))
    return [10.0**e for e in range(hi, lo, -step)]


def _title(
    fig: Figure,
    ax: Axes,
    text: str,
    room: float,
    before: float,
    font: dict[str, Any],
    **style: Any,
) -> None:
    """A panel title starting ``before`` pixels left of the axes (over its tick labels), shrunk
    to fit ``room`` pixels when it is longer."""
    size = _fit(fig, [text], room, font, "axes.titlesize")
    x = -before / (ax.get_position().width * fig.bbox.width)
    ax.set_title(text, loc="left", x=x, fontsize=size, **font, **style)


def _halo_effect() -> list[Any]:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=_lw(0.8) + _lw(1.0), foreground=HALO)]


def _fit(
    fig: Figure, texts: list[str], room: float, font: dict[str, Any], key: str = "legend.fontsize"
) -> float:
    """A font size in points: rcParams' ``key``, shrunk so the widest text fits ``room``."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    rc: Any = mpl.rcParams
    size = FontProperties(size=rc[key]).get_size_in_points()
    family = font.get("fontfamily")
    prop = FontProperties(size=size, family=family) if family else FontProperties(size=size)
    widest = 0.0
    for text in texts:
        try:
            box = TextPath((0, 0), text, prop=prop).get_extents()
            widest = max(widest, box.width * fig.dpi / 72.0)
        except (ValueError, RuntimeError):
            continue
    if widest > room > 0:
        size *= room / widest
    return float(size)
