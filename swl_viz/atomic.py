"""Files that are whole or absent: write to a temporary name beside the target, then rename.

An interrupted or failing write never leaves half a file, and a file whose bytes would not change
is not touched at all. Standard library only, so every command can use it.

The temporary file is ``.NAME.<pid>.<random>.part`` and its writer holds an exclusive
``flock`` on it until the rename. A part file nobody holds a lock on was left by a writer that
died (SIGKILL, a power cut): the next successful write of the same target removes it, once it is
older than :data:`STALE_SECONDS`. The lock tells a live writer from a dead one exactly, however
long a write takes; the age only covers the instant between creating the file and locking it.

While a write is under way, a SIGTERM or SIGHUP that would kill the process outright is turned
into :class:`Interrupted`, so the temporary file is removed before the process goes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO

from swl_viz.errors import RunError

__all__ = [
    "STALE_SECONDS",
    "STOP_SIGNALS",
    "TEMP_SUFFIX",
    "Interrupted",
    "atomic_write",
    "new_file_mode",
    "remove_stale_parts",
    "signals_raise",
    "write_if_changed",
]

TEMP_SUFFIX = ".part"

#: An unlocked part file older than this is abandoned. Writers lock theirs microseconds after
#: creating it, so this only has to outlast that instant.
STALE_SECONDS = 10.0

#: The signals that stop a run; SIGINT already raises KeyboardInterrupt in Python.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A signal (SIGINT, SIGTERM or SIGHUP) stopped the run; the process should exit with
    :attr:`exit_code`, 128 + the signal's number, as a shell reports a process it killed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _umask() -> int:
    """The process's umask, read without changing it where Linux allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, and put it back at once
    os.umask(mask)
    return mask


def new_file_mode(path: Path) -> int:
    """The mode a write gives ``path``: the mode it has now if it is a file, else 0o666 & ~umask,
    as ``open(path, "w")`` would give a new file."""
    try:
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    return 0o666 & ~_umask()


#: Longest file name, in bytes, kept whole in a part file's name: with the dot, the pid, the
#: random tag and the suffix it stays under the 255 bytes most file systems allow.
PART_NAME_BYTES = 200


def _part_prefix(path: Path) -> str:
    """``.NAME.``, with a NAME too long for a part file's name cut and told apart by a hash."""
    name = path.name
    raw = os.fsencode(name)
    if len(raw) > PART_NAME_BYTES:
        tag = hashlib.sha256(raw).hexdigest()[:12]
        name = os.fsdecode(raw[: PART_NAME_BYTES - len(tag) - 1]) + "~" + tag  # bytes, cut
    return f".{name}."


def _held(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    return False


def remove_stale_parts(
    path: Path, *, older_than: float = STALE_SECONDS, pid: int | None = None
) -> list[Path]:
    """Remove the part files of ``path`` that no writer holds and that are at least
    ``older_than`` seconds old (only those of process ``pid``, if given); return them."""
    prefix = _part_prefix(path) + (f"{pid}." if pid is not None else "")
    removed: list[Path] = []
    now = time.time()
    try:
        names = os.listdir(path.parent)
    except OSError:
        return removed
    for name in names:
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        part = path.parent / name
        try:
            fd = os.open(part, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < older_than or _held(fd):
                continue
            os.unlink(part)  # still holding the lock, so no writer can take it meanwhile
            removed.append(part)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Interrupted` where they would kill the process
    outright (default disposition, main thread); leave any handler already installed alone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if not fired:  # once: a second signal must not cut the clean-up short
            fired.append(signum)
            raise Interrupted(signum)

    installed: list[signal.Signals] = []
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) is signal.SIG_DFL:
                signal.signal(sig, handler)
                installed.append(sig)
        yield
    finally:
        for sig in installed:
            signal.signal(sig, signal.SIG_DFL)


def _write_error(path: Path, exc: OSError) -> RunError:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = f"{reason} (the disk is full)"
    return RunError(f"cannot write {str(path)!r}: {reason}", param="out")


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; rename it into place only if the block succeeds.

    A new file gets 0o666 & ~umask, a rewritten one keeps its mode. Any OSError while writing
    (a full disk, a quota, a lost permission) becomes a :class:`RunError` naming ``path``; on
    any failure or interruption the temporary file is removed.
    """
    folder = path.parent
    mode = new_file_mode(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f"{_part_prefix(path)}{os.getpid()}.", suffix=TEMP_SUFFIX, dir=folder
        )
    except OSError as exc:
        raise RunError(
            f"cannot write to folder {str(folder)!r}: {exc.strerror or exc}", param="out"
        ) from None
    lock = os.dup(fd)  # the lock lives on the open file, so it outlasts fh until the rename
    try:
        with signals_raise():
            try:
                fcntl.flock(lock, fcntl.LOCK_EX)
                with os.fdopen(fd, "wb") as fh:
                    yield fh
                os.fchmod(lock, mode)
                os.replace(tmp, path)
            except OSError as exc:
                _unlink(tmp)
                raise _write_error(path, exc) from None
            except BaseException:
                _unlink(tmp)
                raise
    finally:
        os.close(lock)
    with contextlib.suppress(OSError):
        remove_stale_parts(path)


def _unlink(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


#: Bytes of the old file compared at a time.
COMPARE_CHUNK = 1 << 20


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file holding exactly ``data``: compared by size first,
    then a chunk at a time, so an old file of any size costs no more memory than a chunk."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as fh:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
                return False
            view = memoryview(data)
            for start in range(0, len(data), COMPARE_CHUNK):
                want = view[start : start + COMPARE_CHUNK]
                if fh.read(len(want)) != want:
                    return False
            return fh.read(1) == b""
        except OSError:
            return False


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically replace ``path`` with ``data`` unless it already holds exactly those bytes."""
    if _holds(path, data):
        return False
    with atomic_write(path) as fh:
        fh.write(data)
    return True
