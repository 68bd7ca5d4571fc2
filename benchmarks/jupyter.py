"""The explorer in a real JupyterLab: from a press on a slider to the new picture on the page.

    python benchmarks/jupyter.py            # the explorer at its default size (1200 px wide)
    python benchmarks/jupyter.py --laptop   # a 1280 x 800 window with the file browser open

Starts JupyterLab on 127.0.0.1 (tests/jupyterlab_tools.py: a kernel on this interpreter, Debian's
chromium through playwright), runs ``notebook(t=(0.7, 0.3))`` and presses the t0 slider at
alternating places, each once the page has painted nothing for QUIET_MS (the view settled).
Each latency is measured in the page: from the mousedown event to the first paint of the
figure's canvas after it (the picture the kernel sent back, drawn). Prints the median, min and
max, and exits 1 when the median is over 150 ms, or when the widget paints while idle more than
once a second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from jupyterlab_tools import (  # noqa: E402
    ask,
    browser_page,
    jupyterlab,
    kernel_idle,
    notebook_json,
    run_all,
)

TARGET_MS = 150.0
PRESSES = 21
#: Where the t0 slider is pressed, as fractions of its width, in turn.
PLACES = (0.2, 0.8, 0.35, 0.65, 0.5, 0.9, 0.1)
#: Before each press the page must have painted nothing for this long: each press is measured
#: from a still view, the previous one's labels (placed once still) drawn.
QUIET_MS = 600

WAIT_QUIET = f"""
() => new Promise((resolve) => {{
  const start = performance.now();
  const look = () => {{
    const last = window.__paints.length ? window.__paints[window.__paints.length - 1] : 0;
    if (performance.now() - last > {QUIET_MS} || performance.now() - start > 20000) resolve(0);
    else setTimeout(look, 50);
  }};
  look();
}})
"""
WAIT_PAINT = """
(down) => new Promise((resolve) => {
  const start = performance.now();
  const look = () => {
    const after = window.__paints.find((t) => t > down);
    if (after !== undefined) resolve(after - down);
    else if (performance.now() - start > 3000) resolve(-1);
    else requestAnimationFrame(look);
  };
  look();
})
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--laptop", action="store_true", help="1280 x 800 with the file browser")
    args = parser.parse_args()
    import jupyterlab_tools

    if not args.laptop:
        jupyterlab_tools.VIEWPORT = {"width": 1700, "height": 1000}
    cells = ["from swl_viz.explore import notebook\nbox = notebook(t=(0.7, 0.3))\nbox"]
    with tempfile.TemporaryDirectory() as folder:
        root, home = Path(folder, "root"), Path(folder, "home")
        root.mkdir()
        home.mkdir()
        (root / "bench.ipynb").write_text(notebook_json(cells), encoding="utf-8")
        with jupyterlab(root, home) as lab, browser_page(lab, "bench.ipynb") as page:
            run_all(page)
            kernel_idle(page)
            figure = page.locator(".jupyter-matplotlib-canvas-div")
            figure.wait_for(timeout=60_000)
            time.sleep(2.0)  # the widget fits the output's width, then settles
            figure.scroll_into_view_if_needed()
            client = lab.kernel_client()
            try:
                boxes = ask(client, "import json; print(json.dumps(box.explorer.pixel_boxes()))")
                width = ask(client, "print(box.explorer.fig.bbox.width)")
            finally:
                client.stop_channels()
            time.sleep(1.0)
            rect = figure.bounding_box()
            assert rect is not None
            left, top, right, bottom = boxes["t0"]
            y = rect["y"] + (top + bottom) / 2
            latencies: list[float] = []
            for i in range(PRESSES):
                page.evaluate(WAIT_QUIET)
                x = rect["x"] + left + PLACES[i % len(PLACES)] * (right - left)
                page.mouse.move(x, y)
                page.mouse.down()
                down = page.evaluate("() => window.__downs[window.__downs.length - 1]")
                page.mouse.up()
                latency = page.evaluate(WAIT_PAINT, down)
                if latency < 0:
                    print(f"press {i}: no new picture within 3 s")
                    return 1
                latencies.append(latency)
            painted = page.evaluate("() => window.__paints.length")
            time.sleep(5.0)
            idle = page.evaluate("() => window.__paints.length") - painted
    median = statistics.median(latencies)
    print(
        f"explorer {width:.0f} px wide in JupyterLab ({'laptop' if args.laptop else 'default'}):"
        f" slider press to pixels median {median:.0f} ms (min {min(latencies):.0f}, "
        f"max {max(latencies):.0f}, n={len(latencies)}); {idle} paints in 5 s idle"
    )
    missed = []
    if median > TARGET_MS:
        missed.append(f"median {median:.0f} ms > {TARGET_MS:.0f} ms")
    if idle > 5:
        missed.append(f"{idle} paints in 5 s of idling")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
