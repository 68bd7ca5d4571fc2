"""The explorer's redraw after a slider move, at its default size, on Agg.

    python benchmarks/explore.py

A drag is replayed on the t0, temperature and smoothing sliders (with and without a probe, and
under each loss of the switch: cross-entropy, squared error, focal); each
move is timed from the slider's new value to the canvas holding the new picture, as the window
shows it (``Explorer.refresh``: the moving parts drawn over the kept picture, or a full draw when
the loss axis changes). A full draw of the same view is timed alongside, interleaved, for the
ratio. Times are CPU seconds of this process (the machine may be shared; wall seconds are
printed too). Exits 1 when a probe-less view's median move (under any loss) misses 100 ms, or
is not at least twice as quick as the same move drawn whole (with a probe, recomputing its path
and marks is most of a move: the ratio is printed).
"""

from __future__ import annotations

import math
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from swl_viz.explore import DPI, FIGSIZE, Explorer  # noqa: E402

TARGET_S = 0.100
MIN_RATIO = 2.0


def _drag(start: float, end: float, steps: int) -> list[float]:
    return [start + (end - start) * i / steps for i in range(1, steps + 1)]


def main() -> int:
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    ex = Explorer(fig)
    fig.canvas.draw()
    moves = (
        [("t0", v) for v in _drag(1.0, 0.3, 24)]
        + [("temperature", v) for v in _drag(0.0, math.log10(2.0), 12)]
        + [("smoothing", v) for v in _drag(0.0, 0.2, 12)]
    )
    failures = []
    views: list[tuple[str, tuple[float, float] | None]] = [
        ("ce", None),
        ("ce", (3.0, -2.0)),
        ("mse", None),
        ("focal", None),
    ]
    for loss, probe in views:
        ex.reset()
        ex.set_loss(loss)
        if probe is not None:
            ex.click(*probe)
        ex.refresh()
        ex.settle()
        cpu: list[float] = []
        wall: list[float] = []
        full_cpu: list[float] = []
        full_draws = 0
        for name, value in moves:
            c, w = time.process_time(), time.perf_counter()
            ex.sliders[name].set_val(value)
            full_draws += ex._background_frame != ex._frame
            ex.refresh()
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
            # the same move drawn whole, as the explorer did before blitting, for the ratio
            c = time.process_time()
            ex.sliders[name].set_val(value - 1e-3)
            fig.canvas.draw()
            full_cpu.append(time.process_time() - c)
            ex.sliders[name].set_val(value)
        med, full = statistics.median(cpu), statistics.median(full_cpu)
        what = f"{loss}, " + ("no probe" if probe is None else f"probe at {probe}")
        print(
            f"explorer {what}: slider move to pixels median {med * 1000:.1f} ms CPU "
            f"(wall {statistics.median(wall) * 1000:.1f} ms, max {max(cpu) * 1000:.1f} ms, "
            f"n={len(cpu)}, {full_draws} full draws); drawn whole {full * 1000:.1f} ms; "
            f"ratio {full / med:.1f}"
        )
        if probe is None and med > TARGET_S:
            failures.append(f"median {med * 1000:.1f} ms > {TARGET_S * 1000:.0f} ms")
        if probe is None and full / med < MIN_RATIO:
            failures.append(f"{what}: only {full / med:.1f} times quicker than a full draw")
    c = time.process_time()
    ex.settle()
    print(f"placing the labels once still (settle): {(time.process_time() - c) * 1000:.1f} ms CPU")
    for failure in failures:
        print(f"MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
