"""The HTML figures in a real browser: Debian's chromium, driven by playwright, with no network.

Each figure's file is opened from disk while every request that is not a local file is aborted.
The page must log no error, hold the expected plotly traces, show a plot (not a blank canvas),
answer a hover with the layer's numbers, and redraw when the teacher-label control moves.

Locally the tests are skipped without /usr/bin/chromium (``apt-get install chromium``) or the
playwright package; under CI (``CI`` set) they fail instead. No browser is ever downloaded.
"""

from __future__ import annotations

import dataclasses
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import swl_viz
from swl_viz.plotspec import FigureKind, Plot
from swl_viz.scene import build_scene
from swl_viz.shapes import Scene
from swl_viz.web import figure_dict, render_html
from swl_viz.words import plain

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}


#: The types of the page's traces of the scene (its script's own live traces follow them).
_DRAWN_TYPES = """() => document.querySelector('.js-plotly-plot').data
  .filter(t => !String(t.meta || '').startsWith('live-')).map(t => t.type)"""


def _types(plot: Plot) -> list[str]:
    """The traces the page must hold: the grid, its arrows, and one per role of mark."""
    return [t["type"] for t in figure_dict(plot)["data"]]


#: A trace's data as plain numbers, whether plotly holds it as an array or as decoded base64.
_FLAT = """
(a) => {
  const d = a && a._inputArray ? a._inputArray : a;
  const out = [];
  const walk = (v) => { if (v && typeof v !== 'number' && v.length !== undefined)
    { for (const e of v) walk(e); } else out.push(v); };
  walk(d);
  return out;
}
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pytest.importorskip("plotly")
    if not CHROMIUM.exists():
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Page:
    """One figure's file open in the browser, offline, with what it logged."""

    def __init__(
        self,
        browser: Any,
        path: Path,
        fragment: str = "",
        viewport: dict[str, int] | None = None,
    ) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport=viewport or VIEWPORT, offline=True)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri() + fragment)
        self.page.wait_for_function(
            "() => { const gd = document.querySelector('.js-plotly-plot');"
            " return gd && gd._fullLayout && gd._fullData && gd._fullData.length > 0; }",
            timeout=30_000,
        )

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def js(self, code: str, arg: Any = None) -> Any:
        return self.page.evaluate(code, arg)

    def z(self) -> list[float]:
        return list(
            self.js(f"() => ({_FLAT})(document.querySelector('.js-plotly-plot').data[0].z)")
        )

    def drawn(self, figure: str, timeout: float = 30.0) -> tuple[float, bytes]:
        """The share of the plot area's middle that is drawn, and the screenshot it was
        measured on: screenshots are taken until the share passes 5 % (WebGL draws in
        software here, a moment after the page has its data) or ``timeout`` seconds pass."""
        box = _plot_box(self, figure)
        deadline = time.monotonic() + timeout
        while True:
            png = self.page.screenshot()
            share = _drawn_share(png, box)
            if share > 0.05 or time.monotonic() > deadline:
                return share, png
            self.page.wait_for_timeout(100)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_figure(browser: Any, tmp_path: Path) -> Iterator[Any]:
    pages: list[Page] = []

    def _open(plot: Plot) -> Page:
        path = tmp_path / f"{plot.stem()}.html"
        path.write_bytes(render_html(plot))
        page = Page(browser, path)
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()


def _plot_box(page: Page, figure: str) -> tuple[float, float, float, float]:
    """The plot area (x, y, width, height) in page pixels: the scene, or the contour's axes."""
    box = page.js(
        """(figure) => {
          const gd = document.querySelector('.js-plotly-plot');
          const r = gd.getBoundingClientRect(), L = gd._fullLayout, s = L._size;
          if (figure === 'contour' || figure === 'pair-contour') {
            return [r.left + L.xaxis._offset, r.top + L.yaxis._offset,
                    L.xaxis._length, L.yaxis._length];
          }
          const d = L.scene.domain;
          return [r.left + s.l + d.x[0] * s.w, r.top + s.t + (1 - d.y[1]) * s.h,
                  (d.x[1] - d.x[0]) * s.w, (d.y[1] - d.y[0]) * s.h];
        }""",
        figure,
    )
    return tuple(float(v) for v in box)  # type: ignore[return-value]


def _drawn_share(png: bytes, box: tuple[float, float, float, float]) -> float:
    """The share of pixels in the middle of ``box`` that differ from the page background."""
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    x, y, w, h = box
    middle = image[int(y + h / 4) : int(y + 3 * h / 4), int(x + w / 4) : int(x + 3 * w / 4)]
    background = image[2, 2]
    return float(np.mean(np.abs(middle - background).sum(axis=-1) > 30))


#: The hover label: in the SVG hover layer of a 2-D plot, in the scene's own SVG for 3-D.
_LABEL = "document.querySelector('.js-plotly-plot g.hovertext')"


def _hover_lines(page: Page, box: tuple[float, float, float, float], at: float) -> list[str]:
    """Move the mouse over the plot until a hover label shows, starting at the fraction ``at``
    of the box's width on its middle line; return the label's lines."""
    x, y, w, h = box
    for dy in (0.5, 0.6, 0.4, 0.7, 0.3):
        for dx in (at, at + 0.1, at - 0.1, at + 0.2, at - 0.2):
            page.page.mouse.move(x + dx * w, y + dy * h, steps=4)
            page.page.wait_for_timeout(150)
            if page.js(f"() => {_LABEL} !== null"):
                lines: list[str] = page.js(
                    f"() => Array.from({_LABEL}.querySelectorAll('tspan.line'))"
                    ".map(e => e.textContent)"
                )
                return lines
    raise AssertionError("no hover label anywhere in the middle of the plot")


def _check_hover(lines: list[str], plot: Plot) -> None:
    """What the label says at the point it names is what the layer computes there."""
    shown = dict(line.split(" = ", 1) for line in lines)
    x0, x1 = float(shown["x₀"]), float(shown["x₁"])
    loss, grad = swl_viz.softmax_with_loss([x0, x1], plot.t)
    y = swl_viz.softmax(np.array([x0, x1]))
    np.testing.assert_allclose(float(shown["L"]), loss, rtol=5e-6)
    np.testing.assert_allclose(
        [float(v) for v in shown["y"].strip("()").split(",")], y, rtol=5e-6, atol=1e-300
    )
    np.testing.assert_allclose(
        [float(shown["∂L/∂x₀"]), float(shown["∂L/∂x₁"])], grad, rtol=5e-6, atol=1e-12
    )


@pytest.mark.parametrize("figure", ["surface", "quiver", "contour", "pair"])
def test_figure_in_a_browser_offline(open_figure: Any, figure: FigureKind) -> None:
    plot = Plot(figure=figure, t=(0.3, 0.7))
    page = open_figure(plot)
    assert page.js(_DRAWN_TYPES) == (_types(plot))
    box = _plot_box(page, figure)
    assert page.drawn(figure)[0] > 0.05, "the plot area is blank"

    # hover in the middle of the plot: the label's numbers are the layer's at that point
    lines = _hover_lines(page, box, 0.5)
    _check_hover(lines, plot)

    # the teacher-label control, from the keyboard: t0 from 0.3 to 0.8, and the page draws the
    # layer's own numbers there (its script computes them)
    page.js("() => window.swlViz.ready")
    before = page.z()
    page.page.focus("#swl-t0")
    for _ in range(50):
        page.page.keyboard.press("ArrowRight")
    page.page.wait_for_function("() => window.swlViz.state().t[0] === 0.8", timeout=30_000)
    page.page.wait_for_function("() => !window.swlViz.pending()", timeout=30_000)
    after = page.z()
    assert after != before
    moved = dataclasses.replace(plot, t=(0.8, 0.2))
    x, y = page.js(
        f"() => {{ const t = document.querySelector('.js-plotly-plot').data[0], f = {_FLAT};"
        " return [f(t.x), f(t.y)]; }"
    )
    loss, _ = swl_viz.softmax_with_loss(moved.layer().place(*np.meshgrid(x, y)), moved.t)
    np.testing.assert_allclose(after, loss.ravel(), rtol=1e-12)
    page.page.mouse.move(0, 0)
    lines = _hover_lines(page, box, 0.4)
    _check_hover(lines, moved)

    assert page.errors == [], page.errors
    assert page.requests == [], page.requests


def test_dark_theme_and_three_classes(open_figure: Any) -> None:
    plot = Plot(
        figure="surface", t=(0.0, 0.0, 1.0), logits=(0.0, 1.0, 0.0), axes=(0, 2), theme="dark"
    )
    page = open_figure(plot)
    assert len(page.js(_DRAWN_TYPES)) == len(figure_dict(plot)["data"])
    assert page.js("() => document.querySelectorAll('#swl-t0').length") == 0  # no t0 for K = 3
    share, png = page.drawn("surface")
    from PIL import Image

    corner = Image.open(io.BytesIO(png)).convert("RGB").getpixel((2, 2))
    assert corner == (0x16, 0x18, 0x1D)
    assert share > 0.05
    assert page.errors == [] and page.requests == []


@pytest.mark.parametrize(
    "plot",
    [
        Plot(figure="quiver", zscale="log", normalize=True, variant="book", theme="dark"),
        Plot(figure="contour", t=(0.0, 0.0, 1.0), logits=(0.0, 1.0, 0.0), label_smoothing=0.2),
    ],
    ids=["quiver-log-book-dark", "contour-three-classes-smoothing"],
)
def test_hard_options_draw_without_errors(open_figure: Any, plot: Plot) -> None:
    page = open_figure(plot)
    assert page.js(_DRAWN_TYPES) == (_types(plot))
    assert page.drawn(plot.figure)[0] > 0.05
    assert page.errors == [] and page.requests == []


#: Every annotation's text as the page shows it (a <br> splits it into lines, joined here).
_TEXTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot .annotation-text'))
  .map(e => { const lines = e.querySelectorAll('tspan.line');
              return lines.length ? Array.from(lines).map(l => l.textContent).join('\\n')
                                  : e.textContent; })"""

#: The 2-D mark traces drawn in the SVG: role, drawn line length and marker count.
_SVG_MARKS = """() => Array.from(document.querySelectorAll('.js-plotly-plot .scatterlayer g.trace'))
  .map(g => { const cd = g.__data__; const t = cd && cd[0] && cd[0].trace;
              const line = g.querySelector('path.js-line');
              return [t ? (t.meta || '') : '', line ? line.getTotalLength() : 0,
                      Array.from(g.querySelectorAll('path.point'))
                        .filter(p => p.getBBox().width > 0).length]; })"""


def _scene_texts(scene: Scene) -> list[str]:
    texts = [plain(p.subtitle) for p in scene.panels]
    texts += [
        plain(label.text).replace(" " * 4, "\xa0" * 4) for p in scene.panels for label in p.labels
    ]
    return sorted(texts)


@pytest.mark.parametrize("figure", ["contour", "quiver", "pair"])
def test_probe_and_descent_are_on_the_page(open_figure: Any, figure: FigureKind) -> None:
    """--probe and --descent show: their labels are in the page's SVG, and on the plane their
    lines, points and arrow are drawn; a live state hides them, its own state shows them."""
    plot = Plot(figure=figure, probe=(2.0, -3.0), descent=(-6.0, 4.0))
    page = open_figure(plot)
    assert sorted(page.js(_TEXTS)) == _scene_texts(build_scene(plot))
    if figure != "quiver":
        drawn = {role: (length, points) for role, length, points in page.js(_SVG_MARKS)}
        for role in ("path", "path-outline", "probe-arrow"):
            assert drawn[role][0] > 30, (role, drawn)  # a line of some length in pixels
        for role in ("path-steps", "path-start", "path-end", "probe-point"):
            assert drawn[role][1] >= 1, (role, drawn)
        assert drawn["probe-arrow"][1] == 1  # the head
    page.js("() => window.swlViz.ready")
    page.js("() => window.swlViz.set({t: [0.5, 0.5]})")  # a live state: the labels are Python's
    visible = [t for t in page.js(_TEXTS) if t]
    assert visible == [] or all("t = (0.5, 0.5)" in t for t in visible), visible
    page.js("() => window.swlViz.set({t: [1, 0]})")  # back to the figure's own: all of them
    assert sorted(page.js(_TEXTS)) == _scene_texts(build_scene(plot))
    assert page.errors == [] and page.requests == []


#: Where the plane is drawn on the page, in page pixels (left, right), the ratio of its axes'
#: scales (pixels per unit of x1 over those of x0), the turn of its labels along the diagonal
#: lines and the page's statement of the scales.
_PLANE = """() => {
  const gd = document.querySelector('.js-plotly-plot'), L = gd._fullLayout, s = L._size;
  const r = gd.getBoundingClientRect(), xa = L.xaxis, ya = L.yaxis;
  const left = L.scene ? r.left + s.l + L.scene.domain.x[0] * s.w : r.left + xa._offset;
  const ratio = (ya._length / Math.abs(ya.range[1] - ya.range[0])) /
                (xa._length / Math.abs(xa.range[1] - xa.range[0]));
  const turns = (gd.layout.annotations || []).filter(a => a.xref === 'x' && a.textangle)
    .map(a => a.textangle);
  return [left, r.left + xa._offset + xa._length, ratio, turns,
          document.getElementById('swl-viz-aspect').textContent];
}"""


@pytest.mark.parametrize("figure", ["contour", "pair"])
def test_the_plane_uses_the_width_of_a_slide(
    browser: Any, tmp_path: Path, figure: FigureKind
) -> None:
    """At 1920 x 1080 the plane (the pair: both panels) spans at least 75 % of the page's width;
    its axes' scales then differ, and the page states their ratio and turns the labels that lie
    along the plane's diagonals to the slope the diagonals are drawn at."""
    plot = Plot(figure=figure, t=(0.7, 0.3))
    path = tmp_path / f"{plot.stem()}.html"
    path.write_bytes(render_html(plot))
    page = Page(browser, path, viewport={"width": 1920, "height": 1080})
    try:
        page.js("() => window.swlViz.ready")
        page.page.wait_for_timeout(300)  # the resize the controls' layout may cause
        left, right, ratio, turns, said = page.js(_PLANE)
        assert right - left >= 0.75 * 1920, (left, right)
        assert turns and all(t == pytest.approx(-np.degrees(np.arctan(ratio))) for t in turns)
        assert f" {float(f'{ratio:.2g}'):g} " in said, (ratio, said)
        assert page.errors == [] and page.requests == []
    finally:
        page.close()
