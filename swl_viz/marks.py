"""The marks a learner should notice, as data: the decision and minimum lines, the book's cap,
a probed point and a descent path, each with its labels.

:func:`panel_marks` returns them for one panel of a grid, flat on the plane (contour) or lying
on the drawn surface (3-D: z is the loss on the panel's scale). Every number comes from the
layer (:mod:`swl_viz.probe`); every word from :mod:`swl_viz.words`. numpy (and contourpy, for
the book's plateau edge) only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from contourpy import LineType, contour_generator
from numpy.typing import ArrayLike

from swl_viz.grid import LossGrid, thin_stride
from swl_viz.layer import Layer
from swl_viz.maths import BOOK_DELTA, FloatArray, log_softmax
from swl_viz.options import _number
from swl_viz.probe import (
    DescentPath,
    Line,
    Probe,
    decision_line,
    descent_path,
    loss_at,
    minimum_line,
    probe_point,
    slope_of_drawn_loss,
)
from swl_viz.shapes import Arrow, Label, Point, Polyline
from swl_viz.words import typeset, words

__all__ = [
    "ARROW_FRACTION",
    "LINE_SAMPLES",
    "MAX_BOX_CLASSES",
    "Marks",
    "num",
    "panel_marks",
    "logit_label",
    "probe_text",
    "sig",
    "subtitle_parts",
    "vec",
    "zmap",
    "drawn_rise",
    "fit_in_box",
    "z_range",
    "BOX_STRETCH",
    "BOX_MARGIN",
]

#: Points along a line drawn on the 3-D surface.
LINE_SAMPLES = 200
#: At most this many points per axis go into the contour of the book's plateau edge.
MAX_EDGE_POINTS = 401
#: The probe's arrow, as a fraction of the x-axis span: a direction, not to scale.
ARROW_FRACTION = 0.16
#: Up to this many classes the probe's box shows whole vectors; beyond, the varied pair only.
MAX_BOX_CLASSES = 4
#: A 3-D arrow, measured in the drawn box (each axis over its span, a cube), is at most this
#: many times its horizontal reach long: sqrt(3) ~ 1.73 is the cross-entropy's steepest
#: (|y - t|^2 <= 2, and its loss axis spans about what the logits do), so its arrows keep
#: their length; squared error's (loss axis 0..1 under logits -20..20) are shortened.
BOX_STRETCH = 1.875
#: ...and its tip lies at most this share of the loss axis's span below (or above) the axis.
BOX_MARGIN = 0.1


@dataclass
class Marks:
    """What :func:`panel_marks` found, in drawing order within each kind."""

    lines: list[Polyline] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)

    def __iadd__(self, other: Marks) -> Marks:
        self.lines += other.lines
        self.points += other.points
        self.arrows += other.arrows
        self.labels += other.labels
        return self


def num(v: float) -> str:
    """4 significant figures, with a true minus sign and no negative zero."""
    text = f"{v + 0.0:.4g}"
    return text.replace("-", "−")


def vec(values: Sequence[float] | FloatArray) -> str:
    return "(" + ", ".join(num(float(v)) for v in values) + ")"


#: How many units in the last place of its inputs a computed difference y - t can be off by.
ROUNDING_ULPS = 4.0


def sig(v: float, floor: float = 0.0, *, probability: bool = False) -> str:
    """A computed value to 4 significant figures, its zeros kept (0.5000, not 0.5): below
    ``floor``, the rounding error of its computation, it is "≈ 0", since its digits would be
    noise; a probability that rounds to 1 but is not 1 is "≈ 1"."""
    if abs(v) < floor:  # 0 itself too: the computation can not tell it from its noise
        return "≈ 0"
    if v == 0.0:
        return "0"
    text = f"{v:#.4g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant.rstrip('.')}e{int(exp)}"
    if probability and text == "1.000" and v != 1.0:
        return "≈ 1"
    return text.rstrip(".").replace("-", "−")


def _sigs(
    values: FloatArray, floors: FloatArray | None = None, *, probability: bool = False
) -> str:
    floors = np.zeros_like(values) if floors is None else floors
    return (
        "("
        + ", ".join(
            sig(float(v), float(f), probability=probability)
            for v, f in zip(values, floors, strict=True)
        )
        + ")"
    )


def zmap(zscale: str) -> Callable[[object], FloatArray]:
    """The surface's height for a loss: log10 floors at the smallest double, where exp
    underflows."""
    if zscale == "log":
        tiny = float(np.finfo(np.float64).smallest_subnormal)
        return lambda loss: np.log10(np.maximum(np.asarray(loss, dtype=np.float64), tiny))
    return lambda loss: np.asarray(loss, dtype=np.float64)


def z_range(zs: Sequence[FloatArray], zscale: str) -> tuple[float, float]:
    """Shared loss limits of the panels; a linear axis starts at 0 (the book's variant dips to
    about -1e-7 where y -> 1, which stays visible below it)."""
    zmin, zmax = min(float(z.min()) for z in zs), max(float(z.max()) for z in zs)
    if zscale == "linear":
        zmin = min(zmin, 0.0)
    if not zmax > zmin:
        zmax = zmin + 1.0
    return zmin, zmax


def drawn_rise(
    grid: LossGrid,
    x0: ArrayLike,
    x1: ArrayLike,
    g0: ArrayLike,
    g1: ArrayLike,
    loss: ArrayLike,
    zscale: str,
) -> FloatArray:
    """How far the surface drawn rises per step along grad L = (g0, g1) at (x0, x1), in the
    loss axis's units: |grad L|^2 for the exact loss, grad L . the drawn loss's slope for the
    book's (its plateau is flat where backward still sends y - t); over L ln 10 on a log10
    axis, the slope of log10 L. A 3-D arrow of -grad L drops by this times its scale."""
    g0, g1, loss = (np.asarray(v, dtype=np.float64) for v in (g0, g1, loss))
    if grid.variant == "exact":
        norm = np.hypot(g0, g1)
        rise = norm * norm
    else:
        slope = slope_of_drawn_loss(grid.layer, x0, x1)
        rise = g0 * slope[..., 0] + g1 * slope[..., 1]
    if zscale == "log":
        rise = np.divide(rise, loss * math.log(10), out=np.zeros_like(rise), where=loss > 0)
    out: FloatArray = rise
    return out


def fit_in_box(
    z: FloatArray,
    u: FloatArray,
    v: FloatArray,
    w: FloatArray,
    reach: float,
    spans: tuple[float, float],
    zrange: tuple[float, float],
) -> FloatArray:
    """The factor (<= 1) that shortens each 3-D arrow (u, v, w) from a tail at height ``z``
    along its own direction, so it stays tangent and readable in the drawn box.

    Lengths are measured in the box's own proportions, each axis over its span (``spans``:
    the logits' and the loss axis's ``zrange``), as in a cube: matplotlib's 4:4:3 box is
    flatter, so there an arrow is no longer. An arrow is at most :data:`BOX_STRETCH` times
    ``reach`` (its horizontal reach, logits) long; and its tip stays within
    :data:`BOX_MARGIN` of the loss axis's span of the axis, unless its tail is already
    beyond that (a ``--zlim`` that cuts the surface)."""
    sx, sz = spans[0] or 1.0, spans[1] or 1.0
    lo, hi = zrange
    length = np.sqrt((u / sx) ** 2 + (v / sx) ** 2 + (w / sz) ** 2)
    bound = BOX_STRETCH * reach / sx
    fit = np.divide(bound, length, out=np.ones_like(length), where=length > bound)
    margin = BOX_MARGIN * sz
    room = np.where(w < 0, z - (lo - margin), (hi + margin) - z)
    drop = np.abs(w)
    over = (drop > room) & (room > 0)
    fit = np.minimum(fit, np.divide(room, drop, out=np.ones_like(drop), where=over))
    out: FloatArray = np.minimum(fit, 1.0)
    return out


def _span(grid: LossGrid) -> tuple[float, float]:
    return float(grid.x0[0, 0]), float(grid.x0[0, -1])


def _sub(i: int) -> str:
    return str(i) if i < 10 else f"{{{i}}}"


def _grad_name(temperature: float) -> str:
    return "$y - t$" if temperature == 1.0 else "$(y - t)/T$"


# ---- words about the layer ----------------------------------------------------------------------


def logit_label(i: int) -> str:
    """The seed's axis label for logit i, typeset: 𝑥₀, 𝑥₁, ..."""
    return typeset(f"$x_{i}$" if i < 10 else f"$x_{{{i}}}$")


def format_label(t: Sequence[float]) -> str:
    """(1.0, 0.0) -> '(1, 0)'."""
    return "(" + ", ".join(_number(v) for v in t) + ")"


def subtitle_parts(layer: Layer, w: dict[str, str]) -> list[str]:
    """What a panel's subtitle says about the layer: the label, then ε, T and the fixed logits
    where they differ from the plain case."""
    parts = [f"{w['label']} = {format_label(layer.t)}"]
    if layer.loss != "ce":  # the cross-entropy is the layer's own: named only when it differs
        parts.append(w[f"loss_{layer.loss}"].format(gamma=f"{layer.gamma:g}"))
    if layer.label_smoothing:
        parts.append(f"ε = {layer.label_smoothing:g}")
    if layer.temperature != 1.0:
        parts.append(f"$T$ = {layer.temperature:g}")
    if layer.k > 2:
        fixed = ", ".join(
            logit_label(i) if i in layer.axes else f"{v:g}" for i, v in enumerate(layer.logits)
        )
        parts.append(f"$a$ = ({fixed})")
    return parts


# ---- the lines of a slice ----------------------------------------------------------------------


def _lines(grid: LossGrid, w: dict[str, str]) -> list[tuple[Line, str, str, float]]:
    """(line, role, label, where along it the label sits) for the grid's plane."""
    i, j = grid.axes
    out: list[tuple[Line, str, str, float]] = []
    tie = decision_line(grid.layer)
    if tie.loss is not None:
        exact_ce = grid.variant == "exact" and grid.loss_kind == "ce"
        value = "log 2" if exact_ce else f"{num(tie.loss)}"
        label = w["decision2"].format(value=value)
    elif tie.leads_from < _span(grid)[1]:
        label = w["leads"].format(i=i, j=j)
    else:
        label = w["decision"].format(i=i, j=j)
    out.append((tie, "decision", label, 0.7))
    low = minimum_line(grid.layer)
    if low is not None:
        if low.loss is not None:
            target = "t'" if grid.label_smoothing else "t"  # the entropy of the smoothed target
            key = "minimum_mse" if grid.loss_kind == "mse" else "minimum2"
            label = w[key].format(t=target, value=num(low.loss))
        else:
            label = w["valley"].format(i=i, j=j)
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


def _line_marks(grid: LossGrid, w: dict[str, str], zscale: str | None) -> Marks:
    lo, hi = _span(grid)
    height = None if zscale is None else zmap(zscale)
    out = Marks()
    for line, role, label, where in _lines(grid, w):
        span = line.segment(lo, hi)
        if span is None:
            continue
        pieces = _pieces(line, span)
        if height is None:
            for start, stop, part in pieces:
                x = np.array([start, stop])
                out.lines.append(Polyline(part, x, line.x1_at(x)))
            start, stop, _ = pieces[-1]
            u = start + where * (stop - start)
            at: tuple[float, ...] = (u, float(line.x1_at(u)))
            label_ = Label(f"{role}-label", label, at, 2, ha="center", va="top", along=True)
            if role == "decision":
                label_ = replace(label_, va="bottom")
            out.labels.append(label_)
        else:
            for start, stop, part in pieces:
                x0, x1, loss = line.points(np.linspace(start, stop, LINE_SAMPLES))
                z = height(loss)
                out.lines.append(Polyline(part, x0, x1, z))
            n = int(where * (LINE_SAMPLES - 1))
            at = (float(x0[n]), float(x1[n]), float(z[n]))
            out.labels.append(Label(f"{role}-label", label, at, 2, ha="center", va="bottom"))
        if line.lowest is not None and lo <= line.lowest[0] <= hi and lo <= line.lowest[1] <= hi:
            u, v, low = line.lowest
            if height is None:
                out.points.append(Point("lowest", (u, v), "*"))
                text = w["lowest"].format(value=num(low))
                out.labels.append(
                    Label("lowest-label", text, (u, v), 3, ha="left", va="top", offset=(8, -8))
                )
            else:
                out.points.append(Point("lowest", (u, v, float(height(low))), "*"))
    return out


# ---- the book's capped plateau -----------------------------------------------------------------


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
    log_y = log_softmax(grid.layer.place(x, y) / grid.temperature)
    target = grid.layer.target
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
    lo, hi = _span(grid)
    centre = (lo + hi) / 2
    return int(np.argmin(np.hypot(pts[:, 0] - centre, pts[:, 1] - centre)))


def _plateau_point(grid: LossGrid) -> tuple[float, float, float, FloatArray]:
    """The corner of the grid deepest in the book's plateau: x0, x1, L and y - t there."""
    lo, hi = _span(grid)
    corners = np.array([(lo, lo), (lo, hi), (hi, lo), (hi, hi)])
    loss, grad = loss_at(corners[:, 0], corners[:, 1], grid.layer)
    n = int(np.argmax(loss))
    return float(corners[n, 0]), float(corners[n, 1]), float(loss[n]), grad[n]


def _book_marks(grid: LossGrid, w: dict[str, str], zscale: str | None) -> Marks:
    height = None if zscale is None else zmap(zscale)
    out = Marks()
    labelled: set[int] = set()
    for k, pts in _plateau_edges(grid):
        z = None
        if height is not None:
            z = height(loss_at(pts[:, 0], pts[:, 1], grid.layer)[0])
        out.lines.append(Polyline("cap", pts[:, 0], pts[:, 1], z))
        if k not in labelled:
            labelled.add(k)
            m = _middle(grid, pts)
            text = w["cap"].format(k=_sub(k))
            if z is None:
                at: tuple[float, ...] = (float(pts[m, 0]), float(pts[m, 1]))
                out.labels.append(
                    Label("cap-label", text, at, 4, ha="center", va="top", along=True,
                          size="small")
                )  # fmt: skip
            else:
                at = (float(pts[m, 0]), float(pts[m, 1]), float(z[m]))
                out.labels.append(
                    Label("cap-label", text, at, 4, ha="center", va="bottom", size="small")
                )
    u, v, top, grad = _plateau_point(grid)
    note = w["plateau"].format(grad=_grad_name(grid.temperature), value=vec(grad))
    if height is None:
        lo, hi = _span(grid)
        inset = 0.04 * (hi - lo)
        at = (u + (inset if u <= lo else -inset), v + (inset if v <= lo else -inset))
        out.labels.append(
            Label("plateau-note", note, at, 4, ha="left" if u <= lo else "right",
                  va="bottom" if v <= lo else "top")
        )  # fmt: skip
    else:  # at the plateau's corner, where it is flat: the layout moves it off the cap's label
        at = (u, v, float(height(np.array([top]))[0]))
        out.labels.append(Label("plateau-note", note, at, 4, ha="center", va="bottom"))
    return out


# ---- a probed point ----------------------------------------------------------------------------


def probe_text(probe: Probe, factors: bool = False) -> str:
    """a, y, t, dL/dy, y - t (or grad L) and L at the point, to 4 significant figures, one per
    line. With more than :data:`MAX_BOX_CLASSES` classes the vectors show the two varied
    classes, named. The cross-entropy's dL/dy = -t/y is printed with ``factors`` (the plane's
    boxes; squared error and the focal loss always print theirs, as their gradient is no y - t)."""
    grad = _grad_name(probe.temperature)
    t_name = "$t$" if probe.label_smoothing == 0.0 else "$t$ (smoothed)"
    pick: list[int] | slice = slice(None)
    suffix = ""
    if probe.k > MAX_BOX_CLASSES:
        i, j = probe.axes
        pick, suffix = [i, j], f"[{i},{j}]"
    eps = float(np.finfo(np.float64).eps)
    floor = ROUNDING_ULPS * eps * np.maximum(np.abs(probe.y), np.abs(probe.target))
    floor = floor / probe.temperature
    if probe.kind != "ce":  # J^T dL/dy, computed to its last digits: no y - t to round
        grad, floor = "$\\nabla L$", np.zeros_like(floor)
    lines = [
        f"$x${suffix} = {vec(probe.a[pick])}",  # the logits as given
        f"$y${suffix} = {_sigs(probe.y[pick], probability=True)}",
        f"{t_name}{suffix} = {vec(probe.target[pick])}",
    ]
    # the chain rule's first factor, of which the next line is J^T dL/dy: for the
    # cross-entropy -t/y, whose 1/y the Jacobian's y cancels into y - t
    if probe.dl_dy is not None and (factors or probe.kind != "ce"):
        factor = ", ".join(_infinite(float(v)) for v in probe.dl_dy[pick])
        lines.append(f"$\\partial L/\\partial y${suffix} = ({factor})")
    lines += [
        f"{grad}{suffix} = {_sigs(probe.grad[pick], floor[pick])}",
        f"$L$ = {sig(probe.loss)}",
    ]
    return "\n".join(lines)


def _infinite(v: float) -> str:
    """dL/dy to 4 significant figures; ±∞ where y underflows beneath a log (its Jacobian
    factor y is 0 there, so the gradient stays finite)."""
    if math.isinf(v):
        return "−∞" if v < 0 else "∞"
    return sig(v)


def probe_marks(
    grid: LossGrid,
    probe: Probe,
    w: dict[str, str],
    zscale: str | None,
    zrange: tuple[float, float] | None = None,
) -> Marks:
    """The point, an arrow along -grad L (a direction: its length is a fixed share of the
    range, not |grad L|), and a box with y, t, y - t and L, in the panel's corner farthest
    from the point. On a 3-D surface the point and arrow lie on it, the arrow tangent to the
    drawn surface, and :func:`fit_in_box` shortens it along itself where it would be longer
    than :data:`BOX_STRETCH` times its reach in the box drawn with loss axis ``zrange`` (by
    default the grid's own), or leave that box."""
    out = Marks()
    g0, g1 = probe.grad0, probe.grad1
    norm = float(np.hypot(g0, g1))
    lo, hi = _span(grid)
    reach = ARROW_FRACTION * abs(hi - lo)
    box = probe_text(probe, factors=True)
    # the arrow gives the direction only: its length is fixed, so its label gives the length
    arrow_text = w["probe_arrow"].format(norm=sig(norm))
    if zscale is not None:
        z = float(zmap(zscale)(probe.loss))
        out.points.append(Point("probe-point", (probe.x0, probe.x1, z)))
        if norm > 0.0:
            # tangent to the surface drawn: -grad across, its rise along -grad down
            rise = float(drawn_rise(grid, probe.x0, probe.x1, g0, g1, probe.loss, zscale))
            if zrange is None:
                zrange = z_range([zmap(zscale)(grid.loss)], zscale)
            s = reach / norm
            one = np.ones(1)
            fit = fit_in_box(
                z * one, -g0 * s * one, -g1 * s * one, -rise * s * one, reach,
                (abs(hi - lo), zrange[1] - zrange[0]), zrange,
            )  # fmt: skip
            s *= float(fit[0])
            vector = (-g0 * s, -g1 * s, -rise * s)
            out.arrows.append(Arrow("probe-arrow", (probe.x0, probe.x1, z), vector))
            tip = (probe.x0 + vector[0], probe.x1 + vector[1], z + vector[2])
            out.labels.append(Label("probe-arrow-label", arrow_text, tip, 3))
        out.labels.append(
            Label("probe-box", box, (0.01, 0.02), 1, space="axes", ha="left", va="bottom",
                  mono=True)
        )  # fmt: skip
        return out
    out.points.append(Point("probe-point", (probe.x0, probe.x1)))
    if norm > 0.0:
        head = (probe.x0 - g0 / norm * reach, probe.x1 - g1 / norm * reach)
        out.arrows.append(
            Arrow("probe-arrow", (probe.x0, probe.x1), (head[0] - probe.x0, head[1] - probe.x1))
        )
        right = head[0] >= probe.x0
        out.labels.append(
            Label("probe-arrow-label", arrow_text, head, 3, ha="left" if right else "right",
                  va="center", offset=(6 if right else -6, 0))
        )  # fmt: skip
    mid = (lo + hi) / 2
    lo1, hi1 = float(grid.x1[0, 0]), float(grid.x1[-1, 0])
    right = probe.x0 < mid
    top = probe.x1 < (lo1 + hi1) / 2
    out.labels.append(
        Label("probe-box", box, (0.98 if right else 0.02, 0.98 if top else 0.02), 1,
              space="axes", ha="right" if right else "left", va="top" if top else "bottom",
              mono=True)
    )  # fmt: skip
    return out


# ---- a descent path ----------------------------------------------------------------------------


def path_marks(path: DescentPath, w: dict[str, str], zscale: str | None) -> Marks:
    """The descent path through its ``steps + 1`` points, the start and the end marked."""
    out = Marks()
    z = None if zscale is None else zmap(zscale)(path.loss)
    out.lines.append(Polyline("path", path.x0, path.x1, z))
    out.lines.append(Polyline("path-steps", path.x0, path.x1, z))
    ends = [
        (0, "path-start", "o", w["start"]),
        (-1, "path-end", "X", w["end"].format(n=path.steps)),
    ]
    for n, role, marker, text in ends:
        at: tuple[float, ...] = (float(path.x0[n]), float(path.x1[n]))
        if z is not None:
            at = (*at, float(z[n]))
        out.points.append(Point(role, at, marker))  # type: ignore[arg-type]
        if z is None:
            out.labels.append(Label(f"{role}-label", text, at, 3, offset=(8, 8)))
        else:  # no box: it would cover the marker
            out.labels.append(Label(f"{role}-label", f"    {text}", at, 3, backing="halo"))
    return out


# ---- one panel ---------------------------------------------------------------------------------


def panel_marks(
    grid: LossGrid,
    *,
    three_d: bool,
    zscale: str,
    lang: str,
    annotate: bool = True,
    probe: tuple[float, float] | None = None,
    descent: tuple[float, float] | None = None,
    lr: float = 1.0,
    steps: int = 50,
    zrange: tuple[float, float] | None = None,
) -> Marks:
    """Every mark of one panel, in the order they are drawn: lines, then the descent path,
    then the probe (whose 3-D arrow fits the box with loss axis ``zrange``, by default the
    grid's own)."""
    w = words(lang)
    z = zscale if three_d else None
    out = Marks()
    if annotate:
        out += _line_marks(grid, w, z)
        if grid.variant == "book":
            out += _book_marks(grid, w, z)
    if descent is not None:
        out += path_marks(descent_path(*descent, grid.layer, lr=lr, steps=steps), w, z)
    if probe is not None:
        out += probe_marks(grid, probe_point(*probe, grid.layer), w, z, zrange)
    return out
