"""The figure in words, for a reader who cannot see it: generated from the scene.

:func:`describe` says what the figure shows (the layer and its options, the plane), the loss's
range, where its minimum lies, what the arrows are, and the probe's and the descent path's
numbers. The page carries it as its summary (and ``aria-describedby`` of the plot); a PNG
carries it in its metadata, and ``--alt-text`` prints it. numpy only.
"""

from __future__ import annotations

import numpy as np

from swl_viz.layer import Layer
from swl_viz.plotspec import Plot, format_label
from swl_viz.probe import descent_path, minimum_line, probe_point
from swl_viz.shapes import Scene
from swl_viz.words import plain

_FIGURES = {
    "en": {
        "surface": "A 3-D surface of the loss L",
        "quiver": "Arrows of steepest descent −∇L on the 3-D surface of the loss L",
        "contour": "A contour map of the loss L, seen from above, with arrows of −∇L",
        "pair": "Two panels: the 3-D surface of the loss L beside its contour map with arrows "
        "of −∇L",
        "slice": "The loss L and its slope along the line d = x1 − x0",
    },
    "ja": {
        "surface": "損失 L の3次元曲面",
        "quiver": "損失 L の3次元曲面上の最急降下の向き −∇L の矢印",
        "contour": "損失 L を上から見た等高線図と −∇L の矢印",
        "pair": "損失 L の3次元曲面と、その等高線図 (−∇L の矢印つき) を並べた2枚の図",
        "slice": "d = x1 − x0 に沿った損失 L とその傾き",
    },
}


def _g(v: float) -> str:
    return f"{v:.4g}".replace("-", "−")


def _vec(values: np.ndarray | tuple[float, ...] | list[float]) -> str:
    return "(" + ", ".join(_g(float(v)) for v in values) + ")"


def _layer(plot: Plot) -> Layer:
    return plot.layer()


def alt_text(plot: Plot) -> str:
    """:func:`describe` of the figure ``plot`` draws (its scene built here)."""
    from swl_viz.scene import build_scene

    return describe(plot, build_scene(plot))


def describe(plot: Plot, scene: Scene) -> str:
    """A few sentences: what is drawn, for which layer, its range, minimum, probe and path."""
    ja = plot.lang == "ja"
    figures = _FIGURES["ja" if ja else "en"]
    layer = _layer(plot)
    i, j = layer.axes
    title = plain(scene.title) if scene.title else ""
    parts: list[str] = []
    if title:
        parts.append(f"{title}." if not ja else f"{title}。")
    options: list[str] = []
    if layer.label_smoothing:
        options.append(f"label smoothing ε = {layer.label_smoothing:g}")
    if layer.temperature != 1.0:
        options.append(f"temperature T = {layer.temperature:g}")
    if layer.variant == "book":
        options.append("the book's loss −Σ t log(y + 10⁻⁷)")
    if layer.k > 2:
        fixed = ", ".join(
            f"x{k}" if k in layer.axes else f"{v:g}" for k, v in enumerate(layer.logits)
        )
        options.append(f"logits a = ({fixed})")
    lo, hi = (float(v) for v in plot.range)
    what = figures.get(plot.figure, figures["surface"])
    label = format_label(layer.t)
    if ja:
        sentence = (
            f"{what}。Softmax-with-Lossレイヤ (softmax のあと交差エントロピー)、"
            f"教師ラベル t = {label}、x{i} と x{j} は {_g(lo)} から {_g(hi)} まで"
        )
        if options:
            sentence += "、" + "、".join(options)
        parts.append(sentence + "。")
    else:
        sentence = (
            f"{what} of the Softmax-with-Loss layer (softmax, then cross-entropy) for the "
            f"teacher label t = {label}, over the logits x{i} and x{j} from {_g(lo)} to {_g(hi)}"
        )
        if options:
            sentence += ", with " + ", ".join(options)
        parts.append(sentence + ".")
    if scene.panels:
        from swl_viz.scene import loss_extremes

        grid = scene.panels[0].grid
        low, high = loss_extremes(grid)
        parts.append(f"Over the square L ranges from {_g(low)} to {_g(high)} nats.")
        parts.append(_minimum(layer))
        if minimum_line(layer) is None:
            loss = grid.loss
            r, c = np.unravel_index(int(np.argmin(loss)), loss.shape)
            parts.append(
                f"Its lowest value on the square is at x{i} = {_g(float(grid.x0[r, c]))}, "
                f"x{j} = {_g(float(grid.x1[r, c]))}."
            )
        if plot.figure != "surface":
            parts.append(
                "Each arrow points along −∇L = (t − y)/T, the way gradient descent moves; "
                + (
                    "all arrows have one length (directions only)."
                    if plot.normalize
                    else "its length grows with |∇L|."
                )  # fmt: skip
            )
    if plot.probe is not None:
        p = probe_point(*plot.probe, layer)
        parts.append(
            f"Probe at x{i} = {_g(p.x0)}, x{j} = {_g(p.x1)}: y = {_vec(p.y)}, "
            f"t = {_vec(p.target)}, y − t = {_vec(p.y - p.target)}, L = {_g(p.loss)}."
        )
    if plot.descent is not None:
        path = descent_path(*plot.descent, layer, lr=plot.lr, steps=plot.steps)
        parts.append(
            f"Gradient descent from ({_g(float(path.x0[0]))}, {_g(float(path.x1[0]))}) with "
            f"learning rate {plot.lr:g}: after {path.steps} steps it reaches "
            f"({_g(float(path.x0[-1]))}, {_g(float(path.x1[-1]))}), where L = "
            f"{_g(float(path.loss[-1]))} (it started at {_g(float(path.loss[0]))})."
        )
    return " ".join(p for p in parts if p)


def _minimum(layer: Layer) -> str:
    """Where the loss is lowest, in words."""
    i, j = layer.axes
    low = minimum_line(layer)
    if low is None:
        target = layer.target
        side = f"x{i} − x{j}" if target[i] >= target[j] else f"x{j} − x{i}"
        return (
            f"The label is one-hot on this pair, so L has no minimum on the plane: it falls "
            f"towards {_g(0.0) if layer.k == 2 else 'its floor'} as {side} grows, and the "
            f"arrows never stop."
        )
    if low.loss is not None:
        return (
            f"L is lowest, {_g(low.loss)} nats (the entropy of the target), all along the line "
            f"x{i} − x{j} = {_g(low.offset)}, where y = t."
        )
    if low.lowest is not None:
        u, v, floor = low.lowest
        return f"L is lowest, {_g(floor)} nats, at x{i} = {_g(u)}, x{j} = {_g(v)}."
    return f"Along every line of fixed y{i} + y{j}, L is lowest on x{i} − x{j} = {_g(low.offset)}."


__all__ = ["alt_text", "describe"]
