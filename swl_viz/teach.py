"""Marks for learners on the figures: the lines to notice, a probed point, a descent path, and
the loss along one line through the plane.

Each function takes an ``ax`` and returns the artists it drew, each with a ``gid`` naming its
role ("decision", "minimum", "cap", "probe-arrow", "path", ...), which also becomes its id in an
SVG. Sizes come from rcParams ("medium" and "large" fonts, multiples of ``lines.linewidth``), so
a style that scales rcParams for slides scales these marks too. Words come in English and
Japanese; Japanese falls back to English when no font can draw it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl  # the drawing layer, imported only by figures
import numpy as np
from contourpy import LineType, contour_generator
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from swl_viz.grid import LossGrid, thin_stride
from swl_viz.maths import BOOK_DELTA, FloatArray, Variant, log_softmax
from swl_viz.probe import (
    DescentPath,
    Line,
    Probe,
    decision_line,
    loss_at,
    loss_slice,
    minimum_line,
    probe_point,
)
from swl_viz.text import japanese_font

__all__ = [
    "MAX_BOX_CLASSES",
    "annotate_contour",
    "annotate_surface",
    "draw_path",
    "draw_probe",
    "draw_slice",
    "probe_text",
    "words_for",
]

#: Colours of the marks: each drawn with a halo, so it reads on every band of viridis and on
#: both themes' backgrounds.
DECISION = "#ff94e0"
MINIMUM = "#ffa31a"
CAP = "#e8e8e8"
PROBE = "#4dd8ff"
PATH = "#ffffff"
HALO = "#111111"
#: The slice's two curves (Okabe-Ito blue and vermillion): 3.4:1 or more on both themes.
LOSS_CURVE = "#0072b2"
SLOPE_CURVE = "#d55e00"
#: Points along a line drawn on the 3-D surface.
LINE_SAMPLES = 200
#: At most this many points per axis go into the contour of the book's plateau edge.
MAX_EDGE_POINTS = 401
#: The probe's arrow, as a fraction of the x-axis span: a direction, not to scale.
ARROW_FRACTION = 0.16

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "decision2": "y = ½,  L = {value}",
        "decision": "tie: y{i} = y{j}",
        "leads": "decision: y{i} = y{j}",
        "minimum2": "minimum: L = H(t) = {value}",
        "valley": "valley floor: y{i} : y{j} = t{i} : t{j}",
        "lowest": "lowest point: L = {value}",
        "cap": "y{k} = 1e-7: past it, the book's\n−log(y{k} + 1e-7) stops near 16.12",
        "plateau": "flat, yet the book's backward\nstill sends {grad} = {value}",
        "descent": "−∇L: steepest descent",
        "start": "start",
        "end": "after {n} steps",
        "slice_loss": "L along d",
        "softplus1": "L = softplus(d) = log(1 + e^d)",
        "slope": "dL/dd",
        "backward": "what backward sends along d: (y − t) · (−1, 1) / 2",
        "book_slope": "true slope of the book's loss: flat on the plateau",
        "asymptote": "asymptote, slope {value}",
        "at_zero2": "d = 0: y = ½, L = {value}",
        "at_zero": "d = 0: L = {value}",
        "min_at": "minimum L = {value} at d = {d}",
        "book_cap": "book's cap −log(1e-7) ≈ 16.12",
        "book_limit": "book levels off at {value}",
        "why_root2": "∇L = dL/dd · (−1, 1), so |∇L| = √2 |dL/dd| → √2 × {limit} = {value}",
        "why_more": "dL/dd = (∂L/∂x{j} − ∂L/∂x{i}) / 2, with x{i} = −d/2 and x{j} = d/2",
        "d_axis": "d = x{j} − x{i}",
        "loss": "loss L",
        "slope_axis": "slope dL/dd",
    },
    "ja": {
        "decision2": "y = ½,  L = {value}",
        "decision": "同点: y{i} = y{j}",
        "leads": "決定境界: y{i} = y{j}",
        "minimum2": "最小: L = H(t) = {value}",
        "valley": "谷底: y{i} : y{j} = t{i} : t{j}",
        "lowest": "最低点: L = {value}",
        "cap": "y{k} = 1e-7: この先, 本の\n−log(y{k} + 1e-7) は 16.12 で頭打ち",
        "plateau": "平らでも本の逆伝播は\n{grad} = {value} を返す",
        "descent": "−∇L: 最急降下の向き",
        "start": "開始",
        "end": "{n} ステップ後",
        "slice_loss": "d に沿った L",
        "softplus1": "L = softplus(d) = log(1 + e^d)",
        "slope": "dL/dd",
        "backward": "逆伝播が d 方向に返す値: (y − t) · (−1, 1) / 2",
        "book_slope": "本の損失の本当の傾き: 平らな所では 0",
        "asymptote": "漸近線 傾き {value}",
        "at_zero2": "d = 0: y = ½, L = {value}",
        "at_zero": "d = 0: L = {value}",
        "min_at": "最小 L = {value} (d = {d})",
        "book_cap": "本の上限 −log(1e-7) ≈ 16.12",
        "book_limit": "本の実装は {value} で頭打ち",
        "why_root2": "∇L = dL/dd · (−1, 1) なので |∇L| = √2 |dL/dd| → √2 × {limit} = {value}",
        "why_more": "dL/dd = (∂L/∂x{j} − ∂L/∂x{i}) / 2  (x{i} = −d/2, x{j} = d/2)",
        "d_axis": "d = x{j} − x{i}",
        "loss": "損失 L",
        "slope_axis": "傾き dL/dd",
    },
}


def words_for(lang: str) -> dict[str, str]:
    """The words of the marks for ``lang``; Japanese only when a font can draw it."""
    if lang == "ja" and japanese_font() is not None:
        return _WORDS["ja"]
    return _WORDS["en"]


def _font(lang: str) -> dict[str, Any]:
    """A Japanese family first for ``lang="ja"``, whatever the surrounding rcParams say."""
    font = japanese_font() if lang == "ja" else None
    return {} if font is None else {"fontfamily": [font, "DejaVu Sans"]}


def _num(v: float) -> str:
    """4 significant figures, with a true minus sign and no negative zero."""
    text = f"{v + 0.0:.4g}"
    return text.replace("-", "−")


def _vec(values: Sequence[float] | FloatArray) -> str:
    return "(" + ", ".join(_num(float(v)) for v in values) + ")"


def _lw(factor: float = 1.0) -> float:
    return factor * float(mpl.rcParams["lines.linewidth"])


def _halo(factor: float = 1.0) -> list[patheffects.AbstractPathEffect]:
    return [patheffects.withStroke(linewidth=_lw(factor) + _lw(1.2), foreground=HALO)]


def _box() -> dict[str, Any]:
    return {
        "boxstyle": "round,pad=0.35",
        "facecolor": mpl.rcParams["axes.facecolor"],
        "edgecolor": mpl.rcParams["axes.edgecolor"],
        "alpha": 0.88,
        "linewidth": _lw(0.4),
    }


def _text_style(lang: str, size: str = "medium") -> dict[str, Any]:
    return {"fontsize": size, "color": mpl.rcParams["text.color"], "bbox": _box(), **_font(lang)}


def _zmap(zscale: str) -> Any:
    """The surface's height for a loss: log10 floors at the smallest double, as the figures do."""
    if zscale == "log":
        tiny = float(np.finfo(np.float64).smallest_subnormal)
        return lambda loss: np.log10(np.maximum(np.asarray(loss, dtype=np.float64), tiny))
    return lambda loss: np.asarray(loss, dtype=np.float64)


def _range(grid: LossGrid) -> tuple[float, float]:
    return float(grid.x0[0, 0]), float(grid.x0[0, -1])


def _sub(i: int) -> str:
    return str(i) if i < 10 else f"{{{i}}}"


# ---- the lines of a slice ----------------------------------------------------------------------


def _lines(grid: LossGrid, words: dict[str, str]) -> list[tuple[Line, str, str, float]]:
    """(line, role, label, where along it the label sits) for the grid's slice."""
    i, j = grid.axes
    out: list[tuple[Line, str, str, float]] = []
    tie = decision_line(grid.layer)
    if tie.loss is not None:
        value = "log 2" if grid.variant == "exact" else f"{_num(tie.loss)}"
        label = words["decision2"].format(value=value)
    elif tie.leads_from < _range(grid)[1]:
        label = words["leads"].format(i=i, j=j)
    else:
        label = words["decision"].format(i=i, j=j)
    out.append((tie, "decision", label, 0.7))
    low = minimum_line(grid.layer)
    if low is not None:
        if low.loss is not None:
            label = words["minimum2"].format(value=_num(low.loss))
        else:
            label = words["valley"].format(i=i, j=j)
        out.append((low, "minimum", label, 0.22))
    return out


def _pieces(line: Line, span: tuple[float, float]) -> list[tuple[float, float, str]]:
    """The x0 intervals of a line in view, each with its role. The tie of more classes is the
    decision only where the pair leads the fixed logits; the rest is drawn as "decision-tie"."""
    if line.kind != "decision" or line.leads_from <= span[0]:
        return [(span[0], span[1], line.kind)]
    if line.leads_from >= span[1]:
        return [(span[0], span[1], "decision-tie")]
    return [(span[0], line.leads_from, "decision-tie"), (line.leads_from, span[1], "decision")]


def _style(role: str) -> dict[str, Any]:
    if role == "decision-tie":
        return {"color": DECISION, "linestyle": (0, (1.5, 2.5)), "alpha": 0.8}
    if role == "decision":
        return {"color": DECISION, "linestyle": (0, (6, 3))}
    return {"color": MINIMUM, "linestyle": "-"}


def _plateau_edges(grid: LossGrid) -> list[tuple[int, FloatArray]]:
    """Where y_k = 1e-7 for each class k the target weighs: past it the book's term
    -t_k log(y_k + 1e-7) is flat. Curves of (x0, x1) points, from log softmax (never log 0)."""
    rows, cols = grid.shape
    sl = (
        slice(None, None, thin_stride(rows, MAX_EDGE_POINTS)),
        slice(None, None, thin_stride(cols, MAX_EDGE_POINTS)),
    )
    x = np.ascontiguousarray(grid.x0[sl])
    y = np.ascontiguousarray(grid.x1[sl])
    a = np.empty((*x.shape, grid.k))
    a[...] = grid.logits
    a[..., grid.axes[0]] = x
    a[..., grid.axes[1]] = y
    log_y = log_softmax(a / grid.temperature)
    target = _target(grid)
    edges: list[tuple[int, FloatArray]] = []
    for k in range(grid.k):
        if target[k] <= 0.0:
            continue
        gen = contour_generator(x, y, log_y[..., k], line_type=LineType.Separate)
        for seg in gen.lines(math.log(BOOK_DELTA)):
            pts = np.asarray(seg, dtype=np.float64)
            if len(pts) >= 2:
                edges.append((k, pts))
    return edges


def _middle(grid: LossGrid, pts: FloatArray) -> int:
    """The index of the point of a curve nearest the middle of the grid: room for a label."""
    lo, hi = _range(grid)
    centre = (lo + hi) / 2
    return int(np.argmin(np.hypot(pts[:, 0] - centre, pts[:, 1] - centre)))


def _target(grid: LossGrid) -> FloatArray:
    return probe_point(0.0, 0.0, grid.layer).target


def _plateau_point(grid: LossGrid) -> tuple[float, float, float, FloatArray]:
    """The corner of the grid deepest in the book's plateau: x0, x1, L and y - t there."""
    lo, hi = _range(grid)
    corners = np.array([(lo, lo), (lo, hi), (hi, lo), (hi, hi)])
    loss, grad = loss_at(corners[:, 0], corners[:, 1], grid.layer)
    n = int(np.argmax(loss))
    return float(corners[n, 0]), float(corners[n, 1]), float(loss[n]), grad[n]


def _grad_name(temperature: float) -> str:
    return "y − t" if temperature == 1.0 else "(y − t)/T"


# ---- the contour ---------------------------------------------------------------------------------


def annotate_contour(
    ax: Axes, grid: LossGrid, *, lang: str = "en", zscale: str = "linear"
) -> list[Artist]:
    """The decision line, the line of minimum loss (soft labels) and, for the book's variant,
    the edge of its capped plateau, drawn over a contour of ``grid``, clipped to its range.

    ``zscale`` is accepted so the contour and surface calls match; the plane does not change.
    """
    del zscale
    words = words_for(lang)
    lo, hi = _range(grid)
    drawn: list[Artist] = []
    for line, role, label, where in _lines(grid, words):
        span = line.segment(lo, hi)
        if span is None:
            continue
        for start, stop, part in _pieces(line, span):
            x = np.array([start, stop])
            (art,) = ax.plot(
                x,
                line.x1_at(x),
                linewidth=_lw(1.4),
                path_effects=_halo(1.4),
                gid=part,
                zorder=4,
                **_style(part),
            )
            drawn.append(art)
        start, stop, _ = _pieces(line, span)[-1]
        u = start + where * (stop - start)
        text = ax.text(
            u,
            float(line.x1_at(u)),
            label,
            rotation=45.0,
            transform_rotates_text=True,
            rotation_mode="anchor",
            ha="center",
            va="bottom" if role == "decision" else "top",
            gid=f"{role}-label",
            zorder=6,
            **_text_style(lang, "medium"),
        )
        drawn.append(text)
        if line.lowest is not None and lo <= line.lowest[0] <= hi and lo <= line.lowest[1] <= hi:
            u, v, low = line.lowest
            (mark,) = ax.plot(
                [u],
                [v],
                marker="*",
                markersize=2.2 * float(mpl.rcParams["lines.markersize"]),
                color=MINIMUM,
                markeredgecolor=HALO,
                linestyle="none",
                gid="lowest",
                zorder=6,
            )
            note = ax.annotate(
                words["lowest"].format(value=_num(low)),
                (u, v),
                xytext=(8, -8),
                textcoords="offset points",
                ha="left",
                va="top",
                gid="lowest-label",
                zorder=6,
                **_text_style(lang, "medium"),
            )
            drawn += [mark, note]
    if grid.variant == "book":
        drawn += _book_marks_2d(ax, grid, words, lang)
    return drawn


def _book_marks_2d(ax: Axes, grid: LossGrid, words: dict[str, str], lang: str) -> list[Artist]:
    drawn: list[Artist] = []
    labelled: set[int] = set()
    for k, pts in _plateau_edges(grid):
        (art,) = ax.plot(
            pts[:, 0],
            pts[:, 1],
            color=CAP,
            linestyle=(0, (1.5, 2)),
            linewidth=_lw(1.6),
            path_effects=_halo(1.6),
            gid="cap",
            zorder=4,
        )
        drawn.append(art)
        if k not in labelled:
            labelled.add(k)
            mid = pts[_middle(grid, pts)]
            drawn.append(
                ax.text(
                    float(mid[0]),
                    float(mid[1]),
                    words["cap"].format(k=_sub(k)),
                    rotation=45.0,
                    transform_rotates_text=True,
                    rotation_mode="anchor",
                    ha="center",
                    va="top",
                    gid="cap-label",
                    zorder=6,
                    **_text_style(lang, "small"),
                )
            )
    u, v, _, grad = _plateau_point(grid)
    lo, hi = _range(grid)
    inset = 0.04 * (hi - lo)
    drawn.append(
        ax.text(
            u + (inset if u <= lo else -inset),
            v + (inset if v <= lo else -inset),
            words["plateau"].format(grad=_grad_name(grid.temperature), value=_vec(grad)),
            ha="left" if u <= lo else "right",
            va="bottom" if v <= lo else "top",
            gid="plateau-note",
            zorder=6,
            **_text_style(lang, "medium"),
        )
    )
    return drawn


# ---- the surface ---------------------------------------------------------------------------------


def annotate_surface(
    ax3d: Any, grid: LossGrid, *, lang: str = "en", zscale: str = "linear"
) -> list[Artist]:
    """The same lines as :func:`annotate_contour`, lying on the surface: z = L along each."""
    words = words_for(lang)
    lo, hi = _range(grid)
    height = _zmap(zscale)
    drawn: list[Artist] = []
    for line, role, label, where in _lines(grid, words):
        span = line.segment(lo, hi)
        if span is None:
            continue
        for start, stop, part in _pieces(line, span):
            x0, x1, loss = line.points(np.linspace(start, stop, LINE_SAMPLES))
            z = height(loss)
            drawn += ax3d.plot(
                x0,
                x1,
                z,
                linewidth=_lw(1.6),
                path_effects=_halo(1.6),
                gid=part,
                zorder=10,
                **_style(part),
            )
        n = int(where * (LINE_SAMPLES - 1))
        drawn.append(
            ax3d.text(
                x0[n],
                x1[n],
                z[n],
                label,
                ha="center",
                va="bottom",
                gid=f"{role}-label",
                zorder=11,
                **_text_style(lang, "medium"),
            )
        )
        if line.lowest is not None and lo <= line.lowest[0] <= hi and lo <= line.lowest[1] <= hi:
            u, v, low = line.lowest
            drawn += ax3d.plot(
                [u],
                [v],
                [float(height(low))],
                marker="*",
                markersize=2.2 * float(mpl.rcParams["lines.markersize"]),
                color=MINIMUM,
                markeredgecolor=HALO,
                linestyle="none",
                gid="lowest",
                zorder=11,
            )
    if grid.variant == "book":
        labelled: set[int] = set()
        for k, pts in _plateau_edges(grid):
            loss, _ = loss_at(pts[:, 0], pts[:, 1], grid.layer)
            z = height(loss)
            drawn += ax3d.plot(
                pts[:, 0],
                pts[:, 1],
                z,
                color=CAP,
                linestyle=(0, (1.5, 2)),
                linewidth=_lw(1.6),
                path_effects=_halo(1.6),
                gid="cap",
                zorder=10,
            )
            if k not in labelled:
                labelled.add(k)
                m = _middle(grid, pts)
                drawn.append(
                    ax3d.text(
                        pts[m, 0],
                        pts[m, 1],
                        z[m],
                        words["cap"].format(k=_sub(k)),
                        ha="center",
                        va="bottom",
                        gid="cap-label",
                        zorder=11,
                        **_text_style(lang, "small"),
                    )
                )
        *_, grad = _plateau_point(grid)
        drawn.append(  # in a corner: on the plateau it would hide the cap's own label
            ax3d.text2D(
                0.01,
                0.97,
                words["plateau"].format(grad=_grad_name(grid.temperature), value=_vec(grad)),
                transform=ax3d.transAxes,
                ha="left",
                va="top",
                gid="plateau-note",
                zorder=11,
                **_text_style(lang, "medium"),
            )
        )
    return drawn


# ---- a probed point ------------------------------------------------------------------------------


#: Up to this many classes the probe's box shows whole vectors; beyond, the varied pair only.
MAX_BOX_CLASSES = 4


def probe_text(probe: Probe) -> str:
    """a, y, t, y - t and L at the point, to 4 significant figures, one per line. With more
    than :data:`MAX_BOX_CLASSES` classes the vectors show the two varied classes, named."""
    grad = _grad_name(probe.temperature)
    t_name = "t" if probe.label_smoothing == 0.0 else "t (smoothed)"
    pick: list[int] | slice = slice(None)
    suffix = ""
    if probe.k > MAX_BOX_CLASSES:
        i, j = probe.axes
        pick, suffix = [i, j], f"[{i},{j}]"
    rows = [
        ("x", probe.a),
        ("y", probe.y),
        (t_name, probe.target),
        (grad, probe.grad),
    ]
    lines = [f"{name}{suffix} = {_vec(values[pick])}" for name, values in rows]
    lines.append(f"L = {_num(probe.loss)}")
    return "\n".join(lines)


def draw_probe(
    ax: Any,
    probe: Probe,
    *,
    lang: str = "en",
    three_d: bool = False,
    zscale: str = "linear",
) -> list[Artist]:
    """The point, an arrow along -grad L (a direction: its length is fixed, not |grad L|), and a
    box with y, t, y - t and L. On a 3-D surface the point and arrow sit on it, the arrow
    tangent like the quiver figure's; the box goes in the lower left corner."""
    words = words_for(lang)
    g = np.array([probe.grad0, probe.grad1])
    norm = float(np.hypot(*g))
    xlim = ax.get_xlim()
    reach = ARROW_FRACTION * abs(xlim[1] - xlim[0])
    size = 1.8 * float(mpl.rcParams["lines.markersize"])
    drawn: list[Artist] = []
    box = probe_text(probe)
    if three_d:
        height = _zmap(zscale)
        z = float(height(probe.loss))
        drawn += ax.plot(
            [probe.x0],
            [probe.x1],
            [z],
            marker="o",
            markersize=size,
            color=PROBE,
            markeredgecolor=HALO,
            linestyle="none",
            gid="probe-point",
            zorder=12,
        )
        if norm > 0.0:
            rise = norm * norm  # tangent to the surface: -grad across, -|grad|^2 down
            if zscale == "log":
                rise = rise / (probe.loss * math.log(10)) if probe.loss > 0 else 0.0
            s = reach / norm
            drawn.append(
                ax.quiver(
                    probe.x0,
                    probe.x1,
                    z,
                    -g[0] * s,
                    -g[1] * s,
                    -rise * s,
                    color=PROBE,
                    linewidth=_lw(1.6),
                    arrow_length_ratio=0.25,
                    gid="probe-arrow",
                    zorder=12,
                )
            )
            drawn.append(
                ax.text(
                    probe.x0 - g[0] * s,
                    probe.x1 - g[1] * s,
                    z - rise * s,
                    words["descent"],
                    gid="probe-arrow-label",
                    zorder=12,
                    **_text_style(lang, "medium"),
                )
            )
        drawn.append(
            ax.text2D(
                0.01,
                0.02,
                box,
                transform=ax.transAxes,
                ha="left",
                va="bottom",
                family="monospace",
                gid="probe-box",
                **_text_style("en", "medium"),
            )
        )
        return drawn
    (point,) = ax.plot(
        [probe.x0],
        [probe.x1],
        marker="o",
        markersize=size,
        color=PROBE,
        markeredgecolor=HALO,
        linestyle="none",
        gid="probe-point",
        zorder=7,
    )
    drawn.append(point)
    if norm > 0.0:
        tip = (probe.x0 - g[0] / norm * reach, probe.x1 - g[1] / norm * reach)
        drawn.append(
            ax.annotate(
                "",
                xy=tip,
                xytext=(probe.x0, probe.x1),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": PROBE,
                    "linewidth": _lw(1.8),
                    "mutation_scale": 12 * _lw(1.0),
                    "path_effects": _halo(1.8),
                    "shrinkA": 0,
                    "shrinkB": 0,
                },
                gid="probe-arrow",
                zorder=7,
            )
        )
        right = tip[0] >= probe.x0
        drawn.append(
            ax.annotate(
                words["descent"],
                tip,
                xytext=(6 if right else -6, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                gid="probe-arrow-label",
                zorder=8,
                **_text_style(lang, "medium"),
            )
        )
    # the box goes in the corner of the axes farthest from the point, clear of the arrow
    ylim = ax.get_ylim()
    right = probe.x0 < (xlim[0] + xlim[1]) / 2
    top = probe.x1 < (ylim[0] + ylim[1]) / 2
    drawn.append(
        ax.text(
            0.98 if right else 0.02,
            0.98 if top else 0.02,
            box,
            transform=ax.transAxes,
            ha="right" if right else "left",
            va="top" if top else "bottom",
            multialignment="left",
            family="monospace",
            gid="probe-box",
            zorder=8,
            **_text_style("en", "medium"),
        )
    )
    return drawn


# ---- a descent path ------------------------------------------------------------------------------


def draw_path(
    ax: Any,
    path: DescentPath,
    *,
    three_d: bool = False,
    zscale: str = "linear",
    lang: str = "en",
) -> list[Artist]:
    """The descent path through its ``steps + 1`` points, the start and the end marked.

    On a 3-D surface every point sits on it: z = L (log10 L for ``zscale="log"``)."""
    words = words_for(lang)
    size = float(mpl.rcParams["lines.markersize"])
    coords: list[FloatArray] = [path.x0, path.x1]
    if three_d:
        coords.append(_zmap(zscale)(path.loss))
    end = [float(c[-1]) for c in coords]
    start = [float(c[0]) for c in coords]
    drawn: list[Artist] = []
    drawn += ax.plot(
        *coords,
        color=PATH,
        linewidth=_lw(1.2),
        path_effects=_halo(1.2),
        gid="path",
        zorder=12 if three_d else 7,
    )
    drawn += ax.plot(
        *coords,
        color=PATH,
        linestyle="none",
        marker="o",
        markersize=0.45 * size,
        markeredgecolor=HALO,
        markeredgewidth=_lw(0.3),
        gid="path-steps",
        zorder=12 if three_d else 7,
    )
    for where, role, marker, text in (
        (start, "path-start", "o", words["start"]),
        (end, "path-end", "X", words["end"].format(n=path.steps)),
    ):
        drawn += ax.plot(
            *[[c] for c in where],
            marker=marker,
            markersize=1.8 * size,
            color=PATH,
            markeredgecolor=HALO,
            markeredgewidth=_lw(0.6),
            linestyle="none",
            gid=role,
            zorder=13 if three_d else 8,
        )
        if three_d:
            style = {k: v for k, v in _text_style(lang).items() if k != "bbox"}
            halo = mpl.rcParams["axes.facecolor"]  # no box: it would cover the marker
            drawn.append(
                ax.text(
                    *where,
                    f"    {text}",
                    gid=f"{role}-label",
                    zorder=13,
                    path_effects=[patheffects.withStroke(linewidth=_lw(2.0), foreground=halo)],
                    **style,
                )
            )
        else:
            drawn.append(
                ax.annotate(
                    text,
                    (where[0], where[1]),
                    xytext=(8, 8),
                    textcoords="offset points",
                    gid=f"{role}-label",
                    zorder=8,
                    **_text_style(lang, "medium"),
                )
            )
    return drawn


# ---- the loss along d = x1 - x0 ------------------------------------------------------------------


def draw_slice(
    ax: Axes,
    t: ArrayLike,
    *,
    range: tuple[float, float] = (-20.0, 20.0),  # the command line's --range
    logits: ArrayLike | None = None,
    axes: Sequence[int] = (0, 1),
    label_smoothing: float = 0.0,
    temperature: float = 1.0,
    variant: Variant = "exact",
    lang: str = "en",
) -> list[Artist]:
    """The loss along d = x1 - x0 (x0 = -d/2, x1 = d/2, other logits fixed) on ``ax``, and its
    slope dL/dd on a panel appended below it (sharing d, returned too): the softplus shape, its
    asymptotes, L at d = 0, the minimum of a soft label, the book's cap, and why |grad L| tends
    to sqrt(2)."""
    from mpl_toolkits.axes_grid1 import make_axes_locatable

    words = words_for(lang)
    s = loss_slice(
        t,
        lo=range[0],
        hi=range[1],
        logits=logits,
        axes=axes,
        label_smoothing=label_smoothing,
        temperature=temperature,
        variant=variant,
    )
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
            curve_label = words["softplus1"]
    elif s.variant == "book":
        curve_label = "L = −Σ t log(y + 1e-7)"
    else:
        curve_label = words["slice_loss"]
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
                    words["asymptote"].format(value=_num(slope)),
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
        label = words["book_cap"] if cap == -math.log(BOOK_DELTA) else words["book_limit"]
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
    zero_label = words["at_zero2"] if s.k == 2 else words["at_zero"]
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
                words["min_at"].format(value=_num(l_min), d=_num(d_min)),
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
    ax.set_ylabel(words["loss"], **_font(lang))
    ax.axvline(0.0, color=muted, linewidth=_lw(0.6), zorder=0)
    ax.grid(True)
    ax.tick_params(labelbottom=False)
    if curve_label != words["slice_loss"]:  # a formula worth a legend; a bare name is not
        drawn.append(ax.legend(loc="upper center", prop=_legend(lang)))

    below = make_axes_locatable(ax).append_axes("bottom", size="45%", pad=0.15, sharex=ax)
    drawn.append(below)
    drawn += below.plot(
        s.d,
        s.slope,
        color=slope_colour,
        linewidth=_lw(1.6),
        label=words["slope"] if s.book_slope is None else words["backward"],
        gid="slope",
    )
    if s.book_slope is not None:  # the lesson of the book's variant: backward ignores the cap
        drawn += below.plot(
            s.d,
            s.book_slope,
            color=loss_colour,
            linestyle=(0, (1, 1.5)),
            linewidth=_lw(1.6),
            label=words["book_slope"],
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
    below.set_ylabel(words["slope_axis"], **_font(lang))
    below.set_xlabel(words["d_axis"].format(i=_sub(i), j=_sub(j)), **_font(lang))
    if s.k == 2:
        limit = max(abs(s.slope_left), abs(s.slope_right))
        note = words["why_root2"].format(limit=_num(limit), value=_num(math.sqrt(2) * limit))
    else:
        note = words["why_more"].format(i=_sub(i), j=_sub(j))
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


def _legend(lang: str) -> dict[str, Any]:
    font = japanese_font() if lang == "ja" else None
    family = {} if font is None else {"family": [font, "DejaVu Sans"]}
    return {"size": "medium", **family}
