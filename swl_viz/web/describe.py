"""The figure in words, for a reader who cannot see it: generated from the scene.

:func:`describe` says what the figure shows (the layer and its options, the plane), the loss's
range, where its minimum lies, what the arrows are, and the probe's and the descent path's
numbers. The page carries it as its summary (and ``aria-describedby`` of the plot); a PNG
carries it in its metadata, and ``--alt-text`` prints it. numpy only.
"""

from __future__ import annotations

from typing import Any

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


#: The sentences, by language; {placeholders} are filled with numbers written by :func:`_g`.
_SAY = {
    "en": {
        "smoothing": "label smoothing ε = {v}",
        "temperature": "temperature T = {v}",
        "book": "the book's loss −Σ t log(y + 10⁻⁷)",
        "logits": "logits a = ({v})",
        "layer": "{what} of the Softmax-with-Loss layer (softmax, then {loss}) for the "
        "teacher label t = {label}, over the logits x{i} and x{j} from {lo} to {hi}",
        "with": ", with ",
        "and": ", ",
        "end": ".",
        "range": "Over the square L ranges from {lo} to {hi}{unit}.",
        "corner": "Its lowest value on the square is at x{i} = {u}, x{j} = {v}.",
        "arrows": "Each arrow points along −∇L = (t − y)/T, the way gradient descent moves; ",
        "unit": "all arrows have one length (directions only).",
        "scaled": "its length grows with |∇L|.",
        "probe": "Probe at x{i} = {u}, x{j} = {v}: y = {y}, t = {t}, y − t = {d}, L = {L}.",
        "descent": "Gradient descent from ({u}, {v}) with learning rate {lr}: after {n} steps it "
        "reaches ({u1}, {v1}), where L = {L1} (it started at {L0}).",
        "rises": "Its loss rises at step {k}: the learning rate is too large here, so the path "
        "oscillates or diverges, and only about {digits} significant digits of its points mean "
        "anything.",
        "one_hot": "The label is one-hot on this pair, so L has no minimum on the plane: it falls "
        "towards {floor} as {side} grows, and the arrows never stop.",
        "floor": "its floor",
        "line": "L is lowest, {L}{unit}{entropy}, all along the line "
        "x{i} − x{j} = {off}, where y = t.",
        "point": "L is lowest, {L}{unit}, at x{i} = {u}, x{j} = {v}.",
        "valley": "Along every line of fixed y{i} + y{j}, L is lowest on x{i} − x{j} = {off}.",
    },
    "ja": {
        "smoothing": "ラベル平滑化 ε = {v}",
        "temperature": "温度 T = {v}",
        "book": "本の実装の損失 −Σ t log(y + 10⁻⁷)",
        "logits": "ロジット a = ({v})",
        "layer": "{what}。Softmax-with-Lossレイヤ (softmax のあと{loss})、"
        "教師ラベル t = {label}、x{i} と x{j} は {lo} から {hi} まで",
        "with": "、",
        "and": "、",
        "end": "。",
        "range": "この範囲で L は {lo} から {hi}{unit}。",
        "corner": "範囲内で最も低いのは x{i} = {u}, x{j} = {v}。",
        "arrows": "矢印は −∇L = (t − y)/T、勾配降下の進む向き。",
        "unit": "長さはすべて同じ (向きだけ)。",
        "scaled": "長さは |∇L| とともに伸びる。",
        "probe": "プローブ x{i} = {u}, x{j} = {v}: y = {y}, t = {t}, y − t = {d}, L = {L}。",
        "descent": "({u}, {v}) から学習率 {lr} で勾配降下: {n} ステップ後に ({u1}, {v1})、"
        "L = {L1} (はじめは {L0})。",
        "rises": "ステップ {k} で損失が上がる: この学習率はここでは大きすぎ、経路は振動または"
        "発散し、点の有効数字は約 {digits} 桁。",
        "one_hot": "この2クラスでラベルは one-hot なので、平面上に L の最小はない: {side} が"
        "大きくなるほど {floor} に近づき、矢印は止まらない。",
        "floor": "下限",
        "line": "L が最も低いのは直線 x{i} − x{j} = {off} 上 (y = t) で、どこでも {L}{unit}"
        "{entropy}。",
        "point": "L が最も低いのは x{i} = {u}, x{j} = {v} で {L}{unit}。",
        "valley": "y{i} + y{j} が一定の各直線上で、L は x{i} − x{j} = {off} で最も低い。",
    },
}


#: What differs by loss: its name after "softmax, then", the unit of L (squared error of
#: probabilities has none), and what the arrows and the probe's gradient are.
_BY_LOSS = {
    "en": {
        "ce": {"loss": "cross-entropy", "unit": " nats", "entropy": " (the entropy of the target)"},
        "mse": {"loss": "squared error Σ (y − t)² / 2", "unit": "", "entropy": ""},
        "focal": {"loss": "the focal loss with γ = {gamma}", "unit": " nats", "entropy": ""},
        "arrows": "Each arrow points along −∇L, the gradient through the softmax's Jacobian "
        "(not t − y), the way gradient descent moves; ",
        "probe": "Probe at x{i} = {u}, x{j} = {v}: y = {y}, t = {t}, ∇L = {d}, L = {L}.",
    },
    "ja": {
        "ce": {"loss": "交差エントロピー", "unit": " nats", "entropy": " (目標のエントロピー)"},
        "mse": {"loss": "二乗誤差 Σ (y − t)² / 2", "unit": "", "entropy": ""},
        "focal": {"loss": "焦点損失 (γ = {gamma})", "unit": " nats", "entropy": ""},
        "arrows": "矢印は −∇L (softmax のヤコビアンを通した勾配、t − y ではない)、"
        "勾配降下の進む向き。",
        "probe": "プローブ x{i} = {u}, x{j} = {v}: y = {y}, t = {t}, ∇L = {d}, L = {L}。",
    },
}


def describe(plot: Plot, scene: Scene) -> str:
    """A few sentences: what is drawn, for which layer, its range, minimum, probe and path."""
    lang = "ja" if plot.lang == "ja" else "en"
    layer = _layer(plot)
    say = dict(_SAY[lang])
    by_loss: Any = _BY_LOSS[lang]
    kind = by_loss[layer.loss]
    named = kind["loss"].format(gamma=f"{layer.gamma:g}")
    say["layer"] = say["layer"].replace("{loss}", named)
    for key in ("range", "line", "point"):
        say[key] = say[key].replace("{unit}", kind["unit"]).replace("{entropy}", kind["entropy"])
    if layer.loss != "ce":  # no y - t: the gradient is J^T dL/dy
        say["arrows"], say["probe"] = by_loss["arrows"], by_loss["probe"]
    figures = _FIGURES[lang]
    i, j = layer.axes
    title = plain(scene.title) if scene.title else ""
    parts: list[str] = []
    if title:
        parts.append(title + say["end"])
    options: list[str] = []
    if layer.label_smoothing:
        options.append(say["smoothing"].format(v=f"{layer.label_smoothing:g}"))
    if layer.temperature != 1.0:
        options.append(say["temperature"].format(v=f"{layer.temperature:g}"))
    if layer.variant == "book":
        options.append(say["book"])
    if layer.k > 2:
        fixed = ", ".join(
            f"x{k}" if k in layer.axes else f"{v:g}" for k, v in enumerate(layer.logits)
        )
        options.append(say["logits"].format(v=fixed))
    lo, hi = (float(v) for v in plot.range)
    what = figures.get(plot.figure, figures["surface"])
    sentence = say["layer"].format(
        what=what, label=format_label(layer.t), i=i, j=j, lo=_g(lo), hi=_g(hi)
    )
    if options:
        sentence += say["with"] + say["and"].join(options)
    parts.append(sentence + say["end"])
    if scene.panels:
        from swl_viz.scene import loss_extremes

        grid = scene.panels[0].grid
        low, high = loss_extremes(grid)
        parts.append(say["range"].format(lo=_g(low), hi=_g(high)))
        parts.append(_minimum(layer, say))
        if minimum_line(layer) is None:
            loss = grid.loss
            r, c = np.unravel_index(int(np.argmin(loss)), loss.shape)
            u, v = _g(float(grid.x0[r, c])), _g(float(grid.x1[r, c]))
            parts.append(say["corner"].format(i=i, j=j, u=u, v=v))
        if plot.figure != "surface":
            parts.append(say["arrows"] + (say["unit"] if plot.normalize else say["scaled"]))
    if plot.probe is not None:
        p = probe_point(*plot.probe, layer)
        parts.append(
            say["probe"].format(i=i, j=j, u=_g(p.x0), v=_g(p.x1), y=_vec(p.y), t=_vec(p.target),
                                d=_vec(p.y - p.target if layer.loss == "ce" else p.grad),
                                L=_g(p.loss))
        )  # fmt: skip
    if plot.descent is not None:
        path = descent_path(*plot.descent, layer, lr=plot.lr, steps=plot.steps)
        parts.append(
            say["descent"].format(
                u=_g(float(path.x0[0])), v=_g(float(path.x1[0])), lr=f"{plot.lr:g}",
                n=path.steps, u1=_g(float(path.x0[-1])), v1=_g(float(path.x1[-1])),
                L1=_g(float(path.loss[-1])), L0=_g(float(path.loss[0])),
            )
        )  # fmt: skip
        if path.rises_at is not None:
            parts.append(say["rises"].format(k=path.rises_at, digits=path.digits))
    return ("" if lang == "ja" else " ").join(p for p in parts if p)


def _minimum(layer: Layer, say: dict[str, str]) -> str:
    """Where the loss is lowest, in words."""
    i, j = layer.axes
    low = minimum_line(layer)
    target = layer.target
    if low is None and target[i] > 0 and target[j] > 0:
        return ""  # a soft label under the focal loss: no closed form; the grid's lowest point
    if low is None:
        side = f"x{i} − x{j}" if target[i] >= target[j] else f"x{j} − x{i}"
        floor = _g(0.0) if layer.k == 2 else say["floor"]
        return say["one_hot"].format(floor=floor, side=side)
    if low.loss is not None:
        return say["line"].format(L=_g(low.loss), i=i, j=j, off=_g(low.offset))
    if low.lowest is not None:
        u, v, floor_ = low.lowest
        return say["point"].format(L=_g(floor_), i=i, j=j, u=_g(u), v=_g(v))
    return say["valley"].format(i=i, j=j, off=_g(low.offset))


__all__ = ["alt_text", "describe"]
