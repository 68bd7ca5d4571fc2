"""The losses' comparison as a web page: why softmax goes with cross-entropy, in plotly.

The page draws what :func:`swl_viz.compare.compare_losses` computes and the PNG draws
(:mod:`swl_viz.mpl.compare`), in the same places: a first column shared by the losses (each loss
along the gap x_t - x_o above the key and the numbers), then one column per loss (its chain-rule
factors |dL/dy|, the softmax Jacobian's share and |grad L| along the gap on a log scale, above
|grad L| over the plane on the shared log colour scale, the stall region hatched, and the same
descent). Its words are the PNG's, in Unicode; hovering gives the numbers. A short description
follows the figure. Nothing is computed here; plotly is imported only inside
:func:`losses_html`, which inlines plotly.js (one self-contained, offline file).
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

from swl_viz.compare import (
    Column,
    Comparison,
    compare_losses,
    key_lines,
    loss_name,
    plane_title,
    ratio_text,
)
from swl_viz.marks import num
from swl_viz.palette import HALO, LOSS_CURVE, PATH, SLOPE_CURVE
from swl_viz.plotspec import Plot
from swl_viz.scene import default_title
from swl_viz.web.look import _THEMES, VIRIDIS, web_text
from swl_viz.words import typeset, words

__all__ = ["DIV", "losses_figure_dict", "losses_html"]

#: The plot element's id.
DIV = "swl-viz-losses"
#: Each loss's colour, as on the PNG.
COLOURS = {"ce": LOSS_CURVE, "mse": SLOPE_CURVE, "focal": "#b05cc6"}
#: The chain rule's three curves, by dash, as the PNG's line styles.
DASHES = {"dy": "dash", "share": "dot", "grad": "solid"}
#: The key's line-style marks, in text.
_KEY_MARKS = {"dy": "– – ", "share": "··· ", "grad": "—— "}
#: At most this many points per axis of a plane reach the page.
MAX_PLANE_POINTS = 101
#: Rows: the curves along the gap above, the planes below (fractions of the height).
TOP, BOTTOM = (0.58, 0.93), (0.06, 0.44)

#: The description under the figure, in each language.
ABOUT = {
    "en": (
        "For the label t = {t}, the cross-entropy beside squared error{focal}, each on the same "
        "softmax. Above, along the gap {gap}: the chain rule's factors |∂L/∂y| (dashed) and the "
        "softmax Jacobian's share (dotted), and their product |∇L| (solid). For the "
        "cross-entropy the two cancel and |∇L| stays near √2 when the model is confidently "
        "wrong; for squared error the product vanishes. At a gap of {ratio_gap} |∇L| is {ratio} "
        "times larger under the cross-entropy. Below: |∇L| over the plane on one logarithmic "
        "colour scale, hatched where it is below {stall} (learning stalls there), and the same "
        "descent from ({x0}, {x1}) with lr {lr} under each loss: {steps}."
    ),
    "ja": (
        "ラベル t = {t} について、交差エントロピーと二乗誤差{focal}を"
        "同じソフトマックスの上で比べる。"
        "上段はギャップ {gap} に沿った連鎖律の因子 |∂L/∂y|（破線）とソフトマックスのヤコビアンの"
        "寄与（点線）、その積 |∇L|（実線）。交差エントロピーでは両者が打ち消し合い、自信を持って"
        "間違えたときも |∇L| は √2 近くに保たれるが、二乗誤差では積が消える。ギャップ {ratio_gap} "
        "で |∇L| は交差エントロピーの方が {ratio} 倍大きい。下段は平面上の |∇L|（対数の共通色"
        "スケール、{stall} 未満の学習が止まる領域に斜線）と、({x0}, {x1}) から lr {lr} で始めた"
        "同じ降下：{steps}。"
    ),
}


def _f(a: Any) -> list[float | None]:
    """Numbers as JSON takes them: NaN and inf as null (a gap)."""
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=float).ravel()]


def _axis(n: int) -> str:
    return "" if n == 1 else str(n)


def _columns(n: int) -> list[tuple[float, float]]:
    """Each column's x domain: the shared one first, then one per loss."""
    width = 1.0 / (n + 1)
    return [(width * c + 0.045, width * (c + 1) - 0.012) for c in range(n + 1)]


def _power(e: float) -> str:
    return typeset(f"$10^{{{round(e)}}}$")


def _stall_patches(col: Column, stall: float, x: Any, y: Any) -> dict[str, Any] | None:
    """The region where |grad L| < ``stall`` as hatched polygons (plotly's heatmaps take no
    hatch): the filled contour of the grid, its outlines joined by gaps."""
    from contourpy import FillType, contour_generator

    norm = np.asarray(col.norm, dtype=np.float64)
    if not (norm < stall).any():
        return None
    gen = contour_generator(x, y, norm, fill_type=FillType.OuterOffset)
    xs: list[float | None] = []
    ys: list[float | None] = []
    filled: Any = gen.filled(-1.0, stall)  # (polygons' points, where each ring starts)
    for points, starts in zip(filled[0], filled[1], strict=True):
        for a, b in zip(starts[:-1], starts[1:], strict=True):
            ring = np.asarray(points[a:b], dtype=np.float64)
            xs += [*_f(ring[:, 0]), None]
            ys += [*_f(ring[:, 1]), None]
    return {"type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself",
            "fillcolor": "rgba(0,0,0,0)", "line": {"color": HALO, "width": 1},
            "fillpattern": {"shape": "/", "fgcolor": HALO, "bgcolor": "rgba(0,0,0,0)",
                            "size": 10, "solidity": 0.15},
            "hoverinfo": "skip", "showlegend": False, "name": "stall"}  # fmt: skip


def losses_figure_dict(plot: Plot, cmp: Comparison | None = None) -> dict[str, Any]:
    """The plotly figure of ``plot``'s comparison as plain data; needs no plotly."""
    cmp = compare_losses(plot) if cmp is None else cmp
    w = words(plot.lang)
    look = _THEMES[plot.theme]
    text_colour, background = look["text"], look["background"]
    grid_colour = look["grid"]
    n = len(cmp.columns)
    cols = _columns(n)
    lo, hi = plot.range
    t, o = cmp.true_class, cmp.other_class
    gap_label = typeset(f"$x_{{{t}}} - x_{{{o}}}$")
    data: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    notes: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []

    def axes(n_axis: int, domain_x: tuple[float, float], domain_y: tuple[float, float],
             **extra: Any) -> None:  # fmt: skip
        name = _axis(n_axis)
        common = {"color": text_colour, "gridcolor": grid_colour, "zeroline": False,
                  "linecolor": text_colour, "mirror": True, "showline": True}  # fmt: skip
        layout[f"xaxis{name}"] = {"domain": list(domain_x), "anchor": f"y{name}", **common,
                                  **extra.pop("x", {})}  # fmt: skip
        layout[f"yaxis{name}"] = {"domain": list(domain_y), "anchor": f"x{name}", **common,
                                  **extra.pop("y", {})}  # fmt: skip

    def title(n_axis: int, text: str, colour: str = text_colour) -> None:
        name = _axis(n_axis)
        notes.append({"text": web_text(text), "xref": f"x{name} domain", "yref": f"y{name} domain",
                      "x": 0.0, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
                      "showarrow": False, "font": {"color": colour, "size": 16},
                      "name": "panel-title"})  # fmt: skip

    # the shared column: each loss along the gap
    for col in cmp.columns:
        data.append({"type": "scatter", "x": _f(col.gap), "y": _f(col.loss), "mode": "lines",
                     "line": {"color": COLOURS[col.kind], "width": 2.5},
                     "name": web_text(loss_name(w, col.kind, col.layer.gamma)),
                     "hovertemplate": "L = %{y:.4~g}<extra>%{fullData.name}</extra>"})  # fmt: skip
    axes(1, cols[0], TOP, x={"title": {"text": gap_label}, "range": [lo, hi]},
         y={"range": [cmp.loss_range[0], cmp.loss_range[1] * 1.05]})  # fmt: skip
    title(1, w["losses_loss"])
    f_lo, f_hi = cmp.factor_range
    norm_lo, norm_hi = cmp.norm_range
    ticks = list(range(math.ceil(math.log10(norm_lo)), math.floor(math.log10(norm_hi)) + 1))
    for c, col in enumerate(cmp.columns, start=1):
        colour = COLOURS[col.kind]
        top, bottom = c + 1, n + 1 + c
        dy = np.where(np.isfinite(col.dl_dy) & (col.dl_dy > 0), col.dl_dy, np.nan)
        share = np.where(col.share > 0, col.share, np.nan)
        grad = np.where(col.grad > 0, col.grad, np.nan)
        names = (("dy", dy), ("share", share), ("grad", grad))
        for style, values in names:
            name = plain_key(w, style)
            data.append({"type": "scatter", "x": _f(col.gap), "y": _f(values), "mode": "lines",
                         "line": {"color": colour, "width": 2.5 if style == "grad" else 1.8,
                                  "dash": DASHES[style]},
                         "name": name, "showlegend": False, "xaxis": f"x{top}", "yaxis": f"y{top}",
                         "hovertemplate": name + " = %{y:.4~g}<extra></extra>"})  # fmt: skip
        axes(top, cols[c], TOP, x={"title": {"text": gap_label}, "range": [lo, hi]},
             y={"type": "log", "range": [math.log10(f_lo / 2), math.log10(f_hi * 2)],
                "showticklabels": c == 1, "exponentformat": "power"})  # fmt: skip
        shapes.append({"type": "line", "xref": f"x{top}", "yref": f"y{top} domain",
                       "x0": cmp.ratio_gap, "x1": cmp.ratio_gap, "y0": 0, "y1": 1,
                       "line": {"color": text_colour, "width": 1, "dash": "dot"}})  # fmt: skip
        title(top, loss_name(w, col.kind, col.layer.gamma, "title"), colour)
        # below: |grad L| over the plane, the stall region and the descent
        every = max(1, -(-(len(col.x0) - 1) // (MAX_PLANE_POINTS - 1)))
        x, y = col.x0[::every], col.x1[::every]
        shown = np.clip(col.norm[::every, ::every], norm_lo, norm_hi)
        data.append({"type": "heatmap", "x": _f(x), "y": _f(y),
                     "z": [_f(row) for row in np.log10(shown)], "coloraxis": "coloraxis",
                     "customdata": [_f(row) for row in shown],
                     "hovertemplate": "x₀ = %{x:.4~g}<br>x₁ = %{y:.4~g}<br>|∇L| = "
                                      "%{customdata:.3~g}<extra></extra>",
                     "name": "norm", "xaxis": f"x{bottom}", "yaxis": f"y{bottom}"})  # fmt: skip
        patches = _stall_patches(col, cmp.stall, col.x0, col.x1)
        if patches is not None:
            data.append({**patches, "xaxis": f"x{bottom}", "yaxis": f"y{bottom}"})
        path = col.path
        end = col.steps_to if col.steps_to is not None else path.steps
        data.append({"type": "scatter", "x": _f(path.x0), "y": _f(path.x1), "mode": "lines",
                     "line": {"color": PATH, "width": 3}, "name": "path", "showlegend": False,
                     "customdata": _f(path.loss),
                     "hovertemplate": "step %{pointNumber}: L = %{customdata:.4~g}"
                                      "<extra></extra>",
                     "xaxis": f"x{bottom}", "yaxis": f"y{bottom}"})  # fmt: skip
        for at, symbol, role in ((0, "circle", "path-start"), (end, "x", "path-end")):
            data.append({"type": "scatter", "x": [float(path.x0[at])],
                         "y": [float(path.x1[at])], "mode": "markers", "name": role,
                         "marker": {"symbol": symbol, "size": 12, "color": PATH,
                                    "line": {"color": HALO, "width": 1.5}},
                         "showlegend": False, "hoverinfo": "skip",
                         "xaxis": f"x{bottom}", "yaxis": f"y{bottom}"})  # fmt: skip
        i, j = col.layer.axes
        axes(bottom, cols[c], BOTTOM,
             x={"title": {"text": typeset(f"$x_{{{i}}}$")}, "range": [lo, hi]},
             y={"title": {"text": typeset(f"$x_{{{j}}}$") if c == 1 else ""}, "range": [lo, hi],
                "showticklabels": c == 1})  # fmt: skip
        title(bottom, plane_title(cmp, col, w))
    # the key and the numbers, above the colour scale
    lines = key_lines(cmp, w)
    said = "<br>".join(
        web_text(("" if style is None else _KEY_MARKS[style]) + text) for style, text in lines
    )
    notes.append({"text": said, "xref": "paper", "yref": "paper", "x": cols[0][0] - 0.04,
                  "y": BOTTOM[1] + 0.02, "xanchor": "left", "yanchor": "top", "align": "left",
                  "showarrow": False, "font": {"color": text_colour, "size": 14},
                  "name": "losses-key"})  # fmt: skip
    stall_label = web_text(w["stall"].format(threshold=f"{cmp.stall:g}"))
    scale = [[k / (len(VIRIDIS) - 1), c] for k, c in enumerate(VIRIDIS)]
    layout["coloraxis"] = {
        "colorscale": scale, "cmin": math.log10(norm_lo), "cmax": math.log10(norm_hi),
        "colorbar": {"orientation": "h", "x": cols[0][0] - 0.04, "xanchor": "left",
                     "len": cols[0][1] - cols[0][0] + 0.03, "y": BOTTOM[0], "yanchor": "bottom",
                     "thickness": 14, "tickvals": ticks, "ticktext": [_power(e) for e in ticks],
                     "title": {"text": stall_label, "side": "top"},
                     "tickfont": {"color": text_colour}},
    }  # fmt: skip
    title_text = plot.title if plot.title is not None else default_title(plot)
    layout.update({
        "template": {},
        "paper_bgcolor": background, "plot_bgcolor": background,
        "font": {"color": text_colour, "family": "sans-serif", "size": 14},
        "title": {"text": "" if plot.no_title or title_text is None else web_text(title_text),
                  "x": 0.01, "font": {"size": 24}},
        "margin": {"t": 70, "b": 50, "l": 40, "r": 20},
        "annotations": notes,
        "shapes": shapes,
        "legend": {"x": cols[0][1], "xanchor": "right", "y": TOP[1], "yanchor": "top",
                   "bgcolor": look.get("box", background), "font": {"size": 13}},
        "hovermode": "closest",
    })  # fmt: skip
    return {"data": data, "layout": layout}


def plain_key(w: dict[str, str], style: str) -> str:
    """A chain-rule curve's name for hover: the key's words, in Unicode."""
    key = {"dy": "factor_dy", "share": "factor_jac", "grad": "factor_grad"}[style]
    return web_text(w[key])


def describe(plot: Plot, cmp: Comparison) -> str:
    """The page's description, in the plot's language."""
    w = words(plot.lang)
    steps = "; ".join(
        f"{loss_name(w, c.kind, c.layer.gamma, 'short')}: {typeset(plane_title(cmp, c, w))}"
        for c in cmp.columns
    )
    focal = ""
    if len(cmp.columns) > 2:
        focal = (", and the focal loss" if plot.lang == "en" else "、焦点損失") + (
            f" (γ = {cmp.columns[2].layer.gamma:g})"
        )
    t, o = cmp.true_class, cmp.other_class
    return ABOUT["ja" if plot.lang == "ja" else "en"].format(
        t="(" + ", ".join(f"{v:g}" for v in plot.t) + ")",
        focal=focal,
        gap=typeset(f"$x_{{{t}}} - x_{{{o}}}$"),
        ratio_gap=num(cmp.ratio_gap),
        ratio=ratio_text(cmp.ratio),
        stall=f"{cmp.stall:g}",
        x0=num(cmp.start[0]),
        x1=num(cmp.start[1]),
        lr=num(cmp.lr),
        steps=steps,
    )


def losses_html(plot: Plot) -> bytes:
    """One self-contained, offline HTML page of the comparison (UTF-8): plotly.js inlined, the
    figure, then its description; the same bytes on every call."""
    import plotly.io as pio

    cmp = compare_losses(plot)
    spec = losses_figure_dict(plot, cmp)
    engine = pio.json.config.default_engine
    pio.json.config.default_engine = "json"  # the same floats whatever is installed
    try:
        page: str = pio.to_html(
            spec, include_plotlyjs=True, include_mathjax=False, full_html=True, div_id=DIV,
            config={"displaylogo": False, "responsive": True}, validate=True,
            default_width="100%", default_height="88vh",
        )  # fmt: skip
    finally:
        pio.json.config.default_engine = engine
    look = _THEMES[plot.theme]
    title_text = plot.title if plot.title is not None else default_title(plot)
    title = html.escape(web_text(title_text or "swl-viz losses").replace("<br>", " "))
    style = (
        f"<style>html, body {{margin: 0; background: {look['background']}; "
        f"color: {look['text']}; font-family: sans-serif;}} "
        ".swl-about {padding: 0.2em 1em 1em; max-width: 70em; line-height: 1.45;}</style>"
    )
    about = html.escape(describe(plot, cmp))
    head = (
        f'<head>\n    <meta charset="utf-8">\n    <title>{title}</title>\n'
        f'    <meta name="description" content="{about}">\n    {style}'
    )
    page = page.replace("<head>", head, 1)
    page = page.replace("<html>", f'<html lang="{plot.lang}">', 1)
    page = page.replace(
        "</body>", f'<p class="swl-about" id="swl-viz-summary">{about}</p>\n</body>', 1
    )
    page = page.lstrip()
    if page[:15].lower() == "<!doctype html>":
        page = page[15:].lstrip()
    page = "<!DOCTYPE html>\n" + page
    return page.encode("utf-8")
