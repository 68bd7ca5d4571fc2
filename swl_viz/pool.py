"""Batch export: every :class:`~swl_viz.jobs.Job` rendered in forked worker processes, each file
put in place only if its bytes changed, then the manifest written.

SIGINT, SIGTERM and SIGHUP stop an export cleanly: no job starts after the signal, a write under
way completes, nothing half-written stays, and the manifest lists the files that finished.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as mp_wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Any

from swl_viz.atomic import STOP_SIGNALS, Interrupted, remove_stale_parts, write_if_changed
from swl_viz.errors import SwlVizError
from swl_viz.formats import render_bytes
from swl_viz.jobs import Job, JobResult
from swl_viz.manifest import check_manifest, write_manifest

__all__ = ["ExportInterrupted", "export_jobs", "render_job"]


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


def _html(job: Job) -> dict[str, str]:
    """An exported page loads the one plotly.min.js written beside it (:func:`_shared_scripts`)."""
    return {"plotly": "shared"} if job.fmt == "html" else {}


def _shared_scripts(jobs: Sequence[Job]) -> None:
    """Write plotly.min.js once into each folder that gets a page, before any page: a deck of
    pages then carries plotly.js once, not in every page."""
    folders = sorted({Path(job.path).parent for job in jobs if job.fmt == "html"})
    if not folders:
        return
    from swl_viz.web import PLOTLY_FILE, plotly_js

    script = plotly_js().encode("utf-8")
    for folder in folders:
        write_if_changed(folder / PLOTLY_FILE, script)


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
        data = render_bytes(job.plot, job.fmt, **_html(job))
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
                data = render_bytes(job.plot, job.fmt, **_html(job))
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
                data = render_bytes(job.plot, job.fmt, **_html(job))
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
    _shared_scripts(jobs)
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
