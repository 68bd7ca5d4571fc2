"""The loss along one line of the plane, d = x1 - x0, in matplotlib: the slice figure.

:func:`draw_slice` draws a scene's :class:`~swl_viz.shapes.Curves` (see
:mod:`swl_viz.curves`) on an ``ax`` and a panel below it.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from swl_viz.mpl.place import PRIORITY
from swl_viz.mpl.theme import (
    HALO,
    LOSS_CURVE,
    MINIMUM,
    SLOPE_CURVE,
    _font,
    _legend,
    _lw,
    _text_style,
)
from swl_viz.shapes import Curves, Label, Point, Polyline

__all__ = ["draw_slice"]


#: How each curve and guide of the slice looks, by role.
_CURVES: dict[str, dict[str, Any]] = {
    "slice-loss": {"color": LOSS_CURVE, "width": 1.6, "zorder": 2.5},
    "slope": {"color": SLOPE_CURVE, "width": 1.6},
    "book-slope": {"color": LOSS_CURVE, "width": 1.6, "linestyle": (0, (1, 1.5))},
    # guides in the muted edge colour (3:1 or more on its own theme's background)
    "asymptote-left": {"width": 1.0, "linestyle": (0, (2, 2)), "zorder": 1.5},
    "asymptote-right": {"width": 1.0, "linestyle": (0, (2, 2)), "zorder": 1.5},
    "cap": {"width": 1.0, "linestyle": (0, (2, 2))},
}


def _curve(ax: Axes, line: Polyline, label: str | None = None) -> list[Artist]:
    look = dict(_CURVES[line.role])
    color = look.pop("color", mpl.rcParams["axes.edgecolor"])
    width = look.pop("width")
    drawn = ax.plot(
        line.x, line.y, color=color, linewidth=_lw(width), gid=line.role, label=label, **look
    )
    return list(drawn)


def _point(ax: Axes, point: Point) -> list[Artist]:
    marker = float(mpl.rcParams["lines.markersize"])
    star = point.marker == "*"
    drawn = ax.plot(
        [point.at[0]],
        [point.at[1]],
        marker=point.marker,
        markersize=(2.2 if star else 1.4) * marker,
        color=MINIMUM if star else LOSS_CURVE,
        markeredgecolor=HALO,
        linestyle="none",
        gid=point.role,
    )
    return list(drawn)


def _label(ax: Axes, label: Label, lang: str) -> Artist:
    style: dict[str, Any] = {"ha": label.ha, "va": label.va, "gid": label.role}
    style.update(_text_style(lang, "medium"))
    x, y = label.at[:2]
    if label.space == "axes":
        text = ax.text(x, y, label.text, transform=ax.transAxes, zorder=8, **style)
        PRIORITY[text] = label.priority
        return text
    if label.leader:
        muted = mpl.rcParams["axes.edgecolor"]
        style["arrowprops"] = {"arrowstyle": "-", "color": muted, "linewidth": _lw(0.6)}
    assert label.offset is not None, "the slice's labels are set off from their points"
    note = ax.annotate(label.text, (x, y), xytext=label.offset, textcoords="offset points", **style)
    PRIORITY[note] = label.priority
    return note


def _frame(ax: Axes, ylabel: str, lang: str) -> None:
    ax.axvline(0.0, color=mpl.rcParams["axes.edgecolor"], linewidth=_lw(0.6), zorder=0)
    ax.grid(True)
    ax.set_ylabel(ylabel, **_font(lang))


def _slope_room(curves: Curves) -> tuple[float, float]:
    """The slope panel's range: the scene's, and with a legend (the book's two slopes and the
    note on |∇L|), widened on the side the curves leave freer until that side is half the
    panel, where the legend then lies off them (a soft label's slopes run from -0.2 to 0.8)."""
    lo, hi = curves.slope_ylim
    if curves.slope_legend is None:
        return lo, hi
    a = min(float(np.min(line.y)) for line in curves.slopes)
    b = max(float(np.max(line.y)) for line in curves.slopes)
    if a - lo >= hi - b:
        return min(lo, 2.0 * a - hi), hi
    return lo, max(hi, 2.0 * b - lo)


def draw_slice(ax: Axes, curves: Curves, lang: str = "en") -> list[Artist]:
    """The slice on ``ax``, and its slope dL/dd on a panel appended below it (sharing d,
    returned too)."""
    from mpl_toolkits.axes_grid1 import make_axes_locatable

    drawn: list[Artist] = _curve(ax, curves.loss, curves.legend)
    for line in curves.lines:
        drawn += _curve(ax, line)
    lower = [label for label in curves.labels if label.role.startswith(("slope", "why"))]
    drawn += [_label(ax, label, lang) for label in curves.labels if label not in lower]
    for point in curves.points:
        drawn += _point(ax, point)
    ax.set_xlim(float(curves.loss.x[0]), float(curves.loss.x[-1]))
    cap = [line for line in curves.lines if line.role == "cap"]
    lo, hi = curves.ylim
    if cap and curves.legend is not None:
        # the book's cap runs across the whole panel near its top: the formula's legend goes
        # above it, on the side the loss leaves free, with a fifth of the panel to lie in
        top = float(np.max(cap[0].y))
        hi = max(hi, top + 0.25 * (top - lo))
    ax.set_ylim(lo, hi)
    _frame(ax, curves.axis_labels[0], lang)
    ax.tick_params(labelbottom=False)
    if curves.legend is not None:  # a formula worth a legend; a bare name is not
        corner = "upper center" if not cap else "upper left" if curves.flat_left else "upper right"
        style: dict[str, Any] = {"loc": corner, "prop": _legend(lang), "borderaxespad": 0.25}
        drawn.append(ax.legend(**style))

    # with a legend of its own (the book's two slopes), the slope panel gets the room for it
    # and its note below or above the curves, off them
    tall = "80%" if curves.slope_legend is not None else "45%"
    below = make_axes_locatable(ax).append_axes("bottom", size=tall, pad=0.15, sharex=ax)
    drawn.append(below)
    names = curves.slope_legend or (None,) * len(curves.slopes)
    for line, name in zip(curves.slopes, names, strict=True):
        drawn += _curve(below, line, name)
    if curves.slope_legend is not None:
        # the note on |∇L| heads the legend of the book's two slopes: one box in the half the
        # curves leave free, where the two side by side found no room off the curves
        (why,) = [label for label in lower if label.role.startswith("why")]
        lower.remove(why)
        legend = below.legend(loc="best", prop=_legend(lang), title=why.text,
                              title_fontproperties=_legend(lang), borderaxespad=0.25,
                              labelspacing=0.3)  # fmt: skip
        legend.get_title().set_gid(why.role)
        drawn += [legend, legend.get_title()]
    muted = mpl.rcParams["axes.edgecolor"]
    for name, level in zip(("left", "right"), curves.levels, strict=True):
        drawn.append(
            below.axhline(level, color=muted, linestyle=(0, (2, 2)), linewidth=_lw(1.0),
                          gid=f"slope-limit-{name}", zorder=1.5)
        )  # fmt: skip
    below.set_ylim(*_slope_room(curves))
    # no tick at the bottom of the slope: its label would meet d's first one at the corner
    below.yaxis.set_major_locator(MaxNLocator("auto", steps=[1, 2, 2.5, 5, 10], prune="lower"))
    _frame(below, curves.axis_labels[1], lang)
    below.set_xlabel(curves.axis_labels[2], **_font(lang))
    drawn += [_label(below, label, lang) for label in lower]
    return drawn
