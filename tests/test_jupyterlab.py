"""swl-viz where learners use it: Jupyter.

A fresh kernel shows ``swl_viz.plot`` as an image with no magic and no pyplot. Then a real
JupyterLab on 127.0.0.1, a notebook open in Debian's chromium (playwright) at 1280 x 800 with the
file browser open: the cells run; the figure is displayed, in Japanese; the explorer widget
appears, fits the notebook, stops painting when nobody touches it (and its kernel idles), follows
a slider drag and a click on the contour, and ``s`` prints the saved file's path in the cell.

Locally the browser test is skipped without /usr/bin/chromium or playwright; under CI (``CI``
set) it fails instead. No browser is ever downloaded.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from jupyterlab_tools import (
    CHROMIUM,
    KERNEL,
    VIEWPORT,
    ask,
    browser_page,
    jupyterlab,
    kernel_idle,
    notebook_json,
    run_all,
)
from matplotlib.image import imread

import swl_viz

pytestmark = pytest.mark.slow

PLOT = {"t": (0.9, 0.1), "lang": "ja", "size": "640x560"}
CELLS = [
    f"import swl_viz\nswl_viz.plot('contour', t={PLOT['t']}, lang='ja', size='640x560')",
    "from swl_viz.explore import notebook\nbox = notebook(t=(0.7, 0.3), out_dir='shots')\nbox",
]
#: How long the explorer is watched while nobody touches it.
IDLE_S = 5.0


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the JupyterLab test")
    pytest.skip(reason)


def _pixels(png: bytes) -> Any:
    return imread(io.BytesIO(png), format="png")


def _expected_png() -> bytes:
    out = io.BytesIO()
    swl_viz.plot("contour", **PLOT).savefig(out, format="png")
    return out.getvalue()


# ---- the kernel alone --------------------------------------------------------------------------


def test_a_fresh_kernel_shows_plot_inline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No %matplotlib, no pyplot: the Figure's own PNG is the cell's output, drawn with the
    Japanese font (the same pixels as savefig here, where the font is known to be found)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    spec = tmp_path / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "swl-viz test", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    check = "import sys\nprint('pyplot' if 'matplotlib.pyplot' in sys.modules else 'no pyplot')"
    nb = nbformat.reads(notebook_json([CELLS[0], check]), as_version=4)
    nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=300).execute()
    shown, printed = nb.cells[0].outputs, nb.cells[1].outputs
    assert [o.output_type for o in shown] == ["execute_result"]
    png = base64.b64decode(shown[0].data["image/png"])
    assert np.array_equal(_pixels(png), _pixels(_expected_png()))
    assert printed[0].text.strip() == "no pyplot"


# ---- a real JupyterLab -----------------------------------------------------------------------


@pytest.fixture
def lab_page(tmp_path: Path) -> Iterator[tuple[Any, Any, Path]]:
    if not CHROMIUM.exists():
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    for module in ("playwright", "jupyterlab", "ipympl", "anywidget"):
        try:
            __import__(module)
        except ImportError:
            _unavailable(f"{module} is not installed (pip install -e '.[test]')")
    root, home = tmp_path / "root", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    (root / "explore.ipynb").write_text(notebook_json(CELLS), encoding="utf-8")
    with jupyterlab(root, home) as lab, browser_page(lab, "explore.ipynb") as page:
        yield lab, page, root


def _rect(page: Any, selector: str) -> dict[str, float]:
    box: dict[str, float] = page.evaluate(
        f"() => document.querySelector({json.dumps(selector)}).getBoundingClientRect().toJSON()"
    )
    return box


def _canvas_png(page: Any) -> Any:
    """The figure as the page shows it, once it has painted nothing for 0.8 s (the view
    settled: its words placed and drawn)."""
    page.evaluate(
        "() => new Promise((resolve) => { const start = performance.now();"
        " const look = () => { const p = window.__paints, now = performance.now();"
        " if (now - (p.length ? p[p.length - 1] : 0) > 800 || now - start > 20000) resolve(0);"
        " else setTimeout(look, 50); }; look(); })"
    )
    return _pixels(page.locator(".jupyter-matplotlib-canvas-div").screenshot())


def _paints(page: Any) -> int:
    count: int = page.evaluate("() => window.__paints.length")
    return count


def _settled(client: Any, expression: str, done: Any, timeout_s: float = 20.0) -> Any:
    """The kernel's value of ``expression`` once ``done`` says so (a loaded machine's kernel may
    still be working through the page's events), or its last value after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = ask(client, f"print(json.dumps({expression}))")
        if done(value) or time.monotonic() > deadline:
            time.sleep(0.5)  # its picture on the way to the page
            return value
        time.sleep(0.25)


@pytest.mark.browser
def test_the_explorer_in_jupyterlab(lab_page: tuple[Any, Any, Path]) -> None:
    lab, page, root = lab_page
    run_all(page)
    kernel_idle(page)

    # the figure of swl_viz.plot, shown as an image: the kernel's own pixels
    img = page.locator(".jp-OutputArea-output img").first
    img.wait_for(timeout=60_000)
    src = img.get_attribute("src")
    assert src is not None and src.startswith("data:image/png;base64,")
    assert np.array_equal(_pixels(base64.b64decode(src.split(",", 1)[1])), _pixels(_expected_png()))
    assert img.evaluate("i => i.naturalWidth") == 640

    # the explorer: as wide as the notebook's output, down to 800 px, inside the notebook
    figure = ".jupyter-matplotlib-canvas-div"
    page.locator(figure).wait_for(timeout=60_000)
    page.wait_for_function(
        "() => { const c = document.querySelector('.jupyter-matplotlib-canvas-div');"
        " const o = c.closest('.jp-OutputArea-output');"
        " const w = c.getBoundingClientRect().width, room = o.getBoundingClientRect().width;"
        " return w <= room && (w >= room - 16 || w === 1200); }",
        timeout=60_000,
    )
    page.locator(figure).scroll_into_view_if_needed()
    time.sleep(1.0)
    canvas, panel = _rect(page, figure), _rect(page, ".jp-NotebookPanel")
    assert _rect(page, ".jp-FileBrowser")["width"] > 100  # the file browser is open
    assert 800 <= canvas["width"] <= 1200
    assert panel["left"] <= canvas["left"] and canvas["right"] <= panel["right"]
    assert 0 <= canvas["top"] and canvas["bottom"] <= VIEWPORT["height"]  # nothing cut off
    client = lab.kernel_client()
    try:
        boxes = ask(client, "import json; print(json.dumps(box.explorer.pixel_boxes()))")
        ratio = ask(client, "print(box.explorer.fig.bbox.width)") / canvas["width"]
        assert ratio == pytest.approx(1.0, abs=0.01)  # CSS pixels are figure pixels here
        for name in ("t0", "temperature", "smoothing", "variant", "contour"):
            left, top, right, bottom = boxes[name]
            assert 0 <= left < right <= canvas["width"] and 0 <= top < bottom <= canvas["height"]

        # idle: no repaint, a quiet kernel, and JupyterLab says Idle
        kernel = lab.kernel_process()
        time.sleep(1.5)
        painted, cpu = _paints(page), sum(kernel.cpu_times()[:2])
        time.sleep(IDLE_S)
        idle_paints = _paints(page) - painted
        idle_cpu = (sum(kernel.cpu_times()[:2]) - cpu) / IDLE_S
        assert idle_paints <= IDLE_S, f"{idle_paints} paints in {IDLE_S} s of idling"
        assert idle_cpu < 0.15, f"the idle kernel used {idle_cpu:.0%} of a core"
        kernels = lab.api("kernels")
        assert [k["execution_state"] for k in kernels] == ["idle"]

        # a drag of the t0 handle from 0.7 to 0.3
        before = _canvas_png(page)
        painted = _paints(page)
        left, top, right, bottom = boxes["t0"]
        x0, y0 = canvas["left"], canvas["top"]
        y = y0 + (top + bottom) / 2
        page.mouse.move(x0 + left + 0.7 * (right - left), y)
        page.mouse.down()
        for fraction in (0.6, 0.5, 0.4, 0.3):
            page.mouse.move(x0 + left + fraction * (right - left), y, steps=3)
            time.sleep(0.15)
        page.mouse.up()
        state = _settled(client, "box.explorer.state.t0", lambda v: abs(v - 0.3) <= 0.03)
        assert state == pytest.approx(0.3, abs=0.03)
        assert _paints(page) - painted >= 3  # the drag was shown as it went
        after = _canvas_png(page)
        assert np.abs(after - before).mean() > 0.005

        # a click on the contour at (10, -10)
        (xl, yl), (xh, yh) = boxes["contour_lo"], boxes["contour_hi"]
        painted = _paints(page)
        page.mouse.click(x0 + xl + 30 / 40 * (xh - xl), y0 + yl + 10 / 40 * (yh - yl))
        probe = _settled(
            client, "box.explorer.state.probe", lambda v: v is not None and abs(v[0] - 10) < 1
        )
        assert probe == pytest.approx([10.0, -10.0], abs=0.5)
        clicked = _canvas_png(page)
        assert _paints(page) > painted  # the probe was shown
        assert np.abs(clicked - after).mean() > 0.001, (
            _paints(page) - painted,
            canvas,
            _rect(page, figure),
        )

        # s saves, and the cell says where
        page.keyboard.press("s")
        said = page.locator(".jp-OutputArea-output", has_text="saved shots/explore_")
        said.first.wait_for(timeout=30_000)
        text = said.first.inner_text().strip().splitlines()[-1]
        saved = root / text.removeprefix("saved ").strip()
        assert saved.name.startswith("explore_t0.3-0.7_T1_eps0_exact_probe")
        assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        # and quiet again
        time.sleep(1.5)
        painted = _paints(page)
        time.sleep(3.0)
        assert _paints(page) - painted <= 3
    finally:
        client.stop_channels()
