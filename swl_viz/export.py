"""Files from figures: atomic, byte-reproducible saves, turntable GIFs, and batch export.

Every file is written to a temporary name in its own folder and renamed into place, so an
interrupted or failing render never leaves a half-written figure. The same inputs give the same
bytes: PNG without the Software tag, SVG with a fixed hash salt and no date, PDF with no dates.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as mp_wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from swl_viz import __version__
from swl_viz.atomic import STOP_SIGNALS, Interrupted, remove_stale_parts, write_if_changed
from swl_viz.errors import RunError, SwlVizError
from swl_viz.mpl import build_figure, theme_context
from swl_viz.options import figure_formats
from swl_viz.plotspec import Plot, format_label
from swl_viz.scene import compute_grids

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "ExportInterrupted",
    "Job",
    "JobResult",
    "check_format",
    "check_manifest",
    "export_jobs",
    "render_job",
    "render_to_file",
    "save_figure",
    "write_gif",
    "write_manifest",
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
    """A GIF of the 3-D axes turning once around, ``plot.frames`` frames at ``plot.fps``; with a
    descent, the view stays and the point moves down the surface instead (see
    :func:`descent_frames`).

    Each frame goes to the encoder as soon as it is drawn, so memory stays at about two frames
    however many there are.
    """
    from PIL import Image  # Pillow comes with matplotlib

    canvas = FigureCanvasAgg(fig)
    axes = [ax for ax in fig.axes if ax.name == "3d"]
    start = [float(ax.azim) for ax in axes]  # type: ignore[attr-defined]  # the figure's view
    moves = _descent_mover(plot, axes) if plot.descent is not None else None

    def frames() -> Iterator[Image.Image]:
        for n in range(plot.frames) if moves is None else descent_frames(plot):
            if moves is None:
                for ax, azim in zip(axes, start, strict=True):
                    turned = azim + 360.0 * n / plot.frames
                    ax.view_init(elev=plot.elev, azim=turned)  # type: ignore[attr-defined]
            else:
                moves(n)
            canvas.draw()  # type: ignore[no-untyped-call]
            rgb = np.asarray(canvas.buffer_rgba())[..., :3]  # type: ignore[no-untyped-call]
            yield Image.fromarray(rgb).quantize(256, method=Image.Quantize.MEDIANCUT)

    write_gif(frames(), fh, duration=max(1, round(1000 / plot.fps)), loop=0)


def descent_frames(plot: Plot) -> list[int]:
    """The descent steps a GIF shows, one a frame: every step, or ``plot.frames`` of them evenly
    spaced, the start and the end always among them."""
    last = plot.steps
    if last + 1 <= plot.frames:
        return list(range(last + 1))
    return sorted({round(k * last / (plot.frames - 1)) for k in range(plot.frames)})


def _descent_mover(plot: Plot, axes: Sequence[Any]) -> Callable[[int], None]:
    """A point on each 3-D panel, and a function that puts it at step k of the descent."""
    from swl_viz.probe import descent_path

    assert plot.descent is not None
    path = descent_path(*plot.descent, plot.layer(), lr=plot.lr, steps=plot.steps)
    z = np.log10(np.maximum(path.loss, 5e-324)) if plot.zscale == "log" else path.loss
    size = 1.6 * float(matplotlib.rcParams["lines.markersize"]) * plot.pixels[1] / 900
    points = [
        ax.plot([path.x0[0]], [path.x1[0]], [z[0]], marker="o", markersize=size, color="#e5007d",
                markeredgecolor="white", linestyle="none", zorder=30)[0]
        for ax in axes
    ]  # fmt: skip

    def move(k: int) -> None:
        for point in points:
            point.set_data_3d([path.x0[k]], [path.x1[k]], [z[k]])

    return move


def write_gif(frames: Iterable[PILImage], fh: IO[bytes], duration: int, loop: int = 0) -> None:
    """Encode an animated GIF one frame at a time, holding only the previous frame.

    The bytes are those of Pillow's ``first.save(fh, "GIF", save_all=True,
    append_images=rest, duration=duration, loop=loop)``, which keeps every frame until the end:
    each frame is written as the part that changed since the previous one, and a frame identical
    to the one before lengthens that one instead. This follows Pillow's own GIF writer step by
    step, through its helpers, for palette frames with no transparency and no disposal.
    """
    from PIL import GifImagePlugin as gif
    from PIL import ImageChops

    base: dict[str, Any] = {"duration": duration, "loop": loop, "optimize": True}
    first: PILImage | None = None
    previous: PILImage | None = None
    pending: tuple[PILImage, tuple[int, int, int, int] | None, dict[str, Any]] | None = None
    written = 0

    def emit(im: PILImage, bbox: tuple[int, int, int, int] | None, info: dict[str, Any]) -> None:
        offset = (0, 0)
        if not bbox:
            for chunk in gif._get_global_header(im, info):
                fh.write(chunk)
        else:
            info["include_color_table"] = True
            if bbox != (0, 0, *im.size):
                im = im.crop(bbox)
            offset = bbox[:2]
        gif._write_frame_data(fh, im, offset, info)

    for n, frame in enumerate(frames):
        if first is None:
            first = frame.copy()
        im = gif._normalize_mode(frame.copy())
        if n == 0:
            for k, v in im.info.items():
                if k != "transparency" and isinstance(k, str):
                    base.setdefault(k, v)
        info = base.copy()
        if "transparency" in im.info:
            info.setdefault("transparency", im.info["transparency"])
        im = gif._normalize_palette(im, None, info)
        diff: PILImage | None = None
        bbox: tuple[int, int, int, int] | None = None
        if pending is not None and previous is not None:
            delta, bbox = gif._getbbox(previous, im)
            if not bbox:  # the same picture again: show the previous frame longer
                pending[2]["duration"] = pending[2].get("duration", 0) + info["duration"]
                continue
            if im.mode != "1":
                if "transparency" not in info and im.palette is not None:
                    with contextlib.suppress(ValueError):
                        info["transparency"] = im.palette._new_color_index(im)
                if "transparency" in info:  # unchanged pixels become transparent
                    if delta.mode == "RGBA":
                        r, g, b, a = delta.split()
                        delta = ImageChops.lighter(
                            ImageChops.lighter(r, g), ImageChops.lighter(b, a)
                        )
                    unchanged = delta.point([255, *(0,) * 255], "1")
                    diff = im.copy()
                    diff.paste(info["transparency"], mask=unchanged)
        previous = im
        if pending is not None:
            emit(*pending)
            written += 1
        pending = (diff or im, bbox, info)
    if pending is None or first is None:
        raise ValueError("a GIF needs at least one frame")
    if written == 0:  # one picture only: Pillow writes it as a still image
        first.save(fh, format="GIF", save_all=True, duration=pending[2]["duration"], loop=loop)
        return
    emit(*pending)
    fh.write(b";")


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


class ExportInterrupted(Interrupted):
    """SIGINT, SIGTERM or SIGHUP stopped :func:`export_jobs`.

    ``results`` holds every job that ended before the stop, in job order (a job a worker was
    rendering is not among them); ``total`` is the number of jobs asked for; ``manifest`` is
    the manifest written for the finished files. ``exit_code`` is 128 + the signal's number.
    """

    def __init__(
        self, signum: int, results: list[JobResult], total: int, manifest: Path | None
    ) -> None:
        super().__init__(signum)
        self.results = results
        self.total = total
        self.manifest = manifest

    @property
    def written(self) -> int:
        """How many files this export wrote (new bytes) before it stopped."""
        return sum(r.status == "written" for r in self.results)

    @property
    def done(self) -> int:
        """How many files are whole and up to date: written or already unchanged."""
        return sum(r.status != "failed" for r in self.results)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _failed(job: Job, error: str, seconds: float = 0.0) -> JobResult:
    return JobResult(job.path, 0, seconds, "", "failed", error)


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, SwlVizError) else f"{type(exc).__name__}: {exc}"


def _commit(job: Job, data: bytes, start: float) -> JobResult:
    """Write rendered bytes in place (or leave an identical file alone) and say what happened."""
    try:
        status = "written" if write_if_changed(Path(job.path), data) else "unchanged"
    except Exception as exc:  # a full disk fails this file, not the export
        return _failed(job, _describe(exc), time.perf_counter() - start)
    return JobResult(job.path, len(data), time.perf_counter() - start, _sha256(data), status)


def render_job(job: Job) -> JobResult:
    """Render one job; rewrite the file only if its bytes changed. Failures come back as
    results with status "failed", never as exceptions."""
    start = time.perf_counter()
    try:
        data = render_bytes(job.plot, job.fmt)
    except Exception as exc:  # a worker reports, the parent decides
        return _failed(job, _describe(exc), time.perf_counter() - start)
    with _deferred_signals():
        return _commit(job, data, start)


@contextlib.contextmanager
def _deferred_signals() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back while a file is put in place and its result is
    recorded, so a file on disk and its entry in the results never part."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class _Abort(BaseException):
    """Raised by the stop handler to cut a render in this process short."""


class _StopSignals:
    """While installed, SIGINT, SIGTERM and SIGHUP only note that the export must stop, except
    where :attr:`raising` is set: then they also abort the render under way in this process."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.raising = False
        self._old: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
        if self.raising:
            self.raising = False
            raise _Abort

    @contextlib.contextmanager
    def installed(self) -> Iterator[_StopSignals]:
        if threading.current_thread() is not threading.main_thread():
            yield self  # only the main thread can take signals; the caller keeps its own
            return
        try:
            for sig in STOP_SIGNALS:
                self._old[sig] = signal.signal(sig, self._handler)
            yield self
        finally:
            for num, old in self._old.items():
                signal.signal(num, old)


def _run_serial(
    jobs: Sequence[Job],
    stop: _StopSignals,
    record: Callable[[int, JobResult], None],
) -> None:
    for n, job in enumerate(jobs):
        if stop.signum is not None:
            return
        start = time.perf_counter()
        try:
            stop.raising = True
            try:
                data = render_bytes(job.plot, job.fmt)
            finally:
                stop.raising = False
        except _Abort:
            return
        except Exception as exc:
            record(n, _failed(job, _describe(exc), time.perf_counter() - start))
            continue
        with _deferred_signals():
            record(n, _commit(job, data, start))


# ---- worker processes ----


def _set_parent_death_signal(sig: int) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def _worker_main(conn: Connection, other: Connection, parent: int, jobs: Sequence[Job]) -> None:
    """A worker: render the job numbers the parent sends, answer each with its result.

    SIGTERM and SIGHUP kill it at once (it holds no temporary file while rendering; a write and
    the result that reports it run with those signals held back); SIGINT is the parent's to
    handle. If the parent dies, the kernel sends SIGTERM.
    """
    try:
        other.close()
        _set_parent_death_signal(signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        while True:
            n = conn.recv()
            if n is None:
                break
            job = jobs[n]
            start = time.perf_counter()
            try:
                data = render_bytes(job.plot, job.fmt)
            except Exception as exc:
                conn.send((n, _failed(job, _describe(exc), time.perf_counter() - start)))
                continue
            with _deferred_signals():
                # announced first: if this process dies between the rename and the result,
                # the parent can still tell from the file whether the write happened
                conn.send((n, _sha256(data), len(data)))
                conn.send((n, _commit(job, data, start)))
    except BaseException:  # a lost parent or a closed pipe: leave quietly, no traceback
        os._exit(1)
    os._exit(0)


@dataclass
class _Worker:
    proc: BaseProcess
    conn: Connection
    job: int | None = None
    rendered: tuple[str, int] | None = None  # sha256 and size of the job's bytes, once drawn


def _file_sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"worker killed by signal {-exitcode} ({signal.Signals(-exitcode).name})"
    return f"worker exited with status {exitcode}"


#: How long stopped workers get to finish a write under way before they are killed.
_STOP_GRACE = 1.0
#: How often the parent looks at the stop flag while it waits for results.
_POLL = 0.05


def _run_pool(
    jobs: Sequence[Job],
    workers: int,
    stop: _StopSignals,
    record: Callable[[int, JobResult], None],
) -> None:
    ctx = get_context("fork")  # fork after import: workers start with matplotlib loaded
    queue = list(range(len(jobs)))
    queue.reverse()
    pool: list[_Worker] = []
    closing = False

    def spawn() -> None:
        here, there = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(there, here, os.getpid(), jobs), daemon=True)
        with _deferred_signals():  # the child sets its own handlers before it takes any
            proc.start()
        there.close()
        pool.append(_Worker(proc, here))

    def receive(w: _Worker) -> bool:
        """Take what ``w`` has sent; False once its pipe is closed."""
        try:
            while w.conn.poll():
                message = w.conn.recv()
                if len(message) == 3:
                    w.rendered = message[1:]
                    continue
                n, result = message
                w.job, w.rendered = None, None
                record(n, result)
        except (EOFError, OSError):
            return False
        return True

    def bury(w: _Worker) -> None:
        """Reap a worker that ended; the job it held failed, unless its file was put in place
        before it died, or the export is stopping (then the job was stopped, not failed)."""
        receive(w)
        w.proc.join()
        if w.job is not None:
            job = jobs[w.job]
            remove_stale_parts(Path(job.path), older_than=0.0, pid=w.proc.pid)
            if w.rendered is not None and _file_sha256(job.path) == w.rendered[0]:
                sha, size = w.rendered
                record(w.job, JobResult(job.path, size, 0.0, sha, "written"))
            elif stop.signum is None and not closing:
                record(w.job, _failed(job, _death(w.proc.exitcode)))
            w.job = None
        w.conn.close()
        pool.remove(w)

    try:
        for _ in range(min(workers, len(jobs))):
            spawn()
        while stop.signum is None:
            for w in pool:
                if w.job is None and queue:
                    w.job = queue.pop()
                    try:
                        w.conn.send(w.job)
                    except OSError:
                        pass  # it died; its sentinel says so below
            busy = [w for w in pool if w.job is not None]
            if not busy:
                break
            ready = set(mp_wait([w.conn for w in busy] + [w.proc.sentinel for w in pool], _POLL))
            for w in list(pool):
                if w.conn in ready:
                    receive(w)
                if w.proc.sentinel in ready:
                    bury(w)
                    if queue and stop.signum is None:
                        spawn()  # the rest of the jobs still get their workers
    finally:
        closing = True  # a job cut short from here on was stopped, not failed
        _stop_pool(pool, receive, bury)


def _stop_pool(
    pool: list[_Worker], receive: Callable[[_Worker], bool], bury: Callable[[_Worker], None]
) -> None:
    """Let idle workers go, stop busy ones (a write under way completes), kill stragglers."""
    for w in pool:
        if w.job is None:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        else:
            _signal(w, signal.SIGTERM)
    deadline = time.monotonic() + _STOP_GRACE
    while pool and time.monotonic() < deadline:
        ready = set(mp_wait([w.proc.sentinel for w in pool], _POLL))
        for w in list(pool):
            if w.proc.sentinel in ready:
                bury(w)
    for w in list(pool):
        _signal(w, signal.SIGKILL)
        bury(w)


def _signal(w: _Worker, sig: int) -> None:
    if w.proc.pid is not None:  # never 0: that would be the whole process group
        with contextlib.suppress(OSError):
            os.kill(w.proc.pid, sig)


# ---- the manifest ----


def _inside(out_dir: Path, name: str) -> bool:
    """Whether a manifest entry names a path within ``out_dir`` (symbolic links resolved)."""
    if not name or os.path.isabs(name):
        return False
    root = os.path.realpath(out_dir)
    return os.path.realpath(os.path.join(root, name)).startswith(root + os.sep)


def check_manifest(out_dir: Path) -> Path:
    """Refuse, before any rendering, a manifest path that no manifest can be written to."""
    path = out_dir / MANIFEST
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise RunError(
            f"cannot read {str(path)!r}: {exc.strerror or exc}", param="out_dir"
        ) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise RunError(
            f"{str(path)!r} is {kind}; move it away so the manifest can be written",
            param="out_dir",
        )
    return path


def load_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest's entries; one that is not valid JSON (or not swl-viz's) is rebuilt from
    empty. Entries naming paths outside ``out_dir`` are dropped."""
    path = check_manifest(out_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError:
        return {}
    except OSError as exc:
        raise RunError(
            f"cannot read {str(path)!r}: {exc.strerror or exc}", param="out_dir"
        ) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {
        k: v
        for k, v in files.items()
        if isinstance(k, str) and isinstance(v, dict) and _inside(out_dir, k)
    }


@contextlib.contextmanager
def _folder_lock(out_dir: Path) -> Iterator[None]:
    """An exclusive flock on the output folder itself: two exports merge their manifests one
    after the other, and no lock file is left behind."""
    try:
        fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise RunError(
            f"cannot open {str(out_dir)!r}: {exc.strerror or exc}", param="out_dir"
        ) from None
    try:
        with contextlib.suppress(OSError):  # a file system without locks still gets a manifest
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def write_manifest(out_dir: Path, jobs: Sequence[Job], results: Sequence[JobResult]) -> Path:
    """Record figure, parameters, format and sha256 of every file the export made.

    Under a lock on the folder, the manifest on disk is read again and merged: entries of other
    exports into the same folder are kept while their files exist.
    """
    path = out_dir / MANIFEST
    by_path = {r.path: r for r in results}
    with _folder_lock(out_dir):
        files = {k: v for k, v in load_manifest(out_dir).items() if (out_dir / k).is_file()}
        for job in jobs:
            result = by_path.get(job.path)
            if result is None or result.status == "failed":
                continue
            name = os.path.relpath(job.path, out_dir)
            if _inside(out_dir, name):
                files[name] = {**job.record(), "sha256": result.sha256}
        text = json.dumps({"files": dict(sorted(files.items()))}, indent=2, sort_keys=True)
        try:
            write_if_changed(path, (text + "\n").encode())
        except RunError as exc:
            raise RunError(str(exc), param="out_dir") from None
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
    progress bar lives there). Failed jobs come back with status "failed"; the rest are kept. A
    worker that dies (the OOM killer's SIGKILL) fails only the job it was rendering.

    SIGINT, SIGTERM and SIGHUP stop the export at once: no job starts after the signal, workers
    are stopped (a write under way completes, nothing half-written stays), the manifest lists
    the files that finished, and :class:`ExportInterrupted` carries their results. The manifest
    is merged under a lock, so concurrent exports into one folder keep each other's entries.
    """
    check_manifest(out_dir)
    done: dict[int, JobResult] = {}

    def record(n: int, result: JobResult) -> None:
        done[n] = result
        on_result(result)

    def finished() -> list[JobResult]:
        return [done[n] for n in sorted(done)]

    stop = _StopSignals()
    with stop.installed():
        try:
            if workers <= 1 or len(jobs) <= 1:
                _run_serial(jobs, stop, record)
            else:
                _run_pool(jobs, workers, stop, record)
        except BaseException:
            with contextlib.suppress(Exception):
                write_manifest(out_dir, jobs, finished())
            raise
        manifest = write_manifest(out_dir, jobs, finished())
    if stop.signum is not None:
        raise ExportInterrupted(stop.signum, finished(), len(jobs), manifest)
    return finished()
