"""swl-viz benchmarks: every target measured as a ratio, side by side in one run.

    python benchmarks/run.py            # all sections, about two minutes on 2 cores
    python benchmarks/run.py core start # only some sections

Prints a table of medians (with min and max) per section and exits 1 if any target is missed.
Timings are never unit tests: shared machines are noisy, so each target compares two things
measured in the same run, interleaved.
"""

from __future__ import annotations

import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PY = sys.executable
SWL = [PY, "-m", "swl_viz"]
ENV = {**os.environ, "COLUMNS": "120"}

rows: list[tuple[str, str, str, str, str]] = []  # section, measure, value, target, ok
failures: list[str] = []


def stats(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples):.4g} s "
        f"(min {min(samples):.4g}, max {max(samples):.4g}, n={len(samples)})"
    )


def report(
    section: str, measure: str, value: str, target: str = "", ok: bool | None = None
) -> None:
    mark = "" if ok is None else ("ok" if ok else "MISSED")
    rows.append((section, measure, value, target, mark))
    print(f"  {measure}: {value}" + (f"   [{target}: {mark}]" if target else ""), flush=True)
    if ok is False:
        failures.append(f"{section}: {measure} ({target})")


def timed(fn: Callable[[], object], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def interleaved(fns: dict[str, Callable[[], object]], reps: int) -> dict[str, list[float]]:
    """Run each function once per round, alternating, so drift hits all of them alike."""
    out: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - start)
    return out


def run(cmd: list[str], cwd: Path | None = None) -> None:
    subprocess.run(cmd, cwd=cwd, env=ENV, check=True, capture_output=True)


# ---- 1. core throughput ------------------------------------------------------------------------


def section_core() -> None:
    print("core: loss_grid against the seed's per-point loop", flush=True)
    sys.path.insert(0, str(HERE))
    from seed_reference import SoftmaxWithLoss  # the book's layer, called once per point

    from swl_viz import loss_grid

    def seed_loop(step: float) -> None:
        layer = SoftmaxWithLoss()  # type: ignore[no-untyped-call]  # the book's code: unannotated
        x_vals = np.arange(-20.0, 20.0 + step / 2, step)
        x0, x1 = np.meshgrid(x_vals, x_vals)
        t = np.array([1, 0])
        for x in np.array([x0.ravel(), x1.ravel()]).T:
            layer.forward(x, t)  # type: ignore[no-untyped-call]  # the book's code: unannotated
            layer.backward()  # type: ignore[no-untyped-call]  # the book's code: unannotated

    ref = timed(lambda: seed_loop(0.2), 3)
    ours = timed(lambda: loss_grid(-20, 20, 0.2, [1, 0]), 30)
    speedup = statistics.median(ref) / statistics.median(ours)
    report("core", "seed loop, 201 x 201", stats(ref))
    report("core", "loss_grid, 201 x 201", stats(ours))
    report("core", "speed-up at 201 x 201", f"{speedup:,.0f}x", ">= 1000x", speedup >= 1000)

    n = 2001
    floor_src = np.ones(3 * n * n)  # loss, grad0, grad1: what loss_grid writes (x0, x1 are views)
    for label, t in (("t=1,0", [1, 0]), ("t=0.3,0.7", [0.3, 0.7])):
        res = interleaved(
            {
                "grid": partial(loss_grid, -20, 20, 0.02, t),
                "copy": lambda: floor_src.copy(),
            },
            7,
        )
        g, c = statistics.median(res["grid"]), statistics.median(res["copy"])
        report("core", f"loss_grid 2001 x 2001, {label}", stats(res["grid"]))
        report("core", f"  points per second, {label}", f"{n * n / g:,.0f}")
        report("core", "  copy of the 3 arrays it writes", stats(res["copy"]))
        if label == "t=1,0":
            report("core", f"  ratio to the copy, {label}", f"{g / c:.2f}x", "<= 4x", g / c <= 4)
        else:
            report("core", f"  ratio to the copy, {label}", f"{g / c:.2f}x")

    out_bytes = 3 * n * n * 8  # loss, grad0, grad1; x0 and x1 are broadcast views
    tracemalloc.start()
    loss_grid(-20, 20, 0.02, [1, 0])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report(
        "core",
        "peak memory 2001 x 2001 / output arrays",
        f"{peak / 2**20:.0f} MiB / {out_bytes / 2**20:.0f} MiB = {peak / out_bytes:.2f}x",
        "< 10x",
        peak < 10 * out_bytes,
    )
    tracemalloc.start()
    loss_grid(-20, 20, 0.02, np.eye(10)[3], logits=np.linspace(-3, 3, 10), axes=(3, 7))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report("core", "peak memory 2001 x 2001, K=10", f"{peak / out_bytes:.2f}x the outputs")


# ---- 2. start-up -------------------------------------------------------------------------------


def section_start() -> None:
    print("start: swl-viz --help against a bare interpreter", flush=True)
    res = interleaved(
        {
            "pass": lambda: run([PY, "-c", "pass"]),
            "help": lambda: run([*SWL, "--help"]),
        },
        10,
    )
    report("start", "python -c pass", stats(res["pass"]))
    h = statistics.median(res["help"])
    report("start", "swl-viz --help", stats(res["help"]), "<= 0.25 s", h <= 0.25)
    # the Typer app itself: main() leaves through os._exit, before any line after it
    probe = (
        "import sys\nfrom swl_viz.cli import app\n"
        "try: app(['{cmd}'])\nexcept SystemExit: pass\n"
        "print('matplotlib' in sys.modules)"
    )
    for cmd in ("--help", "demo"):
        done = subprocess.run(
            [PY, "-c", probe.format(cmd=cmd)], capture_output=True, text=True, env=ENV
        )
        last = done.stdout.strip().splitlines()[-1:]
        ok = last == ["False"]
        report("start", f"swl-viz {cmd} imports matplotlib", " ".join(last) or "no answer",
               "False", ok)  # fmt: skip


# ---- 3. rendering ------------------------------------------------------------------------------

_RENDER_PROBE = """
import io, json, sys, time
t0 = time.perf_counter()
from swl_viz.formats import save_figure
from swl_viz.mpl import build_figure, theme_context
from swl_viz.scene import compute_grids
from swl_viz.plotspec import Plot
t1 = time.perf_counter()
plot = Plot(sys.argv[1], step=float(sys.argv[2]))
grids = compute_grids(plot)
t2 = time.perf_counter()
with theme_context("light"):
    fig = build_figure(plot, grids)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig).draw()
    t3 = time.perf_counter()
    save_figure(fig, io.BytesIO(), "png", plot)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "compute": t2 - t1, "draw": t3 - t2, "save": t4 - t3}))
"""


def section_render() -> None:
    print("render: one figure to PNG, default grid (step 2) against dense (step 0.02)", flush=True)
    for figure in ("surface", "quiver", "contour"):
        parts: dict[str, dict[str, list[float]]] = {"2": {}, "0.02": {}}
        for _ in range(3):
            for step in parts:
                done = subprocess.run(
                    [PY, "-c", _RENDER_PROBE, figure, step],
                    capture_output=True, text=True, env=ENV, check=True,
                )  # fmt: skip
                for k, v in json.loads(done.stdout).items():
                    parts[step].setdefault(k, []).append(v)
        for step, p in parts.items():
            split = ", ".join(f"{k} {statistics.median(v) * 1e3:.0f} ms" for k, v in p.items())
            report("render", f"{figure} step {step}", split)
        work = {
            s: statistics.median(
                [c + d + v for c, d, v in zip(p["compute"], p["draw"], p["save"], strict=True)]
            )
            for s, p in parts.items()
        }
        ratio = work["0.02"] / work["2"]
        report("render", f"{figure} dense / default (compute+draw+save)", f"{ratio:.2f}x",
               "<= 2x", ratio <= 2)  # fmt: skip


# ---- 4. export scaling and 5. the seed's procedure --------------------------------------------

TWELVE = ["export", "--t", "1,0", "--t", "0,1", "--format", "png,svg", "--theme", "dark"]


def section_export() -> None:
    print("export: a 12-figure deck with 1 and 2 jobs", flush=True)
    work = Path(tempfile.mkdtemp(prefix="swl-bench-"))
    try:
        counter = iter(range(10**6))

        def deck(jobs: str) -> None:
            run([*SWL, *TWELVE, "--jobs", jobs, "--out-dir", str(work / f"d{next(counter)}")])

        res = interleaved({"1": lambda: deck("1"), "2": lambda: deck("2")}, 3)
        one, two = statistics.median(res["1"]), statistics.median(res["2"])
        report("export", "12 figures, --jobs 1", stats(res["1"]))
        report("export", "12 figures, --jobs 2", stats(res["2"]))
        report("export", "speed-up with 2 jobs", f"{one / two:.2f}x", ">= 1.3x", one / two >= 1.3)

        print("export: the seed's procedure against swl-viz export, 3 PNGs", flush=True)
        ref_script = str(HERE / "seed_reference.py")
        for step, target in (("2", 0.85), ("0.2", 0.3)):

            def seed_export(s: str = step) -> None:
                run([PY, ref_script, s, str(work / f"r{next(counter)}")])

            def swl_export(s: str = step) -> None:
                run([*SWL, "export", "--step", s, "--out-dir", str(work / f"e{next(counter)}")])

            res = interleaved({"seed": seed_export, "swl": swl_export}, 5)
            seed, swl = statistics.median(res["seed"]), statistics.median(res["swl"])
            report("export", f"seed procedure, step {step}", stats(res["seed"]))
            report("export", f"swl-viz export, step {step}", stats(res["swl"]))
            report("export", f"ratio at step {step}", f"{swl / seed:.2f}x", f"<= {target}x",
                   swl / seed <= target)  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


def section_gif() -> None:
    print("gif: peak memory of a 360-frame turntable at the default 900 x 900 px", flush=True)
    work = Path(tempfile.mkdtemp(prefix="swl-bench-"))
    try:
        probe = (
            "import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        start = time.perf_counter()
        done = subprocess.run(
            [PY, "-c", probe, *SWL, "surface", "--frames", "360", "--out", str(work / "turn.gif")],
            capture_output=True, text=True, env=ENV, check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        kib = int(done.stdout.strip())
        size = (work / "turn.gif").stat().st_size
        report(
            "gif",
            "surface, 360 frames at 900 x 900 px",
            f"peak RSS {kib / 1024:.0f} MiB, {seconds:.1f} s, file {size / 2**20:.1f} MiB",
            "peak RSS <= 350 MiB (688 MiB when every frame was held)",
            kib / 1024 <= 350,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- 6. the live explorer ----------------------------------------------------------------------


def section_explore() -> None:
    print("explore: a slider change shown on Agg, at the window's default size", flush=True)
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from swl_viz.explore import DPI, FIGSIZE, Explorer

    with tempfile.TemporaryDirectory() as out:
        fig = Figure(figsize=FIGSIZE, dpi=DPI)
        canvas: FigureCanvasBase = FigureCanvasAgg(fig)  # its draw is Agg's
        explorer = Explorer(fig, out_dir=Path(out))
        canvas.draw()  # fonts and caches, as the window's first paint
        moves = [
            ("t0", v) for v in (0.9, 0.7, 0.5, 0.3, 0.1)
        ] + [("temperature", v) for v in (-0.5, 0.5, 1.0, 0.0)] + [
            ("smoothing", v) for v in (0.1, 0.3, 0.0)
        ]  # fmt: skip

        def run_moves() -> list[float]:
            out = []
            for name, value in moves:
                start = time.perf_counter()
                explorer.sliders[name].set_val(value)  # the explorer recomputes
                explorer.refresh()  # and shows it as the window does: what moved, blitted
                out.append(time.perf_counter() - start)
            return out

        still = timed(canvas.draw, 10)
        plain = run_moves()
        med = statistics.median(plain)
        report("explore", f"slider change + refresh, {len(plain)} changes", stats(plain),
               "median <= 0.1 s", med <= 0.1)  # fmt: skip
        report("explore", "  a full draw alone, nothing changed", stats(still))
        explorer.click(3.0, -2.0)
        probed = run_moves()
        report("explore", "  the same with a probe and its path", stats(probed))


SECTIONS = {
    "core": section_core,
    "start": section_start,
    "render": section_render,
    "export": section_export,
    "gif": section_gif,
    "explore": section_explore,
}


def main() -> int:
    chosen = sys.argv[1:] or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
        return 2
    start = time.perf_counter()
    print(f"swl-viz benchmarks on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    # A user's Python keeps swl-viz's compiled bytecode after the first run (pip writes it at
    # install); under PYTHONDONTWRITEBYTECODE an editable checkout would compile every module
    # on every start, and the start-up times would measure the compiler.
    compileall.compile_dir(HERE.parent / "swl_viz", quiet=1)
    for name in chosen:
        SECTIONS[name]()
    print()
    print("| section | measure | value | target | |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\ntotal {time.perf_counter() - start:.0f} s; {len(failures)} target(s) missed")
    for f in failures:
        print(f"  MISSED {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
