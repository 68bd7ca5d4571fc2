"""swl_viz.web: one offline HTML file per figure, whose hover numbers are the layer's own."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from slides_tools import strings as _strings

import swl_viz
from swl_viz.errors import SwlVizError
from swl_viz.options import figure_formats
from swl_viz.plotspec import FigureKind, Plot
from swl_viz.scene import build_scene
from swl_viz.web import (
    DETAILS,
    _figure,
    figure_dict,
    number,
    render_html,
    web_text,
)

pytest.importorskip("plotly")

#: Files stay below this at the default grid and at step 0.5.
MAX_BYTES = 6_000_000
FIGURES: tuple[FigureKind, ...] = ("surface", "quiver", "contour")


def _axes(trace: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(trace["x"]), np.asarray(trace["y"])


def _check_hover(
    plot: Plot, trace: dict[str, Any], hover: dict[str, Any], t: tuple[float, ...]
) -> None:
    """The hover numbers of ``trace`` (z or L, y as text, the gradient) at a few grid points are
    what softmax_with_loss gives there."""
    xs, ys = _axes(hover)
    rows, cols = np.asarray(trace["z"]).shape
    custom = np.asarray(trace["customdata"])
    text = np.asarray(hover["text"])
    if trace["type"] == "surface":  # plotly reads a surface's customdata and text as [col][row]
        custom, text = custom.swapaxes(0, 1), text.swapaxes(0, 1)
    g = 1 if plot.zscale == "log" else 0
    i, j = plot.axes
    for r, c in ((0, 0), (0, cols - 1), (rows - 1, 0), (rows // 2, cols // 2), (rows // 3, 2)):
        a = np.array(plot.logits if plot.logits is not None else [0.0] * len(t), dtype=float)
        a[i], a[j] = xs[c], ys[r]
        loss, grad = swl_viz.softmax_with_loss(
            a,
            t,
            label_smoothing=plot.label_smoothing,
            temperature=plot.temperature,
            variant=plot.variant,
        )
        shown_loss = custom[r, c, 0] if plot.zscale == "log" else trace["z"][r, c]
        np.testing.assert_allclose(shown_loss, loss, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(custom[r, c, g : g + 2], grad[[i, j]], rtol=1e-12, atol=1e-15)
        y = swl_viz.softmax(a / plot.temperature)
        assert text[r, c] == ", ".join(number(v) for v in y)


@pytest.mark.parametrize("figure", FIGURES)
def test_one_file_that_fetches_nothing(figure: FigureKind) -> None:
    page = render_html(Plot(figure=figure)).decode("utf-8")
    assert page.startswith("<html>") or page.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    # the markup around the inlined scripts (whose code mentions URLs it never loads here)
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.DOTALL | re.IGNORECASE)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", markup, re.IGNORECASE)
    assert not re.search(r"https?:", markup, re.IGNORECASE)
    assert "Plotly.newPlot(" in page and "plotly.js v" in page  # the library itself is inside


@pytest.mark.parametrize("figure", [*FIGURES, "pair"])
@pytest.mark.parametrize("step", [2.0, 0.5])
def test_size_stays_under_6_mb(figure: FigureKind, step: float) -> None:
    assert len(render_html(Plot(figure=figure, step=step))) <= MAX_BYTES
    # the largest: L stored for a log axis, the most arrows asked for, and every mark: the
    # book's cap, a probe, a descent
    most = {"arrows": 200} if figure != "surface" else {}  # the surface draws no arrows
    worst = Plot(
        figure=figure,
        step=step,
        t=(0.25, 0.75),
        zscale="log",
        variant="book",
        probe=(2.0, -3.0),
        descent=(-6.0, 4.0),
        **most,  # type: ignore[arg-type]
    )
    assert len(render_html(worst)) <= MAX_BYTES


@pytest.mark.slow
def test_a_long_descent_is_thinned_last_and_kept_whole_before() -> None:
    """A descent of many thousand steps passes 6 MB at any grid; only then are the lines
    sampled (about 401 points each, both ends kept)."""
    plot = Plot(figure="pair", descent=(-6.0, 4.0), steps=10_000, lr=0.5, t=(0.25, 0.75))
    page = render_html(plot)
    assert len(page) <= MAX_BYTES
    path = next(t for t in figure_dict(plot)["data"] if t.get("meta") == "path")
    assert len(path["x"]) == 10_001  # the figure dict itself draws every step
    scene = build_scene(plot)
    coarse = _figure(plot, scene, len(DETAILS) - 1)
    thinned = next(t for t in coarse["data"] if t.get("meta") == "path")
    line = next(x for x in scene.panels[0].lines if x.role == "path")
    assert 300 < len(thinned["x"]) <= 402
    assert thinned["x"][0] == np.float32(line.x[0]) and thinned["x"][-1] == np.float32(line.x[-1])
    assert np.isin(thinned["x"], line.x.astype(np.float32)).all()


@pytest.mark.parametrize("figure", FIGURES)
def test_hover_shows_the_layers_numbers(figure: FigureKind) -> None:
    plot = Plot(figure=figure, t=(0.3, 0.7), range=(-30.0, 30.0), step=1.5)
    spec = figure_dict(plot)
    main = spec["data"][0]
    assert "%{z:.6~g}" in main["hovertemplate"] and "%{text}" in main["hovertemplate"]
    _check_hover(plot, main, main, plot.t)


@pytest.mark.parametrize(
    "options",
    [
        {"label_smoothing": 0.2, "temperature": 2.0},
        {"variant": "book"},
        {"zscale": "log"},
        {"t": (0.0, 0.0, 1.0), "logits": (0.0, 1.0, 0.0), "axes": (0, 2)},
        {"t": (0.2, 0.5, 0.3), "logits": (0.0, -3.0, 0.0), "axes": (2, 0), "temperature": 0.5},
    ],
)
def test_hover_follows_every_layer_option(options: dict[str, Any]) -> None:
    for figure in ("surface", "contour"):
        plot = Plot(figure=figure, step=4.0, **options)
        spec = figure_dict(plot)
        _check_hover(plot, spec["data"][0], spec["data"][0], plot.t)


def test_the_hover_data_in_the_file_is_the_figures() -> None:
    plot = Plot(figure="contour", t=(0.7, 0.3))
    page = render_html(plot).decode("utf-8")
    spec = figure_dict(plot)
    for array in (spec["data"][0]["customdata"], spec["data"][0]["z"]):
        assert base64.b64encode(np.ascontiguousarray(array).tobytes()).decode() in page
    assert "0.880797, 0.119203" in page  # y at x = (2, 0), as text


def _controls(page: str) -> dict[str, str]:
    """The page's labelled inputs: each input's id and the text of the label naming it."""
    labels = {
        m.group(1): m.group(2) for m in re.finditer(r'<label for="([^"]+)">([^<]*)</label>', page)
    }
    inputs = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page)
    assert set(inputs) <= set(labels), "every input has a visible label naming it"
    return {i: labels[i] for i in inputs}


def test_native_labelled_controls() -> None:
    page = render_html(Plot(figure="surface", t=(0.25, 0.75), temperature=2.0)).decode()
    controls = _controls(page)
    assert list(controls) == ["swl-t0", "swl-temperature", "swl-smoothing", "swl-variant",
                              "swl-loss", "swl-gamma", "swl-probe-x0", "swl-probe-x1"]  # fmt: skip
    assert "Loss" in controls["swl-loss"] and "γ" in controls["swl-gamma"]
    assert "t₀" in controls["swl-t0"] and "T" in controls["swl-temperature"]
    assert "ε" in controls["swl-smoothing"]
    t0 = re.search(r'<input type="range" id="swl-t0"[^>]*>', page)
    assert t0 and 'min="0"' in t0[0] and 'max="1"' in t0[0] and 'value="0.25"' in t0[0]
    temperature = re.search(r'<input type="range" id="swl-temperature"[^>]*>', page)
    assert temperature and 'min="-2"' in temperature[0] and 'max="2"' in temperature[0]
    assert f'value="{math.log10(2.0):.6g}"' in temperature[0]  # a log scale: 0.01 to 100
    assert '<option value="exact" selected>' in page and '<option value="book">' in page
    assert '<option value="ce" selected>' in page and '<option value="mse">' in page
    assert re.search(r'<div class="swl-control" id="swl-gamma-control" hidden>', page)
    focal = render_html(Plot(figure="contour", loss="focal", gamma=1.5)).decode()
    assert '<option value="focal" selected>' in focal and 'value="1.5"' in focal
    assert '<div class="swl-control" id="swl-gamma-control">' in focal
    assert re.search(r'<select id="swl-variant" name="variant" disabled>', focal)


def test_no_label_control_for_more_classes() -> None:
    page = render_html(Plot(figure="contour", t=(0.0, 0.0, 1.0), logits=(0.0, 1.0, 0.0))).decode()
    controls = _controls(page)
    assert "swl-t0" not in controls and "swl-temperature" in controls
    wide = render_html(Plot(figure="contour", temperature=1e-3)).decode()
    temperature = re.search(r'<input type="range" id="swl-temperature"[^>]*>', wide)
    assert temperature and 'min="-3"' in temperature[0]  # widened to hold the figure's T


def test_traces_of_each_figure() -> None:
    """The grid and its arrow field first, then one trace per role of mark, named by it."""
    figures: tuple[FigureKind, ...] = (*FIGURES, "pair")
    kinds = {f: [t["type"] for t in figure_dict(Plot(figure=f))["data"]] for f in figures}
    assert kinds["surface"][:1] == ["surface"]
    assert kinds["quiver"][:3] == ["surface", "scatter3d", "cone"]
    assert kinds["contour"][:2] == ["contour", "scatter"]
    assert [k for k in kinds["pair"] if k in ("surface", "contour")] == ["surface", "contour"]
    spec = figure_dict(Plot(figure="contour", probe=(2.0, -3.0), descent=(-6.0, 4.0)))
    roles = [t.get("meta") for t in spec["data"][2:]]
    assert roles == ["decision", "path-outline", "path", "path-steps",
                     "path-start", "path-end", "probe-point", "probe-arrow"]  # fmt: skip


def test_pair_is_one_page_of_two_panels_side_by_side() -> None:
    assert "html" in figure_formats("pair")
    spec = figure_dict(Plot(figure="pair", t=(0.3, 0.7)))
    layout = spec["layout"]
    left, right = layout["scene"]["domain"]["x"], layout["xaxis"]["domain"]
    assert 0.0 <= left[0] < left[1] < right[0] < right[1] <= 1.0
    surface, contour = (
        next(t for t in spec["data"] if t["type"] == k) for k in ("surface", "contour")
    )
    assert surface["scene"] == "scene" and contour["xaxis"] == "x"
    for trace in spec["data"]:  # every trace sits in one of the two panels
        assert ("scene" in trace) != ("xaxis" in trace), trace.get("meta")
    assert (
        len(render_html(Plot(figure="pair", step=0.5, zscale="log", t=(0.25, 0.75)))) <= MAX_BYTES
    )


@pytest.mark.parametrize(
    "options",
    [
        {"t": (0.7, 0.3)},
        {"t": (0.7, 0.3), "variant": "book", "temperature": 2.0},
        {"t": (0.2, 0.5, 0.3), "logits": (0.0, 1.0, -2.0), "label_smoothing": 0.1},
        {"t": (1.0, 0.0), "loss": "mse", "lang": "ja"},
    ],
)
def test_the_slice_page_draws_the_slice_scene(options: dict[str, Any]) -> None:
    """Every curve, guide and point of the slice's scene is a trace holding its numbers; its
    labels, subtitle, title, axis titles and legend are the scene's words in Unicode, no TeX."""
    plot = Plot(figure="slice", **options)
    assert "html" in figure_formats("slice")
    curves = build_scene(plot).curves
    assert curves is not None
    spec = figure_dict(plot)
    traces = {t["meta"]: t for t in spec["data"]}
    shapes: dict[str, tuple[Any, Any]] = {
        line.role: (line.x, line.y) for line in (curves.loss, *curves.lines, *curves.slopes)
    }
    shapes |= {p.role: ([p.at[0]], [p.at[1]]) for p in curves.points}
    for role, trace in traces.items():
        if role in shapes:
            x, y = shapes[role]
            np.testing.assert_array_equal(trace["x"], x)
            np.testing.assert_array_equal(trace["y"], y)
            assert trace["yaxis"] == ("y2" if role in ("slope", "book-slope") else "y")
        elif role.startswith("slope-limit"):
            level = curves.levels[0 if role.endswith("left") else 1]
            np.testing.assert_array_equal(trace["y"], [level, level])
        else:
            assert len(trace["x"]) == 0, role  # a guide this scene does not have
    assert set(shapes) <= set(traces)
    layout = spec["layout"]
    texts = sorted(a["text"] for a in layout["annotations"])
    want = [web_text(label.text) for label in curves.labels] + [web_text(curves.subtitle)]
    assert texts == sorted(want)
    assert layout["title"]["text"] == web_text(build_scene(plot).title or "")
    assert [layout[k]["title"]["text"] for k in ("yaxis", "yaxis2", "xaxis2")] == [
        web_text(v) for v in curves.axis_labels
    ]
    assert layout["yaxis"]["range"] == list(curves.ylim)
    assert layout["yaxis2"]["range"] == list(curves.slope_ylim)
    legend = [t["name"] for t in spec["data"] if t["showlegend"]]
    named = [curves.legend] if curves.legend else []
    assert legend == [web_text(v) for v in [*named, *(curves.slope_legend or ())]]
    for text in (*texts, *legend, layout["title"]["text"]):
        assert "$" not in text and "\\" not in text, text
    page = render_html(plot).decode()
    assert len(page) <= MAX_BYTES
    for part in ("swl-viz-figure", "swl-viz-config"):  # what the page's script shows: no TeX
        data = page.split(f'id="{part}">', 1)[1].split("</script>", 1)[0]
        assert "\\\\mathrm" not in data and "$" not in data, part


@pytest.mark.parametrize(
    ("options", "view"),
    [
        ({}, (20.0, 255.0)),
        ({"t": (0.0, 1.0)}, (20.0, 195.0)),
        ({"t": (0.5, 0.5)}, (20.0, 225.0)),
        ({"elev": 35.0, "azim": 30.0}, (35.0, 30.0)),
    ],
)
def test_the_camera_starts_at_the_scenes_view(
    options: dict[str, Any], view: tuple[float, float]
) -> None:
    for figure in ("surface", "quiver", "pair"):
        plot = Plot(figure=figure, **options)
        assert build_scene(plot).view == view
        eye = figure_dict(plot)["layout"]["scene"]["camera"]["eye"]
        elev = math.degrees(math.atan2(eye["z"], math.hypot(eye["x"], eye["y"])))
        azim = math.degrees(math.atan2(eye["y"], eye["x"])) % 360.0
        assert (elev, azim) == pytest.approx(view, abs=1e-9)


@pytest.mark.parametrize("options", [{}, {"variant": "book"}, {"zscale": "log"}, {"t": (0.3, 0.7)}])
def test_contour_levels_and_colour_bar_are_the_scenes(options: dict[str, Any]) -> None:
    plot = Plot(figure="contour", **options)
    scene = build_scene(plot)
    trace = figure_dict(plot)["data"][0]
    c = trace["contours"]
    lines = np.arange(c["start"], c["end"] + 0.5 * c["size"], c["size"])
    np.testing.assert_allclose(lines, scene.levels[1:-1], rtol=1e-12, atol=1e-12)
    # the colours span the levels (on a log axis the lowest level may lie below the z range)
    assert (trace["zmin"], trace["zmax"]) == (scene.levels[0], scene.levels[-1])
    assert scene.levels[0] <= scene.zrange[0] and scene.levels[-1] == scene.zrange[1]
    # the fills are opaque (the PNG's alpha is in the colours), so the colour bar shows them
    assert trace.get("opacity", 1.0) == 1.0 and trace["colorscale"][0][1].startswith("#")
    assert trace["colorbar"]["title"]["text"] == web_text(scene.zlabel)


def test_text_is_unicode_and_escaped() -> None:
    title = r"<b>Lecture</b> & $\nabla L$"
    spec = figure_dict(Plot(figure="contour", title=title))
    assert spec["layout"]["title"]["text"] == "&lt;b&gt;Lecture&lt;/b&gt; &amp; ∇L"
    page = render_html(Plot(figure="surface", title=title)).decode()
    assert "<title>&lt;b&gt;Lecture&lt;/b&gt; &amp; ∇L: surface" in page
    for figure in ("surface", "quiver", "contour", "pair"):
        texts = list(_strings(figure_dict(Plot(figure=figure, lang="ja", variant="book"))))
        assert texts and not [t for t in texts if "$" in t]


def test_arrows_point_down_the_gradient() -> None:
    spec = figure_dict(Plot(figure="contour", t=(1.0, 0.0), range=(-4.0, 4.0), step=2.0))
    arrows = spec["data"][1]
    x, y = (np.asarray(arrows[k], dtype=float).reshape(-1, 3) for k in ("x", "y"))
    drawn = ~np.isnan(x[:, 0])
    u, v = x[drawn, 1] - x[drawn, 0], y[drawn, 1] - y[drawn, 0]
    assert (u > 0).all() and (v < 0).all()  # t = (1, 0): raise x0, lower x1
    quiver = figure_dict(Plot(figure="quiver", range=(-4.0, 4.0), step=2.0))
    heads = quiver["data"][2]
    assert (np.asarray(heads["w"]) < 0).all()  # steepest descent goes down the surface


def test_themes_titles_and_words() -> None:
    dark = figure_dict(Plot(figure="surface", theme="dark"))["layout"]
    assert dark["paper_bgcolor"] == "#16181d"
    assert dark["title"]["text"] == "Loss 𝐿 = −Σₖ 𝑡ₖ log 𝑦ₖ"  # the scene's, in Unicode italics
    titled = figure_dict(Plot(figure="contour", title="Lecture 5"))["layout"]
    assert titled["title"]["text"] == "Lecture 5"
    assert figure_dict(Plot(figure="contour", no_title=True))["layout"]["title"]["text"] == ""
    ja = figure_dict(Plot(figure="quiver", lang="ja"))
    assert ja["layout"]["title"]["text"] == "最急降下の向き −∇𝐿 = 𝑡 − 𝑦"
    assert [t["name"] for t in ja["data"]][:2] == ["順伝播", "逆伝播"]
    smoothing = figure_dict(Plot(figure="surface", label_smoothing=0.1, temperature=2.0))
    assert smoothing["layout"]["annotations"][0]["text"] == "𝑡 = (1, 0),  ε = 0.1,  𝑇 = 2"
    book = figure_dict(Plot(figure="pair", variant="book"))["layout"]["title"]["text"]
    assert book == "Forward: 𝐿 = −Σₖ 𝑡ₖ log(𝑦ₖ + 10⁻⁷)    Backward: 𝑡 − 𝑦"  # not −∇L: flat


def test_same_bytes_in_another_process() -> None:
    plot = Plot(figure="quiver", t=(0.3, 0.7), theme="dark")
    first = render_html(plot)
    assert render_html(plot) == first
    code = (
        "import hashlib, sys\n"
        "from swl_viz.plotspec import Plot\n"
        "from swl_viz.web import render_html\n"
        "page = render_html(Plot(figure='quiver', t=(0.3, 0.7), theme='dark'))\n"
        "sys.stdout.write(hashlib.sha256(page).hexdigest())\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert other.stdout == hashlib.sha256(first).hexdigest()
    assert not re.search(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", first)


def test_never_loads_matplotlib() -> None:
    code = (
        "import sys\n"
        "from swl_viz.plotspec import Plot\n"
        "from swl_viz.web import render_html\n"
        "render_html(Plot(figure='surface', lang='ja'))\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_missing_extra_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.io", None)
    with pytest.raises(SwlVizError) as err:
        render_html(Plot(figure="surface"))
    assert err.value.param == "out"
    assert "pip install plotly" in str(err.value)  # works from any install, not only a checkout
    assert "\n" not in str(err.value)


def test_missing_extra_is_one_line_from_the_command_line_before_any_work(
    monkeypatch: pytest.MonkeyPatch, in_tmp: Path
) -> None:
    from conftest import run_cli

    monkeypatch.setitem(sys.modules, "plotly", None)
    for args, flag in (
        (["surface", "--out", "s.html"], "--out"),
        (["export", "--format", "png,html"], "--format"),  # the option the user gave
    ):
        code, text = run_cli(*args)
        assert code == 1, text
        errors = {line for line in text.splitlines() if "Error" in line}
        assert errors == {f"Error: {flag}: HTML output needs plotly; install it with pip install "
                          "plotly (swl-viz's html extra)"}, text  # fmt: skip
        assert not any(in_tmp.rglob("*.*")), "nothing is written"


def test_other_figures_are_refused() -> None:
    plot = Plot(figure="surface")
    object.__setattr__(plot, "figure", "demo")
    with pytest.raises(SwlVizError) as err:
        render_html(plot)
    assert err.value.param == "figure"


def test_number_reads_like_plotlys_format() -> None:
    assert number(0.7310585786300049) == "0.731059"
    assert number(1.0) == "1"
    assert number(4.248354255291589e-18) == "4.24835e-18"
    assert number(1e-5) == "1e-5"
    assert number(-0.25) == "-0.25"


def test_compare_and_view_options_do_not_change_the_data() -> None:
    plot = Plot(figure="surface")
    other = dataclasses.replace(plot, dpi=50, size=(500, 500))
    assert render_html(plot) == render_html(other)
