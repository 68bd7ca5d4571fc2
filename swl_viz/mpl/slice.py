"""The loss along one line of the plane, d = x1 - x0, in matplotlib: the slice figure.

:func:`draw_slice` draws the numbers of :func:`swl_viz.probe.loss_slice` on an ``ax`` and a
panel below it: the softplus shape, its asymptotes, L at d = 0, the minimum of a soft label,
the book's cap, and why |grad L| tends to sqrt(2).
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from swl_viz.layer import Layer
from swl_viz.marks import num as _num
from swl_viz.maths import BOOK_DELTA
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
from swl_viz.probe import loss_slice
from swl_viz.words import words

__all__ = ["draw_slice"]


def _sub(i: int) -> str:
    return str(i) if i < 10 else f"{{{i}}}"


def draw_slice(ax: Axes, layer: Layer, span: tuple[float, float], lang: str = "en") -> list[Artist]:
    """The loss along d = x1 - x0 for d in ``span`` (x0 = -d/2, x1 = d/2, other logits fixed)
    on ``ax``, and its slope dL/dd on a panel appended below it (sharing d, returned too)."""
    from mpl_toolkits.axes_grid1 import make_axes_locatable

    words_ = words(lang)
    s = loss_slice(layer, lo=span[0], hi=span[1])
    i, j = s.axes
    lo, hi = s.d[0], s.d[-1]
    width = hi - lo
    loss_colour, slope_colour = LOSS_CURVE, SLOPE_CURVE
    muted = mpl.rcParams["axes.edgecolor"]  # 3:1 or more on its own theme's background
    marker = float(mpl.rcParams["lines.markersize"])
    if s.k == 2 and s.variant == "exact":  # L = t_i softplus(d/T) + t_j softplus(-d/T)
        scaled = "d" if s.temperature == 1.0 else "d/T"
        terms = []
        for weight, arg in ((float(s.target[i]), scaled), (float(s.target[j]), f"−{scaled}")):
            if weight:
                coeff = "" if weight == 1.0 else f"{_num(weight)}·"
                terms.append(f"{coeff}softplus({arg})")
        curve_label = "L = " + " + ".join(terms)
        if terms == ["softplus(d)"]:
            curve_label = words_["softplus1"]
    elif s.variant == "book":
        curve_label = "L = −Σ t log(y + 1e-7)"
    else:
        curve_label = words_["slice_loss"]
    # labels go to the flatter side, where the curve leaves room above it
    flat_left = abs(s.slope_left) <= abs(s.slope_right)
    side: dict[str, Any] = {"ha": "right" if flat_left else "left"}
    away = -1 if flat_left else 1

    drawn: list[Artist] = []
    drawn += ax.plot(
        s.d,
        s.loss,
        color=loss_colour,
        linewidth=_lw(1.6),
        label=curve_label,
        gid="slice-loss",
        zorder=2.5,
    )
    top = float(s.loss.max())
    if s.variant == "exact":  # L -> slope * d + intercept on either side
        for name, slope, ends in (
            ("left", s.slope_left, np.array([lo, 0.0])),
            ("right", s.slope_right, np.array([0.0, hi])),
        ):
            drawn += ax.plot(
                ends,
                slope * ends + s.intercept,
                color=muted,
                linestyle=(0, (2, 2)),
                linewidth=_lw(1.0),
                gid=f"asymptote-{name}",
                zorder=1.5,  # under the curve it approaches
            )
            x = lo + 0.12 * width if name == "left" else hi - 0.12 * width
            y = slope * x + s.intercept
            # the curve lies above its asymptotes, so below one is free, unless at the floor
            floor = min(0.0, float(s.loss.min()))
            under = y - floor > 0.15 * (top - floor)
            drawn.append(
                ax.annotate(
                    words_["asymptote"].format(value=_num(slope)),
                    (x, y),
                    xytext=(0, -14 if under else 14),
                    textcoords="offset points",
                    ha="center",
                    va="top" if under else "bottom",
                    gid=f"asymptote-{name}-label",
                    **_text_style(lang, "medium"),
                )
            )
    elif s.book_limits is not None:
        cap = max(s.book_limits)
        drawn += ax.plot(
            [lo, hi], [cap, cap], color=muted, linestyle=(0, (2, 2)), linewidth=_lw(1.0), gid="cap"
        )
        label = words_["book_cap"] if cap == -math.log(BOOK_DELTA) else words_["book_limit"]
        drawn.append(
            ax.annotate(
                label.format(value=_num(cap)),
                (hi if flat_left else lo, cap),
                xytext=(-8 if flat_left else 8, 8),
                textcoords="offset points",
                ha="right" if flat_left else "left",
                va="bottom",
                gid="cap-label",
                **_text_style(lang, "medium"),
            )
        )
        top = max(top, cap)
    zero_label = words_["at_zero2"] if s.k == 2 else words_["at_zero"]
    value = "log 2" if s.k == 2 and s.variant == "exact" else _num(s.at_zero)
    drawn += ax.plot(
        [0.0],
        [s.at_zero],
        marker="o",
        markersize=1.4 * marker,
        color=loss_colour,
        markeredgecolor=HALO,
        linestyle="none",
        gid="at-zero",
    )
    drawn.append(
        ax.annotate(
            zero_label.format(value=value),
            (0.0, s.at_zero),
            xytext=(16 * away, 40),
            textcoords="offset points",
            va="bottom",
            arrowprops={"arrowstyle": "-", "color": muted, "linewidth": _lw(0.6)},
            gid="at-zero-label",
            **side,
            **_text_style(lang, "medium"),
        )
    )
    if s.minimum is not None:
        d_min, l_min = s.minimum
        drawn += ax.plot(
            [d_min],
            [l_min],
            marker="*",
            markersize=2.2 * marker,
            color=MINIMUM,
            markeredgecolor=HALO,
            linestyle="none",
            gid="minimum",
        )
        drawn.append(
            ax.annotate(
                words_["min_at"].format(value=_num(l_min), d=_num(d_min)),
                (d_min, l_min),
                xytext=(90 * away, 90),
                textcoords="offset points",
                va="bottom",
                arrowprops={"arrowstyle": "-", "color": muted, "linewidth": _lw(0.6)},
                gid="minimum-label",
                **side,
                **_text_style(lang, "medium"),
            )
        )
    floor = min(0.0, float(s.loss.min()))
    ax.set_xlim(lo, hi)
    ax.set_ylim(floor - 0.05 * (top - floor), top + 0.12 * (top - floor))
    ax.set_ylabel(words_["loss_axis"], **_font(lang))
    ax.axvline(0.0, color=muted, linewidth=_lw(0.6), zorder=0)
    ax.grid(True)
    ax.tick_params(labelbottom=False)
    if curve_label != words_["slice_loss"]:  # a formula worth a legend; a bare name is not
        drawn.append(ax.legend(loc="upper center", prop=_legend(lang)))

    below = make_axes_locatable(ax).append_axes("bottom", size="45%", pad=0.15, sharex=ax)
    drawn.append(below)
    drawn += below.plot(
        s.d,
        s.slope,
        color=slope_colour,
        linewidth=_lw(1.6),
        label=words_["slope"] if s.book_slope is None else words_["slice_backward"],
        gid="slope",
    )
    if s.book_slope is not None:  # the lesson of the book's variant: backward ignores the cap
        drawn += below.plot(
            s.d,
            s.book_slope,
            color=loss_colour,
            linestyle=(0, (1, 1.5)),
            linewidth=_lw(1.6),
            label=words_["book_slope"],
            gid="book-slope",
        )
        drawn.append(
            below.legend(loc="upper left" if flat_left else "upper right", prop=_legend(lang))
        )
    for name, slope in (("left", s.slope_left), ("right", s.slope_right)):
        drawn.append(
            below.axhline(
                slope,
                color=muted,
                linestyle=(0, (2, 2)),
                linewidth=_lw(1.0),
                gid=f"slope-limit-{name}",
                zorder=1.5,
            )
        )
    reach = max(abs(s.slope_left), abs(s.slope_right), float(np.abs(s.slope).max()))
    below.set_ylim(-1.2 * reach, 1.2 * reach)
    below.axvline(0.0, color=muted, linewidth=_lw(0.6), zorder=0)
    below.grid(True)
    below.set_ylabel(words_["slope_axis"], **_font(lang))
    below.set_xlabel(words_["d_axis"].format(i=_sub(i), j=_sub(j)), **_font(lang))
    if s.k == 2:
        limit = max(abs(s.slope_left), abs(s.slope_right))
        note = words_["why_root2"].format(limit=_num(limit), value=_num(math.sqrt(2) * limit))
    else:
        note = words_["why_more"].format(i=_sub(i), j=_sub(j))
    drawn.append(
        below.text(
            0.5 if s.k == 2 else 0.5,
            0.04 if flat_left else 0.96,
            note,
            transform=below.transAxes,
            ha="center",
            va="bottom" if flat_left else "top",
            gid="why-root2" if s.k == 2 else "why-slope",
            zorder=8,
            **_text_style(lang, "medium"),
        )
    )
    return drawn
