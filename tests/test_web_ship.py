"""Pages light to ship: a deck's pages share one plotly.min.js; a single page is self-contained;
every page stays within its size at any K, and its bytes are the same on every run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_cli

from swl_viz.plotspec import Plot
from swl_viz.web import PLOTLY_FILE, plotly_js, render_html

pytest.importorskip("plotly")

#: A page of a deck (plotly.js beside it), a whole deck of ten, and a self-contained page.
DECK_PAGE_BYTES = 500_000
DECK_BYTES = 10_000_000
PAGE_BYTES = 6_000_000


def test_a_deck_shares_one_plotly(in_tmp: Path) -> None:
    code, text = run_cli(
        "export", "--figures", "surface,quiver,contour,pair", "--t", "1,0", "--t", "0.3,0.7",
        "--t", "0,1", "--format", "html", "--out-dir", "deck",
    )  # fmt: skip
    assert code == 0, text
    deck = in_tmp / "deck"
    pages = sorted(deck.glob("*.html"))
    assert len(pages) == 12
    shared = deck / PLOTLY_FILE
    assert shared.read_bytes() == plotly_js().encode()
    for page in pages:
        body = page.read_bytes()
        assert len(body) <= DECK_PAGE_BYTES, (page.name, len(body))
        assert body.count(f'<script src="{PLOTLY_FILE}"'.encode()) == 1
        assert b"plotly.js v" not in body  # the library is not inlined
    ten = sum(p.stat().st_size for p in pages[:10]) + shared.stat().st_size
    assert ten <= DECK_BYTES, ten
    before = {p.name: p.read_bytes() for p in deck.iterdir()}
    code, text = run_cli(
        "export", "--figures", "surface,quiver,contour,pair", "--t", "1,0", "--t", "0.3,0.7",
        "--t", "0,1", "--format", "html", "--out-dir", "deck",
    )  # fmt: skip
    assert code == 0, text
    after = {p.name: p.read_bytes() for p in deck.iterdir()}
    assert {k: v for k, v in after.items() if k != "manifest.json"} == {
        k: v for k, v in before.items() if k != "manifest.json"
    }


def test_a_single_page_is_self_contained_and_the_same_every_run(in_tmp: Path) -> None:
    for _ in range(2):
        code, text = run_cli("contour", "--t", "0.3,0.7", "--probe", "2,-3", "--out", "x.html")
        assert code == 0, text
        if _ == 0:
            first = (in_tmp / "x.html").read_bytes()
    body = (in_tmp / "x.html").read_bytes()
    assert body == first and len(body) <= PAGE_BYTES
    assert not re.search(rb"<script[^>]*\bsrc\s*=", body)
    assert b"plotly.js v" in body and not (in_tmp / PLOTLY_FILE).exists()


@pytest.mark.slow
@pytest.mark.parametrize("k", [100, 1000])
@pytest.mark.parametrize("figure", ["contour", "pair"])
def test_a_page_stays_under_6_mb_at_any_k(figure: str, k: int) -> None:
    t = [0.0] * k
    t[0] = 1.0
    logits = [0.0] * k
    plot = Plot(figure=figure, t=tuple(t), logits=tuple(logits), probe=(2.0, -3.0))  # type: ignore[arg-type]
    page = render_html(plot)
    assert len(page) <= PAGE_BYTES, len(page)
    assert len(render_html(plot, "shared")) <= DECK_PAGE_BYTES
    # the hover names the two varied classes only
    assert "y[0,1] = (%{text})" in page.decode()
