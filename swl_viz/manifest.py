"""The manifest of an export folder: figure, parameters, format and sha256 of every file that
swl-viz made there, merged under a lock on the folder so concurrent exports keep each other's
entries."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from swl_viz.atomic import write_if_changed
from swl_viz.errors import RunError
from swl_viz.jobs import Job, JobResult

__all__ = ["MANIFEST", "check_manifest", "load_manifest", "write_manifest"]

MANIFEST = "manifest.json"
#: The largest manifest read: some 300 bytes an entry, so a quarter of a million files.
MAX_MANIFEST_BYTES = 64 << 20


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
        with path.open("rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
        if len(raw) > MAX_MANIFEST_BYTES:  # not one swl-viz wrote: rebuilt, never read whole
            return {}
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, RecursionError):
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
