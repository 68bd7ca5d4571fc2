"""swl-viz under faults: signals at any moment, dead workers, concurrent exports, full disks,
file modes, stale part files, a broken manifest, and bounded memory for GIFs and data."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

import swl_viz.pool as pool
from swl_viz import gif, learners, loss_grid
from swl_viz.atomic import (
    TEMP_SUFFIX,
    Interrupted,
    atomic_write,
    remove_stale_parts,
    write_if_changed,
)
from swl_viz.errors import RunError
from swl_viz.jobs import Job
from swl_viz.manifest import write_manifest
from swl_viz.plotspec import FigureKind, Plot
from swl_viz.pool import ExportInterrupted, export_jobs

if TYPE_CHECKING:
    from PIL.Image import Image

ROOT = Path(__file__).parents[1]
EXPORT = [
    sys.executable, "-m", "swl_viz", "export", "--figures", "surface,quiver,contour",
    "--t", "1,0", "--t", "0,1", "--t", "0.5,0.5", "--jobs", "2", "--format", "png,svg",
]  # fmt: skip


# ---- helpers -----------------------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(p) for p in text.split()}


def _alive(pid: int) -> bool:
    """A process that still runs (a zombie has finished)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def _parts(folder: Path) -> list[str]:
    return (
        [p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]
        if folder.exists()
        else []
    )


def _check_manifest(folder: Path) -> dict[str, dict[str, object]]:
    """The manifest lists exactly the files present, each with its true sha256."""
    manifest = json.loads((folder / "manifest.json").read_text())
    files: dict[str, dict[str, object]] = manifest["files"]
    present = {p.name for p in folder.iterdir() if p.name != "manifest.json"}
    assert set(files) == present
    for name, entry in files.items():
        assert entry["sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest(), name
    return files


class Export:
    """A real ``python -m swl_viz export`` with its workers watched through /proc."""

    def __init__(self, out: Path, *extra: str) -> None:
        self.out = out
        self.proc = subprocess.Popen(
            [*EXPORT, "--out-dir", str(out), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )
        self.workers: set[int] = set()

    def wait_for_workers(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.workers and time.monotonic() < deadline:
            self.workers |= _children(self.proc.pid)
            time.sleep(0.02)
        assert self.workers, "the export never started its workers"

    def watch(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.proc.poll() is None:
            self.workers |= _children(self.proc.pid)
            time.sleep(0.02)

    def finish(self, timeout: float = 120.0) -> tuple[int, str]:
        _, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, err

    def orphans(self) -> list[int]:
        time.sleep(0.2)  # a worker told to stop has this long to go
        return [pid for pid in self.workers if _alive(pid)]


# ---- signals and dead workers in a real export --------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "delay"),
    [
        (signal.SIGTERM, 0.0),
        (signal.SIGTERM, 0.6),
        (signal.SIGTERM, 1.2),
        (signal.SIGINT, 0.0),
        (signal.SIGINT, 0.9),
        (signal.SIGHUP, 0.5),
    ],
)
def test_a_signal_stops_the_export_cleanly(tmp_path: Path, sig: int, delay: float) -> None:
    # 54 files, seconds of rendering on 2 cores: the export is still under way at every delay
    # (18 files once finished within 0.9 s and the test failed)
    more = ["--t", "0.2,0.8", "--t", "0.8,0.2", "--t", "0.3,0.7", "--format", "png,svg,pdf"]
    run = Export(tmp_path / "deck", *more)
    run.wait_for_workers()
    run.watch(delay)
    assert run.proc.poll() is None, "the export ended before the signal: give it more work"
    sent_ns = time.time_ns()
    sent = time.monotonic()
    run.proc.send_signal(sig)
    code, err = run.finish()
    latency = time.monotonic() - sent
    assert code != 0, err
    assert latency < 2.0, f"took {latency:.2f} s to stop"
    assert "Traceback" not in err and "internal error" not in err, err
    assert run.orphans() == []
    assert _parts(run.out) == []
    files = _check_manifest(run.out)
    # stopped: no job starts after the signal, so only those under way then (one per worker)
    # may finish after it; a file's mtime is never later than its last byte's write. A whole
    # export passes only if all but those two had finished before the signal.
    late = sorted(n for n in files if (run.out / n).stat().st_mtime_ns > sent_ns)
    assert len(late) <= 2, f"{len(late)} of {len(files)} files finished after the signal: {late}"


@pytest.mark.slow
def test_repeated_signals_still_stop_cleanly(tmp_path: Path) -> None:
    run = Export(tmp_path / "deck")
    run.wait_for_workers()
    run.watch(0.5)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        with contextlib.suppress(ProcessLookupError):
            run.proc.send_signal(sig)
        time.sleep(0.003)
    code, err = run.finish()
    assert code != 0
    assert "Traceback" not in err and "internal error" not in err, err
    assert run.orphans() == []
    assert _parts(run.out) == []
    _check_manifest(run.out)


@pytest.mark.slow
def test_a_worker_killed_by_sigkill_fails_only_its_job(tmp_path: Path) -> None:
    run = Export(tmp_path / "deck")
    run.wait_for_workers()
    run.watch(0.8)
    victim = min(_children(run.proc.pid))
    os.kill(victim, signal.SIGKILL)
    run.watch(120)
    code, err = run.finish()
    assert code == 1, err
    assert "worker killed by signal 9" in err
    assert "internal error" not in err and "BrokenProcessPool" not in err
    assert run.orphans() == []
    assert _parts(run.out) == []
    files = _check_manifest(run.out)
    assert len(files) == 17  # the other jobs all finished


@pytest.mark.slow
def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    run = Export(tmp_path / "deck", "--format", "png,svg,pdf")
    run.wait_for_workers()
    run.watch(0.8)
    run.workers |= _children(run.proc.pid)
    run.proc.kill()  # no chance to clean up: the kernel's parent-death signal must do it
    run.finish()
    deadline = time.monotonic() + 2.0
    while run.orphans() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.orphans() == []
    assert _parts(run.out) == []


def _dies_in_worker(plot: Plot, fmt: str) -> bytes:
    if plot.figure == "quiver":
        os.kill(os.getpid(), signal.SIGKILL)
    return b"%s %s" % (plot.figure.encode(), fmt.encode())


def _jobs(folder: Path, figures: tuple[FigureKind, ...], dpi: int = 20) -> list[Job]:
    plots = [Plot(f, dpi=dpi, size=(100 + dpi, 100 + dpi)) for f in figures]
    return [Job(p, "png", str(folder / f"{p.stem('png')}.png")) for p in plots]


def test_export_jobs_reports_a_dead_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "render_bytes", _dies_in_worker)
    jobs = _jobs(tmp_path, ("surface", "quiver", "contour"))
    results = export_jobs(jobs, tmp_path, workers=2)
    assert [r.status for r in results] == ["written", "failed", "written"]
    assert results[1].error.startswith("worker killed by signal 9")
    assert set(json.loads((tmp_path / "manifest.json").read_text())["files"]) == {
        Path(jobs[0].path).name,
        Path(jobs[2].path).name,
    }


def test_a_worker_killed_after_its_rename_still_counts_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = write_if_changed  # the one export imported, before it is patched

    def write_then_die(path: Path, data: bytes) -> bool:
        done = real(path, data)
        if "quiver" in path.name:
            os.kill(os.getpid(), signal.SIGKILL)  # before the result reaches the parent
        return done

    monkeypatch.setattr(pool, "render_bytes", lambda plot, fmt: plot.figure.encode())
    monkeypatch.setattr(pool, "write_if_changed", write_then_die)
    jobs = _jobs(tmp_path, ("surface", "quiver", "contour"))
    results = export_jobs(jobs, tmp_path, workers=2)
    assert [r.status for r in results] == ["written"] * 3
    assert len(_check_manifest(tmp_path)) == 3


def test_a_signal_in_a_pool_export_stops_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def render(plot: Plot, fmt: str) -> bytes:
        if plot.figure != "surface":
            os.kill(os.getppid(), signal.SIGHUP)
            time.sleep(30)  # stopped by the parent, long before this ends
        return plot.figure.encode()

    monkeypatch.setattr(pool, "render_bytes", render)
    jobs = _jobs(tmp_path, ("surface", "quiver", "contour", "surface"), dpi=21)
    start = time.monotonic()
    with pytest.raises(ExportInterrupted) as info:
        export_jobs(jobs, tmp_path, workers=2)
    assert time.monotonic() - start < 2.0
    exc = info.value
    assert exc.signum == signal.SIGHUP and exc.exit_code == 129
    assert all(r.status == "written" for r in exc.results)  # stopped jobs are not failures
    assert exc.total == 4 and exc.done == len(exc.results) < 4
    assert _children(os.getpid()) == set()  # the workers are gone
    assert _parts(tmp_path) == []
    _check_manifest(tmp_path)


def test_a_signal_in_a_serial_export_raises_with_the_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def render(plot: Plot, fmt: str) -> bytes:
        if plot.figure == "quiver":
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # cut short by the signal
        return plot.figure.encode()

    monkeypatch.setattr(pool, "render_bytes", render)
    jobs = _jobs(tmp_path, ("surface", "quiver", "contour"))
    start = time.monotonic()
    with pytest.raises(ExportInterrupted) as info:
        export_jobs(jobs, tmp_path, workers=1)
    assert time.monotonic() - start < 2.0
    exc = info.value
    assert exc.signum == signal.SIGTERM and exc.exit_code == 143
    assert isinstance(exc, KeyboardInterrupt)  # a caller that knows only Ctrl-C still stops
    assert [r.path for r in exc.results] == [jobs[0].path] and exc.total == 3
    assert exc.written == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["manifest.json", Path(jobs[0].path).name]
    )
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back


# ---- concurrent exports into one folder --------------------------------------------------------

SIDE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import swl_viz.manifest as manifest
    import swl_viz.pool as pool
    from swl_viz.jobs import Job
    from swl_viz.pool import export_jobs
    from swl_viz.plotspec import Plot

    real = manifest.load_manifest

    def slow_load(out_dir):  # widen the window between reading and writing the manifest
        files = real(out_dir)
        time.sleep(0.02)
        return files

    manifest.load_manifest = slow_load
    pool.render_bytes = lambda plot, fmt: repr(plot).encode()  # the manifest is under test
    base, label = Path(sys.argv[1]), sys.argv[2]
    t = (1.0, 0.0) if label == "a" else (0.0, 1.0)
    for n in range(20):
        folder = base / f"round{n}"
        folder.mkdir(exist_ok=True)
        while not (base / f"go{n}").exists():
            time.sleep(0.001)
        plots = [Plot(f, t=t, dpi=10, size=(100, 100)) for f in ("contour", "quiver")]
        jobs = [Job(p, "svg", str(folder / f"{p.stem('svg')}.svg")) for p in plots]
        export_jobs(jobs, folder, 1)
        (base / f"done{n}{label}").touch()
    """
)


@pytest.mark.slow
def test_two_exports_into_one_folder_lose_no_entry(tmp_path: Path) -> None:
    script = tmp_path / "side.py"
    script.write_text(SIDE)
    sides = [
        subprocess.Popen([sys.executable, str(script), str(tmp_path), label], cwd=ROOT)
        for label in ("a", "b")
    ]
    try:
        for n in range(20):
            (tmp_path / f"go{n}").touch()  # both sides start each round together
            deadline = time.monotonic() + 60
            while not all((tmp_path / f"done{n}{s}").exists() for s in "ab"):
                assert time.monotonic() < deadline and all(p.poll() in (None, 0) for p in sides)
                time.sleep(0.005)
    finally:
        for p in sides:
            p.wait(timeout=60)
    assert [p.returncode for p in sides] == [0, 0]
    for n in range(20):
        folder = tmp_path / f"round{n}"
        files = _check_manifest(folder)
        assert len(files) == 4, f"round {n}: {sorted(files)}"


# ---- the manifest ------------------------------------------------------------------------------


def test_a_manifest_that_is_a_folder_is_refused_before_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "manifest.json").mkdir()
    monkeypatch.setattr(pool, "render_bytes", lambda plot, fmt: pytest.fail("rendered"))
    with pytest.raises(RunError, match="manifest.json' is a folder") as info:
        export_jobs(_jobs(tmp_path, ("contour",)), tmp_path, workers=1)
    assert info.value.param == "out_dir"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_a_manifest_that_is_not_json_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "manifest.json").write_text('{"files": {"a.png": ')
    monkeypatch.setattr(pool, "render_bytes", lambda plot, fmt: b"figure")
    export_jobs(_jobs(tmp_path, ("contour",)), tmp_path, workers=1)
    _check_manifest(tmp_path)


def test_manifest_entries_outside_the_folder_are_dropped(tmp_path: Path) -> None:
    out = tmp_path / "deck"
    out.mkdir()
    (tmp_path / "secret.png").write_bytes(b"x")
    (out / "link.png").symlink_to(tmp_path / "secret.png")
    (out / "kept.png").write_bytes(b"kept")
    entry = {"figure": "contour", "sha256": "0" * 64}
    names = ["../secret.png", str(tmp_path / "secret.png"), "link.png", "kept.png", "gone.png"]
    (out / "manifest.json").write_text(json.dumps({"files": dict.fromkeys(names, entry)}))
    write_manifest(out, [], [])
    assert list(json.loads((out / "manifest.json").read_text())["files"]) == ["kept.png"]


# ---- writes: modes, stale parts, signals, full disks -------------------------------------------


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_follows_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    with _umask(mask):
        write_if_changed(tmp_path / "a.svg", b"<svg/>")
    assert (tmp_path / "a.svg").stat().st_mode & 0o7777 == mode


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "a.svg"
    target.write_bytes(b"old")
    target.chmod(mode)
    with _umask(0o022):
        assert write_if_changed(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o7777 == mode


def _part(folder: Path, target: str, tag: str, age: float) -> Path:
    part = folder / f".{target}.{tag}{TEMP_SUFFIX}"
    part.write_bytes(b"half")
    stamp = time.time() - age
    os.utime(part, (stamp, stamp))
    return part


def test_a_write_removes_stale_parts_of_its_target(tmp_path: Path) -> None:
    stale = _part(tmp_path, "a.png", "111.old", age=120)
    young = _part(tmp_path, "a.png", "222.new", age=0)
    held = _part(tmp_path, "a.png", "333.held", age=120)
    other = _part(tmp_path, "b.png", "444.old", age=120)
    with open(held, "rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # a live writer, however slow
        write_if_changed(tmp_path / "a.png", b"png")
        assert not stale.exists()
        assert young.exists() and held.exists() and other.exists()


def test_the_parts_of_a_dead_writer_go_whatever_their_age(tmp_path: Path) -> None:
    mine = _part(tmp_path, "a.png", "4242.x", age=0)
    theirs = _part(tmp_path, "a.png", "4243.x", age=0)
    assert remove_stale_parts(tmp_path / "a.png", older_than=0, pid=4242) == [mine]
    assert theirs.exists()


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from swl_viz.atomic import Interrupted, atomic_write

    try:
        with atomic_write(Path(sys.argv[1])) as fh:
            fh.write(b"half a figure")
            fh.flush()
            print("writing", flush=True)
            time.sleep(30)
    except Interrupted as exc:
        sys.exit(exc.exit_code)
    """
)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_a_write_leaves_no_part(tmp_path: Path, sig: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "a.png")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    assert len(_parts(tmp_path)) == 1
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    if sig == signal.SIGINT:
        assert proc.returncode == -signal.SIGINT and "KeyboardInterrupt" in err  # Python's own
    else:
        assert proc.returncode == 128 + sig, err
    assert list(tmp_path.iterdir()) == []


def test_interrupted_knows_its_exit_code() -> None:
    assert Interrupted(signal.SIGTERM).exit_code == 143
    assert Interrupted(signal.SIGINT).exit_code == 130
    assert Interrupted(signal.SIGHUP).exit_code == 129


def test_a_full_disk_is_a_run_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Full(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real = os.fdopen

    def full_disk(fd: int, mode: str) -> Full:
        real(fd, mode).close()
        return Full()

    monkeypatch.setattr(os, "fdopen", full_disk)
    with pytest.raises(RunError, match=r"cannot write '.*grid\.csv': No space left.*disk is full"):
        with atomic_write(tmp_path / "grid.csv") as fh:
            fh.write(b"x0,x1\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_an_export_on_a_full_disk_fails_each_file_by_name(tmp_path: Path) -> None:
    def small_files() -> None:  # every file past 20 kB fails, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    out = tmp_path / "deck"
    done = subprocess.run(
        [*EXPORT, "--figures", "surface,contour", "--t", "1,0", "--out-dir", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert "cannot write" in done.stderr and "surface_t1-0.png" in done.stderr
    assert _parts(out) == []
    _check_manifest(out)


# ---- bounded memory: GIF frames and data blocks ------------------------------------------------


def _frames(n: int) -> list[Image]:
    from PIL import Image

    rng = np.random.default_rng(5)
    base = rng.integers(0, 255, (60, 80, 3), dtype=np.uint8)
    out = []
    for k in range(n):
        rgb = base.copy()
        rgb[10 + 3 * k : 20 + 3 * k, 5:40] = (255, 40 * k % 255, 0)
        out.append(Image.fromarray(rgb).quantize(256, method=Image.Quantize.MEDIANCUT))
    return out


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [0, 0, 1, 1, 1, 2], [0], [0, 0], [0, 1, 0]])
@pytest.mark.parametrize("duration", [83, 5])  # under 10 ms: a frame with no delay, at first
def test_streamed_gif_has_the_bytes_pillow_writes(order: list[int], duration: int) -> None:
    frames = _frames(4)
    seq = [frames[k] for k in order]
    ours = io.BytesIO()
    gif.write_gif((f.copy() for f in seq), ours, duration=duration, loop=0)
    pillow = io.BytesIO()
    seq[0].save(
        pillow, format="GIF", save_all=True, append_images=seq[1:], duration=duration, loop=0
    )
    assert ours.getvalue() == pillow.getvalue()


def test_streamed_gif_hands_pillow_two_frames_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pillow's writer keeps every frame of a sequence until its end; the stream gives it two."""
    from PIL import Image

    real = Image.Image.save
    sizes: list[int] = []

    def save(im: Image.Image, fp: object, *args: object, **params: object) -> None:
        sizes.append(1 + len(params.get("append_images", ())))  # type: ignore[arg-type]
        real(im, fp, *args, **params)  # type: ignore[arg-type]

    monkeypatch.setattr(Image.Image, "save", save)
    gif.write_gif(iter(_frames(12)), io.BytesIO(), duration=50)
    assert len(sizes) == 11 and max(sizes) == 2


def test_streamed_gif_holds_no_more_than_two_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    import weakref

    alive: list[weakref.ref[Image]] = []
    frames = _frames(12)

    def produced() -> Iterator[Image]:
        for f in frames:
            copy = f.copy()
            alive.append(weakref.ref(copy))
            yield copy
            assert sum(r() is not None for r in alive) <= 2

    gif.write_gif(produced(), io.BytesIO(), duration=50)


@pytest.mark.parametrize("fmt", ["csv", "json", "npz"])
def test_data_in_blocks_matches_the_whole_table(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    g = loss_grid(-5, 5, 0.25, [0.2, 0.5, 0.3], logits=[0, 1, 0], temperature=0.7)
    whole = learners.grid_table(g)
    y = g.probabilities().reshape(-1, 3)
    for k in range(3):
        np.testing.assert_array_equal(whole[f"y{k}"], y[:, k])
    monkeypatch.setattr(learners, "DATA_BLOCK_POINTS", 37)  # many blocks, ragged at the end
    buf = io.BytesIO()
    learners.write_data(g, buf, fmt)
    data = buf.getvalue()
    if fmt == "json":
        doc = json.loads(data)
        expect = {k: v.tolist() for k, v in whole.items()}
        assert doc["columns"] == expect
        assert data == json.dumps({"meta": doc["meta"], "columns": expect}).encode()
    elif fmt == "csv":
        lines = data.decode().splitlines()
        assert lines[0] == ",".join(whole)
        got = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
        np.testing.assert_array_equal(got, np.column_stack(list(whole.values())))
    else:
        with np.load(io.BytesIO(data)) as npz:
            for name, v in whole.items():
                np.testing.assert_array_equal(npz[name], v)
            assert json.loads(str(npz["meta"]))["shape"] == [41, 41]


# ---- names at the length limit, and replacing files of any size --------------------------------


@pytest.mark.parametrize(
    "name",
    ["a" * 251 + ".csv", "é" * 125 + ".csv", "日本" * 41 + ".csv"],
    ids=["ascii", "é", "日本"],
)
def test_a_name_at_the_length_limit_is_written(tmp_path: Path, name: str) -> None:
    assert len(os.fsencode(name)) <= 255  # legal, yet too long to prefix as a part file
    target = tmp_path / name
    with atomic_write(target) as fh:
        fh.write(b"whole")
    assert target.read_bytes() == b"whole"
    assert _parts(tmp_path) == []
    assert not write_if_changed(target, b"whole") and write_if_changed(target, b"other")


def test_long_names_that_share_a_start_have_their_own_parts(tmp_path: Path) -> None:
    one, two = tmp_path / ("x" * 240 + "1.png"), tmp_path / ("x" * 240 + "2.png")
    for target in (one, two):
        with atomic_write(target) as fh:
            fh.write(target.name.encode())
    from swl_viz.atomic import _part_prefix

    assert _part_prefix(one) != _part_prefix(two)
    stale = tmp_path / f"{_part_prefix(one)}99999.dead{TEMP_SUFFIX}"  # a dead writer's, of one
    stale.write_bytes(b"half")
    os.utime(stale, (time.time() - 3600,) * 2)
    remove_stale_parts(two, older_than=0.0)
    assert stale.exists()  # not two's to remove
    remove_stale_parts(one, older_than=0.0)
    assert not stale.exists()


def test_replacing_a_file_reads_it_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import swl_viz.atomic as atomic

    target = tmp_path / "x.bin"
    data = os.urandom(5 * atomic.COMPARE_CHUNK + 17)
    target.write_bytes(data)
    reads: list[int] = []
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: object) -> io.BufferedReader:
        fh = real_fdopen(fd, mode)
        real_read = fh.read

        def read(n: int = -1) -> bytes:
            reads.append(n)
            out: bytes = real_read(n)
            return out

        fh.read = read  # type: ignore[method-assign]
        return fh  # type: ignore[return-value]

    monkeypatch.setattr(os, "fdopen", fdopen)
    assert not write_if_changed(target, data)  # the same bytes: left alone
    assert reads and all(0 < n <= atomic.COMPARE_CHUNK for n in reads)
    reads.clear()
    assert write_if_changed(target, data[:-1] + b"!")  # one byte differs, at the very end
    monkeypatch.undo()
    assert target.read_bytes() == data[:-1] + b"!"
    assert not write_if_changed(target, data[:-1] + b"!")
    assert write_if_changed(target, data[:100])  # another size: replaced without reading
    assert target.read_bytes() == data[:100]


def test_replacing_a_huge_file_under_a_memory_limit(tmp_path: Path) -> None:
    """A 3 GB file (sparse: no disk used) replaced under a 2 GB address-space limit."""
    huge = tmp_path / "huge.png"
    with huge.open("wb") as fh:
        fh.truncate(3 << 30)
    code = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from pathlib import Path
        from swl_viz.atomic import write_if_changed
        sys.exit(0 if write_if_changed(Path({str(huge)!r}), b"new") else 3)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert huge.read_bytes() == b"new"


def test_a_huge_or_deep_manifest_is_rebuilt_not_read_whole(tmp_path: Path) -> None:
    """A 3 GB manifest (sparse) under a 2 GB address-space limit, and one nested 100,000 deep:
    neither is one swl-viz wrote, so each is rebuilt from empty, without a MemoryError."""
    huge, deep = tmp_path / "huge", tmp_path / "deep"
    huge.mkdir()
    deep.mkdir()
    with (huge / "manifest.json").open("wb") as fh:
        fh.truncate(3 << 30)
    (deep / "manifest.json").write_text('{"files": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from pathlib import Path
        from swl_viz.manifest import load_manifest
        for folder in ({str(huge)!r}, {str(deep)!r}):
            assert load_manifest(Path(folder)) == {{}}, folder
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
