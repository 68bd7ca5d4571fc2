"""What the page's own script needs: the layer's settings, where each trace is, the controls.

The page draws the scene Python built (exact parity with the PNG) until the reader moves a
control or clicks the contour. From then on ``live.js`` computes the layer itself (exactly, as
:mod:`swl_viz.maths` does) and redraws the grid, the arrow field, the decision and minimum
lines, the probe and the descent path; the scene's labels, which Python placed, are hidden
while the state differs from the one Python drew, and shown again when it returns to it.
"""

from __future__ import annotations

import dataclasses
import html
import math
from typing import Any

from swl_viz.marks import (
    ARROW_FRACTION,
    BOX_MARGIN,
    BOX_STRETCH,
    LINE_SAMPLES,
    MAX_BOX_CLASSES,
    logit_label,
)
from swl_viz.options import LossKind, Variant
from swl_viz.palette import DECISION, HALO, MINIMUM, PATH, PROBE
from swl_viz.plotspec import Plot
from swl_viz.scene import (
    CONTOUR_LEVELS,
    DROP_SHARE,
    FLOOR_SHARE,
    REACH_2D,
    REACH_3D,
    default_title,
)
from swl_viz.shapes import Scene
from swl_viz.web.look import (
    _THEMES,
    HEAD_SHARE,
    HEAD_SIZE,
    LINE_LIFT,
    MARK_HEAD_SIZE,
    MIN_HEAD_SIZE,
    web_text,
)
from swl_viz.web.traces import _field_stride, _point_limit, _slots, _thinned
from swl_viz.words import plain, typeset, words

#: The temperature control's ends (log scale): 0.01 to 100, four decades around T = 1;
#: a figure drawn at a temperature outside widens it to hold that.
TEMPERATURE_CONTROL = (0.01, 100.0)

#: The focal loss's power on the page: the --gamma option's range.
GAMMA_CONTROL = (0.0, 5.0)

#: The controls' words, by language.
CONTROL_WORDS = {
    "en": {
        "controls": "Layer controls",
        "t0": "Teacher label t₀ (t = (t₀, 1 − t₀))",
        "temperature": "Temperature T (log scale)",
        "smoothing": "Label smoothing ε",
        "variant": "Cross-entropy as",
        "exact": "exact: −Σ t log y",
        "loss": "Loss",
        "ce": "cross-entropy: −Σ t log y",
        "mse": "squared error: ½Σ(y − t)²",
        "focal": "focal: −Σ t (1 − y)^γ log y",
        "gamma": "Focal power γ",
        "book": "the book's: −Σ t log(y + 10⁻⁷)",
        "probe_x0": "Probe {x0}",
        "probe_x1": "Probe {x1}",
        "place": "Place probe",
        "clear": "Clear probe",
        "reset": "Reset view",
        "hint": "Click the contour to place a probe and start a descent there.",
        "aspect": "Not to scale: one unit of {x1} is drawn {ratio} times as long as one of {x0}.",
        "probe_title": "The layer at the probe",
        "smoothed": "t (smoothed)",
        "about": "What the figure shows",
    },
    "ja": {
        "controls": "レイヤの設定",
        "t0": "教師ラベル t₀ (t = (t₀, 1 − t₀))",
        "temperature": "温度 T (対数目盛)",
        "smoothing": "ラベル平滑化 ε",
        "variant": "交差エントロピーの計算",
        "exact": "厳密: −Σ t log y",
        "loss": "損失",
        "ce": "交差エントロピー: −Σ t log y",
        "mse": "二乗誤差: ½Σ(y − t)²",
        "focal": "focal: −Σ t (1 − y)^γ log y",
        "gamma": "focal の指数 γ",
        "book": "本の実装: −Σ t log(y + 10⁻⁷)",
        "probe_x0": "プローブ {x0}",
        "probe_x1": "プローブ {x1}",
        "place": "プローブを置く",
        "clear": "プローブを消す",
        "reset": "元に戻す",
        "hint": "等高線図をクリックすると、その点にプローブを置き、そこから降下します。",
        "aspect": "縦横の縮尺は異なります: {x1} の 1 は {x0} の 1 の {ratio} 倍の長さです。",
        "probe_title": "プローブでのレイヤの値",
        "smoothed": "t (平滑化後)",
        "about": "この図が示すもの",
    },
}


def control_words(lang: str) -> dict[str, str]:
    return CONTROL_WORDS.get(lang, CONTROL_WORDS["en"])


def _titles(plot: Plot) -> dict[str, str | None]:
    """The title for each (variant, T = 1 or not), as the PNG would title it; a user's title
    stays, and no title stays none."""
    out: dict[str, str | None] = {}
    kinds: tuple[tuple[LossKind, Variant], ...] = (
        ("ce", "exact"), ("ce", "book"), ("mse", "exact"), ("focal", "exact")
    )  # fmt: skip
    for loss, variant in kinds:
        for key, temperature in (("1", 1.0), ("T", 2.0)):
            if plot.no_title:
                title = None
            elif plot.title is not None:
                title = web_text(plot.title)
            else:
                gamma = plot.gamma if loss == "focal" else 2.0  # gamma is the focal loss's
                other = dataclasses.replace(
                    plot, variant=variant, temperature=temperature, loss=loss, gamma=gamma
                )
                title = web_text(typeset(default_title(other)))  # as the scene sets it
            out[f"{loss}|{variant}|{key}"] = title
    return out


def _panels(plot: Plot, scene: Scene, detail: int) -> list[dict[str, Any]]:
    slots = _slots([scene])
    panels: list[dict[str, Any]] = []
    for n, panel in enumerate(scene.panels):
        sl = _thinned(panel.grid, _point_limit(plot, panel, detail))
        grid = panel.grid
        entry: dict[str, Any] = {
            "threeD": panel.three_d,
            "kind": panel.kind,
            "grid": next(
                i for i, s in enumerate(slots) if s.panel == n and s.key in ("surface", "contour")
            ),  # fmt: skip
            "field": [i for i, s in enumerate(slots) if s.panel == n and s.key.startswith("field")],
            "x": [float(v) for v in grid.x0[0, :][sl[1]]],
            "y": [float(v) for v in grid.x1[:, 0][sl[0]]],
        }
        field = panel.field
        if field is not None:
            q = _field_stride(field.x, detail)
            cols = field.x.shape[1]
            spacing = abs(float(field.x[0, min(1, cols - 1)] - field.x[0, 0])) or 1.0
            share = REACH_3D if panel.three_d else REACH_2D
            entry["fieldX"] = [float(v) for v in field.x[q].ravel()]
            entry["fieldY"] = [float(v) for v in field.y[q].ravel()]
            entry["reach"] = share * spacing * plot.arrow_scale
        panels.append(entry)
    return panels


def _slice_config(plot: Plot, scene: Scene) -> dict[str, Any] | None:
    """The slice's d samples and the words its live legend is made of; None for a plane."""
    curves = scene.curves
    if curves is None:
        return None
    w = words(plot.lang)
    d = curves.loss.x
    return {
        "lo": float(d[0]),
        "hi": float(d[-1]),
        "points": int(d.size),
        "words": {
            "L": typeset("$L$"),
            "d": typeset("$d$"),
            "dT": typeset("$d/T$"),
            "softplus1": typeset(w["softplus1"]),
            "book": typeset(r"$L = -\Sigma\, t \log(y + 10^{-7})$"),
            "backward": typeset(w["slice_backward"]),
            "bookSlope": typeset(w["book_slope"]),
            "mse": "L = ½Σ(y − t)²",
            "focal": "L = −Σ t (1 − y)^γ log y",
        },
    }


def _fixed_logits(plot: Plot, scene: Scene) -> str:
    """The subtitle's part about the fixed logits (K > 2), as the PNG writes it."""
    layer = plot.layer()
    if layer.k <= 2:
        return ""
    fixed = ", ".join(
        logit_label(i) if i in layer.axes else f"{v:g}" for i, v in enumerate(layer.logits)
    )
    return web_text(f"a = ({fixed})")


def live_config(plot: Plot, scene: Scene, detail: int) -> dict[str, Any]:
    """Everything ``live.js`` reads: the layer, the traces it redraws, the marks' looks."""
    layer = plot.layer()
    colours = _THEMES[plot.theme]
    w = words(plot.lang)
    cw = control_words(plot.lang)
    i, j = layer.axes
    return {
        "figure": plot.figure,
        "lang": plot.lang,
        "k": layer.k,
        "axes": [i, j],
        "logits": list(layer.logits),
        "t": list(layer.t),
        "temperature": layer.temperature,
        "labelSmoothing": layer.label_smoothing,
        "variant": layer.variant,
        "loss": layer.loss,
        "gamma": float(layer.gamma),
        "slice": _slice_config(plot, scene),
        "zscale": plot.zscale,
        "zlim": None if plot.zlim is None else [float(v) for v in plot.zlim],
        "normalize": bool(plot.normalize),
        "annotate": bool(plot.annotate),
        "lr": float(plot.lr),
        "steps": int(plot.steps),
        "probe": None if plot.probe is None else [float(v) for v in plot.probe],
        "descent": None if plot.descent is None else [float(v) for v in plot.descent],
        "titles": _titles(plot),
        "fixedLogits": _fixed_logits(plot, scene),
        "panels": _panels(plot, scene, detail),
        "levels": CONTOUR_LEVELS,
        "maxBoxClasses": MAX_BOX_CLASSES,
        "look": {
            "decision": DECISION,
            "minimum": MINIMUM,
            "path": PATH,
            "probe": PROBE,
            "halo": HALO,
            "text": colours["text"],
            "headShare": HEAD_SHARE,
            "floorShare": FLOOR_SHARE,
            "dropShare": DROP_SHARE,
            "lineLift": LINE_LIFT,
            "headSize": HEAD_SIZE,
            "minHeadSize": MIN_HEAD_SIZE,
            "markHeadSize": MARK_HEAD_SIZE,
            "arrowFraction": ARROW_FRACTION,
            "boxStretch": BOX_STRETCH,
            "boxMargin": BOX_MARGIN,
            "lineSamples": LINE_SAMPLES,
        },
        "words": {
            "label": plain(w["label"]),
            "logits": [plain(logit_label(i)), plain(logit_label(j))],
            "smoothed": cw["smoothed"],
            "probeTitle": cw["probe_title"],
            "aspect": cw["aspect"],
        },
    }


def _range_input(
    name: str, label: str, low: float, high: float, step: float, value: float, shown: str
) -> str:
    return (
        f'<div class="swl-control"><label for="swl-{name}">{html.escape(label)}</label>'
        f'<input type="range" id="swl-{name}" name="{name}" min="{low:g}" max="{high:g}" '
        f'step="{step:g}" value="{value:.6g}" aria-describedby="swl-{name}-value">'
        f'<output id="swl-{name}-value" for="swl-{name}">{html.escape(shown)}</output></div>'
    )


def temperature_and_smoothing(cw: dict[str, str], temperature: float, eps: float) -> list[str]:
    """The temperature's control, on a log scale over :data:`TEMPERATURE_CONTROL` widened to
    hold ``temperature``, and label smoothing's, 0 to 1: the plane's page and the simplex's."""
    low, high = TEMPERATURE_CONTROL
    low, high = min(low, temperature), max(high, temperature)
    return [
        _range_input("temperature", cw["temperature"], math.log10(low), math.log10(high), 0.01,
                     math.log10(temperature), f"{temperature:g}"),
        _range_input("smoothing", cw["smoothing"], 0.0, 1.0, 0.01, eps, f"{eps:g}"),
    ]  # fmt: skip


def controls_html(plot: Plot, scene: Scene) -> str:
    """The page's native controls: each a labelled input a keyboard can move."""
    layer = plot.layer()
    cw = control_words(plot.lang)
    parts = [f'<form id="swl-viz-controls" class="swl-controls" aria-label="{cw["controls"]}">']
    if layer.k == 2:
        t0 = layer.t[0]
        parts.append(_range_input("t0", cw["t0"], 0.0, 1.0, 0.01, t0, f"{t0:g}"))
    parts += temperature_and_smoothing(cw, layer.temperature, layer.label_smoothing)
    options = "".join(
        f'<option value="{v}"{" selected" if layer.variant == v else ""}>'
        f"{html.escape(cw[v])}</option>"
        for v in ("exact", "book")
    )
    other = layer.loss != "ce"  # the book's 1e-7 is the cross-entropy's: no variant for others
    parts.append(
        f'<div class="swl-control"><label for="swl-variant">{cw["variant"]}</label>'
        f'<select id="swl-variant" name="variant"{" disabled" if other else ""}>{options}'
        "</select></div>"
    )
    losses = "".join(
        f'<option value="{v}"{" selected" if layer.loss == v else ""}>{html.escape(cw[v])}</option>'
        for v in ("ce", "mse", "focal")
    )
    parts.append(
        f'<div class="swl-control"><label for="swl-loss">{cw["loss"]}</label>'
        f'<select id="swl-loss" name="loss">{losses}</select></div>'
    )
    low_g, high_g = GAMMA_CONTROL
    hidden = "" if layer.loss == "focal" else " hidden"
    parts.append(
        f'<div class="swl-control" id="swl-gamma-control"{hidden}>'
        f'<label for="swl-gamma">{cw["gamma"]}</label>'
        f'<input type="number" id="swl-gamma" name="gamma" min="{low_g:g}" max="{high_g:g}" '
        f'step="0.5" value="{layer.gamma:g}"></div>'
    )
    if scene.curves is not None:  # the slice has no plane to probe
        parts.append(
            '<div class="swl-control swl-buttons">'
            f'<button type="button" id="swl-reset">{cw["reset"]}</button></div></form>'
        )
        return "".join(parts)
    x0, x1 = (plain(logit_label(a)) for a in layer.axes)
    probe = plot.probe if plot.probe is not None else (None, None)
    for name, axis, value in (("probe-x0", x0, probe[0]), ("probe-x1", x1, probe[1])):
        label = cw["probe_x0" if name.endswith("0") else "probe_x1"].format(x0=x0, x1=x1)
        shown = "" if value is None else f' value="{value:g}"'
        parts.append(
            f'<div class="swl-control swl-number"><label for="swl-{name}">'
            f"{html.escape(label)}</label>"
            f'<input type="number" id="swl-{name}" name="{name}" step="any"{shown}></div>'
        )
        del axis
    parts.append(
        '<div class="swl-control swl-buttons">'
        f'<button type="submit" id="swl-place">{cw["place"]}</button>'
        f'<button type="button" id="swl-clear">{cw["clear"]}</button>'
        f'<button type="button" id="swl-reset">{cw["reset"]}</button></div>'
    )
    parts.append("</form>")
    return "".join(parts)


def hint(plot: Plot) -> str:
    return control_words(plot.lang)["hint"]


__all__ = ["control_words", "controls_html", "hint", "live_config"]
