"""The simplex page's live controls, in a real browser: moving a control redraws both panels
with the page's own maths, which agree with Python's at every grid point to 1e-12; the URL's
fragment restores a view; the keyboard moves every kind of control; nothing is logged as an
error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import run_cli
from numpy.typing import NDArray

from swl_viz.plotspec import Plot
from swl_viz.simplex import build_simplex, simplex_layer

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--t", "0.2,0.5,0.3", "--range", "-6", "6", "--descent", "3,-2,0"]


@pytest.fixture
def page_file(in_tmp: Path) -> Path:
    pytest.importorskip("plotly")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    code, text = run_cli("simplex", *ARGS, "--out", "s.html")
    assert code == 0, text
    return in_tmp / "s.html"


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser: Any, url: str, errors: list[str]) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.wait_for_function("() => window.swlVizSimplex && window.swlVizSimplex.ready()")
    _settle(page)
    return page


def _settle(page: Any) -> None:
    page.wait_for_function("() => window.swlVizSimplex.idle()")
    page.evaluate("() => window.swlVizSimplex.ready()")


_DRAWN = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const by = (name) => gd.data.find((t) => t.name === name);
  const tri = by('triangle'), plane = by('plane'), arrows = by('arrows');
  return {tri: [tri.x, tri.y, tri.z], plane: [plane.x, plane.y, plane.z],
          arrows: [arrows.x, arrows.y], state: window.swlVizSimplex.state(),
          hash: location.hash, title: gd.layout.title.text};
}"""


def _z(rows: list[list[float | None]]) -> NDArray[np.float64]:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def _plot(state: dict[str, Any]) -> Plot:
    gamma: dict[str, Any] = {"gamma": float(state["gamma"])} if state["loss"] == "focal" else {}
    start: Any = (3.0, -2.0, 0.0)  # three logits: the simplex's descent
    return Plot(
        "simplex", t=tuple(float(v) for v in state["t"]), range=(-6.0, 6.0),
        temperature=float(state["T"]), label_smoothing=float(state["eps"]),
        loss=state["loss"], variant=state["variant"], descent=start, **gamma,
    )  # fmt: skip


def _close(got: NDArray[np.float64], want: NDArray[np.float64]) -> float:
    """The worst relative difference (absolute below 1e-300), after NaN matched NaN."""
    assert got.shape == want.shape
    assert np.array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    return float((np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1e-300)).max())


def _check_against_python(drawn: dict[str, Any]) -> None:
    plot = _plot(drawn["state"])
    scene = build_simplex(plot)
    x, y, z = drawn["tri"]
    assert np.array_equal(np.array(x), scene.square_x) and np.array_equal(
        np.array(y), scene.square_y
    )
    assert _close(_z(z), scene.square_z) <= 1e-12  # the triangle, at every grid point
    u, v, zp = drawn["plane"]  # the plane's points the page holds, against Python's layer there
    uu, vv = np.meshgrid(np.array(u, dtype=float), np.array(v, dtype=float))
    _, loss, _ = simplex_layer(plot).evaluate(uu, vv)
    assert _close(_z(zp), loss) <= 1e-12
    # the arrows: -grad L at the same lattice, scaled alike, tail and tip
    keep = np.hypot(*scene.arrow_uv.T) > 0
    tails, tips = scene.arrow_xy[keep], scene.arrow_xy[keep] + scene.arrow_uv[keep]
    ax, ay = (
        np.array([np.nan if t is None else t for t in c], dtype=float) for c in drawn["arrows"]
    )
    assert np.abs(ax[0::3] - tails[:, 0]).max() <= 1e-12
    assert np.abs(ay[1::3] - tips[:, 1]).max() <= 1e-12


def test_moving_the_temperature_redraws_both_panels_with_pythons_numbers(
    page_file: Path, browser: Any
) -> None:
    errors: list[str] = []
    page = _open(browser, page_file.as_uri(), errors)
    before = page.evaluate(_DRAWN)
    page.focus("#swl-temperature")
    for _ in range(5):  # the keyboard: 0.05 on the log scale, T = 10^0.05
        page.keyboard.press("ArrowRight")
    _settle(page)
    drawn = page.evaluate(_DRAWN)
    assert drawn["state"]["T"] == pytest.approx(10**0.05, rel=1e-3)
    assert "T=" in drawn["hash"] and "T = " in drawn["title"]
    # the plane moved; the triangle did not: L is a function of y alone, and T only changes
    # which logits give that y
    assert _close(_z(drawn["plane"][2]), _z(before["plane"][2])) > 1e-3
    assert _close(_z(drawn["tri"][2]), _z(before["tri"][2])) <= 1e-12
    _check_against_python(drawn)
    page.focus("#swl-smoothing")
    for _ in range(10):  # label smoothing 0 -> 0.1 moves t', and the loss over the triangle
        page.keyboard.press("ArrowRight")
    _settle(page)
    smoothed = page.evaluate(_DRAWN)
    assert smoothed["state"]["eps"] == pytest.approx(0.1)
    assert _close(_z(smoothed["tri"][2]), _z(drawn["tri"][2])) > 1e-3
    _check_against_python(smoothed)
    assert errors == []


def test_the_fragment_restores_the_view(page_file: Path, browser: Any) -> None:
    errors: list[str] = []
    url = page_file.as_uri() + "#t=0.6,0.1,0.3&T=2&eps=0.1&loss=mse&gamma=2&variant=exact"
    page = _open(browser, url, errors)
    drawn = page.evaluate(_DRAWN)
    assert drawn["state"]["t"] == [0.6, 0.1, 0.3] and drawn["state"]["loss"] == "mse"
    assert drawn["state"]["T"] == 2 and drawn["state"]["eps"] == 0.1
    shown = page.evaluate(
        "() => ['t0', 't1', 'smoothing', 'loss'].map((n) => document.getElementById('swl-' + n)"
        ".value).concat([document.getElementById('swl-t2-value').textContent])"
    )
    assert [float(shown[0]), float(shown[1]), float(shown[2])] == [0.6, 0.1, 0.1]
    assert shown[3] == "mse" and float(shown[4]) == 0.3
    assert "Jacobian" in drawn["title"]  # the arrows are said to be -grad L, not t' - y
    _check_against_python(drawn)
    # and the same link in a second tab draws the same numbers
    again = _open(browser, url, errors).evaluate(_DRAWN)
    assert again["tri"][2] == drawn["tri"][2]
    assert errors == []


def test_the_keyboard_moves_the_label_the_loss_and_reset(page_file: Path, browser: Any) -> None:
    errors: list[str] = []
    page = _open(browser, page_file.as_uri(), errors)
    page.focus("#swl-t0")
    page.keyboard.press("ArrowRight")  # t0 0.2 -> 0.21, so t2 = 1 - t0 - t1 = 0.29
    _settle(page)
    assert page.evaluate("() => window.swlVizSimplex.state().t") == [0.21, 0.5, 0.29]
    page.focus("#swl-loss")
    page.keyboard.press("ArrowDown")  # cross-entropy -> squared error
    _settle(page)
    state = page.evaluate("() => window.swlVizSimplex.state()")
    assert state["loss"] == "mse"
    assert page.evaluate("() => document.getElementById('swl-variant').disabled")
    _check_against_python(page.evaluate(_DRAWN))
    page.focus("#swl-reset")
    page.keyboard.press("Enter")
    _settle(page)
    drawn = page.evaluate(_DRAWN)
    assert drawn["state"]["t"] == [0.2, 0.5, 0.3] and drawn["state"]["loss"] == "ce"
    assert drawn["hash"] == ""
    labels = page.evaluate(
        "() => [...document.querySelectorAll('#swl-viz-controls input, #swl-viz-controls select')]"
        ".map((e) => e.labels.length && e.labels[0].textContent.trim().length > 0)"
    )
    assert labels and all(labels)  # every control has a visible label
    assert errors == []


def test_a_probe_typed_in_is_drawn_in_both_panels_and_cleared(
    page_file: Path, browser: Any
) -> None:
    errors: list[str] = []
    page = _open(browser, page_file.as_uri(), errors)
    for k, value in enumerate(("1", "0", "-1")):
        page.focus(f"#swl-probe-x{k}")
        page.keyboard.type(value)
    page.keyboard.press("Enter")  # the form's Place probe
    _settle(page)
    state = page.evaluate("() => window.swlVizSimplex.state()")
    assert state["probe"] == [1, 0, -1] and "probe=1,0,-1" in page.evaluate("() => location.hash")
    tri, flat, said = page.evaluate(
        "() => { const gd = document.querySelector('.js-plotly-plot'), n = gd.data.length;"
        " const notes = gd.layout.annotations; return [[gd.data[n - 2].x[0], gd.data[n - 2].y[0]],"
        " [gd.data[n - 1].x[0], gd.data[n - 1].y[0]], notes[notes.length - 1].text]; }"
    )
    plot = _plot(state)
    _, loss, _ = simplex_layer(plot).evaluate(-1.0, -2.0)  # (x1 - x0, x2 - x0)
    y = np.exp([1.0, 0.0, -1.0]) / np.exp([1.0, 0.0, -1.0]).sum()
    assert flat == [-1, -2]
    assert np.abs(np.array(tri) - [y[1] + y[2] / 2, y[2] * np.sqrt(3.0) / 2]).max() <= 1e-12
    assert f"L = {float(loss):.4g}" in said
    page.focus("#swl-clear")
    page.keyboard.press("Enter")
    _settle(page)
    assert page.evaluate("() => window.swlVizSimplex.state().probe") is None
    assert errors == []


def test_a_japanese_simplex_page_carries_its_glyphs(in_tmp: Path, browser: Any) -> None:
    """On a machine with no CJK font the page's Japanese words still draw: it embeds them."""
    pytest.importorskip("plotly")
    code, text = run_cli("simplex", *ARGS, "--lang", "ja", "--out", "j.html")
    assert code == 0, text
    page_bytes = (in_tmp / "j.html").stat().st_size
    assert page_bytes <= 6_000_000, page_bytes
    errors: list[str] = []
    page = _open(browser, (in_tmp / "j.html").as_uri(), errors)
    title = page.evaluate("() => document.querySelector('.js-plotly-plot').layout.title.text")
    chars = [c for c in title if 0x3040 <= ord(c) <= 0x30FF or 0x4E00 <= ord(c) <= 0x9FFF]
    assert len(chars) >= 2, title
    assert page.evaluate("(c) => document.fonts.check('16px swl-viz-ja', c)", "".join(chars))
    family = page.evaluate(
        "() => getComputedStyle(document.querySelector('.js-plotly-plot .gtitle')).fontFamily"
    )
    assert "swl-viz-ja" in family
    assert errors == []
