"""The live page in Chromium: its controls redraw the layer's own numbers, from the keyboard too;
a click places a probe and a descent; the URL fragment restores a view; user text stays text.

Each page is opened from disk with the network blocked (test_browser's Page). What the page's
script draws after a control moves is checked against swl_viz's layer at the page's grid points
(to 1e-12), and its probe and path against swl_viz.probe.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_browser import _FLAT, Page, browser  # noqa: F401  (the shared Chromium)

from swl_viz.layer import Layer
from swl_viz.plotspec import FigureKind, Plot
from swl_viz.probe import descent_path, loss_slice, probe_point
from swl_viz.scene import build_scene
from swl_viz.web import figure_dict, render_html
from swl_viz.web.describe import describe
from swl_viz.words import plain

pytestmark = pytest.mark.browser

GD = "document.querySelector('.js-plotly-plot')"


@pytest.fixture
def live(browser: Any, tmp_path: Path) -> Iterator[Any]:  # noqa: F811
    pages: list[Page] = []

    def _open(plot: Plot, fragment: str = "", viewport: dict[str, int] | None = None) -> Page:
        path = tmp_path / f"{plot.stem()}.html"
        if not path.exists():
            path.write_bytes(render_html(plot))
        page = Page(browser, path, fragment=fragment, viewport=viewport)
        page.js("() => window.swlViz.ready")
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()


def _grid(page: Page, index: int) -> dict[str, Any]:
    """The drawn grid trace: z, x, y and customdata as plain numbers (rows of the grid)."""
    out: dict[str, Any] = page.js(
        f"""(n) => {{ const t = {GD}.data[n], flat = {_FLAT};
          const rows = t.z.length, cols = t.z[0].length;
          return {{type: t.type, x: flat(t.x), y: flat(t.y), z: flat(t.z), rows: rows,
                   cols: cols, custom: flat(t.customdata)}}; }}""",
        index,
    )
    return out


def _layer(plot: Plot, state: dict[str, Any]) -> Layer:
    return Layer.make(
        state["t"],
        plot.logits,
        plot.axes,
        label_smoothing=state["labelSmoothing"],
        temperature=state["temperature"],
        variant=state["variant"],
        loss=state["loss"],
        gamma=state["gamma"] if state["loss"] == "focal" else 2.0,  # gamma is the focal's
    )


def _check_grid(page: Page, plot: Plot, index: int) -> None:
    """The grid drawn at ``index`` is the layer's at the page's state, point by point."""
    state = page.js("() => window.swlViz.state()")
    drawn = _grid(page, index)
    x, y = np.asarray(drawn["x"]), np.asarray(drawn["y"])
    rows, cols = drawn["rows"], drawn["cols"]
    assert (rows, cols) == (y.size, x.size)
    X0, X1 = np.meshgrid(x, y)
    _, loss, grad = _layer(plot, state).evaluate(X0, X1)
    want = np.log10(np.maximum(loss, 5e-324)) if plot.zscale == "log" else loss
    z = np.asarray(drawn["z"], dtype=np.float64).reshape(rows, cols)
    np.testing.assert_allclose(z, want, rtol=1e-12, atol=1e-300)
    columns = 3 if plot.zscale == "log" else 2
    custom = np.asarray(drawn["custom"], dtype=np.float64)
    if drawn["type"] == "surface":  # [col][row]
        custom = custom.reshape(cols, rows, columns).swapaxes(0, 1)
    else:
        custom = custom.reshape(rows, cols, columns)
    i, j = plot.axes
    scale = np.abs(grad).max()
    np.testing.assert_allclose(custom[..., -2], grad[..., i], rtol=1e-12, atol=1e-13 * scale)
    np.testing.assert_allclose(custom[..., -1], grad[..., j], rtol=1e-12, atol=1e-13 * scale)


def _press(page: Page, selector: str, key: str, times: int = 1) -> None:
    """Focus a control and press a key on it, as a keyboard user would; wait for the redraw."""
    page.page.focus(selector)
    for _ in range(times):
        page.page.keyboard.press(key)
    page.js("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.page.wait_for_function("() => !window.swlViz.pending()", timeout=30_000)


@pytest.mark.parametrize(
    ("figure", "options"),
    [
        ("contour", {}),
        ("surface", {"t": (0.3, 0.7)}),
        ("quiver", {"zscale": "log", "label_smoothing": 0.1}),
        ("pair", {"t": (0.2, 0.5, 0.3), "logits": (0.0, -3.0, 0.0), "axes": (2, 0)}),
    ],
)
def test_the_temperature_control_redraws_the_layers_values(
    live: Any, figure: FigureKind, options: dict[str, Any]
) -> None:
    plot = Plot(figure=figure, **options)
    page = live(plot)
    before = page.js("() => window.swlViz.state()")
    _press(page, "#swl-temperature", "ArrowRight", 40)  # log10 T from 0 to 0.4: T = 2.5
    state = page.js("() => window.swlViz.state()")
    assert state["temperature"] == 2.5 and before["temperature"] == 1.0
    assert page.js("() => document.getElementById('swl-temperature-value').textContent") == "2.5"
    grids = page.js(
        f"() => {GD}.data.map((t, n) => [t.type, n])"
        ".filter(p => p[0] === 'surface' || p[0] === 'contour').map(p => p[1])"
    )
    for index in grids:
        _check_grid(page, plot, index)
    _press(page, "#swl-smoothing", "ArrowRight", 5)
    _press(page, "#swl-variant", "ArrowDown")
    state = page.js("() => window.swlViz.state()")
    assert state["labelSmoothing"] == pytest.approx(0.05 + options.get("label_smoothing", 0.0))
    assert state["variant"] == "book"
    for index in grids:
        _check_grid(page, plot, index)
    if len(plot.t) == 2:
        _press(page, "#swl-t0", "Home")
        assert page.js("() => window.swlViz.state().t") == [0.0, 1.0]
        for index in grids:
            _check_grid(page, plot, index)
    assert page.errors == [] and page.requests == []


def test_a_click_places_a_probe_and_a_descent(live: Any) -> None:
    plot = Plot(figure="contour", t=(0.7, 0.3), label_smoothing=0.1)
    page = live(plot)
    box = page.js(
        f"""() => {{ const gd = {GD}, L = gd._fullLayout, r = gd.getBoundingClientRect();
          return [r.left + L.xaxis._offset, r.top + L.yaxis._offset,
                  L.xaxis._length, L.yaxis._length]; }}"""
    )
    x, y, w, h = box
    page.page.mouse.move(x + 0.3 * w, y + 0.7 * h, steps=3)
    page.page.wait_for_timeout(200)
    page.page.mouse.click(x + 0.3 * w, y + 0.7 * h)
    page.page.wait_for_function("() => window.swlViz.state().probe !== null", timeout=30_000)
    page.page.wait_for_function("() => !window.swlViz.pending()", timeout=30_000)
    state = page.js("() => window.swlViz.state()")
    x0, x1 = state["probe"]
    assert -20 < x0 < -2 and -20 < x1 < -2  # lower left of the square
    probe = probe_point(x0, x1, plot.layer())
    text = page.js("() => document.getElementById('swl-viz-probe').textContent")
    lines = dict(line.split(" = ", 1) for line in text.splitlines()[1:])
    shown = {k.split("[")[0]: v for k, v in lines.items()}

    def numbers(value: str) -> list[float]:
        return [float(v.replace("−", "-")) for v in value.strip("()").split(",")]

    np.testing.assert_allclose(numbers(shown["y"]), probe.y, rtol=6e-4, atol=1e-300)
    np.testing.assert_allclose(numbers(shown["t (smoothed)"]), probe.target, rtol=6e-4)
    np.testing.assert_allclose(numbers(shown["y − t"]), probe.y - probe.target, rtol=6e-4)
    np.testing.assert_allclose(numbers(shown["L"]), [probe.loss], rtol=6e-4)
    path = descent_path(x0, x1, plot.layer(), lr=plot.lr, steps=plot.steps)
    drawn = page.js(
        f"""() => {{ const t = {GD}.data.find(d => d.meta === 'live-path' && d.visible);
          return [Array.from(t.x), Array.from(t.y)]; }}"""
    )
    np.testing.assert_allclose(drawn[0], path.x0, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(drawn[1], path.x1, rtol=1e-12, atol=1e-12)
    point = page.js(
        f"() => {{ const t = {GD}.data.find(d => d.meta === 'live-probe-point');"
        " return [t.visible, t.x[0], t.y[0]]; }"
    )
    assert point == [True, x0, x1]
    assert page.errors == [] and page.requests == []


def test_the_url_fragment_restores_a_view(live: Any) -> None:
    plot = Plot(figure="pair", t=(0.3, 0.7))
    page = live(plot)
    page.js("() => window.swlViz.set({temperature: 0.5, labelSmoothing: 0.2, t: [0.9, 1 - 0.9],"
            " variant: 'book', probe: [4, -2], descent: [4, -2]})")  # fmt: skip
    fragment = page.js("() => location.hash")
    assert fragment.startswith("#t0=0.9") and "T=0.5" in fragment and "probe=4,-2" in fragment
    state = page.js("() => window.swlViz.state()")
    z = _grid(page, 0)["z"]
    again = live(plot, fragment=fragment)
    assert again.js("() => window.swlViz.state()") == state
    assert again.js("() => window.swlViz.live()")
    assert _grid(again, 0)["z"] == z
    assert again.js("() => document.getElementById('swl-t0').value") == "0.9"
    assert again.js("() => document.getElementById('swl-variant').value") == "book"
    # back to the figure's own state: Python's scene again, and no fragment
    again.js("() => document.getElementById('swl-reset').click()")
    again.page.wait_for_function("() => !window.swlViz.live() && !window.swlViz.pending()")
    assert again.js("() => location.hash") == ""
    visible = again.js(f"() => {GD}.data.filter(t => t.visible !== false).map(t => t.meta || '')")
    assert not [m for m in visible if m.startswith("live-")]
    assert page.errors == [] and again.errors == []


#: The title of issue 23: a link, a line break and a 300 px red span, if read as HTML.
HOSTILE = (
    '<a href="https://evil.example/phish" target="_top">Click</a><br>'
    '<span style="font-size:300px;fill:red">BIG</span>'
)


@pytest.mark.parametrize("figure", ["contour", "surface", "pair"])
def test_a_title_is_text_never_markup(live: Any, figure: FigureKind) -> None:
    plot = Plot(figure=figure, title=HOSTILE)
    page = live(plot)
    dom = page.js(
        f"""() => {{ const gd = {GD};
          const big = Array.from(document.querySelectorAll('*')).filter(e =>
            parseFloat(getComputedStyle(e).fontSize) > 100);
          const title = gd.querySelector('.gtitle');
          return {{links: document.querySelectorAll('a').length,
                   big: big.length,
                   lines: title.querySelectorAll('tspan.line').length,
                   text: title.textContent,
                   styled: gd.querySelectorAll('.gtitle [style*="300px"]').length,
                   head: document.title}}; }}"""
    )
    assert dom["links"] == 0 and dom["big"] == 0 and dom["styled"] == 0, dom
    assert dom["lines"] <= 1, dom  # no <br> became a line break
    assert dom["text"] == HOSTILE, dom  # shown as the characters typed
    assert dom["head"].startswith(HOSTILE)
    # and after a control moves, the live title is still the same text
    page.js("() => window.swlViz.set({temperature: 2})")
    again = page.js(f"() => {GD}.querySelector('.gtitle').textContent")
    assert again == HOSTILE and page.js("() => document.querySelectorAll('a').length") == 0
    assert page.errors == []


def test_the_page_describes_its_figure(live: Any) -> None:
    plot = Plot(figure="contour", t=(0.3, 0.7), probe=(2.0, -3.0), descent=(-6.0, 4.0))
    page = live(plot)
    summary = page.js("() => document.getElementById('swl-viz-summary').textContent")
    assert summary == describe(plot, build_scene(plot))
    plot_div = page.js(f"() => [{GD}.getAttribute('role'), {GD}.getAttribute('aria-describedby')]")
    assert plot_div == ["img", "swl-viz-summary"]
    meta = page.js("() => document.querySelector('meta[name=description]').content")
    assert meta == summary
    for words in ("t = (0.3, 0.7)", "x0 − x1", "Probe at x0 = 2, x1 = −3", "L = "):
        assert words in summary, words


@pytest.mark.parametrize(
    ("figure", "options"),
    [
        ("contour", {"t": (0.3, 0.7)}),
        ("quiver", {"t": (0.3, 0.7), "normalize": True}),
        ("quiver", {"loss": "mse"}),  # arrows shortened to fit the box
        ("quiver", {"variant": "book"}),  # tangent to the flat plateau
    ],
)
def test_a_live_state_draws_what_python_draws_for_it(
    live: Any, figure: FigureKind, options: dict[str, Any]
) -> None:
    """Moved to T = 2.5 and eps = 0.1, the page's grid, levels and arrows are those of the page
    Python writes for T = 2.5 and eps = 0.1 (arrows to float32, as the page stores them)."""
    plot = Plot(figure=figure, **options)
    page = live(plot)
    page.js("() => window.swlViz.set({temperature: 2.5, labelSmoothing: 0.1})")
    python = figure_dict(dataclasses.replace(plot, temperature=2.5, label_smoothing=0.1))
    drawn = page.js(
        f"""() => {{ const flat = {_FLAT};
          return {GD}.data.slice(0, 3).map(t => ({{x: flat(t.x), y: flat(t.y),
            z: t.z ? flat(t.z) : [], contours: t.contours || null, zmin: t.zmin ?? null,
            zmax: t.zmax ?? null, cmin: t.cmin ?? null, cmax: t.cmax ?? null}})); }}"""
    )
    grid = python["data"][0]
    np.testing.assert_allclose(drawn[0]["z"], np.asarray(grid["z"]).ravel(), rtol=1e-12)
    if figure == "contour":
        for key in ("start", "end", "size"):
            assert drawn[0]["contours"][key] == pytest.approx(grid["contours"][key], rel=1e-12)
        assert drawn[0]["zmin"] == pytest.approx(grid["zmin"], rel=1e-12, abs=1e-12)
        assert drawn[0]["zmax"] == pytest.approx(grid["zmax"], rel=1e-12)
        fields = [(drawn[1], python["data"][1])]
    else:
        assert drawn[0]["cmax"] == pytest.approx(grid["cmax"], rel=1e-12)
        fields = [(drawn[1], python["data"][1]), (drawn[2], python["data"][2])]
    for got, want in fields:
        for key in ("x", "y", "z") if figure == "quiver" else ("x", "y"):
            np.testing.assert_allclose(
                np.asarray(got[key], dtype=np.float64),
                np.asarray(want[key], dtype=np.float64),
                rtol=2e-6, atol=2e-6, err_msg=key,
            )  # fmt: skip
    assert page.errors == []


@pytest.mark.parametrize(
    "options",
    [{"loss": "mse"}, {"loss": "focal", "probe": (0.0, 3.0)}, {"variant": "book"}],
)
def test_a_live_probe_arrow_is_pythons(live: Any, options: dict[str, Any]) -> None:
    """Moved to T = 2.5, the page's 3-D probe arrow is the one Python's scene draws for that
    state (to 1e-12): tangent to the drawn surface and shortened, as Python's, to fit the box
    (squared error's loss axis spans 0..1 under logits -20..20)."""
    plot = Plot(figure="surface", **{"probe": (2.0, 0.0), **options})
    page = live(plot)
    page.js("() => window.swlViz.set({temperature: 2.5})")
    page.page.wait_for_function("() => !window.swlViz.pending()", timeout=30_000)
    moved = build_scene(dataclasses.replace(plot, temperature=2.5))
    (arrow,) = [a for a in moved.panels[0].arrows if a.role == "probe-arrow"]
    drawn = page.js(
        f"""() => {{ const t = {GD}.data.find(d => d.meta === 'live-probe-arrow');
          return [t.visible, Array.from(t.x), Array.from(t.y), Array.from(t.z)]; }}"""
    )
    assert drawn[0] is True
    for n, got in enumerate(drawn[1:]):
        want = [arrow.tail[n], arrow.tail[n] + arrow.vector[n]]
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    if plot.loss == "mse":  # the case fits the box: shorter than its reach across
        reach = 0.16 * (plot.range[1] - plot.range[0])
        assert np.hypot(arrow.vector[0], arrow.vector[1]) < 0.9 * reach
    assert page.errors == []


# ---- the slice -------------------------------------------------------------------------------

#: Every trace of the page by its role: its data as plain numbers, its legend entry.
_SLICE_TRACES = f"""() => {{ const flat = {_FLAT}, out = {{}};
  {GD}.data.forEach(t => {{ out[t.meta] = {{x: flat(t.x), y: flat(t.y), name: t.name ?? null,
    showlegend: t.showlegend ?? null}}; }});
  return out; }}"""

#: Every text the plot shows (SVG), in document order.
_SVG_TEXT = f"() => Array.from({GD}.querySelectorAll('text')).map(e => e.textContent)"

WIDE = {"width": 1920, "height": 1080}


def _check_slice(page: Page, plot: Plot) -> None:
    """The drawn loss and slope (and the book's true slope) are swl_viz.probe.loss_slice's for
    the page's state, at the page's d, to 1e-12."""
    state = page.js("() => window.swlViz.state()")
    drawn = page.js(_SLICE_TRACES)
    want = loss_slice(_layer(plot, state), lo=plot.range[0], hi=plot.range[1])
    d = np.asarray(drawn["slice-loss"]["x"])
    np.testing.assert_allclose(d, want.d, rtol=0, atol=1e-15 * np.abs(want.d).max())
    np.testing.assert_allclose(drawn["slice-loss"]["y"], want.loss, rtol=1e-12, atol=1e-300)
    scale = np.abs(want.slope).max()
    np.testing.assert_allclose(drawn["slope"]["y"], want.slope, rtol=1e-12, atol=1e-13 * scale)
    if want.book_slope is None:
        assert drawn["book-slope"]["y"] == []
    else:
        np.testing.assert_allclose(
            drawn["book-slope"]["y"], want.book_slope, rtol=1e-12, atol=1e-13 * scale
        )


def test_the_slice_page_shows_its_scene_and_redraws_it_live(live: Any) -> None:
    plot = Plot(figure="slice", t=(0.7, 0.3))
    page = live(plot, viewport=WIDE)
    scene = build_scene(plot)
    curves = scene.curves
    assert curves is not None
    shown = page.js(_SVG_TEXT)
    words = [scene.title or "", curves.subtitle, *curves.axis_labels, curves.legend or ""]
    words += [label.text for label in curves.labels]
    for text in words:  # the PNG's words, in Unicode: no TeX reaches the screen
        assert plain(text) in shown, text
    assert not [t for t in shown if "$" in t or "\\" in t], shown
    lengths = page.js(
        f"""() => Object.fromEntries(Array.from({GD}.querySelectorAll('.scatterlayer g.trace'))
          .map(g => [g.__data__[0].trace.meta,
                     (g.querySelector('path.js-line') || {{getTotalLength: () => 0}})
                       .getTotalLength()]))"""
    )
    for role in ("slice-loss", "slope", "asymptote-left", "asymptote-right"):
        assert lengths[role] > 200, (role, lengths)  # drawn across the page, in pixels
    width = page.js(f"() => {GD}._fullLayout.xaxis._length")
    assert width >= 0.75 * WIDE["width"]

    _press(page, "#swl-temperature", "ArrowRight", 40)  # T = 2.5, from the keyboard
    assert page.js("() => window.swlViz.state().temperature") == 2.5
    _check_slice(page, plot)
    _press(page, "#swl-smoothing", "ArrowRight", 10)
    _press(page, "#swl-variant", "ArrowDown")
    assert page.js("() => window.swlViz.state().variant") == "book"
    _check_slice(page, plot)
    _press(page, "#swl-t0", "Home")
    assert page.js("() => window.swlViz.state().t") == [0.0, 1.0]
    _check_slice(page, plot)
    assert page.js("() => location.hash").startswith("#t0=0&T=2.5&eps=0.1&variant=book")
    page.page.reload()
    page.js("() => window.swlViz.ready")
    _check_slice(page, plot)  # the fragment restored the view
    assert page.errors == [] and page.requests == []


@pytest.mark.parametrize(
    ("options", "state"),
    [
        ({"t": (0.7, 0.3)}, {"temperature": 2.5, "labelSmoothing": 0.1}),
        ({"t": (0.7, 0.3)}, {"variant": "book", "t": [0.2, 0.8]}),
        (
            {"t": (0.2, 0.5, 0.3), "logits": (0.0, 1.0, -2.0)},
            {"temperature": 0.5, "labelSmoothing": 0.2},
        ),
        ({"t": (0.2, 0.5, 0.3), "logits": (0.0, 1.0, -2.0)}, {"variant": "book"}),
        ({"t": (1.0, 0.0)}, {"loss": "mse", "t": [0.4, 0.6]}),
        ({"t": (1.0, 0.0)}, {"loss": "focal", "gamma": 1.5, "temperature": 3.0}),
    ],
    ids=["T-eps", "book-t0", "three-T-eps", "three-book", "mse", "focal"],
)
def test_a_live_slice_draws_what_python_draws_for_it(
    live: Any, options: dict[str, Any], state: dict[str, Any]
) -> None:
    """Moved to a state, the slice's every curve, guide, point, legend and range is what the
    page Python writes for that state holds."""
    plot = Plot(figure="slice", **options)
    page = live(plot)
    page.js("(s) => window.swlViz.set(s)", state)
    names = {"temperature": "temperature", "labelSmoothing": "label_smoothing", "t": "t",
             "variant": "variant", "loss": "loss", "gamma": "gamma"}  # fmt: skip
    changes: dict[str, Any] = {names[k]: tuple(v) if k == "t" else v for k, v in state.items()}
    moved = dataclasses.replace(plot, **changes)
    python = figure_dict(moved)
    drawn = page.js(_SLICE_TRACES)
    for trace in python["data"]:
        got = drawn[trace["meta"]]
        want_y = np.asarray(trace["y"], dtype=np.float64)
        # a lowest point found by bisection may differ in its last bits
        tol = 1e-9 if trace["meta"] == "minimum" and len(moved.t) > 2 else 1e-12
        np.testing.assert_allclose(got["x"], np.asarray(trace["x"], dtype=np.float64),
                                   rtol=tol, atol=tol, err_msg=trace["meta"])  # fmt: skip
        scale = np.abs(want_y).max() if want_y.size else 1.0
        np.testing.assert_allclose(got["y"], want_y, rtol=tol, atol=1e-13 * scale,
                                   err_msg=trace["meta"])  # fmt: skip
        if trace["showlegend"]:
            assert got["showlegend"] and got["name"] == trace["name"], trace["meta"]
        else:
            assert not got["showlegend"], trace["meta"]
    ranges = page.js(f"() => [{GD}.layout.yaxis.range, {GD}.layout.yaxis2.range]")
    for got_range, axis in zip(ranges, ("yaxis", "yaxis2"), strict=True):
        assert got_range == pytest.approx(python["layout"][axis]["range"], rel=1e-12)
    title = page.js(f"() => {GD}.layout.title.text")
    assert title == python["layout"]["title"]["text"]
    assert page.errors == []


# ---- the loss control ------------------------------------------------------------------------


def _check_drawn(page: Page, plot: Plot) -> None:
    """The page's grids (or the slice's curves) are the layer's at the page's state."""
    if plot.figure == "slice":
        _check_slice(page, plot)
        return
    grids = page.js(
        f"() => {GD}.data.map((t, n) => [t.type, n])"
        ".filter(p => p[0] === 'surface' || p[0] === 'contour').map(p => p[1])"
    )
    assert grids
    for index in grids:
        _check_grid(page, plot, index)


@pytest.mark.parametrize(
    ("figure", "options"),
    [("contour", {"t": (0.7, 0.3)}), ("surface", {"t": (0.3, 0.7)}), ("slice", {"t": (0.7, 0.3)})],
)
def test_the_loss_control_redraws_the_layers_values(
    live: Any, figure: FigureKind, options: dict[str, Any]
) -> None:
    """From the keyboard: cross-entropy -> squared error -> focal loss, and the focal power; the
    page then draws swl_viz's own values for that loss (to 1e-12), and its URL says so."""
    plot = Plot(figure=figure, **options)
    page = live(plot)
    label = page.js("() => document.querySelector('label[for=swl-loss]').textContent")
    assert label == "Loss"
    assert not page.page.is_visible("#swl-gamma")
    _press(page, "#swl-loss", "ArrowDown")
    state = page.js("() => window.swlViz.state()")
    assert state["loss"] == "mse" and state["variant"] == "exact"
    assert page.js("() => document.getElementById('swl-variant').disabled")
    _check_drawn(page, plot)
    _press(page, "#swl-loss", "ArrowDown")
    assert page.js("() => window.swlViz.state().loss") == "focal"
    assert page.page.is_visible("#swl-gamma")
    _check_drawn(page, plot)
    _press(page, "#swl-gamma", "ArrowUp", 2)  # 2 -> 3 in steps of 0.5
    assert page.js("() => window.swlViz.state().gamma") == 3.0
    _check_drawn(page, plot)
    assert "loss=focal&gamma=3" in page.js("() => location.hash")
    _press(page, "#swl-loss", "Home")  # back to cross-entropy: the book's variant offered again
    assert not page.js("() => document.getElementById('swl-variant').disabled")
    assert not page.page.is_visible("#swl-gamma")
    _check_drawn(page, plot)
    assert page.errors == [] and page.requests == []


def test_a_page_starts_at_the_loss_it_was_made_with(live: Any) -> None:
    plot = Plot(figure="contour", t=(0.7, 0.3), loss="focal", gamma=1.5, probe=(2.0, -3.0))
    page = live(plot)
    state = page.js("() => window.swlViz.state()")
    assert (state["loss"], state["gamma"]) == ("focal", 1.5)
    assert not page.js("() => window.swlViz.live()")  # Python's figure, drawn for focal loss
    assert page.js("() => document.getElementById('swl-loss').value") == "focal"
    assert page.js("() => document.getElementById('swl-gamma').value") == "1.5"
    assert page.page.is_visible("#swl-gamma")
    page.js("() => window.swlViz.set({loss: 'mse'})")
    _check_grid(page, plot, 0)
    assert page.js("() => location.hash").endswith("loss=mse&probe=2,-3")
    page.js("() => window.swlViz.set({loss: 'focal', temperature: 2})")
    _check_grid(page, plot, 0)  # at the figure's own gamma, 1.5
    page.js("() => window.swlViz.set({temperature: 1})")  # its own state: Python's scene again
    assert not page.js("() => window.swlViz.live()")
    assert page.errors == []
