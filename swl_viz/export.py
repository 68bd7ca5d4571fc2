"""Files from figures: atomic, byte-reproducible saves, turntable GIFs, and batch export.

Every file is written to a temporary name in its own folder and renamed into place, so an
interrupted or failing render never leaves a half-written figure. The same inputs give the same
bytes: PNG without the Software tag, SVG with a fixed hash salt and no date, PDF with no dates.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from swl_viz import __version__
from swl_viz.atomic import write_if_changed
from swl_viz.errors import SwlVizError
from swl_viz.figures import build_figure, compute_grids, theme_context
from swl_viz.options import figure_formats
from swl_viz.plotspec import Plot, format_label

__all__ = [
    "Job",
    "JobResult",
    "check_format",
    "export_jobs",
    "render_job",
    "render_to_file",
    "save_figure",
]

MANIFEST = "manifest.json"

_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}


def output_format(plot: Plot, path: Path) -> str:
    """The format a path's suffix asks for, or an error naming ``out``."""
    fmt = path.suffix.lower().lstrip(".")
    allowed = figure_formats(plot.figure)
    if fmt not in allowed:
        raise SwlVizError(
            f"unknown suffix {path.suffix or '(none)'!r} for {plot.figure}; use one of "
            + ", ".join("." + f for f in allowed),
            param="out",
        )
    return fmt


def check_format(plot: Plot, fmt: str) -> None:
    """Refuse a combination that cannot be rendered, before any work starts."""
    plot.check_format(fmt)
    if fmt == "html":
        from swl_viz.web import require_plotly

        require_plotly()
    if plot.title is not None and "$" in plot.title:
        check_mathtext(plot.title, plot.dpi)


def check_mathtext(title: str, dpi: float = 100) -> None:
    """A title may hold mathtext ($\\nabla L$); refuse one that matplotlib cannot draw at
    ``dpi`` (FreeType refuses glyphs under a pixel, as deep fractions at low dpi make)."""
    fig = Figure(figsize=(2, 1), dpi=dpi)
    fig.text(0, 0, title, fontsize=14)
    try:
        FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
    except (ValueError, RuntimeError, RecursionError, OverflowError) as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        raise SwlVizError(
            f"is not mathtext matplotlib can draw ({lines[-1]}); write \\$ for a dollar sign",
            param="title",
        ) from None


def save_figure(fig: Figure, fh: IO[bytes], fmt: str, plot: Plot) -> None:
    """Write ``fig`` to an open file in ``fmt``, reproducibly."""
    if fmt == "gif":
        write_turntable(fig, fh, plot)
        return
    FigureCanvasAgg(fig)
    extra: dict[str, Any] = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
    fig.savefig(fh, format=fmt, transparent=plot.transparent, metadata=_METADATA[fmt], **extra)


def write_turntable(fig: Figure, fh: IO[bytes], plot: Plot) -> None:
    """A GIF of the 3-D axes turning once around, ``plot.frames`` frames at ``plot.fps``."""
    from PIL import Image  # Pillow comes with matplotlib

    canvas = FigureCanvasAgg(fig)
    axes = [ax for ax in fig.axes if ax.name == "3d"]
    start = [float(ax.azim) for ax in axes]  # type: ignore[attr-defined]  # the figure's view
    frames: list[Image.Image] = []
    for n in range(plot.frames):
        for ax, azim in zip(axes, start, strict=True):
            ax.view_init(elev=plot.elev, azim=azim + 360.0 * n / plot.frames)  # type: ignore[attr-defined]
        canvas.draw()  # type: ignore[no-untyped-call]
        rgb = np.asarray(canvas.buffer_rgba())[..., :3]  # type: ignore[no-untyped-call]
        frames.append(Image.fromarray(rgb).quantize(256, method=Image.Quantize.MEDIANCUT))
    frames[0].save(
        fh,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=max(1, round(1000 / plot.fps)),
        loop=0,
    )


def render_bytes(plot: Plot, fmt: str) -> bytes:
    """Compute, draw and encode one figure, returning the file's bytes."""
    if fmt == "html":
        from swl_viz.web import render_html

        return render_html(plot)
    grids = compute_grids(plot)
    with theme_context(plot):
        fig = build_figure(plot, grids)
        buf = io.BytesIO()
        save_figure(fig, buf, fmt, plot)
    return buf.getvalue()


def render_to_file(plot: Plot, path: Path, fmt: str | None = None) -> Path:
    """Render ``plot`` to ``path`` atomically; the format follows the suffix unless given."""
    fmt = fmt or output_format(plot, path)
    check_format(plot, fmt)
    write_if_changed(path, render_bytes(plot, fmt))
    return path


def show_window(plot: Plot) -> None:
    """Open ``plot`` in an interactive window (the only use of pyplot in swl-viz)."""
    from swl_viz.errors import RunError

    with theme_context(plot):
        import matplotlib.pyplot as plt

        if matplotlib.get_backend().lower() in ("agg", "pdf", "svg", "ps", "cairo", "template"):
            raise RunError(
                "no interactive matplotlib backend; install Tk (python3-tk) or use --out",
                param="show",
            )
        fig = plt.figure(figsize=plot.figsize, dpi=plot.dpi)
        build_figure(plot, fig=fig)
        manager = fig.canvas.manager
        if manager is not None:
            manager.set_window_title(f"swl-viz {plot.figure} t={format_label(plot.t)}")
        plt.show()
        plt.close(fig)


# ---- batch export ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One file to make: picklable, so it can cross to a worker process."""

    plot: Plot
    fmt: str
    path: str

    def record(self) -> dict[str, Any]:
        return {
            "figure": self.plot.figure,
            "format": self.fmt,
            "params": self.plot.params(),
            "swl_viz": __version__,
            "matplotlib": matplotlib.__version__,
        }


@dataclass(frozen=True)
class JobResult:
    path: str
    size: int
    seconds: float
    sha256: str
    status: str  # "written", "unchanged" or "failed"
    error: str = ""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_job(job: Job) -> JobResult:
    """Worker entry point: render one job; rewrite the file only if its bytes changed."""
    start = time.perf_counter()
    path = Path(job.path)
    data = render_bytes(job.plot, job.fmt)
    status = "written" if write_if_changed(path, data) else "unchanged"
    return JobResult(job.path, len(data), time.perf_counter() - start, _sha256(data), status)


def _safe_render(job: Job) -> JobResult:
    try:
        return render_job(job)
    except SwlVizError as exc:
        return JobResult(job.path, 0, 0.0, "", "failed", str(exc))
    except Exception as exc:  # a worker reports, the parent decides
        return JobResult(job.path, 0, 0.0, "", "failed", f"{type(exc).__name__}: {exc}")


def load_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def write_manifest(out_dir: Path, jobs: Sequence[Job], results: Sequence[JobResult]) -> Path:
    """Record figure, parameters, format and sha256 of every file the export made."""
    files = {k: v for k, v in load_manifest(out_dir).items() if (out_dir / k).exists()}
    by_path = {r.path: r for r in results}
    for job in jobs:
        result = by_path.get(job.path)
        if result is None or result.status == "failed":
            continue
        name = os.path.relpath(job.path, out_dir)
        files[name] = {**job.record(), "sha256": result.sha256}
    text = json.dumps({"files": dict(sorted(files.items()))}, indent=2, sort_keys=True) + "\n"
    path = out_dir / MANIFEST
    write_if_changed(path, text.encode())
    return path


def export_jobs(
    jobs: Sequence[Job],
    out_dir: Path,
    workers: int,
    on_result: Callable[[JobResult], None] = lambda r: None,
) -> list[JobResult]:
    """Run every job in ``workers`` forked processes; a file is replaced only if its bytes change.

    Every job renders, whatever the manifest says: the bytes decide, so a file can never be stale
    after a change to swl-viz. ``on_result`` runs in this process as each result arrives (the
    progress bar lives there). Failed jobs come back with status "failed"; the rest are kept.
    """
    results: list[JobResult] = []
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            result = _safe_render(job)
            results.append(result)
            on_result(result)
    else:
        # fork after import: workers start with numpy and matplotlib already loaded
        ctx = get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
            pending: set[Future[JobResult]] = {pool.submit(_safe_render, j) for j in jobs}
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        result = fut.result()
                        results.append(result)
                        on_result(result)
            except BaseException:
                for fut in pending:
                    fut.cancel()
                raise
    write_manifest(out_dir, jobs, results)
    order = {j.path: n for n, j in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r.path])
