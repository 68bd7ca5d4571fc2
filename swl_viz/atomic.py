"""Files that are whole or absent: write to a temporary name beside the target, then rename.

An interrupted or failing write never leaves half a file, and a file whose bytes would not change
is not touched at all. Standard library only, so every command can use it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from swl_viz.errors import RunError

__all__ = ["TEMP_SUFFIX", "atomic_write", "write_if_changed"]

TEMP_SUFFIX = ".part"


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; rename it into place only if the block succeeds."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise RunError(
            f"cannot write to folder {str(folder)!r}: {exc.strerror or exc}", param="out"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically replace ``path`` with ``data`` unless it already holds exactly those bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    with atomic_write(path) as fh:
        fh.write(data)
    return True
