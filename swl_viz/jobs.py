"""What flows through an export: a :class:`Job` (one file to make) goes to a worker
(:mod:`swl_viz.pool`), comes back as a :class:`JobResult`, and both end in the manifest
(:mod:`swl_viz.manifest`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from swl_viz import __version__
from swl_viz.plotspec import Plot

__all__ = ["Job", "JobResult"]


@dataclass(frozen=True)
class Job:
    """One file to make: picklable, so it can cross to a worker process."""

    plot: Plot
    fmt: str
    path: str

    def record(self) -> dict[str, Any]:
        """The manifest's entry for this file, but for its sha256."""
        import matplotlib  # its version only: a worker has it loaded already

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
