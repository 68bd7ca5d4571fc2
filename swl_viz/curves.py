"""The slice figure as data: the loss along d = x1 - x0 and its slope, with what to notice.

:func:`slice_curves` turns :func:`swl_viz.probe.loss_slice` into a
:class:`~swl_viz.shapes.Curves`: the softplus shape and its formula, its asymptotes, L at d = 0,
the minimum of a soft label, the book's cap, and why |grad L| tends to sqrt(2). numpy only.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from swl_viz.layer import Layer
from swl_viz.marks import num, subtitle_parts
from swl_viz.maths import BOOK_DELTA
from swl_viz.probe import Slice, loss_slice
from swl_viz.shapes import Curves, Label, Point, Polyline
from swl_viz.words import words

__all__ = ["slice_curves"]


def _sub(i: int) -> str:
    return str(i) if i < 10 else f"{{{i}}}"


def _formula(s: Slice, w: dict[str, str]) -> str | None:
    """The loss curve's name in the legend: its formula, or None for a bare name."""
    i, j = s.axes
    if s.k == 2 and s.variant == "exact":  # L = t_i softplus(d/T) + t_j softplus(-d/T)
        scaled = "d" if s.temperature == 1.0 else "d/T"
        terms = []
        for weight, arg in ((float(s.target[i]), scaled), (float(s.target[j]), f"−{scaled}")):
            if weight:
                coeff = "" if weight == 1.0 else f"{num(weight)}·"
                terms.append(f"{coeff}\\mathrm{{softplus}}({arg})")
        if terms == ["\\mathrm{softplus}(d)"]:
            return w["softplus1"]
        return "$L = " + " + ".join(terms) + "$"
    if s.variant == "book":
        return r"$L = -\Sigma\, t \log(y + 10^{-7})$"
    return None


def _guides(s: Slice, w: dict[str, str], flat_left: bool) -> tuple[list[Polyline], list[Label]]:
    """The asymptotes L -> slope * d + intercept of the exact loss, or the book's cap."""
    lo, hi = float(s.d[0]), float(s.d[-1])
    top, floor = float(s.loss.max()), min(0.0, float(s.loss.min()))
    lines: list[Polyline] = []
    labels: list[Label] = []
    if s.variant == "exact":
        for name, slope, ends in (
            ("left", s.slope_left, np.array([lo, 0.0])),
            ("right", s.slope_right, np.array([0.0, hi])),
        ):
            lines.append(Polyline(f"asymptote-{name}", ends, slope * ends + s.intercept))
            x = lo + 0.12 * (hi - lo) if name == "left" else hi - 0.12 * (hi - lo)
            y = slope * x + s.intercept
            # the curve lies above its asymptotes, so below one is free, unless at the floor
            under = y - floor > 0.15 * (top - floor)
            text = w["asymptote"].format(value=num(slope))
            labels.append(
                Label(f"asymptote-{name}-label", text, (x, y), 4, ha="center",
                      va="top" if under else "bottom", offset=(0, -14 if under else 14))
            )  # fmt: skip
    elif s.book_limits is not None:
        cap = max(s.book_limits)
        lines.append(Polyline("cap", np.array([lo, hi]), np.array([cap, cap])))
        label = w["book_cap"] if cap == -math.log(BOOK_DELTA) else w["book_limit"]
        labels.append(
            Label("cap-label", label.format(value=num(cap)), (hi if flat_left else lo, cap), 3,
                  ha="right" if flat_left else "left", va="bottom",
                  offset=(-8 if flat_left else 8, 8))
        )  # fmt: skip
    return lines, labels


def _points(s: Slice, w: dict[str, str], flat_left: bool) -> tuple[list[Point], list[Label]]:
    """L at d = 0 (y = 1/2 for two classes) and the lowest point of a soft label."""
    away = -1 if flat_left else 1
    ha: Literal["left", "right"] = "right" if flat_left else "left"
    zero = w["at_zero2"] if s.k == 2 else w["at_zero"]
    value = "log 2" if s.k == 2 and s.variant == "exact" else num(s.at_zero)
    points = [Point("at-zero", (0.0, s.at_zero))]
    labels = [
        Label("at-zero-label", zero.format(value=value), (0.0, s.at_zero), 2, ha=ha,
              va="bottom", offset=(16 * away, 40), leader=True)
    ]  # fmt: skip
    if s.minimum is not None:
        d_min, l_min = s.minimum
        points.append(Point("minimum", (d_min, l_min), "*"))
        text = w["min_at"].format(value=num(l_min), d=num(d_min))
        labels.append(
            Label("minimum-label", text, (d_min, l_min), 2, ha=ha, va="bottom",
                  offset=(90 * away, 90), leader=True)
        )  # fmt: skip
    return points, labels


def slice_curves(layer: Layer, span: tuple[float, float], lang: str = "en") -> Curves:
    """The slice figure of ``layer`` for d in ``span``, as data."""
    w = words(lang)
    s = loss_slice(layer, lo=span[0], hi=span[1])
    i, j = s.axes
    flat_left = abs(s.slope_left) <= abs(s.slope_right)
    lines, guide_labels = _guides(s, w, flat_left)
    points, point_labels = _points(s, w, flat_left)
    top = float(s.loss.max())
    if s.variant != "exact" and s.book_limits is not None:
        top = max(top, max(s.book_limits))
    floor = min(0.0, float(s.loss.min()))
    slopes = [Polyline("slope", s.d, s.slope)]
    slope_legend = None
    if s.book_slope is not None:  # the lesson of the book's variant: backward ignores the cap
        slopes.append(Polyline("book-slope", s.d, s.book_slope))
        slope_legend = (w["slice_backward"], w["book_slope"])
    if s.k == 2:
        limit = max(abs(s.slope_left), abs(s.slope_right))
        note = w["why_root2"].format(limit=num(limit), value=num(math.sqrt(2) * limit))
    else:
        note = w["why_more"].format(i=_sub(i), j=_sub(j))
    why = Label("why-root2" if s.k == 2 else "why-slope", note, (0.5, 0.04 if flat_left else 0.96),
                3, space="axes", ha="center", va="bottom" if flat_left else "top")  # fmt: skip
    reach = max(abs(s.slope_left), abs(s.slope_right), float(np.abs(s.slope).max()))
    return Curves(
        loss=Polyline("slice-loss", s.d, s.loss),
        slopes=tuple(slopes),
        lines=tuple(lines),
        points=tuple(points),
        labels=(*guide_labels, *point_labels, why),
        levels=(s.slope_left, s.slope_right),
        legend=_formula(s, w),
        slope_legend=slope_legend,
        ylim=(floor - 0.05 * (top - floor), top + 0.12 * (top - floor)),
        slope_ylim=(-1.2 * reach, 1.2 * reach),
        axis_labels=(w["loss_axis"], w["slope_axis"], w["d_axis"].format(i=_sub(i), j=_sub(j))),
        flat_left=flat_left,
        subtitle=",  ".join(subtitle_parts(layer, w)),
    )
