"""The loss along one line of the plane, d = x1 - x0, in matplotlib: the slice figure.

:func:`draw_slice` draws a scene's :class:`~swl_viz.shapes.Curves` (see
:mod:`swl_viz.curves`) on an ``ax`` and a panel below it.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
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
    ax.set_ylim(*curves.ylim)
    _frame(ax, curves.axis_labels[0], lang)
    ax.tick_params(labelbottom=False)
    if curves.legend is not None:  # a formula worth a legend; a bare name is not
        drawn.append(ax.legend(loc="upper center", prop=_legend(lang)))

    below = make_axes_locatable(ax).append_axes("bottom", size="45%", pad=0.15, sharex=ax)
    drawn.append(below)
    names = curves.slope_legend or (None,) * len(curves.slopes)
    for line, name in zip(curves.slopes, names, strict=True):
        drawn += _curve(below, line, name)
    if curves.slope_legend is not None:
        corner = "upper left" if curves.flat_left else "upper right"
        drawn.append(below.legend(loc=corner, prop=_legend(lang)))
    muted = mpl.rcParams["axes.edgecolor"]
    for name, level in zip(("left", "right"), curves.levels, strict=True):
        drawn.append(
            below.axhline(level, color=muted, linestyle=(0, (2, 2)), linewidth=_lw(1.0),
                          gid=f"slope-limit-{name}", zorder=1.5)
        )  # fmt: skip
    below.set_ylim(*curves.slope_ylim)
    # no tick at the bottom of the slope: its label would meet d's first one at the corner
    below.yaxis.set_major_locator(MaxNLocator("auto", steps=[1, 2, 2.5, 5, 10], prune="lower"))
    _frame(below, curves.axis_labels[1], lang)
    below.set_xlabel(curves.axis_labels[2], **_font(lang))
    drawn += [_label(below, label, lang) for label in lower]
    return drawn
