"""The one exception family of swl-viz, below every other module.

Errors name the library parameter or deck field at fault (``label_smoothing``,
``figures[2].t``), never a command-line flag: the command line turns a parameter into its flag
at its own boundary.
"""

from __future__ import annotations

__all__ = ["RunError", "SwlVizError"]


class SwlVizError(ValueError):
    """A bad input or a failed run, with a message meant for the person who caused it.

    ``param`` names the input at fault (``"t"``, ``"step"``, ...) so that a caller can point at
    whatever carries it: a keyword argument, a deck field or a command-line option. ``mentions``
    lists the other parameters the message names, as words (``loss`` in "applies only with loss
    focal"), so that the command line can write them as its options (``--loss``).
    """

    def __init__(
        self, message: str, *, param: str | None = None, mentions: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.param = param
        self.mentions = mentions


class RunError(SwlVizError):
    """A run-time failure (a folder that cannot be written, a job that failed), not bad usage."""
