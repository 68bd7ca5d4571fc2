"""How a page reads in Chromium at 1920 x 1080: its type sizes, the share of the width the plot
takes, a head on every arrow, and Japanese glyphs on a machine with no CJK font."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_browser import _FLAT, Page, browser  # noqa: F401  (the shared Chromium)

from swl_viz.plotspec import FigureKind, Plot
from swl_viz.web import render_html

pytestmark = pytest.mark.browser

SLIDE = {"width": 1920, "height": 1080}
GD = "document.querySelector('.js-plotly-plot')"


@pytest.fixture
def slide(browser: Any, tmp_path: Path) -> Iterator[Any]:  # noqa: F811
    pages: list[Page] = []

    def _open(plot: Plot) -> Page:
        path = tmp_path / f"{plot.stem()}.html"
        path.write_bytes(render_html(plot))
        page = Page(browser, path, viewport=SLIDE)
        page.js("() => window.swlViz.ready")
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()


def _sizes(page: Page, selector: str) -> list[float]:
    sizes: list[float] = page.js(
        f"""() => Array.from({GD}.querySelectorAll({selector!r}))
          .map(e => parseFloat(getComputedStyle(e).fontSize))"""
    )
    return sizes


@pytest.mark.parametrize("figure", ["contour", "pair"])
def test_type_is_readable_on_a_slide(slide: Any, figure: FigureKind) -> None:
    page = slide(Plot(figure=figure))
    ticks = _sizes(page, ".xtick text, .ytick text, .cbaxis text")
    assert ticks and min(ticks) >= 28, ticks
    title = _sizes(page, ".gtitle")
    assert title and min(title) >= 40, title
    page.js("() => window.swlViz.set({temperature: 3})")  # and after a redraw
    assert min(_sizes(page, ".xtick text, .ytick text")) >= 28
    assert page.errors == []


@pytest.mark.parametrize("figure", ["surface", "quiver", "pair"])
def test_the_plot_takes_most_of_the_width(slide: Any, figure: FigureKind) -> None:
    page = slide(Plot(figure=figure))
    share = page.js(
        f"""() => {{ const gd = {GD}, L = gd._fullLayout, s = L._size;
          let left = Infinity, right = -Infinity;
          const d = L.scene.domain; left = s.l + d.x[0] * s.w; right = s.l + d.x[1] * s.w;
          const plane = gd._fullData.some(t => t.type === 'contour');
          if (L.xaxis && plane) {{
            right = Math.max(right, L.xaxis._offset + L.xaxis._length); }}
          return (right - left) / window.innerWidth; }}"""
    )
    assert share >= 0.75, share


def test_every_arrow_has_a_head(slide: Any) -> None:
    page = slide(Plot(figure="contour", t=(0.3, 0.7)))
    for _ in range(2):
        counts = page.js(
            f"""() => {{ const t = {GD}.data[1], flat = {_FLAT}, x = flat(t.x);
              const arrows = x.filter((v, n) => n % 3 === 0 && v !== null && !isNaN(v)).length;
              const heads = flat(t.marker.size).filter(v => v > 0).length;
              const drawn = Array.from({GD}.querySelectorAll('.scatterlayer .trace')[0]
                .querySelectorAll('path.point')).filter(p => p.getBBox().width > 0).length;
              return [arrows, heads, drawn]; }}"""
        )
        assert counts[0] > 50 and counts[0] == counts[1] == counts[2], counts
        page.js("() => window.swlViz.set({temperature: 0.3})")  # the live field too


def _no_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    listed = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=False)
    return listed.stdout.strip() == ""


def _glyph(page: Page, char: str, family: str) -> bytes:
    """A screenshot of one character drawn large in ``family``."""
    page.js(
        """([c, f]) => { let s = document.getElementById('swl-glyph');
          if (!s) { s = document.createElement('span'); s.id = 'swl-glyph';
                    s.style.cssText = 'position:fixed;left:0;top:0;font-size:64px;background:#fff;'
                      + 'color:#000;padding:4px;z-index:99'; document.body.appendChild(s); }
          s.style.fontFamily = f; s.textContent = c; }""",
        [char, family],
    )
    png: bytes = page.page.locator("#swl-glyph").screenshot()
    return png


def _ink(png: bytes) -> Any:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)


def test_japanese_shows_its_glyphs_without_a_cjk_font(slide: Any) -> None:
    plot = Plot(figure="contour", lang="ja")
    page = slide(plot)
    assert page.js("() => document.fonts.check('16px swl-viz-ja', '損失')")
    title = page.js(f"() => {GD}.querySelector('.gtitle').textContent")
    chars = [c for c in title if 0x3040 <= ord(c) <= 0x30FF or 0x4E00 <= ord(c) <= 0x9FFF][:4]
    assert len(chars) >= 3, title
    family = page.js(f"() => getComputedStyle({GD}.querySelector('.gtitle')).fontFamily")
    assert "swl-viz-ja" in family
    shots = [_ink(_glyph(page, c, "'swl-viz-ja', sans-serif")) for c in chars]
    for n, a in enumerate(shots):  # each glyph its own: no two boxes alike
        assert (a < 128).sum() > 50, chars[n]  # some ink
        for b in shots[n + 1 :]:
            assert a.shape != b.shape or np.abs(a - b).sum() > 0
    if _no_cjk_font():  # the check can fail here: without the page's font, every glyph is a box
        boxes = [_ink(_glyph(page, c, "sans-serif")) for c in chars]
        assert all(b.shape == boxes[0].shape and np.array_equal(b, boxes[0]) for b in boxes)
    assert page.errors == []
